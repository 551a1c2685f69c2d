"""Parts of pages rendered once per state of the data they show, and kept in Django's cache.

Pages are read far more often than their data changes, and rendering them is most of their
cost. The key of a fragment is computed from what it shows (the counters the database raises
at every write, Role.sheet_counter and Structure.page_counter (core/counters.py), read with the
page's first query) plus who reads it (capacity, language, day): a per-process cache is always
correct, and a stale fragment is never served, only forgotten.

Forms in a cached fragment carry a placeholder instead of the reader's CSRF token (tokens differ
per person); it is replaced by this reader's token on the way out. Only the whole hidden field
the {% csrf_token %} tag writes is replaced: text typed by someone is escaped ("<" and '"'
become entities), so it can never spell that markup, even if it spells the placeholder.

Fragments are kept as UTF-8 bytes and spliced into the page's bytes by `render_page`: a large
sheet is then neither encoded again nor copied at each level of the templates.
"""

import hashlib
import secrets

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

CSRF_PLACEHOLDER = "csrfplaceholder0000000000000000000000000000000000000000000000000"
_CSRF_FIELD = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_CSRF_BYTES = _CSRF_FIELD.format(CSRF_PLACEHOLDER).encode()
FRAGMENT_SECONDS = 60 * 60


def fragment_key(kind, *parts):
    """A cache key for `parts`, in the reader's language and for today (pages say "3 days
    ago")."""
    state = (kind, translation.get_language(), timezone.localdate().isoformat(), *parts)
    return f"fragment:{kind}:" + hashlib.sha256(repr(state).encode()).hexdigest()


class Fragment:
    """Rendered HTML, as UTF-8 bytes."""

    def __init__(self, data):
        self.data = data

    def __html__(self):
        # Printed by a template directly (rather than through render_page).
        return mark_safe(self.data.decode())  # noqa: S308 - rendered from our own templates


def cached_fragment(request, key, template_name, get_context):
    """`template_name` rendered with `get_context()`, from the cache when it holds `key`.

    `get_context` is called only when the fragment is rendered (its queries are saved
    otherwise).
    """
    data = cache.get(key)
    if data is None:
        context = {**get_context(), "csrf_token": CSRF_PLACEHOLDER}
        data = render_to_string(template_name, context, request=request).encode()
        cache.set(key, data, FRAGMENT_SECONDS)
    if _CSRF_BYTES in data:
        data = data.replace(_CSRF_BYTES, _CSRF_FIELD.format(get_token(request)).encode())
    return Fragment(data)


def render_page(request, template_name, context, status=200):
    """Like django.shortcuts.render, with the Fragment values of `context` spliced in."""
    fragments = {}
    for name, value in context.items():
        if isinstance(value, Fragment):
            # User text in the page is escaped, so it cannot spell this comment.
            marker = f"<!--fragment:{name}:{secrets.token_hex(8)}-->"
            fragments[marker.encode()] = value.data
            context = {**context, name: mark_safe(marker)}  # noqa: S308 - our own marker
    content = render_to_string(template_name, context, request=request).encode()
    for marker, data in fragments.items():
        content = content.replace(marker, data, 1)
    return HttpResponse(content, status=status)
