"""Parts of edited works: chapters, entries, published conference papers (APA 9.27, 10.3, 10.5)."""

from __future__ import annotations

from collections.abc import Sequence

from generator.citations.fields import Item, edition, page_label
from generator.citations.names import _editor_names, _Name
from generator.citations.text import _plain, _rich, _Span


def volume_details(item: Item, with_edition: bool, pages: str) -> str:
    """The parenthesis after a book's title: "3rd ed., Vol. 2, pp. 5–9", "No. 7; Vol. 3" (9.19, 9.27).

    A series number stands apart, as pandoc's APA style writes it: "(No. 5; Vol. 2, pp. 100–109)".
    """
    shown_edition = edition(item.take("edition")) if with_edition else ""
    number = item.take("number")
    volume = item.take("volume")
    volumes = item.take("number-of-volumes") if not volume else ""
    if volumes:  # a multivolume work: "(Vols. 1–6)" (10.2); a bare count N is volumes 1 to N
        volume = volumes if any(dash in volumes for dash in "-–") else f"1–{volumes}"
    groups: list[str] = []
    if number:
        groups += [shown_edition] if shown_edition else []
        groups.append(f"No. {number}")
        shown_edition = ""
    label = "Vols." if volumes else "Vol."
    rest = [d for d in (shown_edition, f"{label} {volume}" if volume else "", page_label(pages) if pages else "") if d]
    if pages:
        item.consume("page")
    if rest:
        groups.append(", ".join(rest))
    return "; ".join(groups)


def editors_note(editors: Sequence[_Name]) -> str:
    """Editors of a work that has authors, inside the title's parenthesis: "E. Ed, Ed." (10.2, 10.3)."""
    return _editor_names(editors).text + (", Ed." if len(editors) == 1 else ", Eds.")


def edited_source(item: Item, authors: Sequence[_Name], editors: Sequence[_Name], pages: str) -> list[_Span]:
    """ "In D. F. Watt & J. Panksepp (Eds.), Book title (2nd ed., Vol. 2, pp. 3–9). Publisher." (10.3)."""
    book = _plain("In ")
    if editors and authors:
        item.consume("editor")
        book += _editor_names(editors) + _plain(" (Ed.), " if len(editors) == 1 else " (Eds.), ")
    book += _rich(item.take("container-title"), italic=True)
    details = volume_details(item, True, pages)
    if details:
        book += _plain(f" ({details})")
    source = [book]
    if publisher := item.take_publisher():
        source.append(_plain(publisher))
    return source
