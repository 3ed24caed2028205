"""Editorial checks: safe messaging, sourced claims, review dates, crisis resources, transparency,
suppressions and the severity policy."""

from __future__ import annotations

from datetime import date

import pytest

from generator.checks.claims import check_unsourced_claims
from generator.checks.crisis import check_crisis_resources
from generator.checks.policy import SUPPRESSIBLE as SUPPRESSIBLE_CHECKS
from generator.checks.policy import Suppression, apply_policy
from generator.checks.policy import read_suppressions as check_suppressions
from generator.checks.review import add_months, check_review_due, review_due_date
from generator.checks.safe_messaging import check_safe_messaging, mentions_suicide
from generator.checks.transparency import check_transparency
from generator.diagnostics import error, warning

PATH = "articles/a.md"


def codes(findings):
    return [f.code for f in findings]


def positions(findings):
    return [(f.line, f.col) for f in findings]


# --- Safe messaging ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "recommended"),
    [
        ("He committed suicide last year.", "died by suicide"),
        ("People who commit suicide", "die by suicide"),
        ("It was a successful suicide.", "died by suicide"),
        ("after a failed attempt she", "survived a suicide attempt"),
        ("talk of a suicide epidemic", "rising suicide rates"),
        ("rates of completed suicide", "died by suicide"),
        ("a suicide victim", "a person who died by suicide"),
        ("after a suicide bid", "suicide attempt"),
        ("an unsuccessful suicide attempt", "suicide attempt"),
        ("people who self-mutilate", "self-harm"),
    ],
)
def test_safe_messaging_flags_phrase_with_recommended_wording(text, recommended):
    [finding] = check_safe_messaging(PATH, text, 10)
    assert finding.code == "safe-messaging"
    assert finding.severity == "warning"
    assert recommended in finding.hint
    assert finding.line == 10


def test_safe_messaging_points_at_exact_line_and_column_across_line_breaks_and_case():
    body = "First line.\n\nShe had COMMITTED\nsuicide, they said. Then a **failed** attempt.\n"
    findings = check_safe_messaging(PATH, body, 7)
    assert positions(findings) == [(9, 9), (10, 30)]  # the match starts at "failed", inside the bold
    assert '"COMMITTED suicide"' in findings[0].message
    assert '"failed attempt"' in findings[1].message


@pytest.mark.parametrize(
    "text",
    [
        "Suicide prevention saves lives.",
        "She died by suicide. He survived a suicide attempt.",
        "Rising suicide rates are a concern.",
        "Talk to someone if you have thoughts of suicide.",
        "The committee decided. A committed volunteer. Suicidal thoughts are common.",
        "Use `committed suicide` as an example in code only.",
        "```\ncommitted suicide\n```",
        "An attempt failed, then another attempt succeeded at the task.",
        "He was uncommitted to suicides-prevention-research? No.",
    ],
)
def test_safe_messaging_stays_silent_on_recommended_wording_and_code(text):
    assert check_safe_messaging(PATH, text, 1) == []


def test_safe_messaging_ignores_reference_sections():
    body = "Text.\n\n## References\n\nSmith J. Risk factors for completed suicide. J Psych. 2001.\n"
    assert check_safe_messaging(PATH, body, 1) == []


def test_safe_messaging_finds_phrases_far_apart():
    body = ("Filler words here. " * 40 + "\n") * 3 + "They committed suicide.\n" + "More filler. " * 50
    body += "\nA suicide epidemic."
    findings = check_safe_messaging(PATH, body, 1)
    assert [f.line for f in findings] == [4, 6]


@pytest.mark.parametrize(
    ("body", "topics", "expected"),
    [
        ("This article is about suicide prevention.", (), True),
        ("Self-harm is a way some people cope.", (), True),
        ("Self\nharm across a line break.", (), True),
        ("Some people self-injure.", (), True),
        ("What to do after an overdose.", (), True),
        ("She took her own life.", (), True),
        ("An article about empathy.", ("suicide-prevention",), True),
        ("An article about empathy.", ("self_harm",), True),
        ("Empathy and yourself; selfish and selfless.", ("empathy", "therapy"), False),
    ],
)
def test_mentions_suicide(body, topics, expected):
    assert mentions_suicide(body, topics) is expected


