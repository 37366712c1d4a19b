"""The bundled fixtures load cleanly and carry the published, hand-checkable figures (fixtures/README.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest

from generator.analysis import analyse
from generator.analysis.model import Analysis, Target
from generator.common import formatting
from generator.snapshot import load_history, load_snapshot
from generator.snapshot.model import GROUPS, Period, Snapshot, UnitKind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HANOI = FIXTURES / "ha-noi"
ICT = timezone(timedelta(hours=7))
D = Decimal

HANOI_TARGETS = (
    Target("thanh_toan", "online_payment_rate", D(55), "tỷ lệ thanh toán trực tuyến"),
    Target("ho_so_truc_tuyen", "online_dossier_rate", D(60), "tỷ lệ hồ sơ trực tuyến"),
    Target("so_hoa", "digitization_rate", D(100), "tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC"),
    Target("ket_qua_dien_tu", "e_result_rate", D(100), "tỷ lệ cấp kết quả giải quyết TTHC bản điện tử"),
)

# Published figures (seed articles): score and cutoff per month.
HANOI_MONTHS = {
    "2024-04": ("50.72", datetime(2024, 5, 8, 17, 0, tzinfo=ICT)),
    "2024-05": ("50.76", datetime(2024, 6, 5, 10, 0, tzinfo=ICT)),
    "2024-06": ("57.25", datetime(2024, 7, 3, 10, 0, tzinfo=ICT)),
    "2024-07": ("58.86", datetime(2024, 8, 2, 10, 0, tzinfo=ICT)),
}

HANOI_DEPARTMENTS = (
    "Văn phòng UBND Thành phố", "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính",
    "Sở Công Thương", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giao thông vận tải",
    "Sở Xây dựng", "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa và Thể thao", "Sở Du lịch",
    "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Ngoại vụ",
    "Sở Quy hoạch - Kiến trúc", "Thanh tra Thành phố", "Ban Dân tộc",
)
HANOI_DISTRICTS = tuple(
    [f"UBND quận {n}" for n in (
        "Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy", "Đống Đa", "Hai Bà Trưng",
        "Hoàng Mai", "Thanh Xuân", "Nam Từ Liêm", "Bắc Từ Liêm", "Hà Đông")]
    + [f"UBND huyện {n}" for n in (
        "Sóc Sơn", "Đông Anh", "Gia Lâm", "Thanh Trì", "Mê Linh", "Ba Vì", "Phúc Thọ", "Đan Phượng",
        "Hoài Đức", "Quốc Oai", "Thạch Thất", "Chương Mỹ", "Thanh Oai", "Thường Tín", "Phú Xuyên",
        "Ứng Hòa", "Mỹ Đức")]
    + ["UBND thị xã Sơn Tây"]
)


@cache
def hanoi(period: str) -> Snapshot:
    """One Hà Nội month, loaded once per test session."""
    return load_snapshot(HANOI / f"{period}.xlsx")


@cache
def july_analysis() -> Analysis:
    """July 2024 analysed with the three earlier months and the city's 2024 targets."""
    earlier = {Period.parse(p): hanoi(p) for p in ("2024-04", "2024-05", "2024-06")}
    return analyse(hanoi("2024-07"), earlier, HANOI_TARGETS)


@pytest.mark.parametrize("period", sorted(HANOI_MONTHS))
def test_hanoi_month_meta_matches_published_figures(period: str) -> None:
    """Each Hà Nội month loads without warnings, with the published score and cutoff."""
    snapshot = hanoi(period)
    score, cutoff = HANOI_MONTHS[period]
    assert snapshot.warnings == ()
    assert snapshot.meta.period == Period.parse(period)
    assert snapshot.meta.score == D(score)
    assert snapshot.meta.cutoff == cutoff
    assert (snapshot.meta.authority_name, snapshot.meta.authority_code) == ("UBND Thành phố Hà Nội", "H26")


