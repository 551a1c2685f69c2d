"""The stamp of a proposal's page, read with the proposal itself: its discussion (messages are
never edited once written) with the authors' names, the names of its author and of who decided,
and the state of the mission or task it is about (for the conflict shown). The proposal page is
cached under it (missions/proposal_views.py)."""

# ruff: noqa: S608, S611 - the SQL names only our own tables (model metadata); no values

from django.db.models.expressions import RawSQL

from roles.stamps import string_agg_sql, table_sql
from structures.models import User

from .models import DailyTask, Mission, Proposal, ProposalComment


def _text(*columns):
    return " || ':' || ".join(f"COALESCE(CAST({column} AS TEXT), '')" for column in columns)


def with_page_stamp(queryset):
    """`queryset` of proposals annotated with `page_stamp`."""
    p, user = table_sql(Proposal), table_sql(User)
    parts = [
        f"COALESCE((SELECT {string_agg_sql()}({_text('c.id', 'u.full_name', 'u.email')}, ',') "
        f"FROM {table_sql(ProposalComment)} c LEFT JOIN {user} u ON c.author_id = u.id "
        f"WHERE c.proposal_id = {p}.id), '')",
        f"COALESCE((SELECT {_text('u.full_name', 'u.email')} FROM {user} u "
        f"WHERE u.id = {p}.author_id), '')",
        f"COALESCE((SELECT {_text('u.full_name', 'u.email')} FROM {user} u "
        f"WHERE u.id = {p}.decided_by_id), '')",
        f"COALESCE((SELECT {_text('m.revision', 'm.updated_at')} FROM {table_sql(Mission)} m "
        f"WHERE m.id = {p}.mission_id), '')",
        f"COALESCE((SELECT {_text('t.revision', 't.updated_at')} FROM {table_sql(DailyTask)} t "
        f"WHERE t.id = {p}.task_id), '')",
    ]
    return queryset.annotate(page_stamp=RawSQL(" || '|' || ".join(parts), ()))
