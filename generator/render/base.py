"""Renderer family: one content source in, one file's bytes out (after Sphinx's builders)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from generator.content.model import Document


@dataclass(frozen=True)
class Layout:
    """Page set-up shared by both renderers; comes from the issuer profile (NĐ 30 ranges)."""

    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    body_size_pt: float = 14  # 13-14
    header_size_pt: float = 13  # issuing body and national motto, 12-13
    copies_size_pt: float = 11  # "Nơi nhận" list
    line_spacing: float = 1.15  # multiple of single, 1.0-1.5
    space_after_pt: float = 6
    first_line_indent_cm: float = 1.27
    font_family: str = "Times New Roman"


class Renderer(ABC):
    """Turns a Document into the bytes of one file. Subclasses declare `name` and `suffix`."""

    name: str = ""
    suffix: str = ""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    @abstractmethod
    def render(self, document: Document) -> bytes:
        """The complete file content for `document`."""


def renderer_for(fmt: str, layout: Layout) -> Renderer:
    """The renderer for a format name ("docx" or "pdf"); imports lazily (WeasyPrint is slow to load)."""
    if fmt == "docx":
        from generator.render.docx import DocxRenderer

        return DocxRenderer(layout)
    if fmt == "pdf":
        from generator.render.pdf import PdfRenderer

        return PdfRenderer(layout)
    raise ValueError(fmt)

