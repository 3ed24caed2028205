"""Values made from objects that do not change during a build, remembered by the objects' identity.

A shared reference's mapping is formatted, and described for JSON-LD, once for every article that cites
it; the mapping is the same object each time. Identity is cheap to look up where the value itself is a
large mapping (hashing it would cost what the work costs). The object is kept beside its value, so its
identity cannot be reused by another object while it is remembered.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

Made = TypeVar("Made")


class IdentityMemo(Generic[Made]):
    """`get(obj, make)` is `make(obj)`, made once per object (and `extra` part of the key), up to `limit`
    values; past that the memory starts again empty."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._known: dict[tuple[int, Hashable], tuple[Any, Made]] = {}

    def clear(self) -> None:
        """Forget every value."""
        self._known.clear()

    def get(self, obj: Any, make: Callable[[], Made], extra: Hashable = None) -> Made:
        """The value for `obj` (and `extra`), made by `make()` the first time."""
        key = (id(obj), extra)
        known = self._known.get(key)
        if known is not None and known[0] is obj:
            return known[1]
        if len(self._known) >= self.limit:
            self._known.clear()
        made = make()
        self._known[key] = (obj, made)
        return made
