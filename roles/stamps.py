"""The stamp of a role sheet: a few figures that change whenever anything the sheet shows
changes, read in one query. Pages cache what they render under it (peerwork/fragments.py).

Two kinds of figures, so that no way of writing slips through:
- the length of the sheet's history: every service that changes a sheet writes a line there
  (roles/history.py), and lines are never removed;
- counts and latest dates of the rows themselves (missions, tasks, proposals, versions,
  signatures, holders and their names), which also move when a row is written without a
  service (the platform admin, a script): `updated_at` is set on every save, a removal lowers
  a count, and new rows get higher ids.

The role's own fields are covered by its `revision` and `updated_at`, which pages already read.

Plain SQL: the ORM takes several times longer to compile these subqueries on each request than
the database takes to answer them (all index lookups).
"""

# ruff: noqa: S611 - the SQL names only our own tables (model metadata); values are parameters

from functools import cache

from django.db import connection
from django.db.models.expressions import RawSQL

from missions.models import DailyTask, Mission, Proposal
from structures.models import User

from .models import Role, RoleAssignment, RoleEvent, RoleSheetVersion, Signature


def table_sql(model):
    return connection.ops.quote_name(model._meta.db_table)


def string_agg_sql():
    """The aggregate that joins strings (SQLite and PostgreSQL name it differently)."""
    return "string_agg" if connection.vendor == "postgresql" else "group_concat"


def _figures(source, *aggregates):
    """One scalar subquery giving several aggregates over `source`, joined as text."""
    text = " || '/' || ".join(f"COALESCE(CAST({agg} AS TEXT), '')" for agg in aggregates)
    return f"(SELECT {text} {source})"


@cache
def _columns(r="r"):
    """Subqueries on the role row `r` (an alias or a quoted table name): one per table, each
    giving its figures, then the role's own revision and last save."""
    event, mission, task = table_sql(RoleEvent), table_sql(Mission), table_sql(DailyTask)
    proposal, version, signature, holder = (
        table_sql(Proposal),
        table_sql(RoleSheetVersion),
        table_sql(Signature),
        table_sql(RoleAssignment),
    )
    is_open = "CASE WHEN status = 'open' THEN"
    return [
        f"{r}.revision",
        f"{r}.updated_at",
        _figures(f"FROM {event} WHERE role_id = {r}.id", "COUNT(*)"),
        _figures(f"FROM {mission} WHERE role_id = {r}.id", "COUNT(*)", "MAX(updated_at)"),
        _figures(
            f"FROM {task} t INNER JOIN {mission} m ON t.mission_id = m.id WHERE m.role_id = {r}.id",
            "COUNT(*)",
            "MAX(t.updated_at)",
        ),
        _figures(
            f"FROM {proposal} WHERE role_id = {r}.id",
            "COUNT(*)",
            f"SUM({is_open} 1 ELSE 0 END)",
            f"MIN({is_open} created_at END)",
        ),
        _figures(
            f"FROM {version} WHERE role_id = {r}.id",
            "COUNT(*)",
            "SUM(CASE WHEN status = 'awaiting' THEN 1 ELSE 0 END)",
            "MAX(adopted_at)",
        ),
        # The signatories' names too: the PDF names them.
        _figures(
            f"FROM {signature} s INNER JOIN {version} v ON s.version_id = v.id "
            f"INNER JOIN {table_sql(User)} u ON s.signer_id = u.id WHERE v.role_id = {r}.id",
            "SUM(CASE WHEN s.decision = 'pending' THEN 0 ELSE 1 END)",
            "MAX(s.decided_at)",
            f"{string_agg_sql()}(u.full_name || ' ' || u.email, ',')",
        ),
        # The holders' names too: the sheet shows them, and they change without a history
        # line.
        _figures(
            f"FROM {holder} a INNER JOIN {table_sql(User)} u ON a.peer_worker_id = u.id "
            f"WHERE a.role_id = {r}.id",
            "COUNT(*)",
            "MAX(a.id)",
            f"{string_agg_sql()}(u.full_name || ' ' || u.email, ',')",
        ),
    ]


def stamp_sql(r="r"):
    """The stamp of the role row `r` as one SQL text expression."""
    return " || '|' || ".join(f"COALESCE(CAST({column} AS TEXT), '')" for column in _columns(r))


def with_sheet_stamp(queryset):
    """`queryset` of roles annotated with `sheet_stamp`, read with the role itself."""
    return queryset.annotate(sheet_stamp=RawSQL(stamp_sql(table_sql(Role)), ()))
