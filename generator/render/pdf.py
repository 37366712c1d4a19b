"""PDF renderer: Document → HTML (Jinja, autoescaped) → PDF (WeasyPrint, CSS paged media).

The layout is NĐ 30/2020 Phụ lục I, the same as the DOCX renderer's. Files, all under
templates/render: document.html.j2 (HTML skeleton), document.css (stylesheet, filled with the
Layout's numbers), user-agent.css (a trimmed HTML user-agent stylesheet, for speed).

WeasyPrint never touches the network: its URL fetcher serves only files under templates/render
and the document's own chart pictures (held in memory, `congvan-chart:` URLs), and refuses
anything else, fatally. Stylesheets are parsed once per process (per Layout) with
one shared FontConfiguration; only the HTML is built and laid out per document.

Speed (bench/bench_pdf.py): WeasyPrint's cost is per box (≈ 0,6 ms per table cell, layout and
drawing together), which no stylesheet change measurably lowers; the renderer saves what is not
layout: the cyclic garbage collector is paused while WeasyPrint works, and WeasyPrint's C
libraries are loaded without the subprocess-based library search.
"""

from __future__ import annotations

import hashlib
import math
import mimetypes
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from generator.common.collector import collector_paused
from generator.common.errors import RenderError
from generator.common.layout import Layout
from generator.common.resources import RENDER_ASSETS_DIR
from generator.common.stack import with_stack_room
from generator.content import Annex, Block, Document, Figure, FigureRow, Table
from generator.render.base import Renderer
from generator.render.figures import ROW_GAP_MM, PlacedFigure, place, place_row, row_cell_mm
from generator.render.pdf_join import PdfJoin
from generator.render.weasyprint_tuning import (
    NoPageBoxes,
    first_marked,
    import_weasyprint,
    lean_html_class,
    pass_png_through,
)

weasyprint = import_weasyprint()
from weasyprint import CSS  # noqa: E402  (after the tuned import above)
from weasyprint.images import RasterImage  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

HTML_TEMPLATE = "document.html.j2"
CHART_SCHEME = "congvan-chart"  # a chart picture of the document being rendered, served from memory
CSS_TEMPLATE = "document.css"
USER_AGENT_CSS = "user-agent.css"

# Word's "single" line for Times New Roman / Liberation Serif is ascent + descent + line gap
# = (1825 + 443 + 87) / 2048 em. Layout.line_spacing is a multiple of that line, as in the DOCX,
# so a CSS line-height of 1.0 would be tighter than Word's (and NĐ 30's) single spacing.
SINGLE_LINE_EM = 1.15


class RefusedURL(ValueError):
    """A resource outside templates/render was requested; the renderer never fetches it."""


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped: URLFetcher is Any
    """Serves file: URLs under one directory, the pictures of the document being rendered
    (`congvan-chart:<sha256>.png`, from memory), and refuses everything else (network included).

    Refusals are fatal (fail_on_errors): a document that would need a resource it may not have
    is an error, not a PDF silently printed without it.
    """

    def __init__(self, root: Path = RENDER_ASSETS_DIR) -> None:
        super().__init__(fail_on_errors=True)
        self.root = root.resolve()
        self.pictures: dict[str, bytes] = {}  # the current document's, by URL

    @contextmanager
    def serving(self, pictures: dict[str, bytes]) -> Iterator[None]:
        """Serve `pictures` (URL → PNG) while the block runs."""
        self.pictures = pictures
        try:
            yield
        finally:
            self.pictures = {}

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == CHART_SCHEME:
            picture = self.pictures.get(url)
            if picture is None:
                raise RefusedURL(f"refused picture (not one of this document's): {url}")
            return URLFetcherResponse(url, picture, headers={"Content-Type": "image/png"})
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused non-local resource: {url}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused file (missing or outside {self.root}): {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type})


_FONT_CONFIG = FontConfiguration()  # one per process: shared by every stylesheet and rendering
_FETCHER = LocalOnlyFetcher()


