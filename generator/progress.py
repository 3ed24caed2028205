"""What a build says while it runs: a progress line on a terminal, colour only where it helps.

The progress line appears only on a terminal, and only once a build has run for a second (a quick
build prints nothing but its summary, as before); it is rewritten in place and wiped before the
findings and the summary are printed, so nothing of it remains in a scrollback or a log.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TextIO

PROGRESS_AFTER_SECONDS = 1.0   # `HAVEN_PROGRESS_AFTER` changes it (0: at once; for tests and slow disks)
_REDRAW_SECONDS = 0.1          # at most ten redraws a second: a terminal is slower than a build


def wants_color(stream: TextIO) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    return (_is_terminal(stream) and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM", "") != "dumb")


def paint(text: str, code: str, color: bool) -> str:
    """`text` in an ANSI colour (`code` such as "31" for red) when `color` is on."""
    return f"\033[{code}m{text}\033[0m" if color else text


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):   # a closed or unusual stream is not a terminal
        return False


def _delay_from_environment() -> float:
    text = os.environ.get("HAVEN_PROGRESS_AFTER", "")
    try:
        return max(0.0, float(text)) if text else PROGRESS_AFTER_SECONDS
    except ValueError:
        return PROGRESS_AFTER_SECONDS


class ProgressLine:
    """A one-line report of the build's stage, rewritten in place: `line("rendering", 40, 1000)`."""

    def __init__(self, stream: TextIO, delay: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.delay = _delay_from_environment() if delay is None else delay
        self.started = clock()
        self.last_drawn = float("-inf")
        self.width = 0    # characters on screen now: wiped by spaces (works on any terminal, even TERM=dumb)

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Report `done` of `total` items of `stage` (redrawn at most ten times a second)."""
        now = self.clock()
        if now - self.started < self.delay or (now - self.last_drawn < _REDRAW_SECONDS and done < total):
            return
        self.last_drawn = now
        count = f" {done}/{total}" if total else ""
        self._draw(f"haven: {stage}{count} ({now - self.started:.0f} s)")

    def close(self) -> None:
        """Wipe the line, so what is printed next starts on a clean line."""
        if self.width:
            self._draw("")

    def _draw(self, text: str) -> None:
        self.stream.write("\r" + text.ljust(self.width) + ("\r" if not text else ""))
        self.stream.flush()
        self.width = len(text)


def progress_for(stream: TextIO, quiet: bool) -> ProgressLine | None:
    """A progress line on `stream` when it is a terminal and the user did not ask for quiet."""
    return None if quiet or not _is_terminal(stream) else ProgressLine(stream)
