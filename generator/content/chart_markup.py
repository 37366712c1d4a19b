"""The <figure> element of template markup → a Figure block (see figure.py for what it holds).

    <figure chart="line|hbars" alt="..." [caption="..."] [height="70"] [width="160"]
            [min="0"] [max="100"] [suffix="%"] [decimals="2"] [axis="Điểm"]>
      <category>7/2024</category> ...                        (one per point or bar)
      <series name="..." [style="solid|hatched|dashed|dotted"] [labels="all|last|none"]>
        <v>58.86</v><v></v> ...                              (one per category; empty: a gap)
      </series> ...
      <line name="..." value="70.11"/> ...                    (reference lines: averages, targets)
    </figure>
    <figures> <figure ...>..</figure> <figure ...>..</figure> </figures>
                                     (side by side; a row of one figure is that figure at full width)

Numbers are written as the analysis gives them (`58.86`, a decimal point); sizes are millimetres.
Every problem is reported against the template line that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import cast

from lxml import etree

from generator.content.figure import (
    CHART_KINDS,
    SERIES_STYLES,
    VALUE_LABELS,
    Chart,
    ChartKind,
    ChartLine,
    ChartSeries,
    Figure,
    FigureRow,
    SeriesStyle,
    ValueLabels,
)

Fail = Callable[[etree._Element, str], None]
HEIGHT_MM = (20.0, 250.0)  # a chart fits on an A4 page, landscape or portrait
WIDTH_MM = (20.0, 260.0)
ROW_FIGURES = 3  # at most side by side: a fourth would be too narrow to read on A4
DEFAULT_HEIGHT_MM = 70.0
_SPACE = re.compile(r"\s+")


def _collapse(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def read_figure(element: etree._Element, fail: Fail) -> Figure | None:
    """The figure `element` describes, or None after reporting every problem through `fail`."""
    problems_before = _Counter(fail)
    report = problems_before.fail
    kind = element.get("chart", "")
    if kind not in CHART_KINDS:
        report(element, f"<figure> cần chart=“line” hoặc “hbars”, không phải “{kind}”")
    alt = _collapse(element.get("alt"))
    if not alt:
        report(element, "<figure> thiếu alt (mô tả biểu đồ bằng lời cho người không xem được hình)")
    categories: list[str] = []
    series: list[ChartSeries] = []
    lines: list[ChartLine] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "category":
            categories.append(_collapse("".join(child.itertext())))
        elif child.tag == "series":
            series.append(_series(child, report))
        elif child.tag == "line":
            value = _decimal(child, "value", report)
            if value is not None:
                lines.append(ChartLine(_collapse(child.get("name")), value))
        else:
            report(child, f"trong <figure> chỉ dùng <category>, <series> và <line>, không dùng <{child.tag!s}>")
    if not categories:
        report(element, "<figure> cần ít nhất một <category>")
    for item, child in zip(series, (c for c in element if c.tag == "series")):
        if len(item.values) != len(categories):
            report(child, f"<series name=“{item.name}”> có {len(item.values)} giá trị nhưng biểu đồ có "
                          f"{len(categories)} mục (<category>)")
    if not series and not lines:
        report(element, "<figure> cần ít nhất một <series> hoặc <line>")
    minimum = _decimal(element, "min", report, optional=True)
    maximum = _decimal(element, "max", report, optional=True)
    if minimum is not None and maximum is not None and minimum >= maximum:
        report(element, f"min ({minimum}) phải nhỏ hơn max ({maximum})")
    height = _size(element, "height", HEIGHT_MM, report) or DEFAULT_HEIGHT_MM
    width = _size(element, "width", WIDTH_MM, report)
    decimals = _integer(element, "decimals", 2, (0, 4), report)
    if problems_before.count:
        return None
    chart = Chart(
        kind=cast(ChartKind, kind),
        categories=tuple(categories),
        series=tuple(series),
        lines=tuple(lines),
        minimum=minimum,
        maximum=maximum,
        suffix=element.get("suffix", ""),
        decimals=decimals,
        axis_label=_collapse(element.get("axis")),
    )
    return Figure(chart=chart, alt=alt, caption=_collapse(element.get("caption")) or None, height_mm=height,
                  width_mm=width)


def read_figure_row(element: etree._Element, fail: Fail) -> Figure | FigureRow | None:
    """The figures of a <figures> row; one figure alone is returned as itself (full width)."""
    figures: list[Figure] = []
    count = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag != "figure":
            fail(child, f"trong <figures> chỉ dùng <figure>, không dùng <{child.tag!s}>")
            continue
        count += 1
        figure = read_figure(child, fail)
        if figure is not None:
            figures.append(figure)
    if count == 0:
        fail(element, "<figures> cần ít nhất một <figure>")
    elif count > ROW_FIGURES:
        fail(element, f"<figures> đặt tối đa {ROW_FIGURES} biểu đồ cạnh nhau, ở đây có {count}")
    if count == 0 or count > ROW_FIGURES or len(figures) < count:
        return None
    return figures[0] if count == 1 else FigureRow(tuple(figures))


class _Counter:
    """Counts the problems reported for one figure, passing each on."""

    def __init__(self, fail: Fail) -> None:
        self._fail = fail
        self.count = 0

    def fail(self, element: etree._Element, message: str) -> None:
        self.count += 1
        self._fail(element, message)


def _series(element: etree._Element, fail: Fail) -> ChartSeries:
    style = element.get("style", "solid")
    if style not in SERIES_STYLES:
        fail(element, f"style=“{style}” không hợp lệ ({', '.join(SERIES_STYLES)})")
        style = "solid"
    values: list[Decimal | None] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag != "v":
            fail(child, f"trong <series> chỉ dùng <v>, không dùng <{child.tag}>")
            continue
        text = _collapse(child.text)
        values.append(_parse(text, child, fail) if text else None)
    labels = element.get("labels", "none")
    if labels not in VALUE_LABELS:
        fail(element, f"labels=“{labels}” không hợp lệ ({', '.join(VALUE_LABELS)})")
        labels = "none"
    return ChartSeries(_collapse(element.get("name")), tuple(values), cast(SeriesStyle, style),
                       cast(ValueLabels, labels))


def _parse(text: str, element: etree._Element, fail: Fail) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        fail(element, f"“{text}” không phải một số (viết dấu chấm thập phân: 58.86)")
        return None
    if not value.is_finite():
        fail(element, f"“{text}” không phải một số hữu hạn")
        return None
    return value


def _decimal(element: etree._Element, name: str, fail: Fail, *, optional: bool = False) -> Decimal | None:
    text = element.get(name)
    if text is None or not text.strip():
        if not optional:
            fail(element, f"<{element.tag!s}> thiếu thuộc tính {name}")
        return None
    return _parse(text.strip(), element, fail)


def _size(element: etree._Element, name: str, bounds: tuple[float, float], fail: Fail) -> float | None:
    value = _decimal(element, name, fail, optional=True)
    if value is None:
        return None
    low, high = bounds
    if not low <= value <= high:
        fail(element, f"{name}=“{value}” (mm) phải từ {low:g} đến {high:g}")
        return None
    return float(value)


def _integer(element: etree._Element, name: str, default: int, bounds: tuple[int, int], fail: Fail) -> int:
    text = element.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        fail(element, f"{name}=“{text}” phải là số nguyên")
        return default
    if not bounds[0] <= value <= bounds[1]:
        fail(element, f"{name}=“{value}” phải từ {bounds[0]} đến {bounds[1]}")
        return default
    return value
