"""A deterministic, realistic Haven site for benchmarks.

`generate(dest, n, seed)` writes `site.yaml`, `data/authors.yaml` and `n` articles of about 900 words
each, with front matter as DESIGN.md describes it: authors, dates, topics, a previous/next reading chain
and 3-6 CSL-YAML references cited in the body with pandoc syntax. Every name, journal and DOI is
fictional (DOIs use the 10.5555 test prefix), so the corpus can never be mistaken for advice or sources.

The same arguments always produce byte-identical files: every article draws from its own
`random.Random` seeded with a string (string seeds are hashed with SHA-512, so they do not depend on
PYTHONHASHSEED), and nothing depends on the clock or on dict/set iteration order of unordered data.

Templates and static files are not generated: the benchmark copies the project's real ones in.

    python -m bench.corpus DEST --articles N [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

# Written into every generated site: it marks the folder as ours (so regenerating may delete it) and
# carries the facts the harness needs without re-parsing 10,000 files (which article is where in the chain).
MARKER_NAME = ".bench-corpus.json"

BASE_URL = "https://bench.example.org/"
FIRST_DATE = dt.date(2014, 1, 6)
LAST_DATE = dt.date(2024, 12, 16)
# Updated dates stay well in the past so no "date in the future" check can fire whatever day the bench runs.
LATEST_UPDATE = dt.date(2025, 6, 30)
SHARED_WORKS = 150  # a pool of works cited by many articles, so the sources index has real fan-in

TOPICS: dict[str, tuple[str, str]] = {
    "anxiety": ("Anxiety", "Worry, fear and panic: what they are and what helps."),
    "depression": ("Depression", "Low mood that lasts, and the many ways back towards feeling better."),
    "sleep": ("Sleep", "How rest and mood affect each other, and small changes that help."),
    "stress": ("Stress", "Everyday pressure, burnout and ways to ease the load."),
    "grief": ("Grief and loss", "Living with loss, in your own time and your own way."),
    "relationships": ("Relationships", "Family, friends and partners: connection and its difficulties."),
    "self-compassion": ("Self-compassion", "Treating yourself as you would treat a friend."),
    "therapy": ("Therapy and treatment", "What talking therapies and appointments involve."),
    "trauma-informed-care": ("Trauma-informed care", "Safety, trust, choice and empowerment in care."),
    "mindfulness": ("Mindfulness", "Paying attention to the present moment, gently."),
    "work-and-study": ("Work and study", "Mental health at work, at school and at university."),
    "caring-for-others": ("Caring for others", "Supporting someone you love while looking after yourself."),
}
TOPIC_IDS: tuple[str, ...] = tuple(TOPICS)

TOPIC_NOUNS: dict[str, tuple[str, ...]] = {
    "anxiety": ("anxiety", "worry", "panic", "social anxiety", "health anxiety"),
    "depression": ("low mood", "depression", "feeling flat", "loss of interest"),
    "sleep": ("sleep", "rest", "insomnia", "night-time worry"),
    "stress": ("stress", "burnout", "pressure", "overwhelm"),
    "grief": ("grief", "loss", "bereavement", "anniversaries"),
    "relationships": ("loneliness", "friendship", "family conflict", "trust"),
    "self-compassion": ("self-compassion", "self-criticism", "shame", "kindness to yourself"),
    "therapy": ("therapy", "counselling", "a first appointment", "waiting lists"),
    "trauma-informed-care": ("trauma", "feeling safe", "trust in care", "choice"),
    "mindfulness": ("mindfulness", "breathing", "attention", "being present"),
    "work-and-study": ("exam stress", "workload", "returning to work", "study habits"),
    "caring-for-others": ("caring", "supporting a partner", "carer fatigue", "boundaries"),
}

TITLE_PATTERNS: tuple[str, ...] = (
    "Understanding {noun}",
    "A gentle guide to {noun}",
    "{Noun}: what helps and what does not",
    "How {other} can ease {noun}",
    "Living with {noun} day to day",
    "Talking about {noun} with someone you trust",
    "Five common myths about {noun}",
    "When {noun} gets in the way of {other}",
    "{Noun} and {other}: how they connect",
    "Small steps for {noun}",
    "What to expect when you ask for help with {noun}",
    "Supporting a friend through {noun}",
)

HEADINGS: tuple[str, ...] = (
    "What the research says", "Signs to look out for", "Small steps that help", "Talking to someone you trust",
    "When to ask for help", "Supporting someone else", "Common myths", "Looking after yourself",
    "What a first appointment is like", "Building a routine", "Setbacks are part of it",
    "At work and at school", "At home", "Questions people often ask", "A note on language",
    "Why it matters", "What we still do not know", "Making a plan", "Being kind to yourself",
    "Where to go from here",
)

CONNECTORS: tuple[str, ...] = (
    "In practice,", "For many readers,", "Over time,", "At first,", "In everyday life,", "Equally,",
    "On the other hand,", "For some people,", "Often,", "In the long run,", "Even so,", "Later on,",
)
SUBJECTS: tuple[str, ...] = (
    "many people", "people living with {noun}", "people feeling low", "parents", "young adults",
    "carers", "people in recovery", "friends and family", "good listeners", "clinicians", "teachers",
    "colleagues", "older adults", "students", "new parents", "people living alone",
)
VERBS: tuple[str, ...] = (
    "often notice", "may find", "can learn to value", "sometimes describe", "benefit from",
    "are helped by", "tend to look for", "report", "slowly rebuild", "come to rely on", "appreciate",
)
OBJECTS: tuple[str, ...] = (
    "small changes in sleep", "a sense of being understood", "steady routines", "time outdoors",
    "honest conversations", "practical support", "a regular check-in", "moments of rest",
    "clear information", "gentle movement", "a calm place to talk", "patience from others",
    "a written plan", "kind words", "shared meals", "a predictable week", "space to think",
    "a trusted professional", "support groups", "time away from screens",
)
CLAUSES: tuple[str, ...] = (
    "when stress builds up", "after a difficult week", "during periods of change",
    "while waiting for an appointment", "even when progress feels slow", "if they have support nearby",
    "once the first step is taken", "as the seasons change", "without needing to explain everything",
    "when {noun} is at its worst", "in the weeks after a loss", "before a big decision",
)
GOALS: tuple[str, ...] = (
    "feel less alone", "notice early signs", "ask for help sooner", "recover at a steady pace",
    "make sense of {noun}", "sleep a little better", "set kinder expectations", "stay connected",
    "speak up about {noun}", "find words for difficult feelings",
)
WHO_PHRASES: tuple[str, ...] = (
    "who live with {noun}", "who have had a hard year", "who are new to therapy", "who care for a relative",
    "who are waiting for support", "who have moved to a new town", "who work night shifts",
)
ACTIONS: tuple[str, ...] = (
    "feel unsure", "put off asking for help", "compare yourself with others", "need more rest",
    "want to be alone for a while", "feel better and then worse again", "find {noun} hard to describe",
)
LIST_ITEMS: tuple[str, ...] = (
    "Keep a short note of how you slept and how you felt",
    "Choose one small task for the day and let the rest wait",
    "Tell one person you trust how things are",
    "Step outside for ten minutes, whatever the weather",
    "Write down questions before an appointment",
    "Notice what helped last time, and try it again",
    "Plan something you look forward to this week",
    "Drink water and eat something regular",
    "Put your phone in another room an hour before bed",
    "Ask what support your workplace or school offers",
    "Say no to one thing that drains you",
    "Thank yourself for the effort, not only the result",
)
TABLE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Talking therapy", "Regular sessions with a trained therapist", "People who want to understand patterns"),
    ("Peer support", "Groups led by people with lived experience", "People who want to feel less alone"),
    ("Self-help books", "Structured exercises at your own pace", "People who prefer to start privately"),
    ("Medication", "Prescribed and reviewed by a doctor", "Some people with moderate or severe symptoms"),
    ("Exercise", "Gentle, regular movement", "Most people, adapted to their health"),
    ("Sleep routine", "Regular times and a wind-down hour", "People whose sleep is irregular"),
)
FOOTNOTES: tuple[str, ...] = (
    "This article is part of a fictional benchmark corpus and is not advice.",
    "Names and details in the examples are invented.",
    "Everyone's experience is different; this is a general overview.",
    "The studies cited here are fictional and exist only to exercise the generator.",
)

GIVEN_NAMES: tuple[str, ...] = (
    "Ana", "Tomas", "Mei", "Ravi", "Ingrid", "Kofi", "Lucia", "Jonas", "Amara", "Pavel", "Sofia", "Yusuf",
    "Hanna", "Diego", "Noor", "Elin", "Mateo", "Zanele", "Ilse", "Arjun", "Chloé", "Björn",
)
FAMILY_HEADS: tuple[str, ...] = (
    "Al", "Bren", "Cor", "Dal", "Ev", "Far", "Gil", "Hal", "In", "Jor", "Kel", "Lun", "Mar", "Nor", "Öst",
    "Pel", "Quin", "Ros", "Sal", "Tor", "Ulm", "Ves", "Wyn", "Yar", "Zel",
)
FAMILY_TAILS: tuple[str, ...] = (
    "den", "ford", "ley", "mann", "sson", "ström", "ari", "ova", "ez", "ini", "berg", "ton", "wick", "ard",
)
JOURNALS: tuple[str, ...] = (
    "Journal of Illustrative Psychology",
    "Benchmark Review of Mental Health",
    "Example Studies in Wellbeing",
    "Fictional Journal of Clinical Practice",
    "Sample Quarterly of Psychiatry",
    "Demonstration Journal of Counselling",
    "Placeholder Archives of Sleep Research",
    "Imaginary Journal of Community Care",
)
STUDY_DESIGNS: tuple[str, ...] = (
    "a randomised controlled trial", "a systematic review", "a cohort study", "a qualitative study",
    "a meta-analysis", "a pilot study", "a cross-sectional survey",
)
POPULATIONS: tuple[str, ...] = (
    "adults in primary care", "university students", "older adults", "new parents", "carers",
    "young people", "people on waiting lists", "shift workers",
)
# Authors whose (fictional) credentials make them plausible clinical reviewers: see CREDENTIALS.
REVIEWER_NUMBERS: tuple[int, ...] = (2, 4, 9, 11, 16, 18)
CREDENTIALS: tuple[str, ...] = (
    "MSc, counselling psychologist (fictional)", "RMN, mental health nurse (fictional)",
    "PhD, clinical psychologist (fictional)", "Peer support worker (fictional)",
    "MD, psychiatrist (fictional)", "Health journalist (fictional)", "Editor (fictional)",
)


@dataclass(frozen=True)
class Reference:
    """One CSL-YAML article-journal entry; `key` is its citation key."""

    key: str
    authors: tuple[tuple[str, str], ...]  # (family, given)
    year: int
    title: str
    journal: str
    volume: int
    issue: int
    first_page: int
    last_page: int
    doi: str


@dataclass(frozen=True)
class ArticleHead:
    """What other articles need to know about one article before any body is written."""

    index: int
    slug: str
    title: str
    topics: tuple[str, ...]


@dataclass
class Corpus:
    """The result of `generate`: article file paths (relative to the site) in reading-chain order."""

    dest: Path
    articles: list[str] = field(default_factory=list)


def source_fingerprint() -> str:
    """SHA-256 of this module's source: a corpus generated by different code must be regenerated."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, as a writer's file name would be."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar: JSON strings are valid YAML, and quoting keeps colons harmless."""
    return json.dumps(text, ensure_ascii=False)


