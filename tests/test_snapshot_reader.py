"""Reading the three snapshot forms into typed values (valid inputs only)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from snapshot_samples import (
    UNIT_HEADER,
    UNIT_ROWS,
    VIETNAMESE_HEADER,
    meta_values,
    write_csv,
    write_json,
    write_xlsx,
)

from generator.snapshot import load_meta, load_snapshot
from generator.snapshot.model import Period, Snapshot, UnitKind

VIETNAM = timezone(timedelta(hours=7))


def _summary(snapshot: Snapshot) -> list[tuple[object, ...]]:
    return [
        (u.code, u.name, u.kind, u.groups, u.received, u.on_time, u.overdue, u.online_payment_rate)
        for u in snapshot.units
    ]


EXPECTED_UNITS = [
    (
        "S01",
        "Sở Tư pháp",
        UnitKind.SO_NGANH,
        tuple(Decimal(x) for x in ("10.5", "15.2", "8.1", "6", "16.4", "12.3")),
        1000,
        900,
        24130,
        Decimal("55.3"),
    ),
    (
        "S02",
        "Sở Y tế",
        UnitKind.SO_NGANH,
        tuple(Decimal(x) for x in ("17", "19.5", "11", "9.25", "17.75", "20")),
        500,
        480,
        12,
        Decimal(80),
    ),
    (
        "H01",
        "Quận Ba Đình",
        UnitKind.HUYEN,
        tuple(Decimal(x) for x in ("12", "18", "10", "7", "15", "18")),
        2000,
        1990,
        3,
        Decimal(60),
    ),
    (
        "X01",
        "Phường Phúc Xá",
        UnitKind.XA,
        (Decimal(9), Decimal(14), Decimal(6), Decimal(5), Decimal(12), None),
        None,
        None,
        None,
        None,
    ),
]


def test_xlsx_reads_meta_and_units_in_file_order(tmp_path: Path) -> None:
    """An XLSX snapshot gives the meta values and the units in file order with their sheet rows."""
    path = write_xlsx(tmp_path / "2024-07.xlsx")
    snapshot = load_snapshot(path)
    assert snapshot.meta.authority_name == "UBND Thành phố Hà Nội"
    assert snapshot.meta.authority_code == "H26"
    assert snapshot.meta.period == Period(2024, 7)
    assert snapshot.meta.cutoff == datetime(2024, 8, 2, 10, 0, tzinfo=VIETNAM)
    assert snapshot.meta.score == Decimal("58.86")
    assert (snapshot.meta.rank, snapshot.meta.ranked_count) == (58, 63)
    assert snapshot.meta.overdue_total == 53828
    assert _summary(snapshot) == EXPECTED_UNITS
    assert [u.row for u in snapshot.units] == [2, 3, 4, 5]
    assert snapshot.warnings == ()


def test_snapshot_records_path_and_sha256_of_the_bytes(tmp_path: Path) -> None:
    """Snapshot.path is the path as given and sha256 is that of the file's bytes."""
    path = write_xlsx(tmp_path / "2024-07.xlsx")
    snapshot = load_snapshot(path)
    assert snapshot.path == path
    assert snapshot.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_float_cells_become_exact_decimals(tmp_path: Path) -> None:
    """Spreadsheet floats carry no binary artefacts: 58.86 and a formula-like 0.1+0.2 stay short."""
    rows = [
        (
            "S01",
            "Sở Tư pháp",
            "so_nganh",
            0.1 + 0.2,
            15.2,
            8.1,
            6,
            16.4,
            12.3,
            0.1 + 0.2 + 15.2 + 8.1 + 6 + 16.4 + 12.3,
        )
    ]
    path = write_xlsx(
        tmp_path / "a.xlsx", meta_values(score=58.860000000000007), UNIT_HEADER[:10], rows
    )
    snapshot = load_snapshot(path)
    assert str(snapshot.meta.score) == "58.86"
    assert str(snapshot.units[0].groups[0]) == "0.3"
    assert str(snapshot.units[0].groups[1]) == "15.2"


