"""The role sheet as an A4 PDF, set with our small typesetter on ReportLab's canvas
(roles/typeset.py).

A sheet of 20 missions x 10 tasks is set in ~40 ms (WeasyPrint took ~500 ms, ReportLab's
Platypus ~150 ms), so a PDF asked for right after a change comes well under 300 ms. A PDF is
still made once per state of the sheet (its stamp, roles/stamps.py), language and day, and kept
in the cache. The font has no fallback: a character DejaVu Sans lacks (emoji, Chinese) prints
as a blank, where the HTML page shows it.
"""

import threading
from dataclasses import replace
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.fonts import addMapping
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from core.fragments import FRAGMENT_SECONDS, fragment_key
from structures.templatetags.peerwork import duration

from .models import RoleSheetVersion
from .typeset import Style, Typesetter

# DejaVu Sans covers Latin, Greek and Cyrillic letters (ł, ş, ğ, ễ…); the file names are those
# of the dejavu-fonts-ttf package (`make assets`) and of Debian's fonts-dejavu-core.
DEJAVU = {
    "": "DejaVuSans.ttf",
    "-Bold": "DejaVuSans-Bold.ttf",
    "-Italic": "DejaVuSans-Oblique.ttf",
    "-BoldItalic": "DejaVuSans-BoldOblique.ttf",
}
# Bitstream Vera ships with ReportLab: Latin-1 only, the fallback when DejaVu is missing.
VERA = {"": "Vera.ttf", "-Bold": "VeraBd.ttf", "-Italic": "VeraIt.ttf", "-BoldItalic": "VeraBI.ttf"}
GREY = "#333333"
NBSP = "\u00a0"


def dejavu_dir():
    """The folder holding DejaVu Sans, or None when it is not there (`roles.checks` warns)."""
    folder = Path(settings.PDF_FONT_DIR)
    return folder if all((folder / name).is_file() for name in DEJAVU.values()) else None


_registering = threading.Lock()


@cache
def _font_family():
    """The sheet's font family, registered with ReportLab once per process: its name. The lock
    keeps two threads of a worker from registering it at the same time."""

    folder = dejavu_dir()
    family, files = ("PeerworkDejaVu", DEJAVU) if folder else ("PeerworkVera", VERA)
    folder = folder or Path(rl_config.__file__).parent / "fonts"
    with _registering:
        for suffix, file in files.items():
            pdfmetrics.registerFont(TTFont(f"{family}{suffix}", str(folder / file)))
        for bold, italic, suffix in [
            (0, 0, ""),
            (1, 0, "-Bold"),
            (0, 1, "-Italic"),
            (1, 1, "-BoldItalic"),
        ]:
            addMapping(family, bold, italic, f"{family}{suffix}")
    return family


@cache
def _styles(family):
    ink, grey = HexColor("#111111"), HexColor(GREY)
    bold = f"{family}-Bold"
    body = Style(font=family, size=10, leading=14, color=ink, after=2 * mm)
    return {
        "body": body,
        "italic": replace(body, font=f"{family}-Italic"),
        "meta": replace(body, size=9, leading=12.6, color=grey),
        "h1": replace(body, font=bold, size=18, leading=22, color=HexColor("#000000")),
        "h2": replace(
            body, font=bold, size=13, leading=17, before=6 * mm, after=2 * mm, keep=28, rule=True
        ),
        "h3": replace(body, font=bold, size=11, leading=15, before=4 * mm, after=1 * mm, keep=28),
        # A label (its first line, bold) over its value (indented), as one paragraph: the label
        # never stays alone at the foot of a page.
        "field": replace(body, indent=4 * mm, hang=4 * mm, before=1.5 * mm, after=0),
        "field-label": replace(body, font=bold),
        "label": replace(body, font=bold, before=2 * mm, after=1 * mm, keep=14),
        # A hanging dash, as a list item.
        "task": replace(body, indent=6 * mm, hang=3 * mm, after=1 * mm),
        "task-meta": replace(body, size=9, color=grey),
    }


def _date(value):
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def _or_missing(value):
    return value if value.strip() else _("Not written yet.")


