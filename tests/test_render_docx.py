"""The DOCX renderer lays out a Document per NĐ 30/2020, read back with python-docx and its XML."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import docx
import pytest
import sample_documents
from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt

from generator.common.errors import RenderError
from generator.common.layout import Layout
from generator.content.model import Cell, Document, Paragraph, Span, Table
from generator.render import renderer_for
from generator.render.docx import DocxRenderer
from generator.render.docx_metrics import text_width_pt

FONT = "Times New Roman"
LAYOUT = Layout()
TOLERANCE = Mm(0.2)


def render(document: Document, layout: Layout = LAYOUT) -> bytes:
    return DocxRenderer(layout).render(document)


def read(document: Document, layout: Layout = LAYOUT) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(document, layout)))


@pytest.fixture(scope="module")
def dispatch() -> Document:
    return sample_documents.dispatch()


@pytest.fixture(scope="module")
def out(dispatch: Document) -> docx.document.Document:
    return read(dispatch)


def all_paragraphs(result: docx.document.Document):
    """Every paragraph of the body in document order, table cells included."""
    body = result.element.body
    return [docx.text.paragraph.Paragraph(p, result) for p in body.iter(qn("w:p"))]


def paragraph_with(result: docx.document.Document, text: str):
    matches = [p for p in all_paragraphs(result) if p.text == text]
    assert matches, f"no paragraph reads {text!r}"
    return matches[0]


def style_value(style, attribute: str):
    """A font attribute of a style, following basedOn, as Word resolves it."""
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def header_xml(header) -> str:
    return header._element.xml


def has_page_field(header) -> bool:
    xml = header_xml(header)
    return "PAGE" in "".join(t.text or "" for t in header._element.iter(qn("w:instrText"))) or (
        'w:instr=" PAGE' in xml
    )


def test_renderer_is_registered_as_docx() -> None:
    """renderer_for("docx") gives the DOCX renderer with its name and suffix."""
    renderer = renderer_for("docx", LAYOUT)
    assert isinstance(renderer, DocxRenderer)
    assert (renderer.name, renderer.suffix) == ("docx", "docx")


def test_page_is_a4_portrait_with_layout_margins(out) -> None:
    """Page 1's section is A4 portrait with the Layout's margins."""
    section = out.sections[0]
    assert abs(section.page_width - Mm(210)) < TOLERANCE and abs(section.page_height - Mm(297)) < TOLERANCE
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert abs(section.top_margin - Mm(LAYOUT.margin_top_mm)) < TOLERANCE
    assert abs(section.bottom_margin - Mm(LAYOUT.margin_bottom_mm)) < TOLERANCE
    assert abs(section.left_margin - Mm(LAYOUT.margin_left_mm)) < TOLERANCE
    assert abs(section.right_margin - Mm(LAYOUT.margin_right_mm)) < TOLERANCE


def test_other_margins_follow_the_layout(dispatch) -> None:
    """A different Layout changes the margins and the header table still fits the text width."""
    layout = replace(LAYOUT, margin_left_mm=35, margin_right_mm=20, margin_top_mm=25)
    result = read(dispatch, layout)
    section = result.sections[0]
    assert abs(section.left_margin - Mm(35)) < TOLERANCE and abs(section.top_margin - Mm(25)) < TOLERANCE
    widths = [int(c.get(qn("w:w"))) for c in result.tables[0]._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(widths) <= round(Mm(210 - 35 - 20).twips)


def test_styles_set_times_new_roman_for_every_script(out) -> None:
    """Document defaults and every CV style name Times New Roman in all four rFonts slots, no theme fonts."""
    styles = out.styles.element
    fonts = list(styles.iter(qn("w:rFonts")))
    assert len(fonts) > 20
    for element in fonts:
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            assert element.get(qn(slot)) == FONT
        assert element.get(qn("w:asciiTheme")) is None
    cv_styles = [s for s in out.styles if s.name.startswith("CV ")]
    assert all(s.element.find(qn("w:rPr")) is not None for s in cv_styles if s.type != 3)


def test_styles_are_in_vietnamese_and_black(out) -> None:
    """Default run properties carry vi-VN and black; the document properties say vi-VN too."""
    defaults = out.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "vi-VN"
    assert defaults.find(f".//{qn('w:color')}").get(qn("w:val")) == "000000"
    assert out.core_properties.language == "vi-VN"


def test_core_title_is_the_document_title(out, dispatch) -> None:
    """The DOCX title property is Document.title."""
    assert out.core_properties.title == dispatch.title


def test_named_styles_exist() -> None:
    """Every style a clerk relies on exists under its CV name."""
    names = {s.name for s in read(sample_documents.dispatch()).styles}
    for name in ("CV Body", "CV Header Body", "CV Motto", "CV Number", "CV Subject", "CV Date",
                 "CV Recipients", "CV Signer", "CV Signer Name", "CV Copies Label", "CV Copies",
                 "CV Annex Heading", "CV Annex Title", "CV Table", "CV Layout Table", "CV Draft Mark"):
        assert name in names


def test_body_style_is_justified_indented_and_spaced(out) -> None:
    """CV Body: justified, 1,27 cm first line, ≥ 6 pt after, line spacing a multiple in 1.0–1.5."""
    fmt = out.styles["CV Body"].paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(fmt.first_line_indent - Cm(LAYOUT.first_line_indent_cm)) < TOLERANCE
    assert fmt.space_after >= Pt(6)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.MULTIPLE
    assert 1.0 <= fmt.line_spacing <= 1.5
    assert out.styles["CV Body"].font.size == Pt(LAYOUT.body_size_pt)


def test_body_paragraphs_use_the_body_style_without_direct_sizes(out, dispatch) -> None:
    """Body text is in CV Body and runs carry no direct font or size (formatting lives in styles)."""
    text = dispatch.body[0].text
    assert paragraph_with(out, text).style.name == "CV Body"
    document_xml = out.element.xml
    assert "<w:rFonts" not in document_xml
    assert "<w:sz " not in document_xml


def test_no_indent_and_alignment_overrides_apply(dispatch) -> None:
    """Paragraph.indent False removes the first-line indent; align overrides the style's."""
    document = replace(dispatch, body=(
        Paragraph((Span("Không thụt đầu dòng"),), indent=False),
        Paragraph((Span("Căn giữa"),), align="center"),
    ))
    result = read(document)
    assert paragraph_with(result, "Không thụt đầu dòng").paragraph_format.first_line_indent == 0
    assert paragraph_with(result, "Căn giữa").alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_spans_keep_bold_and_italic(out) -> None:
    """Span emphasis becomes run bold/italic."""
    heading = paragraph_with(out, "1. Kết quả chung")
    assert all(r.bold for r in heading.runs)
    note = paragraph_with(out, "Số liệu được tính tại thời điểm 10h00 ngày 02/8/2024. "
                               "Số liệu này có thể thay đổi theo thời gian.")
    assert note.runs[0].italic and not note.runs[1].italic


