"""The facilitators' reviews of the structures they support, and their recommendations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import validate_text_length
from structures.models import Structure


class Review(models.Model):
    """A facilitator's dated notes on a structure they support, with recommendations."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("structure")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reviews_written",
        verbose_name=_("facilitator"),
    )
    reviewed_on = models.DateField(_("date of the review"), default=timezone.localdate)
    notes = models.TextField(_("notes"), validators=[validate_text_length])
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        db_table = "structures_review"  # the model moved from structures; its table did not
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(notes=""), name="review_has_notes"),
        ]

    def __str__(self):
        return f"{self.structure} — {self.reviewed_on}"

    def get_absolute_url(self):
        return reverse(
            "facilitation:review", kwargs={"slug": self.structure.slug, "review_id": self.pk}
        )


class ReviewRevision(models.Model):
    """A review as it read before its author corrected it: the earlier text stays readable."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("review")
    )
    reviewed_on = models.DateField(_("date of the review"))
    notes = models.TextField(_("notes"), validators=[validate_text_length])
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    edited_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier text of a review")
        verbose_name_plural = _("earlier texts of reviews")
        ordering = ["-edited_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(notes=""), name="review_revision_has_notes"),
        ]

    def __str__(self):
        return f"{self.review} — {self.edited_at:%Y-%m-%d}"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("to follow up")
    DONE = "done", _("done")
    ANSWERED = "answered", _("answered")


class Recommendation(models.Model):
    """One recommendation of a review, optionally about one role or mission; the structure's
    managers follow it up (mark it done or answer it)."""

    Status = RecommendationStatus

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("review")
    )
    text = models.TextField(_("recommendation"), validators=[validate_text_length])
    role = models.ForeignKey(
        "roles.Role",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("about the role"),
    )
    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("about the mission"),
    )
    status = models.CharField(
        _("follow-up"), max_length=20, choices=RecommendationStatus, default="open"
    )
    answer = models.TextField(_("answer"), blank=True, validators=[validate_text_length])
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "structures_recommendation"
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_has_text"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "answered"]),
                name="recommendation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="recommendation_answer_has_text",
            ),
            models.CheckConstraint(
                condition=Q(status="open", followed_up_at__isnull=True)
                | (~Q(status="open") & Q(followed_up_at__isnull=False)),
                name="recommendation_follow_up_has_date",
            ),
        ]

    def __str__(self):
        return self.text[:80]
