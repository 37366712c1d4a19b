"""The project's own error family.

Only these are shown to users as plain messages with exit status 2; anything else is a bug and
is reported with exit status 1 (traceback saved to a file, not thrown at the user).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What str.splitlines() breaks on: none of it may split one problem over several lines.
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with every line-breaking character shown as its escape (\\u2028), so it stays one line."""
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file: `FILE:ROW:COLUMN: message`."""

    file: str
    message: str
    row: int | str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(str(self.row))
        if self.column is not None:
            where.append(self.column)
        return one_line(f"{':'.join(where)}: {self.message}")


class CongvanError(Exception):
    """Base of every expected (user-facing) error. Messages are Vietnamese."""

    category = "lỗi"

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)

    def lines(self) -> list[str]:
        """The message followed by one line per located problem."""
        return [self.message, *(str(p) for p in self.problems)]


class SnapshotError(CongvanError):
    """The snapshot file cannot be read or does not satisfy the contract."""

    category = "số liệu"


class ConfigError(CongvanError):
    """An issuer profile, rule file or other configuration is wrong or missing."""

    category = "cấu hình"


class TemplateError(CongvanError):
    """A template is malformed, unsafe, touches an unknown variable, or is not approved."""

    category = "mẫu văn bản"


class RenderError(CongvanError):
    """A document could not be rendered to DOCX or PDF."""

    category = "kết xuất"


class UsageError(CongvanError):
    """A command-line option is wrong."""

    category = "tham số"
