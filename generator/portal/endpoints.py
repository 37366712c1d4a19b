"""The six reporting endpoints of the portal (one per group) and the payloads they take.

`POST https://dichvucong.gov.vn/api/v1/reporting/evaluation/<endpoint>`; every endpoint but
`handling-satisfaction` takes `timeType`/`year`/`month`|`quarter`, that one a `fromDate`/`toDate`
range. Scorecard endpoints answer `overview` + `evaluation[]` (paged), tree endpoints `parent` +
`children[]` (whole). See ../shared/portal-samples/README.md for the recorded shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.snapshot import Period, PeriodKind

PORTAL_URL = "https://dichvucong.gov.vn"
API_PATH = "/api/v1/reporting/evaluation/"
RANKING_ENDPOINT = "service-results"  # the national ranking of provinces (optional)
RANKING_FILE = f"{RANKING_ENDPOINT}.json"


@dataclass(frozen=True)
class Endpoint:
    """One group's endpoint: its name, the group it scores and how its answer is shaped."""

    name: str
    group: str  # snapshot group code (ckmb ...)
    scorecard: bool  # overview/evaluation[] with metrics (else parent/children[])
    page_size: int  # as the portal's own pages ask
    score_key: str  # the children's score key
    date_range: bool = False  # fromDate/toDate instead of timeType

    @property
    def file_name(self) -> str:
        return f"{self.name}.json"


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("transparency", "ckmb", True, 200, "totalScore"),
    Endpoint("dvc-progress-tree", "tdgq", False, 100, "score"),
    Endpoint("provide-online-tree", "clgq", False, 200, "totalScore"),
    Endpoint("formality-online-payment-tree", "tttt", False, 100, "totalScore"),
    Endpoint("handling-satisfaction", "mdhl", True, 200, "totalScore", date_range=True),
    Endpoint("dossier-digitized", "mdsh", True, 200, "totalScore"),
)
ENDPOINT_BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}


def period_keys(endpoint: Endpoint, period: Period) -> dict[str, object]:
    """The period part of a payload: `timeType`/`year`/`month`|`quarter`, or the date range."""
    if endpoint.date_range:
        return {"fromDate": period.start.isoformat(), "toDate": period.end.isoformat()}
    return national_period_keys(period)


def national_period_keys(period: Period) -> dict[str, object]:
    """`timeType`, `year` and `month` or `quarter` of a period."""
    keys: dict[str, object] = {"timeType": period.kind.value, "year": period.year}
    if period.kind is PeriodKind.MONTH:
        keys["month"] = period.month
    elif period.kind is PeriodKind.QUARTER:
        keys["quarter"] = period.quarter
    return keys


def payload(endpoint: Endpoint, root_id: str, period: Period, page: int = 1) -> dict[str, object]:
    """The request body for one page of one endpoint, for the province `root_id`."""
    return {"rootDepartmentId": root_id, **period_keys(endpoint, period),
            "currentPage": page, "pageSize": endpoint.page_size}


def ranking_payload(period: Period) -> dict[str, object]:
    """The national ranking's request body: all provinces for the period."""
    return {**national_period_keys(period), "departmentType": "ADMINISTRATIVE_UNIT"}


def period_of_payload(endpoint_name: str, body: dict[str, object]) -> Period | None:
    """The period a recorded payload asked for, or None when it names none that can be read."""
    try:
        if "fromDate" in body or "toDate" in body:
            return _period_of_range(str(body["fromDate"]), str(body["toDate"]))
        year = body["year"]
        if not isinstance(year, int) or isinstance(year, bool):
            return None
        time_type = body.get("timeType")
        if time_type == "month" and isinstance(body.get("month"), int):
            return Period(year, int(str(body["month"])))
        if time_type == "quarter" and isinstance(body.get("quarter"), int):
            return Period(year, quarter=int(str(body["quarter"])))
        if time_type == "year":
            return Period(year)
    except (KeyError, ValueError):
        return None
    return None


def _period_of_range(start: str, end: str) -> Period | None:
    """The month, quarter or year whose first and last days are exactly `start` and `end`."""
    from datetime import date

    first, last = date.fromisoformat(start), date.fromisoformat(end)
    for candidate in (Period(first.year, first.month), Period(first.year, quarter=(first.month + 2) // 3),
                      Period(first.year)):
        if candidate.start == first and candidate.end == last:
            return candidate
    return None
