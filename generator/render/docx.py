"""DOCX renderer: a Document laid out per NĐ 30/2020 (Phụ lục I), editable in Word without losing it.

Formatting lives in named styles (see docx_styles); the body is built as WordprocessingML strings
and spliced, as bytes, into the document part of a cached base package re-opened per document with
python-docx (see `_spliced_document_xml`).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.parser import parse_xml
from lxml import etree

from generator.common.errors import RenderError
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
        body_parts = self._body_xml(document, headers, pictures)
        properties = package.core_properties
        properties.title = _core_text(document.title)
        properties.language = LANGUAGE
        opc = package.part.package
        for part in opc.parts:
            part.before_marshal()
        document_xml = _spliced_document_xml(package.element, body_parts)
        parts = [_Spliced(part, document_xml) if part is package.part else part for part in opc.parts]
        out = io.BytesIO()
        # What package.save() does, the document part spliced (python-docx leaves this function unannotated).
        PackageWriter.write(out, opc.rels, parts)  # type: ignore[no-untyped-call]
        del parts, document_xml
        return stable_zip(out.getvalue())

    def _body_xml(self, document: Document, headers: HeaderSet, pictures: Pictures) -> list[str]:
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
        return parts


# The body used to be parsed into the package's lxml tree and serialized again by python-docx's save:
# with every unit in the annex tables, a 3.000-unit dispatch's DOCX peaked at 428 MiB, 295 MiB
# without that tree (bench/bench_scale.py's figures: the process, prepare included). Its XML is
# written as it is instead, between the rest of the document part as lxml serializes it (the
# root's declarations, the empty body's own); tests/test_render_docx.py checks the bytes are those
# parse-and-serialize gave. The body is still parsed, to refuse XML that is not well-formed as the
# parse did, but by a parser that builds nothing (`_WellFormed`).

def _spliced_document_xml(root: Any, body_parts: list[str]) -> bytes:
    """The document part's XML: `root` serialized with an empty w:body, the body's parts inside it
    (`body_parts` is emptied)."""
    body = root.body
    empty = parse_xml(f"<w:body {NSDECL}/>")
    body.getparent().replace(body, empty)
    outer = serialize_part_xml(root)  # (the root declares w: and r:, so the body's own are dropped)
    if outer.count(_EMPTY_BODY) != 1:
        raise RenderError("Không ghép được phần thân văn bản DOCX (lỗi chương trình).")
    head, tail = outer.split(_EMPTY_BODY)
    body_bytes = [part.encode("utf-8") for part in body_parts]
    body_parts.clear()  # the strings are not needed past here: one copy of the body fewer at the peak
    # huge_tree: the annex is one piece of the body, larger than libxml2's default 10 MB buffer limit;
    # it is this renderer's own XML, without entities. (lxml-stubs' target protocol lists every
    # callback; this target leaves them out on purpose.)
    parser = etree.XMLParser(target=_WellFormed(), huge_tree=True,  # type: ignore[call-overload]
                             resolve_entities=False)
    for chunk in (f"<w:body {NSDECL}>".encode(), *body_bytes, b"</w:body>"):
        parser.feed(chunk)
    parser.close()  # raises XMLSyntaxError, as parse_xml did, on a malformed body
    return b"".join([head, b"<w:body>", *body_bytes, b"</w:body>", tail])


_EMPTY_BODY = b"<w:body/>"


class _WellFormed:
    """An lxml parser target with no element callbacks: the parser checks the XML and builds nothing."""

    def close(self) -> None:
        return None


class _Spliced:
    """The document part as PackageWriter sees it (name, type, relationships), with its XML given."""

    def __init__(self, part: Part, blob: bytes) -> None:
        self.partname = part.partname
        self.content_type = part.content_type
        self.rels = part.rels
        self.blob = blob
