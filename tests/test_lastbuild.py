"""A long-lived process (the preview server) reuses what its last build made from files that did not
change, and the site it builds is still the one a clean build makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.lastbuild import LastMade, SinceLastBuild
from tests.sitekit import article, make_site, snapshot

REFERENCES = """\
- id: shared2020
  type: book
  title: A shared book about calm
  author: [{family: Example, given: Alex}]
  issued: {date-parts: [[2020]]}
  publisher: Test Press
"""


class Record:
    """A parsed record stand-in: equal to any other, so only identity tells two apart."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record)

    __hash__ = object.__hash__


def test_a_value_is_reused_for_the_same_record_detail_and_world_only():
    memory: SinceLastBuild[str] = SinceLastBuild()
    made: list[str] = []

    def make(name: str):
        return lambda: made.append(name) or name

    one, two = Record(), Record()
    memory.begin("world A")
    assert memory.get(one, "x", make("one")) == "one" and memory.get(two, "x", make("two")) == "two"
    memory.begin("world A")
    assert memory.get(one, "x", make("one again")) == "one"            # reused
    assert memory.get(two, "y", make("two, other detail")) == "two, other detail"
    assert memory.get(Record(), "x", make("an equal record")) == "an equal record"   # identity, not equality
    memory.begin("world B")
    assert memory.get(one, "x", make("one in B")) == "one in B"      # another world makes it again
    memory.begin("world A")                                          # the build before that one is kept too
    assert memory.get(one, "x", make("one back in A")) == "one"
    memory.begin("world C")
    memory.begin("world C")
    memory.begin("world A")                                          # two builds ago at most
    assert memory.get(one, "x", make("forgotten")) == "forgotten"
    assert made == ["one", "two", "two, other detail", "an equal record", "one in B", "forgotten"]


def test_a_whole_hub_value_is_made_again_only_when_its_source_differs():
    memory: LastMade[list[str]] = LastMade()
    made: list[str] = []

    def make(name: str) -> list[str]:
        made.append(name)
        return [name]

    first = memory.get("rows", ("a", 1), make, "first")
    assert memory.get("rows", ("a", 1), make, "again") is first          # an equal source: the same value
    assert memory.get("other", ("a", 1), make, "other key") == ["other key"]
    assert memory.get("rows", ("a", 2), make, "changed") == ["changed"]
    assert made == ["first", "other key", "changed"]


def _site(root: Path) -> Path:
    cites = article("Cites the book", next="second-steps",
                    body="Calm can be learned [@shared2020].\n\n## More\n\nSome more words.\n")
    hub = make_site(root, {"first-steps.md": cites,
                           "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01")})
    (hub / "data" / "references.yaml").write_text(REFERENCES, "utf-8")
    return hub


def _build(hub: Path, out: Path, **options):
    result = build(BuildOptions(hub, out, search_index=False, **options))
    assert result.ok, [d.format() for d in result.diagnostics if d.severity == "error"]
    return result


def _pages(folder: Path) -> dict[str, str]:
    return {path: entry[0] for path, entry in snapshot(folder).items() if path != ".haven-output.json"}


def _same_as_a_clean_build(hub: Path, tmp_path: Path, name: str) -> None:
    clean = tmp_path / name
    _build(hub, clean, use_cache=False)
    assert _pages(hub / "output") == _pages(clean)


