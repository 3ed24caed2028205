"""Words, sentences and syllables of plain text: the counts every readability formula reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from generator.markup.prose import WORD_RE

SyllableCounter = Callable[[str], int]


@dataclass(frozen=True)
class TextStats:
    """Counts behind the readability formulas."""

    words: int
    sentences: int
    syllables: int

    def __add__(self, other: TextStats) -> TextStats:
        return TextStats(
            self.words + other.words, self.sentences + other.sentences, self.syllables + other.syllables
        )

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade of these counts (English; see formulas.py); 0.0 without words."""
        if not self.words or not self.sentences:
            return 0.0
        return 0.39 * (self.words / self.sentences) + 11.8 * (self.syllables / self.words) - 15.59


_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")  # same words, a third faster on ASCII
_ABBREVIATIONS = ("e.g", "i.e", "etc", "vs", "cf", "al", "approx", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr",
                  "fig", "ca",
                  # Spanish, French and German abbreviations common in health writing ("p. ej.", "Sra.", "z. B.")
                  "ej", "sra", "dra", "pág", "núm", "mme", "mlle", "usw", "bzw", "vgl")
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


class TokenCounts(dict[str, int]):
    """Words and syllables of each white-space-separated token, packed as `words << 32 | syllables`.

    Words never span white space, so a text's counts are the sums over its tokens, and a memo of tokens
    replaces a regex match and a syllable look-up per word with one dict look-up per token. Packing both
    counts into one int lets one `sum` add them together (no token holds 2**32 syllables). One memo per
    syllable counter (per language).
    """

    LIMIT = 65_536  # distinct tokens kept (under 10 MB); the memo starts over beyond it

    def __init__(self, syllables: SyllableCounter):
        super().__init__()
        self.syllables = syllables

    def __missing__(self, token: str) -> int:
        words = (_ASCII_WORD_RE if token.isascii() else WORD_RE).findall(token)
        packed = len(words) << 32 | sum(map(self.syllables, words))
        if len(self) >= self.LIMIT:
            self.clear()
        self[token] = packed
        return packed


def _counts(text: str, ends_with_punctuation: bool, tokens: TokenCounts) -> TextStats:
    """Counts for one block. Every block ends a sentence: a list item or a line without final
    punctuation is still one sentence."""
    packed = sum(map(tokens.__getitem__, text.split()))
    words = packed >> 32
    if not words:
        return _NO_STATS
    sentences = _count_sentence_ends(text)
    if not sentences or not ends_with_punctuation:
        sentences += 1
    return TextStats(words, sentences, packed & 0xFFFFFFFF)


def block_stats(text: str, tokens: TokenCounts) -> TextStats:
    """Counts for one block of text as given (only spaces, tabs and line breaks count as trailing space)."""
    return _counts(text, text.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_ENDINGS), tokens)


def prose_stats(text: str, tokens: TokenCounts) -> TextStats:
    """Counts for one prose block whose white space is not yet collapsed: the same as `block_stats` of
    the collapsed text, where every kind of white space has become a space or gone."""
    end = text
    while True:
        stripped = end.rstrip(_CLOSING_MARKS).rstrip()
        if len(stripped) == len(end):
            break
        end = stripped
    return _counts(text, end.endswith(_SENTENCE_ENDINGS), tokens)


def text_stats(text: str, tokens: TokenCounts) -> TextStats:
    """Words, sentences and syllables of plain text. A blank line ends a sentence, as a block does."""
    total = _NO_STATS
    for chunk in _PARAGRAPH_BREAK_RE.split(text):
        total = total + block_stats(chunk, tokens)
    return total
