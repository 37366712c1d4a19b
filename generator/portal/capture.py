"""The capture record `fetch` writes beside the raw responses (capture.json).

It is the evidence behind every figure: for each saved response, the URL, the payload, the HTTP
status, when it was read, its size and SHA-256. `import` takes the period and the cutoff from it
(the cutoff is when the last of the six responses was read) and refuses raw files that no longer
match their recorded hash, or a capture that a killed `fetch` left unfinished.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.common.errors import Problem
from generator.portal.errors import PortalError
from generator.snapshot import Period

CAPTURE_FILE = "capture.json"
FORMAT = "congvan-capture/1"
VIETNAM = timezone(timedelta(hours=7))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Province(_Model):
    """The evaluated province as the portal identifies it (`rootDepartmentId`)."""

    id: str
    code: str | None = None
    name: str


class CapturedFile(_Model):
    """One saved response: one page of one endpoint (or the national ranking)."""

    endpoint: str
    page: int = 1
    file: str
    url: str
    payload: dict[str, Any]
    status: int
    content_type: str | None = None
    captured_at: datetime
    sha256: str
    bytes: int


class CaptureRecord(_Model):
    format: Literal["congvan-capture/1"] = "congvan-capture/1"
    portal: str
    province: Province
    period: str
    started_at: datetime
    complete: bool = False
    files: tuple[CapturedFile, ...] = ()
    ranking: CapturedFile | None = None
    ranking_note: str | None = None  # why the national ranking is missing, when it is

    @property
    def period_value(self) -> Period:
        return Period.parse(self.period)

    def cutoff(self) -> datetime:
        """When the data was read: the capture time of the last endpoint response, Vietnam time."""
        moments = [f.captured_at for f in self.files]
        latest = max(moments) if moments else self.started_at
        return latest.astimezone(VIETNAM)

    def entry(self, endpoint: str, page: int) -> CapturedFile | None:
        return next((f for f in self.files if f.endpoint == endpoint and f.page == page), None)

    def with_file(self, captured: CapturedFile) -> CaptureRecord:
        """This record with `captured` added (replacing the same endpoint and page)."""
        kept = tuple(f for f in self.files if (f.endpoint, f.page) != (captured.endpoint, captured.page))
        ordered = tuple(sorted((*kept, captured), key=lambda f: (f.endpoint, f.page)))
        return self.model_copy(update={"files": ordered})

    def to_bytes(self) -> bytes:
        return (json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n").encode()


def read_capture(folder: Path) -> CaptureRecord | None:
    """The folder's capture record, None when it has none; a damaged one is a PortalError."""
    path = folder / CAPTURE_FILE
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        record = CaptureRecord.model_validate(document)
        record.period_value  # noqa: B018 - validates the period text
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        where = _location(exc)
        raise PortalError(f"Bản ghi thu thập {path} hỏng, không đọc được",
                          (Problem(str(path), where[1], row=where[0]),)) from None
    return record


def _location(exc: Exception) -> tuple[str | None, str]:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        return path, str(first["msg"])
    return None, str(exc)
