"""`congvan templates diff`: the reviewer's wording compared word by word, or the source with --raw."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import generator.content.registry as manifest_module
from generator.cli import main
from generator.common.resources import TEMPLATES_DIR
from generator.review.catalogue import context_root, members_of, short_meaning
from generator.review.diff import compare_passages, word_diff
from generator.review.passages import Passage
from generator.review.textdiff import paragraph_pieces

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
MAIN = "monthly_dispatch/template.xml.j2"
RULES = "rules/directives.yaml"


# ---------- source lines (--raw) ----------


def test_added_words_are_marked_on_their_line() -> None:
    """Two words added to line 1 are marked {+…+} in place; the rest of the line is kept as context."""
    changes = {line.number: line.plain() for line in word_diff(OLD, NEW)}
    assert changes[1] == ("<p>Tổng số điểm {+Thành phố+} đạt được {+trong+} tháng {{ period.label }}: "
                          "<b>{{ authority.total|score }}/100 điểm</b>.</p>")


def test_replaced_word_shows_removed_then_added() -> None:
    """A changed word is shown as [-old-] before {+new+}."""
    changes = {line.number: line.plain() for line in word_diff(OLD, NEW)}
    assert changes[4] == "[-<p>Cuối.</p>-] {+<p>Cuối cùng.</p>+}"


def test_replaced_word_inside_a_line_keeps_single_spaces() -> None:
    """A word replaced mid-line reads "a [-old-] {+new+} b": one space on each side, none doubled."""
    [line] = word_diff("{% elif unit.targets %}\n", "{% elif reported %}\n")
    assert line.plain() == "{% elif [-unit.targets-] {+reported+} %}"


def test_rewrapped_lines_are_not_changes() -> None:
    """Joining two lines of the same words changes nothing in the wording."""
    changes = {line.number for line in word_diff(OLD, NEW)}
    assert changes == {1, 4}
    assert word_diff("a b\nc d\n", "a b c d\n") == ()


def test_words_removed_at_the_end_are_shown() -> None:
    """Words deleted after the last remaining word still appear, on the last line."""
    [line] = word_diff("Đề nghị các đơn vị thực hiện./.", "Đề nghị các đơn vị")
    assert line.plain() == "Đề nghị các đơn vị [-thực hiện./.-]"


# ---------- paragraphs of wording ----------


def _plain(old: str, new: str) -> str:
    return "".join(piece.marked() for piece in paragraph_pieces(old, new))


def test_paragraph_word_change_keeps_figures_whole() -> None:
    """A changed threshold reads "dưới [-50%-] {+40%+}": a figure with its % is one word."""
    assert _plain("đạt dưới 50% số điểm tối đa.", "đạt dưới 40% số điểm tối đa.") == \
        "đạt dưới [-50%-] {+40%+} số điểm tối đa."


def test_paragraph_words_added_before_punctuation_are_only_the_words() -> None:
    """Words inserted before a colon are marked alone, not together with the word the colon follows."""
    assert _plain("[nếu có thứ hạng: , xếp hạng", "[nếu có thứ hạng và có số: , xếp hạng") == \
        "[nếu có thứ hạng {+và có số+}: , xếp hạng"


def test_paragraph_meaning_changes_as_a_whole() -> None:
    """A ‹meaning› replaced by another is one removed and one added token, not a mix of their words."""
    assert _plain("đạt ‹tổng điểm của đơn vị› điểm", "đạt ‹tổng điểm của địa phương› điểm") == \
        "đạt [-‹tổng điểm của đơn vị›-] {+‹tổng điểm của địa phương›+} điểm"


def test_inserted_paragraphs_are_added_whole_and_neighbours_stay_unchanged() -> None:
    """Paragraphs are aligned first: two inserted ones are two "added", the others "same"."""
    old = [Passage("Mở đầu.", 1, ""), Passage("Kết thúc.", 2, "")]
    new = [Passage("Mở đầu.", 1, ""), Passage("Đoạn một.", 2, ""), Passage("Đoạn hai.", 3, ""),
           Passage("Kết thúc.", 4, "")]
    assert [c.kind for c in compare_passages(old, new)] == ["same", "added", "added", "same"]


def test_unlike_paragraph_is_removed_and_added_not_changed() -> None:
    """A paragraph rewritten beyond recognition is one removed and one added, not a word soup."""
    old = [Passage("Một hai ba bốn năm.", 1, "")]
    new = [Passage("Sáu bảy tám chín mười.", 1, "")]
    assert [c.kind for c in compare_passages(old, new)] == ["removed", "added"]


# ---------- the command on a copy of the templates ----------


@pytest.fixture()
def templates(tmp_path: Path, monkeypatch) -> Path:
    """A copy of templates/ the commands read instead of the real one."""
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    monkeypatch.setattr(manifest_module, "TEMPLATES_ROOT", root)
    return root


def _edited(templates: Path, tmp_path: Path, old: str, new: str, name: str = "new.xml.j2") -> Path:
    """A copy of the dispatch template with `old` replaced once by `new`, written beside the copy."""
    text = (templates / MAIN).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _diff(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["templates", "diff", *args])
    return code, capsys.readouterr().out.splitlines()


def _line_of(path: Path, words: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if words in line)


def test_one_word_changed_shows_that_word_only_without_jinja(templates: Path, tmp_path: Path, capsys) -> None:
    """One word replaced in a paragraph: exactly [-old-] {+new+}, under a heading with file and line, no markup."""
    new = _edited(templates, tmp_path, "không bảo đảm các tỷ lệ", "không bảo đảm những tỷ lệ")
    code, out = _diff(capsys, "monthly_dispatch", "--from", str(templates / MAIN), "--to", str(new))
    text = "\n".join(out)
    assert code == 0
    assert re.findall(r"\[-(.*?)-\]", text) == ["các"]
    assert re.findall(r"\{\+(.*?)\+\}", text) == ["những"]
    assert "{{" not in text and "{%" not in text and "<p>" not in text and "</b>" not in text
    assert out[1] == f"-- Sửa đoạn (new.xml.j2, dòng {_line_of(new, 'không bảo đảm những tỷ lệ')}; mục “3. Nhiệm vụ trọng tâm”):"
    assert out[2].startswith("   Trường hợp") and "không bảo đảm [-các-] {+những+} tỷ lệ theo quy định" in out[2]
    assert "‹" in out[2]  # the authority's names are variables
    assert out[-1] == "Tổng cộng: 1 đoạn thay đổi, 0 đoạn thêm, 0 đoạn bỏ."


def test_two_files_compare_their_wording_not_their_tags(templates: Path, tmp_path: Path, capsys) -> None:
    """The two-file snippets: tags and {{ }} become wording; rewrapping is no change; "Cuối {+cùng+}."."""
    old, new = tmp_path / "old.xml.j2", tmp_path / "new.xml.j2"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    code, out = _diff(capsys, "monthly_dispatch", "--from", str(old), "--to", str(new))
    assert code == 0
    assert out[0] == f"== new.xml.j2: {old} → {new}"
    assert out[2].startswith("   Tổng số điểm {+Thành phố+} đạt được {+trong+} tháng ‹")
    assert "<b>" not in out[2] and "authority" not in out[2]
    assert out[3:] == ["-- Sửa đoạn (new.xml.j2, dòng 4):", "   Cuối {+cùng+}.",
                       "Tổng cộng: 2 đoạn thay đổi, 0 đoạn thêm, 0 đoạn bỏ."]


def test_added_paragraphs_are_one_added_block(templates: Path, tmp_path: Path, capsys) -> None:
    """Two paragraphs inserted together: one "Thêm 2 đoạn" heading with their lines, each wholly {+…+}."""
    heading = "<p keep=\"next\"><b>2. Kết quả của các cơ quan, đơn vị</b></p>"
    new = _edited(templates, tmp_path, heading, heading + "\n<p>Đoạn thêm thứ nhất về {{ issuer.area_term }}.</p>"
                                                           "\n<p>Đoạn thêm thứ hai.</p>")
    code, out = _diff(capsys, "monthly_dispatch", "--from", str(templates / MAIN), "--to", str(new))
    first = _line_of(new, "Đoạn thêm thứ nhất")
    assert code == 0
    assert out[1:] == [f"-- Thêm 2 đoạn (new.xml.j2, dòng {first}–{first + 1}; mục “2. Kết quả của các cơ quan, đơn vị”):",
                       "   {+Đoạn thêm thứ nhất về ‹cách gọi địa bàn›.+}", "   {+Đoạn thêm thứ hai.+}",
                       "Tổng cộng: 0 đoạn thay đổi, 2 đoạn thêm, 0 đoạn bỏ."]


def test_removed_paragraph_is_shown_with_its_old_line(templates: Path, tmp_path: Path, capsys) -> None:
    """A paragraph taken out is "Bỏ đoạn" at its line in the old version, wholly [-…-]."""
    removed = "<p>Toàn {{ issuer.area_term }} có {{ authority.overdue_total|count }} hồ sơ quá hạn (tính lũy kế).</p>"
    new = _edited(templates, tmp_path, removed + "\n", "")
    code, out = _diff(capsys, "monthly_dispatch", "--from", str(templates / MAIN), "--to", str(new))
    assert code == 0
    assert out[1].startswith(f"-- Bỏ đoạn (new.xml.j2, dòng {_line_of(templates / MAIN, removed)} ở bản cũ; mục “1.")
    assert re.fullmatch(r"   \[-Toàn ‹[^›]+› có ‹[^›]+› hồ sơ quá hạn \(tính lũy kế\)\.-\]", out[2])
    assert out[-1] == "Tổng cộng: 0 đoạn thay đổi, 0 đoạn thêm, 1 đoạn bỏ."


def test_changed_condition_is_shown_in_plain_vietnamese(templates: Path, tmp_path: Path, capsys) -> None:
    """`if authority.rank` → `if authority.rank and authority.ranked_count`: the added words are the condition's."""
    new = _edited(templates, tmp_path, "{%- if authority.rank %}", "{%- if authority.rank and authority.ranked_count %}")
    code, out = _diff(capsys, "monthly_dispatch", "--from", str(templates / MAIN), "--to", str(new))
    authority = members_of(context_root("monthly_dispatch")["authority"].type)
    rank, count = (short_meaning(authority[name].meaning) for name in ("rank", "ranked_count"))
    text = "\n".join(out)
    assert code == 0
    assert f"[nếu có {rank} {{+và có {count}+}}: , xếp hạng" in text
    assert "ranked_count" not in text and "{%" not in text
    assert out[-1] == "Tổng cộng: 1 đoạn thay đổi, 0 đoạn thêm, 0 đoạn bỏ."


