"""“What waits for me”: the one definition of what waits for whom, across a person's structures.

The home page (counts), /waiting/ (the lists), and the portfolio (counts per structure) all read
these querysets, so they always agree. Each kind of item:

- TO_DECIDE: open proposals on roles of the structures the person manages;
- TO_COMMENT: open proposals in the structures a facilitator supports today, on which they have
  not commented yet;
- ANSWERS: answers to the person's own proposals: decided by someone else in the last
  RECENT_DAYS days (a fixed window, not "since last looked": nothing records a visit), or still
  open with comments from others;
- TO_SIGN: versions waiting for the person's signature;
- CHANGES_ASKED: changes asked on a version still waiting for signatures: the structure's
  managers see every request, a signatory sees the requests they made themselves;
- TO_FOLLOW_UP: recommendations not followed up yet, for the structure's managers (who follow
  them up) and its facilitator today (who waits for it);
- REVIEW_DUE: structures a facilitator supports today that were never reviewed, or not for
  REVIEW_DUE_DAYS days;
- SHEET_REVIEW_DUE: adopted role sheets whose review date has come (or an early review was
  asked), for the structure's managers and the peer workers holding the role;
- LATITUDE: for managers, the daily tasks peer workers changed within their latitude in the
  last RECENT_DAYS days (news rather than a thing to do: not counted on the home page).

One query per list, and one query for all the counts, whatever the amount of data. It lives on
the facilitation floor, the lowest that sees everything that can wait (reviews included); the
page that lists it is www/waiting.py.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextChoices,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from missions.models import Proposal, ProposalComment
from roles.models import RoleAssignment, RoleEvent
from sheets.models import RoleSheetVersion, Signature
from structures.models import Capacity, FacilitatorSupport, Membership, Structure, User

from .models import Recommendation, Review

RECENT_DAYS = 30
REVIEW_DUE_DAYS = 180


class Kind(TextChoices):
    TO_DECIDE = "to_decide"
    TO_COMMENT = "to_comment"
    ANSWERS = "answers"
    TO_SIGN = "to_sign"
    CHANGES_ASKED = "changes_asked"
    TO_FOLLOW_UP = "to_follow_up"
    REVIEW_DUE = "review_due"
    SHEET_REVIEW_DUE = "sheet_review_due"
    LATITUDE = "latitude_changes"


# What the home page counts (the latitude changes are news, not something to do).
COUNTED = [kind for kind in Kind if kind != Kind.LATITUDE]


def _structures(user, **filters):
    return Membership.objects.active().filter(user=user, **filters).values("structure_id")


def _supported(user):
    return FacilitatorSupport.objects.current_for(user).values("structure_id")


def _since():
    return timezone.now() - datetime.timedelta(days=RECENT_DAYS)


def proposals_to_decide(user):
    return (
        Proposal.objects.filter(
            status=Proposal.Status.OPEN,
            role__structure__in=_structures(user, capacity=Capacity.MANAGER),
        )
        .select_related("role__structure", "author")
        .order_by("created_at", "id")
    )


def proposals_to_comment(user):
    return (
        Proposal.objects.filter(status=Proposal.Status.OPEN, role__structure__in=_supported(user))
        .exclude(Exists(ProposalComment.objects.filter(proposal=OuterRef("pk"), author=user)))
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


def changes_asked(user):
    """Change requests on versions still waiting: all of them for the structure's managers,
    one's own for a signatory (a reminder that the sheet is to be changed before signing)."""
    return (
        Signature.objects.filter(
            decision=Signature.Decision.CHANGES_REQUESTED,
            version__status=RoleSheetVersion.Status.AWAITING,
        )
        .filter(
            Q(version__role__structure__in=_structures(user, capacity=Capacity.MANAGER))
            | Q(signer=user, version__role__structure__in=_structures(user))
        )
        .select_related("version__role__structure", "signer")
        .order_by("decided_at", "id")
    )


def answers_to_my_proposals(user, since=None):
    since = since or _since()
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


def recommendations_to_follow_up(user):
    return (
        Recommendation.objects.filter(status=Recommendation.Status.OPEN)
        .filter(
            Q(review__structure__in=_structures(user, capacity=Capacity.MANAGER))
            | Q(review__structure__in=_supported(user))
        )
        .select_related("review__structure", "role", "mission")
        .order_by("review__reviewed_on", "review_id", "position", "id")
    )


def _last_review_on():
    return Subquery(
        Review.objects.filter(structure=OuterRef("pk"))
        .order_by("-reviewed_on")
        .values("reviewed_on")[:1]
    )


def reviews_due(user):
    due_before = timezone.localdate() - datetime.timedelta(days=REVIEW_DUE_DAYS)
    return (
        Structure.objects.filter(pk__in=_supported(user))
        .annotate(last_review_on=_last_review_on())
        .filter(Q(last_review_on__isnull=True) | Q(last_review_on__lt=due_before))
        .order_by("name", "pk")
    )


