"""Editorial health checks: safe messaging, sourced claims, review dates, crisis resources, transparency,
suppressions, and the one policy that decides what is an error.

Every function is pure: plain data in, `Diagnostic` records out. Lines and columns are file positions:
body functions take `body_first_line`, the file line of the body's first line.

Codes:
    readability       (generator.checks.readability) grade above the target              warning
    review-due        the article's review interval has passed                            warning
    safe-messaging    (generator.checks.safe_messaging) wording the guidelines advise against  warning
    unsourced-claim   "research shows" / a statistic with no citation in its paragraph    warning
    crisis-resource-incomplete   no name, or no phone / text / url                        error
    crisis-resource-unverified   no (valid) `verified_on` date                             warning
    crisis-resource-stale        verified more than 12 months ago                          warning
    crisis-resource-retired      a number known to be out of service or replaced          warning
    transparency      owner / funding / advertising not declared, or no About page        warning
    suppression-without-reason   `checks: {code: ""}`                                       warning
    unknown-suppression          `checks:` names a check that cannot be suppressed         warning

Only the first four can be suppressed per article (`SUPPRESSIBLE_CHECKS`).
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Mapping, Sequence

from generator.checks.readability import (
    CITATION_BRACKET_RE,
    FOOTNOTE_REFERENCE_RE,
    NARRATIVE_CITATION_RE,
    lowered_same_length,
    scan_markdown,
)
from generator.checks.safe_messaging import check_safe_messaging, is_on_suicide_topics  # noqa: F401 (moved there)
from generator.diagnostics import Diagnostic, did_you_mean, error, sort_key, warning

SUPPRESSIBLE_CHECKS = ("readability", "review-due", "safe-messaging", "unsourced-claim")
DEFAULT_REVIEW_INTERVAL_MONTHS = 24
CRISIS_RESOURCE_MAX_AGE_MONTHS = 12


def add_months(start: date, months: int) -> date:
    """`start` plus whole calendar months; the 31st (or 29 February) falls back to the month's last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _line_col(body_first_line: int, scanned_position: tuple[int, int]) -> tuple[int, int]:
    line, col = scanned_position
    return body_first_line + line, col


# --- Sourced claims ------------------------------------------------------------------------------
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
                warning(
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


# --- Review dates --------------------------------------------------------------------------------


def review_due_date(published: date, reviewed_on: date | None, interval_months: int) -> date:
    """When the next review falls due: the interval after the last review, or after publication when the
    article was never reviewed."""
    return add_months(reviewed_on or published, interval_months)


def check_review_due(
    path: str,
    line: int,
    published: date,
    reviewed_on: date | None,
    interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS,
    today: date | None = None,
) -> list[Diagnostic]:
    """A `review-due` warning when the last review (or publication, if never reviewed) is older than the
    review interval, naming the date the review fell due. An interval of 0 or less turns it off.

    `line` is the front-matter line to point at (that of `reviewed_on`, or `date` when never reviewed).
    `today` is passed in so builds and tests are reproducible; it defaults to the local date.
    """
    if interval_months <= 0:
        return []
    today = today or date.today()
    due = review_due_date(published, reviewed_on, interval_months)
    if today <= due:
        return []
    if reviewed_on:
        since = f"last reviewed on {reviewed_on.isoformat()}"
    else:
        since = f"published on {published.isoformat()} and never reviewed"
    return [
        warning(
            "review-due",
            path,
            line,
            1 if line else 0,
            f"review overdue: {since}; the review fell due on {due.isoformat()} "
            f"(every {interval_months} months)",
            "have a clinical reviewer check the article, then set `reviewed_by:` and `reviewed_on:`",
        )
    ]


# --- Crisis resources ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetiredNumber:
    """A crisis line number that has been replaced: digits as dialled within its country."""

    digits: str
    shown_as: str
    replaced_by: str
    since: str


# Only retirements we are sure of. The US National Suicide Prevention Lifeline's 10-digit number was
# replaced by the 988 Suicide & Crisis Lifeline on 16 July 2022 (the old number forwards for now, but 988
# is the number to publish).
RETIRED_NUMBERS: tuple[RetiredNumber, ...] = (
    RetiredNumber("8002738255", "1-800-273-8255 (1-800-273-TALK)", "988 (call or text)", "16 July 2022"),
)
_KEYPAD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "22233344455566677778889999" "22233344455566677778889999",
)
_NON_DIGITS_RE = re.compile(r"\D+")


