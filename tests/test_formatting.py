"""Vietnamese number and date formatting (domain.md section 3)."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from generator.common import formatting


@pytest.mark.parametrize("value, expected", [
    (Decimal("50.72"), "50,72"),
    (Decimal("58.86"), "58,86"),
    (Decimal("50.725"), "50,73"),  # half-up, where Babel's half-even would give 50,72
    (Decimal("50.735"), "50,74"),
    (Decimal("-1.005"), "-1,01"),  # ties away from zero on the negative side too
    (Decimal("1234.5"), "1.234,50"),
    (Decimal("0"), "0,00"),
    (58.86, "58,86"),  # a float is read through its shortest repr, not its binary value
])
def test_score_uses_decimal_comma_and_half_up(value, expected):
    """Scores have two decimals, a decimal comma, dots for thousands and half-up rounding."""
    assert formatting.score(value) == expected


def test_round_half_up_is_not_bankers_rounding():
    """2,5 rounds to 3 and 3,5 to 4: half-up, chosen explicitly."""
    assert formatting.round_half_up(Decimal("2.5"), 0) == Decimal("3")
    assert formatting.round_half_up(Decimal("3.5"), 0) == Decimal("4")
    assert formatting.round_half_up(Decimal("0.125"), 2) == Decimal("0.13")


@pytest.mark.parametrize("value, expected", [(24130, "24.130"), (53828, "53.828"), (7, "7"), (1234567, "1.234.567")])
def test_count_uses_dot_for_thousands(value, expected):
    """Dossier counts: "24.130"."""
    assert formatting.count(value) == expected


def test_share_of_overdue_dossiers():
    """24.130 of 53.828 overdue dossiers is "44,8%" (one decimal, the published figure)."""
    assert formatting.share(Decimal(24130) / Decimal(53828)) == "44,8%"
    assert formatting.percent(Decimal("55")) == "55,0%"
    assert formatting.percent(Decimal("55"), 0) == "55%"
    assert formatting.share(Decimal("0.44850")) == "44,9%"  # half-up at the percent's decimal


@pytest.mark.parametrize("value, expected", [
    (Decimal("1.61"), "1,61"), (Decimal("8.10"), "8,10"), (Decimal("-0.50"), "0,50"), (Decimal("3.00"), "3,00"),
])
def test_change_drops_sign_and_keeps_two_decimals(value, expected):
    """A change of score is written "tăng 8,10 điểm": magnitude only, two decimals like every score."""
    assert formatting.change(value) == expected


def test_negative_zero_is_not_printed():
    """A value that rounds to zero never shows as "-0,00"."""
    assert formatting.number(Decimal("-0.001")) == "0,00"


@pytest.mark.parametrize("year, month, day, expected", [
    (2024, 8, 6, "Hà Nội, ngày 06 tháng 8 năm 2024"),
    (2020, 1, 5, "Hà Nội, ngày 05 tháng 01 năm 2020"),
    (2021, 2, 28, "Hà Nội, ngày 28 tháng 02 năm 2021"),
    (2024, 12, 10, "Hà Nội, ngày 10 tháng 12 năm 2024"),
])
def test_nd30_date_line(year, month, day, expected):
    """NĐ 30: days below 10 and months 1 and 2 take a leading zero."""
    assert formatting.nd30_date("Hà Nội", year, month, day) == expected


def test_nd30_date_line_with_blank_day_keeps_room_for_the_clerk():
    """Without a day, the line keeps non-breaking spaces where the clerk writes it."""
    line = formatting.nd30_date("Hà Nội", 2024, 8, None)
    assert line.startswith("Hà Nội, ngày \u00a0") and line.endswith(" tháng 8 năm 2024")


def test_cutoff_time_as_dispatches_write_it():
    """The data reading time: "10h00 ngày 02/8/2024"."""
    cutoff = datetime(2024, 8, 2, 10, 0, tzinfo=timezone(timedelta(hours=7)))
    assert formatting.cutoff_time(cutoff) == "10h00 ngày 02/8/2024"
    assert formatting.short_date(date(2020, 1, 5)) == "05/01/2020"
