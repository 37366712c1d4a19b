"""Writing under --out safely: never through a link, one run per folder, a run's files all or none.

- **No links.** Every folder below --out is opened one name at a time relative to its parent's
  descriptor with O_NOFOLLOW, and every file is created, read and renamed relative to its folder's
  descriptor: a symbolic link planted inside --out (for the notices' folder, the state folder, a
  file) is refused, never followed. --out itself is the user's choice and may be a link.
- **One run at a time.** `locked` takes an exclusive lock on the run folder's lock file; a second
  run waits a little, then stops (exit 2) naming the process that holds it. Sweeping the
  temporaries a killed run left behind happens only under the lock.
- **All or none.** A `Transaction` writes every file as a flushed temporary first (where a full
  disk fails, before anything is replaced), records the renames in a journal, then renames them;
  the next run to take the lock completes a journal a crash interrupted.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import secrets
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO

from generator.output.files import FILE_MODE, TEMPORARY_SUFFIX, OutputError, make_folder, reason

STATE_DIR = ".state"  # the run's bookkeeping: the lock, the journal, the batch's per-document states
LOCK_NAME = "lock"
JOURNAL_NAME = "pending.json"
LOCK_WAIT_SECONDS = 10.0  # how long a second run waits for the first; CONGVAN_LOCK_WAIT overrides it
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NOFOLLOW = os.O_NOFOLLOW
_READ_LIMIT = 256 * 1024 * 1024  # an output file read back (hash, zip): far above any document


def _link_refused(path: Path) -> OutputError:
    return OutputError(
        f"Không ghi vào {path}: đây là một liên kết (symlink) hoặc không phải thư mục/tệp thường. Vì an toàn, "
        "chương trình không đi theo liên kết bên trong thư mục kết quả (--out); hãy xóa nó rồi chạy lại."
    )


def _checked_name(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise ValueError(f"not a single file name: {name!r}")
    return name


class SafeFolder:
    """An open folder below --out; every operation is relative to its descriptor, without links."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def open_under(cls, out: Path, parts: Sequence[str]) -> SafeFolder:
        """`out` (created if needed; it may be a link the user chose), then each of `parts` below it."""
        make_folder(out)
        try:
            fd = os.open(out, _DIRECTORY)
        except OSError as error:
            raise OutputError(f"Không mở được thư mục kết quả {out}: {reason(error)}.") from None
        folder = cls(fd, out)
        for part in parts:
            try:
                child = folder.child(part)
            finally:
                folder.close()
            folder = child
        return folder

    def child(self, name: str, *, create: bool = True) -> SafeFolder:
        """The folder `name` inside this one (created when `create`), refused if it is a link."""
        path = self.path / _checked_name(name)
        if create:
            try:
                os.mkdir(name, 0o777, dir_fd=self.fd)
            except FileExistsError:
                pass
            except OSError as error:
                raise OutputError(f"Không tạo được thư mục {path}: {reason(error)}.") from None
        try:
            fd = os.open(name, _DIRECTORY | _NOFOLLOW, dir_fd=self.fd)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR):
                raise _link_refused(path) from None
            raise OutputError(f"Không mở được thư mục {path}: {reason(error)}.") from None
        return SafeFolder(fd, path)

    def existing_child(self, name: str) -> SafeFolder | None:
        """The folder `name` when it exists (never created), refused if it is a link."""
        try:
            os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise OutputError(f"Không mở được thư mục {self.path / name}: {reason(error)}.") from None
        return self.child(name, create=False)

    @contextmanager
    def folder_at(self, relative: str) -> Iterator[SafeFolder]:
        """The folder at a '/'-separated path below this one ("" is this one), folders created."""
        current = self
        opened: list[SafeFolder] = []
        try:
            for part in relative.split("/") if relative else ():
                current = current.child(part)
                opened.append(current)
            yield current
        finally:
            for folder in opened:
                folder.close()

    @contextmanager
    def walk_to(self, relative: str) -> Iterator[tuple[SafeFolder, str]]:
        """(folder, file name) for a '/'-separated path below this folder, its folders created."""
        folders, _, name = relative.rpartition("/")
        with self.folder_at(folders) as folder:
            yield folder, _checked_name(name)

    # ---- files ----------------------------------------------------------------------------------

    def write_temporary(self, name: str, data: bytes, *, durable: bool = True) -> str:
        """A new temporary file beside `name` holding `data`, flushed to disk unless not `durable`; its name."""
        temporary = f".{_checked_name(name)}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"
        with self.open_temporary(temporary, durable=durable) as handle:
            handle.write(data)
        return temporary

    @contextmanager
    def open_temporary(self, temporary: str, *, durable: bool = True) -> Iterator[IO[bytes]]:
        """A new file opened for writing, removed if anything fails, flushed to disk when done (unless
        not `durable`: a batch flushes its whole file system once instead, see `sync_file_system`)."""
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | os.O_CLOEXEC, FILE_MODE,
                         dir_fd=self.fd)
        except OSError as error:
            raise OutputError(f"Không ghi được tệp {self.path / temporary}: {reason(error)}.") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                if durable:
                    os.fsync(handle.fileno())
        except OSError as error:
            self.unlink(temporary)
            raise OutputError(f"Không ghi được tệp {self.path / temporary}: {reason(error)}.") from None
        except BaseException:
            self.unlink(temporary)
            raise

    def replace(self, temporary: str, name: str) -> None:
        """Rename a temporary over `name` (a link at `name` is replaced, never followed)."""
        try:
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError as error:
            raise OutputError(f"Không ghi được tệp {self.path / name}: {reason(error)}.") from None

    def write_atomic(self, name: str, data: bytes) -> None:
        temporary = self.write_temporary(name, data)
        try:
            self.replace(temporary, name)
        except BaseException:
            self.unlink(temporary)
            raise

    def read(self, name: str, limit: int = _READ_LIMIT) -> bytes | None:
        """The bytes of a regular file `name`, None when absent; a link or device is refused."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | os.O_CLOEXEC, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise _link_refused(self.path / name) from None
            raise OutputError(f"Không đọc được tệp {self.path / name}: {reason(error)}.") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise _link_refused(self.path / name)
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(limit + 1)
            if len(data) > limit:
                raise OutputError(f"Tệp {self.path / name} lớn bất thường.")
            return data
        finally:
            os.close(fd)

    def sha256(self, name: str) -> str | None:
        data = self.read(name)
        return None if data is None else hashlib.sha256(data).hexdigest()

    def unlink(self, name: str) -> None:
        try:
            os.unlink(name, dir_fd=self.fd)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise OutputError(f"Không xóa được tệp {self.path / name}: {reason(error)}.") from None

    def names(self) -> list[str]:
        return os.listdir(self.fd)

    def is_regular(self, name: str) -> bool:
        try:
            return stat.S_ISREG(os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode)
        except OSError:
            return False

    def sync(self) -> None:
        """Flush the folder's entries (the renames) to disk."""
        try:
            os.fsync(self.fd)
        except OSError as error:
            raise OutputError(f"Không ghi được thư mục {self.path}: {reason(error)}.") from None

    def sync_file_system(self) -> None:
        """Flush everything written so far on this folder's file system to disk, in one pass.

        A batch writes its documents without flushing each one (five flushes per notice, files and
        folders, were a large part of its time) and calls this once, before its manifest: the
        manifest, flushed after, lists only files on disk. Linux's syncfs(2) flushes one file
        system; elsewhere, or if it fails, os.sync() flushes them all.
        """
        try:
            syncfs = ctypes.CDLL(None, use_errno=True).syncfs
        except (OSError, AttributeError):
            os.sync()
            return
        if syncfs(self.fd) != 0:
            os.sync()

    def remove_temporaries(self) -> int:
        """Delete the temporaries a killed run left in this folder; how many."""
        removed = 0
        for name in self.names():
            if name.startswith(".") and name.endswith(TEMPORARY_SUFFIX) and self.is_regular(name):
                self.unlink(name)
                removed += 1
        return removed

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> SafeFolder:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


