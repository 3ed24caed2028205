"""Site -> every file the build writes, each with the inputs it reads (and their fingerprints).

The plan is the single truth about what a build writes: pages, feeds, sitemap, robots, `_headers`,
static files and the search index bundle. The link check asks it which URLs exist, and the one
writer writes exactly these outputs. Nothing is rendered here: an output knows its template (or
producer) and how to build its context, so outputs whose inputs did not change are never rendered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from markupsafe import Markup

from generator import (
    __version__,
    feeds,
    images,
    redirects,
    search_index,
    sections,
    sitemap,
    structured,
)
from generator import headers as host_headers
from generator.backlinks import address_break_points, backlink_labels, citation_sections
from generator.checks.review import review_due_date
from generator.confine.hub import read_site_file
from generator.crisisconfig import HELP_URL
from generator.identitymemo import IdentityMemo
from generator.lastbuild import SinceLastBuild
from generator.markup.images import img_html
from generator.model import Article, Language, Site
from generator.outputs import (
    Copy,
    Generated,
    Inputs,
    Output,
    Page,
    PageSource,
    Planned,
    file_digest,
    fingerprint,
)
from generator.templates import Templates
from generator.theme import static_files as theme_static_files
from generator.translations import alternates

# The long-article threshold for a table of contents: three or more sections.
TOC_MIN_HEADINGS = 3


def card_fingerprint(article: Article) -> str:
    """What a listing shows of an article: title, link, summary, dates, topics, authors."""
    m = article.meta
    return fingerprint(m.title, article.url, m.summary, m.date, m.updated, m.topics, m.authors,
                       article.reading_minutes, m.content_note, m.draft, m.reviewed_on)


# In a long-lived process (the preview server), the card fingerprints of the articles of recent builds, their
# pages' inputs and their feed entries' fingerprints.
_CARDS: SinceLastBuild[str] = SinceLastBuild()
_PAGE_INPUTS: SinceLastBuild[tuple[Inputs, str]] = SinceLastBuild()
_FEED_ENTRIES: SinceLastBuild[str] = SinceLastBuild()
_ROWS_FINGERPRINTS: IdentityMemo[str] = IdentityMemo(limit=4)   # the sitemap's rows, by the list


def plan(site: Site, templates: Templates, site_dir: Path, authors_digest: str, headers: bool = False,
         search: bool = True) -> list[Output]:
    """Every output of the build, in a stable order.

    `headers` adds the `_headers` file for static hosts; without `search` the search index is
    deferred (the preview server): not made this build, and an index made earlier stays.
    """
    common = _common(site)
    _CARDS.begin(None)   # a card shows the article alone: the same article (kept by assemble) has the same card
    _PAGE_INPUTS.begin(None)
    _FEED_ENTRIES.begin(None)
    cards = {a.slug: _CARDS.get(a, None, card_fingerprint, a) for a in site.articles}
    people: dict[tuple, str] = {}   # authors and reviewer shown on a page -> fingerprint (few distinct)
    base = _base_context(site)
    # articles and standalone pages; scheduled articles only with --future (and the preview), unlisted
    outputs: list[Output] = [_article_output(site, article, templates, common, cards, base, people) for article
                             in site.articles + site.pages + (site.scheduled if site.show_scheduled else [])]
    # home, topics, authors, sources, search and help in each language, and the 404 page
    outputs += sections.section_outputs(site, templates, common, cards, base, authors_digest)

    # static files
    static_sources = theme_static_files(site_dir)   # the hub's static/ first, then the default theme's
    for rel in site.static_files:
        full = static_sources[rel]
        outputs.append(Copy(f"static/{rel}", (("file", file_digest(read_site_file(site_dir, full))),), str(full)))

    outputs += images.variant_outputs(site.images, static_sources, site_dir)
    outputs += _feeds_and_maps(site, common, headers)
    outputs += _alias_outputs(site, {o.path for o in outputs}, templates, common, base)
    outputs += search_index.bundles(site, deferred=not search)
    return outputs


def replan(site: Site, outputs: list[Output], articles: list[Article], templates: Templates,
           cards: bool = False, authors_digest: str = "") -> tuple[list[Output], set[str]]:
    """`outputs`, planned for an earlier version of `site`, with the pages of `articles` and the feeds showing
    them planned again, and the paths of those: all a build needs when `articles` kept their faces
    (generator.assemble.face), since no other output reads more of an article than its face (and a feed lists
    the same articles while their faces are the same). With `cards` (their titles, summaries or reading times
    changed: generator.assemble.card_only), also the pages showing their cards or titles: the articles linking
    to them as neighbours or showing them as related, the listings and /sources/ pages holding them, and the
    redirects to them (`authors_digest` as `plan` had it)."""
    common, base = _common(site), _base_context(site)
    card_of = _Cards(site)
    remade = {id(article) for article in articles}
    again: list[Output] = [_article_output(site, a, templates, common, card_of, base, {}) for a in articles]
    if cards:
        urls, slugs = {a.url for a in articles}, {a.slug for a in articles}
        again += [_article_output(site, a, templates, common, card_of, base, {})
                  for a in site.articles + site.pages + (site.scheduled if site.show_scheduled else [])
                  if id(a) not in remade and (not slugs.isdisjoint(site.related.get(a.slug, ()))
                                              or any(n and n.url in urls for n in site.neighbours.get(a.slug, ())))]
        again += sections.section_outputs(site, templates, common, card_of, base, authors_digest, lambda items: any(
            id(item) in remade if isinstance(item, Article) else not slugs.isdisjoint(item.cited_in) for item in items))
        # the redirects are planned after every other output, whose addresses they may not take
        again += _alias_outputs(site, {o.path for o in outputs if not is_alias(o)}, templates, common, base)
    again += _feed_outputs(site, common, lambda feed: not remade.isdisjoint(map(id, feed.articles)))
    by_path = {output.path: output for output in again}
    return [by_path.get(output.path, output) for output in outputs], set(by_path)


def _alias_outputs(site: Site, taken: set[str], templates: Templates, common: Inputs,
                   base: Callable[..., dict]) -> list[Output]:
    """The redirect pages of `aliases:` (and `_redirects`) whose addresses `taken` leaves free."""
    template = (("template:redirect.html", templates.digest("redirect.html")),)
    return redirects.alias_outputs(site, taken, common + template, lambda url, title: base(url, title))


def is_alias(output: Output) -> bool:
    """Whether `_alias_outputs` planned this output (a redirect page's last input is its target), now or for the
    last build's plan carried (outputs.Planned)."""
    return (output.path == redirects.REDIRECTS_FILE and isinstance(output, Generated)) or \
        (isinstance(output, Page) and output.template == "redirect.html" and output.inputs[-1][0] == "target") or \
        (isinstance(output, Planned) and output.alias)


class _Cards(dict):
    """Card fingerprints, made for the articles asked for (`replan` needs some), kept with the last plan's."""

    def __init__(self, site: Site):
        super().__init__()
        self.site = site

    def __missing__(self, slug: str) -> str:
        article = self.site.by_slug[slug]
        card = self[slug] = _CARDS.get(article, None, card_fingerprint, article)
        return card


def _common(site: Site) -> Inputs:
    """The inputs of every output: Haven's version and the settings."""
    return (("generator", __version__), ("config", site.config.digest))


def _base_context(site: Site) -> Callable[..., dict]:
    """The template context every page starts from: settings, language, crisis help, alternates."""
    config = site.config

    def base(url: str, title: str, description: str = "", language: Language | None = None,
             article: Article | None = None) -> dict:
        if language is None:
            language = config.language_of(article.lang) if article else config.default_language
        return {"config": config, "topics": language.topics, "crisis": config.crisis, "page_url": url,
                "page_title": title, "description": description or language.description,
                "crisis_top": False, "nav_current": url, "head": {}, "lang": language,
                "alternates": alternates(site, language, url, article),
                "page_language": language.code, "help_url": language.url(HELP_URL)}
    return base


def _feeds_and_maps(site: Site, common: Inputs, headers: bool) -> list[Output]:
    """/feed.xml, /topics/<id>/feed.xml, /sitemap.xml, /robots.txt and, with `--headers`, /_headers;
    each with the inputs it shows, so an edit rewrites only the files that show it."""
    outputs = _feed_outputs(site, common)
    rows = sitemap.entries(site)   # the same list while nothing it shows changes (a long-lived process)
    rows_fingerprint = _ROWS_FINGERPRINTS.get(rows, lambda: fingerprint(rows))
    outputs.append(Generated("sitemap.xml", common + (("sitemap", rows_fingerprint),),
                             produce=lambda: sitemap.render_sitemap(rows)))
    outputs.append(Generated("robots.txt", common, produce=lambda: sitemap.render_robots(site)))
    if headers:
        body = host_headers.render_headers(site.config.base_path, site.config.allow_hosts)
        outputs.append(Generated("_headers", common + (("headers", fingerprint(body)),), produce=lambda: body))
    return outputs


def _feed_outputs(site: Site, common: Inputs, wanted: Callable[[feeds.Feed], bool] = lambda feed: True) -> list[Output]:
    """/feed.xml and /topics/<id>/feed.xml in each language (those `wanted`)."""
    entry_fps: dict[str, str] = {}

    def entry_fp(article: Article) -> str:
        if article.slug not in entry_fps:   # an entry shows the article and its authors (see entry_fingerprint)
            authors = tuple(site.authors.get(a) for a in article.meta.authors)
            entry_fps[article.slug] = _FEED_ENTRIES.get(article, authors, feeds.entry_fingerprint, site, article)
        return entry_fps[article.slug]

    return [Generated(feed.path, common + feeds.feed_inputs(site, feed, entry_fp),
                      produce=functools.partial(feeds.render_feed, site, feed))
            for feed in feeds.feeds(site) if wanted(feed)]


def article_head(site: Site, article: Article) -> dict:
    """Structured data and social meta for one article page (read by partials/head-meta.html)."""
    return {
        "jsonld": structured.script_json(structured.jsonld(site, article)),
        "meta": structured.social_meta(site, article),
        "noindex": article.meta.draft or article.scheduled,
    }


def _image_urls(site: Site, article: Article) -> list[str]:
    """Site URLs of the local images an article shows (body and `image:`), as `site.images` keys them."""
    base = site.config.base_path
    urls = ["/" + link.url[len(base):] for link in article.parsed.links
            if link.kind == "image" and link.url.startswith(base)]
    return urls + ([article.meta.image] if article.meta.image else [])


def _hero_image(site: Site, article: Article) -> Markup | None:
    """The `image:` picture with its size and variants (None without `image:`)."""
    meta = article.meta
    if not meta.image:
        return None
    config = site.config
    src = config.base_path + meta.image.lstrip("/") if meta.image.startswith("/") else meta.image
    attrs = {"src": Markup.escape(src), "alt": Markup.escape(meta.image_alt)}
    info = site.images.get(meta.image)
    if info is None:
        return Markup(f'<img src="{attrs["src"]}" alt="{attrs["alt"]}">')
    return Markup(img_html(info, attrs, config.base_path))


def _article_output(site: Site, article: Article, templates: Templates, common: Inputs, cards: dict,
                    base: Callable[..., dict], people: dict[tuple, str]) -> Page:
    meta = article.meta
    template = meta.template or ("article.html" if article.kind == "article" else "page.html")
    authors = [site.authors[a] for a in meta.authors if a in site.authors]
    reviewer = site.authors.get(meta.reviewed_by) if meta.reviewed_by else None
    topics = [site.config.language_of(article.lang).topics[t] for t in meta.topics if t in site.topics]
    config = site.config
    previous, following = site.neighbours.get(article.slug, (None, None))
    related = site.related_to(article.slug)
    who = (meta.authors, meta.reviewed_by)
    if who not in people:
        people[who] = fingerprint(authors, reviewer)
    # what the page shows besides the article itself; with the same article and the same of these as a
    # recent build (the preview server), the same inputs and fingerprint, not computed again
    shown = (templates.digest(template), people[who], previous and (previous.title, previous.url),
             following and (following.title, following.url), tuple(cards[a.slug] for a in related),
             # the switcher and hreflang: a translation added elsewhere changes this page too
             tuple((alt.language.code, alt.url, alt.translated) for alt in
                   alternates(site, site.config.language_of(article.lang), article.url, article)),
             tuple(site.images.get(u) for u in _image_urls(site, article)))
    inputs, known = _PAGE_INPUTS.get(article, (common, template, shown), _page_inputs, article, template, common,
                                     shown)

    def context() -> dict:
        language = site.config.language_of(article.lang)
        body = article.body_html   # read once: the backlinks and the template both need it
        shown = replace(article, body_loader=lambda: body)
        # labels are the English text the template translates ("Home", "Articles") or a topic's own title
        crumbs = [("Home", language.url("/"))]
        if article.kind == "article":
            crumbs.append(("Articles", language.url("/articles/")) if not topics
                          else (topics[0].title, language.url(f"/topics/{topics[0].id}/")))
        return {
            **base(article.url, meta.title, meta.summary, article=article),
            "article": shown, "meta": meta, "authors": authors, "reviewer": reviewer,
            "article_topics": topics, "previous": previous, "next": following, "related": related,
            "show_toc": len(article.parsed.headings) >= TOC_MIN_HEADINGS,
            "crisis_top": article.parsed.mentions_suicide, "breadcrumbs": crumbs,
            "review_due": meta.date and review_due_date(meta.date, meta.reviewed_on, config.review_interval_months),
            "backlinks": _backlinks(article, body),
            "reference_html": {ref.key: address_break_points(ref.html) for ref in article.references},
            "head": article_head(site, article), "hero_image": _hero_image(site, article),
        }

    return Page(f"{article.url.strip('/')}/index.html", inputs, template, context, known_fingerprint=known,
                made_from=PageSource(article.parsed.path, functools.partial(_ruled_addresses, article),
                                     lambda: article.body_html, meta.lines.get("slug", 1)))


def _ruled_addresses(article: Article) -> frozenset[str]:
    """The addresses the checks of the article's own file ruled on at its lines: its body's links and
    images, and `image:` (not `extra`: a template decides where those go, so the page check names it)."""
    return frozenset([link.url for link in article.parsed.links] + ([article.meta.image] if article.meta.image else []))


def _page_inputs(article: Article, template: str, common: Inputs, shown: tuple) -> tuple[Inputs, str]:
    """An article page's inputs and their fingerprint, from what `_article_output` found it shows."""
    template_digest, people, previous, following, related, alternates_shown, images_shown = shown
    inputs = common + (
        ("template:" + template, template_digest),
        ("source:" + article.parsed.path, article.parsed.digest),
        ("citations", article.citations_fingerprint),
        ("authors", people),
        ("neighbours", fingerprint(previous, following)),
        ("related", fingerprint(list(related))),
        ("alternates", fingerprint(list(alternates_shown))),
        ("images", fingerprint(list(images_shown))),
        ("scheduled", str(article.scheduled)),
    )
    return inputs, fingerprint(inputs)


def _backlinks(article: Article, body: str) -> dict[str, list[tuple[int, str]]]:
    sections = citation_sections(body)
    return {ref.key: backlink_labels(ref.cited_by, sections) for ref in article.references}
