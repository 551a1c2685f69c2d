from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only API (/api/v1/) for the platform's own tools, with per-person tokens. It reads
    every floor below it, scoped exactly like the pages."""

    name = "api"
    verbose_name = _("API")
