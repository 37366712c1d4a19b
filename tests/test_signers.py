"""Signers chosen from the profile: `signer` (the default) and `signers` (others who may sign), validated at
their lines; `generate --signer NAME`, issuing with a chosen signer, and the web page's select checked on the
server."""

from __future__ import annotations

import json
import warnings
from datetime import date
from pathlib import Path

import pytest
from docx import Document as read_docx
from e2e_support import JULY
from register_support import PASSWORD, approved_templates
from web_support import csrf_of, make_accounts

from generator.cli import main
from generator.common.errors import ConfigError, UsageError
from generator.config.profile import PROFILES_DIR, find_profile, load_profile
from generator.content import TEMPLATES_ENV
from generator.register import IssueRequest, Register, issue
from generator.snapshot import load_meta
from generator.web import WebSettings, create_app

with warnings.catch_warnings():  # Starlette now prefers httpx2 for its test client; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

HA_NOI = PROFILES_DIR / "ha-noi.yaml"
SECOND = "Lê Hồng Sơn"  # Phó Chủ tịch Thường trực, named in Thông báo 90/TB-VP (shared seeds)


def docx_text(path: Path) -> str:
    document = read_docx(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _profile_with(tmp_path: Path, signers: str) -> Path:
    text = HA_NOI.read_text(encoding="utf-8")
    start = text.index("signers:")
    end = text.index("documents:")
    path = tmp_path / "ho-so.yaml"
    path.write_text(text[:start] + signers + text[end:], encoding="utf-8")
    return path


def test_the_ha_noi_profile_offers_its_default_signer_first():
    profile = find_profile(load_meta(JULY))
    assert [p.name for p in profile.signer_choices()] == ["Hà Minh Hải", SECOND]
    assert profile.with_signer(None) is profile and profile.with_signer("") is profile
    chosen = profile.with_signer("le hong son")  # typed without accents or capitals
    assert chosen.signer.name == SECOND and chosen.signer.title_lines == ("PHÓ CHỦ TỊCH THƯỜNG TRỰC",)
    assert chosen.signer.describe() == f"{SECOND} (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH THƯỜNG TRỰC)"


def test_an_unknown_signer_is_refused_listing_who_may_sign():
    profile = find_profile(load_meta(JULY))
    with pytest.raises(UsageError) as caught:
        profile.with_signer("Nguyễn Văn Không")
    assert "Người ký “Nguyễn Văn Không” không có trong hồ sơ cơ quan “ha-noi”" in caught.value.message
    assert "Hà Minh Hải (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH)" in caught.value.message and SECOND in caught.value.message


def test_a_profile_without_signers_still_loads(tmp_path):
    """`signers` is optional: a profile written before it chooses only its `signer`."""
    profile = load_profile(_profile_with(tmp_path, ""))
    assert [p.name for p in profile.signer_choices()] == ["Hà Minh Hải"]


@pytest.mark.parametrize("signers, needle, message", [
    ("signers:\n  - authority_lines: [KT. CHỦ TỊCH]\n    title_lines: [PHÓ CHỦ TỊCH]\n    name: '  '\n",
     "name: '  '", "người ký thêm phải ghi rõ họ và tên"),
    ("signers:\n  - authority_lines: [KT. CHỦ TỊCH]\n    title_lines: [PHÓ CHỦ TỊCH]\n    name: X\n    chuc_vu: Y\n",
     "chuc_vu: Y", "không được biết tới"),
    ("signers:\n  - authority_lines: [KT. CHỦ TỊCH]\n    title_lines: [PHÓ CHỦ TỊCH]\n    name: HÀ MINH HẢI\n",
     "signers:", "người thứ 1 “HÀ MINH HẢI” trùng tên với signer"),
    ("signers:\n  - authority_lines: [KT. CHỦ TỊCH]\n    title_lines: [PHÓ CHỦ TỊCH]\n",
     "  - authority_lines", "signers.0.name: thiếu mục bắt buộc"),
])
def test_signer_errors_name_the_file_and_line(tmp_path, signers, needle, message):
    path = _profile_with(tmp_path, signers)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    lines = [str(p) for p in caught.value.problems]
    assert any(line.startswith(f"{path}:{_line_of(path, needle)}:") and message in line for line in lines), lines


def test_generate_signer_puts_the_chosen_person_under_the_dispatch(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx", "--signer", SECOND]) == 0
    folder = out / "ha-noi" / "2024-07"
    text = docx_text(folder / "cong-van-2024-07.docx")
    assert SECOND in text and "PHÓ CHỦ TỊCH THƯỜNG TRỰC" in text and "Hà Minh Hải" not in text
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["options"]["signer"] == SECOND


def test_generate_with_an_unknown_signer_exits_2_with_the_list(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["generate", str(JULY), "--out", str(out), "--formats", "docx", "--signer", "Ai Đó"]) == 2
    err = capsys.readouterr().err
    assert "Người ký “Ai Đó” không có" in err and "Hà Minh Hải" in err and SECOND in err
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*.docx"))


def test_issuing_records_the_chosen_signer(tmp_path, monkeypatch):
    monkeypatch.setenv(TEMPLATES_ENV, str(approved_templates(tmp_path)))
    register = Register(tmp_path / "data")
    staff = register.add_user("can.bo", "staff", PASSWORD)
    document = issue(register, IssueRequest(JULY, "2562", date(2024, 8, 6), staff, formats=("docx",), signer=SECOND))
    assert document.signer == f"{SECOND} (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH THƯỜNG TRỰC)"
    assert SECOND in docx_text(register.absolute(document.files[0].path))


def test_the_page_offers_the_profiles_signers_and_checks_the_choice(tmp_path, monkeypatch):
    """The select lists both people; a name not in the profile is refused (400, nothing issued); the chosen one is
    the register line's signer."""
    monkeypatch.setenv(TEMPLATES_ENV, str(approved_templates(tmp_path)))
    data = tmp_path / "data"
    make_accounts(data)
    browser = TestClient(create_app(WebSettings(data=data, preview_workers=1)), raise_server_exceptions=False)
    token = csrf_of(browser.get("/").text)
    assert browser.post("/login", data={"name": "can.bo", "password": PASSWORD, "csrf": token}).status_code == 200
    token = csrf_of(browser.get("/").text)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    uploaded = browser.post("/upload", data={"csrf": token}, files={"files": ("2024-07.xlsx", JULY.read_bytes(), xlsx)},
                            follow_redirects=False)
    page = browser.get(uploaded.headers["location"])
    assert '<option value="Hà Minh Hải">Hà Minh Hải (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH)</option>' in page.text
    assert f'<option value="{SECOND}">{SECOND} (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH THƯỜNG TRỰC)</option>' in page.text
    action = uploaded.headers["location"] + "/issue"
    token = csrf_of(page.text)
    forged = browser.post(action, data={"csrf": token, "number": "2562", "date": "2024-08-06", "signer": "Ai Đó"})
    assert forged.status_code == 400 and "Người ký phải là người có trong hồ sơ cơ quan" in forged.text
    assert Register(data).issued_count() == 0
    answer = browser.post(action, data={"csrf": token, "number": "2562", "date": "2024-08-06", "signer": SECOND},
                          follow_redirects=False)
    assert answer.status_code == 303, answer.text[:3000]
    [document] = Register(data).issued_list()
    assert document.signer.startswith(SECOND)
    assert f"{SECOND} (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH THƯỜNG TRỰC)" in browser.get(answer.headers["location"]).text
    # A batch with that issued number puts the same person under its copies.
    from generator.web.jobs import BatchRunner, run_batch

    orders: list = []
    monkeypatch.setattr(BatchRunner, "start", lambda self, order: orders.append(order))
    token = csrf_of(page.text)
    started = browser.post(uploaded.headers["location"] + "/batch", data={
        "csrf": token, "formats": "docx", "units": "STP", "issued": str(document.id)}, follow_redirects=False)
    assert started.status_code == 303 and [o.signer for o in orders] == [SECOND]
    run_batch(orders[0])  # in this process, DOCX only
    state = Register(data).batch(orders[0].batch_id)
    assert state is not None and state.status == "done" and state.folder is not None
    made = sorted(state.folder.rglob("*.docx"))
    assert len(made) == 2 and all(SECOND in docx_text(path) for path in made)