# --- Sourced claims ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Studies show that talking helps.", "Studies show"),
        ("Research shows that talking helps.", "Research shows"),
        ("Research suggests that talking helps.", "Research suggests"),
        ("Studies have shown that talking helps.", "Studies have shown"),
        ("Research has found that talking helps.", "Research has found"),
        ("The evidence shows that talking helps.", "evidence shows"),
        ("Experts agree that talking helps.", "Experts agree"),
        ("About 40% of adults feel this.", "40%"),
        ("About 40 percent of adults feel this.", "40 percent"),
        ("About 40 per cent of adults feel this.", "40 per cent"),
        ("One in four adults feel this.", "One in four"),
        ("1 in 4 adults feel this.", "1 in 4"),
        ("It affects 3 out of 5 teens.", "3 out of 5"),
        ("Women are twice as likely to be diagnosed.", "twice as likely"),
        ("They are three times more likely to recover.", "three times more likely"),
        ("Depression affects 280 million people.", "280 million"),
    ],
)
def test_unsourced_claim_is_flagged_at_the_claim(text, claim):
    body = "Intro.\n\n" + text + "\n"
    [finding] = check_unsourced_claims(PATH, body, 5)
    assert finding.code == "unsourced-claim"
    assert "claim without a source" in finding.message
    assert f'"{claim}"' in finding.message
    assert (finding.line, finding.col) == (7, text.index(claim) + 1)


@pytest.mark.parametrize(
    "text",
    [
        "Research shows that talking helps [@smith2020].",
        "Research shows that talking helps [see @smith2020, p. 3; @lee2019].",
        "As @smith2020 found, research shows that talking helps.",
        "Research shows that talking helps.[^1]",
        "Research shows that talking helps ([review](https://example.org/review)).",
        "In 2019 we started. Sessions last 10 minutes.",
        "Write `40%` in code, it is not a claim.",
        "On 16 July 2022 the number changed.",
        "Take 2 in the morning and 1 at night.",
        "It happened in 2019 and 1 in 2020 was different.",
        "Give yourself twice as much time.",
        "Studying shows dedication. Research is hard.",
    ],
)
def test_unsourced_claims_stay_silent(text):
    assert check_unsourced_claims(PATH, text, 1) == []


def test_email_address_is_not_a_citation():
    [finding] = check_unsourced_claims(PATH, "Write to help@example.org: 40% of mail is answered.", 1)
    assert '"40%"' in finding.message


def test_image_is_not_a_source():
    body = "Research shows this ![chart](chart.png)."
    assert codes(check_unsourced_claims(PATH, body, 1)) == ["unsourced-claim"]


def test_citation_in_the_same_paragraph_counts_even_across_lines():
    body = "Research shows that\ntalking helps.\nThis is from a review [@smith2020].\n\nNext paragraph."
    assert check_unsourced_claims(PATH, body, 1) == []


def test_citation_in_another_paragraph_does_not_count():
    body = "Research shows that talking helps.\n\nA review [@smith2020]."
    assert positions(check_unsourced_claims(PATH, body, 1)) == [(1, 1)]


def test_one_finding_per_sentence():
    body = "Research shows that 40% of people, one in four adults, agree. Studies show it too."
    findings = check_unsourced_claims(PATH, body, 1)
    assert positions(findings) == [(1, 1), (1, 63)]


def test_headings_list_numbers_and_tables_are_not_claims():
    body = (
        "## 1 in 4 people\n\n"
        "1. First step\n2. Second step\n\n"
        "| Group | Share |\n| ----- | ----- |\n| Adults | 40% |\n\n"
        "[^1]: Research shows this; 40% of people.\n"
    )
    assert check_unsourced_claims(PATH, body, 1) == []


def test_claim_in_list_item_and_quote():
    body = "- 40% of adults\n- one in four teens [@x]\n\n> Studies show this.\n"
    assert positions(check_unsourced_claims(PATH, body, 3)) == [(3, 3), (6, 3)]


