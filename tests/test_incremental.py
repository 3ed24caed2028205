"""Incremental builds: only what changed is rendered and written, and the result is always
byte-identical to a clean build."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.buildstamp import STAMP_FILE
from generator.incremental import CACHE_DIR, INDEX_DIR
from tests.sitekit import article, make_site, snapshot

# Outputs that show an article's body besides its own page (feeds, search data): allowed to change too.
SHOWS_BODIES = ("feed.xml", "pagefind/", "search/")


def chain_site(root: Path, n: int = 6) -> Path:
    files = {}
    for i in range(n):
        files[f"a{i}.md"] = article(
            f"Article {i}", date=f"2026-01-{i + 10:02d}",
            previous=f"a{i - 1}" if i else "", next=f"a{i + 1}" if i < n - 1 else "",
            extra="topics: [calm]" if i % 2 == 0 else "topics: [sleep]",
            body=f"Body of article {i}.\n\n## Part one\n\nMore words here [link](/articles/a{(i + 1) % n}/).\n",
        ).replace("topics: [calm]\ntopics", "topics", 1)
    return make_site(root, files)


def run(site: Path, out: Path | None = None, **kw):
    result = build(BuildOptions(site, out or site / "output", **kw))
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


def html_written(result) -> set[str]:
    return {p for p in result.written if not p.startswith(SHOWS_BODIES) and not p.endswith("/feed.xml")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def site(tmp_path):
    s = chain_site(tmp_path / "site")
    run(s)
    return s


def test_second_build_writes_and_parses_nothing(site):
    result = run(site)
    assert result.written == [] and result.removed == []
    assert result.parsed == 0


def test_touching_a_file_without_changing_it_writes_nothing(site):
    path = site / "articles" / "a2.md"
    path.write_text(path.read_text())
    result = run(site)
    assert result.written == [] and result.parsed == 0


def test_body_edit_rewrites_only_that_article(site):
    edit(site / "articles" / "a2.md", "Body of article 2.", "Body of article 2, edited.")
    result = run(site)
    assert result.parsed == 1
    assert html_written(result) == {"articles/a2/index.html"}


def test_title_edit_rewrites_neighbours_and_listings(site):
    edit(site / "articles" / "a2.md", "title: Article 2", "title: Article two")
    written = html_written(run(site))
    assert {"articles/a2/index.html", "articles/a1/index.html", "articles/a3/index.html", "index.html",
            "topics/calm/index.html", "authors/alex-example/index.html"} <= written
    assert "topics/sleep/index.html" not in written
    assert "articles/a5/index.html" not in written  # neither neighbour nor related
    for rel in written:
        assert "Article two" in (site / "output" / rel).read_text() or rel.startswith("static/"), rel


def test_template_change_rewrites_pages_that_use_it(site):
    edit(site / "templates" / "topic.html", "<h1>", "<h1 class=\"topic-title\">")
    written = html_written(run(site))
    assert written == {"topics/calm/index.html", "topics/sleep/index.html"}


def test_base_template_change_rewrites_every_page(site):
    edit(site / "templates" / "base.html", "Skip to main content", "Skip to content")
    result = run(site)
    pages = {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*.html")}
    assert pages <= set(result.written)


def test_config_change_rewrites_everything_affected(site):
    edit(site / "site.yaml", "intro: Help is available.", "intro: Help is available, day and night.")
    result = run(site)
    pages = {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*.html")}
    assert pages <= set(result.written)
    assert "static/css/haven.css" not in result.written


def test_author_change_rewrites_pages_showing_the_author(site):
    edit(site / "data" / "authors.yaml", "credentials: MA", "credentials: MA, MSc")
    written = html_written(run(site))
    assert "articles/a0/index.html" in written and "authors/alex-example/index.html" in written
    assert "topics/calm/index.html" not in written


def test_delete_removes_page_and_updates_neighbours(site):
    (site / "articles" / "a5.md").unlink()
    edit(site / "articles" / "a4.md", "next: a5\n", "")
    edit(site / "articles" / "a4.md", "/articles/a5/", "/topics/")  # the link checker insists
    result = run(site)
    assert "articles/a5/index.html" in result.removed
    assert not (site / "output" / "articles" / "a5").exists()
    assert "articles/a4/index.html" in result.written
    assert "Article 5" not in (site / "output" / "index.html").read_text()


def test_rename_moves_the_page(site):
    old = site / "articles" / "a5.md"
    old.rename(site / "articles" / "a5-renamed.md")
    edit(site / "articles" / "a4.md", "next: a5", "next: a5-renamed")
    edit(site / "articles" / "a4.md", "/articles/a5/", "/articles/a5-renamed/")
    result = run(site)
    assert "articles/a5/index.html" in result.removed
    assert (site / "output" / "articles" / "a5-renamed" / "index.html").is_file()
    assert "/articles/a5-renamed/" in (site / "output" / "articles" / "a4" / "index.html").read_text()


def test_static_change_copies_only_that_file(site):
    (site / "static" / "extra.txt").write_text("one")
    assert run(site).written == ["static/extra.txt"]
    (site / "static" / "extra.txt").write_text("two")
    assert run(site).written == ["static/extra.txt"]
    (site / "static" / "extra.txt").unlink()
    assert run(site).removed == ["static/extra.txt"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "old-version"])
@pytest.mark.parametrize("which", [INDEX_DIR, STAMP_FILE])
def test_damaged_cache_is_ignored_and_rebuilt(site, damage, which):
    import json

    from generator import incremental

    incremental._WARM.clear()  # a new process: nothing remembered in memory
    files = sorted((site / CACHE_DIR / INDEX_DIR).glob("*.json")) if which == INDEX_DIR else [site / CACHE_DIR / which]
    assert files
    for cache in files:
        data = cache.read_bytes()
        if damage == "garbage":
            cache.write_bytes(b"\x80\x05not JSON at all")
        elif damage == "truncated":
            cache.write_bytes(data[: len(data) // 2])
        elif damage == "empty":
            cache.write_bytes(b"")
        elif which == INDEX_DIR:
            payload = json.loads(data)
            payload[0] = [0, "0.0.0", "old"]
            cache.write_bytes(json.dumps(payload).encode())
        else:
            cache.write_bytes(json.dumps({"not": "a stamp"}).encode())
    edit(site / "articles" / "a1.md", "Body of article 1.", "Body of article 1, edited.")
    result = run(site)
    if which == INDEX_DIR:
        assert result.parsed == 7  # six articles and the About page: nothing trusted from the cache
    else:
        assert result.parsed == 1
    assert html_written(result) == {"articles/a1/index.html"}
    assert "article 1, edited" in (site / "output" / "articles" / "a1" / "index.html").read_text()


def test_a_cache_in_the_previous_format_is_discarded_and_rewritten(site):
    """Renaming a cached record's fields changes the cache format: a cache from the format before (same
    Haven code otherwise) must be parsed again from the files, never decoded into the new records."""
    import json

    from generator import incremental

    incremental._WARM.clear()
    shards = sorted((site / CACHE_DIR / INDEX_DIR).glob("*.json"))
    assert shards
    for shard in shards:
        payload = json.loads(shard.read_bytes())
        assert payload[0][0] == incremental.CACHE_FORMAT
        payload[0][0] = incremental.CACHE_FORMAT - 1
        shard.write_bytes(json.dumps(payload).replace('"cited-works:', '"sources:').encode())
    edit(site / "articles" / "a1.md", "Body of article 1.", "Body of article 1, edited.")
    result = run(site)
    assert result.parsed == 7   # every file read again: nothing decoded from the old format
    assert "article 1, edited" in (site / "output" / "articles" / "a1" / "index.html").read_text()
    for shard in sorted((site / CACHE_DIR / INDEX_DIR).glob("entries-*.json")):
        assert json.loads(shard.read_bytes())[0][0] == incremental.CACHE_FORMAT   # rewritten in the new one


def test_an_edit_rewrites_only_the_changed_index_shard(site):
    before = {p.name: p.stat().st_mtime_ns for p in (site / CACHE_DIR / INDEX_DIR).glob("entries-*.json")}
    edit(site / "articles" / "a1.md", "Body of article 1.", "Body of article 1, edited.")
    run(site)
    after = {p.name: p.stat().st_mtime_ns for p in (site / CACHE_DIR / INDEX_DIR).glob("entries-*.json")}
    assert len([n for n in after if after[n] != before.get(n)]) == 1


def test_missing_body_store_is_rebuilt_from_sources(site):
    shutil.rmtree(site / CACHE_DIR / "bodies")
    edit(site / "templates" / "article.html", "</h1>", "</h1><!-- x -->")
    result = run(site)
    assert "Body of article 3." in (site / "output" / "articles" / "a3" / "index.html").read_text()
    assert "articles/a3/index.html" in result.written


EDITS = ["body", "title", "summary", "topic", "delete", "add", "template", "config", "author", "touch", "static"]


def apply_random_edit(site: Path, rng: random.Random, step: int) -> None:
    articles = sorted((site / "articles").glob("*.md"))
    kind = rng.choice(EDITS)
    target = rng.choice(articles)
    text = target.read_text()
    if kind == "body":
        target.write_text(text + f"\nAnother sentence number {step}.\n")
    elif kind == "title":
        target.write_text(text.replace("title: ", f"title: Step {step} ", 1))
    elif kind == "summary":
        target.write_text(text.replace("summary: ", f"summary: ({step}) ", 1))
    elif kind == "topic":
        target.write_text(text.replace("topics: [calm]", "topics: [sleep]").replace("topics: [sleep]", "topics: [calm, sleep]", 1))
    elif kind == "delete" and len(articles) > 2:
        slug = target.stem
        target.unlink()
        for other in (site / "articles").glob("*.md"):  # keep neighbours and links valid
            t = other.read_text()
            t = "\n".join(l for l in t.splitlines() if l not in (f"previous: {slug}", f"next: {slug}"))
            other.write_text(t.replace(f"/articles/{slug}/", "/topics/") + "\n")
    elif kind == "add":
        (site / "articles" / f"new{step}.md").write_text(article(f"New {step}", date=f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))
    elif kind == "template":
        edit(site / "templates" / rng.choice(["article.html", "home.html", "topic.html"]), "</h1>", f"</h1><!-- {step} -->")
    elif kind == "config":
        edit(site / "site.yaml", "description: ", f"description: ({step}) ")
    elif kind == "author":
        edit(site / "data" / "authors.yaml", "bio: ", f"bio: ({step}) ")
    elif kind == "touch":
        target.write_text(text)
    elif kind == "static":
        (site / "static" / f"s{rng.randint(0, 2)}.txt").write_text(str(step))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_incremental_output_equals_a_clean_build_after_random_edits(tmp_path, seed):
    rng = random.Random(seed)
    site = chain_site(tmp_path / "site")
    run(site)
    for step in range(12):
        apply_random_edit(site, rng, step)
        run(site)
        clean = tmp_path / f"clean{step}"
        run(site, clean, use_cache=False)
        incremental = {k: v[0] for k, v in snapshot(site / "output").items() if k != ".haven-output.json"}
        fresh = {k: v[0] for k, v in snapshot(clean).items() if k != ".haven-output.json"}
        assert incremental == fresh, f"seed {seed} step {step}"
        shutil.rmtree(clean)


def test_unchanged_rebuild_still_reports_warnings(tmp_path, capsys):
    from generator.cli import main

    site = make_site(tmp_path / "s", {"a.md": article(extra="tittle: typo")})
    assert main(["build", "--site", str(site)]) == 0
    first = [l for l in capsys.readouterr().err.splitlines() if "warning:" in l]
    assert main(["build", "--site", str(site)]) == 0
    second = capsys.readouterr().err.splitlines()
    assert first and [l for l in second if "warning:" in l] == first
    assert " 0 written" in second[-1]


def test_deleting_the_output_folder_rebuilds_it(site):
    shutil.rmtree(site / "output")
    result = run(site)
    assert (site / "output" / "index.html").is_file() and result.parsed == 0


def _build_forked(site: Path) -> subprocess.CompletedProcess:
    """`haven build` in a fresh single-threaded process, rendering every page in forked workers."""
    code = ("import sys, generator.write as w; w.PARALLEL_RENDER_THRESHOLD = 1; "
            "from generator.cli import main; sys.exit(main(['build', '--site', sys.argv[1]]))")
    return subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True)


@pytest.mark.slow
def test_parallel_rendering_matches_serial_and_fails_cleanly(tmp_path):
    serial = chain_site(tmp_path / "serial")
    run(serial)
    forked = chain_site(tmp_path / "forked")
    proc = _build_forked(forked)
    assert proc.returncode == 0, proc.stderr
    a = {k: v[0] for k, v in snapshot(serial / "output").items() if k != ".haven-output.json"}
    b = {k: v[0] for k, v in snapshot(forked / "output").items() if k != ".haven-output.json"}
    assert a == b
    before = snapshot(forked / "output")
    edit(forked / "templates" / "topic.html", "{% block main %}", "{% block main %}{{ topic.colour.name }}")
    edit(forked / "templates" / "base.html", "Skip to main content", "Skip to content")
    proc = _build_forked(forked)
    assert proc.returncode == 1
    assert [l.split(":")[0] for l in proc.stderr.splitlines() if "[template-error]" in l] == ["templates/topic.html"]
    assert "Traceback" not in proc.stderr
    assert snapshot(forked / "output") == before


@pytest.mark.parametrize("damage", ["edit", "delete", "touch", "swap-for-link"])
def test_a_changed_output_file_is_restored_and_only_it(site, damage, tmp_path):
    """The record says what each file should hold: the next build (even one with nothing else to do)
    notices the change with one lstat per file and rewrites that file alone."""
    page = site / "output" / "articles" / "a2" / "index.html"
    good = page.read_bytes()
    if damage == "edit":
        page.write_bytes(good.replace(b"Article 2", b"Defaced"))
    elif damage == "delete":
        page.unlink()
    elif damage == "touch":
        import os

        os.utime(page, ns=(1, 1))
    else:
        (tmp_path / "elsewhere.html").write_bytes(b"elsewhere")
        page.unlink()
        page.symlink_to(tmp_path / "elsewhere.html")
    result = run(site)
    assert page.read_bytes() == good and not page.is_symlink()
    assert result.written == ([] if damage == "touch" else ["articles/a2/index.html"])
    assert result.parsed == 0
    assert run(site).written == []   # and the build after that has nothing to do
    if damage == "swap-for-link":
        assert (tmp_path / "elsewhere.html").read_bytes() == b"elsewhere"


def test_the_preview_writes_the_stamp_when_it_is_told_to_and_then_a_rebuild_does_nothing(site):
    body = site / "articles" / "a1.md"
    body.write_text(body.read_text() + "\nOne more sentence.\n")
    stamp = site / CACHE_DIR / STAMP_FILE
    before = stamp.read_bytes()
    edited = run(site, defer_bookkeeping=True)
    assert "articles/a1/index.html" in edited.written and edited.bookkeeping is not None
    assert stamp.read_bytes() == before   # not yet: the preview tells browsers first
    edited.bookkeeping()
    again = run(site)
    assert again.site is None   # the stamp matched: nothing was even read or assembled
    assert again.written == [] and again.parsed == 0 and again.bookkeeping is None
    assert again.unchanged == edited.unchanged + len(edited.written)


@pytest.mark.parametrize("told", [True, False])
def test_the_preview_saves_the_parse_cache_when_it_is_told_to(site, told):
    from generator import incremental

    first, second = site / "articles" / "a1.md", site / "articles" / "a2.md"
    first.write_text(first.read_text() + "\nOne more sentence.\n")
    edited = run(site, defer_bookkeeping=True)
    assert edited.parsed == 1
    if told:
        edited.bookkeeping()
    incremental._WARM.clear()   # as a new process: only what is on disk counts
    second.write_text(second.read_text() + "\nAnother sentence.\n")
    after = run(site)
    # told: only the second file is read again; not told: the first one's entry was never written either
    assert after.parsed == (1 if told else 2)
    assert "One more sentence." in (site / "output" / "articles" / "a1" / "index.html").read_text()


OWN_REFERENCES = """
references:
  - id: ownone2001
    type: book
    title: The first own book
    author: [{family: One, given: Ann}]
    issued: {date-parts: [[2001]]}
    publisher: Test Press
  - id: owntwo2002
    type: book
    title: The second own book
    author: [{family: Two, given: Ben}]
    issued: {date-parts: [[2002]]}
    publisher: Test Press
