"""Vietnamese number and date formatting, in one place.

Babel's `vi` locale gives the separators (decimal comma, dot for thousands). Rounding is ours:
half-up, applied with Decimal before Babel sees the number, because Babel rounds half to even
and its percent pattern drops decimals.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol

LOCALE = "vi"


@lru_cache(maxsize=1)
def _symbols() -> dict[str, str]:
    """Babel's `vi` separators, read once: formatting runs thousands of times per batch."""
    return {",": get_group_symbol(LOCALE), ".": get_decimal_symbol(LOCALE)}


@lru_cache(maxsize=16)
def _exponent(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_half_up(value: Decimal | int | float, places: int) -> Decimal:
    """Round to `places` decimals, ties away from zero (50,725 → 50,73)."""
    # A Decimal is its own text (Decimal(str(d)) is d, digits and exponent); a float goes through its repr.
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(_exponent(places), rounding=ROUND_HALF_UP)


@lru_cache(maxsize=1)
def _separators() -> dict[int, str]:
    return str.maketrans(_symbols())


def _localise(english: str) -> str:
    return english.translate(_separators())


def number(value: Decimal | int | float, places: int = 2, trim: bool = False) -> str:
    """A decimal number: number(Decimal("58.86")) → "58,86"; trim=True drops trailing zeros (8,1)."""
    rounded = round_half_up(value, max(places, 0))
    text = f"{rounded:,.{max(places, 0)}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and rounded == 0:
        text = text[1:]
    return _localise(text)


def score(value: Decimal | int | float) -> str:
    """A score with two decimals, as the portal publishes it: "50,72"."""
    return number(value, 2)


def count(value: int) -> str:
    """An integer count with thousands dots: "24.130"."""
    return _localise(f"{int(value):,d}")


def percent(value: Decimal | int | float, places: int = 1) -> str:
    """A value already in percent (0-100): percent(44.83) → "44,8%"."""
    return number(value, places) + "%"


def share(fraction: Decimal | int | float, places: int = 1) -> str:
    """A fraction (0-1) as percent: share(24130/53828) → "44,8%"."""
    return percent(Decimal(str(fraction)) * 100, places)


def change(value: Decimal | int | float, places: int = 2) -> str:
    """The size of a change of score without its sign, with a score's two decimals: 8.1 → "8,10".

    One rule for every score, in the text and in the tables: "tăng 8,10 điểm" beside "1,61", "+3,70".
    """
    return number(abs(Decimal(str(value))), places)


def two_digit_month(month: int) -> str:
    """NĐ 30: months 1 and 2 take a leading zero, the others do not."""
    return f"{month:02d}" if month < 3 else str(month)


def two_digit_day(day: int) -> str:
    """NĐ 30: days below 10 take a leading zero."""
    return f"{day:02d}"


def nd30_date(place: str, year: int, month: int, day: int | None) -> str:
    """The date line: "Hà Nội, ngày 06 tháng 8 năm 2024"; day None leaves room for the clerk."""
    day_text = two_digit_day(day) if day is not None else "\u00a0" * 6
    return f"{place}, ngày {day_text} tháng {two_digit_month(month)} năm {year}"


def short_date(value: date) -> str:
    """Short date as in dispatches: "02/8/2024", "05/01/2020"."""
    return f"{two_digit_day(value.day)}/{two_digit_month(value.month)}/{value.year}"


VIETNAM_TIME = timezone(timedelta(hours=7))


def cutoff_time(value: datetime) -> str:
    """When data was read, in Vietnam's time: "10h00 ngày 02/8/2024" (03:00Z prints as 10h00)."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(VIETNAM_TIME)
    return f"{value.hour:02d}h{value.minute:02d} ngày {short_date(value)}"
