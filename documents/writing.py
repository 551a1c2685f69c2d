"""A printed sheet (sheets/printed.py) as a Word (.docx, python-docx) or LibreOffice (.odt,
odfpy) file, for HR files: the same content in the same order as the PDF.

The structure is made of the formats' own styles, so that a reader (and our import) finds it:
the role's title in "Title", sections in "Heading 1", missions in "Heading 2", tasks as list
items, each ended by how often and how long ("— 2 times a week · 1 h each time"). A banner
(draft, not adopted) is in the header of every page; the footer names the structure and role.
"""

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from odf import dc, teletype
from odf.opendocument import OpenDocumentText
from odf.style import (
    Footer,
    Header,
    ListLevelProperties,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TextProperties,
)
from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P, PageNumber, Span

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"
GREY = "555555"
RED = "8A1C1C"
TASK_BULLET = "–"


def _subject():
    return _("Role sheet (job description)")


# Word ------------------------------------------------------------------------------------


def _docx_run(paragraph, text, *, size=None, bold=False, color=None):
    run = paragraph.add_run(text)  # "\n" becomes a line break, as typed
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _docx_page_number(paragraph):
    """A PAGE field: Word and LibreOffice write the page's number in it."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def render_docx(printed):
    """.docx bytes of `printed`."""
    doc = Document()
    props = doc.core_properties
    props.title = printed.title
    props.author = printed.structure
    props.subject = _subject()
    props.language = get_language()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(16)
    section.top_margin = section.bottom_margin = Mm(20)
    if printed.banner:
        _docx_run(section.header.paragraphs[0], printed.banner, size=9, bold=True, color=RED)
    footer = section.footer.paragraphs[0]
    _docx_run(footer, f"{printed.footer} · ", size=8, color=GREY)
    _docx_page_number(footer)

    _docx_run(doc.add_paragraph(), printed.kicker, size=9, color=GREY)
    doc.add_paragraph(printed.title, style="Title")
    _docx_run(doc.add_paragraph(), printed.status, size=9, color=GREY)
    for block in printed.body:
        if block.kind == "section":
            doc.add_heading(block.text, level=1)
        elif block.kind == "mission":
            doc.add_heading(block.text, level=2)
        elif block.kind == "task":
            item = doc.add_paragraph(style="List Bullet")
            _docx_run(item, block.text)
            _docx_run(item, f" — {block.detail}", size=9, color=GREY)
        elif block.kind == "label":
            label = doc.add_paragraph()
            label.paragraph_format.keep_with_next = True
            label.paragraph_format.space_after = Pt(0)
            _docx_run(label, block.text, bold=True)
        elif block.kind == "value":
            value = doc.add_paragraph(block.text)
            value.paragraph_format.left_indent = Mm(4)
        else:
            doc.add_paragraph(block.text)
    if printed.signatures:
        signatures = printed.signatures
        doc.add_heading(signatures.heading, level=1)
        for line in signatures.lines:
            doc.add_paragraph(line, style="List Bullet").paragraph_format.keep_with_next = True
        _docx_run(doc.add_paragraph(), signatures.fingerprint_note, size=9, color=GREY)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# LibreOffice -------------------------------------------------------------------------------


def _odt_styles(doc):
    def paragraph_style(name, *, text=None, paragraph=None, **attributes):
        style = Style(name=name, family="paragraph", **attributes)
        if paragraph:
            style.addElement(ParagraphProperties(**paragraph))
        if text:
            style.addElement(TextProperties(**text))
        doc.styles.addElement(style)
        return style

    keep = {"keepwithnext": "always"}
    styles = {
        "meta": paragraph_style("Meta", text={"fontsize": "9pt", "color": f"#{GREY}"}),
        "title": paragraph_style(
            "Title",
            displayname="Title",
            text={"fontsize": "20pt", "fontweight": "bold"},
            paragraph={"marginbottom": "0.2cm"},
        ),
        "h1": paragraph_style(
            "Heading_20_1",
            displayname="Heading 1",
            defaultoutlinelevel="1",
            text={"fontsize": "14pt", "fontweight": "bold"},
            paragraph={"margintop": "0.5cm", "marginbottom": "0.1cm", **keep},
        ),
        "h2": paragraph_style(
            "Heading_20_2",
            displayname="Heading 2",
            defaultoutlinelevel="2",
            text={"fontsize": "12pt", "fontweight": "bold"},
            paragraph={"margintop": "0.35cm", "marginbottom": "0.1cm", **keep},
        ),
        "label": paragraph_style(
            "Label", text={"fontweight": "bold"}, paragraph={"margintop": "0.15cm", **keep}
        ),
        "value": paragraph_style("Value", paragraph={"marginleft": "0.4cm"}),
        "text": paragraph_style("Body", paragraph={"marginbottom": "0.2cm"}),
        "banner": paragraph_style(
            "Banner", text={"fontsize": "9pt", "fontweight": "bold", "color": f"#{RED}"}
        ),
        "footer": paragraph_style("Footer", text={"fontsize": "8pt", "color": f"#{GREY}"}),
    }
    detail = Style(name="Detail", family="text")
    detail.addElement(TextProperties(fontsize="9pt", color=f"#{GREY}"))
    doc.styles.addElement(detail)
    styles["detail"] = detail
    bullets = ListStyle(name="Tasks")
    bullet = ListLevelStyleBullet(level=1, bulletchar=TASK_BULLET)
    bullet.addElement(ListLevelProperties(spacebefore="0.2cm", minlabelwidth="0.4cm"))
    bullets.addElement(bullet)
    doc.styles.addElement(bullets)
    styles["list"] = bullets
    return styles


def _odt_text(element, text):
    teletype.addTextToElement(element, text)  # line breaks, tabs and runs of spaces kept
    return element


def render_odt(printed):
    """.odt bytes of `printed`."""
    doc = OpenDocumentText()
    doc.meta.addElement(dc.Title(text=printed.title))
    doc.meta.addElement(dc.Subject(text=_subject()))
    doc.meta.addElement(dc.Creator(text=printed.structure))
    doc.meta.addElement(dc.Language(text=get_language()))
    s = _odt_styles(doc)

    layout = PageLayout(name="A4")
    layout.addElement(
        PageLayoutProperties(
            pagewidth="21cm",
            pageheight="29.7cm",
            printorientation="portrait",
            marginleft="1.6cm",
            marginright="1.6cm",
            margintop="1.2cm",
            marginbottom="1.2cm",
        )
    )
    doc.automaticstyles.addElement(layout)
    page = MasterPage(name="Standard", pagelayoutname=layout)
    if printed.banner:
        header = Header()
        header.addElement(_odt_text(P(stylename=s["banner"]), printed.banner))
        page.addElement(header)
    footer = Footer()
    line = _odt_text(P(stylename=s["footer"]), f"{printed.footer} · ")
    line.addElement(PageNumber(selectpage="current"))
    footer.addElement(line)
    page.addElement(footer)
    doc.masterstyles.addElement(page)

    body = doc.text
    body.addElement(_odt_text(P(stylename=s["meta"]), printed.kicker))
    body.addElement(_odt_text(P(stylename=s["title"]), printed.title))
    body.addElement(_odt_text(P(stylename=s["meta"]), printed.status))
    tasks = None  # the list the tasks in a row go in

    def list_item(parent, text, detail=""):
        paragraph = _odt_text(P(stylename=s["text"]), text)
        if detail:
            paragraph.addElement(_odt_text(Span(stylename=s["detail"]), f" — {detail}"))
        item = ListItem()
        item.addElement(paragraph)
        parent.addElement(item)

    for block in printed.body:
        if block.kind == "task":
            if tasks is None:
                tasks = List(stylename=s["list"])
                body.addElement(tasks)
            list_item(tasks, block.text, block.detail)
            continue
        tasks = None
        if block.kind in ("section", "mission"):
            level = 1 if block.kind == "section" else 2
            body.addElement(_odt_text(H(outlinelevel=level, stylename=s[f"h{level}"]), block.text))
        else:
            body.addElement(_odt_text(P(stylename=s[block.kind]), block.text))
    if printed.signatures:
        signatures = printed.signatures
        body.addElement(_odt_text(H(outlinelevel=1, stylename=s["h1"]), signatures.heading))
        lines = List(stylename=s["list"])
        for signatory in signatures.lines:
            list_item(lines, signatory)
        body.addElement(lines)
        body.addElement(_odt_text(P(stylename=s["meta"]), signatures.fingerprint_note))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


FORMATS = {"docx": (render_docx, DOCX_TYPE), "odt": (render_odt, ODT_TYPE)}
