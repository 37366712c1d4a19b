"""A dispatch's annexes laid out apart and a window of rows at a time give the same pages as the
whole document laid out at once.

The dispatch's annex lists every unit; holding all its pages in one WeasyPrint document grew the
dispatch's process by some 0,16 MiB per unit. The renderer now lays out the letter and each annex
apart (an annex numbers its own pages), a long annex a window of rows at a time, and joins the
PDFs (bench/bench_scale.py measures the memory). These tests compare that with the whole document
laid out at once, the renderer's former way: the same pages, their sizes, their text as laid out
(page numbers included) and their pixels.
"""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sample_documents
from e2e_support import july
from pypdf import PdfReader

import generator.render.pdf as pdf_module
from generator.build import DISPATCH_TEMPLATE, dispatch_document
from generator.common.layout import Layout
from generator.content import Cell, Chart, ChartLine, ChartSeries, Figure, Table, find_template
from generator.render.pdf import PdfRenderer, document_html, html_to_pdf


def _whole(document, layout: Layout) -> bytes:  # type: ignore[no-untyped-def]
    """The document laid out in one piece, as the renderer did before it used windows."""
    pictures: dict[str, bytes] = {}
    return html_to_pdf(document_html(document, layout, pictures), layout, pictures=pictures)


def _texts(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "page-text.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1]


def _pictures(pdf: bytes, folder: Path, name: str) -> list[bytes]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(folder / name)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{name}-*.png"))]


def _titles(outline: list) -> list[str]:  # type: ignore[type-arg]
    """The bookmark titles, nested levels flattened in order."""
    return [t for item in outline for t in (_titles(item) if isinstance(item, list) else [item.title])]


def _sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("rows", [12, 45])
def test_the_july_dispatch_in_windows_is_the_whole_dispatch(tmp_path: Path, rows: int) -> None:
    """July 2024 (the letter, then a landscape annex of four tables over several pages) with windows of
    12 or 45 rows: same page count, sizes, text with page numbers, and pixels as in one piece."""
    prepared = july()
    document = dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), "2562", date(2024, 8, 6))
    layout = prepared.profile.to_layout()
    windows = PdfRenderer(layout, segment_rows=rows).render(document)
    whole = _whole(document, layout)
    assert _sizes(windows) == _sizes(whole)
    assert len(_sizes(whole)) >= 8
    assert _texts(windows, tmp_path) == _texts(whole, tmp_path)
    assert _pictures(windows, tmp_path, "windows") == _pictures(whole, tmp_path, "whole")


def _count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of pages of each layout the PDF renderer makes from now on (until monkeypatch.undo)."""
    laid_out: list[int] = []
    real = pdf_module.lay_out

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        laid_out.append(len(result.pages))
        return result

    monkeypatch.setattr(pdf_module, "lay_out", counted)
    return laid_out


def test_a_long_annex_is_laid_out_a_few_pages_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 annex rows in windows of 40: no layout holds more than a window's pages (that is what keeps
    memory flat), and the result is the whole document's pages."""
    document = sample_documents.dispatch(annex_rows=300, draft_mark="DỰ THẢO")
    laid_out = _count_layouts(monkeypatch)
    windows = PdfRenderer(Layout(), segment_rows=40).render(document)
    monkeypatch.undo()
    whole = _whole(document, Layout())
    pages = len(_sizes(whole))
    assert pages >= 12 and len(laid_out) >= 6
    assert max(laid_out[1:]) <= 3  # after the letter: a window of 40 rows spans at most 3 pages
    assert _texts(windows, tmp_path) == _texts(whole, tmp_path)


def _bars(number: int, units: int) -> Figure:
    """A dispatch-like chart of `units` ranked bars (the annex ends with a run of these)."""
    names = tuple(f"UBND xã Thử Nghiệm {number}-{i}" for i in range(units))
    values = tuple(Decimal(90) - Decimal(i) / 2 for i in range(units))
    chart = Chart("hbars", names, (ChartSeries("Tổng điểm", values, labels="all"),),
                  (ChartLine("Bình quân", Decimal("80.5")),), minimum=Decimal(0), maximum=Decimal(100))
    return Figure(chart, alt=f"Biểu đồ {number}", caption=f"Biểu đồ {number}. Tổng điểm", height_mm=22 + 4.2 * units)


