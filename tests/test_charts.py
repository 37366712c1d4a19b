"""Charts: the <figure> markup, the drawing (grey, Liberation Serif, deterministic), both renderers."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import sys
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import sample_documents
from docx.oxml.ns import qn
from pypdf import PdfReader

from generator.common.errors import TemplateError
from generator.common.layout import Layout
from generator.content import Chart, ChartLine, ChartSeries, Document, Figure, FigureRow
from generator.content.markup import parse_markup
from generator.render import charts
from generator.render.charts import chart_png
from generator.render.docx import DocxRenderer
from generator.render.figures import ROW_GAP_MM, place, place_row, text_width_mm
from generator.render.pdf import CHART_SCHEME, LocalOnlyFetcher, PdfRenderer, RefusedURL
from generator.render.weasyprint_tuning import pass_png_through, png_idat

ROOT = Path(__file__).resolve().parents[1]
D = Decimal
GROUPS = ("Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến", "Thanh toán trực tuyến",
          "Mức độ hài lòng", "Số hóa hồ sơ")
AVERAGE = ChartSeries("Bình quân sở, ban, ngành", (D("50.7"), D("85.8"), D("72.3"), D("68.4"), D("84.2"), D("59.7")),
                      "hatched")


def groups_chart(values: tuple[Decimal | None, ...] = (D(55), D(58), D(73), D(68), D(85), D(64))) -> Chart:
    return Chart("hbars", GROUPS, (ChartSeries("Sở Tư pháp", values), AVERAGE), minimum=D(0), maximum=D(100),
                 suffix="%", decimals=1)


def trend_chart(values: tuple[Decimal | None, ...]) -> Chart:
    return Chart("line", ("4/2024", "5/2024", "6/2024", "7/2024"), (ChartSeries("Sở Tư pháp", values, labels="last"),),
                 (ChartLine("Bình quân: 70,11 điểm", D("70.11")),), D(0), D(100), axis_label="Điểm")


def images_drawn(page: object) -> list[str]:
    """The image XObjects a PDF page's content draws (`Do`), in order; WeasyPrint shares one resource
    dictionary among pages, so what a page lists is not what it shows."""
    from pypdf.generic import ContentStream

    xobjects = page["/Resources"].get("/XObject", {})  # type: ignore[index]
    content = ContentStream(page.get_contents(), page.pdf)  # type: ignore[attr-defined]
    return [str(operands[0]) for operands, operator in content.operations
            if operator == b"Do" and xobjects[operands[0]].get_object()["/Subtype"] == "/Image"]


def png_header(data: bytes) -> tuple[int, int, int, int]:
    """Width, height, bit depth and colour type from a PNG's IHDR."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


# ---- markup ---------------------------------------------------------------------------------------

MARKUP = """<document><subject>V/v thử</subject><body>
<figure chart="line" alt="Tổng điểm bốn tháng" caption="Biểu đồ 1. Tổng điểm" height="60" min="0" max="100" axis="Điểm">
  <category>4/2024</category><category>5/2024</category><category>6/2024</category>
  <series name="Sở A" labels="last"><v>50.72</v><v></v><v>57.25</v></series>
  <series name="Bình quân" style="dashed"><v>60</v><v>61</v><v>62.5</v></series>
  <line name="Chỉ tiêu" value="80"/>
</figure></body></document>"""


def test_figure_markup_becomes_a_figure_block_with_gaps() -> None:
    """Categories, series (an empty <v> is a gap), lines, axis and size come through as written."""
    (figure,) = parse_markup(MARKUP, "t.xml").body
    assert isinstance(figure, Figure)
    assert figure.alt == "Tổng điểm bốn tháng" and figure.caption == "Biểu đồ 1. Tổng điểm"
    assert figure.height_mm == 60 and figure.width_mm is None
    chart = figure.chart
    assert chart.kind == "line" and chart.categories == ("4/2024", "5/2024", "6/2024")
    assert chart.series[0].values == (D("50.72"), None, D("57.25")) and chart.series[0].labels == "last"
    assert chart.series[1].style == "dashed" and chart.lines == (ChartLine("Chỉ tiêu", D(80)),)
    assert (chart.minimum, chart.maximum, chart.axis_label) == (D(0), D(100), "Điểm")


