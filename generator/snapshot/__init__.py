"""Stage 1: read and validate a snapshot file into a typed, immutable value.

Public surface: `load_snapshot(path)` → Snapshot, `load_meta(path)` → SnapshotMeta,
`load_history(snapshot, directory=None)` → History. Malformed input only ever raises
generator.common.errors.SnapshotError, whose `.problems` lists every problem found."""
from __future__ import annotations

from generator.snapshot.fields import INDICATOR_FIELDS, META_FIELDS, UNIT_FIELDS
from generator.snapshot.history import History, load_history
from generator.snapshot.loader import SNAPSHOT_SUFFIXES, load_meta, load_snapshot
from generator.snapshot.model import (
    AUTHORITY_ROW,
    GROUP_BY_CODE,
    GROUPS,
    RATE_FIELDS,
    Group,
    Indicator,
    Period,
    PeriodKind,
    Snapshot,
    SnapshotMeta,
    UnitKind,
    UnitResult,
)

__all__ = [
    "AUTHORITY_ROW",
    "GROUPS",
    "GROUP_BY_CODE",
    "INDICATOR_FIELDS",
    "META_FIELDS",
    "RATE_FIELDS",
    "SNAPSHOT_SUFFIXES",
    "UNIT_FIELDS",
    "Group",
    "History",
    "Indicator",
    "Period",
    "PeriodKind",
    "Snapshot",
    "SnapshotMeta",
    "UnitKind",
    "UnitResult",
    "load_history",
    "load_meta",
    "load_snapshot",
]
