"""A small typesetter on ReportLab's canvas: left-aligned paragraphs of styled runs, page breaks
that keep a heading with what follows, and a footer on every page.

ReportLab's Platypus took ~140 ms to set a sheet of 20 missions x 10 tasks, most of it parsing
each paragraph's markup and breaking its lines word by word in Python; this does only what the
role sheet needs, measured with ReportLab's C string widths, in about a quarter of the time.
Text is never parsed: what a person typed is drawn as typed.
"""

import io
import re
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

# Characters a PDF string cannot carry or a font cannot draw (controls, lone surrogates).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t]+")


def printable(text):
    """`text` with what cannot be printed removed, its line ends as "\\n"."""
    return _UNPRINTABLE.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class Style:
    font: str
    size: float
    leading: float
    color: object = HexColor("#111111")
    indent: float = 0  # left indent of every line
    hang: float = 0  # the first line starts this much left of the others
    before: float = 0  # space above (none at the top of a page)
    after: float = 0
    keep: float = 0  # room needed below it on the same page (a heading with its first lines)
    rule: bool = False  # a line under it


@dataclass(frozen=True)
class Page:
    width: float = A4[0]
    height: float = A4[1]
    left: float = 16 * mm
    right: float = 16 * mm
    top: float = 18 * mm
    bottom: float = 20 * mm


class Typesetter:
    """Sets paragraphs one after the other, then `finish()` gives the PDF's bytes."""

    def __init__(self, *, footer_font, footer, title, author, subject, lang, page=Page()):
        self.page = page
        self.width = page.width - page.left - page.right
        self._buffer = io.BytesIO()
        self.canvas = Canvas(self._buffer, pagesize=(page.width, page.height), lang=lang)
        for setter, value in [
            (self.canvas.setTitle, title),
            (self.canvas.setAuthor, author),
            (self.canvas.setSubject, subject),
            (self.canvas.setCreator, "peerwork"),
        ]:
            setter(printable(value))
        self.footer_font = footer_font
        self.footer = self._fit(
            printable(footer).replace("\n", " "), footer_font, 8, self.width - 15 * mm
        )
        self.number = 1
        self.y = self._top = page.height - page.top

    # -- measuring and breaking ---------------------------------------------------------------

    @staticmethod
    def _fit(text, font, size, room):
        """`text` cut with an ellipsis to fit in `room` points."""
        if stringWidth(text, font, size) <= room:
            return text
        while text and stringWidth(f"{text}…", font, size) > room:
            text = text[:-1]
        return f"{text}…"

    def break_lines(self, runs, style):
        """Lines of `runs` ([(text, font, size, color)]), each a list of (x, font, size, color,
        string) groups. Spaces collapse, "\\n" breaks the line (as CSS's `pre-line`), a word
        wider than the line is cut."""
        lines, line, x = [], [], 0.0
        width = self.width - style.indent
        first = True

        def limit():
            return width + (style.hang if first else 0)

        def end_line():
            nonlocal line, x, first
            lines.append(line)
            line, x, first = [], 0.0, False

        for text, font, size, color in runs:
            space = stringWidth(" ", font, size)
            for number, chunk in enumerate(printable(text).split("\n")):
                if number:
                    end_line()
                for word in _SPACES.sub(" ", chunk).strip().split(" "):
                    if not word:
                        continue
                    w = stringWidth(word, font, size)
                    gap = space if line else 0.0
                    if line and x + gap + w > limit():
                        end_line()
                        gap = 0.0
                    while w > limit():  # a word longer than a line: cut it where it overflows
                        cut = self._longest_fit(word, font, size, limit())
                        self._add(line, x, font, size, color, word[:cut], 0.0)
                        end_line()
                        word = word[cut:]
                        w = stringWidth(word, font, size)
                    x = self._add(line, x, font, size, color, word, gap)
        if line or not lines:
            lines.append(line)
        return lines

    @staticmethod
    def _longest_fit(word, font, size, room):
        """How many of `word`'s first characters fit in `room` (at least one), by bisection:
        a pasted address of thousands of characters stays quick to cut."""
        low, high = 1, len(word)
        while low < high:
            middle = (low + high + 1) // 2
            if stringWidth(word[:middle], font, size) <= room:
                low = middle
            else:
                high = middle - 1
        return low

    @staticmethod
    def _add(line, x, font, size, color, word, gap):
        """Adds `word` to `line` after `gap`, joining the group of the same style; the new x."""
        if line and line[-1][1:4] == (font, size, color):
            last = line[-1]
            line[-1] = (last[0], font, size, color, f"{last[4]} {word}" if gap else last[4] + word)
        else:
            # The space before a group is drawn with it, so the text reads as one line.
            line.append((x + gap, font, size, color, f" {word}" if gap else word))
        return x + gap + stringWidth(word, font, size)

    # -- placing ------------------------------------------------------------------------------

    def _room(self):
        return self.y - self.page.bottom

    def new_page(self):
        self._draw_footer()
        self.canvas.showPage()
        self.number += 1
        self.y = self._top

    def paragraph(self, runs, style):
        """Sets `runs` (a string, or [(text, Style)] for mixed styles) in `style`'s layout."""
        if isinstance(runs, str):
            runs = [(runs, style)]
        lines = self.break_lines([(t, s.font, s.size, s.color) for t, s in runs], style)
        at_top = self.y == self._top
        before = 0 if at_top else style.before
        # Never leave a heading, or the first line of a paragraph alone, at the foot of a page.
        first_lines = min(len(lines), 2) * style.leading
        if not at_top and before + first_lines + style.keep > self._room():
            self.new_page()
            before = 0
        self.y -= before
        for number, line in enumerate(lines):
            if style.leading > self._room():
                self.new_page()
            self.y -= style.leading
            left = self.page.left + style.indent - (style.hang if number == 0 else 0)
            self._draw_line(line, left, self._baseline(style))
        if style.rule:
            self.canvas.setStrokeColor(HexColor("#999999"))
            self.canvas.setLineWidth(0.75)
            rule_y = self.y + 1
            self.canvas.line(self.page.left, rule_y, self.page.left + self.width, rule_y)
            self.y -= 2
        self.y -= style.after

    def _baseline(self, style):
        """Where the letters of the line just placed sit: the leading's extra room shared above
        and below the text, whose descenders take about a fifth of its size."""
        return self.y + (style.leading - style.size) / 2 + 0.2 * style.size

    def _draw_line(self, line, left, baseline):
        if not line:
            return
        text = self.canvas.beginText()
        for x, font, size, color, string in line:
            offset = stringWidth(" ", font, size) if string.startswith(" ") else 0.0
            text.setTextOrigin(left + x - offset, baseline)
            text.setFont(font, size)
            text.setFillColor(color)
            text.textOut(string)
        self.canvas.drawText(text)

    def _draw_footer(self):
        canvas = self.canvas
        canvas.saveState()
        canvas.setFont(self.footer_font, 8)
        canvas.setFillColor(HexColor("#444444"))
        canvas.drawString(self.page.left, 10 * mm, self.footer)
        canvas.drawRightString(self.page.left + self.width, 10 * mm, str(self.number))
        canvas.restoreState()

    def finish(self):
        self._draw_footer()
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()
