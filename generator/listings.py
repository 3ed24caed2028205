"""Listings that page: the archive, topics and authors show `pagination.per_page` articles a page.

Page 1 is the listing's own URL (/articles/); later pages are /articles/page/2/ and so on. Each page
knows its neighbours (for `rel=prev/next` and the page navigation) and every page's URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# Works on one page of /sources/: about 110 kB of HTML (every work on one page was 18 MB at 34,000 works).
SOURCES_PER_PAGE = 200


@dataclass(frozen=True)
class Pager:
    """Where one page of a listing sits among the others."""

    number: int                 # 1-based
    urls: tuple[str, ...]       # site URL of every page, page 1 first

    @property
    def total(self) -> int:
        """How many pages the listing has."""
        return len(self.urls)

    @property
    def url(self) -> str:
        """This page's site URL."""
        return self.urls[self.number - 1]

    @property
    def prev(self) -> str:
        """The previous page's URL, or ''."""
        return self.urls[self.number - 2] if self.number > 1 else ""

    @property
    def next(self) -> str:
        """The next page's URL, or ''."""
        return self.urls[self.number] if self.number < self.total else ""


@dataclass(frozen=True)
class ListingPage(Generic[T]):
    """One page of a listing: its items, where it is, and the output path it is written to."""

    items: Sequence[T]
    pager: Pager

    @property
    def path(self) -> str:
        """Output path, e.g. 'articles/page/2/index.html'."""
        return self.pager.url.strip("/") + "/index.html"


def paginate(url: str, items: Sequence[T], per_page: int) -> list[ListingPage[T]]:
    """Split `items` into pages of `per_page` under `url` (always at least one page, maybe empty)."""
    count = max(1, -(-len(items) // per_page))
    urls = tuple(url if n == 1 else f"{url}page/{n}/" for n in range(1, count + 1))
    return [ListingPage(items[(n - 1) * per_page: n * per_page], Pager(n, urls)) for n in range(1, count + 1)]


def page_title(title: str, pager: Pager) -> str:
    """'Articles' on page 1, 'Articles (page 2 of 5)' after it: every page has its own title."""
    return title if pager.number == 1 else f"{title} (page {pager.number} of {pager.total})"
