"""Co-signed versions of a role sheet: immutable snapshots, and each party's answer."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import validate_text_length
from roles.models import Role


class RoleSheetVersion(models.Model):
    """An immutable snapshot of a role sheet, adopted once every signatory has signed it."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("waiting for signatures")
        ADOPTED = "adopted", _("adopted")
        SUPERSEDED = "superseded", _("replaced by a later version")

    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, related_name="versions", verbose_name=_("role")
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.AWAITING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    # The agreement comes back on this date (sheets/reviews.py): set when signatures are
    # asked, or 12 months after adoption; moved by a review that confirms the version.
    review_on = models.DateField(_("to review on"), null=True, blank=True)

    class Meta:
        db_table = "roles_rolesheetversion"  # moved from roles; the table stayed
        verbose_name = _("role sheet version")
        verbose_name_plural = _("role sheet versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["role", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(status="awaiting"),
                name="version_one_awaiting_per_role",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["awaiting", "adopted", "superseded"]),
                name="version_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="awaiting", adopted_at__isnull=True)
                | Q(status="adopted", adopted_at__isnull=False)
                | Q(status="superseded"),
                name="version_adopted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(review_on__isnull=False),
                name="version_adopted_has_review_date",
            ),
        ]

    def __str__(self):
        return f"{self.role} — v{self.number}"

    def get_absolute_url(self):
        return reverse("roles:version", kwargs={"role_id": self.role_id, "number": self.number})

    def fingerprint(self):
        """SHA-256 of the snapshot's canonical JSON: the same text always gives the same
        fingerprint, whatever order the database gives the keys in."""
        canonical = json.dumps(
            self.snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()

    def short_fingerprint(self):
        """The fingerprint's first 16 hex digits in groups of 4, to compare by eye on paper."""
        digits = self.fingerprint()[:16]
        return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


class Signature(models.Model):
    """One party's answer to a version: signed, or changes asked for."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("not answered yet")
        SIGNED = "signed", _("signed")
        CHANGES_REQUESTED = "changes", _("asks for changes")

    version = models.ForeignKey(
        RoleSheetVersion,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("version"),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("signatory"),
    )
    decision = models.CharField(
        _("answer"), max_length=20, choices=Decision, default=Decision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True, validators=[validate_text_length])
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        db_table = "roles_signature"
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["version", "signer"], name="signature_unique"),
            models.CheckConstraint(
                condition=Q(decision__in=["pending", "signed", "changes"]),
                name="signature_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_at__isnull=True)
                | (~Q(decision="pending") & Q(decided_at__isnull=False)),
                name="signature_answer_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(decision="changes") | ~Q(comment=""),
                name="signature_changes_need_comment",
            ),
        ]

    def __str__(self):
        return f"{self.signer} — {self.version}"


class SheetReview(models.Model):
    """The review of an adopted version, in the questions of a sociocratic review: what helped,
    what to drop, what to change. It confirms the version until a new date, or opens
    proposals; a peer worker's answers can also be noted for the review meeting."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("the sheet stays as it is, until a new review date")
        CHANGES = "changes", _("the sheet must change: proposals follow")
        NOTED = "noted", _("my views, for the review")

    version = models.ForeignKey(
        RoleSheetVersion,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("version"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    helped = models.TextField(_("what helped"), blank=True, validators=[validate_text_length])
    drop = models.TextField(_("what to drop"), blank=True, validators=[validate_text_length])
    change = models.TextField(_("what to change"), blank=True, validators=[validate_text_length])
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    next_review_on = models.DateField(_("next review on"), null=True, blank=True)

    class Meta:
        verbose_name = _("review of the sheet")
        verbose_name_plural = _("reviews of the sheet")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["confirmed", "changes", "noted"]),
                name="sheetreview_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="confirmed", next_review_on__isnull=False)
                | (~Q(outcome="confirmed") & Q(next_review_on__isnull=True)),
                name="sheetreview_confirmed_has_next_date",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="changes") | ~Q(change=""),
                name="sheetreview_changes_say_what",
            ),
        ]

    def __str__(self):
        return f"{self.version} — {self.get_outcome_display()}"


class EarlyReviewRequest(models.Model):
    """A peer worker holding the role asks to review the adopted version before its date.
    Answered by the next review that confirms it, or by a new version adopted."""

    version = models.ForeignKey(
        RoleSheetVersion,
        on_delete=models.CASCADE,
        related_name="early_requests",
        verbose_name=_("version"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    reason = models.TextField(_("why review it now"), validators=[validate_text_length])
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    # The review date before the request brought it forward to the day it was asked.
    review_on_before = models.DateField(_("review date before"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for an early review")
        verbose_name_plural = _("requests for an early review")
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="earlyreview_has_reason"),
            models.UniqueConstraint(
                fields=["version", "by"],
                condition=Q(answered_at__isnull=True),
                name="earlyreview_one_open_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.version} — {self.asked_at:%Y-%m-%d}"
