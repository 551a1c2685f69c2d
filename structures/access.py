"""Who may see and change what. Every view fetches its object through one of these helpers:
`get_structure_for_user` here, and beside each entity of the floors above, built on
`fetch_for_user` (`roles/access.py`, `missions/access.py`).

An object is found *through* the user's active memberships and current facilitator supports:
outsiders get 404 (the object's existence is not revealed); people who may read but not write
get 403 when they try to write.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import BooleanField, CharField, Q
from django.http import Http404
from django.utils import timezone

from core.sql import OuterColumnSQL, model_columns, read_instance

from .models import Capacity, FacilitatorSupport, Invitation, Membership, Structure

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


def _tables():
    def column(model, name):
        return model._meta.get_field(name).column

    user_model = Membership._meta.get_field("user").related_model
    return {
        "membership": Membership._meta.db_table,
        "user_table": user_model._meta.db_table,
        "u_id": user_model._meta.pk.column,
        "u_active": user_model._meta.get_field("is_active").column,
        "support": FacilitatorSupport._meta.db_table,
        "m_user": column(Membership, "user"),
        "m_structure": column(Membership, "structure"),
        "m_capacity": column(Membership, "capacity"),
        "m_active": column(Membership, "is_active"),
        "s_facilitator": column(FacilitatorSupport, "facilitator"),
        "s_structure": column(FacilitatorSupport, "structure"),
        "s_start": column(FacilitatorSupport, "start_date"),
        "s_end": column(FacilitatorSupport, "end_date"),
    }


# The SQL twins of `Membership.objects.active()` and `FacilitatorSupport.objects.current_for()`
# (core/sql.py says why); tests/test_access_sql.py checks they answer alike, case by case.
# `{column}` stays for OuterColumnSQL; `%s` are the user's id (and today, twice).
# Table and column names come from the models' _meta: no outside input reaches this SQL.
_CAPACITY_SQL = (  # noqa: S608
    "(SELECT am.{m_capacity} FROM {membership} am"
    " INNER JOIN {user_table} au ON au.{u_id} = am.{m_user}"
    " WHERE am.{m_structure} = {{column}} AND am.{m_user} = %s"
    " AND am.{m_active} AND au.{u_active}"
    " LIMIT 1)"
).format(**_tables())
_SUPPORTS_SQL = (  # noqa: S608
    "EXISTS(SELECT 1 FROM {support} asu WHERE asu.{s_structure} = {{column}}"
    " AND asu.{s_facilitator} = %s AND asu.{s_start} <= %s"
    " AND (asu.{s_end} IS NULL OR asu.{s_end} >= %s))"
).format(**_tables())


def _access_annotations(user, structure_path):
    """Annotations telling, per row, the user's capacity in the row's structure."""
    column = structure_path or "pk"
    today = timezone.localdate()
    return {
        "viewer_capacity": OuterColumnSQL(
            _CAPACITY_SQL, column, [user.pk], output_field=CharField()
        ),
        "viewer_supports": OuterColumnSQL(
            _SUPPORTS_SQL, column, [user.pk, today, today], output_field=BooleanField()
        ),
    }


_VISIBLE = Q(viewer_capacity__isnull=False) | Q(viewer_supports=True)


def access_from(obj, is_assigned=False):
    if obj.viewer_capacity:
        return Access(obj.viewer_capacity, is_assigned=is_assigned)
    return Access(FACILITATOR)


def fetch_for_user(user, queryset, structure_path, **lookup):
    if not user.is_authenticated:
        raise Http404
    # The lookup finds one row at most: no ordering to compile.
    found = (
        queryset.annotate(**_access_annotations(user, structure_path))
        .filter(_VISIBLE, **lookup)
        .order_by()[:1]
    )
    for obj in found:
        return obj
    raise Http404


@dataclass(frozen=True)
class Extra:
    """One more figure read by `fetch_one_for_user`: `sql`, a fragment on `{column}` (the
    column at `path` of the fetched row: "pk", "role", "mission__role"…), with its `params`,
    set on the object as `name` through `read`."""

    name: str
    sql: str
    path: str = "pk"
    params: tuple = ()
    read: Callable = bool


def _chain(model, path):
    """The models from `model` to Structure along the foreign keys of `path` ("" for a
    structure itself), and those foreign keys."""
    chain, keys = [model], []
    for name in filter(None, path.split("__")):
        key = chain[-1]._meta.get_field(name)
        chain.append(key.related_model)
        keys.append(key)
    if chain[-1] is not Structure:
        raise ValueError(f"{path!r} does not lead {model.__name__} to its structure")
    return chain, keys


def _column(chain, keys, path):
    """The SQL of the column at `path` along the chain (table aliases t0, t1…)."""
    *steps, last = path.split("__")
    for level, step in enumerate(steps):
        if keys[level].name != step:
            raise ValueError(f"{path!r} leaves the way to the structure")
    model = chain[len(steps)]
    field = model._meta.pk if last == "pk" else model._meta.get_field(last)
    return f"t{len(steps)}.{connection.ops.quote_name(field.column)}"


@cache
def _one_sql(model, path, lookup, extras):
    """The statement of `fetch_one_for_user` (`extras`: their fragments and paths)."""
    quote = connection.ops.quote_name
    chain, keys = _chain(model, path)
    structure = _column(chain, keys, "__".join([*(k.name for k in keys), "pk"]))
    selected = [
        *(model_columns(each, f"t{level}") for level, each in enumerate(chain)),
        _CAPACITY_SQL.format(column=structure),
        _SUPPORTS_SQL.format(column=structure),
        *(sql.format(column=_column(chain, keys, at)) for sql, at in extras),
    ]
    joins = "".join(
        f" INNER JOIN {quote(target._meta.db_table)} t{level + 1}"
        f" ON t{level + 1}.{quote(target._meta.pk.column)} = t{level}.{quote(key.column)}"
        for level, (key, target) in enumerate(zip(keys, chain[1:], strict=True))
    )
    return (
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} t0{joins}"  # noqa: S608 - names from _meta
        f" WHERE {_column(chain, keys, lookup)} = %s"
    )


def fetch_one_for_user(user, model, path, lookup, value, extras=()):
    """The `model` row whose `lookup` field ("pk", "slug") is `value`, with the rows on the way
    to its structure (`path`, e.g. "role__structure"), if the user sees that structure: what
    `fetch_for_user(user, model.objects.select_related(path), path, **{lookup: value})` gives,
    from one fixed statement. The ORM builds and compiles that query anew at every request
    (about 2 ms of CPU, most of a cached page; core/sql.py); the same fragments here cost
    nothing to build. `extras` are figures read with it (Extra). tests/test_access_sql.py
    checks it answers like the ORM, case by case."""
    if not user.is_authenticated:
        raise Http404
    chain, keys = _chain(model, path)
    field = model._meta.pk if lookup == "pk" else model._meta.get_field(lookup)
    try:
        value = field.get_db_prep_value(field.to_python(value), connection)
    except ValidationError:
        raise Http404 from None
    today = timezone.localdate()
    params = [user.pk, user.pk, today, today]
    for extra in extras:
        params += extra.params
    statement = _one_sql(model, path, lookup, tuple((e.sql, e.path) for e in extras))
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, value])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    objects, start = [], 0
    for each in chain:
        end = start + len(each._meta.concrete_fields)
        objects.append(read_instance(each, row[start:end]))
        start = end
    capacity, supports, *figures = row[start:]
    if capacity is None and not supports:
        raise Http404
    for key, (near, far) in zip(keys, itertools.pairwise(objects), strict=True):
        key.set_cached_value(near, far)
    found = objects[0]
    found.viewer_capacity, found.viewer_supports = capacity, bool(supports)
    for extra, figure in zip(extras, figures, strict=True):
        setattr(found, extra.name, extra.read(figure))
    return found


_INVITATION = Invitation._meta
# The SQL twin of `Invitation.objects.pending()`'s count for the structure `{column}` (`%s`:
# now, adapted for the database), read with the structure page at every request.
_PENDING_SQL = (  # noqa: S608 - names from the model's _meta
    "(SELECT COUNT(*) FROM {table} ai WHERE ai.{structure} = {{column}}"
    " AND ai.{accepted} IS NULL AND ai.{replaced} IS NULL AND ai.{expires} > %s)"
).format(
    table=_INVITATION.db_table,
    structure=_INVITATION.get_field("structure").column,
    accepted=_INVITATION.get_field("accepted_at").column,
    replaced=_INVITATION.get_field("replaced_at").column,
    expires=_INVITATION.get_field("expires_at").column,
)


def pending_invitations():
    """Extra: how many of the structure's invitations are still pending (`n_pending`), as
    `Invitation.objects.pending()` counts them."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return Extra("n_pending", _PENDING_SQL, "pk", (now,), int)


def supported_today_sql(column):
    """The condition that the user (first `%s`) supports the structure `column` today (then
    `%s` twice: today), as `FacilitatorSupport.objects.current_for()` says."""
    return _SUPPORTS_SQL.format(column=column)


def visible_structures(user):
    """Structures where the user is an active member or which they support today."""
    if not user.is_authenticated:
        return Structure.objects.none()
    return Structure.objects.annotate(**_access_annotations(user, "")).filter(_VISIBLE)


def access_for(structure_or_row):
    """The Access of a row annotated by `visible_structures`."""
    return access_from(structure_or_row)


def get_structure_for_user(user, slug, queryset=None, extras=()):
    """The structure through the user's memberships and supports, and their Access. Without a
    `queryset` it is read by one fixed statement (`fetch_one_for_user`, with `extras`)."""
    if queryset is None:
        structure = fetch_one_for_user(user, Structure, "", "slug", slug, extras)
    else:
        structure = fetch_for_user(user, queryset, "", slug=slug)
    return structure, access_from(structure)