def _environment(autoescape: bool) -> jinja2.Environment:
    """A plain environment over templates/render (the renderer's own, trusted templates)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(RENDER_ASSETS_DIR)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def _html_template() -> jinja2.Template:
    return _environment(autoescape=True).get_template(HTML_TEMPLATE)


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def stylesheet_text(layout: Layout) -> str:
    """document.css filled in with `layout` (numbers and a CSS-quoted font name only)."""
    return _environment(autoescape=False).get_template(CSS_TEMPLATE).render(
        l=layout,
        font=_css_string(layout.font_family),
        single=SINGLE_LINE_EM,
        line_height=round(layout.line_spacing * SINGLE_LINE_EM, 4),
    )


def _parsed_css(**source: str) -> CSS:
    return CSS(
        **source, base_url=str(RENDER_ASSETS_DIR), url_fetcher=_FETCHER, font_config=_FONT_CONFIG
    )


@lru_cache(maxsize=8)
def _stylesheet(layout: Layout) -> CSS:
    """The parsed stylesheet for one Layout (Layout is frozen, hence hashable)."""
    return _parsed_css(string=stylesheet_text(layout))


@lru_cache(maxsize=1)
def _user_agent_stylesheet() -> CSS:
    return _parsed_css(string=(RENDER_ASSETS_DIR / USER_AGENT_CSS).read_text(encoding="utf-8"))


_LEAN_HTML = lean_html_class(weasyprint.HTML, _user_agent_stylesheet)
PNG_PASSTHROUGH = pass_png_through(RasterImage)  # charts go into the PDF without being re-encoded


def column_percents(widths: tuple[float, ...]) -> list[str]:
    """Relative column weights as CSS percentages of the table width."""
    total = sum(widths) or 1
    return [f"{100 * w / total:.3f}" for w in widths]


# Class attributes precomputed per (align, flag), so the HTML carries no inline style per cell.
_ALIGN_CLASS = {"left": "l", "center": "c", "right": "r", "justify": "j"}
_CELL_CLASS = {
    (align, bold): " ".join(c for c in ("" if align == "left" else short, "b" if bold else "") if c)
    for align, short in _ALIGN_CLASS.items()
    for bold in (False, True)
}
_PARAGRAPH_CLASS = {
    (align, indent): " ".join(c for c in ("" if align == "justify" else short, "" if indent else "ni") if c)
    for align, short in _ALIGN_CLASS.items()
    for indent in (False, True)
}


class _Pictures:
    """The chart pictures of one document, drawn at their place's size and named by their content."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.by_url: dict[str, bytes] = {}

    def __call__(self, figure: Figure, landscape: bool) -> dict[str, object]:
        return self._image(place(figure, self.layout, landscape))

    def row(self, row: FigureRow, landscape: bool) -> list[dict[str, object]]:
        """Each figure's picture and the width of its cell (its picture and caption inset by half the gap)."""
        cell = f"{row_cell_mm(row, self.layout, landscape):.3f}"
        return [{**self._image(placed), "cell_mm": cell} for placed in place_row(row, self.layout, landscape)]

    def _image(self, placed: PlacedFigure) -> dict[str, object]:
        url = f"{CHART_SCHEME}:{hashlib.sha256(placed.png).hexdigest()}.png"
        self.by_url[url] = placed.png
        return {"src": url, "width_mm": f"{placed.width_mm:.2f}", "height_mm": f"{placed.height_mm:.2f}"}


