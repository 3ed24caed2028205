"""Structured data and social meta for article pages: schema.org JSON-LD, Open Graph, Twitter cards.

Pure functions of the Site model (no I/O). Every type and property used here is checked
against the schema.org vocabulary by tests/test_structured_data.py.

Shape of the JSON-LD (one `<script type="application/ld+json">` per article page):

- medical hub (`medical: true`, the default): one `MedicalWebPage` node carrying headline,
  description, authors, publisher, dates, review, topics (`about`), citations and breadcrumb;
- otherwise an `Article` node with the same content facts plus a `WebPage` node (the article is its
  `mainEntity`) for what schema.org defines on pages only: breadcrumb, lastReviewed, reviewedBy;
- standalone pages (About ...) are a plain `WebPage`;
- always a `BreadcrumbList` node, referenced by the page's `breadcrumb`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from generator.identitymemo import IdentityMemo
from generator.model import Article, Author, Reference, Site

CONTEXT = "https://schema.org"


# ----------------------------------------------------------------------------- dates


def published(article: Article) -> date | None:
    """First publication date."""
    return article.meta.date


def modified(article: Article) -> date | None:
    """Last substantive change: `updated`, else the publication date."""
    return article.meta.updated or article.meta.date


def last_touched(article: Article) -> date | None:
    """The latest of published, updated and reviewed dates (sitemap lastmod)."""
    dates = [d for d in (article.meta.date, article.meta.updated, article.meta.reviewed_on) if d]
    return max(dates) if dates else None


# ----------------------------------------------------------------------------- pieces


def breadcrumbs(site: Site, article: Article) -> list[tuple[str, str]]:
    """(label, site-relative URL) from Home to the article itself, as the page shows them."""
    language = site.config.language_of(article.lang)
    crumbs = [("Home", language.url("/"))]
    if article.kind == "article":
        topics = [language.topics[t] for t in article.meta.topics if t in language.topics]
        crumbs.append((topics[0].title, language.url(f"/topics/{topics[0].id}/")) if topics
                      else ("Articles", language.url("/topics/")))
    crumbs.append((article.meta.title, article.url))
    return crumbs


def person(site: Site, author: Author) -> dict[str, Any]:
    """An author or reviewer as a schema.org Person, with credentials when the hub lists them."""
    node: dict[str, Any] = {"@type": "Person", "name": author.name,
                            "url": absolute(site, f"/authors/{author.id}/")}
    if author.credentials:
        node["hasCredential"] = {"@type": "EducationalOccupationalCredential", "name": author.credentials}
    if author.bio:
        node["description"] = author.bio
    links = [url for _title, url in author.links if url.startswith(("http://", "https://"))]
    if links:
        node["sameAs"] = links
    return node


def publisher(site: Site) -> dict[str, Any]:
    """The organisation from site.yaml `publisher`."""
    return {"@type": "Organization", "name": site.config.publisher_name, "url": site.config.publisher_url}


# The same work is cited by many articles, with the same mapping: its node is made once per mapping.
_WORKS: IdentityMemo[dict[str, Any]] = IdentityMemo(8192)


def cited_work(reference: Reference) -> dict[str, Any]:
    """One cited work (CSL data) as a schema.org CreativeWork with its DOI or URL (shared: not to be changed)."""
    return _WORKS.get(reference.data, lambda: _cited_work(reference), extra=reference.text)


def _cited_work(reference: Reference) -> dict[str, Any]:
    data = reference.data
    node: dict[str, Any] = {"@type": "CreativeWork", "name": _text(data.get("title")) or reference.text}
    names = [n for n in map(_csl_name, _as_list(data.get("author"))) if n]
    if names:
        node["author"] = [{"@type": "Person", "name": n} for n in names]
    year = _csl_year(data.get("issued"))
    if year:
        node["datePublished"] = year
    container = _text(data.get("container-title"))
    if container:
        node["isPartOf"] = {"@type": "CreativeWork", "name": container}
    doi = normalise_doi(_text(data.get("DOI") or data.get("doi")))
    url = _text(data.get("URL") or data.get("url"))
    if doi:
        node["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": doi}
        node["url"] = f"https://doi.org/{doi}"
        if url and url != node["url"]:
            node["sameAs"] = url
    elif url:
        node["url"] = url
    return node


_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.I)


def normalise_doi(value: str) -> str:
    """10.x/y from 'doi:10.x/y', 'https://doi.org/10.x/y' or '10.x/y'."""
    value = value.strip()
    value = _DOI_PREFIX.sub("", value)
    return value if value.startswith("10.") else ""


# ----------------------------------------------------------------------------- the graph


def jsonld(site: Site, article: Article) -> dict[str, Any]:
    """The JSON-LD document for one article or page."""
    config = site.config
    meta = article.meta
    page_url = absolute(site, article.url)
    crumbs_id = page_url + "#breadcrumb"
    crumbs = {
        "@type": "BreadcrumbList", "@id": crumbs_id,
        "itemListElement": [{"@type": "ListItem", "position": i, "name": label, "item": absolute(site, url)}
                            for i, (label, url) in enumerate(breadcrumbs(site, article), start=1)],
    }
    content: dict[str, Any] = {
        "headline": meta.title,
        "name": meta.title,
        "description": meta.summary,
        "inLanguage": article.lang or config.language,
        "url": page_url,
    }
    authors = [site.authors[a] for a in meta.authors if a in site.authors]
    if authors:
        content["author"] = [person(site, a) for a in authors]
    content["publisher"] = publisher(site)
    if first := published(article):
        content["datePublished"] = first.isoformat()
    if last := modified(article):
        content["dateModified"] = last.isoformat()
    if meta.image:
        content["image"] = {"@type": "ImageObject", "url": absolute(site, meta.image), "caption": meta.image_alt}
    topics = [site.topics[t] for t in meta.topics if t in site.topics]
    if topics:
        content["about"] = [{"@type": "Thing", "name": t.title, "description": t.description} if t.description
                            else {"@type": "Thing", "name": t.title} for t in topics]
    if article.references:
        content["citation"] = [cited_work(r) for r in article.references]

    review: dict[str, Any] = {}
    reviewer = site.authors.get(meta.reviewed_by) if meta.reviewed_by else None
    if meta.reviewed_on:
        review["lastReviewed"] = meta.reviewed_on.isoformat()
    if reviewer:
        review["reviewedBy"] = person(site, reviewer)
    website = {"@type": "WebSite", "name": config.title, "url": config.base_url}

    if article.kind != "article":
        page = {"@type": "WebPage", "@id": page_url, **content, **review, "isPartOf": website,
                "breadcrumb": {"@id": crumbs_id}}
        graph = [page, crumbs]
    elif config.medical:
        page = {"@type": "MedicalWebPage", "@id": page_url, **content, **review, "isPartOf": website,
                "breadcrumb": {"@id": crumbs_id}}
        graph = [page, crumbs]
    else:
        article_id = page_url + "#article"
        page = {"@type": "WebPage", "@id": page_url, "url": page_url, "name": meta.title,
                "inLanguage": article.lang or config.language, **review, "isPartOf": website,
                "breadcrumb": {"@id": crumbs_id}, "mainEntity": {"@id": article_id}}
        graph = [page, {"@type": "Article", "@id": article_id, **content, "mainEntityOfPage": {"@id": page_url}},
                 crumbs]
    return {"@context": CONTEXT, "@graph": graph}


def script_json(document: Mapping[str, Any]) -> str:
    """JSON safe to place inside <script type="application/ld+json">: no '<', '>' or '&' at all."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ----------------------------------------------------------------------------- social meta