def capitalise(text: str) -> str:
    """Upper-case the first letter only (str.capitalize would lower-case the rest)."""
    return text[:1].upper() + text[1:]


def article_rng(seed: int, index: int, purpose: str) -> random.Random:
    """An independent generator per article and purpose, so changing one part never shifts another."""
    return random.Random(f"haven-bench:{seed}:{purpose}:{index}")


def make_family_name(rng: random.Random) -> str:
    """A plausible but invented family name (some with non-ASCII letters, as real bibliographies have)."""
    return rng.choice(FAMILY_HEADS) + rng.choice(FAMILY_TAILS)


def make_reference(rng: random.Random, doi_number: int, topic_noun: str) -> Reference:
    """One fictional journal article; the key is derived later, once the article's keys are known."""
    authors = tuple((make_family_name(rng), rng.choice(GIVEN_NAMES)) for _ in range(rng.randint(2, 5)))
    first_page = rng.randint(1, 900)
    title = (
        f"{capitalise(rng.choice(OBJECTS))} and {topic_noun} in {rng.choice(POPULATIONS)}: "
        f"{rng.choice(STUDY_DESIGNS)}"
    )
    return Reference(
        key="",
        authors=authors,
        year=rng.randint(1995, 2024),
        title=title,
        journal=rng.choice(JOURNALS),
        volume=rng.randint(1, 80),
        issue=rng.randint(1, 12),
        first_page=first_page,
        last_page=first_page + rng.randint(5, 30),
        doi=f"10.5555/bench.{doi_number}",
    )