def test_percentage_inside_a_fenced_block_is_silent():
    body = "```\n40% of adults\n```\n\n    indented 40% too\n"
    assert check_unsourced_claims(PATH, body, 1) == []


# --- Review dates --------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 15), 24) == date(2025, 11, 15)


def test_review_due_uses_last_review_or_publication():
    assert review_due_date(date(2020, 1, 1), None, 24) == date(2022, 1, 1)
    assert review_due_date(date(2020, 1, 1), date(2023, 6, 1), 24) == date(2025, 6, 1)


def test_overdue_review_names_the_date_it_fell_due():
    [finding] = check_review_due(PATH, 6, date(2020, 1, 1), date(2023, 6, 1), 24, date(2025, 6, 2))
    assert (finding.code, finding.line, finding.severity) == ("review-due", 6, "warning")
    assert "2025-06-01" in finding.message
    assert "last reviewed on 2023-06-01" in finding.message


def test_never_reviewed_article_is_due_after_publication():
    [finding] = check_review_due(PATH, 5, date(2020, 1, 1), None, 24, date(2024, 1, 1))
    assert "2022-01-01" in finding.message
    assert "never reviewed" in finding.message


def test_review_within_interval_is_silent():
    assert check_review_due(PATH, 5, date(2020, 1, 1), date(2023, 6, 1), 24, date(2025, 6, 1)) == []
    assert check_review_due(PATH, 5, date(2024, 1, 1), None, 24, date(2025, 6, 1)) == []


def test_custom_interval_and_disabled_interval():
    assert codes(check_review_due(PATH, 5, date(2024, 1, 1), None, 6, date(2024, 8, 1))) == ["review-due"]
    assert check_review_due(PATH, 5, date(2000, 1, 1), None, 0, date(2024, 8, 1)) == []


# --- Crisis resources ----------------------------------------------------------------------------

TODAY = date(2026, 11, 21)


def resource(**fields):
    entry = {"name": "Samaritans", "phone": "116 123", "verified_on": date(2026, 11, 1)}
    entry.update(fields)
    return {k: v for k, v in entry.items() if v is not None}


def test_complete_recent_resource_is_silent():
    assert check_crisis_resources("site.yaml", [(resource(), 40)], TODAY) == []
    assert check_crisis_resources("site.yaml", [(resource(phone=None, url="https://x.org"), 40)], TODAY) == []
    assert check_crisis_resources("site.yaml", [(resource(phone=None, text="Text SHOUT to 85258"), 40)], TODAY) == []


def test_resource_needs_a_name_and_a_way_to_reach_it():
    findings = check_crisis_resources("site.yaml", [(resource(name=None, phone=None), 40)], TODAY)
    assert codes(findings) == ["crisis-resource-incomplete", "crisis-resource-incomplete"]
    assert all(f.severity == "error" and f.line == 40 for f in findings)


def test_resource_needs_a_verified_on_date():
    [missing] = check_crisis_resources("site.yaml", [(resource(verified_on=None), 40)], TODAY)
    [unreadable] = check_crisis_resources("site.yaml", [(resource(verified_on="last week"), 41)], TODAY)
    assert missing.code == unreadable.code == "crisis-resource-unverified"
    assert "'last week'" in unreadable.message
    assert check_crisis_resources("site.yaml", [(resource(verified_on="2026-10-01"), 40)], TODAY) == []


def test_resource_verified_more_than_twelve_months_ago_is_stale():
    [finding] = check_crisis_resources("site.yaml", [(resource(verified_on=date(2025, 11, 20)), 40)], TODAY)
    assert finding.code == "crisis-resource-stale"
    assert "2025-11-20" in finding.message and "2026-11-20" in finding.message
    assert check_crisis_resources("site.yaml", [(resource(verified_on=date(2025, 11, 21)), 40)], TODAY) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "1-800-273-8255"),
        ("phone", "1-800-273-TALK"),
        ("phone", "(800) 273 8255"),
        ("phone", "+1 800 273 8255, press 1"),
        ("url", "tel:+18002738255"),
        ("text", "Call 1 800 273 8255"),
    ],
)
def test_retired_us_lifeline_number_is_flagged(field, value):
    findings = check_crisis_resources("site.yaml", [(resource(**{"phone": None, field: value}), 40)], TODAY)
    assert codes(findings) == ["crisis-resource-retired"]
    assert "988" in findings[0].message and "16 July 2022" in findings[0].message


