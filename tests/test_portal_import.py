"""`congvan import`: the portal's six responses → a snapshot → a dispatch whose figures are the portal's.

The expectations are recomputed here from the raw JSON, independently of generator/portal: each
department's six group scores, its total, the province's score, the counts and every metric.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from e2e_support import document_text
from portal_support import AUGUST, MONTH, dump, load, month_cutoff, period_folder

from generator.build import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, dispatch_document, notice_document, prepare
from generator.cli import main
from generator.common import formatting
from generator.content.model import Table
from generator.content.registry import find_template
from generator.portal import ImportRequest, PortalError, import_portal
from generator.snapshot import GROUPS, Period, UnitKind, load_snapshot

GROUP_FILES = {"ckmb": ("transparency", "totalScore"), "tdgq": ("dvc-progress-tree", "score"),
               "clgq": ("provide-online-tree", "totalScore"), "tttt": ("formality-online-payment-tree", "totalScore"),
               "mdhl": ("handling-satisfaction", "totalScore"), "mdsh": ("dossier-digitized", "totalScore")}


def raw_expectations(folder: Path) -> dict[str, Any]:
    """What the raw responses say, computed without the importer: per departmentId and for the province."""
    units: dict[str, dict[str, Any]] = {}
    province: dict[str, Decimal] = {}
    metrics = 0
    for group, (endpoint, key) in GROUP_FILES.items():
        data = load(folder / f"{endpoint}.json")["data"]
        root, records = (data["overview"], data["evaluation"]) if "overview" in data else (data["parent"], data["children"])
        province[group] = Decimal(root["totalScore"])
        metrics += len(root.get("metrics", []))
        for record in records:
            unit = units.setdefault(record["departmentId"], {"name": record["departmentName"]})
            unit[group] = None if record[key] is None else Decimal(record[key])
            if record.get("departmentCode"):
                unit["code"] = record["departmentCode"]
            if endpoint == "dvc-progress-tree":
                unit["counts"] = (record["totalReceived"], record["totalOnTime"], record["totalOverdue"])
            metrics += len(record.get("metrics", []))
            for metric in record.get("metrics", []):
                unit.setdefault("metrics", {})[metric["code"]] = metric
    return {"units": units, "province": province, "metrics": metrics}


# The official names of Phú Thọ's 15 departments, as a reviewer writes them (H44.03 from the profile).
DEPARTMENTS = {
    "H44.01": "Văn phòng UBND tỉnh", "H44.03": "Ban Quản lý các khu công nghiệp tỉnh", "H44.07": "Sở Công Thương",
    "H44.08": "Sở Giáo dục và Đào tạo", "H44.13": "Sở Ngoại vụ", "H44.19": "Sở Tư pháp",
    "H44.20": "Sở Văn hóa, Thể thao và Du lịch", "H44.22": "Sở Y tế", "H44.23": "Thanh tra tỉnh",
    "H44.41": "Sở Khoa học và Công nghệ", "H44.42": "Sở Nội vụ", "H44.43": "Sở Tài chính", "H44.44": "Sở Xây dựng",
    "H44.45": "Sở Nông nghiệp và Môi trường", "H44.46": "Sở Dân tộc và Tôn giáo",
}


def _official(department: dict[str, Any]) -> str:
    """A department's name from the table above; a commune's by hand: no province suffix, level word lower."""
    if department["code"] in DEPARTMENTS:
        return DEPARTMENTS[department["code"]]
    name = re.sub(r"\s+-\s+[Tt]ỉnh Phú Thọ$", "", department["name"])
    return re.sub(r"^UBND (Phường|Xã) ", lambda m: f"UBND {m.group(1).lower()} ", name)


def _import(folder: Path, out: Path, **options: Any) -> Any:
    return import_portal(ImportRequest(folder, out, **options))


@pytest.fixture(scope="module")
def august(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The recorded August responses imported as the snapshot 2026-08.json (with the recording's cutoff)."""
    out = tmp_path_factory.mktemp("august") / "2026-08.json"
    _import(MONTH, out, period=AUGUST, cutoff=month_cutoff())
    return out


