"""Approval: manifests record it, an edit makes a draft again, drafts are marked, --official refuses them.

Every test works on a copy of templates/ (TEMPLATES_ROOT points at it); the real folder is never touched.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document as read_docx

import generator.content.registry as manifest_module
from generator.build import dispatch_document, prepare
from generator.cli import main
from generator.common.resources import TEMPLATES_DIR
from generator.content.registry import all_templates, find_template
from generator.review.approve import approve, set_top_level_keys

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ha-noi" / "2024-07.xlsx"
DRAFT = "DỰ THẢO"
REVIEWER = "Nguyễn Thị Hoa"


@pytest.fixture()
def templates(tmp_path: Path, monkeypatch) -> Path:
    """A copy of templates/ that every command uses by default, with all three files approved."""
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    monkeypatch.setattr(manifest_module, "TEMPLATES_ROOT", root)
    for info in all_templates(root):
        approve(info, REVIEWER, date(2024, 8, 5))
    return root


def edit_wording(root: Path, relative: str = "monthly_dispatch/template.xml.j2",
                 old: str = "như sau:", new: str = "cụ thể như sau:") -> None:
    """Change one phrase of a file of the copy (asserting the phrase is there, so the edit is real)."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def docx_headers(path: Path) -> list[str]:
    document = read_docx(str(path))
    return ["".join(p.text for p in header.paragraphs)
            for section in document.sections for header in (section.header, section.first_page_header)]


def test_approve_records_name_date_and_hash(templates: Path) -> None:
    """After approval the manifest says approved, by whom, when, and the hash of the files as they are."""
    info = find_template("monthly_dispatch", templates)
    assert (info.status, info.approved_by, info.approved_on) == ("approved", REVIEWER, date(2024, 8, 5))
    assert info.approved_sha256 == info.sha256 and not info.changed_since_approval


def test_approve_rewrites_only_the_approval_keys_in_order(tmp_path: Path) -> None:
    """Key order, the files list and comments survive; the four approval values change in place."""
    original = ("# reviewed by legal\nid: x\nversion: 2\ntitle: T\nfiles: [a.j2, ../common/b.j2]\nstatus: draft\n"
                "approved_by: null\napproved_on: null\napproved_sha256: null\n")
    rewritten = set_top_level_keys(original, {"status": "approved", "approved_by": '"A: B"',
                                              "approved_on": "2024-08-05", "approved_sha256": "abc"})
    assert rewritten.splitlines()[:5] == original.splitlines()[:5]
    assert re.findall(r"^(\w+):", rewritten, re.M) == re.findall(r"^(\w+):", original, re.M)
    assert 'approved_by: "A: B"' in rewritten and "status: approved" in rewritten


def test_editing_an_approved_template_makes_it_a_draft_again(templates: Path) -> None:
    """One changed word: the recorded status stays "approved" but the effective status is draft."""
    edit_wording(templates)
    info = find_template("monthly_dispatch", templates)
    assert info.recorded_status == "approved"
    assert info.status == "draft" and info.is_draft and info.changed_since_approval


def test_editing_shared_phrases_makes_every_template_using_them_a_draft(templates: Path) -> None:
    """common/phrases.xml.j2 belongs to both documents: both become drafts, the rule file does not."""
    path = templates / "common" / "phrases.xml.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("giữ nguyên số điểm", "không đổi số điểm"), encoding="utf-8")
    status = {info.id: info.status for info in all_templates(templates)}
    assert status == {"monthly_dispatch": "draft", "unit_notice": "draft", "directive_rules": "approved"}


def test_documents_from_an_edited_template_carry_the_draft_mark(templates: Path) -> None:
    """The same dispatch is unmarked while approved and marked "DỰ THẢO" once its template is edited."""
    prepared = prepare(FIXTURE)
    approved = dispatch_document(prepared, find_template("monthly_dispatch", templates), None, None)
    assert approved.draft_mark is None
    edit_wording(templates)
    edited = dispatch_document(prepared, find_template("monthly_dispatch", templates), None, None)
    assert edited.draft_mark == DRAFT
    assert any("cụ thể như sau:" in getattr(b, "text", "") for b in edited.body)  # rendered from the copy


