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


# Characters that show nothing (Unicode's Default_Ignorable_Code_Point outside the control and
# format categories, plus the blank Braille pattern and the Hangul fillers): two names differing
# only by one of them look identical, and a name made of them looks blank.
_INVISIBLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Letters of other scripts drawn like Latin ones ("Sở Tư phάp" with a Greek alpha sorts and
# matches apart from "Sở Tư pháp" while no reader can tell them apart).
CONFUSABLES = dict(zip(
    "АВЕКМНОРСТХУаеорсухіјѕԁԛԝӏІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοριυνκτϲ",
    "ABEKMHOPCTXYaeopcyxijsdqwlIJSABEZHIKMNOPTYXaopiuvktc",
    strict=True,
))


_INVISIBLE = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _INVISIBLE_RANGES) + "]")


def is_invisible(char: str) -> bool:
    """True for a character that draws nothing (see _INVISIBLE_RANGES) or is a control/format one."""
    return unicodedata.category(char) in _FORBIDDEN_CATEGORIES or _INVISIBLE.match(char) is not None


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def suspicious_character(text: str) -> str | None:
    """Why a name cannot be trusted to read as it looks (Vietnamese), or None.

    Refused: control and format characters, invisible ones, combining marks that NFC could not
    fold into a Vietnamese letter, letters of other scripts, and compatibility forms (full-width
    letters, ligatures, superscripts). Spaces of any width are accepted: they read as spaces.
    """
    if text.isascii() and text.isprintable():
        return None  # the common case, decided in C
    if _ACCEPTED.issuperset(text):
        return None  # every character already found fine (a Vietnamese name), decided in C
    for char in text:
        reason = _CHARACTER_VERDICTS.get(char, "?")
        if reason == "?":
            reason = _verdict(char)
            if len(_CHARACTER_VERDICTS) < 4096:
                _CHARACTER_VERDICTS[char] = reason
                if reason is None:
                    _ACCEPTED.add(char)
        if reason is not None:
            return reason
    return None


_CHARACTER_VERDICTS: dict[str, str | None] = {}  # a name uses a few dozen distinct characters
_ACCEPTED: set[str] = set()  # those of them whose verdict is None


def _verdict(char: str) -> str | None:
    """One character's verdict for suspicious_character (which caches it)."""
    category = unicodedata.category(char)
    if category in _FORBIDDEN_CATEGORIES:
        return f"chứa ký tự điều khiển {_code(char)}"
    if is_invisible(char):
        return f"chứa ký tự vô hình {_code(char)} (không nhìn thấy khi in, dễ làm hai tên trông như nhau)"
    if category == "Mn":
        return f"chứa dấu ghép {_code(char)} không thuộc chữ tiếng Việt (hãy gõ lại tên)"
    if category.startswith("Z"):
        return None
    if unicodedata.normalize("NFKC", char) != char:
        return f"chứa ký tự “{char}” ({_code(char)}) là dạng biến thể (toàn khổ, ghép hoặc chỉ số)"
    if category.startswith("L") and not unicodedata.name(char, "").startswith("LATIN "):
        lookalike = CONFUSABLES.get(char)
        if lookalike:
            return f"chứa chữ “{char}” ({_code(char)}) của bảng chữ khác, trông giống chữ “{lookalike}”"
        return f"chứa chữ “{char}” ({_code(char)}) không thuộc bảng chữ Latinh của tiếng Việt"
    return None


def skeleton(text: str) -> str:
    """`text` as it looks: invisible characters dropped, look-alike letters made Latin, then folded."""
    visible = "".join(CONFUSABLES.get(c, c) for c in text if not is_invisible(c))
    return fold(unicodedata.normalize("NFKC", visible))


def same_name_key(text: str) -> str:
    """Key under which two unit names count as the same: NFC, case-folded, single spaces.

    Accents are kept on purpose: distinct communes may differ only by a diacritic (Tân An, Tân Ân).
    """
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable() or "  " in text:  # printable: no white space but the plain space
        text = _SPACES.sub(" ", text)
    return text.strip().casefold()
