"""Figures in the DOCX: the chart's PNG as an inline picture (python-docx), centred, caption below.

Figures side by side are the equal cells of a borderless layout table, each picture above its
caption, both inset by half the gap (render/figures.py); the row is never split across pages.

The picture is added to the package as an image part (python-docx's `get_or_add_image`, which
stores a picture used twice only once) and placed by a `wp:inline` drawing whose `docPr` carries the
figure's alt text (`descr`), which Word shows as the picture's alternative text.
"""

from __future__ import annotations

import io

from docx.oxml.shape import CT_Inline
from docx.parts.document import DocumentPart
from docx.shared import Mm
from lxml import etree

from generator.common.layout import Layout
from generator.content import Figure, FigureRow
from generator.render import docx_styles as st
from generator.render.docx_xml import R_NS, cell, mm, paragraph, row, run, table
from generator.render.figures import ROW_GAP_MM, PlacedFigure, place, place_row

_R_DECLARATION = f' xmlns:r="{R_NS}"'


class Pictures:
    """Adds the pictures of one document to its package; drawing ids count from 1 in the document."""

    def __init__(self, part: DocumentPart, layout: Layout) -> None:
        self.part = part
        self.layout = layout
        self._next_id = 1

    def inline(self, png: bytes, width_mm: float, height_mm: float, alt: str) -> str:
        """A `wp:inline` drawing of `png` at the given size, with `alt` as its description."""
        r_id, image = self.part.get_or_add_image(io.BytesIO(png))
        shape_id = self._next_id
        self._next_id += 1
        inline = CT_Inline.new_pic_inline(shape_id, r_id, image.filename, Mm(width_mm), Mm(height_mm))
        inline.docPr.set("name", f"Biểu đồ {shape_id}")
        inline.docPr.set("descr", alt)
        xml: str = etree.tostring(inline, encoding="unicode")
        # The document's root declares r: (the picture's link); its XML is written as it is, without
        # a parse that would drop a declaration made again here (see docx._spliced_document_xml).
        return xml.replace(_R_DECLARATION, "", 1)


def figure_block(figure: Figure, pictures: Pictures, landscape: bool) -> str:
    """The picture in its own centred paragraph, kept with the caption that follows it."""
    return _picture_and_caption(figure, place(figure, pictures.layout, landscape), pictures)


def figure_row_block(figures: FigureRow, pictures: Pictures, landscape: bool, text_width: int) -> str:
    """The row's figures in the equal cells of one borderless table row of `text_width` twips."""
    placed = place_row(figures, pictures.layout, landscape)
    count = len(placed)
    columns = [text_width // count] * count
    columns[-1] += text_width - sum(columns)
    inset = mm(ROW_GAP_MM / 2)
    cells = [cell(width, _picture_and_caption(figure, picture, pictures, inset))
             for width, figure, picture in zip(columns, figures.figures, placed)]
    return table(st.style_id(st.LAYOUT_TABLE), columns, [row(cells, cant_split=True)], borders_none=True,
                 cell_margin=0)


def _picture_and_caption(figure: Figure, placed: PlacedFigure, pictures: Pictures, inset: int = 0) -> str:
    """The picture's paragraph, centred, then its caption's, `inset` twips in from either side (the
    picture is already that much narrower than its cell: an indent too would let a word processor
    that pads cells anyway, as LibreOffice does, crop it)."""
    inline = pictures.inline(placed.png, placed.width_mm, placed.height_mm, figure.alt)
    drawing = f"<w:r><w:drawing>{inline}</w:drawing></w:r>"
    parts = [paragraph(st.style_id(st.FIGURE), drawing, keep_next=figure.caption is not None)]
    if figure.caption:
        parts.append(paragraph(st.style_id(st.FIGURE_CAPTION), run(figure.caption),
                               indent=(inset, inset, 0) if inset else None))
    return "".join(parts)


