"""PDF renderer: Document → HTML (Jinja, autoescaped) → PDF (WeasyPrint, CSS paged media).

The layout is NĐ 30/2020 Phụ lục I, the same as the DOCX renderer's. Files, all under
templates/render: document.html.j2 (HTML skeleton), document.css (stylesheet, filled with the
Layout's numbers), user-agent.css (a trimmed HTML user-agent stylesheet, for speed).

WeasyPrint never touches the network: its URL fetcher serves only files under templates/render
and refuses anything else, fatally. Stylesheets are parsed once per process (per Layout) with
one shared FontConfiguration; only the HTML is built and laid out per document.

Speed (bench/bench_pdf.py): WeasyPrint's cost is per box (≈ 0,6 ms per table cell, layout and
drawing together), which no stylesheet change measurably lowers; the renderer saves what is not
layout: the cyclic garbage collector is paused while WeasyPrint works, and WeasyPrint's C
libraries are loaded without the subprocess-based library search.
"""

from __future__ import annotations

import ctypes.util
import gc
import io
import mimetypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from time import perf_counter
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2


@contextmanager
def _no_library_search() -> Iterator[None]:
    """While WeasyPrint loads its C libraries, names the dynamic loader refuses fail at once.

    WeasyPrint tries names such as "libgobject-2.0-0" and "gobject-2.0-0" before
    "libgobject-2.0.so.0"; cffi hands every name the dynamic loader refuses to
    ctypes.util.find_library, which on Linux runs ldconfig, gcc and ld in subprocesses: 15-20 ms
    a name, 22 names (16 of them found nowhere), a quarter of a second on every cold start.
    Without that search WeasyPrint goes on to the ".so.N" names, which the dynamic loader opens
    directly (ld.so.cache, LD_LIBRARY_PATH): the same libraries. Linux only; the standard
    function is restored as soon as WeasyPrint is imported.
    """
    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        yield
        return
    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = find_library


try:
    with _no_library_search(), redirect_stdout(io.StringIO()):  # WeasyPrint prints its failures
        import weasyprint
except OSError:  # a library only the search finds: load the slow, searching way
    import weasyprint

from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from generator.content.model import Document  # noqa: E402
from generator.errors import RenderError  # noqa: E402
from generator.render.base import Layout, Renderer  # noqa: E402

RENDER_TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "render"
HTML_TEMPLATE = "document.html.j2"
CSS_TEMPLATE = "document.css"
USER_AGENT_CSS = "user-agent.css"

# Word's "single" line for Times New Roman / Liberation Serif is ascent + descent + line gap
# = (1825 + 443 + 87) / 2048 em. Layout.line_spacing is a multiple of that line, as in the DOCX,
# so a CSS line-height of 1.0 would be tighter than Word's (and NĐ 30's) single spacing.
SINGLE_LINE_EM = 1.15
SIGNATURE_SPACE_MM = 25  # room for the signature and seal between the title and the name
DRAFT_MARK_OFFSET_MM = 12  # the draft mark sits this far above the text area, in the top margin


class RefusedURL(ValueError):
    """A resource outside templates/render was requested; the renderer never fetches it."""


