"""Loopback replay of the dichvucong.gov.vn reporting API, for testing `congvan fetch` offline.

The server answers ``POST /api/v1/reporting/evaluation/<endpoint>`` from the recorded responses in
a samples folder (one ``<endpoint>.json`` per endpoint, e.g. ``shared/portal-samples/2026-month``),
on 127.0.0.1 and an ephemeral port, in a background thread. It never touches the network beyond
loopback and uses the standard library only::

    from portal_replay import FaultPlan, ReplayServer

    plan = FaultPlan({"transparency": ["500", "ok"], "dvc-progress-tree": ["timeout"]}, timeout_delay=3.0)
    with ReplayServer(samples_dir, page_size=50, faults=plan) as portal:
        reply = httpx.post(portal.url("transparency"), json=payload, timeout=0.5)
        ...
        portal.requests          # every request that arrived: endpoint, parsed payload, arrival time
        portal.arrival_times()   # monotonic arrival times, to assert a polite request rate

What it does
------------
* A known endpoint answers 201 with the recorded envelope ``{"code":"OK","data":{...},"message":"OK"}``.
  When the answer is the unmodified recording, the body is the sample file's bytes, unchanged.
* The payload is checked the way the portal's validation would: a JSON object (sent as
  ``application/json``), ``rootDepartmentId``, and the period keys (``timeType``/``year``/``month``
  or ``quarter`` — or ``fromDate``/``toDate`` for ``handling-satisfaction``). When the manifest
  (``manifest.m0.json`` in the samples folder or its parent) lists the sample file (matched by
  SHA-256), the payload must equal the recorded capture's payload, paging keys aside, key order
  aside. Without a recording, keys other than the ones above are refused. A bad payload gets 400
  with a JSON error envelope; an unknown endpoint gets 404.
* Paging: the recorded payloads page with ``currentPage`` (1-based) and ``pageSize``, and the
  scorecard bodies answer with ``pagination{total,currentPage,pageSize,totalPages}`` (see the
  ``formalities`` captures in the manifest: pages 1, 2 and 575 with ``pageSize`` 10). For scorecard
  bodies (``evaluation[]``) the server returns the requested page; ``page_size`` caps the page size
  the way a server-side limit would (``min(requested, page_size)``). Tree bodies
  (``parent``/``children[]``) come whole: the recorded ``dvc-progress-tree`` and
  ``formality-online-payment-tree`` payloads ask for ``pageSize`` 100 and still got all 163 children.
* Faults (`FaultPlan`) replace the answer per endpoint and per attempt number.

Assumptions (the recordings do not show these)
----------------------------------------------
* Paging keys are optional: without them a request gets page 1 with the recorded page size (200).
  A page past the end gets an empty ``evaluation[]`` with a correct ``pagination``. ``overview``,
  ``monthlyChart`` and ``source`` are repeated on every page.
* The 400/404/500 bodies use the portal's envelope, ``{"code":"BAD_REQUEST","data":null,"message":...}``;
  the 503 body is a small HTML page, as a gateway in front of the portal would send.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeGuard, cast, get_args

API_PREFIX = "/api/v1/reporting/evaluation/"
MANIFEST_NAME = "manifest.m0.json"
JSON_TYPE = "application/json; charset=utf-8"
PAGING_KEYS = ("currentPage", "pageSize")
# Endpoints that take a date range (fromDate/toDate) instead of timeType/year/month|quarter.
DATE_RANGE_ENDPOINTS = frozenset({"handling-satisfaction"})
# The national ranking (no recording exists; a test may serve one it builds): all provinces, so no
# rootDepartmentId, and a `departmentType` filter as the recording project observed.
NATIONAL_ENDPOINTS = frozenset({"service-results"})
PERIOD_KEYS = ("timeType", "year", "month", "quarter", "fromDate", "toDate")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

FaultKind = Literal["ok", "500", "503", "timeout", "truncated", "not-ok", "reset"]
FAULT_KINDS: frozenset[str] = frozenset(get_args(FaultKind))


class FaultPlan:
    """What the 1st, 2nd, ... request to each endpoint gets; "ok" once an endpoint's list runs out.

    Kinds: "ok"; "500" and "503" (that status with a body); "timeout" (wait `timeout_delay`
    seconds, then answer normally — the client should have given up by then); "truncated" (201 with
    the first half of the normal body, a consistent Content-Length, so the JSON is cut); "not-ok"
    (201 with ``{"code":"ERROR","data":null,"message":...}``); "reset" (the connection is closed
    with a TCP reset, no answer).
    """

    def __init__(self, plan: Mapping[str, Sequence[str]] | None = None, *, timeout_delay: float = 3.0) -> None:
        self.timeout_delay = timeout_delay
        self._plan: dict[str, tuple[FaultKind, ...]] = {}
        for endpoint, kinds in (plan or {}).items():
            if isinstance(kinds, str):
                raise TypeError(f"faults for {endpoint!r} must be a list of kinds, not a string")
            self._plan[endpoint] = tuple(_as_kind(kind) for kind in kinds)

    def fault_for(self, endpoint: str, attempt: int) -> FaultKind:
        """The fault for the `attempt`-th (1-based) request to `endpoint`."""
        kinds = self._plan.get(endpoint, ())
        return kinds[attempt - 1] if 0 < attempt <= len(kinds) else "ok"


def _as_kind(kind: str) -> FaultKind:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
    return cast(FaultKind, kind)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived."""

    endpoint: str  # the last path segment, e.g. "transparency" (or the whole path when off the API)
    payload: Any  # the parsed JSON body, or None when the body was not JSON
    at: float  # time.monotonic() on arrival
    attempt: int  # 1-based count of requests to this endpoint, the index into the FaultPlan
    fault: FaultKind  # what the FaultPlan gave this attempt


