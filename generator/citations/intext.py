"""In-text citations: disambiguation over the works cited together (8.18-8.20) and cluster markup (8.11-8.17)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from generator.citations.locators import format_locator
from generator.citations.records import CiteItem, Cluster, RenderedEntry
from generator.citations.sorting import _fold
from generator.citations.text import _esc, _plain, _Span
from generator.citations.works import _Work


@dataclass  # not frozen: made for every cited work of every article, and a frozen one is slower to make
class _Form:
    """How one work is cited in the text, after disambiguation against the others. Not changed once made."""

    key: str
    work: _Work
    order: int  # position in the reference list
    names_shown: int  # names written before "et al." (all of them when == len(names))
    initials: bool  # first author's initials added (8.20)
    letter: str  # year-suffix letter, "" for none
    letter_group: int  # works sharing year-suffix letters share this number; -1 for none

    @property
    def year(self) -> str:
        """The year as cited in the text: "2014a", "n.d.-b", "1900/1953"; a personal communication's date (8.9)."""
        return self.work.spoken or self._with_letter(self.work.year_in_text)

    @property
    def reference_year(self) -> str:
        """The year in the reference list: "2014a", "n.d.-b", "1953"."""
        return self._with_letter(self.work.date.year_text)

    def _with_letter(self, year: str) -> str:
        if not self.letter:
            return year
        # "2014a", but "n.d.-a" and "in press-a" (8.19)
        return f"{year}{self.letter}" if self.work.date.year is not None else f"{year}-{self.letter}"

    def same_authors(self, other: _Form) -> bool:
        """Cited together as "Neff, 2003a, 2003b" (8.12): same author list, or lettered apart."""
        if self.author(False).text != other.author(False).text:
            return False
        if self.work.identity == other.work.identity:
            return True
        return self.letter_group >= 0 and self.letter_group == other.letter_group

    @cached_property
    def parenthetical_author(self) -> _Span:
        return self._author(narrative=False)

    @cached_property
    def running_text_author(self) -> _Span:
        return self._author(narrative=True)

    def author(self, narrative: bool) -> _Span:
        """The author part as cited: "Riess & Kraft-Todd" in parentheses, "Riess and Kraft-Todd" in the text (8.17)."""
        return self.running_text_author if narrative else self.parenthetical_author

    def _author(self, narrative: bool) -> _Span:
        names = self.work.names
        if not names:
            return self.work.title_in_text
        # BibTeX's "and others" (a name "others", as pandoc converts it) stands for more authors: et al.
        more = len(names) > 1 and names[-1].is_group and names[-1].family == "others"
        if more:
            names = names[:-1]
        # Plain text throughout (names are never empty), so the HTML is the escaped text.
        # a personal communication names its people with their initials (8.9)
        shown = [name.in_text(bool(self.work.spoken) or (self.initials and index == 0))
                 for index, name in enumerate(names[: self.names_shown])]
        conjunction = " and " if narrative else " & "
        if self.names_shown < len(names) or more:
            if len(shown) == 1:
                text = shown[0] + " et al."
            else:
                text = ", ".join(shown) + ", et al."  # Kapoor, Bloom, Montez, et al. (8.18)
        elif len(shown) == 1:
            text = shown[0]
        elif len(shown) == 2:
            text = shown[0] + conjunction + shown[1]
        else:
            text = ", ".join(shown[:-1]) + "," + conjunction + shown[-1]
        return _plain(text)

    def author_and_year(self) -> _Span:
        """Parenthetical form: "Derksen et al., 2013", "“Title,” 2019" (comma inside the quotes)."""
        author = self.author(narrative=False)
        if not self.work.names and self.work.title_quoted:
            return _plain("“") + author + _plain(f",” {self.year}")
        return author + _plain(f", {self.year}")

    def narrative_author(self) -> _Span:
        author = self.author(narrative=True)
        if not self.work.names and self.work.title_quoted:
            return _plain("“") + author + _plain("”")
        return author


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def _disambiguate(keyed_works: Sequence[tuple[str, _Work]]) -> list[_Form]:
    """Sort works in reference-list order and decide how each is cited in the text."""
    ordered = sorted(keyed_works, key=lambda kw: (kw[1].sort_key, kw[0]))

    # 8.20: first authors who share a surname but not initials are cited with initials.
    initials_by_surname: dict[str, set[str]] = {}
    for _, work in ordered:
        if work.names and not work.names[0].is_group:
            first = work.names[0]
            initials_by_surname.setdefault(first.surname_key, set()).add(_fold(first.initials))
    needs_initials = {surname for surname, seen in initials_by_surname.items() if len(seen) > 1}

    def with_initials(work: _Work) -> bool:
        return bool(work.names) and not work.names[0].is_group and work.names[0].surname_key in needs_initials

    # 8.18: works of 3+ authors whose "First et al., year" forms collide get as many
    # names as it takes to tell their author lists apart.
    shown: dict[int, int] = {}
    collisions: dict[tuple, list[int]] = {}
    for index, (_, work) in enumerate(ordered):
        count = len(work.names)
        shown[index] = count if count <= 2 else 1
        if count >= 3:
            first = work.names[0]
            head = (first.is_group, first.surname_key, _fold(first.initials) if with_initials(work) else "")
            collisions.setdefault((head, work.year_in_text), []).append(index)
    for members in collisions.values():
        if len(members) < 2:
            continue
        surnames = {i: tuple(n.surname_key for n in ordered[i][1].names) for i in members}
        for i in members:
            mine = surnames[i]
            needed = 1
            for j in members:
                other = surnames[j]
                if other == mine:
                    continue
                common = 0
                while common < min(len(mine), len(other)) and mine[common] == other[common]:
                    common += 1
                needed = max(needed, common + 1)
            needed = min(needed, len(mine))
            if needed == len(mine) - 1:
                needed = len(mine)  # "et al." cannot stand for one name
            shown[i] = needed

    # 8.19 / 9.47: works still cited identically get a, b, c in reference-list order.
    forms: list[_Form] = []
    for index, (key, work) in enumerate(ordered):
        forms.append(_Form(key, work, index, shown[index], with_initials(work), "", -1))
    by_citation: dict[tuple, list[int]] = {}
    for index, form in enumerate(forms):
        by_citation.setdefault((form.author(False).text.casefold(), form.work.year_in_text), []).append(index)
    for group_number, members in enumerate(by_citation.values()):
        if len(members) < 2:
            continue
        for position, index in enumerate(members):
            forms[index] = replace(forms[index], letter=_letters(position), letter_group=group_number)
    return forms


