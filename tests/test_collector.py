"""The cyclic collector pause around `prepare` (generator/common/collector.py)."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading

from test_render_pdf_speed import _collections_during  # the generation of each collection during an action

from generator.common.collector import collector_paused


def test_pauses_nest_and_restore_the_collector() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_in_threads_end_with_the_last() -> None:
    """Thread A pauses, B pauses, A ends: still paused until B ends."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with collector_paused():
            b_in.set()
            a_out.wait(5)
            seen.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [False] and gc.isenabled()


def test_prepare_leaves_the_collector_on() -> None:
    from e2e_support import JULY

    from generator.build import prepare

    assert prepare(JULY).analysis.units and gc.isenabled()


def test_a_young_pass_asked_by_any_pause_runs_once_when_the_last_ends() -> None:
    def nested() -> None:
        with collector_paused():
            with collector_paused(young_pass=True):
                [[] for _ in range(50_000)]  # enough allocations to trigger automatic passes if enabled
            assert not gc.isenabled()

    assert _collections_during(nested) == [0]
    assert gc.isenabled()


def test_no_pass_unless_asked_and_none_with_the_collector_off() -> None:
    def plain() -> None:
        with collector_paused():
            [[] for _ in range(50_000)]

    assert _collections_during(plain) == []
    gc.disable()
    try:
        def asked() -> None:
            with collector_paused(young_pass=True):
                pass

        assert _collections_during(asked) == [] and not gc.isenabled()
    finally:
        gc.enable()


_FINALIZER_PAUSES = """
import gc
from generator.common.collector import collector_paused

class PausesWhenFreed:
    def __init__(self):
        self.me = self  # a cycle: freed by the young pass, which runs __del__

    def __del__(self):
        with collector_paused():
            pass

with collector_paused(young_pass=True):
    PausesWhenFreed()
assert gc.isenabled()
"""


def test_a_finalizer_that_pauses_during_the_young_pass_does_not_deadlock() -> None:
    # In a process of its own: a deadlock there would leave this one's lock held by a stuck thread.
    subprocess.run([sys.executable, "-c", _FINALIZER_PAUSES], check=True, timeout=60)