def document_html(document: Document, layout: Layout | None = None,
                  pictures: dict[str, bytes] | None = None, *, letter: bool = True, annex_heading: bool = True,
                  anchors: tuple[_Anchor, ...] | None = None) -> str:
    """The HTML the PDF is laid out from; every text of `document` is autoescaped.

    Figures are drawn for `layout` (the default Layout when None); their PNGs are put into
    `pictures` by URL, for the fetcher to serve while WeasyPrint lays the HTML out.
    """
    images = _Pictures(layout or Layout())
    label = document.recipients_label
    # The dashes of several recipients align under the label's colon: the colon gets its own column.
    head, colon = (label[:-1], label[-1]) if label.endswith(":") else (label, "")
    html: str = _html_template().render(
        doc=document,
        recipient_lines=document.recipient_lines(),
        copies_lines=document.copies_lines(),
        label_head=head,
        label_colon=colon,
        cell_class=_CELL_CLASS,
        paragraph_class=_PARAGRAPH_CLASS,
        column_percents=column_percents,
        dense_columns=(layout or Layout()).dense_table_columns,
        figure_image=images,
        figure_row_images=images.row,
        row_inset_mm=f"{ROW_GAP_MM / 2:.2f}",
        letter=letter,
        annex_heading=annex_heading,
        anchors=anchors,
    )
    if pictures is not None:
        pictures.update(images.by_url)
    return html


def html_to_pdf(html: str, layout: Layout, *, lean_user_agent: bool = True,
                pictures: dict[str, bytes] | None = None) -> bytes:
    """Lay out `html` with the renderer's stylesheet; any resource outside the assets and `pictures`
    (URL → PNG, from `document_html`) is refused."""
    return with_stack_room(_html_to_pdf, html, layout, lean_user_agent, pictures)


def _html_to_pdf(html: str, layout: Layout, lean_user_agent: bool, pictures: dict[str, bytes] | None) -> bytes:
    with laying_out(pictures or {}):
        laid_out = lay_out(html, layout, lean_user_agent=lean_user_agent)
        pdf: bytes = laid_out.write_pdf()
        del laid_out  # its cycles are freed by the collection that ends the pause
    return pdf


@contextmanager
def laying_out(pictures: dict[str, bytes]) -> Iterator[None]:
    """How every layout and drawing runs: the collector paused (a young pass after it), only the
    assets and `pictures` served, a refused resource reported as the document's fault."""
    try:
        with collector_paused(young_pass=True), _FETCHER.serving(pictures):
            yield
    except FatalURLFetchingError as error:
        raise RenderError(f"Không kết xuất được PDF: văn bản đòi tải tài nguyên không được phép ({error}).") from error


def lay_out(html: str, layout: Layout, *, lean_user_agent: bool = True, first_page: int = 0) -> Any:
    """WeasyPrint's laid-out document (pages) for `html`; `write_pdf()` on it draws the file.

    `first_page` > 0: the HTML continues an annex whose pages 1 to `first_page` are laid out
    already; its pages are numbered from `first_page` + 1, the first one showing its number.
    """
    html_class = _LEAN_HTML if lean_user_agent else weasyprint.HTML
    stylesheets = [_stylesheet(layout)]
    if first_page:
        stylesheets.append(_continued_numbering(first_page + 1))
    return html_class(string=html, base_url=str(RENDER_ASSETS_DIR), url_fetcher=_FETCHER).render(
        font_config=_FONT_CONFIG, stylesheets=stylesheets
    )


def _continued_numbering(number: int) -> CSS:
    """Page numbers from `number`, shown from the first page on (it is not a first page)."""
    rules = "".join(f"@page :nth(1 of {name}) {{ counter-reset: page {number}; "
                    "@top-center { content: counter(page); } }"
                    for name in ("annex-portrait", "annex-landscape"))
    return _parsed_css(string="@page :first { @top-center { content: counter(page); } }" + rules)


