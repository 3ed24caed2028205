"""Authors and editors: CSL names parsed, initials, the reference-list and in-text forms (APA 9.8, 8.17)."""

from __future__ import annotations

import re
from collections import abc
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from generator.citations.sorting import _fold, _significant
from generator.citations.text import _join, _plain, _Span, _text


class _Name(NamedTuple):
    """One author or editor. A named tuple: one is made for every name of every work, faster than a dataclass."""

    family: str  # with the non-dropping particle ("van Gogh"); the full name for a group
    given: str
    dropping_particle: str
    suffix: str
    is_group: bool
    initials: str = ""  # "C. R." for "Carl R."; set by _person

    def inverted(self) -> str:
        """As in the reference list: "Rogers, C. R.", "Evans, A. C., Jr.", or the group's name."""
        if self.is_group:
            return self.family
        text = self.family
        if self.initials:
            text += ", " + self.initials
        if self.dropping_particle:
            text += " " + self.dropping_particle
        if self.suffix:
            text += ", " + self.suffix
        return text

    def direct(self) -> _Span:
        """As editors appear after "In": "D. F. Watt"."""
        if self.is_group:
            return _plain(self.family)
        parts = [self.initials, self.dropping_particle, self.family]
        text = " ".join(p for p in parts if p)
        if self.suffix:
            text += ", " + self.suffix
        return _plain(text)

    def in_text(self, with_initials: bool) -> str:
        if self.is_group or not with_initials or not self.initials:
            return self.family
        return f"{self.initials} {self.family}"

    @property
    def sort_key(self) -> tuple[str, str, str]:
        if self.is_group:
            return (_fold(_significant(self.family)), "", self.family.casefold())
        return (_fold(self.family), _fold(self.initials), self.family.casefold())

    @property
    def surname_key(self) -> str:
        # "Same surname" for 8.18 and 8.20 means spelled the same: Muller and
        # Müller are told apart by the reader already.
        return self.family.casefold()


_UPPER_INITIALS_RE = re.compile(r"^[A-Z]{2,3}$")


@lru_cache(maxsize=8192)
def _initials(given: str) -> str:
    """ "Carl R." -> "C. R.", "Jean-Paul" -> "J.-P.", "A. C." -> "A. C." (APA 9.8)."""
    words = given.replace(".", ". ").replace(". -", ".-").split()  # "E.-M." stays one hyphenated word
    # a given name written all in lower case by choice ("k d" lang) keeps its case: "k. d."
    lower = all(word[:1].islower() for word in words)
    out: list[str] = []
    for word in words:
        if 2 <= len(word) <= 3 and _UPPER_INITIALS_RE.match(word):  # "JP" written without periods
            out.extend(f"{c}." for c in word)
            continue
        pieces = []
        for piece in word.split("-"):
            # the first letter of the piece: nearly always its first character
            letter = piece[0] if piece[:1].isalpha() else next((c for c in piece if c.isalpha()), "")
            if letter:
                pieces.append((letter if lower else letter.upper()) + ".")
        if pieces and not (word[0].islower() and len(words) > 1 and not lower):
            out.append("-".join(pieces))
    return " ".join(out)


def _person(family: str, given: str, dropping_particle: str = "", suffix: str = "") -> _Name:
    return _Name(family, given, dropping_particle, suffix, False, _initials(given))


# The same people are cited again and again: names are memoized on their fields.
_NAME_MEMO: dict[tuple[tuple[Any, Any], ...], _Name | None] = {}
_NAME_MEMO_LIMIT = 8192
_NOT_PARSED = object()


def _parse_name(raw: Any) -> _Name | None:
    if raw.__class__ is not dict:
        return _parse_name_uncached(raw)
    fields = tuple(raw.items())
    try:
        name = _NAME_MEMO.get(fields, _NOT_PARSED)
    except TypeError:  # a field YAML made a list or a mapping of: not hashable, parse it as it is
        return _parse_name_uncached(raw)
    if name is not _NOT_PARSED:
        return name  # type: ignore[return-value]
    if len(_NAME_MEMO) >= _NAME_MEMO_LIMIT:
        _NAME_MEMO.clear()
    name = _NAME_MEMO[fields] = _parse_name_uncached(raw)
    return name


_PLAIN_NAME_FIELDS = frozenset(("family", "given"))


def _parse_name_uncached(raw: Any) -> _Name | None:
    if raw.__class__ is dict and raw.keys() <= _PLAIN_NAME_FIELDS:
        # Nearly every person is just `{family: ..., given: ...}`: the general case below, in short.
        family, given = raw.get("family", ""), raw.get("given", "")
        if family.__class__ is str and given.__class__ is str:
            family, given = family.strip(), given.strip()
            if family:
                return _person(family, given)
            return _Name(given, "", "", "", True) if given else None  # a mononym, or nobody
    if isinstance(raw, abc.Mapping):
        literal = _text(raw.get("literal"))
        family = _text(raw.get("family"))
        given = _text(raw.get("given"))
        if literal:
            return _Name(literal, "", "", "", True)
        particle = _text(raw.get("non-dropping-particle"))
        if particle:
            family = f"{particle} {family}" if not particle.endswith(("'", "’", "-")) else particle + family
        if not family and given:
            return _Name(given, "", "", "", True)  # a mononym
        if not family:
            return None
        return _person(family, given, _text(raw.get("dropping-particle")), _text(raw.get("suffix")))
    if not isinstance(raw, str):
        return None  # numbers, nulls: not a name
    text = raw.strip()
    if not text:
        return None
    if "," in text:  # "Family, Given"
        family, given = (part.strip() for part in text.split(",", 1))
        return _person(family, given)
    return _Name(text, "", "", "", True)


def _parse_names(raw: Any) -> tuple[_Name, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    return tuple(name for name in (_parse_name(item) for item in items) if name is not None)


def _reference_names(names: Sequence[_Name]) -> _Span:
    """Authors in the reference list (9.8): "&" before the last; 21+ -> first 19, "…", last."""
    # Plain text throughout (every name is non-empty), so the HTML is the escaped text.
    texts = [name.inverted() for name in names]
    if len(texts) > 1 and names[-1].is_group and names[-1].family == "others":
        # BibTeX's "and others", which pandoc passes on as a name "others": pandoc prints "et al."
        return _plain(texts[0] + " et al." if len(texts) == 2 else ", ".join(texts[:-1]) + ", et al.")
    if len(texts) == 1:
        text = texts[0]
    elif len(texts) >= 21:
        text = ", ".join(texts[:19]) + ", … " + texts[-1]
    else:
        text = ", ".join(texts[:-1]) + ", & " + texts[-1]
    return _plain(text)


def _editor_names(names: Sequence[_Name]) -> _Span:
    """Editors after "In" (9.10, 10.3): "D. F. Watt & J. Panksepp", "A. A, B. B, & C. C"."""
    spans = [name.direct() for name in names]
    if len(spans) == 1:
        return spans[0]
    if len(spans) == 2:
        return spans[0] + _Span(" &amp; ", " & ") + spans[1]
    return _join(spans[:-1], ", ") + _Span(", &amp; ", ", & ") + spans[-1]
