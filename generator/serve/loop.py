"""The one loop that turns flagged changes into builds.

The watcher only calls `BuildLoop.flag()`; this loop waits until the changes go quiet (a burst of
saves is one build), calls the builder and hands the result on. It never knows how a build works:
the builder is any `Callable[[], R]`. While a build runs, or changes wait for one, `wait_idle()`
holds requests back, so a page asked for right after a save is the new page, not the old one.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

R = TypeVar("R")

QUIET = 0.010      # seconds without a new change before building (unfinished saves hold longer: `hold`)
MAX_DELAY = 1.0    # never put a build off longer than this, even while changes keep coming
CHECK_EVERY = 2.0  # seconds between health checks (see `idle_check`) while nothing happens
RETIRE_AFTER = 0.5  # seconds after a build before its result is freed (see `_run`)
HOLD_POLL = 0.05   # while a save looks unfinished, how often `hold()` is asked again


class BuildLoop(Generic[R]):
    """Debounces flagged changes and runs one build at a time on its own thread.

    `on_result(result, more_coming)` is called on the loop thread after each build, while requests
    are still held back; `more_coming` is True when changes arrived during the build (another build
    follows at once). `on_crash(exc, text)` turns a builder exception into a result (the loop never
    dies of one). `idle_check()` runs every CHECK_EVERY seconds while idle (the watcher's health).
    `hold()`, when given, is asked once the changes are quiet: True means a save looks unfinished (a
    file written to and not closed yet, or one that vanished moments ago), so the build waits for it,
    within max_delay. `clock` (seconds, monotonic) is what the debounce measures with; tests give a fake
    one and ask `due_in()`.
    """

    def __init__(self, builder: Callable[[], R], on_result: Callable[[R, bool], None],
                 on_crash: Callable[[BaseException, str], R], *, quiet: float = QUIET,
                 max_delay: float = MAX_DELAY, idle_check: Callable[[], None] | None = None,
                 hold: Callable[[], bool] | None = None, clock: Callable[[], float] = time.monotonic):
        self._builder = builder
        self._clock = clock
        self.hold = hold  # True while a file is still being written (wait for it, up to max_delay)
        self._on_result = on_result
        self._on_crash = on_crash
        self._idle_check = idle_check
        self.quiet = quiet
        self.max_delay = max_delay
        self._cond = threading.Condition()
        self._first_change: float | None = None   # when the oldest unbuilt change was flagged
        self._last_change = 0.0
        self._paths: set[str] = set()
        self._building = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.builds = 0            # builds finished
        self.flags = 0             # changes flagged
        self.last_paths: frozenset[str] = frozenset()  # what the last build was for

    # -- called from other threads -------------------------------------------------------------
    def flag(self, path: str = "") -> None:
        """Record a change (cheap; called on the watcher's thread)."""
        with self._cond:
            now = self._clock()
            if self._first_change is None:
                self._first_change = now
            self._last_change = now
            self.flags += 1
            if path:
                self._paths.add(path)
            self._cond.notify_all()

    def busy(self) -> bool:
        """True while a build runs or changes wait for one."""
        with self._cond:
            return self._building or self._first_change is not None

    def wait_idle(self, timeout: float) -> bool:
        """Block while a build runs or is due, until the builds covering every change flagged so far
        have finished (changes flagged later do not make the caller wait longer); True when they have."""
        deadline = time.monotonic() + timeout
        with self._cond:
            target = self.builds + self._building + (self._first_change is not None)
            while self.builds < target and (self._building or self._first_change is not None) \
                    and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def wait_builds(self, count: int, timeout: float) -> bool:
        """Block until `count` builds have finished (their results announced); False after `timeout`."""
        with self._cond:
            return self._cond.wait_for(lambda: self.builds >= count, timeout)

    def due_in(self) -> float | None:
        """Seconds until the build of the flagged changes may start (0: now), None when none are flagged.

        The debounce: a build starts once no change has come for `quiet` seconds, or a save looks
        unfinished (`hold()`) no longer, and at the latest `max_delay` after the first unbuilt change."""
        with self._cond:
            if self._first_change is None:
                return None
            now = self._clock()
            latest = self._first_change + self.max_delay
            due = min(self._last_change + self.quiet, latest)
            if now < due:
                return due - now
            if now < latest and self.hold is not None and self.hold():
                return min(latest - now, HOLD_POLL)   # a save still in progress: ask again soon
            return 0.0

    def build_now(self) -> R:
        """Run one build on the calling thread (the first build, before the loop starts)."""
        with self._cond:
            self._building = True
        return self._run_build(frozenset())

    def start(self) -> None:
        """Start the loop thread."""
        self._thread = threading.Thread(target=self._run, name="haven-build-loop")
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the loop; a build in progress finishes first (builds are all-or-nothing)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """True while the loop thread runs."""
        return self._thread is not None and self._thread.is_alive()

    # -- the loop thread -----------------------------------------------------------------------
    def _run(self) -> None:
        next_check = time.monotonic() + CHECK_EVERY
        retired: R | None = None
        while True:
            if retired is not None:
                # Let go of the last result only once things are quiet: freeing a large site model holds
                # the interpreter for tens of milliseconds, which must not delay the reload just announced.
                with self._cond:
                    self._cond.wait_for(lambda: self._first_change is not None or self._stopping, RETIRE_AFTER)
                retired = None
            with self._cond:
                while self._first_change is None and not self._stopping:
                    left = next_check - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if self._stopping:
                    return
                if self._first_change is None:  # idle: time for a health check
                    next_check = time.monotonic() + CHECK_EVERY
                    check = self._idle_check
                else:
                    check = None
                    while not self._stopping:  # debounce: wait for the changes to go quiet
                        wait = self.due_in()
                        if not wait:
                            break
                        self._cond.wait(wait)
                    if self._stopping:
                        return
                    paths, self._paths = frozenset(self._paths), set()
                    self._first_change = None
                    self._building = True
            if check is not None:
                try:
                    check()
                except Exception:  # noqa: BLE001 - a failing health check must not stop the loop
                    traceback.print_exc()
                continue
            retired = self._run_build(paths)

    def _run_build(self, paths: frozenset[str]) -> R:
        try:
            try:
                result = self._builder()
            except Exception as exc:  # noqa: BLE001 - a bug in the builder: report it, keep serving
                result = self._on_crash(exc, traceback.format_exc())
            with self._cond:
                more = self._first_change is not None
            try:
                self._on_result(result, more)
            except Exception:  # noqa: BLE001 - reporting failed (a bug): say so, keep the loop alive
                traceback.print_exc()
            return result
        finally:
            with self._cond:  # counted only now: whoever waits for this build sees its announced state
                self.builds += 1
                self.last_paths = paths
                self._building = False
                self._cond.notify_all()