def test_the_preview_keeps_unchanged_articles_and_still_builds_what_a_clean_build_does(tmp_path):
    hub = _site(tmp_path / "hub")
    first = _build(hub, hub / "output").site
    by_slug = {a.slug: a for a in first.articles}

    second_file = hub / "articles" / "second-steps.md"
    second_file.write_text(second_file.read_text("utf-8") + "\nA sentence added later.\n", "utf-8")
    after_edit = _build(hub, hub / "output").site
    kept = {a.slug: a for a in after_edit.articles}
    assert kept["first-steps"] is by_slug["first-steps"]        # not made again: its file did not change
    assert kept["second-steps"] is not by_slug["second-steps"]
    assert "A sentence added later." in kept["second-steps"].body_html
    _same_as_a_clean_build(hub, tmp_path, "clean-after-edit")

    # another article starts citing the shared book: the sources page lists it under the book as well
    second_file.write_text(second_file.read_text("utf-8") + "\nSee also [@shared2020].\n", "utf-8")
    _build(hub, hub / "output")
    sources = (hub / "output" / "sources" / "index.html").read_text("utf-8")
    assert "/articles/second-steps/#ref-shared2020" in sources and "/articles/first-steps/#ref-shared2020" in sources
    _same_as_a_clean_build(hub, tmp_path, "clean-after-citing")
    # a new title puts it first among the articles citing the book (they are listed by title); the build
    # before it is incremental too, so the list of works kept is this process's own
    first_file = hub / "articles" / "first-steps.md"
    first_file.write_text(first_file.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    _build(hub, hub / "output")
    second_file.write_text(second_file.read_text("utf-8").replace("title: Second steps", "title: A second look"),
                           "utf-8")
    _build(hub, hub / "output")
    sources = (hub / "output" / "sources" / "index.html").read_text("utf-8")
    assert sources.index("/articles/second-steps/#ref") < sources.index("/articles/first-steps/#ref")
    _same_as_a_clean_build(hub, tmp_path, "clean-after-retitling")

    # the shared entry changes: every article is made again, and the citing page shows the new title
    references = hub / "data" / "references.yaml"
    references.write_text(REFERENCES.replace("A shared book about calm", "A revised book about calm"), "utf-8")
    after_bibliography = {a.slug: a for a in _build(hub, hub / "output").site.articles}
    assert after_bibliography["first-steps"] is not kept["first-steps"]
    page = (hub / "output" / "articles" / "first-steps" / "index.html").read_text("utf-8")
    assert "A revised book about calm" in page and "A shared book about calm" not in page
    _same_as_a_clean_build(hub, tmp_path, "clean-after-bibliography")

    # a setting every article reads (the base URL) makes them again too
    site_yaml = hub / "site.yaml"
    text = site_yaml.read_text("utf-8")
    base_url = next(line for line in text.splitlines() if line.startswith("base_url:"))
    site_yaml.write_text(text.replace(base_url, "base_url: https://moved.example.org/hub/"), "utf-8")
    moved = {a.slug: a for a in _build(hub, hub / "output").site.articles}
    assert moved["first-steps"] is not after_bibliography["first-steps"]
    assert "https://moved.example.org/hub/articles/first-steps/" in \
        (hub / "output" / "articles" / "first-steps" / "index.html").read_text("utf-8")
    _same_as_a_clean_build(hub, tmp_path, "clean-after-settings")


def test_related_articles_follow_a_topic_change_in_the_same_process(tmp_path):
    files = {f"a{i}.md": article(f"Article {i}", date=f"2026-01-{10 + i}").replace(
        "topics: [calm]", "topics: [calm]" if i < 3 else "topics: [sleep]") for i in range(6)}
    hub = make_site(tmp_path / "hub", files)
    site = _build(hub, hub / "output").site
    assert all(list(other.meta.topics) == ["sleep"] for other in site.related_to("a4"))
    moved = hub / "articles" / "a0.md"
    moved.write_text(moved.read_text("utf-8").replace("topics: [calm]", "topics: [sleep]"), "utf-8")
    site = _build(hub, hub / "output").site
    assert "a0" in {other.slug for other in site.related_to("a4")}
    assert all(related is site.by_slug[related.slug] for related in site.related_to("a4"))   # this build's articles
    _same_as_a_clean_build(hub, tmp_path, "clean")


def test_a_link_to_a_section_is_checked_again_when_the_target_loses_it(tmp_path):
    files = {"first-steps.md": article("First steps", next="second-steps",
                                       body="See [why it helps](/articles/second-steps/#why-it-helps).\n"),
             "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01")}
    hub = make_site(tmp_path / "hub", files)
    _build(hub, hub / "output")
    second = hub / "articles" / "second-steps.md"
    second.write_text(second.read_text("utf-8").replace("## Why it helps", "## What it does"), "utf-8")
    result = build(BuildOptions(hub, hub / "output", search_index=False))
    assert [(d.code, d.path) for d in result.diagnostics if d.severity == "error"] == \
        [("broken-anchor", "articles/first-steps.md")]


def _large_hub(root: Path, articles: int) -> Path:
    import sys

    repo = Path(__file__).resolve().parents[1]
    if str(repo) not in sys.path:   # `bench` is not an installed package
        sys.path.insert(0, str(repo))
    from bench import corpus

    corpus.generate(root, articles, seed=11)
    return root


