"""The public records: what the Markdown extension finds and what the renderer returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CiteItem:
    """One cited work inside a cluster, as the writer wrote it."""

    key: str
    prefix: str = ""  # "see"
    locator: str = ""  # as written, e.g. "p. 12", "pp. 3-5", "chap. 2"
    # Free text after the locator, e.g. "emphasis added". A suffix the writer
    # separated with a comma is stored without it (and rendered after ", ");
    # one written without a comma keeps its leading space ("[@a for details]")
    # or starts with punctuation ("[see @a.]"), and is rendered as it is.
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Cluster:
    """One citation as written: `[@a; @b]` (parenthetical) or `@a` (narrative)."""

    items: tuple[CiteItem, ...]
    narrative: bool  # `@key` in running text (author outside parentheses)
    line: int  # 1-based line of the cluster within the Markdown body given to convert()
    col: int  # 1-based column


@dataclass(frozen=True)
class RenderedEntry:
    """One reference-list entry."""

    key: str
    html: str  # the formatted reference only (goes inside <div id="ref-KEY" class="csl-entry">)
    text: str  # the same as plain text (feeds, search, JSON-LD)
    cited_by: tuple[int, ...]  # 1-based cluster numbers citing it; empty for format_bibliography


@dataclass(frozen=True)
class RenderedCitations:
    """Everything an article page needs: cluster markup, reference list, unknown keys."""

    clusters: tuple[str, ...]  # HTML for cluster 1..N (index 0 = cluster 1)
    entries: tuple[RenderedEntry, ...]  # cited works, APA order, disambiguated together
    unknown: tuple[tuple[int, str], ...]  # (cluster number, key) for keys not in the bibliography


# The CSL 1.0.2 item types (pandoc and Zotero write these).
CSL_TYPES: frozenset[str] = frozenset([
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter",
    "classic", "collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "event",
    "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical", "personal_communication",
    "post", "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech", "standard",
    "thesis", "treaty", "webpage",
])
