from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WwwConfig(AppConfig):
    """The top floor: pages and commands that know every other floor."""

    name = "www"
    verbose_name = _("Pages and commands")
