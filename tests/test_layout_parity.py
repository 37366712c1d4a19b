"""DOCX and PDF look alike: one set of layout figures, the same sizes and places, page counts within one.

The PDF renderer's file is compared with the DOCX as LibreOffice lays it out (converted to PDF), both
read with the same PDF reader: each component's font size must be the same in both and equal to the
Layout's figure, and the components placed by a width (the "Nơi nhận" column, the header columns,
the page number, the draft mark) must sit at the same place within a few points.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_documents import NAMES, named_document
from pdf_runs import Run, docx_to_pdf, first_run, page_count, page_runs

from generator.content import Paragraph
from generator.render import renderer_for

POSITION_TOLERANCE_PT = 3.0


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Every named document as the PDF renderer draws it and as LibreOffice lays out its DOCX."""
    folder = tmp_path_factory.mktemp("parity")
    files: dict[str, dict[str, Path]] = {}
    for name in NAMES:
        named = named_document(name)
        files[name] = {}
        for fmt in ("pdf", "docx"):
            path = folder / f"{name}.{fmt}"
            path.write_bytes(renderer_for(fmt, named.layout).render(named.document))
            files[name][fmt] = path
    converted = docx_to_pdf([f["docx"] for f in files.values()], folder / "libreoffice")
    for name in NAMES:
        files[name]["docx-pdf"] = converted[files[name]["docx"]]
    return files


def test_page_counts_differ_by_at_most_one(rendered) -> None:
    """On every fixture document the PDF and the DOCX (laid out by LibreOffice) have nearly as many pages."""
    counts = {name: (page_count(f["pdf"]), page_count(f["docx-pdf"])) for name, f in rendered.items()}
    far = {name: c for name, c in counts.items() if abs(c[0] - c[1]) > 1}
    assert far == {}, f"số trang PDF, DOCX khác nhau quá 1: {far}"


def _page_with(path: Path, starts: str) -> int:
    for page in range(page_count(path)):
        if any(run.text.startswith(starts) for run in page_runs(path, page)):
            return page
    raise AssertionError(f"{path.name}: không có trang nào có “{starts}”")


def _pair(files: dict[str, Path], starts: str, page: int | None = None) -> tuple[Run, Run]:
    runs = []
    for fmt in ("pdf", "docx-pdf"):
        where = page if page is not None else _page_with(files[fmt], starts)
        runs.append(first_run(files[fmt], where, starts))
    return runs[0], runs[1]


def _annex_page(files: dict[str, Path]) -> int:
    return _page_with(files["pdf"], "Phụ lục")


# (what, text a run starts with, page: None = the page where it appears, or "annex", Layout figure)
DISPATCH_SIZES = (
    ("tên cơ quan", "ỦY BAN NHÂN DÂN", 0, "header_size_pt"),
    ("quốc hiệu", "CỘNG HÒA XÃ HỘI", 0, "header_size_pt"),
    ("tiêu ngữ", "Độc lập - Tự do", 0, "motto_size_pt"),
    ("số", "Số:", 0, "number_size_pt"),
    ("trích yếu", "V/v", 0, "subject_size_pt"),
    ("ngày tháng", "Hà Nội, ngày", 0, "date_size_pt"),
    ("kính gửi", "Kính gửi:", 0, "body_size_pt"),
    ("nội dung", "Căn", 0, "body_size_pt"),
    ("nơi nhận", "Nơi nhận:", None, "copies_label_size_pt"),
    ("danh sách nơi nhận", "- Như trên;", None, "copies_size_pt"),
    ("quyền hạn ký", "TM. ỦY BAN NHÂN DÂN", None, "signer_size_pt"),
    ("số trang", "2", 1, "page_number_size_pt"),
    ("dấu dự thảo", "DỰ THẢO", 1, "draft_mark_size_pt"),
    ("tiêu đề phụ lục", "Phụ lục", "annex", "annex_heading_size_pt"),
    ("tên phụ lục", "KẾT QUẢ BỘ CHỈ SỐ", "annex", "annex_title_size_pt"),
    ("bảng phụ lục", "(100)", "annex", "table_dense_size_pt"),
)


