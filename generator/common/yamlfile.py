"""Read YAML while remembering the line of every key, so configuration errors can say `FILE:LINE`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.common.errors import ConfigError, Problem

KeyPath = tuple[str | int, ...]


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


def _convert(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, path + (key,), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), lines) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    # Resolve the scalar exactly as safe_load would (ints, floats, bools, dates, strings).
    return yaml.safe_load(yaml.serialize(node))


def load_yaml(path: Path, what: str = "tệp cấu hình") -> YamlDocument:
    """Parse `path`; a missing file or a syntax error becomes a ConfigError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Không tìm thấy {what}: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Không đọc được {what} {path}: {exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{what.capitalize()} không đúng cú pháp YAML",
            (Problem(str(path), f"lỗi cú pháp YAML: {reason}", row=line),),
        ) from None
    lines: dict[KeyPath, int] = {}
    data = _convert(node, (), lines) if node is not None else None
    return YamlDocument(path, data, lines)
