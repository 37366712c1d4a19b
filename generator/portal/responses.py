"""Reading a folder of portal responses: the six endpoints (every page), checked and typed.

A folder holds `<endpoint>.json` (page 1) and `<endpoint>.page-<n>.json` for further pages, as
`fetch` saves them, optionally `service-results.json` (the national ranking) and `capture.json`.
Every problem is collected before refusing: a missing endpoint, a response of the wrong shape, a
score above its maximum, a total that disagrees with its metrics, pages that do not add up,
responses of different provinces or (per the capture record) of different periods.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.common.bounded import NotReadable, read_bounded
from generator.common.errors import Problem
from generator.portal.capture import CaptureRecord
from generator.portal.endpoints import ENDPOINTS, RANKING_ENDPOINT, RANKING_FILE, Endpoint, period_of_payload
from generator.portal.errors import PortalError
from generator.portal.models import (
    MAX_RESPONSE_BYTES,
    RankingData,
    RankingRecord,
    ScorecardData,
    ScoreRecord,
    TreeData,
    TreeNode,
    check_scorecard,
    check_tree,
    parse_bytes,
    parse_envelope,
)

MAX_PAGES = 1000  # a portal answer claiming more pages than this is not believed


def page_file(endpoint: str, page: int) -> str:
    """`transparency.json` for page 1, `transparency.page-2.json` for the next ones."""
    return f"{endpoint}.json" if page == 1 else f"{endpoint}.page-{page}.json"


@dataclass(frozen=True)
class Answer:
    """One endpoint's answer, all pages joined: the province's record and the departments'."""

    endpoint: Endpoint
    files: tuple[Path, ...]
    root: ScoreRecord | TreeNode
    records: tuple[ScoreRecord | TreeNode, ...]


@dataclass(frozen=True)
class Responses:
    answers: Mapping[str, Answer]  # by endpoint name, in ENDPOINTS order
    ranking: tuple[RankingRecord, ...] | None
    ranking_file: Path | None
    files: tuple[Path, ...]  # every response file read

    @property
    def province_id(self) -> str:
        return next(iter(self.answers.values())).root.departmentId


def read_responses(folder: Path, capture: CaptureRecord | None = None) -> Responses:
    """All six endpoints of `folder`, validated; PortalError lists every problem found."""
    if not folder.is_dir():
        raise PortalError(f'Không tìm thấy thư mục phản hồi của Cổng: "{folder}"')
    missing = [e for e in ENDPOINTS if not (folder / e.file_name).is_file()]
    if missing:
        names = ", ".join(f"{e.name} ({e.file_name})" for e in missing)
        raise PortalError(
            f"Thư mục {folder} thiếu phản hồi của {len(missing)} nhóm chỉ số: {names}. Bộ chỉ số thiếu một nhóm "
            "không phải là Bộ chỉ số; hãy thu lại bằng congvan fetch.",
            tuple(Problem(str(folder / e.file_name), f"thiếu phản hồi {e.name}") for e in missing))
    problems: list[Problem] = []
    answers: dict[str, Answer] = {}
    files: list[Path] = []
    for endpoint in ENDPOINTS:
        answer = _read_endpoint(folder, endpoint, problems)
        if answer is not None:
            answers[endpoint.name] = answer
            files += answer.files
    ranking, ranking_file = _read_ranking(folder, problems)
    if ranking_file is not None:
        files.append(ranking_file)
    if not problems:
        _check_same_province(answers, problems)
    if capture is not None:
        _check_capture(capture, answers, files, problems)
    if problems:
        raise PortalError(f"Phản hồi của Cổng trong {folder} không dùng được: {len(problems)} lỗi", tuple(problems))
    return Responses(answers, ranking, ranking_file, tuple(files))


