"""What the web page is started with: the data folder, limits, and the secret that signs sessions."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SECRET_FILE = "secret.key"
MIB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    data: Path = Path("var")
    database_url: str | None = None  # None: CONGVAN_DATABASE_URL, else SQLite in the data folder
    max_upload_bytes: int = 20 * MIB  # the whole request: every file of one upload together
    max_upload_files: int = 10
    preview_workers: int = 2  # processes that render previews and review packs
    batch_jobs: int = 1  # worker processes inside one batch (each batch already has a process of its own)
    session_hours: int = 8
    https_only: bool = False  # the office intranet may serve plain HTTP; set behind TLS
    login_attempts: int = 5  # failed logins for one name within the window before a pause
    login_window_seconds: int = 300

    @property
    def resolved_data(self) -> Path:
        return self.data.resolve()


def secret_key(data: Path) -> str:
    """The key that signs session cookies: made once per data folder, readable by its owner only."""
    path = data / SECRET_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    data.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
