"""Sourced claims: "research shows" or a statistic with no citation in its paragraph.

Pure: text in, `Diagnostic` records out; lines and columns are file positions.
"""

from __future__ import annotations

import bisect
import re

from generator.checks.policy import finding
from generator.checks.readability import (
    CITATION_BRACKET_RE,
    FOOTNOTE_REFERENCE_RE,
    NARRATIVE_CITATION_RE,
    scan_markdown,
)
from generator.diagnostics import Diagnostic

# Patterns are lower case and run on lowered text (see `lowered_same_length`). Each starts with a
# one-character look-ahead so that most positions fail on a single test; `_may_hold_claim` below keeps
# the pattern away from most paragraphs altogether.

_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|a\s+hundred|hundred|thousand)"
)
_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + _NUMBER_WORD + ")"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_COMPARISON = r"(?:as|more|less)\s+(?:likely|common|prevalent|frequent)\b"
_LIKELIHOOD = r"\s+" + _COMPARISON
_STATISTIC = (
    r"(?=[0-9otfsenhatbdh])(?:"
    r"\b" + _NUMBER + r"(?:"
    r"\s?(?:%|percent\b|per\s+cent\b)"  # 40%, 40 %, 40 percent, forty per cent
    r"|\s+(?:in|out\s+of)\s+(?!" + _YEAR + r"\b)" + _NUMBER + r"\b"  # one in four, 3 out of 5; not "1 in 2019"
    r"|(?:\s*-?\s*fold|\s+times|x)" + _LIKELIHOOD +  # three times more likely, 2.5-fold as common
    r"|\s+(?:million|billion)\b"  # 300 million (people)
    r")"
    r"|\b(?:twice|thrice|half)" + _LIKELIHOOD +  # not "twice as much time": likelihood and frequency only
    r"|\b(?:double[sd]?|triple[sd]?|twice|halve[sd]?)\s+the\s+(?:risk|rate|chance|odds)\b"
    r")"
)
_RESEARCH_CLAIM = (
    r"(?=[acdeinorst])(?:"
    r"\b(?:studies|research|evidence|data|science|statistics|surveys?|trials|experts|scientists|researchers"
    r"|(?:a|one|another|recent|new|the)\s+(?:recent\s+|new\s+|large\s+)?(?:study|survey|trial|review|report))"
    r"\s+(?:(?:has|have|had|does|do|did)\s+)?(?:(?:consistently|clearly|repeatedly|now|also)\s+)?"
    r"(?:shows?|showed|shown|suggests?|suggested|found|finds?|proves?|proved|proven|indicates?|indicated"
    r"|demonstrates?|demonstrated|confirms?|confirmed|agree|agrees|say|says|tells?\s+us)\b"
    r"|\baccording\s+to\s+(?:recent\s+|new\s+)?(?:research|studies|experts|scientists|statistics|the\s+data)\b"
    r"|\b(?:scientifically|clinically)\s+proven\b"
    r")"
)
_CLAIM_RE = re.compile(f"(?P<research>{_RESEARCH_CLAIM})|(?P<statistic>{_STATISTIC})")
# Sources: [text](url) but not images or mail, [text][ref], and bare web addresses. Each pattern opens
# with a literal, which the regex engine searches for at memory speed.
_BRACKET_LINK_RE = re.compile(
    r"\[(?<!!\[)(?:[^\[\]]+\]\((?!\s*(?:mailto:|tel:))[^)\s]+[^)]*\)"  # [text](url)
    r"|[^\[\]^@]+\]\[[^\[\]]*\])"  # [text][ref]
)
_WEB_ADDRESS_RE = re.compile(r"http(?<!\whttp)s?://\S")  # also <https://...>
_SENTENCE_BOUNDARY_RE = re.compile(r"[.!?…]+[\"'”’)\]*_]*\s+")

# `_CLAIM_RE` costs about 50 ns per character whatever the text, since claims start with common letters.
# Every claim holds one of the strings below (tests/test_editorial_checks.py holds them to the pattern),
# and a substring test runs at memory speed, so the pattern only reads paragraphs that could hold a claim.
_STATISTIC_ANCHORS = ("%", "cent", "illion", "double", "triple", "twice", "halve")  # 40%, per cent, million
_RESEARCH_ANCHORS = ("according", "proven")
# An appeal to research names its source (studies, a new survey, experts) and a verb (show, found, agree).
_RESEARCH_NOUNS = (
    "studies", "study", "research", "evidence", "data", "scien", "statistic", "survey", "trial", "expert",
    "review", "report",
)
_RESEARCH_VERBS = (
    "show", "suggest", "found", "find", "prove", "indicate", "demonstrate", "confirm", "agree", "say", "tell",
)
# The statistics left: numbers in digits, comparisons ("three times as likely", "twice as common"), and
# number words either side of "in" / "out of" ("one in four"). The ratio patterns open with a literal,
# which the regex engine searches for at memory speed (a leading character class costs ~8 ns a character).
_DIGITS = "0123456789"
_COMPARISON_WORDS = ("likely", "common", "prevalent", "frequent")
_COMPARISON_RE = re.compile(_COMPARISON)
_IN_RATIO_RE = re.compile(r"in(?<=\sin)\s+" + _NUMBER_WORD)
_OUT_OF_RATIO_RE = re.compile(r"out(?<=\sout)\s+of\s+" + _NUMBER_WORD)