@pytest.mark.parametrize("header", [VIETNAMESE_HEADER, tuple(h.upper() for h in UNIT_HEADER)])
def test_xlsx_headers_match_labels_case_space_and_accent_insensitively(
    tmp_path: Path, header: tuple[str, ...]
) -> None:
    """Headers may be Vietnamese labels in any case or accents ("TÊN ĐƠN VỊ", "loai don vi")."""
    snapshot = load_snapshot(write_xlsx(tmp_path / "a.xlsx", header=header))
    assert _summary(snapshot) == EXPECTED_UNITS


@pytest.mark.parametrize("spelling", ["ten don vi", "TÊN ĐƠN VỊ", "  Tên   đơn vị ", "Tên_đơn_vị"])
def test_name_header_spellings(tmp_path: Path, spelling: str) -> None:
    """Every spelling of "Tên đơn vị" is the name column."""
    header = (UNIT_HEADER[0], spelling, *UNIT_HEADER[2:])
    snapshot = load_snapshot(write_xlsx(tmp_path / "a.xlsx", header=header))
    assert [u.name for u in snapshot.units] == [r[1] for r in UNIT_ROWS]


def test_other_sheets_are_ignored_and_sheet_names_fold(tmp_path: Path) -> None:
    """Extra sheets are ignored; `Meta` and `UNITS` are the meta and units sheets."""
    path = write_xlsx(tmp_path / "a.xlsx")
    workbook = openpyxl.load_workbook(path)
    meta, units = workbook["meta"], workbook["units"]
    meta.title, units.title = "m", "u"  # openpyxl would suffix a rename that only changes case
    meta.title, units.title = "Meta", "UNITS"
    workbook.create_sheet("Ghi chú").append(["không phải số liệu", 123])
    workbook.save(path)
    assert _summary(load_snapshot(path)) == EXPECTED_UNITS


def test_meta_sheet_header_row_and_date_cells(tmp_path: Path) -> None:
    """A "key | value" header row in meta is skipped; date cells for period and cutoff are read."""
    path = tmp_path / "a.xlsx"
    workbook = openpyxl.Workbook()
    meta = workbook.active
    meta.title = "meta"
    for row in (
        ("Khóa", "Giá trị"),
        ("Tên cơ quan được đánh giá", "UBND tỉnh Phú Thọ"),
        ("Kỳ đánh giá", datetime(2024, 7, 1)),
        ("cutoff", datetime(2024, 8, 2, 10, 0)),
        ("score", 61),
    ):
        meta.append(row)
    units = workbook.create_sheet("units")
    units.append(list(UNIT_HEADER))
    units.append(list(UNIT_ROWS[0]))
    workbook.save(path)
    snapshot = load_snapshot(path)
    assert snapshot.meta.authority_name == "UBND tỉnh Phú Thọ"
    assert snapshot.meta.period == Period(2024, 7)
    assert snapshot.meta.cutoff == datetime(2024, 8, 2, 10, 0, tzinfo=VIETNAM)
    assert snapshot.meta.score == Decimal(61)
    assert snapshot.meta.authority_code is None
    assert snapshot.meta.source == "Cổng Dịch vụ công quốc gia"


def test_blank_rows_are_skipped_but_rows_keep_their_numbers(tmp_path: Path) -> None:
    """A blank row inside the table is skipped; the next unit keeps its true spreadsheet row."""
    rows = [UNIT_ROWS[0], (None,) * len(UNIT_HEADER), UNIT_ROWS[1]]
    snapshot = load_snapshot(write_xlsx(tmp_path / "a.xlsx", rows=rows))
    assert [(u.code, u.row) for u in snapshot.units] == [("S01", 2), ("S02", 4)]


def test_unknown_column_is_ignored_with_a_located_warning(tmp_path: Path) -> None:
    """An unknown column is kept out of the values and named in a Vietnamese warning."""
    header = (*UNIT_HEADER, "Ghi chú")
    rows = [(*row, "xem lại") for row in UNIT_ROWS]
    path = write_xlsx(tmp_path / "a.xlsx", header=header, rows=rows)
    snapshot = load_snapshot(path)
    assert _summary(snapshot) == EXPECTED_UNITS
    assert snapshot.warnings == (
        f'{path}[units]:1:O: cột "Ghi chú" không thuộc mẫu số liệu, bỏ qua',
    )


