"""Fetching a mission, a daily task or a proposal through the user's structures (see
structures/access.py), and what latitude lets a peer worker do on a mission."""

from roles.access import assigned, assigned_annotation
from structures.access import access_from, fetch_for_user, fetch_one_for_user

from .models import DailyTask, Latitude, Mission, Proposal


def can_edit_tasks(access, mission):
    """Latitude in practice: on an autonomous mission, the role's peer workers change the
    daily tasks themselves, without asking."""
    return access.is_manager or (access.holds_role and mission.latitude == Latitude.AUTONOMOUS)


def within_latitude(access, mission):
    """True when a task change is the peer worker's own, made within their latitude."""
    return not access.is_manager and can_edit_tasks(access, mission)


def _get(model, user, pk, role_path, queryset):
    if queryset is None:  # one fixed statement (structures.access.fetch_one_for_user)
        extras = [assigned(user, role_path)] if user.is_authenticated else []
        path = f"{role_path}__structure"
        obj = fetch_one_for_user(user, model, path, "pk", pk, extras)
        return obj, access_from(obj, obj.viewer_assigned)
    queryset = queryset.select_related(f"{role_path}__structure")
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=assigned_annotation(user, role_path))
    obj = fetch_for_user(user, queryset, f"{role_path}__structure", pk=pk)
    return obj, access_from(obj, obj.viewer_assigned)


def get_mission_for_user(user, mission_id, queryset=None):
    return _get(Mission, user, mission_id, "role", queryset)


def get_task_for_user(user, task_id, queryset=None):
    return _get(DailyTask, user, task_id, "mission__role", queryset)


def get_proposal_for_user(user, proposal_id, queryset=None):
    return _get(Proposal, user, proposal_id, "role", queryset)
