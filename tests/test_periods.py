"""Month, quarter and year periods: the model, the profile chosen, the history found, the wording.

The portal publishes results by month, quarter and year; a snapshot's period may be `2026-08`,
`2026-Q3` or `2026`. Each kind is compared with the periods of the same kind before it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from e2e_support import HA_NOI, document_text
from snapshot_samples import meta_values, write_json

from generator.build import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, dispatch_document, notice_document, prepare
from generator.cli import main
from generator.config.profile import find_profile
from generator.content.registry import find_template
from generator.snapshot import Period, PeriodKind, SnapshotMeta, load_history, load_snapshot

VN = timezone(timedelta(hours=7))


# --- the model ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "period", "kind", "label", "phrase"), [
    ("2024-07", Period(2024, 7), PeriodKind.MONTH, "7/2024", "tháng 7/2024"),
    ("2026-Q3", Period(2026, quarter=3), PeriodKind.QUARTER, "III/2026", "quý III/2026"),
    ("2026-Q4", Period(2026, quarter=4), PeriodKind.QUARTER, "IV/2026", "quý IV/2026"),
    ("2026", Period(2026), PeriodKind.YEAR, "2026", "năm 2026"),
])
def test_period_forms(text: str, period: Period, kind: PeriodKind, label: str, phrase: str) -> None:
    """Each form parses, prints back the same and is named as documents name it."""
    assert Period.parse(text) == period
    assert str(period) == text
    assert (period.kind, period.label, period.phrase) == (kind, label, phrase)
    assert period.noun == {"month": "tháng", "quarter": "quý", "year": "năm"}[kind.value]


@pytest.mark.parametrize(("period", "steps", "expected"), [
    (Period(2024, 1), -1, Period(2023, 12)),
    (Period(2024, 12), 1, Period(2025, 1)),
    (Period(2024, 3), -14, Period(2023, 1)),
    (Period(2026, quarter=1), -1, Period(2025, quarter=4)),
    (Period(2026, quarter=3), -2, Period(2026, quarter=1)),
    (Period(2026, quarter=4), 1, Period(2027, quarter=1)),
    (Period(2026), -2, Period(2024)),
])
def test_shift_stays_within_the_kind(period: Period, steps: int, expected: Period) -> None:
    """The previous quarter of Q1 is Q4 of the year before; a year's is the year before."""
    assert period.shift(steps) == expected
    assert expected.shift(-steps) == period


@pytest.mark.parametrize(("period", "start", "end"), [
    (Period(2024, 2), date(2024, 2, 1), date(2024, 2, 29)),
    (Period(2026, quarter=3), date(2026, 7, 1), date(2026, 9, 30)),
    (Period(2026, quarter=1), date(2026, 1, 1), date(2026, 3, 31)),
    (Period(2026), date(2026, 1, 1), date(2026, 12, 31)),
])
def test_first_and_last_day(period: Period, start: date, end: date) -> None:
    assert (period.start, period.end) == (start, end)
    assert period.month_periods()[0].start == start and period.month_periods()[-1].end == end


def test_periods_are_ordered_by_first_day_then_length() -> None:
    """A total order: sorting mixed kinds is stable and a month comes before its quarter and year."""
    periods = [Period(2026, quarter=3), Period(2026), Period(2026, 7), Period(2025, 12), Period(2026, 8)]
    assert sorted(periods) == [Period(2025, 12), Period(2026), Period(2026, 7), Period(2026, quarter=3),
                               Period(2026, 8)]
    assert Period(2026, 7) < Period(2026, quarter=3) < Period(2026, 8)
    assert Period(2026, quarter=3) <= Period(2026, quarter=3) and not Period(2026) > Period(2026)


@pytest.mark.parametrize("bad", [{"year": 2026, "month": 13}, {"year": 2026, "quarter": 5}, {"year": 1899},
                                 {"year": 2026, "month": 1, "quarter": 1}])
def test_impossible_periods_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        Period(**bad)


# --- the profile chosen --------------------------------------------------------------------


def _meta(period: Period) -> SnapshotMeta:
    return SnapshotMeta(authority_name="UBND Thành phố Hà Nội", authority_code="H26", period=period,
                        cutoff=datetime.combine(period.end, datetime.min.time(), tzinfo=VN), score=Decimal(50))


@pytest.mark.parametrize(("period", "expected"), [
    (Period(2025, quarter=2), "ha-noi"), (Period(2025, quarter=3), "ha-noi-2025"),
    (Period(2024), "ha-noi"), (Period(2025), "ha-noi-2025"),
])
def test_profile_for_a_quarter_or_year_is_the_one_of_its_last_month(period: Period, expected: str) -> None:
    """Hà Nội's profiles split at 2025-07: the year 2025 is published for the reformed city."""
    assert find_profile(_meta(period)).id == expected


# --- history ---------------------------------------------------------------------------------


def _values(period: Period, score: float) -> dict[str, object]:
    cutoff = period.end + timedelta(days=3)
    return meta_values(period=str(period), cutoff=f"{cutoff.isoformat()}T10:00:00+07:00", score=score)


def test_a_quarter_is_compared_with_the_quarters_before_it(tmp_path: Path) -> None:
    """Q3 finds Q2 and Q1, never the months or the year lying in the same folder."""
    current = load_snapshot(write_json(tmp_path / "q3.json", _values(Period(2026, quarter=3), 60)))
    for period, score in ((Period(2026, quarter=2), 55), (Period(2026, quarter=1), 50), (Period(2026, 6), 40),
                          (Period(2026, 5), 41), (Period(2025), 30), (Period(2025, quarter=4), 45)):
        write_json(tmp_path / f"{period}.json", _values(period, score))
    assert load_history(current).periods == (Period(2026, quarter=1), Period(2026, quarter=2))


