"""The preview's shortcut: a save that changes only an article's text (not what other pages show of it)
rebuilds its page and the feeds from the last build's site, plan and findings (generator.reuse), and the
result is still exactly what a clean build makes: the same files, byte for byte, and the same findings."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from generator import assemble as assemble_module
from generator import discover as discover_module
from generator import plan as plan_module
from generator import reuse as reuse_module
from generator.build import BuildOptions, build
from tests.sitekit import article, make_site, snapshot
from tests.test_incremental import OWN_REFERENCES
from tests.test_lastbuild import _large_hub


def _preview(hub: Path):
    """One build as `haven serve` makes it after a save (bookkeeping after the build)."""
    result = build(BuildOptions(hub, hub / "output", search_index=False, future=True, defer_bookkeeping=True))
    if result.bookkeeping:
        result.bookkeeping()
    return result


def _clean(hub: Path, out: Path):
    return build(BuildOptions(hub, out, search_index=False, future=True, use_cache=False))


def _pages(folder: Path) -> dict[str, str]:
    return {path: entry[0] for path, entry in snapshot(folder).items() if path != ".haven-output.json"}


def _findings(result) -> list[tuple]:
    return sorted((d.severity, d.code, d.path, d.line, d.col, d.message, d.hint) for d in result.diagnostics)


def _no_whole_hub_work(monkeypatch) -> None:
    """Assembling or planning the whole hub fails the test: the build must take the shortcut."""
    def refuse(*args, **kwargs):
        raise AssertionError("the whole hub was assembled or planned again")
    monkeypatch.setattr(assemble_module, "assemble", refuse)
    monkeypatch.setattr(plan_module, "plan", refuse)


def titles_hub(root: Path) -> Path:
    """Three articles where a title shows elsewhere: its neighbour's link, the listings, the redirect from its old
    address and the order of the articles citing a work on /sources/ (by title)."""
    cites = "Kindness matters [@ownone2001].\n"
    files = {"first-steps.md": article("First steps", next="second-steps"),
             "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01",
                                        extra="aliases: [/articles/old-second/]\n" + OWN_REFERENCES, body=cites),
             "third-steps.md": article("Third steps", date="2026-03-01", extra=OWN_REFERENCES, body=cites)}
    return make_site(root, files)


@pytest.fixture
def hub(tmp_path):
    return _large_hub(tmp_path / "hub", 30)


def _newest(hub: Path) -> Path:
    """The newest article: it is in the feeds, which carry articles' text."""
    dated = [(re.search(r"^date: (\S+)", p.read_text("utf-8"), re.M).group(1), p)
             for p in (hub / "articles").glob("*.md")]
    return max(dated)[1]


def test_a_saved_sentence_rebuilds_its_page_and_the_feeds_from_the_last_build(hub, tmp_path, monkeypatch):
    assert _preview(hub).ok
    article = _newest(hub)
    text = article.read_text("utf-8")
    article.write_text(text.replace("\n## ", "\nA sentence the writer just typed.\n\n## ", 1), "utf-8")
    with monkeypatch.context() as patched:
        _no_whole_hub_work(patched)
        result = _preview(hub)
    assert result.ok
    slug = article.stem
    assert f"articles/{slug}/index.html" in result.written
    assert "feed.xml" in result.written   # the feed carries the article's text
    assert all(path == f"articles/{slug}/index.html" or path.endswith("feed.xml") for path in result.written)
    page = (hub / "output" / "articles" / slug / "index.html").read_text("utf-8")
    assert "A sentence the writer just typed." in page
    assert "A sentence the writer just typed." in (hub / "output" / "feed.xml").read_text("utf-8")
    clean = _clean(hub, tmp_path / "clean")
    assert _pages(hub / "output") == _pages(tmp_path / "clean")
    assert _findings(result) == _findings(clean)


