"""Finding pandoc citations in a Markdown body: the key grammar, `parse_cluster`, and the scan for
candidates with their positions (before Python-Markdown runs, while line and column are still known).

Pure functions over text; `generator.markup.citations` wires them into Python-Markdown.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from generator.citations import CiteItem, parse_locator

# Pandoc's keys: start with a letter, digit or _, then internal punctuation
# :.#$%&-+?<>~/ between word characters; trailing punctuation is not part of
# the key. `@{...}` takes anything but braces.
_KEY = r"(?:\w+(?:[:.#$%&\-+?<>~/]+\w+)*|\{[^{}\n]+\})"
# `@` starts a citation only after whitespace or opening punctuation, so
# e-mail addresses (me@example.org) and handles in URLs (/@user) are not citations.
_CITE_START = r"(?<![^\s(\[{“‘*—–])"
_ITEM_RE = re.compile(rf"{_CITE_START}(?P<minus>-)?@(?P<key>{_KEY})")
# The same test as `_CITE_START`, made after the `@`: a pattern that opens with a literal is searched for
# at memory speed, one that opens with a look-behind is tried at every offset of the body.
_NARRATIVE_RE = re.compile(rf"@(?<![^\s(\[{{“‘*—–]@)(?P<key>{_KEY})")
# `@key [p. 12]`: one space, then brackets without another citation inside
_NARRATIVE_LOCATOR_RE = re.compile(r" \[(?P<locator>[^\[\]@\n]*)\](?!\()")
# Brackets that may hold a citation: not nested, an `@` inside, not followed by `(` (a link).
_CITING_BRACKETS_RE = re.compile(r"\[(?P<content>[^\[\]@]*@[^\[\]]*)\](?![(])")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_WHITESPACE_RE = re.compile(r"\s+")
# Raw HTML, e-mail autolinks and escapes: citations are never looked for inside a tag, a comment or
# `<name@host>` (Python-Markdown's AUTOMAIL_RE: `<a[@k2]>` is an address, not a citation), and `\@` or
# `\[` keep their literal meaning.
_MASK_RE = re.compile(
    r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<[^<> !]+@[^@<> ]+>|\\[\\`*_{}\[\]()#+\-.!@]",
    re.DOTALL,
)


def _clean(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).strip()


def _clean_suffix(text: str) -> str:
    # A leading space means "no comma before it" (see CiteItem.suffix): keep one.
    return (" " if text[:1].isspace() else "") + _clean(text) if text.strip() else ""


def _key_text(raw: str) -> str:
    return raw[1:-1].strip() if raw.startswith("{") else raw


# Each cluster is parsed twice, when it is marked and when it is consumed; items are immutable.
@lru_cache(maxsize=1024)
def parse_cluster(content: str) -> tuple[CiteItem, ...] | None:
    """Parse the inside of a bracketed citation (`see @a, p. 4; also @b`) into items.

    Returns None when it is not a citation: every `;`-separated part needs a key.
    """
    items: list[CiteItem] = []
    for part in content.split(";"):
        match = _ITEM_RE.search(part)
        if match is None:
            return None
        rest = part[match.end() :]
        comma = re.match(r"\s*,", rest)
        if comma:
            locator, suffix = parse_locator(rest[comma.end() :])
            locator, suffix = _clean(locator), _clean_suffix(suffix)
        else:
            locator = ""
            # no comma: pandoc prints the suffix right after the year ("2019 for details", "2019.")
            suffix = _clean_suffix(rest)
        items.append(
            CiteItem(
                key=_key_text(match.group("key")),
                prefix=_clean(part[: match.start()]),
                locator=locator,
                suffix=suffix,
                suppress_author=bool(match.group("minus")),
            )
        )
    return tuple(items) if items else None


def _narrative_item(raw_key: str, locator_text: str | None) -> CiteItem:
    locator, suffix = parse_locator(locator_text or "")
    return CiteItem(key=_key_text(raw_key), locator=_clean(locator), suffix=_clean_suffix(suffix))


def _masked(text: str) -> str:
    """The text with raw HTML and escaped characters blanked out (same length, same offsets)."""
    if "<" not in text and "\\" not in text:  # a substring test costs far less than the regex scan
        return text
    return _MASK_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _candidates(text: str) -> list[tuple[int, str, int]]:
    """Citation candidates in raw Markdown: (offset, kind "B" or "N", length)."""
    masked = _masked(text)
    found: list[tuple[int, str, int]] = []
    taken_starts: list[int] = []  # bracketed clusters, in order (they never overlap)
    taken_ends: list[int] = []
    for match in _CITING_BRACKETS_RE.finditer(masked):
        start, end = match.span()
        content = match.group("content")
        if _BLANK_LINE_RE.search(content):
            continue
        if start > 0 and masked[start - 1] == "!":
            continue  # an image
        if parse_cluster(content) is None:
            continue
        found.append((start, "B", end - start))
        taken_starts.append(start)
        taken_ends.append(end)
    for match in _NARRATIVE_RE.finditer(masked):
        start, end = match.span()
        inside = bisect.bisect_right(taken_starts, start) - 1
        if inside >= 0 and start < taken_ends[inside]:
            continue  # part of a bracketed cluster
        # only the key's length: the inline pattern finds the locator itself,
        # since whitespace inside it may change before inline patterns run
        found.append((start, "N", end - start))
    found.sort()
    return found
