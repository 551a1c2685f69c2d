"""The role sheet as an A4 PDF, laid out by ReportLab's Platypus.

Two PDFs, printed the same way from a snapshot (sheets/snapshots.py):
- the sheet as it is now (`sheet_pdf`): when it is not the adopted version, every page says it
  is a draft, and the signatures are not printed under it;
- one version exactly as it was frozen (`version_pdf`), with a signature block: who signed, in
  which capacity, when, and the version's fingerprint, so that a printed copy can be checked
  against the platform.

What a person typed is never read as markup: it is escaped before Platypus parses it. Words
longer than a line are cut beforehand, in one pass over the text (Platypus's own cutting
measures each word again and again, and took minutes on a pasted megabyte). Empty sections
are left out. A PDF is made once per state of what it prints and kept in the cache; one build
per key runs at a time (core/singleflight.py). The font has no fallback: a character
DejaVu Sans lacks (emoji, Chinese) prints as a blank, where the HTML page shows it.

Somewhat over 400 lines: fonts, text, layout and the two documents are one piece of work, and
each part is short.
"""

import io
import re
import threading
from bisect import bisect_right
from functools import cache
from itertools import accumulate
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
)
from reportlab.platypus.paragraph import _wsc as PLATYPUS_SPACES

from core.fragments import FRAGMENT_SECONDS, fragment_key
from core.singleflight import cached_build
from sheets.models import RoleSheetVersion, Signature
from structures.models import Membership

from .sheet import sheet_queryset
from .snapshots import diff, for_display, snapshot

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
PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = RIGHT = 16 * mm
TOP, BOTTOM = 20 * mm, 20 * mm
BODY_WIDTH = PAGE_WIDTH - LEFT - RIGHT

# Characters a PDF string cannot carry or a font cannot draw (controls, lone surrogates).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# DejaVu's widest letter is about 2 em wide: a run of fewer characters than a line's width over
# this many font sizes always fits on a line.
WIDEST_LETTER_EM = 2.1


@cache
def _unbroken(length):
    """Runs of `length` characters or more that Platypus will not break a line in (it breaks at
    its spaces only)."""
    return re.compile(f"[^{re.escape(PLATYPUS_SPACES)}]{{{length},}}")


def printable(text):
    """`text` with what cannot be printed removed, its line ends as "\\n"."""
    return _UNPRINTABLE.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def dejavu_dir():
    """The folder holding DejaVu Sans, or None when it is not there (`sheets.checks` warns)."""
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
    body = ParagraphStyle(
        "body", fontName=family, fontSize=10, leading=14, textColor=ink, spaceAfter=2 * mm
    )

    def style(name, **changes):
        return ParagraphStyle(name, parent=body, **changes)

    return {
        "body": body,
        "meta": style("meta", fontSize=9, leading=12.6, textColor=grey),
        "h1": style("h1", fontName=bold, fontSize=18, leading=22, textColor=HexColor("#000")),
        # Headings and labels stay on the page of what follows them (keepWithNext).
        "h2": style(
            "h2",
            fontName=bold,
            fontSize=13,
            leading=17,
            spaceBefore=6 * mm,
            spaceAfter=0.5 * mm,
            keepWithNext=1,
        ),
        "h3": style(
            "h3", fontName=bold, fontSize=11, leading=15, spaceBefore=4 * mm, keepWithNext=1
        ),
        "label": style("label", fontName=bold, spaceBefore=1.5 * mm, spaceAfter=0, keepWithNext=1),
        "value": style("value", leftIndent=4 * mm, spaceAfter=0),
        # A hanging dash, as a list item.
        "task": style("task", leftIndent=6 * mm, firstLineIndent=-3 * mm, spaceAfter=1 * mm),
        "banner": style("banner", fontName=bold, fontSize=9, textColor=HexColor("#8a1c1c")),
    }


@cache
def _widths(font, size):
    """The width of each character met so far in `font` at `size` (filled as text comes)."""
    return {}


def _cut_long_words(text, font, size, room):
    """`text` with every run wider than `room` cut into pieces that fit, joined by spaces
    (where Platypus may break the line). Each piece but the last fills its line, so two never
    share one: the added spaces fall at line ends, where nothing is drawn. Linear in the text:
    each character's width is looked up once, the cuts found by bisection on running sums."""
    widths = _widths(font, size)

    def cut(match):
        word = match.group()
        for char in set(word).difference(widths):
            widths[char] = stringWidth(char, font, size)
        ends = list(accumulate(map(widths.__getitem__, word)))
        if ends[-1] <= room:
            return word
        pieces, start, before = [], 0, 0.0
        while start < len(word):
            # The piece ends at the last character that still fits (at least one).
            stop = max(bisect_right(ends, before + room, start), start + 1)
            pieces.append(word[start:stop])
            start, before = stop, ends[stop - 1]
        return " ".join(pieces)

    return _unbroken(max(1, int(room / (WIDEST_LETTER_EM * size)))).sub(cut, text)


