"""Earlier snapshots of the same authority and the same kind of period, for the deltas.

A month is compared with the months before it, a quarter with the quarters, a year with the years.
Files are matched by `meta.period`, not by name. Only the meta of each candidate is read first
(cheap); only files of the wanted periods and the same authority are loaded in full. A file that
cannot be read is skipped with a warning: a missing earlier period only removes a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.common.errors import SnapshotError
from generator.common.textfold import fold
from generator.snapshot.indicators import is_indicators_file
from generator.snapshot.limits import MAX_HISTORY_FILES
from generator.snapshot.loader import SNAPSHOT_SUFFIXES, MetaRead, read_meta
from generator.snapshot.model import Period, Snapshot, SnapshotMeta
from generator.snapshot.sidecar import is_sidecar

PERIODS_BACK = 2


@dataclass(frozen=True)
class History:
    """Earlier snapshots keyed by period (ascending), and warnings about files skipped."""

    snapshots: tuple[Snapshot, ...] = ()
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        periods = [s.meta.period for s in self.snapshots]
        if len(set(periods)) != len(periods):
            raise ValueError("History holds one snapshot per period")
        object.__setattr__(
            self, "snapshots", tuple(sorted(self.snapshots, key=lambda s: s.meta.period))
        )

    @property
    def periods(self) -> tuple[Period, ...]:
        """The periods held, oldest first."""
        return tuple(s.meta.period for s in self.snapshots)

    def get(self, period: Period) -> Snapshot | None:
        """The snapshot of `period`, or None when that period is not available."""
        return next((s for s in self.snapshots if s.meta.period == period), None)

    def as_mapping(self) -> dict[Period, Snapshot]:
        """A fresh dict period → snapshot."""
        return {s.meta.period: s for s in self.snapshots}


def same_authority(a: SnapshotMeta, b: SnapshotMeta) -> bool:
    """Same code when both carry one, else the same name (case-, space- and accent-insensitive)."""
    if a.authority_code and b.authority_code:
        return fold(a.authority_code) == fold(b.authority_code)
    return fold(a.authority_name) == fold(b.authority_name)


def _candidates(folder: Path, exclude: Path) -> list[Path]:
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith((".", "~$")) or is_sidecar(path) or is_indicators_file(path):
            continue  # hidden files, Excel lock files, CSV sidecars and indicator tables
        if path.suffix.lower() not in SNAPSHOT_SUFFIXES or not path.is_file():
            continue
        if _same_file(path, exclude):
            continue
        found.append(path)
    return found


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def _skipped(path: Path, error: SnapshotError) -> str:
    first = str(error.problems[0]) if error.problems else error.message
    more = f" (và {len(error.problems) - 1} lỗi khác)" if len(error.problems) > 1 else ""
    return f'Bỏ qua tệp "{path}" khi tìm số liệu các kỳ trước: {first}{more}'


def load_history(
    snapshot: Snapshot, directory: Path | None = None, *, periods_back: int = PERIODS_BACK
) -> History:
    """Snapshots of the `periods_back` periods of the same kind before `snapshot`'s (the two
    months, quarters or years before it), from its folder or `directory`."""
    folder = Path(directory) if directory is not None else snapshot.path.parent
    if not folder.is_dir():
        raise SnapshotError(f'Không tìm thấy thư mục số liệu các kỳ trước: "{folder}"')
    wanted = {snapshot.meta.period.shift(-n) for n in range(1, periods_back + 1)}
    warnings: list[str] = []
    candidates: dict[Period, list[MetaRead]] = {}
    paths = _candidates(folder, snapshot.path)
    if len(paths) > MAX_HISTORY_FILES:
        # Each candidate costs a read of its meta: a folder of thousands of files must not take minutes.
        warnings.append(f'Thư mục "{folder}" có {len(paths)} tệp số liệu; chỉ xét {MAX_HISTORY_FILES} tệp '
                        "đứng cuối theo tên (thường là các kỳ gần nhất) khi tìm số liệu các kỳ trước")
        paths = paths[-MAX_HISTORY_FILES:]
    for path in paths:
        try:
            read = read_meta(path)  # kept for the wanted periods: their units are read from it, not again
        except SnapshotError as error:
            warnings.append(_skipped(path, error))
            continue
        if read.meta.period in wanted and same_authority(read.meta, snapshot.meta):
            candidates.setdefault(read.meta.period, []).append(read)
    snapshots = []
    for period in sorted(candidates):
        # Several files for one period: the one read latest wins, the others are named.
        ordered = sorted(candidates[period], key=lambda item: item.meta.cutoff, reverse=True)
        for index, read in enumerate(ordered):
            path = read.path
            try:
                loaded = read.load()
            except SnapshotError as error:
                warnings.append(_skipped(path, error))
                continue
            snapshots.append(loaded)
            for other in (r.path for r in ordered[index + 1 :]):
                warnings.append(
                    f'Có nhiều tệp số liệu kỳ {period}: dùng "{path}" (lấy số liệu muộn hơn), '
                    f'bỏ qua "{other}"'
                )
            break
    return History(tuple(snapshots), tuple(warnings))
