"""`congvan batch`: the monthly dispatch and one notice per unit, in parallel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from generator.build import batch
from generator.cli.options import (
    DateOpt,
    FormatsOpt,
    HistoryOpt,
    NumberOpt,
    OfficialOpt,
    OutOpt,
    ProfileOpt,
    SignerOpt,
    SnapshotArg,
    build_request,
)

JobsOpt = Annotated[int | None, typer.Option(
    "--jobs", "-j", min=1, help="Số tiến trình chạy song song (mặc định: số lõi CPU).", show_default=False)]
UnitsOpt = Annotated[str | None, typer.Option(
    "--units", help="Chỉ sinh thông báo cho các mã đơn vị này, cách nhau bởi dấu phẩy.", show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Sinh lại cả những văn bản không thay đổi.")]
ZipOpt = Annotated[bool, typer.Option("--zip", help="Đóng gói toàn bộ kết quả thành một tệp .zip.")]


def register(app: typer.Typer) -> None:
    app.command("batch", help=(
        "Sinh công văn (tháng, quý hoặc năm) và thông báo riêng cho từng đơn vị (song song), kèm manifest.json.\n\n"
        "Chạy lại sau khi bị ngắt sẽ làm tiếp phần còn thiếu; văn bản không đổi được bỏ qua (trừ khi --force).\n\n"
        "Ví dụ: congvan batch fixtures/ha-noi/2024-07.xlsx --out output/ --jobs 2 --zip"))(run_batch)


def run_batch(
    snapshot: SnapshotArg,
    out: OutOpt = Path("output"),
    jobs: JobsOpt = None,
    formats: FormatsOpt = "docx,pdf",
    units: UnitsOpt = None,
    force: ForceOpt = False,
    zip_: ZipOpt = False,
    number: NumberOpt = None,
    date: DateOpt = None,
    profile: ProfileOpt = None,
    history: HistoryOpt = None,
    official: OfficialOpt = False,
    signer: SignerOpt = None,
) -> None:
    request = batch.BatchRequest(
        build_request(snapshot, out, formats, number, date, history, profile, official, signer),
        jobs=jobs, units=None if units is None else tuple(units.split(",")), force=force, zip=zip_)
    progress = _Progress()
    try:
        result = batch.batch(request, progress.start, progress.advance)
    finally:
        progress.stop()
    for warning in result.warnings:
        typer.echo(f"Cảnh báo: {warning}", err=True)
    if result.zip is not None:
        typer.echo(str(result.zip))
    made = len(result.records) - result.skipped
    typer.echo(f"Xong {len(result.records)}/{result.planned} văn bản trong {result.seconds:.1f} giây "
               f"({made} sinh mới, {result.skipped} không đổi nên bỏ qua); {result.workers} tiến trình, "
               f"bộ nhớ đỉnh mỗi tiến trình {result.peak_rss_mib:.0f} MiB.")
    typer.echo(f"Kết quả: {result.folder}")
    typer.echo(f"Manifest: {result.manifest}")
    if result.failures:
        typer.echo(f"{len(result.failures)} văn bản không sinh được:", err=True)
        for failure in result.failures:
            typer.echo(f"  - {failure.unit_code or 'công văn'}: {failure.reason}", err=True)
        raise typer.Exit(1)


class _Progress:
    """A rich progress bar on a terminal; plain lines otherwise."""

    def __init__(self) -> None:
        self.total, self.done = 0, 0
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        self.total = total
        if sys.stderr.isatty():
            self.bar = Progress(TextColumn("Đang sinh văn bản"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("batch", total=total)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, result: batch.JobResult) -> None:
        self.done += 1
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)
            return
        name = result.job.unit_code or "công văn"
        status = "lỗi" if result.failure else ("không đổi" if result.record and result.record.skipped else "xong")
        print(f"[{self.done}/{self.total}] {name}: {status}", file=sys.stderr, flush=True)
