"""Start-up checks of what the role sheet's PDF needs from the machine."""

from django.conf import settings
from django.core import checks

from .pdf import DEJAVU, dejavu_dir


@checks.register()
def pdf_font_present(app_configs, **kwargs):
    """Without DejaVu Sans the PDF falls back to Bitstream Vera, which has no ł, ş, ğ or ễ:
    some names would print with holes, so say it before anyone downloads a sheet."""
    if dejavu_dir() is not None:
        return []
    return [
        checks.Warning(
            f"DejaVu Sans ({', '.join(DEJAVU.values())}) is not in PDF_FONT_DIR "
            f"({settings.PDF_FONT_DIR}); role sheet PDFs fall back to Bitstream Vera, which "
            "lacks letters such as ł, ş or ễ.",
            hint="Run `make assets`, or set PDF_FONT_DIR to a folder holding DejaVu Sans "
            "(Debian's fonts-dejavu-core: /usr/share/fonts/truetype/dejavu).",
            id="sheets.W001",
        )
    ]
