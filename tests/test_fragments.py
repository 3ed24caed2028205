"""The crisis region is rendered once per build and language (`cached_include`), and every page still
shows what a plain `{% include %}` would have written on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from generator.fragments import FragmentMemory, context_names, referenced_templates
from tests.publishkit import build_ok, copy_sample
from tests.sitekit import THEME, article, make_site

PLAIN_INCLUDE = '{% include "crisis.html" %}'
CACHED_INCLUDE = '{{ cached_include("crisis.html") }}'


def pages(out: Path) -> dict[str, str]:
    """Every HTML page of a built site by path."""
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.rglob("*.html"))}


def test_the_theme_uses_the_cached_region():
    assert CACHED_INCLUDE in (THEME / "templates" / "base.html").read_text("utf-8")


def test_two_language_hub_is_byte_identical_to_plain_includes(tmp_path):
    """The sample hub (English and Spanish) built with the theme's base.html, and again with a hub
    base.html that includes the crisis region on every page: every page is the same, byte for byte."""
    cached = copy_sample(tmp_path / "cached")
    build_ok(cached, cached / "out", use_cache=False, search_index=False)
    plain = copy_sample(tmp_path / "plain")
    base = (THEME / "templates" / "base.html").read_text("utf-8")
    (plain / "templates").mkdir(exist_ok=True)
    (plain / "templates" / "base.html").write_text(base.replace(CACHED_INCLUDE, PLAIN_INCLUDE), "utf-8")
    build_ok(plain, plain / "out", use_cache=False, search_index=False)
    cached_pages, plain_pages = pages(cached / "out"), pages(plain / "out")
    assert cached_pages.keys() == plain_pages.keys()
    spanish = [path for path in cached_pages if path.startswith("es/")]
    assert spanish, "the sample hub has Spanish pages"
    for path, text in cached_pages.items():
        assert text == plain_pages[path], path
    # each language's pages carry that language's region
    assert 'id="crisis-help"' in cached_pages["index.html"] and 'id="crisis-help"' in cached_pages["es/index.html"]
    english = cached_pages["index.html"].split('id="crisis-help"')[1].split("</aside>")[0]
    spanish_region = cached_pages["es/index.html"].split('id="crisis-help"')[1].split("</aside>")[0]
    assert english != spanish_region


def test_a_hub_region_that_reads_the_page_is_right_on_every_page(tmp_path):
    """A hub's own crisis.html that shows the page's title: each page shows its own title."""
    hub = make_site(tmp_path / "hub")
    (hub / "templates" / "crisis.html").write_text(
        '<aside class="crisis" id="crisis-help"><p class="about-page">Help with: {{ page_title }}</p></aside>\n',
        "utf-8")
    build_ok(hub, hub / "out")
    first = (hub / "out" / "articles" / "first-steps" / "index.html").read_text("utf-8")
    second = (hub / "out" / "articles" / "second-steps" / "index.html").read_text("utf-8")
    assert '<p class="about-page">Help with: First steps</p>' in first
    assert '<p class="about-page">Help with: Second steps</p>' in second


def test_editing_the_region_rebuilds_every_page_that_shows_it(tmp_path):
    """The region is a dependency of every page, though no {% include %} names it: an incremental build
    after an edit of crisis.html writes the new region everywhere."""
    hub = make_site(tmp_path / "hub", {"first-steps.md": article("First steps")})
    build_ok(hub, hub / "out")
    region = hub / "templates" / "crisis.html"
    region.write_text(region.read_text("utf-8").replace('<div class="wrap">', '<div class="wrap edited-region">'),
                      "utf-8")
    result = build_ok(hub, hub / "out")
    for path in ("index.html", "articles/first-steps/index.html", "topics/calm/index.html"):
        assert "edited-region" in (hub / "out" / path).read_text("utf-8"), path
        assert path in result.written


def _trees(texts: dict[str, str]) -> dict[str, jinja2.nodes.Template]:
    env = jinja2.Environment()
    return {name: env.parse(text) for name, text in texts.items()}


def test_a_region_naming_a_template_at_render_time_is_never_remembered():
    texts = {"region.html": "{% include which %}", "fixed.html": '{% include "part.html" %}{{ a }}',
             "part.html": "{{ b }}{{ cached_include(name) }}", "named.html": '{{ cached_include("x.html") }}'}
    trees = _trees(texts)

    def chain(name: str) -> list[str]:
        return {"region.html": ["region.html"], "fixed.html": ["fixed.html", "part.html"]}[name]

    assert referenced_templates(trees["region.html"]) == [None]
    assert referenced_templates(trees["part.html"]) == [None]
    assert referenced_templates(trees["named.html"]) == ["x.html"]
    assert referenced_templates(trees["part.html"], texts["part.html"]) == [None]
    assert context_names(trees, texts, chain, "region.html") is None
    assert context_names(trees, texts, chain, "fixed.html") is None   # part.html names one at render time
    texts["part.html"] = "{{ b }}"
    assert context_names(_trees(texts), texts, chain, "fixed.html") == {"a", "b"}


def test_the_memory_keys_by_every_value_read_and_forgets_what_it_wrote_between_builds():
    env = jinja2.Environment()
    template = env.from_string("{{ page_title }}|{{ lang }}")
    memory = FragmentMemory(lambda name: frozenset({"page_title", "lang"}))
    one = template.new_context({"page_title": "One", "lang": "en"})
    two = template.new_context({"page_title": "Two", "lang": "en"})
    key_one, key_two = memory.key("r.html", one), memory.key("r.html", two)
    assert key_one is not None and key_two is not None and key_one != key_two
    assert memory.key("r.html", template.new_context({"page_title": "One", "lang": "en"})) == key_one
    memory.keep(key_one, jinja2.utils.markupsafe.Markup("kept"))
    assert memory.recall(key_one) == "kept" and memory.recall(key_two) is None
    memory.forget_written()
    assert memory.recall(key_one) is None
    assert memory.names_read("r.html") == ("lang", "page_title")   # the templates did not change
    assert FragmentMemory(lambda name: None).key("r.html", one) is None


@pytest.mark.parametrize("shown", ["{{ cached_include('crisis.html') }}", "{{ cached_include(page_title) }}"])
def test_an_unknown_region_is_a_finding_not_a_traceback(tmp_path, shown):
    from generator.build import BuildOptions, build

    hub = make_site(tmp_path / "hub")
    base = hub / "templates" / "base.html"
    base.write_text(base.read_text("utf-8").replace(CACHED_INCLUDE, shown), "utf-8")
    shutil.rmtree(hub / "templates" / "partials")
    (hub / "templates" / "crisis.html").unlink()   # the theme's own is still there for the literal name
    result = build(BuildOptions(hub, hub / "out"))
    if "page_title" in shown:
        assert not result.ok
        errors = [d for d in result.diagnostics if d.severity == "error"]
        assert errors and "there is no template" in errors[0].message
    else:
        assert result.ok
