"""DOCX renderer: a Document laid out per NĐ 30/2020 (Phụ lục I), editable in Word without losing it.

Formatting lives in named styles (see docx_styles); the body is built as WordprocessingML strings
and spliced, as bytes, into the document part of a cached base package re-opened per document with
python-docx (see `_spliced_document_xml`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
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
from generator.render.docx_body import annex_parts, blocks_parts
from generator.render.docx_figure import Pictures
from generator.render.docx_front import draft_notes_block, header_block, recipients_block, signature_block
from generator.render.docx_pages import HeaderSet, sect_pr, text_width
from generator.render.docx_xml import NSDECL, paragraph

LANGUAGE = "vi-VN"
CORE_TEXT_LIMIT = 255  # python-docx (and Word) refuse a longer core property


# Zip stores each entry's local time of writing; the same document must give the same bytes (the
# manifest's hash, a resumed batch, a reviewer's diff), so every entry is dated 1980-01-01 00:00.
_EPOCH = (1980, 1, 1, 0, 0, 0)


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
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            _write_package(archive, opc, package.part, _spliced_document_xml(package.element, body_parts))
        return out.getvalue()

    def _body_xml(self, document: Document, headers: HeaderSet, pictures: Pictures) -> list[str]:
        """Every section's content; each but the last ends with a paragraph carrying its w:sectPr."""
        layout = self.layout
        width = text_width(layout, landscape=False)
        parts = [
            header_block(document.header, layout, width),
            draft_notes_block(document),
            recipients_block(document, layout, width),
            *blocks_parts(document.body, layout, width, pictures),
            signature_block(document, layout, width),
        ]
        section = sect_pr(layout, headers, landscape=False, restart_numbering=False)
        for annex in document.annexes:
            parts.append(paragraph(st.style_id(st.SECTION_END), sect_pr=section))
            parts.extend(annex_parts(annex, layout, text_width(layout, annex.landscape), pictures))
            section = sect_pr(layout, headers, landscape=annex.landscape, restart_numbering=True)
        # The last section ends on a tiny paragraph too, so a closing table never ends the body.
        parts.append(paragraph(st.style_id(st.SECTION_END)))
        parts.append(section)
        return parts


# The body used to be parsed into the package's lxml tree and serialized again by python-docx's save:
# with every unit in the annex tables, a 3.000-unit dispatch's DOCX peaked at 449 MiB, 296 MiB
# without that tree, 256 MiB streamed in pieces (10.000 units: 577 -> 517 MiB; the process's peak,
# prepare included, as bench/bench_scale.py measures it). Its XML is
# written as it is instead, streamed into the zip entry between the rest of the document part as
# lxml serializes it (the root's declarations, the empty body's own): no tree, and no copy of the
# whole part in memory either: the body comes in pieces, a table row each (docx_body), each encoded
# and written in turn. tests/test_render_docx.py checks the bytes are those parse-and-serialize
# gave. The body is still parsed as it streams past, to refuse XML that is not well-formed as the
# parse did, by a parser that builds nothing (`_WellFormed`).

def _spliced_document_xml(root: Any, body_parts: list[str]) -> Iterator[bytes]:
    """The document part's XML, in pieces: `root` serialized with an empty w:body, the body's parts
    inside it (`body_parts` is emptied as they are written)."""
    body = root.body
    body.getparent().replace(body, parse_xml(f"<w:body {NSDECL}/>"))
    outer = serialize_part_xml(root)  # (the root declares w: and r:, so the body's own are dropped)
    if outer.count(_EMPTY_BODY) != 1:
        raise RenderError("Không ghép được phần thân văn bản DOCX (lỗi chương trình).")
    head, tail = outer.split(_EMPTY_BODY)
    return _checked_body(head + b"<w:body>", body_parts, b"</w:body>" + tail)


def _checked_body(head: bytes, body_parts: list[str], tail: bytes) -> Iterator[bytes]:
    """`head`, the body's parts as UTF-8, `tail`; XMLSyntaxError at the end when the body is not
    well-formed."""
    # (lxml-stubs' target protocol lists every callback; this target leaves them out on purpose.)
    parser = etree.XMLParser(target=_WellFormed(), resolve_entities=False)  # type: ignore[call-overload]
    parser.feed(f"<w:body {NSDECL}>".encode())
    yield head
    body_parts.reverse()
    while body_parts:
        chunk = body_parts.pop().encode("utf-8")  # one piece at a time: each string goes once written
        parser.feed(chunk)
        yield chunk
    parser.feed(b"</w:body>")
    parser.close()  # raises XMLSyntaxError, as parse_xml did, on a malformed body
    yield tail


_EMPTY_BODY = b"<w:body/>"


class _WellFormed:
    """An lxml parser target with no element callbacks: the parser checks the XML and builds nothing."""

    def close(self) -> None:
        return None


def _write_package(archive: zipfile.ZipFile, package: Any, document_part: Part, document_xml: Iterator[bytes]) -> None:
    """What python-docx's save writes (its PackageWriter: content types, relationships, every part),
    each entry dated _EPOCH, the document part's XML streamed from `document_xml`."""
    parts = package.parts
    entries = _Entries(archive, document_part.partname, document_xml)
    # PackageWriter's own steps, which take any object with write(pack_uri, blob); they are private, so a
    # python-docx that renamed them would fail every DOCX test at once. (The first two are unannotated,
    # the third names python-docx's zip writer.)
    PackageWriter._write_content_types_stream(entries, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(entries, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(entries, parts)  # type: ignore[arg-type]


_MEDIA = "word/media/"


class _Entries:
    """The zip entries of a package, as python-docx's writer names and fills them."""

    def __init__(self, archive: zipfile.ZipFile, streamed: str, chunks: Iterator[bytes]) -> None:
        self.archive = archive
        self.streamed = streamed  # the part name whose content comes from `chunks`, not its blob
        self.chunks = chunks

    def write(self, pack_uri: Any, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=_EPOCH)
        # Pictures are PNGs, deflated already: deflating them again gained ~1 % and cost ~1 ms each.
        entry.compress_type = zipfile.ZIP_STORED if pack_uri.membername.startswith(_MEDIA) else zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16  # as ZipFile.writestr gives an entry named by a string
        with self.archive.open(entry, "w") as stream:
            for chunk in (self.chunks if pack_uri == self.streamed else (blob,)):
                stream.write(chunk)
