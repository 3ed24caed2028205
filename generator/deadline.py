"""A time limit for one piece of work in the current thread, wherever that thread runs.

Rendering runs in forked worker processes for large builds and in a thread of the preview server,
so a SIGALRM (main thread only) cannot stop it. A watchdog thread instead raises `TimeLimitExceeded`
inside the working thread (CPython's PyThreadState_SetAsyncExc): the exception arrives at the next
bytecode the thread runs, so a template looping for ever in Jinja's compiled Python code stops.
It derives from BaseException so no `except Exception` on the way swallows it.

One watchdog per process serves every deadline (starting a thread per page would cost more than
rendering many pages); a forked worker starts its own, since threads do not survive fork.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import os
import threading
import time
from types import TracebackType


class TimeLimitExceeded(BaseException):
    """Raised inside a thread whose Deadline ran out."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make `exception` pending in that thread (None: withdraw a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else ctypes.c_void_p(None))


class _Watchdog:
    """The thread that fires deadlines, earliest first."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.queue: list[tuple[float, int, Deadline]] = []
        self.pid = -1
        self.order = itertools.count()

    def add(self, deadline: Deadline) -> None:
        """Watch `deadline` (starting this process's watchdog thread on first use)."""
        with self.lock:
            if self.pid != os.getpid():   # first use in this process (or in a forked child)
                self.pid, self.queue = os.getpid(), []
                threading.Thread(target=self._run, name="haven-deadline", daemon=True).start()
            earliest = not self.queue or deadline.at < self.queue[0][0]
            heapq.heappush(self.queue, (deadline.at, next(self.order), deadline))
            if earliest:   # the thread sleeps until the earliest deadline: wake it only to wait less
                self.lock.notify()   # (waking it for every page cost more than rendering a small one)

    def _run(self) -> None:
        with self.lock:
            while True:
                while self.queue and (self.queue[0][2].finished or self.queue[0][0] <= time.monotonic()):
                    _, _, due = heapq.heappop(self.queue)
                    if not due.finished:
                        due.expired = True
                        if due.started:
                            _raise_in(due.thread_id, TimeLimitExceeded)
                self.lock.wait(self.queue[0][0] - time.monotonic() if self.queue else None)


_WATCHDOG = _Watchdog()


def _fresh_watchdog_after_fork() -> None:
    global _WATCHDOG
    _WATCHDOG = _Watchdog()   # the parent's thread and lock do not exist here


os.register_at_fork(after_in_child=_fresh_watchdog_after_fork)


def helper_threads() -> int:
    """Threads this module keeps running in this process (1 once a deadline has been used, else 0);
    they hold no lock across a fork, so a caller counting threads before forking may discount them."""
    return int(_WATCHDOG.pid == os.getpid())


class Deadline:
    """`with Deadline(seconds): work()` raises TimeLimitExceeded in this thread once `seconds` have passed.

    The exception can only arrive while the block runs: the watchdog and the end of the block agree
    under one lock, and a pending exception that missed the block is withdrawn and raised explicitly.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = 0.0
        self.started = self.finished = self.expired = False
        self.thread_id = 0

    def __enter__(self) -> Deadline:
        self.thread_id = threading.get_ident()
        self.at = time.monotonic() + self.seconds
        _WATCHDOG.add(self)
        with _WATCHDOG.lock:
            self.started = True
            if self.expired:   # ran out before the work began
                raise TimeLimitExceeded()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        with _WATCHDOG.lock:
            self.finished = True
            if self.expired:   # if it was raised but not yet delivered, take it back (raised below instead)
                _raise_in(self.thread_id, None)
        if self.expired and kind is None:
            raise TimeLimitExceeded()
