"""Readability: the Flesch-Kincaid grade of an article's prose, and the Markdown scanning behind it.

What counts as prose (decided here, shared with the editorial checks):

- Kept: paragraphs, list items (one block each, the marker dropped), block quotes (markers dropped),
  link *text*, emphasis text, text inside inline HTML.
- Dropped: fenced and indented code, inline code, HTML tags and comments, pandoc citations
  (`[@key]`, `[see @a, p. 3; @b]`, narrative `@key`), footnote references and definitions, link and
  image URLs, images (alt text is not read in the flow of the text), link reference definitions,
  headings (labels without sentence punctuation: counted as prose they would merge into the next sentence
  and inflate the grade), tables (cells are not sentences, for the same reason), thematic breaks,
  pandoc fenced-div markers, and whole reference sections (a heading such as "References" or
  "Bibliography" and everything under it; pandoc's `::: {#refs}` div).
- Front matter is never part of `body`: the caller splits it off and passes the file line of the
  body's first line, so every finding points at the real line in the file.

Why not textstat: textstat 0.7.13 looks syllables up in NLTK's CMU dictionary, which it downloads on
first use. A build must never reach the network (house rule 7), and without the download textstat
raises. Its results are also cached per input string without bound. The formula is three lines; the
syllable counter below is the usual vowel-group heuristic with English suffix rules and a small table of
exceptions, tested against hand-counted texts (and against textstat's own formula in the tests).

Flesch-Kincaid grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59.

One scan per article: `scan_markdown` keeps the last few scans, and each keeps its prose blocks with their
counts, so `check_readability`, `article_grade` and the editorial checks share the work. The pipeline asks
`readability_report` for the finding and the grade together.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import Literal

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic

DEFAULT_TARGET_GRADE = 8.0
"""The grade most health-literacy guidance aims at for public health information."""

HARDEST_PARAGRAPHS_SHOWN = 3

MIN_WORDS_TO_RANK = 8
"""Paragraphs shorter than this are ranked only when nothing longer exists: a three-word list item
such as "cognitive behavioural therapy" scores a grade of 20 but is not something a writer can simplify."""

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
    def prose(self) -> tuple[_ProseBlock, ...]:
        """Every prose block that has words, with its counts, in body order."""
        found = []
        for block in self.blocks:
            if block.is_prose:
                text = _strip_markup(self.masked[block.start : block.end])
                stats = _prose_stats(text)
                if stats.words:
                    found.append(_ProseBlock(block.line, text, stats))
        return tuple(found)


@dataclass(frozen=True)
class TextStats:
    """Counts behind the Flesch-Kincaid formula."""

    words: int
    sentences: int
    syllables: int

    def __add__(self, other: TextStats) -> TextStats:
        return TextStats(
            self.words + other.words, self.sentences + other.sentences, self.syllables + other.syllables
        )

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade of these counts; 0.0 when there are no words."""
        if not self.words or not self.sentences:
            return 0.0
        return 0.39 * (self.words / self.sentences) + 11.8 * (self.syllables / self.words) - 15.59


@dataclass(frozen=True)
class Paragraph:
    """A prose block as plain text, with the file line it starts on."""

    line: int
    text: str
    stats: TextStats

    @property
    def grade(self) -> float:
        """The paragraph's own Flesch-Kincaid grade."""
        return self.stats.grade


@dataclass(frozen=True, slots=True)
class _ProseBlock:
    """A prose block as `_strip_markup` leaves it (white space not yet collapsed), with its counts."""

    line: int  # 0-based within the body
    text: str
    stats: TextStats

    def paragraph(self, first_line: int) -> Paragraph:
        return Paragraph(first_line + self.line, " ".join(self.text.split()), self.stats)


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

# A code span may run over a line break but never over a blank line (it cannot leave its paragraph).
_INLINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*\n))+?)(?<!`)\1(?!`)")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)

