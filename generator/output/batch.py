"""The batch: the monthly dispatch and every unit's notice, over a process pool.

Each document is rendered and written by a worker, atomically, then a small state record is
written beside it; a resumed batch skips documents whose inputs did not change (unless forced).
The heavy imports and the prepared snapshot are paid once per worker, not per document.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import resource
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.errors import CongvanError
from generator.output.files import sha256_file, write_atomic
from generator.output.layout import safe_stem
from generator.output.manifest import DocumentRecord, FailureRecord, FileRecord
from generator.pipeline import DISPATCH_TEMPLATE, Prepared, dispatch_document, notice_document
from generator.render.base import renderer_for
from generator.templating.manifest import TemplateInfo

STATE_DIR = ".state"
NOTICE_DIR = "thong-bao"


@dataclass(frozen=True)
class Job:
    """One document to make: the dispatch (unit_code None) or one unit's notice."""

    kind: str
    unit_code: str | None
    stem: str  # path without suffix, relative to the batch folder


@dataclass(frozen=True)
class BatchSettings:
    folder: Path
    formats: tuple[str, ...]
    number: str | None
    issue_date: date | None
    force: bool


@dataclass(frozen=True)
class JobResult:
    job: Job
    record: DocumentRecord | None
    failure: FailureRecord | None
    peak_rss_kib: int


def plan(prepared: Prepared, dispatch: TemplateInfo, notice: TemplateInfo,
         unit_codes: tuple[str, ...] | None) -> tuple[Job, ...]:
    """The jobs in order; file stems come from unit codes and never collide (case-insensitively)."""
    period = prepared.snapshot.meta.period
    jobs = [Job(dispatch.id, None, f"cong-van-{period}")]
    taken = {jobs[0].stem.lower()}
    for unit in prepared.analysis.units:
        if unit_codes is not None and unit.code not in unit_codes:
            continue
        stem = f"{NOTICE_DIR}/{safe_stem(unit.code)}"
        if stem.lower() in taken:
            stem = f"{stem}-{hashlib.sha256(unit.code.encode()).hexdigest()[:8]}"
        taken.add(stem.lower())
        jobs.append(Job(notice.id, unit.code, stem))
    return tuple(jobs)


def fingerprint(prepared: Prepared, templates: tuple[TemplateInfo, ...], settings: BatchSettings, job: Job) -> str:
    """What a document's content depends on: unchanged fingerprint + intact files → skip."""
    from generator import __version__

    parts = [
        __version__, prepared.snapshot.sha256, prepared.profile.model_dump_json(), job.kind, job.unit_code or "",
        settings.number or "", settings.issue_date.isoformat() if settings.issue_date else "",
        *(f"{t.id}:{t.sha256}:{t.status}" for t in templates),
        *prepared.history_sha256,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# ---- worker side --------------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def init_worker(prepared: Prepared, templates: tuple[TemplateInfo, ...], settings: BatchSettings) -> None:
    """Pay the heavy imports (python-docx, WeasyPrint) and receive the prepared data once per worker."""
    _WORKER.update(prepared=prepared, templates=templates, settings=settings,
                   renderers={fmt: renderer_for(fmt, prepared.profile.to_layout()) for fmt in settings.formats})


def run_job(job: Job) -> JobResult:
    """Make one document; a failure is returned as a record, never raised to the pool."""
    prepared: Prepared = _WORKER["prepared"]  # type: ignore[assignment]
    templates: tuple[TemplateInfo, ...] = _WORKER["templates"]  # type: ignore[assignment]
    settings: BatchSettings = _WORKER["settings"]  # type: ignore[assignment]
    renderers = _WORKER["renderers"]
    try:
        record = _make(job, prepared, templates, settings, renderers)  # type: ignore[arg-type]
        failure = None
    except CongvanError as error:
        record, failure = None, FailureRecord(job.kind, job.unit_code, " ".join(error.lines()))
    except Exception as error:  # noqa: BLE001 - one unit's bug must not stop the others
        record, failure = None, FailureRecord(job.kind, job.unit_code, f"lỗi ngoài dự kiến: {type(error).__name__}: {error}")
    gc.collect()  # python-docx objects form reference cycles; keep worker memory flat
    return JobResult(job, record, failure, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _make(job: Job, prepared: Prepared, templates: tuple[TemplateInfo, ...], settings: BatchSettings,
          renderers: dict) -> DocumentRecord:  # type: ignore[type-arg]
    folder = settings.folder
    key = fingerprint(prepared, templates, settings, job)
    state_path = folder / STATE_DIR / f"{job.stem.replace('/', '__')}.json"
    if not settings.force:
        previous = _intact(folder, state_path, key, settings.formats)
        if previous is not None:
            return DocumentRecord(job.kind, job.unit_code, previous, skipped=True)
    template = next(t for t in templates if t.id == job.kind)
    if job.unit_code is None:
        document = dispatch_document(prepared, template, settings.number, settings.issue_date)
    else:
        document = notice_document(prepared, template, job.unit_code, settings.number, settings.issue_date)
    files = []
    for fmt in settings.formats:
        data = renderers[fmt].render(document)
        path = folder / f"{job.stem}.{fmt}"
        write_atomic(path, data)
        files.append(FileRecord(f"{job.stem}.{fmt}", fmt, hashlib.sha256(data).hexdigest(), len(data)))
    state = {"fingerprint": key, "files": [f.__dict__ for f in files]}
    write_atomic(state_path, json.dumps(state).encode())
    return DocumentRecord(job.kind, job.unit_code, tuple(files))


def _intact(folder: Path, state_path: Path, key: str, formats: tuple[str, ...]) -> tuple[FileRecord, ...] | None:
    """The previous run's files when its fingerprint matches and every file still has its hash."""
    try:
        state = json.loads(state_path.read_text())
    except (OSError, ValueError):
        return None
    if state.get("fingerprint") != key:
        return None
    files = tuple(FileRecord(**f) for f in state.get("files", []))
    if sorted(f.format for f in files) != sorted(formats):
        return None
    for f in files:
        path = folder / f.path
        if not path.is_file() or sha256_file(path) != f.sha256:
            return None
    return files


# ---- driver -------------------------------------------------------------------------------------

def run(jobs: tuple[Job, ...], prepared: Prepared, templates: tuple[TemplateInfo, ...], settings: BatchSettings,
        workers: int, on_result: Callable[[JobResult], None]) -> list[JobResult]:
    """Run every job; in-process for one worker (and for tests), otherwise over a process pool."""
    results: list[JobResult] = []
    if workers <= 1 or len(jobs) <= 1:
        init_worker(prepared, templates, settings)
        for job in jobs:
            result = run_job(job)
            results.append(result)
            on_result(result)
        return results
    with ProcessPoolExecutor(max_workers=workers, initializer=init_worker,
                             initargs=(prepared, templates, settings)) as pool:
        for result in _as_completed(pool, jobs, workers):
            results.append(result)
            on_result(result)
    return results


def _as_completed(pool: ProcessPoolExecutor, jobs: tuple[Job, ...], workers: int) -> Iterator[JobResult]:
    """Submit a bounded window of jobs so thousands of units do not queue all their futures at once."""
    pending: set[Future[JobResult]] = set()
    queue = iter(jobs)
    window = workers * 4
    for job in queue:
        pending.add(pool.submit(run_job, job))
        if len(pending) >= window:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from (f.result() for f in done)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
