"""A wording linter for golden texts (tests/golden_text.py's format): what a legal reviewer sends back.

Each check returns readable problems ("đoạn 12: …"); an empty list means the text passes. A name
(a unit, a target, a group, the issuing body: `terms`) counts as one word: "Sở Lao động - Thương binh
và Xã hội" named in two directives, or two target labels sharing "kết quả giải quyết thủ tục hành
chính", is not a repeated passage, and a list of long names is not a long sentence.

- a sentence longer than MAX_SENTENCE_WORDS words;
- a passage of REPEAT_WORDS or more words said twice in one document (body and annex paragraphs);
- "tối thiểu 100%" (a rate cannot exceed 100%: say "đạt 100%");
- "thị trấn" in a document about a period from 7/2025 on (no such unit since the 2025 reform);
- a table column with no value in any row;
- "N đơn vị" that neither names the units nor points to the annex (“Phụ lục”);
- decimals read alike: a score or a change of score ("… điểm", a table figure) has two decimals, a
  percentage or percentage points one.

A chart's block (caption, alt text, the data it draws) is description, not wording: not linted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_SENTENCE_WORDS = 70
REPEAT_WORDS = 8
REFORM_PERIOD = "2025-07"  # two-level local government: no district level, no "thị trấn"

_MARKS = re.compile(r"\*+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-ZĐÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ])")
_WORD = re.compile(r"[^\s]+")
_STRIP = re.compile(r"^[^\wà-ỹÀ-Ỹ]+|[^\wà-ỹÀ-Ỹ%]+$")
_UNIT_COUNT = re.compile(r"(?<![/\d])(\d+(?:/\d+)?) (?:cơ quan, )?đơn vị")
_RANK_BEFORE = re.compile(r"(?:xếp thứ|xếp hạng|đứng thứ)\s*$")
_MINIMUM_100 = re.compile(r"tối thiểu\s+100(?:,0+)?\s*%")
_SCORE_WORD = re.compile(r"(?<![\d,.])(\d+,\d+) điểm(?! phần trăm)")
_PERCENT = re.compile(r"(?<![\d,.])(\d+,\d+) ?(?:%| điểm phần trăm)")
_TABLE_NUMBER = re.compile(r"^[+\-−]?\d{1,3}(?:\.\d{3})*,(\d+)(%?)$")


@dataclass
class Table:
    header: list[list[str]]
    rows: list[list[str]]


@dataclass
class Golden:
    """A golden text split into what the checks read."""

    period: str
    paragraphs: list[str] = field(default_factory=list)  # body and annex paragraphs, emphasis removed
    headings: set[int] = field(default_factory=set)  # paragraph numbers (1-based) wholly in bold
    tables: list[Table] = field(default_factory=list)
    text: str = ""  # every line, emphasis removed
    terms: tuple[str, ...] = ()  # names counted as one word, longest first, lower case


def parse(text: str) -> Golden:
    """Read a golden text: paragraphs (wrapped lines joined) and tables of [NỘI DUNG] and [PHỤ LỤC]."""
    period = ""
    golden = Golden(period="", text=_MARKS.sub("", text))
    section = ""
    current: list[str] = []
    table: Table | None = None
    in_rows = False

    def flush() -> None:
        if current:
            joined = " ".join(current)
            golden.paragraphs.append(_MARKS.sub("", joined))
            if joined.startswith("**") and joined.endswith("**") and joined.count("**") == 2:
                golden.headings.add(len(golden.paragraphs))
            current.clear()

    annex_title = False
    in_figure = False

    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("% kỳ:"):
            period = line.split(":", 1)[1].strip()
            continue
        if line.startswith("[") and line.split("]")[0] in ("[ĐẦU VĂN BẢN", "[KÍNH GỬI", "[NỘI DUNG", "[NƠI NHẬN",
                                                             "[KÝ", "[PHỤ LỤC"):
            flush()
            table, section = None, line.split("]")[0][1:]
            annex_title = section == "PHỤ LỤC"  # its heading, title and subtitle lines come first
            continue
        if section not in ("NỘI DUNG", "PHỤ LỤC"):
            continue
        if annex_title:
            annex_title = bool(line)
            continue
        if line.startswith("[BẢNG "):
            flush()
            table, in_rows = Table([], []), False
            golden.tables.append(table)
            continue
        if line.startswith("[BIỂU ĐỒ "):  # a chart: its caption, alt text and data are not prose
            flush()
            in_figure = True
            continue
        if in_figure:
            in_figure = bool(line)
            continue
        if table is not None:
            if not line:
                table = None
            elif line == "---":
                in_rows = True
            elif not line.startswith("("):
                cells = [_MARKS.sub("", c).strip() for c in line.split("|")]
                (table.rows if in_rows else table.header).append(cells)
            continue
        if not line:
            flush()
        elif line.startswith("  ") and current:
            current.append(line.strip())
        else:
            flush()
            current.append(line.strip())
    flush()
    golden.period = period
    return golden


def _words(text: str, terms: tuple[str, ...] = ()) -> list[str]:
    """Lower-case words without surrounding punctuation; each of `terms` becomes one word."""
    text = text.lower()
    for index, term in enumerate(terms):
        text = text.replace(term, f" ⟨{index}⟩ ")
    return [w for w in (_STRIP.sub("", m.group(0)) for m in _WORD.finditer(text)) if w]


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()]


def long_sentences(golden: Golden) -> list[str]:
    problems = []
    for number, paragraph in enumerate(golden.paragraphs, 1):
        for sentence in sentences(paragraph):
            count = len(_words(sentence, golden.terms))
            if count > MAX_SENTENCE_WORDS:
                problems.append(f"đoạn {number}: câu {count} từ (tối đa {MAX_SENTENCE_WORDS}): “{sentence[:90]}…”")
    return problems


def repeated_passages(golden: Golden) -> list[str]:
    """Passages of REPEAT_WORDS words that occur twice or more (each reported once, longest first)."""
    seen: dict[tuple[str, ...], int] = {}
    repeated: dict[tuple[str, ...], list[int]] = {}
    for number, paragraph in enumerate(golden.paragraphs, 1):
        if number in golden.headings:  # a heading names what the text says: not a repetition
            continue
        words = _words(paragraph, golden.terms)
        for i in range(len(words) - REPEAT_WORDS + 1):
            gram = tuple(words[i:i + REPEAT_WORDS])
            if gram in seen:
                repeated.setdefault(gram, [seen[gram]]).append(number)
            else:
                seen[gram] = number
    by_paragraphs: dict[tuple[int, ...], str] = {}
    for gram, where in repeated.items():
        places = tuple(sorted(set(where)))
        by_paragraphs.setdefault(places, f"đoạn {', '.join(map(str, places))}: lặp lại “{' '.join(gram)} …”")
    return list(by_paragraphs.values())


def minimum_100(golden: Golden) -> list[str]:
    return [f"“{m.group(0)}”: nói “đạt 100%”" for m in _MINIMUM_100.finditer(golden.text)]


def town_after_reform(golden: Golden) -> list[str]:
    if golden.period < REFORM_PERIOD or "thị trấn" not in golden.text:
        return []
    return [f"“thị trấn” trong văn bản kỳ {golden.period} (từ 7/2025 không còn thị trấn)"]


def empty_columns(golden: Golden) -> list[str]:
    problems = []
    for number, table in enumerate(golden.tables, 1):
        if not table.rows:
            continue
        width = max(len(r) for r in table.rows)
        heads = table.header[-1] if table.header else []
        for column in range(width):
            if all(column >= len(r) or not r[column] for r in table.rows):
                head = heads[column] if column < len(heads) else f"cột {column + 1}"
                problems.append(f"bảng {number}: cột “{head}” trống ở mọi hàng")
    return problems


def unnamed_counts(golden: Golden, unit_names: Iterable[str]) -> list[str]:
    """A paragraph saying "N đơn vị" must name at least one unit or point to the annex."""
    names = [n for n in unit_names if n]
    problems = []
    for number, paragraph in enumerate(golden.paragraphs, 1):
        for match in _UNIT_COUNT.finditer(paragraph):
            if _RANK_BEFORE.search(paragraph[: match.start()]):
                continue
            if "Phụ lục" in paragraph or any(name in paragraph for name in names):
                continue
            problems.append(f"đoạn {number}: “{match.group(0)}” không nêu tên, không dẫn Phụ lục")
    return problems


def decimals(golden: Golden) -> list[str]:
    problems = []
    for number, paragraph in enumerate(golden.paragraphs, 1):
        for match in _SCORE_WORD.finditer(paragraph):
            if len(match.group(1).split(",")[1]) != 2:
                problems.append(f"đoạn {number}: “{match.group(0)}”: điểm viết hai chữ số thập phân")
        for match in _PERCENT.finditer(paragraph):
            if len(match.group(1).split(",")[1]) != 1:
                problems.append(f"đoạn {number}: “{match.group(0)}”: tỷ lệ viết một chữ số thập phân")
    for number, table in enumerate(golden.tables, 1):
        for row in table.rows:
            for cell in row:
                found = _TABLE_NUMBER.match(cell)
                if found and len(found.group(1)) != (1 if found.group(2) else 2):
                    problems.append(f"bảng {number}: “{cell}” không theo quy tắc số thập phân")
    return problems


def lint(text: str, unit_names: Iterable[str], terms: Iterable[str] = ()) -> list[str]:
    """Every problem of a golden text, check by check; `terms` (with the unit names) count as one word."""
    unit_names = tuple(unit_names)
    golden = parse(text)
    golden.terms = tuple(sorted({t.lower() for t in (*unit_names, *terms) if t.strip()}, key=len, reverse=True))
    return [*long_sentences(golden), *repeated_passages(golden), *minimum_100(golden), *town_after_reform(golden),
            *empty_columns(golden), *unnamed_counts(golden, unit_names), *decimals(golden)]