def test_a_new_title_is_not_taken_for_a_text_edit(hub, tmp_path):
    assert _preview(hub).ok
    article = _newest(hub)
    article.write_text(re.sub(r"^title: .*$", 'title: "A title changed in the preview"', article.read_text("utf-8"),
                              count=1, flags=re.M), "utf-8")
    result = _preview(hub)
    assert result.ok
    assert "A title changed in the preview" in (hub / "output" / "index.html").read_text("utf-8")   # the home page
    assert "articles/index.html" in result.written
    _clean(hub, tmp_path / "clean")
    assert _pages(hub / "output") == _pages(tmp_path / "clean")


def test_a_title_changed_in_the_preview_reaches_every_page_showing_it_without_assembling_the_hub(tmp_path,
                                                                                                monkeypatch):
    hub = titles_hub(tmp_path / "hub")
    assert _preview(hub).ok
    second = hub / "articles" / "second-steps.md"
    second.write_text(second.read_text("utf-8").replace("title: Second steps", "title: Zen steps"), "utf-8")
    with monkeypatch.context() as patched:
        _no_whole_hub_work(patched)
        result = _preview(hub)
    assert result.ok
    out = hub / "output"
    for page in ("articles/first-steps/index.html", "articles/index.html", "articles/old-second/index.html",
                 "sources/index.html", "index.html"):
        assert page in result.written and "Zen steps" in (out / page).read_text("utf-8"), page
    sources = (out / "sources" / "index.html").read_text("utf-8")
    assert sources.index("Third steps") < sources.index("Zen steps")   # by title: it moved after the third
    assert "topics/index.html" not in result.written and "404.html" not in result.written   # they show no titles
    clean = _clean(hub, tmp_path / "clean")
    assert _pages(out) == _pages(tmp_path / "clean")
    assert _findings(result) == _findings(clean)


def test_a_broken_link_typed_in_the_preview_is_reported_at_its_line_and_the_fix_is_published(hub, tmp_path,
                                                                                          monkeypatch):
    assert _preview(hub).ok
    article = _newest(hub)
    good = article.read_text("utf-8")
    broken = good.replace("\n## ", "\nSee [the guide](/articles/no-such-guide/).\n\n## ", 1)
    article.write_text(broken, "utf-8")
    line = broken.splitlines().index("See [the guide](/articles/no-such-guide/).") + 1
    with monkeypatch.context() as patched:
        _no_whole_hub_work(patched)
        result = _preview(hub)
        assert not result.ok and result.written == []
        assert [(d.code, d.path, d.line) for d in result.diagnostics if d.severity == "error"] == \
            [("broken-link", f"articles/{article.name}", line)]
        article.write_text(good.replace("\n## ", "\nSee [the archive](/articles/).\n\n## ", 1), "utf-8")
        fixed = _preview(hub)
    assert fixed.ok and f"articles/{article.stem}/index.html" in fixed.written
    clean = _clean(hub, tmp_path / "clean")
    assert _pages(hub / "output") == _pages(tmp_path / "clean")
    assert _findings(fixed) == _findings(clean)


def test_a_section_renamed_in_the_preview_breaks_the_links_of_other_articles_to_it(tmp_path):
    files = {"first-steps.md": article("First steps", next="second-steps",
                                       body="See [why it helps](/articles/second-steps/#why-it-helps).\n"),
             "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01")}
    hub = make_site(tmp_path / "hub", files)
    assert _preview(hub).ok
    second = hub / "articles" / "second-steps.md"
    second.write_text(second.read_text("utf-8").replace("## Why it helps", "## What it does"), "utf-8")
    result = _preview(hub)
    assert [(d.code, d.path) for d in result.diagnostics if d.severity == "error"] == \
        [("broken-anchor", "articles/first-steps.md")]
    second.write_text(second.read_text("utf-8").replace("## What it does", "## Why it helps"), "utf-8")
    assert _preview(hub).ok


def test_a_citation_deleted_in_the_preview_takes_its_work_off_the_sources_page(tmp_path):
    text = article("Own references", extra=OWN_REFERENCES,
                   body="Kindness matters [@ownone2001]. So does patience [@owntwo2002].\n")
    hub = make_site(tmp_path / "hub", {"own.md": text})
    assert _preview(hub).ok
    own = hub / "articles" / "own.md"
    own.write_text(own.read_text("utf-8").replace("[@owntwo2002]", "[@ownone2001, p. 3]"), "utf-8")
    result = _preview(hub)
    assert result.ok and "sources/index.html" in result.written
    assert "The second own book" not in (hub / "output" / "sources" / "index.html").read_text("utf-8")


