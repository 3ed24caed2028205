"""The readability check: an article's prose scored in its language's formula, against that formula's target.

The prose scanning lives in `generator.markup.blocks` and `generator.markup.prose`; the counts and the
formulas (Flesch-Kincaid for English, Szigriszt-Pazos for Spanish, Kandel-Moles for French, Amstad for
German, each with its source) in `generator.readability`. Why not textstat: it downloads NLTK's CMU
dictionary on first use (a build never reaches the network) and caches every input string without bound.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic
from generator.markup.blocks import lowered_same_length, scan_markdown
from generator.markup.prose import CITATION_BRACKET_RE, FOOTNOTE_REFERENCE_RE, NARRATIVE_CITATION_RE, prose_text
from generator.model import Language
from generator.readability import Paragraph, body_score, hardest_paragraphs, paragraphs, plain_text_score, total_stats
from generator.readability.counting import TextStats
from generator.readability.english import count_syllables
from generator.readability.formulas import formula_for, tokens_for

# The names the editorial checks, the tests and the benchmarks import from here.
__all__ = [
    "CITATION_BRACKET_RE",
    "FOOTNOTE_REFERENCE_RE",
    "NARRATIVE_CITATION_RE",
    "article_grade",
    "check_languages_scored",
    "check_readability",
    "count_syllables",
    "fk_grade",
    "lowered_same_length",
    "paragraphs_with_lines",
    "prose_text",
    "readability_report",
    "scan_markdown",
    "text_stats",
]

DEFAULT_TARGET_GRADE = 8.0
"""The grade most health-literacy guidance aims at for public health information."""


def text_stats(text: str) -> TextStats:
    """Words, sentences and (English) syllables of plain text."""
    from generator.readability.counting import text_stats as count

    return count(text, tokens_for("en"))


def fk_grade(text: str) -> float:
    """The Flesch-Kincaid grade of plain English text; 0.0 when it has no words."""
    return plain_text_score(text, "en")


def article_grade(body: str) -> float:
    """The Flesch-Kincaid grade of an English body's prose, one decimal (0.0 when empty)."""
    return body_score(body, "en") or 0.0


def paragraphs_with_lines(body: str, first_line: int, code: str = "en") -> list[Paragraph]:
    """The prose paragraphs of a body, each with its file line, plain text, counts and score."""
    return paragraphs(scan_markdown(body), first_line, code)


def check_readability(path: str, body: str, body_first_line: int, target: float = DEFAULT_TARGET_GRADE,
                      code: str = "en") -> list[Diagnostic]:
    """A `readability` warning when the article misses its language's target (see readability_report)."""
    return readability_report(path, body, body_first_line, target, code)[0]


def readability_report(path: str, body: str, body_first_line: int, target: float = DEFAULT_TARGET_GRADE,
                       code: str = "en") -> tuple[list[Diagnostic], float | None]:
    """The warning (on the body's first line, naming the score, the target and the three hardest
    paragraphs) and the article's Flesch-Kincaid grade (None when not English or without prose).

    `target` is the hub's grade target and applies to grade formulas; ease formulas use their own.
    """
    formula = formula_for(code)
    if formula is None:
        return [], None
    found = paragraphs(scan_markdown(body), body_first_line, code)
    if not found:
        return [], None
    score = round(formula.score(total_stats(found)), 1)
    goal = target if formula.kind == "grade" else formula.target
    grade = score if formula.kind == "grade" else None
    if not formula.too_hard(score, goal):
        return [], grade
    hardest = ", ".join(f"line {p.line} ({p.score:.1f})" for p in hardest_paragraphs(found, formula))
    where = "above" if formula.kind == "grade" else "below"
    easier = "lower" if formula.kind == "grade" else "raise"
    return [finding("readability", path, body_first_line, 1,
                    f"reads at {formula.name} {score:.1f}, {where} the target of {goal:g}",
                    f"hardest paragraphs: {hardest}; shorter sentences and everyday words {easier} the score")], grade


def check_languages_scored(languages: Iterable[Language], path: str) -> list[Diagnostic]:
    """One warning per language Haven has no readability formula for (its articles go unscored)."""
    return [finding("readability-unscored", path, language.line or 1, 1,
                    f"Haven cannot score the readability of {language.name} ({language.code}): it has no "
                    "readability formula for it, so articles in it are not checked",
                    "read them aloud or ask a reader; formulas exist for English, Spanish, French and German")
            for language in languages if formula_for(language.code) is None]
