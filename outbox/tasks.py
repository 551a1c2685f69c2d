"""The delivery task: sends one queued e-mail, or schedules the next try."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import Message

logger = logging.getLogger("outbox")


def retry_delay(attempts):
    """Seconds before the next try after `attempts` failures: doubling, at most 6 hours."""
    return min(settings.OUTBOX_RETRY_SECONDS * 2 ** (attempts - 1), 6 * 60 * 60)


@task
def deliver(message_id):
    """Send the message unless it was sent already. Never raises: a failure is logged and,
    while attempts remain, retried later."""
    now = timezone.now()
    with transaction.atomic():
        # The row stays locked while the mail leaves: a second worker given the same message
        # skips it instead of sending it twice.
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return "skipped"
        if message.attempts and message.next_attempt_at > now:
            # A second line of retries (the message was enqueued twice): the first one waits.
            # Never for a first try, which another host's clock could otherwise put "early".
            return "not due"
        message.attempts += 1
        message.last_attempt_at = now
        try:
            EmailMessage(message.subject, message.body, None, [message.to]).send()
        except Exception as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = now + timedelta(seconds=retry_delay(message.attempts))
            message.save(
                update_fields=["attempts", "last_attempt_at", "last_error", "next_attempt_at"]
            )
        else:
            message.sent_at, message.body, message.last_error = timezone.now(), "", ""
            message.save(
                update_fields=["attempts", "last_attempt_at", "last_error", "sent_at", "body"]
            )
            return "sent"
    return _after_failure(message)


def _after_failure(message):
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error(
            "E-mail %s not sent after %s attempts, given up: %s",
            message.pk,
            message.attempts,
            message.last_error,
        )
        return "given up"
    delay = retry_delay(message.attempts)
    if not deliver.get_backend().supports_defer:
        # The immediate backend (DEBUG) cannot wait: the message stays unsent, with its error.
        logger.error("E-mail %s not sent (%s), not retried", message.pk, message.last_error)
        return "failed"
    logger.warning(
        "E-mail %s not sent (attempt %s of %s), next try in %s s: %s",
        message.pk,
        message.attempts,
        settings.OUTBOX_MAX_ATTEMPTS,
        delay,
        message.last_error,
    )
    deliver.using(run_after=message.next_attempt_at).enqueue(message.pk)
    return "retry"
