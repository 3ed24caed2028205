"""Parsed files -> the Site model: URLs, neighbours, authors, topics, citations, cited works, related.

This is where facts that need more than one file appear. Problems found while
assembling (slug collisions) are returned as findings, like every check.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, Protocol

from generator import citations
from generator.checks.policy import finding
from generator.deferred import Deferred
from generator.diagnostics import Diagnostic
from generator.discover import default_slug
from generator.imageinfo import ImageInfo
from generator.lastbuild import LastMade, SinceLastBuild
from generator.markup.citations import insert_citations
from generator.markup.images import responsive_images
from generator.model import (
    Article,
    Author,
    CitedWork,
    NavLink,
    ParsedFile,
    Reference,
    Site,
    SiteConfig,
)
from generator.outputs import fingerprint
from generator.translations import file_language, link_translations

WORDS_PER_MINUTE = 200
RELATED_COUNT = 3


class Previous(Protocol):
    """What earlier builds left that assembling may reuse (the parse cache); assemble only reads it."""

    @property
    def memo(self) -> Mapping[str, Any]:
        """Formatted citations of earlier builds, keyed by everything they depend on."""

    def load_body(self, file: ParsedFile) -> str:
        """A body's HTML (bodies are not kept in memory between builds)."""


def assemble(config: SiteConfig, parsed: list[ParsedFile], authors: dict[str, Author],
             bibliography: Mapping[str, tuple[Mapping[str, Any], str, int]],
             static_files: list[str], include_drafts: bool,
             previous: Previous | None = None, today: date | None = None, show_scheduled: bool = False,
             images: Mapping[str, ImageInfo] | None = None) -> tuple[Site, list[Diagnostic], dict[str, Any]]:
    """Build the Site from parsed files; drafts are left out unless `include_drafts`.

    Articles dated after `today` are scheduled: kept apart in `site.scheduled`, never listed, and
    their pages built only with `show_scheduled`. `images` (local image URL -> size and variants)
    gives every body image its width, height and srcset.

    Returns the site, findings, and the memo of formatted citations this build used (reused from
    `previous` where their inputs did not change), for the build to keep for the next one.
    """
    load_body = previous.load_body if previous else (lambda file: file.html)
    memo = Memo(previous.memo if previous else {})
    findings: list[Diagnostic] = []
    articles: list[Article] = []
    pages: list[Article] = []
    scheduled_articles: list[Article] = []
    owner: dict[tuple[str, str], str] = {}
    shared = {key: entry for key, (entry, _path, _line) in bibliography.items()}
    shared_digest: dict[str, str] = {}   # per shared entry, computed only for entries someone cites
    # the shared entries with their files and lines (findings name them), fingerprinted once for every stage
    bibliography_digest = fingerprint(sorted(bibliography.items()))
    # an article is made from its file, the settings, the shared entries it cites, the sizes of its images and
    # where bodies are read from: in a long-lived process, last build's article when none of these changed
    _MADE.begin(fingerprint(config.digest, bibliography_digest, sorted((images or {}).items()), previous is None))

    for file in parsed:
        meta = file.meta
        if meta is None or (meta.draft and not include_drafts):
            continue
        slug = meta.slug or default_slug(file.path)
        code, problems = file_language(config, file)
        findings += problems
        # article slugs are unique across the hub; page slugs per language (every About at <prefix>/about/)
        space = "article" if file.kind == "article" else "page:" + code
        first = owner.get((space, slug))
        if first:
            findings.append(finding(
                "duplicate-slug", file.path, meta.lines.get("slug", 1), 1,
                f"slug '{slug}' is already used by {first}",
                "give one of the two files another name or a different `slug:`"))
            continue
        owner[(space, slug)] = file.path
        scheduled = file.kind == "article" and today is not None and meta.date is not None and meta.date > today
        article, citations = _MADE.get(file, (slug, code, scheduled), _made, config, file, slug, code, shared,
                                       shared_digest, memo, load_body, images or {}, scheduled)
        if article.citations_fingerprint:   # reused or not, the formatted citations stay in the memo kept
            memo.used.setdefault(article.citations_fingerprint, citations)
        (scheduled_articles if scheduled else articles if file.kind == "article" else pages).append(article)

    reserved = RESERVED_PAGE_SLUGS | {lang.code for lang in config.languages}
    for page in pages:  # a page may not shadow a built-in section or a language's folder
        if page.slug in reserved:
            findings.append(finding("reserved-slug", page.parsed.path, page.meta.lines.get("slug", 1), 1,
                                  f"the page slug '{page.slug}' is used by Haven for /{page.slug}/",
                                  "choose another file name or `slug:`"))
    pages = [p for p in pages if p.slug not in reserved]
    for article in articles + scheduled_articles:   # /articles/page/2/ is the archive's second page
        if article.slug in RESERVED_ARTICLE_SLUGS:
            findings.append(finding("reserved-slug", article.parsed.path, article.meta.lines.get("slug", 1), 1,
                                  f"the article slug '{article.slug}' is used by Haven for /articles/{article.slug}/",
                                  "choose another file name or `slug:`"))
    articles = [a for a in articles if a.slug not in RESERVED_ARTICLE_SLUGS]
    scheduled_articles = [a for a in scheduled_articles if a.slug not in RESERVED_ARTICLE_SLUGS]

    articles.sort(key=lambda a: (a.meta.date.toordinal() if a.meta.date else 0, a.slug), reverse=True)
    by_slug = {a.slug: a for a in articles}
    site = Site(
        config=config, articles=articles, pages=sorted(pages, key=lambda p: p.slug), by_slug=by_slug,
        authors=authors, topics=dict(config.topics), works=_cited_works(articles, memo),
        bibliography=bibliography, bibliography_digest=bibliography_digest, static_files=static_files,
        scheduled=sorted(scheduled_articles, key=lambda a: (a.meta.date, a.slug)),
        show_scheduled=show_scheduled, images=dict(images or {}),
    )
    for article in articles:
        site.neighbours[article.slug] = (_nav(by_slug.get(article.meta.previous)), _nav(by_slug.get(article.meta.next)))
    for language in config.languages:   # related articles come from the reader's own language
        site.related.update(_related(language.code, site.in_language(language.code)))
    # a scheduled original is linked with its translations where its page is built (the preview, --future);
    # elsewhere a published translation stands alone until that day, without an error for naming it
    shown = scheduled_articles if show_scheduled else []
    site.translations, problems = link_translations(config, articles + pages + shown,
                                                    waiting=[] if show_scheduled else scheduled_articles)
    findings += problems
    return site, findings, memo.used


