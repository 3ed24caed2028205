"""What the last build of a long-lived process made from each record, reused when nothing it read changed.

The preview server builds the same hub again after every save. A file that did not change keeps its
parsed record (the parse cache keeps the records in memory between builds), and what a stage makes from
that record alone, in the same "world" (the settings, the shared bibliography, the image sizes: whatever
else it reads, fingerprinted by the stage), is what it made last time. So the stage asks for the value by
record and gets last build's value back instead of making it again.

Only values the last BUILDS_KEPT builds used are kept (memory stays a build or two's worth: a process that
alternates between two kinds of build, such as a test comparing incremental and clean builds, reuses
for both), the record is kept beside its value (so its identity cannot be reused by another object while
remembered), and a value is reused only in the world it was made in. A one-build process (the CLI) makes
every value once, as without it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

Made = TypeVar("Made")


BUILDS_KEPT = 2


class SinceLastBuild(Generic[Made]):
    """Per record (by identity) and detail: the value a recent build made, if the world is the same.

    `begin(world)` at the start of each build, then `get(record, detail, make, *args)` for each record.
    """

    def __init__(self) -> None:
        self._recent: list[tuple[Hashable, dict[int, tuple[Any, Hashable, Made]]]] = []   # newest first
        self._earlier: list[dict[int, tuple[Any, Hashable, Made]]] = []
        self._now: dict[int, tuple[Any, Hashable, Made]] = {}
        self._searched: tuple[dict[int, tuple[Any, Hashable, Made]], ...] = (self._now,)   # _now, then _earlier

    def begin(self, world: Hashable) -> None:
        """A new build in `world`: what recent builds in the same world made stays available."""
        self._earlier = [made for made_in, made in self._recent if made_in == world]
        self._now = {}
        self._recent = [(world, self._now), *self._recent[:BUILDS_KEPT - 1]]
        self._searched = (self._now, *self._earlier)

    def get(self, record: Any, detail: Hashable, make: Callable[..., Made], *args: Any) -> Made:
        """The value this or a recent build made from this very record with the same `detail`, or `make(*args)`
        (the preview's shortcut plans a few pages again in the world of the last build: see generator.reuse)."""
        key = id(record)
        for made in self._searched:   # (asked once per record of the hub, build after build)
            known = made.get(key)
            if known is not None and known[0] is record and known[1] == detail:
                value = known[2]
                break
        else:
            value = make(*args)
        self._now[key] = (record, detail, value)
        return value


class LastMade(Generic[Made]):
    """Per key, the value made last and what it was made from (`source`, compared with ==: containers
    compare their items by identity first, so an unchanged source costs a walk, not a deep compare); the
    value is made again when the source differs. For whole-hub values a long-lived process makes again
    after every save, such as the sitemap's rows, that most saves leave as they were."""

    def __init__(self) -> None:
        self._last: dict[Hashable, tuple[Any, Made]] = {}

    def get(self, key: Hashable, source: Any, make: Callable[..., Made], *args: Any) -> Made:
        """The value made last under `key` when it was made from an equal `source`, else `make(*args)`."""
        last = self._last.get(key)
        if last is None or last[0] != source:
            last = self._last[key] = (source, make(*args))
        return last[1]