@pytest.mark.parametrize("period", sorted(HANOI_MONTHS))
def test_hanoi_meta_groups_sum_to_score_with_ckmb_weakest(period: str) -> None:
    """The city's group scores sum exactly to its score, and CKMB is the weakest share."""
    snapshot = hanoi(period)
    assert all(g is not None for g in snapshot.meta.groups)
    assert sum(g for g in snapshot.meta.groups if g is not None) == snapshot.meta.score
    weakest = analyse(snapshot, {}, ()).authority.weakest_group
    assert weakest is not None and weakest.group.code == "ckmb"


@pytest.mark.parametrize("period", sorted(HANOI_MONTHS))
def test_hanoi_units_are_the_2024_units_with_stable_codes(period: str) -> None:
    """21 departments and 30 district units, exact names, the same code for a name every month."""
    snapshot = hanoi(period)
    departments = [u.name for u in snapshot.units if u.kind is UnitKind.SO_NGANH]
    districts = [u.name for u in snapshot.units if u.kind is UnitKind.HUYEN]
    assert tuple(departments) == HANOI_DEPARTMENTS
    assert tuple(districts) == HANOI_DISTRICTS
    codes = {u.name: u.code for u in snapshot.units}
    assert codes == {u.name: u.code for u in hanoi("2024-07").units}
    assert codes["Sở Tư pháp"] == "STP" and codes["UBND quận Ba Đình"] == "Q-BADINH"


@pytest.mark.parametrize("period", sorted(HANOI_MONTHS))
def test_hanoi_unit_counts_are_consistent(period: str) -> None:
    """on_time ≤ received, TDGQ = 20 × on_time / received to 2 decimals, overdue sums to the total."""
    snapshot = hanoi(period)
    for unit in snapshot.units:
        assert unit.received and unit.on_time is not None and unit.on_time <= unit.received
        linear = (D(20) * unit.on_time / unit.received).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        assert unit.score("tdgq") == linear, unit.code
    assert sum(u.overdue or 0 for u in snapshot.units) == snapshot.meta.overdue_total


def test_hanoi_july_deltas_match_the_dispatch() -> None:
    """July: +1,61 điểm vs June and +8,10 điểm vs May, as in Văn bản 2562/UBND-KSTTHC."""
    authority = july_analysis().authority
    assert authority.delta_previous is not None and authority.delta_before is not None
    assert authority.delta_previous.change == D("1.61")
    assert authority.delta_before.change == D("8.10")
    assert formatting.change(authority.delta_previous.change) == "1,61"
    assert formatting.change(authority.delta_before.change) == "8,10"
    assert (authority.rank, authority.ranked_count) == (58, 63)


def test_hanoi_folder_serves_as_history_for_july() -> None:
    """Loading history from the ha-noi folder finds June and May for the July snapshot."""
    history = load_history(hanoi("2024-07"))
    assert set(history.periods) >= {Period(2024, 6), Period(2024, 5)}
    result = analyse(hanoi("2024-07"), history.as_mapping(), ())
    assert result.authority.delta_previous is not None
    assert result.authority.delta_previous.change == D("1.61")


def test_hanoi_july_stp_holds_the_most_overdue() -> None:
    """Sở Tư pháp holds 24.130 of 53.828 overdue dossiers (44,8%), the most of any unit."""
    result = july_analysis()
    assert result.authority.overdue_total == 53828
    assert result.most_overdue is not None and result.most_overdue.code == "STP"
    assert result.most_overdue.overdue == 24130
    assert result.most_overdue.overdue_share is not None
    assert formatting.share(result.most_overdue.overdue_share) == "44,8%"
    assert [u.code for u in result.units if u.holds_most_overdue] == ["STP"]