def test_every_figure_of_the_snapshot_is_the_portals(august: Path) -> None:
    expected = raw_expectations(MONTH)
    snapshot = load_snapshot(august)
    meta = snapshot.meta
    assert (meta.authority_name, meta.authority_code, meta.period) == ("UBND tỉnh Phú Thọ", "H44", AUGUST)
    assert meta.cutoff == month_cutoff()
    assert meta.groups == tuple(expected["province"][g.code] for g in GROUPS)
    assert meta.score == sum(expected["province"].values()) == Decimal("59.92")
    assert len(snapshot.units) == len(expected["units"]) == 163
    by_code = {u.code: u for u in snapshot.units}
    for department in expected["units"].values():
        unit = by_code[department["code"]]
        assert unit.name == _official(department)
        assert unit.groups == tuple(department[g.code] for g in GROUPS), unit.name
        assert (unit.received, unit.on_time, unit.overdue) == department["counts"]
        assert unit.kind in (UnitKind.SO_NGANH, UnitKind.XA)
    assert len(snapshot.indicators) == expected["metrics"]
    for indicator in snapshot.indicators:
        if indicator.unit_code is None:
            continue
        department = next(d for d in expected["units"].values() if d["code"] == indicator.unit_code)
        metric = department["metrics"][indicator.code]
        assert (indicator.numerator, indicator.denominator) == (metric["numerator"], metric["denominator"])
        assert indicator.score == (None if metric["score"] is None else Decimal(metric["score"]))
        assert indicator.quality_status == metric.get("dataQualityStatus")


def annex_rows(document: Any) -> dict[str, list[str]]:
    """Each unit's six group scores and total as the dispatch's annex prints them, by the unit's name."""
    rows = {}
    for block in document.annexes[0].blocks:
        # the ranking tables (9 columns: no change column without an earlier period)
        if isinstance(block, Table) and block.header[0][0].text == "Xếp hạng":
            for row in block.rows:
                rows[row[1].text] = [cell.text for cell in row[2:9]]
    return rows


def assert_annex_matches_raw(document: Any, folder: Path) -> None:
    """Every department's figures in the annex are the raw responses', formatted, under its official name."""
    rows = annex_rows(document)
    expected = raw_expectations(folder)["units"]
    assert len(rows) == len(expected) == 163
    for department in expected.values():
        scores = [department[g.code] for g in GROUPS]
        shown = [formatting.score(s) for s in scores] + [formatting.score(sum(scores, Decimal(0)))]
        assert rows[_official(department)] == shown, department["name"]


def test_dispatch_from_the_import_states_the_portals_figures(august: Path) -> None:
    """The generated dispatch: the province's total, and every unit's groups and total in the annex."""
    prepared = prepare(august)
    assert prepared.profile.id == "phu-tho"
    document = dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None)
    text = document_text(document)
    assert "Tổng số điểm Tỉnh đạt được tháng 8/2026: 59,92/100 điểm" in text
    assert_annex_matches_raw(document, MONTH)
    assert "XÃ, PHƯỜNG" in text and "thị trấn" not in text.lower()
    assert " - Tỉnh Phú Thọ" not in text and "UBND Phường" not in text


def test_the_notice_names_the_units_weakest_indicators(august: Path) -> None:
    prepared = prepare(august)
    unit = next(u for u in prepared.analysis.units if u.weakest_indicators)
    text = document_text(notice_document(prepared, find_template(NOTICE_TEMPLATE), unit.code, None, None))
    weakest = unit.weakest_indicators[0]
    assert f"- {weakest.name}:" in text
    assert f"đạt {formatting.score(weakest.score or 0)}/" in text


@pytest.mark.parametrize(("period", "phrase"), [(Period(2026, quarter=3), "quý III/2026"), (Period(2026), "năm 2026")])
def test_quarter_and_year_from_their_own_responses(tmp_path: Path, period: Period, phrase: str) -> None:
    """Built from the month answers as the portal would answer the quarter or year payloads; the period
    and cutoff come from capture.json; the dispatch reads "quý III/2026" / "năm 2026"."""
    folder = period_folder(tmp_path / "raw", period)
    out = tmp_path / f"{period}.xlsx"
    result = _import(folder, out)
    expected = raw_expectations(folder)
    snapshot = result.snapshot
    assert snapshot.meta.period == period and str(snapshot.meta.cutoff) == "2026-09-28 22:14:20+07:00"
    assert snapshot.meta.score == sum(expected["province"].values())
    by_code = {u.code: u for u in snapshot.units}
    for department in expected["units"].values():
        assert by_code[department["code"]].groups == tuple(department[g.code] for g in GROUPS)
    document = dispatch_document(prepare(out), find_template(DISPATCH_TEMPLATE), None, None)
    text = document_text(document)
    total = formatting.score(snapshot.meta.score)
    assert f"Tổng số điểm Tỉnh đạt được {phrase}: {total}/100 điểm" in text
    assert f"DOANH NGHIỆP {phrase.upper()} CỦA" in text
    assert_annex_matches_raw(document, folder)
    assert "XÃ, PHƯỜNG" in text and "thị trấn" not in text.lower()


def test_a_quarter_is_compared_with_the_previous_quarter(tmp_path: Path) -> None:
    """Q3 beside Q2 (both imported): the dispatch says "so với quý II/2026"."""
    for period in (Period(2026, quarter=2), Period(2026, quarter=3)):
        _import(period_folder(tmp_path / str(period), period), tmp_path / "so-lieu" / f"{period}.json")
    text = document_text(dispatch_document(prepare(tmp_path / "so-lieu" / "2026-Q3.json"),
                                           find_template(DISPATCH_TEMPLATE), None, None))
    assert re.search(r"so với quý II/2026\)", text)


