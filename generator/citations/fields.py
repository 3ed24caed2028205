"""The CSL fields of one item as an entry reads them, and the small formats they share.

`Item` records which fields an entry placed, so that a field Haven cannot place in
an entry of its type is reported (`unplaced_fields`) instead of vanishing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.citations.locators import _PLURAL_RE
from generator.citations.records import CSL_TYPES
from generator.citations.sorting import _fold
from generator.citations.text import _esc, _plain, _Span, _text

# Periodical parts and parts of edited works: plain titles in the reference list
# and in quotation marks when the title stands in for an author in the text (8.14).
PART_TYPES = frozenset([
    "article", "article-journal", "article-magazine", "article-newspaper", "chapter", "entry", "entry-dictionary",
    "entry-encyclopedia", "paper-conference", "post-weblog", "review", "review-book",
])
# Works dated to the day in the reference list (9.14): everything else shows the year only.
FULL_DATE_TYPES = frozenset([
    "article-magazine", "article-newspaper", "broadcast", "event", "interview", "motion_picture", "performance",
    "personal_communication", "post", "post-weblog", "song", "speech", "webpage",
])
VIDEO_TYPES = frozenset(["motion_picture", "broadcast", "speech", "song", "performance", "interview"])
PERIODICAL_TYPES = frozenset(
    ["article", "article-journal", "article-magazine", "article-newspaper", "periodical", "review", "review-book"]
)
EDITED_PART_TYPES = frozenset(["chapter", "entry", "entry-dictionary", "entry-encyclopedia", "paper-conference"])
STANDALONE_TYPES = frozenset([
    "book", "classic", "collection", "report", "thesis", "webpage", "dataset", "software", "post", "pamphlet",
    "manuscript", "standard", "musical_score", "map", "graphic", "patent",
])
# Cases, acts and treaties: named in title case and dated right after the name (11.4-11.10).
LEGAL_TYPES = frozenset(["legal_case", "legislation", "bill", "regulation", "treaty"])
# Whole works whose volume, number and editors go in the parenthesis after the title (9.19, 10.2).
BOOK_LIKE_TYPES = frozenset(["book", "classic", "collection", "document", "pamphlet", "manuscript", "standard"])

# Fields an entry shows when its type has a place for them: one left over is reported.
PLACEABLE_FIELDS = (
    "container-title", "volume", "issue", "page", "number", "edition", "editor", "genre",
    "collection-title", "collection-number", "version", "publisher",
)

_DOI_PREFIX_RE = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_SAFE_URL_RE = re.compile(r"^https?://", re.IGNORECASE)
_HYPHEN_RANGE_RE = re.compile(r"(?<=\w)\s*(?:--?|—|–)\s*(?=\w)")
_SHORT_RANGE_RE = re.compile(r"(?<![\w.])([A-Za-z]*)(\d+)–([A-Za-z]*)(\d+)(?![\w.])")
_ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


class Item:
    """One CSL item's fields as text; `take` marks a field as placed in the entry, `peek` does not."""

    __slots__ = ("author_groups", "data", "kind", "placed")

    def __init__(self, data: Mapping) -> None:
        self.data = data
        self.author_groups: set[str] = set()  # folded names of group authors, set by the entry
        written = _text(data.get("type"))
        # pandoc renders an empty or unknown type with the style's general rules: a part of a
        # larger work when it names one, a document otherwise (the checks warn about the type).
        if written in CSL_TYPES:
            self.kind = written
        else:
            self.kind = "unknown-part" if _text(data.get("container-title")) else "document"
        self.placed: set[str] = set()

    def peek(self, field: str) -> str:
        """The field as text, "" when missing."""
        return _text(self.data.get(field))

    def take(self, field: str) -> str:
        """The field as text, recorded as shown in the entry (when it is not empty)."""
        value = _text(self.data.get(field))
        if value:
            self.placed.add(field)
        return value

    def consume(self, *fields: str) -> None:
        """Record fields APA deliberately leaves out here (a periodical's publisher, 9.29) as dealt with."""
        self.placed.update(fields)

    def is_author(self, value: str) -> bool:
        """The publisher (or a web page's site name) is left out when it is the group author (9.25)."""
        return _fold(value) in self.author_groups

    def take_publisher(self) -> str:
        """The publisher to show, or "" when there is none or it is the group author (9.25: left out)."""
        publisher = self.peek("publisher") if "publisher" not in self.placed else ""  # shown once (a court: 11.4)
        if publisher and self.is_author(publisher):
            self.consume("publisher")
            return ""
        return self.take("publisher") if publisher else ""

    def raw(self, field: str) -> Any:
        """The field as YAML or JSON gave it (names, dates)."""
        return self.data.get(field)


def pages(value: str) -> str:
    """Page ranges take an en dash and are written in full (6.6, 9.27): "1248-55" -> "1248–1255"."""
    first, _, last = value.partition("-")
    if (
        first[-1:].isalnum() and last[:1].isalnum()
        and "-" not in last and "—" not in value and "–" not in value
    ):
        value = f"{first}–{last}"  # the usual "123-145": one hyphen between letters or digits, no regex scan
    else:
        value = _HYPHEN_RANGE_RE.sub("–", value)
    return _SHORT_RANGE_RE.sub(_expand_range, value) if "–" in value else value


def _expand_range(match: re.Match) -> str:
    """ "1248–55" -> "1248–1255", "e76–84" -> "e76–84"... only digits after the same (or no) prefix grow."""
    prefix, first, last_prefix, last = match.groups()
    if len(last) < len(first) and last_prefix in ("", prefix):
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}–{last_prefix}{last}"


def page_label(value: str) -> str:
    """ "p. 5" or "pp. 5–9", as pages of a part appear after the book's title (9.27)."""
    return ("pp. " if _PLURAL_RE.search(value) else "p. ") + value


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


_ORDINAL_WORDS = {word: number for number, word in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], start=1)}


def edition(value: str) -> str:
    """ "2" or "Second" -> "2nd ed.", "Rev." -> "Rev. ed.", "3rd ed." kept (10.2)."""
    if not value:
        return ""
    if value.lower() in _ORDINAL_WORDS:
        value = str(_ORDINAL_WORDS[value.lower()])
    if value.isdigit():
        return f"{_ordinal(int(value))} ed."
    if re.search(r"\bed\.?$", value, re.IGNORECASE) or "edition" in value.lower():
        return value
    return f"{value} ed."


def link(url: str) -> _Span:
    """URLs and DOIs are live links (9.35); anything but http(s) stays text and never reaches href."""
    if _SAFE_URL_RE.match(url):
        escaped = _esc(url)
        return _Span(f'<a href="{escaped}">{escaped}</a>', url)
    return _plain(url)


def normalize_doi(value: str) -> str:
    """The bare DOI: "https://doi.org/10.1/x" and "doi:10.1/x" -> "10.1/x"."""
    return _DOI_PREFIX_RE.sub("", value.strip())