def face(article: Article) -> tuple:
    """What every page but an article's own, and every check of the hub as a whole, reads of it: its front
    matter (and so its address, language and schedule), its reading time, the entries it cites and the ids
    links may point at (its headings', its citations'): not its text, headings, crisis flag, pictures or where
    in it its links and citations are. Two versions with the same face differ only on its own page and in
    the feeds that carry its text: what other outputs are planned from (`plan.card_fingerprint`, the
    sitemap's rows, /sources/, neighbours, alternates) is part of it, and the pictures a page shows are
    measured for the whole hub before (a new one changes the build's world: see generator.reuse)."""
    return (article.meta, article.reading_minutes, article.references_fingerprint, article.parsed.anchors,
            len(article.parsed.clusters))


def card_only(old: Article, new: Article) -> bool:
    """Whether two versions of an article differ in their faces only in what its card in listings shows of it
    beyond its address and dates: its title, summary and reading time. Then the hub's order, its neighbours,
    related articles, translations and sources stay; the titles on its neighbours' links and the order of the
    articles citing a work (/sources/ lists them by title) are made again (`remake`)."""
    def rest(article: Article) -> tuple:
        return (replace(article.meta, title="", summary=""), *face(article)[2:])
    return old.kind == new.kind == "article" and rest(old) == rest(new)


def remake(site: Site, files: list[ParsedFile], bibliography: Mapping[str, tuple[Mapping[str, Any], str, int]],
           previous: Previous | None) -> tuple[Site, list[tuple[Article, Article]], dict[str, Any], bool] | None:
    """`site` with the articles of `files` (new versions of files it was assembled from) made again, each
    (old, new) article, the formatted citations the new ones used, and whether a card changed (`card_only`);
    None unless every one keeps its face or changes only its card (then assemble again)."""
    config = site.config
    memo = Memo(previous.memo if previous else {})
    load_body = previous.load_body if previous else (lambda file: file.html)
    shared = {key: entry for key, (entry, _path, _line) in bibliography.items()}
    pairs: list[tuple[Article, Article]] = []
    cards = False
    for file in files:
        old = site.article_at(file.path)
        if old is None or file.meta is None:
            return None
        article, _ = _made(config, file, old.slug, old.lang, shared, {}, memo, load_body, site.images,
                           old.scheduled)
        if face(article) != face(old):
            if not card_only(old, article):
                return None
            cards = True
        pairs.append((old, article))
    remade = site.with_articles(pairs)
    if cards:   # the links to them as neighbours carry their titles; /sources/ lists citing articles by title
        titled = {new.url: new for _old, new in pairs}

        def retitled(link: NavLink | None) -> NavLink | None:
            return _nav(titled[link.url]) if link and link.url in titled else link
        remade = replace(remade, neighbours={slug: (retitled(before), retitled(after))
                                             for slug, (before, after) in remade.neighbours.items()},
                         works=_cited_works(remade.articles, memo)
                         if any(new.cites for _old, new in pairs) else remade.works)
    return remade, pairs, memo.used, cards


