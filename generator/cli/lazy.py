"""The root command group, which imports a command's module only when that command is used.

`congvan --help` lists every command from `COMMANDS` without importing any of them; `congvan generate`
imports generate_cmd and what it needs, not the batch machinery, the progress bar or the web stack.
Each entry names the module whose `register(app)` declares the command and the one-line summary the
listing shows (tests/test_cli.py checks it is the first paragraph of the command's own help).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import typer

from generator.cli.i18n import UsageError, VietnameseGroup, VietnameseTyper


@dataclass(frozen=True)
class LazyCommand:
    name: str
    module: str  # its register(app) declares the command
    summary: str  # the first paragraph of its help, as `congvan --help` lists it


COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand("fetch", "generator.cli.portal_cmds",
                "Thu 6 phản hồi báo cáo của một tỉnh, thành phố trên Cổng Dịch vụ công quốc gia cho một kỳ, "
                "lưu nguyên văn kèm capture.json (thời gian, địa chỉ, tham số, SHA-256)."),
    LazyCommand("import", "generator.cli.portal_cmds",
                "Chuyển 6 phản hồi của Cổng Dịch vụ công quốc gia thành tệp số liệu (JSON hoặc XLSX)."),
    LazyCommand("validate", "generator.cli.snapshot_cmds",
                "Kiểm tra tệp số liệu theo định dạng quy định; báo mọi lỗi kèm TỆP:DÒNG:CỘT."),
    LazyCommand("inspect", "generator.cli.snapshot_cmds",
                "Xem bảng xếp hạng theo từng loại đơn vị: tổng điểm, hạng, thay đổi so với các kỳ trước."),
    LazyCommand("generate", "generator.cli.generate_cmd",
                "Sinh công văn công khai kết quả tháng, quý hoặc năm của địa phương (DOCX, PDF) và manifest.json."),
    LazyCommand("batch", "generator.cli.batch_cmd",
                "Sinh công văn (tháng, quý hoặc năm) và thông báo riêng cho từng đơn vị (song song), "
                "kèm manifest.json."),
    LazyCommand("serve", "generator.cli.serve_cmd",
                "Chạy trang web cho văn phòng: cán bộ tải số liệu, xem trước, cấp số, phát hành, sinh hàng loạt; "
                "cán bộ pháp chế thẩm định và phê duyệt mẫu; sổ văn bản đi và kiểm tra tệp."),
    LazyCommand("verify", "generator.cli.register_cmds",
                "Kiểm tra một tệp DOCX/PDF có đúng từng byte là văn bản đã phát hành trong sổ không, "
                "và là văn bản nào."),
    LazyCommand("templates", "generator.cli.templates_cmd",
                "Quản lý mẫu văn bản và tệp quy tắc chỉ đạo: xem trạng thái, kiểm tra, lập hồ sơ thẩm định, "
                "phê duyệt, so sánh phiên bản."),
    LazyCommand("users", "generator.cli.register_cmds",
                "Tài khoản người dùng trang web (cán bộ, pháp chế, quản trị)."),
    LazyCommand("register", "generator.cli.register_cmds",
                "Sổ theo dõi văn bản đi: các văn bản đã cấp số và phát hành."),
)


class _Listed(typer.core.TyperCommand):
    """What the root's help shows for a command not loaded: its name and summary, nothing imported."""


class LazyGroup(VietnameseGroup):
    """The root group: commands come from `COMMANDS`, each module imported on first use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries = {entry.name: entry for entry in COMMANDS}
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self._entries, *(name for name in self.commands if name not in self._entries)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        loaded = self.commands.get(cmd_name)
        if loaded is not None:
            return loaded
        entry = self._entries.get(cmd_name)
        if entry is None:
            return None
        if self._listing:
            return _Listed(name=entry.name, help=entry.summary)
        self._load(entry.module)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            if args and not args[0].startswith("-") and args[0] not in self._entries:
                error.possibilities = get_close_matches(args[0], list(self._entries))  # type: ignore[attr-defined]
            raise

    def _load(self, module_name: str) -> None:
        """Import one command module and take every command its register() declares."""
        module = importlib.import_module(module_name)
        scratch = VietnameseTyper(rich_markup_mode="rich")
        module.register(scratch)
        for name, command in typer.main.get_group(scratch).commands.items():
            self.commands.setdefault(name, command)

    def load_all(self) -> None:
        """Every command for real (tests walk the whole tree)."""
        for module in dict.fromkeys(entry.module for entry in COMMANDS):
            self._load(module)
