"""Whether a template may be used: drafts are allowed (and marked) unless --official is asked."""

from __future__ import annotations

from collections.abc import Iterable

from generator.common.errors import TemplateError
from generator.content.registry import TemplateInfo


def require_usable(templates: Iterable[TemplateInfo], official: bool) -> None:
    """With `official`, refuse any template or rule file that is not approved as it is now."""
    if not official:
        return
    drafts = [t for t in templates if t.is_draft]
    if drafts:
        reasons = []
        for t in drafts:
            why = "đã bị sửa sau khi phê duyệt" if t.changed_since_approval else "chưa được phê duyệt"
            reasons.append(f"“{t.id}” (phiên bản {t.version}) {why}")
        raise TemplateError(
            "Không thể sinh bản chính thức (--official) từ mẫu chưa phê duyệt: " + "; ".join(reasons)
            + ". Hãy cho cán bộ pháp chế xem xét rồi chạy: congvan templates approve ID --by TÊN"
        )
