"""The register: accounts with argon2 passwords, issuing a number from approved templates only, one number per
year and symbol, every hash recorded, verify; and the command line over it (users, register, verify)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from e2e_support import JULY
from register_support import PASSWORD, approved_templates

from generator.cli import main
from generator.common.errors import TemplateError, UsageError
from generator.content import TEMPLATES_ENV, all_templates
from generator.register import IssueRequest, Register, Role, issue, verify
from generator.register.schema import IssuedRow
from generator.snapshot import load_snapshot


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return approved_templates(tmp_path_factory.mktemp("approved"))


@pytest.fixture(scope="module")
def issued(approved: Path, tmp_path_factory: pytest.TempPathFactory):
    """A register in which staff issued the July dispatch as 2562 of 06/8/2024."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TEMPLATES_ENV, str(approved))
        register = Register(tmp_path_factory.mktemp("data"))
        staff = register.add_user("can.bo", Role.STAFF, PASSWORD, "Trần Văn Bộ")
        document = issue(register, IssueRequest(JULY, "2562", date(2024, 8, 6), staff, "thang-7.xlsx"))
    return register, staff, document


def test_passwords_are_argon2_and_only_the_right_one_opens(tmp_path):
    """An account's password is stored as an Argon2id hash; a wrong password or unknown name gives None."""
    register = Register(tmp_path)
    user = register.add_user("nguyen.van.a", "reviewer", PASSWORD, "  Nguyễn   Văn A ")
    assert user.role is Role.REVIEWER and user.full_name == "Nguyễn Văn A"
    with register.session() as session:
        stored = session.execute(register_users_hash()).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert register.authenticate("nguyen.van.a", PASSWORD) == user
    assert register.authenticate("nguyen.van.a", PASSWORD + "x") is None
    assert register.authenticate("khong.co", PASSWORD) is None


def register_users_hash():  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from generator.register.schema import UserRow

    return select(UserRow.password_hash)


@pytest.mark.parametrize("name, role, password, message", [
    ("Nguyễn", "staff", PASSWORD, "không hợp lệ"),
    ("a", "staff", PASSWORD, "không hợp lệ"),
    ("can.bo", "boss", PASSWORD, "Vai trò “boss” không có"),
    ("can.bo", "staff", "ngan", "ít nhất 8 ký tự"),
])
def test_bad_accounts_are_refused_in_vietnamese(tmp_path, name, role, password, message):
    """A bad login name, an unknown role or a short password is a UsageError saying which."""
    with pytest.raises(UsageError, match=message):
        Register(tmp_path).add_user(name, role, password)


def test_a_login_name_is_taken_once(tmp_path):
    """The second account with the same name is refused."""
    register = Register(tmp_path)
    register.add_user("can.bo", "staff", PASSWORD)
    with pytest.raises(UsageError, match="đã có người dùng"):
        register.add_user("can.bo", "admin", PASSWORD)


def test_issuing_records_every_fact_and_hash(issued, approved):
    """The register line has number, date, symbol, period, issuer, the snapshot's, templates' and outputs' hashes."""
    register, staff, document = issued
    assert (document.number, document.symbol, document.year, document.issue_date) == \
        (2562, "UBND-KSTTHC", 2024, date(2024, 8, 6))
    assert document.reference == "2562/UBND-KSTTHC" and document.period == "2024-07"
    assert (document.issued_by, document.issued_by_name) == ("can.bo", "Trần Văn Bộ")
    assert document.snapshot_sha256 == load_snapshot(JULY).sha256 == _sha256(JULY)
    assert document.snapshot_name == "thang-7.xlsx"
    assert "Hà Minh Hải" in document.signer
    used = {t.id: (t.version, t.sha256, t.status) for t in document.templates}
    current = {t.id: (t.version, t.sha256, t.status) for t in all_templates(approved) if t.id in used}
    assert set(used) == {"monthly_dispatch", "directive_rules"} and used == current
    assert sorted(f.format for f in document.files) == ["docx", "pdf"]
    for f in document.files:
        path = register.absolute(f.path)
        assert _sha256(path) == f.sha256 and path.stat().st_size == f.bytes
    manifest = json.loads((register.absolute(document.files[0].path).parent / "manifest.json").read_text("utf-8"))
    assert manifest["options"]["official"] is True and manifest["options"]["number"] == "2562"
    assert {t["id"]: t["sha256"] for t in manifest["templates"]} == {t.id: t.sha256 for t in document.templates}


def test_the_same_number_in_the_same_year_and_symbol_is_refused(issued, approved, monkeypatch):
    """Issuing 2562 again in 2024 is refused, naming the document holding it; nothing is added."""
    register, staff, document = issued
    monkeypatch.setenv(TEMPLATES_ENV, str(approved))
    before = register.issued_count()
    with pytest.raises(UsageError, match=r"Số 2562/UBND-KSTTHC năm 2024 đã được cấp .* dòng 1"):
        issue(register, IssueRequest(JULY, "2562", date(2024, 12, 1), staff))
    assert register.issued_count() == before


