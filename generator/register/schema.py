"""The register's tables (SQLAlchemy). Portable SQL only: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SnapshotRow(Base):
    __tablename__ = "snapshots"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1024))  # relative to the data folder
    authority: Mapped[str] = mapped_column(String(255))
    period: Mapped[str] = mapped_column(String(16))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class BatchRow(Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of [name, reason]
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    folder: Mapped[str | None] = mapped_column(String(1024), nullable=True)  # relative to the data folder
    zip: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    issued_id: Mapped[int | None] = mapped_column(ForeignKey("issued.id"), nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    formats: Mapped[str] = mapped_column(String(64))
    units: Mapped[str | None] = mapped_column(Text, nullable=True)  # comma-separated unit codes
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)


class IssuedRow(Base):
    __tablename__ = "issued"
    __table_args__ = (UniqueConstraint("year", "symbol", "number", name="one_number_per_year_and_symbol"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    issue_date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(16))
    profile_id: Mapped[str] = mapped_column(String(64))
    authority: Mapped[str] = mapped_column(String(255))
    signer: Mapped[str] = mapped_column(String(255))
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    snapshot_name: Mapped[str] = mapped_column(String(255))
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_by_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    folder: Mapped[str] = mapped_column(String(1024))  # relative to the data folder

    templates: Mapped[list[IssuedTemplateRow]] = relationship(
        back_populates="issued", order_by="IssuedTemplateRow.id", cascade="all, delete-orphan")
    files: Mapped[list[IssuedFileRow]] = relationship(
        back_populates="issued", order_by="IssuedFileRow.id", cascade="all, delete-orphan")


class IssuedTemplateRow(Base):
    __tablename__ = "issued_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issued_id: Mapped[int] = mapped_column(ForeignKey("issued.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))

    issued: Mapped[IssuedRow] = relationship(back_populates="templates")


class IssuedFileRow(Base):
    __tablename__ = "issued_files"
    __table_args__ = (Index("issued_files_by_sha256", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issued_id: Mapped[int] = mapped_column(ForeignKey("issued.id"), index=True)
    path: Mapped[str] = mapped_column(String(1024))  # relative to the data folder
    format: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(Integer)

    issued: Mapped[IssuedRow] = relationship(back_populates="files")
