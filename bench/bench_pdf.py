"""Time the PDF renderer in-process, after warm-up: median per document, split into its stages.

Usage: .venv/bin/python bench/bench_pdf.py [runs]
Documents: the monthly dispatch and the STP notice of the Hà Nội July 2024 fixture (the real
ones), and tests/sample_documents.dispatch(). For each: the median and spread of the whole
rendering, then HTML (Jinja), layout (WeasyPrint render) and PDF writing (write_pdf), with the
page count and size. The first line gives the import time of the renderer (WeasyPrint's
import, paid once per process) and the first rendering of the process.
"""

from __future__ import annotations

import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader  # a test dependency: the bench runs in the development venv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

FIXTURE = ROOT / "fixtures" / "ha-noi" / "2024-07.xlsx"


def timed_pdf(document, layout):  # type: ignore[no-untyped-def]
    """The PDF renderer's three steps timed apart (ms): HTML, layout, drawing; from its public functions,
    run as the renderer runs them (in a frame-stack room, the collector paused: see html_to_pdf)."""
    from generator.common.stack import with_stack_room
    from generator.render.pdf import document_html, lay_out, laying_out

    def steps():  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        pictures: dict[str, bytes] = {}
        html = document_html(document, layout, pictures)
        built = time.perf_counter()
        with laying_out(pictures):  # serves the charts document_html drew
            laid_out = lay_out(html, layout)
            placed = time.perf_counter()
            pdf = laid_out.write_pdf()
            done = time.perf_counter()
        return pdf, {"html": (built - started) * 1000, "layout": (placed - built) * 1000,
                     "write": (done - placed) * 1000}

    return with_stack_room(steps)


def bench(name: str, renderer, document, runs: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        renderer.render(document)
    totals, htmls, layouts, writes = [], [], [], []
    pdf = b""
    for _ in range(runs):
        started = time.perf_counter()
        pdf, timing = timed_pdf(document, renderer.layout)
        totals.append((time.perf_counter() - started) * 1000)
        htmls.append(timing["html"])
        layouts.append(timing["layout"])
        writes.append(timing["write"])
    med = statistics.median
    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(f"{name}: {pages} pages, {len(pdf):,} bytes; median of {runs} after 3 warm-up renders")
    print(f"  total  {med(totals):6.1f} ms  (min {min(totals):.1f}, max {max(totals):.1f})")
    print(f"  html   {med(htmls):6.1f} ms   layout {med(layouts):6.1f} ms   write {med(writes):6.1f} ms")


def main(runs: int = 20) -> None:
    started = time.perf_counter()
    from generator.render.pdf import PdfRenderer

    import_ms = (time.perf_counter() - started) * 1000
    import sample_documents

    from generator.build import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, dispatch_document, notice_document, prepare
    from generator.common.layout import Layout
    from generator.content.registry import find_template

    prepared = prepare(FIXTURE)
    dispatch = dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), "2562", None)
    notice = notice_document(prepared, find_template(NOTICE_TEMPLATE), "STP", None, None)
    renderer = PdfRenderer(prepared.profile.to_layout())
    first_started = time.perf_counter()
    renderer.render(dispatch)
    first_ms = (time.perf_counter() - first_started) * 1000

    from weasyprint.text import ffi

    subsetter = "libharfbuzz-subset" if ffi.harfbuzz_subset is not None else "fontTools (slow fallback)"
    print(f"import generator.render.pdf: {import_ms:.0f} ms; first dispatch of the process: {first_ms:.0f} ms; "
          f"font subsetting: {subsetter}")
    bench("Hà Nội 2024-07 dispatch", renderer, dispatch, runs)
    bench("Hà Nội 2024-07 notice (STP)", renderer, notice, runs)
    bench("sample_documents.dispatch()", PdfRenderer(Layout()), sample_documents.dispatch(), runs)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
