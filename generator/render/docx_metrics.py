"""Text widths in Times New Roman, for rules "as long as the text" and the recipient block.

Liberation Serif has the same advance widths as Times New Roman, so its metrics (read once with
fontTools) give the width Word and LibreOffice will lay out. When the font file is missing the
width falls back to an average advance, which only makes rules slightly longer or shorter.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/liberation"),
)
_FONT_FILES = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Bold.ttf"}
# Average advance of Times New Roman text in em, used when no metric-compatible font is installed.
_FALLBACK_EM = {False: 0.47, True: 0.52}


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float] | None:
    """Advance widths in em per code point, and the em width of a missing glyph; None without a font."""
    for folder in _FONT_DIRS:
        path = folder / _FONT_FILES[bold]
        if path.is_file():
            break
    else:
        return None
    try:
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools ships no type hints
    except ImportError:  # fontTools comes with WeasyPrint; the fallback keeps DOCX alone working.
        return None
    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return widths, metrics[".notdef"][0] / units


@lru_cache(maxsize=512)
def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of `text` on one line, in points, set in Times New Roman at `size_pt`."""
    table = _advances(bold)
    if table is None:
        return len(text) * _FALLBACK_EM[bold] * size_pt
    widths, missing = table
    total = 0.0
    for char in unicodedata.normalize("NFC", text):
        total += widths.get(ord(char), missing)
    return total * size_pt
