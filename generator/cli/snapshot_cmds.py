"""`congvan validate` and `congvan inspect`: look at a snapshot before generating anything."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from generator.analysis import SERIES_LENGTH, RankedTable, Target, analyse, authority_line, ranked_tables
from generator.cli.options import HistoryOpt, ProfileOpt, SnapshotArg
from generator.common import formatting
from generator.common.errors import ConfigError
from generator.config import find_profile, kind_labels, load_profile
from generator.output import write_workbook
from generator.snapshot import Snapshot, UnitKind, load_history, load_snapshot


def register(app: typer.Typer) -> None:
    app.command("validate", help=(
        "Kiểm tra tệp số liệu theo định dạng quy định; báo mọi lỗi kèm TỆP:DÒNG:CỘT.\n\n"
        "Ví dụ: congvan validate fixtures/ha-noi/2024-07.xlsx"))(validate)
    app.command("inspect", help=(
        "Xem bảng xếp hạng theo từng loại đơn vị: tổng điểm, hạng, thay đổi so với các kỳ trước.\n\n"
        "Ví dụ: congvan inspect fixtures/ha-noi/2024-07.xlsx --history fixtures/ha-noi --xlsx phan-tich.xlsx"))(inspect)


def validate(snapshot: SnapshotArg) -> None:
    """Exit 0 with a one-screen summary, or 2 with every problem."""
    data = load_snapshot(snapshot)
    meta = data.meta
    print(f"Tệp hợp lệ: {data.path}")
    print(f"  Cơ quan: {meta.authority_name}" + (f" (mã {meta.authority_code})" if meta.authority_code else ""))
    print(f"  Kỳ báo cáo: {meta.period.phrase}; số liệu tính tại {formatting.cutoff_time(meta.cutoff)}")
    rank = f", xếp hạng {meta.rank}/{meta.ranked_count}" if meta.rank else ""
    print(f"  Tổng điểm: {formatting.score(meta.score)}/100{rank}")
    labels = kind_labels(meta.period)
    for kind in UnitKind:
        units = [u for u in data.units if u.kind == kind]
        if units:
            missing = sum(1 for u in units if u.total is None)
            note = f" ({missing} đơn vị thiếu số liệu)" if missing else ""
            print(f"  {labels[kind].capitalize()}: {len(units)} đơn vị{note}")
    if data.indicators:
        print(f"  Chỉ số thành phần: {len(data.indicators)} dòng")
    if data.overdue_total is not None:
        print(f"  Hồ sơ quá hạn (lũy kế): {formatting.count(data.overdue_total)}")
    _print_warnings(data.warnings)


XlsxOpt = Annotated[Path | None, typer.Option(
    "--xlsx", help="Ghi thêm kết quả phân tích ra tệp Excel (.xlsx): trang địa phương, mỗi loại đơn vị một trang, "
    "trang chuỗi thời gian.", show_default=False)]


def inspect(snapshot: SnapshotArg, history: HistoryOpt = None, profile: ProfileOpt = None,
            xlsx: XlsxOpt = None) -> None:
    """Ranked tables per kind, drawn with rich on a terminal and as plain text otherwise; `--xlsx` also
    writes the analysis as a workbook."""
    data = load_snapshot(snapshot)
    earlier = load_history(data, history, periods_back=SERIES_LENGTH - 1)
    targets, labels, note = _targets(data, profile)
    analysis = analyse(data, earlier.as_mapping(), targets, labels)
    console = Console(highlight=False, soft_wrap=False) if sys.stdout.isatty() else None
    print(authority_line(analysis))
    for table in ranked_tables(analysis):
        if console is not None:
            console.print(_rich_table(table))
        else:
            _print_plain(table)
    if note:
        print(note)
    if xlsx is not None:
        print(f"Đã ghi bảng tính: {write_workbook(analysis, xlsx)}")
    _print_warnings(data.warnings + earlier.warnings)


def _targets(data: Snapshot, profile_path: Path | None
             ) -> tuple[tuple[Target, ...], dict[UnitKind, str], str | None]:
    """The profile's targets for the snapshot's year and its kind labels for the period; without a
    profile, no targets, the era's labels and a note saying so."""
    period = data.meta.period
    try:
        profile = load_profile(profile_path) if profile_path else find_profile(data.meta)
    except ConfigError as error:
        if profile_path:
            raise
        return (), kind_labels(period), f"Ghi chú: {error.message} Chưa đối chiếu chỉ tiêu."
    return profile.targets_for(period.year), profile.kind_labels_for(period), None


def _rich_table(table: RankedTable) -> Table:
    drawn = Table(title=table.title)
    for heading, numeric in zip(table.headings, table.numeric, strict=True):
        drawn.add_column(heading, justify="right" if numeric else "left")
    for row in table.rows:
        drawn.add_row(*row)
    return drawn


def _print_plain(table: RankedTable) -> None:
    rows = [table.headings, *table.rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(table.headings))]
    print(f"\n{table.title}")
    for row in rows:
        cells = [c.rjust(w) if numeric else c.ljust(w)
                 for c, w, numeric in zip(row, widths, table.numeric, strict=True)]
        print("  ".join(cells).rstrip())


def _print_warnings(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        print(f"Cảnh báo: {warning}", file=sys.stderr)
