"""load_snapshot: which form a file is, read it, validate it, refuse it with every problem."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.common.bounded import NotReadable, read_bounded
from generator.common.errors import Problem, SnapshotError
from generator.snapshot.fields import indicator_field
from generator.snapshot.indicators import indicators_file, validate_indicators
from generator.snapshot.limits import MAX_FILE_BYTES
from generator.snapshot.model import Indicator, Snapshot, SnapshotMeta
from generator.snapshot.raw import Findings, RawSnapshot, RawUnits
from generator.snapshot.read_delimited import decode_utf8, read_delimited
from generator.snapshot.read_json import read_json, read_json_document
from generator.snapshot.sidecar import read_sidecar
from generator.snapshot.validate import validate_meta, validate_units

XLSX, CSV, TSV, JSON = ".xlsx", ".csv", ".tsv", ".json"
SNAPSHOT_SUFFIXES = (XLSX, CSV, TSV, JSON)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_BLANK = b" \t\r\n\xef\xbb\xbf"


def load_snapshot(path: Path | str) -> Snapshot:
    """Read and validate one snapshot file; SnapshotError lists every problem found."""
    path = Path(path)
    file = str(path)
    findings = Findings()
    data = _read_bytes(path, file, findings)
    raw = _read(path, file, data, findings, with_units=True) if data is not None else None
    return _validated(path, data, raw, findings)


@dataclass(frozen=True)
class MetaRead:
    """A file's validated meta, with the bytes (and a JSON file's parsed document) it came from, so
    that loading the whole snapshot after looking at its meta reads and parses the file only once."""

    meta: SnapshotMeta
    path: Path
    data: bytes = field(repr=False)
    document: object = field(default=None, repr=False)

    def load(self) -> Snapshot:
        """The whole snapshot, as load_snapshot(path) gives it, from what was read."""
        file = str(self.path)
        findings = Findings()
        raw: RawSnapshot | None
        if self.document is not None:
            raw = read_json_document(file, self.document, findings, with_units=True)
        else:
            raw = _read(self.path, file, self.data, findings, with_units=True)
        return _validated(self.path, self.data, raw, findings)


def _validated(path: Path, data: bytes | None, raw: RawSnapshot | None, findings: Findings) -> Snapshot:
    file = str(path)
    meta = validate_meta(raw.meta, findings) if raw is not None and raw.meta is not None else None
    units = validate_units(raw.units, findings) if raw is not None and raw.units is not None else ()
    indicators: tuple[Indicator, ...] = ()
    if raw is not None and raw.indicators is not None:
        indicators = validate_indicators(raw.indicators, meta, units, findings)
    if findings.count or meta is None or data is None:
        raise _error(file, findings)
    return Snapshot(
        meta=meta,
        units=units,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=findings.all_warnings(),
        indicators=indicators,
    )


def load_meta(path: Path | str) -> SnapshotMeta:
    """Read and validate only the meta part (history uses it to pick files cheaply)."""
    return read_meta(path).meta


def read_meta(path: Path | str) -> MetaRead:
    """The meta part validated, with what was read to find it (MetaRead.load gives the snapshot)."""
    path = Path(path)
    file = str(path)
    findings = Findings()
    data = _read_bytes(path, file, findings)
    raw = _read(path, file, data, findings, with_units=False) if data is not None else None
    meta = validate_meta(raw.meta, findings) if raw is not None and raw.meta is not None else None
    if findings.count or meta is None or data is None or raw is None:
        raise _error(file, findings)
    return MetaRead(meta, path, data, raw.document)


_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_INDEXED = re.compile(r"^\w+\[(\d+)\]$")


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Problems grouped by file (first seen first), then by row and column as a reader scans."""
    file_rank: dict[str, int] = {}
    for problem in problems:
        file_rank.setdefault(problem.file, len(file_rank))

    def key(problem: Problem) -> tuple[int, int, int, str]:
        row = problem.row
        if isinstance(row, int):
            row_key = row
        elif isinstance(row, str) and (indexed := _INDEXED.match(row)):
            row_key = int(indexed.group(1))
        else:
            row_key = 0  # whole file, `meta`, `units`: before any row
        column = problem.column or ""
        if _LETTERS.match(column):
            return (file_rank[problem.file], row_key, len(column), column)
        return (file_rank[problem.file], row_key, 0, "")  # JSON keys: keep reading order

    return sorted(problems, key=key)


