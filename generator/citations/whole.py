"""Whole works: books, reports, theses, data sets, software, films, and the fallback for other types.

The title element carries what identifies the work in parentheses and brackets after the title
(edition, volume, report number, version: 9.19-9.21), then the publisher follows (9.29).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.citations.edited import editors_note, volume_details
from generator.citations.fields import (
    BOOK_LIKE_TYPES,
    EDITED_PART_TYPES,
    PART_TYPES,
    PERIODICAL_TYPES,
    Item,
    edition,
)
from generator.citations.names import _editor_names, _Name, _parse_names
from generator.citations.text import _plain, _rich, _smart_quotes, _Span

_NUMBER_LABEL_RE = re.compile(r"\b(?:No\.?|Number)$")


def _report_notes(item: Item, notes: list[str]) -> str:
    """ "(Report No. 12; Series 4)" or "[Genre]" for reports (10.4); returns the description."""
    number = item.take("number")
    genre = item.take("genre")
    description = ""
    if number:
        if genre and _NUMBER_LABEL_RE.search(genre):
            notes.append(f"{genre} {number}")  # "HHS Publication No. SMA 14-4884"
        else:
            notes.append(f"{genre or 'Report'} No. {number}")
    elif genre:
        description = genre
    series = item.take("collection-title")
    if series:
        notes.append(f"{series} {item.take('collection-number')}".strip())
    return description


def _description(item: Item, notes: list[str]) -> str:
    """The bracketed description after the title (9.21), per type; version numbers go in `notes`."""
    kind = item.kind
    if kind in ("report", "patent"):  # "(U.S. Patent No. 9,367,592)" (11.8) as "(Report No. 12)" (10.4)
        return _report_notes(item, notes)
    if kind in ("dataset", "software"):
        version = item.take("version")
        if version:
            notes.insert(0, f"Version {version}")
        number = item.take("number")
        if number:  # "(ICPSR 37080; Version V1)" (10.9); a bare number is "No. 7"
            notes.insert(0, number if " " in number else f"No. {number}")
        # APA 10.9 writes "[Data set]"; pandoc's CSL prints "[Dataset]".
        return item.take("genre") or ("Data set" if kind == "dataset" else "Computer software")
    if kind == "thesis":
        number = item.take("number")
        if number:  # a thesis from a database: "(Publication No. 10289373)" (10.6)
            notes.append(f"Publication No. {number}")
        genre = item.take("genre") or "Thesis"
        if genre.lower().startswith("unpublished"):
            return genre  # "[Unpublished doctoral dissertation]. University of Virginia." (10.6)
        return ", ".join(p for p in (genre, item.take("publisher")) if p)
    if kind == "manuscript" and not item.peek("genre") and not item.peek("container-title"):
        return "Unpublished manuscript"  # APA 10.8, as pandoc's CSL prints it too
    if kind == "motion_picture":
        return item.take("genre") or "Film"  # APA 10.12; pandoc's CSL prints "[Video recording]"
    if kind == "personal_communication":  # an archived letter: "(Box 371, Folder 3877) [Letter]" (10.8)
        number = item.take("number")
        if number:
            notes.append(number)
        return item.take("genre") or "Letter"
    if kind in ("song", "graphic"):  # a description is due (9.21); with none written, the general one
        number = item.take("number")
        if number:  # an episode's number: "(No. 443)" (10.13)
            notes.append(f"No. {number}")
        return item.take("genre") or ("Audio recording" if kind == "song" else "Graphic")
    if kind not in PART_TYPES and kind != "book" and item.peek("genre"):
        return item.take("genre")
    return ""


def title_element(item: Item, title: str, is_part: bool, authors: Sequence[_Name],
                  editors: Sequence[_Name], pages: str) -> _Span:
    """Title (edition, volume, number) [description]: italic for whole works, plain for parts (9.19-9.21)."""
    span = _rich(title, italic=not is_part) if title else _plain("[Untitled]")
    kind = item.kind
    in_edited_work = (kind in EDITED_PART_TYPES or kind == "unknown-part") and bool(item.peek("container-title"))
    notes: list[str] = []
    translators = _parse_names(item.raw("translator"))
    item.consume("translator")
    # A book, or a chapter that names no book (pandoc's form): editors, volume, number and pages here.
    if kind in BOOK_LIKE_TYPES or (kind in EDITED_PART_TYPES and not in_edited_work):
        if editors and authors:
            item.consume("editor")
            if _same_people(editors, translators):  # "(J. Strachey, Ed. & Trans.)" (10.2)
                role = ", Ed. & Trans." if len(editors) == 1 else ", Eds. & Trans."
                notes.append(_editor_names(editors).text + role)
                translators = ()
            else:
                notes.append(editors_note(editors))
        details = volume_details(item, True, pages if kind in EDITED_PART_TYPES else "")
        if details:
            notes.append(details)
    elif not in_edited_work and kind not in PERIODICAL_TYPES:
        shown = edition(item.take("edition"))
        if shown:
            notes.append(shown)
    if translators:  # "(J. Bliss & H. Furth, Trans.; 2nd ed.)": after editors, before the edition (9.39, 10.2)
        notes.insert(1 if notes and ", Ed" in notes[0] else 0, _editor_names(translators).text + ", Trans.")
    description = _smart_quotes(_description(item, notes))  # "[Master’s thesis]", as titles are set
    if notes:
        span += _plain(f" ({'; '.join(notes)})")
    if description:
        span += _plain(f" [{description}]")
    return span


def _same_people(first: Sequence[_Name], second: Sequence[_Name]) -> bool:
    return bool(second) and [(n.family, n.initials) for n in first] == [(n.family, n.initials) for n in second]


def whole_source(item: Item, is_part: bool, pages: str) -> list[_Span]:
    """What follows the title of a whole work: the archive of a thesis, else the container and publisher."""
    if item.kind == "thesis":  # the university of an unpublished thesis, or the archive of a published one
        place = item.take("publisher") if "publisher" not in item.placed else ""
        return [_plain(p) for p in (place, item.take("archive")) if p]
    source: list[_Span] = []
    container = item.peek("container-title")
    if container and item.kind == "manuscript":
        # a preprint names its archive as the source, plainly (10.8: "PsyArXiv."), with no "In"
        source.append(_plain(item.take("container-title")))
    elif container and is_part:
        item.take("container-title")
        tail = _plain(", " + pages) if pages else None
        if pages:
            item.consume("page")
        source.append(_rich(container, italic=True) + tail if tail else _rich(container, italic=True))
    event = item.take("event-title") or item.take("event")
    if event:  # where a work was presented: "Conference Name, Place" (10.5)
        source.append(_plain(", ".join(p for p in (event, item.take("event-place")) if p)))
    if publisher := item.take_publisher():
        source.append(_plain(publisher))
    return source
