"""Deep, hot Python recursion run in a frame-stack chunk of its own (a CPython 3.11–3.13 workaround).

CPython keeps Python frames in 16 KiB chunks of memory. A call whose frame does not fit in the
current chunk maps a new chunk, and the return that empties it unmaps it again, so a loop that calls
across such a boundary maps and unmaps 16 KiB at every call (python/cpython#142183: fixed in 2026 by
keeping the emptied chunk, in the main branch and in later 3.13 releases; 3.11 and 3.12 keep it).
WeasyPrint's layout and drawing and matplotlib's drawing recurse deeply and loop at every depth: a
notice's PDF crossed a boundary some 600 times (mmap + munmap and fresh pages each time), ≈ 10 % of
its time; a dispatch's annexes, as much.

`with_stack_room(fn, ...)` calls `fn` from a frame that reserves 128 KiB of evaluation stack. That
frame cannot fit in the current chunk, so CPython maps a chunk big enough for it (256 KiB) and puts
it at the start; `fn` and everything it calls then run in the ≈ 128 KiB left behind it, far deeper
than any rendering recurses, and the chunk is unmapped once, when `fn` returns. The reserved stack
is never written to (its pages are never touched); the call costs ≈ 10 µs. Where the frame becomes
an object (a traceback, a profiler) that object is 128 KiB. On a CPython where the fix is in, the
room is merely unneeded; on other Pythons it is an ordinary call.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

ROOM_BYTES = 128 * 1024  # the reserved evaluation stack: the chunk mapped for it is twice as large
_CHUNKED_FRAMES = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 14)


def _call(fn: Callable[..., object], args: tuple[object, ...], kwargs: dict[str, object]) -> object:
    return fn(*args, **kwargs)


def _roomy(function: Callable[..., object], room: int) -> types.FunctionType:
    """`function` with `room` more bytes of evaluation stack in its frame (slots of one pointer)."""
    assert isinstance(function, types.FunctionType)
    code = function.__code__
    return types.FunctionType(code.replace(co_stacksize=code.co_stacksize + room // 8), function.__globals__,
                              function.__name__)


_ROOMY_CALL = _roomy(_call, ROOM_BYTES)


def with_stack_room(fn: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """`fn(*args, **kwargs)`, run in a fresh frame-stack chunk where CPython would otherwise map and
    unmap chunks in its inner loops (see the module's doc)."""
    if not _CHUNKED_FRAMES:
        return fn(*args, **kwargs)
    result: _R = _ROOMY_CALL(fn, args, kwargs)
    return result
