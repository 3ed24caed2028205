"""Markdown bodies split into blocks, code blanked out: the scanner behind readability and the editorial checks.

What counts as prose (decided here, shared with the editorial checks):

- Kept: paragraphs, list items (one block each, the marker dropped), block quotes (markers dropped),
  link *text*, emphasis text, text inside inline HTML.
- Dropped: fenced and indented code, inline code, HTML tags and comments, pandoc citations
  (`[@key]`, `[see @a, p. 3; @b]`, narrative `@key`), footnote references and definitions, link and
  image URLs, images (alt text is not read in the flow of the text), link reference definitions,
  headings (labels without sentence punctuation: counted as prose they would merge into the next sentence
  and inflate the grade), tables (cells are not sentences, for the same reason), thematic breaks,
  pandoc fenced-div markers, and whole reference sections (a heading such as "References" or
  "Bibliography", in the languages Haven scores, and everything under it; pandoc's `::: {#refs}` div).
- Front matter is never part of `body`: the caller splits it off and passes the file line of the
  body's first line, so every finding points at the real line in the file.

One scan per article: `scan_markdown` keeps the last few scans, so the readability check and the editorial
checks share the work.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import Literal

from generator.markup.prose import _INLINE_CODE_RE, ProseText, has_words, strip_markup

BlockKind = Literal[
    "paragraph", "list_item", "quote", "heading", "table", "code", "footnote", "link_definition", "html"
]
PROSE_KINDS = frozenset({"paragraph", "list_item", "quote"})


@dataclass(frozen=True)
class Block:
    """One Markdown block. `start`/`end` are character offsets into the body, `line` is 0-based
    within the body. `in_references` marks blocks under a references heading or in `::: {#refs}`."""

    kind: BlockKind
    line: int
    start: int
    end: int
    in_references: bool = False

    @property
    def is_prose(self) -> bool:
        """True for blocks read as running text (paragraphs, list items, quotes) outside references."""
        return self.kind in PROSE_KINDS and not self.in_references



@dataclass(frozen=True)
class ScannedBody:
    """A Markdown body split into blocks, with code and HTML comments blanked out.

    `masked` has exactly the length and line breaks of the body, so an offset found in it is an offset
    in the file's body: code spans, code blocks and HTML comments are replaced by spaces, which keeps
    their text away from every check while keeping every other column exact.
    """

    body: str
    masked: str
    blocks: tuple[Block, ...]
    line_starts: tuple[int, ...]

    def position(self, offset: int) -> tuple[int, int]:
        """The 0-based body line and 1-based column of a character offset."""
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line] + 1

    # Derived once per body and kept as long as the scan is cached: the readability finding, the grade and
    # the editorial checks all read the same article one after the other.

    @cached_property
    def lowered(self) -> str:
        """`masked` in lower case with the same offsets (see `lowered_same_length`)."""
        return lowered_same_length(self.masked)

    @cached_property
    def prose(self) -> tuple[ProseText, ...]:
        """Every prose block that has words, as plain text (white space not yet collapsed), in body order."""
        found = []
        for block in self.blocks:
            if block.is_prose:
                text = strip_markup(self.masked[block.start : block.end])
                if has_words(text):
                    found.append(ProseText(block.line, text))
        return tuple(found)


def lowered_same_length(text: str) -> str:
    """`text` in lower case with the same offsets. Lower-case patterns on lowered text run several times
    faster than case-insensitive ones. The rare characters that change length when lowered (the Turkish
    dotted capital I) become a plain "i" so that offsets stay exact."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else "i" for ch in text)
    return lowered


# --- Block scanning ------------------------------------------------------------------------------

_FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})")  # any indent: fences also nest in list items
_ATX_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)[ \t#]*$")
_SETEXT_UNDERLINE_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_THEMATIC_BREAK_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM_RE = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_QUOTE_RE = re.compile(r"^ {0,3}>")
_FOOTNOTE_DEF_RE = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:")
_LINK_DEF_RE = re.compile(r"^ {0,3}\[[^\]^][^\]]*\]:[ \t]*\S")
_TABLE_DELIMITER_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_DIV_FENCE_RE = re.compile(r"^ {0,3}:{3,}(.*)$")
_HTML_BLOCK_RE = re.compile(r"^ {0,3}</?[A-Za-z][\w-]*(?:\s[^>]*)?/?>\s*$")
_REFS_DIV_RE = re.compile(r"#refs\b")
_INDENTED_CODE_RE = re.compile(r"^(?: {4}|\t)")
_BLOCK_START_CHARS = frozenset("#`~>-*+_=:[<0123456789")
"""First characters that can start something other than a plain paragraph line."""

_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)

REFERENCE_HEADINGS = frozenset(
    {"references", "reference list", "bibliography", "sources", "works cited", "citations", "further reading",
     # the same sections in the other languages Haven scores
     "referencias", "bibliografía", "fuentes", "références", "bibliographie", "literatur", "quellen"}
)
_HEADING_WORDS_RE = re.compile(r"[^\w\s]+")


def _blank(match: re.Match[str]) -> str:
    # Keep line breaks so offsets, lines and columns stay exact.
    return re.sub(r"[^\n]", " ", match.group(0))


def _heading_text(line: str) -> str:
    match = _ATX_HEADING_RE.match(line)
    text = match.group(2) if match else line
    return " ".join(_HEADING_WORDS_RE.sub(" ", text).lower().split())


