"""/articles/ lists every article newest first; article listings page at `pagination.per_page` with
/x/page/2/ URLs, rel=prev/next and a labelled page navigation."""

from __future__ import annotations

import re

import pytest

from generator.build import BuildOptions, build
from tests.publishkit import build_ok
from tests.sitekit import SITE_YAML, article, make_site


def many(tmp_path, count: int = 7, per_page: int = 3):
    articles = {f"note-{n:02d}.md": article(f"Note {n:02d}", date=f"2026-01-{n:02d}") for n in range(1, count + 1)}
    return make_site(tmp_path / "site", articles, site_yaml=SITE_YAML + f"pagination:\n  per_page: {per_page}\n")


def titles(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_the_archive_lists_every_article_newest_first_across_its_pages(tmp_path):
    site = many(tmp_path)
    build_ok(site, search_index=False)
    out = site / "output"
    pages = [out / "articles/index.html", out / "articles/page/2/index.html", out / "articles/page/3/index.html"]
    assert [titles(p.read_text("utf-8")) for p in pages] == [
        ["Note 07", "Note 06", "Note 05"], ["Note 04", "Note 03", "Note 02"], ["Note 01"]]
    assert not (out / "articles/page/4").exists() and not (out / "articles/page/1").exists()


def test_each_page_links_its_neighbours_in_the_head_and_marks_itself_in_the_navigation(tmp_path):
    site = many(tmp_path)
    build_ok(site, search_index=False)
    second = (site / "output/articles/page/2/index.html").read_text("utf-8")
    assert '<link rel="prev" href="/articles/">' in second and '<link rel="next" href="/articles/page/3/">' in second
    assert "<title>All articles (page 2 of 3) · Test Hub</title>" in second
    assert '<link rel="canonical" href="https://test.example.org/articles/page/2/">' in second
    nav = re.search(r'<nav class="pager" aria-label="([^"]+)">(.*?)</nav>', second, re.S)
    assert nav and nav.group(1) == "All articles, pages"
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', nav.group(2)) == ["/articles/page/2/"]
    first = (site / "output/articles/index.html").read_text("utf-8")
    assert 'rel="prev"' not in first.split("</head>")[0] and '<link rel="next" href="/articles/page/2/">' in first


def test_topics_and_authors_page_too(tmp_path):
    site = many(tmp_path)
    build_ok(site, search_index=False)
    out = site / "output"
    assert titles((out / "topics/calm/page/3/index.html").read_text("utf-8")) == ["Note 01"]
    assert titles((out / "authors/alex-example/page/2/index.html").read_text("utf-8")) == ["Note 04", "Note 03", "Note 02"]
    assert 'aria-label="Calm, pages"' in (out / "topics/calm/index.html").read_text("utf-8")


def test_one_page_has_no_page_navigation_and_home_links_the_archive(tmp_path):
    site = make_site(tmp_path / "site")
    build_ok(site, search_index=False)
    out = site / "output"
    assert 'class="pager"' not in (out / "articles/index.html").read_text("utf-8")
    assert '<a href="/articles/">All articles, newest first</a>' in (out / "index.html").read_text("utf-8")


def test_an_article_without_a_topic_has_the_archive_in_its_breadcrumb(tmp_path):
    text = article("Loose").replace("topics: [calm]\n", "")
    site = make_site(tmp_path / "site", {"loose.md": text})
    build_ok(site, search_index=False)
    page = (site / "output/articles/loose/index.html").read_text("utf-8")
    assert '<li><a href="/articles/">Articles</a></li>' in page


def test_fewer_articles_remove_the_pages_no_longer_needed(tmp_path):
    site = many(tmp_path)
    build_ok(site, search_index=False)
    for n in range(1, 5):
        (site / f"articles/note-{n:02d}.md").unlink()
    result = build_ok(site, search_index=False)
    assert "articles/page/2/index.html" in result.removed and not (site / "output/articles/page/2").exists()


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "many", "[20]", "100000", "true"])
def test_a_page_size_that_is_not_a_whole_number_is_an_error_in_site_yaml(tmp_path, value):
    site = make_site(tmp_path / "site", site_yaml=SITE_YAML + f"pagination:\n  per_page: {value}\n")
    result = build(BuildOptions(site, site / "output", search_index=False))
    bad = [d for d in result.diagnostics if d.severity == "error"]
    assert [(d.code, d.path, d.line) for d in bad] == [("field-type", "site.yaml", SITE_YAML.count("\n") + 2)], bad
    assert "per_page" in bad[0].message and not (site / "output").exists()


def test_an_article_slugged_page_would_hide_the_archive_pages_and_is_an_error(tmp_path):
    site = make_site(tmp_path / "site", {"page.md": article("Page")})
    result = build(BuildOptions(site, site / "output", search_index=False))
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["reserved-slug"]


