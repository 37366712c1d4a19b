"""Typed models of the portal's six responses (and the optional national ranking).

Parsing goes through pydantic; every problem is reported with the file and a JSON path
(`transparency.json:$.data.evaluation[17].totalScore: ...`). Beyond the shape, the checks a
reader of the portal's figures relies on: no score above its maximum, the group maximum the
endpoint is known for, and a record's total equal to the sum of its metrics within 0,05.
Keys the portal adds later are ignored; keys we need and do not find are errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictInt, StrictStr, ValidationError

from generator.common.errors import Problem
from generator.common.jsonfile import JsonLimits, parse_json
from generator.portal.endpoints import Endpoint
from generator.snapshot import GROUP_BY_CODE

TOLERANCE = Decimal("0.05")


def _number(value: object) -> object:
    """JSON numbers only (parsed as Decimal or int): a quoted number or a boolean is a wrong shape."""
    if isinstance(value, (bool, str)):
        raise ValueError("phải là một số")
    if isinstance(value, float):
        return Decimal(str(value))
    return value


Number = Annotated[Decimal, BeforeValidator(_number)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Metric(_Model):
    code: StrictStr
    name: StrictStr
    numerator: StrictInt | None = None
    denominator: StrictInt | None = None
    ratio: Number | None = None
    score: Number | None
    maxScore: Number
    dataQualityStatus: StrictStr | None = None
    dataQualityMessage: StrictStr | None = None


class ScoreRecord(_Model):
    """One record of a scorecard endpoint: the province (`overview`) or a department."""

    departmentId: StrictStr
    departmentName: StrictStr
    departmentType: StrictStr
    departmentLevel: StrictStr | None = None
    departmentCode: StrictStr | None = None
    totalScore: Number | None
    totalMaxScore: Number
    ratio: Number | None = None
    metrics: list[Metric]


class Pagination(_Model):
    total: StrictInt
    currentPage: StrictInt
    pageSize: StrictInt
    totalPages: StrictInt


class ScorecardData(_Model):
    overview: ScoreRecord
    evaluation: list[ScoreRecord]
    pagination: Pagination


class TreeNode(_Model):
    """The province (`parent`) or a department (`children[]`) of a tree endpoint.

    The counts are the ones each tree endpoint carries (None where an endpoint has none)."""

    departmentId: StrictStr
    departmentName: StrictStr
    departmentCode: StrictStr | None = None
    level: StrictStr | None = None
    totalScore: Number | None = None
    score: Number | None = None
    totalMaxScore: Number | None = None
    maxScore: Number | None = None
    ratio: Number | None = None
    totalReceived: StrictInt | None = None
    totalOnTime: StrictInt | None = None
    totalOverdue: StrictInt | None = None
    totalDossierOnlinePaymentSuccess: StrictInt | None = None
    totalDossierFinancialObligation: StrictInt | None = None


class TreeData(_Model):
    parent: TreeNode
    children: list[TreeNode]


_Data = TypeVar("_Data", bound=BaseModel)


class Envelope(_Model, Generic[_Data]):
    code: StrictStr
    message: StrictStr | None = None
    data: _Data


class RankingRecord(_Model):
    departmentId: StrictStr
    departmentName: StrictStr
    departmentCode: StrictStr | None = None
    rootDepartmentId: StrictStr | None = None
    totalScore: Number | None


class RankingData(_Model):
    evaluation: list[RankingRecord]


def json_path(location: tuple[int | str, ...]) -> str:
    """("data", "evaluation", 17, "totalScore") → `$.data.evaluation[17].totalScore`."""
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


_PYDANTIC_MESSAGES = {
    "missing": "thiếu khóa bắt buộc",
    "string_type": "phải là một chuỗi",
    "int_type": "phải là một số nguyên",
    "decimal_type": "phải là một số",
    "decimal_parsing": "phải là một số",
    "list_type": "phải là một danh sách",
    "model_type": "phải là một đối tượng",
    "model_attributes_type": "phải là một đối tượng",
    "dict_type": "phải là một đối tượng",
}


def _message(error: Any) -> str:
    kind = str(error.get("type", ""))
    if kind in _PYDANTIC_MESSAGES:
        return _PYDANTIC_MESSAGES[kind]
    if kind == "value_error":
        context = error.get("ctx", {}).get("error")
        return str(context) if context else "giá trị không hợp lệ"
    return f"giá trị không hợp lệ ({kind})"


def _problems(file: str, error: ValidationError, limit: int = 20) -> list[Problem]:
    found = [Problem(file, _message(e), row=json_path(tuple(e["loc"])))
             for e in error.errors(include_url=False)[:limit]]
    if error.error_count() > limit:
        found.append(Problem(file, f"và {error.error_count() - limit} lỗi khác cùng loại"))
    return found


# A response is read with the snapshot readers' kind of limits (a portal tree nests deeper).
RESPONSE_LIMITS = JsonLimits(max_depth=32, max_string=100_000, max_key=200, max_items=200_000, max_keys=500,
                             max_number_chars=40)
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # one page of one endpoint: the largest recorded is 0,3 MB


def parse_bytes(file: str, raw: bytes) -> tuple[object | None, list[Problem]]:
    """The JSON document (numbers as Decimal/int), or the problems naming where it breaks: syntax
    (line, column), nesting, over-long values and repeated keys (JSON path)."""
    if len(raw) > MAX_RESPONSE_BYTES:
        return None, [Problem(file, f"phản hồi quá lớn ({len(raw) // (1024 * 1024)} MB; tối đa "
                                    f"{MAX_RESPONSE_BYTES // (1024 * 1024)} MB)")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(file, "tệp không phải văn bản mã UTF-8")]
    document, issues = parse_json(text, RESPONSE_LIMITS)
    problems = []
    for issue in issues:
        if issue.line is not None:
            reason = issue.message.removeprefix("nội dung không phải JSON hợp lệ: ")
            message = f"nội dung không phải JSON hợp lệ (có thể bị cắt cụt): {reason}" \
                if issue.message.startswith("nội dung") else issue.message
            problems.append(Problem(file, message, row=f"dòng {issue.line}", column=f"cột {issue.column}"))
        else:
            where = json_path(issue.path + ((issue.key,) if issue.key is not None else ()))
            message = f"khóa {issue.message}" if issue.key is not None and issue.message.startswith("lặp lại") \
                else issue.message
            problems.append(Problem(file, message, row=where))
    return (None, problems) if problems else (document, [])


def parse_envelope(file: str, document: object, data_model: type[_Data]) -> tuple[_Data | None, list[Problem]]:
    """The typed `data` of an OK envelope; a `code` other than OK or a wrong shape is a problem."""
    if not isinstance(document, dict):
        return None, [Problem(file, "phản hồi phải là một đối tượng JSON {code, data, message}", row="$")]
    code = document.get("code")
    if code != "OK":
        message = document.get("message")
        said = f" ({message})" if isinstance(message, str) and message else ""
        return None, [Problem(file, f"Cổng trả lời không thành công: code = {json.dumps(code, ensure_ascii=False)}"
                                    f"{said}", row="$.code")]
    try:
        envelope = Envelope[data_model].model_validate(document)  # type: ignore[valid-type]
    except ValidationError as error:
        return None, _problems(file, error)
    data: _Data = envelope.data
    return data, []


def check_scorecard(file: str, endpoint: Endpoint, data: ScorecardData) -> list[Problem]:
    """Scores within their maxima, the endpoint's group maximum, totals equal to their metrics."""
    group = GROUP_BY_CODE[endpoint.group]
    problems: list[Problem] = []
    for path, record in _records(data):
        if record.totalMaxScore != group.max_score:
            problems.append(Problem(file, f"điểm tối đa {record.totalMaxScore} không phải của nhóm “{group.label}” "
                                          f"({group.max_score}): phản hồi không phải của {endpoint.name}",
                                    row=f"{path}.totalMaxScore"))
        problems += _within(file, f"{path}.totalScore", record.totalScore, record.totalMaxScore)
        scored = False
        total = Decimal(0)
        for index, metric in enumerate(record.metrics):
            where = f"{path}.metrics[{index}]"
            problems += _within(file, f"{where}.score", metric.score, metric.maxScore)
            if metric.score is not None:
                scored, total = True, total + metric.score
        if record.totalScore is not None and scored and abs(total - record.totalScore) > TOLERANCE:
            problems.append(Problem(file, f"tổng điểm {record.totalScore} khác tổng điểm các chỉ số ({total}) "
                                          "quá 0,05", row=f"{path}.totalScore"))
    return problems


