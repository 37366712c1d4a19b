"""The variables a document template may use, as typed values with their Vietnamese meaning.

Each field's metadata carries `vi` (meaning for the legal reviewer) and `example`; the template
catalogue is generated from these declarations, so it cannot drift from what templates receive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from generator.analysis import Analysis, AuthorityAnalysis, KindRanking, Target, UnitAnalysis
from generator.config import ChartSwitches, Issuer
from generator.directives import AnnexList
from generator.snapshot import Group, Period


def doc(meaning: str, example: str) -> Any:
    """Field declaration with its Vietnamese meaning and an example value."""
    return field(metadata={"vi": meaning, "example": example})


@dataclass(frozen=True)
class IssueInfo:
    """Number and date of the document; None leaves them blank for the clerk."""

    number_text: str = doc("Số văn bản (trống để văn thư điền)", "2562")
    symbol: str = doc("Ký hiệu văn bản", "UBND-KSTTHC")
    date_text: str = doc("Ngày ban hành dạng ngắn (ngày trống để văn thư điền)", "06/8/2024")
    reference: str = doc("Cách dẫn chiếu văn bản này trong phụ lục", "Văn bản số 2562/UBND-KSTTHC ngày 06/8/2024")


@dataclass(frozen=True)
class TargetResult:
    """One configured target and the units that miss it."""

    target: Target = doc("Chỉ tiêu (tên, ngưỡng tối thiểu %)", "Tỷ lệ thanh toán trực tuyến ≥ 55%")
    missed: tuple[UnitAnalysis, ...] = doc("Các đơn vị chưa đạt chỉ tiêu", "Sở Tư pháp, UBND huyện Ba Vì")
    reported: int = doc("Số đơn vị có số liệu về chỉ tiêu này", "50")


@dataclass(frozen=True)
class DirectiveView:
    """A directive that fired, as a template sees it."""

    rule_id: str = doc("Mã quy tắc chỉ đạo", "most_overdue")
    title: str = doc("Tên ngắn của quy tắc", "Đơn vị có nhiều hồ sơ quá hạn nhất")
    text: str = doc("Nội dung chỉ đạo đã điền tên đơn vị", "Sở Tư pháp khẩn trương rà soát ...")
    unit_names: tuple[str, ...] = doc("Tên các đơn vị được nêu", "Sở Tư pháp")
    annex: tuple[AnnexList, ...] = doc("Danh sách đơn vị không nêu tên trong văn bản mà lập tại Phụ lục",
                                       "Nhóm “Công khai, minh bạch” đạt dưới 50% số điểm tối đa")


@dataclass(frozen=True)
class DispatchContext:
    """Variables of the monthly dispatch template."""

    issuer: Issuer = doc("Cơ quan ban hành (từ hồ sơ cơ quan)", "Ủy ban nhân dân Thành phố")
    issue: IssueInfo = doc("Số, ký hiệu, ngày của văn bản", "Số: 2562/UBND-KSTTHC")
    period: Period = doc("Kỳ báo cáo (period.phrase: tháng 7/2024, quý III/2026, năm 2026)", "tháng 7/2024")
    plan: str | None = doc("Văn bản đặt ra chỉ tiêu của năm (từ hồ sơ cơ quan; có thể không có)",
                           "Kế hoạch cải cách hành chính năm 2024 của UBND Thành phố")
    authority: AuthorityAnalysis = doc("Kết quả của địa phương: tổng điểm, xếp hạng, thay đổi", "58,86 điểm, 58/63")
    rankings: tuple[KindRanking, ...] = doc("Kết quả xếp hạng các đơn vị theo từng loại", "sở, ban, ngành")
    most_overdue: UnitAnalysis | None = doc("Đơn vị có nhiều hồ sơ quá hạn nhất (có thể không có)", "Sở Tư pháp")
    target_results: tuple[TargetResult, ...] = doc("Các chỉ tiêu và đơn vị chưa đạt", "Tỷ lệ thanh toán trực tuyến")
    directives: tuple[DirectiveView, ...] = doc("Các nội dung chỉ đạo theo quy tắc", "Sở Tư pháp khẩn trương ...")
    unit_count: int = doc("Tổng số đơn vị trong số liệu", "51")
    compared_with: Period | None = doc("Kỳ trước mà các đơn vị được so sánh (không có khi thiếu số liệu kỳ trước)",
                                       "tháng 6/2024")
    unpublished_targets: tuple[Target, ...] = doc("Các chỉ tiêu chưa đơn vị nào có số liệu trên Cổng",
                                                  "Tỷ lệ hồ sơ trực tuyến")
    groups: tuple[Group, ...] = doc("Sáu nhóm chỉ số (mã, tên, điểm tối đa)", "Công khai, minh bạch (18)")
    charts: ChartSwitches = doc("Các biểu đồ được bật trong hồ sơ cơ quan", "charts.kind_bars: có")
    score_targets: tuple[Decimal | None, ...] = doc(
        "Chỉ tiêu tổng điểm của địa phương ứng với từng kỳ của chuỗi số liệu (trống: không có chỉ tiêu)", "80; 80; 80")


@dataclass(frozen=True)
class NoticeContext:
    """Variables of the per-unit notice template."""

    issuer: Issuer = doc("Cơ quan ban hành (từ hồ sơ cơ quan)", "Ủy ban nhân dân Thành phố")
    issue: IssueInfo = doc("Số, ký hiệu, ngày của văn bản", "Số: 2563/UBND-KSTTHC")
    period: Period = doc("Kỳ báo cáo (tháng, quý hoặc năm)", "tháng 7/2024")
    plan: str | None = doc("Văn bản đặt ra chỉ tiêu của năm (từ hồ sơ cơ quan; có thể không có)",
                           "Kế hoạch cải cách hành chính năm 2024 của UBND Thành phố")
    authority: AuthorityAnalysis = doc("Kết quả của địa phương", "58,86 điểm, 58/63")
    unit: UnitAnalysis = doc("Đơn vị nhận thông báo và kết quả của đơn vị", "Sở Tư pháp")
    ranking: KindRanking = doc("Bảng xếp hạng của loại đơn vị này", "sở, ban, ngành")
    directives: tuple[DirectiveView, ...] = doc("Các nội dung chỉ đạo áp dụng cho đơn vị", "Khẩn trương rà soát ...")
    unpublished_targets: tuple[Target, ...] = doc("Các chỉ tiêu chưa đơn vị nào có số liệu trên Cổng",
                                                  "Tỷ lệ hồ sơ trực tuyến")
    groups: tuple[Group, ...] = doc("Sáu nhóm chỉ số (mã, tên, điểm tối đa)", "Công khai, minh bạch (18)")
    charts: ChartSwitches = doc("Các biểu đồ được bật trong hồ sơ cơ quan", "charts.unit_trend: có")


def as_variables(context: Any) -> dict[str, Any]:
    """Top-level template variables of a context dataclass (shallow: values keep their types)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}


def compared_with(analysis: Analysis) -> Period | None:
    """The earlier period the units' totals are compared with, when any unit has that comparison."""
    return next((u.delta_previous.period for u in analysis.units if u.delta_previous is not None), None)


def unpublished_targets(results: tuple[TargetResult, ...]) -> tuple[Target, ...]:
    """Targets no unit reports a figure for: said once, never a column of empty cells."""
    return tuple(r.target for r in results if r.reported == 0)


def target_results(analysis: Analysis) -> tuple[TargetResult, ...]:
    """Per configured target, the units that miss it and how many report the figure."""
    results = []
    for target in analysis.targets:
        checks = [(u, c) for u in analysis.units for c in u.targets if c.target.id == target.id]
        results.append(TargetResult(
            target=target,
            missed=tuple(u for u, c in checks if c.missed),
            reported=sum(1 for _, c in checks if c.actual is not None),
        ))
    return tuple(results)
