"""The read-only API, /api/v1/, with django-ninja (typed schemas, OpenAPI and its docs page
from the same code, served from the app's own static files).

A token sees exactly what its person sees on the pages: every object is fetched through the
same access helpers (structures/access.py, roles/access.py), so an outsider gets 404 and a
capacity that does not reach gets 403. Errors are RFC 9457 problem details. A role answers
with an ETag on its sheet counter: a client that sends it back in If-None-Match gets 304
without the sheet being read.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from core.fragments import FRAGMENT_SECONDS
from facilitation.models import Recommendation, Review
from missions.timing import minutes_per_week
from roles.access import get_role_for_user
from roles.models import Role
from sheets.models import RoleSheetVersion, Signature
from sheets.sheet import sheet_queryset
from structures.access import access_for, get_structure_for_user, visible_structures

from . import schemas
from .tokens import token_user

PROBLEM = "application/problem+json"
PAGE_SIZE = 50


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pw_…`: the token's person becomes the request's user."""

    def authenticate(self, request, token):
        found = token_user(token)
        if found is None:
            return None
        request.user = found.user
        return found


api = NinjaAPI(
    title="peerwork",
    version="1",
    description=(
        "Read-only access to what a person may read on peerwork: structures, role sheets with "
        "their missions and tasks, versions and signatures, indicators, reviews. "
        "Authenticate with a token made on your account page: `Authorization: Bearer pw_…`."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=[AuthRateThrottle(settings.API_RATE)],
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


def problem(status, title, detail="", **headers):
    """An RFC 9457 problem details response."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _not_found_problem():
    return problem(404, _("Not found"), _("Nothing here, or nothing this token may read."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _not_found_problem()


@login_not_required
@require_GET
def unknown(request):
    """Any other address under /api/v1/: a problem too, not the site's HTML 404 page."""
    return _not_found_problem()


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(403, _("Forbidden"), _("This token's person may not read this."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    body = {
        "type": "about:blank",
        "title": _("Invalid request"),
        "status": 422,
        "errors": exc.errors,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=422, content_type=PROBLEM
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if isinstance(exc, AuthenticationError):
        return problem(
            401,
            _("Unauthorized"),
            _("Send a valid token: Authorization: Bearer pw_…"),
            WWW_Authenticate='Bearer realm="peerwork"',
        )
    if isinstance(exc, Throttled):
        return problem(429, _("Too many requests"), _("Wait a little before asking again."))
    return problem(exc.status_code, str(exc))


# --- structures -----------------------------------------------------------------------------


def _structure_out(structure, access):
    return {
        "slug": structure.slug,
        "name": structure.name,
        "kind": structure.get_kind_display(),
        "capacity": access.capacity,
    }


@api.get("/structures/", response=list[schemas.StructureOut], tags=["structures"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def structures(request):
    """The structures the person belongs to or supports today."""
    return [
        _structure_out(s, access_for(s)) for s in visible_structures(request.user).order_by("name")
    ]


@api.get("/structures/{slug}/", response=schemas.StructureDetailOut, tags=["structures"])
def structure(request, slug: str):
    found, access = get_structure_for_user(request.user, slug)
    roles = found.roles.order_by("title").only("id", "title", "sheet_counter")
    return _structure_out(found, access) | {
        "roles": [{"id": r.pk, "title": r.title, "sheet_counter": r.sheet_counter} for r in roles]
    }


# --- roles ----------------------------------------------------------------------------------


def _etag(role):
    """The sheet's counter moves at every write to what the answer shows (core/counters.py);
    the structure's slug is the one thing of another table in it."""
    return f'"role-{role.pk}-{role.sheet_counter}-{role.structure.slug}"'


def _role_out(role):
    tasks_total = 0
    missions = []
    for mission in role.missions.all():
        tasks = [
            {
                "id": task.pk,
                "action": task.action,
                "frequency": task.frequency,
                "times": task.times,
                "duration_minutes": task.duration_minutes,
                "minutes_per_week": minutes_per_week(
                    task.frequency, task.times, task.duration_minutes
                ),
            }
            for task in mission.tasks.all()
        ]
        tasks_total += len(tasks)
        missions.append(
            {
                "id": mission.pk,
                "title": mission.title,
                "description": mission.description,
                "lived_experience": mission.lived_experience,
                "includes": mission.includes,
                "excludes": mission.excludes,
                "latitude": mission.latitude,
                "tasks": tasks,
            }
        )
    lived_share = (
        round(100 * role.minutes_lived / role.minutes_total) if role.minutes_total else None
    )
    return {
        "id": role.pk,
        "structure": role.structure.slug,
        "title": role.title,
        "purpose": role.purpose,
        "people_served": role.people_served,
        "working_hours": role.working_hours,
        "contracted_hours": role.contracted_hours,
        "supervision": role.supervision,
        "lived_experience": role.lived_experience,
        "sheet_counter": role.sheet_counter,
        "holders": [a.peer_worker.get_full_name() for a in role.assignments.all()],
        "missions": missions,
        "indicators": {
            "missions": role.n_missions,
            "tasks": tasks_total,
            "missions_without_tasks": role.n_missions_without_tasks,
            "minutes_per_week": role.minutes_total,
            "minutes_per_week_on_lived_experience": role.minutes_lived,
            "lived_experience_share_percent": lived_share,
            "open_proposals": role.n_open_proposals,
            "adopted_version": role.adopted_number,
            "peer_workers_who_have_not_signed": role.n_unsigned_peer_workers,
        },
    }


@api.get("/structures/{slug}/roles/", response=list[schemas.RoleSummaryOut], tags=["roles"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def structure_roles(request, slug: str):
    found, _access = get_structure_for_user(request.user, slug)
    return (
        Role.objects.filter(structure=found)
        .order_by("title")
        .values("id", "title", "sheet_counter")
    )


@api.get(
    "/roles/{uuid:role_id}/",
    response={200: schemas.RoleOut, 304: None},
    tags=["roles"],
)
def role(request, role_id):
    """A role sheet as it is now, with its missions, tasks and indicators. Send its ETag back in
    If-None-Match: while the sheet has not changed, the answer is 304."""
    found, _access = get_role_for_user(request.user, role_id)
    etag = _etag(found)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    # The answer is made once per state of the sheet, and kept under its ETag.
    key = f"api-role:{etag}"
    body = cache.get(key)
    if body is None:
        full = sheet_queryset().select_related("structure").get(pk=found.pk)
        data = schemas.RoleOut.model_validate(_role_out(full)).model_dump(mode="json")
        body = json.dumps(data, ensure_ascii=False).encode()
        cache.set(key, body, FRAGMENT_SECONDS)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    return response


@api.get("/roles/{uuid:role_id}/versions/", response=list[schemas.VersionOut], tags=["roles"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def role_versions(request, role_id):
    """The versions of a role sheet asked for signatures, newest first, with their signatures."""
    found, _access = get_role_for_user(request.user, role_id)
    versions = RoleSheetVersion.objects.filter(role=found).order_by("-number")
    return [
        {
            "number": v.number,
            "status": v.status,
            "requested_at": v.requested_at,
            "adopted_at": v.adopted_at,
            "fingerprint": v.short_fingerprint(),
            "signatures": [
                {
                    "signatory": s.signer.get_full_name(),
                    "decision": s.decision,
                    "decided_at": s.decided_at,
                }
                for s in v.signatures.all()
            ],
        }
        for v in versions.prefetch_related(Prefetch("signatures", queryset=_signatures()))
    ]


def _signatures():
    return Signature.objects.select_related("signer").order_by("signer__full_name")


# --- reviews --------------------------------------------------------------------------------


@api.get("/structures/{slug}/reviews/", response=list[schemas.ReviewOut], tags=["reviews"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def structure_reviews(request, slug: str):
    """A structure's reviews by its facilitators, with their recommendations: for the
    facilitators who support it and its managers, as on the reviews page."""
    found, access = get_structure_for_user(request.user, slug)
    access.require(access.is_manager or access.is_facilitator)
    reviews = (
        Review.objects.filter(structure=found)
        .select_related("author")
        .prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("position", "id"))
        )
    )
    return [
        {
            "id": r.pk,
            "reviewed_on": r.reviewed_on,
            "author": r.author.get_full_name() if r.author else "",
            "notes": r.notes,
            "recommendations": [
                {
                    "text": rec.text,
                    "status": rec.status,
                    "role": rec.role_id,
                    "mission": rec.mission_id,
                }
                for rec in r.recommendations.all()
            ],
        }
        for r in reviews
    ]