def check_tree(file: str, endpoint: Endpoint, data: TreeData) -> list[Problem]:
    """Scores within the endpoint's group maximum and each node's own maximum."""
    group = GROUP_BY_CODE[endpoint.group]
    problems: list[Problem] = []
    nodes = [("$.data.parent", data.parent), *((f"$.data.children[{i}]", c) for i, c in enumerate(data.children))]
    for path, node in nodes:
        key = "totalScore" if path.endswith("parent") else endpoint.score_key
        maximum_key = "maxScore" if key == "score" else "totalMaxScore"
        score: Decimal | None = getattr(node, key)
        maximum: Decimal | None = getattr(node, maximum_key)
        if maximum is None:
            problems.append(Problem(file, "thiếu khóa bắt buộc", row=f"{path}.{maximum_key}"))
            continue
        if maximum != group.max_score:
            problems.append(Problem(file, f"điểm tối đa {maximum} không phải của nhóm “{group.label}” "
                                          f"({group.max_score}): phản hồi không phải của {endpoint.name}",
                                    row=f"{path}.{maximum_key}"))
        problems += _within(file, f"{path}.{key}", score, maximum)
    return problems


def _records(data: ScorecardData) -> Iterator[tuple[str, ScoreRecord]]:
    yield "$.data.overview", data.overview
    for index, record in enumerate(data.evaluation):
        yield f"$.data.evaluation[{index}]", record


def _within(file: str, path: str, score: Decimal | None, maximum: Decimal) -> list[Problem]:
    if score is None:
        return []
    if score < 0:
        return [Problem(file, f"điểm {score} là số âm", row=path)]
    if score > maximum:
        return [Problem(file, f"điểm {score} vượt quá điểm tối đa {maximum}", row=path)]
    return []
