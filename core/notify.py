"""E-mails to people, each in their own language, sent once the transaction has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def notify(users, *, subject, template, context):
    """E-mail each active user once. `subject` is a lazy translation with %(…)s from `context`.

    Sent on commit, so a change that is rolled back announces nothing.
    """
    recipients = {user.pk: user for user in users if user and user.is_active and user.email}

    def send():
        for user in recipients.values():
            with translation.override(user.language or settings.LANGUAGE_CODE):
                data = {**context, "recipient": user}
                send_mail(
                    subject=str(subject) % data,
                    message=render_to_string(template, data),
                    from_email=None,
                    recipient_list=[user.email],
                )

    if recipients:
        transaction.on_commit(send)