def markup(text, style, *, font=None, size=None):
    """Platypus markup printing `text` as typed in `style` (or `font` and `size` within it):
    escaped, long words cut, line breaks kept."""
    font, size = font or style.fontName, size or style.fontSize
    room = BODY_WIDTH - style.leftIndent - max(style.firstLineIndent, 0) - 0.5
    text = _cut_long_words(printable(text), font, size, room)
    return escape(text).replace("\n", "<br/>")


def _paragraph(text, style):
    return Paragraph(markup(text, style), style)


def _date(value):
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def task_time(task):
    """How often a task is done and how long it takes, as printed after it (a snapshot's task
    for display, sheets.snapshots.ShownTask). The one place the PDF words task time."""
    return task.time  # worded once, by missions.timing.task_time_label


def _sheet_story(data, s):
    """The flowables of a snapshot's content, empty sections left out."""
    sheet = for_display(data)
    role, story = sheet["role"], []

    def field(label, value):
        if value.strip():
            story.extend([_paragraph(label, s["label"]), _paragraph(value, s["value"])])

    def heading(text):
        story.append(_paragraph(text, s["h2"]))
        rule = HRFlowable(width="100%", thickness=0.75, color=HexColor("#999999"), spaceAfter=2)
        rule.keepWithNext = 1
        story.append(rule)

    if role["purpose"].strip():
        heading(_("Raison d'être"))
        story.append(_paragraph(role["purpose"], s["body"]))
    frame = [
        (_("People accompanied"), role["people_served"]),
        (_("Working time"), role["working_hours"]),
        (_("Supervision and practice analysis"), role["supervision"]),
        (_("Lived experience called on"), role["lived_experience"]),
    ]
    if any(value.strip() for _label, value in frame):
        heading(_("Frame of the role"))
        for label, value in frame:
            field(label, value)
    if sheet["missions"]:
        heading(_("Missions"))
    for number, mission in enumerate(sheet["missions"], start=1):
        story.append(_paragraph(f"{number}. {mission.title}", s["h3"]))
        if mission.description.strip():
            story.append(_paragraph(mission.description, s["body"]))
        field(_("How lived experience serves this mission"), mission.lived_experience)
        field(_("Includes"), mission.includes)
        field(_("Does not include"), mission.excludes)
        field(_("Latitude"), capfirst(mission.latitude))
        if mission.tasks:
            story.append(_paragraph(_("Daily tasks"), s["label"]))
        task_style = s["task"]
        for task in mission.tasks:
            meta = markup(f"— {task_time(task)}", task_style, size=9)
            story.append(
                Paragraph(
                    f"– {markup(task.action, task_style)} "
                    f'<font size="9" color="{GREY}">{meta}</font>',
                    task_style,
                )
            )
    return story


def _signature_story(number, lines, fingerprint, s):
    """The signature block: one line per signatory, then the version's fingerprint."""
    story = [
        _paragraph(_("Signatures of version %(number)s") % {"number": number}, s["h2"]),
        *(_paragraph(f"– {line}", s["task"]) for line in lines),
        _paragraph(
            _(
                "Fingerprint of version %(number)s: %(fingerprint)s. The platform shows the "
                "same fingerprint on the page of this version: if they differ, this copy is "
                "not the text of this version."
            )
            % {"number": number, "fingerprint": fingerprint},
            s["meta"],
        ),
    ]
    return [KeepTogether(story)]


def _fit(text, font, size, room):
    """`text` cut with an ellipsis to fit in `room` points (it is short: a title, a name)."""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(f"{text}…", font, size) > room:
        text = text[:-1]
    return f"{text}…"


