"""DOCX renderer: a Document laid out per NĐ 30/2020 (Phụ lục I), editable in Word without losing it.

Formatting lives in named styles (see docx_styles); the body is built as one WordprocessingML
string and parsed once, into a cached base package re-opened per document with python-docx.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.parser import parse_xml

from generator.common.layout import Layout
from generator.content import Document
from generator.render import docx_styles as st
from generator.render.base import Renderer
from generator.render.docx_body import annex_xml, blocks_xml
from generator.render.docx_figure import Pictures
from generator.render.docx_front import draft_notes_block, header_block, recipients_block, signature_block
from generator.render.docx_pages import HeaderSet, sect_pr, text_width
from generator.render.docx_xml import NSDECL, paragraph

LANGUAGE = "vi-VN"
CORE_TEXT_LIMIT = 255  # python-docx (and Word) refuse a longer core property


# Zip stores each entry's local time of writing; the same document must give the same bytes (the
# manifest's hash, a resumed batch, a reviewer's diff), so every entry gets zip's epoch instead.
_EPOCH_TIME_DATE = b"\x00\x00\x21\x00"  # 00:00:00, 1980-01-01 in MS-DOS form (time, then date)
_CENTRAL, _LOCAL, _END = b"PK\x01\x02", b"PK\x03\x04", b"PK\x05\x06"


def stable_zip(data: bytes) -> bytes:
    """`data` (a zip python-docx wrote) with every entry's date set to 1980-01-01 00:00, in place.

    Only the two date fields of each local and central header change, so nothing is recompressed.
    A zip this code does not recognise is rewritten entry by entry instead.
    """
    buffer = bytearray(data)
    end = buffer.rfind(_END)
    if end < 0 or len(buffer) - end != 22:  # python-docx writes no archive comment
        return _rewritten(data)
    count = int.from_bytes(buffer[end + 10:end + 12], "little")
    position = int.from_bytes(buffer[end + 16:end + 20], "little")
    for _ in range(count):
        if buffer[position:position + 4] != _CENTRAL:
            return _rewritten(data)
        local = int.from_bytes(buffer[position + 42:position + 46], "little")
        if buffer[local:local + 4] != _LOCAL:
            return _rewritten(data)
        buffer[position + 12:position + 16] = _EPOCH_TIME_DATE
        buffer[local + 10:local + 14] = _EPOCH_TIME_DATE
        name, extra, comment = (int.from_bytes(buffer[position + i:position + i + 2], "little") for i in (28, 30, 32))
        position += 46 + name + extra + comment
    return bytes(buffer)


def _rewritten(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


def _core_text(text: str) -> str:
    return text if len(text) <= CORE_TEXT_LIMIT else text[: CORE_TEXT_LIMIT - 1] + "…"


class DocxRenderer(Renderer):
    """Renders a Document to the bytes of a .docx file."""

    name = "docx"
    suffix = "docx"

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout)
        self._base = st.base_package(layout)

    def render(self, document: Document) -> bytes:
        """The .docx content: page 1 (header, recipients, body, signature), then one section per annex."""
        package = docx.Document(io.BytesIO(self._base))
        headers = HeaderSet(package.part, self.layout, document.draft_mark)
        pictures = Pictures(package.part, self.layout)
        body = package.element.body
        body_xml = self._body_xml(document, headers, pictures)
        body.getparent().replace(body, parse_xml(f"<w:body {NSDECL}>{body_xml}</w:body>"))
        properties = package.core_properties
        properties.title = _core_text(document.title)
        properties.language = LANGUAGE
        out = io.BytesIO()
        package.save(out)
        return stable_zip(out.getvalue())

    def _body_xml(self, document: Document, headers: HeaderSet, pictures: Pictures) -> str:
        """Every section's content; each but the last ends with a paragraph carrying its w:sectPr."""
        layout = self.layout
        width = text_width(layout, landscape=False)
        parts = [
            header_block(document.header, layout, width),
            draft_notes_block(document),
            recipients_block(document, layout, width),
            blocks_xml(document.body, layout, width, pictures),
            signature_block(document, layout, width),
        ]
        section = sect_pr(layout, headers, landscape=False, restart_numbering=False)
        for annex in document.annexes:
            parts.append(paragraph(st.style_id(st.SECTION_END), sect_pr=section))
            parts.append(annex_xml(annex, layout, text_width(layout, annex.landscape), pictures))
            section = sect_pr(layout, headers, landscape=annex.landscape, restart_numbering=True)
        # The last section ends on a tiny paragraph too, so a closing table never ends the body.
        parts.append(paragraph(st.style_id(st.SECTION_END)))
        parts.append(section)
        return "".join(parts)
