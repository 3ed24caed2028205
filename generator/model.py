"""Typed records of a hub: what the parsers produce and the templates read. No I/O here."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from generator.crisismodel import Contact, Crisis
from generator.crisismodel import CrisisResource as CrisisResource  # re-exported: the model's crisis records
from generator.crisismodel import EmergencyNumber as EmergencyNumber
from generator.imageinfo import ImageInfo

# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Topic:
    """A topic declared in site.yaml."""

    id: str
    title: str
    description: str
    line: int = 0


@dataclass(frozen=True)
class Language:
    """A language the hub speaks (site.yaml `languages:`); the default one has no URL prefix."""

    code: str                    # BCP 47 tag as written in site.yaml, e.g. "es", "pt-BR"
    name: str                    # the language's name in itself, e.g. "Español"
    dir: str = "ltr"             # "ltr" | "rtl"
    default: bool = True
    title: str = ""              # the hub's title, tagline and description in this language
    tagline: str = ""            # ("" means: the site-wide value)
    description: str = ""
    topics: Mapping[str, Topic] = field(default_factory=dict)   # every topic id -> its title in this language
    untranslated_topics: tuple[str, ...] = ()                   # ids shown with the default language's title
    line: int = 0

    @property
    def prefix(self) -> str:
        """The URL prefix of this language's pages: "" for the default, "/es" otherwise."""
        return "" if self.default else f"/{self.code}"

    @property
    def locale(self) -> str:
        """The Babel locale identifier (underscore form), e.g. "pt_BR"."""
        return self.code.replace("-", "_")

    def url(self, path: str) -> str:
        """The site-relative URL of `path` (e.g. "/topics/") in this language."""
        return self.prefix + "/" + path.lstrip("/")


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
    parse_seconds: float = 10.0          # limits.parse_seconds: longest one article may take to convert
    contact: Contact = field(default_factory=Contact)   # where readers report a problem
    check_levels: Mapping[str, str] = field(default_factory=dict)  # `checks:` {code: error|warning|off}
    publish_branch: str = "gh-pages"     # publish.branch: the branch `haven publish --to git` commits to
    publish_cname: str = ""              # publish.cname: the custom domain written to CNAME ("" = none)
    default_author: str = ""     # the author id `haven new` writes when none is given
    per_page: int = 20           # articles per page of a listing (archive, topics, authors)
    # Every language the hub speaks, the default first; one entry made from `language:` when the
    # hub declares no `languages:`.
    languages: tuple[Language, ...] = ()

    @property
    def default_language(self) -> Language:
        """The language whose pages live at the root of the site."""
        return self.languages[0] if self.languages else Language(self.language, self.language)

    def language_of(self, code: str) -> Language:
        """The declared language with this code (the default when none matches)."""
        for language in self.languages:
            if language.code == code:
                return language
        return self.default_language


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
    date: datetime.date | None  # the field shadows the type inside this class: hence datetime.date
    updated: datetime.date | None = None
    reviewed_by: str = ""
    reviewed_on: datetime.date | None = None
    topics: tuple[str, ...] = ()
    previous: str = ""
    next: str = ""
    content_note: str = ""
    slug: str = ""
    draft: bool = False
    image: str = ""
    image_alt: str = ""
    template: str = ""
    references: Sequence[Mapping[str, Any]] = ()   # (read back from the cache as a DeferredTuple)
    reference_lines: tuple[int, ...] = ()
    checks: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)   # field -> line in the file
    lang: str = ""              # the article's language code ("" : from its folder, else the default)
    translation_of: str = ""    # slug of the original this article translates
    aliases: tuple[str, ...] = ()       # old site paths that redirect here, e.g. /articles/old-name/
    alias_lines: tuple[int, ...] = ()   # the line of each alias in the file


