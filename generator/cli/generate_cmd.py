"""`congvan generate`: the authority's monthly dispatch as DOCX and PDF, with a manifest."""

from __future__ import annotations

from pathlib import Path

import typer

from generator.build import generate as build_dispatch
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


def register(app: typer.Typer) -> None:
    app.command("generate", help=(
        "Sinh công văn công khai kết quả tháng, quý hoặc năm của địa phương (DOCX, PDF) và manifest.json.\n\n"
        "Không có --number và --date thì số và ngày để trống cho văn thư điền. --signer chọn người ký trong "
        "hồ sơ cơ quan (mặc định: người ký ghi ở mục signer).\n\n"
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
    signer: SignerOpt = None,
) -> None:
    """Everything is rendered in memory first; files are written only when all succeeded."""
    request = build_request(snapshot, out, formats, number, date, history, profile, official, signer)
    result = build_dispatch(request)
    for warning in result.warnings:
        typer.echo(f"Cảnh báo: {warning}", err=True)
    if result.draft:
        typer.echo("Lưu ý: mẫu chưa được phê duyệt, văn bản mang dấu “DỰ THẢO”.", err=True)
    for path in result.files:
        typer.echo(str(path))
    typer.echo(str(result.manifest))