def test_xlsx_and_json_hold_the_same_snapshot(august: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "2026-08.xlsx"
    _import(MONTH, xlsx, period=AUGUST, cutoff=month_cutoff())
    a, b = load_snapshot(august), load_snapshot(xlsx)
    same_rows = [replace(u, row=0) for u in a.units] == [replace(u, row=0) for u in b.units]
    assert (a.meta, a.indicators, same_rows) == (b.meta, b.indicators, True)


def test_import_lists_every_name_it_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.json"
    code = main(["import", str(MONTH), "--out", str(out), "--period", "2026-08", "--cutoff", "2026-09-28T22:14:20"])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    renamed = [line for line in lines if line.startswith("Đổi tên: ")]
    assert "Đổi tên: Sở Nông Nghiệp và Môi Trường - Tỉnh Phú Thọ → Sở Nông nghiệp và Môi trường" in renamed
    assert "Đổi tên: UBND Phường Thanh Miếu → UBND phường Thanh Miếu" in renamed
    assert "Đổi tên: Ban quản lý các khu công nghiệp - Tỉnh Phú Thọ → Ban Quản lý các khu công nghiệp tỉnh" in renamed
    raw = raw_expectations(MONTH)["units"].values()
    assert len(renamed) == sum(1 for d in raw if _official(d) != d["name"]) == 27


# --- what is refused -----------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(MONTH, folder)
    return folder


def _edit(folder: Path, endpoint: str, change: Any) -> None:
    document = load(folder / f"{endpoint}.json")
    change(document)
    (folder / f"{endpoint}.json").write_bytes(dump(document))


def _refused(folder: Path, tmp_path: Path, *options: str) -> None:
    """`congvan import` exits 2 and the output folder holds nothing afterwards."""
    out_dir = tmp_path / "out"
    args = ["import", str(folder), "--out", str(out_dir / "s.json"),
            *(options or ("--period", "2026-08", "--cutoff", "2026-09-28"))]
    assert main(args) == 2
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


@pytest.mark.parametrize(("endpoint", "change", "message"), [
    ("transparency", lambda d: d["data"]["evaluation"][17].__setitem__("totalScore", "7.96"),
     "transparency.json:$.data.evaluation[17].totalScore: phải là một số"),
    ("transparency", lambda d: d["data"]["evaluation"][17].__setitem__("totalScore", Decimal("19")),
     "transparency.json:$.data.evaluation[17].totalScore: điểm 19 vượt quá điểm tối đa 18"),
    ("dossier-digitized", lambda d: d["data"]["evaluation"][3]["metrics"][0].__setitem__("score", Decimal("5.5")),
     "dossier-digitized.json:$.data.evaluation[3].totalScore: tổng điểm"),
    ("dvc-progress-tree", lambda d: d["data"]["children"][5].pop("departmentId"),
     "dvc-progress-tree.json:$.data.children[5].departmentId: thiếu khóa bắt buộc"),
    ("provide-online-tree", lambda d: d["data"]["parent"].__setitem__("departmentId", "another-province"),
     "provide-online-tree.json:$.data.parent.departmentId: phản hồi của một tỉnh khác"),
    ("handling-satisfaction", lambda d: d.__setitem__("code", "ERROR"),
     "handling-satisfaction.json:$.code: Cổng trả lời không thành công"),
    ("formality-online-payment-tree", lambda d: d["data"]["children"][0].__setitem__("totalMaxScore", Decimal(12)),
     "formality-online-payment-tree.json:$.data.children[0].totalMaxScore: điểm tối đa 12 không phải của nhóm"),
])
def test_wrong_responses_are_refused_with_file_and_json_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             endpoint: str, change: Any, message: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder, endpoint, change)
    _refused(folder, tmp_path)
    assert message in capsys.readouterr().err