def _may_hold_claim(lowered: str) -> bool:
    """False only when `_CLAIM_RE` cannot match anywhere in `lowered` (text in lower case)."""
    holds = lowered.__contains__  # mapped over the anchors: no Python frame per anchor
    return (
        any(map(holds, _DIGITS))
        or any(map(holds, _STATISTIC_ANCHORS))
        or any(map(holds, _RESEARCH_ANCHORS))
        or (any(map(holds, _RESEARCH_NOUNS)) and any(map(holds, _RESEARCH_VERBS)))
        or (any(map(holds, _COMPARISON_WORDS)) and _COMPARISON_RE.search(lowered) is not None)
        or _IN_RATIO_RE.search(lowered) is not None
        or ("out" in lowered and _OUT_OF_RATIO_RE.search(lowered) is not None)
    )


def _has_citation(paragraph: str) -> bool:
    """A pandoc citation, a footnote reference or a link anywhere in the paragraph (e-mail addresses and
    images are not sources)."""
    # One-character tests first: they run at memory speed and rule most paragraphs out.
    return bool(
        ("@" in paragraph and (CITATION_BRACKET_RE.search(paragraph) or NARRATIVE_CITATION_RE.search(paragraph)))
        or (
            "[" in paragraph
            and (
                ("[^" in paragraph and FOOTNOTE_REFERENCE_RE.search(paragraph))
                or (("](" in paragraph or "][" in paragraph) and _BRACKET_LINK_RE.search(paragraph))
            )
        )
        or (":" in paragraph and "http" in paragraph and _WEB_ADDRESS_RE.search(paragraph))
    )


def check_unsourced_claims(path: str, body: str, body_first_line: int) -> list[Diagnostic]:
    """An `unsourced-claim` warning for each sentence that appeals to research ("studies show",
    "research has found", "experts agree", ...) or gives a statistic ("40%", "one in four", "3 out of 5",
    "twice as likely") in a paragraph with no citation (pandoc `[@key]` or `@key`, a footnote `[^n]`, or
    a link). One finding per sentence, at its first claim.

    Only prose counts: headings, tables, code (blocks and spans), footnote definitions and reference
    sections are skipped; dates, years, list numbers and quantities such as "10 minutes" are not
    statistics.
    """
    scanned = scan_markdown(body)
    lowered = scanned.lowered
    findings: list[Diagnostic] = []
    for block in scanned.blocks:
        if not block.is_prose:
            continue
        # Cheapest first: a cited paragraph holds no finding, and most others no claim at all.
        paragraph = scanned.masked[block.start : block.end]
        if _has_citation(paragraph) or not _may_hold_claim(lowered[block.start : block.end]):
            continue
        matches = list(_CLAIM_RE.finditer(lowered, block.start, block.end))
        sentence_ends = [block.start + m.end() for m in _SENTENCE_BOUNDARY_RE.finditer(paragraph)]
        reported_sentences: set[int] = set()
        for match in matches:
            sentence = bisect.bisect_right(sentence_ends, match.start())
            if sentence in reported_sentences:
                continue
            reported_sentences.add(sentence)
            line, col = _line_col(body_first_line, scanned.position(match.start()))
            claim = " ".join(scanned.masked[match.start() : match.end()].split())
            kind = "an appeal to research" if match.lastgroup == "research" else "a statistic"
            findings.append(
                finding(
                    "unsourced-claim",
                    path,
                    line,
                    col,
                    f'claim without a source: "{claim}" is {kind} with no citation in its paragraph',
                    "cite the source in the same paragraph ([@key], a footnote [^1] or a link), "
                    "or reword it as something you are not claiming from research",
                )
            )
    return findings


def _line_col(body_first_line: int, scanned_position: tuple[int, int]) -> tuple[int, int]:
    line, col = scanned_position
    return body_first_line + line, col
