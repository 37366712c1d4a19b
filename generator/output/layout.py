"""Where outputs go under --out: one folder per authority profile and period; names from codes only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.pipeline import Prepared

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_stem(code: str) -> str:
    """A file-name stem from a unit code: ASCII letters, digits, '.', '_' and '-' only, never hidden."""
    stem = _UNSAFE.sub("_", code).strip("._") or "_"
    return stem[:80]


def run_folder(out: Path, prepared: Prepared) -> Path:
    return out / safe_stem(prepared.profile.id) / str(prepared.snapshot.meta.period)


def dispatch_stem(prepared: Prepared) -> str:
    return f"cong-van-{prepared.snapshot.meta.period}"
