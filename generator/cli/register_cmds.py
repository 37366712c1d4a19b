"""`congvan users add`, `congvan register list|show` and `congvan verify`: the office's records.

The register (generator.register) lives under --data (default var/): accounts, the register of
issued documents and their files. These commands only read it, except `users add`.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from generator.cli.i18n import VietnameseTyper
from generator.common import formatting
from generator.common.errors import UsageError

if TYPE_CHECKING:  # SQLAlchemy is imported only by the commands that open the register
    from generator.register import Register

DataOpt = Annotated[Path, typer.Option(
    "--data", help="Thư mục dữ liệu của văn phòng: sổ đăng ký, tài khoản, tệp đã phát hành.")]
DEFAULT_DATA = Path("var")  # the same as generator.register.DEFAULT_DATA, without importing SQLAlchemy for --help

users_app = VietnameseTyper(
    help="Tài khoản người dùng trang web (cán bộ, pháp chế, quản trị).\n\n"
         "Ví dụ: congvan users add nguyen.van.a --role staff",
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
register_app = VietnameseTyper(
    help="Sổ theo dõi văn bản đi: các văn bản đã cấp số và phát hành.\n\nVí dụ: congvan register list",
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(register_app, name="register")
    app.command("verify", help=(
        "Kiểm tra một tệp DOCX/PDF có đúng từng byte là văn bản đã phát hành trong sổ không, và là văn bản nào.\n\n"
        "Mã thoát 0 khi khớp, 1 khi không khớp.\n\n"
        "Ví dụ: congvan verify cong-van-2024-07.pdf --data var/"))(verify_cmd)


@users_app.command("add", help=(
    "Tạo tài khoản với vai trò staff (cán bộ nghiệp vụ: tải số liệu, cấp số, phát hành), reviewer (pháp chế: "
    "thẩm định và phê duyệt mẫu) hoặc admin (quản trị tài khoản).\n\n"
    "Mật khẩu đọc từ đầu vào chuẩn khi không phải màn hình (dòng đầu tiên), nếu không thì hỏi hai lần.\n\n"
    "Ví dụ: printf '%s\\n' 'mat-khau-dai' | congvan users add nguyen.van.a --role staff --full-name \"Nguyễn Văn A\""))
def add_user(
    name: Annotated[str, typer.Argument(metavar="TÊN_ĐĂNG_NHẬP", help="Tên đăng nhập, ví dụ nguyen.van.a.",
                                        show_default=False)],
    role: Annotated[str, typer.Option("--role", help="Vai trò: staff, reviewer hoặc admin.", show_default=False)],
    full_name: Annotated[str, typer.Option("--full-name", help="Họ và tên, ghi vào sổ và vào phê duyệt mẫu.")] = "",
    data: DataOpt = DEFAULT_DATA,
) -> None:
    from generator.register import Register

    password = _read_password()
    user = Register(data).add_user(name, role, password, full_name)
    typer.echo(f"Đã tạo tài khoản “{user.name}” ({user.role.label}).")


@users_app.command("list", help="Liệt kê các tài khoản và vai trò.\n\nVí dụ: congvan users list --data var/")
def list_users(data: DataOpt = DEFAULT_DATA) -> None:
    for user in _existing(data).users():
        typer.echo(f"{user.name}\t{user.role.value}\t{user.full_name}")


def _existing(data: Path) -> Register:
    """The register in `data` for a command that only reads it: refused when there is none (a mistyped
    --data must not make an empty register and then report that nothing is registered)."""
    import os

    from generator.register import DATABASE_ENV, Register, database_file

    if not os.environ.get(DATABASE_ENV, "").strip():
        if not database_file(data).is_file():
            raise UsageError(f"Thư mục dữ liệu {data} chưa có sổ đăng ký ({database_file(data).name}); "
                             "kiểm tra lại --data (mặc định: var/)")
        return Register(data)
    register = Register(data, create=False)
    if not register.has_tables():
        register.close()
        raise UsageError(f"Cơ sở dữ liệu {DATABASE_ENV} chưa có sổ đăng ký (chưa có bảng nào); kiểm tra lại địa chỉ")
    return register


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise UsageError("Không đọc được mật khẩu từ đầu vào chuẩn (trống)")
        return line.rstrip("\r\n")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise UsageError("Hai lần nhập mật khẩu không giống nhau")
    return first


@register_app.command("list", help=(
    "Liệt kê sổ văn bản đi: số thứ tự, số và ký hiệu, ngày, kỳ số liệu, cơ quan, người phát hành.\n\n"
    "Ví dụ: congvan register list --data var/"))
def list_register(data: DataOpt = DEFAULT_DATA) -> None:
    documents = _existing(data).issued_list(limit=10_000)
    if not documents:
        typer.echo("Sổ văn bản đi chưa có văn bản nào.")
        return
    rows = [("STT", "Số, ký hiệu", "Ngày", "Kỳ", "Cơ quan", "Người phát hành", "Số tệp")]
    rows += [(str(d.id), d.reference, formatting.short_date(d.issue_date), d.period, d.authority,
              d.issued_by_name, str(len(d.files))) for d in documents]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])


@register_app.command("show", help=(
    "Xem một dòng của sổ: số, ngày, người ký, người phát hành, mã kiểm tra (sha256) của số liệu, của từng mẫu "
    "(mã, phiên bản) và của từng tệp.\n\nVí dụ: congvan register show 1 --data var/"))
def show_register(
    number: Annotated[int, typer.Argument(metavar="STT", help="Số thứ tự trong sổ (cột STT của register list).",
                                          show_default=False)],
    data: DataOpt = DEFAULT_DATA,
) -> None:
    from generator.register import local

    document = _existing(data).issued(number)
    if document is None:
        raise UsageError(f"Sổ văn bản đi không có dòng số {number}; xem: congvan register list")
    issued_at = local(document.issued_at)
    lines = [
        f"Văn bản số {document.reference} ngày {formatting.short_date(document.issue_date)} (dòng {document.id})",
        f"  Cơ quan: {document.authority} (hồ sơ {document.profile_id}); kỳ số liệu {document.period}",
        f"  Người ký: {document.signer}",
        f"  Người phát hành: {document.issued_by_name} ({document.issued_by}), lúc "
        f"{issued_at:%H:%M} ngày {formatting.short_date(issued_at.date())}",
        f"  Số liệu: {document.snapshot_name}, sha256 {document.snapshot_sha256}",
        "  Mẫu:",
        *(f"    {t.id} phiên bản {t.version} ({'đã phê duyệt' if t.status == 'approved' else 'dự thảo'}), "
          f"sha256 {t.sha256}" for t in document.templates),
        "  Tệp:",
        *(f"    {f.path} ({f.format.upper()}, {formatting.count(f.bytes)} byte), sha256 {f.sha256}"
          for f in document.files),
    ]
    typer.echo("\n".join(lines))


def verify_cmd(
    file: Annotated[Path, typer.Argument(metavar="TỆP", help="Tệp DOCX hoặc PDF cần kiểm tra.", show_default=False)],
    data: DataOpt = DEFAULT_DATA,
) -> None:
    """Exit 0 when the file is exactly a registered output, 1 when it is not."""
    from generator.register import verify

    matches = verify(_existing(data), file)
    if not matches:
        typer.echo(f"Không khớp: {file} không phải là tệp nào trong sổ văn bản đi (có thể đã bị sửa).")
        raise typer.Exit(1)
    for match in matches:
        d, f = match.document, match.file
        whose = f"thông báo cho đơn vị {f.unit_code}" if f.unit_code else "công văn"
        typer.echo(f"Khớp: {whose} số {d.reference} ngày {formatting.short_date(d.issue_date)} "
                   f"(dòng {d.id} của sổ), tệp {f.name} ({f.format.upper()}), phát hành bởi {d.issued_by_name}.")
