"""The register's database: one object per data folder, opened by SQLAlchemy URL (SQLite by default).

Holds the accounts, the uploaded snapshots, the batch runs and the issued documents. Several
processes share it (the server, its batch workers, the command line): SQLite runs in WAL mode with
a busy timeout, and every change is one short transaction.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from generator.common.errors import CongvanError, UsageError
from generator.register.passwords import check_password, dummy_hash, hash_password, password_problem
from generator.register.schema import Base, BatchRow, IssuedFileRow, IssuedRow, SnapshotRow, UserRow
from generator.register.values import (
    BatchState,
    Failure,
    IssuedDocument,
    IssuedFile,
    Match,
    Role,
    StoredSnapshot,
    TemplateUse,
    User,
)

DEFAULT_DATA = Path("var")
DATABASE_ENV = "CONGVAN_DATABASE_URL"
DATABASE_FILE = "congvan.db"
VIETNAM = timezone(timedelta(hours=7))
MAX_FULL_NAME = 200  # users.full_name
_USER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class RegisterError(CongvanError):
    """The register cannot be opened or written (a database problem, not the user's input)."""

    category = "sổ đăng ký"


def now() -> datetime:
    """The current time in UTC, naive (as stored; shown in Vietnam's time by `local`)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local(moment: datetime) -> datetime:
    """A stored (naive UTC) time in Vietnam's time (+07:00)."""
    return moment.replace(tzinfo=UTC).astimezone(VIETNAM)


def database_file(data: Path) -> Path:
    """Where the default SQLite register of a data folder is."""
    return data / DATABASE_FILE


def database_url(data: Path) -> str:
    """CONGVAN_DATABASE_URL when set (any SQLAlchemy URL, e.g. PostgreSQL), else SQLite in the data folder."""
    return os.environ.get(DATABASE_ENV, "").strip() or f"sqlite:///{database_file(data).resolve()}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Register:
    """The office's records under one data folder (files) and one database (rows)."""

    def __init__(self, data: Path = DEFAULT_DATA, url: str | None = None, *, create: bool = True) -> None:
        self.data = Path(data).resolve()
        try:
            self.data.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RegisterError(f"Không tạo được thư mục dữ liệu {self.data}: {error.strerror or error}") from None
        self.url = url or database_url(self.data)
        self.engine: Engine = _engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if create:
            try:
                Base.metadata.create_all(self.engine)
            except SQLAlchemyError as error:
                raise RegisterError(f"Không mở được cơ sở dữ liệu ({_safe_url(self.url)}): "
                                    f"{type(error).__name__}") from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back otherwise."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def has_tables(self) -> bool:
        """Whether the database holds the register's tables (a reading command must not create them)."""
        try:
            names = set(inspect(self.engine).get_table_names())
        except SQLAlchemyError as error:
            raise RegisterError(f"Không mở được cơ sở dữ liệu ({_safe_url(self.url)}): "
                                f"{type(error).__name__}") from None
        return set(Base.metadata.tables) <= names

    def relative(self, path: Path) -> str:
        """`path` relative to the data folder, as stored."""
        return Path(path).resolve().relative_to(self.data).as_posix()

    def absolute(self, stored: str) -> Path:
        """A stored relative path, back under the data folder (never outside it)."""
        path = (self.data / stored).resolve()
        if not path.is_relative_to(self.data):
            raise RegisterError(f"Đường dẫn trong sổ nằm ngoài thư mục dữ liệu: {stored}")
        return path

    # ---- accounts ---------------------------------------------------------------------------------

    def add_user(self, name: str, role: Role | str, password: str, full_name: str = "") -> User:
        """A new account; UsageError (Vietnamese) for a bad name, role or password, or a name in use."""
        name = name.strip()
        if not _USER_NAME.match(name):
            raise UsageError(f"Tên đăng nhập “{name}” không hợp lệ: dùng 2–64 ký tự thường không dấu, chữ số, "
                             "dấu chấm, gạch dưới hoặc gạch ngang, ví dụ “nguyen.van.a”")
        try:
            role = Role(role)
        except ValueError:
            raise UsageError(f"Vai trò “{role}” không có; dùng staff, reviewer hoặc admin") from None
        problem = password_problem(password)
        if problem:
            raise UsageError(f"Không tạo được tài khoản “{name}”: {problem}")
        full_name = " ".join(full_name.split())
        if len(full_name) > MAX_FULL_NAME:  # PostgreSQL refuses a longer value; SQLite would keep it
            raise UsageError(f"Họ tên của tài khoản “{name}” dài {len(full_name)} ký tự, quá {MAX_FULL_NAME} ký tự")
        row = UserRow(name=name, full_name=full_name, role=role.value,
                      password_hash=hash_password(password), active=True, created_at=now())
        try:
            with self.session() as session:
                session.add(row)
                session.flush()
                return _user(row)
        except IntegrityError:
            raise UsageError(f"Tên đăng nhập “{name}” đã có người dùng") from None

    def authenticate(self, name: str, password: str) -> User | None:
        """The account when the name and password match (and it is active); None otherwise."""
        with self.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
            if row is None or not row.active:
                check_password(dummy_hash(), password)  # the same work either way
                return None
            ok, rehashed = check_password(row.password_hash, password)
            if not ok:
                return None
            if rehashed:
                row.password_hash = rehashed
            return _user(row)

    def user(self, user_id: int) -> User | None:
        with self.session() as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row is not None and row.active else None

    def users(self) -> tuple[User, ...]:
        with self.session() as session:
            return tuple(_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name)))

    # ---- uploaded snapshots -----------------------------------------------------------------------

    def keep_snapshot(self, sha256: str, name: str, path: Path, authority: str, period: str,
                      uploaded_by: str) -> StoredSnapshot:
        """Record an upload kept at `path`; the same content uploaded again keeps its first record."""
        row = SnapshotRow(sha256=sha256, name=name[:255], path=self.relative(path), authority=authority[:255],
                          period=period, uploaded_by=uploaded_by, uploaded_at=now())
        try:
            with self.session() as session:
                existing = session.get(SnapshotRow, sha256)
                if existing is not None:
                    return self._snapshot(existing)
                session.add(row)
                session.flush()
                return self._snapshot(row)
        except IntegrityError:  # the same file uploaded by two people at the same moment: the first one stands
            kept = self.snapshot(sha256)
            if kept is None:
                raise
            return kept

    def snapshot(self, sha256: str) -> StoredSnapshot | None:
        with self.session() as session:
            row = session.get(SnapshotRow, sha256)
            return self._snapshot(row) if row is not None else None

    def snapshots(self, limit: int = 50) -> tuple[StoredSnapshot, ...]:
        with self.session() as session:
            rows = session.scalars(select(SnapshotRow).order_by(SnapshotRow.uploaded_at.desc()).limit(limit))
            return tuple(self._snapshot(r) for r in rows)

    def _snapshot(self, row: SnapshotRow) -> StoredSnapshot:
        return StoredSnapshot(row.sha256, row.name, self.absolute(row.path), row.authority, row.period,
                              row.uploaded_by, row.uploaded_at)

    # ---- batch runs -------------------------------------------------------------------------------

    def create_batch(self, batch_id: str, snapshot_sha256: str, owner: str, formats: Sequence[str],
                     units: Sequence[str] | None, issued_id: int | None) -> BatchState:
        row = BatchRow(id=batch_id, snapshot_sha256=snapshot_sha256, owner=owner, status="queued", total=0, done=0,
                       failures="[]", created_at=now(), formats=",".join(formats),
                       units=",".join(units) if units else None, issued_id=issued_id, message="")
        with self.session() as session:
            session.add(row)
            session.flush()
            return self._batch(row)

    def batch_started(self, batch_id: str, pid: int) -> None:
        with self.session() as session:
            row = self._batch_row(session, batch_id)
            row.status, row.pid, row.done, row.failures, row.message = "running", pid, 0, "[]", ""

    def batch_planned(self, batch_id: str, total: int) -> None:
        with self.session() as session:
            self._batch_row(session, batch_id).total = total

    def batch_progress(self, batch_id: str, failure: Failure | None = None) -> None:
        """One more document finished (made, kept or failed)."""
        with self.session() as session:
            row = self._batch_row(session, batch_id)
            row.done += 1
            if failure is not None:
                row.failures = json.dumps([*json.loads(row.failures), [failure.name, failure.reason]],
                                          ensure_ascii=False)

    def batch_finished(self, batch_id: str, status: str, folder: Path | None = None, zip_path: Path | None = None,
                       message: str = "") -> None:
        with self.session() as session:
            row = self._batch_row(session, batch_id)
            row.status, row.finished_at, row.message, row.pid = status, now(), message, None
            if folder is not None:
                row.folder = self.relative(folder)
            row.zip = self.relative(zip_path) if zip_path is not None else None

    def batch_pid(self, batch_id: str) -> int | None:
        with self.session() as session:
            return session.scalar(select(BatchRow.pid).where(BatchRow.id == batch_id))

    def batch(self, batch_id: str) -> BatchState | None:
        with self.session() as session:
            row = session.get(BatchRow, batch_id)
            return self._batch(row) if row is not None else None

    def batches(self, owner: str | None = None, limit: int = 20) -> tuple[BatchState, ...]:
        query = select(BatchRow).order_by(BatchRow.created_at.desc()).limit(limit)
        if owner is not None:
            query = query.where(BatchRow.owner == owner)
        with self.session() as session:
            return tuple(self._batch(r) for r in session.scalars(query))

    def unfinished_batches(self) -> tuple[tuple[str, int | None], ...]:
        """(id, worker pid) of every batch recorded as queued or running."""
        with self.session() as session:
            rows = session.execute(select(BatchRow.id, BatchRow.pid).where(BatchRow.status.in_(("queued", "running"))))
            return tuple((r[0], r[1]) for r in rows)

    @staticmethod
    def _batch_row(session: Session, batch_id: str) -> BatchRow:
        row = session.get(BatchRow, batch_id)
        if row is None:
            raise RegisterError(f"Không có lượt sinh hàng loạt “{batch_id}”")
        return row

    def _batch(self, row: BatchRow) -> BatchState:
        failures = tuple(Failure(str(name), str(reason)) for name, reason in json.loads(row.failures or "[]"))
        return BatchState(
            id=row.id, snapshot_sha256=row.snapshot_sha256, owner=row.owner, status=row.status, total=row.total,
            done=row.done, failures=failures, created_at=row.created_at, finished_at=row.finished_at,
            folder=self.absolute(row.folder) if row.folder else None,
            zip=self.absolute(row.zip) if row.zip else None, issued_id=row.issued_id, message=row.message,
            formats=tuple(f for f in row.formats.split(",") if f),
            units=tuple(row.units.split(",")) if row.units else None,
        )

    # ---- issued documents -------------------------------------------------------------------------

    def issued(self, issued_id: int) -> IssuedDocument | None:
        with self.session() as session:
            row = session.get(IssuedRow, issued_id, options=(selectinload(IssuedRow.templates),
                                                             selectinload(IssuedRow.files)))
            return issued_document(row) if row is not None else None

    def issued_list(self, limit: int = 200, offset: int = 0) -> tuple[IssuedDocument, ...]:
        query = (select(IssuedRow).options(selectinload(IssuedRow.templates), selectinload(IssuedRow.files))
                 .order_by(IssuedRow.issue_date.desc(), IssuedRow.id.desc()).limit(limit).offset(offset))
        with self.session() as session:
            return tuple(issued_document(r) for r in session.scalars(query))

    def issued_for_snapshot(self, sha256: str) -> tuple[IssuedDocument, ...]:
        query = (select(IssuedRow).where(IssuedRow.snapshot_sha256 == sha256)
                 .options(selectinload(IssuedRow.templates), selectinload(IssuedRow.files))
                 .order_by(IssuedRow.issue_date.desc(), IssuedRow.id.desc()))
        with self.session() as session:
            return tuple(issued_document(r) for r in session.scalars(query))

    def issued_count(self) -> int:
        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(IssuedRow)) or 0)

    def number_holder(self, year: int, symbol: str, number: int) -> IssuedDocument | None:
        """The document already holding this number in this year and symbol, if any."""
        query = select(IssuedRow).where(IssuedRow.year == year, IssuedRow.symbol == symbol, IssuedRow.number == number)
        with self.session() as session:
            row = session.scalar(query.options(selectinload(IssuedRow.templates), selectinload(IssuedRow.files)))
            return issued_document(row) if row is not None else None

    def find_sha256(self, sha256: str) -> tuple[Match, ...]:
        """Every registered file with exactly these bytes, with the document it belongs to."""
        query = (select(IssuedFileRow).where(IssuedFileRow.sha256 == sha256.lower())
                 .options(selectinload(IssuedFileRow.issued).selectinload(IssuedRow.templates),
                          selectinload(IssuedFileRow.issued).selectinload(IssuedRow.files)))
        with self.session() as session:
            return tuple(Match(issued_document(r.issued), _file(r)) for r in session.scalars(query))


def _engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(_driver(url), pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as error:
        raise RegisterError(f"Địa chỉ cơ sở dữ liệu không dùng được ({_safe_url(url)}): {error}") from None


def _driver(url: str) -> str:
    """A plain `postgresql://` (or `postgres://`) URL through psycopg 3, the driver the project installs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _user(row: UserRow) -> User:
    return User(row.id, row.name, row.full_name, Role(row.role), row.active)


def _file(row: IssuedFileRow) -> IssuedFile:
    return IssuedFile(row.id, row.path, row.format, row.kind, row.unit_code, row.sha256, row.bytes)


def issued_document(row: IssuedRow) -> IssuedDocument:
    return IssuedDocument(
        id=row.id, number=row.number, symbol=row.symbol, year=row.year, issue_date=row.issue_date, period=row.period,
        profile_id=row.profile_id, authority=row.authority, signer=row.signer, snapshot_sha256=row.snapshot_sha256,
        snapshot_name=row.snapshot_name, issued_by=row.issued_by, issued_by_name=row.issued_by_name,
        issued_at=row.issued_at,
        templates=tuple(TemplateUse(t.template_id, t.version, t.sha256, t.status) for t in row.templates),
        files=tuple(_file(f) for f in row.files),
    )
