"""Charts: one content-model Chart → the PNG that both renderers embed (matplotlib, imported on first use).

What the picture looks like is decided here; what it says (categories, series names, values, alt
text, caption) comes from the template through the Chart. Every chart is drawn in black, white and
greys, told apart by line style, marker and hatching rather than colour, so it survives a black-and-
white printer; text is Liberation Serif (Times New Roman's metrics, Vietnamese glyphs), numbers are
written the Vietnamese way (decimal comma) through generator.common.formatting.

Speed. A batch draws two charts for every unit, and most of a chart is the same for every unit of a
kind: axes, ticks, category labels, the legend, the kind's average. That part is a *frame*, drawn
once and kept (a small LRU per process); a unit's chart restores the frame's pixels and draws only
its own series' values (the chart's first series) on top, matplotlib's blitting. Two charts share a
frame when everything but those values is equal, the first series' name (its legend entry) included:
a template that wants the frame reused keeps that name the same for every unit. Every chart goes through this same
path, so the pixels depend on the chart alone, never on what was drawn before. The PNG is written
by generator.render.png (grey, no metadata): the same chart gives the same bytes, run after run, and
`chart_png` caches them so the DOCX and the PDF of one document share one drawing.
"""

from __future__ import annotations

import gc
import itertools
import math
import textwrap
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from generator.common import formatting
from generator.common.collector import collector_paused
from generator.common.errors import RenderError
from generator.common.stack import with_stack_room
from generator.content import Chart, ChartSeries
from generator.render.png import BandedEncoder

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

DPI = 220  # print resolution: what Word keeps for printing ("Print (220 ppi)", its default)
FONT_FAMILY = "Liberation Serif"
TEXT_PT = 9  # ticks, category labels, legend
VALUE_PT = 8  # the numbers written beside bars and points
# Glyphs unhinted: at print resolution hinting changes nothing one can see, and FreeType's auto-hinter
# (matplotlib's default) took a sixth of a dispatch chart's time (30 names and 30 values).
HINTING = "no_hinting"
MM_PER_INCH = 25.4
PAD_PT = 3  # white space around a chart
_SHORTEST_WRAP = 12  # characters: a legend entry is not wrapped narrower (a chart that narrow is unreadable)
FRAMES_KEPT = 4  # frames (≈ 7 MB each at 220 dpi) kept per process: two charts per unit, two kinds
# A chart this small (a notice's: 165 × 70 mm is 0,86 Mpx at 220 dpi) keeps its frame from its first
# use; a larger one (a dispatch's landscape annex chart, ≈ 2,8 Mpx) only once its frame is asked for again.
KEEP_AT_ONCE_PIXELS = 1_200_000

# Greys and patterns, by series style: solid black, hatched, dashed grey, dotted.
_BAR: dict[str, dict[str, Any]] = {
    "solid": {"color": "0.25", "edgecolor": "0", "hatch": None},
    "hatched": {"color": "1", "edgecolor": "0", "hatch": "////"},
    "dashed": {"color": "0.7", "edgecolor": "0", "hatch": None},
    "dotted": {"color": "1", "edgecolor": "0", "hatch": ".."},
}
_LINE: dict[str, dict[str, Any]] = {
    "solid": {"color": "0", "linestyle": "-", "marker": "o", "markerfacecolor": "0"},
    "hatched": {"color": "0.3", "linestyle": (0, (6, 2, 1, 2)), "marker": "D", "markerfacecolor": "1"},
    "dashed": {"color": "0.35", "linestyle": (0, (5, 3)), "marker": "s", "markerfacecolor": "1"},
    "dotted": {"color": "0", "linestyle": (0, (1, 2)), "marker": "^", "markerfacecolor": "1"},
}
_REFERENCE: dict[str, Any] = {"color": "0", "linestyle": (0, (6, 3)), "linewidth": 1.0}


def chart_png(chart: Chart, width_mm: float, height_mm: float) -> bytes:
    """The chart as a grey PNG of `width_mm` × `height_mm` at DPI; RenderError when it cannot be drawn."""
    if width_mm <= 0 or height_mm <= 0:
        raise RenderError(f"Biểu đồ có kích thước không hợp lệ: {width_mm} × {height_mm} mm.")
    return _cached_png(chart, round(width_mm, 2), round(height_mm, 2))