def base_key(reference: Reference) -> str:
    """pandoc-style key: first author's family name (ASCII-folded) and year, e.g. `alden2013`."""
    return f"{slugify(reference.authors[0][0]).replace('-', '')}{reference.year}"


def unique_key(reference: Reference, taken: set[str]) -> str:
    """`base_key`, with a letter suffix (a, b, ... z, za, ...) as bibliographies do when it is taken.

    Keys are unique across the whole corpus, not only per article: a hub whose sources index merges
    works by key would otherwise see two different works under one key, which is a writer's error.
    """
    base = base_key(reference)
    key, suffix = base, ""
    letter = 0
    while key in taken:
        if letter == 26:
            suffix, letter = suffix + "z", 0
        key = f"{base}{suffix}{chr(ord('a') + letter)}"
        letter += 1
    taken.add(key)
    return key


def shared_works(seed: int, taken: set[str]) -> list[Reference]:
    """Works that many articles cite; each keeps one key and identical data wherever it is cited."""
    rng = random.Random(f"haven-bench:{seed}:shared-works")
    works: list[Reference] = []
    for number in range(1, SHARED_WORKS + 1):
        work = make_reference(rng, number, rng.choice(rng.choice(list(TOPIC_NOUNS.values()))))
        works.append(replace(work, key=unique_key(work, taken)))
    return works