def test_the_sitemap_lists_every_page_of_every_listing(tmp_path):
    site = many(tmp_path)
    build_ok(site, search_index=False)
    sitemap = (site / "output/sitemap.xml").read_text("utf-8")
    for url in ("articles/", "articles/page/2/", "articles/page/3/", "topics/calm/page/3/", "authors/alex-example/page/2/"):
        assert f"<loc>https://test.example.org/{url}</loc>" in sitemap, url
    assert "articles/page/4/" not in sitemap and "topics/sleep/page/2/" not in sitemap


def cited_hub(tmp_path):
    """Three articles citing two works each (six works: B1, B2, C1 ... by author, APA order)."""
    def cites(title: str, letter: str) -> str:
        refs = "\n".join(f"  - {{id: {letter}{n}, type: book, title: Book {letter}{n}, author: [{{family: {letter}uthor{n}, "
                         f"given: Jo}}], issued: {{date-parts: [[200{n}]]}}, publisher: Press}}" for n in (1, 2))
        return article(title, extra="references:\n" + refs, body=f"Cited [@{letter}1; @{letter}2].\n")
    return make_site(tmp_path / "site", {"b.md": cites("Bee", "B"), "c.md": cites("Sea", "C"), "d.md": cites("Dee", "D")})


def test_sources_page_at_a_few_hundred_works_and_renaming_an_article_renders_only_its_page(tmp_path, monkeypatch):
    """/sources/ listed every work on one page (18 MB at 34,000 works, all rendered again when one article
    was renamed): now it pages like the archive, numbered on from page to page."""
    from generator import listings

    monkeypatch.setattr(listings, "SOURCES_PER_PAGE", 2)
    site = cited_hub(tmp_path)
    build_ok(site, search_index=False)
    out = site / "output"
    pages = [out / "sources/index.html", out / "sources/page/2/index.html", out / "sources/page/3/index.html"]
    listed = [re.findall(r'<li id="source-([^"]+)">', p.read_text("utf-8")) for p in pages]
    assert listed == [["B1", "B2"], ["C1", "C2"], ["D1", "D2"]]
    second = pages[1].read_text("utf-8")
    assert '<ol class="sources-list" start="3">' in second
    assert "<title>Sources (page 2 of 3) · Test Hub</title>" in second
    assert '<link rel="prev" href="/sources/">' in second and '<link rel="next" href="/sources/page/3/">' in second
    nav = re.search(r'<nav class="pager" aria-label="Sources, pages">(.*?)</nav>', second, re.S)
    assert nav and "Previous page" in nav.group(1) and "Next page" in nav.group(1)
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert all(f"<loc>https://test.example.org{url}</loc>" in sitemap
               for url in ("/sources/", "/sources/page/2/", "/sources/page/3/"))

    (site / "articles/c.md").write_text((site / "articles/c.md").read_text("utf-8").replace("title: Sea", "title: Ocean"))
    again = build_ok(site, search_index=False)
    assert "sources/page/2/index.html" in again.written
    assert "sources/index.html" not in again.written and "sources/page/3/index.html" not in again.written
    assert "Ocean" in pages[1].read_text("utf-8")

    # a work's own text changes: the page showing it is rendered again, the others are not even rendered
    (site / "articles/d.md").write_text((site / "articles/d.md").read_text("utf-8").replace("Book D2", "Atlas D2"))
    rendered: list[int] = []
    edited = build_ok(site, search_index=False,
                      progress=lambda stage, done, total: rendered.append(total) if stage == "writing pages" else None)
    assert [p for p in edited.written if p.startswith("sources/")] == ["sources/page/3/index.html"]
    assert "Atlas D2" in pages[2].read_text("utf-8")
    assert max(rendered) == len(edited.written), (rendered, edited.written)   # nothing rendered only to match


def test_a_long_listing_links_the_first_and_last_pages_and_those_near_this_one(tmp_path):
    """Every page of a 10,000-article archive linked all 500 pages (50 kB of links on each); now the
    navigation links the first, the last and two either side, with a gap shown (and hidden from screen
    readers, which read the page numbers) where pages are left out."""
    site = many(tmp_path, count=12, per_page=1)
    build_ok(site, search_index=False)
    sixth = (site / "output/articles/page/6/index.html").read_text("utf-8")
    nav = re.search(r'<nav class="pager" aria-label="All articles, pages">(.*?)</nav>', sixth, re.S).group(1)
    numbers = re.findall(r'<span class="visually-hidden">Page </span>(\d+)</a>|(pager-gap)', nav)
    assert [n or "…" for n, _ in numbers] == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    assert nav.count('<li class="pager-gap" aria-hidden="true">…</li>') == 2
    second = (site / "output/articles/page/2/index.html").read_text("utf-8")
    shown = re.findall(r'<span class="visually-hidden">Page </span>(\d+)</a>', second)
    assert shown == ["1", "2", "3", "4", "12"]