def test_a_link_to_a_citation_breaks_when_the_preview_loses_that_citation(tmp_path):
    """Citations have ids too (#cite-1, #cite-2 ...): another article may link to one."""
    files = {"first-steps.md": article("First steps", extra=OWN_REFERENCES,
                                       body="Kindness [@ownone2001]. Patience [@owntwo2002].\n"),
             "second-steps.md": article("Second steps", date="2026-02-01",
                                        body="As [the first article says](/articles/first-steps/#cite-2).\n")}
    hub = make_site(tmp_path / "hub", files)
    assert _preview(hub).ok
    first = hub / "articles" / "first-steps.md"
    first.write_text(first.read_text("utf-8").replace(" Patience [@owntwo2002].", " Patience [@ownone2001, p. 2]."),
                     "utf-8")
    assert _preview(hub).ok   # still two citations: #cite-2 is there
    first.write_text(first.read_text("utf-8").replace(" Patience [@ownone2001, p. 2].", " Patience."), "utf-8")
    result = _preview(hub)
    assert [(d.code, d.path) for d in result.diagnostics if d.severity == "error"] == \
        [("broken-anchor", "articles/second-steps.md")]


def test_a_file_dropped_into_articles_is_reported_by_the_next_preview_build(hub):
    assert _preview(hub).ok
    (hub / "articles" / "notes.txt").write_text("not an article\n", "utf-8")
    article = _newest(hub)
    article.write_text(article.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    result = _preview(hub)
    assert ("unread-file", "articles/notes.txt") in {(d.code, d.path) for d in result.diagnostics}


def test_a_file_dropped_into_a_folder_listed_long_ago_is_reported_and_one_taken_out_is_not(hub, monkeypatch):
    # the preview lists articles/ again only when a folder in it changed: here the folders' times are old
    # enough to be trusted, so the next build reads them from the last answer unless a folder changed
    monkeypatch.setattr(discover_module, "_SETTLED_NS", 0)
    long_ago = 1_000_000_000
    os.utime(hub / "articles", (long_ago, long_ago))
    assert _preview(hub).ok
    article = _newest(hub)
    article.write_text(article.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    assert "unread-file" not in {d.code for d in _preview(hub).diagnostics}
    (hub / "articles" / "notes.txt").write_text("not an article\n", "utf-8")
    article.write_text(article.read_text("utf-8") + "\nAnd another.\n", "utf-8")
    assert ("unread-file", "articles/notes.txt") in {(d.code, d.path) for d in _preview(hub).diagnostics}
    (hub / "articles" / "notes.txt").unlink()
    os.utime(hub / "articles", (long_ago + 1, long_ago + 1))   # a time of its own: not the one remembered
    article.write_text(article.read_text("utf-8") + "\nAnd a third.\n", "utf-8")
    assert "unread-file" not in {d.code for d in _preview(hub).diagnostics}


def test_a_page_folder_swapped_for_a_link_during_the_preview_is_never_written_through(hub, tmp_path, monkeypatch):
    # the shortcut looks only at the folders on the way to what it writes: the edited page's must still be
    # checked, and the link replaced, not followed
    assert _preview(hub).ok
    article = _newest(hub)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("not Haven's\n", "utf-8")
    folder = hub / "output" / "articles" / article.stem
    for name in [p.name for p in folder.iterdir()]:
        (folder / name).unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    article.write_text(article.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    with monkeypatch.context() as patched:
        _no_whole_hub_work(patched)
        result = _preview(hub)
    assert result.ok
    assert (outside / "index.html").read_text("utf-8") == "not Haven's\n"
    assert not folder.is_symlink() and "One more line." in (folder / "index.html").read_text("utf-8")
    assert "output-record" in {d.code for d in result.diagnostics}   # the entry under the link was ignored, said


def _body_edit(hub: Path, rng: random.Random, step: int) -> tuple[str, Path, str]:
    """An edit to an article's text (or its title or summary) of the kinds writers make; some change what
    other pages show of it (a heading's id, a citation, its card, a picture), most do not. Returns what it was,
    the file and its text before."""
    target = rng.choice(sorted((hub / "articles").glob("*.md")))
    text = target.read_text("utf-8")
    head, body = text.split("\n---\n", 1)
    paragraphs = body.split("\n\n")
    at = rng.randrange(1, len(paragraphs))
    others = sorted(p.stem for p in (hub / "articles").glob("*.md"))
    kind = rng.choice(["sentence", "sentence", "link", "broken-link", "anchor-link", "heading", "cite", "uncite",
                       "long", "image", "delete", "crisis", "title", "summary"])
    if kind == "title":   # what listings, neighbours, /sources/ and redirects show of it
        head = re.sub(r"^title: .*$", f'title: "{rng.choice(["Another", "A better", "Zzz"])} title {step}"', head,
                      count=1, flags=re.M)
    elif kind == "summary":
        head = re.sub(r"^summary: .*$", f'summary: "A summary written at step {step}."', head, count=1, flags=re.M)
    elif kind == "sentence":
        paragraphs.insert(at, f"A sentence typed at step {step}.")
    elif kind == "link":
        paragraphs.insert(at, f"See [another article](/articles/{rng.choice(others)}/).")
    elif kind == "broken-link":
        paragraphs.insert(at, f"See [a missing page](/articles/missing-{step}/).")
    elif kind == "anchor-link":
        paragraphs.insert(at, f"See [a section](/articles/{rng.choice(others)}/#making-a-plan).")
    elif kind == "heading":
        paragraphs.insert(at, f"## A section added at step {step}")
    elif kind == "cite":
        key = re.findall(r"^  - id: (\S+)", head, re.M)
        paragraphs.insert(at, f"This was studied [@{rng.choice(key)}]." if key else "No sources here.")
    elif kind == "uncite":
        body = re.sub(r"\s?\[@[^\]]+\]|@\w+", "", body, count=1)
        paragraphs = body.split("\n\n")
    elif kind == "long":
        paragraphs.insert(at, " ".join(["Many more words make a longer read."] * 60))
    elif kind == "image":
        paragraphs.insert(at, "![A calm lake](/static/images/missing-lake.png)")
    elif kind == "delete" and len(paragraphs) > 3:
        del paragraphs[at]
    elif kind == "crisis":
        paragraphs.insert(at, "If you are thinking about suicide, you can talk to someone today.")
    target.write_text(head + "\n---\n" + "\n\n".join(paragraphs), "utf-8")
    return f"{kind} in {target.name} at paragraph {at}", target, text


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5, 8])
def test_preview_builds_after_random_text_edits_equal_clean_builds(tmp_path, seed, monkeypatch):
    """Every preview build, shortcut or not, makes the files and findings a clean build makes; a build with
    errors writes nothing, and the next good one catches up."""
    rng = random.Random(seed)
    hub = _large_hub(tmp_path / "hub", 30)
    shortcuts: list[str] = []
    replan = reuse_module.replan

    def counted(site, outputs, articles, templates, cards=False, authors_digest=""):
        shortcuts.append(what + (" (card)" if cards else ""))
        return replan(site, outputs, articles, templates, cards, authors_digest)
    monkeypatch.setattr(reuse_module, "replan", counted)
    assert _preview(hub).ok
    for step in range(16):
        what, target, before = _body_edit(hub, rng, step)
        for attempt in ("saved", "undone"):   # an edit that breaks the build is undone, as a writer would
            result = _preview(hub)
            clean_dir = tmp_path / f"clean{step}{attempt}"
            clean = _clean(hub, clean_dir)
            assert _findings(result) == _findings(clean), f"step {step}, {attempt}: {what}"
            if clean.ok:
                assert _pages(hub / "output") == _pages(clean_dir), f"step {step}, {attempt}: {what}"
                break
            target.write_text(before, "utf-8")
    assert len(shortcuts) >= 6, shortcuts   # most edits took the shortcut (the others changed more than a card)
    assert any(what.endswith("(card)") for what in shortcuts), shortcuts
