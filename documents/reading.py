"""A fiche de poste read from a .docx (python-docx) or .odt (odfpy) upload, as a list of lines
with what each is: a title, a heading of some level, a list item, a table row, plain text.

Refused before the readers see it, with a message in the reader's language: what is not a
DOCX or ODT file, an encrypted or empty one, one over the size limits (the upload's size and,
against zip bombs, the size of what it unpacks to), one whose XML declares entities (defusedxml
refuses them, so nothing is ever expanded). Macros are never read: only the text parts are.
The upload is read in memory and not kept.
"""

import io
import zipfile
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_xml
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from docx import Document
from docx.table import Table
from odf import teletype
from odf.opendocument import load as load_odf
from odf.style import Style
from odf.text import ListStyle

# Encrypted Word files (and old .doc ones) are OLE compound files, not zip files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MAX_PARTS = 2000
# A fiche de poste has a few pages; past this many lines, the preview would be unusable.
MAX_LINES = 600


class ImportRefused(Exception):
    """A file we do not read; its message says why, in the reader's language."""


@dataclass(frozen=True)
class Line:
    kind: str  # "title", "heading", "item", "row" or "text"
    text: str
    level: int = 0  # a heading's level (1 for the highest)
    cells: tuple = ()  # a table row's cells
    numbered: bool = False  # an item of a numbered list (1., 2.…) rather than a bulleted one


def _refuse_unsafe_zip(archive):
    infos = archive.infolist()
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > limit:
        raise ImportRefused(
            _("This file unpacks to more than %(size)s: it cannot be read.")
            % {"size": filesizeformat(limit)}
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise ImportRefused(_encrypted())


def _encrypted():
    return _(
        "This file is protected by a password (or is an old .doc file). Save it without a "
        "password as .docx or .odt, then send it again."
    )


def _check_xml(archive, names):
    """Every XML part parsed once by defusedxml: entity declarations and external references
    are refused, never expanded."""
    for name in names:
        if name.endswith((".xml", ".rels")):
            try:
                safe_xml(archive.read(name))
            except DefusedXmlException as error:
                raise ImportRefused(
                    _("This file holds XML entity declarations, which are not accepted.")
                ) from error
            except (ParseError, zipfile.BadZipFile, ValueError) as error:
                raise ImportRefused(_damaged()) from error


def _damaged():
    return _("This file seems damaged: it could not be read. Open it and save it again.")


def read_upload(upload):
    """The lines of an uploaded fiche de poste (a Django UploadedFile)."""
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportRefused(
            _("This file is larger than %(size)s.") % {"size": filesizeformat(limit)}
        )
    data = upload.read(limit + 1)
    if not data.strip():
        raise ImportRefused(_("This file is empty."))
    if data.startswith(OLE_MAGIC):
        raise ImportRefused(_encrypted())
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportRefused(_not_a_document()) from error
    with archive:
        _refuse_unsafe_zip(archive)
        names = set(archive.namelist())
        if "word/document.xml" in names:
            _check_xml(archive, names)
            return _bounded(_docx_lines(data))
        if "content.xml" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
            if b"encryption-data" in archive.read("META-INF/manifest.xml"):
                raise ImportRefused(_encrypted())
            _check_xml(archive, names)
            return _bounded(_odt_lines(data))
    raise ImportRefused(_not_a_document())


def _bounded(lines):
    if len(lines) > MAX_LINES:
        raise ImportRefused(
            _(
                "This file has more than %(count)s lines of text: that is more than a fiche de "
                "poste. Keep the part that describes the role, then send it again."
            )
            % {"count": MAX_LINES}
        )
    return lines


def _not_a_document():
    return _("This is not a Word (.docx) or LibreOffice (.odt) text document.")


def _docx_lines(data):
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on files it cannot read
        raise ImportRefused(_not_a_document()) from error
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_rows(_docx_row(row) for row in block.rows))
            continue
        text = block.text.strip()
        if not text:
            continue
        style = (block.style.name if block.style is not None else "").lower()
        properties = block._p.pPr
        numbered = properties is not None and properties.numPr is not None
        lines.append(_line(style, text, listed=numbered))
    return lines


def _docx_row(row):
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:  # a merged cell comes once per column it spans
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
    return cells


def _rows(rows):
    return [
        Line("row", " — ".join(c for c in cells if c), cells=tuple(cells))
        for cells in rows
        if any(cells)
    ]


def _line(style, text, listed=False, numbered=False):
    if style == "title":
        return Line("title", text)
    if style.startswith("heading "):
        level = style.removeprefix("heading ").strip()
        return Line("heading", text, level=int(level) if level.isdigit() else 1)
    if listed or style.startswith("list"):
        return Line("item", text, numbered=numbered or style.startswith("list number"))
    return Line("text", text)


def _odt_lines(data):
    try:
        document = load_odf(io.BytesIO(data))
    except Exception as error:  # odfpy raises many kinds on files it cannot read
        raise ImportRefused(_not_a_document()) from error
    parents = {
        style.getAttribute("name"): style.getAttribute("parentstylename")
        for style in document.automaticstyles.getElementsByType(Style)
    }
    numbered_lists = {
        style.getAttribute("name")
        for styles in (document.automaticstyles, document.styles)
        for style in styles.getElementsByType(ListStyle)
        if any(
            child.nodeType == child.ELEMENT_NODE and child.tagName == "text:list-level-style-number"
            for child in style.childNodes[:1]
        )
    }

    def style_of(element):
        name = element.getAttribute("stylename") or ""
        return (parents.get(name) or name).replace("_20_", " ").lower()

    lines = []

    def walk(element, in_list, numbered=False):
        for child in element.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            tag = child.tagName
            if tag in ("text:h", "text:p"):
                text = teletype.extractText(child).strip()
                if not text:
                    continue
                style = style_of(child)
                if tag == "text:h" and style != "title":
                    level = child.getAttribute("outlinelevel") or "1"
                    lines.append(Line("heading", text, level=int(level)))
                else:
                    lines.append(_line(style, text, listed=in_list, numbered=numbered))
            elif tag == "table:table":
                rows = [
                    [teletype.extractText(cell).strip() for cell in _cells(row)]
                    for row in _table_rows(child)
                ]
                lines.extend(_rows(rows))
            elif tag == "text:list":
                walk(child, True, child.getAttribute("stylename") in numbered_lists or numbered)
            elif tag in ("text:list-item", "text:list-header"):
                walk(child, True, numbered)
            elif tag in ("text:section", "text:soft-page-break", "office:text"):
                walk(child, in_list, numbered)

    walk(document.text, False)
    return lines


def _table_rows(table):
    for child in table.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.tagName == "table:table-row":
            yield child
        elif child.tagName in ("table:table-rows", "table:table-header-rows"):
            yield from _table_rows(child)


def _cells(row):
    return [
        child
        for child in row.childNodes
        if child.nodeType == child.ELEMENT_NODE and child.tagName == "table:table-cell"
    ]