def _digits(value: str, letters_are_keypad: bool) -> str:
    if letters_are_keypad:
        value = value.translate(_KEYPAD)  # 1-800-273-TALK dials 1-800-273-8255
    return _NON_DIGITS_RE.sub("", value)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def check_crisis_resources(
    path: str, resources: Sequence[tuple[Mapping[str, object], int]], today: date | None = None
) -> list[Diagnostic]:
    """Findings for the crisis resources in site settings, each given with its line in `path`.

    Each entry needs a `name` and at least one of `phone`, `text` or `url` (else an error: a person in
    crisis cannot use it), and a `verified_on` date (YYYY-MM-DD); a date more than 12 months old is a
    warning, and so is a number known to be retired (checked in `phone`, `text` and `url`; letters in
    `phone` are read as keypad digits). All findings point at the entry's line.
    """
    today = today or date.today()
    findings: list[Diagnostic] = []
    for entry, line in resources:
        if not isinstance(entry, Mapping):
            findings.append(error("crisis-resource-incomplete", path, line, 1,
                                  "a crisis resource must be a mapping of fields",
                                  "write `- name: ...` followed by `phone:`, `text:` or `url:`, and `verified_on:`"))
            continue
        label = str(entry.get("name") or "").strip() or f"the crisis resource on line {line}"
        if not _filled(entry.get("name")):
            findings.append(error("crisis-resource-incomplete", path, line, 1, "a crisis resource has no name",
                                  "add `name:`, e.g. `name: Samaritans`"))
        if not any(_filled(entry.get(key)) for key in ("phone", "sms", "text", "url")):
            findings.append(error("crisis-resource-incomplete", path, line, 1,
                                  f"{label} has no phone, sms or url: nobody can reach it",
                                  "add at least one of `phone:`, `sms:` or `url:`"))
        verified = _as_date(entry.get("verified_on"))
        if verified is None:
            given = entry.get("verified_on")
            problem = "has no `verified_on` date" if not _filled(given) else f"has an unreadable `verified_on` ({given!r})"
            findings.append(warning("crisis-resource-unverified", path, line, 1, f"{label} {problem}",
                                    "check the service still answers, then write `verified_on: YYYY-MM-DD`"))
        elif verified > today:
            findings.append(warning("crisis-resource-unverified", path, line, 1,
                                    f"{label} says it was verified on {verified.isoformat()}, a day still to come",
                                    "write the day someone last checked the service answers"))
        else:
            due = add_months(verified, CRISIS_RESOURCE_MAX_AGE_MONTHS)
            if today > due:
                findings.append(warning(
                    "crisis-resource-stale", path, line, 1,
                    f"{label} was last verified on {verified.isoformat()}, more than "
                    f"{CRISIS_RESOURCE_MAX_AGE_MONTHS} months ago (due {due.isoformat()})",
                    "check the number and hours are still right, then update `verified_on:`"))
        for key in ("phone", "sms", "text", "url"):
            value = entry.get(key)
            if not _filled(value):
                continue
            digits = _digits(str(value), letters_are_keypad=(key == "phone"))
            for retired in RETIRED_NUMBERS:
                if retired.digits in digits:
                    findings.append(warning(
                        "crisis-resource-retired", path, line, 1,
                        f"{label}: {key} uses {retired.shown_as}, replaced by {retired.replaced_by} "
                        f"on {retired.since}",
                        f"publish {retired.replaced_by} instead"))
                    break
    return findings


# --- Transparency --------------------------------------------------------------------------------

_TRANSPARENCY_FIELDS = (
    ("owner", "who runs the hub", "owner: Run by the Example Trust, a registered charity"),
    ("funding", "how the hub is funded", "funding: Funded by donations; no drug-company money"),
    ("advertising", "the advertising policy", "advertising: We show no ads and publish no sponsored content"),
)