@dataclass(frozen=True)
class _Sample:
    endpoint: str
    raw: bytes  # the file's bytes, served as they are
    body: dict[str, Any]  # the parsed envelope
    content_type: str
    recorded_payload: dict[str, Any] | None  # the capture's payload when the manifest lists this file

    @property
    def is_scorecard(self) -> bool:
        return "evaluation" in self.body["data"]


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes


def _envelope(code: str, message: str) -> bytes:
    return _dump({"code": code, "data": None, "message": message})


def _error(status: int, code: str, message: str) -> _Answer:
    return _Answer(status, JSON_TYPE, _envelope(code, message))


def _dump(value: Any) -> bytes:
    # The portal's own serialisation: compact, UTF-8, non-ASCII kept (re-dumps a sample byte for byte).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _load_samples(samples_dir: Path, manifest: Path | None) -> tuple[dict[str, _Sample], str | None]:
    """The samples by endpoint, and the province id from the manifest (None without a manifest)."""
    if manifest is None:
        found = [p for p in (samples_dir / MANIFEST_NAME, samples_dir.parent / MANIFEST_NAME) if p.is_file()]
        manifest = found[0] if found else None
    captures: dict[str, dict[str, Any]] = {}
    province_id: str | None = None
    if manifest is not None:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
        province_id = listed.get("province", {}).get("id")
        captures = {capture["sha256"]: capture for capture in listed.get("captures", [])}
    samples: dict[str, _Sample] = {}
    for path in sorted(samples_dir.glob("*.json")):
        if path.name == MANIFEST_NAME:
            continue
        raw = path.read_bytes()
        body = json.loads(raw)
        if not (isinstance(body, dict) and body.get("code") == "OK" and isinstance(body.get("data"), dict)):
            raise ValueError(f"{path} is not a portal response envelope")
        capture = captures.get(hashlib.sha256(raw).hexdigest())
        if capture is not None and not capture["url"].endswith(API_PREFIX + path.stem):
            capture = None  # same bytes recorded under another endpoint: no use as a reference
        samples[path.stem] = _Sample(
            endpoint=path.stem,
            raw=raw,
            body=body,
            content_type=capture["contentType"] if capture else JSON_TYPE,
            recorded_payload=capture["payload"] if capture else None,
        )
    if not samples:
        raise ValueError(f"no <endpoint>.json samples in {samples_dir}")
    return samples, province_id


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_period(endpoint: str, payload: dict[str, Any]) -> str | None:
    if endpoint in DATE_RANGE_ENDPOINTS:
        extra = [key for key in ("timeType", "year", "month", "quarter") if key in payload]
        if extra:
            return f"{endpoint} takes fromDate/toDate, not {', '.join(extra)}"
        days: list[date] = []
        for key in ("fromDate", "toDate"):
            value = payload.get(key)
            if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
                return f"{key} must be a YYYY-MM-DD date"
            try:
                days.append(date.fromisoformat(value))
            except ValueError:
                return f"{key} is not a valid date: {value!r}"
        return "fromDate is after toDate" if days[0] > days[1] else None

    dates = [key for key in ("fromDate", "toDate") if key in payload]
    if dates:
        return f"{endpoint} takes timeType/year, not {', '.join(dates)}"
    time_type = payload.get("timeType")
    if time_type not in ("month", "quarter", "year"):
        return "timeType must be one of month, quarter, year"
    if not _is_int(payload.get("year")):
        return "year must be an integer"
    limits = {"month": 12, "quarter": 4}
    for key, highest in limits.items():
        if time_type == key:
            value = payload.get(key)
            if not (_is_int(value) and 1 <= value <= highest):
                return f"{key} must be an integer from 1 to {highest}"
        elif key in payload:
            return f"{key} does not go with timeType {time_type!r}"
    return None


