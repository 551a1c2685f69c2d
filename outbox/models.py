from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One e-mail to one person, rendered when the change it announces was written.

    Saved in the same transaction as that change, so a change that is rolled back announces
    nothing; `outbox.tasks.deliver` sends it once, retrying with back-off while it fails.
    """

    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    # Emptied once sent: invitation and password links are secrets.
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    # A retry that runs earlier does nothing: a message has one line of retries, even when it
    # was enqueued twice (`manage.py requeue_outbox`).
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True),
                name="outbox_message_waiting_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(attempts__gte=1),
                name="outbox_message_sent_after_an_attempt",
            ),
            models.CheckConstraint(
                condition=~Q(subject__contains="\n") & ~Q(subject__contains="\r"),
                name="outbox_message_subject_one_line",
            ),
        ]

    def __str__(self):
        return self.subject


class MailChoice(models.TextChoices):
    EACH = "each", _("an e-mail for each event")
    WEEKLY = "weekly", _("a weekly digest")
    NONE = "none", _("no e-mail (I look at “Waiting for me”)")


class MailPreference(models.Model):
    """How a person wants to hear of what waits for them; without a row, an e-mail per event.
    Invitations and password resets are not events: they always go."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="mail_preference",
        verbose_name=_("person"),
    )
    choice = models.CharField(
        _("e-mails"), max_length=10, choices=MailChoice, default=MailChoice.EACH
    )

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__in=[c.value for c in MailChoice]), name="mailpreference_valid"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.choice}"


class PeriodicMark(models.Model):
    """A piece of periodic work done once (a reminder for one person and one period, a
    digest for one week): `run_periodic` run twice finds the mark and sends nothing twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    at = models.DateTimeField(_("done at"), default=timezone.now)

    class Meta:
        verbose_name = _("periodic work done")
        verbose_name_plural = _("periodic work done")

    def __str__(self):
        return self.key