@lru_cache(maxsize=128)  # a dispatch's charts (≈ 35 for 1.000 units) stay drawn for its second format
def _cached_png(chart: Chart, width_mm: float, height_mm: float) -> bytes:
    # A chart allocates thousands of short-lived objects (artists, paths, transforms): in a process
    # holding a large analysis, the collector's passes they trigger rescan all of it and find
    # nothing; what the chart leaves in cycles waits for the next young-generation pass.
    with collector_paused():
        return with_stack_room(_drawn, chart, width_mm, height_mm)


def _drawn(chart: Chart, width_mm: float, height_mm: float) -> bytes:
    limits = _limits(chart)
    key = (_without_values(chart), limits, width_mm, height_mm)
    frame = _FRAMES.get(key)
    if frame is not None:
        # Artists keep the fonts and widths they were made with: drawing them needs no style context
        # (only the glyphs' hinting is read when drawing: see _Frame.draw).
        return frame.draw(chart.series[0] if chart.series else None)
    with _style():
        frame = _build(chart, limits, width_mm, height_mm)
    if _pixels(width_mm, height_mm) <= KEEP_AT_ONCE_PIXELS or _FRAMES.wanted(key):
        return _FRAMES.put(key, frame.kept()).draw(chart.series[0] if chart.series else None)
    png = frame.draw(chart.series[0] if chart.series else None)  # drawn once: nothing saved to restore
    frame.release()  # see _Frames: its pixels are free before the next chart is drawn
    return png


def _pixels(width_mm: float, height_mm: float) -> float:
    return (width_mm / MM_PER_INCH * DPI) * (height_mm / MM_PER_INCH * DPI)


def _without_values(chart: Chart) -> Chart:
    """The chart as a frame knows it: its first series (drawn per chart) without values."""
    if not chart.series:
        return chart
    first = replace(chart.series[0], values=())
    return replace(chart, series=(first, *chart.series[1:]))


# ---- matplotlib, loaded on first use -------------------------------------------------------------

@lru_cache(maxsize=1)
def _font_path() -> str:
    """Liberation Serif's file, found by matplotlib's font manager; RenderError when not installed."""
    from matplotlib import font_manager

    try:
        return str(font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY),
                                         fallback_to_default=False))
    except ValueError:
        raise RenderError(f"Không tìm thấy phông chữ {FONT_FAMILY} để vẽ biểu đồ: cài gói fonts-liberation2 "
                          "(scripts/setup.sh cài sẵn).") from None


@contextmanager
def _style() -> Iterator[None]:
    """Fonts and line widths for every chart, without touching the process's own matplotlib settings."""
    import matplotlib

    _font_path()
    settings: dict[Any, Any] = {
        "font.family": FONT_FAMILY,
        "font.size": TEXT_PT,
        "axes.linewidth": 0.8,
        "axes.edgecolor": "0",
        "axes.labelcolor": "0",
        "xtick.color": "0",
        "ytick.color": "0",
        "text.color": "0",
        "hatch.color": "0",
        "hatch.linewidth": 0.7,
        "lines.linewidth": 1.6,
        "lines.markersize": 4.5,
        "text.hinting": HINTING,
        "axes.unicode_minus": False,  # "-", the minus Vietnamese documents type
        "text.parse_math": False,  # a name with "$" in it is a name, never a formula
        "figure.facecolor": "1",
        "axes.facecolor": "1",
        "savefig.facecolor": "1",
    }
    with matplotlib.rc_context(settings):
        yield


