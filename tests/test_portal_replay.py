"""The loopback portal replay (tests/portal_replay.py): exact replay, paging, payload checks, faults, shutdown.

Every test runs with each HTTP client available: urllib always, httpx when it is installed.
"""

from __future__ import annotations

import itertools
import json
import shutil
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from portal_replay import FaultPlan, ReplayServer

try:
    import httpx
except ImportError:  # pragma: no cover - httpx is optional
    httpx = None  # type: ignore[assignment]

# httpx loads the CA bundle for every client it builds (~20 ms); the servers here are plain http, so share one.
_TLS_CONTEXT = ssl.create_default_context()

# The recorded responses travel with the repository (fixtures/portal/, byte-exact copies of the
# shared samples), so these tests run in every checkout instead of being skipped outside /work/main.
PORTAL_SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "portal"
SAMPLES = PORTAL_SAMPLES / "2026-month"
ENDPOINTS = [
    "dossier-digitized",
    "dvc-progress-tree",
    "formality-online-payment-tree",
    "handling-satisfaction",
    "provide-online-tree",
    "transparency",
]
ROOT = "019d2be3-6a88-732b-8b17-b68020c8553a"

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"portal samples not found at {SAMPLES}")


def recorded_payload(endpoint: str, period: str = "month") -> dict[str, Any]:
    """The payload the manifest recorded for `endpoint`'s all-formalities capture of `period`."""
    manifest = json.loads((PORTAL_SAMPLES / "manifest.m0.json").read_text(encoding="utf-8"))
    (capture,) = [c for c in manifest["captures"] if c["file"] == f"{endpoint}/{period}-all.json"]
    payload: dict[str, Any] = capture["payload"]
    return payload


# --- a client over urllib or httpx ----------------------------------------------------------------


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class TransportFailure(Exception):
    """No HTTP answer: the connection timed out, was reset or closed early."""

    def __init__(self, cause: BaseException, *, timed_out: bool) -> None:
        super().__init__(repr(cause))
        self.timed_out = timed_out


class Client:
    """POSTs JSON over httpx (one client per test, so connections are reused) or urllib."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        # trust_env=False / an empty ProxyHandler: loopback only, never through a proxy from the environment.
        self._httpx = None
        if backend == "httpx" and httpx is not None:
            self._httpx = httpx.Client(trust_env=False, verify=_TLS_CONTEXT)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def close(self) -> None:
        if self._httpx is not None:
            self._httpx.close()

    def post(
        self,
        url: str,
        payload: Any = None,
        *,
        content: bytes | None = None,
        content_type: str = "application/json",
        timeout: float = 5.0,
    ) -> Reply:
        data = content if content is not None else json.dumps(payload).encode()
        headers = {"Content-Type": content_type}
        if self._httpx is not None:
            try:
                response = self._httpx.post(url, content=data, headers=headers, timeout=timeout)
            except httpx.TransportError as err:
                raise TransportFailure(err, timed_out=isinstance(err, httpx.TimeoutException)) from err
            return Reply(response.status_code, response.headers.get("content-type", ""), response.content)

        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return Reply(response.status, response.headers.get("content-type", ""), response.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.headers.get("content-type", ""), err.read())
        except OSError as err:  # URLError, TimeoutError, ConnectionResetError, RemoteDisconnected
            reason = getattr(err, "reason", err)
            raise TransportFailure(err, timed_out=isinstance(reason, TimeoutError)) from err


@pytest.fixture(params=["urllib", "httpx"])
def client(request: pytest.FixtureRequest) -> Iterator[Client]:
    if request.param == "httpx" and httpx is None:
        pytest.skip("httpx is not installed")
    http = Client(str(request.param))
    yield http
    http.close()


# --- whole responses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_recorded_payload_gets_the_sample_file_byte_for_byte(client: Client, endpoint: str) -> None:
    with ReplayServer(SAMPLES) as portal:
        reply = client.post(portal.url(endpoint), recorded_payload(endpoint))
    assert reply.status == 201
    assert reply.content_type.startswith("application/json")
    assert reply.body == (SAMPLES / f"{endpoint}.json").read_bytes()


def test_key_order_and_missing_paging_keys_still_get_the_recording(client: Client) -> None:
    payload = {"month": 8, "year": 2026, "timeType": "month", "rootDepartmentId": ROOT}
    with ReplayServer(SAMPLES) as portal:
        reply = client.post(portal.url("transparency"), payload)
    assert reply.status == 201
    assert reply.body == (SAMPLES / "transparency.json").read_bytes()


def test_tree_bodies_come_whole_whatever_the_page_size(client: Client) -> None:
    with ReplayServer(SAMPLES, page_size=10) as portal:
        reply = client.post(portal.url("dvc-progress-tree"), {**recorded_payload("dvc-progress-tree"), "pageSize": 5})
    assert reply.status == 201
    assert reply.body == (SAMPLES / "dvc-progress-tree.json").read_bytes()
    assert len(reply.json()["data"]["children"]) == 163


# --- paging -------------------------------------------------------------------------------------------


def fetch_all_pages(client: Client, portal: ReplayServer, page_size: int) -> tuple[list[Any], list[dict[str, Any]]]:
    """Follow totalPages the way a client would; return the rows and each page's data."""
    rows: list[Any] = []
    pages: list[dict[str, Any]] = []
    current, total_pages = 1, 1
    while current <= total_pages:
        payload = {**recorded_payload("transparency"), "currentPage": current, "pageSize": page_size}
        reply = client.post(portal.url("transparency"), payload)
        assert reply.status == 201
        data = reply.json()["data"]
        pages.append(data)
        rows += data["evaluation"]
        total_pages = data["pagination"]["totalPages"]
        current += 1
    return rows, pages


