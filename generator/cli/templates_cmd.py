"""`congvan templates ...`: list, check, review, approve and diff the reviewed templates."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from generator.cli.i18n import VietnameseTyper
from generator.common import formatting
from generator.common.errors import TemplateError, UsageError
from generator.content import TemplateInfo, all_templates, find_template

app = VietnameseTyper(
    help=("Quản lý mẫu văn bản và tệp quy tắc chỉ đạo: xem trạng thái, kiểm tra, lập hồ sơ thẩm định, "
          "phê duyệt, so sánh phiên bản.\n\nVí dụ: congvan templates list"),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="templates")


STATUS_VI = {"approved": "đã phê duyệt", "draft": "dự thảo"}
HEADERS = ("Mã", "Phiên bản", "Trạng thái", "Sửa sau phê duyệt", "Người phê duyệt", "Ngày phê duyệt", "Tên")

IdArg = Annotated[str, typer.Argument(
    metavar="MÃ_MẪU", help="Mã mẫu, ví dụ monthly_dispatch (xem: congvan templates list).", show_default=False)]


def _row(info: TemplateInfo) -> tuple[str, ...]:
    return (info.id, str(info.version), STATUS_VI[info.status], "có" if info.changed_since_approval else "không",
            info.approved_by or "", formatting.short_date(info.approved_on) if info.approved_on else "", info.title)


@app.command("list", help="Liệt kê các mẫu: mã, phiên bản, trạng thái, có bị sửa sau khi phê duyệt không.\n\n"
                          "Ví dụ: congvan templates list")
def list_templates() -> None:
    rows = [_row(info) for info in all_templates()]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Các mẫu văn bản và tệp quy tắc")
        for i, header in enumerate(HEADERS):  # short columns as wide as their values; the title takes the rest
            if header == "Tên":
                table.add_column(header, ratio=1)
                continue
            longest_word = max(len(word) for word in header.split())
            table.add_column(header, width=max([longest_word, *(len(r[i]) for r in rows)]))
        for row in rows:
            style = "green" if row[2] == STATUS_VI["approved"] else ("red" if row[3] == "có" else "yellow")
            table.add_row(*row, style=style)
        Console().print(table)
        return
    widths = [max(len(r[i]) for r in [HEADERS, *rows]) for i in range(len(HEADERS) - 1)]
    for row in [HEADERS, *rows]:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])


@app.command("check", help=(
    "Kiểm tra mẫu: cú pháp, biến không có trong danh mục (kèm gợi ý “có phải … ?”), bộ lọc không có, "
    "tệp quy tắc không đọc được. Có lỗi thì in TỆP:DÒNG: lỗi và thoát với mã 2.\n\n"
    "Không nêu mã thì kiểm tra mọi mẫu.\n\nVí dụ: congvan templates check monthly_dispatch"))
def check(template_id: Annotated[str | None, typer.Argument(
        metavar="[MÃ_MẪU]", help="Mã mẫu; bỏ trống để kiểm tra tất cả.", show_default=False)] = None) -> None:
    from generator.review import check_template, require_clean

    infos = (find_template(template_id),) if template_id else all_templates()
    results = tuple(check_template(info) for info in infos)
    for result in results:
        if result.ok:
            typer.echo(f"Đạt: {result.summary()}")
    require_clean(results)


@app.command("catalogue", help=(
    "In danh mục biến và bộ lọc mẫu được dùng (Markdown), sinh từ mô hình dữ liệu.\n\n"
    "--write ghi ra docs/template-variables.md; --check báo lỗi (mã 2) khi tệp đó đã cũ.\n\n"
    "Ví dụ: congvan templates catalogue --write"))
def catalogue(
    write: Annotated[bool, typer.Option("--write", help="Ghi ra docs/template-variables.md.")] = False,
    check_only: Annotated[bool, typer.Option("--check", help="Chỉ kiểm tra tệp đã ghi có khớp không.")] = False,
    file: Annotated[Path | None, typer.Option(
        "--file", help="Tệp tài liệu cần ghi hoặc kiểm tra (mặc định: docs/template-variables.md trong mã nguồn).",
        show_default=False)] = None,
) -> None:
    from generator.review import CATALOGUE_PATH, catalogue_markdown, write_catalogue

    text = catalogue_markdown()
    target = file or CATALOGUE_PATH
    if check_only:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            raise TemplateError(f"{target} đã cũ so với mô hình dữ liệu; "
                                "chạy: congvan templates catalogue --write")
        typer.echo(f"Đạt: {target} khớp với mô hình dữ liệu.")
    elif write:
        typer.echo(str(write_catalogue(target)))
    else:
        typer.echo(text, nl=False)


@app.command("review", help=(
    "Lập hồ sơ thẩm định (PDF và DOCX) cho cán bộ pháp chế: lời văn của mẫu với các biến số tô vàng và giải "
    "thích, điều kiện của từng đoạn bằng lời, các quy tắc chỉ đạo, văn bản sinh thử trên số liệu mẫu.\n\n"
    "Mặc định ghi vào output/review/MÃ-vPHIÊN_BẢN.pdf (và .docx cùng tên).\n\n"
    "Ví dụ: congvan templates review monthly_dispatch"))
def review(
    template_id: IdArg,
    out: Annotated[Path | None, typer.Option("--out", help="Tệp PDF cần ghi; tệp DOCX ghi cùng chỗ.",
                                                show_default=False)] = None,
    samples: Annotated[Path | None, typer.Option(
        "--samples", help="Thư mục số liệu các tháng của một cơ quan để sinh thử (mặc định: bộ mẫu kèm chương trình).",
        show_default=False)] = None,
) -> None:
    from generator.review import SAMPLES_DIR, build_review, default_output, write_review

    info = find_template(template_id)
    pack = build_review(info, samples=samples or SAMPLES_DIR)
    pdf, docx = write_review(pack, (out or default_output(info)).with_suffix(".pdf"))
    typer.echo(f"Hồ sơ thẩm định “{info.id}” phiên bản {info.version}: {len(pack.variables)} biến, "
               f"{len(pack.conditions)} điều kiện, {pack.samples} trường hợp sinh thử.")
    typer.echo(str(pdf))
    typer.echo(str(docx))


@app.command("approve", help=(
    "Phê duyệt mẫu: ghi người phê duyệt, ngày (hôm nay) và mã kiểm tra các tệp vào manifest.yaml. "
    "Mẫu còn lỗi (theo templates check) thì không phê duyệt được. Sửa tệp sau khi phê duyệt thì mẫu tự trở lại "
    "dự thảo.\n\nVí dụ: congvan templates approve monthly_dispatch --by \"Nguyễn Văn A\""))
def approve_cmd(
    template_id: IdArg,
    by: Annotated[str, typer.Option("--by", help="Họ tên người phê duyệt.", show_default=False)],
) -> None:
    from generator.review import approval_line, approve

    typer.echo(approval_line(approve(find_template(template_id), by)))


@app.command("diff", help=(
    "So sánh lời văn của mẫu giữa hai phiên bản, đúng như hồ sơ thẩm định trình bày: biến số là ‹ý nghĩa›, "
    "điều kiện viết bằng lời (“► Đoạn sau chỉ có khi …”, “[nếu …: …]”). Chỉ in các đoạn có thay đổi, mỗi đoạn "
    "kèm tệp, dòng và mục; từ bị bỏ in [-…-], từ thêm in {+…+} (có màu khi in ra màn hình); cuối cùng là số đoạn "
    "thay đổi, thêm, bỏ. Mọi tệp của mẫu đều được so sánh, kể cả tệp cụm từ dùng chung.\n\n"
    "--from/--to là phiên bản git (mã commit, nhánh, thẻ) hoặc hai đường dẫn tệp; không có --to thì so với bản "
    "hiện tại. --raw so sánh nguyên văn mã nguồn (cả cú pháp Jinja và thẻ), từng dòng; phiên bản có lỗi cú pháp "
    "cũng được so sánh như vậy, kèm ghi chú.\n\n"
    "Ví dụ: congvan templates diff monthly_dispatch --from HEAD~1"))
def diff(
    template_id: IdArg,
    from_: Annotated[str, typer.Option("--from", help="Phiên bản cũ: phiên bản git hoặc đường dẫn tệp.",
                                       show_default=False)],
    to: Annotated[str | None, typer.Option("--to", help="Phiên bản mới (mặc định: bản hiện tại).",
                                              show_default=False)] = None,
    raw: Annotated[bool, typer.Option("--raw", help="So sánh nguyên văn mã nguồn của tệp mẫu, từng dòng.")] = False,
    context: Annotated[int, typer.Option("--context", metavar="SỐ_ĐOẠN",
                                         help="In thêm chừng ấy đoạn không đổi trước và sau mỗi thay đổi.")] = 0,
) -> None:
    from generator.review import report, template_diffs

    if context < 0:
        raise UsageError(f"--context phải là số đoạn, từ 0 trở lên (đã nhận {context})")

    _print_report(report(template_diffs(find_template(template_id), from_, to, raw=raw), context))


_STYLES = {"removed": "red strike", "added": "green bold", "heading": "bold", "context": "dim", "note": "", "same": ""}


def _print_report(lines) -> None:  # type: ignore[no-untyped-def]
    if not sys.stdout.isatty():
        for line in lines:
            typer.echo("".join(piece.marked() for piece in line))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for line in lines:
        text = Text()
        for piece in line:
            text.append(piece.marked(), style=_STYLES.get(piece.kind, ""))
        console.print(text)