def _check_payload(sample: _Sample, payload: Any, province_id: str | None) -> str | None:
    """Why the portal would refuse this payload, or None when it is acceptable."""
    if not isinstance(payload, dict):
        return "payload must be a JSON object"
    for key in PAGING_KEYS:
        if key in payload and not (_is_int(payload[key]) and payload[key] >= 1):
            return f"{key} must be a positive integer"
    root = payload.get("rootDepartmentId")
    national = sample.endpoint in NATIONAL_ENDPOINTS
    if national and root is not None:
        return f"{sample.endpoint} ranks every province: it takes no rootDepartmentId"
    if not national and not (isinstance(root, str) and root):
        return "rootDepartmentId is required"
    if not national and province_id is not None and root != province_id:
        return f"no recording for rootDepartmentId {root!r}"
    problem = _check_period(sample.endpoint, payload)
    if problem:
        return problem
    got = {key: value for key, value in payload.items() if key not in PAGING_KEYS}
    if sample.recorded_payload is None:
        allowed = {"departmentType", *PERIOD_KEYS} if national else {"rootDepartmentId", *PERIOD_KEYS}
        unexpected = sorted(set(got) - allowed)
        return f"unexpected keys: {', '.join(unexpected)}" if unexpected else None
    expected = {key: value for key, value in sample.recorded_payload.items() if key not in PAGING_KEYS}
    # Compare JSON texts, so that 8, 8.0, "8" and true stay different.
    differ = sorted(
        key
        for key in set(got) | set(expected)
        if key not in got or key not in expected or json.dumps(got[key]) != json.dumps(expected[key])
    )
    if differ:
        wanted = ", ".join(f"{key}={json.dumps(expected.get(key, '<absent>'))}" for key in differ)
        return f"no recording for this payload; the recording has {wanted}"
    return None


def _page(sample: _Sample, payload: dict[str, Any], page_size: int | None) -> bytes:
    """The scorecard body for the requested page; the recorded bytes when that is the recording."""
    data = sample.body["data"]
    recorded = data["pagination"]
    size: int = payload.get("pageSize", recorded["pageSize"])
    if page_size is not None:
        size = min(size, page_size)
    current: int = payload.get("currentPage", 1)
    rows: list[Any] = data["evaluation"]
    pagination = {
        "total": len(rows),
        "currentPage": current,
        "pageSize": size,
        "totalPages": math.ceil(len(rows) / size),
    }
    if pagination == recorded:
        return sample.raw
    paged = {**data, "evaluation": rows[(current - 1) * size : current * size], "pagination": pagination}
    return _dump({**sample.body, "data": paged})


