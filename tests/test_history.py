"""Finding earlier snapshots of the same authority by meta.period."""

from __future__ import annotations

from pathlib import Path

import pytest
from snapshot_samples import UNIT_ROWS, meta_values, write_csv, write_json, write_xlsx

from generator.common.errors import SnapshotError
from generator.snapshot import History, load_history, load_snapshot
from generator.snapshot.model import Period


def _month(period: str, **overrides: object) -> dict[str, object]:
    year, month = period.split("-")
    cutoff = Period(int(year), int(month)).shift(1)
    values: dict[str, object] = {"period": period, "cutoff": f"{cutoff}-02T10:00:00+07:00"}
    return meta_values(**{**values, **overrides})


def test_finds_the_two_previous_months_by_meta_period(tmp_path: Path) -> None:
    """Months -1 and -2 are found by meta.period whatever the file names and forms."""
    current = load_snapshot(write_xlsx(tmp_path / "thang-nay.xlsx", _month("2024-07")))
    write_json(tmp_path / "ban-cu.json", _month("2024-06", score=57.25))
    write_csv(tmp_path / "xyz.csv", _month("2024-05", score=50.76))
    write_xlsx(tmp_path / "older.xlsx", _month("2024-04", score=50.72))
    history = load_history(current)
    assert history.periods == (Period(2024, 5), Period(2024, 6))
    assert str(history.get(Period(2024, 6)).meta.score) == "57.25"
    assert history.get(Period(2024, 5)).path == tmp_path / "xyz.csv"
    assert history.get(Period(2024, 4)) is None
    assert history.warnings == ()


def test_the_snapshot_itself_is_excluded(tmp_path: Path) -> None:
    """The current file is never its own history, even when reached by another spelling."""
    write_xlsx(tmp_path / "a.xlsx", _month("2024-06"))
    current = load_snapshot(tmp_path / "." / "a.xlsx")
    current_next = load_snapshot(write_xlsx(tmp_path / "b.xlsx", _month("2024-07")))
    assert load_history(current).periods == ()
    assert load_history(current_next).periods == (Period(2024, 6),)


def test_other_authorities_are_ignored(tmp_path: Path) -> None:
    """A snapshot of another authority (another code) is not history."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    write_xlsx(
        tmp_path / "b.xlsx",
        _month("2024-06", authority_code="H40", authority_name="UBND tỉnh Phú Thọ"),
    )
    assert load_history(current).periods == ()


def test_authority_matched_by_name_without_code(tmp_path: Path) -> None:
    """Without codes, names match case-, space- and accent-insensitively."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07", authority_code=None)))
    write_xlsx(
        tmp_path / "b.xlsx",
        _month("2024-06", authority_code=None, authority_name="ubnd thanh pho  HA NOI"),
    )
    write_xlsx(
        tmp_path / "c.xlsx",
        _month("2024-05", authority_code=None, authority_name="UBND tỉnh Hà Nam"),
    )
    assert load_history(current).periods == (Period(2024, 6),)


