"""WordprocessingML fragments as strings: runs, paragraphs, table pieces.

The renderer builds the document body as XML strings and splices them into the document part
unparsed (docx._spliced_document_xml), an order of magnitude faster than python-docx's object API
for large tables; element text is written as lxml would write it (`esc_text`). Every text goes through `esc`, so
names with & < > " stay literal. Child elements are written in the order the schema requires
(Word rejects files whose pPr/rPr children are out of order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

TWIPS_PER_PT = 20
TWIPS_PER_CM = 1440 / 2.54
TWIPS_PER_MM = TWIPS_PER_CM / 10

_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
# Characters XML 1.0 cannot carry; a stray one would make the whole file unreadable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAKS = re.compile("([\t\n])")


def cm(value: float) -> int:
    """Centimetres to twips."""
    return round(value * TWIPS_PER_CM)


def mm(value: float) -> int:
    """Millimetres to twips."""
    return round(value * TWIPS_PER_MM)


def half_points(size_pt: float) -> int:
    """Font size in the half-points of w:sz."""
    return round(size_pt * 2)


def esc(text: str) -> str:
    """Text safe inside an element or a double-quoted attribute."""
    text = _INVALID_XML.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def esc_text(text: str) -> str:
    """Text inside an element, written as lxml serializes a parsed one (the body is spliced into the
    document unparsed, docx._spliced_document_xml): quotes as they are; a carriage return as the line
    feed an XML parser reads it as."""
    text = _INVALID_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "\n")


def jc(align: str) -> str:
    """The w:jc value for a content-model alignment."""
    return _JC[align]


def run(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    style: str | None = None,
    size_pt: float | None = None,
    highlight: bool = False,
) -> str:
    """One run; tabs and line feeds in `text` become w:tab and w:br; `highlight` paints it yellow."""
    props = []
    if style:
        props.append(f'<w:rStyle w:val="{style}"/>')
    if bold:
        props.append("<w:b/><w:bCs/>")
    if italic:
        props.append("<w:i/><w:iCs/>")
    if size_pt is not None:
        size = half_points(size_pt)
        props.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    if highlight:
        props.append('<w:highlight w:val="yellow"/>')  # after w:szCs, as CT_RPr orders it
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    parts = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
        elif piece:
            parts.append(f'<w:t xml:space="preserve">{esc_text(piece)}</w:t>')
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def field_run(instruction: str, shown: str) -> str:
    """A complex field (e.g. PAGE) with the value shown before Word updates it."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{esc(shown)}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def paragraph(
    style: str,
    runs: str = "",
    *,
    keep_next: bool = False,
    tabs: Sequence[tuple[str, int]] = (),
    space_before: int | None = None,
    indent: tuple[int, int, int] | None = None,
    first_line: int | None = None,
    align: str | None = None,
    sect_pr: str = "",
) -> str:
    """A paragraph in `style`; other arguments are direct overrides (twips) kept to layout needs.

    `indent` is (left, right, first line), a negative first line being a hanging indent;
    `first_line` alone overrides only the style's first-line indent.
    """
    props = [f'<w:pStyle w:val="{style}"/>']
    if keep_next:
        props.append("<w:keepNext/>")
    if tabs:
        stops = "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs)
        props.append(f"<w:tabs>{stops}</w:tabs>")
    if space_before is not None:
        props.append(f'<w:spacing w:before="{space_before}"/>')
    if indent is not None:
        left, right, first = indent
        first_attr = f'w:hanging="{-first}"' if first < 0 else f'w:firstLine="{first}"'
        props.append(f'<w:ind w:left="{left}" w:right="{right}" {first_attr}/>')
    elif first_line is not None:
        props.append(f'<w:ind w:firstLine="{first_line}"/>')
    if align is not None:
        props.append(f'<w:jc w:val="{align}"/>')
    return f"<w:p><w:pPr>{''.join(props)}{sect_pr}</w:pPr>{runs}</w:p>"


def table(
    style: str,
    col_widths: Sequence[int],
    rows: Iterable[str],
    *,
    align: str = "center",
    borders_none: bool = False,
    cell_margin: int | None = None,
) -> str:
    """A fixed-layout table of `col_widths` twips; `rows` are w:tr strings."""
    return "".join(table_parts(style, col_widths, rows, align=align, borders_none=borders_none,
                               cell_margin=cell_margin))


def table_parts(
    style: str,
    col_widths: Sequence[int],
    rows: Iterable[str],
    *,
    align: str = "center",
    borders_none: bool = False,
    cell_margin: int | None = None,
) -> list[str]:
    """`table`'s XML in pieces, a row each: a long table is never one string (see docx_body)."""
    props = [f'<w:tblStyle w:val="{style}"/>', f'<w:tblW w:w="{sum(col_widths)}" w:type="dxa"/>']
    props.append(f'<w:jc w:val="{align}"/>')
    if borders_none:
        sides = "".join(
            f'<w:{side} w:val="none" w:sz="0" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        props.append(f"<w:tblBorders>{sides}</w:tblBorders>")
    props.append('<w:tblLayout w:type="fixed"/>')
    if cell_margin is not None:
        props.append(
            f'<w:tblCellMar><w:left w:w="{cell_margin}" w:type="dxa"/>'
            f'<w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar>'
        )
    props.append('<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                 'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>')
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in col_widths)
    return [f"<w:tbl><w:tblPr>{''.join(props)}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>", *rows, "</w:tbl>"]


def row(cells: Iterable[str], *, header: bool = False, cant_split: bool = False) -> str:
    """A table row; header rows repeat at the top of each page."""
    props = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
    trpr = f"<w:trPr>{props}</w:trPr>" if props else ""
    return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"


def cell(
    width: int,
    content: str,
    *,
    span: int = 1,
    merge: str | None = None,
    valign: str | None = None,
) -> str:
    """A table cell of `width` twips; `merge` is "restart" or "continue" for vertical merges."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if merge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif merge == "continue":
        props.append("<w:vMerge/>")
    if valign:
        props.append(f'<w:vAlign w:val="{valign}"/>')
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{content}</w:tc>"
