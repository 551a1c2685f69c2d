"""The facilitator's portfolio: the structures a person supports today, each with its roles and
their health indicators.

Four queries whatever the size of the portfolio: the structures (with the date of their last
review), their roles with the indicators computed in SQL (`sheets.indicators`), and what their
peer workers' check-ins report: missions drifting, work outside the sheet (`checkins.drift`).
The warnings are the role sheet's own (`RoleHealth`), read from those annotations; sorting and
filtering happen on the rows already in memory. What waits for the facilitator in each structure
is counted by the definition of facilitation/waiting.py, with the structures.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkins.drift import drifting_missions, outside_the_sheet
from roles.counters import sheets_total_sql
from roles.models import PEER_SHARE_THRESHOLD, Role, days_since
from sheets.indicators import with_indicators
from structures.access import supported_today_sql
from structures.models import FacilitatorSupport, Structure

from .models import Recommendation, RecommendationStatus, Review
from .waiting import Kind, count_rows, with_waiting_counts

# What waits for the facilitator, counted per structure on the portfolio.
PORTFOLIO_WAITING = [Kind.TO_COMMENT, Kind.TO_FOLLOW_UP, Kind.REVIEW_DUE]


class Sort:
    NAME = "name"
    WARNINGS = "warnings"
    REVIEW = "review"

    CHOICES = [
        (NAME, _("structure name")),
        (WARNINGS, _("number of warnings, most first")),
        (REVIEW, _("date of the last review, oldest first")),
    ]


@dataclass
class RoleRow:
    role: Role
    health: object  # RoleHealth
    warnings: list
    agreement_warnings: list
    days_since_adopted: int | None
    drifting: list = field(default_factory=list)  # missions reported drifting (checkins.drift)
    outside_share: int | None = None  # work outside the sheet reported, % of the planned week

    @property
    def n_warnings(self):
        drift = len(self.drifting) + (self.outside_share is not None)
        return len(self.warnings) + len(self.agreement_warnings) + drift

    @property
    def share_flagged(self):
        share = self.health.lived_share
        return share is not None and share < PEER_SHARE_THRESHOLD


@dataclass
class StructureRow:
    structure: Structure
    last_review_on: datetime.date | None
    days_since_review: int | None
    roles: list = field(default_factory=list)
    waiting: dict = field(default_factory=dict)  # {kind: count}, PORTFOLIO_WAITING
    n_recommendations: int = 0
    n_followed_up: int = 0

    @property
    def n_warnings(self):
        # A structure without any role sheet is itself a warning: there is nothing to support.
        if not self.roles:
            return 1
        return sum(row.n_warnings for row in self.roles)


def supported_structures(user, day=None, *, annotate=True):
    """Structures `user` supports on `day` (today by default): start ≤ day ≤ end (or no end),
    with the date of their last review unless `annotate` is false."""
    if not user.is_authenticated:
        return Structure.objects.none()
    supports = FacilitatorSupport.objects.current(day).filter(
        facilitator=user, structure=OuterRef("pk")
    )
    structures = Structure.objects.filter(Exists(supports))
    if not annotate:
        return structures
    return structures.annotate(
        last_review_on=Subquery(
            Review.objects.filter(structure=OuterRef("pk"))
            .order_by("-reviewed_on")
            .values("reviewed_on")[:1]
        )
    )


def supported_counters(user):
    """[(id, page counter, sum of its sheets' counters)] of the structures `user` supports
    today, by id: what the portfolio is kept on, read at every request by one fixed statement
    (the ORM query of `supported_structures` and `with_sheets_total` costs more to build than
    to run: core/sql.py). tests/test_portfolio.py checks both say the same."""
    if not user.is_authenticated:
        return []
    quote = connection.ops.quote_name
    table, pk = quote(Structure._meta.db_table), quote(Structure._meta.pk.column)
    counter = quote(Structure._meta.get_field("page_counter").column)
    statement = (
        f"SELECT s.{pk}, s.{counter}, {sheets_total_sql(f's.{pk}')} FROM {table} s"  # noqa: S608 - names from _meta
        f" WHERE {supported_today_sql(f's.{pk}')} ORDER BY s.{pk}"
    )
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(statement, [user.pk, today, today])
        return [(pk, page, int(total)) for pk, page, total in cursor.fetchall()]


def with_portfolio_figures(structures, user):
    """`structures` annotated with what waits for `user` there (`waiting_<kind>`) and how many
    of their recommendations are followed up (`n_recommendations`, `n_followed_up`)."""
    recommendations = Recommendation.objects.filter(review__structure=OuterRef("pk"))
    return with_waiting_counts(structures, user, PORTFOLIO_WAITING).annotate(
        n_recommendations=count_rows(recommendations),
        n_followed_up=count_rows(recommendations.exclude(status=RecommendationStatus.OPEN)),
    )


@dataclass
class Portfolio:
    rows: list  # of StructureRow, sorted and filtered
    n_supported: int  # before filtering


def portfolio_rows(user, *, sort=Sort.NAME, warnings_only=False):
    """The portfolio's rows, sorted and filtered. Four queries: the structures, their roles,
    the missions reported drifting, the work reported outside the sheets."""
    today = timezone.localdate()
    structures = with_portfolio_figures(supported_structures(user), user).prefetch_related(
        Prefetch(
            "roles",
            queryset=with_indicators(Role.objects.all()).order_by("title", "pk"),
            to_attr="roles_with_indicators",
        )
    )
    rows = []
    for structure in structures.order_by("name", "pk"):
        row = StructureRow(
            structure=structure,
            last_review_on=structure.last_review_on,
            days_since_review=days_since(structure.last_review_on),
            waiting={kind: getattr(structure, f"waiting_{kind}") for kind in PORTFOLIO_WAITING},
            n_recommendations=structure.n_recommendations,
            n_followed_up=structure.n_followed_up,
        )
        for role in structure.roles_with_indicators:
            health = role.health
            row.roles.append(
                RoleRow(
                    role=role,
                    health=health,
                    warnings=health.warnings,
                    agreement_warnings=health.agreement_warnings,
                    days_since_adopted=days_since(health.adopted_at),
                )
            )
        rows.append(row)

    drifting = drifting_missions([r.role.pk for row in rows for r in row.roles])
    outside = outside_the_sheet([r.role for row in rows for r in row.roles])
    for row in rows:
        for role_row in row.roles:
            role_row.drifting = drifting.get(role_row.role.pk, [])
            role_row.outside_share = outside.get(role_row.role.pk)
    n_supported = len(rows)
    if warnings_only:
        rows = [row for row in rows if row.n_warnings]
    if sort == Sort.WARNINGS:
        rows.sort(key=lambda row: -row.n_warnings)  # stable: by name within a count
    elif sort == Sort.REVIEW:
        # Never reviewed first, then the oldest review.
        rows.sort(key=lambda row: (row.last_review_on is not None, row.last_review_on or today))
    return Portfolio(rows=rows, n_supported=n_supported)
