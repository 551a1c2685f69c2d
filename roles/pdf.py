"""The role sheet as an A4 PDF, rendered on the server with WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import timezone


def render_sheet_pdf(role, *, adopted, signatures):
    """PDF bytes for `role` (with its missions and tasks prefetched), in the active language."""
    from weasyprint import HTML  # imported here: it loads pango, which no other page needs

    html = render_to_string(
        "roles/pdf.html",
        {
            "role": role,
            "adopted": adopted,
            "signatures": signatures,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()
