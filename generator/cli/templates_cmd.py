"""`congvan templates ...`: list, check, review, approve and diff the reviewed templates."""

from __future__ import annotations

import typer

from generator.templating.manifest import all_templates

app = typer.Typer(
    help=("Quản lý mẫu văn bản và tệp quy tắc chỉ đạo: xem trạng thái, kiểm tra, lập hồ sơ thẩm định, "
          "phê duyệt, so sánh phiên bản.\n\nVí dụ: congvan templates list"),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

STATUS_VI = {"approved": "đã phê duyệt", "draft": "dự thảo"}


@app.command("list", help="Liệt kê các mẫu: mã, phiên bản, trạng thái, có bị sửa sau khi phê duyệt không.\n\n"
                          "Ví dụ: congvan templates list")
def list_templates() -> None:
    for info in all_templates():
        changed = "đã sửa sau phê duyệt" if info.changed_since_approval else ""
        typer.echo(f"{info.id:<20} v{info.version:<3} {STATUS_VI[info.status]:<14} {changed}".rstrip())
