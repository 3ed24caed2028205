"""The readable text of Markdown prose: what a reader reads, without markup, citations, URLs or code.

Shared by the readability scorer and the editorial checks (see `generator.markup.blocks` for which
blocks count as prose).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# A code span may run over a line break but never over a blank line (it cannot leave its paragraph).
_INLINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*\n))+?)(?<!`)\1(?!`)")
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
"""A word: letters or digits, with inner apostrophes and hyphens ("don't", "self-care", "l’empathie")."""


@dataclass(frozen=True, slots=True)
class ProseText:
    """A prose block as `strip_markup` leaves it (white space not yet collapsed), at its 0-based body line."""

    line: int
    text: str


def has_words(text: str) -> bool:
    """True when the text holds at least one word."""
    return WORD_RE.search(text) is not None


_LINE_MARKERS_RE = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)?",
                              re.MULTILINE)
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_INLINE_LINK_RE = re.compile(r"\[([^\[\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_LINK_RE = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
CITATION_BRACKET_RE = re.compile(r"\[[^\[\]]*?(?:(?<=\[)|(?<=[\s;]))-?@(?:[\w]|\{)[^\[\]]*\]")
"""A pandoc bracketed citation: `[@key]`, `[-@key]`, `[see @a, p. 3; @b]`. An e-mail address inside
brackets (`[mail me at a@b.org]`) is not one, because its `@` follows a word character."""
NARRATIVE_CITATION_RE = re.compile(r"@(?<![\w@.\-/:+]@)(?:[A-Za-z0-9_][\w:.#$%&+?<>~/-]*[\w]|[A-Za-z0-9_]|\{[^}\s]+\})")
"""A pandoc narrative citation `@key`; the look-behind keeps e-mail addresses and URLs out. It is written
after the `@` so that the pattern opens with a literal, which is searched for at memory speed."""
FOOTNOTE_REFERENCE_RE = re.compile(r"\[\^[^\]\s]+\](?!:)")
_AUTOLINK_RE = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>|\bhttps?://\S+|\bwww\.\S+")
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_PANDOC_SPAN_ATTR_RE = re.compile(r"\]\{[^}]*\}")


def prose_text(markdown: str) -> str:
    """The readable text of one Markdown block: markers, citations, URLs, code and tags removed."""
    return " ".join(strip_markup(markdown).split())


_MARKER_START_CHARS = frozenset(" \t>-*+0123456789")


def strip_markup(markdown: str) -> str:
    """`prose_text` before white space is collapsed: the counts do not depend on it."""
    # Each pass runs only when its trigger character is present: most paragraphs have none of them,
    # and this runs for every paragraph of every article.
    text = markdown
    if "\n" in text or text[:1] in _MARKER_START_CHARS:  # a one-line block without a marker has none
        text = _LINE_MARKERS_RE.sub("", text)
    if "`" in text:  # already blank in a scanned body; here for text passed in directly
        text = _INLINE_CODE_RE.sub(" ", text)
    if "[" in text:
        if "![" in text:
            text = _IMAGE_RE.sub(" ", text)
        if "@" in text:
            text = CITATION_BRACKET_RE.sub(" ", text)
        if "[^" in text:
            text = FOOTNOTE_REFERENCE_RE.sub(" ", text)
        if "](" in text:
            text = _INLINE_LINK_RE.sub(r"\1", text)
        if "][" in text:
            text = _REFERENCE_LINK_RE.sub(r"\1", text)
        if "]{" in text:
            text = _PANDOC_SPAN_ATTR_RE.sub("]", text)
    if "<" in text or (":" in text and "://" in text) or "www." in text:
        text = _AUTOLINK_RE.sub(" ", text)
        text = _HTML_TAG_RE.sub(" ", text)
    if "@" in text:
        text = NARRATIVE_CITATION_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text