@dataclass(frozen=True)
class ParsedFile:
    """One Markdown file after parsing: everything that depends on that file alone.

    This is the unit cached on disk and produced in worker processes.
    """

    path: str                 # relative to the site folder, posix
    kind: str                 # "article" | "page"
    digest: str               # content hash of the file
    meta: FrontMatter | None  # None when the file could not be parsed
    body_first_line: int
    html: str                 # sanitized body HTML; citations still as tokens
    headings: Sequence[Heading]   # (a DeferredTuple from the cache, like `clusters`)
    anchors: frozenset[str]   # ids in the body
    links: tuple[LinkRef, ...]
    clusters: Sequence[Any]   # citation clusters (generator.citations.Cluster; a DeferredTuple from the cache)
    word_count: int
    findings: tuple[Any, ...] # per-file findings (Diagnostics)
    mentions_suicide: bool = False  # deals with suicide or self-harm: crisis help goes at the top
    grade: float | None = None  # Flesch-Kincaid grade of the prose
    references_digest: str = ""  # fingerprint of the front matter's own references
    suppressions: tuple[Any, ...] = ()  # checks its front matter silences (generator.checks.policy.Suppression)
    body_digest: str = ""        # fingerprint of the body's HTML alone (what the search index reads of the file)
    # what assembling every article reads of its citations, without its clusters and references (see `clusters`):
    cited_keys: tuple[str, ...] = ()      # the keys its clusters cite, sorted, each once
    reference_ids: tuple[str, ...] = ()   # the ids of the references in its own front matter


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
    """An assembled article: its parsed file plus the facts that need the whole hub."""

    parsed: ParsedFile
    meta: FrontMatter
    slug: str
    url: str                  # site-relative URL, e.g. /articles/x/ (without base path)
    reading_minutes: int
    kind: str = "article"
    lang: str = ""            # language code; "" in records made before languages existed = the default
    citations_fingerprint: str = ""   # fingerprint of everything the formatted citations depend on
    scheduled: bool = False   # dated after the build's day: built only with --future, never listed
    references_fingerprint: str = ""  # fingerprint of the entries this article cites (not of its text)
    # Produces the body HTML with citations on demand: bodies stay on disk until a page needs one.
    body_loader: Callable[[], str] | None = field(default=None, compare=False, repr=False)
    cites: bool = False       # it cites a work the hub knows: its reference list has an entry
    # Produce, on demand, the works it cites: formatted (`references`: a build formats, or reads back, only the lists
    # its pages and feeds show), and their entries by key, unformatted (what the /sources/ page lists it under)
    references_loader: Callable[[], tuple[Reference, ...]] | None = field(default=None, compare=False, repr=False)
    entries_loader: Callable[[], Mapping[str, Mapping]] | None = field(default=None, compare=False, repr=False)

    @functools.cached_property
    def references(self) -> tuple[Reference, ...]:
        """The works the article cites, APA order, formatted (made once, on first use)."""
        return self.references_loader() if self.references_loader else ()

    @property
    def body_html(self) -> str:
        """The article body as HTML, citations formatted."""
        return self.body_loader() if self.body_loader else self.parsed.html

    @property
    def source(self) -> ParsedFile:
        """The parsed file under its old name, which hub templates copied from earlier themes use
        (`article.source.headings`); Haven's own code and theme say `article.parsed`."""
        return self.parsed


