"""with_stack_room: an ordinary call, run where CPython 3.11-3.13 does not map and unmap frame-stack
chunks in a loop (see generator/common/stack.py)."""

from __future__ import annotations

import resource
import sys
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest

from generator.common.stack import _CHUNKED_FRAMES, ROOM_BYTES, _call, _roomy, with_stack_room

needs_chunked_frames = pytest.mark.skipif(
    not (_CHUNKED_FRAMES and sys.platform == "linux" and hasattr(resource, "RUSAGE_THREAD")),
    reason="CPython 3.11-3.13 on Linux: the frame-stack chunks and per-thread page-fault counts")


def test_passes_arguments_result_and_exceptions_through() -> None:
    assert with_stack_room(divmod, 17, 5) == (3, 2)
    assert with_stack_room(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]
    with pytest.raises(ZeroDivisionError):
        with_stack_room(divmod, 1, 0)


def _down(depth: int) -> int:
    return _down(depth - 1) if depth else 0


def _worst_faults(calls: int = 40, deepest: int = 400) -> int:
    """The most page faults of this thread over `calls` calls recursing to the same depth, for each
    depth up to `deepest`: where a depth's deepest frame starts a new chunk, every call maps it again
    and touches a fresh page (one fault a call at least)."""
    worst = 0
    for depth in range(deepest):
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        for _ in range(calls):
            _down(depth)
        worst = max(worst, resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)
    return worst


def _in_new_thread(work: Callable[[], int]) -> int:
    found: list[int] = []
    thread = threading.Thread(target=lambda: found.append(work()))
    thread.start()
    thread.join()
    return found[0]


@needs_chunked_frames
def test_a_loop_across_a_chunk_boundary_maps_a_chunk_every_call_but_not_in_the_room() -> None:
    # A new thread starts on a fresh 16 KiB chunk, so some depth below 400 frames crosses into the next.
    assert _in_new_thread(_worst_faults) >= 40
    assert _in_new_thread(lambda: with_stack_room(_worst_faults)) < 10


@needs_chunked_frames
def test_the_room_is_a_chunk_mapped_for_the_call() -> None:
    def mapped_bytes() -> int:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()

    outside = mapped_bytes()
    inside = with_stack_room(mapped_bytes)
    assert inside - outside >= 2 * ROOM_BYTES
    assert mapped_bytes() - outside < ROOM_BYTES  # unmapped again on return


def _at_offset(room: int, fn: Callable[[], int]) -> int:
    """fn() called below a frame of `room` bytes of stack: from another place in the chunk."""
    faults: int = _roomy(_call, room)(fn, (), {})
    return faults


def _worst_faults_from_places(work: Callable[[], object], step: int) -> int:
    """The most page faults of `work` called from below frames of 0, step, 2 step … 16 KiB: where its
    caller's frames end decides whether its loops cross a chunk boundary."""
    def faults() -> int:
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        work()
        return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before

    return max(_at_offset(room, faults) for room in range(0, 16 * 1024, step))


@needs_chunked_frames
def test_the_pdf_renderer_lays_out_and_writes_in_the_room() -> None:
    # Measured without the room: up to ≈ 16.000 page faults a rendering of this dispatch; in it ≈ 1.100
    # from every place.
    from sample_documents import dispatch

    from generator.common.layout import Layout
    from generator.render import renderer_for

    renderer, document = renderer_for("pdf", Layout()), dispatch()
    for _ in range(2):  # fonts, stylesheets and caches made on first use
        renderer.render(document)
    assert _worst_faults_from_places(lambda: renderer.render(document), 2 * 1024) < 4000


@needs_chunked_frames
def test_charts_are_drawn_in_the_room() -> None:
    # Measured without the room: 5.700 to 6.800 page faults for these two charts at the worst place; in
    # it 450 to 1.900.
    from test_charts import groups_chart, trend_chart

    from generator.render import charts

    def draw() -> None:
        charts._cached_png.cache_clear()
        charts._FRAMES.clear()
        charts.chart_png(groups_chart(), 80, 60)
        charts.chart_png(trend_chart((Decimal(50), Decimal(60), Decimal(55), Decimal(70))), 80, 60)

    draw()
    assert _worst_faults_from_places(draw, 2 * 1024) < 3500
