"""How `haven serve` stops: any number of SIGINT/SIGTERM, in any order, end it within a bound.

`timeout ... make serve` sends SIGTERM to make and to haven at once, and make passes its own on: two
signals arrive together. A handler that raises on every signal interrupts the clean stop it started
(the preview then keeps answering requests from threads nobody stops); a handler that sets a
`threading.Event` can deadlock on the event's lock. So:

- until the preview is serving, the first signal raises `KeyboardInterrupt` (it may arrive during a
  long first build, which must be interrupted);
- while serving, a signal only sets a plain flag that the main thread polls;
- once stopping, further signals are counted and never raise;
- the stop itself runs in a helper thread with a deadline: if it has not finished by then the process
  leaves at once (`os._exit`), so the preview never outlives its signals by more than `STOP_DEADLINE`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

STOP_DEADLINE = 1.5   # seconds a clean stop may take before the process leaves without waiting
POLL = 0.1            # how often the serving main thread looks at the flag
EXIT_FORCED = 130


class Shutdown:
    """Signals ask for a stop; the main thread carries it out. One per `haven serve` run."""

    def __init__(self, exit_now: Callable[[int], Any] = os._exit) -> None:
        self.signals = 0              # how many SIGINT/SIGTERM arrived
        self.interruptible = True     # before serving: the first signal raises KeyboardInterrupt
        self._exit_now = exit_now
        self._previous: dict[int, Any] = {}

    def handle(self, signum: int, frame: Any = None) -> None:
        """The signal handler: count, and raise only while nothing is being stopped yet."""
        self.signals += 1
        if self.interruptible:
            self.interruptible = False
            raise KeyboardInterrupt

    @property
    def requested(self) -> bool:
        """True once any stop signal arrived."""
        return self.signals > 0

    def install(self) -> None:
        """Handle SIGINT and SIGTERM (only possible in the main thread; elsewhere a no-op)."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self.handle)

    def restore(self) -> None:
        """Put the handlers back as they were."""
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def serving(self) -> None:
        """From now on a signal only sets the flag that `wait()` polls."""
        self.interruptible = False

    def wait(self) -> None:
        """Block until a stop signal arrives (a plain poll: no lock a handler could be waiting on)."""
        self.serving()
        while not self.requested:
            time.sleep(POLL)

    def stop_within(self, stop: Callable[[], None], deadline: float = STOP_DEADLINE,
                    say: Callable[[str], None] | None = None) -> bool:
        """Run `stop` in a helper thread; True if it finished within `deadline` seconds.

        Otherwise the process leaves at once through `exit_now` (an `os._exit` outside tests): the
        threads that did not stop must not keep it, and the port, alive."""
        self.interruptible = False
        failure: list[BaseException] = []

        def run() -> None:
            try:
                stop()
            except BaseException as exc:  # noqa: BLE001 - reported below, then the process leaves
                failure.append(exc)

        helper = threading.Thread(target=run, name="haven-stop", daemon=True)
        helper.start()
        helper.join(deadline)
        if helper.is_alive() or failure:
            why = f"{type(failure[0]).__name__}: {failure[0]}" if failure else f"still busy after {deadline:g} s"
            (say or _stderr)(f"haven: stopped without waiting ({why})")
            self._exit_now(EXIT_FORCED)
            return False
        return True


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
