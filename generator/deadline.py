"""A time limit for one piece of work in the current thread, wherever that thread runs.

Rendering runs in forked worker processes for large builds and in a thread of the preview server,
so a SIGALRM (main thread only) cannot stop it. A timer thread instead raises `TimeLimitExceeded`
inside the working thread (CPython's PyThreadState_SetAsyncExc): the exception arrives at the next
bytecode the thread runs, so a template looping for ever in Jinja's compiled Python code stops.
It derives from BaseException so no `except Exception` on the way swallows it.
"""

from __future__ import annotations

import ctypes
import threading
from types import TracebackType


class TimeLimitExceeded(BaseException):
    """Raised inside a thread whose Deadline ran out."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make `exception` pending in that thread (None: withdraw a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else ctypes.c_void_p(None))


class Deadline:
    """`with Deadline(seconds): work()` raises TimeLimitExceeded in this thread once `seconds` have passed.

    The exception can only arrive while the block runs: the timer and the end of the block agree under
    one lock, and a pending exception that missed the block is cleared and raised explicitly instead.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._started = self._finished = False
        self.expired = False
        self._thread_id = 0
        self._timer: threading.Timer | None = None

    def __enter__(self) -> "Deadline":
        self._thread_id = threading.get_ident()
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        with self._lock:
            self._started = True
            if self.expired:   # ran out before the work began
                raise TimeLimitExceeded()
        return self

    def _expire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.expired = True
            if self._started:
                _raise_in(self._thread_id, TimeLimitExceeded)

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._finished = True
            if self.expired:   # if it was raised but not yet delivered, take it back (raised below instead)
                _raise_in(self._thread_id, None)
        if self.expired and kind is None:
            raise TimeLimitExceeded()
