"""`congvan fetch` against a loopback replay of the portal: faults, pages, politeness, resume.

Nothing here reaches the internet: tests/portal_replay.py serves the recorded responses on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from portal_replay import FaultPlan, ReplayServer
from portal_support import AUGUST, MONTH, PROVINCE, period_folder

from generator.cli import main
from generator.portal import (
    ENDPOINTS,
    FetchSettings,
    ImportRequest,
    PortalError,
    fetch_portal,
    find_province,
    import_portal,
    read_capture,
)
from generator.snapshot import Period

FAST = {"timeout": 0.5, "attempts": 3, "backoff": 0.01, "max_backoff": 0.05, "interval": 0.02}
FIXED = datetime(2026, 9, 28, 15, 14, 20, tzinfo=UTC)


def settings(portal: ReplayServer, **changes: object) -> FetchSettings:
    return FetchSettings(portal=portal.base_url, **{**FAST, **changes})  # type: ignore[arg-type]


def test_fetch_through_every_fault_saves_the_portals_bytes_and_imports_the_same(tmp_path: Path) -> None:
    """500, 503, timeout, cut-off body, code not OK and a reset connection: each retried; the saved
    files are the recorded bytes; importing them gives the very snapshot importing the recording gives."""
    plan = FaultPlan({"transparency": ["500", "ok"], "dvc-progress-tree": ["timeout"],
                      "provide-online-tree": ["truncated"], "formality-online-payment-tree": ["not-ok"],
                      "handling-satisfaction": ["reset"], "dossier-digitized": ["503", "500"]}, timeout_delay=1.5)
    out = tmp_path / "raw"
    with ReplayServer(MONTH, faults=plan) as portal:
        result = fetch_portal(PROVINCE, AUGUST, out, settings(portal), clock=lambda: FIXED)
        tried = [(r.endpoint, r.fault) for r in portal.requests]
    for endpoint in ENDPOINTS:
        assert (out / endpoint.file_name).read_bytes() == (MONTH / endpoint.file_name).read_bytes(), endpoint.name
    assert ("dossier-digitized", "500") in tried and ("handling-satisfaction", "reset") in tried
    record = read_capture(out)
    assert record is not None and record.complete and record.period == "2026-08"
    assert record.ranking is None and record.ranking_note  # the replay has no national ranking
    entry = record.entry("transparency", 1)
    assert entry is not None and entry.status == 201 and entry.bytes == (MONTH / "transparency.json").stat().st_size
    assert entry.payload == {"rootDepartmentId": PROVINCE.id, "timeType": "month", "year": 2026, "month": 8,
                             "currentPage": 1, "pageSize": 200}
    assert result.requested == len(ENDPOINTS) and result.reused == 0

    fetched = import_portal(ImportRequest(out, tmp_path / "a.json")).snapshot
    recorded = import_portal(ImportRequest(MONTH, tmp_path / "b.json", period=AUGUST, cutoff=FIXED)).snapshot
    assert fetched.meta.cutoff == FIXED
    assert fetched.meta.source_url == portal.base_url  # where the figures were read, as recorded
    a, b = (json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in ("a.json", "b.json"))
    a["meta"]["source_url"] = b["meta"]["source_url"]
    assert a == b  # the same snapshot, figure for figure
    assert fetched.units == recorded.units and fetched.indicators == recorded.indicators


def test_pages_are_followed_and_joined(tmp_path: Path) -> None:
    """A server that pages by 50: four pages of each scorecard, saved apart, joined by the import."""
    out = tmp_path / "raw"
    with ReplayServer(MONTH, page_size=50) as portal:
        fetch_portal(PROVINCE, AUGUST, out, settings(portal), clock=lambda: FIXED)
        pages = sorted(r.payload.get("currentPage") for r in portal.requests if r.endpoint == "transparency")
    assert pages == [1, 2, 3, 4]
    assert sorted(p.name for p in out.glob("transparency*.json")) == [
        "transparency.json", "transparency.page-2.json", "transparency.page-3.json", "transparency.page-4.json"]
    paged = import_portal(ImportRequest(out, tmp_path / "a.json")).snapshot
    whole = import_portal(ImportRequest(MONTH, tmp_path / "b.json", period=AUGUST, cutoff=FIXED)).snapshot
    assert paged.units == whole.units and paged.indicators == whole.indicators


def test_a_killed_fetch_resumes_without_asking_again(tmp_path: Path) -> None:
    """Stopped after three endpoints (as by Ctrl-C): the rerun asks only for the other three."""
    out = tmp_path / "raw"
    done: list[str] = []

    def stop_after_three(line: str) -> None:
        done.append(line)
        if len(done) == 3:
            raise KeyboardInterrupt

    with ReplayServer(MONTH) as portal, pytest.raises(KeyboardInterrupt):
        fetch_portal(PROVINCE, AUGUST, out, settings(portal), progress=stop_after_three)
    record = read_capture(out)
    assert record is not None and not record.complete and len(record.files) == 3
    with pytest.raises(PortalError, match="chưa hoàn tất"):
        import_portal(ImportRequest(out, tmp_path / "early.json"))
    with ReplayServer(MONTH) as portal:
        result = fetch_portal(PROVINCE, AUGUST, out, settings(portal))
        asked = [r.endpoint for r in portal.requests]
    assert asked == [e.name for e in ENDPOINTS[3:]] + ["service-results"]
    assert (result.reused, result.requested) == (3, 3)
    for endpoint in ENDPOINTS:
        assert (out / endpoint.file_name).read_bytes() == (MONTH / endpoint.file_name).read_bytes()


def test_a_damaged_saved_file_is_fetched_again(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    with ReplayServer(MONTH) as portal:
        fetch_portal(PROVINCE, AUGUST, out, settings(portal))
    (out / "transparency.json").write_bytes(b"{}")
    with ReplayServer(MONTH) as portal:
        fetch_portal(PROVINCE, AUGUST, out, settings(portal))
        asked = [r.endpoint for r in portal.requests]
    assert asked == ["transparency", "service-results"]
    assert (out / "transparency.json").read_bytes() == (MONTH / "transparency.json").read_bytes()


def test_requests_are_spaced_politely(tmp_path: Path) -> None:
    with ReplayServer(MONTH) as portal:
        fetch_portal(PROVINCE, AUGUST, tmp_path / "raw", settings(portal, interval=0.1))
        times = portal.arrival_times()
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 7 and min(gaps) >= 0.09


def test_retries_wait_longer_each_time_then_give_up_with_a_clear_message(tmp_path: Path) -> None:
    waits: list[float] = []
    plan = FaultPlan({"transparency": ["500", "503", "500"]})
    with ReplayServer(MONTH, faults=plan) as portal, pytest.raises(PortalError) as caught:
        fetch_portal(PROVINCE, AUGUST, tmp_path / "raw", settings(portal, backoff=0.01, max_backoff=1, interval=0),
                     sleep=waits.append)
    assert caught.value.message == "Không lấy được transparency từ Cổng sau 3 lần thử: Cổng trả lời HTTP 500"
    assert [w for w in waits if w >= 0.01] == [0.01, 0.02]
    assert not (tmp_path / "raw" / "transparency.json").exists()


def test_a_portal_that_keeps_answering_not_ok_is_reported(tmp_path: Path) -> None:
    plan = FaultPlan({"dvc-progress-tree": ["not-ok"] * 3})
    with ReplayServer(MONTH, faults=plan) as portal, pytest.raises(PortalError) as caught:
        fetch_portal(PROVINCE, AUGUST, tmp_path / "raw", settings(portal))
    assert "Cổng báo lỗi code = 'ERROR': Simulated portal error (not-ok fault)" in caught.value.message


def test_a_refusal_stops_at_once_with_the_portals_words(tmp_path: Path) -> None:
    """A province the recording does not have: the replay answers 400, as the portal's validation would."""
    other = find_province("Hà Nội")
    with ReplayServer(MONTH) as portal, pytest.raises(PortalError) as caught:
        fetch_portal(other, AUGUST, tmp_path / "raw", settings(portal))
        assert len(portal.requests) == 1
    assert caught.value.message.startswith("Cổng từ chối yêu cầu transparency (HTTP 400): no recording for "
                                           "rootDepartmentId")


