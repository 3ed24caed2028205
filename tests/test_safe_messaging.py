"""Stronger safe messaging: method and location detail, labels used as names or adjectives, Spanish
wording; each finding with the wording to use and the guideline it comes from; mentions in quotation
marks, clinical terms and ordinary words stay silent."""

from __future__ import annotations

import pytest

from generator.backlinks import backlink_labels, citation_sections
from generator.checks.safe_messaging import (MINDFRAME, RECOMMENDATIONS, SAMARITANS, WHO_IASP,
                                             check_safe_messaging)

PATH = "articles/x.md"
ON_TOPIC = "This article is about suicide prevention.\n\n"


@pytest.mark.parametrize(("text", "instead", "guideline"), [
    ("He hanged himself in 2019.", "leave out how and where", WHO_IASP),
    ("She was found with a noose.", "leave out how and where", SAMARITANS),
    ("He jumped from the Clifton bridge.", "leave out how and where", WHO_IASP),
    ("She overdosed on paracetamol.", "without naming the medicine or the amount", WHO_IASP),
    ("He took 40 tablets.", "without naming the medicine or the amount", WHO_IASP),
    ("She slit her wrists.", "leave out how and where", WHO_IASP),
    ("He stepped in front of a train.", "leave out how and where", WHO_IASP),
    ("The cliff is a known suicide hotspot.", "a location", WHO_IASP),
])
def test_method_and_location_detail_is_flagged_in_articles_about_suicide(text, instead, guideline):
    [finding] = check_safe_messaging(PATH, ON_TOPIC + text, 5)
    assert (finding.code, finding.severity, finding.line) == ("safe-messaging", "warning", 7)
    assert instead in finding.hint and guideline in finding.hint


@pytest.mark.parametrize("text", [
    "He jumped from the diving board and laughed.",
    "She took 2 tablets for her headache.",
    "He shot himself in the foot with that decision.",
])
def test_method_words_outside_suicide_articles_are_not_flagged(text):
    assert check_safe_messaging(PATH, text, 1) == []


def test_topic_ids_alone_mark_an_article_as_mentioning_suicide():
    [finding] = check_safe_messaging(PATH, "He jumped from the bridge.", 1, topic_ids=["suicide-prevention"])
    assert "leave out how and where" in finding.hint


@pytest.mark.parametrize(("text", "instead"), [
    ("Her brother is a schizophrenic.", "a person with schizophrenia"),
    ("Schizophrenics are often misunderstood.", "a person with schizophrenia"),
    ("I'm so OCD about my desk.", "describe the behaviour itself"),
    ("He is a bit bipolar today.", "describe the behaviour itself"),
    ("She is an anorexic.", "a person with anorexia"),
    ("Services for the mentally ill.", "people with a mental illness"),
    ("A mental patient walked in.", "people with a mental illness"),
    ("Don't be such a psycho.", "a person with a mental illness"),
    ("The junkies in the park.", "a person who uses drugs"),
    ("Talk about an epidemic of self-harm.", "rising suicide rates"),
])
def test_stigmatising_labels_get_person_first_wording_and_the_guideline(text, instead):
    [finding] = check_safe_messaging(PATH, text, 1)
    assert instead in finding.hint
    assert any(name in finding.hint for name in (MINDFRAME, WHO_IASP, SAMARITANS, RECOMMENDATIONS))


@pytest.mark.parametrize("text", [
    'Avoid words like "crazy" or "psycho" when you talk about mental illness.',
    "Psychology and psychotherapy help many people; a psychologist can explain.",
    "Major depressive disorder is a diagnosis; a depressive episode can pass.",
    "She was addicted to her phone, as most of us are.",
    "Bipolar disorder and OCD are treatable conditions.",
    "People with schizophrenia deserve respect.",
])
def test_clinical_terms_mentions_and_ordinary_words_stay_silent(text):
    assert check_safe_messaging(PATH, text, 1) == []


@pytest.mark.parametrize(("text", "instead"), [
    ("Mi tío cometió suicidio en 2010.", "murió por suicidio"),
    ("Tras un intento fallido, pidió ayuda.", "intento de suicidio"),
    ("Hablan de una epidemia de suicidios.", "aumento de los suicidios"),
    ("Su vecino es un esquizofrénico.", "una persona con esquizofrenia"),
])
def test_spanish_wording_is_flagged_for_spanish_articles_only(text, instead):
    [finding] = check_safe_messaging(PATH, text, 1, language="es")
    assert instead in finding.hint and finding.hint.startswith("escribe")
    assert check_safe_messaging(PATH, text, 1, language="en") == []