_MADE: SinceLastBuild[tuple[Article, Any]] = SinceLastBuild()


def _made(config: SiteConfig, file: ParsedFile, slug: str, code: str, shared: Mapping[str, Mapping],
          shared_digest: dict[str, str], memo: Memo, load_body: Callable[[ParsedFile], str],
          images: Mapping[str, ImageInfo], scheduled: bool) -> tuple[Article, Any]:
    """The article made from `file` in language `code`, and the formatted citations it used (kept together
    for the next build)."""
    article = _article(config, file, slug, code, shared, shared_digest, memo, load_body, images, scheduled)
    return article, memo.used.get(article.citations_fingerprint)


class Memo:
    """Earlier results (read only) and the ones this build used, reused or made: each a cell (Deferred), made or
    decoded only when a page asks for it."""

    def __init__(self, earlier: Mapping[str, Any]):
        self.earlier = earlier
        self.used: dict[str, Any] = {}

    def cell(self, key: str, make: Callable[[], Any]) -> Deferred:
        """The cell for `key`: this build's, an earlier one's, or one that calls `make()` when first asked for."""
        cell = self.used.get(key)
        if cell is None:
            found = self.earlier.get(key)
            cell = found if isinstance(found, Deferred) else Deferred(make) if found is None else Deferred(value=found)
            self.used[key] = cell
        return cell.or_make(make)

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        """The value for `key`: from this build, an earlier one, or `make()`."""
        return self.cell(key, make)()


RESERVED_ARTICLE_SLUGS = {"page"}
RESERVED_PAGE_SLUGS = {"articles", "topics", "authors", "sources", "search", "static", "pagefind", "feed.xml",
                       "sitemap.xml", "robots.txt"}


def _article(config: SiteConfig, file: ParsedFile, slug: str, code: str, shared: Mapping[str, Mapping],
             shared_digest: dict[str, str], memo: Memo,
             load_body: Callable[[ParsedFile], str], images: Mapping[str, ImageInfo],
             scheduled: bool) -> Article:
    meta = file.meta
    assert meta is not None
    # its address, under its language's prefix
    url = config.language_of(code).prefix + (f"/articles/{slug}/" if file.kind == "article" else f"/{slug}/")
    rendered: Deferred | None = None   # its formatted citations: made or read back when a page needs them
    references: Callable[[], tuple[Reference, ...]] | None = None
    library: Callable[[], dict[str, Mapping]] | None = None
    cites = False
    memo_key = references_fingerprint = ""
    if file.cited_keys:
        keys, own = file.cited_keys, frozenset(file.reference_ids)
        theirs = {k: shared[k] for k in keys if k not in own and k in shared}   # the hub's entries it cites
        from_shared = []
        for k in theirs:
            if k not in shared_digest:
                shared_digest[k] = fingerprint(shared[k])
            from_shared.append((k, shared_digest[k]))
        # the file's digest covers its clusters and own references; shared entries are added by digest
        memo_key = "cite:" + fingerprint(file.digest, from_shared)
        # its own entries (all of them, by the digest) and which of them it cites: the list of works holds
        # only cited ones, and a citation deleted from the text must make that list again
        references_fingerprint = fingerprint(file.references_digest, from_shared, [k for k in keys if k in own])
        # (its reference list has every cited work the hub knows: see citations.render_citations)
        cites = bool(theirs) or not own.isdisjoint(keys)

        @functools.lru_cache(maxsize=1)
        def cited_entries() -> dict[str, Mapping]:
            """The entries it cites: its own front matter's, else the hub's (a key neither has stays missing); its
            front matter's references are read only here, when its citations are formatted or listed."""
            mine = {str(r.get("id")): r for r in meta.references if r.get("id") is not None}
            return {k: mine[k] if k in mine else theirs[k] for k in keys if k in mine or k in theirs}

        library = cited_entries
        cell = rendered = memo.cell(memo_key, lambda: citations.render_citations(file.clusters, cited_entries()))

        def references() -> tuple[Reference, ...]:
            return tuple(Reference(e.key, e.html, e.text, e.cited_by, cited_entries().get(e.key) or {})
                         for e in cell().entries)

    def body() -> str:
        html = load_body(file)
        html = insert_citations(html, rendered()) if rendered is not None else html
        return responsive_images(html, images, config.base_path) if images else html

    return Article(
        parsed=file, meta=meta, slug=slug, url=url, lang=code,
        reading_minutes=max(1, math.ceil(file.word_count / WORDS_PER_MINUTE)), kind=file.kind,
        citations_fingerprint=memo_key, references_fingerprint=references_fingerprint, body_loader=body,
        scheduled=scheduled, cites=cites, references_loader=references, entries_loader=library,
    )


