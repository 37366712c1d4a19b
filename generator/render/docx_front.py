"""The parts of page 1 around the body: the two-column header, "Kính gửi", signature and "Nơi nhận".

Both two-column blocks are borderless fixed-width tables ("CV Layout Table") so that they keep
their geometry in Word and LibreOffice alike; the rules under the issuing body and the motto are
bottom borders of short empty paragraphs whose indents are computed from the measured text width.
"""

from __future__ import annotations

from generator.common.layout import Layout
from generator.content import Document, Header
from generator.render import docx_styles as st
from generator.render.docx_metrics import text_width_pt
from generator.render.docx_xml import TWIPS_PER_MM, TWIPS_PER_PT, cell, cm, paragraph, row, run, table

# The national motto line falls back to this size when the right column is too narrow for it.
_MIN_HEADER_SIZE = 12


def header_columns(layout: Layout, text_width: int) -> tuple[int, int]:
    """Left and right column widths (twips) of the header: the Layout's left column, the rest right."""
    left = min(cm(layout.header_left_cm), text_width // 2)
    return left, text_width - left


def signature_columns(layout: Layout, text_width: int) -> tuple[int, int]:
    """"Nơi nhận" (the Layout's width) and the signer's column (the rest), in twips."""
    left = min(cm(layout.copies_column_cm), text_width // 2)
    return left, text_width - left


def _twips(points: float) -> int:
    return round(points * TWIPS_PER_PT)


def _rule(column: int, length: int) -> str:
    """An empty "CV Header Rule" paragraph whose bottom border is `length` twips, centred in `column`."""
    side = max(0, (column - length) // 2)
    return paragraph(st.style_id(st.HEADER_RULE), indent=(side, side, 0))


def header_block(header: Header, layout: Layout, text_width: int) -> str:
    """The NĐ 30 header: issuing body and number on the left, national motto and date on the right.

    The second table row holds "Số: ..." and the date line, so both start on the same line.
    """
    sizes = st.StyleSizes.from_layout(layout)
    left, right = header_columns(layout, text_width)
    left_parts = [paragraph(st.style_id(st.PARENT_BODY), run(line)) for line in header.parent_body]
    left_parts += [paragraph(st.style_id(st.HEADER_BODY), run(line)) for line in header.issuing_body]
    if header.issuing_body:
        widest = max(text_width_pt(line.upper(), sizes.header, bold=True) for line in header.issuing_body)
        left_parts.append(_rule(left, _twips(widest * layout.issuing_rule_fraction)))

    country_size = sizes.header
    if _twips(text_width_pt(header.motto_country.upper(), country_size, bold=True)) > right:
        country_size = _MIN_HEADER_SIZE
    motto_width = _twips(text_width_pt(header.motto, sizes.motto, bold=True))
    right_parts = [
        paragraph(st.style_id(st.MOTTO_COUNTRY),
                  run(header.motto_country, size_pt=None if country_size == sizes.header else country_size)),
        paragraph(st.style_id(st.MOTTO), run(header.motto)),
        _rule(right, motto_width),
    ]
    number_parts = paragraph(st.style_id(st.NUMBER), run(header.number_line))
    if header.subject:
        number_parts += paragraph(st.style_id(st.SUBJECT), run(header.subject))
    rows = [
        row([cell(left, "".join(left_parts)), cell(right, "".join(right_parts))], cant_split=True),
        row([cell(left, number_parts), cell(right, paragraph(st.style_id(st.DATE), run(header.date_line)))],
            cant_split=True),
    ]
    return table(st.style_id(st.LAYOUT_TABLE), (left, right), rows, borders_none=True, cell_margin=0)


def draft_notes_block(document: Document) -> str:
    """A draft's notes (why it cannot be issued as it is) in one framed paragraph under the header."""
    if not document.draft_notes:
        return ""
    return paragraph(st.style_id(st.DRAFT_NOTE), run("\n".join(document.draft_notes)))


def recipients_block(document: Document, layout: Layout, text_width: int) -> str:
    """"Kính gửi:" with one recipient on its line, or several on their own lines, dashes aligned.

    With several recipients the label stands alone and each "- name;" starts where the label's
    colon ends; wrapped lines align after the dash. The block is centred as in Mẫu 1.5.
    """
    lines = document.recipient_lines()
    style = st.style_id(st.RECIPIENTS)
    label = document.recipients_label
    if not lines:
        return ""
    if len(lines) == 1:
        return paragraph(style, run(f"{label} {lines[0]}"), align="center")
    size = layout.body_size_pt
    label_width = _twips(text_width_pt(label, size))
    dash_width = _twips(text_width_pt("- ", size))
    longest = max(_twips(text_width_pt(line, size)) for line in lines)
    start = max(0, min((text_width - label_width - longest) // 2, text_width // 3))
    items_left = start + label_width
    parts = [paragraph(style, run(label), keep_next=True, indent=(start, 0, 0))]
    parts += [
        paragraph(style, run(line), keep_next=True, indent=(items_left + dash_width, 0, -dash_width))
        for line in lines
    ]
    return "".join(parts)


def signature_block(document: Document, layout: Layout, text_width: int) -> str:
    """"Nơi nhận" (left) level with the signer's authority (right), in one unsplittable row."""
    left, right = signature_columns(layout, text_width)
    gap = _twips(layout.signature_gap_pt)
    copies = ""
    if document.copies_to:
        copies = paragraph(st.style_id(st.COPIES_LABEL), run(document.copies_label), space_before=gap)
        copies += "".join(paragraph(st.style_id(st.COPIES), run(line)) for line in document.copies_lines())
    signer = document.signer
    signer_style = st.style_id(st.SIGNER)
    heading = [*signer.authority_lines, *signer.title_lines]
    signer_parts = [
        paragraph(signer_style, run(line), space_before=gap if i == 0 else None)
        for i, line in enumerate(heading)
    ]
    # The room for the signature and seal is the name's space before, as tall as the PDF's.
    signer_parts.append(paragraph(st.style_id(st.SIGNER_NAME), run(signer.name),
                                  space_before=round(layout.signature_space_mm * TWIPS_PER_MM)))
    rows = [row([cell(left, copies or paragraph(st.style_id(st.COPIES))), cell(right, "".join(signer_parts))],
                cant_split=True)]
    return table(st.style_id(st.LAYOUT_TABLE), (left, right), rows, borders_none=True, cell_margin=0)