def test_context_prints_unchanged_neighbours(templates: Path, tmp_path: Path, capsys) -> None:
    """--context 1 adds the unchanged paragraph before and after the change, without marks."""
    new = _edited(templates, tmp_path, "không bảo đảm các tỷ lệ", "không bảo đảm những tỷ lệ")
    _, plain = _diff(capsys, "monthly_dispatch", "--from", str(templates / MAIN), "--to", str(new))
    code, wide = _diff(capsys, "monthly_dispatch", "--from", str(templates / MAIN), "--to", str(new), "--context", "1")
    assert code == 0
    assert wide[1] == plain[1] and wide[3] == plain[2]
    assert len(wide) == len(plain) + 2
    for neighbour in (wide[2], wide[4]):
        assert neighbour.startswith("   ") and "[-" not in neighbour and "{+" not in neighbour


def test_raw_shows_source_lines(templates: Path, tmp_path: Path, capsys) -> None:
    """--raw compares the source as before: each changed line with its number, tags and Jinja included."""
    old, new = tmp_path / "old.xml.j2", tmp_path / "new.xml.j2"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    code, out = _diff(capsys, "monthly_dispatch", "--from", str(old), "--to", str(new), "--raw")
    assert code == 0
    assert out[0] == f"== new.xml.j2: {old} → {new}"
    assert out[1].startswith("dòng 1: <p>Tổng số điểm {+Thành phố+} đạt được {+trong+} tháng {{ period.label }}")
    assert out[2] == "dòng 4: [-<p>Cuối.</p>-] {+<p>Cuối cùng.</p>+}"
    assert out[3] == "Tổng cộng: 2 dòng mã nguồn thay đổi."