def _typeset(sheet, role, *, adopted, signatures, generated_at):
    """Sets the whole sheet of `role` on the typesetter `sheet`."""
    s = _styles(_font_family())
    holders = ", ".join(a.peer_worker.get_full_name() for a in role.assignments.all())
    if adopted:
        version = _("Version %(number)s, adopted on %(date)s.") % {
            "number": adopted.number,
            "date": _date(adopted.adopted_at),
        }
    else:
        version = _("No version of this sheet has been signed by both sides yet.")
    printed = _("Printed on %(date)s.") % {"date": _date(generated_at)}

    def field(label, value, value_style=s["body"]):
        sheet.paragraph([(label, s["field-label"]), (f"\n{value}", value_style)], s["field"])

    sheet.paragraph(f"{role.structure.name} · {_('Role sheet (job description)')}", s["meta"])
    sheet.paragraph(role.title, s["h1"])
    sheet.paragraph(f"{_('Held by:')} {holders or _('nobody yet')}\n{version} {printed}", s["meta"])
    sheet.paragraph(_("Raison d'être"), s["h2"])
    sheet.paragraph(_or_missing(role.purpose), s["body"])
    sheet.paragraph(_("Frame of the role"), s["h2"])
    for label, value in [
        (_("People accompanied"), role.people_served),
        (_("Working time"), role.working_hours),
        (_("Supervision and practice analysis"), role.supervision),
        (_("Lived experience called on"), role.lived_experience),
    ]:
        field(label, _or_missing(value))

    sheet.paragraph(_("Missions"), s["h2"])
    missions = list(role.missions.all())
    for number, mission in enumerate(missions, start=1):
        sheet.paragraph(f"{number}. {mission.title}", s["h3"])
        if mission.description.strip():
            sheet.paragraph(mission.description, s["body"])
        if mission.draws_on_lived_experience:
            field(_("How my lived experience serves this mission"), mission.lived_experience)
        else:
            field(
                _("How my lived experience serves this mission"),
                _("This mission does not say how lived experience is put to work."),
                s["italic"],
            )
        field(_("Includes"), _or_missing(mission.includes))
        field(_("Does not include"), _or_missing(mission.excludes))
        field(_("Latitude"), capfirst(mission.get_latitude_display()))
        tasks = mission.tasks.all()
        if tasks:
            sheet.paragraph(_("Daily tasks"), s["label"])
            a_week = _("a week")
            for task in tasks:
                # No line break inside "1 h 30".
                time = duration(task.minutes_per_week).replace(" ", NBSP)
                meta = f"— {task.get_frequency_display()}, {time} {a_week}"
                sheet.paragraph(
                    [(f"– {task.action}", s["task"]), (meta, s["task-meta"])], s["task"]
                )
        else:
            sheet.paragraph(_("No daily task yet: what is done concretely?"), s["italic"])
    if not missions:
        sheet.paragraph(_("No mission yet."), s["body"])

    if adopted:
        sheet.paragraph(_("Signatures"), s["h2"])
        for signature in signatures:
            line = _("%(name)s, signed on %(date)s") % {
                "name": signature.signer.get_full_name(),
                "date": _date(signature.decided_at),
            }
            sheet.paragraph(f"– {line}", s["task"])


def render_sheet_pdf(role, *, adopted, signatures):
    """PDF bytes for `role` (with its missions and tasks prefetched), in the active language."""
    sheet = Typesetter(
        footer_font=_font_family(),
        footer=f"{role.structure.name} — {role.title}",
        title=f"{role.title} — {role.structure.name}",
        author=role.structure.name,
        subject=_("Role sheet (job description)"),
        lang=get_language(),
    )
    _typeset(sheet, role, adopted=adopted, signatures=signatures, generated_at=timezone.now())
    return sheet.finish()


def sheet_pdf(role):
    """The PDF of `role` (from `sheet_page_queryset()`, with its stamp) as it is now, from the
    cache when the sheet has not changed."""
    from .sheet import sheet_queryset

    key = fragment_key("sheet-pdf", role.pk, role.structure.name, role.sheet_counter)
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
