"""Fetching a role through the user's structures (see structures/access.py)."""

from django.db.models import Exists, OuterRef

from structures.access import access_from, fetch_for_user

from .models import Role, RoleAssignment


def assigned_annotation(user, role_path):
    """Whether `user` holds the role found at `role_path` of each row."""
    return Exists(RoleAssignment.objects.filter(role=OuterRef(role_path), peer_worker=user))


def get_role_for_user(user, role_id, queryset=None):
    queryset = (queryset if queryset is not None else Role.objects.all()).select_related(
        "structure"
    )
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=assigned_annotation(user, "pk"))
    role = fetch_for_user(user, queryset, "structure", pk=role_id)
    return role, access_from(role, role.viewer_assigned)
