"""Batches in the background: each one in a process of its own, its progress in the register.

The server starts a process per batch ("spawn": a fresh interpreter, nothing of the server's
threads or sockets) that calls the conductor's `batch` and records each finished document in the
register, so any page (after a reload, or on another server process) reads the same progress. Two
staff's batches are two processes; the server's event loop only starts them and reads rows.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from dataclasses import dataclass
from datetime import date
from multiprocessing.process import BaseProcess
from pathlib import Path

from generator.build import BuildRequest
from generator.build import batch as batch_module
from generator.common.errors import CongvanError
from generator.common.processes import process_alive
from generator.register import Failure, Register, attach_files

BATCHES_DIR = "batches"
LOGS_DIR = "logs"
INTERRUPTED = "Máy chủ đã dừng khi lượt sinh đang chạy. Bấm “Chạy tiếp” để làm nốt phần còn lại."

logger = logging.getLogger("congvan.web")


@dataclass(frozen=True)
class BatchOrder:
    """Everything a batch process needs, as plain values (it is sent to a new interpreter)."""

    data: str
    database_url: str
    batch_id: str
    snapshot: str
    history: str
    formats: tuple[str, ...]
    units: tuple[str, ...] | None
    number: str | None
    issue_date: str | None  # ISO date
    official: bool
    issued_id: int | None
    jobs: int
    signer: str | None = None  # the issued document's signer (a name in the profile); None: the default


def run_batch(order: BatchOrder) -> None:
    """(Batch process) run the conductor's batch and record its progress; never raises."""
    register = Register(Path(order.data), order.database_url, create=False)
    register.batch_started(order.batch_id, os.getpid())
    out = Path(order.data) / BATCHES_DIR / order.batch_id
    request = batch_module.BatchRequest(
        BuildRequest(Path(order.snapshot), out, order.formats, order.number,
                     date.fromisoformat(order.issue_date) if order.issue_date else None, Path(order.history),
                     None, order.official, order.signer),
        jobs=order.jobs, units=order.units, zip=True)

    def planned(total: int) -> None:
        register.batch_planned(order.batch_id, total)

    def finished(result: batch_module.JobResult) -> None:
        failure = None
        if result.failure is not None:
            failure = Failure(result.failure.unit_code or "công văn", result.failure.reason)
        register.batch_progress(order.batch_id, failure)

    try:
        result = batch_module.batch(request, planned, finished)
        if order.issued_id is not None:
            attach_files(register, order.issued_id, result.folder, result.records)
        register.batch_finished(order.batch_id, "done", result.folder, result.zip)
    except CongvanError as error:
        register.batch_finished(order.batch_id, "failed", message=" ".join(error.lines()))
    except BaseException:
        incident = _save_traceback(Path(order.data), order.batch_id)
        register.batch_finished(order.batch_id, "failed",
                                message=f"Lỗi ngoài dự kiến (mã sự cố {incident}); chi tiết đã ghi ở máy chủ.")
    finally:
        register.close()


def _save_traceback(data: Path, batch_id: str) -> str:
    folder = data / LOGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"batch-{batch_id}.txt").write_text(traceback.format_exc(), encoding="utf-8")
    return batch_id


class BatchRunner:
    """The server's side: start a batch process, notice one that ended without saying so."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self._context = multiprocessing.get_context("spawn")
        self._processes: dict[str, BaseProcess] = {}

    def start(self, order: BatchOrder) -> None:
        process = self._context.Process(target=run_batch, args=(order,), name=f"congvan-batch-{order.batch_id}")
        process.start()
        self._processes[order.batch_id] = process

    def check(self, batch_id: str) -> None:
        """A batch recorded as running whose process is gone (killed, crashed): mark it interrupted."""
        state = self.register.batch(batch_id)
        if state is None or state.finished:
            return
        process = self._processes.get(batch_id)
        if process is not None:
            if process.is_alive():
                return
            process.join(timeout=0)
            self._processes.pop(batch_id, None)
            state = self.register.batch(batch_id)
            if state is not None and not state.finished:
                self.register.batch_finished(batch_id, "interrupted", message=INTERRUPTED)
            return
        pid = self.register.batch_pid(batch_id)
        if pid is None or not process_alive(pid):
            self.register.batch_finished(batch_id, "interrupted", message=INTERRUPTED)

    def recover(self) -> None:
        """At start-up: batches left running by an earlier server whose process is gone are interrupted."""
        for batch_id, pid in self.register.unfinished_batches():
            if pid is None or not process_alive(pid):
                self.register.batch_finished(batch_id, "interrupted", message=INTERRUPTED)

    def stop(self) -> None:
        """At shutdown: stop this server's batches (a later "Chạy tiếp" resumes them)."""
        for batch_id, process in list(self._processes.items()):
            if process.is_alive():
                process.terminate()
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
                    process.join(timeout=5)
                logger.info("batch %s stopped with the server", batch_id)
                self.register.batch_finished(batch_id, "interrupted", message=INTERRUPTED)
            self._processes.pop(batch_id, None)

