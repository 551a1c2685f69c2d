"""The role sheet as an A4 PDF, composed on the server with ReportLab's Platypus.

ReportLab lays out a sheet of 20 missions x 10 tasks about four times faster than an HTML
engine (WeasyPrint took ~0.5 s), which keeps a PDF asked for right after a change under
300 ms. A PDF is still made once per state of the sheet (its stamp, roles/stamps.py), language
and day, and kept in the cache. The font has no fallback: a character DejaVu Sans lacks (emoji,
Chinese) prints as a blank, where the HTML page shows it.
"""

import io
import re
import threading
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from peerwork.fragments import FRAGMENT_SECONDS, fragment_key
from structures.templatetags.peerwork import duration

from .models import RoleSheetVersion

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
# XML 1.0 refuses these characters, and ReportLab parses a paragraph as XML.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
GREY = "#333333"


def dejavu_dir():
    """The folder holding DejaVu Sans, or None when it is not there (`roles.checks` warns)."""
    folder = Path(settings.PDF_FONT_DIR)
    return folder if all((folder / name).is_file() for name in DEJAVU.values()) else None


_registering = threading.Lock()


@cache
def _font_family():
    """The sheet's font family, registered with ReportLab once per process: its name. The lock
    keeps two threads of a worker from registering it at the same time."""
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

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
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm

    body = ParagraphStyle("body", fontName=family, fontSize=10, leading=14, spaceAfter=2 * mm)
    bold = f"{family}-Bold"
    return {
        "body": body,
        "meta": ParagraphStyle("meta", parent=body, fontSize=9, leading=12.6, textColor=GREY),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=18, leading=22),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=13,
            leading=17,
            spaceBefore=6 * mm,
            spaceAfter=1 * mm,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=body,
            fontName=bold,
            fontSize=11,
            leading=15,
            spaceBefore=4 * mm,
            spaceAfter=1 * mm,
            keepWithNext=1,
        ),
        "dt": ParagraphStyle(
            "dt", parent=body, fontName=bold, spaceBefore=1.5 * mm, spaceAfter=0, keepWithNext=1
        ),
        "dd": ParagraphStyle("dd", parent=body, leftIndent=4 * mm, spaceAfter=0),
        "label": ParagraphStyle(
            "label",
            parent=body,
            fontName=bold,
            spaceBefore=2 * mm,
            spaceAfter=1 * mm,
            keepWithNext=1,
        ),
        # A hanging dash, as a list item without a marker box.
        "task": ParagraphStyle(
            "task", parent=body, leftIndent=6 * mm, firstLineIndent=-3 * mm, spaceAfter=1 * mm
        ),
    }


def _text(value):
    """`value` typed by a person, as Platypus markup that prints it as typed: escaped, with its
    line breaks kept (the page shows it with `white-space: pre-line`)."""
    value = _UNPRINTABLE.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return escape(value).replace("\n", "<br/>")


def _date(value):
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def _or_missing(value):
    return _text(value) if value.strip() else _text(_("Not written yet."))


def _flowables(role, *, adopted, signatures, generated_at):
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph

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

    def heading(text):
        return [
            Paragraph(_text(text), s["h2"]),
            HRFlowable(width="100%", thickness=0.75, color="#999999", spaceAfter=2 * mm),
        ]

    story = [
        Paragraph(_text(f"{role.structure.name} · {_('Role sheet (job description)')}"), s["meta"]),
        Paragraph(_text(role.title), s["h1"]),
        Paragraph(
            f"{_text(_('Held by:'))} {_text(holders or _('nobody yet'))}<br/>"
            f"{_text(version)} {_text(printed)}",
            s["meta"],
        ),
        *heading(_("Raison d'être")),
        Paragraph(_or_missing(role.purpose), s["body"]),
        *heading(_("Frame of the role")),
    ]
    for label, value in [
        (_("People accompanied"), role.people_served),
        (_("Working time"), role.working_hours),
        (_("Supervision and practice analysis"), role.supervision),
        (_("Lived experience called on"), role.lived_experience),
    ]:
        story += [Paragraph(_text(label), s["dt"]), Paragraph(_or_missing(value), s["dd"])]

    story += heading(_("Missions"))
    missions = list(role.missions.all())
    for number, mission in enumerate(missions, start=1):
        story.append(Paragraph(_text(f"{number}. {mission.title}"), s["h3"]))
        if mission.description.strip():
            story.append(Paragraph(_text(mission.description), s["body"]))
        if mission.draws_on_lived_experience:
            experience = _text(mission.lived_experience)
        else:
            experience = (
                f"<i>{_text(_('This mission does not say how lived experience is put to work.'))}"
                "</i>"
            )
        for label, value in [
            (_("How my lived experience serves this mission"), experience),
            (_("Includes"), _or_missing(mission.includes)),
            (_("Does not include"), _or_missing(mission.excludes)),
            (_("Latitude"), _text(capfirst(mission.get_latitude_display()))),
        ]:
            story += [Paragraph(_text(label), s["dt"]), Paragraph(value, s["dd"])]
        tasks = mission.tasks.all()
        if tasks:
            story.append(Paragraph(_text(_("Daily tasks")), s["label"]))
            a_week = _("a week")
            for task in tasks:
                meta = _text(
                    f"— {task.get_frequency_display()}, {duration(task.minutes_per_week)} {a_week}"
                )
                line = f'– {_text(task.action)} <font size="9" color="{GREY}">{meta}</font>'
                story.append(Paragraph(line, s["task"]))
        else:
            story.append(
                Paragraph(
                    f"<i>{_text(_('No daily task yet: what is done concretely?'))}</i>", s["body"]
                )
            )
    if not missions:
        story.append(Paragraph(_text(_("No mission yet.")), s["body"]))

    if adopted:
        story += heading(_("Signatures"))
        for signature in signatures:
            line = _("%(name)s, signed on %(date)s") % {
                "name": signature.signer.get_full_name(),
                "date": _date(signature.decided_at),
            }
            story.append(Paragraph(f"– {_text(line)}", s["task"]))
    return story


def _footer(text):
    """Draws the sheet's name and the page number at the foot of every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = _font_family()
    left, right, base = 16 * mm, A4[0] - 16 * mm, 10 * mm
    room = right - left - 15 * mm  # the page number's place
    text = _UNPRINTABLE.sub("", text)
    if stringWidth(text, font, 8) > room:
        while text and stringWidth(f"{text}…", font, 8) > room:
            text = text[:-1]
        text = f"{text}…"

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor("#444444")
        canvas.drawString(left, base, text)
        canvas.drawRightString(right, base, str(doc.page))
        canvas.restoreState()

    return draw


def render_sheet_pdf(role, *, adopted, signatures):
    """PDF bytes for `role` (with its missions and tasks prefetched), in the active language."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    story = _flowables(role, adopted=adopted, signatures=signatures, generated_at=timezone.now())
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=_UNPRINTABLE.sub("", f"{role.title} — {role.structure.name}"),
        author=_UNPRINTABLE.sub("", role.structure.name),
        subject=_("Role sheet (job description)"),
        creator="peerwork",
        lang=get_language(),
    )
    footer = _footer(f"{role.structure.name} — {role.title}")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


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
