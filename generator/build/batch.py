"""The batch: the monthly dispatch and every unit's notice, over a process pool.

Each document is rendered and written by a worker, its files and a small state record appearing
together; a resumed batch skips documents whose inputs did not change (unless forced). The run
holds the run folder's lock from start to manifest, writes only below --out without following
links, and its workers end with it however it ends (see lifeline.py).

- **Workers start warm.** They fork from a server process ("forkserver") that imported the renderers
  once, started before the snapshot is even read, so its imports overlap the parent's reading and
  analysis; each worker then receives the prepared snapshot once. A batch of a few documents runs
  in the parent alone, which is quicker than starting workers for them.
- **One flush to disk per batch.** A document's files and state record are written and renamed
  together but not flushed one by one; the file system is synced once after the last document,
  then the manifest is written and flushed. A run killed before that may leave files the disk
  never got whole (after a power loss): the next run keeps a document only when every file still
  has the hash its state record gives, and remakes it otherwise.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import resource
import signal
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from multiprocessing.context import BaseContext
from pathlib import Path
from types import FrameType

from generator.build.conductor import (
    BuildRequest,
    Job,
    build_templates,
    check_issue_date,
    is_draft,
    make_document,
    make_renderers,
    render_all,
    write_document,
)
from generator.build.inputs import Prepared, prepare
from generator.build.lifeline import die_with
from generator.common.crash import save_traceback, where_saved
from generator.common.errors import CongvanError, UsageError
from generator.common.resources import package_path
from generator.content import TemplateInfo
from generator.output import (
    MANIFEST_NAME,
    NOTICE_DIR,
    STATE_DIR,
    TEMPORARY_SUFFIX,
    DocumentRecord,
    FailureRecord,
    FileRecord,
    Manifest,
    SafeFolder,
    TemplateRecord,
    Transaction,
    dispatch_stem,
    notice_stem,
    notice_stems,
    run_folder,
    run_folder_for_writing,
    run_folder_parts,
)
from generator.render import REGISTRY, Renderer

# What the rendering depends on besides the inputs: the program and the renderer's own assets.
_PROGRAM_FILES = ("**/*.py", "render/assets/*")
# What drawing a chart imports (matplotlib, some 0,4 s of CPU): the workers' server imports it once,
# instead of each worker on its first notice. A name that no longer exists is skipped by the server.
_CHART_MODULES = ("matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.layout_engine",
                  "matplotlib.ticker", "matplotlib.font_manager")
# A batch of this many documents or fewer runs in the batch process: starting workers (even from a
# warm server) and sending each the prepared snapshot costs more than rendering them in turn.
IN_PROCESS_UP_TO = 3


@dataclass(frozen=True)
class BatchSettings:
    folder: Path  # the run folder, as messages show it
    formats: tuple[str, ...]
    number: str | None
    issue_date: date | None
    force: bool
    program_sha256: str = ""  # see program_fingerprint(); part of every document's fingerprint
    out: Path = Path("output")  # --out, and the run folder's names below it (each worker opens them
    parts: tuple[str, ...] = ()  # itself, one name at a time, never through a link)
    main_pid: int = 0  # the batch's main process, which pool workers end with

    def open_folder(self) -> SafeFolder:
        return SafeFolder.open_under(self.out, self.parts)


@dataclass(frozen=True)
class JobResult:
    job: Job
    record: DocumentRecord | None
    failure: FailureRecord | None
    peak_rss_kib: int  # the worker's peak resident memory so far
    rss_kib: int = 0  # the worker's resident memory after this job (after garbage collection)
    pid: int = 0  # which worker made it
    seconds: float = 0.0


@dataclass(frozen=True)
class WorkerStats:
    """One worker's memory over the run: a later decile well above the first means it grows."""

    pid: int
    role: str  # what it made: "dispatch", "notices" or "dispatch + notices"
    jobs: int
    peak_rss_mib: float
    first_decile_rss_mib: float
    last_decile_rss_mib: float


def plan(prepared: Prepared, dispatch: TemplateInfo, notice: TemplateInfo,
         unit_codes: tuple[str, ...] | None) -> tuple[Job, ...]:
    """The jobs in order; each notice's file name depends on its code only (see layout.notice_stems)."""
    jobs = [Job(dispatch.id, None, dispatch_stem(prepared.snapshot.meta.period))]
    stems = notice_stems(u.code for u in prepared.analysis.units)
    wanted = None if unit_codes is None else set(unit_codes)
    for unit in prepared.analysis.units:
        if wanted is None or unit.code in wanted:
            jobs.append(Job(notice.id, unit.code, notice_stem(stems, unit.code)))
    return tuple(jobs)


