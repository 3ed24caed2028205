"""The page store: a build into an empty output folder takes the pages an earlier build wrote with the same
inputs from `.haven-cache/pages/` instead of rendering them, and takes nothing it cannot trust."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator import pagestore
from generator.build import BuildOptions, build
from generator.confine.cache import CACHE_DIR as CACHE_DIR_NAME
from generator.pagestore import STORE_DIR
from generator.templates import Templates
from tests.sitekit import built_copy, make_site

ARTICLE_PAGE = "articles/first-steps/index.html"


def _build(hub: Path, **options):
    result = build(BuildOptions(hub, hub / "output", search_index=False, **options))
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".haven-output.json"}


def _clean_build(tmp_path: Path, hub: Path) -> dict[str, bytes]:
    """What a build without any cache makes of `hub` (its files copied, the cache left out)."""
    clean = tmp_path / "clean"
    shutil.copytree(hub, clean, ignore=shutil.ignore_patterns(CACHE_DIR_NAME, "output"))
    result = build(BuildOptions(clean, clean / "output", search_index=False, use_cache=False))
    assert result.ok
    return _files(clean / "output")


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The templates rendered from now on (each name once per page rendered)."""
    names: list[str] = []
    original = Templates.render

    def counting(self, name, context):
        names.append(name)
        return original(self, name, context)
    monkeypatch.setattr(Templates, "render", counting)
    return names


def _stored(hub: Path) -> dict[str, Path]:
    """The store's files by the output path they hold (matched by bytes against the output folder)."""
    by_digest = {p.name.split(".")[1]: p for p in (hub / CACHE_DIR_NAME / STORE_DIR).iterdir()}
    found = {}
    for rel, data in _files(hub / "output").items():
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if digest in by_digest:
            found[rel] = by_digest[digest]
    return found


def test_an_empty_output_folder_is_filled_from_the_store_without_rendering(tmp_path, rendered):
    hub = make_site(tmp_path / "hub")
    _build(hub)
    first = _files(hub / "output")
    assert rendered and ARTICLE_PAGE in _stored(hub)
    shutil.rmtree(hub / "output")
    rendered.clear()
    result = _build(hub)
    assert rendered == []                       # every page came from the store
    assert _files(hub / "output") == first      # byte for byte what the first build wrote
    assert ARTICLE_PAGE in result.written


def test_a_stored_page_changed_in_place_is_rendered_again_not_restored(tmp_path, rendered):
    """The output folder shares its files with the store: a page edited by hand in place edits the store's
    file too, and the next build renders it again (its bytes no longer have the digest of its name)."""
    hub = make_site(tmp_path / "hub")
    _build(hub)
    page = hub / "output" / ARTICLE_PAGE
    assert os.stat(page).st_nlink == 2          # one file, two names: no second copy
    with open(page, "r+b") as handle:           # as an editor that keeps links writes
        handle.write(b"<!-- edited by hand -->")
    rendered.clear()
    _build(hub)                                 # the hand edit is noticed (size and time) and the page made again
    assert rendered == ["article.html"]
    assert b"edited by hand" not in page.read_bytes()
    assert _files(hub / "output") == _clean_build(tmp_path, hub)


def test_a_doctored_store_publishes_no_code_and_nothing_through_a_link(tmp_path, rendered):
    """A store page whose name has the right digest but whose HTML holds a script, and one that is a link
    to a file outside the hub named by that file's digest: neither is taken; both pages are rendered."""
    hub = built_copy(tmp_path / "hub")
    stored = _stored(hub)
    script = stored[ARTICLE_PAGE].read_bytes().replace(b"</body>", b"<script>alert(1)</script></body>")
    stored[ARTICLE_PAGE].unlink()
    key = stored[ARTICLE_PAGE].name.split(".")[0]
    (stored[ARTICLE_PAGE].parent / f"{key}.{hashlib.blake2b(script, digest_size=16).hexdigest()}").write_bytes(script)
    outside = tmp_path / "secret.html"
    outside.write_bytes(b"<p>SECRET-OUTSIDE-THE-HUB</p>")
    about = stored["about/index.html"]
    about.unlink()
    key = about.name.split(".")[0]
    (about.parent / f"{key}.{hashlib.blake2b(outside.read_bytes(), digest_size=16).hexdigest()}").symlink_to(outside)
    shutil.rmtree(hub / "output")
    rendered.clear()
    _build(hub)
    assert sorted(rendered) == ["article.html", "page.html"]
    out = _files(hub / "output")
    assert all(b"alert(1)" not in data and b"SECRET-OUTSIDE" not in data for data in out.values())
    assert out == _clean_build(tmp_path, hub)


