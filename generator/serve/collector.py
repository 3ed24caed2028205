"""Garbage collection for the preview server, which builds the same hub again after every save.

A build makes hundreds of thousands of objects, nearly all without reference cycles (freed as soon as
they are dropped), while the process holds the hub's parsed records, templates and last build's model
for its whole life. A build runs with the collector off (`build.build`); the preview then collects:

- after each build, once browsers have been told, one collection frees the cycles the build left; it
  walks only what is not frozen;
- after the first build, and every REFREEZE_EVERY builds, everything alive is collected and then frozen
  (`gc.freeze`): the long-lived heap is not walked again until the next refreeze, which also frees any
  cycle among frozen objects that died since. Walking it after every save took a third of a second at
  10,000 articles.
"""

from __future__ import annotations

import gc

REFREEZE_EVERY = 25


class Collector:
    """Collects garbage after each build (see the module's notes)."""

    def __init__(self) -> None:
        self.builds = 0

    def after_build(self) -> None:
        """Free what the last build left in cycles; now and then, collect and freeze the long-lived heap."""
        self.builds += 1
        if self.builds == 1 or self.builds % REFREEZE_EVERY == 0:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        else:
            gc.collect()
