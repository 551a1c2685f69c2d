"""Parts of pages rendered once per state of the data they show, and kept in Django's cache.

Pages are read far more often than their data changes, and rendering them is most of their
cost. The key of a fragment is computed from what it shows (see `Role.objects.with_stamp()`)
plus who reads it (capacity, language, day): a per-process cache is always correct, and a
stale fragment is never served, only forgotten.

Forms in a cached fragment carry a placeholder instead of the reader's CSRF token (tokens differ
per person); it is replaced by this reader's token on the way out.
"""

import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

CSRF_PLACEHOLDER = "csrfplaceholder0000000000000000000000000000000000000000000000000"
FRAGMENT_SECONDS = 60 * 60


def fragment_key(kind, *parts):
    """A cache key for `parts`, in the reader's language and for today (pages say "3 days
    ago")."""
    state = (kind, translation.get_language(), timezone.localdate().isoformat(), *parts)
    return f"fragment:{kind}:" + hashlib.sha256(repr(state).encode()).hexdigest()


def cached_fragment(request, key, template_name, get_context):
    """`template_name` rendered with `get_context()`, from the cache when it holds `key`.

    `get_context` is called only when the fragment is rendered (its queries are saved
    otherwise).
    """
    html = cache.get(key)
    if html is None:
        context = {**get_context(), "csrf_token": CSRF_PLACEHOLDER}
        html = render_to_string(template_name, context, request=request)
        cache.set(key, html, FRAGMENT_SECONDS)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered from our own templates, escaped there
