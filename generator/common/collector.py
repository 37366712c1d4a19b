"""Pausing Python's cyclic garbage collector while a stage builds a large value.

Reading and analysing a 10.000-unit snapshot allocates millions of small objects that live on
(cells, decimals, units, their analysis) and almost no reference cycles. Each allocation burst
triggers collections that walk every live object again: a quarter of `prepare`'s time. A
WeasyPrint rendering is the other case: some 100.000 objects (boxes, styles) that live until the
PDF is written, so the automatic passes (over a hundred per dispatch) scan them again and again and
find nothing to free (≈ 90 ms of a 9-page dispatch); what it leaves in cycles (≈ 30.000 objects) is
still young when it ends, and one generation-0 pass frees it (`young_pass=True`).

While paused, garbage without cycles is still freed at once (reference counting); what cycles there
are wait for the next collection after the pause. Pauses nest and may overlap across threads (the
web server prepares in several): the collector runs again when the last one ends, if it ran before
the first, after the young pass if any of them asked for one (run while still paused, so that
enabling it does not start an automatic collection of its own). A collector switched off before the
first pause stays off, and nothing is collected.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Re-entrant: the young pass runs finalizers, and one that pauses the collector in turn must not
# wait for this thread's own lock (it then finds the collector off and leaves it so).
_LOCK = threading.RLock()
_state = {"depth": 0, "was_enabled": False, "young_pass": False}


@contextmanager
def collector_paused(young_pass: bool = False) -> Iterator[None]:
    """No cyclic collection inside; the collector's state before is restored after the last pause
    (with a generation-0 pass first when one of the pauses asked for it)."""
    with _LOCK:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            _state["young_pass"] = False
            gc.disable()
        _state["depth"] += 1
        _state["young_pass"] = _state["young_pass"] or young_pass
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                if _state["young_pass"]:  # read before the pass: a finalizer's own pause resets it
                    gc.collect(0)
                gc.enable()
