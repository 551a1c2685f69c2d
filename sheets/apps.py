from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheetsConfig(AppConfig):
    """What a role sheet is as a whole: its page, versions and signatures, history, indicators,
    the PDF."""

    name = "sheets"
    verbose_name = _("Role sheets")

    def ready(self):
        from . import checks  # noqa: F401 - registers the PDF font check
