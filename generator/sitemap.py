"""/sitemap.xml (sitemaps.org protocol 0.9) and /robots.txt.

The sitemap lists every public page the build writes (not 404.html, never a draft), each with
`lastmod` from the dates of what it shows: an article's latest published/updated/reviewed date, a
listing's newest such date among its articles.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from generator.model import Article, Site
from generator.structured import absolute, last_touched

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def entries(site: Site) -> list[tuple[str, str]]:
    """(absolute URL, lastmod as YYYY-MM-DD or "") for every public page, in a stable order."""
    public = [a for a in site.articles if not a.meta.draft]
    pages = [p for p in site.pages if not p.meta.draft]

    def newest(articles: list[Article]) -> str:
        dates = [d for d in (last_touched(a) for a in articles) if d]
        return max(dates).isoformat() if dates else ""

    def own(article: Article) -> str:
        day: date | None = last_touched(article)
        return day.isoformat() if day else ""

    rows: list[tuple[str, str]] = [("/", newest(public))]
    rows += [(a.url, own(a)) for a in sorted(public, key=lambda a: a.url)]
    rows += [(p.url, own(p)) for p in pages]
    rows.append(("/topics/", newest(public)))
    for tid in site.topics:
        rows.append((f"/topics/{tid}/", newest([a for a in public if tid in a.meta.topics])))
    rows.append(("/authors/", newest(public)))
    for aid in site.authors:
        rows.append((f"/authors/{aid}/", newest([a for a in public
                                                 if aid in a.meta.authors or a.meta.reviewed_by == aid])))
    rows.append(("/sources/", newest([a for a in public if a.references])))
    rows.append(("/search/", ""))
    rows.append(("/help/", ""))   # crisis help: findable from search engines too
    return [(absolute(site, url), lastmod) for url, lastmod in rows]


def render_sitemap(rows: list[tuple[str, str]]) -> bytes:
    """The sitemap's XML."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for loc, lastmod in rows:
        lines.append(f"  <url><loc>{escape(loc)}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
                     + "</url>")
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
