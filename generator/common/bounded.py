"""Reading a whole input file safely: a regular file only, never blocking, never past a size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.common.formatting import count

MIB = 1024 * 1024


def size_text(size: int) -> str:
    """A byte count as a person reads it: "20 MB", "315 KB", "812 byte"."""
    if size >= MIB:
        return f"{count(round(size / MIB))} MB"
    if size >= 1024:
        return f"{count(round(size / 1024))} KB"
    return f"{count(size)} byte"


def too_large(size: int, limit: int) -> str:
    return f"tệp quá lớn ({size_text(size)}; tối đa {size_text(limit)})"


class NotReadable(Exception):
    """A file that cannot be read safely; `reason` says why in Vietnamese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotReadable otherwise.

    The file is opened without blocking (a FIFO named like a snapshot must not hang the reader),
    checked to be a regular file on the open descriptor, and read up to one byte past the limit,
    so a file that grows while it is read is still refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise NotReadable("không tìm thấy tệp") from None
    except IsADirectoryError:
        raise NotReadable("đây là một thư mục, không phải tệp") from None
    except OSError as exc:
        raise NotReadable(f"không đọc được tệp: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise NotReadable("đây là một thư mục, không phải tệp")
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable("không phải tệp thông thường (thiết bị, đường ống hoặc socket)")
        if info.st_size > limit:
            raise NotReadable(too_large(info.st_size, limit))
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise NotReadable(too_large(total, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise NotReadable(f"không đọc được tệp: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
