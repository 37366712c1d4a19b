"""The one catalogue of figures a directive rule may name in a condition.

Each figure says what it is (type), what it means in Vietnamese (for the review pack and error
messages) and how it is read: from a UnitAnalysis (FIGURES), from a unit and the group at hand in
a `for_each: group` rule (GROUP_LOOP_FIGURES), or from the whole analysis in an `about: authority`
rule (AUTHORITY_FIGURES). A figure reads None when there is no such number; every comparison on
None is false (see docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from types import MappingProxyType

from generator.analysis import Analysis, UnitAnalysis
from generator.snapshot import GROUPS, Group

FigureValue = Decimal | int | bool | str | None


class FigureType(str, Enum):
    """How a figure's value is written in a rule and checked at load time."""

    NUMBER = "number"  # a decimal such as a score (may be negative: a change)
    INTEGER = "integer"  # a count or a rank
    BOOLEAN = "boolean"  # true / false; only == and != apply
    PERCENT = "percent"  # a rate already in percent, 0-100 (as the portal publishes it)
    SHARE = "share"  # a fraction 0-1, written 0.2 for 20 %
    GROUP = "group"  # a group's code (ckmb, tdgq, clgq, tttt, mdhl, mdsh); only == and != apply


@dataclass(frozen=True)
class Figure:
    """One nameable figure: `meaning` is a Vietnamese noun phrase ("tổng điểm")."""

    name: str
    type: FigureType
    meaning: str
    read: Callable[[UnitAnalysis], FigureValue]
    unit_word: str = ""  # appended to values in descriptions: "điểm", "hồ sơ"

    def value_of(self, unit: UnitAnalysis) -> FigureValue:
        """This figure for `unit` (None when the unit has no such number)."""
        return self.read(unit)


def _rank_from_bottom(u: UnitAnalysis) -> int | None:
    return u.ranked_count - u.rank + 1 if u.rank is not None else None


def _group_score(group: Group) -> Callable[[UnitAnalysis], FigureValue]:
    return lambda u: u.unit.score(group.code)


def _group_share(group: Group) -> Callable[[UnitAnalysis], FigureValue]:
    def read(u: UnitAnalysis) -> FigureValue:
        score = u.unit.score(group.code)
        return None if score is None else score / group.max_score

    return read


def _rate(name: str) -> Callable[[UnitAnalysis], FigureValue]:
    return lambda u: u.unit.rate(name)


_N, _I, _B, _P, _S, _G = (
    FigureType.NUMBER,
    FigureType.INTEGER,
    FigureType.BOOLEAN,
    FigureType.PERCENT,
    FigureType.SHARE,
    FigureType.GROUP,
)

_GENERAL: tuple[Figure, ...] = (
    Figure("total", _N, "tổng điểm", lambda u: u.total, "điểm"),
    Figure("has_data", _B, "có đủ số liệu để tính tổng điểm", lambda u: u.total is not None),
    Figure("rank", _I, "thứ hạng trong các đơn vị cùng loại", lambda u: u.rank),
    Figure("ranked_count", _I, "số đơn vị cùng loại được xếp hạng", lambda u: u.ranked_count),
    Figure("rank_from_bottom", _I, "thứ hạng tính từ cuối bảng trong các đơn vị cùng loại", _rank_from_bottom),
    Figure(
        "delta_previous",
        _N,
        "mức thay đổi tổng điểm so với kỳ trước (tháng, quý hoặc năm)",
        lambda u: u.delta_previous.change if u.delta_previous is not None else None,
        "điểm",
    ),
    Figure(
        "delta_before",
        _N,
        "mức thay đổi tổng điểm so với hai kỳ trước",
        lambda u: u.delta_before.change if u.delta_before is not None else None,
        "điểm",
    ),
    Figure(
        "weakest_group_share",
        _S,
        "tỷ lệ điểm của nhóm chỉ số thấp nhất so với điểm tối đa của nhóm",
        lambda u: u.weakest_group.share if u.weakest_group is not None else None,
    ),
    Figure(
        "weakest_group",
        _G,
        "nhóm chỉ số có tỷ lệ điểm thấp nhất",
        lambda u: u.weakest_group.group.code if u.weakest_group is not None else None,
    ),
    Figure(
        "weakest_group_shortfall",
        _N,
        "số điểm nhóm chỉ số thấp nhất còn thiếu so với điểm tối đa của nhóm",
        lambda u: u.weakest_group.shortfall if u.weakest_group is not None else None,
        "điểm",
    ),
    Figure("overdue", _I, "số hồ sơ quá hạn", lambda u: u.overdue, "hồ sơ"),
    Figure("overdue_share", _S, "tỷ lệ hồ sơ quá hạn so với toàn địa phương", lambda u: u.overdue_share),
    Figure("holds_most_overdue", _B, "có số hồ sơ quá hạn cao nhất", lambda u: u.holds_most_overdue),
    Figure("received", _I, "số hồ sơ tiếp nhận", lambda u: u.unit.received, "hồ sơ"),
    Figure("on_time", _I, "số hồ sơ giải quyết đúng hạn, trước hạn", lambda u: u.unit.on_time, "hồ sơ"),
    Figure("missed_target_count", _I, "số chỉ tiêu chưa đạt", lambda u: len(u.missed_targets), "chỉ tiêu"),
)