def article_references(
    rng: random.Random, index: int, topic_noun: str, shared: Sequence[Reference], taken: set[str]
) -> list[Reference]:
    """3-6 references for one article: mostly its own works, sometimes a widely cited shared one."""
    wanted = rng.randint(3, 6)
    references: list[Reference] = []
    position = 0
    while len(references) < wanted:
        if rng.random() < 0.25:
            candidate = rng.choice(shared)
            if all(candidate.key != reference.key for reference in references):
                references.append(candidate)
            continue
        # Own works get DOIs above the shared pool's, ten per article, so no two works share a DOI.
        work = make_reference(rng, SHARED_WORKS + 1 + index * 10 + position, topic_noun)
        position += 1
        references.append(replace(work, key=unique_key(work, taken)))
    return references


class TextMaker:
    """Plain-language sentences and paragraphs for one article, drawn from one seeded generator."""

    def __init__(self, rng: random.Random, nouns: Sequence[str]) -> None:
        self.rng = rng
        self.nouns = nouns
        self.words_written = 0

    def _fill(self, pattern: str) -> str:
        return pattern.replace("{noun}", self.rng.choice(self.nouns))

    def sentence(self) -> str:
        """One sentence in one of several shapes, ending with a full stop."""
        pick = self.rng.choice
        shape = self.rng.randrange(6)
        if shape == 0:
            text = f"{pick(CONNECTORS)} {self._fill(pick(SUBJECTS))} {pick(VERBS)} {pick(OBJECTS)} {self._fill(pick(CLAUSES))}."
        elif shape == 1:
            text = (
                f"{capitalise(self._fill(pick(SUBJECTS)))} {pick(VERBS)} {pick(OBJECTS)}, "
                f"and {pick(OBJECTS)} can help them {self._fill(pick(GOALS))}."
            )
        elif shape == 2:
            text = f"{capitalise(pick(OBJECTS))} can help {self._fill(pick(SUBJECTS))} {self._fill(pick(GOALS))}."
        elif shape == 3:
            text = f"It is common to {self._fill(pick(ACTIONS))} {self._fill(pick(CLAUSES))}, and that is not a failure."
        elif shape == 4:
            text = f"If you {self._fill(pick(ACTIONS))}, {pick(OBJECTS)} may help you {self._fill(pick(GOALS))}."
        else:
            text = f"{pick(CONNECTORS)} {pick(('people', 'adults', 'students', 'parents'))} {self._fill(pick(WHO_PHRASES))} {pick(VERBS)} {pick(OBJECTS)}."
        self.words_written += text.count(" ") + 1
        return text

    def sentences(self, count: int) -> list[str]:
        """`count` sentences."""
        return [self.sentence() for _ in range(count)]


