"""One reference-list entry from one CSL item: everything that does not depend on the other works."""

from __future__ import annotations

import re
from typing import Mapping, NamedTuple

from generator.citations.dates import _NO_DATE, _Date, _long_date, _parse_date
from generator.citations.locators import _PLURAL_RE
from generator.citations.names import _Name, _editor_names, _parse_names, _reference_names
from generator.citations.text import (
    _EMPTY, _Span, _element, _esc, _fold, _join, _plain, _rich, _significant, _text, _title_case,
)


# Periodical parts and parts of edited works: plain titles in the reference list
# and in quotation marks when the title stands in for an author in the text (8.14).
_PART_TYPES = frozenset(
    "article article-journal article-magazine article-newspaper chapter entry entry-dictionary "
    "entry-encyclopedia paper-conference post-weblog review review-book".split()
)
# Works dated to the day in the reference list (9.14): everything else shows the year only.
_FULL_DATE_TYPES = frozenset(
    "article-magazine article-newspaper broadcast event interview motion_picture performance "
    "personal_communication post post-weblog song speech webpage".split()
)
_VIDEO_TYPES = frozenset("motion_picture broadcast speech song performance interview".split())
_DOI_PREFIX_RE = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_SAFE_URL_RE = re.compile(r"^https?://", re.IGNORECASE)
_HYPHEN_RANGE_RE = re.compile(r"(?<=\w)\s*(?:--?|—|–)\s*(?=\w)")
_ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def _pages(value: str) -> str:
    """Page ranges take an en dash (6.6): "e76-e84" -> "e76–e84"."""
    first, _, last = value.partition("-")
    if (
        first[-1:].isalnum() and last[:1].isalnum()
        and "-" not in last and "—" not in value and "–" not in value
    ):
        return f"{first}–{last}"  # the usual "123-145": one hyphen between letters or digits, no regex scan
    return _HYPHEN_RANGE_RE.sub("–", value)


def _page_label(value: str) -> str:
    return ("pp. " if _PLURAL_RE.search(value) else "p. ") + value


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


def _edition(value: str) -> str:
    """ "2" -> "2nd ed.", "Rev." -> "Rev. ed.", "3rd ed." kept (9.28)."""
    if not value:
        return ""
    if value.isdigit():
        return f"{_ordinal(int(value))} ed."
    if re.search(r"\bed\.?$", value, re.IGNORECASE) or "edition" in value.lower():
        return value
    return f"{value} ed."


def _link(url: str) -> _Span:
    """URLs and DOIs are live links (9.35); anything but http(s) stays text and never reaches href."""
    if _SAFE_URL_RE.match(url):
        escaped = _esc(url)
        return _Span(f'<a href="{escaped}">{escaped}</a>', url)
    return _plain(url)


def normalize_doi(value: str) -> str:
    """The bare DOI: "https://doi.org/10.1/x" and "doi:10.1/x" -> "10.1/x"."""
    return _DOI_PREFIX_RE.sub("", value.strip())


class _Work(NamedTuple):
    """Everything about one reference that does not depend on the other works cited with it.

    A named tuple, like `_Name`: one is made for every work an article cites."""

    names: tuple[_Name, ...]  # authors, or editors standing in for them
    date: _Date
    year_in_text: str  # "2013", "n.d.", "1900/1953"
    title_in_text: _Span  # for works with no author: the (short) title as cited in the text; else empty
    title_quoted: bool  # parts are quoted in the text, whole works italic (8.14)
    # The reference-list entry around its date, which alone depends on the other works (a year letter):
    before_date: _Span  # the first element, authors (with "(Eds.)") or the title, closed with a period
    after_date: _Span  # the elements after the date, each closed with a period, then the DOI or URL and
    # "(Original work published …)" with no final period (9.35); each element after a space
    sort_key: tuple

    @property
    def identity(self) -> tuple:
        """The full author list, normalized: "the same authors" (8.12). Rarely asked, so not kept."""
        return tuple((n.is_group, _fold(n.family), _fold(n.initials)) for n in self.names)


