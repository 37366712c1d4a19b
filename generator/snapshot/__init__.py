"""Stage 1: read and validate a snapshot file into a typed, immutable value.

Public surface: `load_snapshot(path)` → Snapshot, `load_meta(path)` → SnapshotMeta,
`load_history(snapshot, directory=None)` → History. Malformed input only ever raises
generator.errors.SnapshotError, whose `.problems` lists every problem found.
"""

from __future__ import annotations

from generator.snapshot.history import History, load_history
from generator.snapshot.loader import SNAPSHOT_SUFFIXES, load_meta, load_snapshot

__all__ = ["History", "SNAPSHOT_SUFFIXES", "load_history", "load_meta", "load_snapshot"]