@lru_cache(maxsize=1)
def program_fingerprint() -> str:
    """A hash over the program's code and rendering templates: a new program remakes every document."""
    digest = hashlib.sha256()
    root = package_path()
    for pattern in _PROGRAM_FILES:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(prepared: Prepared, templates: tuple[TemplateInfo, ...], settings: BatchSettings, job: Job) -> str:
    """What a document's content depends on: unchanged fingerprint + intact files → skip."""
    from generator import __version__

    parts = [
        __version__, settings.program_sha256, prepared.snapshot.sha256, prepared.profile.model_dump_json(),
        job.kind, job.unit_code or "",
        settings.number or "", settings.issue_date.isoformat() if settings.issue_date else "",
        *(f"{t.id}:{t.sha256}:{t.status}" for t in templates),
        *prepared.history_sha256,
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# ---- worker side --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _WorkerState:
    """What a worker receives once and keeps for its life."""

    prepared: Prepared
    templates: tuple[TemplateInfo, ...]
    settings: BatchSettings
    renderers: dict[str, Renderer]
    folder: SafeFolder


_WORKER: list[_WorkerState] = []  # at most one: this process's state


def init_worker(prepared: Prepared, templates: tuple[TemplateInfo, ...], settings: BatchSettings,
                ignore_interrupt: bool = False) -> None:
    """Receive the prepared data once per worker and make its renderers (in a pool, the server has
    imported their modules already).

    Everything alive after this is kept for the worker's life, so it is frozen out of the garbage
    collector: the collection after each document then only walks that document's objects.
    """
    if ignore_interrupt:  # a pool worker: Ctrl-C is the parent's to handle (it cancels what is queued),
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # and the worker ends when the batch ends
        if settings.main_pid:
            die_with(settings.main_pid)
    renderers = make_renderers(prepared, settings.formats)
    _WORKER[:] = [_WorkerState(prepared, templates, settings, renderers, settings.open_folder())]
    gc.collect()
    gc.freeze()


def run_job(job: Job) -> JobResult:
    """Make one document; a failure is returned as a record, never raised to the pool."""
    started = time.perf_counter()
    state = _WORKER[0]
    try:
        record = _make(job, state)
        failure = None
    except CongvanError as error:
        record, failure = None, FailureRecord(job.kind, job.unit_code, " ".join(error.lines()))
    except Exception as error:  # one unit's bug must not stop the others; its traceback is kept
        message = f"lỗi ngoài dự kiến: {type(error).__name__}: {error}.{where_saved(save_traceback(error))}"
        record, failure = None, FailureRecord(job.kind, job.unit_code, message)
    # python-docx objects form reference cycles; collecting them keeps worker memory flat. What is alive
    # after that outlives the job (fonts, stylesheets, chart frames made on first use), so it is frozen:
    # the next collection walks only the next document's objects (a full walk cost 16 ms per document).
    gc.collect()
    gc.freeze()
    return JobResult(job, record, failure, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, _current_rss_kib(),
                     os.getpid(), time.perf_counter() - started)


def _current_rss_kib() -> int:
    """Resident memory now (Linux /proc), or the peak where /proc is missing."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() // 1024
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _make(job: Job, state: _WorkerState) -> DocumentRecord:
    settings, folder = state.settings, state.folder
    key = fingerprint(state.prepared, state.templates, settings, job)
    state_name = f"{STATE_DIR}/{job.stem.replace('/', '__')}.json"
    if not settings.force:
        previous = _intact(folder, state_name, key, settings.formats)
        if previous is not None:
            return DocumentRecord(job.kind, job.unit_code, previous, skipped=True)
    template = next(t for t in state.templates if t.id == job.kind)
    document = make_document(state.prepared, template, job, settings.number, settings.issue_date)
    rendered = render_all(document, state.renderers)
    # The files and the state record appear together; a run killed between their renames leaves a
    # state that no longer matches the files, so a rerun remakes the document.
    # Not flushed one by one: the batch syncs the file system once at its end (see the module's doc).
    with Transaction(folder, journal=False, durable=False) as transaction:
        files = write_document(transaction, rendered, job.stem)
        transaction.add(state_name, json.dumps({"fingerprint": key, "files": [f.__dict__ for f in files]}).encode())
        transaction.commit()
    return DocumentRecord(job.kind, job.unit_code, files)


def _intact(folder: SafeFolder, state_name: str, key: str, formats: tuple[str, ...]) -> tuple[FileRecord, ...] | None:
    """The previous run's files when its fingerprint matches and every file still has its hash."""
    try:
        with folder.walk_to(state_name) as (state_folder, name):
            data = state_folder.read(name, limit=1024 * 1024)
        if data is None:
            return None
        state = json.loads(data.decode("utf-8"))
        if not isinstance(state, dict) or state.get("fingerprint") != key:
            return None
        files = tuple(FileRecord(**f) for f in state.get("files", []))
    except (ValueError, TypeError, CongvanError):  # unreadable or not what we wrote: remake
        return None
    if sorted(f.format for f in files) != sorted(formats):
        return None
    for f in files:
        try:
            with folder.walk_to(f.path) as (file_folder, name):
                if file_folder.sha256(name) != f.sha256:
                    return None
        except (ValueError, CongvanError):
            return None
    return files


# ---- driver -------------------------------------------------------------------------------------

def worker_context() -> BaseContext:
    """Where workers come from: forked from a server that imported the renderers ("forkserver"), or
    fresh interpreters ("spawn") where there is no fork. Never a fork of the batch process itself,
    which may run threads (the progress bar, a web server)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, *(e.target.partition(":")[0] for e in REGISTRY.values()),
                                    *_CHART_MODULES])
    return context


def start_worker_server() -> None:
    """Start the workers' server now, so that it imports the renderers while the batch process reads
    and analyses the snapshot (on two cores, those imports then cost no wall time)."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def run(jobs: tuple[Job, ...], prepared: Prepared, templates: tuple[TemplateInfo, ...], settings: BatchSettings,
        workers: int, on_result: Callable[[JobResult], None]) -> list[JobResult]:
    """Run every job: in-process for one worker (and for tests), otherwise over a pool of workers
    forked from the warm server (see `worker_context`).

    The dispatch, the longest job, is submitted first; the other worker(s) start on the notices
    meanwhile, and its worker joins them when it is done.
    """
    results: list[JobResult] = []
    if workers <= 1 or len(jobs) <= 1:
        init_worker(prepared, templates, settings)
        try:
            for job in jobs:
                result = run_job(job)
                results.append(result)
                on_result(result)
        finally:
            gc.unfreeze()  # this process goes on (a test run, say): let its objects be collected again
            for state in _WORKER:
                state.folder.close()
            _WORKER.clear()
        return results
    ordered = tuple(sorted(jobs, key=lambda job: job.unit_code is not None))  # the dispatch first
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(), initializer=init_worker,
                               initargs=(prepared, templates, settings, True))
    try:
        with _terminate_as_interrupt():
            for result in _as_completed(pool, ordered, workers):
                results.append(result)
                on_result(result)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # an interrupted run stops after the jobs in hand
        raise
    pool.shutdown(wait=True)
    return results


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the batch as Ctrl-C does: jobs in hand finish, the queue is cancelled, the
    workers exit. (Only the main thread can own a signal; elsewhere, e.g. a web worker thread,
    the lifeline alone ends the workers.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _as_completed(pool: ProcessPoolExecutor, jobs: tuple[Job, ...], workers: int) -> Iterator[JobResult]:
    """Submit a bounded window of jobs so thousands of units do not queue all their futures at once."""
    pending: set[Future[JobResult]] = set()
    window = workers * 4
    for job in jobs:
        pending.add(pool.submit(run_job, job))
        if len(pending) >= window:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from (f.result() for f in done)


def worker_stats(results: list[JobResult]) -> tuple[WorkerStats, ...]:
    """Per worker, in the order results arrived: peak memory, and memory early versus late over its
    notices (the dispatch, far larger, would hide a trend)."""
    by_pid: dict[int, list[JobResult]] = {}
    for result in results:
        by_pid.setdefault(result.pid, []).append(result)
    stats = []
    for pid, own in by_pid.items():
        notices = [r for r in own if r.job.unit_code is not None] or own
        decile = max(1, len(notices) // 10)
        roles = sorted({"notices" if r.job.unit_code is not None else "dispatch" for r in own})
        stats.append(WorkerStats(
            pid=pid,
            role=" + ".join(roles),
            jobs=len(own),
            peak_rss_mib=_mib(max(r.peak_rss_kib for r in own)),
            first_decile_rss_mib=_mib(sum(r.rss_kib for r in notices[:decile]) / decile),
            last_decile_rss_mib=_mib(sum(r.rss_kib for r in notices[-decile:]) / decile),
        ))
    return tuple(stats)


def _mib(kib: float) -> float:
    return round(kib / 1024, 1)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# ---- the whole batch, as the CLI and the web page ask for it --------------------------------------

@dataclass(frozen=True)
class BatchRequest:
    build: BuildRequest
    jobs: int | None = None  # worker processes; None: one per core
    units: tuple[str, ...] | None = None  # only these units' notices
    force: bool = False  # remake documents whose inputs did not change
    zip: bool = False  # also pack the results into one .zip beside the folder


@dataclass(frozen=True)
class BatchResult:
    folder: Path
    manifest: Path
    zip: Path | None
    planned: int
    records: tuple[DocumentRecord, ...]
    failures: tuple[FailureRecord, ...]
    seconds: float
    workers: int
    peak_rss_mib: float
    warnings: tuple[str, ...]
    draft: bool

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.records if r.skipped)


def batch(request: BatchRequest, on_planned: Callable[[int], None] = lambda total: None,
          on_result: Callable[[JobResult], None] = lambda result: None) -> BatchResult:
    """The dispatch and every (chosen) unit's notice, in parallel, resumable; then manifest and zip."""
    build = request.build
    if request.jobs != 1 and (request.units is None or len(request.units) >= IN_PROCESS_UP_TO):
        start_worker_server()  # it imports the renderers while this process reads and analyses
    prepared = prepare(build.snapshot, build.history, build.profile, build.signer)
    check_issue_date(prepared, build.issue_date)
    templates = build_templates(prepared, build.official, notices=True)
    dispatch, notice = templates[0], templates[1]
    unit_codes = _unit_codes(request.units, prepared)
    prepared.check_notices(unit_codes)  # a wording failing for any unit stops the batch before it writes
    period = prepared.snapshot.meta.period
    folder = run_folder(build.out, prepared.profile.id, period)
    parts = run_folder_parts(prepared.profile.id, period)
    jobs = plan(prepared, dispatch, notice, unit_codes)
    settings = BatchSettings(folder, build.formats, build.number, build.issue_date, request.force,
                             program_fingerprint(), build.out, parts, os.getpid())
    workers = 1 if len(jobs) <= IN_PROCESS_UP_TO else min(request.jobs or default_workers(), len(jobs))
    with run_folder_for_writing(build.out, parts, sweep=(NOTICE_DIR, STATE_DIR)) as target:
        on_planned(len(jobs))
        started = time.perf_counter()
        results = run(jobs, prepared, templates, settings, workers, on_result)
        target.sync_file_system()  # every document on disk before the manifest that lists them
        elapsed = time.perf_counter() - started

        # Results arrive as workers finish; the manifest lists documents in plan order.
        position = {job.unit_code: i for i, job in enumerate(jobs)}
        records = tuple(sorted((r.record for r in results if r.record is not None),
                               key=lambda record: position[record.unit_code]))
        failures = tuple(sorted((r.failure for r in results if r.failure is not None),
                                key=lambda failure: position[failure.unit_code]))
        stats = worker_stats(results)
        peak = max((s.peak_rss_mib for s in stats), default=0.0)
        manifest = Manifest(
            snapshot_path=str(prepared.snapshot.path),
            snapshot_sha256=prepared.snapshot.sha256,
            profile_id=prepared.profile.id,
            templates=tuple(TemplateRecord.of(t) for t in templates),
            documents=records,
            failures=failures,
            options={**build.options(), "jobs": workers, "force": request.force,
                     "units": list(unit_codes) if unit_codes else None},
            run={"seconds": round(elapsed, 2), "workers": workers, "peak_rss_mib": peak,
                 "worker_memory": [asdict(s) for s in stats]},
        )
        target.write_atomic(MANIFEST_NAME, manifest.to_bytes())
        archive = _zip(build.out, parts, target, manifest) if request.zip else None
    return BatchResult(folder, folder / MANIFEST_NAME, archive, len(jobs), records, failures, elapsed, workers,
                       peak, prepared.warnings, is_draft(prepared, templates))


def _unit_codes(units: tuple[str, ...] | None, prepared: Prepared) -> tuple[str, ...] | None:
    if units is None:
        return None
    codes = tuple(dict.fromkeys(c.strip() for c in units if c.strip()))
    known = {u.code for u in prepared.analysis.units}
    unknown = [c for c in codes if c not in known]
    if unknown or not codes:
        raise UsageError(f"--units có mã đơn vị không có trong số liệu: {', '.join(unknown) or '(trống)'}")
    return codes


# Zip entries carry this date, so the same files give the same archive (zip's epoch; no local time).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _zip(out: Path, parts: tuple[str, ...], folder: SafeFolder, manifest: Manifest) -> Path:
    """All listed files plus the manifest, written atomically beside the run folder."""
    name = f"{parts[-1]}.zip"
    with SafeFolder.open_under(out, parts[:-1]) as parent:
        temporary = f".{name}.{os.getpid()}{TEMPORARY_SUFFIX}"
        with parent.open_temporary(temporary) as handle, zipfile.ZipFile(handle, "w") as archive:
            for relative in [*(f.path for record in manifest.documents for f in record.files), MANIFEST_NAME]:
                with folder.walk_to(relative) as (source, file_name):
                    data = source.read(file_name)
                if data is None:  # pragma: no cover - the manifest lists only files this run holds
                    raise UsageError(f"Thiếu tệp {folder.path / relative} khi đóng gói .zip")
                entry = zipfile.ZipInfo(relative, date_time=_ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, data)
        try:
            parent.replace(temporary, name)
        except BaseException:
            parent.unlink(temporary)
            raise
        return parent.path / name
