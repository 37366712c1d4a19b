"""`fetch`: read the six reporting endpoints of the live portal for one province and period.

Politely: one request at a time, at least `interval` seconds apart, with timeouts; 5xx answers,
network errors, timeouts, cut-off bodies and envelopes whose `code` is not OK are retried with
exponential backoff; any other refusal (4xx) stops at once with the portal's own message. Each
raw response is saved unchanged (atomically) and recorded in capture.json with its URL, payload,
status, time, size and SHA-256. A killed fetch resumes: what the record holds, intact, is not
asked for again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.common.bounded import NotReadable, read_bounded
from generator.output import make_folder, write_atomic
from generator.portal.capture import CAPTURE_FILE, CapturedFile, CaptureRecord, Province, read_capture
from generator.portal.endpoints import (
    API_PATH,
    ENDPOINTS,
    PORTAL_URL,
    RANKING_ENDPOINT,
    RANKING_FILE,
    Endpoint,
    payload,
    ranking_payload,
)
from generator.portal.errors import PortalError
from generator.portal.models import (
    MAX_RESPONSE_BYTES,
    RankingData,
    ScorecardData,
    TreeData,
    parse_bytes,
    parse_envelope,
)
from generator.portal.responses import MAX_PAGES, page_file
from generator.snapshot import Period

OK_STATUSES = (200, 201)


@dataclass(frozen=True)
class FetchSettings:
    portal: str = PORTAL_URL
    timeout: float = 30.0  # seconds for connecting and for each read
    attempts: int = 5  # tries per request before giving up
    backoff: float = 2.0  # first wait before a retry; doubles each time
    max_backoff: float = 60.0
    interval: float = 1.0  # at least this long between two requests (politeness)
    ranking: bool = True  # also ask the national ranking for the province's rank


@dataclass(frozen=True)
class FetchResult:
    folder: Path
    record: CaptureRecord
    requested: int  # responses read from the portal in this run
    reused: int  # responses kept from an earlier, interrupted run
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Reply:
    """An accepted answer: its bytes and what the capture record says about it."""

    raw: bytes
    status: int
    content_type: str | None
    at: datetime


class _Transient(Exception):
    """Worth another try: a 5xx, a timeout, a dropped connection, a cut-off body, code not OK."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


Progress = Callable[[str], None]


