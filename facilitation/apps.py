from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    name = "facilitation"
    verbose_name = _("Facilitation by the platform")