@pytest.mark.parametrize(("server_cap", "requested", "expected_size"), [(50, 200, 50), (None, 70, 70), (80, 30, 30)])
def test_paging_splits_evaluation_into_pages_that_concatenate_to_the_recording(
    client: Client, server_cap: int | None, requested: int, expected_size: int
) -> None:
    original = json.loads((SAMPLES / "transparency.json").read_bytes())["data"]
    with ReplayServer(SAMPLES, page_size=server_cap) as portal:
        rows, pages = fetch_all_pages(client, portal, requested)
    assert rows == original["evaluation"]
    expected_pages = -(-163 // expected_size)
    assert len(pages) == expected_pages
    for number, data in enumerate(pages, start=1):
        assert data["pagination"] == {
            "total": 163,
            "currentPage": number,
            "pageSize": expected_size,
            "totalPages": expected_pages,
        }
        assert len(data["evaluation"]) == min(expected_size, 163 - (number - 1) * expected_size)
        # Everything but the rows and the pagination is the recording's.
        assert {k: v for k, v in data.items() if k not in ("evaluation", "pagination")} == {
            k: v for k, v in original.items() if k not in ("evaluation", "pagination")
        }


def test_a_page_past_the_end_is_empty(client: Client) -> None:
    with ReplayServer(SAMPLES, page_size=100) as portal:
        payload = {**recorded_payload("transparency"), "currentPage": 3}
        data = client.post(portal.url("transparency"), payload).json()["data"]
    assert data["evaluation"] == []
    assert data["pagination"] == {"total": 163, "currentPage": 3, "pageSize": 100, "totalPages": 2}


# --- faults ------------------------------------------------------------------------------------------


def test_fault_plan_example_each_fault_then_ok(client: Client) -> None:
    plan = FaultPlan(
        {
            "transparency": ["500", "ok"],
            "dvc-progress-tree": ["timeout", "ok"],
            "provide-online-tree": ["truncated", "ok"],
            "dossier-digitized": ["not-ok", "ok"],
        }
    )
    assert plan.timeout_delay == 3.0
    with ReplayServer(SAMPLES, faults=plan) as portal:
        first = client.post(portal.url("transparency"), recorded_payload("transparency"))
        assert first.status == 500

        with pytest.raises(TransportFailure) as failure:
            client.post(portal.url("dvc-progress-tree"), recorded_payload("dvc-progress-tree"), timeout=0.3)
        assert failure.value.timed_out

        cut = client.post(portal.url("provide-online-tree"), recorded_payload("provide-online-tree"))
        assert cut.status == 201
        with pytest.raises(ValueError):
            cut.json()

        refused = client.post(portal.url("dossier-digitized"), recorded_payload("dossier-digitized"))
        assert refused.status == 201
        assert refused.json()["code"] == "ERROR"
        assert refused.json()["data"] is None

        for endpoint in ("transparency", "dvc-progress-tree", "provide-online-tree", "dossier-digitized"):
            again = client.post(portal.url(endpoint), recorded_payload(endpoint))
            assert again.status == 201
            assert again.body == (SAMPLES / f"{endpoint}.json").read_bytes()
        assert [(r.endpoint, r.attempt, r.fault) for r in portal.requests if r.attempt == 1] == [
            ("transparency", 1, "500"),
            ("dvc-progress-tree", 1, "timeout"),
            ("provide-online-tree", 1, "truncated"),
            ("dossier-digitized", 1, "not-ok"),
        ]


@pytest.mark.parametrize("kind", ["500", "503", "timeout", "truncated", "not-ok", "reset"])
def test_each_fault_kind_then_the_next_attempt_is_ok(client: Client, kind: str) -> None:
    sample = (SAMPLES / "transparency.json").read_bytes()
    payload = recorded_payload("transparency")
    with ReplayServer(SAMPLES, faults=FaultPlan({"transparency": [kind]}, timeout_delay=2.0)) as portal:
        url = portal.url("transparency")
        if kind in ("timeout", "reset"):
            with pytest.raises(TransportFailure) as failure:
                client.post(url, payload, timeout=0.3)
            assert failure.value.timed_out == (kind == "timeout")
        else:
            reply = client.post(url, payload)
            if kind in ("500", "503"):
                assert reply.status == int(kind)
                assert reply.body  # a body comes with the status
                if kind == "500":
                    assert reply.json()["code"] != "OK"
            elif kind == "truncated":
                assert reply.status == 201
                assert reply.body == sample[: len(sample) // 2]
            else:
                assert reply.status == 201
                assert reply.json() == {"code": "ERROR", "data": None, "message": reply.json()["message"]}
                assert reply.json()["message"]
        # The list ran out: from now on the endpoint answers normally.
        for _ in range(2):
            reply = client.post(url, payload)
            assert (reply.status, reply.body) == (201, sample)
        assert [r.fault for r in portal.requests] == [kind, "ok", "ok"]
        assert [r.attempt for r in portal.requests] == [1, 2, 3]


def test_faults_count_attempts_per_endpoint(client: Client) -> None:
    with ReplayServer(SAMPLES, faults=FaultPlan({"transparency": ["ok", "503"]})) as portal:
        other = client.post(portal.url("dvc-progress-tree"), recorded_payload("dvc-progress-tree"))
        first = client.post(portal.url("transparency"), recorded_payload("transparency"))
        second = client.post(portal.url("transparency"), recorded_payload("transparency"))
    assert (other.status, first.status, second.status) == (201, 201, 503)


def test_fault_plan_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultPlan({"transparency": ["502"]})
    with pytest.raises(TypeError):
        FaultPlan({"transparency": "500"})


# --- payload checks and routing ------------------------------------------------------------------------

MONTH = {"timeType": "month", "year": 2026, "month": 8, "rootDepartmentId": ROOT, "currentPage": 1, "pageSize": 200}


@pytest.mark.parametrize(
    ("endpoint", "payload", "message"),
    [
        ("transparency", [MONTH], "JSON object"),
        ("transparency", {k: v for k, v in MONTH.items() if k != "rootDepartmentId"}, "rootDepartmentId"),
        ("transparency", {**MONTH, "rootDepartmentId": "someone-else"}, "rootDepartmentId"),
        ("transparency", {k: v for k, v in MONTH.items() if k != "month"}, "month"),
        ("transparency", {**MONTH, "month": "8"}, "month"),
        ("transparency", {**MONTH, "month": 7}, "month=8"),
        ("transparency", {**MONTH, "timeType": "week"}, "timeType"),
        ("transparency", {**MONTH, "timeType": "quarter", "quarter": 3, "month": None}, "month"),
        (
            "transparency",
            {**{k: v for k, v in MONTH.items() if k != "month"}, "timeType": "quarter", "quarter": 3},
            "quarter",
        ),
        ("transparency", {**MONTH, "formalityId": "019d2bfd-8e22-77ef-819f-e49460350904"}, "formalityId"),
        ("transparency", {**MONTH, "currentPage": 0}, "currentPage"),
        ("transparency", {**MONTH, "pageSize": "50"}, "pageSize"),
        ("handling-satisfaction", MONTH, "fromDate/toDate"),
        (
            "handling-satisfaction",
            {"rootDepartmentId": ROOT, "fromDate": "2026-08-01", "toDate": "2026-08-32"},
            "toDate",
        ),
        (
            "handling-satisfaction",
            {"rootDepartmentId": ROOT, "fromDate": "2026-07-01", "toDate": "2026-09-30"},
            "fromDate",
        ),
        ("dvc-progress-tree", {"rootDepartmentId": ROOT, "fromDate": "2026-08-01", "toDate": "2026-08-31"}, "timeType"),
    ],
)
def test_a_bad_payload_gets_400_with_an_error_envelope(
    client: Client, endpoint: str, payload: Any, message: str
) -> None:
    with ReplayServer(SAMPLES) as portal:
        reply = client.post(portal.url(endpoint), payload)
    assert reply.status == 400
    error = reply.json()
    assert error["code"] != "OK"
    assert error["data"] is None
    assert message in error["message"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"", "application/json"), (b"{not json", "application/json"), (json.dumps(MONTH).encode(), "text/plain")],
)
def test_a_body_that_is_not_json_gets_400(client: Client, content: bytes, content_type: str) -> None:
    with ReplayServer(SAMPLES) as portal:
        reply = client.post(portal.url("transparency"), content=content, content_type=content_type)
    assert reply.status == 400
    assert reply.json()["data"] is None