@pytest.mark.parametrize(("change", "message"), [
    (('chart="line"', 'chart="pie"'), "chart=“line” hoặc “hbars”"),
    (('alt="Tổng điểm bốn tháng" ', ""), "thiếu alt"),
    (("<v>60</v><v>61</v>", "<v>60</v>"), "có 2 giá trị nhưng biểu đồ có 3 mục"),
    (("<v>50.72</v>", "<v>50,72</v>"), "“50,72” không phải một số"),
    (('min="0"', 'min="100"'), "min (100) phải nhỏ hơn max (100)"),
    (('height="60"', 'height="900"'), "phải từ 20 đến 250"),
    (('style="dashed"', 'style="red"'), "style=“red” không hợp lệ"),
    (('<line name="Chỉ tiêu" value="80"/>', "<bar/>"), "không dùng <bar>"),
])
def test_figure_markup_problems_name_the_line(change: tuple[str, str], message: str) -> None:
    """A malformed figure is a TemplateError naming the template line and what is wrong, in Vietnamese."""
    with pytest.raises(TemplateError) as error:
        parse_markup(MARKUP.replace(*change), "t.xml")
    problems = [str(p) for p in error.value.problems]
    assert any(message in p and "t.xml:" in p for p in problems), problems


ROW = """<document><subject>V/v thử</subject><body><figures>
<figure chart="hbars" alt="Sáu nhóm" caption="Biểu đồ 1. Sáu nhóm"><category>A</category><series name="Sở A"><v>1</v></series></figure>
<figure chart="line" alt="Bốn tháng" caption="Biểu đồ 2. Bốn tháng"><category>4/2024</category><series name="Sở A"><v>2</v></series></figure>
</figures></body></document>"""


def test_figures_markup_becomes_a_row_and_a_row_of_one_is_that_figure() -> None:
    """Two <figure> in <figures> are one FigureRow block, in order; one alone is a plain Figure (full width)."""
    (row,) = parse_markup(ROW, "t.xml").body
    assert isinstance(row, FigureRow)
    assert [f.alt for f in row.figures] == ["Sáu nhóm", "Bốn tháng"]
    assert row.text == "Biểu đồ 1. Sáu nhóm\nBiểu đồ 2. Bốn tháng"
    alone = ROW.split("<figure chart=\"line\"")[0] + "</figures></body></document>"
    (figure,) = parse_markup(alone, "t.xml").body
    assert isinstance(figure, Figure) and figure.alt == "Sáu nhóm"


@pytest.mark.parametrize(("markup", "message"), [
    (ROW.replace('<figure chart="line"', '<p>lạc</p><figure chart="line"'), "trong <figures> chỉ dùng <figure>, không dùng <p>"),
    ("<document><subject>V/v</subject><body><figures> </figures></body></document>", "<figures> cần ít nhất một <figure>"),
    (ROW.replace("</figures>", ROW.split("<figures>")[1].split("</figures>")[0] + "</figures>"), "tối đa 3 biểu đồ cạnh nhau, ở đây có 4"),
    (ROW.replace('alt="Bốn tháng" ', ""), "thiếu alt"),
])
def test_figures_markup_problems_name_the_line(markup: str, message: str) -> None:
    """A malformed row is a TemplateError naming the template line, whichever of its figures is wrong."""
    with pytest.raises(TemplateError) as error:
        parse_markup(markup, "t.xml")
    problems = [str(p) for p in error.value.problems]
    assert any(message in p and "t.xml:" in p for p in problems), problems


# ---- drawing --------------------------------------------------------------------------------------

def test_chart_is_a_grey_png_at_print_resolution_of_the_asked_size() -> None:
    """8-bit grey (colour type 0), at charts.DPI (Word's print resolution), width and height from millimetres."""
    data = chart_png(groups_chart(), 165, 70)
    width, height, depth, colour = png_header(data)
    assert (depth, colour) == (8, 0)
    assert charts.DPI >= 200
    assert (width, height) == (int(165 / 25.4 * charts.DPI), int(70 / 25.4 * charts.DPI))  # matplotlib truncates
    assert b"pHYs" in data and b"tEXt" not in data and b"tIME" not in data  # no software name, no date


