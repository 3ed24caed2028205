"""Site -> the list of outputs, each with the inputs it reads (and their fingerprints).

Nothing is rendered here: an Output knows its template and how to build its
context, so that the writer can skip outputs whose inputs did not change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from generator import __version__
from generator import publish
from generator.assemble import fingerprint
from generator.model import Article, Site
from generator.templates import Templates
from generator.theme import static_files as theme_static_files

HOME_LATEST = 12
# The long-article threshold for a table of contents: three or more sections.
TOC_MIN_HEADINGS = 3


@dataclass(frozen=True)
class Output:
    """One file of the built site and what it was made from."""

    path: str                                      # relative to the output folder, posix
    inputs: tuple[tuple[str, str], ...]            # (what was read, its fingerprint)
    template: str = ""                             # template to render, or "" for a copy
    context: Callable[[], Mapping[str, Any]] | None = field(default=None, compare=False)
    copy_from: str = ""                            # absolute path of a static file
    produce: Callable[[], bytes] | None = field(default=None, compare=False)  # non-template outputs

    @property
    def fingerprint(self) -> str:
        """One fingerprint over all inputs."""
        return fingerprint(self.inputs)


def card_fingerprint(article: Article) -> str:
    """What a listing shows of an article: title, link, summary, dates, topics, authors."""
    m = article.meta
    return fingerprint(m.title, article.url, m.summary, m.date, m.updated, m.topics, m.authors,
                       article.reading_minutes, m.content_note, m.draft, m.reviewed_on)


def public_urls(site: Site) -> set[str]:
    """Site-relative URLs of every page and file the build will write."""
    urls = {"/", "/topics/", "/authors/", "/sources/", "/search/", "/404.html"}
    urls.update(a.url for a in site.articles + site.pages)
    urls.update(f"/topics/{t}/" for t in site.topics)
    urls.update(f"/authors/{a}/" for a in site.authors)
    urls.update(f"/static/{f}" for f in site.static_files)
    return urls


def plan(site: Site, templates: Templates, site_dir: Path, authors_digest: str, headers: bool = False) -> list[Output]:
    """Every output of the build, in a stable order."""
    config = site.config
    common = (("generator", __version__), ("config", config.digest))
    cards = {a.slug: card_fingerprint(a) for a in site.articles}
    people: dict[tuple, str] = {}   # authors and reviewer shown on a page -> fingerprint (few distinct)
    outputs: list[Output] = []

    def page(path: str, template: str, extra_inputs: tuple, context: Callable[[], dict]) -> None:
        outputs.append(Output(path, common + (("template:" + template, templates.digest(template)),) + extra_inputs,
                              template, context))

    def base(url: str, title: str, description: str = "") -> dict:
        return {"config": config, "topics": site.topics, "crisis": config.crisis, "page_url": url,
                "page_title": title, "description": description or config.description,
                "crisis_top": False, "nav_current": url, "head": {}}

    def listing(articles: list[Article]) -> tuple[tuple[str, str], ...]:
        return (("cards", fingerprint([cards[a.slug] for a in articles])),)

    # home
    latest = site.articles[:HOME_LATEST]
    counts = {t: 0 for t in site.topics}
    for a in site.articles:
        for t in a.meta.topics:
            if t in counts:
                counts[t] += 1
    page("index.html", "home.html", listing(latest) + (("topic-counts", fingerprint(counts)),),
         lambda: {**base("/", config.title), "latest": latest, "topic_counts": counts})

    # articles and standalone pages
    for article in site.articles + site.pages:
        outputs.append(_article_output(site, article, templates, common, cards, base, people))

    # topics
    page("topics/index.html", "topics.html", (("topic-counts", fingerprint(counts)),),
         lambda: {**base("/topics/", "Topics"), "topic_counts": counts})
    for tid, topic in site.topics.items():
        in_topic = [a for a in site.articles if tid in a.meta.topics]
        page(f"topics/{tid}/index.html", "topic.html", listing(in_topic),
             lambda topic=topic, in_topic=in_topic: {**base(f"/topics/{topic.id}/", topic.title, topic.description),
                                                     "topic": topic, "articles": in_topic})

    # authors
    author_digest = (("authors", authors_digest),)
    by_author: dict[str, list[Article]] = {aid: [] for aid in site.authors}
    for a in site.articles:
        for aid in dict.fromkeys(a.meta.authors + ((a.meta.reviewed_by,) if a.meta.reviewed_by else ())):
            if aid in by_author:
                by_author[aid].append(a)
    page("authors/index.html", "authors.html", author_digest + (("author-counts", fingerprint(
        {k: len(v) for k, v in by_author.items()})),),
         lambda: {**base("/authors/", "Authors"), "authors": site.authors, "by_author": by_author})
    for aid, author in site.authors.items():
        written = by_author[aid]
        page(f"authors/{aid}/index.html", "author.html", author_digest + listing(written),
             lambda author=author, written=written: {**base(f"/authors/{author.id}/", author.name, author.bio),
                                                     "author": author, "articles": written})

    # sources, search, 404
    page("sources/index.html", "sources.html",
         (("sources", fingerprint([(s.key, s.html, s.cited_in) for s in site.sources])),
          ("titles", fingerprint({a.slug: a.meta.title for a in site.articles}))),
         lambda: {**base("/sources/", "Sources"), "sources": site.sources, "by_slug": site.by_slug})
    page("search/index.html", "search.html", (), lambda: base("/search/", "Search"))
    page("404.html", "404.html", (), lambda: base("/404.html", "Page not found"))

    # static files
    static_sources = theme_static_files(site_dir)   # the hub's static/ first, then the default theme's
    for rel in site.static_files:
        full = static_sources[rel]
        outputs.append(Output(f"static/{rel}", (("file", _file_digest(full)),), copy_from=str(full)))
    outputs += publish.extra_outputs(site, templates, common, Output, headers)
    return outputs


def _article_output(site: Site, article: Article, templates: Templates, common: tuple, cards: dict,
                    base: Callable[..., dict], people: dict[tuple, str]) -> Output:
    meta = article.meta
    template = meta.template or ("article.html" if article.kind == "article" else "page.html")
    authors = [site.authors[a] for a in meta.authors if a in site.authors]
    reviewer = site.authors.get(meta.reviewed_by) if meta.reviewed_by else None
    topics = [site.topics[t] for t in meta.topics if t in site.topics]
    previous, following = site.neighbours.get(article.slug, (None, None))
    related = site.related.get(article.slug, [])
    who = (meta.authors, meta.reviewed_by)
    if who not in people:
        people[who] = fingerprint(authors, reviewer)
    inputs = common + (
        ("template:" + template, templates.digest(template)),
        ("source:" + article.source.path, article.source.digest),
        ("citations", article.citations_key),
        ("authors", people[who]),
        ("neighbours", fingerprint(previous and (previous.title, previous.url),
                                   following and (following.title, following.url))),
        ("related", fingerprint([cards[a.slug] for a in related])),
    )

    def context() -> dict:
        crumbs = [("Home", "/")]
        if article.kind == "article":
            crumbs.append(("Articles", "/topics/") if not topics else (topics[0].title, f"/topics/{topics[0].id}/"))
        return {
            **base(article.url, meta.title, meta.summary),
            "article": article, "meta": meta, "authors": authors, "reviewer": reviewer,
            "article_topics": topics, "previous": previous, "next": following, "related": related,
            "show_toc": len(article.source.headings) >= TOC_MIN_HEADINGS,
            "crisis_top": article.source.on_sensitive_topics, "breadcrumbs": crumbs,
            "head": publish.article_head(site, article),
        }

    return Output(f"{article.url.strip('/')}/index.html", inputs, template, context)


def _file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=12).hexdigest()