def test_another_province_or_period_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    with ReplayServer(MONTH) as portal:
        fetch_portal(PROVINCE, AUGUST, out, settings(portal))
        with pytest.raises(PortalError, match="đã chứa bản thu của UBND tỉnh Phú Thọ kỳ 2026-08"):
            fetch_portal(PROVINCE, Period(2026, 7), out, settings(portal))


def test_a_quarter_is_asked_with_its_payloads(tmp_path: Path) -> None:
    """Quarter answers (built from the month's) served back: `quarter: 3` and the Q3 date range are asked."""
    quarter = Period(2026, quarter=3)
    samples = period_folder(tmp_path / "samples", quarter)
    (samples / "capture.json").unlink()
    with ReplayServer(samples) as portal:
        fetch_portal(PROVINCE, quarter, tmp_path / "raw", settings(portal))
        asked = {r.endpoint: r.payload for r in portal.requests}
    assert asked["transparency"]["quarter"] == 3 and asked["transparency"]["timeType"] == "quarter"
    assert (asked["handling-satisfaction"]["fromDate"], asked["handling-satisfaction"]["toDate"]) == (
        "2026-07-01", "2026-09-30")
    assert import_portal(ImportRequest(tmp_path / "raw", tmp_path / "q.json")).snapshot.meta.period == quarter