def test_header_components_have_their_sizes_and_emphasis(out, dispatch) -> None:
    """Issuing body bold upper 12–13, Số regular 13, date italic 13–14, motto bold 13–14."""
    header = dispatch.header
    issuing = paragraph_with(out, header.issuing_body[0]).style
    assert style_value(issuing, "bold") and style_value(issuing, "all_caps")
    assert Pt(12) <= style_value(issuing, "size") <= Pt(13)
    number = paragraph_with(out, header.number_line).style
    assert style_value(number, "size") == Pt(13) and not style_value(number, "bold")
    date = paragraph_with(out, header.date_line).style
    assert style_value(date, "italic") and Pt(13) <= style_value(date, "size") <= Pt(14)
    motto = paragraph_with(out, header.motto).style
    assert style_value(motto, "bold") and Pt(13) <= style_value(motto, "size") <= Pt(14)
    country = paragraph_with(out, header.motto_country).style
    assert style_value(country, "bold") and Pt(12) <= style_value(country, "size") <= Pt(13)
    subject = paragraph_with(out, header.subject).style
    assert not style_value(subject, "bold") and Pt(12) <= style_value(subject, "size") <= Pt(13)
    assert subject.paragraph_format.space_before == Pt(6)


def test_header_table_is_borderless_with_fixed_columns(out) -> None:
    """The header table has every border set to none, a fixed layout, left 6–7 cm and right 9–10 cm."""
    table = out.tables[0]._tbl
    borders = table.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and len(borders) == 6
    assert all(side.get(qn("w:val")) == "none" for side in borders)
    assert table.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    left, right = (int(c.get(qn("w:w"))) for c in table.tblGrid.iter(qn("w:gridCol")))
    assert Cm(6).twips <= left <= Cm(7).twips and Cm(9).twips <= right <= Cm(10).twips
    assert left + right <= round(Mm(210 - LAYOUT.margin_left_mm - LAYOUT.margin_right_mm).twips)


