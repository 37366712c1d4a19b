"""The portal's responses uploaded on the web page: a ZIP or the JSON files, imported by the library into a
snapshot that then follows the normal path; a missing endpoint, a hostile ZIP or a missing period refused
with a table row naming the file, nothing kept."""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from portal_support import AUGUST, MONTH, month_cutoff, period_folder
from register_support import PASSWORD
from web_support import csrf_of, make_accounts

from generator.portal import ENDPOINTS
from generator.register import Register
from generator.snapshot import load_snapshot
from generator.web import WebSettings, create_app

with warnings.catch_warnings():  # Starlette now prefers httpx2 for its test client; httpx is what is installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ZIP = "application/zip"
JSON = "application/json"
PERIOD = {"period": str(AUGUST), "cutoff": month_cutoff().strftime("%Y-%m-%dT%H:%M:%S")}


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    make_accounts(folder)
    return folder


@pytest.fixture()
def staff(data: Path) -> TestClient:
    app = create_app(WebSettings(data=data, max_upload_bytes=4 * 1024 * 1024, max_upload_files=8, preview_workers=1))
    browser = TestClient(app, raise_server_exceptions=False)
    token = csrf_of(browser.get("/").text)
    answer = browser.post("/login", data={"name": "can.bo", "password": PASSWORD, "csrf": token})
    assert answer.status_code == 200 and "Đăng xuất" in answer.text
    return browser


def kept_files(data: Path) -> list[Path]:
    return [p for folder in ("tmp", "snapshots") for p in (data / folder).rglob("*") if p.is_file()]


def zipped(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def responses(folder: Path = MONTH, prefix: str = "") -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in sorted(folder.glob("*.json"))}


def upload(browser: TestClient, files: list[tuple[str, bytes, str]], **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get("/").text)
    return browser.post("/upload", data={"csrf": token, **fields}, files=[("files", f) for f in files],
                        follow_redirects=False)


