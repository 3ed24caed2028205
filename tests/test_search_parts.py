"""A large hub's search index comes in parts (Pagefind cannot update an index page by page): every
article is in exactly one part, an edit re-indexes only the part that holds it, a template edit none,
the first part holds every language, and an incremental index is byte-identical to a clean one as the
hub grows and shrinks past part boundaries. (The browser side: tests/test_search_browser.py.)"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from generator import search_index
from tests.publishkit import build_ok, copy_sample
from tests.sitekit import article, make_site, snapshot

WORDS = ("heliotrope", "marzipan", "quarantine", "velodrome", "wisteria", "zeppelin", "aqueduct", "bergamot")


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    """Three articles per part, so that eight articles make three parts (a large hub makes 1,000-article ones)."""
    monkeypatch.setattr(search_index, "PART_RECORDS", 3)


def hub(root: Path, count: int = len(WORDS)) -> Path:
    return make_site(root, {f"a{n}.md": article(f"Article {n}", date=f"2026-01-{n + 10:02d}",
                                                body=f"A paragraph about {WORDS[n]} and calm breathing.\n")
                            for n in range(count)})


def part_of(path: str) -> str:
    """The part folder an output path belongs to: 'pagefind' or 'pagefind/part-N'."""
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 and parts[1].startswith("part-") else "pagefind"


def fragments(out: Path) -> dict[str, list[tuple[str, str]]]:
    """Part folder -> (url, content) of every record its fragments hold."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((out / "pagefind").rglob("*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        found.setdefault(part_of(path.relative_to(out).as_posix()), []).append((data["url"], data["content"]))
    return found


def index_files(out: Path) -> dict[str, tuple[str, int]]:
    return {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")}


def test_every_article_is_in_exactly_one_part_and_the_page_is_told_the_parts(tmp_path):
    site = hub(tmp_path / "site")
    out = site / "output"
    model = build_ok(site).site
    held = fragments(out)
    assert len(held) == 3
    urls = [url for records in held.values() for url, _ in records]
    assert sorted(urls) == sorted(a.url for a in model.articles)           # each once, none lost
    manifest = json.loads((out / "pagefind" / search_index.PARTS_FILE).read_text())
    assert manifest == {"en": sorted(f"{folder.split('/')[1]}/" for folder in held if folder != "pagefind")}
    for folder in held:   # later parts carry index and fragments only: the page loads the first part's script
        names = {p.name for p in (out / folder).iterdir()}
        assert "pagefind-entry.json" in names and any(n.endswith(".pf_meta") for n in names)
        assert ("pagefind.js" in names) == (folder == "pagefind")


def test_a_body_edit_reindexes_only_the_part_that_holds_the_article(tmp_path):
    site = hub(tmp_path / "site")
    out = site / "output"
    build_ok(site)
    held = fragments(out)
    before = index_files(out)
    # an article outside the first part, so the first part's files must stay as they are too
    folder, url = next((f, records[0][0]) for f, records in held.items() if f != "pagefind")
    path = site / "articles" / f"{url.strip('/').split('/')[-1]}.md"
    path.write_text(path.read_text().replace("calm breathing", "calm breathing and a kaleidoscope"))
    build_ok(site)
    after = index_files(out)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed and {part_of(k) for k in changed} == {folder}
    assert any(u == url and "kaleidoscope" in content for u, content in fragments(out)[folder])


def test_a_front_matter_field_readers_do_not_search_reindexes_no_part(tmp_path, monkeypatch):
    site = hub(tmp_path / "site")
    out = site / "output"
    build_ok(site)
    before, page_before = index_files(out), snapshot(out)
    runs: list[int] = []
    indexer = search_index._run_pagefind
    monkeypatch.setattr(search_index, "_run_pagefind", lambda records, lang: runs.append(len(records)) or
                        indexer(records, lang))
    path = site / "articles" / "a4.md"
    path.write_text(path.read_text().replace("date: 2026-01-14\n", "date: 2026-01-14\nupdated: 2026-02-01\n"))
    build_ok(site)
    assert snapshot(out)["articles/a4/index.html"] != page_before["articles/a4/index.html"]
    assert runs == [] and index_files(out) == before   # the page shows the new date; the index holds none of it
    path.write_text(path.read_text().replace("summary: A short", "summary: A shorter"))
    build_ok(site)
    assert len(runs) == 1 and index_files(out) != before   # readers search the summary: its part, only


def test_a_template_edit_or_a_preview_build_reindexes_no_part(tmp_path):
    site = hub(tmp_path / "site")
    out = site / "output"
    build_ok(site)
    before = index_files(out)
    base = site / "templates" / "base.html"
    base.write_text(base.read_text().replace("Skip to main content", "Skip to the content"))
    build_ok(site)
    path = site / "articles" / "a1.md"
    path.write_text(path.read_text().replace("calm breathing", "calm breathing, slowly"))
    build_ok(site, search_index=False)   # what `haven serve` does: every part keeps its files
    assert index_files(out) == before


def test_growing_and_shrinking_across_part_boundaries_matches_a_clean_build(tmp_path):
    site = hub(tmp_path / "site", count=5)            # two parts
    out = site / "output"
    build_ok(site)
    for n in range(5, 8):                              # three parts: articles move, a part is added
        (site / "articles" / f"a{n}.md").write_text(article(f"Article {n}", date=f"2026-01-{n + 10:02d}",
                                                           body=f"A paragraph about {WORDS[n]}.\n"))
    build_ok(site)
    build_ok(site, tmp_path / "clean", use_cache=False)
    assert {k: v[0] for k, v in index_files(out).items()} == \
        {k: v[0] for k, v in index_files(tmp_path / "clean").items()}
    for n in range(2, 8):                              # one part: the later parts' folders are removed
        (site / "articles" / f"a{n}.md").unlink()
    build_ok(site)
    assert not list((out / "pagefind").glob("part-*/**/*.*"))
    assert json.loads((out / "pagefind" / search_index.PARTS_FILE).read_text()) == {"en": []}
    build_ok(site, tmp_path / "clean2", use_cache=False)
    assert {k: v[0] for k, v in index_files(out).items()} == \
        {k: v[0] for k, v in index_files(tmp_path / "clean2").items()}


def test_the_first_part_holds_every_language_however_the_articles_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "PART_RECORDS", 1)   # one article per part: most parts lack a language
    site = copy_sample(tmp_path / "site")
    out = site / "output"
    build_ok(site)
    manifest = json.loads((out / "pagefind" / search_index.PARTS_FILE).read_text())
    first = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())["languages"]
    assert set(manifest) == {"en", "es"} and set(first) == {"en", "es"}
    for code, folders in manifest.items():               # and each listed part really holds that language
        for folder in folders:
            entry = json.loads((out / "pagefind" / folder / "pagefind-entry.json").read_text())
            assert code in entry["languages"]