def test_hanoi_july_department_ranks_have_one_tie() -> None:
    """Departments rank 1, 2, 2, 4: Sở Khoa học và Công nghệ and Sở Ngoại vụ share rank 2 (file order)."""
    departments = july_analysis().by_kind[0]
    assert departments.kind is UnitKind.SO_NGANH
    top = [(u.code, u.rank, u.total) for u in departments.ranked[:4]]
    assert top == [
        ("SQHKT", 1, D("80.53")),
        ("SKHCN", 2, D("80.11")),
        ("SNGV", 2, D("80.11")),
        ("STC", 4, D("79.68")),
    ]
    ranks = [u.rank for u in departments.ranked]
    assert len(ranks) - len(set(ranks)) == 1 and departments.unranked == ()


def test_hanoi_july_unit_with_empty_group_is_unranked() -> None:
    """UBND huyện Thanh Oai has no MĐHL: no total, no rank, 29 of 30 districts ranked."""
    result = july_analysis()
    thanh_oai = result.unit("H-THANHOAI")
    assert thanh_oai.unit.score("mdhl") is None and thanh_oai.total is None and thanh_oai.rank is None
    assert thanh_oai.excluded_reason == "thiếu số liệu nhóm “Mức độ hài lòng”"
    districts = result.by_kind[1]
    assert len(districts.ranked) == 29 and [u.code for u in districts.unranked] == ["H-THANHOAI"]
    assert thanh_oai.ranked_count == 29
    assert districts.ranked[0].code == "Q-BADINH" and districts.ranked[0].total == D("85.12")


def test_hanoi_july_targets() -> None:
    """Exactly one unit misses every target, exactly three meet all, most units miss some."""
    units = july_analysis().units
    misses_all = [u.code for u in units if len(u.missed_targets) == len(HANOI_TARGETS)]
    meets_all = [u.code for u in units if not u.missed_targets]
    assert misses_all == ["H-MYDUC"]
    assert meets_all == ["SKHDT", "Q-HOANKIEM", "Q-CAUGIAY"]
    assert [len(july_analysis().missing_target(t.id)) for t in HANOI_TARGETS] == [24, 19, 48, 39]


def test_hanoi_july_unit_deltas_both_directions() -> None:
    """Sở Ngoại vụ fell 0,34 since June and rose 2,43 since May; Sở Tư pháp rose 1,51 since June."""
    result = july_analysis()
    ngoai_vu, tu_phap = result.unit("SNGV"), result.unit("STP")
    assert ngoai_vu.delta_previous is not None and ngoai_vu.delta_previous.change == D("-0.34")
    assert ngoai_vu.delta_before is not None and ngoai_vu.delta_before.change == D("2.43")
    assert tu_phap.delta_previous is not None and tu_phap.delta_previous.change == D("1.51")
    assert result.history_periods == (Period(2024, 4), Period(2024, 5), Period(2024, 6))


def _without_location(snapshot: Snapshot) -> tuple[object, ...]:
    """Meta and units with the file-specific parts (path, hash, row numbers) removed."""
    return snapshot.meta, tuple(replace(u, row=0) for u in snapshot.units)


@pytest.mark.parametrize("name", ["2024-07.csv", "2024-07.json"])
def test_forms_describe_the_same_july_as_the_xlsx(name: str) -> None:
    """The CSV (+ YAML sidecar) and JSON forms give the same snapshot as ha-noi/2024-07.xlsx."""
    other = load_snapshot(FIXTURES / "forms" / name)
    assert other.warnings == ()
    assert _without_location(other) == _without_location(hanoi("2024-07"))