def test_the_database_refuses_a_number_two_clerks_take_at_once(issued, approved, monkeypatch):
    """Past the look-up (two requests at once), the unique constraint refuses it and no file stays behind."""
    register, staff, document = issued
    monkeypatch.setenv(TEMPLATES_ENV, str(approved))
    monkeypatch.setattr(Register, "number_holder", lambda self, *a: None)  # both passed the look-up
    folder = register.absolute(document.files[0].path).parent
    files_before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(UsageError, match="2562/UBND-KSTTHC"):
        issue(register, IssueRequest(JULY, "2562", date(2024, 12, 1), staff))
    assert register.issued_count() == 1
    assert sorted(p.name for p in folder.iterdir()) == files_before
    assert [p.name for p in (register.data / "issued").iterdir() if p.name.startswith(".staging")] == []
    with register.session() as session:
        assert session.query(IssuedRow).count() == 1


def test_draft_templates_cannot_be_issued_and_nothing_is_kept(tmp_path, monkeypatch):
    """With a template not approved, issuing is refused (--official semantics): no line, no file."""
    monkeypatch.setenv(TEMPLATES_ENV, str(approved_templates(tmp_path, approve_all=False)))
    register = Register(tmp_path / "data")
    staff = register.add_user("can.bo", "staff", PASSWORD)
    with pytest.raises(TemplateError, match="chưa được phê duyệt"):
        issue(register, IssueRequest(JULY, "1", date(2024, 8, 6), staff))
    assert register.issued_count() == 0
    assert [p for p in (register.data / "issued").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_only_staff_issue(tmp_path, role):
    """A reviewer or an admin asking to issue is refused before anything is made."""
    register = Register(tmp_path)
    user = register.add_user("nguoi.khac", role, PASSWORD)
    with pytest.raises(UsageError, match="Chỉ cán bộ nghiệp vụ"):
        issue(register, IssueRequest(JULY, "7", date(2024, 8, 6), user))


@pytest.mark.parametrize("number", ["0", "12a", "", "-3"])
def test_a_number_is_digits_above_zero(tmp_path, number):
    register = Register(tmp_path)
    staff = register.add_user("can.bo", "staff", PASSWORD)
    with pytest.raises(UsageError, match="Số văn bản"):
        issue(register, IssueRequest(JULY, number, date(2024, 8, 6), staff))


def test_verify_knows_a_registered_file_and_refuses_a_changed_one(issued, tmp_path):
    """verify finds the registered PDF; one changed byte is not registered."""
    register, staff, document = issued
    pdf = next(f for f in document.files if f.format == "pdf")
    matches = verify(register, register.absolute(pdf.path))
    assert [(m.document.id, m.file.id) for m in matches] == [(document.id, pdf.id)]
    changed = tmp_path / "changed.pdf"
    data = bytearray(register.absolute(pdf.path).read_bytes())
    data[-10] ^= 1
    changed.write_bytes(bytes(data))
    assert verify(register, changed) == ()


# ---- the command line -------------------------------------------------------------------------------


def test_users_add_reads_the_password_from_standard_input(tmp_path, monkeypatch, capsys):
    """`users add` with a pipe takes the first line as the password; the account then logs in."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "le.thi.b", "--role", "reviewer", "--full-name", "Lê Thị B",
                 "--data", str(tmp_path)]) == 0
    assert "Đã tạo tài khoản “le.thi.b”" in capsys.readouterr().out
    user = Register(tmp_path).authenticate("le.thi.b", PASSWORD)
    assert user is not None and user.role is Role.REVIEWER and user.full_name == "Lê Thị B"


def test_users_add_refuses_a_bad_role_with_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "le.thi.b", "--role", "chief", "--data", str(tmp_path)]) == 2
    assert "Vai trò “chief” không có" in capsys.readouterr().err


def test_register_list_and_show_print_the_line(issued, capsys):
    """`register list` shows the line; `register show 1` shows every hash."""
    register, staff, document = issued
    assert main(["register", "list", "--data", str(register.data)]) == 0
    out = capsys.readouterr().out
    assert "2562/UBND-KSTTHC" in out and "06/8/2024" in out and "Trần Văn Bộ" in out
    assert main(["register", "show", str(document.id), "--data", str(register.data)]) == 0
    out = capsys.readouterr().out
    assert document.snapshot_sha256 in out
    for t in document.templates:
        assert f"{t.id} phiên bản {t.version}" in out and t.sha256 in out
    for f in document.files:
        assert f.sha256 in out
    assert main(["register", "show", "99", "--data", str(register.data)]) == 2
    assert "không có dòng số 99" in capsys.readouterr().err


def test_verify_command_exits_0_when_registered_and_1_when_not(issued, capsys):
    register, staff, document = issued
    docx = next(f for f in document.files if f.format == "docx")
    assert main(["verify", str(register.absolute(docx.path)), "--data", str(register.data)]) == 0
    assert "Khớp: công văn số 2562/UBND-KSTTHC ngày 06/8/2024" in capsys.readouterr().out
    assert main(["verify", str(JULY), "--data", str(register.data)]) == 1
    assert "Không khớp" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["users", "add"], ["register", "list"], ["register", "show"], ["verify"], ["serve"]])
def test_each_command_has_vietnamese_help_with_an_example(command, capsys):
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Cách dùng:" in out and "Ví dụ:" in out


@pytest.mark.parametrize("command", [["register", "list"], ["register", "show", "1"], ["verify", str(JULY)],
                                     ["users", "list"]])
def test_reading_commands_refuse_a_data_folder_without_a_register(tmp_path, capsys, command):
    """A mistyped --data is a usage error (exit 2), and no empty register is made there."""
    missing = tmp_path / "khong-co"
    assert main([*command, "--data", str(missing)]) == 2
    assert "chưa có sổ đăng ký" in capsys.readouterr().err
    assert not missing.exists()