def test_number_and_date_share_a_row(out, dispatch) -> None:
    """"Số: ..." and the date line are in the same table row, so they start on the same line."""
    row = out.tables[0].rows[1]
    assert row.cells[0].paragraphs[0].text == dispatch.header.number_line
    assert row.cells[1].paragraphs[0].text == dispatch.header.date_line


def _rule_length_pt(paragraph, column_twips: int) -> float:
    indent = paragraph.paragraph_format
    return (column_twips - indent.left_indent.twips - indent.right_indent.twips) / 20


def test_rules_under_issuing_body_and_motto_have_nd30_lengths(out, dispatch) -> None:
    """The issuing-body rule is 1/3–1/2 of its text and the motto rule as long as the motto."""
    table = out.tables[0]
    left, right = (int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol")))
    rules = [p for p in all_paragraphs(out) if p.style.name == "CV Header Rule"]
    assert len(rules) == 2
    for rule in rules:
        border = rule.style.element.find(f".//{qn('w:pBdr')}/{qn('w:bottom')}")
        assert border.get(qn("w:val")) == "single"
    issuing_text = max(text_width_pt(line, LAYOUT.header_size_pt, bold=True)
                       for line in dispatch.header.issuing_body)
    assert issuing_text / 3 <= _rule_length_pt(rules[0], left) <= issuing_text / 2
    motto_size = style_value(out.styles["CV Motto"], "size").pt
    motto_text = text_width_pt(dispatch.header.motto, motto_size, bold=True)
    assert abs(_rule_length_pt(rules[1], right) - motto_text) < 1


def test_single_recipient_is_on_the_labels_line() -> None:
    """One recipient: "Kính gửi: name." in a single paragraph."""
    document = sample_documents.dispatch(recipients=("Sở Tư pháp",), annex_rows=0)
    result = read(document)
    recipient = paragraph_with(result, "Kính gửi: Sở Tư pháp.")
    assert recipient.style.name == "CV Recipients"
    assert not any(p.text == "Kính gửi:" for p in all_paragraphs(result))


def test_several_recipients_are_on_their_own_aligned_lines(out, dispatch) -> None:
    """Several recipients: the label alone, then one "- name;" per line, dashes aligned after the colon."""
    label = paragraph_with(out, "Kính gửi:")
    items = [paragraph_with(out, line) for line in dispatch.recipient_lines()]
    assert [p.text for p in items] == ["- Các sở, ban, ngành Thành phố;", "- UBND các quận, huyện, thị xã."]
    starts = {Length(p.paragraph_format.left_indent + p.paragraph_format.first_line_indent) for p in items}
    assert len(starts) == 1
    label_end = label.paragraph_format.left_indent.pt + text_width_pt("Kính gửi:", LAYOUT.body_size_pt)
    assert abs(starts.pop().pt - label_end) < 1


def test_signature_block_sits_beside_the_copies_list(out, dispatch) -> None:
    """"Nơi nhận" and the signer share one borderless row; sizes and emphasis per NĐ 30."""
    table = out.tables[1]
    assert all(s.get(qn("w:val")) == "none" for s in table._tbl.tblPr.find(qn("w:tblBorders")))
    copies_cell, signer_cell = table.rows[0].cells
    label = copies_cell.paragraphs[0]
    assert label.text == dispatch.copies_label
    assert style_value(label.style, "bold") and style_value(label.style, "italic")
    assert style_value(label.style, "size") == Pt(12)
    copies = copies_cell.paragraphs[1:]
    assert [p.text for p in copies] == list(dispatch.copies_lines())
    assert all(style_value(p.style, "size") == Pt(LAYOUT.copies_size_pt) for p in copies)
    signer_texts = [p.text for p in signer_cell.paragraphs]
    assert signer_texts[0] == dispatch.signer.authority_lines[0]
    name = signer_cell.paragraphs[-1]
    assert name.text == dispatch.signer.name and style_value(name.style, "bold")
    assert abs(name.paragraph_format.space_before.mm - LAYOUT.signature_space_mm) < 0.1  # room to sign and seal
    authority = signer_cell.paragraphs[0].style
    assert style_value(authority, "bold") and style_value(authority, "all_caps")


def test_page_numbers_from_page_two_only(out) -> None:
    """titlePg is set, the first-page header has no PAGE field and the default header has one."""
    section = out.sections[0]
    assert section.different_first_page_header_footer
    assert not has_page_field(section.first_page_header)
    assert has_page_field(section.header)
    number = section.header.paragraphs[0]
    assert number.style.name == "CV Page Header"
    assert number.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER and number.alignment is None
    assert Pt(13) <= style_value(number.style, "size") <= Pt(14)


def test_annex_is_a_landscape_section_on_a_new_page_numbered_afresh(out) -> None:
    """The annex section starts a new page, is A4 landscape and restarts page numbering at 1."""
    assert len(out.sections) == 2
    annex = out.sections[1]
    assert annex.start_type == WD_SECTION_START.NEW_PAGE
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert abs(annex.page_width - Mm(297)) < TOLERANCE and abs(annex.page_height - Mm(210)) < TOLERANCE
    assert annex._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert annex.different_first_page_header_footer and has_page_field(annex.header)
    assert not has_page_field(annex.first_page_header)


def test_annex_heading_title_and_subtitle_styles(out, dispatch) -> None:
    """Annex heading 14 pt bold, title upper bold 13–14, subtitle italic, all centred."""
    annex = dispatch.annexes[0]
    heading = paragraph_with(out, annex.heading).style
    assert style_value(heading, "size") == Pt(14) and style_value(heading, "bold")
    title = paragraph_with(out, annex.title).style
    assert style_value(title, "bold") and style_value(title, "all_caps")
    assert Pt(13) <= style_value(title, "size") <= Pt(14)
    subtitle = paragraph_with(out, annex.subtitle).style
    assert style_value(subtitle, "italic")
    assert all(s.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER for s in (heading, title, subtitle))


def test_a_paragraph_introducing_a_table_is_kept_with_it(out, dispatch) -> None:
    """The annex's section heading sits right before its table: it keeps with the next row; others don't."""
    heading = paragraph_with(out, "I. Sở, ban, ngành")
    assert heading.paragraph_format.keep_with_next is True
    assert paragraph_with(out, dispatch.annexes[0].title).paragraph_format.keep_with_next is not True
    body_texts = [b.text for b in dispatch.body]
    assert paragraph_with(out, body_texts[0]).paragraph_format.keep_with_next is not True


def test_annex_table_has_borders_repeated_bold_header_and_scaled_widths(out) -> None:
    """The data table uses CV Table (single borders), repeats its bold header and spans the landscape text."""
    table = out.tables[2]
    assert table.style.name == "CV Table"
    borders = table.style.element.find(f".//{qn('w:tblBorders')}")
    assert {b.get(qn("w:val")) for b in borders} == {"single"}
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r.bold for c in header.cells for r in c.paragraphs[0].runs)
    assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER for c in header.cells)
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(widths) == round(Mm(297 - LAYOUT.margin_left_mm - LAYOUT.margin_right_mm).twips)
    assert widths[1] > 6 * widths[0]  # weights 30 vs 4
    dense = table.rows[1].cells[2].paragraphs[0]
    assert Pt(11) <= style_value(dense.style, "size") <= Pt(12)
    assert dense.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_colspan_and_rowspan_become_grid_span_and_vertical_merge(dispatch) -> None:
    """Cell.colspan spans grid columns and Cell.rowspan merges the cells below it."""
    table = Table(
        widths=(1, 1, 1),
        header=((Cell("Nhóm", colspan=2), Cell("Tổng", rowspan=2)), (Cell("A"), Cell("B"))),
        rows=((Cell("1"), Cell("2"), Cell("3")),),
    )
    result = read(replace(dispatch, body=(table,), annexes=()))
    tbl = result.tables[1]._tbl
    rows = tbl.findall(qn("w:tr"))
    first = rows[0].findall(qn("w:tc"))
    assert first[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    assert first[1].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    second = rows[1].findall(qn("w:tc"))
    assert len(second) == 3 and second[2].tcPr.find(qn("w:vMerge")).get(qn("w:val")) in (None, "continue")
    assert [c.text for c in result.tables[1].rows[2].cells] == ["1", "2", "3"]


def test_row_with_too_many_cells_is_a_render_error(dispatch) -> None:
    """A row longer than the column count is reported as a RenderError in Vietnamese."""
    table = Table(widths=(1, 1), header=(), rows=((Cell("1"), Cell("2"), Cell("3")),))
    with pytest.raises(RenderError, match="nhiều ô hơn số cột"):
        render(replace(dispatch, body=(table,), annexes=()))


def test_hostile_names_appear_literally() -> None:
    """& < > " in a recipient survive as text and are escaped in the XML."""
    data = render(sample_documents.hostile_notice())
    result = docx.Document(io.BytesIO(data))
    assert paragraph_with(result, 'Kính gửi: Sở "Thử" & <Nghiệm>.')
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "&amp;" in xml and "&lt;Nghiệm&gt;" in xml


def _all_headers(result):
    for section in result.sections:
        yield section.header
        yield section.first_page_header


def test_draft_mark_is_in_every_header_when_set() -> None:
    """With a draft mark, every header (first pages and annexes included) shows it, bold and coloured."""
    result = read(sample_documents.dispatch(draft_mark="DỰ THẢO"))
    headers = list(_all_headers(result))
    assert len(headers) == 4
    for header in headers:
        marks = [r for p in header.paragraphs for r in p.runs if r.text == "DỰ THẢO"]
        assert len(marks) == 1
        assert style_value(marks[0].style, "bold")
        assert str(style_value(marks[0].style, "color").rgb) != "000000"
    assert not has_page_field(result.sections[0].first_page_header)


def test_no_draft_mark_when_unset(out) -> None:
    """Without a draft mark no header carries one and no run mentions it."""
    for header in _all_headers(out):
        assert "DỰ THẢO" not in header_xml(header)
        assert not any(r.style.name == "CV Draft Mark" for p in header.paragraphs for r in p.runs)


def _expected_texts(document: Document) -> list[str]:
    header = document.header
    texts = [*header.parent_body, *header.issuing_body, header.motto_country, header.motto,
             header.number_line, header.subject, header.date_line]
    lines = document.recipient_lines()
    texts += [f"{document.recipients_label} {lines[0]}"] if len(lines) == 1 else [document.recipients_label, *lines]

    def blocks(items) -> list[str]:
        found = []
        for block in items:
            if isinstance(block, Paragraph):
                found.append(block.text)
            else:
                found += [block.caption] if block.caption else []
                found += [c.text for r in (*block.header, *block.rows) for c in r]
        return found

    texts += blocks(document.body)
    texts += [document.copies_label, *document.copies_lines()]
    texts += [*document.signer.authority_lines, *document.signer.title_lines, document.signer.name]
    for annex in document.annexes:
        texts += [annex.heading, annex.title, *([annex.subtitle] if annex.subtitle else []), *blocks(annex.blocks)]
    return [t for t in texts if t]


@pytest.mark.parametrize("document", [sample_documents.dispatch(), sample_documents.hostile_notice()],
                         ids=["dispatch", "hostile"])
def test_all_text_appears_in_order(document) -> None:
    """The non-empty paragraphs of the DOCX are exactly the Document's texts, in reading order."""
    result = read(document)
    actual = [p.text for p in all_paragraphs(result) if p.text]
    assert actual == _expected_texts(document)


def test_rendering_is_deterministic(dispatch) -> None:
    """Rendering twice gives the same document XML (no timestamps or random ids in the content)."""
    first = zipfile.ZipFile(io.BytesIO(render(dispatch))).read("word/document.xml")
    second = zipfile.ZipFile(io.BytesIO(render(dispatch))).read("word/document.xml")
    assert first == second


def test_parent_body_is_regular_upper_above_the_issuing_body(dispatch) -> None:
    """A parent body line is upper-case, not bold, header size, and comes before the issuing body."""
    header = replace(dispatch.header, parent_body=("UBND TỈNH BẮC NINH",), issuing_body=("SỞ TƯ PHÁP",))
    result = read(replace(dispatch, header=header, annexes=()))
    cell = result.tables[0].rows[0].cells[0]
    assert [p.text for p in cell.paragraphs[:2]] == ["UBND TỈNH BẮC NINH", "SỞ TƯ PHÁP"]
    parent = cell.paragraphs[0].style
    assert style_value(parent, "all_caps") and not style_value(parent, "bold")
    assert Pt(12) <= style_value(parent, "size") <= Pt(13)


def test_national_motto_line_shrinks_to_12pt_when_the_column_is_narrow(dispatch) -> None:
    """With 155 mm of text the right column is 9,5 cm, so the country line drops to 12 pt to stay on one line."""
    narrow = read(dispatch, replace(LAYOUT, margin_left_mm=35, margin_right_mm=20))
    wide = read(dispatch)
    assert paragraph_with(narrow, dispatch.header.motto_country).runs[0].font.size == Pt(12)
    assert paragraph_with(wide, dispatch.header.motto_country).runs[0].font.size is None


def test_table_without_rows_leaves_only_its_caption(dispatch) -> None:
    """A table with no rows renders its caption but no w:tbl (Word rejects empty tables)."""
    empty = Table(widths=(1,), header=(), rows=(), caption="Bảng trống")
    result = read(replace(dispatch, body=(empty,), annexes=()))
    assert paragraph_with(result, "Bảng trống").style.name == "CV Table Caption"
    assert len(result.tables) == 2  # header block and signature block only


def _parsed_and_saved(document: Document, layout: Layout = LAYOUT) -> bytes:
    """The file as the renderer made it before: the body's XML parsed into python-docx's tree, the
    package saved by python-docx (which serializes the tree)."""
    from docx.oxml.parser import parse_xml

    from generator.render.docx_figure import Pictures
    from generator.render.docx_pages import HeaderSet
    from generator.render.docx_xml import NSDECL

    renderer = DocxRenderer(layout)
    package = docx.Document(io.BytesIO(renderer._base))
    headers = HeaderSet(package.part, layout, document.draft_mark)
    body_xml = "".join(renderer._body_xml(document, headers, Pictures(package.part, layout)))
    body = package.element.body
    body.getparent().replace(body, parse_xml(f"<w:body {NSDECL}>{body_xml}</w:body>"))
    package.core_properties.title = document.title
    package.core_properties.language = "vi-VN"
    out = io.BytesIO()
    package.save(out)
    return out.getvalue()


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _with_every_block() -> Document:
    """The sample dispatch with a chart in its body and its annex, a draft mark, and texts holding what
    XML escapes (quotes, ampersands, angle brackets), a carriage return, a tab, a line feed and a
    run of spaces only (the parse dropped blank text, but not where xml:space keeps it)."""
    from test_charts import with_figures

    document = with_figures()
    tricky = Paragraph((Span('Sở "Thử" & <Nghiệm> \'a\' >b\r\nc\rd\te', bold=True), Span("  "), Span(" x\r", italic=True)))
    table = replace(document.annexes[0].blocks[-1], caption='Bảng "1" & <2>')
    annex = replace(document.annexes[0], blocks=(*document.annexes[0].blocks[:-1], tricky, table))
    return replace(document, body=(tricky, *document.body), annexes=(annex,), draft_mark="DỰ THẢO")


@pytest.mark.parametrize("document", [_with_every_block(), sample_documents.hostile_notice()],
                         ids=["every-block", "hostile"])
def test_the_spliced_body_is_the_bytes_parsing_gave(document: Document) -> None:
    """The body's XML is streamed into the document part unparsed (with the parsed tree, a 3.000-unit
    dispatch's DOCX peaked at 449 MiB; 256 MiB now): every entry of the file, in order, is byte for byte what parsing and
    python-docx's save gave, and dated 1980-01-01 00:00 (the same document, the same bytes); XML is deflated."""
    data = render(document)
    assert _entries(data) == _entries(_parsed_and_saved(document))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.compress_type for info in archive.infolist() if not info.filename.startswith("word/media/")} \
            == {zipfile.ZIP_DEFLATED}  # pictures are stored as they are (test_charts)


def test_a_malformed_body_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The splice still parses the body (building nothing): XML that is not well-formed fails as before."""
    from lxml import etree

    import generator.render.docx as docx_module

    real = docx_module.DocxRenderer._body_xml

    def broken(self, *args):  # type: ignore[no-untyped-def]
        return [*real(self, *args), "<w:p><w:r></w:p>"]

    monkeypatch.setattr(docx_module.DocxRenderer, "_body_xml", broken)
    with pytest.raises(etree.XMLSyntaxError):
        render(sample_documents.hostile_notice())