def sheet_reviews_due(user):
    holds = RoleAssignment.objects.filter(role=OuterRef("role"), peer_worker=user)
    return (
        RoleSheetVersion.objects.filter(
            status=RoleSheetVersion.Status.ADOPTED, review_on__lte=timezone.localdate()
        )
        .filter(
            Q(role__structure__in=_structures(user, capacity=Capacity.MANAGER))
            | (Exists(holds) & Q(role__structure__in=_structures(user)))
        )
        .defer("snapshot")
        .select_related("role__structure")
        .order_by("review_on", "id")
    )


def changes_within_latitude(user, since=None):
    return (
        RoleEvent.objects.filter(
            within_latitude=True,
            at__gte=since or _since(),
            role__structure__in=_structures(user, capacity=Capacity.MANAGER),
        )
        .select_related("role__structure", "actor")
        .order_by("-at", "-id")
    )


QUERIES = {
    Kind.TO_DECIDE: proposals_to_decide,
    Kind.TO_COMMENT: proposals_to_comment,
    Kind.ANSWERS: answers_to_my_proposals,
    Kind.TO_SIGN: versions_to_sign,
    Kind.CHANGES_ASKED: changes_asked,
    Kind.TO_FOLLOW_UP: recommendations_to_follow_up,
    Kind.REVIEW_DUE: reviews_due,
    Kind.SHEET_REVIEW_DUE: sheet_reviews_due,
    Kind.LATITUDE: changes_within_latitude,
}

# The path from each kind's rows to their structure, for the counts per structure.
STRUCTURE_PATH = {
    Kind.TO_DECIDE: "role__structure",
    Kind.TO_COMMENT: "role__structure",
    Kind.ANSWERS: "role__structure",
    Kind.TO_SIGN: "version__role__structure",
    Kind.CHANGES_ASKED: "version__role__structure",
    Kind.TO_FOLLOW_UP: "review__structure",
    Kind.REVIEW_DUE: "pk",
    Kind.SHEET_REVIEW_DUE: "role__structure",
    Kind.LATITUDE: "role__structure",
}


class _Count(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def count_rows(queryset):
    """The number of rows of `queryset`, as an expression (a scalar subquery)."""
    return _Count(queryset.order_by().values("pk"))


def waiting_counts(user, kinds=COUNTED):
    """{kind: number of items} for `user`, in one query."""
    if not user.is_authenticated:
        return dict.fromkeys(kinds, 0)
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(**{f"n_{kind}": count_rows(QUERIES[kind](user)) for kind in kinds})
        .values(*(f"n_{kind}" for kind in kinds))
        .get()
    )
    return {kind: row[f"n_{kind}"] for kind in kinds}


def with_waiting_counts(structures, user, kinds):
    """`structures` annotated with `waiting_<kind>`: the items of each kind in each structure
    that wait for `user` (the portfolio's figures), by the same definition."""
    return structures.annotate(
        **{
            f"waiting_{kind}": count_rows(
                QUERIES[kind](user).filter(**{STRUCTURE_PATH[kind]: OuterRef("pk")})
            )
            for kind in kinds
        }
    )


@dataclass(frozen=True)
class Item:
    """One thing that waits: its kind, the row it is about, where to go, and since when."""

    kind: str
    obj: object
    url: str
    since: object  # a date or datetime, or None (a structure never reviewed)


def _item(kind, obj):
    if kind in (Kind.TO_DECIDE, Kind.TO_COMMENT):
        return Item(kind, obj, obj.get_absolute_url(), obj.created_at)
    if kind == Kind.ANSWERS:
        return Item(kind, obj, obj.get_absolute_url(), obj.decided_at or obj.last_comment_at)
    if kind == Kind.TO_SIGN:
        return Item(kind, obj, obj.version.get_absolute_url(), obj.version.requested_at)
    if kind == Kind.CHANGES_ASKED:
        return Item(kind, obj, obj.version.get_absolute_url(), obj.decided_at)
    if kind == Kind.TO_FOLLOW_UP:
        url = f"{obj.review.get_absolute_url()}#recommendation-{obj.pk}"
        return Item(kind, obj, url, obj.review.reviewed_on)
    if kind == Kind.REVIEW_DUE:
        url = reverse("facilitation:review_new", kwargs={"slug": obj.slug})
        return Item(kind, obj, url, obj.last_review_on)
    if kind == Kind.SHEET_REVIEW_DUE:
        url = reverse("roles:review", kwargs={"role_id": obj.role_id})
        return Item(kind, obj, url, obj.review_on)
    return Item(kind, obj, reverse("roles:history", kwargs={"role_id": obj.role_id}), obj.at)


def waiting_items(user):
    """{kind: [Item]} for `user`: one query per kind."""
    return {kind: [_item(kind, obj) for obj in query(user)] for kind, query in QUERIES.items()}
