"""The optional `indicators` table: read from JSON, XLSX and CSV, validated, analysed, stated."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from e2e_support import document_text
from snapshot_samples import meta_values, write_csv, write_json, write_xlsx

from generator.analysis import analyse
from generator.build import NOTICE_TEMPLATE, notice_document, prepare
from generator.common.errors import SnapshotError
from generator.content.registry import find_template
from generator.snapshot import GROUP_BY_CODE, Indicator, load_history, load_snapshot

HEADER = ("unit_code", "group", "code", "name", "numerator", "denominator", "ratio", "score", "max_score",
          "quality_status", "quality_message")
# S01's ckmb is 10.5 = 4.5 + 0 + 6 (+ one indicator without data); the authority has no ckmb in meta.
ROWS: tuple[tuple[object, ...], ...] = (
    ("S01", "ckmb", "PUBLISH_ON_TIME", "Tỷ lệ TTHC công bố đúng hạn", 9, 12, 75, 4.5, 6, None, None),
    ("S01", "ckmb", "PUBLIC_UPDATE_ON_TIME", "Tỷ lệ TTHC cập nhật, công khai đúng hạn", 0, 12, 0, 0, 4, None, None),
    ("S01", "Công khai, minh bạch", "DOSSIER_SYNC", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", 10, 10, 100, 6, 6,
     "TEMP_NATIONAL_REPORT_DENOMINATOR", "Mẫu số đang dùng số tạm."),
    ("S01", "ckmb", "PUBLIC_CONTENT_FULL", "Tỷ lệ TTHC công khai đầy đủ nội dung", 0, 0, None, None, 2, None, None),
    ("S02", "mdhl", "PETITION_CLASSIFICATION_TTHC", "Tỷ lệ PAKN về quy định, thủ tục hành chính", 3, 4, 75, None, 0,
     None, None),
    ("authority", "tdgq", "ON_TIME", "Tỷ lệ hồ sơ đúng hạn", 90, 100, 90, 18, 20, None, None),
)


def _objects(rows: tuple[tuple[object, ...], ...]) -> list[dict[str, object]]:
    return [{k: v for k, v in zip(HEADER, row, strict=True) if v is not None} for row in rows]


def json_snapshot(path: Path, rows: tuple[tuple[object, ...], ...] = ROWS, **meta: object) -> Path:
    write_json(path, meta_values(**meta))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["indicators"] = _objects(rows)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def xlsx_snapshot(path: Path, rows: tuple[tuple[object, ...], ...] = ROWS) -> Path:
    write_xlsx(path, meta_values())
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("indicators")
    sheet.append(["Mã đơn vị", "Nhóm chỉ số", "Mã chỉ số", "Tên chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm",
                  "Điểm tối đa", "Trạng thái dữ liệu", "Ghi chú dữ liệu"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def csv_snapshot(path: Path, rows: tuple[tuple[object, ...], ...] = ROWS) -> Path:
    write_csv(path, meta_values())
    with path.with_name(path.stem + ".indicators.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


@pytest.mark.parametrize(("write", "suffix"), [(json_snapshot, ".json"), (xlsx_snapshot, ".xlsx"),
                                               (csv_snapshot, ".csv")])
def test_indicators_are_read_from_every_form(tmp_path: Path, write, suffix: str) -> None:  # type: ignore[no-untyped-def]
    """The same rows come out of JSON, XLSX (Vietnamese headers) and CSV (a second file)."""
    snapshot = load_snapshot(write(tmp_path / f"s{suffix}"))
    assert len(snapshot.indicators) == len(ROWS)
    first, sync, empty, info, own = (snapshot.indicators[i] for i in (0, 2, 3, 4, 5))
    assert first == Indicator("S01", GROUP_BY_CODE["ckmb"], "PUBLISH_ON_TIME", "Tỷ lệ TTHC công bố đúng hạn",
                              Decimal(6), 9, 12, Decimal(75), Decimal("4.5"))
    assert sync.group.code == "ckmb" and sync.quality_status == "TEMP_NATIONAL_REPORT_DENOMINATOR"
    assert empty.score is None and empty.ratio is None and empty.share is None
    assert info.max_score == 0 and info.share is None
    assert own.unit_code is None and own.group.code == "tdgq"


def test_a_snapshot_without_indicators_has_none(tmp_path: Path) -> None:
    assert load_snapshot(write_json(tmp_path / "s.json")).indicators == ()


def _problems(path: Path) -> list[str]:
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path)
    return [str(p) for p in caught.value.problems]


def test_wrong_rows_are_refused_with_their_place(tmp_path: Path) -> None:
    """Unknown unit, score above its maximum, maximum above the group's, unknown group, a repeat."""
    rows = (
        ("S99", "ckmb", "PUBLISH_ON_TIME", "Tỷ lệ", 1, 2, 50, 3, 6, None, None),
        ("S02", "ckmb", "PUBLISH_ON_TIME", "Tỷ lệ", 1, 2, 50, 7, 6, None, None),
        ("S02", "tttt", "PAY", "Thanh toán", 1, 2, 50, 5, 11, None, None),
        ("S02", "xyz", "OTHER", "Khác", 1, 2, 50, 1, 1, None, None),
        ("S02", "ckmb", "publish_on_time", "Tỷ lệ lặp", 1, 2, 50, 1, 6, None, None),
        ("S02", "ckmb", "NEG", "Âm", -1, 2, 50, 1, 6, None, None),
    )
    path = json_snapshot(tmp_path / "s.json", rows)
    assert _problems(path) == [
        f'{path}:indicators[1]:unit_code: Mã đơn vị "S99" không có trong bảng units (dùng "authority" cho chỉ số '
        "của chính cơ quan được đánh giá)",
        f"{path}:indicators[2]:score: Điểm = 7 vượt quá điểm tối đa 6",
        f"{path}:indicators[3]:max_score: Điểm tối đa = 11 lớn hơn điểm tối đa của nhóm “Thanh toán trực tuyến” (10)",
        f"{path}:indicators[4]:group: Nhóm chỉ số = \"xyz\" không phải nhóm chỉ số; dùng một trong ckmb, tdgq, clgq, "
        "tttt, mdhl, mdsh",
        f'{path}:indicators[5]:code: Chỉ số "publish_on_time" của đơn vị "S02" lặp lại, đã có ở indicators[2]',
        f"{path}:indicators[6]:numerator: Tử số = -1 là số âm",
    ]


