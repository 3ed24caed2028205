"""Cross-references between the hub's files: every author, reviewer, topic, neighbour, link target,
anchor and template that a page names must exist. (`hub.py` runs these with the other whole-hub checks.)

Pure: they read the Site and return findings.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic, did_you_mean
from generator.lastbuild import SinceLastBuild
from generator.model import Article, Site

# Ids the article template adds around the body; links may point at them.
TEMPLATE_IDS = frozenset({"main", "top", "refs", "toc", "content-note", "crisis-help", "related", "article-title"})


def check_ids(site: Site) -> list[Diagnostic]:
    """Authors, reviewers and topics named in front matter must exist."""
    out: list[Diagnostic] = []
    for article in site.articles + site.pages + site.scheduled:   # scheduled: fixed now, not on its day
        meta, path = article.meta, article.parsed.path
        for aid in meta.authors:
            if aid not in site.authors:
                out.append(_unknown("unknown-author", path, meta.lines.get("author", 1), "author", aid,
                                    site.authors, "data/authors.yaml"))
        if meta.reviewed_by and meta.reviewed_by not in site.authors:
            out.append(_unknown("unknown-reviewer", path, meta.lines.get("reviewed_by", 1), "reviewer",
                                meta.reviewed_by, site.authors, "data/authors.yaml"))
        for tid in meta.topics:
            if tid not in site.topics:
                out.append(_unknown("unknown-topic", path, meta.lines.get("topics", 1), "topic", tid,
                                    site.topics, "site.yaml under `topics:`"))
    return out


def _unknown(code: str, path: str, line: int, what: str, value: str, known: Iterable[str], where: str) -> Diagnostic:
    hint = did_you_mean(value, known)
    add = f"add '{value}' to {where}"
    return finding(code, path, line, 1, f"unknown {what} '{value}'", f"{hint} or {add}" if hint else add)


def check_neighbours(site: Site) -> list[Diagnostic]:
    """previous/next must name an article; pairs should point back to each other."""
    out: list[Diagnostic] = []
    for article in site.articles:
        meta, path = article.meta, article.parsed.path
        for key, back in (("previous", "next"), ("next", "previous")):
            target = getattr(meta, key)
            if not target:
                continue
            if target == article.slug:
                out.append(finding("self-neighbour", path, meta.lines.get(key, 1), 1,
                                   f"{key} names this article itself ('{target}')",
                                   f"name the article that comes {'before' if key == 'previous' else 'after'} "
                                   f"this one, or remove `{key}:`"))
                continue
            other = site.by_slug.get(target)
            if other is None and any(s.slug == target for s in site.scheduled):
                continue   # the link to a scheduled neighbour appears on its day
            if other is None:
                out.append(_unknown("unknown-neighbour", path, meta.lines.get(key, 1), f"{key} article", target,
                                    site.by_slug, "articles/ (check the other article's slug)"))
            elif getattr(other.meta, back) != article.slug:
                out.append(finding(
                    "one-way-neighbour", path, meta.lines.get(key, 1), 1,
                    f"{key} is '{target}', but that article's {back} is "
                    f"'{getattr(other.meta, back) or '(not set)'}'",
                    f"add `{back}: {article.slug}` to {other.parsed.path}"))
    return out


def check_links(site: Site, public_urls: set[str], articles: list[Article] | None = None) -> list[Diagnostic]:
    """Links and images in bodies (of `articles`, by default every page's) that point at site pages or
    anchors that do not exist."""
    pages = site.by_url()
    scheduled = {base_url: a for a in site.scheduled for base_url in (site.config.base_path + a.url.lstrip("/"),)}
    anchors = _LazyAnchors(pages)
    _ANCHORS.begin(None)
    base = site.config.base_path
    out: list[Diagnostic] = []
    for article in site.articles + site.pages + site.scheduled if articles is None else articles:
        for link in article.parsed.links:
            url = link.url
            waiting = scheduled.get(url.split("#", 1)[0]) if scheduled else None
            if waiting is not None and waiting.meta.date:
                # a link from a page published on or after the target's day is fine
                if not (article.scheduled and article.meta.date and article.meta.date >= waiting.meta.date):
                    out.append(finding(
                        "link-to-scheduled", article.parsed.path, link.line, link.col,
                        f"link to '{link.url}', which is scheduled for {waiting.meta.date.isoformat()} "
                        "and is not published until then", "readers get 'page not found' until that day: "
                        "link to it once it is published, or schedule this article for the same day or later"))
                continue
            # fast paths for the two shapes nearly every link has: a plain page address, a fragment
            if url.startswith(base) and not any(c in url for c in "#?%") and "/." not in url \
                    and "/" + url[len(base):] in public_urls:
                continue
            if url.startswith("#") and "%" not in url and url[1:] in anchors[article.url]:
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or link.url.startswith("//"):
                continue
            if parts.path:
                target = parts.path if parts.path.startswith("/") else posixpath.join(
                    base + article.url.lstrip("/"), parts.path)
                folder = parts.path.endswith(("/", "/."))
                target = posixpath.normpath(unquote(target)) + ("/" if folder else "")
                if not target.startswith(base):
                    out.append(_broken(article, link, f"points outside the site ({base})"))
                    continue
                page = "/" + target[len(base):]
                if page.endswith("/index.html"):
                    page = page[: -len("index.html")]
                if page not in public_urls:
                    if page + "/" in public_urls:
                        hint = f"add the trailing slash: {base.rstrip('/')}{page}/"
                    else:
                        hint = (did_you_mean(page, public_urls)
                                or "check the address; article pages are /articles/<slug>/")
                    out.append(finding("broken-link", article.parsed.path, link.line, link.col,
                                     f"link to '{link.url}', which is not a page of this hub", hint))
                    continue
            else:
                page = article.url
            if parts.fragment and page in anchors and unquote(parts.fragment) not in anchors[page]:
                known = sorted(anchors[page] - TEMPLATE_IDS)
                hint = did_you_mean(parts.fragment, known) or (
                    "headings get ids from their text, e.g. '## Why it matters' -> #why-it-matters")
                out.append(finding("broken-anchor", article.parsed.path, link.line, link.col,
                                 f"link to '{link.url}': no section '#{parts.fragment}' on {page}", hint))
    return out


class _LazyAnchors(dict):
    """Ids on each page, computed only for pages some link points into."""

    def __init__(self, pages: Mapping[str, Article]):
        super().__init__()
        self.pages = pages

    def __missing__(self, url: str) -> frozenset[str]:
        article = self.pages[url]
        ids = self[url] = _ANCHORS.get(article, None, _page_ids, article)
        return ids

    def __contains__(self, url: object) -> bool:
        return url in self.pages


# In a long-lived process (the preview server): the ids on the pages of recent builds' articles (the same
# article, kept by assemble while its file does not change, has the same ids).
_ANCHORS: SinceLastBuild[frozenset[str]] = SinceLastBuild()


def _page_ids(article: Article) -> frozenset[str]:
    """Every id a link may point at on an article's page: its headings', the template's, its references'."""
    return article.parsed.anchors | TEMPLATE_IDS | _reference_ids(article)


def _reference_ids(article: Article) -> set[str]:
    ids = {f"ref-{r.key}" for r in article.references}
    ids.update(f"cite-{n}" for n in range(1, len(article.parsed.clusters) + 1))
    return ids


def _broken(article: Article, link, why: str) -> Diagnostic:
    return finding("broken-link", article.parsed.path, link.line, link.col, f"link to '{link.url}' {why}",
                 "link to pages of this hub with addresses like /articles/<slug>/")


def check_scheduled(site: Site) -> list[Diagnostic]:
    """A note for each article dated after the build's day: what is scheduled, and for when."""
    return [finding("scheduled", a.parsed.path, a.meta.lines.get("date", 1), 1,
                 f"scheduled for {a.meta.date.isoformat()}: not published (home, lists, feeds, search) until then",
                 "a build on or after that day publishes it; `haven build --future` or `haven serve` shows it now")
            for a in site.scheduled if a.meta.date]


def check_templates(site: Site, templates) -> list[Diagnostic]:
    """Every template a page asks for must exist."""
    out: list[Diagnostic] = []
    for article in site.articles + site.pages:
        name = article.meta.template
        if name and not templates.has(name):
            out.append(finding("unknown-template", article.parsed.path, article.meta.lines.get("template", 1), 1,
                             f"template '{name}' does not exist in templates/",
                             did_you_mean(name, templates.texts) or "leave `template:` out to use article.html"))
    return out
