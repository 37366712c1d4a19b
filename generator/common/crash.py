"""Saving the traceback of an unexpected error to a file of its own, for the developers."""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import datetime
from pathlib import Path


def save_traceback(error: BaseException | None = None) -> Path | None:
    """Write the traceback (of `error`, else of the exception being handled) to a new file; its path,
    or None when no file could be written."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "".join(traceback.format_exception(error)) if error is not None else traceback.format_exc()
    try:
        handle, name = tempfile.mkstemp(prefix=f"congvan-loi-{stamp}-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as saved:
            saved.write(text)
    except OSError:
        return None
    return Path(name)


def where_saved(path: Path | None) -> str:
    """The sentence telling the user where the details are (empty when nothing was saved)."""
    if path is None:
        return ""
    return f" Chi tiết kỹ thuật đã lưu tại {path}; hãy gửi tệp này cho nhóm phát triển."
