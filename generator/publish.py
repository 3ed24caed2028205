"""What makes a hub findable and deployable: feeds, sitemap, robots, structured data,
search index, host headers. Called by plan (outputs) and build (after writing).

Owned by the "Found, shared and deployed" work; until it lands these add nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from generator.model import Article, Site


def extra_outputs(site: Site, templates, common: tuple, make_output: Callable[..., Any], headers: bool) -> list:
    """Outputs beyond the HTML pages (feeds, sitemap, robots, _headers)."""
    return []


def article_head(site: Site, article: Article) -> dict:
    """Structured data and social meta for one article page (read by partials/head-meta.html)."""
    return {}


def after_write(site: Site, out_dir: Path, changed: list[str], search_index: bool) -> list:
    """Work on the written site (the search index); returns findings."""
    return []
