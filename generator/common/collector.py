"""Pausing Python's cyclic garbage collector while a stage builds a large immutable value.

Reading and analysing a 10.000-unit snapshot allocates millions of small objects that live on
(cells, decimals, units, their analysis) and almost no reference cycles. Each allocation burst
triggers collections that walk every live object again: a quarter of `prepare`'s time. While
paused, garbage without cycles is still freed at once (reference counting); what cycles there are
wait for the next collection after the pause. Pauses nest and may overlap across threads (the web
server prepares in several): the collector runs again when the last one ends, if it ran before
the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_state = {"depth": 0, "was_enabled": False}


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside; the collector's state before is restored after the last pause."""
    with _LOCK:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                gc.enable()
