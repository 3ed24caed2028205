"""Listings that page: the archive, topics and authors show `pagination.per_page` articles a page.

Page 1 is the listing's own URL (/articles/); later pages are /articles/page/2/ and so on. Each page
knows its neighbours (for `rel=prev/next` and the page navigation) and every page's URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

PAGER_AROUND = 2   # pages linked either side of the current one in a page navigation

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

    @property
    def window(self) -> tuple[int, ...]:
        """The page numbers the page navigation links, 0 where it leaves a gap: the first and last pages and
        PAGER_AROUND either side of this one (1 … 13 14 15 16 17 … 500). Linking all 500 pages of a
        10,000-article archive put 500 links (50 kB) on each of them; a gap of one page shows the page."""
        near = range(max(1, self.number - PAGER_AROUND), min(self.total, self.number + PAGER_AROUND) + 1)
        numbers = sorted({1, self.total, *near})
        shown: list[int] = []
        for number in numbers:
            if shown and number - shown[-1] == 2:
                shown.append(number - 1)
            elif shown and number - shown[-1] > 2:
                shown.append(0)
            shown.append(number)
        return tuple(shown)


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