@dataclass(frozen=True)
class CitedWork:
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
    # Makes the works on the /sources/ page (see `cited_works`): a build that plans no page listing them (a
    # one-article edit) reads no article's reference list for it
    works: Callable[[], list[CitedWork]] = field(repr=False, compare=False)
    bibliography: Mapping[str, Any]         # key -> (entry, path, line)
    bibliography_digest: str                # fingerprint of all of it, lines included
    static_files: list[str]                 # relative to static/
    neighbours: dict[str, tuple[NavLink | None, NavLink | None]] = field(default_factory=dict)
    related: dict[str, list[str]] = field(default_factory=dict)     # article slug -> related articles' slugs
    # article or page URL -> every version of it (itself included), by language code, in `languages:` order
    translations: dict[str, dict[str, Article]] = field(default_factory=dict)

    def with_articles(self, pairs: Sequence[tuple[Article, Article]]) -> Site:
        """This site with some articles swapped for new versions of themselves (each (old, new) keeps its address,
        language, date, topics and people: the lists and maps are keyed and ordered by them) in every list and
        index that holds them."""
        # (a save swaps one article of thousands: lists and maps without it are shared, and maps with it are copied
        # and patched where it is, not rebuilt entry by entry; nothing changes a site's lists once it is assembled)
        swapped = {id(old): new for old, new in pairs}
        ids = swapped.keys()

        def swap(articles: list[Article]) -> list[Article]:
            return articles if ids.isdisjoint(map(id, articles)) else [swapped.get(id(a), a) for a in articles]

        def patched(lists: dict[str, list[Article]], keys: Callable[[Article], Iterable[str]]) -> dict:
            lists = dict(lists)
            for old, _new in pairs:
                for key in keys(old):
                    if key in lists:
                        lists[key] = swap(lists[key])
            return lists

        by_slug, translations = dict(self.by_slug), dict(self.translations)
        by_path, by_url = dict(self._paths), dict(self._urls)
        for old, new in pairs:
            for index, key in ((by_slug, old.slug), (by_path, old.parsed.path), (by_url, old.url)):
                if index.get(key) is old:
                    index[key] = new
            versions = self.translations.get(old.url, {})
            if not ids.isdisjoint(map(id, versions.values())):   # every version's URL maps to the same group
                group = {code: swapped.get(id(a), a) for code, a in versions.items()}
                translations.update((version.url, group) for version in versions.values())
        return replace(
            self, articles=swap(self.articles), pages=swap(self.pages), scheduled=swap(self.scheduled),
            by_slug=by_slug, translations=translations, _paths=by_path, _urls=by_url,
            _index={code: (swap(mine), patched(topics, _topics_of), patched(people, _people_of))
                    for code, (mine, topics, people) in self._index.items()})

    @property
    def cited_works(self) -> list[CitedWork]:
        """The works on the /sources/ page, APA order, with the articles citing each (made once, on first use)."""
        made = self.works()
        self.works = lambda: made   # a copy of the site (`replace`) carries the list, not what it was made from
        return made

    def article_at(self, path: str) -> Article | None:
        """The article or page made from the file at `path` (relative to the hub), if the site holds one."""
        if not self._paths:
            self._paths.update((a.parsed.path, a) for a in self.articles + self.pages + self.scheduled)
        return self._paths.get(path)

    def by_url(self) -> Mapping[str, Article]:
        """Every article and page by its URL (scheduled ones too)."""
        if not self._urls:
            self._urls.update((a.url, a) for a in self.articles + self.pages + self.scheduled)
        return self._urls

    def related_to(self, slug: str) -> list[Article]:
        """The articles related to one article (see generator.assemble), most related first."""
        return [self.by_slug[other] for other in self.related.get(slug, ())]

    def in_language(self, code: str) -> list[Article]:
        """The published articles in one language, newest first."""
        return self._listings(code)[0]

    def in_topic(self, code: str, topic: str) -> list[Article]:
        """The articles in one language under one topic, newest first."""
        return self._listings(code)[1].get(topic, [])

    def by_person(self, code: str, person: str) -> list[Article]:
        """The articles in one language written or reviewed by one author id, newest first."""
        return self._listings(code)[2].get(person, [])

    def _listings(self, code: str) -> tuple[list[Article], dict[str, list[Article]], dict[str, list[Article]]]:
        """One pass over the articles per language, remembered: pages, feeds and the sitemap list every
        topic and author, and a pass per topic and author was most of an edit's planning time at 10,000."""
        if code not in self._index:
            default = self.config.default_language.code
            mine = [a for a in self.articles if (a.lang or default) == code]
            topics: dict[str, list[Article]] = {}
            people: dict[str, list[Article]] = {}
            for article in mine:
                for topic in _topics_of(article):
                    topics.setdefault(topic, []).append(article)
                for person in _people_of(article):
                    people.setdefault(person, []).append(article)
            self._index[code] = (mine, topics, people)
        return self._index[code]
    # Articles dated after the build's day. Never listed, linked as neighbours, fed or indexed; their
    # pages are built (with a "scheduled" banner) only when `show_scheduled` (--future, the preview).
    scheduled: list[Article] = field(default_factory=list)
    show_scheduled: bool = False
    images: Mapping[str, ImageInfo] = field(default_factory=dict)   # local image URL -> its size and variants
    # language code -> its articles, by topic and by person (made on first use: see _listings)
    _index: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)
    # file path -> its article or page, and URL -> it (made on first use: see article_at and by_url)
    _paths: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)
    _urls: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)   # (see by_url)


def _topics_of(article: Article) -> Iterable[str]:
    """The topics an article is listed under (each once)."""
    return dict.fromkeys(article.meta.topics)


def _people_of(article: Article) -> Iterable[str]:
    """The author ids an article is listed under: its authors and reviewer (each once)."""
    reviewer = (article.meta.reviewed_by,) if article.meta.reviewed_by else ()
    return dict.fromkeys(article.meta.authors + reviewer)