def cite_forms(rng: random.Random, keys: Sequence[str]) -> list[tuple[str, str]]:
    """Citations that together cite every key at least once, in all the pandoc forms Haven supports.

    Returns (kind, markup) pairs; kind "narrative" starts a sentence, "bracket" ends one.
    """
    order = list(keys)
    rng.shuffle(order)
    forms: list[tuple[str, str]] = [("narrative", f"@{order[0]}")]
    forms.append(("bracket", f"[@{order[1]}, p. {rng.randint(2, 40)}]"))
    remaining = order[2:]
    if len(remaining) >= 2:
        forms.append(("bracket", f"[@{remaining[0]}; @{remaining[1]}]"))
        remaining = remaining[2:]
    forms.extend(("bracket", f"[@{key}]") for key in remaining)
    # A second mention of an already cited work, as real articles do.
    forms.append(("bracket", f"[@{rng.choice(order)}]"))
    rng.shuffle(forms)
    return forms


def attach_citation(sentence: str, kind: str, markup: str) -> str:
    """Put a citation where a writer would: narrative at the start, bracketed before the full stop."""
    if kind == "narrative":
        return f"As {markup} found, {sentence[0].lower()}{sentence[1:]}"
    return f"{sentence[:-1]} {markup}."


def article_body(
    head: ArticleHead, heads: Sequence[ArticleHead], references: Sequence[Reference], seed: int
) -> str:
    """About 900 words of Markdown: intro, `##` sections, a list, sometimes a table, links, a footnote."""
    rng = article_rng(seed, head.index, "body")
    nouns = [noun for topic in head.topics for noun in TOPIC_NOUNS[topic]]
    text = TextMaker(rng, nouns)
    target_words = rng.randint(760, 840)  # the last section overshoots by ~100
    citations = cite_forms(rng, [reference.key for reference in references])
    # Links go to articles that exist in this corpus; never to the article itself.
    link_targets = [heads[rng.randrange(len(heads))] for _ in range(rng.randint(1, 3))]
    link_targets = [target for target in link_targets if target.index != head.index]
    headings = rng.sample(HEADINGS, 8)
    with_table = rng.random() < 0.2
    footnote_section = rng.randrange(1, 3)

    blocks: list[str] = []
    paragraphs: list[list[str]] = []  # kept by reference so citations can be placed afterwards

    def paragraph(count: int) -> None:
        sentences = text.sentences(count)
        paragraphs.append(sentences)
        blocks.append("")  # placeholder, filled in once citations are placed
        paragraph_slots.append(len(blocks) - 1)

    paragraph_slots: list[int] = []
    paragraph(rng.randint(3, 5))
    section = 0
    while text.words_written < target_words or section < 3:
        blocks.append(f"## {headings[section % len(headings)]}")
        paragraph(rng.randint(3, 6))
        if section == 0:
            items = rng.sample(LIST_ITEMS, rng.randint(4, 6))
            blocks.append("\n".join(f"- {item}." for item in items))
            text.words_written += sum(item.count(" ") + 1 for item in items)
        if section == 1 and with_table:
            rows = rng.sample(TABLE_ROWS, 3)
            table = ["| Approach | What it involves | Who it may suit |", "| --- | --- | --- |"]
            table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
            blocks.append("\n".join(table))
        paragraph(rng.randint(3, 6))
        section += 1

    # Citations, links and the footnote marker go into distinct sentences spread over the paragraphs.
    slots = [(p, s) for p, sentences in enumerate(paragraphs) for s in range(len(sentences))]
    chosen = rng.sample(slots, min(len(slots), len(citations) + len(link_targets) + 1))
    for (p, s), (kind, markup) in zip(chosen, citations):
        paragraphs[p][s] = attach_citation(paragraphs[p][s], kind, markup)
    for (p, s), target in zip(chosen[len(citations):], link_targets):
        paragraphs[p][s] += f" See also [{target.title.lower()}](/articles/{target.slug}/)."
    footnote_paragraph = min(footnote_section * 2, len(paragraphs) - 1)
    paragraphs[footnote_paragraph][-1] = paragraphs[footnote_paragraph][-1][:-1] + ".[^1]"

    for slot, sentences in zip(paragraph_slots, paragraphs):
        blocks[slot] = " ".join(sentences)
    blocks.append(f"[^1]: {rng.choice(FOOTNOTES)}")
    return "\n\n".join(blocks) + "\n"


