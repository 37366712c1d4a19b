"""The PDF renderer: NĐ 30/2020 layout checked on the PDF itself (pypdf, pdffonts, pdftotext)."""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
import socket
import subprocess
from pathlib import Path

import pytest
import sample_documents
from pypdf import PdfReader

from generator.common.errors import RenderError
from generator.common.layout import Layout
from generator.content.model import Document, Paragraph, Table
from generator.render import renderer_for
from generator.render.pdf import (
    RENDER_ASSETS_DIR,
    LocalOnlyFetcher,
    PdfRenderer,
    RefusedURL,
    document_html,
    html_to_pdf,
)

A4_SHORT, A4_LONG = 595.28, 841.89
DRAFT = "DỰ THẢO"


# ---------- helpers ----------


def _poppler(tool: str, *args: str | Path) -> str:
    return subprocess.run([tool, *map(str, args)], check=True, capture_output=True, text=True).stdout


def page_text(pdf: Path, page: int, *mode: str) -> str:
    """pdftotext of one page (1-based), `-layout` by default."""
    return _poppler("pdftotext", *(mode or ("-layout",)), "-f", str(page), "-l", str(page), pdf, "-")


def first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of every word on a page, from pdftotext -bbox."""
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
        page_text(pdf, page, "-bbox"),
    )
    return [(html_lib.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


def baseline(word: tuple[str, float, float, float, float]) -> float:
    """Baseline of a word from its box: the box spans ascent 0.891 em above to descent 0.216 em below."""
    _, _, y_min, _, y_max = word
    return y_max - (y_max - y_min) * 0.216 / 1.107


def squeeze(text: str) -> str:
    """Text without any white space: pdftotext breaks lines where the layout did."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


def document_strings(document: Document) -> list[str]:
    """Every text of a Document, in reading order, as it must be printed."""
    h = document.header
    out = [*h.parent_body, *h.issuing_body, h.motto_country, h.motto, h.number_line, h.date_line, h.subject]
    out += [document.recipients_label, *document.recipient_lines()]

    def blocks(items: tuple[Paragraph | Table, ...]) -> list[str]:
        texts: list[str] = []
        for block in items:
            if isinstance(block, Paragraph):
                texts.append(block.text)
            else:
                texts += [block.caption or ""]
                texts += [c.text for row in (*block.header, *block.rows) for c in row]
        return texts

    out += blocks(document.body)
    out += [document.copies_label, *document.copies_lines()]
    out += [*document.signer.authority_lines, *document.signer.title_lines, document.signer.name]
    for annex in document.annexes:
        out += [annex.heading, annex.title, annex.subtitle or "", *blocks(annex.blocks)]
    return [s for s in out if s.strip()]


def render_to(path: Path, document: Document, layout: Layout = Layout()) -> Path:
    path.write_bytes(PdfRenderer(layout).render(document))
    return path


def annex_start_pages(pdf: Path, document: Document) -> list[int]:
    """1-based page where each annex begins (its heading is the page's first line)."""
    starts = []
    for number in range(1, page_count(pdf) + 1):
        top = first_line(page_text(pdf, number))
        if any(top == annex.heading for annex in document.annexes):
            starts.append(number)
    return starts


# ---------- fixtures: each document is rendered once per test session ----------


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="module")
def dispatch_doc() -> Document:
    return sample_documents.dispatch()


@pytest.fixture(scope="module")
def dispatch_pdf(out_dir: Path, dispatch_doc: Document) -> Path:
    return render_to(out_dir / "dispatch.pdf", dispatch_doc)


@pytest.fixture(scope="module")
def draft_pdf(out_dir: Path) -> Path:
    return render_to(out_dir / "draft.pdf", sample_documents.dispatch(draft_mark=DRAFT))


@pytest.fixture(scope="module")
def hostile_pdf(out_dir: Path) -> Path:
    return render_to(out_dir / "hostile.pdf", sample_documents.hostile_notice())


@pytest.fixture(scope="module")
def two_annex_doc() -> Document:
    base = sample_documents.dispatch(body_paragraphs=2)
    landscape = base.annexes[0]
    portrait = dataclasses.replace(
        landscape,
        heading="Phụ lục II",
        subtitle=None,
        blocks=sample_documents.dispatch(annex_rows=70).annexes[0].blocks[1:],
        landscape=False,
    )
    return dataclasses.replace(base, annexes=(landscape, portrait))