def _read_endpoint(folder: Path, endpoint: Endpoint, problems: list[Problem]) -> Answer | None:
    first = folder / endpoint.file_name
    if not endpoint.scorecard:
        data = _parse(first, TreeData, problems)
        if data is None:
            return None
        found = check_tree(first.name, endpoint, data)
        problems += found
        return None if found else Answer(endpoint, (first,), data.parent, tuple(data.children))
    page_one = _parse(first, ScorecardData, problems)
    if page_one is None:
        return None
    before = len(problems)
    problems += check_scorecard(first.name, endpoint, page_one)
    pagination = page_one.pagination
    if not 1 <= pagination.totalPages <= MAX_PAGES or pagination.currentPage != 1:
        problems.append(Problem(first.name, f"phân trang không hợp lệ: trang {pagination.currentPage}/"
                                            f"{pagination.totalPages}", row="$.data.pagination"))
        return None
    pages, records = [first], list(page_one.evaluation)
    for number in range(2, pagination.totalPages + 1):
        path = folder / page_file(endpoint.name, number)
        if not path.is_file():
            problems.append(Problem(path.name, f"thiếu trang {number}/{pagination.totalPages} của phản hồi "
                                               f"{endpoint.name}"))
            continue
        page = _parse(path, ScorecardData, problems)
        if page is None:
            continue
        problems += check_scorecard(path.name, endpoint, page)
        if (page.pagination.currentPage, page.pagination.totalPages, page.pagination.total) != (
                number, pagination.totalPages, pagination.total):
            problems.append(Problem(path.name, f"phân trang không khớp trang 1: trang {page.pagination.currentPage}"
                                               f"/{page.pagination.totalPages}, tổng {page.pagination.total}",
                                    row="$.data.pagination"))
        if page.overview.departmentId != page_one.overview.departmentId:
            problems.append(Problem(path.name, "trang này là của một tỉnh khác trang 1",
                                    row="$.data.overview.departmentId"))
        pages.append(path)
        records += page.evaluation
    if len(problems) > before:
        return None
    if len(records) != pagination.total:
        problems.append(Problem(first.name, f"các trang có {len(records)} đơn vị, phân trang ghi tổng "
                                            f"{pagination.total}", row="$.data.pagination.total"))
        return None
    return Answer(endpoint, tuple(pages), page_one.overview, tuple(records))


def _parse(path: Path, model: type[ScorecardData] | type[TreeData] | type[RankingData],
           problems: list[Problem]) -> Any:
    try:
        raw = read_bounded(path, MAX_RESPONSE_BYTES)  # a regular file, never past the limit, never blocking
    except NotReadable as refused:
        problems.append(Problem(path.name, refused.reason))
        return None
    document, found = parse_bytes(path.name, raw)
    if found:
        problems += found
        return None
    data, found = parse_envelope(path.name, document, model)
    problems += found
    return data


def _read_ranking(folder: Path, problems: list[Problem]) -> tuple[tuple[RankingRecord, ...] | None, Path | None]:
    path = folder / RANKING_FILE
    if not path.is_file():
        return None, None
    data = _parse(path, RankingData, problems)
    if data is None:
        return None, path
    return tuple(data.evaluation), path


def _check_same_province(answers: Mapping[str, Answer], problems: list[Problem]) -> None:
    """All six answers describe one province (the root record's departmentId)."""
    reference = next(iter(answers.values()))
    for answer in answers.values():
        root = answer.root
        if root.departmentId != reference.root.departmentId:
            key = "overview" if answer.endpoint.scorecard else "parent"
            problems.append(Problem(
                answer.files[0].name,
                f"phản hồi của một tỉnh khác: {root.departmentName} ({root.departmentId}), trong khi "
                f"{reference.files[0].name} là {reference.root.departmentName} ({reference.root.departmentId})",
                row=f"$.data.{key}.departmentId"))


def _check_capture(capture: CaptureRecord, answers: Mapping[str, Answer], files: list[Path],
                   problems: list[Problem]) -> None:
    """Every file is the one recorded (same hash), of the recorded province and period."""
    capture_name = "capture.json"
    recorded = {f.file: f for f in capture.files}
    if capture.ranking is not None:
        recorded[capture.ranking.file] = capture.ranking
    for path in files:
        entry = recorded.get(path.name)
        if entry is None:
            problems.append(Problem(path.name, "tệp không có trong bản ghi thu thập capture.json"))
            continue
        try:
            digest = hashlib.sha256(read_bounded(path, MAX_RESPONSE_BYTES)).hexdigest()
        except NotReadable as refused:
            problems.append(Problem(path.name, refused.reason))
            continue
        if digest != entry.sha256:
            problems.append(Problem(path.name, "nội dung đã khác với lúc thu (SHA-256 không khớp capture.json)"))
        if entry.endpoint != RANKING_ENDPOINT:
            asked = period_of_payload(entry.endpoint, entry.payload)
            if asked != capture.period_value:
                shown = str(asked) if asked is not None else "không rõ"
                problems.append(Problem(path.name, f"được thu cho kỳ {shown}, khác kỳ {capture.period} của bản thu"))
    if answers and not problems:
        province_id = next(iter(answers.values())).root.departmentId
        if province_id != capture.province.id:
            problems.append(Problem(capture_name, f"bản thu ghi tỉnh {capture.province.name} ({capture.province.id})"
                                                  f" nhưng phản hồi là của {province_id}", row="$.province.id"))
