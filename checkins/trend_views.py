"""The trend charts as SVG images, one per URL (the pages show them in <img>, with a table of
the same figures beside). A role's charts are for the people who read its check-ins; a
structure's for its managers and its supporting facilitator. Outsiders get 404, others 403.

Each image is drawn once per state of the data: keyed on the counter the database raises at
every check-in and cadence change (`Role.sheet_counter`, `Structure.page_counter`,
core/counters.py), in the reader's language, for today (core/fragments.py)."""

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from core.fragments import FRAGMENT_SECONDS, fragment_key
from roles.access import get_role_for_user
from structures.access import get_structure_for_user

from .charts import KINDS, chart_svg
from .services import reads_checkins
from .trends import role_trends, structure_trends

# pygal styles its SVG with an inline <style>: allowed for these answers only, nothing else.
SVG_CSP = {
    "default-src": [CSP.NONE],
    "object-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


def _svg(key, draw):
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, FRAGMENT_SECONDS)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@csp_override(SVG_CSP)
def role_trend(request, role_id, kind):
    if kind not in KINDS:
        raise Http404
    role, access = get_role_for_user(request.user, role_id)
    access.require(reads_checkins(access))
    key = fragment_key("role_trend", kind, role.pk, role.sheet_counter)
    return _svg(key, lambda: chart_svg(role_trends([role.pk])[role.pk], kind))


@csp_override(SVG_CSP)
def structure_trend(request, slug, kind):
    if kind not in KINDS:
        raise Http404
    structure, access = get_structure_for_user(request.user, slug)
    access.require(access.is_manager or access.is_facilitator)
    key = fragment_key("structure_trend", kind, structure.pk, structure.page_counter)
    return _svg(key, lambda: chart_svg(structure_trends([structure.pk])[structure.pk], kind))
