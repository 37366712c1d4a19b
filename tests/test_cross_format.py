"""The DOCX and the PDF of a document say the same thing, word for word, in the same order.

The DOCX is walked in document order (body paragraphs and tables, nested header and signature
tables, annex sections; page headers are separate parts and left out). The PDF is read with
pdftotext, the top margin (page number, draft mark) set aside and checked to hold nothing else,
tables rebuilt row by row and a table's header repeated on a continuation page kept once. The two
borderless columns of the header and of the signature block are compared column by column; the
body and the annexes strictly as one sequence each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from document_text import DRAFT_WORDS, Blocks, PdfBlocks, PdfWord, docx_blocks, pdf_blocks, rejoin_wrapped, words_of
from e2e_support import EDGE, blocks_text, july, render_files, top_margin_pt, write_profile

from generator.build import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, dispatch_document, notice_document, prepare
from generator.content.model import Document
from generator.content.registry import find_template


@dataclass(frozen=True)
class Case:
    document: Document
    docx: Blocks
    pdf: PdfBlocks


def _case(document: Document, prepared, folder: Path, stem: str) -> Case:  # type: ignore[no-untyped-def]
    layout = prepared.profile.to_layout()
    files = render_files(document, layout, folder, stem)
    heading = document.annexes[0].heading if document.annexes else None
    return Case(document, docx_blocks(files["docx"]), pdf_blocks(files["pdf"], top_margin_pt(layout), heading))


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    """Each document rendered once: the July dispatch, two notices, a notice with markup characters."""
    folder = tmp_path_factory.mktemp("cross-format")
    prepared = july()
    dispatch, notice = find_template(DISPATCH_TEMPLATE), find_template(NOTICE_TEMPLATE)
    edge = prepare(EDGE, profile_path=write_profile(folder))
    return {
        "dispatch-july": _case(dispatch_document(prepared, dispatch, None, None), prepared, folder, "dispatch"),
        "notice-stp-numbered": _case(notice_document(prepared, notice, "STP", "2563", date(2024, 8, 6)),
                                     prepared, folder, "stp"),
        "notice-unranked": _case(notice_document(prepared, notice, "H-THANHOAI", None, None),
                                 prepared, folder, "thanh-oai"),
        "notice-markup-names": _case(notice_document(edge, notice, "X-DOICAO", None, None), edge, folder, "edge"),
    }


CASES = ("dispatch-july", "notice-stp-numbered", "notice-unranked", "notice-markup-names")


def _first_difference(expected: list[str], actual: list[str]) -> str:
    at = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
    return (f"first difference at word {at} of {len(expected)}/{len(actual)}: "
            f"DOCX …{' '.join(expected[max(0, at - 8):at + 8])}… / PDF …{' '.join(actual[max(0, at - 8):at + 8])}…")


@pytest.mark.parametrize("name", CASES)
def test_header_columns_match(cases, name):
    """Each header column (issuing body, number, subject | motto, date) reads the same in both formats."""
    case = cases[name]
    cells = case.docx.header_cells
    assert len(cells) == 4
    docx_columns = (cells[0] + cells[2], cells[1] + cells[3])
    assert case.pdf.header_columns == docx_columns


@pytest.mark.parametrize("name", CASES)
def test_body_matches_word_for_word(cases, name):
    """From "Kính gửi" to "./.", the PDF has the DOCX's words in the DOCX's order."""
    case = cases[name]
    pdf = rejoin_wrapped(case.pdf.body, case.docx.body)
    assert pdf == case.docx.body, _first_difference(case.docx.body, pdf)
    assert case.docx.body[-1].endswith("./.")


@pytest.mark.parametrize("name", CASES)
def test_signature_columns_match(cases, name):
    """"Nơi nhận" and the signer read the same, column by column."""
    case = cases[name]
    assert len(case.docx.signature_cells) == 2
    assert case.pdf.signature_columns == tuple(case.docx.signature_cells)


@pytest.mark.parametrize("name", CASES)
def test_annexes_match_word_for_word(cases, name):
    """Annex headings and tables, row by row, say the same in both formats."""
    case = cases[name]
    pdf = rejoin_wrapped(case.pdf.annex, case.docx.annex)
    assert pdf == case.docx.annex, _first_difference(case.docx.annex, pdf)
    assert bool(case.docx.annex) == bool(case.document.annexes)


@pytest.mark.parametrize("name", CASES)
def test_pdf_margins_hold_only_page_numbers_and_draft_mark(cases, name):
    """What was set aside from the PDF's top margins is page numbers and "DỰ THẢO", nothing else."""
    case = cases[name]
    margin = [w for page in case.pdf.pages for w in page.margin_words]
    assert [w for w in margin if not w.isdigit() and w not in DRAFT_WORDS] == []
    assert (case.document.draft_mark is not None) == any(w in DRAFT_WORDS for w in margin)


@pytest.mark.parametrize("name", CASES)
def test_docx_says_what_the_document_says(cases, name):
    """The DOCX body and annexes carry exactly the Document's words (so all three agree)."""
    case = cases[name]
    document = case.document
    body = words_of(" ".join([document.recipients_label, *document.recipient_lines(),
                              *blocks_text(document.body)]))
    annex = words_of(" ".join(part for a in document.annexes
                              for part in (a.heading, a.title, a.subtitle or "", *blocks_text(a.blocks))))
    assert case.docx.body == body
    assert case.docx.annex == annex


def test_numbered_notice_prints_number_and_date_in_both_formats(cases):
    """The numbered notice's header has "Số: 2563/UBND-KSTTHC" and the full date in DOCX and PDF."""
    case = cases["notice-stp-numbered"]
    expected = (["Số:", "2563/UBND-KSTTHC"], words_of("Hà Nội, ngày 06 tháng 8 năm 2024"))
    left, right = case.pdf.header_columns
    assert "Số: 2563/UBND-KSTTHC" in " ".join(left)
    assert " ".join(expected[1]) in " ".join(right)
    assert case.docx.header_cells[2][:2] == expected[0]
    assert case.docx.header_cells[3] == expected[1]


def _word(text: str, line_end: bool) -> PdfWord:
    return PdfWord(text, 0, 0, 1, 1, line_end)


def test_rejoin_joins_only_a_word_broken_at_a_line_end():
    """A URL split over two lines is joined; a split inside a line, or into other words, is kept as read."""
    expected = ["(https://dichvucong.gov.vn)", "tại"]
    broken = [_word("(https://", True), _word("dichvucong.gov.vn)", False), _word("tại", False)]
    assert rejoin_wrapped(broken, expected) == expected
    same_line = [_word("(https://", False), _word("dichvucong.gov.vn)", False), _word("tại", False)]
    assert rejoin_wrapped(same_line, expected) != expected
    wrong = [_word("(https://", True), _word("dichvucong.gov", False), _word("tại", False)]
    assert rejoin_wrapped(wrong, expected) != expected