def test_every_pixel_is_grey_so_the_chart_survives_black_and_white_printing() -> None:
    """The drawing uses no colour: red, green and blue agree everywhere (the PNG keeps one channel)."""
    import numpy as np

    chart = trend_chart((D(60), None, D("65.39"), D("66.9")))
    for _ in range(2):  # a frame is kept from its second use on
        charts._cached_png.cache_clear()
        chart_png(chart, 160, 60)
    frame = next(reversed(charts._FRAMES._frames.values()))
    pixels = np.asarray(frame.figure.canvas.buffer_rgba())  # type: ignore[attr-defined]
    assert (pixels[..., 0] == pixels[..., 1]).all() and (pixels[..., 1] == pixels[..., 2]).all()
    assert pixels[..., 0].min() < 50  # there is black ink on it


def test_charts_are_written_in_liberation_serif_with_decimal_commas() -> None:
    """The font file is Liberation Serif; values and ticks are written the Vietnamese way."""
    assert Path(charts._font_path()).name == "LiberationSerif-Regular.ttf"
    chart = groups_chart()
    assert charts._value_text(chart, D("58.86")) == "58,9%"
    assert charts._value_text(trend_chart((D(1),) * 4), D("1234.5")) == "1.234,50"
    assert charts._tick_formatter(chart)(20.0, 0) == "20%"


def test_names_are_drawn_as_written_never_as_formulas() -> None:
    """A category or legend with “$”, “&”, “<” draws (matplotlib's mathtext stays off) and differs from plain text."""
    odd = Chart("hbars", ("Sở $x^2$ & <B>", r"Ban $\frac{1}{$ C"), (ChartSeries("Tổng $điểm$", (D(50), D(60))),),
                minimum=D(0), maximum=D(100))
    plain = replace(odd, categories=("Sở x2 & B", "Ban C"))
    assert png_header(chart_png(odd, 120, 40))[:2] == png_header(chart_png(plain, 120, 40))[:2]
    assert chart_png(odd, 120, 40) != chart_png(plain, 120, 40)


def test_a_gap_is_not_drawn_as_zero() -> None:
    """A missing value leaves its place empty: the picture differs from a zero there."""
    gap = chart_png(trend_chart((D(60), None, D(65), D(67))), 160, 60)
    zero = chart_png(trend_chart((D(60), D(0), D(65), D(67))), 160, 60)
    assert gap != zero


def test_the_same_chart_gives_the_same_bytes_whatever_was_drawn_before() -> None:
    """Frames are reused between charts; a chart's bytes depend on the chart alone."""
    first = chart_png(groups_chart(), 150, 70)
    charts._cached_png.cache_clear()
    chart_png(groups_chart((D(10), D(90), None, D(30), D(100), D(0))), 150, 70)  # same frame, other bars
    charts._cached_png.cache_clear()
    assert chart_png(groups_chart(), 150, 70) == first
    charts._FRAMES.clear()
    charts._cached_png.cache_clear()
    assert chart_png(groups_chart(), 150, 70) == first  # a frame built anew


_TWO_RUNS = """
import hashlib, sys
sys.path.insert(0, "tests")
from test_charts import groups_chart, trend_chart
from decimal import Decimal as D
from generator.render.charts import chart_png
print(hashlib.sha256(chart_png(groups_chart(), 165, 70) + chart_png(trend_chart((D(60), None, D(65), D(67))), 165, 60)).hexdigest())
"""