def test_help_documents_raw_and_context(capsys) -> None:
    """The command's help explains the wording comparison and names --raw and --context."""
    assert main(["templates", "diff", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--raw" in text and "--context" in text and "nguyên văn mã nguồn" in text


def test_cli_diff_unknown_revision_exits_two_in_vietnamese(capsys) -> None:
    """An unknown git revision is a usage error with a Vietnamese explanation."""
    assert main(["templates", "diff", "monthly_dispatch", "--from", "khong-co-phien-ban-nay"]) == 2
    assert "Không có phiên bản “khong-co-phien-ban-nay” trong kho git" in capsys.readouterr().err


def test_negative_context_exits_two(capsys) -> None:
    """--context below 0 is a usage error in Vietnamese, not a traceback."""
    assert main(["templates", "diff", "monthly_dispatch", "--from", "HEAD", "--context", "-1"]) == 2
    assert "--context phải là số đoạn" in capsys.readouterr().err


def test_cli_diff_missing_new_file_exits_two(templates: Path, tmp_path: Path, capsys) -> None:
    """--from an existing file and --to a missing one: exit 2 naming the missing file."""
    assert main(["templates", "diff", "monthly_dispatch", "--from", str(templates / MAIN),
                 "--to", str(tmp_path / "khong-co.xml.j2")]) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err


# ---------- revisions of a throwaway git repository ----------


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


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cli_diff_against_a_revision_and_between_revisions(repo: Path, capsys) -> None:
    """Edited after commit: --from HEAD shows the edit; after a second commit, --from HEAD~1 --to HEAD too."""
    _replace(repo / "templates" / MAIN, "như sau:", "cụ thể như sau:")
    code, out = _diff(capsys, "monthly_dispatch", "--from", "HEAD")
    text = "\n".join(out)
    assert code == 0
    assert "== monthly_dispatch/template.xml.j2: HEAD → bản hiện tại" in text
    assert "{+cụ thể+} như sau:" in text
    assert "== common/phrases.xml.j2: HEAD → bản hiện tại\n   Không có thay đổi về lời văn." in text
    _git(repo, "commit", "-q", "-am", "v2")
    code, out = _diff(capsys, "monthly_dispatch", "--from", "HEAD~1", "--to", "HEAD")
    assert code == 0 and "{+cụ thể+} như sau:" in "\n".join(out)


def test_shared_phrases_file_is_compared_too(repo: Path, capsys) -> None:
    """A word added in common/phrases.xml.j2 shows under that file, labelled with the shared phrase's name."""
    phrases = repo / "templates" / "common" / "phrases.xml.j2"
    _replace(phrases, "Số liệu này có", "Số liệu này vẫn có")
    code, out = _diff(capsys, "monthly_dispatch", "--from", "HEAD")
    start = out.index("== common/phrases.xml.j2: HEAD → bản hiện tại")
    assert code == 0
    assert out[1] == "   Không có thay đổi về lời văn."  # the dispatch's own file did not change
    assert out[start + 1] == (f"-- Sửa đoạn (common/phrases.xml.j2, dòng {_line_of(phrases, 'Số liệu được tính')}; "
                              "cụm từ “data_caveat”):")
    assert "Số liệu này {+vẫn+} có thể thay đổi" in out[start + 2]


def test_rule_threshold_change_is_shown_as_the_described_condition(repo: Path, capsys) -> None:
    """`when: … value: 0.5` → 0.4 in the rule file reads "dưới [-50%-] {+40%+}" in the rule's condition."""
    rules = repo / "templates" / RULES
    _replace(rules, "when: {figure: current_group_share, op: \"<\", value: 0.5}",
             "when: {figure: current_group_share, op: \"<\", value: 0.4}")
    code, out = _diff(capsys, "directive_rules", "--from", "HEAD")
    assert code == 0
    assert out[0] == "== rules/directives.yaml: HEAD → bản hiện tại"
    assert out[1] == f"-- Sửa đoạn (rules/directives.yaml, dòng {_line_of(rules, 'current_group_share')}; quy tắc “weak_group”):"
    assert out[2].startswith("   Áp dụng: Đối tượng: ") and "dưới [-50%-] {+40%+}" in out[2]
    assert "figure" not in "\n".join(out)
    assert out[-1] == "Tổng cộng: 1 đoạn thay đổi, 0 đoạn thêm, 0 đoạn bỏ."


def test_rule_wording_change_is_shown_in_its_snippet(repo: Path, capsys) -> None:
    """A word changed in a rule's `notice` shows under "lời văn trong thông báo gửi đơn vị", variables as ‹…›."""
    rules = repo / "templates" / RULES
    _replace(rules, "Căn cứ danh sách hồ sơ", "Căn cứ vào danh sách hồ sơ")
    code, out = _diff(capsys, "directive_rules", "--from", "HEAD")
    assert code == 0
    assert out[1].endswith("quy tắc “most_overdue”, lời văn trong thông báo gửi đơn vị):")
    assert "Căn cứ {+vào+} danh sách" in out[2] and "‹" in out[2] and "{{" not in out[2]


def test_unparsable_version_falls_back_to_the_source_with_a_note(repo: Path, capsys) -> None:
    """A Jinja syntax error in one version: that file is compared as source, with a Vietnamese note; exit 0."""
    main_file = repo / "templates" / MAIN
    main_file.write_text(main_file.read_text(encoding="utf-8") + "{% if thieu_endif %}\n", encoding="utf-8")
    code, out = _diff(capsys, "monthly_dispatch", "--from", "HEAD")
    broken = len(main_file.read_text(encoding="utf-8").splitlines())
    assert code == 0
    assert out[1].startswith(f"   Ghi chú: bản hiện tại có lỗi (dòng {broken}: lỗi cú pháp Jinja")
    assert out[1].endswith("nên không dựng được lời văn; dưới đây so sánh nguyên văn mã nguồn của tệp, từng dòng.")
    assert out[2] == f"dòng {broken}: {{+{{% if thieu_endif %}}+}}"
    assert "== common/phrases.xml.j2: HEAD → bản hiện tại" in out  # the other file is still compared as wording
    assert out[-1] == "Tổng cộng: 0 đoạn thay đổi, 0 đoạn thêm, 0 đoạn bỏ; 1 dòng mã nguồn thay đổi ở tệp so sánh nguyên văn."


def test_unreadable_rule_file_falls_back_to_the_source(repo: Path, capsys) -> None:
    """A rule file that no longer loads (YAML error) is compared as source with the note; exit 0."""
    rules = repo / "templates" / RULES
    rules.write_text(rules.read_text(encoding="utf-8") + "  - [\n", encoding="utf-8")
    code, out = _diff(capsys, "directive_rules", "--from", "HEAD")
    assert code == 0
    assert out[1].startswith("   Ghi chú: bản hiện tại có lỗi (dòng ") and "YAML" in out[1]
    assert out[2].endswith("{+- [+}")