@pytest.fixture(scope="module")
def two_annex_pdf(out_dir: Path, two_annex_doc: Document) -> Path:
    return render_to(out_dir / "two_annexes.pdf", two_annex_doc)


# ---------- renderer family ----------


def test_renderer_for_pdf_returns_the_pdf_renderer() -> None:
    """renderer_for("pdf") gives a PdfRenderer named "pdf" writing ".pdf" files that start with %PDF."""
    renderer = renderer_for("pdf", Layout())
    assert isinstance(renderer, PdfRenderer)
    assert (renderer.name, renderer.suffix) == ("pdf", "pdf")
    assert renderer.render(sample_documents.dispatch(annex_rows=0)).startswith(b"%PDF-")


# ---------- pages ----------


def test_body_pages_are_a4_portrait_and_landscape_annex_pages_a4_landscape(
    dispatch_pdf: Path, dispatch_doc: Document
) -> None:
    """Pages before the landscape annex are A4 portrait; the annex's pages are A4 landscape."""
    (annex_start,) = annex_start_pages(dispatch_pdf, dispatch_doc)
    pages = PdfReader(dispatch_pdf).pages
    assert annex_start >= 2 and len(pages) > annex_start  # the annex table runs over several pages
    for number, page in enumerate(pages, start=1):
        size = (float(page.mediabox.width), float(page.mediabox.height))
        expected = (A4_SHORT, A4_LONG) if number < annex_start else (A4_LONG, A4_SHORT)
        assert size == pytest.approx(expected, abs=0.5), f"page {number}"


def test_portrait_annex_keeps_a4_portrait(two_annex_pdf: Path, two_annex_doc: Document) -> None:
    """An annex with landscape=False is laid out on A4 portrait pages."""
    _, portrait_start = annex_start_pages(two_annex_pdf, two_annex_doc)
    for page in PdfReader(two_annex_pdf).pages[portrait_start - 1 :]:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((A4_SHORT, A4_LONG), abs=0.5)


def test_page_one_has_no_number_and_page_two_is_numbered_at_its_top(dispatch_pdf: Path) -> None:
    """NĐ 30: page 1 carries no number; page 2 starts with "2" (centred in the top margin)."""
    first = page_text(dispatch_pdf, 1)
    assert not re.fullmatch(r"\d+", first_line(first))
    assert not re.search(r"^\s*1\s*$", first, re.MULTILINE)
    second = page_text(dispatch_pdf, 2)
    assert first_line(second) == "2"
    number_word = next(w for w in words(dispatch_pdf, 2) if w[0] == "2")
    centre = (number_word[1] + number_word[3]) / 2
    text_centre = (30 + (210 - 15)) / 2 * 72 / 25.4  # middle of the text width, Layout() margins
    assert centre == pytest.approx(text_centre, abs=2)
    assert number_word[4] < 20 * 72 / 25.4  # inside the 20 mm top margin


def test_annex_page_numbers_restart_and_its_first_page_is_unnumbered(dispatch_pdf: Path, dispatch_doc: Document) -> None:
    """The annex numbers its own pages: none on its first page, then 2, 3, ..."""
    (start,) = annex_start_pages(dispatch_pdf, dispatch_doc)
    assert first_line(page_text(dispatch_pdf, start)) == "Phụ lục"
    for offset, number in enumerate(range(start + 1, page_count(dispatch_pdf) + 1), start=2):
        assert first_line(page_text(dispatch_pdf, number)) == str(offset)


def test_each_annex_restarts_its_own_numbering(two_annex_pdf: Path, two_annex_doc: Document) -> None:
    """Two annexes in a row each number from 1 (first page unnumbered, second page "2")."""
    starts = annex_start_pages(two_annex_pdf, two_annex_doc)
    assert len(starts) == 2
    for start in starts:
        assert first_line(page_text(two_annex_pdf, start + 1)) == "2"


def test_table_header_is_repeated_on_each_annex_page(dispatch_pdf: Path, dispatch_doc: Document) -> None:
    """The annex table's bold header row starts every annex page after the first."""
    (start,) = annex_start_pages(dispatch_pdf, dispatch_doc)
    for number in range(start + 1, page_count(dispatch_pdf) + 1):
        lines = [line.split() for line in page_text(dispatch_pdf, number).splitlines() if line.strip()]
        assert lines[1][:3] == ["STT", "Đơn", "vị"], f"page {number}"


