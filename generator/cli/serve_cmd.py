"""`congvan serve`: the office's web page (staff, reviewers, the register) on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from generator.cli.register_cmds import DEFAULT_DATA, DataOpt


def register(app: typer.Typer) -> None:
    app.command("serve", help=(
        "Chạy trang web cho văn phòng: cán bộ tải số liệu, xem trước, cấp số, phát hành, sinh hàng loạt; "
        "cán bộ pháp chế thẩm định và phê duyệt mẫu; sổ văn bản đi và kiểm tra tệp.\n\n"
        "Tạo tài khoản trước bằng: congvan users add TÊN --role staff|reviewer|admin\n\n"
        "Ví dụ: congvan serve --host 127.0.0.1 --port 8000 --data var/"))(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe (127.0.0.1: chỉ máy này).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Cổng.")] = 8000,
    data: DataOpt = DEFAULT_DATA,
    max_upload_mb: Annotated[int, typer.Option(
        "--max-upload-mb", min=1, max=1024, help="Dung lượng tối đa của một lần tải lên (MB).")] = 20,
    max_files: Annotated[int, typer.Option(
        "--max-files", min=1, max=100, help="Số tệp tối đa của một lần tải lên.")] = 10,
) -> None:
    from generator.web import WebSettings
    from generator.web import serve as run

    run(WebSettings(data=Path(data), max_upload_bytes=max_upload_mb * 1024 * 1024, max_upload_files=max_files),
        host, port)