@pytest.mark.parametrize("path", ["/api/v1/reporting/evaluation/service-results", "/api/v1/reporting/formalities"])
def test_an_unknown_endpoint_gets_404(client: Client, path: str) -> None:
    with ReplayServer(SAMPLES) as portal:
        reply = client.post(portal.base_url + path, MONTH)
    assert reply.status == 404
    assert reply.json()["code"] != "OK"


def test_without_a_manifest_any_well_formed_period_is_accepted(client: Client, tmp_path: Path) -> None:
    # The held-out quarter/year folders have no manifest beside them: only the payload's form is checked.
    shutil.copy(SAMPLES / "transparency.json", tmp_path / "transparency.json")
    quarter = {
        "timeType": "quarter",
        "year": 2026,
        "quarter": 3,
        "rootDepartmentId": ROOT,
        "currentPage": 1,
        "pageSize": 200,
    }
    with ReplayServer(tmp_path) as portal:
        assert portal.endpoints == ["transparency"]
        accepted = client.post(portal.url("transparency"), quarter)
        refused = client.post(portal.url("transparency"), {**quarter, "formalityId": "x"})
    assert (accepted.status, accepted.body) == (201, (tmp_path / "transparency.json").read_bytes())
    assert refused.status == 400


# --- request record and shutdown -------------------------------------------------------------------