def test_a_cut_response_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(tmp_path)
    raw = (folder / "transparency.json").read_bytes()
    (folder / "transparency.json").write_bytes(raw[: len(raw) // 2])
    _refused(folder, tmp_path)
    assert "transparency.json:dòng 1:" in capsys.readouterr().err


@pytest.mark.parametrize("endpoint", ["transparency", "dossier-digitized", "formality-online-payment-tree"])
def test_a_missing_endpoint_is_named_and_nothing_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           endpoint: str) -> None:
    folder = _copy(tmp_path)
    (folder / f"{endpoint}.json").unlink()
    _refused(folder, tmp_path)
    err = capsys.readouterr().err
    assert f"thiếu phản hồi của 1 nhóm chỉ số: {endpoint} ({endpoint}.json)" in err


def test_without_capture_record_period_and_cutoff_are_required(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _refused(MONTH, tmp_path, "--period", "2026-08")
    err = capsys.readouterr().err
    assert "không có bản ghi thu thập (capture.json)" in err and "hãy ghi --cutoff" in err


def test_responses_of_another_period_are_refused_by_the_capture_record(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """One file of the quarter folder swapped for August's: its hash and its recorded period disagree."""
    folder = period_folder(tmp_path / "q3", Period(2026, quarter=3))
    record = json.loads((folder / "capture.json").read_text(encoding="utf-8"))
    entry = next(f for f in record["files"] if f["endpoint"] == "transparency")
    entry["payload"]["timeType"], entry["payload"]["month"] = "month", 8
    entry["payload"].pop("quarter")
    (folder / "capture.json").write_text(json.dumps(record), encoding="utf-8")
    _refused(folder, tmp_path, "--period", "2026-Q3")
    assert "transparency.json: được thu cho kỳ 2026-08, khác kỳ 2026-Q3 của bản thu" in capsys.readouterr().err


def test_a_file_changed_after_capture_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = period_folder(tmp_path / "q3", Period(2026, quarter=3))
    (folder / "dvc-progress-tree.json").write_bytes((MONTH / "dvc-progress-tree.json").read_bytes())
    _refused(folder, tmp_path, "--period", "2026-Q3")
    assert "dvc-progress-tree.json: nội dung đã khác với lúc thu (SHA-256 không khớp capture.json)" in \
        capsys.readouterr().err


def test_an_unknown_department_type_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "transparency", lambda d: d["data"]["evaluation"][4].__setitem__("departmentType", "DISTRICT"))
    _refused(folder, tmp_path)
    assert "loại đơn vị “DISTRICT”" in capsys.readouterr().err


# --- gaps, ranking, overrides --------------------------------------------------------------------


def test_a_unit_missing_from_one_response_or_null_gets_an_empty_group(tmp_path: Path) -> None:
    """No data is not zero: the group stays empty, the unit is unranked, and the import says why."""
    folder = _copy(tmp_path)
    gone: dict[str, str] = {}

    def drop(document: Any) -> None:
        removed = document["data"]["children"].pop(7)
        gone.update(id=removed["departmentId"], name=removed["departmentName"])

    _edit(folder, "provide-online-tree", drop)
    _edit(folder, "transparency", lambda d: d["data"]["evaluation"][9].__setitem__("totalScore", None))
    result = _import(folder, tmp_path / "s.json", period=AUGUST, cutoff=month_cutoff())
    empty = [u for u in result.snapshot.units if u.missing_groups]
    assert len(empty) == 2
    assert any("không có tên trong phản hồi provide-online-tree.json" in gap for gap in result.gaps)
    assert any("điểm để trống (null) transparency.json" in gap for gap in result.gaps)
    assert {g.code for u in empty for g in u.missing_groups} == {"clgq", "ckmb"}


def test_the_national_ranking_gives_the_provinces_rank(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    provinces = json.loads((Path(__file__).resolve().parents[1] / "generator" / "portal" / "provinces.json")
                           .read_text(encoding="utf-8"))["provinces"]
    evaluation = [{"departmentId": p["departmentId"], "departmentName": p["departmentName"],
                   "rootDepartmentId": p["rootDepartmentId"], "totalScore": 90 - i,
                   "groupScores": {}} for i, p in enumerate(provinces)]
    (folder / "service-results.json").write_bytes(dump({"code": "OK", "message": "OK", "data": {
        "overview": {"departmentName": "Cả nước"}, "evaluation": evaluation}}))
    meta = _import(folder, tmp_path / "s.json", period=AUGUST, cutoff=month_cutoff()).snapshot.meta
    position = next(i for i, p in enumerate(provinces) if p["departmentCode"] == "H44")
    assert (meta.rank, meta.ranked_count) == (position + 1, 34)


def test_a_profile_override_wins_over_the_rules(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    text = (Path(__file__).resolve().parents[1] / "generator" / "profiles" / "phu-tho.yaml").read_text(encoding="utf-8")
    profile.write_text(text + "  019d2be3-6a88-732b-8b17-bb1e9a3f14ab: Văn phòng Ủy ban nhân dân tỉnh\n",
                       encoding="utf-8")
    result = _import(MONTH, tmp_path / "s.json", period=AUGUST, cutoff=month_cutoff(), profile=profile)
    assert result.snapshot.units[0].name == "Văn phòng Ủy ban nhân dân tỉnh"


def test_refusal_writes_nothing_even_over_an_old_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    out.write_text("old", encoding="utf-8")
    folder = _copy(tmp_path)
    (folder / "transparency.json").unlink()
    with pytest.raises(PortalError):
        _import(folder, out, period=AUGUST, cutoff=month_cutoff())
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "s.json"]
