"""What makes a hub findable and deployable: feeds, sitemap, robots, structured data,
search index, host headers. Called by plan (outputs) and build (after writing).

- extra_outputs: /feed.xml, /topics/<id>/feed.xml, /sitemap.xml, /robots.txt and, with
  `haven build --headers`, /_headers; each with the inputs it shows, so a no-op build writes
  nothing and an edit rewrites only the files that show it.
- article_head: JSON-LD, Open Graph and Twitter meta for an article page (partials/head-meta.html).
- after_write: the Pagefind search index (skipped by the preview server; see search_index.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from generator import feeds, headers as host_headers, sitemap, structured
from generator import search_index as search
from generator.assemble import fingerprint
from generator.model import Article, Site


def extra_outputs(site: Site, templates, common: tuple, make_output: Callable[..., Any], headers: bool) -> list:
    """Outputs beyond the HTML pages (feeds, sitemap, robots, _headers)."""
    outputs = []
    entry_fps: dict[str, str] = {}

    def entry_fp(article: Article) -> str:
        if article.slug not in entry_fps:
            entry_fps[article.slug] = feeds.entry_fingerprint(site, article)
        return entry_fps[article.slug]

    for feed in feeds.feeds(site):
        outputs.append(make_output(feed.path, common + feeds.feed_inputs(site, feed, entry_fp),
                                   produce=lambda feed=feed: feeds.render_feed(site, feed)))

    rows = sitemap.entries(site)
    outputs.append(make_output("sitemap.xml", common + (("sitemap", fingerprint(rows)),),
                               produce=lambda: sitemap.render_sitemap(rows)))
    outputs.append(make_output("robots.txt", common, produce=lambda: sitemap.render_robots(site)))
    if headers:
        body = host_headers.render_headers()
        outputs.append(make_output("_headers", common + (("headers", fingerprint(body)),), produce=lambda: body))
    return outputs


def article_head(site: Site, article: Article) -> dict:
    """Structured data and social meta for one article page (read by partials/head-meta.html)."""
    return {
        "jsonld": structured.script_json(structured.jsonld(site, article)),
        "meta": structured.social_meta(site, article),
        "noindex": article.meta.draft,
    }


def after_write(site: Site, out_dir: Path, changed: list[str], search_index: bool) -> list:
    """Work on the written site (the search index); returns findings.

    The index is built from the site model and rebuilt only when what it holds changed or its
    files are missing, so `changed` is not needed to decide; the preview server passes
    search_index=False so edits never wait for indexing.
    """
    if not search_index:
        return []
    return search.update_index(site, out_dir)
