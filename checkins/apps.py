from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    """The peer worker's check-ins: how each mission of the adopted sheet goes, the time it
    really takes, and what was done that is not on the sheet. Stands on `sheets` (the adopted
    version a check-in answers) below `facilitation` (which will show drift in the portfolio)."""

    name = "checkins"
    verbose_name = _("Check-ins")

    def ready(self):
        # The sheet shows the drift alerts and the trends without importing this floor
        # (sheets/panels.py).
        from sheets.panels import register

        from .panels import drift_panel, trend_panel

        register(drift_panel)
        register(trend_panel)