def check_transparency(path: str, line: int, transparency: Mapping[str, object] | None, about_exists: bool) -> list[Diagnostic]:
    """`transparency` warnings, after HONcode's principles, when site settings do not declare
    `transparency.owner`, `.funding` or `.advertising`, or when the hub has no About page.

    `line` is the line of `transparency:` in `path` (or 0 when the key is absent).
    """
    transparency = transparency or {}
    findings: list[Diagnostic] = []
    for key, meaning, example in _TRANSPARENCY_FIELDS:
        if not _filled(transparency.get(key)):
            findings.append(warning("transparency", path, line, 1 if line else 0,
                                    f"site settings do not say {meaning} (`transparency.{key}`)",
                                    f"readers judge health information by who stands behind it: add `{example}`"))
    if not about_exists:
        findings.append(warning("transparency", path, line, 1 if line else 0, "the hub has no About page",
                                "add an About page saying who writes and reviews the articles, and how"))
    return findings


# --- Suppressions and policy ---------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Suppression:
    """`checks: {code: reason}` in one article's front matter: `code` is silenced for `path`."""

    path: str
    line: int
    code: str
    reason: str


@dataclass(frozen=True)
class Suppressed:
    """A suppression and the findings it silenced (none when it no longer silences anything)."""

    suppression: Suppression
    findings: tuple[Diagnostic, ...]


def check_suppressions(
    path: str, checks_mapping: Mapping[str, object] | None, line: int
) -> tuple[list[Suppression], list[Diagnostic]]:
    """Read an article's `checks:` mapping into suppressions, with findings about the mapping itself.

    An empty reason is a `suppression-without-reason` warning (the suppression still applies; `--strict`
    makes it an error), an unknown check name an `unknown-suppression` warning with a did-you-mean. `line`
    is the line of `checks:`.
    """
    suppressions: list[Suppression] = []
    findings: list[Diagnostic] = []
    if checks_mapping is not None and not isinstance(checks_mapping, Mapping):
        findings.append(warning("unknown-suppression", path, line, 1, "`checks:` must map a check name to a reason",
                                'write `checks: {readability: "why this article may be harder to read"}`'))
        return suppressions, findings
    for name, reason in (checks_mapping or {}).items():
        code = str(name).strip()
        if code not in SUPPRESSIBLE_CHECKS:
            hint = did_you_mean(code, SUPPRESSIBLE_CHECKS) or f"checks that can be silenced: {', '.join(SUPPRESSIBLE_CHECKS)}"
            findings.append(warning("unknown-suppression", path, line, 1,
                                    f"'{code}' is not a check that can be silenced", hint))
            continue
        text = "" if reason is None or isinstance(reason, bool) else str(reason).strip()
        if not text:
            findings.append(warning("suppression-without-reason", path, line, 1,
                                    f"'{code}' is silenced without a reason",
                                    f'say why, e.g. `checks: {{{code}: "quotes a survey verbatim"}}`'))
        suppressions.append(Suppression(path, line, code, text))
    return suppressions, findings


def apply_policy(
    diagnostics: Iterable[Diagnostic], strict: bool, suppressions: Iterable[Suppression] = ()
) -> tuple[list[Diagnostic], list[Suppressed]]:
    """The one place that decides what the writer sees and how severe it is.

    Findings silenced by a suppression (same path, same code; only `SUPPRESSIBLE_CHECKS`) move to the
    second list, one `Suppressed` per suppression, in path/line order. With `strict`, every remaining
    warning becomes an error. The first list is sorted by file and position.
    """
    ordered_suppressions = sorted(set(suppressions))
    silencing = {(s.path, s.code) for s in ordered_suppressions if s.code in SUPPRESSIBLE_CHECKS}
    kept: list[Diagnostic] = []
    silenced: dict[tuple[str, str], list[Diagnostic]] = {}
    for finding in diagnostics:
        key = (finding.path, finding.code)
        if key in silencing:
            silenced.setdefault(key, []).append(finding)
        else:
            kept.append(finding.as_error() if strict and finding.severity == "warning" else finding)
    kept.sort(key=sort_key)
    suppressed = [
        Suppressed(s, tuple(sorted(silenced.get((s.path, s.code), ()), key=sort_key)))
        for s in ordered_suppressions
    ]
    # Two suppressions of the same code in one file would list the findings twice; keep them on the first.
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(suppressed):
        key = (item.suppression.path, item.suppression.code)
        if key in seen:
            suppressed[index] = Suppressed(item.suppression, ())
        seen.add(key)
    return kept, suppressed