def fetch_portal(province: Province, period: Period, out: Path, settings: FetchSettings = FetchSettings(), *,
                 progress: Progress = lambda line: None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> FetchResult:
    """Fetch (or finish fetching) the six endpoints and the ranking into `out`; returns the record."""
    import httpx

    make_folder(out)
    record = _start(out, province, period, settings, clock)
    run = _Run(out, record, settings, progress, sleep, clock)
    headers = {"Accept": "application/json", "User-Agent": "congvan (QD 766 reporting; public figures)"}
    with httpx.Client(base_url=settings.portal, timeout=httpx.Timeout(settings.timeout), headers=headers,
                      follow_redirects=False) as client:
        run.client = client
        for endpoint in ENDPOINTS:
            run.endpoint(endpoint, province, period)
        warnings = run.ranking(period, province) if settings.ranking else ()
    run.record = run.record.model_copy(update={"complete": True})
    run.save_record()
    return FetchResult(out, run.record, run.requested, run.reused, warnings)


def _start(out: Path, province: Province, period: Period, settings: FetchSettings,
           clock: Callable[[], datetime]) -> CaptureRecord:
    existing = read_capture(out)
    if existing is None:
        return CaptureRecord(portal=settings.portal, province=province, period=str(period), started_at=clock())
    if existing.province.id != province.id or existing.period_value != period:
        raise PortalError(
            f"Thư mục {out} đã chứa bản thu của {existing.province.name} kỳ {existing.period}; "
            f"hãy dùng một thư mục khác cho {province.name} kỳ {period}")
    return existing.model_copy(update={"complete": False})


class _Run:
    def __init__(self, out: Path, record: CaptureRecord, settings: FetchSettings, progress: Progress,
                 sleep: Callable[[float], None], clock: Callable[[], datetime]) -> None:
        self.out, self.record, self.settings = out, record, settings
        self.progress, self.sleep, self.clock = progress, sleep, clock
        self.client: Any = None
        self.requested = self.reused = 0
        self._last: float | None = None

    def save_record(self) -> None:
        write_atomic(self.out / CAPTURE_FILE, self.record.to_bytes())

    def endpoint(self, endpoint: Endpoint, province: Province, period: Period) -> None:
        page, pages = 1, 1
        while page <= pages:
            body = payload(endpoint, province.id, period, page)
            raw = self._kept(endpoint.name, page, body) or self._get(endpoint.name, page, body).raw
            if endpoint.scorecard:
                data = self._shape(endpoint.name, page, raw, ScorecardData)
                pages = data.pagination.totalPages
                if not 1 <= pages <= MAX_PAGES:
                    raise PortalError(f"Cổng trả lời {endpoint.name} với số trang không hợp lệ: {pages}")
            else:
                self._shape(endpoint.name, page, raw, TreeData)
            self.progress(f"{endpoint.name}: trang {page}/{pages} ({len(raw):,} byte)".replace(",", "."))
            page += 1

    def ranking(self, period: Period, province: Province) -> tuple[str, ...]:
        body = ranking_payload(period)
        raw = self._kept(RANKING_ENDPOINT, 1, body)
        if raw is None:
            try:
                reply = self._request(RANKING_ENDPOINT, body, attempts=min(2, self.settings.attempts))
                raw = reply.raw
                document, problems = parse_bytes(RANKING_FILE, raw)
                data, problems = (None, problems) if problems else parse_envelope(RANKING_FILE, document, RankingData)
                if data is None:
                    raise PortalError("; ".join(p.message for p in problems))
                if not any(province.id in (r.departmentId, r.rootDepartmentId) for r in data.evaluation):
                    raise PortalError(f"bảng xếp hạng không có {province.name}")
            except PortalError as error:
                note = f"Cổng không trả bảng xếp hạng toàn quốc ({error.message}); công văn không nêu thứ hạng."
                self.record = self.record.model_copy(update={"ranking": None, "ranking_note": note})
                self.save_record()
                self.progress(note)
                return (note,)
            self._save(RANKING_ENDPOINT, 1, RANKING_FILE, body, reply, ranking=True)
        self.progress(f"{RANKING_ENDPOINT}: bảng xếp hạng toàn quốc ({len(raw):,} byte)".replace(",", "."))
        return ()

    def _kept(self, endpoint: str, page: int, body: dict[str, Any]) -> bytes | None:
        """The saved response of an earlier run, when it is intact and was asked the same way."""
        entry = self.record.ranking if endpoint == RANKING_ENDPOINT else self.record.entry(endpoint, page)
        if entry is None or entry.payload != body:
            return None
        path = self.out / entry.file
        try:
            raw = read_bounded(path, MAX_RESPONSE_BYTES)
        except NotReadable:
            return None
        if hashlib.sha256(raw).hexdigest() != entry.sha256:
            return None
        self.reused += 1
        return raw

    def _get(self, endpoint: str, page: int, body: dict[str, Any]) -> _Reply:
        reply = self._request(endpoint, body, attempts=self.settings.attempts)
        self._save(endpoint, page, page_file(endpoint, page), body, reply)
        return reply

    def _save(self, endpoint: str, page: int, name: str, body: dict[str, Any], reply: _Reply, *,
              ranking: bool = False) -> None:
        """The raw bytes, unchanged and atomically, then the capture record that vouches for them."""
        write_atomic(self.out / name, reply.raw)
        captured = CapturedFile(endpoint=endpoint, page=page, file=name, url=self.settings.portal + API_PATH + endpoint,
                                payload=body, status=reply.status, content_type=reply.content_type,
                                captured_at=reply.at, sha256=hashlib.sha256(reply.raw).hexdigest(),
                                bytes=len(reply.raw))
        if ranking:
            self.record = self.record.model_copy(update={"ranking": captured, "ranking_note": None})
        else:
            self.record = self.record.with_file(captured)
        self.save_record()

    def _shape(self, endpoint: str, page: int, raw: bytes, model: type[ScorecardData] | type[TreeData]
               ) -> Any:
        name = page_file(endpoint, page)
        document, problems = parse_bytes(name, raw)
        data, problems = (None, problems) if problems else parse_envelope(name, document, model)
        if data is None:
            raise PortalError(f"Phản hồi {endpoint} của Cổng không đúng cấu trúc", tuple(problems))
        return data

    def _request(self, endpoint: str, body: dict[str, Any], *, attempts: int) -> _Reply:
        wait = self.settings.backoff
        for attempt in range(1, attempts + 1):
            self._polite()
            try:
                return self._once(endpoint, body)
            except _Transient as problem:
                if attempt == attempts:
                    raise PortalError(f"Không lấy được {endpoint} từ Cổng sau {attempts} lần thử: "
                                      f"{problem.reason}") from None
                pause = min(problem.wait if problem.wait is not None else wait, self.settings.max_backoff)
                self.progress(f"{endpoint}: {problem.reason}; thử lại sau {pause:g} giây (lần {attempt + 1}/"
                              f"{attempts})")
                self.sleep(pause)
                wait = min(wait * 2, self.settings.max_backoff)
        raise AssertionError("unreachable")  # pragma: no cover

    def _polite(self) -> None:
        if self._last is not None:
            gap = self.settings.interval - (time.monotonic() - self._last)
            if gap > 0:
                self.sleep(gap)
        self._last = time.monotonic()

    def _once(self, endpoint: str, body: dict[str, Any]) -> _Reply:
        import httpx

        try:
            with self.client.stream("POST", API_PATH + endpoint, json=body) as reply:
                raw = _capped_body(reply)  # a reply past MAX_RESPONSE_BYTES is refused before it fills memory
        except httpx.TimeoutException:
            raise _Transient(f"quá thời gian chờ {self.settings.timeout:g} giây") from None
        except httpx.TransportError as exc:
            raise _Transient(f"lỗi kết nối ({type(exc).__name__})") from None
        finally:
            self._last = time.monotonic()
        status = reply.status_code
        if status >= 500 or status == 429:
            retry_after = reply.headers.get("Retry-After", "")
            raise _Transient(f"Cổng trả lời HTTP {status}", float(retry_after) if retry_after.isdigit() else None)
        if status not in OK_STATUSES:
            raise PortalError(f"Cổng từ chối yêu cầu {endpoint} (HTTP {status}){_said(raw)}. Kiểm tra mã tỉnh, "
                              "kỳ báo cáo và địa chỉ Cổng (--portal).")
        document, problems = parse_bytes(endpoint, raw)
        if problems:
            raise _Transient("phản hồi bị cắt cụt hoặc không phải JSON")
        if not isinstance(document, dict) or document.get("code") != "OK":
            code = document.get("code") if isinstance(document, dict) else None
            raise _Transient(f"Cổng báo lỗi code = {code!r}{_said(raw)}")
        self.requested += 1
        return _Reply(raw, status, reply.headers.get("Content-Type"), self.clock())


def _capped_body(reply: Any) -> bytes:
    """The reply's body, read in chunks up to MAX_RESPONSE_BYTES; PortalError past that."""
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise PortalError(f"Cổng trả về phản hồi quá lớn (hơn {MAX_RESPONSE_BYTES // (1024 * 1024)} MB); "
                              "đã dừng đọc. Kiểm tra địa chỉ Cổng (--portal).")
        chunks.append(chunk)
    return b"".join(chunks)


def _said(raw: bytes) -> str:
    """The portal's own message from an error envelope, when there is one."""
    document, problems = parse_bytes("", raw)
    if problems or not isinstance(document, dict):
        return ""
    message = document.get("message")
    return f": {message}" if isinstance(message, str) and message else ""
