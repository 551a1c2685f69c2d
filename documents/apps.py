from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Word and LibreOffice files in and out: a fiche de poste imported as a draft role, a sheet
    exported for HR. Stands on `sheets` (what a sheet is) beside `facilitation`."""

    name = "documents"
    verbose_name = _("Documents")
