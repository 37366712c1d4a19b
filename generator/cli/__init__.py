"""Command line: `congvan validate | inspect | generate | batch | templates ...`.

Thin by design: it parses arguments, calls the pipeline and turns the project's own errors into
Vietnamese messages with exit status 2; anything unexpected exits 1 with the traceback saved to a file.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

import typer
from typer._click import exceptions as click_exceptions

from generator.cli import i18n
from generator.errors import CongvanError

EXIT_OK, EXIT_UNEXPECTED, EXIT_USER, EXIT_INTERRUPTED = 0, 1, 2, 130

i18n.install()

app = typer.Typer(
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


def _register() -> None:
    from generator.cli import batch_cmd, generate_cmd, snapshot_cmds, templates_cmd

    snapshot_cmds.register(app)
    generate_cmd.register(app)
    batch_cmd.register(app)
    app.add_typer(templates_cmd.app, name="templates")


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns (and exits with) 0, 1 or 2."""
    _register()
    try:
        returned = app(args=argv, prog_name="congvan", standalone_mode=False)
        # Without standalone mode the framework turns typer.Exit(n) (and --help) into a return value.
        code = returned if isinstance(returned, int) else EXIT_OK
        if code == EXIT_INTERRUPTED:  # the framework turned Ctrl-C into Exit(130)
            print("Đã dừng theo yêu cầu.", file=sys.stderr)
    except CongvanError as error:
        report_error(error)
        code = EXIT_USER
    except click_exceptions.UsageError as error:
        command = error.ctx.command_path if error.ctx else "congvan"
        print(f"Lỗi: {i18n.usage_error_message(error)}", file=sys.stderr)
        print(f"Xem hướng dẫn: {command} --help", file=sys.stderr)
        code = EXIT_USER
    except typer.Exit as done:  # the vendored click has no Exit/Abort of its own: they are typer's
        code = done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else EXIT_UNEXPECTED
    except Exception:  # noqa: BLE001 - the last resort: never a traceback on the user's screen
        code = report_unexpected()
    if argv is None:
        sys.exit(code)
    return code


def report_error(error: CongvanError) -> None:
    """Print a project error: its message, then one line per located problem."""
    lines = error.lines()
    print(f"Lỗi {error.category}: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(f"  {line}", file=sys.stderr)


def report_unexpected() -> int:
    """Save the traceback to a file and tell the user where it is."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"congvan-loi-{stamp}.txt"
    try:
        path.write_text(traceback.format_exc(), encoding="utf-8")
        where = f" Chi tiết kỹ thuật đã lưu tại {path}; hãy gửi tệp này cho nhóm phát triển."
    except OSError:
        where = ""
    print(f"Lỗi ngoài dự kiến của chương trình.{where}", file=sys.stderr)
    return EXIT_UNEXPECTED
