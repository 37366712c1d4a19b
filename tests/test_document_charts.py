"""Charts in the documents: where they go, what they show, the profile switches, both formats' pages."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from e2e_support import PHU_THO, july, render_files
from pypdf import PdfReader
from test_charts import images_drawn

from generator.build import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, Prepared, dispatch_document, notice_document, prepare
from generator.common.errors import ConfigError
from generator.config import ChartSwitches, load_profile
from generator.content import Document, Figure, figures_in
from generator.content.model import Paragraph, Table
from generator.content.registry import find_template
from generator.render.docx_xml import mm as mm_twips
from generator.render.figures import ROW_GAP_MM, text_width_mm

D = Decimal


def figures(blocks: tuple[object, ...]) -> list[Figure]:
    return list(figures_in(blocks))


def dispatch_of(prepared: Prepared) -> Document:
    return dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None)


def notice_of(prepared: Prepared, code: str) -> Document:
    return notice_document(prepared, find_template(NOTICE_TEMPLATE), code, None, None)


def with_profile(prepared: Prepared, **changes: object) -> Prepared:
    return replace(prepared, profile=prepared.profile.model_copy(update=changes))


@pytest.fixture(scope="module")
def phu_tho() -> Prepared:
    return prepare(PHU_THO)


# ---- the dispatch's annex ---------------------------------------------------------------------------

def test_annex_opens_with_the_authoritys_total_over_time() -> None:
    """Hà Nội, July 2024: the annex's first block is the city's total over April–July, numbered 1."""
    annex = dispatch_of(july()).annexes[0]
    first = annex.blocks[0]
    assert isinstance(first, Figure) and first.chart.kind == "line"
    assert first.caption == "Biểu đồ 1. Tổng điểm Bộ chỉ số của Thành phố từ tháng 4/2024 đến tháng 7/2024"
    assert first.chart.categories == ("4/2024", "5/2024", "6/2024", "7/2024")
    assert first.chart.series[0].values == (D("50.72"), D("50.76"), D("57.25"), D("58.86"))
    assert "tháng 7/2024 58,86 điểm" in first.alt
    assert len(first.chart.series) == 1  # Hà Nội's profile sets no score target


def test_each_kind_gets_its_sorted_bars_with_the_average_after_its_table() -> None:
    """After each ranking table: the kind's ranked units, best first, and a line at the kind's average."""
    analysis = july().analysis
    blocks = dispatch_of(july()).annexes[0].blocks
    bars = [b for b in figures(blocks) if b.chart.kind == "hbars"]
    assert [b.caption for b in bars] == ["Biểu đồ 2. Tổng điểm các sở, ban, ngành tháng 7/2024",
                                         "Biểu đồ 3. Tổng điểm các quận, huyện, thị xã tháng 7/2024"]
    for figure, ranking in zip(bars, analysis.by_kind):
        assert figure.chart.categories == tuple(u.name for u in ranking.ranked)
        values = figure.chart.series[0].values
        assert values == tuple(u.total for u in ranking.ranked) and list(values) == sorted(values, reverse=True)
        (average,) = figure.chart.lines
        assert average.value == ranking.average_total
        assert average.name == f"Bình quân {ranking.label}: {ranking.average_total:.2f} điểm".replace(".", ",")
        position = blocks.index(figure)
        assert isinstance(blocks[position - 1], Table)  # right under the kind's table(s)
    assert "UBND huyện Thanh Oai" not in bars[1].chart.categories  # no total, no bar


def test_a_long_kind_runs_over_several_numbered_charts(phu_tho: Prepared) -> None:
    """Phú Thọ's 148 xã, phường: charts of 30 bars, ranks stated, numbering carried on."""
    communes = next(r for r in phu_tho.analysis.by_kind if r.kind.value == "xa")
    bars = [b for b in figures(dispatch_of(phu_tho).annexes[0].blocks) if b.chart.kind == "hbars"]
    commune_bars = [b for b in bars if communes.label in (b.caption or "")]
    assert len(commune_bars) == -(-len(communes.ranked) // 30)
    assert [len(b.chart.categories) for b in commune_bars[:-1]] == [30] * (len(commune_bars) - 1)
    # Ranks as the table states them (ties share one): the 30th bar's rank, then the 31st's.
    assert (commune_bars[0].caption or "").endswith(f"(xếp hạng 1–{communes.ranked[29].rank})")
    assert f"(tiếp theo, xếp hạng {communes.ranked[30].rank}–" in (commune_bars[1].caption or "")
    numbers = [int((b.caption or "").split(".")[0].split()[-1]) for b in bars]
    assert numbers == list(range(1, len(bars) + 1))  # no history: no trend chart, bars start at 1
    assert sum(len(b.chart.categories) for b in commune_bars) == len(communes.ranked)


def test_score_targets_of_the_profile_are_drawn_where_they_apply() -> None:
    """A profile's total-score target for 2024 draws a dotted series and is named in the alt text."""
    prepared = with_profile(july(), score_targets={2024: D(60)})
    figure = dispatch_of(prepared).annexes[0].blocks[0]
    assert isinstance(figure, Figure)
    target = figure.chart.series[1]
    assert (target.name, target.style, target.values) == ("Chỉ tiêu tổng điểm", "dotted", (D(60),) * 4)
    assert figure.alt.endswith("chỉ tiêu tổng điểm 60,00 điểm.")


# ---- each notice -----------------------------------------------------------------------------------

def test_notice_shows_its_groups_beside_the_kinds_average_and_its_total_over_time() -> None:
    """Sở Tư pháp: six group shares against the departments' means; its totals against theirs."""
    prepared = july()
    unit = prepared.analysis.unit("STP")
    ranking = prepared.analysis.by_kind[0]
    groups_chart, trend = figures(notice_of(prepared, "STP").body)
    assert groups_chart.caption == ("Biểu đồ 1. Tỷ lệ điểm từng nhóm chỉ số của Sở Tư pháp so với bình quân các "
                                    "sở, ban, ngành, tháng 7/2024")
    own, average = groups_chart.chart.series
    assert own.values[0] == unit.unit.groups[0] / 18 * 100  # CKMB 9,92/18
    assert average.values == tuple(s * 100 for s in ranking.average_shares)  # type: ignore[operator]
    assert (groups_chart.chart.minimum, groups_chart.chart.maximum, groups_chart.chart.suffix) == (0, 100, "%")
    assert trend.caption == "Biểu đồ 2. Tổng điểm của Sở Tư pháp từ tháng 4/2024 đến tháng 7/2024"
    assert trend.chart.series[0].values == unit.series.totals == (D("60.64"), D("62.17"), D("65.39"), D("66.90"))
    assert trend.chart.series[1].values == ranking.average_series
    assert trend.chart.series[0].labels == "last"


def test_a_unit_without_a_total_keeps_its_gap_in_both_charts() -> None:
    """UBND huyện Thanh Oai (no MĐHL in July): an empty group bar and an empty July point, never 0."""
    groups_chart, trend = figures(notice_of(july(), "H-THANHOAI").body)
    assert groups_chart.chart.series[0].values[4] is None
    assert trend.chart.series[0].values[-1] is None and trend.chart.series[0].values[0] is not None
    assert "tháng 7/2024 chưa có số liệu" in trend.alt


def test_without_history_a_notice_has_no_trend_chart(phu_tho: Prepared) -> None:
    """Phú Thọ has one month only: the groups chart alone, numbered 1."""
    code = phu_tho.analysis.units[0].code
    (only,) = figures(notice_of(phu_tho, code).body)
    assert only.chart.kind == "hbars" and (only.caption or "").startswith("Biểu đồ 1.")


# ---- the profile switches ----------------------------------------------------------------------------

def test_each_chart_can_be_turned_off_in_the_profile() -> None:
    """Switches off: the chart and its caption go; the other charts keep their places, renumbered."""
    prepared = july()
    no_dispatch = with_profile(prepared, charts=ChartSwitches(authority_trend=False, kind_bars=False))
    assert figures(dispatch_of(no_dispatch).annexes[0].blocks) == []
    assert len(figures(notice_of(no_dispatch, "STP").body)) == 2  # the notice's charts are separate switches
    only_bars = with_profile(prepared, charts=ChartSwitches(authority_trend=False))
    assert [(f.caption or "")[:11] for f in figures(dispatch_of(only_bars).annexes[0].blocks)] == [
        "Biểu đồ 1. ", "Biểu đồ 2. "]
    only_trend = with_profile(prepared, charts=ChartSwitches(unit_groups=False))
    (trend,) = figures(notice_of(only_trend, "STP").body)
    assert trend.chart.kind == "line" and (trend.caption or "").startswith("Biểu đồ 1.")
    assert trend in notice_of(only_trend, "STP").body  # alone, not in a row: the text's full width
    nothing = with_profile(prepared, charts=ChartSwitches(unit_groups=False, unit_trend=False))
    assert figures(notice_of(nothing, "STP").body) == []
    assert any(isinstance(b, Paragraph) for b in notice_of(nothing, "STP").body)


def test_profile_chart_settings_are_validated(tmp_path: Path) -> None:
    """A misspelt switch or a target above 100 is refused with the file and line, in Vietnamese."""
    source = (Path(__file__).resolve().parents[1] / "generator" / "profiles" / "ha-noi.yaml").read_text(encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(source + "charts:\n  kind_bars: false\nscore_targets:\n  2024: 80\n", encoding="utf-8")
    profile = load_profile(good)
    assert profile.charts == ChartSwitches(kind_bars=False)
    assert profile.score_target_for(2025) == D(80) and profile.score_target_for(2023) is None
    bad = tmp_path / "bad.yaml"
    bad.write_text(source + "charts:\n  kind_bar: false\nscore_targets:\n  2024: 180\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_profile(bad)
    lines = [str(p) for p in error.value.problems]
    assert any("charts.kind_bar" in line and "bad.yaml:" in line for line in lines), lines
    assert any("score_targets.2024" in line for line in lines), lines


# ---- both formats, on the right pages --------------------------------------------------------------------

@pytest.fixture(scope="module")
def july_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    prepared = july()
    folder = tmp_path_factory.mktemp("charts")
    layout = prepared.profile.to_layout()
    return {
        "dispatch": render_files(dispatch_of(prepared), layout, folder, "dispatch"),
        "notice": render_files(notice_of(prepared, "STP"), layout, folder, "notice"),
    }


def _captions_by_page(path: Path) -> list[tuple[int, int, list[str]]]:
    """Per PDF page: its number, how many images it draws, and the chart captions on it."""
    reader = PdfReader(path)
    result = []
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join((page.extract_text() or "").split())
        captions = [f"Biểu đồ {n}." for n in range(1, 10) if f"Biểu đồ {n}." in text]
        result.append((number, len(images_drawn(page)), captions))
    return result


def test_pdf_charts_sit_on_the_pages_of_their_captions(july_files: dict[str, dict[str, Path]]) -> None:
    """Dispatch: chart 1 on the annex's first page, charts 2 and 3 each on one page with its caption;
    notice: its two charts each beside its caption. No page draws a picture without its caption."""
    dispatch = _captions_by_page(july_files["dispatch"]["pdf"])
    reader = PdfReader(july_files["dispatch"]["pdf"])
    title = dispatch_of(july()).annexes[0].title.split()[:4]  # "KẾT QUẢ BỘ CHỈ ..."
    annex_first = next(i for i, p in enumerate(reader.pages, 1) if " ".join(title) in " ".join((p.extract_text() or "").split()))
    with_images = [(n, count, caps) for n, count, caps in dispatch if count]
    assert with_images[0] == (annex_first, 1, ["Biểu đồ 1."])
    assert sorted(c for _, _, caps in with_images for c in caps) == ["Biểu đồ 1.", "Biểu đồ 2.", "Biểu đồ 3."]
    assert all(count == len(caps) for _, count, caps in dispatch)
    notice = _captions_by_page(july_files["notice"]["pdf"])
    assert all(count == len(caps) for _, count, caps in notice)
    assert sum(count for _, count, _ in notice) == 2


def test_docx_carries_the_same_charts_in_the_same_sections(july_files: dict[str, dict[str, Path]]) -> None:
    """The dispatch's three pictures all follow the body's section break (the annex); the notice's two
    are in its only section; each picture's bytes are the PDF's picture data."""
    body = docx.Document(july_files["dispatch"]["docx"]).element.body
    marks = [e.tag for e in body.iter(qn("w:drawing"), qn("w:sectPr")) if e.getparent().tag != qn("w:body")]
    assert marks == [qn("w:sectPr"), qn("w:drawing"), qn("w:drawing"), qn("w:drawing")]
    assert [d.get("descr")[:30] for d in body.iter(qn("wp:docPr"))] == [  # type: ignore[index]
        f.alt[:30] for f in figures(dispatch_of(july()).annexes[0].blocks)]
    notice = docx.Document(july_files["notice"]["docx"]).element.body
    assert len(list(notice.iter(qn("w:drawing")))) == 2


def _images_placed(page: object) -> list[tuple[float, float, float, float]]:
    """Left, bottom, width and height (pt) of each image a PDF page draws: the transformation in force
    at its `Do`."""
    placed: list[tuple[float, float, float, float]] = []

    def before(operator: bytes, operands: list[object], matrix: list[float], text_matrix: object) -> None:
        if operator == b"Do" and str(operands[0]) in images:
            placed.append((matrix[4], matrix[5], matrix[0], matrix[3]))

    images = set(images_drawn(page))
    page.extract_text(visitor_operand_before=before)  # type: ignore[attr-defined]
    return placed


def test_notice_charts_stand_side_by_side_in_both_formats(july_files: dict[str, dict[str, Path]]) -> None:
    """PDF: the two pictures on one band (same bottom and height), each centred in its half of the text
    width, the gap between them. DOCX: one borderless layout-table row of two equal cells spanning the
    text width, each holding its picture and then its caption."""
    layout = july().profile.to_layout()
    to_pt = 72 / 25.4
    cell = text_width_mm(layout, False) / 2
    (page,) = [p for p in PdfReader(july_files["notice"]["pdf"]).pages if images_drawn(p)]
    (left, bottom, width, height), (left2, bottom2, width2, height2) = _images_placed(page)
    assert (bottom, height, width) == pytest.approx((bottom2, height2, width2), abs=0.01)
    assert width == pytest.approx((cell - ROW_GAP_MM) * to_pt, abs=0.05)
    assert left == pytest.approx((layout.margin_left_mm + ROW_GAP_MM / 2) * to_pt, abs=0.05)
    assert left2 - left == pytest.approx(cell * to_pt, abs=0.05)
    body = docx.Document(july_files["notice"]["docx"]).element.body
    (row,) = [tr for tr in body.iter(qn("w:tr")) if list(tr.iter(qn("w:drawing")))]
    cells = row.findall(qn("w:tc"))
    widths = [int(c.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for c in cells]  # type: ignore[union-attr]
    assert len(cells) == 2 and sum(widths) == mm_twips(text_width_mm(layout, False)) and abs(widths[0] - widths[1]) <= 1
    for number, tc in enumerate(cells, start=1):
        paragraphs = tc.findall(qn("w:p"))
        assert len(list(paragraphs[0].iter(qn("w:drawing")))) == 1
        assert "".join(t.text or "" for t in paragraphs[1].iter(qn("w:t"))).startswith(f"Biểu đồ {number}.")


def test_side_by_side_charts_keep_a_short_notice_on_its_pages(tmp_path: Path) -> None:
    """The two charts cost the height of one: Ban Dân tộc's July notice keeps the two pages it has
    without charts (stacked, they pushed its signature onto a third)."""
    prepared = july()
    layout = prepared.profile.to_layout()
    without = with_profile(prepared, charts=ChartSwitches(unit_groups=False, unit_trend=False))
    pages = {label: len(PdfReader(render_files(notice_of(p, "BDT"), layout, tmp_path, label, ("pdf",))["pdf"]).pages)
             for label, p in (("with", prepared), ("without", without))}
    assert pages == {"with": 2, "without": 2}


def _picture_hashes(paths: dict[str, Path]) -> tuple[list[str], list[str]]:
    """SHA-256 of each DOCX media file and of each PDF image stream, in order."""
    with zipfile.ZipFile(paths["docx"]) as archive:
        docx_pictures = [hashlib.sha256(archive.read(n)).hexdigest()
                         for n in sorted(archive.namelist()) if n.startswith("word/media/")]
    reader = PdfReader(paths["pdf"])
    pdf_pictures = [hashlib.sha256(page["/Resources"]["/XObject"][name].get_object()._data).hexdigest()
                    for page in reader.pages for name in images_drawn(page)]
    return docx_pictures, pdf_pictures


def test_two_runs_give_identical_chart_bytes_in_both_formats(july_files: dict[str, dict[str, Path]],
                                                            tmp_path: Path) -> None:
    """A second rendering, charts drawn anew (caches emptied), embeds byte-identical pictures in both formats."""
    from generator.render import charts

    charts._cached_png.cache_clear()
    charts._FRAMES.clear()
    prepared = july()
    again = render_files(dispatch_of(prepared), prepared.profile.to_layout(), tmp_path, "dispatch")
    first = _picture_hashes(july_files["dispatch"])
    assert first == _picture_hashes(again)
    assert len(first[0]) == 3 and len(first[1]) == 3
    with zipfile.ZipFile(io.BytesIO(july_files["dispatch"]["docx"].read_bytes())) as archive:
        assert all(archive.read(n)[:8] == b"\x89PNG\r\n\x1a\n" for n in archive.namelist() if n.startswith("word/media/"))


def test_notices_of_one_kind_share_their_chart_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """The legend names no unit, so every department's notice reuses the two frames, drawn and kept
    for the first (a notice's charts are small: their frames are kept from their first use)."""
    from generator.render import charts
    from generator.render.figures import place

    built: list[object] = []
    original = charts._build
    monkeypatch.setattr(charts, "_build", lambda *args: built.append(args[0].kind) or original(*args))
    charts._FRAMES.clear()
    charts._cached_png.cache_clear()
    prepared = july()
    layout = prepared.profile.to_layout()
    departments = [u.code for u in prepared.analysis.units if u.kind.value == "so_nganh"][:5]
    for code in departments:
        for figure in figures(notice_of(prepared, code).body):
            place(figure, layout, False)
    assert sorted(built) == ["hbars", "line"]
