"""Typed, immutable values the register hands out: accounts, uploads, batches, issued documents.

The database rows stay inside the register; callers (the web page, the command line) only ever
see these frozen values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path


class Role(str, Enum):
    """What an account may do: staff generate and issue, reviewers approve templates, admins manage accounts."""

    STAFF = "staff"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.STAFF: "Cán bộ nghiệp vụ",
    Role.REVIEWER: "Cán bộ pháp chế (thẩm định mẫu)",
    Role.ADMIN: "Quản trị",
}


@dataclass(frozen=True)
class User:
    id: int
    name: str  # the login name
    full_name: str
    role: Role
    active: bool = True

    @property
    def display_name(self) -> str:
        """The person's full name where recorded, else the login name."""
        return self.full_name or self.name


@dataclass(frozen=True)
class StoredSnapshot:
    """An upload that passed validation, kept under the data folder (content-addressed by sha256)."""

    sha256: str
    name: str  # the file name as the user gave it (shown, never used as a path)
    path: Path  # where it is kept (absolute)
    authority: str
    period: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class Failure:
    """One document a batch could not make: whose (a unit code, or the dispatch) and why."""

    name: str
    reason: str


BATCH_STATES = ("queued", "running", "done", "failed", "interrupted")


@dataclass(frozen=True)
class BatchState:
    """A batch run as the page shows it: progress, failures named, where the results are."""

    id: str
    snapshot_sha256: str
    owner: str
    status: str  # one of BATCH_STATES
    total: int
    done: int
    failures: tuple[Failure, ...]
    created_at: datetime
    finished_at: datetime | None
    folder: Path | None  # the run folder (absolute) once planned
    zip: Path | None
    issued_id: int | None  # the issued document whose number and date the batch carries
    message: str  # why a batch failed as a whole, in Vietnamese
    formats: tuple[str, ...]
    units: tuple[str, ...] | None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "interrupted")

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 100 if self.status == "done" else 0
        return min(100, round(100 * self.done / self.total))


@dataclass(frozen=True)
class TemplateUse:
    """A template (or rule file) an issued document was made from, as it was then."""

    id: str
    version: int
    sha256: str
    status: str


@dataclass(frozen=True)
class IssuedFile:
    id: int
    path: str  # relative to the data folder
    format: str
    kind: str  # the template id: monthly_dispatch or unit_notice
    unit_code: str | None
    sha256: str
    bytes: int

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass(frozen=True)
class IssuedDocument:
    """One line of the register of outgoing documents (sổ theo dõi văn bản đi)."""

    id: int
    number: int
    symbol: str
    year: int
    issue_date: date
    period: str
    profile_id: str
    authority: str
    signer: str
    snapshot_sha256: str
    snapshot_name: str
    issued_by: str  # login name
    issued_by_name: str  # full name at the time
    issued_at: datetime
    templates: tuple[TemplateUse, ...]
    files: tuple[IssuedFile, ...]

    @property
    def number_text(self) -> str:
        """As printed (NĐ 30): numbers below 10 take a leading zero."""
        return f"{self.number:02d}"

    @property
    def reference(self) -> str:
        return f"{self.number_text}/{self.symbol}"


@dataclass(frozen=True)
class Match:
    """A file found in the register: which document, which of its files."""

    document: IssuedDocument
    file: IssuedFile