def test_a_first_quarter_looks_back_into_the_previous_year(tmp_path: Path) -> None:
    current = load_snapshot(write_json(tmp_path / "q1.json", _values(Period(2026, quarter=1), 60)))
    write_json(tmp_path / "q4.json", _values(Period(2025, quarter=4), 50))
    write_json(tmp_path / "q3.json", _values(Period(2025, quarter=3), 50))
    assert load_history(current).periods == (Period(2025, quarter=3), Period(2025, quarter=4))


def test_a_year_is_compared_with_the_years_before_it(tmp_path: Path) -> None:
    current = load_snapshot(write_json(tmp_path / "y.json", _values(Period(2026), 60)))
    for period in (Period(2025), Period(2024), Period(2023), Period(2025, 12), Period(2025, quarter=4)):
        write_json(tmp_path / f"{period}.json", _values(period, 50))
    assert load_history(current).periods == (Period(2024), Period(2025))


# --- the documents ----------------------------------------------------------------------------


def _respell(source: Path, target: Path, period: str) -> Path:
    """A copy of a Hà Nội monthly fixture whose meta says another period (same figures)."""
    book = openpyxl.load_workbook(source)
    sheet = book["meta"]
    for row in sheet.iter_rows():
        if row[0].value == "period":
            row[1].value = period
            break
    else:  # pragma: no cover - the fixture always has the key
        raise AssertionError("no period row")
    book.save(target)
    return target


@pytest.fixture(scope="module")
def respelled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Hà Nội's July, June and May figures as Q3, Q2, Q1 2024 and as the years 2024, 2023, 2022."""
    quarters, years = tmp_path_factory.mktemp("quarters"), tmp_path_factory.mktemp("years")
    paths = {}
    for month, quarter, year in (("2024-07", "2024-Q3", "2024"), ("2024-06", "2024-Q2", "2023"),
                                 ("2024-05", "2024-Q1", "2022")):
        paths[quarter] = _respell(HA_NOI / f"{month}.xlsx", quarters / f"{quarter}.xlsx", quarter)
        paths[year] = _respell(HA_NOI / f"{month}.xlsx", years / f"{year}.xlsx", year)
    return paths


def _only_dated_months(text: str, date_line: str) -> list[str]:
    """Every use of "tháng" outside the date line (a quarter or year document should have none)."""
    rest = text.replace(" ".join(date_line.split()), "")
    return [rest[max(0, m.start() - 30):m.end() + 20] for m in re.finditer(r"\b[Tt]háng\b|THÁNG", rest)]


@pytest.mark.parametrize(("key", "phrase", "previous", "before", "noun"), [
    ("2024-Q3", "quý III/2024", "quý II/2024", "quý I/2024", "quý"),
    ("2024", "năm 2024", "năm 2023", "năm 2022", "năm"),
])
def test_dispatch_and_notice_read_right_for_a_quarter_and_a_year(
    respelled: dict[str, Path], key: str, phrase: str, previous: str, before: str, noun: str
) -> None:
    """Subject, body, deltas, annex title and column say the period; "tháng" only in the date line."""
    prepared = prepare(respelled[key])
    document = dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None)
    text = document_text(document)
    assert document.header.subject.replace("\u00a0", " ").endswith(f"doanh nghiệp {phrase}")
    assert f"Tổng số điểm Thành phố đạt được {phrase}: 58,86/100 điểm" in text
    assert f"(tăng 1,61 điểm so với {previous} và tăng 8,10 điểm so với {before})" in text
    assert document.annexes[0].title == f"KẾT QUẢ BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP {phrase.upper()} CỦA " \
                                        "CÁC CƠ QUAN, ĐƠN VỊ"
    assert f"So với {previous}" in text  # the annex's change column
    assert f"giảm trong các {noun} tiếp theo" in text  # the falling-total directive fires for some units
    assert _only_dated_months(text, document.header.date_line) == []

    unit = next(u for u in prepared.analysis.units if u.delta_previous is not None and u.delta_previous.change < 0)
    notice = notice_document(prepared, find_template(NOTICE_TEMPLATE), unit.code, None, None)
    notice_text = document_text(notice)
    assert notice.header.subject.replace("\u00a0", " ").endswith(f"doanh nghiệp {phrase}")
    assert f"so với {previous}" in notice_text
    assert _only_dated_months(notice_text, notice.header.date_line) == []


def test_a_month_keeps_its_wording(respelled: dict[str, Path]) -> None:
    """The month dispatch says "tháng 7/2024", "so với tháng 6/2024", "So với tháng 6/2024"."""
    prepared = prepare(HA_NOI / "2024-07.xlsx")
    text = document_text(dispatch_document(prepared, find_template(DISPATCH_TEMPLATE), None, None))
    assert "Tổng số điểm Thành phố đạt được tháng 7/2024: 58,86/100 điểm" in text
    assert "(tăng 1,61 điểm so với tháng 6/2024 và tăng 8,10 điểm so với tháng 5/2024)" in text
    assert "So với tháng 6/2024" in text


def test_validate_and_inspect_name_the_quarter(respelled: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """`validate` says "quý III/2024"; `inspect` compares with the quarters before it."""
    assert main(["validate", str(respelled["2024-Q3"])]) == 0
    assert "Kỳ báo cáo: quý III/2024;" in capsys.readouterr().out
    assert main(["inspect", str(respelled["2024-Q3"])]) == 0
    out = capsys.readouterr().out
    assert "quý III/2024: 58,86/100 điểm" in out and "so với quý II/2024" in out
    assert "So quý trước" in out and "So 2 quý trước" in out and "tháng" not in out