def test_forms_csv_is_a_vietnamese_excel_export() -> None:
    """The CSV form starts with a BOM, uses `;`, decimal commas and Vietnamese headers."""
    data = (FIXTURES / "forms" / "2024-07.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, first = data[3:].decode("utf-8").splitlines()[:2]
    assert header.startswith("Mã đơn vị;Tên đơn vị;Loại đơn vị;Công khai, minh bạch;")
    assert ";8,88;" in first


@cache
def phu_tho() -> Snapshot:
    """The Phú Thọ August 2026 snapshot converted from portal data."""
    return load_snapshot(FIXTURES / "phu-tho" / "2026-08.xlsx")


def test_phu_tho_meta_is_the_sum_of_the_province_groups() -> None:
    """Score 59,92 = 7,96 + 15,68 + 8,83 + 6,25 + 12,96 + 8,24; no rank; capture-date cutoff."""
    meta = phu_tho().meta
    assert (meta.authority_name, meta.authority_code, meta.period) == ("UBND tỉnh Phú Thọ", "H44", Period(2026, 8))
    assert meta.groups == tuple(D(g) for g in ("7.96", "15.68", "8.83", "6.25", "12.96", "8.24"))
    assert meta.score == D("59.92") == sum(g for g in meta.groups if g is not None)
    assert meta.rank is None and meta.ranked_count is None
    assert meta.cutoff == datetime(2026, 9, 26, 10, 0, tzinfo=ICT)


def test_phu_tho_units_are_departments_and_communes() -> None:
    """163 units after the reform: 15 departments (with the inspectorate) and 148 communes/wards."""
    units = phu_tho().units
    assert len(units) == 163
    assert sum(u.kind is UnitKind.SO_NGANH for u in units) == 15
    assert sum(u.kind is UnitKind.XA for u in units) == 148
    assert not any(u.kind is UnitKind.HUYEN for u in units)
    inspectorate = next(u for u in units if u.code == "H44.23")
    assert inspectorate.name.startswith("Thanh tra tỉnh") and inspectorate.kind is UnitKind.SO_NGANH


def test_phu_tho_counts_match_the_province_totals() -> None:
    """Units' received and on-time sum to the province's 184.513 and 144.625; overdue 39.888."""
    snapshot = phu_tho()
    assert sum(u.received or 0 for u in snapshot.units) == 184513
    assert sum(u.on_time or 0 for u in snapshot.units) == 144625
    assert snapshot.meta.overdue_total is None and snapshot.overdue_total == 39888


def test_phu_tho_analysis_real_ties_and_no_history() -> None:
    """Two departments share rank 14 at 15,96; the top department scores 71,60; no deltas."""
    result = analyse(phu_tho(), {}, ())
    departments = result.by_kind[0]
    assert departments.ranked[0].code == "H44.20" and departments.ranked[0].total == D("71.60")
    assert [(u.code, u.rank) for u in departments.ranked[-2:]] == [("H44.01", 14), ("H44.23", 14)]
    assert result.authority.delta_previous is None and result.history_periods == ()
    assert result.most_overdue is not None and result.most_overdue.code == "H44.45"
    assert all(u.total is not None for u in result.units)


def test_edge_names_keep_markup_characters() -> None:
    """The edge fixture's names carry &, <, >, double and single quotes unchanged."""
    snapshot = load_snapshot(FIXTURES / "edge" / "2025-09.json")
    names = {u.name for u in snapshot.units}
    assert "Sở Khoa học & Công nghệ <thử>" in names
    assert 'Ban "Đặc biệt"' in names
    assert "UBND xã Đồi <Cao> & Suối" in names and "UBND phường Bến 'Cũ'" in names


def test_edge_meta_defaults_and_local_cutoff() -> None:
    """A cutoff without offset is read as +07:00; source defaults apply; groups sum to 69,50."""
    snapshot = load_snapshot(FIXTURES / "edge" / "2025-09.json")
    meta = snapshot.meta
    assert meta.cutoff == datetime(2025, 10, 3, 9, 30, tzinfo=ICT)
    assert meta.source == "Cổng Dịch vụ công quốc gia" and meta.source_url == "https://dichvucong.gov.vn"
    assert meta.score == D("69.50") == sum(g for g in meta.groups if g is not None)
    assert snapshot.overdue_total == 143
    assert len(GROUPS) == len(meta.groups)