def test_english_rules_do_not_run_on_spanish_articles():
    assert check_safe_messaging(PATH, "He committed suicide.", 1, language="es-MX") == []
    assert len(check_safe_messaging(PATH, "He committed suicide.", 1, language="en-GB")) == 1


def test_one_finding_per_phrase_even_when_rules_overlap():
    findings = check_safe_messaging(PATH, ON_TOPIC + "After a failed suicide attempt he hanged himself.", 1)
    assert len(findings) == len({(f.line, f.col) for f in findings}) == 2


# --- reference back-links that say where they go -------------------------------------------------------


def test_citation_sections_and_labels():
    body = ('<p>Intro <span class="citation" id="cite-1">(A)</span></p>'
            '<div class="heading-wrapper"><h2 id="why">Why it <em>matters</em></h2></div>'
            '<p><span class="citation" id="cite-2">(A)</span> and <span class="citation" id="cite-3">(A)</span></p>')
    sections = citation_sections(body)
    assert sections == {1: ("", "the introduction"), 2: ("why", "Why it matters"), 3: ("why", "Why it matters")}
    assert backlink_labels((1, 2, 3), sections) == [
        (1, "the introduction"), (2, "Why it matters, 1st mention"), (3, "Why it matters, 2nd mention")]


def test_shown_addresses_break_at_slashes_and_dots_only():
    from generator.backlinks import address_break_points

    entry = ('Smith, J. (2020). A title. <i>J</i>, 1. '
             '<a href="https://doi.org/10.1037/pst0000175">https://doi.org/10.1037/pst0000175</a> '
             '<a href="https://example.org/a.b">the publisher</a>')
    softened = address_break_points(entry)
    assert ('<a href="https://doi.org/10.1037/pst0000175">https://doi<wbr>.org/<wbr>10<wbr>.1037/<wbr>pst0000175</a>'
            in softened)
    assert softened.replace("<wbr>", "") == entry   # same text, same targets
    assert '<a href="https://example.org/a.b">the publisher</a>' in softened


# Phrases of every rule as writers write them (emphasis, underscores, hyphens, no space, capitals), each
# far from any other anchor, beside ordinary words that contain one ("change", "psychology").
WINDOW_PHRASES = [
    "He committed suicide.", "selfmutilation", "self-mutilating", "self mutilation", "a failed_attempt",
    "an unsuccessful attempt at suicide", "**Hanged** himself", "he *hanging* themselves", "nooses", "ligatures",
    "Shot himself", "she poisoned herself", "gassed themselves", "drowned myself", "suffocated yourself",
    "slit her wrists", "cutting his own wrist", "overdosed on", "20 capsules", "overdoses of",
    "jumped off a bridge", "in front of a train", "suicide hot-spots", "suicide victims", "suicide bids",
    "Schizophrenics", "so OCD", "a bit bipolar", "totally psychotic", "very schizo", "an anorexic",
    "the bulimics", "a depressive", "Psychos", "such a psycho", "lunatics", "nutters", "loonies",
    "the addicts", "junkies", "the mentally ill", "mental patients", "epidemic of self-harm",
    "suicide epidemics", "successful suicides", "completed suicide", "cometió suicidio", "un intento fallido",
    "epidemias de suicidios", "una esquizofrénica",
]
FILLER = "Plain words follow here, written only to keep the phrase well away from every other word the check looks for."
QUIET = "Changes in psychology and psychotherapy helped; a psychologist, an exchange, a hangar, psychometric tests."


@pytest.mark.parametrize("phrase", WINDOW_PHRASES)
def test_anchor_windows_find_everything_a_whole_text_scan_finds(phrase, monkeypatch):
    """Only the text around anchors at a word's start is searched; that loses no finding: each phrase,
    alone between plain sentences, gives the same findings as a search of the whole text."""
    import generator.checks.safe_messaging as safe_messaging

    body = f"{ON_TOPIC}{FILLER}\n\n{QUIET} {FILLER} {phrase} {FILLER}\n"
    windowed = check_safe_messaging(PATH, body, 1)
    monkeypatch.setattr(safe_messaging, "_anchor_windows", lambda lowered, anchors, reach: [(0, len(lowered))])
    whole = check_safe_messaging(PATH, body, 1)
    assert [f.format() for f in windowed] == [f.format() for f in whole]
    assert len(whole) == 1, "each phrase is one the guidelines advise against"