def test_province_by_code_or_name() -> None:
    assert find_province("H44") == find_province("phú thọ") == find_province("UBND tỉnh Phú Thọ") == PROVINCE
    assert find_province("Thành phố Hà Nội").code == "H26"
    with pytest.raises(PortalError, match="Không biết tỉnh, thành phố “Atlantis”"):
        find_province("Atlantis")


def test_fetch_command_then_import_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "raw"
    with ReplayServer(MONTH) as portal:
        code = main(["fetch", "--province", "Phú Thọ", "--period", "2026-08", "--out", str(out),
                     "--portal", portal.base_url, "--interval", "0.2"])
    assert code == 0
    printed = capsys.readouterr()
    assert f"Bước tiếp theo: congvan import {out} --out {out / '2026-08.xlsx'}" in printed.out
    assert "Cảnh báo: Cổng không trả bảng xếp hạng toàn quốc" in printed.err
    assert main(["import", str(out), "--out", str(tmp_path / "2026-08.xlsx")]) == 0
    assert main(["validate", str(tmp_path / "2026-08.xlsx")]) == 0
    assert main(["fetch", "--province", "H44", "--period", "2026-13", "--out", str(out)]) == 2
    assert "--period không hợp lệ" in capsys.readouterr().err


def test_capture_record_is_json_a_reader_can_check(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    with ReplayServer(MONTH) as portal:
        fetch_portal(PROVINCE, AUGUST, out, settings(portal), clock=lambda: FIXED)
    document = json.loads((out / "capture.json").read_text(encoding="utf-8"))
    assert document["format"] == "congvan-capture/1" and document["province"]["code"] == "H44"
    for entry in document["files"]:
        raw = (out / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(raw).hexdigest() and entry["bytes"] == len(raw)
        assert entry["url"].endswith("/api/v1/reporting/evaluation/" + entry["endpoint"])
    shutil.rmtree(out)


def test_the_national_ranking_is_saved_when_the_portal_answers_it(tmp_path: Path) -> None:
    """A replay that also serves service-results (built here: no recording exists): it is asked without
    a province, saved with the capture, and the import turns it into the province's rank."""
    samples = tmp_path / "samples"
    shutil.copytree(MONTH, samples)
    provinces = json.loads((Path(__file__).resolve().parents[1] / "generator" / "portal" / "provinces.json")
                           .read_text(encoding="utf-8"))["provinces"]
    evaluation = [{"departmentId": p["departmentId"], "departmentName": p["departmentName"],
                   "rootDepartmentId": p["rootDepartmentId"], "totalScore": 80 - i / 2} for i, p in enumerate(provinces)]
    body = {"code": "OK", "message": "OK", "data": {"overview": {"departmentName": "Cả nước"}, "evaluation": evaluation,
                                                     "pagination": {"total": 34, "currentPage": 1, "pageSize": 100,
                                                                    "totalPages": 1}}}
    (samples / "service-results.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "raw"
    with ReplayServer(samples, manifest=MONTH.parent / "manifest.m0.json") as portal:
        result = fetch_portal(PROVINCE, AUGUST, out, settings(portal))
        ranking = [r.payload for r in portal.requests if r.endpoint == "service-results"]
    assert ranking == [{"timeType": "month", "year": 2026, "month": 8, "departmentType": "ADMINISTRATIVE_UNIT"}]
    assert result.warnings == () and result.record.ranking is not None
    assert (out / "service-results.json").read_bytes() == (samples / "service-results.json").read_bytes()
    meta = import_portal(ImportRequest(out, tmp_path / "s.json")).snapshot.meta
    position = next(i for i, p in enumerate(provinces) if p["departmentCode"] == "H44")
    assert (meta.rank, meta.ranked_count) == (position + 1, 34)
