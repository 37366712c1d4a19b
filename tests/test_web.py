"""The web application in-process (no browser): sessions, CSRF, roles, upload limits and validation, escaping,
errors as Vietnamese pages with the traceback in the server's log, and uploaded names never used as paths."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from e2e_support import FIXTURES, JULY
from register_support import PASSWORD, approved_templates
from web_support import csrf_of, make_accounts

from generator.content import TEMPLATES_ENV
from generator.register import Register
from generator.web import WebSettings, create_app

with warnings.catch_warnings():  # Starlette now prefers httpx2 for its test client; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

INVALID = FIXTURES / "invalid"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(TEMPLATES_ENV, str(approved_templates(tmp_path, approve_all=False)))
    folder = tmp_path / "data"
    make_accounts(folder)
    return folder


@pytest.fixture()
def app(data: Path):  # type: ignore[no-untyped-def]
    return create_app(WebSettings(data=data, max_upload_bytes=1024 * 1024, max_upload_files=3, preview_workers=1))


def client(app, name: str | None = None) -> TestClient:  # type: ignore[no-untyped-def]
    browser = TestClient(app, raise_server_exceptions=False)
    if name is not None:
        token = csrf_of(browser.get("/").text)
        answer = browser.post("/login", data={"name": name, "password": PASSWORD, "csrf": token})
        assert answer.status_code == 200 and "Đăng xuất" in answer.text
    return browser


def kept_files(data: Path) -> list[Path]:
    """Everything an upload could have left: staged or kept snapshots."""
    return [p for folder in ("tmp", "snapshots") for p in (data / folder).rglob("*") if p.is_file()]


def test_someone_not_logged_in_sees_the_login_page_with_a_safe_cookie(app):
    """`/` is the Vietnamese login page; the session cookie is HttpOnly and SameSite; pages carry a strict CSP."""
    answer = client(app).get("/")
    assert answer.status_code == 200 and "<h1>Đăng nhập</h1>" in answer.text
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"


def test_a_wrong_password_is_refused_and_repeated_failures_pause_the_name(app):
    browser = client(app)
    token = csrf_of(browser.get("/").text)
    for _ in range(5):
        answer = browser.post("/login", data={"name": "can.bo", "password": "sai-mat-khau", "csrf": token})
        assert answer.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in answer.text
    answer = browser.post("/login", data={"name": "can.bo", "password": PASSWORD, "csrf": token})
    assert answer.status_code == 429 and "quá nhiều lần" in answer.text


def test_a_page_needing_an_account_sends_the_visitor_to_login(app):
    answer = client(app).get("/register", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_login_without_its_csrf_token_is_refused(app):
    answer = client(app).post("/login", data={"name": "can.bo", "password": PASSWORD})
    assert answer.status_code == 403 and "Biểu mẫu không hợp lệ" in answer.text


def test_a_form_sent_from_another_site_is_refused_even_with_the_token(app, data):
    """A POST whose Origin is another site is refused although it carries a valid token (defence in depth)."""
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    answer = browser.post("/upload", data={"csrf": token}, files={"files": ("a.xlsx", JULY.read_bytes(), XLSX)},
                          headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403
    assert kept_files(data) == []


def test_staff_cannot_approve_a_template(app, data):
    """A staff account sending the approval form (with its own valid token) gets 403; the manifest is unchanged."""
    import os

    manifest = Path(os.environ[TEMPLATES_ENV]) / "unit_notice" / "manifest.yaml"
    before = manifest.read_text(encoding="utf-8")
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/templates").text)
    answer = browser.post("/templates/unit_notice/approve", data={"csrf": token})
    assert answer.status_code == 403 and "chỉ dành cho cán bộ pháp chế" in answer.text
    assert manifest.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("who", ["phap.che", "quan.tri"])
def test_only_staff_upload_or_issue(app, data, who):
    """A reviewer or an admin cannot upload, issue or start a batch: 403 each time, nothing kept."""
    browser = client(app, who)
    token = csrf_of(browser.get("/verify").text)
    answer = browser.post("/upload", data={"csrf": token}, files={"files": ("2024-07.xlsx", JULY.read_bytes(), XLSX)})
    assert answer.status_code == 403
    for action in ("issue", "batch"):
        answer = browser.post(f"/snapshots/{'a' * 64}/{action}", data={"csrf": token, "number": "1",
                                                                      "date": "2024-08-06"})
        assert answer.status_code == 403
    assert kept_files(data) == [] and Register(data).issued_count() == 0


def test_only_admins_see_accounts(app):
    assert client(app, "can.bo").get("/users").status_code == 403
    admin = client(app, "quan.tri")
    page = admin.get("/users")
    assert page.status_code == 200 and "Trần Văn Bộ" in page.text
    answer = admin.post("/users", data={"csrf": csrf_of(page.text), "name": "moi.vao", "role": "reviewer",
                                        "full_name": "Người Mới", "password": PASSWORD})
    assert answer.status_code == 200 and "Đã tạo tài khoản “moi.vao”" in answer.text


def test_upload_errors_come_as_a_table_of_file_row_column_and_nothing_is_kept(app, data):
    """A malformed XLSX: every problem as (file, row, column, message) with the user's file name; no file kept."""
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    bad = INVALID / "many-unit-problems.xlsx"
    answer = browser.post("/upload", data={"csrf": token}, files={"files": ("thang 7.xlsx", bad.read_bytes(), XLSX)})
    assert answer.status_code == 400
    body = answer.text.split('<table class="problems cards">', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = [tuple(re.findall(r"<td[^>]*>(.*?)</td>", row)) for row in re.findall(r"<tr>(.*?)</tr>", body)]
    expected = (INVALID / "many-unit-problems.xlsx.expected").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(expected) > 1
    for (file, row, column, _message), line in zip(rows, expected):
        assert line.startswith(f"many-unit-problems.xlsx[units]:{row}:{column}: ")
        assert file == "thang 7.xlsx[units]"
    assert str(data) not in answer.text  # no server path shown
    assert kept_files(data) == [] and Register(data).snapshots() == ()


def test_a_csv_without_its_sidecar_names_the_missing_file_after_the_users_name(app, data):
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    table = (FIXTURES / "forms" / "2024-07.csv").read_bytes()
    answer = browser.post("/upload", data={"csrf": token}, files={"files": ("bao-cao.csv", table, "text/csv")})
    assert answer.status_code == 400
    assert "bao-cao.meta.yaml" in answer.text and "snapshot" not in answer.text
    assert kept_files(data) == []


def test_a_csv_with_its_sidecar_is_kept_under_names_of_our_own(app, data):
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    forms = FIXTURES / "forms"
    answer = browser.post("/upload", data={"csrf": token}, files=[
        ("files", ("../../ngoai.csv", (forms / "2024-07.csv").read_bytes(), "text/csv")),
        ("files", ("..\\..\\ngoai.meta.yaml", (forms / "2024-07.meta.yaml").read_bytes(), "application/yaml"))])
    assert answer.status_code == 200 and "UBND Thành phố Hà Nội – kỳ 2024-07" in answer.text
    assert "Tệp “ngoai.csv”" in answer.text
    kept = sorted(p.name for p in kept_files(data))
    assert len(kept) == 2 and all(re.fullmatch(r"2024-07-[0-9a-f]{12}\.(csv|meta\.yaml)", n) for n in kept)
    assert not list(data.parent.rglob("ngoai*"))


def test_what_a_page_shows_is_escaped(app, data):
    """A file name with markup comes back escaped, never as markup."""
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    name = "<img src=x onerror=alert(1)>.xlsx"
    answer = browser.post("/upload", data={"csrf": token}, files={"files": (name, b"not a spreadsheet", XLSX)})
    assert answer.status_code == 400
    assert "<img src=x" not in answer.text and "&lt;img src=x onerror=alert(1)&gt;.xlsx" in answer.text


def test_an_oversized_upload_is_refused_and_nothing_kept(app, data):
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    answer = browser.post("/upload", data={"csrf": token}, files={"files": ("lon.xlsx", b"x" * (1024 * 1024 + 1), XLSX)})
    assert answer.status_code == 413 and "Tệp tải lên quá lớn" in answer.text and "tối đa 1 MB" in answer.text
    assert kept_files(data) == []


def test_too_many_files_are_refused(app, data):
    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    files = [("files", (f"{i}.json", b"{}", "application/json")) for i in range(4)]
    answer = browser.post("/upload", data={"csrf": token}, files=files)
    assert answer.status_code == 400 and "tối đa 3 tệp" in answer.text
    assert kept_files(data) == []


def test_an_unexpected_failure_is_a_vietnamese_page_and_a_logged_traceback(app, data, monkeypatch):
    """A bug in a handler: the user reads a Vietnamese message with an incident code; the log has the traceback."""
    import generator.web.routes_register as routes

    monkeypatch.setattr(routes, "PAGE_SIZE", "not a number")  # the list query then fails inside SQLAlchemy
    browser = client(app, "can.bo")
    answer = browser.get("/register")
    assert answer.status_code == 500 and "Lỗi ngoài dự kiến" in answer.text
    incident = re.search(r"mã sự cố ([0-9a-f]{10})", answer.text)
    assert incident is not None and "Traceback" not in answer.text
    log = (data / "logs" / "server.log").read_text(encoding="utf-8")
    assert incident.group(1) in log and "Traceback" in log


def test_unknown_pages_and_batches_are_vietnamese_404s(app):
    browser = client(app, "can.bo")
    for path in ("/khong-co", "/batches/abc123", f"/snapshots/{'0' * 64}", "/register/999"):
        answer = browser.get(path)
        assert answer.status_code == 404 and "Không tìm thấy" in answer.text, path


def test_a_batch_names_its_failures_and_the_page_shows_them(app, data, monkeypatch):
    """A notice that fails is named with its reason in the register, the status JSON and the batch page."""
    import generator.build.batch as batch_module
    from generator.common.errors import RenderError
    from generator.web.jobs import BatchOrder, run_batch

    browser = client(app, "can.bo")
    token = csrf_of(browser.get("/").text)
    answer = browser.post("/upload", data={"csrf": token}, files={"files": ("2024-07.xlsx", JULY.read_bytes(), XLSX)})
    sha256 = answer.url.path.rsplit("/", 1)[-1]
    stored = Register(data).snapshot(sha256)
    assert stored is not None
    make = batch_module.make_document

    def failing(prepared, template, job, number, issue_date):  # type: ignore[no-untyped-def]
        if job.unit_code == "SYT":
            raise RenderError("không dựng được bảng của đơn vị")
        return make(prepared, template, job, number, issue_date)

    monkeypatch.setattr(batch_module, "make_document", failing)  # the batch runs in this process (jobs=1)
    register = Register(data)
    register.create_batch("b" * 32, sha256, "can.bo", ("docx",), ("STP", "SYT"), None)
    # DOCX only: WeasyPrint in the test process may have been re-imported by test_weasyprint_tuning.py
    run_batch(BatchOrder(str(register.data), register.url, "b" * 32, str(stored.path), str(stored.path.parent),
                         ("docx",), ("STP", "SYT"), None, None, False, None, 1))
    state = browser.get(f"/batches/{'b' * 32}/status").json()
    assert (state["status"], state["done"], state["total"]) == ("done", 3, 3)
    assert state["failures"] == [{"name": "SYT", "reason": "không dựng được bảng của đơn vị"}]
    page = browser.get(f"/batches/{'b' * 32}").text
    assert "<strong>SYT</strong>: không dựng được bảng của đơn vị" in page and "Văn bản không sinh được" in page