class ReplayServer:
    """The replay server; starts on construction, stops on `close()` or at the end of a `with` block."""

    def __init__(
        self,
        samples_dir: Path,
        *,
        page_size: int | None = None,
        faults: FaultPlan | None = None,
        manifest: Path | None = None,
    ) -> None:
        if page_size is not None and page_size < 1:
            raise ValueError("page_size must be positive")
        self.page_size = page_size
        self.faults = faults or FaultPlan()
        self._samples, self._province_id = _load_samples(Path(samples_dir), manifest)
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._attempts: dict[str, int] = {}
        self._live: dict[socket.socket, threading.Thread] = {}  # open connections and their threads
        self.stopping = threading.Event()  # wakes "timeout" faults when the server closes
        self._httpd = _HTTPServer(self)
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="portal-replay", daemon=True
        )
        self._thread.start()

    @property
    def endpoints(self) -> list[str]:
        return sorted(self._samples)

    def url(self, endpoint: str) -> str:
        return self.base_url + API_PREFIX + endpoint

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def arrival_times(self, endpoint: str | None = None) -> list[float]:
        """Monotonic arrival times, of all requests or of one endpoint's."""
        return [r.at for r in self.requests if endpoint is None or r.endpoint == endpoint]

    def close(self) -> None:
        """Stop promptly: wake pending "timeout" faults, drop open connections, join the threads."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self._httpd.shutdown()
        with self._lock:
            live = dict(self._live)
        for conn in live:
            with contextlib.suppress(OSError):  # already closed by its handler
                conn.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        deadline = time.monotonic() + 2.0
        for thread in [self._thread, *live.values()]:
            thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- used by the request handler -------------------------------------------------------------

    def _record(self, endpoint: str, payload: Any) -> RecordedRequest:
        with self._lock:
            attempt = self._attempts.get(endpoint, 0) + 1
            self._attempts[endpoint] = attempt
            request = RecordedRequest(
                endpoint, payload, time.monotonic(), attempt, self.faults.fault_for(endpoint, attempt)
            )
            self._requests.append(request)
        return request

    def _track(self, conn: socket.socket, thread: threading.Thread | None) -> None:
        with self._lock:
            if thread is None:
                self._live.pop(conn, None)
            else:
                self._live[conn] = thread

    def _answer(self, endpoint: str, payload: Any) -> _Answer:
        sample = self._samples[endpoint]
        problem = _check_payload(sample, payload, self._province_id)
        if problem:
            return _error(400, "BAD_REQUEST", problem)
        if not sample.is_scorecard:
            return _Answer(201, sample.content_type, sample.raw)
        return _Answer(201, sample.content_type, _page(sample, payload, self.page_size))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # close() joins the handler threads itself, with a deadline

    def __init__(self, replay: ReplayServer) -> None:
        self.replay = replay
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) or a connection dropped by close() is expected: stay quiet.
        # Anything else is a bug in this module, so show its traceback.
        if not (self.replay.stopping.is_set() or isinstance(sys.exc_info()[1], OSError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "portal-replay/1"
    timeout = 10.0  # an idle keep-alive connection is dropped after this

    @property
    def replay(self) -> ReplayServer:
        return cast(_HTTPServer, self.server).replay

    def setup(self) -> None:
        super().setup()
        self.replay._track(self.connection, threading.current_thread())

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.replay._track(self.connection, None)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:
        self._send(_error(405, "METHOD_NOT_ALLOWED", "use POST"))

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length")
        known_length = bool(length and length.isdigit())
        raw = self.rfile.read(int(length)) if length and known_length else b""
        if not known_length:
            self.close_connection = True  # a body we did not read would break the next request
        try:
            payload: Any = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        path = self.path.split("?", 1)[0]
        endpoint = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
        request = self.replay._record(endpoint, payload)
        if endpoint not in self.replay._samples:
            self._send(_error(404, "NOT_FOUND", f"Cannot POST {path}"))
            return

        fault = request.fault
        if fault == "reset":
            self._reset()
            return
        if fault == "500":
            self._send(_error(500, "INTERNAL_SERVER_ERROR", "Internal server error"))
            return
        if fault == "503":
            page = b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>503</body></html>"
            self._send(_Answer(503, "text/html", page))
            return
        if fault == "timeout" and self.replay.stopping.wait(self.replay.faults.timeout_delay):
            self._reset()  # the server is closing: give up on this answer
            return

        content_type = self.headers.get("Content-Type", "")
        if raw and not content_type.startswith("application/json"):
            answer = _error(400, "BAD_REQUEST", "payload must be sent as application/json")
        else:
            answer = self.replay._answer(endpoint, payload)
        if answer.status == 201 and fault == "truncated":
            answer = _Answer(201, answer.content_type, answer.body[: len(answer.body) // 2])
        elif answer.status == 201 and fault == "not-ok":
            answer = _Answer(201, JSON_TYPE, _envelope("ERROR", "Simulated portal error (not-ok fault)"))
        self._send(answer)

    def _send(self, answer: _Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer.body)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send a TCP RST instead of a FIN.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
