"""Turning one cell (text, number, date, JSON value) into a typed value, or saying why not.

Spreadsheets hand over floats; a float is read through its shortest repr (58.86 → Decimal("58.86"))
so no binary artefact such as 58.8599999 ever reaches a document.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from generator.snapshot.limits import MAX_MAGNITUDE_DIGITS, MAX_NUMBER_CHARS
from generator.snapshot.model import Period
from generator.snapshot.raw import FormulaWithoutValue, OversizedNumber, SpreadsheetError
from generator.snapshot.text import is_invisible

VIETNAM = timezone(timedelta(hours=7))
_MAX_PLACES = Decimal("0.000001")
_LARGE = Decimal(10) ** MAX_MAGNITUDE_DIGITS
_LARGE_INT = 10**MAX_MAGNITUDE_DIGITS
_DECIMAL = re.compile(r"^([+-]?)([0-9]{1,15})(?:[.,]([0-9]{1,15}))?$")
_GROUPED_INTEGER = re.compile(r"^([+-]?)([0-9]{1,3}(?:([.,\s])[0-9]{3})(?:\3[0-9]{3})*)$")
PERIOD_FORMS = "không phải là tháng YYYY-MM, quý YYYY-Qn hay năm YYYY (ví dụ 2024-07, 2026-Q3, 2026)"
_SHOWN_TEXT = 40
_TOO_LARGE = f"là số quá lớn (quá {MAX_MAGNITUDE_DIGITS} chữ số trước dấu thập phân)"


class Invalid(Exception):
    """A value that cannot be read as the field's type, or is out of range; says why (Vietnamese).

    `shown` is the value as the message should show it when it was read as a number (`22,5`
    rather than the raw text `"22,5"`).
    """

    def __init__(self, reason: str, shown: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.shown = shown


def _marker(value: object) -> None:
    """Invalid for the values a reader keeps only to explain them (a formula without its result)."""
    if isinstance(value, FormulaWithoutValue):
        raise Invalid(
            "là công thức chưa có kết quả lưu trong tệp (tệp được tạo hoặc sửa bằng chương trình "
            "không tính công thức), không phải ô trống; hãy mở tệp bằng Excel, nhấn Ctrl+Alt+F9 "
            "để tính lại toàn bộ rồi lưu (Ctrl+S), hoặc chép và dán giá trị (Paste Values)"
        )
    if isinstance(value, SpreadsheetError):
        raise Invalid("là kết quả lỗi của công thức trong Excel; hãy sửa công thức hoặc nhập số")
    if isinstance(value, OversizedNumber):
        raise Invalid("là số quá dài (số liệu thật không quá 15 chữ số)")


def _check_magnitude(number: Decimal) -> Decimal:
    if number.is_finite() and not number.is_zero() and number.adjusted() >= MAX_MAGNITUDE_DIGITS:
        raise Invalid(_TOO_LARGE)
    return number


def is_blank(value: object) -> bool:
    """True for an empty cell: None or text made only of spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def show_number(value: Decimal | int) -> str:
    """A number as a Vietnamese reader writes it in a message: 20,5 (no grouping, as typed)."""
    if isinstance(value, Decimal):
        # 1E+999999 as written: its digits spelled out would be a megabyte of zeros.
        plain = value.is_finite() and -MAX_NUMBER_CHARS <= value.adjusted() <= MAX_NUMBER_CHARS
        text = (format(value, "f") if plain else str(value)).replace(".", ",")
    else:
        text = str(value)
    return text if len(text) <= _SHOWN_TEXT else text[:_SHOWN_TEXT] + "…"