def test_current_numbers_are_not_retired():
    entries = [(resource(phone="988"), 1), (resource(phone="116 123"), 2), (resource(phone="1-800-273-8256"), 3)]
    assert check_crisis_resources("site.yaml", entries, TODAY) == []


# --- Transparency --------------------------------------------------------------------------------


def test_complete_transparency_is_silent():
    declared = {"owner": "The Trust", "funding": "Donations", "advertising": "No ads"}
    assert check_transparency("site.yaml", 12, declared, True) == []


def test_missing_transparency_fields_and_about_page_are_warnings():
    findings = check_transparency("site.yaml", 12, {"owner": "The Trust", "funding": "  "}, False)
    assert codes(findings) == ["transparency"] * 3
    messages = " ".join(f.message for f in findings)
    assert "transparency.funding" in messages and "transparency.advertising" in messages
    assert "About page" in messages
    assert all(f.severity == "warning" for f in findings)


def test_no_transparency_section_at_all():
    assert len(check_transparency("site.yaml", 0, None, True)) == 3


# --- Suppressions and policy ---------------------------------------------------------------------


def test_suppression_with_reason():
    suppressions, findings = check_suppressions(PATH, {"readability": "clinical terms are unavoidable"}, 9)
    assert suppressions == [Suppression(PATH, 9, "readability", "clinical terms are unavoidable")]
    assert findings == []


@pytest.mark.parametrize("reason", ["", "   ", None, True])
def test_empty_reason_is_a_warning_but_still_suppresses(reason):
    suppressions, findings = check_suppressions(PATH, {"safe-messaging": reason}, 9)
    assert [s.code for s in suppressions] == ["safe-messaging"]
    assert codes(findings) == ["suppression-without-reason"]
    assert findings[0].line == 9


def test_unknown_check_name_gets_did_you_mean():
    suppressions, findings = check_suppressions(PATH, {"review_due": "x", "readabilty": "y", "spelling": "z"}, 9)
    assert suppressions == []
    assert codes(findings) == ["unknown-suppression"] * 3
    assert "did you mean 'review-due'?" in findings[0].hint
    assert "did you mean 'readability'?" in findings[1].hint
    assert "readability, review-due, safe-messaging, unsourced-claim" in findings[2].hint


def test_suppressible_checks_are_the_diagnostic_codes():
    assert SUPPRESSIBLE_CHECKS == ("readability", "review-due", "safe-messaging", "unsourced-claim")


def test_apply_policy_moves_suppressed_findings_and_keeps_the_rest():
    readability = warning("readability", PATH, 8, 1, "hard")
    claim = warning("unsourced-claim", PATH, 12, 3, "claim")
    other_file = warning("readability", "articles/b.md", 8, 1, "hard")
    suppressions = [Suppression(PATH, 4, "readability", "clinical"), Suppression(PATH, 4, "review-due", "x")]
    kept, suppressed = apply_policy([claim, other_file, readability], False, suppressions)
    assert kept == [claim, other_file]  # sorted by path, then position
    assert [(s.suppression.code, s.findings) for s in suppressed] == [("readability", (readability,)), ("review-due", ())]


def test_strict_turns_warnings_into_errors_and_nothing_else_changes():
    findings = [warning("unsourced-claim", PATH, 12, 3, "claim"), error("missing-alt", PATH, 3, 1, "alt")]
    kept, _ = apply_policy(findings, True, [])
    assert [(f.code, f.severity) for f in kept] == [("missing-alt", "error"), ("unsourced-claim", "error")]
    kept, _ = apply_policy(findings, False, [])
    assert [(f.code, f.severity) for f in kept] == [("missing-alt", "error"), ("unsourced-claim", "warning")]