def _entry(form: _Form, cited_by: tuple[int, ...]) -> RenderedEntry:
    work = form.work
    # " (2013)." after the authors; a case, act or treaty dates itself right after its name (11.4-11.10)
    date_text = work.legal_date or f" ({form.reference_year}{work.date_detail})."
    before, after = work.before_date, work.after_date
    return RenderedEntry(
        form.key,
        f"{before.html}{_esc(date_text)}{after.html}",
        f"{before.text}{date_text}{after.text}",
        cited_by,
    )


# --------------------------------------------------------------------------- clusters


def _ref_link(key: str, span: _Span) -> str:
    return f'<a href="#ref-{_esc(key)}">{span.html}</a>'


_CLOSING_PUNCTUATION = frozenset(".,;:!?)]’”…")


def _affixes(item: CiteItem) -> str:
    """Locator and suffix after the year, as HTML: ", pp. 3–5, emphasis added"."""
    out = ""
    if item.locator:
        out += ", " + _esc(format_locator(item.locator))
    if item.suffix:
        if item.suffix[0].isspace() or item.suffix[0] in _CLOSING_PUNCTUATION:
            out += _esc(item.suffix.rstrip())
        else:
            out += ", " + _esc(item.suffix)
    return out


def _unknown_text(key: str) -> str:
    return _esc(f"@{key}?")


def _render_cluster(number: int, cluster: Cluster, forms: Mapping[str, _Form]) -> str:
    keys = " ".join(item.key for item in cluster.items)
    opening = f'<span class="citation" data-cites="{_esc(keys)}" id="cite-{number}">'
    if cluster.narrative and len(cluster.items) == 1:
        item = cluster.items[0]
        form = forms.get(item.key)
        if form is None:
            return f"{opening}({_unknown_text(item.key)})</span>"
        # The link covers "Rogers (1957, p. 12)" whole: splitting it would leave
        # an unbalanced parenthesis inside the link text.
        author = form.narrative_author().html
        return f'{opening}<a href="#ref-{_esc(item.key)}">{author} ({_esc(form.year)}{_affixes(item)})</a></span>'

    return f"{opening}({_parenthetical(cluster.items, forms)})</span>"


def _parenthetical(items: Sequence[CiteItem], forms: Mapping[str, _Form]) -> str:
    # APA 8.12: works in one parenthesis follow reference-list order. A work
    # with a prefix ("see also") keeps its place and starts a new run, sorted
    # after it: "(Sampson & Hughes, 2020; see also Augustine, 2017; Pérez, 2014)".
    runs: list[list[CiteItem]] = []
    for item in items:
        if item.prefix or not runs:
            runs.append([])
        runs[-1].append(item)
    ordered: list[CiteItem] = []
    for run in runs:
        head = [run.pop(0)] if run[0].prefix else []
        known = sorted((i for i in run if i.key in forms), key=lambda i: forms[i.key].order)
        ordered.extend(head + known + [i for i in run if i.key not in forms])

    pieces: list[str] = []
    previous: tuple[CiteItem, _Form] | None = None
    for item in ordered:
        form = forms.get(item.key)
        prefix = _esc(item.prefix) + " " if item.prefix else ""
        if form is None:
            pieces.append(("; " if pieces else "") + prefix + _unknown_text(item.key))
            previous = None
            continue
        if (
            previous is not None
            and not item.prefix
            and not item.suppress_author
            and not previous[0].suppress_author
            and previous[1].same_authors(form)
        ):
            # same authors: "Neff, 2003a, 2003b" (8.12); after a locator CSL
            # (and pandoc) switch to a semicolon so the locator stays attached.
            had_affixes = bool(previous[0].locator or previous[0].suffix)
            separator = "; " if had_affixes else ", "
            pieces.append(separator + _ref_link(item.key, _plain(form.year)) + _affixes(item))
        else:
            cited = _plain(form.year) if item.suppress_author else form.author_and_year()
            pieces.append(("; " if pieces else "") + prefix + _ref_link(item.key, cited) + _affixes(item))
        previous = (item, form)
    return "".join(pieces)
