"""Read YAML while remembering the line of every key, so configuration errors can say `FILE:LINE`.

Every file this project reads as YAML (profiles, rule files, template manifests, the meta sidecar
of a CSV snapshot) is plain data written by a person: no aliases, no merge keys, no tags, one
document, a few levels deep. The loader refuses the rest up front, which also keeps a small
hostile file from expanding into gigabytes ("billion laughs") or recursing without end. Every
refusal is a ConfigError in Vietnamese naming the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from generator.common.bounded import NotReadable, read_bounded
from generator.common.errors import ConfigError, Problem

KeyPath = tuple[str | int, ...]

MAX_YAML_BYTES = 2 * 1024 * 1024  # far above any profile or rule file
MAX_YAML_DEPTH = 24  # nesting of mappings and lists
MAX_YAML_NODES = 200_000  # keys, values and list items together
MAX_SCALAR_CHARS = 100_000  # one value (a long text of a rule is a few hundred characters)
MAX_NUMBER_CHARS = 100  # an integer or float as written: int() is slow and limited past 4.300 digits

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in
                        ("str", "int", "float", "bool", "null", "timestamp", "map", "seq"))


@dataclass(frozen=True)
class YamlDocument:
    """Plain Python data from a YAML file plus the 1-based line of each key path."""

    path: Path
    data: Any
    lines: dict[KeyPath, int]

    def line_of(self, key_path: KeyPath) -> int:
        """The line of the deepest known prefix of `key_path` (1 when nothing is known)."""
        probe = tuple(key_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)

    def problem(self, key_path: KeyPath, message: str) -> Problem:
        """A Problem located at the line of `key_path`."""
        return Problem(str(self.path), message, row=self.line_of(key_path))


class _Refused(Exception):
    """The loader met something it does not accept; says what (Vietnamese) and where."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