REFERENCE_HEADINGS = frozenset(
    {"references", "reference list", "bibliography", "sources", "works cited", "citations", "further reading"}
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
                    Block("code", fence_start, line_starts[fence_start], line_starts[index] + len(line), in_references())
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


# --- Prose extraction ----------------------------------------------------------------------------

_LINE_MARKERS_RE = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)?", re.MULTILINE)
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
    return " ".join(_strip_markup(markdown).split())


_MARKER_START_CHARS = frozenset(" \t>-*+0123456789")


def _strip_markup(markdown: str) -> str:
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


def paragraphs_with_lines(body: str, first_line: int) -> list[Paragraph]:
    """The prose paragraphs of a Markdown body (see the module docstring for what counts), each with its
    file line, its plain text and its counts. `first_line` is the file line of the body's first line."""
    return [block.paragraph(first_line) for block in scan_markdown(body).prose]


def _total_stats(blocks: tuple[_ProseBlock, ...]) -> TextStats:
    return TextStats(
        sum(block.stats.words for block in blocks),
        sum(block.stats.sentences for block in blocks),
        sum(block.stats.syllables for block in blocks),
    )


# --- Counting ------------------------------------------------------------------------------------

WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")  # same words, a third faster on ASCII
_ABBREVIATIONS = ("e.g", "i.e", "etc", "vs", "cf", "al", "approx", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "fig", "ca")
_TERMINAL_PUNCTUATION = "[.!?…]"


def _sentence_end_re(mark: str) -> re.Pattern[str]:
    # Terminal punctuation after a word (or a closing quote, bracket or emphasis), followed by a space or
    # the end, and not after a common abbreviation or a single initial ("J. Smith", "U.S."). A run of
    # marks ("?!") ends one sentence, found at its first mark.
    # The pattern opens with the mark itself, a literal that the regex engine searches for at memory
    # speed; the look-behinds then include that one character.
    return re.compile(
        re.escape(mark)
        + rf"(?<=[^\W_]{_TERMINAL_PUNCTUATION}|[\"'”’)\]*_]{_TERMINAL_PUNCTUATION})"
        + "".join(f"(?<!\\b(?i:{re.escape(a)}){_TERMINAL_PUNCTUATION})" for a in _ABBREVIATIONS)
        + rf"(?<!\b[A-Z]{_TERMINAL_PUNCTUATION})"
        r"[.!?…]*[\"'”’)\]*_]*(?=\s|$)"
    )


# One pattern per mark: a sentence end is found by the pattern of its first mark, and no end starts
# inside another's run of marks, so the counts add up.
_SENTENCE_END_RES = tuple((mark, _sentence_end_re(mark)) for mark in ".!?…")


def _count_sentence_ends(text: str) -> int:
    count = 0
    for mark, pattern in _SENTENCE_END_RES:
        if mark in text:
            count += len(pattern.findall(text))
    return count


_SENTENCE_ENDINGS = (".", "!", "?", "…")
_CLOSING_MARKS = " \t\n\"'”’)]*_"
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")
_NO_STATS = TextStats(0, 0, 0)


class _TokenCounts(dict[str, int]):
    """Words and syllables of each white-space-separated token, packed as `words << 32 | syllables`.

    Words never span white space, so a text's counts are the sums over its tokens, and a memo of tokens
    replaces a regex match and a syllable look-up per word with one dict look-up per token. Packing both
    counts into one int lets one `sum` add them together (no token holds 2**32 syllables).
    """

    LIMIT = 65_536  # distinct tokens kept (under 10 MB); the memo starts over beyond it

    def __missing__(self, token: str) -> int:
        words = (_ASCII_WORD_RE if token.isascii() else WORD_RE).findall(token)
        packed = len(words) << 32 | sum(map(count_syllables, words))
        if len(self) >= self.LIMIT:
            self.clear()
        self[token] = packed
        return packed


