"""Files sent to the browser: as attachments, named safely (ASCII fallback and RFC 5987 UTF-8)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from starlette.responses import FileResponse

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


def ascii_name(name: str) -> str:
    bare = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", bare).strip("._") or "tep"


def attachment(path: Path, name: str, media_type: str, inline: bool = False) -> FileResponse:
    disposition = "inline" if inline else "attachment"
    header = f"{disposition}; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    return FileResponse(path, media_type=media_type, headers={"Content-Disposition": header,
                                                             "Cache-Control": "private, no-store"})
