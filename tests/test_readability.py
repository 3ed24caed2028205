"""Readability: Flesch-Kincaid grade, the prose it is computed on, and the `readability` warning."""

from __future__ import annotations

import re

import pytest

from generator.checks.readability import (
    article_grade,
    check_readability,
    count_syllables,
    fk_grade,
    paragraphs_with_lines,
    prose_text,
    readability_report,
    scan_markdown,
    text_stats,
)

# Hand-counted: every word of the first text has one syllable; the others are counted word by word
# in the comments. Grade = 0.39 * words/sentences + 11.8 * syllables/words - 15.59.
EASY = "The cat sat on the mat. The dog ran to the big red barn."  # 14 words, 2 sentences, 14 syllables
HARD = "Psychological interventions substantially reduce depressive symptoms."
# psy-cho-log-i-cal 5, in-ter-ven-tions 4, sub-stan-tial-ly 4, re-duce 2, de-pres-sive 3, symp-toms 2:
# 6 words, 1 sentence, 20 syllables
MIXED = "Talking to someone you trust can help. Therapy gives you space to understand your feelings."
# talk-ing 2, to, some-one 2, you, trust, can, help = 7 words, 9 syllables;
# ther-a-py 3, gives, you, space, to, un-der-stand 3, your, feel-ings 2 = 8 words, 13 syllables

KNOWN = [
    (EASY, 14, 2, 14, 0.39 * 14 / 2 + 11.8 * 14 / 14 - 15.59),  # -1.06
    (HARD, 6, 1, 20, 0.39 * 6 / 1 + 11.8 * 20 / 6 - 15.59),  # 26.08
    (MIXED, 15, 2, 22, 0.39 * 15 / 2 + 11.8 * 22 / 15 - 15.59),  # 4.64
]


@pytest.mark.parametrize(("text", "words", "sentences", "syllables", "grade"), KNOWN)
def test_fk_grade_matches_hand_counted_values(text, words, sentences, syllables, grade):
    stats = text_stats(text)
    assert (stats.words, stats.sentences, stats.syllables) == (words, sentences, syllables)
    assert fk_grade(text) == pytest.approx(grade, abs=0.01)


def test_empty_text_has_grade_zero():
    assert fk_grade("") == 0.0
    assert fk_grade("   \n\n  ") == 0.0


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("cat", 1), ("health", 1), ("helped", 1), ("wanted", 2), ("changes", 2), ("makes", 1),
        ("table", 2), ("struggled", 2), ("because", 2), ("therapy", 3), ("therapist", 3),
        ("anxiety", 4), ("depression", 3), ("medication", 4), ("psychological", 5), ("loneliness", 3),
        ("awareness", 3), ("hopeless", 2), ("lonely", 2), ("being", 2), ("trying", 2), ("easier", 3),
        ("diagnosis", 4), ("media", 3), ("actual", 3), ("social", 2), ("million", 2), ("autism", 3),
        ("self-harm", 2), ("well-being", 3), ("people", 2), ("everyday", 3), ("studies", 2),
        ("2019", 4), ("40", 2), ("1", 1),
    ],
)
def test_count_syllables(word, syllables):
    assert count_syllables(word) == syllables


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One sentence here. Another one here! And a third one?", 3),
        ("For example, e.g. this one, and Dr. Smith et al. agree.", 1),
        ("J. Smith wrote it in the U.S. last year.", 1),
        ("Version 2.5 is out now. Yes it is.", 2),
        ("a list item without a full stop", 1),
        ('He said "stop." Then he left', 2),
        ("Wait... what happened next?", 2),
    ],
)
def test_sentence_counting(text, sentences):
    assert text_stats(text).sentences == sentences


def test_blank_line_ends_a_sentence():
    assert text_stats("A heading like line\n\nAnother line").sentences == 2


# --- What counts as prose ------------------------------------------------------------------------


def test_prose_text_drops_markup_citations_urls_and_tags():
    text = prose_text(
        "Empathy helps [@derksen2013, p. e80] and @rogers1957 agreed.[^1] See [the review](https://x.org/a?b=1) "
        "and `code span` and <abbr title='x'>WHO</abbr> ![alt text](img.png) <https://example.org>."
    )
    assert text == "Empathy helps and agreed. See the review and and WHO ."


