"""The home page and the structure page: they show what every floor holds."""

from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone

from checkins.models import Cadence
from checkins.services import cadence_of
from core.fragments import cached_fragment, fragment_key, render_page
from facilitation.waiting import waiting_counts
from roles.counters import sheets_total
from roles.models import Role, RoleAssignment
from sheets.indicators import with_indicators
from structures.access import get_structure_for_user, pending_invitations, visible_structures
from structures.models import FacilitatorSupport, Invitation, Membership


def home(request):
    """What to do next, for each kind of person. A facilitator who belongs to no structure
    starts from their portfolio."""
    structures = list(visible_structures(request.user).order_by("name"))
    if structures and not any(structure.viewer_capacity for structure in structures):
        return redirect("portfolio")
    my_roles = list(
        Role.objects.filter(
            assignments__peer_worker=request.user,
            structure__memberships__user=request.user,
            structure__memberships__is_active=True,
        )
        .select_related("structure")
        .order_by("structure__name", "title")
    )
    supports_some = any(structure.viewer_supports for structure in structures)
    # What waits for the person, by kind (facilitation/waiting.py), in one query.
    next_steps = waiting_counts(request.user)
    return render(
        request,
        "home.html",
        {
            "structures": structures,
            "my_roles": my_roles,
            "supports_some": supports_some,
            "next_steps": next_steps,
            "n_waiting": sum(next_steps.values()),
        },
    )


def structure_detail(request, slug):
    """The structure's role sheets and people; the content is rendered once per state of what
    it shows and of who reads it.

    The state is read with the structure: its `page_counter` (its fields, people, invitations,
    which roles it has) and the sum of its sheets' counters (roles/counters.py), which every
    write moves (core/counters.py), and the number of invitations still pending, which goes
    down without a write when one expires.
    """
    structure, access = get_structure_for_user(
        request.user, slug, extras=[sheets_total(), pending_invitations()]
    )

    def get_context():
        roles = list(
            with_indicators(structure.roles.all())
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=RoleAssignment.objects.select_related("peer_worker").order_by(
                        "peer_worker__full_name"
                    ),
                )
            )
            .order_by("title")
        )
        members = (
            Membership.objects.active()
            .filter(structure=structure)
            .select_related("user")
            .order_by("capacity", "user__full_name", "user__email")
        )
        facilitators = (
            FacilitatorSupport.objects.current()
            .filter(structure=structure)
            .select_related("facilitator")
        )
        invitations = (
            Invitation.objects.pending().filter(structure=structure) if access.can_edit else []
        )
        return {
            "structure": structure,
            "access": access,
            "roles": roles,
            # The agreements that come back for review, soonest first.
            "by_review": sorted(
                (role for role in roles if role.review_on), key=lambda r: (r.review_on, r.title)
            ),
            "today": timezone.localdate(),
            "members": members,
            "facilitators": facilitators,
            "invitations": invitations,
            "cadence": Cadence(cadence_of(structure.pk)).label,
        }

    key = fragment_key(
        "structure",
        structure.pk,
        [structure.name, structure.slug, structure.kind, structure.city],
        [structure.page_counter, structure.sheets_total, structure.n_pending],
        access.capacity,
        # Managers see a button to remove each colleague's access, but not their own.
        request.user.pk if access.can_edit else None,
    )
    return render_page(
        request,
        "structures/detail.html",
        {
            "structure": structure,
            "content": cached_fragment(request, key, "structures/detail.html#content", get_context),
        },
    )
