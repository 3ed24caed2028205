"""Garbage collection for the preview server, which builds the same hub again after every save.

A build makes hundreds of thousands of objects, nearly all without reference cycles (freed as soon as
they are dropped), while the process holds the hub's parsed records, templates and last build's model
for its whole life. Python's collector, left to itself, walks that long-lived heap again and again while
a build runs: at 10,000 articles that was about a fifth of a save's rebuild. So:

- a build runs with the collector paused;
- after the build, once browsers have been told, one collection frees the cycles the build left; it
  walks only what is not frozen;
- after the first build, and every REFREEZE_EVERY builds, everything alive is collected and then frozen
  (`gc.freeze`): the long-lived heap is not walked again until the next refreeze, which also frees any
  cycle among frozen objects that died since.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

REFREEZE_EVERY = 25


class Collector:
    """Pauses garbage collection during builds and collects after them (see the module's notes)."""

    def __init__(self) -> None:
        self.builds = 0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No collection while the block (a build) runs; the collector's state is restored after it."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()

    def after_build(self) -> None:
        """Free what the last build left in cycles; now and then, collect and freeze the long-lived heap."""
        self.builds += 1
        if self.builds == 1 or self.builds % REFREEZE_EVERY == 0:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        else:
            gc.collect()