@pytest.mark.parametrize(("what", "starts", "page", "figure"), DISPATCH_SIZES, ids=[s[0] for s in DISPATCH_SIZES])
def test_dispatch_components_have_the_layout_size_in_both_formats(rendered, what, starts, page, figure) -> None:
    """Each component of the July dispatch has the Layout's size, in the PDF and in the DOCX alike."""
    files = rendered["ha-noi-2024-07"]
    where = _annex_page(files) if page == "annex" else page
    pdf, docx = _pair(files, starts, where)
    expected = getattr(named_document("ha-noi-2024-07").layout, figure)
    assert (pdf.size, docx.size) == (expected, expected), f"{what}: PDF {pdf.size} pt, DOCX {docx.size} pt"


DISPATCH_PLACES = (
    ("trích yếu", "V/v", 0),
    ("số", "Số:", 0),
    ("nơi nhận", "Nơi nhận:", None),
    ("quyền hạn ký (cột ký)", "TM. ỦY BAN NHÂN DÂN", None),
    ("người ký", "Hà Minh Hải", None),
    ("số trang", "2", 1),
    ("dấu dự thảo", "DỰ THẢO", 1),
    ("bảng phụ lục", "(100)", "annex"),
)


@pytest.mark.parametrize(("what", "starts", "page"), DISPATCH_PLACES, ids=[p[0] for p in DISPATCH_PLACES])
def test_dispatch_components_sit_at_the_same_place_in_both_formats(rendered, what, starts, page) -> None:
    """Column widths and offsets come from one Layout: each component starts at the same x in both formats."""
    files = rendered["ha-noi-2024-07"]
    where = _annex_page(files) if page == "annex" else page
    pdf, docx = _pair(files, starts, where)
    assert abs(pdf.x - docx.x) <= POSITION_TOLERANCE_PT, f"{what}: x PDF {pdf.x}, DOCX {docx.x}"
    if what in ("số trang", "dấu dự thảo"):
        assert abs(pdf.y - docx.y) <= POSITION_TOLERANCE_PT, f"{what}: y PDF {pdf.y}, DOCX {docx.y}"


def test_notice_table_has_the_layout_size_in_both_formats(rendered) -> None:
    """A notice's few-column table uses the ordinary table size in both formats."""
    files = rendered["notice-normal"]
    pdf, docx = _pair(files, "Công khai, minh bạch", 0)
    expected = named_document("notice-normal").layout.table_size_pt
    assert (pdf.size, docx.size) == (expected, expected)


def _kept_texts(name: str) -> set[str]:
    """The texts of the paragraphs that must stay with what follows them (headings, lead-ins)."""
    document = named_document(name).document
    blocks = [*document.body, *(b for annex in document.annexes for b in annex.blocks)]
    return {" ".join(b.text.split()) for b in blocks if isinstance(b, Paragraph) and b.keep_with_next}


def _last_line(path: Path, page: int) -> str:
    """The text of the lowest line on a page (page furniture sits in the top margin, above the text)."""
    runs = page_runs(path, page)
    lowest = min(run.y for run in runs)
    return " ".join(" ".join(r.text for r in runs if abs(r.y - lowest) < 1).split())


@pytest.mark.parametrize("name", NAMES)
def test_no_page_ends_with_a_heading(rendered, name) -> None:
    """A heading or lead-in is never the last line of a page, in the PDF or in the DOCX."""
    kept = _kept_texts(name)
    stranded = [(fmt, page + 1, line)
                for fmt in ("pdf", "docx-pdf")
                for page in range(page_count(rendered[name][fmt]) - 1)
                if (line := _last_line(rendered[name][fmt], page)) in kept]
    assert stranded == []


def _signature_words(name: str) -> set[str]:
    """The words of the closing paragraph, the signature block, "Nơi nhận" and the page furniture."""
    document = named_document(name).document
    closing = next(b for b in reversed(document.body) if isinstance(b, Paragraph))
    texts = [closing.text, document.copies_label, *document.copies_lines(), *document.signer.authority_lines,
             *document.signer.title_lines, document.signer.name, document.draft_mark or ""]
    return {w for text in texts for w in text.split()}


@pytest.mark.parametrize("name", NAMES)
def test_the_signature_never_stands_alone_on_a_page(rendered, name) -> None:
    """The page with the signature also carries body text other than the closing paragraph."""
    document = named_document(name).document
    for fmt in ("pdf", "docx-pdf"):
        path = rendered[name][fmt]
        last = (_page_with(path, document.annexes[0].title[:20]) if document.annexes else page_count(path)) - 1
        words = {w for run in page_runs(path, last) for w in run.text.split() if not w.isdigit()}
        assert words - _signature_words(name), f"{fmt}: trang {last + 1} chỉ có đoạn kết và phần ký"
