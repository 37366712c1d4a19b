"""Time the PDF renderer on tests/sample_documents.dispatch(), in-process, after warm-up.

Usage: .venv/bin/python bench/bench_pdf.py [runs]
Prints the median and spread per document, split into HTML (Jinja), layout (WeasyPrint
render) and PDF writing (write_pdf), plus the page count.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main(runs: int = 30) -> None:
    started = time.perf_counter()
    from generator.render.base import Layout
    from generator.render.pdf import PdfRenderer

    import_ms = (time.perf_counter() - started) * 1000
    import sample_documents

    document = sample_documents.dispatch()
    renderer = PdfRenderer(Layout())
    first_started = time.perf_counter()
    renderer.render(document)
    first_ms = (time.perf_counter() - first_started) * 1000
    for _ in range(3):
        renderer.render(document)

    totals, htmls, layouts, writes = [], [], [], []
    pdf = b""
    for _ in range(runs):
        t0 = time.perf_counter()
        pdf, timing = renderer.render_timed(document)
        totals.append((time.perf_counter() - t0) * 1000)
        htmls.append(timing.html_ms)
        layouts.append(timing.layout_ms)
        writes.append(timing.write_ms)

    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    from weasyprint.text import ffi

    med = statistics.median
    subsetter = "libharfbuzz-subset" if ffi.harfbuzz_subset is not None else "fontTools (slow fallback)"
    print(f"font subsetting: {subsetter}")
    print(f"import generator.render.pdf (weasyprint): {import_ms:.0f} ms; first document: {first_ms:.0f} ms")
    print(f"dispatch(): {pages} pages, {len(pdf)} bytes, {runs} runs after 4 warm-up renders")
    print(f"total   median {med(totals):6.1f} ms  (min {min(totals):.1f}, max {max(totals):.1f})")
    print(f"  html  median {med(htmls):6.1f} ms")
    print(f"  layout median {med(layouts):5.1f} ms")
    print(f"  write median {med(writes):6.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
