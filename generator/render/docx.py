"""DOCX renderer: a Document laid out per NĐ 30/2020 (Phụ lục I), editable in Word without losing it.

Formatting lives in named styles (see docx_styles); the body is built as one WordprocessingML
string and parsed once, into a cached base package re-opened per document with python-docx.
"""

from __future__ import annotations

import io

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
        return out.getvalue()

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