# What the time series shows (analysis.series): the last periods of the same kind, gaps left out.
_OVER_TIME: tuple[Figure, ...] = (
    Figure(
        "trend_3",
        _N,
        "xu hướng tổng điểm 3 kỳ gần nhất (số điểm tăng bình quân mỗi kỳ; âm: giảm)",
        lambda u: u.series.trend_short,
        "điểm mỗi kỳ",
    ),
    Figure(
        "trend_12",
        _N,
        "xu hướng tổng điểm 12 kỳ gần nhất (số điểm tăng bình quân mỗi kỳ; âm: giảm)",
        lambda u: u.series.trend_long,
        "điểm mỗi kỳ",
    ),
    Figure(
        "falling_streak",
        _I,
        "số kỳ liên tiếp, tính đến kỳ này, tổng điểm giảm so với kỳ trước đó",
        lambda u: u.series.falling_streak,
        "kỳ",
    ),
    Figure(
        "rank_change",
        _I,
        "số bậc xếp hạng tăng so với kỳ trước (âm: số bậc giảm)",
        lambda u: u.series.rank_change,
        "bậc",
    ),
    Figure(
        "best_total",
        _N,
        "tổng điểm cao nhất trong 12 kỳ gần nhất",
        lambda u: u.series.best.total if u.series.best is not None else None,
        "điểm",
    ),
    Figure(
        "worst_total",
        _N,
        "tổng điểm thấp nhất trong 12 kỳ gần nhất",
        lambda u: u.series.worst.total if u.series.worst is not None else None,
        "điểm",
    ),
    Figure("at_best", _B, "kỳ này có tổng điểm cao nhất trong 12 kỳ gần nhất", lambda u: u.series.at_best),
    Figure("at_worst", _B, "kỳ này có tổng điểm thấp nhất trong 12 kỳ gần nhất", lambda u: u.series.at_worst),
    Figure(
        "periods_with_data",
        _I,
        "số kỳ có tổng điểm trong 12 kỳ gần nhất (kể cả kỳ này)",
        lambda u: u.series.periods_with_data,
        "kỳ",
    ),
)

_GROUP_SCORES = tuple(
    Figure(g.code, _N, f"điểm nhóm “{g.label}”", _group_score(g), "điểm") for g in GROUPS
)
_GROUP_SHARES = tuple(
    Figure(f"{g.code}_share", _S, f"tỷ lệ điểm nhóm “{g.label}” so với điểm tối đa", _group_share(g))
    for g in GROUPS
)
_RATES = (
    Figure("online_payment_rate", _P, "tỷ lệ thanh toán trực tuyến", _rate("online_payment_rate")),
    Figure("online_dossier_rate", _P, "tỷ lệ hồ sơ trực tuyến", _rate("online_dossier_rate")),
    Figure(
        "digitization_rate",
        _P,
        "tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        _rate("digitization_rate"),
    ),
    Figure(
        "e_result_rate",
        _P,
        "tỷ lệ cấp kết quả giải quyết thủ tục hành chính bản điện tử",
        _rate("e_result_rate"),
    ),
)