def test_code_decides_when_both_have_one(tmp_path: Path) -> None:
    """Same name but different codes are different authorities."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    write_xlsx(tmp_path / "b.xlsx", _month("2024-06", authority_code="X99"))
    assert load_history(current).periods == ()


def test_unreadable_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    """A broken file in the folder does not stop history: it is named in a warning."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    write_json(tmp_path / "b.json", _month("2024-06"))
    (tmp_path / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    history = load_history(current)
    assert history.periods == (Period(2024, 6),)
    assert len(history.warnings) == 1
    assert history.warnings[0].startswith(
        f'Bỏ qua tệp "{tmp_path / "broken.xlsx"}" khi tìm số liệu các kỳ trước: '
    )


def test_wanted_month_with_broken_units_is_skipped_with_warning(tmp_path: Path) -> None:
    """A file of a wanted month whose units are invalid is skipped with a warning."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    write_xlsx(tmp_path / "b.xlsx", _month("2024-06"), rows=[(*UNIT_ROWS[0][:4], 99)])
    history = load_history(current)
    assert history.periods == ()
    assert "b.xlsx" in history.warnings[0]


def test_only_meta_is_read_for_months_not_wanted(tmp_path: Path) -> None:
    """A file of an unwanted month is never fully loaded: its broken units raise no warning."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    write_xlsx(tmp_path / "b.xlsx", _month("2024-03"), rows=[(*UNIT_ROWS[0][:4], 99)])
    history = load_history(current)
    assert history.periods == ()
    assert history.warnings == ()


def test_sidecars_and_other_files_are_not_candidates(tmp_path: Path) -> None:
    """`*.meta.json` sidecars, lock files and other extensions are not read as snapshots."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    write_csv(tmp_path / "b.csv", _month("2024-06"), sidecar="json")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.txt").write_text("ghi chú", encoding="utf-8")
    history = load_history(current)
    assert history.periods == (Period(2024, 6),)
    assert history.warnings == ()


def test_directory_argument(tmp_path: Path) -> None:
    """A given folder is searched instead of the snapshot's own."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    archive = tmp_path / "archive"
    archive.mkdir()
    write_xlsx(archive / "b.xlsx", _month("2024-06"))
    assert load_history(current).periods == ()
    assert load_history(current, archive).periods == (Period(2024, 6),)


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    """A folder that does not exist is a SnapshotError naming it."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    with pytest.raises(SnapshotError, match="archive"):
        load_history(current, tmp_path / "archive")


def test_two_files_for_one_month_keep_the_later_cutoff(tmp_path: Path) -> None:
    """Two files for the same month: the one read later wins and a warning names both."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2024-07")))
    write_xlsx(tmp_path / "b.xlsx", _month("2024-06", score=57.0))
    write_json(tmp_path / "c.json", _month("2024-06", score=57.25, cutoff="2024-07-20T08:00:00"))
    history = load_history(current)
    assert str(history.get(Period(2024, 6)).meta.score) == "57.25"
    assert history.warnings == (
        f'Có nhiều tệp số liệu kỳ 2024-06: dùng "{tmp_path / "c.json"}" (lấy số liệu muộn hơn), '
        f'bỏ qua "{tmp_path / "b.xlsx"}"',
    )


def test_year_boundary(tmp_path: Path) -> None:
    """January looks back to December and November of the year before."""
    current = load_snapshot(write_xlsx(tmp_path / "a.xlsx", _month("2025-01")))
    write_xlsx(tmp_path / "b.xlsx", _month("2024-12"))
    write_xlsx(tmp_path / "c.xlsx", _month("2024-11"))
    assert load_history(current).periods == (Period(2024, 11), Period(2024, 12))


def test_history_value_api(tmp_path: Path) -> None:
    """History is ordered by period, has get/periods/as_mapping, and refuses two per period."""
    june = load_snapshot(write_xlsx(tmp_path / "b.xlsx", _month("2024-06")))
    may = load_snapshot(write_xlsx(tmp_path / "c.xlsx", _month("2024-05")))
    history = History((june, may))
    assert history.periods == (Period(2024, 5), Period(2024, 6))
    assert history.as_mapping() == {Period(2024, 5): may, Period(2024, 6): june}
    assert history.get(Period(2024, 6)) is june
    with pytest.raises(ValueError):
        History((june, june))


def test_each_file_is_read_and_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wanted month's units come from what was read for its meta: each file opened and parsed once,
    and the snapshot equals a fresh load_snapshot of it."""
    from generator.snapshot import loader, read_json

    current = load_snapshot(write_xlsx(tmp_path / "thang-nay.xlsx", _month("2024-07")))
    write_json(tmp_path / "a.json", _month("2024-06", score=57.25))
    write_json(tmp_path / "b.json", _month("2024-05", score=50.76))
    write_json(tmp_path / "c.json", _month("2024-01"))
    opened: list[str] = []
    parsed: list[str] = []
    real_read, real_parse = loader._read_bytes, read_json.parse_json
    monkeypatch.setattr(loader, "_read_bytes", lambda path, *a: opened.append(path.name) or real_read(path, *a))
    monkeypatch.setattr(read_json, "parse_json", lambda file, *a: parsed.append(Path(file).name) or real_parse(file, *a))
    history = load_history(current)
    assert history.periods == (Period(2024, 5), Period(2024, 6))
    assert sorted(opened) == sorted(parsed) == ["a.json", "b.json", "c.json"]
    monkeypatch.undo()
    assert history.get(Period(2024, 6)) == load_snapshot(tmp_path / "a.json")
