"""Atom feeds: /feed.xml and /topics/<id>/feed.xml are valid RFC 4287, carry full content with content
notes, link to their pages (and back), never list drafts, and are rewritten only when what they show
changes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from generator import feeds
from tests.publishkit import build_ok, scan
from tests.sitekit import article, make_site

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def sample(sample_hub):
    return sample_hub.site, sample_hub.out, sample_hub.model


def all_feeds(out: Path) -> list[Path]:
    return [out / "feed.xml"] + sorted((out / "topics").glob("*/feed.xml"))


def local_file(out: Path, base_url: str, url: str) -> Path:
    """The output file an absolute URL of the hub is served from."""
    assert url.startswith(base_url), url
    rel = urlsplit(url).path[len(urlsplit(base_url).path):]
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def text(element, tag: str) -> str:
    child = element.find(ATOM + tag)
    assert child is not None, f"missing <{tag}>"
    return child.text or ""


def test_every_feed_has_the_elements_rfc_4287_requires(sample):
    site, out, model = sample
    base = model.config.base_url
    for path in all_feeds(out):
        root = ET.parse(path).getroot()
        assert root.tag == ATOM + "feed", path
        assert text(root, "id").startswith(base)
        assert text(root, "title").strip()
        assert RFC3339.match(text(root, "updated")), path
        assert root.find(f"{ATOM}author/{ATOM}name").text == model.config.publisher_name
        rels = {link.get("rel"): link.get("href") for link in root.findall(ATOM + "link")}
        assert rels["self"] == base + path.relative_to(out).as_posix()
        assert local_file(out, base, rels["alternate"]).is_file()
        ids = set()
        for entry in root.findall(ATOM + "entry"):
            entry_id = text(entry, "id")
            assert entry_id.startswith(base) and entry_id not in ids
            ids.add(entry_id)
            assert text(entry, "title").strip()
            assert RFC3339.match(text(entry, "updated")) and RFC3339.match(text(entry, "published"))
            assert entry.find(f"{ATOM}author/{ATOM}name").text.strip()
            alternate = [link for link in entry.findall(ATOM + "link") if link.get("rel") == "alternate"]
            assert len(alternate) == 1 and local_file(out, base, alternate[0].get("href")).is_file()
            assert text(entry, "summary").strip()
            content = entry.find(ATOM + "content")
            assert content is not None and content.get("type") == "html" and len(content.text) > 200


def test_feed_updated_is_the_newest_entry_date_not_the_clock(sample):
    _site, out, model = sample
    root = ET.parse(out / "feed.xml").getroot()
    entries = [text(e, "updated") for e in root.findall(ATOM + "entry")]
    assert text(root, "updated") == max(entries)
    newest = max((a.meta.updated or a.meta.date) for a in model.in_language(model.config.default_language.code))   # /feed.xml: English
    assert text(root, "updated") == f"{newest.isoformat()}T00:00:00Z"


def test_main_feed_lists_every_published_article_with_full_content(sample):
    _site, out, model = sample
    root = ET.parse(out / "feed.xml").getroot()
    by_id = {text(e, "id"): e for e in root.findall(ATOM + "entry")}
    english = model.in_language(model.config.default_language.code)   # the default language's feed; /es/feed.xml lists the Spanish ones
    assert len(english) <= feeds.FEED_LIMIT
    assert set(by_id) == {model.config.base_url + a.url.lstrip("/") for a in english}
    for a in english:
        entry = by_id[model.config.base_url + a.url.lstrip("/")]
        assert text(entry, "title") == a.meta.title
        content = text(entry, "content")
        # every paragraph of the body is there
        first_paragraph = re.search(r"<p>(.*?)</p>", a.body_html, re.S).group(1)
        assert first_paragraph in content
        assert not re.search(r'\s(?:href|src)="/', content), "root-relative links break in feed readers"
        assert "heading-anchor" not in content
        categories = {c.get("term") for c in entry.findall(ATOM + "category")}
        assert categories == set(a.meta.topics)


def test_content_notes_come_first_in_content_and_summary(sample):
    _site, out, model = sample
    noted = [a for a in model.articles if a.meta.content_note]
    assert noted, "the sample hub should have an article with a content note"
    root = ET.parse(out / "feed.xml").getroot()
    by_title = {text(e, "title"): e for e in root.findall(ATOM + "entry")}
    for a in noted:
        entry = by_title[a.meta.title]
        assert text(entry, "content").startswith(f"<p><strong>Content note:</strong> {a.meta.content_note}")
        assert text(entry, "summary").startswith(f"Content note: {a.meta.content_note}")


def test_topic_feeds_list_exactly_the_articles_of_their_topic(sample):
    _site, out, model = sample
    for tid in model.topics:
        path = out / "topics" / tid / "feed.xml"
        assert path.is_file(), tid
        root = ET.parse(path).getroot()
        titles = {text(e, "title") for e in root.findall(ATOM + "entry")}
        assert titles == {a.meta.title for a in model.in_language(model.config.default_language.code) if tid in a.meta.topics}, tid
        spanish = ET.parse(out / "es" / "topics" / tid / "feed.xml").getroot()
        assert {text(e, "title") for e in spanish.findall(ATOM + "entry")} == {
            a.meta.title for a in model.in_language("es") if tid in a.meta.topics}, tid


def test_feedparser_reads_every_feed_without_complaint(sample):
    _site, out, model = sample
    for path in all_feeds(out):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        for entry in parsed.entries:
            assert entry.content[0].type == "text/html"
            assert entry.link.startswith(model.config.base_url)
            assert entry.author


def test_pages_link_to_their_feeds(sample):
    _site, out, model = sample

    def alternates(page: Path) -> list[str]:
        return [attrs["href"] for _tag, attrs in scan(page).links
                if attrs.get("rel") == "alternate" and attrs.get("type") == "application/atom+xml"]

    assert alternates(out / "index.html") == ["/feed.xml"]
    for a in model.articles:
        feed = model.config.language_of(a.lang).url("/feed.xml")   # each page links its language's feed
        assert feed in alternates(out / a.url.strip("/") / "index.html")
    for tid in model.topics:
        assert alternates(out / "topics" / tid / "index.html") == ["/feed.xml", f"/topics/{tid}/feed.xml"]


# ----------------------------------------------------------------------------- fixture hubs


def small_site(root: Path) -> Path:
    return make_site(root, {
        "calm-one.md": article("Calm one", extra="content_note: Mentions panic briefly.",
                               body="Slow breathing helps.\n\n## More\n\nSee [two](/articles/calm-two/).\n"),
        "calm-two.md": article("Calm two", date="2026-02-01"),
        "sleep-one.md": article("Sleep one", date="2026-03-01").replace("topics: [calm]", "topics: [sleep]"),
        "secret.md": article("Secret draft", extra="draft: true", date="2026-04-01"),
    })


def test_drafts_are_never_in_a_feed(tmp_path):
    site = small_site(tmp_path / "site")
    result = build_ok(site, search_index=False, drafts=True)
    assert "secret" in {a.slug for a in result.site.articles if a.meta.draft}
    out = site / "output"
    assert "Secret draft" in (out / "articles" / "secret" / "index.html").read_text()
    for path in [out / "feed.xml", *(out / "topics").glob("*/feed.xml")]:
        assert "Secret draft" not in path.read_text("utf-8"), path


def test_rebuild_is_byte_identical_and_writes_no_feed(tmp_path):
    site = small_site(tmp_path / "site")
    build_ok(site, search_index=False)
    first = {p: p.read_bytes() for p in (site / "output").rglob("feed.xml")}
    again = build_ok(site, search_index=False)
    assert not [p for p in again.written if p.endswith("feed.xml")]
    clean = tmp_path / "clean"
    build_ok(site, clean, search_index=False, use_cache=False)
    for path, data in first.items():
        assert (clean / path.relative_to(site / "output")).read_bytes() == data


def test_a_body_edit_rewrites_only_the_feeds_that_show_the_article(tmp_path):
    site = small_site(tmp_path / "site")
    build_ok(site, search_index=False)
    path = site / "articles" / "calm-one.md"
    path.write_text(path.read_text().replace("Slow breathing helps.", "Slow breathing often helps."))
    written = set(build_ok(site, search_index=False).written)
    assert {"feed.xml", "topics/calm/feed.xml"} <= written
    assert "topics/sleep/feed.xml" not in written
    assert "Slow breathing often helps." in (site / "output" / "topics" / "calm" / "feed.xml").read_text()


def test_an_author_rename_rewrites_the_feeds(tmp_path):
    site = small_site(tmp_path / "site")
    build_ok(site, search_index=False)
    authors = site / "data" / "authors.yaml"
    authors.write_text(authors.read_text().replace("Alex Example (fictional)", "Alex Renamed (fictional)"))
    written = set(build_ok(site, search_index=False).written)
    assert {"feed.xml", "topics/calm/feed.xml", "topics/sleep/feed.xml"} <= written
    assert "Alex Renamed" in (site / "output" / "feed.xml").read_text()


def test_feed_text_is_escaped(tmp_path):
    site = make_site(tmp_path / "site", {
        "odd.md": article('Fish & chips <b>not bold</b> "quoted"', body="Text with a & and <i>italic</i>.\n"),
    })
    build_ok(site, search_index=False)
    root = ET.parse(site / "output" / "feed.xml").getroot()
    entry = root.find(ATOM + "entry")
    assert text(entry, "title") == 'Fish & chips <b>not bold</b> "quoted"'