def test_a_run_of_charts_is_laid_out_once_in_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An annex whose table is followed by a run of charts (a page each) and another table: windows
    start at a chart as they do at a row, so each page is laid out once, plus one page per window
    (the old windows found nowhere to start among charts alone, grew and laid the charts out again);
    the pages, their text and pixels are the whole document's."""
    base = sample_documents.dispatch(annex_rows=40, draft_mark="DỰ THẢO")
    annex = base.annexes[0]
    blocks = (*annex.blocks, *(_bars(n, 30 if n < 8 else 12) for n in range(1, 9)), annex.blocks[1])
    from dataclasses import replace

    document = replace(base, annexes=(replace(annex, blocks=blocks),))
    laid_out = _count_layouts(monkeypatch)
    windows = PdfRenderer(Layout(), segment_rows=60).render(document)
    monkeypatch.undo()
    whole = _whole(document, Layout())
    pages = len(_sizes(whole))
    annex_windows = len(laid_out) - 1
    assert pages >= 12
    assert sum(laid_out) <= pages + annex_windows - 1  # each annex window lays out one page again, the last none
    assert annex_windows >= 4  # a chart counts for about a page in a window's budget, not two rows
    assert _sizes(windows) == _sizes(whole)
    assert _texts(windows, tmp_path) == _texts(whole, tmp_path)
    assert _pictures(windows, tmp_path, "windows") == _pictures(whole, tmp_path, "whole")


def test_a_document_without_annexes_is_laid_out_once_as_before() -> None:
    """A notice (no annex) is one layout and the very bytes of the one-piece rendering."""
    document = sample_documents.dispatch(annex_rows=0)
    assert PdfRenderer(Layout()).render(document) == _whole(document, Layout())


def test_the_joined_pdf_keeps_the_title_and_the_annex_bookmarks() -> None:
    """The joined file carries the document's title and the annex headings as bookmarks, as before."""
    document = sample_documents.dispatch(annex_rows=80)
    joined = PdfReader(io.BytesIO(PdfRenderer(Layout(), segment_rows=30).render(document)))
    whole = PdfReader(io.BytesIO(_whole(document, Layout())))
    assert joined.metadata is not None and joined.metadata.title == document.title
    assert _titles(joined.outline) == _titles(whole.outline) != []


def test_a_window_never_starts_inside_a_rowspan() -> None:
    """Rows a cell above still spans are no place to start a window; the others past the first are."""
    table = Table(widths=(1, 1), header=(), rows=(
        (Cell("a", rowspan=3), Cell("1")), (Cell("2"),), (Cell("3"),), (Cell("b"), Cell("4")), (Cell("c"), Cell("5"))))
    annex = sample_documents.dispatch().annexes[0]
    from dataclasses import replace

    starts = pdf_module._continuations(replace(annex, blocks=(annex.blocks[0], table)))
    assert sorted(starts) == ["r1-3", "r1-4"]


def test_without_page_boxes_the_annex_is_laid_out_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where WeasyPrint would not show where a page begins, each annex is laid out at once: the same pages."""
    from generator.render.weasyprint_tuning import NoPageBoxes

    def hidden(page, attribute):  # type: ignore[no-untyped-def]
        raise NoPageBoxes

    document = sample_documents.dispatch(annex_rows=120)
    monkeypatch.setattr(pdf_module, "first_marked", hidden)
    laid_out = _count_layouts(monkeypatch)
    hidden_pages = PdfRenderer(Layout(), segment_rows=30).render(document)
    monkeypatch.undo()
    whole = _whole(document, Layout())
    assert laid_out[-1] == len(_sizes(whole)) - laid_out[0]  # the letter, then the annex in one piece
    assert _texts(hidden_pages, tmp_path) == _texts(whole, tmp_path)


def test_the_first_marked_element_of_each_page() -> None:
    """first_marked reads, from a laid-out page, the first element carrying the attribute: the first
    body row under the repeated header on a continued page, nothing where no element has it."""
    from generator.render.weasyprint_tuning import first_marked

    html = ("<table><thead><tr><th>h</th></tr></thead><tbody>"
            + "".join(f'<tr data-at="r{i}"><td>{i}</td></tr>' for i in range(120)) + "</tbody></table>")
    pages = pdf_module.lay_out(html, Layout()).pages
    firsts = [first_marked(page, "data-at") for page in pages]
    assert len(pages) >= 2 and firsts[0] == "r0"
    assert all(first is not None and first.startswith("r") for first in firsts)
    assert [int(first[1:]) for first in firsts] == sorted(int(first[1:]) for first in firsts)  # type: ignore[index]
    assert first_marked(pages[0], "data-none") is None