_TOKEN_COUNTS = _TokenCounts()


def _counts(text: str, ends_with_punctuation: bool) -> TextStats:
    """Counts for one block. Every block ends a sentence: a list item or a line without final
    punctuation is still one sentence."""
    packed = sum(map(_TOKEN_COUNTS.__getitem__, text.split()))
    words = packed >> 32
    if not words:
        return _NO_STATS
    sentences = _count_sentence_ends(text)
    if not sentences or not ends_with_punctuation:
        sentences += 1
    return TextStats(words, sentences, packed & 0xFFFFFFFF)


def _block_stats(text: str) -> TextStats:
    """Counts for one block of text as given (only spaces, tabs and line breaks count as trailing space)."""
    return _counts(text, text.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_ENDINGS))


def _prose_stats(text: str) -> TextStats:
    """Counts for one prose block whose white space is not yet collapsed: the same as `_block_stats` of
    the collapsed text, where every kind of white space has become a space or gone."""
    end = text
    while True:
        stripped = end.rstrip(_CLOSING_MARKS).rstrip()
        if len(stripped) == len(end):
            break
        end = stripped
    return _counts(text, end.endswith(_SENTENCE_ENDINGS))


def text_stats(text: str) -> TextStats:
    """Words, sentences and syllables of plain text. A blank line ends a sentence, as a block does."""
    total = _NO_STATS
    for chunk in _PARAGRAPH_BREAK_RE.split(text):
        total = total + _block_stats(chunk)
    return total


def fk_grade(text: str) -> float:
    """The Flesch-Kincaid grade of plain text; 0.0 when it has no words.

    0.39 * words/sentences + 11.8 * syllables/words - 15.59. Hyphenated words and contractions are one
    word; a number is one word with a syllable per digit (a rough reading of "2019" or "40").
    """
    return text_stats(text).grade


# --- Syllables -----------------------------------------------------------------------------------

_SYLLABLE_EXCEPTIONS: dict[str, int] = {
    # Words the suffix rules below get wrong and that are common in mental-health writing.
    "people": 2, "every": 2, "everyone": 3, "everything": 3, "everybody": 4, "different": 3,
    "evening": 2, "business": 2, "family": 3, "families": 3, "several": 3, "general": 3, "generally": 4,
    "interest": 2, "interesting": 3, "someone": 2, "something": 2, "sometimes": 2, "somewhere": 2,
    "anyone": 3, "else": 1, "whole": 1, "while": 1, "where": 1, "there": 1, "here": 1, "were": 1,
    "are": 1, "one": 1, "once": 1, "done": 1, "gone": 1, "none": 1, "come": 1, "some": 1, "give": 1,
    "live": 1, "have": 1, "love": 1, "move": 1, "lives": 1, "science": 2, "scientific": 4,
    "scientist": 3, "scientists": 3, "quiet": 2, "diet": 2, "anxiety": 4, "society": 4, "variety": 4,
    "client": 2, "clients": 2, "being": 2, "seeing": 2, "doing": 2, "going": 2, "idea": 3, "ideas": 3,
    "area": 3, "areas": 3, "create": 2, "created": 3, "creating": 3, "reality": 4, "real": 1,
    "really": 2, "theory": 3, "video": 3, "radio": 3, "ratio": 3, "period": 3, "serious": 3,
    "curious": 3, "previous": 3, "obvious": 3, "various": 3, "experience": 4, "experiences": 5,
    "experienced": 4, "influence": 3, "fluid": 2, "cruel": 2, "fuel": 2, "actually": 4, "usually": 4,
    "usual": 3, "unusual": 4, "individual": 5, "individuals": 5, "sexual": 3, "eventually": 5,
    "situation": 4, "situations": 4, "evaluate": 4, "evaluation": 5, "gradually": 4, "mutual": 3,
    "recipe": 3, "maybe": 2, "therapies": 3, "therapeutic": 4, "psychiatric": 4, "psychiatrist": 4,
    "psychiatry": 4, "psychiatrists": 4, "suicide": 3, "suicidal": 4, "suicides": 3, "naive": 2,
    "poem": 2, "poet": 2, "lion": 2, "violence": 3, "violent": 3,
    "ptsd": 4, "adhd": 4, "ocd": 3, "gp": 2, "nhs": 3, "who": 1, "hour": 1, "hours": 1, "our": 1,
    "fire": 1, "tired": 1, "aged": 1, "likely": 2, "lonely": 2, "safely": 2, "completely": 3,
    "rarely": 2, "barely": 2, "merely": 2, "lately": 2, "timely": 2, "closely": 2, "extremely": 3,
    "immediately": 5, "separately": 4, "fortunately": 4, "unfortunately": 5, "appropriately": 5,
    "definitely": 4, "absolutely": 4, "engagement": 3, "movement": 2, "statement": 2, "management": 3,
    "achievement": 3, "agreement": 3, "treatment": 2, "treatments": 2, "retirement": 3,
    "excitement": 3, "encouragement": 4, "involvement": 3, "basement": 2, "placement": 2,
    "therapeutically": 6, "behaviour": 3, "behavior": 3, "behaviours": 3, "behaviors": 3,
    "behavioural": 4, "behavioral": 4, "cooperate": 4, "cooperation": 5, "coordinate": 4,
    "reaction": 3, "reactions": 3, "react": 2, "reacted": 3, "element": 3, "elements": 3,
    "cement": 2, "therefore": 2, "whereas": 2, "everyday": 3, "loneliness": 3, "marriage": 2,
    "via": 2, "trial": 2, "trials": 2, "dial": 2, "social": 2, "socially": 3, "special": 2,
    "patient": 2, "patients": 2, "efficient": 3, "sufficient": 3, "ancient": 2, "variable": 4,
    "reliable": 4, "liable": 3, "medium": 3, "media": 3, "criteria": 4, "bacteria": 4,
}

