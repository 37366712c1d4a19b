"""Joining the six answers into one table per unit, with pandas (imported here only).

Each department is matched across the six answers by `departmentId`. A department missing from an
answer, or with a null score there, gets an empty group: no data is not zero, and the import says
which. The authority's own scores come from `overview`/`parent`. The metrics of the scorecard
endpoints become the snapshot's `indicators` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.common.errors import Problem
from generator.portal.endpoints import ENDPOINTS, Endpoint
from generator.portal.errors import PortalError
from generator.portal.models import RankingRecord, ScoreRecord, TreeNode
from generator.portal.responses import Responses
from generator.portal.rules import PortalRules, official_name
from generator.snapshot import AUTHORITY_ROW, GROUPS, UnitKind

# Indicators whose ratio is a rate the snapshot carries for every unit (targets refer to these).
RATE_INDICATORS = {"digitization_rate": "SO_HOA_GIAY_TO_GIAI_QUYET", "e_result_rate": "ORIGINAL_RESULT_AVAILABLE"}
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Joined:
    """What the import writes and what it reports."""

    authority_name: str
    authority_code: str | None
    group_scores: tuple[Decimal | None, ...]  # the authority's own, in GROUPS order
    rank: int | None
    ranked_count: int | None
    units: tuple[dict[str, Any], ...]  # snapshot unit rows (canonical keys)
    indicators: tuple[dict[str, Any], ...]  # snapshot indicator rows (canonical keys)
    renamed: tuple[tuple[str, str], ...]  # (portal name, official name)
    gaps: tuple[str, ...]  # Vietnamese: which unit has no data in which group, and why


def join(responses: Responses, rules: PortalRules, name_overrides: Mapping[str, str]) -> Joined:
    """The snapshot's rows from the six answers; PortalError when a type or a name cannot be used."""
    import pandas as pd

    long = pd.DataFrame(_long_rows(responses), columns=[
        "endpoint", "group", "order", "position", "departmentId", "departmentName", "departmentCode", "type",
        "score"])
    ids = long.sort_values(["order", "position"], kind="stable").drop_duplicates("departmentId")["departmentId"]
    first = long.sort_values(["order", "position"], kind="stable").groupby("departmentId", sort=False)
    names = first["departmentName"].first()
    codes = long.dropna(subset=["departmentCode"]).groupby("departmentId", sort=False)["departmentCode"].first()
    long["kind"] = long["type"].map(lambda t: rules.kinds.get(t) if isinstance(t, str) else None)
    _check_kinds(long, names)
    kinds = long.dropna(subset=["kind"]).groupby("departmentId", sort=False)["kind"].first()
    scores = _as_dict(long.pivot(index="departmentId", columns="group", values="score"))
    present = _as_dict(long.pivot(index="departmentId", columns="group", values="endpoint"))

    counts = _progress_counts(responses)
    payment = _payment_rates(responses)
    metrics = _metrics_frame(responses)
    rates = _indicator_rates(metrics)

    units: list[dict[str, Any]] = []
    renamed: list[tuple[str, str]] = []
    gaps: list[str] = []
    code_of: dict[str, str] = {}
    for department_id in ids:
        portal_name = str(names[department_id])
        code = codes.get(department_id)
        code_text = str(code) if isinstance(code, str) and code else department_id
        code_of[department_id] = code_text
        name = official_name(portal_name, department_id, code if isinstance(code, str) else None,
                             name_overrides, rules.names)
        if name != portal_name:
            renamed.append((portal_name, name))
        kind = kinds[department_id]
        assert isinstance(kind, UnitKind)
        row: dict[str, Any] = {"code": code_text, "name": name, "kind": kind.value}
        for group, endpoint in zip(GROUPS, ENDPOINTS, strict=True):
            score = scores.get(department_id, {}).get(group.code)
            row[group.code] = score
            if score is None:
                answered = present.get(department_id, {}).get(group.code) is not None
                why = "điểm để trống (null)" if answered else "không có tên trong phản hồi"
                gaps.append(f"{name}: nhóm “{group.label}” để trống — {why} {endpoint.file_name}")
        row.update(counts.get(department_id, {}))
        if department_id in payment:
            row["online_payment_rate"] = payment[department_id]
        for key in RATE_INDICATORS:
            value = rates.get((department_id, key))
            if value is not None:
                row[key] = value
        units.append(row)
    _check_unique(units, ids.tolist())

    province = responses.answers[ENDPOINTS[0].name].root
    indicators = _indicator_rows(metrics, code_of, responses.province_id)
    rank, ranked_count = _rank(responses.ranking, responses.province_id)
    return Joined(
        authority_name=province.departmentName,
        authority_code=_authority_code(responses),
        group_scores=tuple(responses.answers[e.name].root.totalScore for e in ENDPOINTS),
        rank=rank,
        ranked_count=ranked_count,
        units=tuple(units),
        indicators=indicators,
        renamed=tuple(renamed),
        gaps=tuple(gaps),
    )