def test_unknown_meta_key_is_warned_about(tmp_path: Path) -> None:
    """An unknown meta key is ignored with a warning naming the key's cell."""
    path = write_xlsx(tmp_path / "a.xlsx", meta_values(ghi_chu="x"))
    snapshot = load_snapshot(path)
    assert snapshot.warnings == (
        f'{path}[meta]:9:A: khóa "ghi_chu" không thuộc mẫu số liệu, bỏ qua',
    )


def test_empty_group_is_none_not_zero(tmp_path: Path) -> None:
    """An empty group cell means "no data": None, and the unit has no total."""
    snapshot = load_snapshot(write_xlsx(tmp_path / "a.xlsx"))
    last = snapshot.units[-1]
    assert last.groups[-1] is None
    assert last.total is None
    assert [g.code for g in last.missing_groups] == ["mdsh"]


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("so_nganh", UnitKind.SO_NGANH),
        ("sở, ban, ngành", UnitKind.SO_NGANH),
        ("Sở ngành", UnitKind.SO_NGANH),
        ("SỞ, BAN, NGÀNH", UnitKind.SO_NGANH),
        ("huyen", UnitKind.HUYEN),
        ("quận, huyện, thị xã", UnitKind.HUYEN),
        ("Huyện", UnitKind.HUYEN),
        ("cấp huyện", UnitKind.HUYEN),
        ("thi xa", UnitKind.HUYEN),
        ("xa", UnitKind.XA),
        ("xã, phường, thị trấn", UnitKind.XA),
        ("Xã", UnitKind.XA),
        ("phường", UnitKind.XA),
        ("Cấp xã", UnitKind.XA),
        ("XA", UnitKind.XA),
    ],
)
def test_kind_words(tmp_path: Path, word: str, kind: UnitKind) -> None:
    """Kind accepts the canonical codes and the Vietnamese words, case- and accent-insensitively."""
    row = ("A1", "Đơn vị A", word, *UNIT_ROWS[0][3:])
    snapshot = load_snapshot(write_xlsx(tmp_path / "a.xlsx", rows=[row]))
    assert snapshot.units[0].kind is kind


@pytest.mark.parametrize(
    ("delimiter", "suffix"),
    [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("\t", ".csv"), (";", ".tsv")],
)
@pytest.mark.parametrize("bom", [False, True])
def test_csv_delimiter_and_bom_are_detected(
    tmp_path: Path, delimiter: str, suffix: str, bom: bool
) -> None:
    """Comma, semicolon and tab are detected from the header line, with or without a BOM."""
    path = write_csv(tmp_path / f"2024-07{suffix}", delimiter=delimiter, bom=bom)
    snapshot = load_snapshot(path)
    assert _summary(snapshot) == EXPECTED_UNITS
    assert [u.row for u in snapshot.units] == [2, 3, 4, 5]


def test_semicolon_csv_with_unquoted_comma_labels(tmp_path: Path) -> None:
    """A `;` CSV whose labels contain commas ("Công khai, minh bạch") is still split on `;`."""
    lines = [";".join(VIETNAMESE_HEADER)]
    lines += [
        ";".join("" if v is None else str(v).replace(".", ",") for v in row) for row in UNIT_ROWS
    ]
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_csv(tmp_path / "ignored.csv")  # writes its own sidecar; ours is written next
    (tmp_path / "a.meta.yaml").write_text(
        (tmp_path / "ignored.meta.yaml").read_text("utf-8"), "utf-8"
    )
    assert _summary(load_snapshot(path)) == EXPECTED_UNITS


def test_csv_decimal_comma_and_percent_rates(tmp_path: Path) -> None:
    """Decimal comma (58,86) and rates written `55,3%` are read as decimals."""
    rows = [(*UNIT_ROWS[0][:13], "55,3%"), *UNIT_ROWS[1:]]
    path = write_csv(tmp_path / "a.csv", rows=rows, delimiter=";", decimal_comma=True)
    assert "10,5;15,2" in path.read_text("utf-8")
    snapshot = load_snapshot(path)
    assert _summary(snapshot) == EXPECTED_UNITS