# ---- one run at a time --------------------------------------------------------------------------------


def lock_wait() -> float:
    """Seconds to wait for another run's lock: CONGVAN_LOCK_WAIT when it is a number ≥ 0, else the default."""
    try:
        seconds = float(os.environ.get("CONGVAN_LOCK_WAIT", LOCK_WAIT_SECONDS))
    except ValueError:
        return LOCK_WAIT_SECONDS
    return seconds if 0 <= seconds < float("inf") else LOCK_WAIT_SECONDS


@contextmanager
def locked(folder: SafeFolder, wait: float | None = None) -> Iterator[None]:
    """Hold the run folder's lock; after `wait` seconds of another run holding it, OutputError (exit 2)."""
    wait = lock_wait() if wait is None else wait
    with folder.child(STATE_DIR) as state:
        try:
            fd = os.open(LOCK_NAME, os.O_RDWR | os.O_CREAT | _NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=state.fd)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise _link_refused(state.path / LOCK_NAME) from None
            raise OutputError(f"Không tạo được tệp khóa trong {state.path}: {reason(error)}.") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    who = f" (tiến trình {holder})" if holder.isdigit() else ""
                    waited = f"{wait:g}".replace(".", ",")
                    raise OutputError(
                        f"Thư mục kết quả {folder.path} đang được một lần chạy khác ghi{who}; đã chờ {waited} "
                        "giây. Hãy chờ lần chạy đó xong rồi chạy lại, hoặc dùng --out khác."
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def run_folder_for_writing(out: Path, parts: Sequence[str], *, sweep: Sequence[str] = (),
                           wait: float | None = None) -> Iterator[SafeFolder]:
    """The run folder below `out`, locked, with an interrupted transaction completed and the
    temporaries of a killed run removed (in it, in its `sweep` subfolders and beside it)."""
    with SafeFolder.open_under(out, parts[:-1]) as parent, parent.child(parts[-1]) as folder, locked(folder, wait):
        recover(folder)
        folder.remove_temporaries()
        for name in sweep:
            sub = folder.existing_child(name)
            if sub is not None:
                with sub:
                    sub.remove_temporaries()
        for name in parent.names():  # a killed --zip leaves `.{period}.zip.*.tmp` beside the folder
            if name.startswith(f".{parts[-1]}.") and name.endswith(TEMPORARY_SUFFIX) and parent.is_regular(name):
                parent.unlink(name)
        yield folder


# ---- all or none --------------------------------------------------------------------------------------


class Transaction:
    """Files that appear together: written as temporaries, then renamed in one short step.

    With `journal`, the renames are recorded first, so a run killed half-way through them is
    completed by the next run (`recover`); without it, the caller's own records (the batch's state
    files) make a rerun notice and remake the document. Without `durable`, neither the files nor
    the renames are flushed to disk: the caller syncs the file system once for many transactions
    (`SafeFolder.sync_file_system`), and checks what it keeps from a run that never got there.
    """

    def __init__(self, root: SafeFolder, *, journal: bool, durable: bool = True) -> None:
        self.root = root
        self.journal = journal
        self.durable = durable
        self._pending: list[tuple[str, str]] = []  # (temporary path, final path), relative to root

    def add(self, relative: str, data: bytes) -> None:
        """Write `data` as a flushed temporary for `relative` (a '/'-separated path below the root)."""
        with self.root.walk_to(relative) as (folder, name):
            temporary = folder.write_temporary(name, data, durable=self.durable)
        folder_part = relative.rpartition("/")[0]
        self._pending.append((f"{folder_part}/{temporary}" if folder_part else temporary, relative))

    def commit(self) -> None:
        pending, self._pending = self._pending, []
        if self.journal:  # from here on the journal owns the temporaries: a failure leaves them for recover()
            try:
                with self.root.child(STATE_DIR) as state:
                    state.write_atomic(JOURNAL_NAME, json.dumps(pending).encode())
            except BaseException:
                self._pending = pending
                raise
        _rename_all(self.root, pending, durable=self.durable)
        if self.journal:
            with self.root.child(STATE_DIR) as state:
                state.unlink(JOURNAL_NAME)

    def abort(self) -> None:
        for temporary, _ in self._pending:
            try:
                with self.root.walk_to(temporary) as (folder, name):
                    folder.unlink(name)
            except OutputError:
                pass
        self._pending = []

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is not None or self._pending:
            self.abort()  # an exception, or a transaction never committed


def _rename_all(root: SafeFolder, pending: Sequence[tuple[str, str]], *, durable: bool = True) -> None:
    touched: dict[str, None] = {}
    for temporary, final in pending:
        with root.walk_to(final) as (folder, name):
            temporary_name = temporary.rpartition("/")[2]
            if folder.is_regular(temporary_name):
                folder.replace(temporary_name, name)
            touched[final.rpartition("/")[0]] = None
    if not durable:
        return
    for folder_part in touched:  # the renames themselves reach the disk
        with root.folder_at(folder_part) as folder:
            folder.sync()


def recover(root: SafeFolder) -> bool:
    """Complete the renames of a transaction a killed run left recorded; True when there was one."""
    with root.child(STATE_DIR) as state:
        data = state.read(JOURNAL_NAME, limit=16 * 1024 * 1024)
        if data is None:
            return False
        try:
            pending = [(str(a), str(b)) for a, b in json.loads(data)]
            _rename_all(root, pending)
        except (ValueError, TypeError):
            pass  # not a journal this program wrote: its temporaries, if any, are swept
        state.unlink(JOURNAL_NAME)
    return True