def test_prose_text_keeps_email_addresses_out_of_citations():
    assert "a@example.org" in prose_text("Write to a@example.org today.")


def test_prose_text_strips_list_and_quote_markers():
    assert prose_text("- **Shared goals.** You agree.") == "**Shared goals.** You agree."
    assert prose_text("> quoted\n> text") == "quoted text"
    assert prose_text("12. numbered item") == "numbered item"


BODY = """Intro paragraph one is short.

## A heading that is not prose

Second paragraph
runs over two lines.

```python
unreadable_identifier_with_many_syllables = "Psychological interventions substantially"
```

    indented code block is also code

- first item
- second item

> A quote.

| Column | Other |
| ------ | ----- |
| cell   | cell  |

[^1]: A footnote definition is a source, not prose.

[ref]: https://example.org

## References

Derksen F. Effectiveness of empathy in general practice. Br J Gen Pract. 2013.
"""


def test_paragraphs_with_lines_reports_file_lines_and_skips_non_prose():
    paragraphs = paragraphs_with_lines(BODY, 10)
    assert [(p.line, p.text) for p in paragraphs] == [
        (10, "Intro paragraph one is short."),
        (14, "Second paragraph runs over two lines."),
        (23, "first item"),
        (24, "second item"),
        (26, "A quote."),
    ]


def test_pandoc_refs_div_is_not_prose():
    body = "Plain words here.\n\n::: {#refs}\nReference entry words here.\n:::\n\nAfter the div."
    assert [p.text for p in paragraphs_with_lines(body, 1)] == ["Plain words here.", "After the div."]


def test_references_section_ends_at_the_next_heading_of_the_same_level():
    body = "## References\n\nA reference.\n\n## Next steps\n\nBack to prose."
    assert [p.text for p in paragraphs_with_lines(body, 1)] == ["Back to prose."]


def test_setext_heading_is_not_prose():
    body = "A Title\n=======\n\nText."
    assert [p.text for p in paragraphs_with_lines(body, 1)] == ["Text."]


def test_masked_body_keeps_offsets_and_blanks_code():
    body = "Text `40%` and\n```\ncode 40%\n```\nmore"
    scanned = scan_markdown(body)
    assert len(scanned.masked) == len(body)
    assert scanned.masked.count("\n") == body.count("\n")
    assert "40%" not in scanned.masked
    assert scanned.position(body.index("more")) == (4, 1)


def test_code_does_not_change_the_grade():
    plain = "The cat sat on the mat. The dog ran to the big red barn."
    with_code = plain + "\n\n```\nPsychological interventions substantially reduce depressive symptoms.\n```\n"
    with_code += "\nUse `Psychological interventions substantially` here."
    assert article_grade(with_code) == pytest.approx(
        round(text_stats(plain + "\n\nUse here.").grade, 1), abs=0.05
    )


# --- The check -----------------------------------------------------------------------------------


def test_easy_article_is_silent():
    assert check_readability("articles/easy.md", EASY + "\n\n" + MIXED, 8, 8.0) == []


def test_empty_article_is_silent():
    assert check_readability("articles/empty.md", "", 8, 8.0) == []


def hard_body() -> str:
    return "\n\n".join(
        [
            EASY,
            "Cognitive behavioural therapy substantially reduces generalised anxiety symptoms for most "
            "individuals experiencing persistent psychological distress.",
            MIXED,
            "Pharmacological interventions, particularly selective serotonin reuptake inhibitors, "
            "demonstrate considerable effectiveness in moderate depressive presentations.",
            "Therapeutic relationships characterised by genuine empathy consistently predict favourable "
            "clinical outcomes across psychotherapeutic modalities.",
            "Mindfulness-based cognitive therapy reduces relapse probability considerably.",
        ]
    )


