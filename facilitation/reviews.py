"""Facilitation: a facilitator's reviews of a structure, and the managers' follow-up of their
recommendations.

Each operation takes its actor (`by`); views check who may call it (structures.access) and these
functions check the rules of the review itself (its targets, its dates, its follow-up).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outbox.notify import absolute, notify
from structures.models import Capacity, FacilitatorSupport, User

from .models import Recommendation, RecommendationStatus, Review, ReviewRevision

FOLLOW_UPS = {RecommendationStatus.DONE, RecommendationStatus.ANSWERED}


def _peer_workers_of(structure, role_ids):
    """The active peer workers of `structure` holding one of the roles `role_ids`."""
    return User.objects.filter(
        memberships__structure=structure,
        memberships__capacity=Capacity.PEER_WORKER,
        memberships__is_active=True,
        role_assignments__role_id__in=role_ids,
    ).distinct()


def _recommendation(structure, position, item):
    """A Recommendation (unsaved) from `item` = {text, role?, mission?}, its targets checked."""
    text = (item.get("text") or "").strip()
    role = item.get("role")
    mission = item.get("mission")
    if not text:
        raise ValidationError(_("Write the text of each recommendation."))
    if role is not None and role.structure_id != structure.pk:
        raise ValidationError(_("Choose a role of this structure."))
    if mission is not None:
        if role is None:
            # A recommendation about a mission is about its role too (its peer workers see it).
            role = mission.role
        if mission.role_id != role.pk or role.structure_id != structure.pk:
            raise ValidationError(_("Choose a mission of this role."))
    return Recommendation(text=text, role=role, mission=mission, position=position)


def _check_review_fields(reviewed_on, notes):
    errors = {}
    if not notes:
        errors["notes"] = _("Write your notes on the structure.")
    if reviewed_on is None:
        errors["reviewed_on"] = _("Give the date of the review.")
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("The date of the review cannot be in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def review_create(*, structure, by, reviewed_on, notes, recommendations=()):
    """Write a dated review of `structure` with its recommendations (list of dicts with `text`
    and, optionally, the `role` or `mission` it is about). Only a facilitator supporting the
    structure today writes one."""
    if not FacilitatorSupport.objects.current_for(by).filter(structure=structure).exists():
        raise PermissionDenied
    notes = (notes or "").strip()
    _check_review_fields(reviewed_on, notes)
    items = [
        _recommendation(structure, position, item)
        for position, item in enumerate(recommendations, start=1)
    ]
    review = Review.objects.create(
        structure=structure, author=by, reviewed_on=reviewed_on, notes=notes
    )
    for item in items:
        item.review = review
    Recommendation.objects.bulk_create(items)

    context = {
        "structure": structure.name,
        "review": review,
        "author": by.get_full_name(),
        "n_recommendations": len(items),
    }
    notify(
        User.objects.managers_of(structure).exclude(pk=by.pk),
        subject=gettext_lazy("New review of %(structure)s by the platform"),
        template="facilitation/email/review_new.txt",
        context={**context, "link": absolute(review.get_absolute_url())},
    )
    role_ids = {item.role_id for item in items if item.role_id}
    if role_ids:
        notify(
            _peer_workers_of(structure, role_ids).exclude(pk=by.pk),
            subject=gettext_lazy("Recommendations about your role at %(structure)s"),
            template="facilitation/email/review_recommendations.txt",
            context={
                **context,
                "link": absolute(_reviews_url(structure)),
            },
        )
    return review


@transaction.atomic
def review_update(*, review, by, reviewed_on, notes):
    """Its author corrects a review (its date and notes) while they support the structure; the
    earlier text is kept in the review's revisions. Nothing changed: nothing is recorded."""
    review = Review.objects.select_for_update().select_related("structure").get(pk=review.pk)
    supports = FacilitatorSupport.objects.current_for(by).filter(structure=review.structure)
    if review.author_id != by.pk or not supports.exists():
        raise PermissionDenied
    notes = (notes or "").strip()
    _check_review_fields(reviewed_on, notes)
    if (review.reviewed_on, review.notes) == (reviewed_on, notes):
        return review
    ReviewRevision.objects.create(
        review=review, reviewed_on=review.reviewed_on, notes=review.notes, edited_by=by
    )
    review.reviewed_on, review.notes = reviewed_on, notes
    review.save(update_fields=["reviewed_on", "notes"])
    return review


def _reviews_url(structure):
    return reverse("facilitation:reviews", kwargs={"slug": structure.slug})


@transaction.atomic
def recommendation_follow_up(*, recommendation, by, status, answer=""):
    """A manager marks a recommendation done or answers it (an answer needs its text). A later
    follow-up replaces the previous one."""
    answer = (answer or "").strip()
    if status not in FOLLOW_UPS:
        raise ValidationError({"status": _("Choose “done” or “answered”.")})
    if status == RecommendationStatus.ANSWERED and not answer:
        raise ValidationError({"answer": _("Write your answer to the facilitator.")})
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("review__structure", "review__author")
        .get(pk=recommendation.pk)
    )
    recommendation.status = status
    recommendation.answer = answer
    recommendation.followed_up_by = by
    recommendation.followed_up_at = timezone.now()
    recommendation.save(update_fields=["status", "answer", "followed_up_by", "followed_up_at"])
    review = recommendation.review
    notify(
        [review.author] if review.author_id and review.author_id != by.pk else [],
        subject=gettext_lazy("Follow-up of your recommendation to %(structure)s: %(status)s"),
        template="facilitation/email/recommendation_follow_up.txt",
        context={
            "structure": review.structure.name,
            # The lazy label, so that the recipient reads it in their own language.
            "status": RecommendationStatus(status).label,
            "recommendation": recommendation,
            "manager": by.get_full_name(),
            "link": absolute(review.get_absolute_url() + f"#recommendation-{recommendation.pk}"),
        },
    )
    return recommendation
