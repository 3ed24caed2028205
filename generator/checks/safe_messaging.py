"""Safe messaging about suicide, self-harm and mental illness: wording the published media guidelines
advise against, each finding with the wording they recommend and the guideline it comes from; and
whether an article deals with suicide or self-harm at all (such pages show crisis help first).

Code: `safe-messaging` (warning; an article may silence it with a reason in `checks:`).

The guidelines, named in every finding (see docs/safe-messaging.md):

- WHO & IASP, "Preventing suicide: a resource for media professionals" (2023 update): avoid explicit
  description of the method and of the site of a suicide; avoid language that sensationalises or
  normalises suicide or presents it as a solution; use "died by suicide", not "committed".
- Samaritans, "Media guidelines for reporting suicide" (UK): no method detail, no "commit", no
  "successful/failed attempt", no "epidemic" or other sensational wording.
- "Recommendations for Reporting on Suicide" (reportingonsuicide.org, US): the same language advice
  ("died by suicide", not "committed", "successful" or "failed").
- Mindframe (Everymind, Australia), guidance on language about suicide and mental ill-health:
  person-first language, no labels such as "a schizophrenic" or "psycho".

Pure: text in, `Diagnostic` records out. Lines and columns are file positions (`body_first_line` is the
file line of the body's first line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.checks.policy import finding
from generator.checks.readability import scan_markdown
from generator.diagnostics import Diagnostic

WHO_IASP = 'WHO & IASP, "Preventing suicide: a resource for media professionals" (2023 update)'
SAMARITANS = 'Samaritans, "Media guidelines for reporting suicide"'
RECOMMENDATIONS = '"Recommendations for Reporting on Suicide" (reportingonsuicide.org)'
MINDFRAME = "Mindframe (Everymind), guidance on language about mental ill-health"


@dataclass(frozen=True)
class Rule:
    """One kind of wording to avoid: its pattern (lower case; a space matches any run of white space or
    emphasis markers), what to say instead, why, the guidelines that say so, the language it is written
    in, and whether it only applies in articles about suicide or self-harm (method detail does)."""

    pattern: str
    instead: str
    why: str
    guidelines: tuple[str, ...]
    language: str = "en"
    only_if_mentions_suicide: bool = False


_SELF = r"(?:himself|herself|themselves|themself|myself|yourself|ourselves)"
_LANGUAGE = (WHO_IASP, SAMARITANS, RECOMMENDATIONS)
_METHOD = (WHO_IASP, SAMARITANS)
_LEAVE_OUT_HOW = 'that the person "died by suicide", and leave out how and where'

RULES: tuple[Rule, ...] = (
    # --- how deaths and attempts are described
    Rule(r"commit(?:s|ted|ting)? suicide", '"died by suicide" or "took their own life" (or "die by suicide")',
         '"commit" links suicide to crime and sin', _LANGUAGE),
    Rule(r"(?:un)?successful suicides?(?: attempts?)?|successful attempts? (?:at|to) (?:suicide|kill)",
         '"died by suicide", or "suicide attempt" / "survived a suicide attempt"',
         "calling a death a success, or survival a failure, presents suicide as a goal", _LANGUAGE),
    Rule(r"completed suicides?", '"died by suicide" or "suicide"', '"completed" presents suicide as an achievement',
         _LANGUAGE),
    Rule(r"failed (?:suicide )?attempts?(?: at suicide)?|failed suicides?|unsuccessful attempts? at suicide",
         '"suicide attempt" or "survived a suicide attempt"', "surviving is not a failure", _LANGUAGE),
    Rule(r"(?:suicide|self[-\s]?harm) epidemics?|epidemics? of (?:suicides?|self[-\s]?harm)",
         '"rising suicide rates" or "an increase in suicides"',
         "epidemic language sensationalises and can suggest suicide is spreading and inevitable", _LANGUAGE),
    Rule(r"suicide victims?|victims? of suicide", '"a person who died by suicide"',
         '"victim" frames the person only by how they died', _LANGUAGE),
    Rule(r"suicide bids?", '"suicide attempt"', "headline wording that sensationalises", _LANGUAGE),
    Rule(r"self[-\s]?mutilat(?:e|es|ed|ing|ion)", '"self-harm" or "self-injury"', '"mutilation" is stigmatising',
         (SAMARITANS, MINDFRAME)),
    # --- method and location detail (only in articles about suicide or self-harm)
    Rule(r"hang(?:ed|ing|s)? " + _SELF + r"|nooses?|ligatures?", _LEAVE_OUT_HOW,
         "describing the method can lead vulnerable readers to copy it", _METHOD, only_if_mentions_suicide=True),
    Rule(r"(?:shot|shoots|shooting|poisoned|poisoning|gassed|electrocuted|drowned|suffocated) " + _SELF,
         _LEAVE_OUT_HOW, "describing the method can lead vulnerable readers to copy it", _METHOD,
         only_if_mentions_suicide=True),
    Rule(r"(?:slit|slitting|slashed|slashing|cut|cutting) (?:his|her|their|my|your) (?:own )?wrists?", _LEAVE_OUT_HOW,
         "describing the method can lead vulnerable readers to copy it", _METHOD, only_if_mentions_suicide=True),
    Rule(r"overdos(?:ed|ing) on|overdoses? of|\d+ (?:pills|tablets|capsules)", 'that it was "an overdose", without '
         "naming the medicine or the amount", "naming a substance or a quantity tells readers how", _METHOD,
         only_if_mentions_suicide=True),
    Rule(r"jump(?:ed|ing|s)? (?:off|from) (?:a|the|his|her|their) \w+|in front of (?:a|the) (?:train|lorry|truck|bus)",
         _LEAVE_OUT_HOW, "naming a place or a way to die can make it a place others go to", _METHOD,
         only_if_mentions_suicide=True),
    Rule(r"suicide (?:hot-?spots?|hot spots?|spots?|bridges?|cliffs?)", '"a location" (or leave the place out)',
         "naming sites where people have died can draw others to them", _METHOD, only_if_mentions_suicide=True),
    # --- stigmatising labels: the illness used as a name or an adjective for a person
    Rule(r"schizophrenics?", '"a person with schizophrenia" ("people with schizophrenia")',
         "a label makes the illness the whole person", (MINDFRAME,)),
    Rule(r"(?:an?|the|so|very|bit|little) "
         r"(?:anorexics?|bulimics?|depressives?(?! (?:disorder|episodes?|illness|symptoms?)))",
         '"a person with anorexia" / "with bulimia" / "with depression"', "a label makes the illness the whole person",
         (MINDFRAME,)),
    Rule(r"(?:so|very|bit|little|totally|such an?) (?:ocd|bipolar|schizo|psychotic)(?! disorder)",
         'describe the behaviour itself ("likes things tidy", "changes mood quickly")',
         "using a diagnosis as an everyday adjective trivialises the illness", (MINDFRAME,)),
    Rule(r"the mentally ill|mental patients?|mentally ill (?:people|person|patients?)",
         '"people with a mental illness" or "people who use mental health services"',
         "person-first language: the person is not their illness", (MINDFRAME,)),
    Rule(r"psychos?|lunatics?|nutters?|loon(?:y|ies)|(?:an? |the )?addicts?|junkies?",
         '"a person with a mental illness" / "a person who uses drugs" (or the diagnosis, if it matters)',
         "a slur or label that stigmatises people with mental illness or addiction", (MINDFRAME,)),
    # --- Spanish: only wording the guidelines' Spanish editions and Spanish style guides plainly reject
    Rule(r"comet(?:ió|ieron|er|e|en|ido) (?:el )?suicidio", '"murió por suicidio" o "se quitó la vida"',
         '"cometer" asocia el suicidio con un delito', (WHO_IASP,), language="es"),
    Rule(r"intentos? (?:de suicidio )?fallidos?", '"intento de suicidio" o "sobrevivió a un intento de suicidio"',
         "sobrevivir no es un fracaso", (WHO_IASP,), language="es"),
    Rule(r"epidemias? de suicidios?", '"aumento de los suicidios"', "el lenguaje de epidemia es sensacionalista",
         (WHO_IASP,), language="es"),
    Rule(r"(?:un|una|el|la|los|las) esquizofrénic(?:o|a|os|as)\b", '"una persona con esquizofrenia"',
         "la etiqueta reduce a la persona a su enfermedad", (MINDFRAME,), language="es"),
)

# Every rule contains one of these, so only the text around them is searched: the full pattern costs a
# millisecond or two per article, the anchors a few microseconds, and most articles have none.
_ANCHORS = (
    "suicid", "mutilat", "attempt", "epidemi", "hang", "noose", "ligature", "shot", "shoot", "poison", "gassed",
    "electrocut", "drowned", "suffocat", "wrist", "overdos", "pills", "tablets", "capsules", "jump", "front of",
    "schizo", "anorexic", "bulimic", "depressive", "ocd", "bipolar", "psycho", "mentally ill", "mental patient",
    "lunatic", "nutter", "loon", "addict", "junkie", "intento", "epidemia", "esquizofr",
)
_ANCHOR_REACH = 80  # characters either side of an anchor that a phrase can span
# Each rule's phrase has an anchor at the start of one of its words, so an anchor inside a word ("hang"
# in "change") opens no window; these may also sit inside a word ("selfmutilation").
_ANCHORS_INSIDE_WORDS = frozenset({"mutilat"})
# Letters an anchor may be followed by (any other letter means another word): the rules read "psycho",
# "psychos" and "psychotic", never "psychology" or "psychotherapy", the words of every mental-health article.
_ANCHOR_NEXT_LETTERS = {"psycho": "st"}


def _phrase_pattern(phrase: str) -> str:
    return r"\b(?:" + phrase.replace(" ", r"[\s*_]+") + r")(?!\w)"


_RULES_RE = re.compile(
    "|".join(f"(?P<rule{index}>{_phrase_pattern(rule.pattern)})" for index, rule in enumerate(RULES)))


def _anchor_windows(lowered: str, anchors: Sequence[str], reach: int) -> list[tuple[int, int]]:
    """Merged (start, end) windows of `reach` characters around every occurrence of any anchor."""
    windows: list[tuple[int, int]] = []
    for anchor in anchors:
        inside_words = anchor in _ANCHORS_INSIDE_WORDS
        next_letters = _ANCHOR_NEXT_LETTERS.get(anchor)
        found = lowered.find(anchor)
        while found != -1:
            end = found + len(anchor)
            after = lowered[end:end + 1]
            if (inside_words or found == 0 or not lowered[found - 1].isalnum()) and \
                    (next_letters is None or not after.isalpha() or after in next_letters):
                windows.append((max(0, found - reach), min(len(lowered), end + reach)))
            found = lowered.find(anchor, found + 1)
    windows.sort()
    merged: list[tuple[int, int]] = []
    for start, end in windows:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_OPENING_QUOTES = "\"'“‘«"
_CLOSING_QUOTES = "\"'”’»"


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands in quotation marks of its own (a mention of the word)."""
    return start > 0 and end < len(text) and text[start - 1] in _OPENING_QUOTES and text[end] in _CLOSING_QUOTES