def _nav(article: Article | None) -> NavLink | None:
    return NavLink(article.meta.title, article.url) if article else None


RELATED_WINDOW = 8  # candidates on each side of an article in each of its topics (newest-first order)


# In a long-lived process (the preview server), per language: the related articles found last, by the
# articles' slugs and topics in date order then. Most saves change neither.
_LAST_RELATED: LastMade[dict[str, list[str]]] = LastMade()


def _related(code: str, articles: list[Article]) -> dict[str, list[str]]:
    """Slugs of the articles related to each article of one language (see `_find_related`); found again
    only when an article's slug, topics or place in date order changed since this process last looked."""
    return _LAST_RELATED.get(code, [(a.slug, a.meta.topics) for a in articles], _related_slugs, articles)


def _related_slugs(articles: list[Article]) -> dict[str, list[str]]:
    return {slug: [o.slug for o in others] for slug, others in _find_related(articles).items()}


def _find_related(articles: list[Article]) -> dict[str, list[Article]]:
    """Articles sharing the most topics; among equals, the ones published closest in time.

    Candidates are the articles next to this one in each topic's date order, so the work per
    article stays constant however large a topic grows.
    """
    by_topic: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        for topic in article.meta.topics:
            by_topic[topic].append(index)
    place = {topic: {index: i for i, index in enumerate(members)} for topic, members in by_topic.items()}
    related: dict[str, list[Article]] = {}
    for index, article in enumerate(articles):
        shared_count: dict[int, int] = defaultdict(int)
        for topic in set(article.meta.topics):
            members = by_topic[topic]
            at = place[topic][index]
            for other in members[max(0, at - RELATED_WINDOW): at + RELATED_WINDOW + 1]:
                if other != index:
                    shared_count[other] += 1
        best = sorted(shared_count, key=lambda o: (-shared_count[o], abs(o - index), o))[:RELATED_COUNT]
        related[article.slug] = [articles[o] for o in best]
    return related


# The last list of cited works made (a long-lived process makes the same one after most saves), by the
# formatted list, the articles citing each work and the entries it was made from.
_LAST_WORKS: LastMade[list[CitedWork]] = LastMade()


def _cited_works(articles: list[Article], memo: Memo) -> Callable[[], list[CitedWork]]:
    """What makes every cited work on the hub, APA order, each with the articles citing it (Site.works). The memo's
    formatted list is taken now, unread (its key reads no reference list): a build that lists no works (a one-article
    edit) keeps the last one for the next build, which may."""
    citing = [a for a in articles if a.cites]
    if not citing:
        return list
    # what the list depends on: the entries each article cites (not the articles' text)
    memo_key = "cited-works:" + fingerprint(sorted({a.references_fingerprint for a in citing}))

    # (read once: a build whose memo lacks the list reads it to format the list, then to make the works)
    cited = functools.lru_cache(maxsize=1)(functools.partial(_citing, citing))

    def format_all() -> tuple:
        data = cited()[1]
        return citations.format_bibliography([data[k] for k in sorted(data)])
    formatted = memo.cell(memo_key, format_all)

    def works() -> list[CitedWork]:
        cited_in, data = cited()
        made = formatted()
        return list(_LAST_WORKS.get("works", (made, cited_in, data), lambda: [
            CitedWork(e.key, e.html, e.text, data[e.key], tuple(cited_in[e.key])) for e in made]))
    return works


def _citing(articles: list[Article]) -> tuple[dict[str, list[str]], dict[str, Mapping]]:
    """The articles citing each work (slugs, by title) and each work's entry."""
    cited_in: dict[str, list[str]] = defaultdict(list)
    data: dict[str, Mapping] = {}
    for article in sorted(articles, key=lambda a: a.meta.title.lower()):
        # (its reference list holds each work it cites that the hub knows: the entries, unformatted, say which)
        for key, entry in (article.entries_loader or dict)().items():
            cited_in[key].append(article.slug)
            data.setdefault(key, entry)
    return cited_in, data

