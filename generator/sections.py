"""The section pages of each language: home, topics, the archive, each topic and author, sources, search and
help, listing articles by their cards; and the 404 page. Planned with the rest by generator.plan; the preview's
shortcut plans again those that show an article whose card changed (generator.reuse)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from generator import listings
from generator.crisisconfig import HELP_URL
from generator.lastbuild import LastMade
from generator.listings import page_title, paginate
from generator.model import Article, CitedWork, Language, Site
from generator.outputs import Inputs, Output, Page, fingerprint
from generator.templates import Templates
from generator.translations import cited_works_in, homes

HOME_LATEST = 12

# Each page of /sources/, by the works it shows: a page is rendered again only when one of its works (its text,
# or the articles citing it) changes, and in a long-lived process the works are the same objects while the list
# is unchanged, so a save costs a walk over them, not hashing every work's text again.
_SOURCES_PAGES: LastMade[str] = LastMade()

Showing = Callable[[Sequence[Any]], bool]   # whether a page listing these articles (or works) is wanted


def section_outputs(site: Site, templates: Templates, common: Inputs, cards: dict[str, str],
                    base: Callable[..., dict], authors_digest: str, showing: Showing | None = None) -> list[Output]:
    """The section pages of every language and the 404 page; with `showing`, only the pages listing articles
    (or works) that `showing` wants: their cards (or titles) are all these pages show of other files."""
    outputs: list[Output] = []

    def page(path: str, template: str, extra_inputs: Inputs, context: Callable[..., dict],
             items: Sequence[Any] | None = None) -> None:
        if showing is None or (items is not None and showing(items)):
            outputs.append(Page(path, common + (("template:" + template, templates.digest(template)),)
                                + extra_inputs, template, context))

    def listing(articles: list[Article]) -> tuple[tuple[str, str], ...]:
        return (("cards", fingerprint([cards[a.slug] for a in articles])),)

    # every section page links to its versions in the other languages, so the list of languages is an input
    languages = (("languages", fingerprint([(lang.code, lang.name, lang.dir) for lang in site.config.languages])),)
    for language in site.config.languages:
        _section_pages(site, language, page, base, listing, languages + (("lang", language.code),), authors_digest,
                       showing)
    page("404.html", "404.html", languages, lambda: {**base("/404.html", "Page not found"), "alternates": homes(site)})
    return outputs


def _section_pages(site: Site, language: Language, page: Callable[..., None], base: Callable[..., dict],
                   listing: Callable[[list[Article]], Inputs], common: Inputs, authors_digest: str,
                   showing: Showing | None) -> None:
    """Home, topics, authors, sources, search and help in one language, listing that language's articles
    (`page` is given the articles or works a listing shows; the rest show none)."""
    at = language.prefix.lstrip("/") + "/" if language.prefix else ""
    articles = site.in_language(language.code)
    latest = articles[:HOME_LATEST]
    counts = {t: len(site.in_topic(language.code, t)) for t in site.topics}
    topics = (("topics", fingerprint([(t.id, t.title, t.description) for t in language.topics.values()])),)
    page(f"{at}index.html", "home.html", common + topics + listing(latest) + (("topic-counts", fingerprint(counts)),),
         lambda: {**base(language.url("/"), language.title, language=language), "latest": latest,
                  "topic_counts": counts}, latest)
    page(f"{at}topics/index.html", "topics.html", common + topics + (("topic-counts", fingerprint(counts)),),
         lambda: {**base(language.url("/topics/"), "Topics", language=language), "topic_counts": counts})

    def paged(url: str, template: str, title: str, items: list[Article], inputs: Inputs, extra: dict,
              description: str = "") -> None:
        """A listing split into pages of `per_page` articles: /x/, /x/page/2/ ... (under the language's prefix)."""
        for part in paginate(language.url(url), items, site.config.per_page):
            if showing is not None and not showing(part.items):
                continue   # (its inputs are not even made)
            pager = part.pager
            page(part.path, template, inputs + listing(list(part.items)) + (("pager", fingerprint(pager)),),
                 functools.partial(_listing_context, base, language, pager, page_title(title, pager), description,
                                   {"nav_current": language.url(url), "pager": pager, "articles": part.items, **extra}),
                 part.items)

    paged("/articles/", "archive.html", "All articles", articles, common, {})
    for tid, topic in language.topics.items():
        paged(f"/topics/{tid}/", "topic.html", topic.title, site.in_topic(language.code, tid),
              common + topics, {"topic": topic}, topic.description)

    author_digest = (("authors", authors_digest),)
    by_author = {aid: site.by_person(language.code, aid) for aid in site.authors}
    page(f"{at}authors/index.html", "authors.html", common + author_digest + (("author-counts", fingerprint(
        {k: len(v) for k, v in by_author.items()})),),
         lambda: {**base(language.url("/authors/"), "Authors", language=language), "authors": site.authors,
                  "by_author": by_author})
    for aid, author in site.authors.items():
        paged(f"/authors/{aid}/", "author.html", author.name, by_author[aid], common + author_digest,
              {"author": author}, author.bio)

    # /sources/ in pages of SOURCES_PER_PAGE works (`sources` in the template: hub templates use that name): a
    # page of 34,000 works was 18 MB, and renaming one article rendered all of it again; now a page is
    # rendered again when its works or the titles of the articles citing them change
    cited = cited_works_in(site, language.code)
    for part in paginate(language.url("/sources/"), cited, listings.SOURCES_PER_PAGE):
        if showing is not None and not showing(part.items):
            continue
        shown = sorted({slug for work in part.items for slug in work.cited_in if slug in site.by_slug})
        page(part.path, "sources.html",
             common + (("cited-works", _SOURCES_PAGES.get((language.code, part.pager.number), tuple(part.items),
                                                          _works_fingerprint, part.items)),
                       ("titles", fingerprint([(slug, site.by_slug[slug].meta.title) for slug in shown])),
                       ("pager", fingerprint(part.pager))),
             functools.partial(_listing_context, base, language, part.pager, page_title("Sources", part.pager), "",
                               {"nav_current": language.url("/sources/"), "pager": part.pager, "sources": part.items,
                                "first_number": (part.pager.number - 1) * listings.SOURCES_PER_PAGE + 1,
                                "by_slug": site.by_slug}), part.items)
    page(f"{at}search/index.html", "search.html", common, lambda: base(language.url("/search/"), "Search",
                                                                         language=language))
    crisis = site.config.crisis   # the help page: this language's services first (see crisisconfig)
    page(f"{at}help/index.html", "help.html", common,
         lambda: base(language.url(HELP_URL), crisis.text("heading", language.code),
                      crisis.text("intro", language.code), language=language))


def _works_fingerprint(works: Sequence[CitedWork]) -> str:
    return fingerprint([(work.key, work.html, work.cited_in) for work in works])


def _listing_context(base: Callable[..., dict], language: Language, pager, title: str, description: str,
                     extra: dict) -> dict:
    return {**base(pager.url, title, description, language=language), **extra}


