"""“Waiting for me”: what the current person has to do or to read, across their structures.

Four lists, one query each, whatever the amount of data:
- proposals waiting for a decision, on roles of the structures the person manages;
- versions waiting for the person's signature;
- answers to the person's proposals: decided in the last 30 days (by someone else), or still
  open with comments from others;
- for managers, the daily tasks peer workers changed within their latitude in the last 30 days.
"""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone

from missions.models import Proposal, ProposalComment
from roles.models import RoleEvent, RoleSheetVersion, Signature
from structures.models import Capacity, Membership

RECENT_DAYS = 30


def _structures(user, **filters):
    return Membership.objects.active().filter(user=user, **filters).values("structure_id")


def proposals_to_decide(user):
    return (
        Proposal.objects.filter(
            status=Proposal.Status.OPEN,
            role__structure__in=_structures(user, capacity=Capacity.MANAGER),
        )
        .select_related("role__structure", "author")
        .order_by("created_at", "id")
    )


def versions_to_sign(user):
    return (
        Signature.objects.filter(
            signer=user,
            decision=Signature.Decision.PENDING,
            version__status=RoleSheetVersion.Status.AWAITING,
            version__role__structure__in=_structures(user),
        )
        .select_related("version__role__structure", "version__requested_by")
        .order_by("version__requested_at", "id")
    )


def answers_to_my_proposals(user, since):
    comments_from_others = ProposalComment.objects.filter(proposal=OuterRef("pk")).exclude(
        author=user
    )
    return (
        Proposal.objects.filter(author=user, role__structure__in=_structures(user))
        .annotate(
            n_comments_from_others=Coalesce(
                Subquery(
                    comments_from_others.order_by()
                    .values("proposal")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            last_comment_at=Subquery(
                comments_from_others.order_by("-created_at").values("created_at")[:1]
            ),
        )
        .filter(
            Q(status=Proposal.Status.OPEN, n_comments_from_others__gt=0)
            # Decided by someone else (withdrawing one's own proposal is no answer).
            | (~Q(status=Proposal.Status.OPEN) & Q(decided_at__gte=since) & ~Q(decided_by=user))
        )
        .select_related("role__structure", "decided_by")
        .order_by(Coalesce("decided_at", "last_comment_at").desc(), "-id")
    )


def changes_within_latitude(user, since):
    return (
        RoleEvent.objects.filter(
            within_latitude=True,
            at__gte=since,
            role__structure__in=_structures(user, capacity=Capacity.MANAGER),
        )
        .select_related("role__structure", "actor")
        .order_by("-at", "-id")
    )


def waiting(request):
    user = request.user
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    answers = list(answers_to_my_proposals(user, since))
    sections = {
        "to_decide": list(proposals_to_decide(user)),
        "to_sign": list(versions_to_sign(user)),
        "decided": [p for p in answers if p.status != Proposal.Status.OPEN],
        "discussed": [p for p in answers if p.status == Proposal.Status.OPEN],
        "latitude_changes": list(changes_within_latitude(user, since)),
    }
    return render(
        request,
        "www/waiting.html",
        {**sections, "nothing": not any(sections.values()), "recent_days": RECENT_DAYS},
    )