class LocalOnlyFetcher(URLFetcher):
    """Serves file: URLs under one directory and refuses everything else (network included).

    Refusals are fatal (fail_on_errors): a document that would need a resource it may not have
    is an error, not a PDF silently printed without it.
    """

    def __init__(self, root: Path = RENDER_TEMPLATES_DIR) -> None:
        super().__init__(fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused non-local resource: {url}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"refused file (missing or outside {self.root}): {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type})


@dataclass(frozen=True)
class Timing:
    """Where one rendering's time went, in milliseconds."""

    html_ms: float  # Jinja → HTML string
    layout_ms: float  # HTML parsing, styles, pagination (weasyprint HTML(...).render)
    write_ms: float  # drawing, font subsetting, PDF serialisation (Document.write_pdf)


_FONT_CONFIG = FontConfiguration()  # one per process: shared by every stylesheet and rendering
_FETCHER = LocalOnlyFetcher()


def _environment(autoescape: bool) -> jinja2.Environment:
    """A plain environment over templates/render (the renderer's own, trusted templates)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(RENDER_TEMPLATES_DIR)),
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
        body_pt=layout.body_size_pt,
        header_pt=layout.header_size_pt,
        copies_pt=layout.copies_size_pt,
        line_height=round(layout.line_spacing * SINGLE_LINE_EM, 4),
        signature_space_mm=SIGNATURE_SPACE_MM,
        draft_offset_mm=DRAFT_MARK_OFFSET_MM,
    )


def _parsed_css(**source: str) -> weasyprint.CSS:
    return weasyprint.CSS(
        **source, base_url=str(RENDER_TEMPLATES_DIR), url_fetcher=_FETCHER, font_config=_FONT_CONFIG
    )


@lru_cache(maxsize=8)
def _stylesheet(layout: Layout) -> weasyprint.CSS:
    """The parsed stylesheet for one Layout (Layout is frozen, hence hashable)."""
    return _parsed_css(string=stylesheet_text(layout))


@lru_cache(maxsize=1)
def _user_agent_stylesheet() -> weasyprint.CSS:
    return _parsed_css(string=(RENDER_TEMPLATES_DIR / USER_AGENT_CSS).read_text(encoding="utf-8"))


class _LeanHTML(weasyprint.HTML):
    """WeasyPrint's HTML with the trimmed user-agent stylesheet (saves ≈ 50 ms per document).

    `_ua_stylesheets` is WeasyPrint's own hook; if a later version renames it, the override is
    simply unused and the full HTML5 stylesheet applies (same result, slower). A test compares
    the two renderings page by page.
    """

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        return [_user_agent_stylesheet()]


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


def document_html(document: Document) -> str:
    """The HTML the PDF is laid out from; every text of `document` is autoescaped."""
    label = document.recipients_label
    # The dashes of several recipients align under the label's colon: the colon gets its own column.
    head, colon = (label[:-1], label[-1]) if label.endswith(":") else (label, "")
    return _html_template().render(
        doc=document,
        recipient_lines=document.recipient_lines(),
        copies_lines=document.copies_lines(),
        label_head=head,
        label_colon=colon,
        cell_class=_CELL_CLASS,
        paragraph_class=_PARAGRAPH_CLASS,
        column_percents=column_percents,
    )


def html_to_pdf(html: str, layout: Layout, *, lean_user_agent: bool = True) -> bytes:
    """Lay out `html` with the renderer's stylesheet; any resource outside templates/render is refused."""
    return _html_to_pdf_timed(html, layout, lean_user_agent)[0]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint renders; one young-generation pass after.

    A rendering allocates some 100.000 objects (boxes, styles) that live until the PDF is written,
    so the collector's automatic passes (over a hundred per dispatch) scan them again and again and
    find nothing to free: ≈ 90 ms of a 9-page dispatch. Everything the rendering left in cycles
    (≈ 30.000 objects) is still young afterwards, and one generation-0 pass frees it. A caller that
    already turned the collector off keeps it off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def _html_to_pdf_timed(html: str, layout: Layout, lean_user_agent: bool = True) -> tuple[bytes, float, float]:
    html_class = _LeanHTML if lean_user_agent else weasyprint.HTML
    started = perf_counter()
    try:
        with _collector_paused():
            laid_out = html_class(string=html, base_url=str(RENDER_TEMPLATES_DIR), url_fetcher=_FETCHER).render(
                font_config=_FONT_CONFIG, stylesheets=[_stylesheet(layout)]
            )
            laid_out_at = perf_counter()
            pdf = laid_out.write_pdf()
            del laid_out  # its cycles are freed by the collection that ends the pause
    except FatalURLFetchingError as error:
        raise RenderError(f"Không kết xuất được PDF: văn bản đòi tải tài nguyên không được phép ({error}).") from error
    written_at = perf_counter()
    return pdf, (laid_out_at - started) * 1000, (written_at - laid_out_at) * 1000


class PdfRenderer(Renderer):
    """NĐ 30/2020 PDF: A4, two-column header, body, "Nơi nhận" and signer, annexes on their own pages."""

    name = "pdf"
    suffix = "pdf"

    def render(self, document: Document) -> bytes:
        return html_to_pdf(document_html(document), self.layout)

    def render_timed(self, document: Document) -> tuple[bytes, Timing]:
        """`render`, also saying how long the HTML, the layout and the PDF writing took."""
        started = perf_counter()
        html = document_html(document)
        html_ms = (perf_counter() - started) * 1000
        pdf, layout_ms, write_ms = _html_to_pdf_timed(html, self.layout)
        return pdf, Timing(html_ms, layout_ms, write_ms)
