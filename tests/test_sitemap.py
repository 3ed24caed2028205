"""/sitemap.xml follows the sitemaps.org protocol, lists every public page (never a draft or the 404
page) with lastmod from the dates that page shows; /robots.txt points to it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.publishkit import build_ok, html_pages, page_url
from tests.sitekit import article, make_site

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
W3C_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")


def read_sitemap(out: Path) -> dict[str, str]:
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == NS + "urlset"
    rows: dict[str, str] = {}
    for url in root:
        assert url.tag == NS + "url"
        assert {child.tag for child in url} <= {NS + "loc", NS + "lastmod", NS + "changefreq", NS + "priority",
                                                 XHTML + "link"}   # hreflang alternates of a multilingual hub
        loc = url.find(NS + "loc").text
        assert loc not in rows, f"{loc} listed twice"
        lastmod = url.find(NS + "lastmod")
        rows[loc] = lastmod.text if lastmod is not None else ""
    return rows


@pytest.fixture(scope="module")
def sample(sample_hub):
    return sample_hub.out, sample_hub.model


def test_sitemap_follows_the_protocol(sample):
    out, model = sample
    rows = read_sitemap(out)
    assert (out / "sitemap.xml").read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert len(rows) < 50_000 and (out / "sitemap.xml").stat().st_size < 50 * 1024 * 1024
    for loc, lastmod in rows.items():
        parts = urlsplit(loc)
        assert parts.scheme in ("http", "https") and parts.netloc and loc.startswith(model.config.base_url), loc
        assert len(loc) < 2048
        assert not lastmod or W3C_DATE.match(lastmod), (loc, lastmod)


def test_sitemap_lists_every_public_page_and_nothing_else(sample):
    out, model = sample
    base = model.config.base_url
    listed = set(read_sitemap(out))
    pages = {base + page_url(out, p).lstrip("/") for p in html_pages(out) if p.name != "404.html"}
    assert listed == pages


def test_article_lastmod_is_its_newest_date(sample):
    out, model = sample
    rows = read_sitemap(out)
    for a in model.articles:
        newest = max(d for d in (a.meta.date, a.meta.updated, a.meta.reviewed_on) if d)
        assert rows[model.config.base_url + a.url.lstrip("/")] == newest.isoformat()
    home = rows[model.config.base_url]   # each language's home: the newest of its own articles
    assert home == max(rows[model.config.base_url + a.url.lstrip("/")] for a in model.in_language(model.config.default_language.code))
    assert rows[model.config.base_url + "es/"] == max(rows[model.config.base_url + a.url.lstrip("/")]
                                                      for a in model.in_language("es"))


def test_robots_txt_points_to_the_sitemap(sample):
    out, model = sample
    lines = (out / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {model.config.base_url}sitemap.xml" in lines
    assert not any(line.strip() == "Disallow: /" for line in lines)


def fixture_hub(root: Path) -> Path:
    return make_site(root, {
        "reviewed.md": article("Reviewed", extra="updated: 2026-03-01\nreviewed_by: sam-sample\nreviewed_on: 2026-04-02"),
        "plain.md": article("Plain", date="2026-02-01"),
        "hidden-draft.md": article("Hidden draft", extra="draft: true", date="2026-05-01"),
    })


def test_lastmod_comes_from_updated_and_review_dates_and_drafts_are_never_listed(tmp_path):
    site = fixture_hub(tmp_path / "site")
    build_ok(site, search_index=False, drafts=True)
    out = site / "output"
    assert (out / "articles" / "hidden-draft" / "index.html").is_file()  # rendered for review...
    rows = read_sitemap(out)
    assert not [loc for loc in rows if "hidden-draft" in loc]           # ...but never listed
    assert rows["https://test.example.org/articles/reviewed/"] == "2026-04-02"
    assert rows["https://test.example.org/articles/plain/"] == "2026-02-01"
    assert rows["https://test.example.org/topics/calm/"] == "2026-04-02"
    assert "hidden-draft" not in (out / "robots.txt").read_text()


def test_sitemap_is_rewritten_only_when_a_url_or_date_changes(tmp_path):
    site = fixture_hub(tmp_path / "site")
    build_ok(site, search_index=False)
    plain = site / "articles" / "plain.md"
    plain.write_text(plain.read_text() + "\nOne more sentence.\n")
    assert "sitemap.xml" not in build_ok(site, search_index=False).written
    plain.write_text(plain.read_text().replace("date: 2026-02-01", "date: 2026-02-01\nupdated: 2026-06-01"))
    assert "sitemap.xml" in build_ok(site, search_index=False).written
    assert read_sitemap(site / "output")["https://test.example.org/articles/plain/"] == "2026-06-01"
    assert build_ok(site, search_index=False).written == []
