"""Parsed files -> the Site model: URLs, neighbours, authors, topics, citations, sources, related.

This is where facts that need more than one file appear. Problems found while
assembling (slug collisions) are returned as findings, like every check.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from typing import Any, Mapping

from generator import citations
from generator.markup.citations import insert_citations
from generator.diagnostics import Diagnostic, error
from generator.model import (Article, Author, NavLink, ParsedSource, Reference, Site, SiteConfig,
                             SourceEntry)
from generator.parse import default_slug

WORDS_PER_MINUTE = 200
RELATED_COUNT = 3


def assemble(config: SiteConfig, parsed: list[ParsedSource], authors: dict[str, Author],
             bibliography: Mapping[str, tuple[Mapping[str, Any], str, int]],
             static_files: list[str], include_drafts: bool,
             memo: dict[str, Any] | None = None) -> tuple[Site, list[Diagnostic]]:
    """Build the Site from parsed sources; drafts are left out unless `include_drafts`.

    `memo` remembers formatted citations between builds (keyed by everything they depend on);
    entries not used by this build are dropped from it.
    """
    memo = {} if memo is None else memo
    used: set[str] = set()
    findings: list[Diagnostic] = []
    articles: list[Article] = []
    pages: list[Article] = []
    owner: dict[tuple[str, str], str] = {}
    shared = {key: entry for key, (entry, _path, _line) in bibliography.items()}

    for source in parsed:
        meta = source.meta
        if meta is None or (meta.draft and not include_drafts):
            continue
        slug = meta.slug or default_slug(source.path)
        space = "article" if source.kind == "article" else "page"
        first = owner.get((space, slug))
        if first:
            findings.append(error(
                "duplicate-slug", source.path, meta.lines.get("slug", 1), 1,
                f"slug '{slug}' is already used by {first}",
                "give one of the two files another name or a different `slug:`"))
            continue
        owner[(space, slug)] = source.path
        article = _article(config, source, slug, shared, memo, used)
        (articles if source.kind == "article" else pages).append(article)

    for page in pages:  # a page may not shadow a built-in section
        if page.slug in RESERVED_PAGE_SLUGS:
            findings.append(error("reserved-slug", page.source.path, page.meta.lines.get("slug", 1), 1,
                                  f"the page slug '{page.slug}' is used by Haven for /{page.slug}/",
                                  "choose another file name or `slug:`"))
    pages = [p for p in pages if p.slug not in RESERVED_PAGE_SLUGS]

    articles.sort(key=lambda a: (a.meta.date.toordinal() if a.meta.date else 0, a.slug), reverse=True)
    by_slug = {a.slug: a for a in articles}
    site = Site(
        config=config, articles=articles, pages=sorted(pages, key=lambda p: p.slug), by_slug=by_slug,
        authors=authors, topics=dict(config.topics), sources=_sources(articles, memo, used),
        bibliography=bibliography, static_files=static_files,
    )
    for article in articles:
        site.neighbours[article.slug] = (_nav(by_slug.get(article.meta.previous)), _nav(by_slug.get(article.meta.next)))
    site.related.update(_related(articles))
    for stale in set(memo) - used:
        del memo[stale]
    return site, findings


RESERVED_PAGE_SLUGS = {"articles", "topics", "authors", "sources", "search", "static", "feed.xml"}


def _article(config: SiteConfig, source: ParsedSource, slug: str, shared: Mapping[str, Mapping],
             memo: dict[str, Any], used: set[str]) -> Article:
    meta = source.meta
    assert meta is not None
    url = f"/articles/{slug}/" if source.kind == "article" else f"/{slug}/"
    body = source.html
    references: tuple[Reference, ...] = ()
    if source.clusters:
        library = dict(shared)
        library.update({str(r.get("id")): r for r in meta.references if r.get("id") is not None})
        keys = sorted({item.key for cluster in source.clusters for item in cluster.items})
        memo_key = "cite:" + fingerprint(source.clusters, [(k, library.get(k)) for k in keys])
        used.add(memo_key)
        rendered = memo.get(memo_key)
        if rendered is None:
            rendered = memo[memo_key] = citations.render_citations(source.clusters, library)
        body = insert_citations(body, rendered)
        references = tuple(Reference(e.key, e.html, e.text, e.cited_by, library.get(e.key, {}))
                           for e in rendered.entries)
    return Article(
        source=source, meta=meta, slug=slug, url=url, body_html=body, references=references,
        reading_minutes=max(1, math.ceil(source.word_count / WORDS_PER_MINUTE)), kind=source.kind,
    )


def _nav(article: Article | None) -> NavLink | None:
    return NavLink(article.meta.title, article.url) if article else None


def _related(articles: list[Article]) -> dict[str, list[Article]]:
    """Articles sharing the most topics, newest first among equals."""
    by_topic: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for topic in article.meta.topics:
            by_topic[topic].append(article)
    related: dict[str, list[Article]] = {}
    position = {a.slug: i for i, a in enumerate(articles)}
    for article in articles:
        shared_count: dict[str, int] = defaultdict(int)
        for topic in article.meta.topics:
            for other in by_topic[topic][: 50]:  # bounded: huge topics need no exhaustive ranking
                if other.slug != article.slug:
                    shared_count[other.slug] += 1
        best = sorted(shared_count, key=lambda s: (-shared_count[s], position[s]))[:RELATED_COUNT]
        related[article.slug] = [articles[position[s]] for s in best]
    return related


def _sources(articles: list[Article], memo: dict[str, Any], used: set[str]) -> list[SourceEntry]:
    """Every cited work on the hub, APA order, each with the articles citing it."""
    cited_in: dict[str, list[str]] = defaultdict(list)
    data: dict[str, Mapping] = {}
    for article in sorted(articles, key=lambda a: a.meta.title.lower()):
        for ref in article.references:
            if article.slug not in cited_in[ref.key]:
                cited_in[ref.key].append(article.slug)
            data.setdefault(ref.key, ref.data)
    if not data:
        return []
    ordered = [data[k] for k in sorted(data)]
    memo_key = "sources:" + fingerprint(ordered)
    used.add(memo_key)
    formatted = memo.get(memo_key)
    if formatted is None:
        formatted = memo[memo_key] = citations.format_bibliography(ordered)
    return [SourceEntry(e.key, e.html, e.text, data[e.key], tuple(cited_in[e.key])) for e in formatted]


def fingerprint(*parts: Any) -> str:
    """A short stable fingerprint of plain values (the 'what did this output read' record)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()