def _build(data, *, structure, holders, status, banner="", signatures=None):
    """PDF bytes of the snapshot `data`: a header, the sheet, then `signatures` (number, lines,
    fingerprint) if given; `banner` is printed at the top of every page. `holders` (names)
    is None when not printed."""
    family = _font_family()
    s = _styles(family)
    title = printable(data["role"]["title"])
    printed = _("Printed on %(date)s.") % {"date": _date(timezone.now())}
    footer = _fit(f"{structure} — {title}".replace("\n", " "), family, 8, BODY_WIDTH - 15 * mm)
    banner = _fit(banner, f"{family}-Bold", 9, BODY_WIDTH)
    held = "" if holders is None else f"{_('Held by:')} {', '.join(holders) or _('nobody yet')}\n"

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(family, 8)
        canvas.setFillColor(HexColor("#444444"))
        canvas.drawString(LEFT, 10 * mm, footer)
        canvas.drawRightString(LEFT + BODY_WIDTH, 10 * mm, str(canvas.getPageNumber()))
        if banner:
            canvas.setFont(f"{family}-Bold", 9)
            canvas.setFillColor(s["banner"].textColor)
            canvas.drawString(LEFT, PAGE_HEIGHT - 12 * mm, banner)
        canvas.restoreState()

    story = [
        _paragraph(f"{structure} · {_('Role sheet (job description)')}", s["meta"]),
        _paragraph(title, s["h1"]),
        _paragraph(f"{held}{status} {printed}", s["meta"]),
        *_sheet_story(data, s),
    ]
    if signatures:
        story.extend(_signature_story(*signatures, s))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=title,
        author=printable(structure),
        subject=_("Role sheet (job description)"),
        creator="peerwork",
        lang=get_language(),
    )
    frame = Frame(LEFT, BOTTOM, BODY_WIDTH, doc.height, 0, 0, 0, 0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    doc.build(story)
    return buffer.getvalue()


def _capacities(structure_id, signatures):
    """Each signatory's capacity in the structure, by user id (one query)."""
    memberships = Membership.objects.filter(
        structure_id=structure_id, user_id__in=[s.signer_id for s in signatures]
    )
    return {m.user_id: m.get_capacity_display() for m in memberships}


def _signature_lines(signatures, capacities):
    lines = []
    for signature in signatures:
        who = signature.signer.get_full_name()
        capacity = capacities.get(signature.signer_id)
        who = f"{who} ({capacity})" if capacity else who
        if signature.decision == Signature.Decision.SIGNED:
            answer = _("signed on %(date)s") % {"date": _date(signature.decided_at)}
        elif signature.decision == Signature.Decision.CHANGES_REQUESTED:
            answer = _("asked for changes on %(date)s") % {"date": _date(signature.decided_at)}
        else:
            answer = _("has not signed")
        lines.append(_("%(signatory)s: %(answer)s") % {"signatory": who, "answer": answer})
    return lines


def render_sheet_pdf(role, *, adopted, signatures, capacities=None):
    """PDF bytes for `role` as it is now (with its missions, tasks, holders and structure
    prefetched), in the active language. `adopted` is its adopted version, if any, and
    `signatures` that version's."""
    data = snapshot(role)
    holders = [a.peer_worker.get_full_name() for a in role.assignments.all()]
    common = {"structure": role.structure.name, "holders": holders}
    if adopted is None:
        status = _("No version of this sheet has been signed by both sides yet.")
        banner = _("Draft — no version of this sheet has been signed by both sides yet")
        return _build(data, **common, status=status, banner=banner)
    facts = {"number": adopted.number, "date": _date(adopted.adopted_at)}
    if diff(adopted.snapshot, data):
        banner = _("Draft — differs from version %(number)s adopted on %(date)s") % facts
        return _build(data, **common, status=f"{banner}.", banner=banner)
    lines = _signature_lines(signatures, capacities or {})
    return _build(
        data,
        **common,
        status=_("Version %(number)s, adopted on %(date)s.") % facts,
        signatures=(adopted.number, lines, adopted.short_fingerprint()),
    )


def render_version_pdf(version, *, structure, signatures, capacities):
    """PDF bytes of `version` exactly as it was frozen, with its signature block. Who holds
    the role now is not printed: the signatories say who agreed to this text."""
    facts = {"number": version.number}
    banner = ""
    if version.status == RoleSheetVersion.Status.ADOPTED:
        status = _("Version %(number)s, adopted on %(date)s.") % {
            **facts,
            "date": _date(version.adopted_at),
        }
    elif version.status == RoleSheetVersion.Status.AWAITING:
        banner = _("Version %(number)s — not adopted: waiting for signatures") % facts
        status = f"{banner}."
    else:
        banner = _("Version %(number)s — replaced by a later version") % facts
        status = f"{banner}."
    return _build(
        version.snapshot,
        structure=structure,
        holders=None,
        status=status,
        banner=banner,
        signatures=(
            version.number,
            _signature_lines(signatures, capacities),
            version.short_fingerprint(),
        ),
    )


def _signatures_of(version):
    return list(version.signatures.select_related("signer").order_by("decided_at"))


def sheet_pdf(role):
    """The PDF of `role` (from `sheet_page_queryset()`, with its stamp) as it is now, from the
    cache when the sheet has not changed."""

    def build():
        full = sheet_queryset().select_related("structure").get(pk=role.pk)
        adopted = full.versions.filter(status=RoleSheetVersion.Status.ADOPTED).first()
        signatures = _signatures_of(adopted) if adopted else []
        capacities = _capacities(full.structure_id, signatures)
        return render_sheet_pdf(full, adopted=adopted, signatures=signatures, capacities=capacities)

    # The structure's counter moves with its members' capacities, which the signatures print.
    key = fragment_key(
        "sheet-pdf",
        role.pk,
        role.structure.name,
        role.sheet_counter,
        role.structure.page_counter,
    )
    return cached_build(key, build, seconds=FRAGMENT_SECONDS)


def version_pdf(role, version):
    """The PDF of `version` of `role` (its structure selected). The snapshot never changes:
    the key holds the version's id, and what is printed around it (status, signatures with
    the signatories' names and capacities, structure)."""
    signatures = _signatures_of(version)
    capacities = _capacities(role.structure_id, signatures)
    key = fragment_key(
        "version-pdf",
        version.pk,
        version.status,
        role.structure.name,
        tuple(
            (s.signer.get_full_name(), capacities.get(s.signer_id), s.decision, s.decided_at)
            for s in signatures
        ),
    )

    def build():
        return render_version_pdf(
            version,
            structure=role.structure.name,
            signatures=signatures,
            capacities=capacities,
        )

    return cached_build(key, build, seconds=FRAGMENT_SECONDS)