# ---- annexes laid out apart from the letter, a window of rows at a time ----------------------------
#
# Each annex numbers its own pages, so it can be laid out as a document of its own and the PDFs
# joined: the same pages. A long annex (the dispatch lists every unit) is laid out a window of
# rows at a time: the window's pages but the last are final (nothing after them can move them
# back), so they are written, and the next window starts with what begins that last page: a
# table row, under the table's repeated header, or a chart (never split, so a page that begins
# with one begins with all of it), its pages numbered on. WeasyPrint then holds one window's
# boxes at a time instead of every page's: memory stays flat as units grow. Charts are start
# points too because the dispatch ends its annex with a run of them (one per thirty units): a
# window of charts alone had nowhere to start the next one, so it grew and was laid out again
# (3.000 units: 58 of the 100 chart pages laid out twice, and their charts placed again; more as
# units grow, past the chart cache's 128), the part of the layout's cost that was not linear.
#
# A window's boxes are the renderer's largest allocation (a 16-page window of the ranking: ~40 MB
# of Python objects at its peak), so windows are short: 200 rows, some 8 pages. Against 400 rows
# the 3.000-unit dispatch peaks at 246 instead of 259 MiB (1.000 units: 211 instead of 233) for the
# same CPU time within the noise (1.000 units, three interleaved pairs: +0,4 %): each window lays
# one page out again, but the shorter documents cost less per page. The file is ~3 % larger (each
# part embeds its own subset of the fonts).

MARK = "data-at"  # the attribute that tells which block or row an element is (see `_Anchor`)
SEGMENT_ROWS = 200  # table rows laid out at once (some 8 landscape pages of the ranking)
_PARAGRAPH_ROWS = 2  # what a paragraph counts for in that budget
_ROW_MM = 6.0  # about a ranking row's height: a figure counts for as many rows as its height holds


@dataclass(frozen=True)
class _Anchor:
    """Where a block of a segment comes from in its annex, marked on its element (MARK)."""

    block: int
    first_row: int = 0
    cut: bool = False  # the table goes on after this segment's last row

    @property
    def id(self) -> str:
        return f"b{self.block}"

    def row(self, index: int) -> str:
        return f"r{self.block}-{self.first_row + index}"


@dataclass(frozen=True)
class _Segment:
    annex: Annex  # the blocks of this window (a cut table with some of its rows)
    anchors: tuple[_Anchor, ...]
    heading: bool  # starts the annex: heading, title and subtitle first
    last: bool  # reaches the annex's end


def _segment(annex: Annex, block: int, row: int, budget: int) -> _Segment:
    """The blocks from row `row` of block `block` on, until about `budget` rows."""
    blocks: list[Block] = []
    anchors: list[_Anchor] = []
    used = 0
    index, start = block, row
    while index < len(annex.blocks) and used < budget:
        item = annex.blocks[index]
        if isinstance(item, Table):
            count = max(1, min(len(item.rows) - start, budget - used))
            cut = start + count < len(item.rows)
            blocks.append(replace(item, rows=item.rows[start:start + count],
                                  caption=item.caption if start == 0 else None))
            anchors.append(_Anchor(index, start, cut))
            used += count
            if cut:
                return _Segment(replace(annex, blocks=tuple(blocks)), tuple(anchors), block == 0 and row == 0, False)
        else:
            blocks.append(item)
            anchors.append(_Anchor(index))
            used += _block_rows(item)
        index, start = index + 1, 0
    last = index >= len(annex.blocks)
    return _Segment(replace(annex, blocks=tuple(blocks)), tuple(anchors), block == 0 and row == 0, last)


def _block_rows(block: Block) -> int:
    """What a paragraph or a figure counts for in a window's budget of rows (a chart: about a page)."""
    if isinstance(block, (Figure, FigureRow)):
        return max(_PARAGRAPH_ROWS, math.ceil(block.height_mm / _ROW_MM))
    return _PARAGRAPH_ROWS


def _written(laid_out: Any, pages: int | None) -> bytes:
    """The PDF of the first `pages` pages (all when None)."""
    pdf: bytes = laid_out.copy(laid_out.pages if pages is None else laid_out.pages[:pages]).write_pdf()
    return pdf


def _continuations(annex: Annex) -> dict[str, tuple[int, int]]:
    """Marks where a later window may start: rows past a table's first, not under a rowspan, and
    figures past the annex's first block."""
    starts: dict[str, tuple[int, int]] = {}
    for index, item in enumerate(annex.blocks):
        if isinstance(item, (Figure, FigureRow)) and index > 0:
            starts[_Anchor(index).id] = (index, 0)
        if not isinstance(item, Table):
            continue
        covered_until = 0
        for number, row in enumerate(item.rows):
            if number > 0 and number >= covered_until:
                starts[f"r{index}-{number}"] = (index, number)
            covered_until = max([covered_until, *(number + c.rowspan for c in row)])
    return starts


