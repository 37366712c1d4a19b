"""Charts in a document: what a figure shows, as data. The renderers draw it (generator/render/charts.py).

A template writes a chart's categories, series and reference lines in its markup (see markup.py);
every word on the picture (legend entries, axis title) and its alt text and caption come from the
template, like any other wording. Values are the analysis's Decimals, None for a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

ChartKind = Literal["line", "hbars"]  # values over categories (periods); horizontal bars (units, groups)
SeriesStyle = Literal["solid", "hatched", "dashed", "dotted"]  # told apart without colour
ValueLabels = Literal["none", "all", "last"]  # which values are written on the chart: none, each, the last one
CHART_KINDS: tuple[ChartKind, ...] = ("line", "hbars")
SERIES_STYLES: tuple[SeriesStyle, ...] = ("solid", "hatched", "dashed", "dotted")
VALUE_LABELS: tuple[ValueLabels, ...] = ("none", "all", "last")


@dataclass(frozen=True)
class ChartSeries:
    """One series: a value per category (None: a gap, drawn as nothing, never as zero)."""

    name: str  # the legend entry
    values: tuple[Decimal | None, ...]
    style: SeriesStyle = "solid"
    labels: ValueLabels = "none"  # values written beside their point or bar ("last": the current period's)

    def labelled(self) -> tuple[int, ...]:
        """The positions whose value is written on the chart (those with a value)."""
        present = tuple(i for i, v in enumerate(self.values) if v is not None)
        if self.labels == "all":
            return present
        return present[-1:] if self.labels == "last" else ()


@dataclass(frozen=True)
class ChartLine:
    """A reference across the value axis: an average, a target."""

    name: str  # the legend entry, e.g. "Bình quân sở, ban, ngành: 70,11 điểm"
    value: Decimal


@dataclass(frozen=True)
class Chart:
    """A chart. The first series is the one that differs from document to document (a unit's own)."""

    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    lines: tuple[ChartLine, ...] = ()
    minimum: Decimal | None = None  # value axis; None: round figures around the values
    maximum: Decimal | None = None
    suffix: str = ""  # after every number on the chart: "%"
    decimals: int = 2  # of the numbers written beside points and bars
    axis_label: str = ""  # title of the value axis, e.g. "Điểm"


@dataclass(frozen=True)
class Figure:
    """A chart as a block of the document: its picture, alt text and caption."""

    chart: Chart
    alt: str  # what the chart shows, in words, for readers who cannot see it
    caption: str | None
    height_mm: float
    width_mm: float | None = None  # None: the width of the text

    @property
    def text(self) -> str:
        """The figure's words as the document's text carries them: its caption."""
        return self.caption or ""


@dataclass(frozen=True)
class FigureRow:
    """Figures side by side on one band of the page, never split: each takes an equal share of the
    text width unless it asks for its own, so two small charts cost the height of one."""

    figures: tuple[Figure, ...]

    @property
    def text(self) -> str:
        """The captions, in reading order (left to right)."""
        return "\n".join(f.caption for f in self.figures if f.caption)

    @property
    def height_mm(self) -> float:
        return max(f.height_mm for f in self.figures)


def figures_in(blocks: Iterable[object]) -> Iterator[Figure]:
    """Every figure among `blocks`, those of a row included, in reading order."""
    for block in blocks:
        if isinstance(block, Figure):
            yield block
        elif isinstance(block, FigureRow):
            yield from block.figures