class _Frames:
    """The frames kept by this process, least recently used dropped first.

    A large frame is kept from its second use on (a small one at once): a notice's frame serves every
    unit of its kind, but each of a dispatch's charts (one per thirty units) has a frame of its own
    that nothing will reuse, and keeping those (≈ 30 MB each at 220 dpi) grew a 3.000-unit
    dispatch's process by 300 MB. A frame not kept gives its pixels back as soon as its chart is drawn
    (`_Frame.release`); one evicted gives them back too, and is collected at once (a figure, its
    canvas and its artists in reference cycles, which would otherwise wait for a full collection).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._frames: OrderedDict[object, _Frame] = OrderedDict()
        self._seen: OrderedDict[object, None] = OrderedDict()  # keys drawn once, not kept

    def get(self, key: object) -> _Frame | None:
        frame = self._frames.get(key)
        if frame is not None:
            self._frames.move_to_end(key)
        return frame

    def wanted(self, key: object) -> bool:
        """Whether a frame for `key`, drawn now, is worth keeping (its key was drawn before)."""
        if key in self._seen:
            return True
        self._seen[key] = None
        while len(self._seen) > 64 * self.size:
            self._seen.popitem(last=False)
        return False

    def put(self, key: object, frame: _Frame) -> _Frame:
        self._frames[key] = frame
        if len(self._frames) > self.size:
            while len(self._frames) > self.size:
                self._frames.popitem(last=False)[1].release()
            gc.unfreeze()  # a batch worker freezes what outlives a document, evicted frames included
            gc.collect()
        return frame

    def clear(self) -> None:
        self._frames.clear()
        self._seen.clear()


_FRAMES = _Frames(FRAMES_KEPT)


@dataclass
class _Frame:
    """Everything of a chart but its first series, drawn; `update` draws that series on top."""

    figure: MplFigure
    update: Callable[[ChartSeries | None], None]
    encoder: BandedEncoder  # once kept, knows the frame's own pixels: their bands are compressed once
    background: Any = None  # once kept, the frame's pixels (matplotlib BufferRegion), restored before each chart

    def kept(self) -> _Frame:
        """The frame, ready to draw many charts: its pixels saved, to restore and to compress once."""
        canvas = self.figure.canvas
        self.background = canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[attr-defined]
        width, height = canvas.get_width_height(physical=True)
        self.encoder = BandedEncoder(width, height, DPI, _grey_scanlines(canvas))
        return self

    def release(self) -> None:
        """Free the frame's pixels now: the canvas's buffer and the saved background, the bulk of its
        memory. The figure's artists are in reference cycles, but small; they wait for the collector
        (a full collection per chart cost ≈ 90 ms in a process holding a large analysis)."""
        from matplotlib.text import Text

        for text in self.figure.findobj(Text):  # each text keeps the renderer it was last measured with
            text._renderer = None  # type: ignore[attr-defined]
        self.figure.canvas.__dict__.pop("renderer", None)
        self.background = None

    def draw(self, series: ChartSeries | None) -> bytes:
        import matplotlib

        canvas = self.figure.canvas
        if self.background is not None:
            canvas.restore_region(self.background)  # type: ignore[attr-defined]
        settings = matplotlib.rcParams
        before, settings["text.hinting"] = settings["text.hinting"], HINTING  # read per glyph, not kept by texts
        try:
            self.update(series)
        finally:
            settings["text.hinting"] = before
        return self.encoder.encode(_grey_scanlines(canvas))


def _grey_scanlines(canvas: Any) -> bytes:
    """The canvas's pixels as PNG scanlines of one grey byte each (no row filter)."""
    import numpy as np

    pixels = np.asarray(canvas.buffer_rgba())
    height, width = pixels.shape[:2]
    lines = np.zeros((height, width + 1), dtype=np.uint8)  # column 0: each scanline's filter type, none
    # Every colour here is a grey, so red = green = blue: the red channel is the picture.
    lines[:, 1:] = pixels[:, :, 0]
    return lines.tobytes()


