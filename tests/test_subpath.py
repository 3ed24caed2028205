"""Sub-path hosting: with base_url https://example.org/hub/ every internal link, asset, feed, sitemap
entry, structured-data URL and search path points inside /hub/ and resolves to a file the build wrote."""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.publishkit import html_pages, page_url, scan

BASE_URL = "https://example.org/hub/"   # as conftest.sample_hub_under_a_sub_path builds it
BASE_PATH = "/hub/"


@pytest.fixture(scope="module")
def hub(sample_hub_under_a_sub_path):
    """The sample hub built once per run with base_url https://example.org/hub/ (conftest.py), search index
    and `_headers` included."""
    out = sample_hub_under_a_sub_path.out
    assert '<link rel="stylesheet" href="/hub/static/css/haven.css">' in (out / "index.html").read_text("utf-8")
    return out


def resolve(out: Path, from_url: str, ref: str) -> tuple[Path | None, str]:
    """The file an internal reference (relative, root-relative or absolute on this hub) lands on,
    and its fragment; (None, why) when it leaves the hub or points nowhere."""
    parts = urlsplit(ref.replace("&amp;", "&"))
    if parts.scheme in ("mailto", "tel"):
        return None, "external"
    if parts.scheme or parts.netloc:
        if f"{parts.scheme}://{parts.netloc}" != "https://example.org":
            return None, "external"
        target = parts.path
    else:
        target = parts.path or from_url
        if not target.startswith("/"):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(from_url), target)) + (
                "/" if target.endswith("/") else "")
    if not target.startswith(BASE_PATH):
        return None, f"outside {BASE_PATH}"
    rel = unquote(target[len(BASE_PATH):])
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    path = out / rel
    return (path if path.is_file() else None), parts.fragment


def test_every_internal_link_and_asset_resolves_under_the_sub_path(hub):
    out = hub
    ids = {p: scan(p).ids for p in html_pages(out)}
    broken, checked = [], 0
    for page in html_pages(out):
        url = page_url(out, page, BASE_PATH)
        for ref in scan(page).refs:
            if urlsplit(ref).scheme in ("http", "https") and not ref.startswith("https://example.org"):
                continue  # another site (crisis lines, sources): not ours to check
            if urlsplit(ref).scheme in ("mailto", "tel", "sms"):
                continue
            target, fragment = resolve(out, url, ref)
            checked += 1
            if target is None:
                broken.append((url, ref, fragment))
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids[target]:
                broken.append((url, ref, f"no id {fragment}"))
    assert checked > 200
    assert broken == []


def test_root_relative_references_all_carry_the_sub_path(hub):
    offenders = []
    for page in html_pages(hub):
        for ref in scan(page).refs:
            if ref.startswith("/") and not ref.startswith(BASE_PATH):
                offenders.append((page.relative_to(hub).as_posix(), ref))
    assert offenders == []


def test_stylesheet_urls_resolve(hub):
    for css in hub.rglob("*.css"):
        css_url = BASE_PATH + css.relative_to(hub).as_posix()
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text("utf-8")):
            if ref.startswith("data:"):
                continue
            target, _ = resolve(hub, css_url, ref)
            assert target is not None, (css_url, ref)


def test_feeds_sitemap_and_robots_point_inside_the_hub(hub):
    atom = "{http://www.w3.org/2005/Atom}"
    for feed in [hub / "feed.xml", *(hub / "topics").glob("*/feed.xml")]:
        root = ET.parse(feed).getroot()
        hrefs = [link.get("href") for link in root.iter(atom + "link")]
        hrefs += [e.text for e in root.iter(atom + "id")]
        for href in hrefs:
            assert href.startswith(BASE_URL), (feed, href)
            assert resolve(hub, "/", href)[0] is not None, (feed, href)
        for content in root.iter(atom + "content"):
            for ref in re.findall(r'(?:href|src)="([^"]+)"', content.text):
                if ref.startswith("#") or not ref.startswith("https://example.org"):
                    continue
                assert resolve(hub, "/", ref)[0] is not None, (feed, ref)
    sitemap = ET.parse(hub / "sitemap.xml").getroot()
    for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        assert resolve(hub, "/", loc.text)[0] is not None, loc.text
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (hub / "robots.txt").read_text()


def test_structured_data_urls_point_inside_the_hub(hub):
    for page in html_pages(hub):
        for attrs, text in scan(page).scripts:
            if attrs.get("type") != "application/ld+json":
                continue
            for key, value in re.findall(r'"(url|item|@id)":"([^"]+)"', text):
                if key == "url" and not value.startswith("https://example.org"):
                    continue  # cited works and the publisher's own site
                value = json.loads(f'"{value}"')
                assert resolve(hub, "/", value)[0] is not None, (page, key, value)


def test_search_page_loads_pagefind_from_the_sub_path(hub):
    page = scan(hub / "search" / "index.html")
    bundle = page.attrs_by_id["search-form"]["data-pagefind"]
    assert bundle == f"{BASE_PATH}pagefind/pagefind.js"
    assert resolve(hub, "/", bundle)[0] is not None
    assert (hub / "pagefind" / "pagefind-entry.json").is_file()
    scripts = [attrs["src"] for attrs, _ in page.scripts if attrs.get("src")]
    assert scripts == [f"{BASE_PATH}static/search/search.js"]
    assert resolve(hub, "/", scripts[0])[0] is not None
