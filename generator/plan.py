"""Site -> every file the build writes, each with the inputs it reads (and their fingerprints).

The plan is the single truth about what a build writes: pages, feeds, sitemap, robots, `_headers`,
static files and the search index bundle. The link check asks it which URLs exist, and the one
writer writes exactly these outputs. Nothing is rendered here: an output knows its template (or
producer) and how to build its context, so outputs whose inputs did not change are never rendered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from generator import __version__, feeds, search_index, sitemap, structured
from generator import headers as host_headers
from generator.backlinks import address_break_points, backlink_labels, citation_sections
from generator.checks.review import review_due_date
from generator.confine.hub import read_site_file
from generator.crisisconfig import HELP_URL
from generator.model import Article, Site
from generator.outputs import (
    Copy,
    Generated,
    Inputs,
    Output,
    Page,
    file_digest,
    fingerprint,
)
from generator.templates import Templates
from generator.theme import static_files as theme_static_files

HOME_LATEST = 12
# The long-article threshold for a table of contents: three or more sections.
TOC_MIN_HEADINGS = 3


def card_fingerprint(article: Article) -> str:
    """What a listing shows of an article: title, link, summary, dates, topics, authors."""
    m = article.meta
    return fingerprint(m.title, article.url, m.summary, m.date, m.updated, m.topics, m.authors,
                       article.reading_minutes, m.content_note, m.draft, m.reviewed_on)


def plan(site: Site, templates: Templates, site_dir: Path, authors_digest: str, headers: bool = False,
         search: bool = True) -> list[Output]:
    """Every output of the build, in a stable order.

    `headers` adds the `_headers` file for static hosts; without `search` the search index is
    deferred (the preview server): not made this build, and an index made earlier stays.
    """
    config = site.config
    common = (("generator", __version__), ("config", config.digest))
    cards = {a.slug: card_fingerprint(a) for a in site.articles}
    people: dict[tuple, str] = {}   # authors and reviewer shown on a page -> fingerprint (few distinct)
    outputs: list[Output] = []

    def page(path: str, template: str, extra_inputs: Inputs, context: Callable[..., dict]) -> None:
        outputs.append(Page(path, common + (("template:" + template, templates.digest(template)),) + extra_inputs,
                            template, context))

    def base(url: str, title: str, description: str = "") -> dict:
        return {"config": config, "topics": site.topics, "crisis": config.crisis, "page_url": url,
                "page_title": title, "description": description or config.description,
                "crisis_top": False, "nav_current": url, "head": {},
                "page_language": config.language, "help_url": HELP_URL}

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
    page("help/index.html", "help.html", (), lambda: base(HELP_URL, config.crisis.heading,
                                                          "Crisis lines and emergency numbers you can call or text now."))
    page("404.html", "404.html", (), lambda: base("/404.html", "Page not found"))

    # static files
    static_sources = theme_static_files(site_dir)   # the hub's static/ first, then the default theme's
    for rel in site.static_files:
        full = static_sources[rel]
        outputs.append(Copy(f"static/{rel}", (("file", file_digest(read_site_file(site_dir, full))),), str(full)))

    outputs += _feeds_and_maps(site, common, headers)
    outputs.append(search_index.bundle(site, deferred=not search))
    return outputs


def _feeds_and_maps(site: Site, common: Inputs, headers: bool) -> list[Output]:
    """/feed.xml, /topics/<id>/feed.xml, /sitemap.xml, /robots.txt and, with `--headers`, /_headers;
    each with the inputs it shows, so an edit rewrites only the files that show it."""
    outputs: list[Output] = []
    entry_fps: dict[str, str] = {}

    def entry_fp(article: Article) -> str:
        if article.slug not in entry_fps:
            entry_fps[article.slug] = feeds.entry_fingerprint(site, article)
        return entry_fps[article.slug]

    for feed in feeds.feeds(site):
        outputs.append(Generated(feed.path, common + feeds.feed_inputs(site, feed, entry_fp),
                                 produce=functools.partial(feeds.render_feed, site, feed)))
    rows = sitemap.entries(site)
    outputs.append(Generated("sitemap.xml", common + (("sitemap", fingerprint(rows)),),
                             produce=lambda: sitemap.render_sitemap(rows)))
    outputs.append(Generated("robots.txt", common, produce=lambda: sitemap.render_robots(site)))
    if headers:
        body = host_headers.render_headers(site.config.base_path, site.config.allow_hosts)
        outputs.append(Generated("_headers", common + (("headers", fingerprint(body)),), produce=lambda: body))
    return outputs


def article_head(site: Site, article: Article) -> dict:
    """Structured data and social meta for one article page (read by partials/head-meta.html)."""
    return {
        "jsonld": structured.script_json(structured.jsonld(site, article)),
        "meta": structured.social_meta(site, article),
        "noindex": article.meta.draft,
    }


def _article_output(site: Site, article: Article, templates: Templates, common: Inputs, cards: dict,
                    base: Callable[..., dict], people: dict[tuple, str]) -> Page:
    meta = article.meta
    template = meta.template or ("article.html" if article.kind == "article" else "page.html")
    authors = [site.authors[a] for a in meta.authors if a in site.authors]
    reviewer = site.authors.get(meta.reviewed_by) if meta.reviewed_by else None
    topics = [site.topics[t] for t in meta.topics if t in site.topics]
    config = site.config
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
            "crisis_top": article.source.mentions_suicide, "breadcrumbs": crumbs,
            "review_due": meta.date and review_due_date(meta.date, meta.reviewed_on, config.review_interval_months),
            "backlinks": _backlinks(article),
            "reference_html": {ref.key: address_break_points(ref.html) for ref in article.references},
            "head": article_head(site, article),
        }

    return Page(f"{article.url.strip('/')}/index.html", inputs, template, context)


def _backlinks(article: Article) -> dict[str, list[tuple[int, str]]]:
    sections = citation_sections(article.body_html)
    return {ref.key: backlink_labels(ref.cited_by, sections) for ref in article.references}