class _Loader(yaml.SafeLoader):
    """The safe loader with no aliases, bounded depth and node count, and only plain tags."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def _next_mark(self) -> Any:
        return self.peek_event().start_mark  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(
                f"không dùng tham chiếu YAML “*{event.anchor}”; hãy viết thẳng giá trị",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise _Refused(f"tệp có quá {MAX_YAML_NODES} giá trị", self._next_mark())
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused(f"dữ liệu lồng nhau quá {MAX_YAML_DEPTH} tầng", self._next_mark())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Builder:
    """Plain data from the node tree, with the line of every key; one per document."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()  # builds one scalar at a time; its cache dies with it

    def convert(self, node: yaml.Node, path: KeyPath = ()) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(f"không dùng thẻ kiểu YAML “{node.tag}”", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                raise _Refused("không dùng khóa gộp YAML “<<”; hãy viết thẳng từng khóa", key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused("khóa phải là chữ hoặc số, không phải danh sách hay bảng", key_node.start_mark)
            key = self.scalar(key_node)
            if key in first_line:
                self.problems.append(Problem(
                    self.file, f"khóa “{_shown(key)}” lặp lại (đã có ở dòng {first_line[key]}); chỉ một "
                               "giá trị được đọc, hãy giữ lại một", row=line))
                continue
            first_line[key] = line
            self.lines[path + (key,)] = line
            result[key] = self.convert(value_node, path + (key,))
        return result

    def scalar(self, node: yaml.Node) -> Any:
        """A scalar resolved exactly as safe_load would (ints, floats, bools, dates, strings)."""
        if len(node.value) > MAX_SCALAR_CHARS:
            raise _Refused(f"giá trị dài {len(node.value)} ký tự, quá giới hạn {MAX_SCALAR_CHARS} ký tự",
                           node.start_mark)
        if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            raise _Refused(f"số “{node.value[:40]}…” quá dài", node.start_mark)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, TypeError, yaml.YAMLError):
            # e.g. a timestamp such as 2024-02-30, which the YAML grammar accepts and the calendar not
            raise _Refused(f"giá trị “{_shown(node.value)}” không đọc được (ngày giờ hoặc số không hợp lệ)",
                           node.start_mark) from None


def _shown(key: object) -> str:
    text = str(key)
    return text if len(text) <= 60 else text[:60] + "…"


# PyYAML's reasons as a person editing the file needs them, in Vietnamese.
_REASONS = (
    ("mapping values are not allowed here",
     "không được đặt dấu “:” ở đây (thụt lề sai, hoặc giá trị có dấu “: ” cần đặt trong ngoặc kép)"),
    ("could not find expected ':'", "thiếu dấu “:” sau tên khóa"),
    ("found character '\\t' that cannot start any token", "có ký tự tab; YAML chỉ thụt lề bằng dấu cách"),
    ("found character", "có ký tự không được bắt đầu một giá trị ở đây (hãy đặt giá trị trong ngoặc kép)"),
    ("expected <block end>", "thụt lề không khớp với các dòng trên"),
    ("expected a mapping", "cần các cặp khóa: giá trị ở đây"),
    ("expected ',' or ']'", "danh sách trong ngoặc vuông chưa đóng hoặc thiếu dấu phẩy"),
    ("expected ',' or '}'", "bảng trong ngoặc nhọn chưa đóng hoặc thiếu dấu phẩy"),
    ("found unexpected end of stream", "tệp kết thúc khi một chuỗi trong ngoặc kép chưa đóng"),
    ("found unknown escape character", "chuỗi có ký tự thoát “\\” không hợp lệ"),
    ("found unexpected ':'", "có dấu “:” không đúng chỗ"),
    ("expected alphabetic or numeric character", "tên neo/tham chiếu YAML (& hoặc *) không hợp lệ"),
    ("found undefined alias", "không dùng tham chiếu YAML; hãy viết thẳng giá trị"),
    ("expected a single document", "tệp chỉ được có một phần YAML (bỏ dòng “---” thừa)"),
    ("found duplicate anchor", "tên neo YAML bị dùng hai lần"),
    ("expected the node content", "thiếu giá trị"),
    ("expected a comment or a line break", "có nội dung thừa sau giá trị (hãy đặt giá trị trong ngoặc kép)"),
    ("found a tab character", "có ký tự tab; YAML chỉ thụt lề bằng dấu cách"),
    ("did not find expected key", "thụt lề không khớp hoặc thiếu tên khóa"),
    ("did not find expected '-' indicator", "thụt lề của danh sách không khớp"),
    ("could not find expected", "cấu trúc chưa được đóng đúng"),
    ("found unhashable key", "khóa phải là chữ hoặc số"),
)


def _reason(english: str) -> str:
    for start, vietnamese in _REASONS:
        if english.startswith(start):
            return vietnamese
    return f"cấu trúc YAML không hợp lệ ({english})"


def _syntax_problem(file: str, text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        # A character YAML does not allow (a control character); the reader gives a position only.
        position = min(exc.position, len(text))
        line = text.count("\n", 0, position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return Problem(file, f"có ký tự không được phép trong YAML (U+{code:04X})", row=line)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = mark.line + 1 if mark is not None else None
    english = getattr(exc, "problem", None) or str(exc)
    return Problem(file, f"lỗi cú pháp YAML: {_reason(english)}", row=where)


def _read_text(path: Path, what: str, max_bytes: int) -> str:
    """The UTF-8 text of a regular file, refused (ConfigError) when missing, too large or not UTF-8."""
    file = str(path)
    try:
        data = read_bounded(path, max_bytes)
    except NotReadable as refused:
        if refused.reason == "không tìm thấy tệp":
            raise ConfigError(f"Không tìm thấy {what}: {path}") from None
        raise ConfigError(f"Không đọc được {what} {path}", (Problem(file, refused.reason),)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{what.capitalize()} không phải văn bản mã UTF-8",
            (Problem(file, f"tệp không phải văn bản mã UTF-8 (byte 0x{data[exc.start]:02x} không hợp lệ, "
                           "có thể là mã Windows-1258 hoặc TCVN3); hãy lưu lại với mã hóa UTF-8", row=line),),
        ) from None


_BOM = re.compile("^\ufeff")


def parse_yaml(text: str, path: Path, what: str = "tệp cấu hình") -> YamlDocument:
    """Parse YAML text read from `path`; every refusal is a ConfigError naming file and line."""
    file = str(path)
    text = _BOM.sub("", text)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        builder = _Builder(file)
        data = builder.convert(node) if node is not None else None
        lines, problems = builder.lines, builder.problems
    except _Refused as refused:
        raise ConfigError(f"{what.capitalize()} có nội dung không được chấp nhận",
                          (Problem(file, refused.message, row=refused.line),)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{what.capitalize()} không đúng cú pháp YAML",
                          (_syntax_problem(file, text, exc),)) from None
    except RecursionError:  # pragma: no cover - MAX_YAML_DEPTH stops nesting long before
        raise ConfigError(f"{what.capitalize()} lồng nhau quá sâu", (Problem(file, "lồng nhau quá sâu"),)) from None
    if problems:
        raise ConfigError(f"{what.capitalize()} có khóa lặp lại", tuple(problems))
    return YamlDocument(path, data, lines)


def load_yaml(path: Path, what: str = "tệp cấu hình", *, max_bytes: int = MAX_YAML_BYTES) -> YamlDocument:
    """Read and parse `path` (see `parse_yaml`); a missing, unreadable or oversized file is a ConfigError."""
    return parse_yaml(_read_text(path, what, max_bytes), path, what)