def test_csv_counts_with_thousands_dots(tmp_path: Path) -> None:
    """A count written the Vietnamese way ("24.130") is the integer 24130."""
    rows = [(*UNIT_ROWS[0][:10], "1.000", "900", "24.130", "55,3"), *UNIT_ROWS[1:]]
    snapshot = load_snapshot(write_csv(tmp_path / "a.csv", rows=rows, delimiter=";"))
    assert (snapshot.units[0].received, snapshot.units[0].overdue) == (1000, 24130)


def test_csv_with_json_sidecar(tmp_path: Path) -> None:
    """The meta may sit in `<stem>.meta.json` instead of YAML."""
    snapshot = load_snapshot(write_csv(tmp_path / "2024-07.csv", sidecar="json"))
    assert snapshot.meta.score == Decimal("58.86")
    assert snapshot.meta.period == Period(2024, 7)


def test_json_form_rows_are_one_based_indexes(tmp_path: Path) -> None:
    """A JSON snapshot gives the same values; UnitResult.row is the 1-based index in `units`."""
    snapshot = load_snapshot(write_json(tmp_path / "2024-07.json"))
    assert _summary(snapshot) == EXPECTED_UNITS
    assert [u.row for u in snapshot.units] == [1, 2, 3, 4]
    assert snapshot.meta.score == Decimal("58.86")


def test_json_accepts_labels_as_keys_and_null_groups(tmp_path: Path) -> None:
    """JSON unit keys may be Vietnamese labels; null is an empty cell."""
    unit = dict(zip(VIETNAMESE_HEADER, UNIT_ROWS[3], strict=True))
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"meta": meta_values(), "units": [unit]}, ensure_ascii=False), "utf-8"
    )
    snapshot = load_snapshot(path)
    assert snapshot.units[0].name == "Phường Phúc Xá"
    assert snapshot.units[0].groups[-1] is None


def test_cutoff_without_offset_is_vietnam_time(tmp_path: Path) -> None:
    """A cutoff without offset is read as +07:00."""
    snapshot = load_snapshot(
        write_json(tmp_path / "a.json", meta_values(cutoff="2024-08-02T10:00:00"))
    )
    assert snapshot.meta.cutoff == datetime(2024, 8, 2, 3, 0, tzinfo=UTC)


def test_total_given_with_missing_group_is_warned_about(tmp_path: Path) -> None:
    """A total beside an empty group is not used: the unit has no total, and a warning says why."""
    path = write_xlsx(tmp_path / "a.xlsx", header=UNIT_HEADER[:10], rows=[(*UNIT_ROWS[3][:9], 50)])
    snapshot = load_snapshot(path)
    assert snapshot.units[0].total is None
    assert len(snapshot.warnings) == 1
    assert snapshot.warnings[0].startswith(
        f"{path}[units]:2:J: có Tổng điểm nhưng thiếu số liệu nhóm Số hóa hồ sơ"
    )


def test_load_meta_reads_only_the_meta(tmp_path: Path) -> None:
    """load_meta returns the meta even when the units table is broken."""
    path = write_xlsx(tmp_path / "a.xlsx", rows=[("S01", "", "tỉnh", 99)])
    assert load_meta(path).period == Period(2024, 7)
    csv_path = write_csv(tmp_path / "b.csv", rows=[("S01", "", "tỉnh", 99)])
    assert load_meta(csv_path).authority_code == "H26"


def test_json_unknown_keys_are_warned_about_once(tmp_path: Path) -> None:
    """Unknown top-level and unit keys in JSON are ignored with one warning each."""
    path = write_json(tmp_path / "a.json")
    document = json.loads(path.read_text("utf-8"))
    document["version"] = 1
    for unit in document["units"]:
        unit["ghi_chu"] = "x"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    snapshot = load_snapshot(path)
    assert snapshot.warnings == (
        f'{path}: khóa "version" không thuộc mẫu số liệu, bỏ qua',
        f'{path}:units[1]:ghi_chu: khóa "ghi_chu" không thuộc mẫu số liệu, bỏ qua',
    )