def check_safe_messaging(path: str, body: str, body_first_line: int, language: str | None = None,
                         topic_ids: Iterable[str] = ()) -> list[Diagnostic]:
    """A `safe-messaging` warning, at the exact line and column, for each phrase the guidelines advise
    against ("committed suicide", "failed attempt", "suicide epidemic", method and location detail, "a
    schizophrenic", ...), with the recommended wording and the guideline in the hint.

    `language` limits the rules to those written for it ("es" for "es-MX"); None applies every list.
    Method and location rules apply only when the article deals with suicide or self-harm (its text or
    `topic_ids`). Matching is case-insensitive, whole words, and across line breaks; code and
    reference sections are ignored (cited titles cannot be reworded).
    """
    scanned = scan_markdown(body)
    lowered = scanned.lowered
    windows = _anchor_windows(lowered, _ANCHORS, _ANCHOR_REACH)
    if not windows:
        return []
    base = language.split("-")[0].lower() if language else None
    mentions: bool | None = None
    excluded = [(b.start, b.end) for b in scanned.blocks if b.in_references]
    findings: list[Diagnostic] = []
    seen: set[int] = set()
    for window_start, window_end in windows:
        for match in _RULES_RE.finditer(lowered, window_start, window_end):
            if match.start() in seen or any(start <= match.start() < end for start, end in excluded):
                continue
            if _quoted(lowered, match.start(), match.end()):
                continue  # a word mentioned, not used: avoid words like "psycho"
            rule = RULES[int(match.lastgroup[4:])]  # type: ignore[index]
            if base is not None and rule.language != base:
                continue
            if rule.only_if_mentions_suicide:
                if mentions is None:
                    mentions = mentions_suicide(body, topic_ids)
                if not mentions:
                    continue
            seen.add(match.start())
            line, col = body_first_line + scanned.position(match.start())[0], scanned.position(match.start())[1]
            original = scanned.masked[match.start() : match.end()]
            phrase = " ".join(original.replace("*", " ").replace("_", " ").split())
            say = "say" if rule.language == "en" else "escribe"
            findings.append(finding("safe-messaging", path, line, col, f'"{phrase}": {rule.why}',
                                    f"{say} {rule.instead} (from: {'; '.join(rule.guidelines)})"))
    return findings