def _cut(pages: list[Any], starts: dict[str, tuple[int, int]]) -> tuple[int, tuple[int, int]] | None:
    """The last page (not the first) that begins where a window may start (`starts`), and where that is.

    A page begins with what its first marked element is: a row (`rB-R`) or another block (`bB`), a
    paragraph continued from the page before included. Raises NoPageBoxes (see weasyprint_tuning).
    """
    for number in range(len(pages) - 1, 0, -1):
        first = first_marked(pages[number], MARK)
        if first is not None and first in starts:
            return number, starts[first]
    return None


class PdfRenderer(Renderer):
    """NĐ 30/2020 PDF: A4, two-column header, body, "Nơi nhận" and signer, annexes on their own pages.

    The letter and each annex are laid out apart and their PDFs joined (see SEGMENT_ROWS).
    """

    name = "pdf"
    suffix = "pdf"

    def __init__(self, layout: Layout, segment_rows: int = SEGMENT_ROWS) -> None:
        super().__init__(layout)
        self.segment_rows = segment_rows

    def render(self, document: Document) -> bytes:
        return with_stack_room(self._render, document)

    def _render(self, document: Document) -> bytes:
        if not document.annexes:
            return self._pdf(document_html, document)
        return join_pdfs(self._parts(document))

    def _parts(self, document: Document) -> Iterator[bytes]:
        """The letter's PDF, then each annex's, a window at a time: each made when the join asks for it."""
        yield self._pdf(document_html, replace(document, annexes=()))
        for annex in document.annexes:
            yield from self._annex(document, annex)

    def _pdf(self, make_html: Any, document: Document, **options: Any) -> bytes:
        pictures: dict[str, bytes] = {}
        html = make_html(document, self.layout, pictures, **options)
        return _html_to_pdf(html, self.layout, True, pictures)  # in render()'s stack room already

    def _annex(self, document: Document, annex: Annex) -> Iterator[bytes]:
        """The annex's PDFs, a window of rows at a time (whole where pages cannot be read)."""
        starts = _continuations(annex)
        block, row, numbered, budget = 0, 0, 0, self.segment_rows
        while True:
            segment = _segment(annex, block, row, budget)
            pictures: dict[str, bytes] = {}
            html = document_html(replace(document, annexes=(segment.annex,)), self.layout, pictures, letter=False,
                                 annex_heading=segment.heading, anchors=segment.anchors)
            with laying_out(pictures):
                laid_out = lay_out(html, self.layout, first_page=numbered)
                found = None
                if not segment.last:
                    try:
                        found = _cut(laid_out.pages, starts)
                    except NoPageBoxes:  # where pages begin is hidden: lay the rest out at once
                        found, budget = None, sys.maxsize
                    if found is None:  # (or no page of this window begins a clean continuation)
                        del laid_out
                        budget = min(budget * 2, sys.maxsize)
                        continue
                pdf: bytes = _written(laid_out, None if found is None else found[0])
                del laid_out
            yield pdf
            del pdf  # written into the joined file: not held while the next window is laid out
            if found is None:
                return
            numbered += found[0]
            (block, row), budget = found[1], self.segment_rows


def join_pdfs(parts: Iterable[bytes]) -> bytes:
    """One PDF of the parts' pages in order, with the first part's metadata (title, producer) and
    catalog entries (language), and every part's bookmarks; each part is written into the result as
    it comes and let go before the next is asked for (see pdf_join)."""
    joined = PdfJoin()
    try:
        for part in parts:
            # A part's reader and its objects point at each other: freed by the pass after.
            with collector_paused(young_pass=True):
                joined.add(part)
            del part
        return joined.finish()
    finally:
        joined.close()