def test_a_hub_copy_of_the_search_script_that_cannot_merge_parts_is_a_warning(tmp_path):
    site = hub(tmp_path / "site")
    script = site / "static" / "search" / "search.js"
    script.parent.mkdir(parents=True, exist_ok=True)
    theme = Path(search_index.__file__).parent / "theme" / "static" / "search" / "search.js"
    old = theme.read_text(encoding="utf-8").replace("haven-parts.json", "").replace("mergeIndex", "")
    script.write_text(old, encoding="utf-8")   # a copy made before the index came in parts
    found = [d for d in build_ok(site).diagnostics if d.code == "search-script-parts"]
    assert [(d.path, d.line, d.col, d.severity) for d in found] == [("static/search/search.js", 1, 1, "warning")]
    assert "3 parts" in found[0].message and "haven theme copy static/search/search.js" in found[0].hint

    script.write_text(theme.read_text(encoding="utf-8"), encoding="utf-8")   # copied again: fine
    assert not [d for d in build_ok(site).diagnostics if d.code == "search-script-parts"]


def test_the_old_script_is_no_concern_while_the_index_has_one_part(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "PART_RECORDS", 1000)
    site = hub(tmp_path / "site")
    script = site / "static" / "search" / "search.js"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("// a hub's own search script\n", encoding="utf-8")
    assert not [d for d in build_ok(site).diagnostics if d.code == "search-script-parts"]


def test_the_parts_are_indexed_two_at_a_time(tmp_path, monkeypatch):
    # the indexer works on one core: the first two parts must be in the indexer together (each waits for the
    # other before indexing; made one after another, the first would wait in vain and its part fail)
    import threading

    met = threading.Barrier(2, timeout=30)
    calls: list[int] = []
    run = search_index._run_pagefind

    def together(rows, lang):
        calls.append(len(rows))
        if len(calls) <= 2:
            met.wait()
        return run(rows, lang)
    monkeypatch.setattr(search_index, "_run_pagefind", together)
    site = hub(tmp_path / "hub")
    result = build_ok(site)
    assert len(calls) == 3 and not [d for d in result.diagnostics if d.code == "search-index"]
    assert sorted(url for found in fragments(site / "output").values() for url, _ in found) == \
        sorted(f"/articles/a{n}/" for n in range(len(WORDS)))