def test_requests_are_recorded_with_their_arrival_time(client: Client) -> None:
    with ReplayServer(SAMPLES) as portal:
        before = time.monotonic()
        for endpoint in ("transparency", "dvc-progress-tree", "transparency"):
            client.post(portal.url(endpoint), recorded_payload(endpoint))
            time.sleep(0.05)
        after = time.monotonic()
    recorded = portal.requests
    assert [r.endpoint for r in recorded] == ["transparency", "dvc-progress-tree", "transparency"]
    assert recorded[1].payload == recorded_payload("dvc-progress-tree")
    times = portal.arrival_times()
    assert before <= times[0] < times[1] < times[2] <= after
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.05  # what a polite-rate test asserts
    assert portal.arrival_times("transparency") == [times[0], times[2]]


def test_close_is_prompt_with_a_timeout_fault_pending(client: Client) -> None:
    plan = FaultPlan({"transparency": ["timeout"]}, timeout_delay=30.0)
    outcome: list[BaseException | Reply] = []

    def waiting_client(url: str) -> None:
        try:
            outcome.append(client.post(url, recorded_payload("transparency"), timeout=20.0))
        except BaseException as err:
            outcome.append(err)

    portal = ReplayServer(SAMPLES, faults=plan)
    waiter = threading.Thread(target=waiting_client, args=(portal.url("transparency"),))
    waiter.start()
    deadline = time.monotonic() + 2.0
    while not portal.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert portal.requests, "the request never arrived"

    started = time.monotonic()
    portal.close()
    assert time.monotonic() - started < 1.0
    waiter.join(2.0)
    assert not waiter.is_alive()
    assert isinstance(outcome[0], TransportFailure)  # the pending answer is dropped, not sent
    assert not [t for t in threading.enumerate() if "process_request_thread" in t.name]
    portal.close()  # closing twice is harmless
