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
