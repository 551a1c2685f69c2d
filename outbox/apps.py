from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """E-mails wait here until a task sends them: the bottom floor, it imports no other app."""

    name = "outbox"
    verbose_name = _("Outgoing e-mails")
