"""Atom feeds (RFC 4287): the whole hub at /feed.xml and one per topic at /topics/<id>/feed.xml.

Entries carry full content (content note first, then the body, then the reference list), a plain
summary, authors, topics as categories, and links to the HTML pages. Every timestamp comes from
article dates, never the clock, so a rebuild is byte-identical.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from generator import __version__
from generator.checks.urls import AllowedHosts, PageRules, allowed_hosts, feed_findings
from generator.model import Article, Site
from generator.outputs import fingerprint
from generator.structured import absolute, modified, published
from generator.templates import TemplateFailure

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 50          # newest entries per feed; older articles stay on the topic pages
EPOCH = date(1970, 1, 1)  # `updated` of a feed with no entries (still deterministic)

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEADING_ANCHOR = re.compile(r'<a class="heading-anchor"[^>]*>.*?</a>', re.S)
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


@dataclass(frozen=True)
class Feed:
    """One Atom feed: where it lives, what it describes, which articles it lists."""

    path: str             # output path, e.g. "feed.xml" or "topics/empathy/feed.xml"
    title: str
    subtitle: str
    page_url: str         # site-relative URL of the HTML page the feed mirrors
    articles: list[Article]
    language: str = ""    # the feed's language code ("" : the hub's default)


def feeds(site: Site) -> list[Feed]:
    """The hub's feeds, per language (/feed.xml, /es/feed.xml): everything, then one per topic (drafts never)."""
    out = []
    for language in site.config.languages:
        at = language.prefix.lstrip("/") + "/" if language.prefix else ""
        out.append(Feed(f"{at}feed.xml", language.title, language.tagline or language.description,
                        language.url("/"), _newest(site.in_language(language.code)), language.code))
        for tid, topic in language.topics.items():
            out.append(Feed(f"{at}topics/{tid}/feed.xml", f"{topic.title} · {language.title}",
                            topic.description, language.url(f"/topics/{tid}/"),
                            _newest(site.in_topic(language.code, tid)), language.code))
    return out


def _newest(articles: list[Article]) -> list[Article]:
    """The first FEED_LIMIT of `articles` (newest first) that are not drafts (read no further: a save in the
    preview plans the feeds again, and a hub's listings run to thousands)."""
    return list(itertools.islice((a for a in articles if not a.meta.draft), FEED_LIMIT))


def entry_fingerprint(site: Site, article: Article) -> str:
    """Everything an entry shows: body and references, title, summary, dates, topics, authors, note."""
    m = article.meta
    authors = [site.authors.get(a) for a in m.authors]
    return fingerprint(article.url, article.parsed.digest, article.citations_fingerprint,
                       [(r.key, r.html) for r in article.references], m.title, m.summary, m.date, m.updated,
                       m.topics, m.content_note, authors)


def feed_inputs(site: Site, feed: Feed, entry_fp: Callable[[Article], str]) -> tuple[tuple[str, str], ...]:
    """The inputs one feed reads (for the incremental planner)."""
    return (("feed", fingerprint(feed.path, feed.title, feed.subtitle, feed.page_url, feed.language)),
            ("entries", fingerprint([entry_fp(a) for a in feed.articles])))


def updated(article: Article) -> date:
    """An entry's `updated`: the last substantive change."""
    return modified(article) or EPOCH


def render_feed(site: Site, feed: Feed) -> bytes:
    """The feed's XML."""
    config = site.config
    self_url = absolute(site, "/" + feed.path)
    feed_updated = max((updated(a) for a in feed.articles), default=EPOCH)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang={quoteattr(feed.language or config.language)}>',
        f"  <id>{_x(self_url)}</id>",
        f"  <title>{_x(feed.title)}</title>",
    ]
    if feed.subtitle:
        lines.append(f"  <subtitle>{_x(feed.subtitle)}</subtitle>")
    lines += [
        f"  <updated>{_timestamp(feed_updated)}</updated>",
        f'  <link rel="self" type="application/atom+xml" href={_a(self_url)}/>',
        f'  <link rel="alternate" type="text/html" href={_a(absolute(site, feed.page_url))}/>',
        "  <author>",
        f"    <name>{_x(config.publisher_name)}</name>",
        f"    <uri>{_x(config.publisher_url)}</uri>",
        "  </author>",
        f'  <generator version="{_x(__version__)}">Haven</generator>',
    ]
    allowed, rules = allowed_hosts(config.base_url, config.allow_hosts), PageRules(config.check_levels)
    for article in feed.articles:
        lines += _entry(site, article, _checked_content(site, feed, article, allowed, rules))
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _checked_content(site: Site, feed: Feed, article: Article, allowed: AllowedHosts, rules: PageRules) -> str:
    """The entry's HTML, checked as its page is (`TemplateFailure` on an error: nothing is written). What
    the hub lowered in `checks:` was reported on the article and is left to that report."""
    html = content_html(site, article)
    for problem in rules.decide(feed_findings(html, feed.path, article.parsed.path, allowed)):
        if problem.severity == "error":
            raise TemplateFailure(problem)
    return html


def _entry(site: Site, article: Article, content: str) -> list[str]:
    meta = article.meta
    language = site.config.language_of(article.lang)
    url = absolute(site, article.url)
    lines = [
        f"  <entry xml:base={_a(url)}>",
        f"    <id>{_x(url)}</id>",
        f"    <title>{_x(meta.title)}</title>",
        f'    <link rel="alternate" type="text/html" href={_a(url)}/>',
    ]
    first_published = published(article)
    if first_published:
        lines.append(f"    <published>{_timestamp(first_published)}</published>")
    lines.append(f"    <updated>{_timestamp(updated(article))}</updated>")
    authors = [site.authors[a] for a in meta.authors if a in site.authors]
    for author in authors:
        lines += ["    <author>", f"      <name>{_x(author.name)}</name>",
                  f"      <uri>{_x(absolute(site, language.url(f'/authors/{author.id}/')))}</uri>", "    </author>"]
    if not authors:
        lines += ["    <author>", f"      <name>{_x(site.config.publisher_name)}</name>", "    </author>"]
    for tid in meta.topics:
        topic = language.topics.get(tid)
        if topic:
            lines.append(f'    <category term={_a(tid)} label={_a(topic.title)} '
                         f'scheme={_a(absolute(site, "/topics/"))}/>')
    summary = meta.summary
    if meta.content_note:
        summary = f"Content note: {meta.content_note} {summary}"
    lines.append(f"    <summary>{_x(summary)}</summary>")
    lines.append(f'    <content type="html">{_x(content)}</content>')
    lines.append("  </entry>")
    return lines


def content_html(site: Site, article: Article) -> str:
    """The full article as HTML for feed readers: content note, body, references; absolute links."""
    parts = []
    if article.meta.content_note:
        parts.append(f"<p><strong>Content note:</strong> {escape(article.meta.content_note)}</p>")
    parts.append(article.body_html)
    if article.references:
        items = "".join(f'<li id="ref-{escape(r.key)}">{r.html}</li>' for r in article.references)
        parts.append(f'<h2 id="references">References</h2><ol>{items}</ol>')
    html = "\n".join(parts)
    html = _HEADING_ANCHOR.sub("", html)
    origin = site.config.base_url[: len(site.config.base_url) - len(site.config.base_path)]
    return _ROOT_RELATIVE.sub(lambda m: f'{m.group(1)}{origin}{m.group(2)}"', html)


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _x(text: str) -> str:
    return escape(_INVALID_XML.sub("", str(text)))


def _a(text: str) -> str:
    return quoteattr(_INVALID_XML.sub("", str(text)))