# ---------- fonts ----------


@pytest.mark.parametrize("fixture", ["draft_pdf", "hostile_pdf", "two_annex_pdf"])
def test_only_liberation_serif_is_embedded(fixture: str, request: pytest.FixtureRequest) -> None:
    """Every font is embedded and is Liberation Serif (no DejaVu fallback for any glyph)."""
    listing = _poppler("pdffonts", request.getfixturevalue(fixture)).splitlines()[2:]
    assert listing, "no fonts at all"
    for row in listing:
        name, embedded = row.split()[0], row.split()[-5]
        assert "Liberation-Serif" in name, row
        assert embedded == "yes", row


# ---------- text ----------


def test_all_text_appears_in_reading_order(dispatch_pdf: Path, dispatch_doc: Document) -> None:
    """Every string of the Document is in the PDF, in order, word for word."""
    text = squeeze(_poppler("pdftotext", "-raw", dispatch_pdf, "-"))
    position = 0
    for expected in document_strings(dispatch_doc):
        found = text.find(squeeze(expected), position)
        assert found >= 0, f"missing or out of order: {expected!r}"
        position = found + len(squeeze(expected))


def test_hostile_recipient_is_printed_literally(hostile_pdf: Path) -> None:
    """A recipient named Sở "Thử" & <Nghiệm> is escaped in the HTML and printed as typed."""
    assert 'Kính gửi: Sở "Thử" & <Nghiệm>.' in page_text(hostile_pdf, 1)
    markup = document_html(sample_documents.hostile_notice())
    assert "&lt;Nghiệm&gt;" in markup and "<Nghiệm>" not in markup


def test_runs_of_spaces_left_for_the_clerk_are_kept(out_dir: Path) -> None:
    """A draft's blank number ("Số:      /UBND") keeps its gap: spaces are not collapsed."""
    base = sample_documents.dispatch(annex_rows=0, body_paragraphs=0)
    header = dataclasses.replace(base.header, number_line="Số:      /UBND-KSTTHC")
    pdf = render_to(out_dir / "blank_number.pdf", dataclasses.replace(base, header=header))
    page = words(pdf, 1)
    label = next(w for w in page if w[0] == "Số:")
    number = next(w for w in page if w[0] == "/UBND-KSTTHC")
    space = 13 * 0.25  # a space is 0.25 em of Liberation Serif
    assert number[1] - label[3] >= 5.5 * space


# ---------- header and recipients ----------


def test_number_line_and_date_line_share_a_baseline(dispatch_pdf: Path) -> None:
    """"Số: ..." (left column) and the place-date line (right column) sit on the same line."""
    page = words(dispatch_pdf, 1)
    number = next(w for w in page if w[0] == "Số:")
    place = next(w for w in page if w[0] == "Hà" and w[2] > number[2] - 20)
    assert baseline(number) == pytest.approx(baseline(place), abs=0.5)
    assert place[1] > number[3]  # to its right


def test_several_recipients_have_their_dashes_under_the_colon(dispatch_pdf: Path) -> None:
    """Each recipient is on its own line below "Kính gửi:", dashes aligned under the colon."""
    page = words(dispatch_pdf, 1)
    label = next(w for w in page if w[0] == "gửi:")
    dashes = [w for w in page if w[0] == "-" and w[2] > label[2]][:2]
    assert len(dashes) == 2
    assert dashes[0][1] == pytest.approx(dashes[1][1], abs=0.1)
    colon_width = 14 * 0.278
    assert dashes[0][1] == pytest.approx(label[3] - colon_width, abs=0.5)
    assert all(d[2] > label[4] - 1 for d in dashes)  # below the label's line


# ---------- signer block ----------


@pytest.mark.parametrize("paragraphs", range(14))
def test_signer_block_is_never_split_nor_orphaned(out_dir: Path, paragraphs: int) -> None:
    """Whatever the body length, "Nơi nhận", the signer and the body's last line share one page."""
    document = sample_documents.dispatch(body_paragraphs=paragraphs, annex_rows=0)
    pdf = render_to(out_dir / f"signer_{paragraphs}.pdf", document)
    last = page_count(pdf)
    text = squeeze(page_text(pdf, last, "-raw"))
    for expected in (
        "./.",
        document.copies_label,
        *document.copies_lines(),
        *document.signer.authority_lines,
        document.signer.name,
    ):
        assert squeeze(expected) in text, f"{expected!r} not on page {last}"


