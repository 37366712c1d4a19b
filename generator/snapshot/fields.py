"""The columns of `units` and the keys of `meta`: canonical key, Vietnamese label, kind of value."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache

from generator.snapshot.model import GROUPS, Group, UnitKind
from generator.snapshot.text import match_key


class ValueKind(Enum):
    """How a cell is read and checked."""

    TEXT = "text"
    KIND = "kind"
    SCORE = "score"  # decimal within 0..max_score
    COUNT = "count"  # integer >= 0
    RATE = "rate"  # percent 0..100, `55,3%` allowed
    PERIOD = "period"
    CUTOFF = "cutoff"
    GROUP = "group"  # one of the six groups, by code or label
    POINTS = "points"  # decimal >= 0; its maximum is checked against another cell


@dataclass(frozen=True)
class Field:
    """One column of `units` or one key of `meta`."""

    key: str
    label: str
    kind: ValueKind
    required: bool = False
    max_score: Decimal | None = None
    aliases: tuple[str, ...] = ()
    max_length: int = 0  # TEXT: most characters accepted (the longest real one is far shorter)


HUNDRED = Decimal(100)
# Text lengths: the longest unit name the portal shows is about 90 characters ("Sở Lao động -
# Thương binh và Xã hội - Tỉnh ..."); a name goes into document titles and table cells, where
# Word caps a title at 255 characters and a page must still lay it out.
NAME_LENGTH = 150
CODE_LENGTH = 100
URL_LENGTH = 300
TEXT_LENGTH = 500  # an indicator's name or the portal's note on its data: a sentence

_GROUP_FIELDS = tuple(
    Field(g.code, g.label, ValueKind.SCORE, required=True, max_score=g.max_score) for g in GROUPS
)

UNIT_FIELDS: tuple[Field, ...] = (
    Field("code", "Mã đơn vị", ValueKind.TEXT, required=True, aliases=("Mã", "Mã ĐV"),
          max_length=CODE_LENGTH),
    Field("name", "Tên đơn vị", ValueKind.TEXT, required=True, aliases=("Đơn vị", "Tên"),
          max_length=NAME_LENGTH),
    Field("kind", "Loại đơn vị", ValueKind.KIND, required=True, aliases=("Loại", "Cấp")),
    *_GROUP_FIELDS,
    Field("total", "Tổng điểm", ValueKind.SCORE, max_score=HUNDRED, aliases=("Tổng",)),
    Field("received", "Hồ sơ tiếp nhận", ValueKind.COUNT),
    Field("on_time", "Hồ sơ đúng hạn", ValueKind.COUNT),
    Field("overdue", "Hồ sơ quá hạn", ValueKind.COUNT),
    Field("online_payment_rate", "Tỷ lệ thanh toán trực tuyến", ValueKind.RATE),
    Field("online_dossier_rate", "Tỷ lệ hồ sơ trực tuyến", ValueKind.RATE),
    Field("digitization_rate", "Tỷ lệ số hóa hồ sơ", ValueKind.RATE),
    Field("e_result_rate", "Tỷ lệ cấp kết quả điện tử", ValueKind.RATE),
)

_META_GROUP_FIELDS = tuple(
    Field(g.code, g.label, ValueKind.SCORE, max_score=g.max_score) for g in GROUPS
)

META_FIELDS: tuple[Field, ...] = (
    Field(
        "authority_name",
        "Tên cơ quan được đánh giá",
        ValueKind.TEXT,
        required=True,
        aliases=("Cơ quan", "Tên cơ quan"),
        max_length=NAME_LENGTH,
    ),
    Field("authority_code", "Mã cơ quan", ValueKind.TEXT, max_length=CODE_LENGTH),
    Field("period", "Kỳ đánh giá", ValueKind.PERIOD, required=True, aliases=("Tháng", "Kỳ")),
    Field(
        "cutoff", "Thời điểm lấy số liệu", ValueKind.CUTOFF, required=True, aliases=("Thời điểm",)
    ),
    Field(
        "score", "Tổng điểm", ValueKind.SCORE, required=True, max_score=HUNDRED, aliases=("Điểm",)
    ),
    Field("rank", "Thứ hạng", ValueKind.COUNT, aliases=("Xếp hạng",)),
    Field("ranked_count", "Số đơn vị được xếp hạng", ValueKind.COUNT),
    *_META_GROUP_FIELDS,
    Field("overdue_total", "Tổng số hồ sơ quá hạn", ValueKind.COUNT),
    Field("source", "Nguồn số liệu", ValueKind.TEXT, aliases=("Nguồn",), max_length=NAME_LENGTH),
    Field("source_url", "Địa chỉ nguồn", ValueKind.TEXT, max_length=URL_LENGTH),
)

# The optional `indicators` table: one row per unit (or the authority) and sub-indicator.
INDICATOR_FIELDS: tuple[Field, ...] = (
    Field("unit_code", "Mã đơn vị", ValueKind.TEXT, required=True, aliases=("Mã", "code đơn vị"),
          max_length=CODE_LENGTH),
    Field("group", "Nhóm chỉ số", ValueKind.GROUP, required=True, aliases=("Nhóm",)),
    Field("code", "Mã chỉ số", ValueKind.TEXT, required=True, aliases=("Mã tiêu chí",), max_length=CODE_LENGTH),
    Field("name", "Tên chỉ số", ValueKind.TEXT, required=True, aliases=("Chỉ số", "Tiêu chí", "Tên tiêu chí"),
          max_length=TEXT_LENGTH),
    Field("numerator", "Tử số", ValueKind.COUNT),
    Field("denominator", "Mẫu số", ValueKind.COUNT),
    Field("ratio", "Tỷ lệ", ValueKind.RATE, aliases=("Tỷ lệ (%)",)),
    Field("score", "Điểm", ValueKind.POINTS, aliases=("Điểm đạt được",)),
    Field("max_score", "Điểm tối đa", ValueKind.POINTS, required=True),
    Field("quality_status", "Trạng thái dữ liệu", ValueKind.TEXT, max_length=CODE_LENGTH),
    Field("quality_message", "Ghi chú dữ liệu", ValueKind.TEXT, max_length=TEXT_LENGTH),
)

UNIT_FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in UNIT_FIELDS}
INDICATOR_FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in INDICATOR_FIELDS}
META_FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in META_FIELDS}
REQUIRED_UNIT_FIELDS: tuple[Field, ...] = tuple(f for f in UNIT_FIELDS if f.required)
REQUIRED_META_FIELDS: tuple[Field, ...] = tuple(f for f in META_FIELDS if f.required)


def _index(fields: tuple[Field, ...]) -> dict[str, Field]:
    index: dict[str, Field] = {}
    for field in fields:
        for spelling in (field.key, field.label, *field.aliases):
            index.setdefault(match_key(spelling), field)
    return index


_UNIT_INDEX = _index(UNIT_FIELDS)
_META_INDEX = _index(META_FIELDS)
_INDICATOR_INDEX = _index(INDICATOR_FIELDS)
_GROUP_INDEX = {match_key(spelling): g for g in GROUPS for spelling in (g.code, g.label)}


# Memoized: a JSON snapshot names its keys again on every unit, a kind word repeats on every row.
@lru_cache(maxsize=4096)
def unit_field(header: str) -> Field | None:
    """The units column a header names (canonical key, label or alias, loosely matched)."""
    return _UNIT_INDEX.get(match_key(header))


@lru_cache(maxsize=1024)
def indicator_field(header: str) -> Field | None:
    """The indicators column a header names (canonical key, label or alias, loosely matched)."""
    return _INDICATOR_INDEX.get(match_key(header))


def group_named(text: str) -> Group | None:
    """The group a cell names: its code (`ckmb`) or its label ("Công khai, minh bạch")."""
    return _GROUP_INDEX.get(match_key(text))


@lru_cache(maxsize=1024)
def meta_field(key: str) -> Field | None:
    """The meta key a spelling names (canonical key, label or alias, loosely matched)."""
    return _META_INDEX.get(match_key(key))


_KIND_WORDS: dict[UnitKind, tuple[str, ...]] = {
    UnitKind.SO_NGANH: (
        "so_nganh",
        "sở, ban, ngành",
        "sở ngành",
        "sở, ngành",
        "sở",
        "ban, ngành",
        "cơ quan chuyên môn",
        "cấp tỉnh",
        "sở, ban, ngành cấp tỉnh",
    ),
    UnitKind.HUYEN: (
        "huyen",
        "quận, huyện, thị xã",
        "quận, huyện, thị xã, thành phố",
        "quận, huyện",
        "quận",
        "huyện",
        "thị xã",
        "cấp huyện",
        "đơn vị cấp huyện",
        "UBND cấp huyện",
    ),
    UnitKind.XA: (
        "xa",
        "xã, phường, thị trấn",
        "xã, phường, đặc khu",
        "xã, phường",
        "xã",
        "phường",
        "thị trấn",
        "đặc khu",
        "cấp xã",
        "đơn vị cấp xã",
        "UBND cấp xã",
    ),
}
_KIND_INDEX: dict[str, UnitKind] = {
    match_key(word): kind for kind, words in _KIND_WORDS.items() for word in words
}


@lru_cache(maxsize=1024)
def unit_kind(text: str) -> UnitKind | None:
    """The kind a word names: `so_nganh`, `huyen`, `xa` or their Vietnamese words."""
    return _KIND_INDEX.get(match_key(text))
