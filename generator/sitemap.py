"""/sitemap.xml (sitemaps.org protocol 0.9) and /robots.txt.

The sitemap lists every public page the build writes (not 404.html, never a draft), each with
`lastmod` from the dates of what it shows: an article's latest published/updated/reviewed date, a
listing's newest such date among its articles.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from generator import listings
from generator.lastbuild import LastMade
from generator.listings import paginate
from generator.model import Article, Site
from generator.structured import absolute, last_touched
from generator.translations import cited_works_in

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


Row = tuple[str, str, tuple[tuple[str, str], ...]]   # (absolute URL, lastmod, ((hreflang, absolute URL), ...))
XHTML_NS = "http://www.w3.org/1999/xhtml"


# In a long-lived process (the preview server): the last rows made, by what they were made from. Most
# saves change no date, address, topic, author or language, and the rows were a tenth of a save at 10,000.
_LAST_ROWS: LastMade[list[Row]] = LastMade()


def entries(site: Site) -> list[Row]:
    """The sitemap's rows (see `_entries`), the last ones made when nothing they are made from changed."""
    return _LAST_ROWS.get("rows", _shape(site), _entries, site)


def _shape(site: Site) -> tuple:
    """Everything the rows read: the settings (addresses, languages, listing sizes), the topics and authors
    listed, and of each article and page its address, language, dates, draft state, topics, people,
    whether it cites anything and what it translates."""
    def read(a: Article) -> tuple:
        m = a.meta
        return (a.url, a.lang, m.date, m.updated, m.reviewed_on, m.draft, tuple(m.topics), tuple(m.authors),
                m.reviewed_by, a.cites, m.translation_of)
    return (site.config.digest, tuple(site.topics), tuple(site.authors), tuple(read(a) for a in site.articles),
            tuple(read(p) for p in site.pages),
            tuple(len(cited_works_in(site, lang.code)) for lang in site.config.languages))   # pages of /sources/


def _entries(site: Site) -> list[Row]:
    """(absolute URL, lastmod as YYYY-MM-DD or "", alternates) for every public page, in a stable order.

    In a hub with several languages, each language's section pages and articles are listed, and every
    page with versions in other languages names them all (itself included) and x-default, as Google's
    sitemap hreflang format asks: the same set on every version.
    """
    config = site.config
    pages = [p for p in site.pages if not p.meta.draft]
    several = len(config.languages) > 1

    touched = {a.url: last_touched(a) for a in site.articles}   # each article is in several listings

    def newest(articles: list[Article]) -> str:
        dates = [d for d in (touched[a.url] for a in articles) if d]
        return max(dates).isoformat() if dates else ""

    def own(article: Article) -> str:
        day: date | None = touched.get(article.url) or last_touched(article)   # pages are not in `touched`
        return day.isoformat() if day else ""

    def versions(article: Article) -> tuple[tuple[str, str], ...]:
        group = {code: v for code, v in site.translations.get(article.url, {}).items()
                 if not v.meta.draft and not v.scheduled}
        return _alternates(site, [(code, v.url) for code, v in group.items()]) if len(group) > 1 else ()

    def everywhere(section: str) -> tuple[tuple[str, str], ...]:
        return _alternates(site, [(lang.code, lang.url(section)) for lang in config.languages]) if several else ()

    rows: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []

    def listing(language, section: str, articles: list[Article]) -> None:
        """Every page of a paged listing, newest first; page 1 names its versions in the other languages."""
        for part in paginate(language.url(section), articles, config.per_page):
            rows.append((part.pager.url, newest(list(part.items)),
                         everywhere(section) if part.pager.number == 1 else ()))

    for language in config.languages:
        mine = [a for a in site.in_language(language.code) if not a.meta.draft]
        latest = newest(mine)   # the home, topics and authors pages change with any article
        rows.append((language.url("/"), latest, everywhere("/")))
        rows += [(a.url, own(a), versions(a)) for a in sorted(mine, key=lambda a: a.url)]
        rows += [(p.url, own(p), versions(p)) for p in pages if (p.lang or config.language) == language.code]
        listing(language, "/articles/", mine)
        rows.append((language.url("/topics/"), latest, everywhere("/topics/")))
        for tid in site.topics:
            listing(language, f"/topics/{tid}/", [a for a in site.in_topic(language.code, tid) if not a.meta.draft])
        rows.append((language.url("/authors/"), latest, everywhere("/authors/")))
        for aid in site.authors:
            listing(language, f"/authors/{aid}/", [a for a in site.by_person(language.code, aid) if not a.meta.draft])
        cited = newest([a for a in mine if a.cites])
        for part in paginate(language.url("/sources/"), cited_works_in(site, language.code), listings.SOURCES_PER_PAGE):
            rows.append((part.pager.url, cited, everywhere("/sources/") if part.pager.number == 1 else ()))
        rows.append((language.url("/search/"), "", everywhere("/search/")))
        # crisis help: findable from search engines too
        rows.append((language.url("/help/"), "", everywhere("/help/")))
    return [(absolute(site, url), lastmod, alternates) for url, lastmod, alternates in rows]


def _alternates(site: Site, versions: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    default = site.config.default_language.code
    found = [(code, absolute(site, url)) for code, url in versions]
    found += [("x-default", absolute(site, url)) for code, url in versions if code == default]
    return tuple(found)


def render_sitemap(rows: list[Row]) -> bytes:
    """The sitemap's XML (with xhtml:link alternates when the hub speaks several languages)."""
    several = any(alternates for _loc, _lastmod, alternates in rows)
    namespaces = f' xmlns:xhtml="{XHTML_NS}"' if several else ""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}"{namespaces}>']
    for loc, lastmod, alternates in rows:
        links = "".join(f'<xhtml:link rel="alternate" hreflang="{escape(code)}" href="{escape(href)}"/>'
                        for code, href in alternates)
        lines.append(f"  <url><loc>{escape(loc)}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
                     + links + "</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_robots(site: Site) -> bytes:
    """robots.txt: everything may be crawled; the sitemap says what there is."""
    text = (
        "# Every public page of this hub may be crawled; the sitemap lists them.\n"
        "# Drafts are never published, and the search index is not a page.\n"
        "User-agent: *\n"
        f"Disallow: {site.config.base_path}pagefind/\n"
        "\n"
        f"Sitemap: {absolute(site, '/sitemap.xml')}\n"
    )
    return text.encode("utf-8")
