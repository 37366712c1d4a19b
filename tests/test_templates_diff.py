"""`congvan templates diff`: word-level changes between two versions, from files or git revisions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import generator.templating.manifest as manifest_module
from generator.cli import main
from generator.content.jinja_env import TEMPLATES_DIR
from generator.templating.diff import word_diff

OLD = """<p>Tổng số điểm đạt được tháng {{ period.label }}: <b>{{ authority.total|score }}/100 điểm</b>.</p>
<p>Số liệu được tính tại thời điểm
trên Cổng.</p>
<p>Dòng không đổi.</p>
<p>Cuối.</p>
"""
NEW = """<p>Tổng số điểm Thành phố đạt được trong tháng {{ period.label }}: <b>{{ authority.total|score }}/100 điểm</b>.</p>
<p>Số liệu được tính tại thời điểm trên Cổng.</p>
<p>Dòng không đổi.</p>
<p>Cuối cùng.</p>
"""


def test_added_words_are_marked_on_their_line() -> None:
    """Two words added to line 1 are marked {+…+} in place; the rest of the line is kept as context."""
    changes = {line.number: line.plain() for line in word_diff(OLD, NEW)}
    assert changes[1] == ("<p>Tổng số điểm {+Thành phố+} đạt được {+trong+} tháng {{ period.label }}: "
                          "<b>{{ authority.total|score }}/100 điểm</b>.</p>")


def test_replaced_word_shows_removed_then_added() -> None:
    """A changed word is shown as [-old-] before {+new+}."""
    changes = {line.number: line.plain() for line in word_diff(OLD, NEW)}
    assert changes[4] == "[-<p>Cuối.</p>-] {+<p>Cuối cùng.</p>+}"


def test_rewrapped_lines_are_not_changes() -> None:
    """Joining two lines of the same words changes nothing in the wording."""
    changes = {line.number for line in word_diff(OLD, NEW)}
    assert changes == {1, 4}
    assert word_diff("a b\nc d\n", "a b c d\n") == ()


def test_words_removed_at_the_end_are_shown() -> None:
    """Words deleted after the last remaining word still appear, on the last line."""
    [line] = word_diff("Đề nghị các đơn vị thực hiện./.", "Đề nghị các đơn vị")
    assert line.plain() == "Đề nghị các đơn vị [-thực hiện./.-]"


def test_cli_diff_of_two_files_prints_word_changes(tmp_path: Path, capsys) -> None:
    """`templates diff ID --from OLD --to NEW` with paths prints each changed line with its number."""
    old, new = tmp_path / "old.xml.j2", tmp_path / "new.xml.j2"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    assert main(["templates", "diff", "monthly_dispatch", "--from", str(old), "--to", str(new)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"== new.xml.j2: {old} → {new}"
    assert out[1].startswith("dòng 1: <p>Tổng số điểm {+Thành phố+} đạt được {+trong+} tháng")
    assert out[2] == "dòng 4: [-<p>Cuối.</p>-] {+<p>Cuối cùng.</p>+}"


def test_cli_diff_unknown_revision_exits_two_in_vietnamese(capsys) -> None:
    """An unknown git revision is a usage error with a Vietnamese explanation."""
    assert main(["templates", "diff", "monthly_dispatch", "--from", "khong-co-phien-ban-nay"]) == 2
    assert "Không có phiên bản “khong-co-phien-ban-nay” trong kho git" in capsys.readouterr().err


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                    *args], check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A throwaway git repository holding a copy of templates/, committed once."""
    root = tmp_path / "repo"
    shutil.copytree(TEMPLATES_DIR, root / "templates")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "v1")
    monkeypatch.setattr(manifest_module, "TEMPLATES_ROOT", root / "templates")
    return root


def test_cli_diff_against_a_revision_and_between_revisions(repo: Path, capsys) -> None:
    """Edited after commit: --from HEAD shows the edit; after a second commit, --from HEAD~1 --to HEAD too."""
    path = repo / "templates" / "monthly_dispatch" / "template.xml.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("như sau:", "cụ thể như sau:", 1), encoding="utf-8")
    assert main(["templates", "diff", "monthly_dispatch", "--from", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert "== monthly_dispatch/template.xml.j2: HEAD → bản hiện tại" in out
    assert "{+cụ thể+} như sau:" in out
    assert "== common/phrases.xml.j2: HEAD → bản hiện tại\n   Không có thay đổi về lời văn." in out
    _git(repo, "commit", "-q", "-am", "v2")
    assert main(["templates", "diff", "monthly_dispatch", "--from", "HEAD~1", "--to", "HEAD"]) == 0
    assert "{+cụ thể+} như sau:" in capsys.readouterr().out
