"""Who may see and change what. Every view fetches its object through one of these helpers:
`get_structure_for_user` here, and beside each entity of the floors above, built on
`fetch_for_user` (`roles/access.py`, `missions/access.py`).

An object is found *through* the user's active memberships and current facilitator supports:
outsiders get 404 (the object's existence is not revealed); people who may read but not write
get 403 when they try to write.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404

from .models import Capacity, FacilitatorSupport, Membership, Structure

FACILITATOR = "facilitator"


class CapacityDenied(PermissionDenied):
    """A 403 that knows the person's capacity in the structure, so that its page explains who
    does this instead, in words that fit them (peerwork.views.permission_denied)."""

    def __init__(self, capacity):
        super().__init__(capacity)
        self.capacity = capacity


@dataclass(frozen=True)
class Access:
    """What the current user is to a structure (and, for a role, whether they hold it)."""

    capacity: str  # Capacity value, or FACILITATOR
    is_assigned: bool = False

    @property
    def is_manager(self):
        return self.capacity == Capacity.MANAGER

    @property
    def is_peer_worker(self):
        return self.capacity == Capacity.PEER_WORKER

    @property
    def is_facilitator(self):
        return self.capacity == FACILITATOR

    @property
    def can_edit(self):
        """Only the structure's managers write role sheets directly."""
        return self.is_manager

    def require_edit(self):
        self.require(self.can_edit)

    def require(self, allowed):
        if not allowed:
            raise CapacityDenied(self.capacity)

    @property
    def holds_role(self):
        return self.is_peer_worker and self.is_assigned

    @property
    def can_propose(self):
        """The people on the role propose adjustments: its peer workers and the managers."""
        return self.is_manager or self.holds_role

    @property
    def can_discuss(self):
        """Proposals are discussed by the people on the role and the supporting facilitator."""
        return self.can_propose or self.is_facilitator

    @property
    def can_decide(self):
        return self.is_manager


def _access_annotations(user, structure_path):
    """Annotations telling, per row, the user's capacity in the row's structure."""
    ref = OuterRef(structure_path or "pk")
    return {
        "viewer_capacity": Subquery(
            Membership.objects.active().filter(user=user, structure=ref).values("capacity")[:1]
        ),
        "viewer_supports": Exists(FacilitatorSupport.objects.current_for(user, ref)),
    }


_VISIBLE = Q(viewer_capacity__isnull=False) | Q(viewer_supports=True)


def access_from(obj, is_assigned=False):
    if obj.viewer_capacity:
        return Access(obj.viewer_capacity, is_assigned=is_assigned)
    return Access(FACILITATOR)


def fetch_for_user(user, queryset, structure_path, **lookup):
    if not user.is_authenticated:
        raise Http404
    obj = (
        queryset.annotate(**_access_annotations(user, structure_path))
        .filter(_VISIBLE, **lookup)
        .first()
    )
    if obj is None:
        raise Http404
    return obj


def visible_structures(user):
    """Structures where the user is an active member or which they support today."""
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.annotate(**_access_annotations(user, "")).filter(_VISIBLE)


def access_for(structure_or_row):
    """The Access of a row annotated by `visible_structures`."""
    return access_from(structure_or_row)


def get_structure_for_user(user, slug, queryset=None):
    queryset = queryset if queryset is not None else Structure.objects.all()
    structure = fetch_for_user(user, queryset, "", slug=slug)
    return structure, access_from(structure)