# ---------- draft mark ----------


def test_draft_mark_is_on_every_page(draft_pdf: Path) -> None:
    """With draft_mark set, "DỰ THẢO" is printed on every page, body and annex alike."""
    for number in range(1, page_count(draft_pdf) + 1):
        assert DRAFT in page_text(draft_pdf, number), f"page {number}"


def test_draft_mark_is_absent_when_not_set(dispatch_pdf: Path) -> None:
    """Without draft_mark, no page says "DỰ THẢO"."""
    assert DRAFT not in _poppler("pdftotext", dispatch_pdf, "-")


# ---------- metadata ----------


def test_metadata_title_and_language(dispatch_pdf: Path, dispatch_doc: Document) -> None:
    """The PDF's title is Document.title and its catalog language is Vietnamese."""
    reader = PdfReader(dispatch_pdf)
    assert reader.metadata.title == dispatch_doc.title
    assert reader.trailer["/Root"]["/Lang"] == "vi"


# ---------- no network ----------


def test_fetcher_refuses_network_and_foreign_files() -> None:
    """The URL fetcher refuses http(s), data: and files outside templates/render."""
    fetcher = LocalOnlyFetcher()
    for url in ("http://example.com/seal.png", "https://example.com/a.css", "data:text/css,a{}",
                "file:///etc/passwd", (RENDER_ASSETS_DIR / ".." / "..").resolve().as_uri()):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_fetcher_serves_files_under_templates_render() -> None:
    """A file inside templates/render is served, with its bytes and content type."""
    css = RENDER_ASSETS_DIR / "document.css"
    response = LocalOnlyFetcher().fetch(css.as_uri())
    assert response.read() == css.read_bytes()
    assert response.content_type == "text/css"


def test_network_image_fails_the_rendering_without_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    """An <img src="http://..."> stops the rendering with a RenderError and opens no socket."""
    attempts: list[object] = []

    def refuse_connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    html = '<html><body><p>x</p><img src="http://example.com/seal.png"></body></html>'
    with pytest.raises(RenderError):
        html_to_pdf(html, Layout())
    assert attempts == []


# ---------- the lean user-agent stylesheet ----------


def test_lean_user_agent_stylesheet_renders_like_weasyprints_own(out_dir: Path) -> None:
    """The trimmed user-agent stylesheet gives the same pages, pixel for pixel, as WeasyPrint's."""
    markup = document_html(sample_documents.dispatch(body_paragraphs=3, annex_rows=25, draft_mark=DRAFT))
    images = {}
    for lean in (True, False):
        pdf = out_dir / f"ua_{lean}.pdf"
        pdf.write_bytes(html_to_pdf(markup, Layout(), lean_user_agent=lean))
        prefix = out_dir / f"ua_{lean}"
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(prefix)], check=True)
        images[lean] = [p.read_bytes() for p in sorted(out_dir.glob(f"ua_{lean}-*.png"))]
    assert len(images[True]) >= 3
    assert images[True] == images[False]


def test_layout_values_reach_the_stylesheet(out_dir: Path) -> None:
    """Layout margins are applied: a wider left margin moves the body text right by the difference."""
    document = sample_documents.dispatch(annex_rows=0, body_paragraphs=0)
    narrow = words(render_to(out_dir / "m30.pdf", document, Layout(margin_left_mm=30)), 1)
    wide = words(render_to(out_dir / "m35.pdf", document, Layout(margin_left_mm=35)), 1)
    x_narrow = next(w for w in narrow if w[0] == "Nơi")[1]
    x_wide = next(w for w in wide if w[0] == "Nơi")[1]
    assert x_wide - x_narrow == pytest.approx(5 * 72 / 25.4, abs=0.2)


def test_weasyprint_reports_no_warnings(caplog: pytest.LogCaptureFixture) -> None:
    """The stylesheet parses and a draft dispatch renders without any WeasyPrint warning."""
    import weasyprint

    from generator.render.pdf import stylesheet_text

    with caplog.at_level("WARNING", logger="weasyprint"):
        weasyprint.CSS(string=stylesheet_text(Layout(line_spacing=1.5, body_size_pt=13)))
        PdfRenderer(Layout()).render(sample_documents.dispatch(annex_rows=30, draft_mark=DRAFT))
    assert [r.getMessage() for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []
