"""Where a figure goes on the page, the same for every renderer: its size and its picture.

A figure is as wide as the text of its section (portrait body, or a landscape annex) unless the
template asks for less; figures of a row share that width, ROW_GAP_MM apart (render/figures). Both renderers take
the picture from here, so the DOCX and the PDF of one document embed the same PNG, drawn once
(generator/render/charts.py caches it).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.common.layout import Layout
from generator.content import Figure, FigureRow
from generator.render.charts import chart_png

A4_SHORT_MM = 210.0
A4_LONG_MM = 297.0
# Between figures side by side, half of it on each side of a figure and its caption (their captions
# must not run together); inside the cell, so a word processor's own cell padding cannot crop them.
ROW_GAP_MM = 5.0


@dataclass(frozen=True)
class PlacedFigure:
    """A figure's picture and its size on the page."""

    png: bytes
    width_mm: float
    height_mm: float


def text_width_mm(layout: Layout, landscape: bool) -> float:
    """The width between the left and right margins of an A4 page."""
    page = A4_LONG_MM if landscape else A4_SHORT_MM
    return page - layout.margin_left_mm - layout.margin_right_mm


def place(figure: Figure, layout: Layout, landscape: bool) -> PlacedFigure:
    """The figure's size in its section and its PNG drawn at that size."""
    available = text_width_mm(layout, landscape)
    width = min(figure.width_mm, available) if figure.width_mm is not None else available
    return PlacedFigure(chart_png(figure.chart, width, figure.height_mm), width, figure.height_mm)


def row_cell_mm(row: FigureRow, layout: Layout, landscape: bool) -> float:
    """The width of each figure's cell in a row: an equal share of the text width."""
    return text_width_mm(layout, landscape) / len(row.figures)


def place_row(row: FigureRow, layout: Layout, landscape: bool) -> tuple[PlacedFigure, ...]:
    """Each figure of the row centred in its cell, ROW_GAP_MM narrower (or as the figure asks, if less)."""
    share = row_cell_mm(row, layout, landscape) - ROW_GAP_MM
    placed = []
    for figure in row.figures:
        width = min(figure.width_mm, share) if figure.width_mm is not None else share
        placed.append(PlacedFigure(chart_png(figure.chart, width, figure.height_mm), width, figure.height_mm))
    return tuple(placed)
