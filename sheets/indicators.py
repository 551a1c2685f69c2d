"""The figures behind a role sheet's health indicators, computed in SQL (one subquery each):
on the sheets floor, which knows roles, missions, proposals and versions alike. The warnings
read from them are `Role.health` (roles/models.py)."""

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from missions.models import DailyTask, Mission, Proposal
from missions.timing import minutes_per_week_sql
from roles.models import RoleAssignment
from sheets.models import RoleSheetVersion, Signature


def _subquery_int(queryset, expression):
    """An integer computed over related rows, as a correlated subquery (no join fan-out)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("role_ref").annotate(value=expression).values("value")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_indicators(queryset):
    """Annotate each role with the figures behind its health indicators, computed in SQL."""
    missions = Mission.objects.filter(role=OuterRef("pk")).annotate(role_ref=models.F("role"))
    tasks = DailyTask.objects.filter(mission__role=OuterRef("pk")).annotate(
        role_ref=models.F("mission__role")
    )
    open_proposals = Proposal.objects.filter(role=OuterRef("pk"), status="open").annotate(
        role_ref=models.F("role")
    )
    draws = ~Q(lived_experience="")
    task_draws = ~Q(mission__lived_experience="")
    return queryset.annotate(
        n_missions=_subquery_int(missions, Count("pk")),
        n_missions_without_tasks=_subquery_int(
            missions.filter(~models.Exists(DailyTask.objects.filter(mission=OuterRef("pk")))),
            Count("pk"),
        ),
        n_lived_missions=_subquery_int(missions.filter(draws), Count("pk")),
        minutes_total=_subquery_int(tasks, Sum(minutes_per_week_sql())),
        minutes_lived=_subquery_int(tasks.filter(task_draws), Sum(minutes_per_week_sql())),
        n_open_proposals=_subquery_int(open_proposals, Count("pk")),
        oldest_open_proposal_at=Subquery(
            open_proposals.order_by("created_at").values("created_at")[:1]
        ),
        adopted_number=Subquery(
            RoleSheetVersion.objects.filter(role=OuterRef("pk"), status="adopted").values("number")[
                :1
            ]
        ),
        adopted_at=Subquery(
            RoleSheetVersion.objects.filter(role=OuterRef("pk"), status="adopted").values(
                "adopted_at"
            )[:1]
        ),
        review_on=Subquery(
            RoleSheetVersion.objects.filter(role=OuterRef("pk"), status="adopted").values(
                "review_on"
            )[:1]
        ),
        n_unsigned_peer_workers=_subquery_int(
            RoleAssignment.objects.filter(role=OuterRef("pk"))
            .annotate(role_ref=models.F("role"))
            .exclude(
                models.Exists(
                    Signature.objects.filter(
                        version__role=OuterRef("role"),
                        version__status="adopted",
                        signer=OuterRef("peer_worker"),
                        decision="signed",
                    )
                )
            ),
            Count("pk"),
        ),
    )
