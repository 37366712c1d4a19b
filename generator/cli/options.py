"""Options shared by several commands, declared once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from generator.build import BuildRequest
from generator.common.errors import UsageError
from generator.render import FORMATS, parse_formats

__all__ = ["parse_formats"]

SnapshotArg = Annotated[Path, typer.Argument(metavar="TỆP_SỐ_LIỆU",
    help="Tệp số liệu một kỳ: tháng, quý hoặc năm (.xlsx, .csv kèm .meta.yaml, hoặc .json).", show_default=False)]
HistoryOpt = Annotated[Path | None, typer.Option(
    "--history", help="Thư mục chứa số liệu các kỳ trước (mặc định: thư mục của tệp số liệu).",
    show_default=False)]
ProfileOpt = Annotated[Path | None, typer.Option(
    "--profile", help="Tệp hồ sơ cơ quan (YAML). Mặc định: chọn theo mã hoặc tên cơ quan trong số liệu.",
    show_default=False)]
OutOpt = Annotated[Path, typer.Option("--out", help="Thư mục ghi kết quả.")]
FormatsOpt = Annotated[str, typer.Option(
    "--formats", help=f"Định dạng cần sinh, cách nhau bởi dấu phẩy: {','.join(FORMATS)}.")]
NumberOpt = Annotated[str | None, typer.Option(
    "--number", help="Số văn bản. Bỏ trống để văn thư điền tay.", show_default=False)]
DateOpt = Annotated[str | None, typer.Option(
    "--date", help="Ngày ban hành YYYY-MM-DD. Bỏ trống để văn thư điền ngày.", show_default=False)]
OfficialOpt = Annotated[bool, typer.Option(
    "--official", help="Bản chính thức: từ chối dùng mẫu chưa được phê duyệt.")]
SignerOpt = Annotated[str | None, typer.Option(
    "--signer", help="Họ tên người ký, một người có trong hồ sơ cơ quan (signer hoặc signers). "
                     "Mặc định: người ký ghi ở mục signer.", show_default=False)]

def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--date không hợp lệ: “{text}”. Dùng dạng YYYY-MM-DD, ví dụ 2024-08-06.") from None


def parse_number(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    value = text.strip()
    if not value.isdigit():
        raise UsageError(f"--number không hợp lệ: “{text}”. Số văn bản chỉ gồm chữ số, ví dụ 2562.")
    return value


def build_request(snapshot: Path, out: Path, formats: str, number: str | None, date_text: str | None,
                  history: Path | None, profile: Path | None, official: bool,
                  signer: str | None = None) -> BuildRequest:
    """The options every building command shares, checked and typed."""
    return BuildRequest(snapshot, out, parse_formats(formats), parse_number(number), parse_date(date_text),
                        history, profile, official, signer.strip() if signer and signer.strip() else None)