_MENTIONS_SUICIDE_RE = re.compile(
    r"\b(?:suicid|self[-\s]?harm|self[-\s]?injur|self[-\s]?poison|overdos|autolesi"
    r"|(?:take|took|taking|takes|end|ended|ending|ends)\s+(?:their|his|her|my|your|our)\s+own\s+(?:life|lives)\b)"
)
_MENTIONS_SUICIDE_ANCHORS = (
    "suicid", "overdos", "own li", "self-harm", "self harm", "selfharm", "self-injur", "self injur",
    "selfinjur", "self-poison", "self poison", "selfpoison", "autolesi",
)


def mentions_suicide(body: str, topic_ids: Iterable[str]) -> bool:
    """Whether an article deals with suicide, self-harm, self-injury or overdose: it mentions them in its
    text ("suicide prevention" counts; "suicidio" and "autolesión" too), or one of its topic ids names
    them. Such pages show crisis resources at the top."""
    if any(_MENTIONS_SUICIDE_RE.search(str(topic).lower().replace("_", "-")) for topic in topic_ids):
        return True
    lowered = " ".join(body.lower().split())  # "self-\nharm" across a line break is still self-harm
    return any(anchor in lowered for anchor in _MENTIONS_SUICIDE_ANCHORS) and bool(_MENTIONS_SUICIDE_RE.search(lowered))
