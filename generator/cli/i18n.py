"""Vietnamese wording for the command-line framework's own texts (help panels, usage errors)."""

from __future__ import annotations

import re

from typer import rich_utils
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click import formatting as click_formatting

HELP_OPTION_TEXT = "Hiển thị hướng dẫn này rồi thoát."
USAGE_PREFIX = "Cách dùng: "


def install() -> None:
    """Replace Typer's English panel titles with Vietnamese ones (they are read at call time)."""
    rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
    rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
    rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
    rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
    rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
    rich_utils.DEFAULT_STRING = "[mặc định: {}]"
    rich_utils.ABORTED_TEXT = "Đã dừng."
    rich_utils.RICH_HELP = "Xem [blue]'{command_path} {help_option}'[/] để được hướng dẫn."
    _patch_framework_texts()


def _patch_framework_texts() -> None:
    """The vendored click hard-codes two English texts (the help option and "Usage:"); wrap them once."""
    if getattr(click_core.Command.get_help_option, "_congvan", False):
        return
    original_help_option = click_core.Command.get_help_option
    original_write_usage = click_formatting.HelpFormatter.write_usage

    def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
        option = original_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def write_usage(self, prog, args="", prefix=None):  # type: ignore[no-untyped-def]
        return original_write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    get_help_option._congvan = True  # type: ignore[attr-defined]
    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]
    click_formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


def usage_error_message(error: click_exceptions.UsageError) -> str:
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
    message = error.format_message()
    if message.startswith("No such command"):
        return f"Không có lệnh {message.removeprefix('No such command').strip(' .')}."
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
        return options[0]
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
