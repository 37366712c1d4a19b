"""Benchmark the monthly dispatch on the Hà Nội July 2024 fixture (issue 3's figures).

Reports the median time per dispatch in-process for DOCX and for PDF (rendering only, and the
content build separately), then the cold `congvan generate` wall time for both formats.
Run: .venv/bin/python bench/bench_dispatch.py [--runs N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from generator.build import DISPATCH_TEMPLATE, dispatch_document, prepare  # noqa: E402
from generator.content.registry import find_template  # noqa: E402
from generator.render import renderer_for  # noqa: E402

FIXTURE = ROOT / "fixtures" / "ha-noi" / "2024-07.xlsx"


def median_ms(action, runs: int) -> float:  # type: ignore[no-untyped-def]
    action()  # warm-up: caches, fonts
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    prepared = prepare(FIXTURE)
    template = find_template(DISPATCH_TEMPLATE)
    document = dispatch_document(prepared, template, "2562", None)
    layout = prepared.profile.to_layout()
    docx, pdf = renderer_for("docx", layout), renderer_for("pdf", layout)

    build = median_ms(lambda: dispatch_document(prepared, template, "2562", None), args.runs)
    docx_ms = median_ms(lambda: docx.render(document), args.runs)
    pdf_ms = median_ms(lambda: pdf.render(document), args.runs)
    pages = len(PdfReader(io.BytesIO(pdf.render(document))).pages)
    print(f"dispatch (51 units, annex {pages} pages): content build {build:.1f} ms, "
          f"DOCX {docx_ms:.1f} ms, PDF {pdf_ms:.1f} ms (median of {args.runs})")

    cold = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run([str(ROOT / ".venv" / "bin" / "congvan"), "generate", str(FIXTURE), "--out", out],
                           check=True, capture_output=True)
            cold.append(time.perf_counter() - started)
    print(f"cold `congvan generate` (docx+pdf): median {statistics.median(cold):.2f} s over 3 runs")


if __name__ == "__main__":
    main()