def social_meta(site: Site, article: Article) -> list[tuple[str, str, str]]:
    """(attribute, name, content) triples for Open Graph and Twitter card meta tags.

    The generic tags every page has (og:title, og:url ...) are in partials/head-meta.html;
    these are the article-specific ones.
    """
    meta = article.meta
    tags: list[tuple[str, str, str]] = []
    if article.kind == "article":
        tags.append(("property", "og:type", "article"))
        if first := published(article):
            tags.append(("property", "article:published_time", first.isoformat()))
        if last := modified(article):
            tags.append(("property", "article:modified_time", last.isoformat()))
        topics = [site.topics[t] for t in meta.topics if t in site.topics]
        if topics:
            tags.append(("property", "article:section", topics[0].title))
        tags += [("property", "article:tag", t.title) for t in topics]
        names = [site.authors[a].name for a in meta.authors if a in site.authors]
        if names:
            tags.append(("name", "author", ", ".join(names)))
    else:
        tags.append(("property", "og:type", "website"))
    if meta.image:
        image = absolute(site, meta.image)
        tags += [("property", "og:image", image), ("property", "og:image:alt", meta.image_alt),
                 ("name", "twitter:card", "summary_large_image"), ("name", "twitter:image", image),
                 ("name", "twitter:image:alt", meta.image_alt)]
    else:
        tags.append(("name", "twitter:card", "summary"))
    return tags


# ----------------------------------------------------------------------------- helpers


def absolute(site: Site, path: str) -> str:
    """Absolute URL of a site-relative path (honours the base path)."""
    if path.startswith(("http://", "https://")):
        return path
    base_path = site.config.base_path
    if base_path != "/" and path.startswith(base_path):  # already base-path aware
        path = path[len(base_path) - 1:]
    return site.config.base_url + path.lstrip("/")


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    return str(value).strip()


def _csl_name(name: Any) -> str:
    if isinstance(name, str):
        return name.strip()
    if not isinstance(name, Mapping):
        return ""
    if name.get("literal"):
        return str(name["literal"]).strip()
    parts: Iterable[Any] = (name.get("given"), name.get("non-dropping-particle"), name.get("family"))
    return " ".join([str(p).strip() for p in parts if p])   # a list: join makes one from a generator anyway


def _csl_year(issued: Any) -> str:
    """ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from a CSL date."""
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts")
        if isinstance(parts, (list, tuple)) and parts and isinstance(parts[0], (list, tuple)) and parts[0]:
            try:
                numbers = [int(p) for p in parts[0][:3]]
            except (TypeError, ValueError):
                return ""
            return "-".join([f"{numbers[0]:04d}"] + [f"{n:02d}" for n in numbers[1:]])
        raw = issued.get("raw") or issued.get("literal")
        match = re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", str(raw or ""))
        return match.group(0) if match else ""
    if isinstance(issued, (int, str)):
        match = re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", str(issued))
        return match.group(0) if match else ""
    if isinstance(issued, date):
        return issued.isoformat()
    return ""
