"""A hub in several languages: URLs per language, translations linked both ways, switcher, hreflang,
feeds, sitemap, sources, search index per language, and every way a writer can get it wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from tests.sitekit import SITE_YAML, article, internal_links, make_site

TWO = SITE_YAML + """\
languages:
  - code: en
    name: English
    default: true
  - code: es
    name: Español
    tagline: Un centro de prueba
    topics:
      calm: {title: Calma, description: Artículos sobre la calma.}
      sleep: {title: Sueño, description: Artículos sobre el sueño.}
"""

SPANISH_BODY = "Respirar despacio puede ayudar.\n\n## Por qué ayuda\n\nLe da un momento de calma.\n"


def es_article(title: str, original: str = "", extra: str = "", date: str = "2026-01-10") -> str:
    lines = f"translation_of: {original}\n" if original else ""
    return article(title, extra=lines + extra, body=SPANISH_BODY, date=date)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    root = tmp_path_factory.mktemp("two")
    site = make_site(root / "site", {
        "first-steps.md": article("First steps", next="second-steps"),
        "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01"),
        "es/primeros-pasos.md": es_article("Primeros pasos", "first-steps"),
    }, site_yaml=TWO)
    (site / "pages" / "es").mkdir()
    (site / "pages" / "es" / "about.md").write_text(
        "---\ntitle: Quiénes somos\nsummary: Sobre este centro.\ntranslation_of: about\n---\nEscribimos sobre la calma.\n")
    result = build(BuildOptions(site, site / "output"))
    assert result.ok, [d.format() for d in result.diagnostics]
    return site, result


def read(site: Path, rel: str) -> str:
    return (site / "output" / rel).read_text("utf-8")


def test_every_section_exists_in_each_language(hub):
    site, _ = hub
    for rel in ("index.html", "topics/index.html", "topics/calm/index.html", "authors/index.html",
                "authors/alex-example/index.html", "sources/index.html", "search/index.html", "feed.xml",
                "topics/calm/feed.xml", "about/index.html"):
        assert (site / "output" / rel).is_file(), rel
        assert (site / "output" / "es" / rel).is_file(), "es/" + rel
    assert (site / "output" / "es/articles/primeros-pasos/index.html").is_file()
    assert not internal_links(site / "output")


def test_pages_say_their_language_and_direction(hub):
    site, _ = hub
    assert '<html lang="es" dir="ltr">' in read(site, "es/articles/primeros-pasos/index.html")
    assert '<html lang="es" dir="ltr">' in read(site, "es/topics/index.html")
    assert '<html lang="en" dir="ltr">' in read(site, "articles/first-steps/index.html")
    spanish = read(site, "es/articles/primeros-pasos/index.html")
    assert "<dt>Escrito por</dt>" in spanish and "Saltar al contenido principal" in spanish
    assert "Calma" in spanish and 'href="/es/topics/calm/"' in spanish
    assert "<title>Temas · Test Hub</title>" in read(site, "es/topics/index.html")


def test_translations_link_to_each_other_both_ways_with_x_default(hub):
    site, _ = hub
    links = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
    expected = {("en", "https://test.example.org/articles/first-steps/"),
                ("x-default", "https://test.example.org/articles/first-steps/"),
                ("es", "https://test.example.org/es/articles/primeros-pasos/")}
    assert set(links.findall(read(site, "articles/first-steps/index.html"))) == expected
    assert set(links.findall(read(site, "es/articles/primeros-pasos/index.html"))) == expected
    # an article with no translation claims no alternate
    assert links.findall(read(site, "articles/second-steps/index.html")) == []
    # section pages exist in every language
    assert ("es", "https://test.example.org/es/topics/") in links.findall(read(site, "topics/index.html"))


def test_the_switcher_names_each_language_in_itself_and_keeps_the_reader_on_the_article(hub):
    site, _ = hub
    switcher = re.compile(r'<nav class="language-switcher"[^>]*>(.*?)</nav>', re.S)
    english = switcher.search(read(site, "articles/first-steps/index.html")).group(1)
    assert 'href="/es/articles/primeros-pasos/" lang="es" hreflang="es"' in english and ">Español</a>" in english
    assert 'href="/articles/first-steps/" lang="en"' in english and 'aria-current="page">English</a>' in english
    spanish = switcher.search(read(site, "es/articles/primeros-pasos/index.html")).group(1)
    assert 'href="/articles/first-steps/"' in spanish
    untranslated = switcher.search(read(site, "articles/second-steps/index.html")).group(1)
    assert 'href="/es/" lang="es"' in untranslated   # no translation: that language's home
    about = switcher.search(read(site, "about/index.html")).group(1)
    assert 'href="/es/about/"' in about


def test_each_language_lists_only_its_own_articles(hub):
    site, _ = hub
    spanish_home = read(site, "es/index.html")
    assert "Primeros pasos" in spanish_home and "Second steps" not in spanish_home
    assert "Un centro de prueba" in spanish_home
    english_home = read(site, "index.html")
    assert "Primeros pasos" not in english_home
    feed = read(site, "es/feed.xml")
    assert 'xml:lang="es"' in feed and "Primeros pasos" in feed and "First steps" not in feed
    assert "Primeros pasos" not in read(site, "feed.xml")


def test_the_sitemap_lists_every_language_with_alternates(hub):
    site, _ = hub
    sitemap = read(site, "sitemap.xml")
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    entry = re.search(r"<url><loc>https://test.example.org/es/articles/primeros-pasos/</loc>.*?</url>", sitemap).group(0)
    assert 'hreflang="en" href="https://test.example.org/articles/first-steps/"' in entry
    assert 'hreflang="x-default" href="https://test.example.org/articles/first-steps/"' in entry
    back = re.search(r"<url><loc>https://test.example.org/articles/first-steps/</loc>.*?</url>", sitemap).group(0)
    assert 'hreflang="es" href="https://test.example.org/es/articles/primeros-pasos/"' in back
    assert "<loc>https://test.example.org/es/topics/calm/</loc>" in sitemap


def test_the_search_index_is_split_by_language(hub):
    site, _ = hub
    entry = json.loads(read(site, "pagefind/pagefind-entry.json"))
    assert {"en", "es"} <= set(entry["languages"])
    assert entry["languages"]["es"]["page_count"] == 1
    assert entry["languages"]["en"]["page_count"] == 2


def test_a_hub_without_languages_is_unchanged(tmp_path):
    site = make_site(tmp_path / "one")
    assert build(BuildOptions(site, site / "output")).ok
    page = read(site, "articles/first-steps/index.html")
    assert "language-switcher" not in page and "hreflang" not in page
    assert "xhtml" not in read(site, "sitemap.xml") and not (site / "output" / "en").exists()


@pytest.mark.parametrize("files, path, line, code, words", [
    ({"es/x.md": es_article("X", "frist-steps")}, "articles/es/x.md", 7, "unknown-translation", "did you mean 'first-steps'"),
    ({"es/x.md": es_article("X", "first-steps"), "es/y.md": es_article("Y", "x")},
     "articles/es/y.md", 7, "translation-of-translation", "translation_of: first-steps"),
    ({"z.md": article("Z", extra="translation_of: first-steps")}, "articles/z.md", 7, "translation-same-language", ""),
    ({"es/x.md": es_article("X", "first-steps"), "es/y.md": es_article("Y", "first-steps", date="2026-03-01")},
     "articles/es/x.md", 7, "duplicate-translation", "already has a es translation: articles/es/y.md"),
    ({"x.md": article("X", extra="lang: fr")}, "articles/x.md", 7, "unknown-language", "add it to `languages:`"),
    ({"es/x.md": article("X", extra="lang: en")}, "articles/es/x.md", 7, "language-conflict", "articles/en/"),
    ({"es/x.md": es_article("X", "x")}, "articles/es/x.md", 7, "unknown-translation", "names this article itself"),
    ({"x.md": article("X", extra="lang: ES")}, "articles/x.md", 7, "unknown-language", "write it as `lang: es`"),
    ({"es/x.md": es_article("X", "y"), "y.md": article("Y", extra="translation_of: x")}, "articles/es/x.md", 7,
     "translation-of-translation", "'y' is itself a translation (of 'x')"),   # a loop: both are told
])
def test_a_wrong_translation_is_an_error_at_its_line(tmp_path, files, path, line, code, words):
    site = make_site(tmp_path / "bad", {"first-steps.md": article("First steps"), **files}, site_yaml=TWO)
    out = site / "output"
    result = build(BuildOptions(site, out))
    found = [d for d in result.diagnostics if d.code == code]
    assert found, [d.format() for d in result.diagnostics]
    assert (found[0].path, found[0].line, found[0].severity) == (path, line, "error")
    assert words in found[0].format()
    assert not out.exists()


# SITE_YAML says `language: en` on line 5; `languages:` starts on line 25, its items on 26 and 27
@pytest.mark.parametrize("languages, code, line, words", [
    ("  - code: en\n  - code: english\n", "bad-language", 27, "must be a language tag such as en-GB"),
    ("  - code: en\n  - code: tlh\n", "unknown-language", 27, "does not know the language 'tlh'"),
    ("  - code: en\n  - code: en\n", "duplicate-language", 27, "listed twice"),
    ("  - code: es\n  - code: ES\n", "duplicate-language", 27, "listed twice"),
    ("  - {code: en, default: true}\n  - {code: es, default: true}\n", "several-default-languages", 27,
     "mark exactly one"),
    ("  - {code: en, dir: sideways}\n", "bad-direction", 26, "`dir: sideways`"),
    ("  - {code: es, default: true}\n", "language-conflict", 5, "`language: en` disagrees"),
    ("  - {code: en, topics: {clam: Calma}}\n", "unknown-topic", 26, "did you mean 'calm'"),
    ("  - 42\n", "bad-language", 26, "a language must be a code and a name, not a number"),
    ("  - {name: Español}\n", "bad-language", 26, "language 1 has no code"),
])
def test_a_wrong_languages_setting_is_an_error_in_site_yaml(tmp_path, languages, code, line, words):
    site = make_site(tmp_path / "bad", site_yaml=SITE_YAML + "languages:\n" + languages)
    result = build(BuildOptions(site, site / "output", write=False))
    found = [d for d in result.diagnostics if d.code == code]
    assert found, [d.format() for d in result.diagnostics]
    assert (found[0].path, found[0].line, found[0].severity) == ("site.yaml", line, "error")
    assert words in found[0].format()
    assert not result.ok


def test_a_page_may_not_take_a_language_code_as_its_slug(tmp_path):
    site = make_site(tmp_path / "bad", site_yaml=TWO)
    (site / "pages" / "es.md").write_text("---\ntitle: Es\n---\nText.\n")
    result = build(BuildOptions(site, site / "output", write=False))
    assert any(d.code == "reserved-slug" and d.path == "pages/es.md" for d in result.diagnostics)


def test_a_spanish_article_is_scored_in_spanish(tmp_path):
    hard = ("La psicoterapia interpersonal constituye una intervención psicológica estructurada, fundamentada "
            "empíricamente, cuya eficacia terapéutica ha sido demostrada reiteradamente mediante investigaciones "
            "controladas y aleatorizadas internacionales.\n")
    site = make_site(tmp_path / "hub", {"first-steps.md": article("First steps"),
                                        "es/dificil.md": article("Difícil", body=hard)}, site_yaml=TWO)
    result = build(BuildOptions(site, site / "output", write=False))
    found = [d for d in result.diagnostics if d.code == "readability"]
    assert [d.path for d in found] == ["articles/es/dificil.md"]
    assert "Szigriszt-Pazos" in found[0].message


def test_a_changed_translation_rewrites_the_pages_that_show_it(tmp_path):
    site = make_site(tmp_path / "hub", {"first-steps.md": article("First steps"),
                                        "es/primeros-pasos.md": es_article("Primeros pasos", "first-steps")},
                     site_yaml=TWO)
    assert build(BuildOptions(site, site / "output")).ok
    (site / "locales").mkdir()
    (site / "locales" / "es.po").write_text('msgid "Written by"\nmsgstr "Redactado por"\n', "utf-8")
    again = build(BuildOptions(site, site / "output"))
    assert again.ok and "es/articles/primeros-pasos/index.html" in again.written
    assert "<dt>Redactado por</dt>" in read(site, "es/articles/primeros-pasos/index.html")


def test_adding_a_translation_rewrites_the_original_with_its_new_alternate(tmp_path):
    site = make_site(tmp_path / "hub", {"first-steps.md": article("First steps")}, site_yaml=TWO)
    assert build(BuildOptions(site, site / "output")).ok
    assert "hreflang" not in read(site, "articles/first-steps/index.html").split("</head>")[0]
    (site / "articles" / "es").mkdir()
    (site / "articles" / "es" / "primeros-pasos.md").write_text(es_article("Primeros pasos", "first-steps"), "utf-8")
    again = build(BuildOptions(site, site / "output"))
    assert again.ok and "articles/first-steps/index.html" in again.written
    original = read(site, "articles/first-steps/index.html")
    assert 'hreflang="es" href="https://test.example.org/es/articles/primeros-pasos/"' in original
    assert 'href="/es/articles/primeros-pasos/" lang="es"' in original


def test_a_translation_of_a_scheduled_article_is_published_alone_until_the_original_is(tmp_path):
    """Translating an article before its publication day is no error: the translation is published
    alone; the preview (--future) links the two; on the original's day the build links them."""
    from datetime import date

    site = make_site(tmp_path / "hub", {"first-steps.md": article("First steps", date="2026-03-01"),
                                        "es/primeros-pasos.md": es_article("Primeros pasos", "first-steps")},
                     site_yaml=TWO)
    before = build(BuildOptions(site, site / "output", today=date(2026, 2, 1), search_index=False))
    assert before.ok, [d.format() for d in before.diagnostics]
    spanish = read(site, "es/articles/primeros-pasos/index.html")
    assert "/articles/first-steps/" not in spanish and "hreflang" not in spanish.split("</head>")[0]

    preview = build(BuildOptions(site, tmp_path / "preview", today=date(2026, 2, 1), future=True,
                                 search_index=False))
    assert preview.ok, [d.format() for d in preview.diagnostics]
    shown = (tmp_path / "preview" / "es/articles/primeros-pasos/index.html").read_text("utf-8")
    assert 'hreflang="en" href="https://test.example.org/articles/first-steps/"' in shown
    assert "/articles/first-steps/" not in (tmp_path / "preview" / "sitemap.xml").read_text("utf-8")

    on_the_day = build(BuildOptions(site, site / "output", today=date(2026, 3, 1), search_index=False))
    assert on_the_day.ok and "es/articles/primeros-pasos/index.html" in on_the_day.written
    assert 'hreflang="en" href="https://test.example.org/articles/first-steps/"' in read(
        site, "es/articles/primeros-pasos/index.html")
