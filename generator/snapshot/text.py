"""Text helpers for matching what people type: headers, kind words, authority names."""

from __future__ import annotations

import re
import unicodedata

from generator.common.textfold import fold

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
# Unicode categories never wanted inside a unit or authority name (Cn left out: it depends on
# the Unicode version of the interpreter).
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def match_key(text: str) -> str:
    """Fold and drop everything but letters and digits: "Tỷ lệ số hóa (%)" → "tylesohoa"."""
    without_note = _TRAILING_NOTE.sub("", text)
    return _NOT_ALNUM.sub("", fold(without_note or text))


def forbidden_character(text: str) -> str | None:
    """The first control or format character in `text`, shown as `U+0009`, or None."""
    for char in text:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def same_name_key(text: str) -> str:
    """Key under which two unit names count as the same: NFC, case-folded, single spaces.

    Accents are kept on purpose: distinct communes may differ only by a diacritic (Tân An, Tân Ân).
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()