FIGURES: Mapping[str, Figure] = MappingProxyType(
    {f.name: f for f in (*_GENERAL, *_OVER_TIME, *_GROUP_SCORES, *_GROUP_SHARES, *_RATES)}
)


@dataclass(frozen=True)
class LoopFigure:
    """A figure of a unit for the group at hand, in a `for_each: group` rule."""

    name: str
    type: FigureType
    meaning: str
    reader: Callable[[Group], Callable[[UnitAnalysis], FigureValue]]  # the figure for one group
    unit_word: str = ""

    def read(self, unit: UnitAnalysis, group: Group) -> FigureValue:
        """This figure of `unit` for `group`."""
        return self.reader(group)(unit)


def _current_score(group: Group) -> Callable[[UnitAnalysis], FigureValue]:
    index = GROUPS.index(group)  # where UnitResult.score(group.code) looks
    return lambda u: u.unit.groups[index]


def _current_share(group: Group) -> Callable[[UnitAnalysis], FigureValue]:
    index, maximum = GROUPS.index(group), group.max_score

    def read(u: UnitAnalysis) -> FigureValue:
        score = u.unit.groups[index]
        return None if score is None else score / maximum

    return read


GROUP_LOOP_FIGURES: Mapping[str, LoopFigure] = MappingProxyType({f.name: f for f in (
    LoopFigure("current_group_score", _N, "điểm của nhóm chỉ số đang xét", _current_score, "điểm"),
    LoopFigure("current_group_share", _S, "tỷ lệ điểm của nhóm chỉ số đang xét so với điểm tối đa", _current_share),
)})


@dataclass(frozen=True)
class AuthorityFigure:
    """A figure of the authority as a whole, in an `about: authority` rule.

    `read` gets the analysis and how many widespread problems the rules before it set aside.
    """

    name: str
    type: FigureType
    meaning: str
    read: Callable[[Analysis, int], FigureValue]
    unit_word: str = ""


def _authority_weakest(a: Analysis, _: int) -> FigureValue:
    return a.authority.weakest_group.group.code if a.authority.weakest_group is not None else None


def _authority_weakest_share(a: Analysis, _: int) -> FigureValue:
    return a.authority.weakest_group.share if a.authority.weakest_group is not None else None


AUTHORITY_FIGURES: Mapping[str, AuthorityFigure] = MappingProxyType({f.name: f for f in (
    AuthorityFigure("authority_total", _N, "tổng điểm của địa phương", lambda a, _: a.authority.total, "điểm"),
    AuthorityFigure("authority_rank", _I, "thứ hạng của địa phương", lambda a, _: a.authority.rank),
    AuthorityFigure(
        "authority_delta_previous", _N, "mức thay đổi tổng điểm của địa phương so với kỳ trước",
        lambda a, _: a.authority.delta_previous.change if a.authority.delta_previous is not None else None, "điểm",
    ),
    AuthorityFigure("authority_weakest_group", _G, "nhóm chỉ số có tỷ lệ điểm thấp nhất của địa phương",
                    _authority_weakest),
    AuthorityFigure("authority_weakest_group_share", _S,
                    "tỷ lệ điểm của nhóm chỉ số thấp nhất của địa phương so với điểm tối đa", _authority_weakest_share),
    AuthorityFigure("overdue_total", _I, "tổng số hồ sơ quá hạn của địa phương",
                    lambda a, _: a.authority.overdue_total, "hồ sơ"),
    AuthorityFigure("units_with_overdue", _I, "số đơn vị có hồ sơ quá hạn",
                    lambda a, _: sum(1 for u in a.units if (u.overdue or 0) > 0), "đơn vị"),
    AuthorityFigure("widespread_count", _I,
                    "số hạn chế chung của gần như mọi đơn vị mà các quy tắc trước đã tách ra",
                    lambda _, count: count, "hạn chế"),
)})

GROUP_CODES: tuple[str, ...] = tuple(g.code for g in GROUPS)
