"""One reference-list entry from one CSL item: everything that does not depend on the other works.

The entry is assembled here (9.4: author, date, title, source); each family of types places its own
fields (`periodicals`, `edited`, `whole`, `media`), and what no family placed is reported by
`unplaced_fields` rather than dropped without a word.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from generator.citations.dates import _NO_DATE, _Date, _long_date, _parse_date
from generator.citations.edited import edited_source
from generator.citations.fields import (
    EDITED_PART_TYPES,
    FULL_DATE_TYPES,
    LEGAL_TYPES,
    PART_TYPES,
    PERIODICAL_TYPES,
    PLACEABLE_FIELDS,
    STANDALONE_TYPES,
    VIDEO_TYPES,
    Item,
    link,
    normalize_doi,
)
from generator.citations.fields import pages as format_pages
from generator.citations.media import media_source
from generator.citations.names import _Name, _parse_names, _reference_names
from generator.citations.periodicals import periodical_source
from generator.citations.sorting import _fold, work_sort_key
from generator.citations.text import _EMPTY, _element, _join, _plain, _rich, _Span, _text, _title_case
from generator.citations.whole import title_element, whole_source
from generator.identitymemo import IdentityMemo

__all__ = ["normalize_doi", "unplaced_fields"]


class _Work(NamedTuple):
    """Everything about one reference that does not depend on the other works cited with it.

    A named tuple, like `_Name`: one is made for every work an article cites."""

    names: tuple[_Name, ...]  # authors, or editors standing in for them
    date: _Date
    date_detail: str  # ", March 4" after the year for the types dated to the day (9.14), else ""
    year_in_text: str  # "2013", "n.d.", "1900/1953"
    title_in_text: _Span  # for works with no author: the (short) title as cited in the text; else empty
    title_quoted: bool  # parts are quoted in the text, whole works italic (8.14)
    # The reference-list entry around its date, which alone depends on the other works (a year letter):
    before_date: _Span  # the first element, authors (with "(Eds.)") or the title, closed with a period
    after_date: _Span  # the elements after the date, each closed with a period, then the DOI or URL and
    # "(Original work published …)" with no final period (9.35); each element after a space
    sort_key: tuple
    placed: frozenset[str]  # the CSL fields the entry shows (or leaves out on purpose)
    # a personal communication no one can retrieve is cited with its full date instead of a year (8.9):
    # "personal communication, August 15, 1953"; "" for every other work
    spoken: str = ""
    # a case, act or treaty dated in its own way (11.4-11.10): " (9th Cir. 1991).", ", November 20, 1989."
    legal_date: str = ""

    @property
    def identity(self) -> tuple:
        """The full author list, normalized: "the same authors" (8.12). Rarely asked, so not kept."""
        return tuple((n.is_group, _fold(n.family), _fold(n.initials)) for n in self.names)


def _is_part(item: Item) -> bool:
    kind = item.kind
    return kind in PART_TYPES or kind == "unknown-part" or (
        bool(item.peek("container-title")) and kind not in STANDALONE_TYPES and kind not in VIDEO_TYPES
    )


def _source(item: Item, is_part: bool, authors: tuple[_Name, ...], editors: tuple[_Name, ...],
            pages: str) -> list[_Span]:
    """The source elements after the title (9.23-9.33), by family of types."""
    kind = item.kind
    if kind in PERIODICAL_TYPES:
        return periodical_source(item, pages)
    if (kind in EDITED_PART_TYPES or kind == "unknown-part") and item.peek("container-title"):
        return edited_source(item, authors, editors, pages)
    from_media = media_source(item)
    return from_media if from_media is not None else whole_source(item, is_part, pages)


def _closing(item: Item, original: _Date, undated: bool) -> _Span:
    """DOI or URL (DOI wins, 9.34), a retrieval date for pages that change (9.16), then 9.41's note.

    Pages that change: web pages and posts, and undated works (a dictionary online, a map: 10.2,
    10.3, 10.14). A dated article's `accessed` (Zotero adds one to everything) is not shown (9.16)."""
    closing = _EMPTY
    doi = normalize_doi(item.take("DOI") or item.take("doi"))
    url = item.peek("URL") or item.peek("url")
    if doi:
        closing = link("https://doi.org/" + doi)
    elif url:
        accessed = _parse_date(item.raw("accessed")) if item.raw("accessed") else _NO_DATE
        if (item.kind in ("webpage", "post") or undated) and accessed.year is not None:
            closing = _plain(f"Retrieved {_long_date(accessed)}, from ") + link(url)
        else:
            closing = link(url)
    if original.year is not None and item.kind not in LEGAL_TYPES:  # a case or act has no such note (11.4)
        note = _plain(f"(Original work published {original.year_text})")  # 9.41
        closing = closing + _plain(" ") + note if closing else note
    return closing


def _title_in_text(item: Item, title: str, is_part: bool) -> _Span:
    """Works without an author are cited by their (short) title in title case (8.14)."""
    short_title = item.peek("title-short") or item.peek("shortTitle") or title
    return _rich(_title_case(short_title), italic=not is_part) if short_title else _plain("[Untitled]")