def test_two_runs_give_identical_chart_bytes() -> None:
    """Two fresh processes draw byte-identical PNGs (no time stamps, no random hash salts)."""
    runs = [subprocess.run([sys.executable, "-c", _TWO_RUNS], cwd=ROOT, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and len(runs[0].stdout.strip()) == 64
    here = hashlib.sha256(chart_png(groups_chart(), 165, 70)
                          + chart_png(trend_chart((D(60), None, D(65), D(67))), 165, 60)).hexdigest()
    assert runs[0].stdout.strip() == here


# ---- both renderers ---------------------------------------------------------------------------------

FIGURE = Figure(groups_chart(), alt="Tỷ lệ điểm sáu nhóm của Sở Tư pháp so với bình quân", caption="Biểu đồ 1. Tỷ lệ điểm",
                height_mm=70)
ANNEX_FIGURE = Figure(trend_chart((D(60), None, D(65), D(67))), alt="Tổng điểm qua bốn tháng",
                      caption="Biểu đồ 2. Tổng điểm qua các tháng", height_mm=80)


def with_figures() -> Document:
    """The sample dispatch with a figure in its body and another atop its (landscape) annex."""
    document = sample_documents.dispatch()
    annex = replace(document.annexes[0], blocks=(ANNEX_FIGURE, *document.annexes[0].blocks))
    return replace(document, body=(*document.body[:2], FIGURE, *document.body[2:]), annexes=(annex,))


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    document = with_figures()
    return {"docx": DocxRenderer(Layout()).render(document), "pdf": PdfRenderer(Layout()).render(document)}


def test_figures_take_the_text_width_of_their_section() -> None:
    """Portrait body: 210 − 30 − 15 mm; landscape annex: 297 − 30 − 15 mm; a narrower figure keeps its width."""
    layout = Layout()
    assert place(FIGURE, layout, False).width_mm == text_width_mm(layout, False) == 165
    assert place(ANNEX_FIGURE, layout, True).width_mm == 252
    assert place(replace(FIGURE, width_mm=100), layout, False).width_mm == 100


def test_figures_of_a_row_share_the_text_width_less_the_gap() -> None:
    """Two figures: each half the text width less the gap; a narrower figure keeps its width; the
    picture is drawn at the placed size (220 dpi)."""
    layout = Layout()
    left, right = place_row(FigureRow((FIGURE, replace(FIGURE, width_mm=60))), layout, False)
    assert left.width_mm == text_width_mm(layout, False) / 2 - ROW_GAP_MM and right.width_mm == 60
    assert png_header(left.png)[0] == round(left.width_mm / 25.4 * charts.DPI)


def _frame(chart: Chart, width_mm: float, height_mm: float = 64) -> object:
    return charts._build(chart, charts._limits(chart), width_mm, height_mm).figure


def test_a_narrow_chart_stacks_its_legend_so_every_entry_stays_on_the_picture() -> None:
    """At the full text width the two entries share a line; at half of it they are stacked; entries too
    long even alone are wrapped at spaces. Every time the legend lies inside the picture."""
    long_names = replace(groups_chart(), series=tuple(replace(s, name=s.name + " của tỉnh, thành phố trực thuộc "
                                                              "Trung ương") for s in groups_chart().series))
    for chart, width, columns, wrapped in ((groups_chart(), 165, 2, False), (groups_chart(), 77.5, 1, False),
                                           (long_names, 77.5, 1, True)):
        figure = _frame(chart, width)
        (legend,) = figure.legends  # type: ignore[attr-defined]
        box = legend.get_window_extent(figure.canvas.get_renderer())  # type: ignore[attr-defined]
        assert legend._ncols == columns
        assert any("\n" in t.get_text() for t in legend.get_texts()) is wrapped
        assert box.x0 >= 0 and box.x1 <= figure.bbox.width  # type: ignore[attr-defined]


def _months_chart(count: int) -> Chart:
    months = tuple(f"{1 + m % 12}/{2020 + m // 12}" for m in range(count))
    return replace(trend_chart((D(60),) * 4), categories=months,
                   series=(ChartSeries("Sở Tư pháp", tuple(D(60 + i % 9) for i in range(count)), labels="last"),))


def test_month_labels_slant_only_when_they_would_touch() -> None:
    """Four months at half the text width stay level; twelve are slanted, all written, none touching;
    thirty-six on a narrow chart are thinned, counted back from the current period, which keeps its label."""
    level = _frame(_months_chart(4), 77.5).axes[0]  # type: ignore[attr-defined]
    assert {label.get_rotation() for label in level.get_xticklabels()} == {0}
    axes = _frame(_months_chart(12), 77.5).axes[0]  # type: ignore[attr-defined]
    labels = axes.get_xticklabels()
    assert len({label.get_rotation() for label in labels}) == 1 and labels[0].get_rotation() in (45, 60, 90)
    assert all(label.get_text() for label in labels) and not charts._labels_overlap(axes)
    crowded = _frame(_months_chart(36), 40).axes[0]  # type: ignore[attr-defined]
    written = [label.get_text() for label in crowded.get_xticklabels()]
    assert written[-1] == "12/2022" and 3 < sum(map(bool, written)) < 36
    assert not charts._labels_overlap(crowded)
    for chart_axes in (axes, crowded):  # below the plot, inside the picture
        for label in chart_axes.get_xticklabels():
            box = label.get_window_extent()
            assert box.y1 <= chart_axes.bbox.y0 and box.y0 >= 0 and box.x0 >= 0
    from PIL import Image  # the current value, written over the last point, is not cut by the edge

    for width in (40, 77.5):
        picture = Image.open(io.BytesIO(chart_png(_months_chart(36), width, 64)))
        assert min(picture.crop((picture.width - 2, 0, picture.width, picture.height)).tobytes()) > 200


def test_a_legend_entry_that_cannot_be_wrapped_narrower_ends_the_wrapping() -> None:
    """One word longer than the room: the legend is drawn as it can be, the drawing does not loop."""
    word = "Bìnhquânsởbanngànhcủatỉnhthànhphốtrựcthuộctrungươngvàcácđơnvịkhác"
    chart = replace(groups_chart(), series=(groups_chart().series[0], replace(AVERAGE, name=word)))
    (legend,) = _frame(chart, 40).legends  # type: ignore[attr-defined]
    assert word in [t.get_text() for t in legend.get_texts()]


def test_docx_embeds_the_chart_as_an_inline_picture_with_alt_text(rendered: dict[str, bytes]) -> None:
    """Two image parts holding exactly the charts' PNGs, stored as they are (deflated already), the XML
    parts deflated; each drawing describes its chart; captions follow."""
    layout = Layout()
    with zipfile.ZipFile(io.BytesIO(rendered["docx"])) as archive:
        media = sorted(n for n in archive.namelist() if n.startswith("word/media/"))
        pictures = [archive.read(n) for n in media]
        methods = {n: archive.getinfo(n).compress_type for n in archive.namelist()}
    assert {methods[n] for n in media} == {zipfile.ZIP_STORED}
    assert {m for n, m in methods.items() if n not in media} == {zipfile.ZIP_DEFLATED}
    assert pictures == [place(FIGURE, layout, False).png, place(ANNEX_FIGURE, layout, True).png]
    package = docx.Document(io.BytesIO(rendered["docx"]))
    body = package.element.body
    doc_prs = list(body.iter(qn("wp:docPr")))
    assert [d.get("descr") for d in doc_prs] == [FIGURE.alt, ANNEX_FIGURE.alt]
    assert len({d.get("id") for d in doc_prs}) == 2
    extents = [(int(e.get("cx")), int(e.get("cy"))) for e in body.iter(qn("wp:extent"))]
    assert extents == [(165 * 36000, 70 * 36000), (252 * 36000, 80 * 36000)]
    texts = [p.text for p in package.paragraphs]
    for caption in (FIGURE.caption, ANNEX_FIGURE.caption):
        index = texts.index(caption)
        assert package.paragraphs[index - 1]._p.find(f".//{qn('w:drawing')}") is not None  # right under its picture


def test_docx_annex_figure_sits_in_the_landscape_annex_section(rendered: dict[str, bytes]) -> None:
    """The body's figure comes before the section break that ends page one's section; the annex's after it."""
    body = docx.Document(io.BytesIO(rendered["docx"])).element.body
    order = [e for e in body.iter(qn("w:drawing"), qn("w:sectPr")) if e.getparent().tag != qn("w:body")]
    kinds = ["drawing" if e.tag == qn("w:drawing") else "section" for e in order]
    assert kinds == ["drawing", "section", "drawing"]


def test_pdf_shows_each_chart_on_its_page_with_its_caption(rendered: dict[str, bytes]) -> None:
    """Page 1 carries the body's chart and caption; the annex's first page the other."""
    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    pages_with_images = [i for i, page in enumerate(reader.pages) if images_drawn(page)]
    annex_start = next(i for i, page in enumerate(reader.pages) if "Phụ lục" in (page.extract_text() or ""))
    assert pages_with_images == [0, annex_start]
    assert FIGURE.caption in reader.pages[0].extract_text()
    assert ANNEX_FIGURE.caption in reader.pages[annex_start].extract_text()
    width_pt = float(reader.pages[annex_start].mediabox.width)
    assert width_pt > float(reader.pages[0].mediabox.width)  # the annex page is landscape


def test_pdf_and_docx_carry_the_same_picture(rendered: dict[str, bytes]) -> None:
    """The PDF's image streams hold the DOCX's PNG data unchanged (WeasyPrint does not re-encode it)."""
    import zlib

    layout = Layout()
    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    streams = []
    for page in reader.pages:
        for name in images_drawn(page):
            streams.append(page["/Resources"]["/XObject"][name].get_object()._data)
    expected = [png_idat(place(FIGURE, layout, False).png), png_idat(place(ANNEX_FIGURE, layout, True).png)]
    assert [zlib.decompress(s) for s in streams] == [zlib.decompress(e or b"") for e in expected]


def test_two_renderings_embed_identical_chart_bytes() -> None:
    """Rendering the document twice gives the same picture bytes in both formats."""
    first, second = (DocxRenderer(Layout()).render(with_figures()) for _ in range(2))
    media = []
    for data in (first, second):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            media.append([archive.read(n) for n in sorted(archive.namelist()) if n.startswith("word/media/")])
    assert media[0] == media[1] and len(media[0]) == 2


def test_fetcher_serves_only_this_documents_pictures() -> None:
    """A chart URL not registered for the document being rendered is refused like any foreign resource."""
    fetcher = LocalOnlyFetcher()
    url = f"{CHART_SCHEME}:{'0' * 64}.png"
    with fetcher.serving({url: b"png"}):
        response = fetcher.fetch(url)
        assert response.read() == b"png" and response.headers["Content-Type"] == "image/png"
        with pytest.raises(RefusedURL):
            fetcher.fetch(f"{CHART_SCHEME}:{'1' * 64}.png")
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)  # nothing is served after the document


def test_png_passthrough_takes_only_pngs_a_pdf_can_carry_as_they_are() -> None:
    """Grey or RGB 8-bit non-interlaced PNGs pass; RGBA, palette and foreign data fall back to WeasyPrint."""
    from PIL import Image

    def encoded(mode: str) -> bytes:
        out = io.BytesIO()
        Image.new(mode, (4, 3), 0).save(out, "PNG")
        return out.getvalue()

    assert png_idat(chart_png(groups_chart(), 60, 30)) is not None
    assert png_idat(encoded("L")) is not None and png_idat(encoded("RGB")) is not None
    assert png_idat(encoded("RGBA")) is None and png_idat(encoded("P")) is None and png_idat(b"GIF89a") is None


def test_png_passthrough_falls_back_when_weasyprint_changes() -> None:
    """Without the hook, WeasyPrint keeps its own encoder; with it, other images still go through it."""

    class Without:
        pass

    assert pass_png_through(Without) is False

    class With:
        @staticmethod
        def _get_png_data(image: object) -> bytes:
            return b"weasyprint's own"

    assert pass_png_through(With) is True
    assert With._get_png_data(object()) == b"weasyprint's own"


def test_a_large_frame_is_kept_from_its_second_use_only() -> None:
    """Large charts drawn once each (a dispatch's, one per thirty units: each its own frame) keep no
    frame; large charts sharing a frame keep it from the second on, with the same pixels as when it
    was not kept. A small chart (a notice's) keeps its frame from the first use."""
    def unit_chart(name: str, first: int) -> Chart:
        return Chart("line", ("4/2024", "5/2024", "6/2024", "7/2024"),
                     (ChartSeries(name, (D(first), None, D("65.39"), D("66.9")), labels="last"),),
                     (ChartLine("Bình quân: 70,11 điểm", D("70.11")),), D(0), D(100), axis_label="Điểm")

    large = (250, 140)
    assert charts._pixels(*large) > charts.KEEP_AT_ONCE_PIXELS >= charts._pixels(160, 60)
    charts._FRAMES.clear()
    charts._cached_png.cache_clear()
    once = [chart_png(unit_chart(f"Đơn vị {i}", 60), *large) for i in range(4)]
    assert len(charts._FRAMES._frames) == 0
    shared = [chart_png(unit_chart("Sở Tư pháp", 60 + i), *large) for i in range(3)]
    assert len(charts._FRAMES._frames) == 1 and len(set(shared)) == 3
    chart_png(unit_chart("Sở Xây dựng", 60), 160, 60)
    assert len(charts._FRAMES._frames) == 2
    charts._FRAMES.clear()
    charts._cached_png.cache_clear()
    assert chart_png(unit_chart("Đơn vị 0", 60), *large) == once[0]


def test_drawing_leaves_the_process_matplotlib_settings_as_they_were() -> None:
    """Charts set their fonts and hinting for themselves only: a frame built, then reused, changes no setting."""
    import matplotlib

    before = dict(matplotlib.rcParams)
    charts._FRAMES.clear()
    charts._cached_png.cache_clear()
    chart_png(groups_chart(), 150, 70)
    chart_png(groups_chart((D(10), D(90), None, D(30), D(100), D(0))), 150, 70)  # the kept frame, drawn again
    assert dict(matplotlib.rcParams) == before