def _random_edit(hub: Path, rng, step: int) -> str:
    """One edit a writer makes while the preview runs; returns what it was, for the failure message."""
    import re

    articles = sorted((hub / "articles").glob("*.md"))
    target = rng.choice(articles)
    text = target.read_text("utf-8")
    kind = rng.choice(["body", "title", "summary", "topics", "reference", "add", "touch"])
    if kind == "body":
        text += f"\nA sentence added at step {step}.\n"
    elif kind == "title":
        text = re.sub(r"^title: .*$", f'title: "Step {step}: a new title"', text, count=1, flags=re.M)
    elif kind == "summary":
        text = re.sub(r"^summary: .*$", f'summary: "A summary written at step {step}."', text, count=1, flags=re.M)
    elif kind == "topics":
        text = re.sub(r"^topics: .*$", rng.choice(["topics: [sleep]", "topics: [therapy, anxiety]"]), text,
                      count=1, flags=re.M)
    elif kind == "reference":   # an entry's title changes: its citations, the sources page, the feed
        text = re.sub(r'^    title: "', f'    title: "Revised at step {step}: ', text, count=1, flags=re.M)
    elif kind == "add":
        (hub / "articles" / f"added-{step}.md").write_text(re.sub(r"^(previous|next): .*\n", "", text, flags=re.M),
                                                          "utf-8")
        return f"{kind} (a copy of {target.name})"
    target.write_text(text, "utf-8")
    return f"{kind} {target.name}"


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3])
def test_a_larger_hub_after_random_edits_in_one_process_equals_a_clean_build(tmp_path, seed):
    """The preview's path (bookkeeping after each build, everything reused that can be) on a hub of a
    few dozen articles, each build compared with a clean one."""
    import random

    rng = random.Random(seed)
    hub = _large_hub(tmp_path / "hub", 60)

    def preview_build():
        result = build(BuildOptions(hub, hub / "output", search_index=False, future=True, defer_bookkeeping=True))
        assert result.ok, [d.format() for d in result.diagnostics if d.severity == "error"][:3]
        assert result.bookkeeping is not None
        result.bookkeeping()
        return result

    preview_build()
    for step in range(6):
        what = _random_edit(hub, rng, step)
        preview_build()
        clean = tmp_path / f"clean{step}"
        assert build(BuildOptions(hub, clean, search_index=False, future=True, use_cache=False)).ok
        assert _pages(hub / "output") == _pages(clean), f"step {step}: {what}"
        shutil.rmtree(clean)


def test_the_sitemap_follows_a_new_date_in_the_same_process(tmp_path):
    hub = make_site(tmp_path / "hub")
    _build(hub, hub / "output")
    second = hub / "articles" / "second-steps.md"
    second.write_text(second.read_text("utf-8").replace("date: 2026-02-01", "date: 2026-02-01\nupdated: 2026-03-05"),
                      "utf-8")
    _build(hub, hub / "output")
    sitemap = (hub / "output" / "sitemap.xml").read_text("utf-8")
    assert "/articles/second-steps/</loc><lastmod>2026-03-05</lastmod>" in sitemap
    _same_as_a_clean_build(hub, tmp_path, "clean")


def test_a_citation_found_unknown_is_checked_again_when_the_shared_bibliography_gains_it(tmp_path):
    hub = _site(tmp_path / "hub")
    _build(hub, hub / "output")
    second = hub / "articles" / "second-steps.md"
    second.write_text(second.read_text("utf-8") + "\nAs shown before [@later2021].\n", "utf-8")
    result = build(BuildOptions(hub, hub / "output", search_index=False))
    assert [(d.code, d.path) for d in result.diagnostics if d.severity == "error"] == \
        [("unknown-citation", "articles/second-steps.md")]
    references = hub / "data" / "references.yaml"
    references.write_text(REFERENCES + REFERENCES.replace("shared2020", "later2021").replace("2020", "2021"),
                          "utf-8")
    _build(hub, hub / "output")   # the second article's findings were made with the old bibliography
    assert "/articles/second-steps/#ref-later2021" in (hub / "output" / "sources" / "index.html").read_text("utf-8")
