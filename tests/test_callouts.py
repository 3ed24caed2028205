"""Callouts: `!!! key-points`, `!!! get-help`, `!!! note` become boxes named by their visible title."""

from __future__ import annotations

import re

from generator.build import BuildOptions, build
from generator.markup.convert import convert
from tests.publishkit import build_ok
from tests.sitekit import article, make_site

BODY = """\
Intro paragraph.

!!! key-points
    - Empathy is feeling *with* someone.
    - Sympathy is feeling for them.

!!! get-help "When to see your GP"
    If low mood lasts more than two weeks, [talk to someone](#help).

!!! note
    A plain note.

## Help {#help}

Text.
"""


def test_each_callout_is_a_note_named_by_its_visible_title():
    html = convert(BODY).html
    boxes = re.findall(r'<div aria-labelledby="(callout-\d)" class="callout callout-([\w-]+)" role="note">'
                       r'\s*<p class="callout-title" id="(callout-\d)">([^<]+)</p>', html)
    assert [(kind, title) for _, kind, _, title in boxes] == [
        ("key-points", "Key points"), ("get-help", "When to see your GP"), ("note", "Note")]
    assert all(label == target for label, _, target, _ in boxes)
    assert "<em>with</em>" in html and 'href="#help"' in html   # the inside is Markdown


def test_an_unknown_or_malformed_callout_is_an_error_at_its_line(tmp_path):
    body = "Text.\n\n!!! warning\n    Careful.\n\n!!!\n    Nothing.\n\n```\n!!! inside code is fine\n```\n"
    site = make_site(tmp_path / "site", {"a.md": article("A", body=body)})
    result = build(BuildOptions(site, site / "output", write=False))
    found = [(d.code, d.line, d.col) for d in result.diagnostics if d.code.endswith("callout")]
    assert found == [("unknown-callout", 10, 1), ("bad-callout", 13, 1)], result.diagnostics
    assert "`!!! key-points`" in [d for d in result.diagnostics if d.code == "unknown-callout"][0].hint


def test_callouts_survive_the_sanitizer_and_cannot_smuggle_markup(tmp_path):
    body = '!!! note "<script>alert(1)</script> Title"\n    <img src=x onerror=alert(1)> text\n'
    html = convert(body).html
    assert "<script" not in html and "onerror" not in html
    assert 'role="note"' in html


def test_the_built_article_shows_the_callout(tmp_path):
    site = make_site(tmp_path / "site", {"a.md": article("A", body=BODY)})
    build_ok(site, search_index=False)
    page = (site / "output/articles/a/index.html").read_text("utf-8")
    assert page.count('role="note"') == 3
