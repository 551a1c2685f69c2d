"""Fetching a role through the user's structures (see structures/access.py)."""

from django.db.models import BooleanField

from core.sql import OuterColumnSQL
from structures.access import Extra, access_from, fetch_for_user, fetch_one_for_user

from .models import Role, RoleAssignment

_ASSIGNMENT = RoleAssignment._meta
# Whether a person holds the role whose id is `{column}` (`%s`: the person's id). Names come
# from the model's _meta: no outside input reaches this SQL.
_ASSIGNED_SQL = (  # noqa: S608
    "EXISTS(SELECT 1 FROM {table} ara WHERE ara.{role} = {{column}} AND ara.{person} = %s)"
).format(
    table=_ASSIGNMENT.db_table,
    role=_ASSIGNMENT.get_field("role").column,
    person=_ASSIGNMENT.get_field("peer_worker").column,
)


def assigned_annotation(user, role_path):
    """Whether `user` holds the role found at `role_path` of each row (a fixed fragment rather
    than an `Exists`: every page asks it, see core/sql.py)."""
    return OuterColumnSQL(_ASSIGNED_SQL, role_path, [user.pk], output_field=BooleanField())


def assigned(user, path):
    """Whether `user` holds the role at `path` of the fetched row, for `fetch_one_for_user`."""
    return Extra("viewer_assigned", _ASSIGNED_SQL, path, (user.pk,))


def get_role_for_user(user, role_id, queryset=None):
    """The role through the user's structures, with its structure, and the user's Access.
    Without a `queryset` (the role's own columns are enough) it is read by one fixed statement
    (structures.access.fetch_one_for_user); pages that need more pass theirs."""
    if queryset is None:
        extras = [assigned(user, "pk")] if user.is_authenticated else []
        role = fetch_one_for_user(user, Role, "structure", "pk", role_id, extras)
        return role, access_from(role, role.viewer_assigned)
    queryset = queryset.select_related("structure")
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_assigned=assigned_annotation(user, "pk"))
    role = fetch_for_user(user, queryset, "structure", pk=role_id)
    return role, access_from(role, role.viewer_assigned)
