"""The role sheet as an A4 PDF, rendered on the server with WeasyPrint.

Laying out a long sheet takes WeasyPrint most of a second, so a PDF is made once per state of
the sheet (its stamp, roles/stamps.py), language and day, and kept in the cache.
"""

from functools import cache

from django.core.cache import cache as django_cache
from django.template.loader import render_to_string
from django.utils import timezone

from peerwork.fragments import FRAGMENT_SECONDS, fragment_key

from .models import RoleSheetVersion


@cache
def _no_fetching():
    """A URL fetcher allowed no protocol: the PDF needs nothing from outside (its styles are
    inline, its fonts local), and the default one builds an SSL context at every render."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=())


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
    return HTML(string=html, url_fetcher=_no_fetching()).write_pdf()


def sheet_pdf(role):
    """The PDF of `role` (from `sheet_page_queryset()`, with its stamp) as it is now, from the
    cache when the sheet has not changed."""
    from .sheet import sheet_queryset

    key = fragment_key("sheet-pdf", role.pk, role.structure.name, role.sheet_stamp)
    pdf = django_cache.get(key)
    if pdf is None:
        full = sheet_queryset().select_related("structure").get(pk=role.pk)
        adopted = full.versions.filter(status=RoleSheetVersion.Status.ADOPTED).first()
        signatures = (
            list(adopted.signatures.select_related("signer").order_by("decided_at"))
            if adopted
            else []
        )
        pdf = render_sheet_pdf(full, adopted=adopted, signatures=signatures)
        django_cache.set(key, pdf, FRAGMENT_SECONDS)
    return pdf
