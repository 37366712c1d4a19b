"""Start-up: each command imports what it uses and nothing else (measured in bench/bench_startup.py).

Each test runs a fresh interpreter, since what a process has imported is the point.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer

from generator.cli import app
from generator.cli.lazy import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
JULY = ROOT / "fixtures" / "ha-noi" / "2024-07.xlsx"

_REPORT = (
    "import json, sys\n"
    "from generator.cli import main\n"
    "code = main(sys.argv[2:])\n"
    "wanted = json.loads(sys.argv[1])\n"
    "print(json.dumps({'code': code, 'loaded': [m for m in wanted if m in sys.modules]}))\n"
)


def _loaded_after(argv: list[str], modules: list[str]) -> tuple[int, list[str]]:
    """Run the CLI with `argv` in a fresh interpreter; which of `modules` it imported."""
    result = subprocess.run([sys.executable, "-c", _REPORT, json.dumps(modules), *argv], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["code"], report["loaded"]


def test_help_imports_no_command_and_no_pipeline() -> None:
    """`congvan --help` lists every command without importing one of them or any pipeline stage."""
    modules = sorted({c.module for c in COMMANDS}) + [
        "generator.build", "generator.snapshot", "generator.render", "pydantic", "openpyxl", "rich.progress",
        "pandas", "sqlalchemy", "weasyprint"]
    code, loaded = _loaded_after(["--help"], modules)
    assert code == 0 and loaded == []


def test_generate_imports_neither_batch_machinery_nor_fonttools_subsetter(tmp_path: Path) -> None:
    """`generate` does not import the batch, the progress bar, other commands, the rich help or fontTools'
    subsetter and instancer (HarfBuzz subsets); it does import both renderers."""
    modules = ["generator.build.batch", "multiprocessing", "rich.progress", "typer.rich_utils", "rich",
               "fontTools.subset", "fontTools.varLib.instancer", "generator.cli.batch_cmd",
               "generator.cli.snapshot_cmds", "generator.register", "sqlalchemy", "generator.web",
               "generator.render.pdf", "generator.render.docx"]
    code, loaded = _loaded_after(["generate", str(JULY), "--out", str(tmp_path)], modules)
    assert code == 0
    assert loaded == ["generator.render.pdf", "generator.render.docx"]


def test_listed_summaries_are_the_commands_own_first_paragraph() -> None:
    """What `congvan --help` lists for a command, without importing it, is the start of its own help;
    and every command the modules declare is listed."""
    root = typer.main.get_command(app)
    root.load_all()
    declared = {name: (command.help or "").split("\n\n")[0] for name, command in root.commands.items()}
    assert declared == {c.name: c.summary for c in COMMANDS}


def test_unknown_command_suggests_a_close_one(capsys) -> None:  # type: ignore[no-untyped-def]
    """A mistyped command is a usage error in Vietnamese naming the closest command."""
    from generator.cli import main

    assert main(["genrate"]) == 2
    err = capsys.readouterr().err
    assert "Không có lệnh 'genrate'. Có phải ý bạn là: generate?" in err
    assert "Did you mean" not in err


def test_only_an_xlsx_snapshot_imports_openpyxl() -> None:
    """openpyxl (some 0,2 s and, in a process that renders the dispatch, 6 to 10 MiB of its peak) is
    imported to read an XLSX snapshot, not a JSON one."""
    script = ("import sys\nfrom generator.snapshot import load_snapshot\n"
              "load_snapshot(sys.argv[1])\nprint('openpyxl' in sys.modules)\n")
    loaded = {path.suffix: subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True,
                                          text=True, check=True).stdout.strip()
              for path in (ROOT / "fixtures" / "edge" / "2025-09.json", JULY)}
    assert loaded == {".json": "False", ".xlsx": "True"}
