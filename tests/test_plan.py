"""The plan is the single truth about what a build writes: every file on disk is planned and recorded,
links are checked against the planned URLs (so feeds and the sitemap are linkable), and the writer
treats its own record as data to check, never as instructions."""

from __future__ import annotations

import json

import pytest

from generator import write
from generator.build import BuildOptions, build
from tests.publishkit import build_ok
from tests.sitekit import article, make_site, snapshot


def linking_to(tmp_path, target: str):
    return make_site(tmp_path / "site", {
        "first-steps.md": article("First steps", body=f"Follow the hub with [its feed]({target}).\n"),
    })


@pytest.mark.parametrize("target", ["/feed.xml", "/sitemap.xml", "/topics/calm/feed.xml", "/topics/sleep/feed.xml",
                                    "/robots.txt"])
def test_an_article_may_link_to_every_planned_file(tmp_path, target):
    site = linking_to(tmp_path, target)
    result = build_ok(site, search_index=False)
    assert not [d for d in result.diagnostics if d.code == "broken-link"]
    assert (site / "output" / target.lstrip("/")).is_file()   # and the file it links to is there


@pytest.mark.parametrize("target", ["/topics/nowhere/feed.xml", "/feeds.xml", "/_headers"])
def test_a_link_to_a_file_the_build_does_not_write_is_an_error(tmp_path, target):
    site = linking_to(tmp_path, target)
    result = build(BuildOptions(site, site / "output", search_index=False))
    broken = [d for d in result.diagnostics if d.code == "broken-link"]
    assert not result.ok and len(broken) == 1 and broken[0].path == "articles/first-steps.md"
    assert not (site / "output").exists()   # nothing written


def test_headers_are_linkable_when_the_build_writes_them(tmp_path):
    site = linking_to(tmp_path, "/_headers")
    build_ok(site, search_index=False, headers=True)
    assert (site / "output" / "_headers").is_file()


def test_every_file_on_disk_is_planned_and_recorded(tmp_path):
    site = make_site(tmp_path / "site")
    build_ok(site, headers=True)
    out = site / "output"
    on_disk = set(snapshot(out)) - {write.MARKER}
    recorded = set(write.read_record(out))
    assert on_disk == recorded
    assert {"feed.xml", "sitemap.xml", "robots.txt", "_headers", "topics/calm/feed.xml", "static/favicon.svg",
            "pagefind/pagefind.js"} <= recorded
    assert not list(out.glob(".haven-search*"))   # one record, no second marker


def test_a_page_may_not_take_the_search_index_folder(tmp_path):
    site = make_site(tmp_path / "site")
    (site / "pages" / "pagefind.md").write_text("---\ntitle: Search files\nsummary: Mine.\n---\nHello.\n")
    result = build(BuildOptions(site, site / "output", search_index=False))
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["reserved-slug"]


def test_a_tampered_record_never_deletes_outside_the_output_folder(tmp_path):
    site = make_site(tmp_path / "site")
    out = site / "output"
    build_ok(site, search_index=False)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (site / "keep.txt").write_text("keep me too")
    record = json.loads((out / write.MARKER).read_text())
    for path in ("../../victim.txt", "../keep.txt", str(victim), "a/../../keep.txt", "..\\keep.txt"):
        record["files"][path] = {"fp": "x", "sha": "y"}
    record["files"]["pagefind/../../keep.txt"] = {"fp": "x", "sha": "y", "bundle": "pagefind"}
    (out / write.MARKER).write_text(json.dumps(record))
    build_ok(site, search_index=False, use_cache=False)
    assert victim.read_text() == "keep me" and (site / "keep.txt").read_text() == "keep me too"
    assert not any(".." in p or p.startswith("/") for p in write.read_record(out))


@pytest.mark.parametrize("record", ["not json", '{"files": []}', '{"files": {"index.html": 3}}', "[]"])
def test_an_unreadable_record_means_a_full_rewrite_not_a_crash(tmp_path, record):
    site = make_site(tmp_path / "site")
    out = site / "output"
    build_ok(site, search_index=False)
    (out / write.MARKER).write_text(record)
    result = build_ok(site, search_index=False, use_cache=False)
    assert result.removed == [] and (out / "index.html").is_file()
    assert "index.html" in write.read_record(out)
