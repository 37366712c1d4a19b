"""Worker processes end with the batch that started them, however it ends (kill -9 included).

A pool worker blocks on its task queue; when the batch's main process is killed outright, nothing
tells it to stop, so it (and multiprocessing's resource tracker, which waits for every holder of
its pipe) would run on, holding hundreds of MiB. Two guards, each enough on its own:

- Linux's parent-death signal (prctl PR_SET_PDEATHSIG): the kernel kills the worker the moment
  its parent process ends;
- a watcher thread holding a pidfd of the batch's main process (which also covers a worker whose
  parent is a fork server, not the main process), falling back to polling where pidfds are missing.

When the workers are gone, the resource tracker sees its pipe close and exits too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import signal
import threading
import time

from generator.common.processes import process_alive

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5


def die_with(main_pid: int) -> None:
    """Make this process end as soon as `main_pid` (the batch's main process) ends."""
    parent = os.getppid()
    _parent_death_signal(signal.SIGKILL)
    if not process_alive(main_pid) or (parent == main_pid and os.getppid() != main_pid):
        os._exit(1)  # it ended before the guards were in place
    threading.Thread(target=_watch, args=(main_pid, parent), name="congvan-lifeline", daemon=True).start()


def _parent_death_signal(signum: int) -> bool:
    """Ask the kernel to send `signum` when the parent ends (Linux); False where unavailable."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False



def _watch(main_pid: int, parent: int) -> None:
    try:
        fd = os.pidfd_open(main_pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])  # readable once the process has ended
        os._exit(1)
    while process_alive(main_pid) and os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    os._exit(1)