def front_matter(
    head: ArticleHead, heads: Sequence[ArticleHead], references: Sequence[Reference], n: int, seed: int
) -> str:
    """The YAML front matter block, formatted the way a writer would type it (not yaml.dump's style)."""
    rng = article_rng(seed, head.index, "front-matter")
    nouns = [noun for topic in head.topics for noun in TOPIC_NOUNS[topic]]
    summary = TextMaker(rng, nouns).sentence()
    span_days = (LAST_DATE - FIRST_DATE).days
    date = FIRST_DATE + dt.timedelta(days=(head.index * span_days) // max(n - 1, 1))
    lines = ["---", f"title: {yaml_string(head.title)}", f"summary: {yaml_string(summary)}"]
    if rng.random() < 0.15:
        first, second = rng.sample(range(1, 21), 2)
        lines.append(f"author: [author-{first:02d}, author-{second:02d}]")
    else:
        lines.append(f"author: author-{rng.randint(1, 20):02d}")
    lines.append(f"date: {date.isoformat()}")
    updated_on = date
    if rng.random() < 0.3:
        updated = min(date + dt.timedelta(days=rng.randint(30, 600)), LATEST_UPDATE)
        if updated > date:
            lines.append(f"updated: {updated.isoformat()}")
            updated_on = updated
    if rng.random() < 0.4:
        reviewed_on = min(updated_on + dt.timedelta(days=rng.randint(0, 90)), LATEST_UPDATE)
        if reviewed_on >= updated_on:
            lines.append(f"reviewed_by: author-{rng.choice(REVIEWER_NUMBERS):02d}")
            lines.append(f"reviewed_on: {reviewed_on.isoformat()}")
    lines.append(f"topics: [{', '.join(head.topics)}]")
    if head.index > 0:
        lines.append(f"previous: {heads[head.index - 1].slug}")
    if head.index < n - 1:
        lines.append(f"next: {heads[head.index + 1].slug}")
    lines.append("references:")
    for reference in references:
        authors = ", ".join(
            f"{{family: {yaml_string(family)}, given: {yaml_string(given)}}}" for family, given in reference.authors
        )
        lines += [
            f"  - id: {reference.key}",
            "    type: article-journal",
            f"    author: [{authors}]",
            f"    issued: {{date-parts: [[{reference.year}]]}}",
            f"    title: {yaml_string(reference.title)}",
            f"    container-title: {reference.journal}",
            f"    volume: {reference.volume}",
            f"    issue: {reference.issue}",
            f"    page: {reference.first_page}-{reference.last_page}",
            f"    DOI: {reference.doi}",
        ]
    lines.append("---")
    return "\n".join(lines) + "\n"


def article_heads(n: int, seed: int) -> list[ArticleHead]:
    """Titles, slugs and topics of all articles, in reading-chain order; slugs are unique."""
    heads: list[ArticleHead] = []
    used_slugs: dict[str, int] = {}
    for index in range(n):
        rng = article_rng(seed, index, "head")
        topics = tuple(rng.sample(TOPIC_IDS, rng.choice((1, 1, 2, 2, 3))))
        noun, other = rng.choice(TOPIC_NOUNS[topics[0]]), rng.choice(TOPIC_NOUNS[topics[-1]])
        if other == noun:
            other = "everyday life"
        title = rng.choice(TITLE_PATTERNS).format(noun=noun, Noun=capitalise(noun), other=other)
        slug = slugify(title)
        # A writer whose title repeats an older one adds a number to the file name; so do we.
        seen = used_slugs.get(slug, 0)
        used_slugs[slug] = seen + 1
        if seen:
            slug = f"{slug}-{seen + 1}"
            while slug in used_slugs:
                seen += 1
                slug = f"{slugify(title)}-{seen + 1}"
            used_slugs[slug] = 1
        heads.append(ArticleHead(index=index, slug=slug, title=title, topics=topics))
    return heads


def site_yaml() -> str:
    """site.yaml: title, base URL, language, topics and (fictional) crisis resources."""
    lines = [
        'title: "Haven benchmark hub"',
        f"base_url: {BASE_URL}",
        "language: en",
        f"contact: {BASE_URL}feedback/",
        "transparency:",
        '  owner: "A fictional editorial team; this hub exists only to benchmark Haven."',
        '  funding: "No funding: the hub is fictional."',
        '  advertising: "No ads and no sponsored content."',
        # The corpus is fixed, the calendar is not: a real interval would turn every article into a
        # review-due warning as the years pass, and the benchmark would time warning printing.
        "review:",
        "  interval_months: 1200",
        "topics:",
    ]
    for topic_id, (title, description) in TOPICS.items():
        lines += [f"  {topic_id}:", f"    title: {yaml_string(title)}", f"    description: {yaml_string(description)}"]
    lines += [
        "crisis:",
        '  heading: "Need help now?"',
        '  intro: "This is a fictional benchmark site. These numbers are placeholders, not real services."',
        '  emergency: "In an emergency, call your local emergency number."',
        "  resources:",
    ]
    for region, number in (("Example Region A", "555-0100"), ("Example Region B", "555-0101")):
        lines += [
            f"    - region: {yaml_string(region)}",
            "      regions: [ZZ]",   # ISO 3166 user-assigned code: no real country
            "      languages: [en]",
            f"      name: {yaml_string(f'Placeholder helpline ({region})')}",
            f'      phone: "{number}"',
            f"      url: {BASE_URL}help/",
            "      verified_on: 2025-01-01",
        ]
    return "\n".join(lines) + "\n"


def authors_yaml() -> str:
    """data/authors.yaml: twenty clearly fictional authors."""
    lines: list[str] = []
    areas = [title.lower() for title, _ in TOPICS.values()]
    for number in range(1, 21):
        lines += [
            f"author-{number:02d}:",
            f'  name: "Author {number:02d} (fictional)"',
            f"  credentials: {yaml_string(CREDENTIALS[number % len(CREDENTIALS)])}",
            f"  bio: {yaml_string(f'A fictional author for benchmarks, writing about {areas[number % 12]} and {areas[(number * 5) % 12]}.')}",
            "  links: []",
        ]
    return "\n".join(lines) + "\n"


def about_page() -> str:
    """pages/about.md: who is behind the hub (a transparency check wants one)."""
    return (
        "---\n"
        'title: "About this hub"\n'
        'summary: "A fictional hub whose articles exist only to measure how fast Haven builds."\n'
        "date: 2014-01-01\n"
        "---\n\n"
        "This hub is not real. A program made it to test how fast Haven works. The authors are made up. "
        "The studies are made up. The help lines are made up too. Nothing here is advice.\n\n"
        "## How the articles are made\n\n"
        "A program puts plain sentences together in a fixed way. So each test does the same work. "
        "Each article cites a few made-up studies.\n"
    )


def _clear_previous(dest: Path) -> None:
    """Empty `dest` if it holds an earlier corpus; refuse to touch a folder that is not ours."""
    if not dest.exists():
        return
    if not any(dest.iterdir()):
        return
    if not (dest / MARKER_NAME).is_file():
        raise SystemExit(f"{dest} is not empty and is not a benchmark corpus; refusing to overwrite it")
    shutil.rmtree(dest)


def generate(dest: Path, n: int, seed: int = 0) -> Corpus:
    """Write a complete Haven site with `n` articles to `dest` (replacing an earlier corpus there)."""
    if n < 1:
        raise ValueError("a corpus needs at least one article")
    _clear_previous(dest)
    (dest / "articles").mkdir(parents=True, exist_ok=True)
    (dest / "data").mkdir(exist_ok=True)
    (dest / "pages").mkdir(exist_ok=True)
    write_text(dest / "pages" / "about.md", about_page())
    write_text(dest / "site.yaml", site_yaml())
    write_text(dest / "data" / "authors.yaml", authors_yaml())

    heads = article_heads(n, seed)
    taken_keys: set[str] = set()
    shared = shared_works(seed, taken_keys)
    corpus = Corpus(dest=dest)
    for head in heads:
        rng = article_rng(seed, head.index, "references")
        topic_noun = rng.choice(TOPIC_NOUNS[head.topics[0]])
        references = article_references(rng, head.index, topic_noun, shared, taken_keys)
        text = front_matter(head, heads, references, n, seed) + article_body(head, heads, references, seed)
        relative = f"articles/{head.slug}.md"
        write_text(dest / relative, text)
        corpus.articles.append(relative)

    marker = {"generator_sha256": source_fingerprint(), "articles_count": n, "seed": seed, "articles": corpus.articles}
    write_text(dest / MARKER_NAME, json.dumps(marker, indent=1) + "\n")
    return corpus


def write_text(path: Path, text: str) -> None:
    """UTF-8 with LF line endings on every platform, so corpora are byte-identical everywhere."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def read_marker(dest: Path) -> dict | None:
    """The marker of a generated corpus, or None if `dest` holds none (or an unreadable one)."""
    try:
        return json.loads((dest / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: `python -m bench.corpus DEST --articles N [--seed S]`."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="folder to write the site into (must be empty or an older corpus)")
    parser.add_argument("--articles", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=0, help="seed; the same seed gives byte-identical files")
    args = parser.parse_args(argv)
    corpus = generate(args.dest, args.articles, args.seed)
    print(f"wrote {len(corpus.articles)} articles to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
