"""Time the DOCX renderer on tests/sample_documents.dispatch(), in-process, after warm-up.

Usage: .venv/bin/python bench/bench_docx.py [runs]
Prints the import cost, the first (cold) document, then the median and spread per document.
Garbage is collected between documents, as a batch worker should (python-docx builds cycles).
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WARM_UP = 5


def main(runs: int = 50) -> None:
    started = time.perf_counter()
    from generator.common.layout import Layout
    from generator.render.docx import DocxRenderer

    import_ms = (time.perf_counter() - started) * 1000
    import sample_documents

    document = sample_documents.dispatch()
    first_started = time.perf_counter()
    renderer = DocxRenderer(Layout())
    size = len(renderer.render(document))
    first_ms = (time.perf_counter() - first_started) * 1000
    for _ in range(WARM_UP):
        renderer.render(document)
    timings = []
    for _ in range(runs):
        gc.collect()
        begin = time.perf_counter()
        renderer.render(document)
        timings.append((time.perf_counter() - begin) * 1000)
    print(f"import {import_ms:.0f} ms, first document {first_ms:.0f} ms, {size:,} bytes")
    print(
        f"median {statistics.median(timings):.1f} ms per document over {runs} runs "
        f"(min {min(timings):.1f}, max {max(timings):.1f})"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
