"""The role sheet page, and the pieces of it that in-place edits (htmx) send back.

`sheet_context` builds what the sheet shows in a fixed number of queries; the page and the
partial responses share it, so a section updated in place looks exactly like the page.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import reswap, retarget

from core.fragments import cached_fragment, fragment_key
from missions.access import can_edit_tasks
from missions.models import Mission
from roles.access import get_role_for_user
from roles.models import Role, RoleAssignment
from sheets.indicators import with_indicators
from sheets.models import RoleSheetVersion, Signature

from . import reviews
from .panels import panels_for
from .snapshots import diff, snapshot

# The element of the sheet page that in-place edits replace.
MISSIONS_SECTION = "#missions"


def _assignments():
    return Prefetch(
        "assignments",
        queryset=RoleAssignment.objects.select_related("peer_worker").order_by(
            "peer_worker__full_name", "peer_worker__email"
        ),
    )


def sheet_content():
    """A role's missions, tasks and holders, in a fixed number of queries (what is printed)."""
    return Role.objects.prefetch_related(
        Prefetch("missions", queryset=Mission.objects.prefetch_related("tasks")), _assignments()
    )


def sheet_queryset():
    """Everything the role sheet shows, in a fixed number of queries."""
    return with_indicators(sheet_content())


def sheet_context(request, role, access):
    """The sheet's context, for a role fetched with `sheet_queryset()`."""
    adopted = awaiting = None
    for version in role.versions.filter(
        status__in=[RoleSheetVersion.Status.ADOPTED, RoleSheetVersion.Status.AWAITING]
    ).annotate(n_early=Count("early_requests", filter=Q(early_requests__answered_at__isnull=True))):
        if version.status == RoleSheetVersion.Status.ADOPTED:
            adopted = version
        else:
            awaiting = version
    # Always one query (a prefetch would be skipped when there is no version).
    signatures = list(
        Signature.objects.filter(
            version__role=role, version__status=RoleSheetVersion.Status.AWAITING
        )
    )
    return {
        "role": role,
        "access": access,
        # Latitude: which missions' tasks this person may change directly.
        "editable_task_missions": {m.pk for m in role.missions.all() if can_edit_tasks(access, m)},
        "adopted": adopted,
        # A review that has come is among the health warnings; before, the date is said here.
        "review_line": reviews.review_line(adopted)
        if adopted is not None and not reviews.is_due(adopted)
        else "",
        "draft_differs": adopted is not None and bool(diff(adopted.snapshot, snapshot(role))),
        "awaiting": awaiting,
        "awaiting_signed": sum(s.decision == Signature.Decision.SIGNED for s in signatures),
        "awaiting_total": len(signatures),
        "my_signature_pending": any(
            s.signer_id == request.user.pk and s.decision != Signature.Decision.SIGNED
            for s in signatures
        ),
        # What upper floors add to the sheet (sheets/panels.py).
        "panels": panels_for(role, access),
    }


def render_sheet_update(request, role, access, *, focus=""):
    """The missions section as it is now, with the indicators and the messages out of band.

    `focus` is the id of the element that takes the focus after the swap (static/js). The
    response always replaces the missions section, whatever element asked for it.
    """
    context = sheet_context(request, role, access)
    response = render(request, "roles/_sheet_update.html", {**context, "focus": focus})
    patch_vary_headers(response, ["HX-Request"])
    return reswap(retarget(response, MISSIONS_SECTION), "outerHTML")


def sheet_update(request, role_id, *, focus=""):
    """`render_sheet_update` for a role fetched afresh (after a change), with the user's access."""
    role, access = get_role_for_user(request.user, role_id, sheet_queryset())
    return render_sheet_update(request, role, access, focus=focus)


def sheet_body(request, role, access):
    """The sheet page's content, rendered once per state of the sheet.

    `role` comes from `get_role_for_user` (its `sheet_counter` is a column of the row).
    Rendering the sheet is most of the page's cost (a form and links per task), while sheets
    are read far more often than changed. What the body shows depends on the sheet (its
    `sheet_counter`, which every write to what it shows moves: core/counters.py), on who reads
    it (capacity, whether they hold the role, and for the people who sign, whose signature is
    awaited), on the language and the day (fragment_key).
    """
    key = fragment_key(
        "sheet",
        role.pk,
        role.structure.name,
        role.sheet_counter,
        access.capacity,
        access.is_assigned,
        request.user.pk if access.can_propose else None,
    )

    def get_context():
        full = sheet_queryset().select_related("structure").get(pk=role.pk)
        return sheet_context(request, full, access)

    return cached_fragment(request, key, "roles/detail.html#body", get_context)
