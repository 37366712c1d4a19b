"""Where outputs go under --out: one folder per authority profile and period; names from codes only.

A unit code is data, not a file name: it may hold '/', '..', spaces, accents, a Windows device name
("CON") or differ from another code only by case. `notice_stems` maps every code of a snapshot to
an ASCII stem that stays inside its folder and is unique even on a case-insensitive disk, and it
maps a code the same way whichever subset of units a run asks for, so a resumed run finds its files.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from generator.snapshot import Period

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_STEM = 60  # plus "-" and the 10-character hash: well inside every file system's name limit
HASH_LENGTH = 10
# Names Windows refuses whatever the extension (a zip of the results may be opened there).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_stem(code: str) -> str:
    """A file-name stem from a code: ASCII letters, digits, '.', '_' and '-' only, never hidden."""
    stem = _UNSAFE.sub("_", code).strip("._-")[:MAX_STEM].rstrip("._-") or "_"
    first, dot, rest = stem.partition(".")
    if first.upper() in _RESERVED:  # Windows reads "CON.txt" as the device CON too
        stem = f"{first}_{dot}{rest}"
    return stem


def _needs_hash(code: str, stem: str) -> bool:
    """The stem no longer says exactly the code (characters replaced, cut, or a reserved name)."""
    return stem != code


def _hashed(code: str, stem: str) -> str:
    return f"{stem}-{hashlib.sha256(code.encode('utf-8')).hexdigest()[:HASH_LENGTH]}"


def notice_stems(codes: Iterable[str]) -> dict[str, str]:
    """Every code's file stem: the code itself when it is a safe name, else a safe form plus a hash.

    Codes whose stems meet case-insensitively ("abc" and "ABC") all take the hash, so the result
    depends on the snapshot's codes only, never on which of them a run generates.
    """
    codes = list(dict.fromkeys(codes))
    stems = {c: safe_stem(c) for c in codes}
    stems = {c: _hashed(c, s) if _needs_hash(c, s) else s for c, s in stems.items()}
    groups: dict[str, list[str]] = defaultdict(list)
    for code, stem in stems.items():
        groups[stem.lower()].append(code)
    for members in groups.values():
        if len(members) > 1:
            for code in members:
                stems[code] = _hashed(code, safe_stem(code))
    if len({s.lower() for s in stems.values()}) != len(stems):  # only a hash collision could do this
        raise ValueError("unit codes map to the same file name")
    return stems


NOTICE_DIR = "thong-bao"


def run_folder_parts(profile_id: str, period: Period) -> tuple[str, str]:
    """The run folder's names below --out: one folder per authority profile, one per period in it."""
    return safe_stem(profile_id), safe_stem(str(period))


def run_folder(out: Path, profile_id: str, period: Period) -> Path:
    """One folder per authority profile and period under --out."""
    return out.joinpath(*run_folder_parts(profile_id, period))


def dispatch_stem(period: Period) -> str:
    return f"cong-van-{period}"


def notice_stem(stems: dict[str, str], code: str) -> str:
    """A notice's path without suffix, relative to the run folder."""
    return f"{NOTICE_DIR}/{stems[code]}"
