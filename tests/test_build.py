"""End to end: a fixture hub and the sample hub build into complete sites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.markup.convert import convert
from tests.sitekit import article, internal_links, make_site


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hub")
    site = make_site(root / "site", {
        "first-steps.md": article("First steps", next="second-steps", extra="""
            content_note: Mentions stress in general terms.
            updated: 2026-01-20
            reviewed_by: sam-sample
            reviewed_on: 2026-01-21"""),
        "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01", body="""
            Text with a table:

            | Feeling | What helps |
            |---------|-----------|
            | Tense   | Breathing |

            A footnote[^a] and "quotes" about HTML.

            *[HTML]: Hyper Text Markup Language

            Term
            : Definition

            ```python
            print("hi")
            ```

            [^a]: The note.
            """),
        "nested/deeper.md": article("Deeper article", date="2026-03-01", extra="topics: [sleep]\ndraft: true"),
    })
    result = build(BuildOptions(site, site / "output"))
    assert result.ok, [d.format() for d in result.diagnostics]
    return site, result


def text_of(html: str) -> str:
    """What a reader sees: tags dropped, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def read(site: Path, rel: str) -> str:
    return (site / "output" / rel).read_text("utf-8")


def test_every_page_is_written(fixture_site):
    site, _ = fixture_site
    for rel in ["index.html", "articles/first-steps/index.html", "articles/second-steps/index.html",
                "topics/index.html", "topics/calm/index.html", "topics/sleep/index.html", "authors/index.html",
                "authors/alex-example/index.html", "authors/sam-sample/index.html", "sources/index.html",
                "search/index.html", "404.html", "about/index.html", "static/css/haven.css"]:
        assert (site / "output" / rel).is_file(), rel


def test_drafts_are_left_out_unless_asked(fixture_site, tmp_path):
    site, _ = fixture_site
    assert not (site / "output" / "articles" / "deeper").exists()
    assert "Deeper article" not in read(site, "index.html")
    out = tmp_path / "with-drafts"
    assert build(BuildOptions(site, out, drafts=True)).ok
    assert "Draft" in (out / "articles" / "deeper" / "index.html").read_text()


def test_article_page_shows_what_a_reader_needs(fixture_site):
    site, _ = fixture_site
    page = read(site, "articles/first-steps/index.html")
    assert "<h1" in page and "First steps" in page
    assert "A short summary for the tests." in page
    assert 'href="/authors/alex-example/">Alex Example (fictional)</a>' in page
    assert "Alex Example (fictional), MA" in text_of(page)
    assert '<time datetime="2026-01-10">10 January 2026</time>' in page
    assert '<time datetime="2026-01-20">20 January 2026</time>' in page
    assert "Sam Sample (fictional)" in page and '<time datetime="2026-01-21">21 January 2026</time>' in page
    assert re.search(r"\d+ minutes?", page)
    assert "Mentions stress in general terms." in page
    assert page.index("Mentions stress") < page.index("Breathing slowly")
    assert '<a rel="next" href="/articles/second-steps/">' in page
    assert 'href="/topics/calm/">Calm</a>' in page


def test_page_without_review_says_so_honestly(fixture_site):
    page = read(fixture_site[0], "articles/second-steps/index.html")
    assert "Not yet reviewed by a clinician" in page
    assert "Clinically reviewed" not in page


def test_markdown_extensions(fixture_site):
    page = read(fixture_site[0], "articles/second-steps/index.html")
    assert '<th scope="col">Feeling</th>' in page
    assert 'class="footnote"' in page
    assert '<abbr title="Hyper Text Markup Language">HTML</abbr>' in page
    assert "<dt>Term</dt>" in page
    assert '<pre tabindex="0"><code class="language-python">' in page
    assert "&ldquo;quotes&rdquo;" in page or "“quotes”" in page
    assert '<a rel="prev" href="/articles/first-steps/">' in page


def test_every_page_has_the_landmarks(fixture_site):
    site, _ = fixture_site
    for path in (site / "output").rglob("*.html"):
        html = path.read_text()
        assert '<html lang="en" dir="ltr">' in html, path
        assert html.count('<main id="main"') == 1, path
        assert html.index('class="skip-link"') < html.index("<header"), path
        assert 'id="crisis-help"' in html and 'href="tel:5550100"' in html, path


def test_no_broken_internal_links(fixture_site):
    assert internal_links(fixture_site[0] / "output") == []


def test_sample_hub_builds_without_errors_or_broken_links(sample_hub):
    out = sample_hub.out  # built once per test process; the fixture fails if the build does
    assert internal_links(out) == []
    articles = sorted(p.parent.name for p in (out / "articles").glob("*/index.html"))
    assert len(articles) == 7
    assert (out / "about" / "index.html").is_file()


def test_output_never_contains_writer_scripts(tmp_path):
    site = make_site(tmp_path / "s", {"a.md": article(body="""
        Hi <script>alert(1)</script> <img src="/static/favicon.svg" alt="x" onerror="alert(2)">
        <iframe src="/about/"></iframe> <style>body{display:none}</style>
        """)})
    result = build(BuildOptions(site, site / "output"))
    assert result.ok, [d.format() for d in result.diagnostics]   # removed with a warning each (test_urlpolicy)
    page = (site / "output" / "articles" / "a" / "index.html").read_text().lower()
    assert "<script>alert" not in page and "onerror" not in page
    assert "<iframe" not in page and "display:none" not in page
    # addresses the URL policy refuses stop the build (tests/test_urlpolicy.py); the sanitizer drops them too
    html = convert("[click](javascript:alert(3)) <a href=\"JaVaScRiPt:alert(4)\">x</a> "
                   "<a href=\"data:text/html,x\">y</a>").html.lower()
    assert "javascript:" not in html and "data:text" not in html