def _long_rows(responses: Responses) -> list[tuple[Any, ...]]:
    rows = []
    for order, endpoint in enumerate(ENDPOINTS):
        answer = responses.answers[endpoint.name]
        for position, record in enumerate(answer.records):
            rows.append((endpoint.file_name, endpoint.group, order, position, record.departmentId,
                         record.departmentName, record.departmentCode, _type_of(record),
                         _child_score(record, endpoint)))
    return rows


def _type_of(record: ScoreRecord | TreeNode) -> str | None:
    return record.departmentType if isinstance(record, ScoreRecord) else record.level


def _child_score(record: ScoreRecord | TreeNode, endpoint: Endpoint) -> Decimal | None:
    value = getattr(record, endpoint.score_key)
    return value if isinstance(value, Decimal) else None


def _as_dict(frame: Any) -> dict[str, dict[str, Any]]:
    """A pivoted frame as {row: {column: value}}, gaps (NaN) left out."""
    return {row: {column: value for column, value in values.items() if _present(value)}
            for row, values in frame.to_dict("index").items()}


def _present(value: Any) -> bool:
    """False for a gap: None or a float NaN that pandas puts where a join found nothing."""
    return value is not None and not (isinstance(value, float) and value != value)


def _check_kinds(long: Any, names: Any) -> None:
    """Every department type is known, and one department is one kind in every answer."""
    problems = []
    unknown = long[long["kind"].isna()]
    for _, row in unknown.drop_duplicates(["departmentId"]).iterrows():
        shown = row["type"] if isinstance(row["type"], str) else "(không có)"
        problems.append(Problem(
            row["endpoint"],
            f"loại đơn vị “{shown}” của {row['departmentName']} không được hỗ trợ; chỉ nhận PROVINCIAL_DEPARTMENT/"
            "PROVINCE (sở, ban, ngành) và COMMUNE_PEOPLE_COMMITTEE/COMMUNE (xã, phường)",
            row=f"$.data (departmentId {row['departmentId']})"))
    known = long.dropna(subset=["kind"])
    mixed = known.groupby("departmentId", sort=False)["kind"].nunique()
    for department_id in mixed[mixed > 1].index:
        seen = known[known["departmentId"] == department_id]
        detail = ", ".join(f"{r['endpoint']}: {r['type']}" for _, r in seen.iterrows())
        problems.append(Problem(str(names[department_id]), f"các phản hồi ghi loại đơn vị khác nhau ({detail})"))
    if problems:
        raise PortalError("Có đơn vị thuộc loại không dùng được trong công văn", tuple(problems))


def _progress_counts(responses: Responses) -> dict[str, dict[str, int]]:
    """received, on_time, overdue per department, from dvc-progress-tree."""
    counts: dict[str, dict[str, int]] = {}
    for node in responses.answers["dvc-progress-tree"].records:
        assert isinstance(node, TreeNode)
        row = {key: value for key, value in (("received", node.totalReceived), ("on_time", node.totalOnTime),
                                             ("overdue", node.totalOverdue)) if value is not None}
        if "received" in row and "on_time" in row and row["on_time"] > row["received"]:
            row.pop("on_time")  # the snapshot refuses it; the group score still carries the figure
        counts[node.departmentId] = row
    return counts


