"""`congvan batch`: the monthly dispatch and one notice per unit, in parallel."""

from __future__ import annotations

import sys
import time
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer

from generator.cli.options import (DateOpt, FormatsOpt, HistoryOpt, NumberOpt, OfficialOpt, OutOpt, ProfileOpt,
                                   SnapshotArg, parse_date, parse_formats, parse_number)
from generator.errors import UsageError
from generator.output import batch
from generator.output.files import TEMPORARY_SUFFIX, atomic_target, make_folder, remove_stale_temporaries
from generator.output.layout import run_folder
from generator.output.manifest import Manifest, TemplateRecord
from generator.pipeline import DISPATCH_TEMPLATE, NOTICE_TEMPLATE, Prepared, prepare
from generator.templating.manifest import find_template
from generator.templating.policy import require_usable

JobsOpt = Annotated[Optional[int], typer.Option(
    "--jobs", "-j", min=1, help="Số tiến trình chạy song song (mặc định: số lõi CPU).", show_default=False)]
UnitsOpt = Annotated[Optional[str], typer.Option(
    "--units", help="Chỉ sinh thông báo cho các mã đơn vị này, cách nhau bởi dấu phẩy.", show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Sinh lại cả những văn bản không thay đổi.")]
ZipOpt = Annotated[bool, typer.Option("--zip", help="Đóng gói toàn bộ kết quả thành một tệp .zip.")]


def register(app: typer.Typer) -> None:
    app.command("batch", help=(
        "Sinh công văn tháng và thông báo riêng cho từng đơn vị (song song), kèm manifest.json.\n\n"
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
) -> None:
    wanted = parse_formats(formats)
    issue_date, issue_number = parse_date(date), parse_number(number)
    prepared = prepare(snapshot, history, profile)
    dispatch, notice = find_template(DISPATCH_TEMPLATE), find_template(NOTICE_TEMPLATE)
    templates = (dispatch, notice, prepared.rules)
    require_usable(templates, official)
    unit_codes = _unit_codes(units, prepared)

    folder = make_folder(run_folder(out, prepared))
    remove_stale_temporaries(folder)
    for leftover in folder.parent.glob(f".{folder.name}.zip.*{TEMPORARY_SUFFIX}"):  # a killed --zip
        leftover.unlink(missing_ok=True)
    plan = batch.plan(prepared, dispatch, notice, unit_codes)
    settings = batch.BatchSettings(folder, wanted, issue_number, issue_date, force, batch.program_fingerprint())
    workers = min(jobs or batch.default_workers(), len(plan))

    started = time.perf_counter()
    with _Progress(len(plan)) as progress:
        results = batch.run(plan, prepared, templates, settings, workers, progress.advance)
    elapsed = time.perf_counter() - started

    # Results arrive as workers finish; the manifest lists documents in plan order.
    position = {job.unit_code: i for i, job in enumerate(plan)}
    records = tuple(sorted((r.record for r in results if r.record is not None),
                           key=lambda record: position[record.unit_code]))
    failures = tuple(sorted((r.failure for r in results if r.failure is not None),
                            key=lambda failure: position[failure.unit_code]))
    stats = batch.worker_stats(results)
    peak = max((s.peak_rss_mib for s in stats), default=0.0)
    manifest = Manifest(
        snapshot_path=str(prepared.snapshot.path),
        snapshot_sha256=prepared.snapshot.sha256,
        profile_id=prepared.profile.id,
        templates=tuple(TemplateRecord.of(t) for t in templates),
        documents=records,
        failures=failures,
        options={"formats": list(wanted), "number": issue_number, "jobs": workers, "force": force,
                 "units": list(unit_codes) if unit_codes else None, "official": official,
                 "date": issue_date.isoformat() if issue_date else None},
        run={"seconds": round(elapsed, 2), "workers": workers, "peak_rss_mib": peak,
             "worker_memory": [asdict(s) for s in stats]},
    )
    manifest_path = manifest.write(folder)
    if zip_:
        typer.echo(str(_zip(folder, manifest)))
    skipped = sum(1 for r in records if r.skipped)
    typer.echo(f"Xong {len(records)}/{len(plan)} văn bản trong {elapsed:.1f} giây "
               f"({len(records) - skipped} sinh mới, {skipped} không đổi nên bỏ qua); {workers} tiến trình, "
               f"bộ nhớ đỉnh mỗi tiến trình {peak:.0f} MiB.")
    typer.echo(f"Kết quả: {folder}")
    typer.echo(f"Manifest: {manifest_path}")
    if failures:
        typer.echo(f"{len(failures)} văn bản không sinh được:", err=True)
        for failure in failures:
            typer.echo(f"  - {failure.unit_code or 'công văn'}: {failure.reason}", err=True)
        raise typer.Exit(1)


def _unit_codes(units: str | None, prepared: Prepared) -> tuple[str, ...] | None:
    if units is None:
        return None
    codes = tuple(dict.fromkeys(c.strip() for c in units.split(",") if c.strip()))
    known = {u.code for u in prepared.analysis.units}
    unknown = [c for c in codes if c not in known]
    if unknown or not codes:
        raise UsageError(f"--units có mã đơn vị không có trong số liệu: {', '.join(unknown) or '(trống)'}")
    return codes


def _zip(folder: Path, manifest: Manifest) -> Path:
    """All listed files plus the manifest, written atomically beside the folder."""
    target = folder.with_name(f"{folder.name}.zip")
    with atomic_target(target) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for record in manifest.documents:
                for f in record.files:
                    archive.write(folder / f.path, f.path)
            archive.write(folder / "manifest.json", "manifest.json")
    return target


class _Progress:
    """A rich progress bar on a terminal; plain lines otherwise."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("Đang sinh văn bản"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=True)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("batch", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, result: batch.JobResult) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.advance(self.task)
            return
        name = result.job.unit_code or "công văn"
        status = "lỗi" if result.failure else ("không đổi" if result.record and result.record.skipped else "xong")
        print(f"[{self.done}/{self.total}] {name}: {status}", file=sys.stderr, flush=True)