_CONSONANT_LE_END_RE = re.compile(r"[^aeiouy]l(?:e|es|ed)$")
_ES_SYLLABIC_END_RE = re.compile(r"(?:[sxz]|ch|sh|[cg])es$")
_ED_SYLLABIC_END_RE = re.compile(r"[td]ed$")
_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")
_ACCENTED_VOWEL_GROUP_RE = re.compile(r"[aeiouyàáâäæèéêëìíîïòóôöœùúûüÿ]+")  # loanwords: naïve, café
_EXTRA_SYLLABLE_RE = re.compile(
    # Vowel pairs that are usually two syllables (media, radio, actual, video, quiet, medium, easier,
    # easiest, being) and the "-ism" ending (autism).
    r"(?<![cgst])ia|(?<![cgstln])io(?!us)|(?<![qg])ua|eo|iet|ier$|iest$|ium|(?<=[aeiouy])ing$|[^aeiouy]ism$"
)
_SILENT_E_BEFORE_SUFFIX_RE = re.compile(r"[^aeiouy]e(?:ly|ments?|ful(?:ly|ness)?|ness|less(?:ly|ness)?)$")


@lru_cache(maxsize=65536)
def count_syllables(word: str) -> int:
    """Estimated syllables of one English word (or a number: one per digit, at most four).

    Hyphenated words count each part. The estimate is the number of vowel groups, less a silent final
    "e", "-es" or "-ed", plus vowel pairs that are usually two syllables, with a table of common
    exceptions. Accurate enough for a grade; it is an estimate by nature, like the grade itself.
    """
    lowered = word.lower().replace("’", "'")
    if lowered in _SYLLABLE_EXCEPTIONS:
        return _SYLLABLE_EXCEPTIONS[lowered]
    if "-" in lowered:
        return sum(count_syllables(part) for part in lowered.split("-") if part)
    letters = "".join(ch for ch in lowered if ch.isalpha())
    if not letters:
        digits = sum(ch.isdigit() for ch in lowered)
        return max(1, min(digits, 4))
    if letters in _SYLLABLE_EXCEPTIONS:
        return _SYLLABLE_EXCEPTIONS[letters]
    if len(letters) <= 3:
        return 1
    if not letters.isascii():
        return max(1, len(_ACCENTED_VOWEL_GROUP_RE.findall(letters)))

    stem = letters
    extra = 0
    if _CONSONANT_LE_END_RE.search(stem):
        # "table", "struggles", "handled": the final "le" is its own syllable.
        stem = stem[: stem.rfind("l")]
        extra = 1
    elif stem.endswith("es"):
        if not _ES_SYLLABIC_END_RE.search(stem):
            stem = stem[:-2]
    elif stem.endswith("ed"):
        if not _ED_SYLLABIC_END_RE.search(stem):
            stem = stem[:-2]
    elif stem.endswith("e") and not stem.endswith(("ee", "ye", "ie", "oe")) and len(stem) > 3:
        stem = stem[:-1]
    if _SILENT_E_BEFORE_SUFFIX_RE.search(stem):
        extra -= 1  # "lonely", "movement", "hopeful", "awareness": the "e" before the suffix is silent
    if stem.startswith("y") and len(stem) > 1 and stem[1] in "aeiou":
        stem = stem[1:]  # a leading "y" before a vowel is a consonant: "young", "year"

    groups = len(_VOWEL_GROUP_RE.findall(stem))
    groups += len(_EXTRA_SYLLABLE_RE.findall(stem))
    return max(1, groups + extra)