def _error(file: str, findings: Findings) -> SnapshotError:
    problems = _ordered(findings.problems)
    if not problems:  # pragma: no cover - every refusal records its reason
        problems = [Problem(file, "không đọc được số liệu")]
    if findings.dropped_problems:
        problems.append(Problem(file, f"… và {findings.dropped_problems} lỗi khác không hiện ra "
                                      f"(chỉ hiện {len(findings.problems)} lỗi đầu)"))
    return SnapshotError(
        f'Tệp số liệu "{file}" không hợp lệ: {max(findings.count, 1)} lỗi', tuple(problems)
    )


def _read_bytes(path: Path, file: str, findings: Findings) -> bytes | None:
    suffix = path.suffix.lower()
    if suffix not in SNAPSHOT_SUFFIXES:
        findings.error(
            file,
            f'đuôi tệp "{path.suffix or "(không có)"}" không được hỗ trợ; '
            "chỉ nhận .xlsx, .csv, .tsv hoặc .json",
        )
        return None
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except NotReadable as refused:
        reason = refused.reason
        if reason == "đây là một thư mục, không phải tệp":
            reason = "đây là một thư mục, không phải tệp số liệu"
        findings.error(file, reason)
        return None
    if not data.strip(_BLANK):
        findings.error(file, "tệp rỗng, không có dữ liệu")
        return None
    return data


def _content(data: bytes) -> str:
    """What the bytes are: zip, ole, json, text or binary."""
    if data.startswith(_ZIP):
        return "zip"
    if data.startswith(_OLE):
        return "ole"
    head = data.lstrip(_BLANK)[:1]
    if head in (b"{", b"["):
        try:
            # Numbers stay text: only the shape matters here, and int() is slow on huge digits.
            json.loads(data.decode("utf-8-sig"), parse_int=str, parse_float=str, parse_constant=str)
            return "json"
        except (ValueError, RecursionError):
            pass
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "binary"
    return "text"


_CONTENT_NAMES = {
    "zip": "tệp nén ZIP (có thể là bảng tính XLSX)",
    "ole": "bảng tính Excel cũ (.xls); hãy lưu lại dạng .xlsx",
    "json": "dữ liệu JSON",
    "text": "văn bản (có thể là CSV)",
    "binary": "dữ liệu nhị phân không rõ loại",
}


def _wrong_content(file: str, suffix: str, content: str, findings: Findings) -> None:
    findings.error(file, f"tệp có đuôi {suffix} nhưng nội dung là {_CONTENT_NAMES[content]}")


def _read(
    path: Path, file: str, data: bytes, findings: Findings, *, with_units: bool
) -> RawSnapshot | None:
    suffix = path.suffix.lower()
    if suffix == JSON:
        # Only the binary look-alikes are told apart here: the JSON parser explains the rest.
        content = "zip" if data.startswith(_ZIP) else "ole" if data.startswith(_OLE) else "json"
    else:
        content = _content(data)
    if suffix == XLSX:
        if content != "zip":
            _wrong_content(file, suffix, content, findings)
            return None
        # Imported here: its openpyxl costs 33 MiB and 0,2 s, which a JSON or CSV snapshot never needs.
        from generator.snapshot.read_xlsx import read_xlsx

        return read_xlsx(file, data, findings, with_units=with_units)
    if suffix == JSON:
        if content in ("zip", "ole"):
            _wrong_content(file, suffix, content, findings)
            return None
        return read_json(file, data, findings, with_units=with_units)
    if content in ("zip", "ole", "json"):
        _wrong_content(file, suffix, content, findings)
        return None
    meta = read_sidecar(path, file, findings)
    if not with_units:
        return RawSnapshot(meta, None)
    text = decode_utf8(file, data, findings)
    if text is None:
        return RawSnapshot(meta, None)
    delimiter = "\t" if suffix == TSV else ","
    units = read_delimited(file, text, findings, default=delimiter)
    return RawSnapshot(meta, units, _read_indicators_file(path, findings, delimiter))


def _read_indicators_file(table: Path, findings: Findings, delimiter: str) -> RawUnits | None:
    """The `<stem>.indicators.csv` beside a CSV/TSV table, when present."""
    path = indicators_file(table)
    if path is None:
        return None
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except NotReadable as refused:
        findings.error(str(path), refused.reason)
        return None
    text = decode_utf8(str(path), data, findings)
    if text is None:
        return None
    return read_delimited(str(path), text, findings, default=delimiter, lookup=indicator_field)