def _payment_rates(responses: Responses) -> dict[str, Decimal]:
    """Online payments as a percent of dossiers with a financial obligation (2 decimals)."""
    rates: dict[str, Decimal] = {}
    for node in responses.answers["formality-online-payment-tree"].records:
        assert isinstance(node, TreeNode)
        done, due = node.totalDossierOnlinePaymentSuccess, node.totalDossierFinancialObligation
        if done is not None and due:
            rate = (Decimal(done) * 100 / Decimal(due)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
            if 0 <= rate <= 100:
                rates[node.departmentId] = rate
    return rates


_METRIC_COLUMNS = ["departmentId", "group", "order", "position", "index", "code", "name", "numerator",
                   "denominator", "ratio", "score", "max_score", "quality_status", "quality_message"]


def _metrics_frame(responses: Responses) -> Any:
    """One row per department (and the province) and metric, in answer order."""
    import pandas as pd

    rows = []
    for order, endpoint in enumerate(ENDPOINTS):
        if not endpoint.scorecard:
            continue
        answer = responses.answers[endpoint.name]
        records = [(-1, answer.root), *enumerate(answer.records)]
        for position, record in records:
            assert isinstance(record, ScoreRecord)
            for index, m in enumerate(record.metrics):
                rows.append((record.departmentId, endpoint.group, order, position, index, m.code, m.name,
                             m.numerator, m.denominator, m.ratio, m.score, m.maxScore, m.dataQualityStatus,
                             m.dataQualityMessage))
    return pd.DataFrame(rows, columns=_METRIC_COLUMNS)


def _indicator_rates(metrics: Any) -> dict[tuple[str, str], Decimal]:
    """The rates a unit row carries, taken from the portal's own ratio of the matching metric."""
    wanted = metrics[metrics["code"].isin(list(RATE_INDICATORS.values()))]
    by_code = {code: key for key, code in RATE_INDICATORS.items()}
    found: dict[tuple[str, str], Decimal] = {}
    for department_id, code, ratio in wanted[["departmentId", "code", "ratio"]].itertuples(index=False):
        if isinstance(ratio, Decimal) and 0 <= ratio <= 100:
            found[(department_id, by_code[code])] = ratio
    return found


def _indicator_rows(metrics: Any, code_of: Mapping[str, str], province_id: str) -> tuple[dict[str, Any], ...]:
    position = {department_id: index for index, department_id in enumerate(code_of)}
    position[province_id] = -1  # the authority's own rows first
    ordered = metrics.assign(unit_rank=metrics["departmentId"].map(lambda d: position.get(d, len(position))))
    ordered = ordered.sort_values(["unit_rank", "order", "index"], kind="stable")
    rows = []
    fields = ("numerator", "denominator", "ratio", "score", "max_score", "quality_status", "quality_message")
    for record in ordered[["departmentId", "group", "code", "name", *fields]].itertuples(index=False, name=None):
        department_id, group, code, name, *values = record
        unit_code = AUTHORITY_ROW if department_id == province_id else code_of.get(department_id)
        if unit_code is None:
            continue
        row = {"unit_code": unit_code, "group": group, "code": code, "name": name}
        for key, value in zip(fields, values, strict=True):
            if not _present(value):
                value = None
            elif key in ("numerator", "denominator") and isinstance(value, float):
                value = int(value)  # a column with gaps turns whole numbers into floats
            row[key] = value
        rows.append(row)
    return tuple(rows)


def _check_unique(units: list[dict[str, Any]], ids: list[str]) -> None:
    problems = []
    for key, label in (("name", "tên chính thức"), ("code", "mã")):
        seen: dict[str, str] = {}
        for unit, department_id in zip(units, ids, strict=True):
            value = str(unit[key]).casefold()
            if value in seen:
                problems.append(Problem(
                    "portal.yaml / hồ sơ cơ quan",
                    f"hai đơn vị cùng {label} “{unit[key]}” (departmentId {seen[value]} và {department_id}); "
                    "hãy khai báo tên chính thức trong mục unit_names của hồ sơ cơ quan"))
            seen.setdefault(value, department_id)
    if problems:
        raise PortalError("Tên hoặc mã đơn vị sau khi chuẩn hóa bị trùng", tuple(problems))


def _authority_code(responses: Responses) -> str | None:
    for answer in responses.answers.values():
        if answer.root.departmentCode:
            return answer.root.departmentCode
    return None


def _rank(ranking: tuple[RankingRecord, ...] | None, province_id: str) -> tuple[int | None, int | None]:
    """Competition rank of the province by total score among the provinces the ranking scores."""
    if not ranking:
        return None, None
    scored = [r for r in ranking if r.totalScore is not None]
    own = next((r for r in scored if province_id in (r.departmentId, r.rootDepartmentId)), None)
    if own is None or own.totalScore is None:
        return None, None
    better = sum(1 for r in scored if r.totalScore is not None and r.totalScore > own.totalScore)
    return better + 1, len(scored)