# --- The check -----------------------------------------------------------------------------------


def article_grade(body: str) -> float:
    """The Flesch-Kincaid grade of an article body's prose, rounded to one decimal (0.0 when empty).

    The counts of all prose paragraphs are added up before the formula is applied, so every paragraph
    ends at least one sentence.
    """
    return round(_total_stats(scan_markdown(body).prose).grade, 1)


def hardest_paragraphs(paragraphs: list[Paragraph], count: int = HARDEST_PARAGRAPHS_SHOWN) -> list[Paragraph]:
    """The `count` paragraphs with the highest grade, hardest first (earlier line on ties)."""
    candidates = [p for p in paragraphs if p.stats.words >= MIN_WORDS_TO_RANK] or paragraphs
    return sorted(candidates, key=lambda p: (-p.grade, p.line))[:count]


def check_readability(path: str, body: str, body_first_line: int, target: float = DEFAULT_TARGET_GRADE) -> list[Diagnostic]:
    """A `readability` warning when the article's Flesch-Kincaid grade is above `target`.

    The warning sits on the body's first line; its message names the grade and the target, and its hint
    the three hardest paragraphs by file line and grade. Grades are compared rounded to one decimal,
    as they are shown.
    """
    return readability_report(path, body, body_first_line, target)[0]


def readability_report(
    path: str, body: str, body_first_line: int, target: float = DEFAULT_TARGET_GRADE
) -> tuple[list[Diagnostic], float | None]:
    """What `check_readability` finds and the article's grade (as `article_grade` gives it), from one scan.

    The grade is None when the body has no prose to grade.
    """
    prose = scan_markdown(body).prose
    grade = round(_total_stats(prose).grade, 1)
    graded = grade if prose else None
    if grade <= target:
        return [], graded
    paragraphs = [block.paragraph(body_first_line) for block in prose]
    hardest = ", ".join(f"line {p.line} (grade {p.grade:.1f})" for p in hardest_paragraphs(paragraphs))
    return [
        finding(
            "readability",
            path,
            body_first_line,
            1,
            f"reads at Flesch-Kincaid grade {grade:.1f}, above the target of {target:g}",
            f"hardest paragraphs: {hardest}; shorter sentences and everyday words lower the grade",
        )
    ], graded
