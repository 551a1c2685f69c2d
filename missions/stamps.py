"""The stamp of a proposal's discussion: its messages (never edited once written) with their
authors' names, read with the proposal itself. The proposal page is cached under it
(missions/proposal_views.py)."""

# ruff: noqa: S608, S611 - the SQL names only our own tables (model metadata); no values

from django.db.models.expressions import RawSQL

from roles.stamps import string_agg_sql, table_sql
from structures.models import User

from .models import Proposal, ProposalComment


def with_discussion_stamp(queryset):
    """`queryset` of proposals annotated with `discussion_stamp`."""
    columns = " || ':' || ".join(
        f"COALESCE(CAST({column} AS TEXT), '')" for column in ("c.id", "u.full_name", "u.email")
    )
    sql = (
        f"COALESCE((SELECT {string_agg_sql()}({columns}, ',') "
        f"FROM {table_sql(ProposalComment)} c LEFT JOIN {table_sql(User)} u "
        f"ON c.author_id = u.id WHERE c.proposal_id = {table_sql(Proposal)}.id), '')"
    )
    return queryset.annotate(discussion_stamp=RawSQL(sql, ()))
