"""Values that are costly to make (PDFs), kept in Django's cache and made by one request at a
time per key.

Without it, parallel requests for a PDF nobody has yet each build it, and gthread workers are
not stopped by gunicorn's timeout. The first request takes a lock (`cache.add`, atomic in
every cache backend); the others poll the cache for its result. A lock left by a request that
died expires, and a waiting request then builds the value itself.
"""

import time

from django.core.cache import cache

LOCK_SECONDS = 30
POLL_SECONDS = 0.05


def cached_build(key, build, *, seconds, lock_seconds=LOCK_SECONDS, poll=POLL_SECONDS):
    """The value cached under `key`, else `build()`'s, cached for `seconds`; while one caller
    builds it, the others wait for it (at most `lock_seconds`)."""
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}:building"
    owned = cache.add(lock, 1, lock_seconds)
    if not owned:
        deadline = time.monotonic() + lock_seconds
        while time.monotonic() < deadline:
            time.sleep(poll)
            value = cache.get(key)
            if value is not None:
                return value
            # The lock expired (its owner died or gave up): build it ourselves.
            owned = cache.add(lock, 1, lock_seconds)
            if owned:
                break
    try:
        value = cache.get(key)  # made between our first look and the lock
        if value is None:
            value = build()
            cache.set(key, value, seconds)
        return value
    finally:
        if owned:
            cache.delete(lock)
