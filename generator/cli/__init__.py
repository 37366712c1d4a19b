"""Command line: `congvan fetch | import | validate | inspect | generate | batch | templates | serve | users |
register | verify`.

Thin by design: it parses arguments, calls the pipeline and turns the project's own errors into
Vietnamese messages with exit status 2; anything unexpected exits 1 with the traceback saved to a file.
"""

from __future__ import annotations

import os
import sys

import typer

from generator.cli import i18n
from generator.cli.lazy import LazyGroup
from generator.common.crash import save_traceback, where_saved
from generator.common.errors import CongvanError

EXIT_OK, EXIT_UNEXPECTED, EXIT_USER, EXIT_INTERRUPTED = 0, 1, 2, 130

# The commands are declared in generator.cli.lazy.COMMANDS and imported only when used.
app = i18n.VietnameseTyper(
    cls=LazyGroup,
    name="congvan",
    help=(
        "Sinh công văn công khai kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) "
        "theo thể thức Nghị định 30/2020, dạng DOCX và PDF.\n\n"
        "Ví dụ: congvan generate fixtures/ha-noi/2024-07.xlsx --out output/"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """Makes the root a group of commands even though none is registered on it directly."""


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns (and exits with) 0, 1 or 2."""
    try:
        returned = app(args=argv, prog_name="congvan", standalone_mode=False)
        # Without standalone mode the framework turns typer.Exit(n) (and --help) into a return value.
        code = returned if isinstance(returned, int) else EXIT_OK
        if code == EXIT_INTERRUPTED:  # the framework turned Ctrl-C into Exit(130)
            print("Đã dừng theo yêu cầu.", file=sys.stderr)
    except CongvanError as error:
        report_error(error)
        code = EXIT_USER
    except i18n.UsageError as error:
        command = error.ctx.command_path if error.ctx else "congvan"
        try:
            message = i18n.usage_error_message(error)
        except Exception:
            message = error.format_message()
        print(f"Lỗi: {message}", file=sys.stderr)
        print(f"Xem hướng dẫn: {command} --help", file=sys.stderr)
        code = EXIT_USER
    except typer.Exit as done:  # the vendored click has no Exit/Abort of its own: they are typer's
        code = done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else EXIT_UNEXPECTED
        if _reader_went_away():
            code = EXIT_OK
    except BrokenPipeError:
        # The reader went away (`congvan inspect ... | head`): not an error, and nothing more to say.
        _silence_stdout()
        code = EXIT_OK
    except Exception:
        code = report_unexpected()
    if argv is None:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
        sys.exit(code)
    return code


def report_error(error: CongvanError) -> None:
    """Print a project error: its message, then one line per located problem."""
    lines = error.lines()
    print(f"Lỗi {error.category}: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(f"  {line}", file=sys.stderr)


def _reader_went_away() -> bool:
    """The framework turns a broken pipe into exit 1 after wrapping stdout; `| head` is not a failure."""
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def report_unexpected() -> int:
    """Save the traceback to a file of its own and tell the user where it is."""
    print(f"Lỗi ngoài dự kiến của chương trình.{where_saved(save_traceback())}", file=sys.stderr)
    return EXIT_UNEXPECTED
