"""Login throttling with django-axes: per account AND address.

Failures are counted per (account, address) pair: from the second failure on, each answer is
slowed down a little more (LOGIN_FAILURE_DELAY seconds per failure, at most 3 steps); at
AXES_FAILURE_LIMIT failures that account is refused from that address for AXES_COOLOFF_TIME.
Other accounts from the same address (a shared office, a shelter's computer) keep working, and
so does the same account from elsewhere. A successful login resets the count.

Axes keeps only a keyed hash of the typed address (`account_key`), never the address itself.
"""

import time

from django.conf import settings
from django.shortcuts import render

from core.security_log import account_hash

SLOWDOWN_STEPS = 3


def account_key(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the account a login attempt is about, as a keyed hash of the
    typed address (case and spaces ignored, so "Ana@x.org " and "ana@x.org" are one account)."""
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get("username")
    return account_hash(username)


def slow_down(sender, credentials, request=None, **kwargs):
    """Receiver of user_login_failed, after axes counted the failure."""
    failures = getattr(request, "axes_failures_since_start", None) or 0
    if getattr(request, "axes_locked_out", False) or failures < 2:
        return
    delay = settings.LOGIN_FAILURE_DELAY * min(failures - 1, SLOWDOWN_STEPS)
    if delay > 0:
        time.sleep(delay)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a plain page in the reader's language (HTTP 429)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
