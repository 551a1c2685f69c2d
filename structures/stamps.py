"""The stamp of a structure's page: the stamps of its role sheets (roles/stamps.py) and the
figures of its people (members, facilitators, invitations), read with the structure itself.
The page's content is cached under it (structures/views.py).

Everything the page lists is in it, whoever writes it (services, the platform admin): rows,
their state (active, dates, capacity) and the names shown.
"""

# ruff: noqa: S611 - the SQL names only our own tables (model metadata); values are parameters

from django.db.models.expressions import RawSQL
from django.utils import timezone

from roles.models import Role
from roles.stamps import stamp_sql, string_agg_sql, table_sql

from .models import FacilitatorSupport, Invitation, Membership, Structure, User


def _text(*columns):
    return " || ':' || ".join(f"COALESCE(CAST({column} AS TEXT), '')" for column in columns)


def _list(select, source):
    return f"COALESCE((SELECT {string_agg_sql()}({select}, ',') {source}), '')"


def _sheets(s):
    """The stamps of the role sheets of the structure row `s`."""
    return _list(
        _text("r.id", stamp_sql("r")), f"FROM {table_sql(Role)} r WHERE r.structure_id = {s}.id"
    )


def with_sheets_stamp(queryset):
    """`queryset` of structures annotated with `sheets_stamp`, the stamps of their sheets."""
    return queryset.annotate(sheets_stamp=RawSQL(_sheets(table_sql(Structure)), ()))


def with_page_stamp(queryset):
    """`queryset` of structures annotated with `page_stamp`."""
    s = table_sql(Structure)
    user = table_sql(User)
    parts = [
        _sheets(s),
        _list(
            _text("m.id", "m.capacity", "m.is_active", "u.is_active", "u.full_name", "u.email"),
            f"FROM {table_sql(Membership)} m INNER JOIN {user} u ON m.user_id = u.id "
            f"WHERE m.structure_id = {s}.id",
        ),
        _list(
            _text("f.id", "f.start_date", "f.end_date", "u.full_name", "u.email"),
            f"FROM {table_sql(FacilitatorSupport)} f "
            f"INNER JOIN {user} u ON f.facilitator_id = u.id WHERE f.structure_id = {s}.id",
        ),
        # Invitations waiting for an answer; the list leaves out those that expire meanwhile.
        _list(
            _text("i.id", "i.email", "i.capacity", "i.expires_at"),
            f"FROM {table_sql(Invitation)} i WHERE i.structure_id = {s}.id "
            "AND i.accepted_at IS NULL AND i.expires_at > %s",
        ),
    ]
    return queryset.annotate(page_stamp=RawSQL(" || '|' || ".join(parts), (timezone.now(),)))
