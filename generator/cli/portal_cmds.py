"""`congvan fetch` and `congvan import`: the portal's own responses as the way in. Thin: options in,
the portal stage does the work, its findings out."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.options import ProfileOpt
from generator.common.errors import UsageError
from generator.snapshot import Period

PeriodOpt = Annotated[str | None, typer.Option(
    "--period", help="Kỳ đánh giá: tháng YYYY-MM, quý YYYY-Qn hoặc năm YYYY, ví dụ 2026-08, 2026-Q3, 2026.",
    show_default=False)]
CutoffOpt = Annotated[str | None, typer.Option(
    "--cutoff", help="Thời điểm lấy số liệu (ISO 8601, không ghi múi giờ là giờ Việt Nam), ví dụ "
    "2026-09-26T10:00:00+07:00. Chỉ cần khi thư mục không có capture.json.", show_default=False)]
FolderArg = Annotated[Path, typer.Argument(metavar="THƯ_MỤC_CỔNG",
    help="Thư mục chứa 6 phản hồi của Cổng (transparency.json, dvc-progress-tree.json, ...), "
         "thường do congvan fetch tạo.", show_default=False)]
SnapshotOutOpt = Annotated[Path, typer.Option(
    "--out", help="Tệp số liệu cần ghi: .json, hoặc .xlsx để mở bằng Excel.", show_default=False)]


def register(app: typer.Typer) -> None:
    app.command("import", help=(
        "Chuyển 6 phản hồi của Cổng Dịch vụ công quốc gia thành tệp số liệu (JSON hoặc XLSX).\n\n"
        "Kỳ và thời điểm lấy số liệu lấy từ capture.json do congvan fetch ghi; thư mục không có capture.json "
        "thì phải ghi --period và --cutoff. Tên đơn vị được chuẩn hóa theo NĐ 30 (danh sách tên đã đổi được in "
        "ra); đơn vị thiếu số liệu một nhóm để trống nhóm đó.\n\n"
        "Ví dụ: congvan import du-lieu/phu-tho-2026-08 --out so-lieu/2026-08.xlsx"))(import_command)
    app.command("fetch", help=(
        "Thu 6 phản hồi báo cáo của một tỉnh, thành phố trên Cổng Dịch vụ công quốc gia cho một kỳ, "
        "lưu nguyên văn kèm capture.json (thời gian, địa chỉ, tham số, SHA-256).\n\n"
        "Chạy lại cùng lệnh sau khi bị ngắt sẽ chỉ thu phần còn thiếu.\n\n"
        "Ví dụ: congvan fetch --province H44 --period 2026-08 --out du-lieu/phu-tho-2026-08"))(fetch_command)


def import_command(
    folder: FolderArg,
    out: SnapshotOutOpt,
    period: PeriodOpt = None,
    cutoff: CutoffOpt = None,
    profile: ProfileOpt = None,
) -> None:
    from generator.portal import ImportRequest, import_portal

    result = import_portal(ImportRequest(folder, out, _period(period), _cutoff(cutoff), profile))
    snapshot = result.snapshot
    for old, new in result.renamed:
        typer.echo(f"Đổi tên: {old} → {new}")
    for gap in result.gaps:
        typer.echo(f"Thiếu số liệu: {gap}")
    for warning in result.warnings:
        typer.echo(f"Cảnh báo: {warning}", err=True)
    meta = snapshot.meta
    typer.echo(f"Đã ghi {out}: {meta.authority_name}, {meta.period.phrase}, {len(snapshot.units)} đơn vị, "
               f"{len(snapshot.indicators)} dòng chỉ số thành phần; {len(result.renamed)} tên đã chuẩn hóa, "
               f"{len(result.gaps)} nhóm để trống.")


ProvinceOpt = Annotated[str, typer.Option(
    "--province", help="Mã (H44) hoặc tên (Phú Thọ) của tỉnh, thành phố.", show_default=False)]
RequiredPeriodOpt = Annotated[str, typer.Option(
    "--period", help="Kỳ đánh giá: tháng YYYY-MM, quý YYYY-Qn hoặc năm YYYY.", show_default=False)]
FetchOutOpt = Annotated[Path, typer.Option(
    "--out", help="Thư mục lưu các phản hồi (tạo mới nếu chưa có).", show_default=False)]
PortalOpt = Annotated[str, typer.Option("--portal", help="Địa chỉ Cổng.")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, help="Số giây chờ mỗi phản hồi.")]
AttemptsOpt = Annotated[int, typer.Option("--attempts", min=1, max=20, help="Số lần thử mỗi yêu cầu.")]
IntervalOpt = Annotated[float, typer.Option("--interval", min=0.2, help="Số giây tối thiểu giữa hai yêu cầu.")]


def fetch_command(
    province: ProvinceOpt,
    period: RequiredPeriodOpt,
    out: FetchOutOpt,
    portal: PortalOpt = "https://dichvucong.gov.vn",
    timeout: TimeoutOpt = 30.0,
    attempts: AttemptsOpt = 5,
    interval: IntervalOpt = 1.0,
) -> None:
    from generator.portal import FetchSettings, fetch_portal, find_province

    chosen = _period(period)
    assert chosen is not None
    target = find_province(province)
    settings = FetchSettings(portal=portal.rstrip("/"), timeout=timeout, attempts=attempts, interval=interval)
    result = fetch_portal(target, chosen, out, settings, progress=lambda line: typer.echo(line, err=True))
    for warning in result.warnings:
        typer.echo(f"Cảnh báo: {warning}", err=True)
    typer.echo(f"Đã lưu {len(result.record.files)} phản hồi của {target.name} ({chosen.phrase}) vào {out} "
               f"(thu mới {result.requested}, giữ lại {result.reused}).")
    typer.echo(f"Bước tiếp theo: congvan import {out} --out {out / (str(chosen) + '.xlsx')}")


def _period(text: str | None) -> Period | None:
    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError:
        raise UsageError(f"--period không hợp lệ: “{text}”. Dùng tháng YYYY-MM, quý YYYY-Qn hoặc năm YYYY, "
                         "ví dụ 2026-08, 2026-Q3, 2026.") from None


def _cutoff(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--cutoff không hợp lệ: “{text}”. Dùng ISO 8601, ví dụ 2026-09-26T10:00:00+07:00.") from None
