"""Vietnamese wording for the command-line framework's own texts (help panels, usage errors).

The one module that knows how Typer words things. It uses Typer's public extension points: the
command and group classes (`cls=`, here set by `VietnameseTyper`) and the help panel titles that
`typer.rich_utils` reads at call time. Typer vendors click as `typer._click`; only its exception
classes are read from there, to word a usage error (the CLI falls back to the framework's own
message if the wording fails, see `generator.cli.main`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from typer._click import exceptions as click_exceptions
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

__all__ = ["UsageError", "VietnameseTyper", "install", "usage_error_message"]

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])

HELP_OPTION_TEXT = "Hiển thị hướng dẫn này rồi thoát."
USAGE_PREFIX = "Cách dùng: "


def install() -> None:
    """Vietnamese help panel titles (Typer reads these module constants each time it draws help).

    Called when help is drawn, not at start-up: Typer's rich help module (with rich's Markdown and
    markdown-it) costs some 65 ms to import, which a command that draws no help never pays.
    """
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
    rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
    rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
    rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
    rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
    rich_utils.DEFAULT_STRING = "[mặc định: {}]"
    rich_utils.ABORTED_TEXT = "Đã dừng."
    rich_utils.RICH_HELP = "Xem [blue]'{command_path} {help_option}'[/] để được hướng dẫn."


class _VietnameseTexts:
    """The help option's text and the "Usage:" prefix, in Vietnamese, for one command class."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        install()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)


class VietnameseCommand(_VietnameseTexts, TyperCommand):
    pass


class VietnameseGroup(_VietnameseTexts, TyperGroup):
    pass


class VietnameseTyper(typer.Typer):
    """A Typer app whose groups and commands speak Vietnamese in their help and usage lines."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", VietnameseGroup)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[CommandFunction], CommandFunction]:
        kwargs.setdefault("cls", VietnameseCommand)
        return super().command(*args, **kwargs)


def usage_error_message(error: UsageError) -> str:
    """A Vietnamese sentence for a usage error raised by the argument parser."""
    if isinstance(error, click_exceptions.NoSuchOption):
        hint = f" Có phải ý bạn là: {', '.join(sorted(error.possibilities))}?" if error.possibilities else ""
        return f"Không có tùy chọn {error.option_name}.{hint}"
    if isinstance(error, click_exceptions.MissingParameter):
        return f"Thiếu {_param_name(error.param)}."
    if isinstance(error, click_exceptions.BadOptionUsage):
        return f"Tùy chọn {error.option_name} dùng sai: {error.message}"
    if isinstance(error, click_exceptions.BadParameter):
        return f"Giá trị không hợp lệ cho {_param_name(error.param)}: {_translate(error.message)}"
    message = str(error.format_message())
    if message.startswith("No such command"):
        name = message.removeprefix("No such command").split(".")[0].strip()
        close = getattr(error, "possibilities", None)
        hint = f" Có phải ý bạn là: {', '.join(close)}?" if close else ""
        return f"Không có lệnh {name}.{hint}"
    if message.startswith("Got unexpected extra argument"):
        return "Thừa tham số: " + message.split("(", 1)[-1].rstrip(")")
    if message == "Missing command.":
        return "Thiếu tên lệnh."
    return _translate(message)


def _param_name(param: object) -> str:
    """How the user wrote the parameter: its long option (--jobs) or its argument's metavar."""
    if param is None:
        return "tham số"
    options = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    if options:
        return str(options[0])
    return str(getattr(param, "metavar", None) or getattr(param, "name", None) or "tham số")


_PYDANTIC_MESSAGES = (
    (re.compile(r"Input should be a valid integer.*"), "phải là một số nguyên"),
    (re.compile(r"Input should be a valid number.*"), "phải là một số"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"phải lớn hơn hoặc bằng \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"phải nhỏ hơn hoặc bằng \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"phải lớn hơn \1"),
)


def _translate(message: str) -> str:
    for pattern, vietnamese in _PYDANTIC_MESSAGES:
        if pattern.match(message):
            return pattern.sub(vietnamese, message)
    replacements = {
        "does not exist": "không tồn tại",
        "is not a valid integer": "không phải số nguyên",
        "is not a valid": "không hợp lệ:",
        "is a directory": "là một thư mục",
        "is not in the range": "nằm ngoài khoảng",
    }
    for english, vietnamese in replacements.items():
        message = message.replace(english, vietnamese)
    return message