def _build(chart: Chart, limits: tuple[float, float], width_mm: float, height_mm: float) -> _Frame:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    figure = MplFigure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0.1, 0.1, 0.8, 0.8))  # placed by _place_axes once its labels are known
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    build = _line if chart.kind == "line" else _hbars
    update = build(chart, axes, limits)
    if chart.axis_label:
        (axes.set_ylabel if chart.kind == "line" else axes.set_xlabel)(chart.axis_label)
    handles, labels = axes.get_legend_handles_labels()
    # In the chart's order: its series (the first one was added last, over the others), then its lines.
    order = [s.name for s in chart.series] + [line.name for line in chart.lines]
    pairs = sorted(zip(handles, labels), key=lambda pair: order.index(pair[1]) if pair[1] in order else len(order))
    handles, labels = [h for h, _ in pairs], [label for _, label in pairs]
    legend = _legend(figure, handles, labels) if handles else None
    _place_axes(chart, figure, axes, legend, limits)
    if chart.kind == "line" and _labels_overlap(axes):  # a narrow chart of many periods: labels slanted
        _slant_labels(chart, axes)
        _place_axes(chart, figure, axes, legend, limits)
    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height(physical=True)
    return _Frame(figure, update, BandedEncoder(width, height, DPI))


def _legend(figure: MplFigure, handles: list[Any], labels: list[str]) -> Any:
    """The legend above the plot, in as many columns (up to 3) as the chart's width holds; in one
    column, entries still too long are wrapped at spaces until they fit."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    room = figure.bbox.width - 2 * PAD_PT * DPI / 72
    columns = min(len(handles), 3)
    wrapped_at: int | None = None  # the longest line after the last wrapping
    while True:
        legend = figure.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncols=columns,
                               frameon=False, handlelength=2.6, columnspacing=1.6, borderaxespad=0.2)
        width = legend.get_window_extent(renderer).width
        longest = max(len(line) for label in labels for line in label.split("\n"))
        # Done when it fits, or when wrapping can do no more (too narrow, or a word longer than the room).
        if width <= room or (columns == 1 and (longest <= _SHORTEST_WRAP or longest == wrapped_at)):
            return legend
        legend.remove()
        if columns > 1:
            columns -= 1
        else:  # the text's share of the legend's width shrinks as much as the legend must
            wrapped_at = longest
            text = max(1.0, width - (legend.handlelength + legend.handletextpad + 2 * legend.borderpad) * TEXT_PT
                       * DPI / 72)
            keep = max(_SHORTEST_WRAP, int(longest * (1 - (width - room) / text)) - 1)
            labels = [textwrap.fill(label.replace("\n", " "), keep, break_long_words=False) for label in labels]


_LABEL_GAP_PT = 2  # between category labels, level or slanted
_SLANTS = (45, 60, 90)  # degrees, the least that lets labels stand apart is taken


def _labels_overlap(axes: Axes) -> bool:
    """Whether two neighbouring category labels under the plot touch, level or slanted (slanted
    labels are parallel: they touch when their spacing across the slant is less than a line)."""
    renderer = axes.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    labels = [label for label in axes.get_xticklabels() if label.get_text()]
    gap = _LABEL_GAP_PT * DPI / 72
    if labels and labels[0].get_rotation():
        across = math.sin(math.radians(labels[0].get_rotation()))
        line = TEXT_PT * DPI / 72
        return any((right.get_window_extent(renderer).x1 - left.get_window_extent(renderer).x1) * across < line + gap
                   for left, right in itertools.pairwise(labels))
    boxes = [label.get_window_extent(renderer) for label in labels]
    return any(left.x1 + gap > right.x0 for left, right in itertools.pairwise(boxes))


def _slant_labels(chart: Chart, axes: Axes) -> None:
    """Category labels slanted as little as lets them stand apart; if even upright they would touch,
    only every k-th is written, counted back from the last (the current period keeps its label)."""
    count = len(chart.categories)
    step = axes.bbox.width / count  # between tick positions (the x axis spans count categories)
    room = (TEXT_PT + _LABEL_GAP_PT) * DPI / 72
    angle = next((a for a in _SLANTS if step * math.sin(math.radians(a)) >= room), _SLANTS[-1])
    every = max(1, math.ceil(room / step))
    names = [name if (count - 1 - index) % every == 0 else "" for index, name in enumerate(chart.categories)]
    axes.set_xticks(range(count), names)
    for label in axes.get_xticklabels():  # slanted: its end at the tick; upright: centred under it
        if angle < 90:
            label.set(rotation=angle, ha="right", va="top", rotation_mode="anchor")
        else:
            label.set(rotation=angle, ha="center", va="top", rotation_mode="default")


def _place_axes(chart: Chart, figure: MplFigure, axes: Axes, legend: Any, limits: tuple[float, float]) -> None:
    """Put the plot where its tick labels, axis title, legend and value labels just fit (one measurement
    instead of a layout engine's repeated passes: the charts of a long kind are many)."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    pad = PAD_PT * DPI / 72
    width, height = figure.bbox.width, figure.bbox.height
    box = axes.bbox
    tight = axes.get_tightbbox(renderer)
    if tight is None:  # nothing drawn around the plot (cannot happen with ticks; kept total for the type)
        tight = box
    left, bottom = box.x0 - tight.x0, box.y0 - tight.y0
    right, top = max(0.0, tight.x1 - box.x1), max(0.0, tight.y1 - box.y1)
    if legend is not None:
        top = max(top, legend.get_window_extent(renderer).height)
    if any(s.labels != "none" for s in chart.series):  # room for a value written past the plot's edge
        sample = axes.annotate(_value_text(chart, Decimal(repr(limits[1]))), (0, 0), fontsize=VALUE_PT)
        extent = sample.get_window_extent(renderer)
        sample.remove()
        if chart.kind == "hbars":
            right = max(right, extent.width + 3 * DPI / 72)
        else:  # above its point, centred: the last point's may stand half out past the plot's right edge
            top += extent.height + 5 * DPI / 72
            right = max(right, extent.width / 2)
    x0, y0 = left + pad, bottom + pad
    x1, y1 = width - right - pad, height - top - pad
    axes.set_position((x0 / width, y0 / height, max(x1 - x0, 1) / width, max(y1 - y0, 1) / height))


def _floats(values: Sequence[Decimal | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def _value_at(series: ChartSeries, position: int) -> Decimal:
    """A value `labelled()` named: never a gap."""
    value = series.values[position]
    if value is None:
        raise RenderError(f"Biểu đồ: chuỗi “{series.name}” không có giá trị ở vị trí {position + 1}.")
    return value


def _value_text(chart: Chart, value: Decimal) -> str:
    return formatting.number(value, chart.decimals) + chart.suffix


def _tick_formatter(chart: Chart) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: formatting.number(float(value), 2, trim=True) + chart.suffix)


def _line(chart: Chart, axes: Axes, limits: tuple[float, float]) -> Callable[[ChartSeries | None], None]:
    positions = list(range(len(chart.categories)))
    axes.set_xticks(positions, chart.categories)
    axes.set_xlim(-0.5, len(positions) - 0.5)
    axes.set_ylim(*limits)
    axes.yaxis.set_major_formatter(_tick_formatter(chart))
    axes.grid(axis="y", color="0.82", linewidth=0.5)
    for series in chart.series[1:]:
        axes.plot(positions, _floats(series.values), label=series.name, **_LINE[series.style])
        for x in series.labelled():
            _point_label(axes, chart, x, _value_at(series, x), below=True)
    for reference in chart.lines:
        axes.axhline(float(reference.value), label=reference.name, **_REFERENCE)
    if not chart.series:
        return lambda series: None
    first = chart.series[0]
    line = axes.plot(positions, [math.nan] * len(positions), label=first.name, animated=True,
                     zorder=3, **_LINE[first.style])[0]
    text = _point_label(axes, chart, 0, Decimal(0), animated=True)

    def update(series: ChartSeries | None) -> None:
        if series is None:
            return
        line.set_ydata(_floats(series.values))
        axes.draw_artist(line)
        for x in series.labelled():
            value = _value_at(series, x)
            text.xy = (x, float(value))
            text.set_text(_value_text(chart, value))
            axes.draw_artist(text)

    return update


def _point_label(axes: Axes, chart: Chart, x: float, value: Decimal, *, below: bool = False,
                 animated: bool = False) -> Any:
    return axes.annotate(
        "" if animated else _value_text(chart, value), (x, float(value)), xytext=(0, -5 if below else 5),
        textcoords="offset points", ha="center", va="top" if below else "bottom", fontsize=VALUE_PT,
        animated=animated, annotation_clip=False,
    )


def _hbars(chart: Chart, axes: Axes, limits: tuple[float, float]) -> Callable[[ChartSeries | None], None]:
    count = len(chart.categories)
    rows = list(range(count))
    axes.set_yticks([])
    # Category names as plain texts at the left edge: a matplotlib tick per bar costs ≈ 4 ms, a text ≈ 1.
    for row, name in zip(rows, chart.categories):
        axes.annotate(name, (0, row), xycoords=axes.get_yaxis_transform(), xytext=(-4, 0), textcoords="offset points",
                      ha="right", va="center", annotation_clip=False)
    axes.set_ylim(count - 0.5, -0.5)  # the first category on top
    axes.set_xlim(*limits)
    axes.xaxis.set_major_formatter(_tick_formatter(chart))
    axes.grid(axis="x", color="0.82", linewidth=0.5)
    band = 0.8
    height = band / max(1, len(chart.series))

    def offset(index: int) -> float:
        return -band / 2 + height * (index + 0.5)

    for index, series in enumerate(chart.series[1:], start=1):
        values = [0.0 if v is None else float(v) for v in series.values]
        axes.barh([r + offset(index) for r in rows], values, height=height, label=series.name, linewidth=0.6,
                  **_BAR[series.style])
        for row in series.labelled():
            _bar_label(axes, chart, row + offset(index), _value_at(series, row))
    for reference in chart.lines:
        axes.axvline(float(reference.value), label=reference.name, zorder=4, **_REFERENCE)
    if not chart.series:
        return lambda series: None
    first = chart.series[0]
    bars = axes.barh([r + offset(0) for r in rows], [0.0] * count, height=height, label=first.name,
                     linewidth=0.6, animated=True, **_BAR[first.style])
    text = _bar_label(axes, chart, offset(0), Decimal(0), animated=True)
    reference_lines = list(axes.get_lines())  # drawn again over the bars

    def update(series: ChartSeries | None) -> None:
        if series is None:
            return
        for bar, value in zip(bars, series.values):
            if value is not None:
                bar.set_width(float(value))
                axes.draw_artist(bar)
        for line in reference_lines:
            axes.draw_artist(line)
        for row in series.labelled():
            value = _value_at(series, row)
            text.xy = (float(value), row + offset(0))
            text.set_text(_value_text(chart, value))
            axes.draw_artist(text)

    return update


def _bar_label(axes: Axes, chart: Chart, y: float, value: Decimal, *, animated: bool = False) -> Any:
    return axes.annotate(
        "" if animated else _value_text(chart, value), (float(value), y), xytext=(3, 0), textcoords="offset points",
        ha="left", va="center", fontsize=VALUE_PT, animated=animated, annotation_clip=False,
        bbox={"boxstyle": "square,pad=0.1", "facecolor": "1", "edgecolor": "none"},  # readable over a line
    )


def _limits(chart: Chart) -> tuple[float, float]:
    """The value axis: the chart's own minimum and maximum, or round figures around every value."""
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    values += [float(line.value) for line in chart.lines]
    if chart.kind == "hbars":
        values.append(0.0)  # bars start at zero
    low = float(chart.minimum) if chart.minimum is not None else min(values, default=0.0)
    high = float(chart.maximum) if chart.maximum is not None else max(values, default=1.0)
    if chart.minimum is not None and chart.maximum is not None:
        return low, high
    step = _nice_step(high - low)
    if chart.minimum is None:
        low = math.floor(low / step) * step
    if chart.maximum is None:
        high = math.ceil(high / step) * step
        if any(s.labels != "none" for s in chart.series):
            high += step  # room for the numbers written above the highest point or beside the longest bar
    if high <= low:
        high = low + step
    return low, high


def _nice_step(span: float) -> float:
    """A round tick step that cuts `span` into at most eight parts."""
    for step in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if span / step <= 8:
            return float(step)
    return float(10 ** math.ceil(math.log10(max(span, 1))))
