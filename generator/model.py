"""Typed records of a hub: what the parsers produce and the templates read. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping

# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Topic:
    """A topic declared in site.yaml."""

    id: str
    title: str
    description: str
    line: int = 0


@dataclass(frozen=True)
class CrisisResource:
    """One crisis service shown on every page."""

    name: str
    region: str = ""
    phone: str = ""
    text: str = ""
    url: str = ""
    verified_on: date | None = None
    line: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Crisis:
    """The crisis-resources region."""

    heading: str
    intro: str
    emergency: str
    resources: tuple[CrisisResource, ...]


@dataclass(frozen=True)
class SiteConfig:
    """Settings from site.yaml, validated."""

    root: str                    # the site folder (absolute path as text)
    title: str
    tagline: str
    description: str
    base_url: str                # always ends with "/"
    base_path: str               # path part of base_url, always starts and ends with "/"
    language: str
    medical: bool
    publisher_name: str
    publisher_url: str
    transparency: Mapping[str, str]
    review_interval_months: int
    readability_target: float
    topics: Mapping[str, Topic]
    crisis: Crisis
    extra: Mapping[str, Any]
    digest: str                  # fingerprint of the whole settings file
    lines: Mapping[str, int]     # line of each top-level key in site.yaml
    max_article_bytes: int = 2_000_000   # limits.max_article_bytes: larger articles are refused unread
    allow_hosts: tuple[str, ...] = ()    # privacy.allow_hosts: hosts pages may load images and fonts from
    render_seconds: float = 60.0         # limits.render_seconds: longest a template may take for one page


@dataclass(frozen=True)
class Author:
    """A writer or reviewer from data/authors.yaml."""

    id: str
    name: str
    credentials: str = ""
    bio: str = ""
    links: tuple[tuple[str, str], ...] = ()   # (title, url)
    line: int = 0


# ----------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class Heading:
    """A heading in an article body, for the table of contents."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class LinkRef:
    """A link or image address found in a body, with its line in the file."""

    url: str
    line: int
    col: int
    kind: str = "link"   # "link" | "image"


@dataclass(frozen=True)
class FrontMatter:
    """Validated front matter of one article or page."""

    title: str
    summary: str
    authors: tuple[str, ...]
    date: date | None
    updated: date | None = None
    reviewed_by: str = ""
    reviewed_on: date | None = None
    topics: tuple[str, ...] = ()
    previous: str = ""
    next: str = ""
    content_note: str = ""
    slug: str = ""
    draft: bool = False
    image: str = ""
    image_alt: str = ""
    template: str = ""
    references: tuple[Mapping[str, Any], ...] = ()
    reference_lines: tuple[int, ...] = ()
    checks: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)   # field -> line in the file


@dataclass(frozen=True)
class ParsedSource:
    """One Markdown file after parsing: everything that depends on that file alone.

    This is the unit cached on disk and produced in worker processes.
    """

    path: str                 # relative to the site folder, posix
    kind: str                 # "article" | "page"
    digest: str               # content hash of the file
    meta: FrontMatter | None  # None when the file could not be parsed
    body_first_line: int
    html: str                 # sanitized body HTML; citations still as tokens
    headings: tuple[Heading, ...]
    anchors: frozenset[str]   # ids in the body
    links: tuple[LinkRef, ...]
    clusters: tuple[Any, ...] # citation clusters (generator.citations.Cluster)
    word_count: int
    findings: tuple[Any, ...] # per-file findings (Diagnostics)
    on_sensitive_topics: bool = False
    grade: float | None = None  # Flesch-Kincaid grade of the prose
    references_digest: str = ""  # fingerprint of the front matter's own references


@dataclass(frozen=True)
class NavLink:
    """A link to a neighbouring article."""

    title: str
    url: str


@dataclass(frozen=True)
class Reference:
    """A cited work as shown on a page: formatted entry plus where it is cited."""

    key: str
    html: str
    text: str
    cited_by: tuple[int, ...]
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Article:
    """An assembled article: parsed source plus the facts that need the whole hub."""

    source: ParsedSource
    meta: FrontMatter
    slug: str
    url: str                  # site-relative URL, e.g. /articles/x/ (without base path)
    references: tuple[Reference, ...]
    reading_minutes: int
    kind: str = "article"
    citations_key: str = ""   # fingerprint of everything the formatted citations depend on
    references_key: str = ""  # fingerprint of the entries this article cites (not of its text)
    # Produces the body HTML with citations on demand: bodies stay on disk until a page needs one.
    body_source: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    @property
    def body_html(self) -> str:
        """The article body as HTML, citations formatted."""
        return self.body_source() if self.body_source else self.source.html


@dataclass(frozen=True)
class SourceEntry:
    """A work on the /sources/ page with the articles that cite it."""

    key: str
    html: str
    text: str
    data: Mapping[str, Any]
    cited_in: tuple[str, ...]   # slugs


@dataclass
class Site:
    """The assembled hub the planner and templates read. Built once per build."""

    config: SiteConfig
    articles: list[Article]                 # published (and drafts with --drafts), newest first
    pages: list[Article]                    # standalone pages (About ...)
    by_slug: dict[str, Article]
    authors: dict[str, Author]
    topics: dict[str, Any]
    sources: list[SourceEntry]
    bibliography: Mapping[str, Any]         # key -> (entry, path, line)
    static_files: list[str]                 # relative to static/
    neighbours: dict[str, tuple[NavLink | None, NavLink | None]] = field(default_factory=dict)
    related: dict[str, list[Article]] = field(default_factory=dict)