def test_generate_marks_every_page_and_records_draft_status(templates: Path, tmp_path: Path, capsys) -> None:
    """`generate` with an edited template: DỰ THẢO on every PDF page and DOCX header; manifest says draft."""
    edit_wording(templates)
    assert main(["generate", str(FIXTURE), "--out", str(tmp_path / "out")]) == 0
    folder = tmp_path / "out" / "ha-noi" / "2024-07"
    pages = pdf_pages(folder / "cong-van-2024-07.pdf")
    assert len(pages) >= 2 and all(DRAFT in page for page in pages)
    assert all(DRAFT in header for header in docx_headers(folder / "cong-van-2024-07.docx"))
    records = {t["id"]: t["status"] for t in json.loads((folder / "manifest.json").read_text())["templates"]}
    assert records == {"monthly_dispatch": "draft", "directive_rules": "approved"}
    assert "DỰ THẢO" in capsys.readouterr().err


def test_official_generate_refuses_an_edited_template(templates: Path, tmp_path: Path, capsys) -> None:
    """`generate --official` exits 2, names the template and why, and writes nothing."""
    edit_wording(templates)
    assert main(["generate", str(FIXTURE), "--official", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "“monthly_dispatch” (phiên bản 1) đã bị sửa sau khi phê duyệt" in err
    assert "directive_rules" not in err
    assert not (tmp_path / "out").exists()


def test_official_generate_accepts_approved_templates(templates: Path, tmp_path: Path) -> None:
    """With every template approved as it is, `--official` works and no page is marked."""
    assert main(["generate", str(FIXTURE), "--official", "--formats", "pdf", "--out", str(tmp_path / "out")]) == 0
    folder = tmp_path / "out" / "ha-noi" / "2024-07"
    assert not any(DRAFT in page for page in pdf_pages(folder / "cong-van-2024-07.pdf"))
    records = {t["id"]: t["status"] for t in json.loads((folder / "manifest.json").read_text())["templates"]}
    assert set(records.values()) == {"approved"}


def test_official_batch_refuses_a_draft_rule_file(templates: Path, tmp_path: Path, capsys) -> None:
    """`batch --official` refuses too, naming the rule file edited after approval."""
    edit_wording(templates, "rules/directives.yaml", "khẩn trương rà soát", "nhanh chóng rà soát")
    code = main(["batch", str(FIXTURE), "--official", "--units", "STP", "--out", str(tmp_path / "out")])
    assert code == 2
    assert "“directive_rules” (phiên bản 1) đã bị sửa sau khi phê duyệt" in capsys.readouterr().err


def test_approve_command_refuses_a_template_with_problems(templates: Path, capsys) -> None:
    """`templates approve` exits 2 when `templates check` finds problems; the manifest is unchanged."""
    path = templates / "unit_notice" / "template.xml.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ unit.name }}", "{{ unit.nam }}", 1), encoding="utf-8")
    manifest = (templates / "unit_notice" / "manifest.yaml").read_text(encoding="utf-8")
    assert main(["templates", "approve", "unit_notice", "--by", "Trần Văn B"]) == 2
    assert "có phải “unit.name”" in capsys.readouterr().err
    assert (templates / "unit_notice" / "manifest.yaml").read_text(encoding="utf-8") == manifest
    assert find_template("unit_notice").status == "draft"


def test_approve_command_then_status_is_approved(templates: Path, capsys) -> None:
    """Edit, re-approve from the command line: approved again, by the new name, with the new hash."""
    edit_wording(templates)
    assert find_template("monthly_dispatch").status == "draft"
    assert main(["templates", "approve", "monthly_dispatch", "--by", "Trần Văn B"]) == 0
    info = find_template("monthly_dispatch")
    assert (info.status, info.approved_by, info.approved_on) == ("approved", "Trần Văn B", date.today())
    assert "Đã phê duyệt “monthly_dispatch” phiên bản 1" in capsys.readouterr().out


def test_approve_command_needs_a_name(templates: Path, capsys) -> None:
    """An empty --by is a usage error (exit 2)."""
    assert main(["templates", "approve", "monthly_dispatch", "--by", "  "]) == 2
    assert "--by" in capsys.readouterr().err


def test_list_shows_status_and_edits_in_plain_text(templates: Path, capsys) -> None:
    """`templates list` (not a terminal): Vietnamese headers, one row per template, the edit visible."""
    edit_wording(templates)
    assert main(["templates", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["Mã", "Phiên", "bản"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"monthly_dispatch", "unit_notice", "directive_rules"}
    assert "dự thảo" in rows["monthly_dispatch"] and " có " in rows["monthly_dispatch"]
    assert "đã phê duyệt" in rows["unit_notice"] and REVIEWER in rows["unit_notice"]
