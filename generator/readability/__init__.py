"""Readability of Markdown prose in the article's language: the counts, the formula, the hardest paragraphs.

The prose itself (which blocks, which text) comes from `generator.markup.blocks`; this package counts
words, sentences and syllables and applies the language's formula (formulas.py). A language without a
formula gets no score: the check says so once per language rather than scoring it as English.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.markup.blocks import ScannedBody, scan_markdown
from generator.readability.counting import TextStats, prose_stats, text_stats
from generator.readability.formulas import Formula, formula_for, tokens_for

HARDEST_PARAGRAPHS_SHOWN = 3
MIN_WORDS_TO_RANK = 8
"""Paragraphs shorter than this are ranked only when nothing longer exists: a three-word list item
such as "cognitive behavioural therapy" scores a grade of 20 but is not something a writer can simplify."""


@dataclass(frozen=True)
class Paragraph:
    """A prose block as plain text, with the file line it starts on, its counts and its score."""

    line: int
    text: str
    stats: TextStats
    score: float

    @property
    def grade(self) -> float:
        """The paragraph's score (a grade for English; an ease score for languages scored by ease)."""
        return self.score


def paragraphs(scanned: ScannedBody, first_line: int, code: str = "en") -> list[Paragraph]:
    """The prose paragraphs of a scanned body in `code`'s formula, each with its file line and counts.

    Empty for a language Haven cannot score."""
    formula = formula_for(code)
    if formula is None:
        return []
    memo = scanned.__dict__.setdefault("_stats_by_language", {})   # one count per body and language
    if code not in memo:
        tokens = tokens_for(code)
        memo[code] = tuple((block, prose_stats(block.text, tokens)) for block in scanned.prose)
    return [Paragraph(first_line + block.line, " ".join(block.text.split()), stats, formula.score(stats))
            for block, stats in memo[code]]


def total_stats(found: list[Paragraph]) -> TextStats:
    """The counts of all paragraphs together (every paragraph ends at least one sentence)."""
    return TextStats(sum(p.stats.words for p in found), sum(p.stats.sentences for p in found),
                     sum(p.stats.syllables for p in found))


def body_score(body: str, code: str = "en") -> float | None:
    """The score of a Markdown body's prose in its language's formula, one decimal; None when the body
    has no prose or Haven has no formula for the language."""
    formula = formula_for(code)
    found = paragraphs(scan_markdown(body), 1, code)
    if formula is None or not found:
        return None
    return round(formula.score(total_stats(found)), 1)


def hardest_paragraphs(found: list[Paragraph], formula: Formula,
                       count: int = HARDEST_PARAGRAPHS_SHOWN) -> list[Paragraph]:
    """The `count` hardest paragraphs, hardest first (earlier line on ties)."""
    candidates = [p for p in found if p.stats.words >= MIN_WORDS_TO_RANK] or found
    sign = -1 if formula.kind == "grade" else 1
    return sorted(candidates, key=lambda p: (sign * p.score, p.line))[:count]


def plain_text_score(text: str, code: str = "en") -> float:
    """The formula's score of plain text (a blank line ends a sentence); 0.0 without words."""
    formula = formula_for(code)
    if formula is None:
        raise ValueError(f"no readability formula for {code}")
    return formula.score(text_stats(text, tokens_for(code)))
