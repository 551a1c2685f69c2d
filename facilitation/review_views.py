"""Reviews of a structure by its facilitator, and the managers' follow-up of recommendations.

Who sees what: the structure's managers and its supporting facilitator read every review; only
that facilitator writes one; only the managers follow recommendations up; the structure's peer
workers read only the recommendations about the roles they hold (not the notes).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_error
from missions.models import Mission
from structures.access import get_structure_for_user

from . import reviews
from .models import Recommendation, RecommendationStatus, ReviewRevision
from .review_forms import (
    EXTRA_RECOMMENDATIONS,
    MAX_RECOMMENDATIONS,
    RECOMMENDATION_FIELDS,
    FollowUpForm,
    RecommendationFormSet,
    ReviewForm,
    recommendation_formset,
)

PREFIX = "recommendations"


def _reads_reviews(access):
    return access.is_manager or access.is_facilitator


def review_list(request, slug):
    structure, access = get_structure_for_user(request.user, slug)
    context = {"structure": structure, "access": access}
    if _reads_reviews(access):
        context["reviews"] = structure.reviews.select_related("author").annotate(
            n_recommendations=Count("recommendations"),
            n_open=Count(
                "recommendations",
                filter=Q(recommendations__status=RecommendationStatus.OPEN),
            ),
        )
    else:
        # A peer worker: the recommendations about the roles they hold, nothing else.
        context["recommendations"] = (
            Recommendation.objects.filter(
                review__structure=structure, role__assignments__peer_worker=request.user
            )
            .select_related("review__author", "role", "mission", "followed_up_by")
            .order_by("-review__reviewed_on", "-review_id", "position", "id")
        )
    return render(request, "facilitation/review_list.html", context)


# --- writing a review -----------------------------------------------------------------------


def _typed_again(data, *, more):
    """What was typed, as initial values, with `more` empty recommendation forms after it."""
    try:
        total = max(0, int(data.get(f"{PREFIX}-TOTAL_FORMS") or 0))
    except ValueError:  # a tampered form: start again from what can be read
        total = 0
    typed = [
        {name: data.get(f"{PREFIX}-{index}-{name}", "") for name in RECOMMENDATION_FIELDS}
        for index in range(min(total, MAX_RECOMMENDATIONS))
    ]
    typed = [item for item in typed if any(item.values())]
    room = max(0, MAX_RECOMMENDATIONS - len(typed))
    review_initial = {name: data.get(name, "") for name in ("reviewed_on", "notes")}
    return review_initial, typed, min(more, room)


def review_new(request, slug):
    structure, access = get_structure_for_user(request.user, slug)
    access.require(access.is_facilitator)
    roles = list(structure.roles.order_by("title"))
    missions = list(
        Mission.objects.filter(role__structure=structure)
        .select_related("role")
        .order_by("role__title", "position", "id")
    )
    choices = {"roles": roles, "missions": missions}

    more = request.method == "POST" and "more" in request.POST
    if more:
        # More room for recommendations, without JavaScript: the same page, what was typed kept.
        review_initial, typed, extra = _typed_again(request.POST, more=EXTRA_RECOMMENDATIONS)
        form = ReviewForm(initial=review_initial)
        formset = recommendation_formset(extra=extra)(
            initial=typed, prefix=PREFIX, form_kwargs=choices
        )
    else:
        form = ReviewForm(request.POST or None)
        formset = RecommendationFormSet(request.POST or None, prefix=PREFIX, form_kwargs=choices)
    if request.method == "POST" and not more and all([form.is_valid(), formset.is_valid()]):
        try:
            review = reviews.review_create(
                structure=structure,
                by=request.user,
                reviewed_on=form.cleaned_data["reviewed_on"],
                notes=form.cleaned_data["notes"],
                recommendations=[
                    item
                    for item in (sub.recommendation() for sub in formset.forms)
                    if item is not None
                ],
            )
        except ValidationError as error:
            add_service_error([form], error)
        else:
            messages.success(
                request, _("Your review was saved. The managers of the structure are told.")
            )
            return redirect(review)
    has_errors = bool(form.is_bound and (form.errors or not formset.is_valid()))
    return render(
        request,
        "facilitation/review_form.html",
        {
            "structure": structure,
            "form": form,
            "formset": formset,
            "has_errors": has_errors,
            "can_add_more": len(formset.forms) < MAX_RECOMMENDATIONS,
        },
    )


def review_edit(request, slug, review_id):
    """Its author corrects a review (date and notes); the earlier text stays in its history."""
    structure, access = get_structure_for_user(request.user, slug)
    # The review is found through the structure first: another structure's id is a 404.
    review = get_object_or_404(structure.reviews.select_related("structure"), pk=review_id)
    access.require(access.is_facilitator and review.author_id == request.user.pk)
    form = ReviewForm(
        request.POST or None, initial={"reviewed_on": review.reviewed_on, "notes": review.notes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            reviews.review_update(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error([form], error)
        else:
            messages.success(
                request, _("Your correction was saved. The earlier text stays in the history.")
            )
            return redirect(review)
    return render(
        request,
        "facilitation/review_edit.html",
        {
            "structure": structure,
            "review": review,
            "form": form,
            "reviews_url": reverse("facilitation:reviews", kwargs={"slug": structure.slug}),
        },
    )


# --- reading one review, following it up --------------------------------------------------


def _get_review(request, slug, review_id):
    structure, access = get_structure_for_user(request.user, slug)
    access.require(_reads_reviews(access))
    review = get_object_or_404(
        structure.reviews.select_related("author").prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("role", "mission", "followed_up_by"),
            ),
            Prefetch("revisions", queryset=ReviewRevision.objects.select_related("edited_by")),
        ),
        pk=review_id,
    )
    return structure, access, review


def _render_review(request, structure, access, review, bound_form=None):
    items = []
    for recommendation in review.recommendations.all():
        form = None
        if access.is_manager:
            if bound_form is not None and bound_form.recommendation_id == recommendation.pk:
                form = bound_form
            else:
                form = FollowUpForm(recommendation=recommendation)
        items.append((recommendation, form))
    return render(
        request,
        "facilitation/review_detail.html",
        {
            "structure": structure,
            "access": access,
            "review": review,
            "items": items,
            "can_correct": access.is_facilitator and review.author_id == request.user.pk,
            "reviews_url": reverse("facilitation:reviews", kwargs={"slug": structure.slug}),
        },
    )


def review_detail(request, slug, review_id):
    structure, access, review = _get_review(request, slug, review_id)
    return _render_review(request, structure, access, review)


@require_POST
def recommendation_follow_up(request, slug, recommendation_id):
    structure, access = get_structure_for_user(request.user, slug)
    access.require(access.is_manager)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review__structure"),
        pk=recommendation_id,
        review__structure=structure,
    )
    form = FollowUpForm(request.POST, recommendation=recommendation)
    form.recommendation_id = recommendation.pk
    if form.is_valid():
        try:
            reviews.recommendation_follow_up(
                recommendation=recommendation,
                by=request.user,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            add_service_error([form], error)
        else:
            messages.success(
                request, _("Your follow-up was saved. The facilitator is told by e-mail.")
            )
            return redirect(
                recommendation.review.get_absolute_url() + f"#recommendation-{recommendation.pk}"
            )
    _structure, access, review = _get_review(request, slug, recommendation.review_id)
    return _render_review(request, structure, access, review, bound_form=form)
