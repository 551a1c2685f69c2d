"""Who may see and change what. Every view fetches its object through one of these helpers:
`get_structure_for_user` here, and beside each entity of the floors above, built on
`fetch_for_user` (`roles/access.py`, `missions/access.py`).

An object is found *through* the user's active memberships and current facilitator supports:
outsiders get 404 (the object's existence is not revealed); people who may read but not write
get 403 when they try to write.
"""

from dataclasses import dataclass
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import BooleanField, CharField, Q
from django.http import Http404
from django.utils import timezone

from core.sql import OuterColumnSQL, model_columns, read_instance

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


@cache
def _by_pk_sql(model, extra_sql):
    """The statement of `fetch_by_pk_for_user` for `model` and its `extra` fragments."""
    quote = connection.ops.quote_name
    structure = model._meta.get_field("structure")
    row = f"t.{quote(model._meta.pk.column)}"
    annotations = [
        _CAPACITY_SQL.format(column=f"t.{quote(structure.column)}"),
        _SUPPORTS_SQL.format(column=f"t.{quote(structure.column)}"),
        *(fragment.format(column=row) for fragment in extra_sql),
    ]
    return (
        f"SELECT {model_columns(model, 't')}, {model_columns(Structure, 's')}, "  # noqa: S608 - names from _meta
        f"{', '.join(annotations)} FROM {quote(model._meta.db_table)} t "
        f"INNER JOIN {quote(Structure._meta.db_table)} s "
        f"ON s.{quote(Structure._meta.pk.column)} = t.{quote(structure.column)} "
        f"WHERE {row} = %s"
    )


def fetch_by_pk_for_user(user, model, pk, extra=()):
    """The `model` row of primary key `pk` with its structure, if the user sees the structure:
    what `fetch_for_user(user, model.objects.select_related("structure"), "structure", pk=pk)`
    gives, from one fixed statement (the ORM builds and compiles that query anew at every
    request: about 2 ms of CPU, most of a cached page; core/sql.py). `extra` holds (name, SQL
    fragment on `{column}`, the row's primary key, params) for true-or-false annotations.
    tests/test_access_sql.py checks it answers like the ORM, case by case."""
    if not user.is_authenticated:
        raise Http404
    try:
        key = model._meta.pk.get_db_prep_value(model._meta.pk.to_python(pk), connection)
    except ValidationError:
        raise Http404 from None
    today = timezone.localdate()
    params = [user.pk, user.pk, today, today]
    for _name, _fragment, fragment_params in extra:
        params += fragment_params
    with connection.cursor() as cursor:
        cursor.execute(_by_pk_sql(model, tuple(f for _n, f, _p in extra)), [*params, key])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    own = len(model._meta.concrete_fields)
    theirs = own + len(Structure._meta.concrete_fields)
    capacity, supports, *flags = row[theirs:]
    if capacity is None and not supports:
        raise Http404
    obj = read_instance(model, row[:own])
    model._meta.get_field("structure").set_cached_value(
        obj, read_instance(Structure, row[own:theirs])
    )
    obj.viewer_capacity, obj.viewer_supports = capacity, bool(supports)
    for (name, _fragment, _params), flag in zip(extra, flags, strict=True):
        setattr(obj, name, bool(flag))
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
