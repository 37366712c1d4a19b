"""What a PDF page draws: text runs with their font size and position, read with pypdf.

Used to compare the PDF renderer's output with the DOCX as LibreOffice lays it out: both are
PDFs, so one reader measures both. Positions are in points from the page's bottom-left corner.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

# LibreOffice 7.4 silently stops after ~247 files in one call (toolchain notes): convert in chunks.
_LO_CHUNK = 100


@dataclass(frozen=True)
class Run:
    text: str
    size: float  # effective font size, pt
    x: float
    y: float  # baseline


def page_runs(path: Path, page: int) -> list[Run]:
    """The text runs of one page (0-based) in drawing order, whitespace-only runs left out."""
    found: list[Run] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip():
            return
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append(Run(" ".join(text.split()), round(size * scale, 2), round(x, 1), round(y, 1)))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return found


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)


def first_run(path: Path, page: int, starts: str) -> Run:
    """The first run on `page` whose text starts with `starts` (AssertionError naming the file if none).

    A `starts` of digits only (a page number) must be the whole run.
    """
    for run in page_runs(path, page):
        if run.text == starts or (not starts.isdigit() and run.text.startswith(starts)):
            return run
    raise AssertionError(f"{path.name} trang {page + 1}: không thấy dòng bắt đầu bằng “{starts}”")


def docx_to_pdf(files: list[Path], out: Path) -> dict[Path, Path]:
    """Convert DOCX files with LibreOffice (headless, a private profile so parallel runs never clash)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise AssertionError("LibreOffice (soffice) is missing: scripts/setup.sh installs libreoffice-writer-nogui")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="congvan-lo-") as profile:
        for start in range(0, len(files), _LO_CHUNK):
            chunk = [str(f) for f in files[start:start + _LO_CHUNK]]
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(out), *chunk], check=True, capture_output=True, timeout=600)
    converted = {f: out / f"{f.stem}.pdf" for f in files}
    missing = [f.name for f, pdf in converted.items() if not pdf.is_file()]
    assert not missing, f"LibreOffice did not convert: {missing}"
    return converted
