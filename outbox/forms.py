from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.template import loader

from .mail import queue


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with its e-mail queued in the outbox (retried, never lost to a failing
    server) and its link built from SITE_URL rather than from the request's Host header."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        site = urlsplit(settings.SITE_URL)
        context = {**context, "protocol": site.scheme, "domain": site.netloc}
        queue(
            to=to_email,
            subject=loader.render_to_string(subject_template_name, context),
            body=loader.render_to_string(email_template_name, context),
        )
