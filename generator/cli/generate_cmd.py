"""`congvan generate`: the authority's monthly dispatch as DOCX and PDF, with a manifest."""

from __future__ import annotations

from pathlib import Path

import typer

from generator.cli.options import (DateOpt, FormatsOpt, HistoryOpt, NumberOpt, OfficialOpt, OutOpt, ProfileOpt,
                                   SnapshotArg, parse_date, parse_formats, parse_number)
from generator.output.files import write_atomic
from generator.output.layout import dispatch_stem, run_folder
from generator.output.manifest import DocumentRecord, Manifest, TemplateRecord, file_record, keep_other_documents
from generator.pipeline import DISPATCH_TEMPLATE, dispatch_document, prepare
from generator.render.base import renderer_for
from generator.templating.manifest import find_template
from generator.templating.policy import require_usable


def register(app: typer.Typer) -> None:
    app.command("generate", help=(
        "Sinh công văn công khai kết quả tháng của địa phương (DOCX, PDF) và manifest.json.\n\n"
        "Không có --number và --date thì số và ngày để trống cho văn thư điền.\n\n"
        "Ví dụ: congvan generate fixtures/ha-noi/2024-07.xlsx --out output/ --number 2562 --date 2024-08-06"))(generate)


def generate(
    snapshot: SnapshotArg,
    out: OutOpt = Path("output"),
    formats: FormatsOpt = "docx,pdf",
    number: NumberOpt = None,
    date: DateOpt = None,
    profile: ProfileOpt = None,
    history: HistoryOpt = None,
    official: OfficialOpt = False,
) -> None:
    """Everything is rendered in memory first; files are written only when all succeeded."""
    wanted = parse_formats(formats)
    issue_date = parse_date(date)
    issue_number = parse_number(number)
    prepared = prepare(snapshot, history, profile)
    template = find_template(DISPATCH_TEMPLATE)
    require_usable((template, prepared.rules), official)
    document = dispatch_document(prepared, template, issue_number, issue_date)
    layout = prepared.profile.to_layout()
    rendered = {fmt: renderer_for(fmt, layout).render(document) for fmt in wanted}

    folder = run_folder(out, prepared)
    stem = dispatch_stem(prepared)
    paths = []
    for fmt, data in rendered.items():
        path = folder / f"{stem}.{fmt}"
        write_atomic(path, data)
        paths.append((fmt, path))
    manifest = Manifest(
        snapshot_path=str(prepared.snapshot.path),
        snapshot_sha256=prepared.snapshot.sha256,
        profile_id=prepared.profile.id,
        templates=(TemplateRecord.of(template), TemplateRecord.of(prepared.rules)),
        documents=(DocumentRecord(template.id, None, tuple(file_record(folder, p, f) for f, p in paths)),),
        options={"number": issue_number, "date": issue_date.isoformat() if issue_date else None,
                 "formats": list(wanted), "official": official},
    )
    manifest_path = keep_other_documents(manifest, folder).write(folder)
    for warning in prepared.warnings:
        typer.echo(f"Cảnh báo: {warning}", err=True)
    if template.is_draft or prepared.rules.is_draft:
        typer.echo("Lưu ý: mẫu chưa được phê duyệt, văn bản mang dấu “DỰ THẢO”.", err=True)
    for _, path in paths:
        typer.echo(str(path))
    typer.echo(str(manifest_path))
