"""The meta of a CSV/TSV snapshot: `<stem>.meta.yaml` (or `.meta.json`) beside the table."""

from __future__ import annotations

from pathlib import Path

from generator.common.bounded import NotReadable, read_bounded
from generator.common.errors import ConfigError
from generator.common.yamlfile import load_yaml
from generator.snapshot.limits import MAX_SIDECAR_BYTES
from generator.snapshot.raw import Findings, RawMeta
from generator.snapshot.read_json import NOT_PARSED, describe_json, parse_json, read_meta_object
from generator.snapshot.tables import MetaEntry, collect_meta

SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")


def sidecar_candidates(table: Path) -> tuple[Path, ...]:
    """Where the meta of `table` may be, in order of preference."""
    return tuple(table.with_name(table.stem + suffix) for suffix in SIDECAR_SUFFIXES)


def is_sidecar(path: Path) -> bool:
    """True for a `*.meta.yaml` / `*.meta.json` file (never a snapshot of its own)."""
    return path.name.lower().endswith(SIDECAR_SUFFIXES)


def read_sidecar(table: Path, table_file: str, findings: Findings) -> RawMeta | None:
    """The meta beside `table`; a missing or doubled sidecar is a problem on the table file."""
    present = [p for p in sidecar_candidates(table) if p.is_file()]
    if not present:
        expected = sidecar_candidates(table)
        findings.error(
            table_file,
            f'không tìm thấy tệp meta đi kèm "{expected[0]}" (hoặc "{expected[2]}")',
        )
        return None
    if len(present) > 1:
        findings.error(
            table_file,
            "có nhiều tệp meta đi kèm: "
            + ", ".join(f'"{p}"' for p in present)
            + "; chỉ giữ lại một tệp",
        )
        return None
    sidecar = present[0]
    if sidecar.name.lower().endswith(".json"):
        return _read_json_sidecar(sidecar, findings)
    return _read_yaml_sidecar(sidecar, findings)


def _read_json_sidecar(sidecar: Path, findings: Findings) -> RawMeta | None:
    file = str(sidecar)
    try:
        data = read_bounded(sidecar, MAX_SIDECAR_BYTES)
    except NotReadable as refused:
        findings.error(file, f"không đọc được tệp meta: {refused.reason}")
        return None
    document = parse_json(file, data, findings)
    if document is NOT_PARSED:
        return None
    if isinstance(document, dict) and set(document) == {"meta"}:
        document = document["meta"]
    if not isinstance(document, dict):
        findings.error(
            file,
            f"nội dung tệp meta phải là một đối tượng JSON, không phải {describe_json(document)}",
        )
        return None
    return read_meta_object(file, document, findings, "meta")


def _read_yaml_sidecar(sidecar: Path, findings: Findings) -> RawMeta | None:
    file = str(sidecar)
    try:
        document = load_yaml(sidecar, "tệp meta", max_bytes=MAX_SIDECAR_BYTES)
    except ConfigError as exc:
        for problem in exc.problems:
            findings.add(problem)
        if not exc.problems:
            findings.error(file, exc.message)
        return None
    data = document.data
    if not isinstance(data, dict):
        findings.error(file, "nội dung tệp meta phải là các cặp khóa: giá trị")
        return None
    entries = (
        MetaEntry(
            key, value, document.line_of((key,)), str(key), document.line_of((key,)), str(key)
        )
        for key, value in data.items()
    )
    return RawMeta(file, None, collect_meta(entries, file, findings))
