"""Body blocks as WordprocessingML: paragraphs with emphasis, bordered tables, annexes.

The blocks come as lists of pieces, a table row each, not one string: the DOCX renderer streams
them into the file one at a time (docx._spliced_document_xml), so the body of a 10.000-unit dispatch
(its annex ranks every unit) is never held whole, nor joined (a join needs the pieces and the whole
at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator.common.errors import RenderError
from generator.common.layout import Layout
from generator.content import Annex, Block, Cell, Figure, FigureRow, Paragraph, Span, Table
from generator.render import docx_styles as st
from generator.render.docx_figure import Pictures, figure_block, figure_row_block
from generator.render.docx_xml import TWIPS_PER_PT, cell, jc, paragraph, row, run, table_parts

NBSP = "\u00a0"


def _span_text(span: Span) -> str:
    """A run's text; inside a no-break span every space is a non-breaking one (Word breaks at spaces only)."""
    return span.text.replace(" ", NBSP) if span.nobreak else span.text


def body_paragraph(block: Paragraph, space_before: int | None = None, keep_next: bool = False) -> str:
    """A "CV Body" paragraph; only deviations from the style (no indent, other alignment) are direct."""
    runs = "".join(run(_span_text(span), bold=span.bold, italic=span.italic, highlight=span.highlight)
                   for span in block.spans)
    return paragraph(
        st.style_id(st.BODY),
        runs,
        keep_next=keep_next or block.keep_with_next,
        space_before=space_before,
        first_line=None if block.indent else 0,
        align=None if block.align == "justify" else jc(block.align),
    )


def scaled_widths(weights: Sequence[float], total: int) -> tuple[int, ...]:
    """Relative column weights scaled to `total` twips; rounding goes to the last column."""
    if not weights or any(w <= 0 for w in weights):
        raise RenderError("Bảng có độ rộng cột không hợp lệ (phải là các số dương).")
    scale = total / sum(weights)
    widths = [round(w * scale) for w in weights[:-1]]
    return (*widths, total - sum(widths))


def _cell_xml(content: Cell, width: int, span: int, merge: str | None, style: str, header: bool) -> str:
    align = "center" if header else content.align
    text = paragraph(style, run(content.text, bold=content.bold or header),
                     align=None if align == "left" else jc(align))
    return cell(width, text, span=span, merge=merge, valign="center")


def _continuation_xml(width: int, span: int, style: str) -> str:
    return cell(width, paragraph(style), span=span, merge="continue", valign="center")


def _rows_xml(rows: Iterable[Sequence[Cell]], widths: Sequence[int], style: str, *, header: bool,
              covered: dict[int, tuple[int, int]]) -> list[str]:
    """Rows placed on the column grid as in HTML: a rowspan covers the same columns below it.

    `covered` maps a start column to (rows still covered, colspan) and carries across calls so a
    header cell may span into the body.
    """
    columns = len(widths)
    result = []
    for number, cells in enumerate(rows, start=1):
        pieces: list[str] = []
        pending = iter(cells)
        column = 0
        while column < columns:
            if column in covered:
                left, span = covered[column]
                pieces.append(_continuation_xml(sum(widths[column:column + span]), span, style))
                if left == 1:
                    del covered[column]
                else:
                    covered[column] = (left - 1, span)
                column += span
                continue
            content = next(pending, None)
            if content is None:  # a short row: pad with empty cells so the grid stays rectangular
                content = Cell("")
            span = max(1, min(content.colspan, columns - column))
            merge = None
            if content.rowspan > 1:
                covered[column] = (content.rowspan - 1, span)
                merge = "restart"
            pieces.append(_cell_xml(content, sum(widths[column:column + span]), span, merge, style, header))
            column += span
        if next(pending, None) is not None:
            raise RenderError(f"Bảng có hàng thứ {number} nhiều ô hơn số cột ({columns}).")
        result.append(row(pieces, header=header, cant_split=True))
    return result


def table_block_parts(block: Table, layout: Layout, text_width: int) -> list[str]:
    """A bordered "CV Table" spanning the text width, header rows bold, centred, repeated per page:
    in pieces, a row each."""
    caption = paragraph(st.style_id(st.TABLE_CAPTION), run(block.caption)) if block.caption else ""
    if not block.header and not block.rows:  # Word rejects a w:tbl without rows
        return [caption]
    widths = scaled_widths(block.widths, text_width)
    style = st.style_id(st.TABLE_TEXT_DENSE if len(widths) >= layout.dense_table_columns else st.TABLE_TEXT)
    covered: dict[int, tuple[int, int]] = {}
    rows = _rows_xml(block.header, widths, style, header=True, covered=covered)
    rows += _rows_xml(block.rows, widths, style, header=False, covered=covered)
    return [caption, *table_parts(st.style_id(st.TABLE), widths, rows)]


def blocks_parts(blocks: Iterable[Block], layout: Layout, text_width: int, pictures: Pictures | None = None,
                 landscape: bool = False) -> list[str]:
    """Body blocks in order, in pieces, kept apart after a table (Word would fuse two adjacent tables).

    Figures need `pictures` (the document's package) and whether their section is `landscape`.

    A paragraph that introduces a table (a section heading in the annex, say) is kept on the page
    of the table's first row, as the PDF does, so it never ends a page on its own.
    """
    parts = []
    gap_after_table = round(layout.table_gap_pt * TWIPS_PER_PT)
    after_table = False
    blocks = tuple(blocks)
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            before_table = index + 1 < len(blocks) and isinstance(blocks[index + 1], Table)
            parts.append(body_paragraph(block, space_before=gap_after_table if after_table else None,
                                        keep_next=before_table))
            after_table = False
        elif isinstance(block, Table):
            if after_table:
                parts.append(paragraph(st.style_id(st.BODY)))
            parts.extend(table_block_parts(block, layout, text_width))
            after_table = True
        elif isinstance(block, (Figure, FigureRow)):
            if pictures is None:
                raise RenderError("Văn bản có biểu đồ nhưng không có nơi chứa hình ảnh (lỗi chương trình).")
            if isinstance(block, Figure):
                parts.append(figure_block(block, pictures, landscape))
                after_table = False
            else:  # a row is a layout table: apart from a table before it, like a table
                if after_table:
                    parts.append(paragraph(st.style_id(st.BODY)))
                parts.append(figure_row_block(block, pictures, landscape, text_width))
                after_table = True
        else:
            raise RenderError(f"Khối nội dung không được hỗ trợ: {type(block).__name__}.")
    return parts


def annex_parts(annex: Annex, layout: Layout, text_width: int, pictures: Pictures | None = None) -> list[str]:
    """The annex heading, upper-case title, italic subtitle, then its blocks, in pieces."""
    parts = [
        paragraph(st.style_id(st.ANNEX_HEADING), run(annex.heading)),
        paragraph(st.style_id(st.ANNEX_TITLE), run(annex.title)),
    ]
    if annex.subtitle:
        parts.append(paragraph(st.style_id(st.ANNEX_SUBTITLE), run(annex.subtitle)))
    parts.extend(blocks_parts(annex.blocks, layout, text_width, pictures, annex.landscape))
    return parts