def test_group_total_must_match_its_indicators(tmp_path: Path) -> None:
    """S01's ckmb is 10,5; indicators adding up to 9,5 are refused on the group's first row (XLSX)."""
    rows = (ROWS[0], (*ROWS[1][:7], 0, 4, None, None), (*ROWS[2][:7], 5, 6, None, None))
    path = xlsx_snapshot(tmp_path / "s.xlsx", rows)
    assert _problems(path) == [
        f"{path}[indicators]:2:H: Tổng điểm các chỉ số nhóm “Công khai, minh bạch” của đơn vị \"S01\" = 9,5 khác "
        "điểm nhóm (10,5) quá 0,05"
    ]


def test_indicator_files_are_not_history(tmp_path: Path) -> None:
    """`<stem>.indicators.csv` lies beside CSV snapshots; history never mistakes it for one."""
    csv_snapshot(tmp_path / "2024-06.csv")
    current = load_snapshot(write_json(tmp_path / "2024-07.json", meta_values()))
    history = load_history(current)
    assert history.warnings == ()


def test_analysis_names_each_units_weakest_indicators(tmp_path: Path) -> None:
    """Lowest share of the maximum first; no-data and information-only indicators are never named."""
    snapshot = load_snapshot(json_snapshot(tmp_path / "s.json"))
    analysis = analyse(snapshot, {}, ())
    s01 = analysis.unit("S01")
    assert [i.code for i in s01.indicators] == ["PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "DOSSIER_SYNC",
                                                "PUBLIC_CONTENT_FULL"]
    assert [i.code for i in s01.weakest_indicators] == ["PUBLIC_UPDATE_ON_TIME", "PUBLISH_ON_TIME"]
    assert analysis.unit("S02").weakest_indicators == ()
    assert [i.code for i in analysis.authority.weakest_indicators] == ["ON_TIME"]
    assert analysis.unit("H01").indicators == ()


def test_the_unit_notice_states_the_weakest_indicators(tmp_path: Path) -> None:
    """What a unit can act on, with its figures: "… 0/12 thủ tục (0,0%), đạt 0,00/4 điểm"."""
    prepared = prepare(json_snapshot(tmp_path / "s.json"))
    text = document_text(notice_document(prepared, find_template(NOTICE_TEMPLATE), "S01", None, None))
    assert ("Các chỉ số thành phần có kết quả thấp nhất so với điểm tối đa, đơn vị cần tập trung khắc phục: "
            "- Tỷ lệ TTHC cập nhật, công khai đúng hạn: 0/12 thủ tục (0,0%), đạt 0,00/4 điểm; "
            "- Tỷ lệ TTHC công bố đúng hạn: 9/12 thủ tục (75,0%), đạt 4,50/6 điểm.") in text
    other = document_text(notice_document(prepared, find_template(NOTICE_TEMPLATE), "S02", None, None))
    assert "chỉ số thành phần" not in other