def test_what_a_page_is_made_from_decides_what_is_taken(tmp_path, rendered):
    """A template edit and an article edit change the pages' fingerprints: nothing stale is taken, and the
    empty folder's build equals a clean build; Haven's own code is part of every key."""
    hub = make_site(tmp_path / "hub")
    _build(hub)
    template = hub / "templates" / "article.html"
    template.write_text(template.read_text().replace("</article>", "<p>Template edited.</p></article>", 1))
    article = hub / "articles" / "second-steps.md"
    article.write_text(article.read_text() + "\nA sentence added.\n")
    shutil.rmtree(hub / "output")
    rendered.clear()
    _build(hub)
    assert rendered.count("article.html") == 2 and "page.html" not in rendered
    assert _files(hub / "output") == _clean_build(tmp_path, hub)
    assert b"Template edited." in (hub / "output" / ARTICLE_PAGE).read_bytes()
    shutil.rmtree(hub / "output")
    rendered.clear()
    _build(hub)
    assert rendered == []
    with pytest.MonkeyPatch.context() as patch:   # other code: other keys
        patch.setattr(pagestore, "code_fingerprint", lambda: "other code")
        shutil.rmtree(hub / "output")
        _build(hub)
    assert rendered.count("article.html") == 2


def test_a_page_rendered_again_to_the_same_bytes_is_kept_under_its_new_inputs(tmp_path, rendered):
    """A template edit that changes no page (a Jinja comment) renders every page again and writes none; the
    store files each page under its new inputs too, so the next build into an empty folder renders nothing."""
    hub = make_site(tmp_path / "hub")
    _build(hub)
    template = hub / "templates" / "base.html"
    template.write_text(template.read_text() + "{# a note for the theme's editors #}\n")
    rendered.clear()
    result = _build(hub)
    assert rendered and result.written == []
    shutil.rmtree(hub / "output")
    rendered.clear()
    _build(hub)
    assert rendered == []


def test_old_pages_are_pruned_once_the_store_outgrows_the_plan(tmp_path):
    hub = make_site(tmp_path / "hub")
    _build(hub)
    store = hub / CACHE_DIR_NAME / STORE_DIR
    pages = len(list(store.iterdir()))
    for number in range(2 * pages):   # pages of earlier builds, each under a key the plan no longer has
        (store / f"{number:024x}.{number:032x}").write_bytes(b"old")
    (store / "not-a-page-name").write_bytes(b"ignored")
    article = hub / "articles" / "first-steps.md"
    article.write_text(article.read_text() + "\nOne more line.\n")
    _build(hub)
    names = sorted(p.name for p in store.iterdir())
    assert len(names) == pages + 1 and "not-a-page-name" in names   # only what it cannot parse is left alone


def test_a_store_folder_that_is_a_link_is_not_used(tmp_path, rendered):
    hub = built_copy(tmp_path / "hub")
    elsewhere = tmp_path / "elsewhere"
    (hub / CACHE_DIR_NAME / STORE_DIR).rename(elsewhere)
    (hub / CACHE_DIR_NAME / STORE_DIR).symlink_to(elsewhere)
    before = sorted(p.name for p in elsewhere.iterdir())
    shutil.rmtree(hub / "output")
    rendered.clear()
    result = _build(hub)
    assert "ran without its cache" in " ".join(d.message for d in result.diagnostics)
    assert rendered and sorted(p.name for p in elsewhere.iterdir()) == before


def test_an_output_folder_on_another_file_system_keeps_nothing_and_builds(tmp_path, monkeypatch, rendered):
    """No hard links between the output folder and the hub (another file system): nothing is kept, nothing
    fails, and the next build into an empty folder renders every page."""
    def no_links(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")
    monkeypatch.setattr(pagestore.os, "link", no_links)
    hub = make_site(tmp_path / "hub")
    _build(hub)
    assert list((hub / CACHE_DIR_NAME / STORE_DIR).iterdir()) == []
    shutil.rmtree(hub / "output")
    rendered.clear()
    _build(hub)
    assert "article.html" in rendered and _files(hub / "output") == _clean_build(tmp_path, hub)


def test_a_store_changed_behind_a_remembered_listing_costs_a_rendering_not_a_wrong_page(tmp_path, rendered):
    """A long-lived process remembers the store's listing while the folder's modification time stays. A page
    removed from the store and another's bytes swapped, with that time set back as it was, are rendered again:
    the listing names files, it never vouches for them."""
    hub = make_site(tmp_path / "hub")
    _build(hub)
    store = hub / CACHE_DIR_NAME / STORE_DIR
    before = os.stat(store)
    stored = _stored(hub)
    other = next(rel for rel in sorted(stored) if rel != ARTICLE_PAGE and rel.endswith("index.html"))
    stored[ARTICLE_PAGE].unlink()
    swapped = stored[other].with_name("swap")
    swapped.write_bytes(b"<!doctype html><title>not what was rendered</title>")
    os.replace(swapped, stored[other])
    os.utime(store, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(store).st_mtime_ns == before.st_mtime_ns   # (the listing as remembered looks current)
    shutil.rmtree(hub / "output")
    rendered.clear()
    _build(hub)
    assert len(rendered) == 2                   # those two pages, and no other
    assert _files(hub / "output") == _clean_build(tmp_path, hub)
