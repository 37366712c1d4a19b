"""Password hashing with Argon2id (argon2-cffi's defaults, which follow RFC 9106's recommendations)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 256
# Each Argon2 hash takes 64 MiB for its duration: twenty people logging in at once would take 1,3 GiB.
# Two at a time bound the server's memory; the others wait a fraction of a second.
_AT_ONCE = threading.BoundedSemaphore(2)


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    with _AT_ONCE:
        return _hasher().hash(password)


def check_password(stored: str, password: str) -> tuple[bool, str | None]:
    """Whether `password` matches; and a new hash when the stored one used older parameters."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    with _AT_ONCE:
        try:
            hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False, None
    return True, hash_password(password) if hasher.check_needs_rehash(stored) else None


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Checked against when the account does not exist, so both answers take the same time."""
    return hash_password("không có tài khoản này")


def password_problem(password: str) -> str | None:
    """Why a new password is refused (Vietnamese), or None."""
    if len(password) < MIN_LENGTH:
        return f"mật khẩu phải có ít nhất {MIN_LENGTH} ký tự"
    if len(password) > MAX_LENGTH:
        return f"mật khẩu dài quá {MAX_LENGTH} ký tự"
    if password != password.strip():
        return "mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách"
    return None
