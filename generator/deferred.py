"""Values the cache holds as JSON text, decoded and checked only when first asked for (see `Deferred`), and the
two steps of reading any cache value: JSON text to data (`parse_json`), data to a checked value (`decode_with`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import orjson

Decoder = Callable[[Any], Any]


class CacheDamaged(ValueError):
    """The cache file is not what Haven wrote: it is ignored and rebuilt."""


def parse_json(data: bytes | str) -> Any:
    """The JSON data in `data`, unchecked; CacheDamaged when it is not JSON."""
    try:
        return orjson.loads(data)
    except (orjson.JSONDecodeError, RecursionError) as exc:
        raise CacheDamaged(f"not JSON: {exc}") from None


def decode_with(decoder: Decoder, raw: Any) -> Any:
    """`decoder(raw)`, any failure of it (a value of the wrong shape) raised as CacheDamaged."""
    try:
        return decoder(raw)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        if isinstance(exc, CacheDamaged):
            raise
        raise CacheDamaged(str(exc)) from None


_UNSET: Any = object()


class Deferred:
    """A value the cache holds as JSON text, decoded and checked as its type only when first asked for (`self()`):
    a one-article edit at 10,000 articles reads every article's record, and decoding what it does not use (formatted
    citations, citation clusters, headings, front-matter references) was most of its time. Text that is not what
    Haven wrote is never trusted: the value is made again by `fallback` (or, with none, CacheDamaged is raised)."""

    __slots__ = ("_decode", "_text", "_value", "fallback")

    def __init__(self, fallback: Callable[[], Any] | None = None, *, text: str | None = None,
                 decode: Decoder | None = None, value: Any = _UNSET) -> None:
        self.fallback, self._text, self._decode, self._value = fallback, text, decode, value

    def __call__(self) -> Any:
        """The value: known, decoded from the cache's text, or made by `fallback` (and from then on known)."""
        value = self._value
        if value is _UNSET:
            # (read once: a second thread asking at the same time decodes the same text, or finds the value)
            text, decode, fallback = self._text, self._decode, self.fallback
            if text is not None and decode is not None:
                try:
                    value = decode_with(decode, parse_json(text))
                except CacheDamaged:   # a cache is never trusted: anything unexpected means "make it again"
                    value = _UNSET
            if value is _UNSET:
                if fallback is None:
                    raise CacheDamaged("a value the cache holds is damaged, and there is no way to make it again")
                value = fallback()
            self._value = value
            self._text = self._decode = self.fallback = None
        return value

    def or_make(self, make: Callable[[], Any]) -> Deferred:
        """This value, made by `make` if the cache's text of it turns out damaged (unless it has a way already)."""
        if self.fallback is None and self._value is _UNSET:
            self.fallback = make
        return self

    def text(self) -> str | None:
        """The cache's text of the value while it has not been asked for (written back as it was read)."""
        return self._text if self._value is _UNSET else None


class DeferredTuple(Deferred, Sequence):
    """A tuple the cache holds as JSON text (see Deferred), read as a tuple: equal to the same tuple, the same
    repr (fingerprints read it), and pickled as one."""

    __slots__ = ()

    def __len__(self) -> int:
        return len(self())

    def __getitem__(self, index: Any) -> Any:
        return self()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self())

    def __bool__(self) -> bool:
        return bool(self())

    def __eq__(self, other: object) -> bool:
        return self() == (other() if isinstance(other, DeferredTuple) else other)

    def __hash__(self) -> int:
        return hash(self())

    def __repr__(self) -> str:
        return repr(self())

    def __reduce__(self) -> tuple:
        return tuple, (self(),)


@dataclasses.dataclass(frozen=True)
class Later:
    """A field type for `Codec` overrides: a tuple of `of` (tuple[X, ...]) kept as JSON text in the cache and read
    back as a DeferredTuple."""

    of: Any
