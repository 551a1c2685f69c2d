"""Who may see and change what. Every view fetches its object through one of these helpers.

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

    def can_edit_tasks(self, mission):
        """Latitude in practice: on an autonomous mission, the role's peer workers change the
        daily tasks themselves, without asking."""
        from missions.models import Latitude

        return self.is_manager or (self.holds_role and mission.latitude == Latitude.AUTONOMOUS)

    def within_latitude(self, mission):
        """True when a task change is the peer worker's own, made within their latitude."""
        return not self.is_manager and self.can_edit_tasks(mission)


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


def _access_from(obj, is_assigned=False):
    if obj.viewer_capacity:
        return Access(obj.viewer_capacity, is_assigned=is_assigned)
    return Access(FACILITATOR)


def _fetch(user, queryset, structure_path, **lookup):
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
    return _access_from(structure_or_row)


def get_structure_for_user(user, slug, queryset=None):
    queryset = queryset if queryset is not None else Structure.objects.all()
    structure = _fetch(user, queryset, "", slug=slug)
    return structure, _access_from(structure)


def _assigned_annotation(user, role_path):
    from roles.models import RoleAssignment

    return Exists(RoleAssignment.objects.filter(role=OuterRef(role_path), peer_worker=user))


def get_role_for_user(user, role_id, queryset=None):
    from roles.models import Role

    queryset = (queryset if queryset is not None else Role.objects.all()).select_related(
        "structure"
    )
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=_assigned_annotation(user, "pk"))
    role = _fetch(user, queryset, "structure", pk=role_id)
    return role, _access_from(role, role.viewer_assigned)


def get_mission_for_user(user, mission_id, queryset=None):
    from missions.models import Mission

    queryset = (queryset if queryset is not None else Mission.objects.all()).select_related(
        "role__structure"
    )
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=_assigned_annotation(user, "role"))
    mission = _fetch(user, queryset, "role__structure", pk=mission_id)
    return mission, _access_from(mission, mission.viewer_assigned)


def get_task_for_user(user, task_id, queryset=None):
    from missions.models import DailyTask

    queryset = (queryset if queryset is not None else DailyTask.objects.all()).select_related(
        "mission__role__structure"
    )
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=_assigned_annotation(user, "mission__role"))
    task = _fetch(user, queryset, "mission__role__structure", pk=task_id)
    return task, _access_from(task, task.viewer_assigned)


def get_proposal_for_user(user, proposal_id, queryset=None):
    from missions.models import Proposal

    queryset = (queryset if queryset is not None else Proposal.objects.all()).select_related(
        "role__structure"
    )
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=_assigned_annotation(user, "role"))
    proposal = _fetch(user, queryset, "role__structure", pk=proposal_id)
    return proposal, _access_from(proposal, proposal.viewer_assigned)