_PERIODICAL_TYPES = frozenset(
    "article article-journal article-magazine article-newspaper periodical review review-book".split()
)
_EDITED_PART_TYPES = frozenset("chapter entry entry-dictionary entry-encyclopedia paper-conference".split())
_STANDALONE_TYPES = frozenset(
    "book classic collection report thesis webpage dataset software post pamphlet manuscript "
    "standard musical_score map graphic patent".split()
)


def _build_work(data: Mapping) -> _Work:
    kind = _text(data.get("type")) or "document"
    authors = _parse_names(data.get("author"))
    editors = _parse_names(data.get("editor"))
    names, names_are_editors = (authors, False) if authors else (editors, bool(editors))
    issued = _parse_date(data.get("issued"), _text(data.get("status")))
    original = _parse_date(data.get("original-date")) if data.get("original-date") else _NO_DATE
    title = _text(data.get("title"))
    container = _text(data.get("container-title"))
    publisher = _text(data.get("publisher"))
    genre = _text(data.get("genre"))
    number = _text(data.get("number"))
    volume = _text(data.get("volume"))
    pages = _pages(_text(data.get("page")))
    edition = _edition(_text(data.get("edition")))
    author_groups = {_fold(n.family) for n in authors if n.is_group}

    def is_author(value: str) -> bool:
        # The publisher (or a web page's site name) is left out when it is the author (9.25).
        return _fold(value) in author_groups

    is_part = kind in _PART_TYPES or (
        bool(container) and kind not in _STANDALONE_TYPES and kind not in _VIDEO_TYPES
    )
    in_edited_work = kind in _EDITED_PART_TYPES and bool(container)

    # -- title element: title (edition, report number, series, version) [description] (9.19-9.21)
    title_span = _rich(title, italic=not is_part) if title else _plain("[Untitled]")
    notes: list[str] = []
    description = ""
    if edition and not in_edited_work and kind not in _PERIODICAL_TYPES:
        notes.append(edition)
    if volume and kind in ("book", "classic", "collection"):
        notes.append(f"Vol. {volume}")
    if kind == "report":
        if number:
            if genre and re.search(r"\b(?:No\.?|Number)$", genre):
                notes.append(f"{genre} {number}")  # "HHS Publication No. SMA 14-4884"
            else:
                notes.append(f"{genre or 'Report'} No. {number}")
        elif genre:
            description = genre
        series = _text(data.get("collection-title"))
        if series:
            notes.append(f"{series} {_text(data.get('collection-number'))}".strip())
    elif kind in ("dataset", "software"):
        version = _text(data.get("version"))
        if version:
            notes.insert(0, f"Version {version}")
        # APA 10.9 writes "[Data set]"; pandoc's CSL prints "[Dataset]".
        description = genre or ("Data set" if kind == "dataset" else "Computer software")
    elif kind == "thesis":
        description = ", ".join(p for p in (genre or "Thesis", publisher) if p)
    elif kind == "motion_picture":
        description = genre or "Film"  # APA 10.12; pandoc's CSL prints "[Video recording]"
    elif genre and kind not in _PART_TYPES and kind != "book":
        description = genre
    title_element = title_span
    if notes:
        title_element += _plain(f" ({'; '.join(notes)})")
    if description:
        title_element += _plain(f" [{description}]")

    # -- source elements (9.23-9.33)
    source: list[_Span] = []
    if kind in _PERIODICAL_TYPES:
        if container:
            journal = _rich(container, italic=True)
            # "Journal, 21(2), 95–103": plain text after the italic name, so one escape for its HTML
            issue = _text(data.get("issue"))
            italic_volume = ""
            details = ""
            if volume:
                italic_volume = f", <i>{_esc(volume)}</i>"
                if issue:
                    details = f"({issue})"
            elif issue:
                details = f", ({issue})"
            if pages:
                details += ", " + pages
            elif number and kind == "article-journal":
                details += f", Article {number}"
            source.append(
                _Span(
                    journal.html + italic_volume + _esc(details),
                    journal.text + (f", {volume}" if volume else "") + details,
                )
            )
    elif in_edited_work:
        book = _plain("In ")
        if editors and authors:
            book += _editor_names(editors) + _plain(" (Ed.), " if len(editors) == 1 else " (Eds.), ")
        book += _rich(container, italic=True)
        details = [d for d in (edition, f"Vol. {volume}" if volume else "") if d]
        if pages:
            details.append(_page_label(pages))
        if details:
            book += _plain(f" ({', '.join(details)})")
        source.append(book)
        if publisher and not is_author(publisher):
            source.append(_plain(publisher))
    elif kind in ("webpage", "post"):
        if container and not is_author(container):
            source.append(_plain(container))
    elif kind == "post-weblog":
        if container:
            source.append(_rich(container, italic=True))
    elif kind == "thesis":
        archive = _text(data.get("archive"))
        if archive:
            source.append(_plain(archive))
    elif kind in _VIDEO_TYPES:
        event = _text(data.get("event-title")) or _text(data.get("event"))
        place = _text(data.get("event-place")) or _text(data.get("publisher-place"))
        if publisher or container:
            source.append(_plain(publisher or container))  # "TED Conferences", "YouTube"
        elif event or place:
            source.append(_plain(", ".join(p for p in (event, place) if p)))  # 10.5
    else:
        if container and is_part:
            source.append(_rich(container, italic=True) + (_plain(", " + pages) if pages else _EMPTY))
        if publisher and not is_author(publisher):
            source.append(_plain(publisher))

    # -- DOI or URL (DOI wins, 9.34), retrieval date for pages that change (9.16)
    closing = _EMPTY
    doi = normalize_doi(_text(data.get("DOI") or data.get("doi")))
    url = _text(data.get("URL") or data.get("url"))
    if doi:
        closing = _link("https://doi.org/" + doi)
    elif url:
        accessed = _parse_date(data.get("accessed")) if data.get("accessed") else _NO_DATE
        if kind in ("webpage", "post") and accessed.year is not None:
            closing = _plain(f"Retrieved {_long_date(accessed)}, from ") + _link(url)
        else:
            closing = _link(url)
    if original.year is not None:
        note = _plain(f"(Original work published {original.year_text})")  # 9.41
        closing = closing + _plain(" ") + note if closing else note

    # -- assemble: author. (date). title. source. DOI  -- or, with no author (9.12),
    #    title. (date). source. DOI
    if names:
        lead = _reference_names(names)
        if names_are_editors:
            lead += _plain(" (Ed.)" if len(names) == 1 else " (Eds.)")
        body = _join([_element(title_element), *(_element(s) for s in source)], " ")
    else:
        lead = title_element
        body = _join([_element(s) for s in source], " ")

    year_in_text = issued.year_text
    if original.year is not None and issued.year is not None:
        year_in_text = f"{original.year_text}/{issued.year_text}"  # 8.15

    # Only works without an author are cited by title (8.14); title case is the costliest step here.
    title_in_text = _EMPTY
    if not names:
        short_title = _text(data.get("title-short")) or _text(data.get("shortTitle")) or title
        title_in_text = (
            _rich(_title_case(short_title), italic=not is_part) if short_title else _plain("[Untitled]")
        )

    title_key = _fold(_significant(title))
    if names:
        author_key = tuple(n.sort_key for n in names)
    else:
        author_key = ((title_key, "", title.casefold()),)
    sort_key = (
        author_key,
        issued.sort_key,
        title_key,  # same author, same year: by title (9.47)
        title.casefold(),
        issued.month or 0,
        issued.day or 0,
    )
    return _Work(
        names=names,
        date=issued,
        year_in_text=year_in_text,
        title_in_text=title_in_text,
        title_quoted=is_part,
        before_date=_element(lead),
        after_date=_Span(
            "".join(" " + part.html for part in (body, closing) if part),
            "".join(" " + part.text for part in (body, closing) if part),
        ),
        sort_key=sort_key,
    )


# Formatting a reference is the costly part, and the same mapping objects are
# rendered for every article that cites them: cache by identity. References are
# treated as immutable once loaded (the pipeline parses fresh dicts per build).
_WORK_CACHE: dict[int, tuple[Mapping, _Work]] = {}
_WORK_CACHE_LIMIT = 8192


def _work(data: Mapping) -> _Work:
    cached = _WORK_CACHE.get(id(data))
    if cached is not None and cached[0] is data:
        return cached[1]
    if len(_WORK_CACHE) >= _WORK_CACHE_LIMIT:
        _WORK_CACHE.clear()
    built = _build_work(data)
    _WORK_CACHE[id(data)] = (data, built)
    return built