def show_value(value: object) -> str:
    """A raw cell value as a message shows it: numbers plainly, text in quotes."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, Decimal)):
        return show_number(value)
    if isinstance(value, float):
        return show_number(Decimal(repr(value))) if math.isfinite(value) else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (FormulaWithoutValue, SpreadsheetError, OversizedNumber)):
        return _quoted(str(value)) if isinstance(value, FormulaWithoutValue) else _shortened(str(value))
    if isinstance(value, list):
        return "(danh sách)"
    if isinstance(value, dict):
        return "(đối tượng)"
    return _quoted(str(value))


def _quoted(text: str) -> str:
    """Text in quotes, cut to 40 characters, every invisible or line-breaking character escaped.

    A message is one line on the screen: U+2028 or a tab inside a cell must not break it, and
    an invisible character must show where it is.
    """
    text = text[: _SHOWN_TEXT * 2]
    escaped = "".join(
        f"\\u{ord(c):04x}" if (is_invisible(c) or (not c.isprintable() and c != " ")) else c
        for c in text
    )
    return f'"{_shortened(escaped)}"'


def _shortened(text: str) -> str:
    return text if len(text) <= _SHOWN_TEXT else text[:_SHOWN_TEXT] + "…"


def _tidy(number: Decimal) -> Decimal:
    # Keep at most 6 decimals (a spreadsheet formula may leave 58.860000000000007); -0 is 0.
    if number.is_zero():
        number = number.copy_abs()
    if abs(number) < _LARGE and _more_than_six_places(number):
        number = number.quantize(_MAX_PLACES, rounding=ROUND_HALF_UP)
        if number == number.to_integral_value():
            return number.quantize(Decimal(1))
        return number.normalize()
    return number


def _more_than_six_places(number: Decimal) -> bool:
    """`number.as_tuple().exponent < -6` for a finite number, read from its text (as_tuple builds a
    tuple of every digit: a third of reading a 10.000-unit snapshot's scores). str() writes an
    exponent only when it is positive ("E+") or the number is below 1E-6 ("E-", exponent < -6)."""
    text = str(number)
    if "E" in text:
        return "E-" in text
    point = text.find(".")
    return point >= 0 and len(text) - point - 1 > 6


def _from_text(text: str, *, percent: bool) -> Decimal:
    cleaned = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if percent and cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    match = _DECIMAL.match(cleaned)
    if not match:
        raise Invalid("không phải là số")
    sign, whole, fraction = match.groups()
    return _tidy(Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"))


def read_decimal(value: object, *, percent: bool = False) -> Decimal | None:
    """A decimal number; None for an empty cell. Decimal comma or point; `%` when `percent`."""
    kind = type(value)
    if kind is Decimal:  # a JSON number (the commonest cell of all): the checks below, in short
        if not value.is_finite():  # type: ignore[attr-defined]
            raise Invalid("không phải là số")
        # _check_magnitude for a finite number: below 1E15 in size is an adjusted exponent below 15.
        if not -_LARGE < value < _LARGE:  # type: ignore[operator]
            raise Invalid(_TOO_LARGE)
        if value and not _more_than_six_places(value):  # type: ignore[arg-type]
            return value  # type: ignore[return-value]  # what _tidy leaves as it is (not -0, 6 places at most)
        return _tidy(value)  # type: ignore[arg-type]
    if kind is int:
        return _check_magnitude(Decimal(value))  # type: ignore[arg-type]
    if is_blank(value):
        return None
    _marker(value)
    if isinstance(value, bool):
        raise Invalid("không phải là số")
    if isinstance(value, int):
        return _check_magnitude(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid("không phải là số")
        return _tidy(_check_magnitude(Decimal(repr(value))))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise Invalid("không phải là số")
        return _tidy(_check_magnitude(value))
    if isinstance(value, str):
        return _from_text(value, percent=percent)
    raise Invalid("không phải là số")


def read_integer(value: object) -> int | None:
    """A whole number; None for an empty cell. Thousands grouping (53.828) is accepted in text."""
    if type(value) is int:  # a JSON integer: no Decimal needed (15 digits at most, as _check_magnitude says)
        if value and abs(value) >= _LARGE_INT:
            raise Invalid(_TOO_LARGE)
        return value
    if isinstance(value, str):
        grouped = _GROUPED_INTEGER.match(value.strip())
        if grouped:
            sign, digits, _ = grouped.groups()
            return int(_check_magnitude(Decimal(sign + re.sub(r"[^0-9]", "", digits))))
    number = read_decimal(value)
    if number is None:
        return None
    try:
        whole = number.to_integral_value()
    except InvalidOperation:  # pragma: no cover - finite decimals always have an integral part
        raise Invalid("không phải là số nguyên") from None
    if whole != number:
        raise Invalid("không phải là số nguyên")
    return int(whole)


def read_text(value: object) -> str | None:
    """Text, stripped and in NFC; numbers typed into a text column become their digits."""
    if type(value) is str:  # the commonest cell: what the checks below come to for it
        text = value.strip()
        return unicodedata.normalize("NFC", text) if text else None
    if is_blank(value):
        return None
    _marker(value)
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    if isinstance(value, (bool, list, dict, datetime, date, time)):
        raise Invalid("không phải là văn bản")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)  # readers keep integers under MAX_NUMBER_CHARS digits
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > MAX_NUMBER_CHARS:
            raise Invalid("không phải là văn bản")
        return format(value, "f")
    return str(value)


def read_period(value: object) -> Period:
    """A month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`.

    A spreadsheet date on the first of a month counts as that month; a whole number as a year."""
    _marker(value)
    if isinstance(value, datetime):
        if value.day == 1 and value.time() == time(0, 0):
            return Period(value.year, value.month)
        raise Invalid(PERIOD_FORMS)
    if isinstance(value, date):
        if value.day == 1:
            return Period(value.year, value.month)
        raise Invalid(PERIOD_FORMS)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = read_text(value)
    if isinstance(value, str):
        try:
            return Period.parse(value)
        except ValueError:
            pass
    raise Invalid(PERIOD_FORMS)


def read_cutoff(value: object) -> datetime:
    """An ISO 8601 date-time in Vietnam's time (+07:00): a moment with another offset is converted
    (03h00 UTC is 10h00 in Hà Nội, possibly on the next day); one without an offset is taken as
    Vietnam time already."""
    _marker(value)
    moment: datetime
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0, 0))
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise Invalid("không đúng dạng ISO 8601 (ví dụ 2024-08-02T10:00:00+07:00)") from None
    else:
        raise Invalid("không đúng dạng ISO 8601 (ví dụ 2024-08-02T10:00:00+07:00)")
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=VIETNAM)
    try:
        return moment.astimezone(VIETNAM)
    except OverflowError:  # 0001-01-01T00:00-01:00 has no Vietnam time within the calendar
        raise Invalid("nằm ngoài khoảng ngày giờ đọc được") from None


def period_start(period: Period) -> datetime:
    """Midnight, Vietnam time, on the first day of `period`."""
    return datetime.combine(period.start, time(0, 0), tzinfo=VIETNAM)
