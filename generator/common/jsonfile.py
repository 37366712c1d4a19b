"""JSON from outside (a snapshot, a sidecar, a recorded or live portal response), parsed with limits.

Python's parser takes a repeated key silently (the last wins), turns a 5.000-digit integer into a
ValueError, nesting into a bare RecursionError, and happily builds a 100 MB string. `parse_json`
refuses each with its place and a Vietnamese reason, and keeps numbers exact: an integer stays an
int, a decimal becomes a Decimal, and a number written with more than `max_number_chars`
characters stays its text (an `OversizedNumber`) for the caller to refuse where it is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

Path = tuple[str | int, ...]  # keys and 0-based indexes from the document's root


@dataclass(frozen=True)
class OversizedNumber:
    """A number written with more characters than any real figure needs (kept as its text)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class JsonLimits:
    max_depth: int = 16  # nesting of arrays and objects
    max_string: int = 10_000  # characters of one string
    max_key: int = 200  # characters of one key
    max_items: int = 200_000  # elements of one array
    max_keys: int = 200  # members of one object
    max_number_chars: int = 40  # characters of one number as written


@dataclass(frozen=True)
class JsonIssue:
    """Why a document is refused, and where: a path, or a line and column for a syntax error."""

    message: str
    path: Path = ()
    key: str | None = None  # the member concerned, when the issue is about one
    line: int | None = None
    column: int | None = None


class _Object(dict[str, object]):
    """A JSON object that remembers the keys it met more than once (the last would win silently)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    result = _Object(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        repeated: dict[str, None] = {}
        for key, _ in pairs:
            if key in seen:
                repeated[key] = None
            seen.add(key)
        result.repeated = tuple(repeated)
    return result


_REASONS = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên khóa phải đặt trong ngoặc kép",
    "Expecting ':' delimiter": "thiếu dấu “:” sau tên khóa",
    "Expecting ',' delimiter": "thiếu dấu phẩy giữa hai phần tử",
    "Unterminated string starting at": "chuỗi chưa được đóng ngoặc kép",
    "Invalid control character at": "chuỗi chứa ký tự điều khiển (hãy viết \\n, \\t)",
    "Invalid \\escape": "chuỗi có ký tự thoát “\\” không hợp lệ",
    "Invalid \\uXXXX escape": "chuỗi có mã \\uXXXX không hợp lệ",
    "Extra data": "có dữ liệu thừa sau phần JSON chính",
}


def syntax_reason(message: str) -> str:
    """The JSON parser's English reason in Vietnamese (the English kept for what is not listed)."""
    for english, vietnamese in _REASONS.items():
        if message.startswith(english):
            return vietnamese
    return message


def parse_json(text: str, limits: JsonLimits = JsonLimits()) -> tuple[object, tuple[JsonIssue, ...]]:
    """The document and no issue, or None and the issues that refuse it (each located)."""

    def integer(digits: str) -> int | OversizedNumber:
        # Python refuses to turn more than 4.300 digits into an int (and is slow well before that).
        return int(digits) if len(digits) <= limits.max_number_chars else OversizedNumber(digits)

    def decimal(digits: str) -> Decimal | OversizedNumber:
        return Decimal(digits) if len(digits) <= limits.max_number_chars else OversizedNumber(digits)

    try:
        # NaN and Infinity are not JSON: they stay text, which a caller refuses as "not a number".
        document = json.loads(text, parse_float=decimal, parse_int=integer, parse_constant=str,
                              object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        return None, (JsonIssue(f"nội dung không phải JSON hợp lệ: {syntax_reason(exc.msg)}",
                                line=exc.lineno, column=exc.colno),)
    except RecursionError:
        line, column = _too_deep_at(text, limits.max_depth)
        return None, (JsonIssue(f"dữ liệu JSON lồng nhau quá {limits.max_depth} tầng", line=line, column=column),)
    issues = tuple(_check_tree(document, limits))
    return (None if issues else document), issues


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_at(text: str, max_depth: int) -> tuple[int, int]:
    """Line and column of the bracket that first goes deeper than `max_depth` (after a RecursionError)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                start = match.start()
                return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
        elif token in "]}":
            depth -= 1
    return 1, 1  # pragma: no cover - only called when the parser found the nesting too deep


def _check_tree(document: object, limits: JsonLimits) -> Iterator[JsonIssue]:
    """Repeated keys (all of them), then the first thing over a limit (and nothing after it), in
    reading order (depth first). Numbers, booleans and null need no check and are not visited: a
    10.000-unit snapshot has some 170.000 values, mostly numbers."""
    issues: list[JsonIssue] = []
    _check_node(document, (), limits, issues)
    return iter(issues)


def _check_node(value: object, path: Path, limits: JsonLimits, issues: list[JsonIssue]) -> bool:
    """Check one value and what it holds, appending to `issues`; True when a limit stops the check."""
    if isinstance(value, str):
        if len(value) <= limits.max_string:
            return False
        member = path[-1] if path and isinstance(path[-1], str) else None
        issues.append(JsonIssue(f"chuỗi dài {len(value)} ký tự, quá giới hạn {limits.max_string} ký tự",
                                path[:-1] if member is not None else path, member))
        return True
    if not isinstance(value, (dict, list)):
        return False
    if len(path) >= limits.max_depth:  # not descended into
        if value:
            issues.append(JsonIssue(f"dữ liệu JSON lồng nhau quá {limits.max_depth} tầng", path))
            return True
        return False
    if isinstance(value, list):
        if len(value) > limits.max_items:
            issues.append(JsonIssue(f"danh sách có {len(value)} phần tử, quá giới hạn {limits.max_items} phần tử",
                                    path))
            return True
        for index, item in enumerate(value):
            if isinstance(item, (str, dict, list)) and _check_node(item, (*path, index), limits, issues):
                return True
        return False
    if len(value) > limits.max_keys:
        issues.append(JsonIssue(f"đối tượng có {len(value)} khóa, quá giới hạn {limits.max_keys} khóa", path))
        return True
    if value and max(map(len, value)) > limits.max_key:  # in C: a 10.000-unit snapshot has 10.000 objects
        long_key = next(k for k in value if len(k) > limits.max_key)
        shown = long_key[:40] + "…"
        issues.append(JsonIssue(f"tên khóa \"{shown}\" dài {len(long_key)} ký tự, quá giới hạn {limits.max_key} "
                                "ký tự", path))
        return True
    for key in getattr(value, "repeated", ()):
        issues.append(JsonIssue("lặp lại trong cùng một đối tượng (chỉ một giá trị được đọc, giá trị kia sẽ bị "
                                "bỏ qua mà không ai biết); hãy giữ lại một", path, key))
    for key, item in value.items():
        if type(item) in _LEAVES:  # most values are numbers: nothing in them to check
            continue
        if isinstance(item, str):  # or short strings: checked here, no call
            if len(item) > limits.max_string and _check_node(item, (*path, str(key)), limits, issues):
                return True
        elif isinstance(item, (dict, list)) and _check_node(item, (*path, str(key)), limits, issues):
            return True
    return False


# What the parser makes of a number, true, false and null: nothing in them to check.
_LEAVES = frozenset({int, Decimal, float, bool, type(None), OversizedNumber})
