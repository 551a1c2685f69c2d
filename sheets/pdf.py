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

from .printed import (
    cached_sheet_file,
    cached_version_file,
    current_sheet,
    frozen_version,
    printable,
)

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

# DejaVu's widest letter is about 2 em wide: a run of fewer characters than a line's width over
# this many font sizes always fits on a line.
WIDEST_LETTER_EM = 2.1


@cache
def _unbroken(length):
    """Runs of `length` characters or more that Platypus will not break a line in (it breaks at
    its spaces only)."""
    return re.compile(f"[^{re.escape(PLATYPUS_SPACES)}]{{{length},}}")


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
        # A hanging dash, as a list item, then its time on the same line.
        "task": style(
            "task", leftIndent=6 * mm, firstLineIndent=-3 * mm, spaceAfter=1 * mm, allowWidows=0
        ),
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


def _story(printed, s):
    """The flowables of a printed sheet's body."""
    story = []
    for block in printed.body:
        if block.kind == "section":
            story.append(_paragraph(block.text, s["h2"]))
            rule = HRFlowable(width="100%", thickness=0.75, color=HexColor("#999999"), spaceAfter=2)
            rule.keepWithNext = 1
            story.append(rule)
        elif block.kind == "mission":
            story.append(_paragraph(block.text, s["h3"]))
        elif block.kind == "task":
            # Its time after a dash, in the same paragraph and style: Platypus lays out a
            # one-style paragraph without line breaks fastest (a grey line under it, kept with
            # it, cost a quarter more: the 20 x 10 sheet 240 -> 190 ms of CPU). No widow line.
            text = f"– {markup(block.text, s['task'])}"
            if block.detail:
                text += f" — {markup(block.detail, s['task'])}"
            story.append(Paragraph(text, s["task"]))
        else:  # "text", "label", "value"
            story.append(_paragraph(block.text, s[{"text": "body"}.get(block.kind, block.kind)]))
    return story


def _signature_story(signatures, s):
    """The signature block: one line per signatory, then the version's fingerprint."""
    story = [
        _paragraph(signatures.heading, s["h2"]),
        *(_paragraph(f"– {line}", s["task"]) for line in signatures.lines),
        _paragraph(signatures.fingerprint_note, s["meta"]),
    ]
    return [KeepTogether(story)]


def _fit(text, font, size, room):
    """`text` cut with an ellipsis to fit in `room` points (it is short: a title, a name)."""
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(f"{text}…", font, size) > room:
        text = text[:-1]
    return f"{text}…"


def render_pdf(printed):
    """PDF bytes of a printed sheet (sheets/printed.py): a header, the sheet, then its
    signatures if any; its banner is printed at the top of every page."""
    family = _font_family()
    s = _styles(family)
    title = printed.title
    footer = _fit(printed.footer, family, 8, BODY_WIDTH - 15 * mm)
    banner = _fit(printed.banner, f"{family}-Bold", 9, BODY_WIDTH)

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
        _paragraph(printed.kicker, s["meta"]),
        _paragraph(title, s["h1"]),
        _paragraph(printed.status, s["meta"]),
        *_story(printed, s),
    ]
    if printed.signatures:
        story.extend(_signature_story(printed.signatures, s))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=title,
        author=printed.structure,
        subject=_("Role sheet (job description)"),
        creator="peerwork",
        lang=get_language(),
    )
    frame = Frame(LEFT, BOTTOM, BODY_WIDTH, doc.height, 0, 0, 0, 0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    doc.build(story)
    return buffer.getvalue()


def render_sheet_pdf(role, *, adopted, signatures, capacities=None):
    """PDF bytes for `role` as it is now (sheets.printed.current_sheet)."""
    return render_pdf(
        current_sheet(role, adopted=adopted, signatures=signatures, capacities=capacities)
    )


def render_version_pdf(version, *, structure, signatures, capacities):
    """PDF bytes of `version` exactly as it was frozen (sheets.printed.frozen_version)."""
    return render_pdf(
        frozen_version(version, structure=structure, signatures=signatures, capacities=capacities)
    )


def sheet_pdf(role):
    """The PDF of `role` (from `get_role_for_user`, with its counter) as it is now, from
    the cache when the sheet has not changed."""
    # Looked up at each build, so that a test can watch the builds.
    return cached_sheet_file(role, "pdf", lambda *a, **kw: render_sheet_pdf(*a, **kw))


def version_pdf(role, version):
    """The PDF of `version` of `role` (its structure selected), kept while nothing it prints
    changes."""
    return cached_version_file(role, version, "pdf", lambda *a, **kw: render_version_pdf(*a, **kw))
