"""The command line: exit codes 0/1/2, Vietnamese messages and help, files only under --out."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import typer
from e2e_support import EDGE, FIXTURES, HA_NOI, JULY

import generator.build.inputs
from generator.build import DISPATCH_TEMPLATE, RULES_TEMPLATE
from generator.cli import app, main
from generator.content.registry import find_template

INVALID = FIXTURES / "invalid"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_validate_accepts_a_good_snapshot_with_a_summary(capsys):
    """validate on the July fixture exits 0 and summarises authority, score and units."""
    assert main(["validate", str(JULY)]) == 0
    out = capsys.readouterr().out
    assert "Tệp hợp lệ" in out
    assert "58,86/100, xếp hạng 58/63" in out
    assert "Sở, ban, ngành: 21 đơn vị" in out


def test_validate_reports_every_problem_as_file_row_column(capsys):
    """validate on a file with many problems exits 2 and prints each one as FILE:ROW:COLUMN: message."""
    snapshot = INVALID / "many-unit-problems.xlsx"
    expected = (INVALID / "many-unit-problems.xlsx.expected").read_text(encoding="utf-8").splitlines()
    assert main(["validate", str(snapshot)]) == 2
    err = capsys.readouterr().err
    located = [line.strip() for line in err.splitlines() if re.match(r"\s+\S+\[units\]:\d+:[A-Z]+: ", line)]
    assert len(located) == len(expected) > 1
    for line, want in zip(located, expected):
        assert line == f"{snapshot.parent}/{want}" or line.endswith(want)


def test_unknown_option_is_a_usage_error_in_vietnamese(capsys):
    """An unknown option exits 2 with "Không có tùy chọn" and where to find help."""
    assert main(["generate", str(JULY), "--bogus"]) == 2
    err = capsys.readouterr().err
    assert "Không có tùy chọn --bogus" in err
    assert "congvan generate --help" in err


@pytest.mark.parametrize("option, value, message", [
    ("--formats", "docx,odt", "--formats không hợp lệ"),
    ("--date", "2024-13-01", "--date không hợp lệ"),
    ("--number", "12a", "--number không hợp lệ"),
])
def test_bad_option_values_exit_2_before_writing(tmp_path, capsys, option, value, message):
    """A bad --formats, --date or --number exits 2 with a message and writes nothing."""
    out = tmp_path / "out"
    assert main(["generate", str(JULY), "--out", str(out), option, value]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_snapshot_of_an_unknown_authority_needs_a_profile(tmp_path, capsys):
    """A snapshot whose authority matches no profile exits 2 with "Không có hồ sơ cơ quan"."""
    snapshot = shutil.copy(EDGE, tmp_path / "2025-09.json")
    out = tmp_path / "out"
    assert main(["generate", str(snapshot), "--out", str(out)]) == 2
    assert "Không có hồ sơ cơ quan" in capsys.readouterr().err
    assert not out.exists()


def test_missing_profile_file_exits_2(tmp_path, capsys):
    """--profile naming a file that does not exist exits 2 and names the file."""
    missing = tmp_path / "khong-co.yaml"
    assert main(["generate", str(JULY), "--out", str(tmp_path / "out"), "--profile", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """One `congvan generate` of the July fixture (with its history beside it) into a fresh --out."""
    out = tmp_path_factory.mktemp("generate") / "out"
    before = sorted(p.name for p in HA_NOI.iterdir())
    code = main(["generate", str(JULY), "--out", str(out), "--number", "2562", "--date", "2024-08-06"])
    return code, out, before


def test_generate_writes_docx_pdf_and_manifest_under_out_only(generated):
    """generate exits 0, writes DOCX, PDF and manifest.json under --out and nothing beside the input."""
    code, out, before = generated
    assert code == 0
    assert sorted(p.name for p in HA_NOI.iterdir()) == before
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["ha-noi/2024-07/.state/lock",  # the run folder's lock; nothing else of the run is left
                       "ha-noi/2024-07/cong-van-2024-07.docx", "ha-noi/2024-07/cong-van-2024-07.pdf",
                       "ha-noi/2024-07/manifest.json"]


def test_generate_manifest_records_inputs_templates_and_file_hashes(generated):
    """The manifest names the snapshot with its hash, each template's id/version/hash/status, each file's hash."""
    _, out, _ = generated
    folder = out / "ha-noi" / "2024-07"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert Path(manifest["snapshot"]["path"]).resolve() == JULY.resolve()
    assert manifest["snapshot"]["sha256"] == _sha256(JULY)
    templates = {t["id"]: t for t in manifest["templates"]}
    for template_id in (DISPATCH_TEMPLATE, RULES_TEMPLATE):
        info = find_template(template_id)
        assert templates[info.id] == {"id": info.id, "version": info.version, "sha256": info.sha256,
                                      "status": info.status}
    (document,) = manifest["documents"]
    assert {f["format"] for f in document["files"]} == {"docx", "pdf"}
    for f in document["files"]:
        path = folder / f["path"]
        assert f["sha256"] == _sha256(path) and f["bytes"] == path.stat().st_size
    assert manifest["options"]["number"] == "2562" and manifest["options"]["date"] == "2024-08-06"


def test_generated_files_are_complete(generated):
    """The DOCX is a zip package Word can open and the PDF is whole (header to %%EOF)."""
    import docx

    _, out, _ = generated
    folder = out / "ha-noi" / "2024-07"
    assert docx.Document(str(folder / "cong-van-2024-07.docx")).paragraphs
    pdf = (folder / "cong-van-2024-07.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_generated_files_have_ordinary_permissions(generated):
    """Results are readable like any new file (0666 less the umask), not owner-only temporaries."""
    import os

    _, out, _ = generated
    umask = os.umask(0)
    os.umask(umask)
    for path in (out / "ha-noi" / "2024-07").iterdir():
        if path.is_file():  # the documents and the manifest (.state is the run's bookkeeping folder)
            assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path.name


def test_out_that_is_a_file_is_a_user_error(tmp_path, capsys):
    """--out naming an existing file exits 2 with a Vietnamese reason, not a traceback."""
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    assert main(["generate", str(JULY), "--out", str(blocker), "--formats", "docx"]) == 2
    err = capsys.readouterr().err
    assert "Không tạo được thư mục kết quả" in err and "không phải thư mục" in err
    assert "Traceback" not in err


def test_invalid_snapshot_writes_nothing(tmp_path, capsys):
    """generate on an invalid snapshot exits 2 with located problems and never creates --out."""
    out = tmp_path / "out"
    assert main(["generate", str(INVALID / "score-above-max.xlsx"), "--out", str(out)]) == 2
    assert "score-above-max.xlsx[units]:5:E:" in capsys.readouterr().err
    assert not out.exists()


def test_unexpected_error_exits_1_with_traceback_saved_not_shown(tmp_path, monkeypatch, capsys):
    """A bug (RuntimeError inside the pipeline) exits 1; stderr names a saved traceback, shows none."""
    def broken(*args, **kwargs):
        raise RuntimeError("hỏng có chủ đích")

    monkeypatch.setattr(generator.build.inputs, "analyse", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["generate", str(JULY), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RuntimeError" not in err
    saved = list(tmp_path.glob("congvan-loi-*.txt"))
    assert len(saved) == 1 and str(saved[0]) in err
    assert "RuntimeError: hỏng có chủ đích" in saved[0].read_text(encoding="utf-8")
    assert not (tmp_path / "out").exists()


def _command_paths() -> list[list[str]]:
    """Every command and sub-command the CLI offers, as argument lists."""
    root = typer.main.get_command(app)
    root.load_all()  # the root imports a command's module only when it is used
    paths: list[list[str]] = [[]]

    def walk(group, prefix: list[str]) -> None:  # type: ignore[no-untyped-def]
        for name, command in getattr(group, "commands", {}).items():
            paths.append([*prefix, name])
            walk(command, [*prefix, name])

    walk(root, [])
    return paths


@pytest.mark.parametrize("command", [" ".join(p) for p in _command_paths()], ids=lambda c: c or "congvan")
def test_help_is_vietnamese_with_an_example(capsys, command):
    """`--help` of every command is in Vietnamese and shows a "Ví dụ" (example)."""
    assert main([*command.split(), "--help"]) == 0
    out = capsys.readouterr().out
    assert "Ví dụ" in out
    assert "Cách dùng" in out
    for english in ("Usage:", "Show this message", "Options", "Arguments", "Commands"):
        assert english not in out


def test_inspect_prints_plain_ranking_with_ties_when_not_a_terminal(capsys):
    """inspect to a pipe prints plain text tables; tied departments share rank 2 and the next is 4."""
    assert main(["inspect", str(JULY)]) == 0
    out = capsys.readouterr().out
    assert "╭" not in out and "┃" not in out and "│" not in out  # no rich box drawing
    ranks = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[0].isdigit():
            ranks.setdefault(fields[1], int(fields[0]))
    assert ranks["SQHKT"] == 1
    assert ranks["SKHCN"] == ranks["SNGV"] == 2
    assert ranks["STC"] == 4
    assert "Hạng" in out and "Tổng điểm" in out


def test_inspect_leaves_out_columns_with_nothing_to_say(tmp_path, capsys):
    """Without an earlier period there is nothing to compare with: no "So tháng trước" columns (the
    notes column stays: Thanh Oai has no total); with the history beside it, both comparisons are there."""
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(JULY, alone / JULY.name)
    assert main(["inspect", str(alone / JULY.name)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("Hạng"))
    assert header.split() == ["Hạng", "Mã", "Đơn", "vị", "Tổng", "điểm", "Quá", "hạn", "Ghi", "chú"]
    assert main(["inspect", str(JULY)]) == 0
    header = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Hạng"))
    assert "So tháng trước" in header and "So 2 tháng trước" in header and "Ghi chú" in header


def test_generate_after_batch_keeps_the_notices_in_the_manifest(tmp_path):
    """generate rewrites the dispatch's record but keeps the notices a batch listed for the same snapshot."""
    out = tmp_path / "out"
    assert main(["batch", str(JULY), "--out", str(out), "--units", "STP", "--formats", "docx", "--jobs", "1"]) == 0
    assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx", "--number", "7"]) == 0
    manifest = json.loads((out / "ha-noi" / "2024-07" / "manifest.json").read_text(encoding="utf-8"))
    documents = {(d["kind"], d["unit_code"]) for d in manifest["documents"]}
    assert documents == {("monthly_dispatch", None), ("unit_notice", "STP")}
    assert manifest["options"]["number"] == "7"


def test_inspect_into_a_closed_pipe_is_not_an_error():
    """`congvan inspect ... | head -1` exits 0 without a traceback when the reader has gone away."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written: every write breaks the pipe
    script = "import sys; from generator.cli import main; sys.argv=['congvan','inspect',sys.argv[1]]; main()"
    try:
        done = subprocess.run([sys.executable, "-c", script, str(JULY)], stdout=write_end,
                              stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("args, message", [
    (["batch", str(JULY), "--jobs", "abc"], "Giá trị không hợp lệ cho --jobs: phải là một số nguyên"),
    (["batch", str(JULY), "--jobs", "0"], "Giá trị không hợp lệ cho --jobs: phải lớn hơn hoặc bằng 1"),
    (["generate"], "Thiếu TỆP_SỐ_LIỆU"),
])
def test_badly_typed_options_are_usage_errors_in_vietnamese(args, message, capsys):
    """A number option given a word, or a missing argument, exits 2 with a Vietnamese sentence."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