def test_hard_article_warns_with_grade_target_and_hardest_paragraphs_by_line():
    [finding] = check_readability("articles/hard.md", hard_body(), 7, 8.0)
    assert (finding.path, finding.line, finding.col) == ("articles/hard.md", 7, 1)
    assert finding.code == "readability"
    assert finding.severity == "warning"
    grade = article_grade(hard_body())
    assert f"grade {grade:.1f}" in finding.message
    assert "target of 8" in finding.message
    lines = [int(n) for n in re.findall(r"line (\d+)", finding.hint)]
    # Paragraph k of the body starts on file line 7 + 2k; the three long clinical ones are 1, 3 and 4.
    assert sorted(lines) == [9, 13, 15]
    grades = [float(g) for g in re.findall(r"grade (\d+\.\d)", finding.hint)]
    assert grades == sorted(grades, reverse=True)


def test_target_is_respected():
    body = hard_body()
    grade = article_grade(body)
    assert check_readability("a.md", body, 1, grade) == []
    assert len(check_readability("a.md", body, 1, grade - 0.1)) == 1


def _calls_to_check(body: str, monkeypatch) -> int:
    """Calls of the readability scanner's own functions one check of `body` makes (a count, not a time)."""
    import inspect

    import generator.checks.readability as check_module
    import generator.markup.blocks as blocks
    import generator.markup.prose as prose
    import generator.readability as readability_package
    import generator.readability.counting as counting

    calls = 0
    with monkeypatch.context() as patch:
        for module in (check_module, blocks, prose, readability_package, counting):
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ != module.__name__:
                    continue

                def counted(*args, _function=function, **kwargs):
                    nonlocal calls
                    calls += 1
                    return _function(*args, **kwargs)

                patch.setattr(module, name, counted)
        scan_markdown.cache_clear()
        check_readability("a.md", body, 1, 8.0)  # warm the syllable cache, as a real build does
        scan_markdown.cache_clear()
        calls = 0
        check_readability("a.md", body, 1, 8.0)
    return calls


def test_readability_work_grows_with_the_text_not_faster(monkeypatch):
    """Ten thousand articles stay affordable when the check's work is linear in the body: twice the text
    makes at most a little over twice the calls of the scanner's functions (a loop over everything seen
    so far, for each paragraph, would make four times as many)."""
    part = "\n\n".join([MIXED * 3, "- " + EASY, "> " + HARD, "Text with `code` and [@cite] here."])
    one, two, four = (_calls_to_check("\n\n".join([part] * n), monkeypatch) for n in (10, 20, 40))
    assert one > 50, one   # the scanner's functions were counted
    assert two <= 2.1 * one and four <= 2.1 * two, (one, two, four)


def test_stray_backtick_does_not_swallow_the_next_paragraph():
    body = "Text with ` a stray backtick.\n\nAnother paragraph with `code` here."
    assert [p.text for p in paragraphs_with_lines(body, 1)] == [
        "Text with ` a stray backtick.",
        "Another paragraph with here.",
    ]


def test_fenced_code_inside_a_list_item_is_code():
    body = "- item\n\n    ```\n    Psychological interventions substantially\n    ```\n- next"
    assert [p.text for p in paragraphs_with_lines(body, 1)] == ["item", "next"]


def test_readability_report_gives_the_finding_and_the_grade_from_one_scan():
    for body, target in [(hard_body(), 8.0), (hard_body(), 30.0), (MIXED, 8.0), (BODY, 1.0)]:
        findings, grade = readability_report("a.md", body, 7, target)
        assert findings == check_readability("a.md", body, 7, target)
        assert grade == article_grade(body)


def test_readability_report_has_no_grade_without_prose():
    for body in ["", "## Only a heading", "```\ncode only\n```", "| a | b |\n|---|---|\n| 1 | 2 |"]:
        assert readability_report("a.md", body, 1, 8.0) == ([], None)


def test_counts_ignore_how_white_space_is_written():
    # Counts are taken before white space is collapsed: any kind of space must count as a plain one.
    plain = paragraphs_with_lines("Dr. Smith came. He left!) (x", 1)
    odd = paragraphs_with_lines("Dr.\u00a0Smith\tcame.\r\nHe  left!)\u2003(x\r", 1)
    assert [(p.text, p.stats) for p in odd] == [(p.text, p.stats) for p in plain]
    assert paragraphs_with_lines("One sentence.\u00a0\r", 1)[0].stats.sentences == 1
