"""`congvan templates approve`: record who approved a template, when, and the hash of its files.

The manifest is rewritten line by line (only the four approval keys change; key order, the
`files:` list and any comments stay as written). A template `templates check` finds problems in
is refused.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from generator.common import formatting
from generator.common.errors import TemplateError, UsageError
from generator.content import TemplateInfo, load_template_info
from generator.review.check import check_template, require_clean

APPROVAL_KEYS = ("status", "approved_by", "approved_on", "approved_sha256")


def approve(info: TemplateInfo, by: str, on: date | None = None) -> TemplateInfo:
    """Approve `info` as its files are now; returns the manifest as reloaded (status "approved")."""
    name = " ".join(by.split())
    if not name:
        raise UsageError("--by không được để trống: ghi họ tên người phê duyệt, ví dụ --by \"Nguyễn Văn A\"")
    require_clean((check_template(info),))
    when = on or date.today()
    values = {"status": "approved", "approved_by": json.dumps(name, ensure_ascii=False),
              "approved_on": when.isoformat(), "approved_sha256": info.sha256}
    path = info.manifest_path
    path.write_text(set_top_level_keys(path.read_text(encoding="utf-8"), values), encoding="utf-8")
    approved = load_template_info(info.directory)
    if approved.status != "approved":  # the files changed while we wrote: say so rather than pretend
        raise TemplateError(f"Chưa phê duyệt được “{info.id}”: các tệp của mẫu vừa thay đổi, hãy chạy lại lệnh")
    return approved


def set_top_level_keys(text: str, values: dict[str, str]) -> str:
    """Replace the value of each top-level `key:` line in place; keys not present are appended."""
    lines = text.splitlines()
    done: set[str] = set()
    for i, line in enumerate(lines):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) in values:
            key = match.group(1)
            lines[i] = f"{key}: {values[key]}"
            done.add(key)
    lines += [f"{key}: {value}" for key, value in values.items() if key not in done]
    return "\n".join(lines) + "\n"


def approval_line(info: TemplateInfo) -> str:
    """The Vietnamese confirmation printed after approving."""
    when = formatting.short_date(info.approved_on) if info.approved_on else ""
    return (f"Đã phê duyệt “{info.id}” phiên bản {info.version}: {info.approved_by}, ngày {when}; "
            f"mã kiểm tra {info.sha256[:12]}… (ghi trong {Path(info.manifest_path).name}).")