def _lead_names(data: Mapping, item: Item, authors: tuple[_Name, ...]) -> tuple[tuple[_Name, ...], str]:
    """Who leads the entry and the role written after them: the authors; else the editors, "(Eds.)";
    else a film's or an episode's directors, "(Director)" (9.10, 10.12)."""
    if authors:
        return authors, ""
    editors = _parse_names(data.get("editor"))
    if editors:
        item.consume("editor")
        return editors, " (Ed.)" if len(editors) == 1 else " (Eds.)"
    directors = _parse_names(data.get("director"))
    if directors:
        item.consume("director")
        return directors, " (Director)" if len(directors) == 1 else " (Directors)"
    return (), ""


def _dated(data: Mapping, item: Item) -> tuple[_Date, bool]:
    """The date of the work, and whether it is its event's: a presentation with no other date is dated
    by its conference, "(2017, July 12–15)" (10.5)."""
    issued = _parse_date(data.get("issued"), _text(data.get("status")))
    if issued.year is None and data.get("event-date") and (_text(data.get("event")) or _text(data.get("event-title"))):
        item.consume("event-date")
        return _parse_date(data.get("event-date")), True
    return issued, False


def _build_work(data: Mapping) -> _Work:
    item = Item(data)
    authors = _parse_names(data.get("author"))
    editors = _parse_names(data.get("editor"))
    names, role = _lead_names(data, item, authors)
    item.author_groups = {_fold(n.family) for n in authors if n.is_group}
    issued, dated_by_event = _dated(data, item)
    original = _parse_date(data.get("original-date")) if data.get("original-date") else _NO_DATE
    title = item.take("title")
    volume_title = item.take("volume-title")
    if volume_title:  # one volume (an episode, a track) of a titled whole: "Whole: Volume", as pandoc writes it
        title = f"{title}: {volume_title}" if title else volume_title
    pages = format_pages(item.peek("page"))
    is_part = _is_part(item)
    legal = item.kind in LEGAL_TYPES and not names
    # a case or an act is named as written, in title case, and dated right after its name (11.4, 11.5)
    title_span = (_plain(_title_case(title)) if legal and title
                  else title_element(item, title, is_part, authors, editors, pages))
    legal_date = _legal_date(item, issued, original) if legal and title else ""  # takes the court first
    source = _source(item, is_part, authors, editors, pages)
    closing = _closing(item, original, issued.year is None and issued.label != "in press")
    year_in_text = issued.year_text
    if original.year is not None and issued.year is not None:
        year_in_text = f"{original.year_text}/{issued.year_text}"  # 8.15
    # -- author. (date). title. source. DOI  -- or, with no author (9.12), title. (date). source. DOI
    if names:
        lead = _reference_names(names) + _plain(role) if role else _reference_names(names)
        body = _join([_element(title_span), *(_element(s) for s in source)], " ")
    else:
        lead = title_span
        body = _join([_element(s) for s in source], " ")
    return _Work(
        names=names,
        date=issued,
        date_detail=issued.detail() if item.kind in FULL_DATE_TYPES or dated_by_event else "",
        year_in_text=year_in_text,
        title_in_text=_EMPTY if names else _title_in_text(item, title, is_part),
        title_quoted=is_part,
        before_date=lead if legal and title else _element(lead),
        after_date=_Span(
            "".join(" " + part.html for part in (body, closing) if part),
            "".join(" " + part.text for part in (body, closing) if part),
        ),
        sort_key=work_sort_key(names, issued, title),
        placed=frozenset(item.placed),
        spoken=_spoken(data, issued),
        legal_date=legal_date,
    )


def _legal_date(item: Item, issued: _Date, original: _Date) -> str:
    """The date after a case's or act's name: the court before the year, "(9th Cir. 1991)" (11.4); an
    amended act's years, "(1971 & 2009)" (11.5); a treaty's full date after a comma (11.10)."""
    if item.kind == "treaty" and issued.month:
        return f", {_long_date(issued)}."
    years = issued.year_text
    if item.kind != "legal_case" and original.year is not None and issued.year is not None:
        years = f"{original.year_text} & {years}"
    court = item.take("authority") or item.take("publisher") if item.kind == "legal_case" else ""
    return f" ({court} {years})." if court else f" ({years})."


_RETRIEVABLE = ("publisher", "archive", "URL", "DOI", "container-title")


def _spoken(data: Mapping, issued: _Date) -> str:
    """ "personal communication, August 15, 1953" for a letter or talk no reader can retrieve (8.9)."""
    if _text(data.get("type")) != "personal_communication" or issued.year is None:
        return ""
    if any(_text(data.get(field)) for field in _RETRIEVABLE):
        return ""  # an archived letter is a work in the reference list (10.8)
    return f"personal communication, {_long_date(issued)}"


# Formatting a reference is the costly part, and the same mapping objects are
# rendered for every article that cites them: cache by identity. References are
# treated as immutable once loaded (the pipeline parses fresh dicts per build).
_WORKS: IdentityMemo[_Work] = IdentityMemo(8192)


def _work(data: Mapping) -> _Work:
    return _WORKS.get(data, lambda: _build_work(data))


def unplaced_fields(data: Mapping) -> tuple[str, ...]:
    """The CSL fields of `data` that its entry does not show (a chapter's `number` on a web page...).

    Fields APA leaves out on purpose (a periodical's publisher, a publisher that is the author) are
    not listed: the checks report the others, so that no field vanishes without a word.
    """
    placed = _work(data).placed  # the checks and the pages share the loaded mappings: formatted once
    missing = [f for f in PLACEABLE_FIELDS if f not in placed and f != "editor" and _text(data.get(f))]
    if "editor" not in placed and _parse_names(data.get("editor")):
        missing.append("editor")
    return tuple(missing)