def test_strict_does_not_resurrect_suppressed_findings():
    finding = warning("readability", PATH, 8, 1, "hard")
    kept, suppressed = apply_policy([finding], True, [Suppression(PATH, 4, "readability", "ok")])
    assert kept == []
    assert suppressed[0].findings == (finding,)


def test_only_suppressible_codes_can_be_silenced():
    finding = error("missing-alt", PATH, 3, 1, "alt")
    kept, _ = apply_policy([finding], False, [Suppression(PATH, 4, "missing-alt", "no")])
    assert kept == [finding]


# --- Speed ---------------------------------------------------------------------------------------


def test_body_checks_are_fast():
    import time

    from generator.checks.readability import scan_markdown

    paragraph = (
        "When people think about mental health care, they often think about methods. Those matter. "
        "Research shows a good alliance helps [@a]. About 40% of people [@b] say so, and 1 in 4 agree.\n\n"
    )
    body = paragraph * 25 + "- a list item\n- another item\n\n" + "Someone committed suicide.\n"
    scan_markdown(body)
    started = time.perf_counter()
    for _ in range(50):
        check_safe_messaging(PATH, body, 1)
        check_unsourced_claims(PATH, body, 1)
        mentions_suicide(body, ())
    per_article = (time.perf_counter() - started) / 50
    assert per_article < 0.01, f"{per_article * 1000:.2f} ms per article"


def test_malformed_inputs_become_findings_not_exceptions():
    [entry] = check_crisis_resources("site.yaml", [("Samaritans 116 123", 40)], TODAY)
    assert (entry.code, entry.severity, entry.line) == ("crisis-resource-incomplete", "error", 40)
    suppressions, [finding] = check_suppressions(PATH, "readability", 9)  # type: ignore[arg-type]
    assert suppressions == [] and finding.code == "unknown-suppression"
    assert check_suppressions(PATH, None, 9) == ([], [])


def test_claim_prefilter_never_hides_a_claim():
    # `_may_hold_claim` lets the costly claim pattern skip paragraphs: it must say yes wherever the
    # pattern matches. Texts are built from the pattern's own words, run together in every which way.
    import random
    import re

    from generator.checks.claims import _CLAIM_RE, _may_hold_claim

    words = re.findall(r"[a-z]+", _CLAIM_RE.pattern) + ["40", "2.5", "1990", "%", "-", "x", "a", "the"]
    spaces = [" ", "  ", "\n", "\t", "", "-", " ("]
    rng = random.Random(7)
    matched = 0
    for _ in range(20000):
        text = "".join(rng.choice(words) + rng.choice(spaces) for _ in range(rng.randint(1, 6)))
        if _CLAIM_RE.search(text):
            matched += 1
            assert _may_hold_claim(text), text
    assert matched > 200  # the texts do exercise the pattern
    for text in ["studies show", "one in four", "3 out of 5", "twice as likely", "40 percent", "forty per cent",
                 "according to experts", "clinically proven", "doubles the risk", "three times more common",
                 "2.5-fold as prevalent", "300 million", "a new study found", "experts agree", "ten\nin\none"]:
        assert _CLAIM_RE.search(text) and _may_hold_claim(text), text
    assert not _may_hold_claim("it is common to feel low, and students often report it")


def test_did_you_mean_among_thousands_of_pages_names_the_same_page_difflib_would():
    """With every page of a big hub as the choices, the hint compares only a shortlist (one broken link took
    1.6 s at 10,000 articles): the page it names is still the closest one."""
    import difflib
    import random

    from generator.diagnostics import did_you_mean

    rng = random.Random(7)
    words = ["anxiety", "sleep", "grief", "burnout", "therapy", "trust", "panic", "stress", "calm", "care"]
    pages = sorted({"/articles/" + "-".join(rng.sample(words, 4)) + f"-{n % 7}/" for n in range(4000)})
    for page in rng.sample(pages, 10):
        at = rng.randrange(10, len(page) - 1)
        typo = page[:at] + page[at + 1:]   # one letter left out
        best = difflib.get_close_matches(typo, pages, n=1, cutoff=0.6)[0]
        assert did_you_mean(typo, pages) == f"did you mean '{best}'?"
    assert did_you_mean("/nothing-like-it/", pages) == ""