@lru_cache(maxsize=16)
def scan_markdown(body: str) -> ScannedBody:
    """Split a Markdown body into blocks and blank out its code.

    Cached for the last few bodies: the readability, safe-messaging and claims checks all scan the same
    article one after the other.
    """
    lines = body.split("\n")
    line_starts = list(accumulate([len(line) + 1 for line in lines[:-1]], initial=0))

    masked_lines = list(lines)
    blocks: list[Block] = []
    current: list | None = None  # [kind, first_line, last_line]
    in_list = False
    fence: tuple[str, int] | None = None  # (fence char, length)
    fence_start = 0
    references_level = 0  # heading level of the open references section, 0 when none
    refs_div_depth = 0  # nested ::: depth when inside ::: {#refs}
    div_depth = 0

    def in_references() -> bool:
        return references_level > 0 or refs_div_depth > 0

    def close() -> None:
        nonlocal current
        if current is not None:
            kind, first, last = current
            blocks.append(
                Block(kind, first, line_starts[first], line_starts[last] + len(lines[last]), in_references())
            )
            current = None

    def add_single(kind: BlockKind, index: int) -> None:
        blocks.append(
            Block(kind, index, line_starts[index], line_starts[index] + len(lines[index]), in_references())
        )

    for index, line in enumerate(lines):
        if fence is not None:
            masked_lines[index] = " " * len(line)
            stripped = line.strip()
            if stripped and stripped[0] == fence[0] and len(stripped) >= fence[1] and set(stripped) == {fence[0]}:
                fence = None
                blocks.append(
                    Block("code", fence_start, line_starts[fence_start], line_starts[index] + len(line),
                          in_references())
                )
            continue

        stripped = line.lstrip()
        if not stripped:
            close()
            continue
        indented = line[:1] == "\t" or line[:4] == "    "  # `_INDENTED_CODE_RE`, without a regex call per line

        if current is not None and current[0] == "footnote":
            # A footnote definition runs on until a blank line.
            current[2] = index
            continue
        if current is not None and current[0] == "code":
            if indented:
                masked_lines[index] = " " * len(line)
                current[2] = index
                continue
            close()
        if indented and not in_list and current is None:
            # Indented code starts only after a blank line and outside a list (CommonMark).
            masked_lines[index] = " " * len(line)
            current = ["code", index, index]
            continue

        if stripped[0] not in _BLOCK_START_CHARS and "|" not in line:
            # Plain text, by far the most common line: skip the block-start patterns.
            if current is not None:
                current[2] = index  # lazy continuation of the open block
            else:
                if in_list and not line[:1].isspace():
                    in_list = False
                current = ["list_item" if in_list else "paragraph", index, index]
            continue

        fence_match = _FENCE_RE.match(line)
        if fence_match:
            close()
            marker = fence_match.group(1)
            fence = (marker[0], len(marker))
            fence_start = index
            masked_lines[index] = " " * len(line)
            continue

        div_match = _DIV_FENCE_RE.match(line)
        if div_match:
            close()
            attributes = div_match.group(1).strip()
            if attributes:
                div_depth += 1
                if refs_div_depth or _REFS_DIV_RE.search(attributes):
                    refs_div_depth += 1
            elif div_depth:
                div_depth -= 1
                if refs_div_depth:
                    refs_div_depth -= 1
            continue

        heading_match = _ATX_HEADING_RE.match(line)
        if heading_match:
            close()
            in_list = False
            level = len(heading_match.group(1))
            if references_level and level <= references_level:
                references_level = 0
            if _heading_text(line) in REFERENCE_HEADINGS:
                references_level = level
            add_single("heading", index)
            continue

        if current is not None and current[0] == "paragraph" and _SETEXT_UNDERLINE_RE.match(line):
            # The paragraph above was a setext heading.
            first = current[1]
            current = None
            level = 1 if stripped.startswith("=") else 2
            if references_level and level <= references_level:
                references_level = 0
            if _heading_text(" ".join(lines[first:index])) in REFERENCE_HEADINGS:
                references_level = level
            blocks.append(
                Block("heading", first, line_starts[first], line_starts[index] + len(line), in_references())
            )
            continue

        if _THEMATIC_BREAK_RE.match(line):
            close()
            in_list = False
            continue

        if _FOOTNOTE_DEF_RE.match(line):
            close()
            current = ["footnote", index, index]
            continue

        if current is None and _LINK_DEF_RE.match(line):
            add_single("link_definition", index)
            continue

        if _LIST_ITEM_RE.match(line):
            close()
            in_list = True
            current = ["list_item", index, index]
            continue

        if _QUOTE_RE.match(line):
            if current is not None and current[0] == "quote":
                if not stripped[1:].strip():
                    close()  # a bare `>` separates paragraphs inside a quote
                else:
                    current[2] = index
                continue
            close()
            in_list = False
            current = ["quote", index, index]
            continue

        if (
            current is None
            and "|" in line
            and index + 1 < len(lines)
            and "-" in lines[index + 1]
            and _TABLE_DELIMITER_RE.match(lines[index + 1])
        ):
            in_list = False
            current = ["table", index, index]
            continue

        if current is None and _HTML_BLOCK_RE.match(line):
            add_single("html", index)
            continue

        if current is not None:
            current[2] = index  # lazy continuation of the open block
            continue

        # A new paragraph: inside a list only when indented (a list item's later paragraph).
        if in_list and not line[:1].isspace():
            in_list = False
        current = ["list_item" if in_list else "paragraph", index, index]

    close()
    if fence is not None:
        # An unclosed fence runs to the end of the body, as in CommonMark.
        blocks.append(Block("code", fence_start, line_starts[fence_start], len(body), in_references()))

    masked = "\n".join(masked_lines)
    # Both patterns start with an assertion or a short literal that the regex engine tries at every
    # offset: skip them when their first character is absent, as it is in most articles.
    if "<!--" in masked:
        masked = _HTML_COMMENT_RE.sub(_blank, masked)
    if "`" in masked:
        masked = _INLINE_CODE_RE.sub(_blank, masked)
    blocks.sort(key=lambda block: block.start)
    return ScannedBody(body, masked, tuple(blocks), tuple(line_starts))