"""


def test_deleting_the_only_citation_of_an_own_reference_takes_it_off_the_sources_page(tmp_path):
    """The list of cited works was reused for the same front matter: deleting a citation from the text
    crashed the next build with a KeyError (the work was listed but no article cited it any more)."""
    text = article("Own references", extra=OWN_REFERENCES,
                   body="Kindness matters [@ownone2001]. So does patience [@owntwo2002].\n")
    site = make_site(tmp_path / "hub", {"own.md": text})
    sources = site / "output" / "sources" / "index.html"
    assert run(site).ok and "The second own book" in sources.read_text("utf-8")
    edit(site / "articles" / "own.md", " So does patience [@owntwo2002].", " So does patience.")
    result = run(site)
    assert result.ok
    assert "The second own book" not in sources.read_text("utf-8")
    assert [(d.code, d.path) for d in result.diagnostics if d.code == "uncited-reference"] == \
        [("uncited-reference", "articles/own.md")]
    edit(site / "articles" / "own.md", " So does patience.", " So does patience [@owntwo2002].")
    assert run(site).ok and "The second own book" in sources.read_text("utf-8")


def test_parts_the_cache_holds_damaged_are_made_again_from_the_files(tmp_path):
    """Formatted citations, citation clusters, headings and front-matter references are kept in the cache as text
    and decoded only when a page needs them (generator.deferred): text a pull request doctored is never trusted, even
    that late. Every page made from such a cache is the page a build without a cache makes."""
    import dataclasses
    import json

    from generator import incremental
    from generator.model import FrontMatter, ParsedFile
    from tests.publishkit import copy_sample

    site = copy_sample(tmp_path / "hub")
    own = site / "articles" / "own.md"
    own.write_text(article("Own references", extra=OWN_REFERENCES,
                           body="Kindness matters [@ownone2001]. So does patience [@owntwo2002].\n")
                   .replace("author: alex-example", "author: editorial-team").replace("[calm]", "[empathy]"))
    run(site, search_index=False)
    clusters, headings = ([f.name for f in dataclasses.fields(ParsedFile)].index(name) for name in ("clusters", "headings"))
    references = [f.name for f in dataclasses.fields(FrontMatter)].index("references")
    code = '{"\\u0000": {"\\u0000R": ["Popen", "ls"]}}'   # a tag naming a class the cache never holds
    doctored = {"clusters": 0, "headings": 0, "references": 0, "memo": 0}
    for shard in sorted((site / CACHE_DIR / INDEX_DIR).glob("*.json")):
        payload = json.loads(shard.read_bytes())
        for key, value in payload[1].items():
            if shard.name.startswith("memo-"):
                payload[1][key] = code if doctored["memo"] % 2 else '[["<script>'
                doctored["memo"] += 1
                continue
            parsed = value[2]
            if parsed[clusters] != "[]":
                parsed[clusters] = '[[["ownone2001"]]]'   # the wrong shape
                doctored["clusters"] += 1
            if parsed[headings] != "[]":
                parsed[headings] = '[[2, "x", "<script>"]'   # truncated
                doctored["headings"] += 1
            if parsed[3] is not None and parsed[3][references] != "[]":
                parsed[3][references] = code
                doctored["references"] += 1
        shard.write_text(json.dumps(payload))
    assert min(doctored.values()) >= 1 and doctored["clusters"] >= 5 and doctored["memo"] >= 5, doctored
    incremental._WARM.clear()   # a new process: nothing remembered in memory
    # every page made again (the template of every page changed), each from its article's record in the cache
    theme_base = Path(incremental.__file__).parent / "theme" / "templates" / "base.html"
    (site / "templates" / "base.html").write_text(theme_base.read_text("utf-8").replace("</body>", "<!-- x --></body>"))
    result = run(site, search_index=False)
    assert result.parsed == 0 and "articles/own/index.html" in result.written
    page = (site / "output" / "articles" / "own" / "index.html").read_text("utf-8")
    assert "The second own book" in page and "Popen" not in page and "<script>" not in page.split("</head>")[1]
    clean = site.parent / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(CACHE_DIR, "output"))
    run(clean, use_cache=False, search_index=False)
    ours = {k: v[0] for k, v in snapshot(site / "output").items() if k != ".haven-output.json"}
    theirs = {k: v[0] for k, v in snapshot(clean / "output").items() if k != ".haven-output.json"}
    assert ours == theirs


def test_a_title_edit_after_a_body_edit_reuses_the_formatted_list_of_cited_works(tmp_path, monkeypatch):
    """The /sources/ list is made only when a page shows it (Site.works), but its formatted entries stay in the cache
    through builds that do not make it: a body edit must not drop them, or the next title edit (which lists its
    article on /sources/ again) formats every work of the hub again."""
    from generator import citations, incremental
    from tests.publishkit import copy_sample

    site = copy_sample(tmp_path / "hub")
    run(site, search_index=False)
    articles = sorted(p for p in (site / "articles").glob("*.md") if "[@" in p.read_text("utf-8"))
    assert articles
    edit(articles[0], "\n\n", "\n\nA sentence added to the body.\n\n")
    assert "sources/index.html" not in run(site, search_index=False).written
    incremental._WARM.clear()   # a new process: the memo comes from the cache

    def refuse(*_args, **_kwargs):
        raise AssertionError("the hub's works were formatted again")
    monkeypatch.setattr(citations, "format_bibliography", refuse)
    text = articles[0].read_text("utf-8")
    articles[0].write_text(text.replace("\ntitle: ", "\ntitle: Retitled ", 1), "utf-8")
    result = run(site, search_index=False)
    assert "sources/index.html" in result.written
    assert "Retitled " in (site / "output" / "sources" / "index.html").read_text("utf-8")