def problem_rows(html: str) -> list[list[str]]:
    """The error table's rows as (file, where, column, message) cell texts."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_a_zip_of_the_portal_responses_becomes_a_snapshot_with_its_ranked_tables(staff, data):
    """The Phú Thọ August responses, zipped in a folder as `congvan fetch` leaves them, with period and cutoff typed."""
    answer = upload(staff, [("phu-tho 2026-08.zip", zipped(responses(prefix="phu-tho-2026-08/")), ZIP)], **PERIOD)
    assert answer.status_code == 303, problem_rows(answer.text) or answer.text[:2000]
    page = staff.get(answer.headers["location"])
    assert page.status_code == 200
    assert "Đã nhận tệp “phu-tho 2026-08.zip”" in page.text and "163 đơn vị" in page.text
    assert "UBND tỉnh Phú Thọ" in page.text and "Sở Tư pháp" in page.text and "UBND phường Thanh Miếu" in page.text
    assert page.text.count('<table class="ranking') >= 2  # the departments' table and the communes'
    [kept] = [p for p in kept_files(data) if p.suffix == ".json"]
    snapshot = load_snapshot(kept)
    assert (snapshot.meta.period, snapshot.meta.score, len(snapshot.units)) == (AUGUST, Decimal("59.92"), 163)
    assert snapshot.meta.cutoff == month_cutoff().replace(microsecond=0)  # as typed: to the second
    assert not (data / "tmp").exists() or not any((data / "tmp").iterdir())
    stored = Register(data).snapshot(snapshot.sha256)
    assert stored is not None and stored.name == "phu-tho 2026-08.zip" and stored.period == "2026-08"


def test_the_six_json_files_give_the_same_snapshot_as_the_zip(staff, data):
    files = [(name, content, JSON) for name, content in responses().items()]
    by_files = upload(staff, files, **PERIOD)
    assert by_files.status_code == 303, problem_rows(by_files.text)
    by_zip = upload(staff, [("cong.zip", zipped(responses()), ZIP)], **PERIOD)
    assert by_zip.status_code == 303 and by_zip.headers["location"] == by_files.headers["location"]
    assert len([p for p in kept_files(data) if p.suffix == ".json"]) == 1


def test_a_capture_record_gives_the_period_and_the_cutoff(staff, data, tmp_path):
    """A fetched folder (capture.json, quarter 3) needs nothing typed; a period typed that differs is refused."""
    from generator.snapshot import Period

    quarter = Period(2026, quarter=3)
    members = responses(period_folder(tmp_path / "q3", quarter))
    assert "capture.json" in members
    refused = upload(staff, [("q3.zip", zipped(members), ZIP)], period="2026-08")
    assert refused.status_code == 400 and "khác kỳ 2026-Q3 trong capture.json" in refused.text
    assert kept_files(data) == []
    answer = upload(staff, [("q3.zip", zipped(members), ZIP)])
    assert answer.status_code == 303, problem_rows(answer.text)
    [kept] = kept_files(data)
    assert load_snapshot(kept).meta.period == quarter


def test_a_missing_endpoint_is_named_and_nothing_is_kept(staff, data):
    members = responses()
    del members["dossier-digitized.json"]
    answer = upload(staff, [("thieu.zip", zipped(members), ZIP)], **PERIOD)
    assert answer.status_code == 400
    assert "Thiếu phản hồi của 1 nhóm chỉ số: dossier-digitized.json" in answer.text
    assert problem_rows(answer.text) == [["dossier-digitized.json", "", "",
                                          "thiếu phản hồi dossier-digitized (nhóm Số hóa hồ sơ)"]]
    assert kept_files(data) == []


def test_a_wrong_score_is_shown_with_the_users_file_and_its_json_path(staff, data):
    members = responses()
    document = json.loads(members["transparency.json"])
    document["data"]["evaluation"][3]["totalScore"] = 19
    members["transparency.json"] = json.dumps(document, ensure_ascii=False).encode()
    answer = upload(staff, [("t8.zip", zipped(members), ZIP)], **PERIOD)
    assert answer.status_code == 400
    rows = problem_rows(answer.text)
    assert ["t8.zip › transparency.json", "$.data.evaluation[3].totalScore"] in [row[:2] for row in rows], rows
    assert any("vượt quá điểm tối đa 18" in row[3] for row in rows)
    assert "/tmp/" not in answer.text and str(data) not in answer.text  # our staging paths never shown
    assert kept_files(data) == []


@pytest.mark.parametrize(("typed", "lacking"), [({}, "Kỳ đánh giá và Thời điểm lấy số liệu"),
                                                ({"period": "2026-08"}, "Thời điểm lấy số liệu"),
                                                ({"cutoff": "2026-09-26T10:00"}, "Kỳ đánh giá")])
def test_without_a_capture_record_the_period_and_cutoff_are_required(staff, data, typed, lacking):
    answer = upload(staff, [("t8.zip", zipped(responses()), ZIP)], **typed)
    assert answer.status_code == 400
    assert "không kèm bản ghi thu thập (capture.json)" in answer.text and f"hãy ghi {lacking} ở mẫu" in answer.text
    assert kept_files(data) == []
    if "period" in typed:  # what was typed is kept on the form
        assert 'value="2026-08"' in answer.text


def test_a_zip_bomb_is_refused_while_decompressing(staff, data):
    """32 MB of zeros compress into ~32 kB: refused by its ratio before it is all read, nothing kept."""
    bomb = zipped({"transparency.json": b"\0" * (32 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    answer = upload(staff, [("bom.zip", bomb, ZIP)], **PERIOD)
    assert answer.status_code == 400 and "tỉ lệ nén bất thường" in answer.text
    assert problem_rows(answer.text)[0][0] == "bom.zip › transparency.json"
    assert kept_files(data) == []


def test_a_member_larger_than_its_limit_is_refused(staff, data, monkeypatch):
    import generator.web.portal_files as portal_files

    monkeypatch.setattr(portal_files, "MAX_MEMBER_BYTES", 100_000)
    answer = upload(staff, [("t8.zip", zipped(responses()), ZIP)], **PERIOD)
    assert answer.status_code == 400 and "giải nén ra quá lớn: vượt mức" in answer.text
    monkeypatch.setattr(portal_files, "MAX_MEMBER_BYTES", 64 * 1024 * 1024)
    monkeypatch.setattr(portal_files, "MAX_TOTAL_BYTES", 500_000)
    answer = upload(staff, [("t8.zip", zipped(responses()), ZIP)], **PERIOD)
    assert answer.status_code == 400 and "cho cả tệp ZIP" in answer.text
    assert kept_files(data) == []


def with_newer_zip_version(archive: bytes) -> bytes:
    """The archive with its first central-directory entry asking for ZIP version 6.4 (a flipped byte:
    zipfile refuses it with NotImplementedError, not BadZipFile)."""
    at = archive.index(b"PK\x01\x02") + 6  # signature, version made by, then version needed
    return archive[:at] + (64).to_bytes(2, "little") + archive[at + 2:]


def test_a_zip_asking_for_a_newer_version_is_refused_by_name(staff, data):
    answer = upload(staff, [("t8.zip", with_newer_zip_version(zipped(responses())), ZIP)], **PERIOD)
    assert answer.status_code == 400 and "không phải tệp ZIP đọc được" in answer.text
    assert kept_files(data) == []


def test_too_many_members_are_refused(staff, data):
    members = {f"transparency.page-{n}.json": b"{}" for n in range(2, 203)}
    answer = upload(staff, [("nhieu.zip", zipped(members, method=zipfile.ZIP_STORED), ZIP)], **PERIOD)
    assert answer.status_code == 400 and "tệp ZIP có 201 mục, nhiều hơn mức cho phép 200" in answer.text
    assert kept_files(data) == []


@pytest.mark.parametrize(("name", "why"), [
    ("../transparency.json", "ra ngoài thư mục"),
    ("a/../../transparency.json", "ra ngoài thư mục"),
    ("/etc/transparency.json", "không hợp lệ"),
    ("C:/transparency.json", "không hợp lệ"),
    ("a\\..\\transparency.json", "không hợp lệ"),
    ("a/b/transparency.json", "nhiều lớp thư mục"),
    ("other/transparency.json", "nhiều thư mục khác nhau"),
    ("transparency.json.exe", "không phải một phản hồi"),
])
def test_member_names_are_never_paths(staff, data, tmp_path, name, why):
    members = responses()
    if name != "other/transparency.json":  # that one is a second folder beside the top-level files
        del members["transparency.json"]
    members[name] = b"{}"
    answer = upload(staff, [("la.zip", zipped(members), ZIP)], **PERIOD)
    assert answer.status_code == 400 and why in answer.text, problem_rows(answer.text)
    assert kept_files(data) == []
    assert list(tmp_path.rglob("transparency.json")) == []  # nothing written by the member's name


def test_links_and_duplicate_endpoints_are_refused(staff, data):
    members = responses()
    link = zipfile.ZipInfo("transparency.json")
    link.external_attr = (0o120777 << 16)  # a symbolic link, as `zip --symlinks` stores it
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            if name != "transparency.json":
                archive.writestr(name, content)
        archive.writestr(link, "/etc/passwd")
    answer = upload(staff, [("link.zip", buffer.getvalue(), ZIP)], **PERIOD)
    assert answer.status_code == 400 and "liên kết hoặc tệp đặc biệt" in answer.text
    twice = upload(staff, [("t8.zip", zipped(members), ZIP),
                           ("transparency.json", members["transparency.json"], JSON)], **PERIOD)
    assert twice.status_code == 400
    assert problem_rows(twice.text)[0][::3] == ["transparency.json", "trùng với “t8.zip › transparency.json”: "
                                                                    "cùng là transparency.json"]
    assert kept_files(data) == []


def test_one_endpoint_file_alone_is_read_as_portal_responses(staff, data):
    """`transparency.json` uploaded alone is not mistaken for a snapshot: the five others are named as missing."""
    answer = upload(staff, [("transparency.json", (MONTH / "transparency.json").read_bytes(), JSON)], **PERIOD)
    assert answer.status_code == 400 and "Thiếu phản hồi của 5 nhóm chỉ số" in answer.text
    assert {row[0] for row in problem_rows(answer.text)} == {e.file_name for e in ENDPOINTS[1:]}
    assert kept_files(data) == []
