"""Fetching a role through the user's structures (see structures/access.py)."""

from django.db.models import BooleanField

from core.sql import OuterColumnSQL
from structures.access import access_from, fetch_for_user

from .models import Role, RoleAssignment


def assigned_annotation(user, role_path):
    """Whether `user` holds the role found at `role_path` of each row (a fixed fragment rather
    than an `Exists`: every page asks it, see core/sql.py)."""
    table = RoleAssignment._meta.db_table
    role = RoleAssignment._meta.get_field("role").column
    person = RoleAssignment._meta.get_field("peer_worker").column
    return OuterColumnSQL(
        f"EXISTS(SELECT 1 FROM {table} ara WHERE ara.{role} = {{column}} AND ara.{person} = %s)",  # noqa: S608 - names from the model's _meta
        role_path,
        [user.pk],
        output_field=BooleanField(),
    )


def get_role_for_user(user, role_id, queryset=None):
    queryset = (queryset if queryset is not None else Role.objects.all()).select_related(
        "structure"
    )
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=assigned_annotation(user, "pk"))
    role = fetch_for_user(user, queryset, "structure", pk=role_id)
    return role, access_from(role, role.viewer_assigned)
