"""Atomic file writing and hashing: an interrupted run never leaves a half-written file."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.common.errors import CongvanError

TEMPORARY_SUFFIX = ".tmp"


class OutputError(CongvanError):
    """An output folder or file cannot be written (no permission, a file where a folder should be, disk full)."""

    category = "ghi tệp"


_REASONS = {
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EEXIST: "đã có một tệp trùng tên",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EDQUOT: "vượt hạn mức dung lượng",
    errno.ENAMETOOLONG: "tên tệp quá dài",
}


def reason(error: OSError) -> str:
    """The operating system's refusal in Vietnamese where known, else as the system words it."""
    return _REASONS.get(error.errno or 0, error.strerror or str(error))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# mkstemp creates files readable by their owner only; results are ordinary files, so they get the
# permissions any other new file would (0666 less the umask), read once at start-up.
FILE_MODE = 0o666 & ~_umask()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_folder(folder: Path) -> Path:
    """Create `folder` (and its parents); OutputError when that is impossible."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"Không tạo được thư mục kết quả {folder}: đã có một tệp cùng tên, không phải thư mục.") \
            from None
    except OSError as error:
        raise OutputError(f"Không tạo được thư mục kết quả {folder}: {reason(error)}.") from None
    return folder


def temporary_beside(path: Path) -> Path:
    """A new, empty temporary file in `path`'s folder, named so a later run sweeps it if it is left."""
    make_folder(path.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    except OSError as error:
        raise OutputError(f"Không ghi được tệp {path}: {reason(error)}.") from None
    os.close(fd)
    return Path(name)


def publish(temporary: Path, path: Path) -> None:
    """Give a finished temporary file the usual permissions, flush it to disk, rename it over `path`."""
    try:
        os.chmod(temporary, FILE_MODE)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"Không ghi được tệp {path}: {reason(error)}.") from None


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path to fill; on success it replaces `path`, on any failure it is removed."""
    temporary = temporary_beside(path)
    try:
        yield temporary
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"Không ghi được tệp {path}: {reason(error)}.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    publish(temporary, path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename over `path`."""
    with atomic_target(path) as temporary:
        temporary.write_bytes(data)
