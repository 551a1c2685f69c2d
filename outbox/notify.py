"""E-mails to people, each in their own language, queued in the outbox (outbox/): saved with
the change they announce and sent by a task once it has committed."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .mail import queue_many
from .models import MailChoice, MailPreference


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def notify(users, *, subject, template, context):
    """E-mail each active user once, unless they chose a digest or no e-mail. `subject` is a
    lazy translation with %(…)s from `context`.

    A change that is rolled back takes its e-mails with it; a mail server that fails delays
    them (they are retried), it never fails the change.
    """
    recipients = {user.pk: user for user in users if user and user.is_active and user.email}
    # Those who chose a weekly digest or no e-mail read it on "Waiting for me" instead.
    quiet = set(
        MailPreference.objects.filter(user_id__in=recipients)
        .exclude(choice=MailChoice.EACH)
        .values_list("user_id", flat=True)
    )
    recipients = {pk: user for pk, user in recipients.items() if pk not in quiet}
    mails = []
    for user in recipients.values():
        with translation.override(user.language or settings.LANGUAGE_CODE):
            data = {**context, "recipient": user}
            mails.append((user.email, str(subject) % data, render_to_string(template, data)))
    if mails:
        queue_many(mails)
