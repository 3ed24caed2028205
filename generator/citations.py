"""APA 7th edition in-text citations and reference lists.

Pure: no I/O. The Markdown extension (`generator.markup.citations`) finds the
citation clusters; this module turns clusters plus CSL data (pandoc's CSL-YAML
or CSL-JSON, as plain mappings) into HTML.

Rules follow the APA Publication Manual, 7th edition (section numbers in the
comments). Where pandoc's APA CSL output departs from the manual, the manual
wins and the comment says so.

Disambiguation is done over the set of works rendered together (one article's
cited works, or the whole hub for `format_bibliography`), in this order:
initials for different first authors sharing a surname (8.20), more names for
works whose "et al." forms collide in the same year (8.18), then year-suffix
letters assigned in reference-list order (8.19, 9.47).
"""

from __future__ import annotations

import re
import unicodedata
from collections import abc
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from datetime import date, datetime
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

__all__ = [
    "CiteItem",
    "Cluster",
    "RenderedEntry",
    "RenderedCitations",
    "render_citations",
    "format_bibliography",
    "parse_locator",
    "format_locator",
    "CSL_TYPES",
    "LOCATOR_LABELS",
]


# --------------------------------------------------------------------------- public records


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
CSL_TYPES: frozenset[str] = frozenset(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
    graphic hearing interview legal_case legislation manuscript map motion_picture musical_score
    pamphlet paper-conference patent performance periodical personal_communication post
    post-weblog regulation report review review-book software song speech standard thesis
    treaty webpage""".split()
)


# --------------------------------------------------------------------------- locators

# label as a writer may type it (pandoc's English terms, plus APA's "table" and
# "slide") -> (singular, plural) as APA prints it (8.13: "p.", "para.",
# "Chapter 2", "Table 1", "Figure 3", "Section 4", "Slide 7").
_LOCATOR_TERMS: dict[str, tuple[str, str]] = {
    "page": ("p.", "pp."),
    "paragraph": ("para.", "paras."),
    "chapter": ("Chapter", "Chapters"),
    "section": ("Section", "Sections"),
    "figure": ("Figure", "Figures"),
    "table": ("Table", "Tables"),
    "volume": ("Vol.", "Vols."),
    "line": ("line", "lines"),
    "note": ("note", "notes"),
    "verse": ("verse", "verses"),
    "part": ("Part", "Parts"),
    "book": ("Book", "Books"),
    "column": ("col.", "cols."),
    "appendix": ("Appendix", "Appendices"),
    "slide": ("Slide", "Slides"),
}

LOCATOR_LABELS: dict[str, str] = {}
for _term, _forms in {
    "page": "p pp page pages",
    "paragraph": "para paras paragraph paragraphs ¶ ¶¶",
    "chapter": "ch chap chaps chapter chapters",
    "section": "sec secs section sections § §§",
    "figure": "fig figs figure figures",
    "table": "tab tabs tbl table tables",
    "volume": "vol vols volume volumes",
    "line": "l ll line lines",
    "note": "n nn note notes",
    "verse": "v vv verse verses",
    "part": "pt pts part parts",
    "book": "bk bks book books",
    "column": "col cols column columns",
    "appendix": "app appendix appendices",
    "slide": "slide slides",
}.items():
    for _form in _forms.split():
        LOCATOR_LABELS[_form] = _term

_LABEL_ALTERNATION = "|".join(
    re.escape(form) for form in sorted(LOCATOR_LABELS, key=len, reverse=True)
)
# A label is followed by a period and/or space (or, for the signs, directly by
# the value); the value starts with a digit, a roman numeral or a letter+digit.
_LOCATOR_TOKEN = r"(?:[A-Za-z]{0,2}\d[\w.:]*|[ivxlcdmIVXLCDM]+\b(?!\.\w))"
_LOCATOR_VALUE = _LOCATOR_TOKEN + r"(?:\s*(?:,|&|\band\b|--?|–|—)\s*" + _LOCATOR_TOKEN + r")*"
_LABELLED_RE = re.compile(
    rf"(?P<label>{_LABEL_ALTERNATION})(?:\.\s*|\s+|(?<=[¶§])\s*)(?P<value>{_LOCATOR_VALUE})",
    re.IGNORECASE,
)
_BARE_VALUE_RE = re.compile(rf"(?P<value>\d[\w.:]*(?:\s*(?:,|&|\band\b|--?|–|—)\s*{_LOCATOR_TOKEN})*)")
_LABEL_ONLY_RE = re.compile(rf"(?P<label>{_LABEL_ALTERNATION})(?:\.\s*|\s+|(?<=[¶§])\s*)", re.IGNORECASE)
_COMMA_RE = re.compile(r"\s*,\s*")
_RANGE_DASH_RE = re.compile(r"\s*(?:--?|—|–)\s*")
_PLURAL_RE = re.compile(r"[-–—,&]|\band\b")


def parse_locator(text: str) -> tuple[str, str]:
    """Split what follows a citation key into (locator, suffix), the way pandoc does.

    `text` is what the writer put after the key (after the comma, or inside the
    brackets after a narrative citation): "p. 12", "pp. 3-5, emphasis added",
    "33", "{pp. iv, vi-xi} and more", "emphasis added". The locator is returned
    as written; a suffix that followed a comma is returned without it.
    """
    stripped = text.strip()
    if not stripped:
        return "", ""
    if stripped.startswith("{"):
        close = stripped.find("}")
        if close > 0:
            locator = stripped[1:close].strip()
            return locator, _suffix_after(stripped[close + 1 :])
    match = _LABELLED_RE.match(stripped)
    if match is None:
        match = _BARE_VALUE_RE.match(stripped) if stripped[0].isdigit() else None
    if match is None:
        return "", stripped
    return match.group(0).strip(), _suffix_after(stripped[match.end() :])


def _suffix_after(rest: str) -> str:
    comma = _COMMA_RE.match(rest)
    if comma:
        return rest[comma.end() :].rstrip()
    return rest.rstrip()


@lru_cache(maxsize=1024)  # the same few locators ("p. 12") recur; the result is a string
def format_locator(locator: str) -> str:
    """Render a locator as APA prints it: "pp. 3-5" -> "pp. 3–5", "chap. 2" -> "Chapter 2".

    A value without a label is a page ("33" -> "p. 33"), as in pandoc.
    Singular or plural follows the value, not the label the writer typed.
    """
    locator = locator.strip()
    if not locator:
        return ""
    match = _LABEL_ONLY_RE.match(locator)
    term = "page"
    value = locator
    if match is not None and match.end() < len(locator):
        term = LOCATOR_LABELS[match.group("label").lower()]
        value = locator[match.end() :]
    elif match is not None:
        return locator  # a bare label with no value: leave it as written
    value = _RANGE_DASH_RE.sub("–", value.strip())
    singular, plural = _LOCATOR_TERMS[term]
    label = plural if _PLURAL_RE.search(value) else singular
    return f"{label} {value}"


# --------------------------------------------------------------------------- text helpers


class _Span:
    """The same run of text as HTML and as plain text. Never changed once made.

    A plain class with slots rather than a frozen dataclass: a reference is built from a few dozen
    spans, and a frozen dataclass takes twice as long to make.
    """

    __slots__ = ("html", "text")

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def __add__(self, other: "_Span") -> "_Span":
        return _Span(self.html + other.html, self.text + other.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Span) and (self.html, self.text) == (other.html, other.text)

    def __hash__(self) -> int:
        return hash((self.html, self.text))

    def __repr__(self) -> str:
        return f"_Span(html={self.html!r}, text={self.text!r})"


_EMPTY = _Span("", "")


def _esc(value: str) -> str:
    """HTML-escape text exactly as markupsafe's `escape` does, without making a Markup object."""
    # Most names and titles hold none of the five characters: a substring test is all they cost.
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "'" in value:
        value = value.replace("'", "&#39;")
    if '"' in value:
        value = value.replace('"', "&#34;")
    return value


def _plain(value: str) -> _Span:
    return _Span(_esc(value), value)


def _join(spans: Iterable[_Span], sep: str) -> _Span:
    spans = [s for s in spans if s]
    return _Span(_esc(sep).join(s.html for s in spans), sep.join(s.text for s in spans))


# Rich text in titles: Zotero's CSL-JSON uses <i>…</i> (and <b>, <sup>, <sub>,
# <span class="nocase">); pandoc's CSL-YAML is Markdown, so *…* and _…_ mark
# italics too. Everything else is escaped.
_RICH_RE = re.compile(
    r"<i>(?P<i>.*?)</i>|<em>(?P<em>.*?)</em>|\*(?P<star>[^*\s][^*]*?)\*"
    r"|(?<!\w)_(?P<under>[^_\s][^_]*?)_(?!\w)|<sup>(?P<sup>.*?)</sup>|<sub>(?P<sub>.*?)</sub>"
    r"|<b>(?P<b>.*?)</b>|<span class=\"nocase\">(?P<nocase>.*?)</span>",
    re.DOTALL,
)
_RICH_HINT_RE = re.compile(r"[<*_]")
_TAG_OR_TEXT_RE = re.compile(r"<[^<>]*>|[^<]+|<")


_OPEN_SINGLE_RE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))'")
_OPEN_DOUBLE_RE = re.compile(r'(?:(?<=^)|(?<=[\s(\[—–-]))"')


def _smart_quotes(value: str) -> str:
    """Typographic quotes in titles, as pandoc's smart extension gives them: Physicians' -> Physicians’."""
    if "'" not in value and '"' not in value:
        return value
    value = _OPEN_SINGLE_RE.sub("‘", value)
    value = value.replace("'", "’")
    value = _OPEN_DOUBLE_RE.sub("“", value)
    return value.replace('"', "”")


@lru_cache(maxsize=4096)  # journal and book titles recur across works; spans are never changed
def _rich(value: str, italic: bool = False) -> _Span:
    """Title text with inline markup; inside an italic title, marked words are set roman (APA 6.22)."""
    if "<" in value:  # leave the quotes inside markup tags (class="nocase") alone
        value = _TAG_OR_TEXT_RE.sub(lambda m: m[0] if m[0][0] == "<" else _smart_quotes(m[0]), value)
    else:
        value = _smart_quotes(value)
    if not _RICH_HINT_RE.search(value):
        span = _plain(value)
        return _Span(f"<i>{span.html}</i>", span.text) if italic and value else span
    runs: list[tuple[str, bool, str]] = []  # (text, italic, wrapper tag)
    position = 0
    for match in _RICH_RE.finditer(value):
        if match.start() > position:
            runs.append((value[position : match.start()], italic, ""))
        group = match.lastgroup or ""
        inner = match.group(group)
        if group in ("i", "em", "star", "under"):
            runs.append((inner, not italic, ""))
        elif group in ("sup", "sub"):
            runs.append((inner, italic, group))
        else:
            runs.append((inner, italic, ""))
        position = match.end()
    if position < len(value):
        runs.append((value[position:], italic, ""))
    html_parts: list[str] = []
    text_parts: list[str] = []
    for text, run_italic, wrapper in runs:
        piece = _esc(text)
        if wrapper:
            piece = f"<{wrapper}>{piece}</{wrapper}>"
        if run_italic and text:
            piece = f"<i>{piece}</i>"
        html_parts.append(piece)
        text_parts.append(text)
    return _Span("".join(html_parts).replace("</i><i>", ""), "".join(text_parts))


def _text(value: Any) -> str:
    """A CSL field as a string, whatever YAML or JSON made of it."""
    if value.__class__ is str:  # by far the most common case, and the cheapest test
        return value.strip()
    if value.__class__ is int:  # volumes, issues, numbers (bool is a subclass, not this class)
        return str(value)
    if value is None or value is False:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, abc.Mapping):
        return _text(value.get("literal") or value.get("raw") or "")
    return str(value).strip()


_SPECIAL_FOLDS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ß": "ss",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH", "ħ": "h", "Ħ": "H"}
)
_NOT_ALNUM_RE = re.compile(r"[\W_]+")


# ASCII letters and digits kept, every other ASCII character deleted: translation of ASCII text runs in C.
_ASCII_NOT_ALNUM_DELETED = {code: None for code in range(128) if not chr(code).isalnum()}


# Names and titles recur across the works of a hub; both functions are pure.
@lru_cache(maxsize=8192)
def _fold(value: str) -> str:
    """A sort form: letters only, no case, no diacritics (Żuławski files under Z, Müller as Muller)."""
    if value.isascii():
        return value.lower().translate(_ASCII_NOT_ALNUM_DELETED)
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL_FOLDS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letter by letter (APA 9.44): spaces, hyphens and apostrophes do not count.
    return _NOT_ALNUM_RE.sub("", bare.casefold())


_LEADING_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _significant(value: str) -> str:
    """Drop a leading article: group authors and titles file by their first significant word (9.46, 9.48)."""
    return _LEADING_ARTICLE_RE.sub("", value.strip())


_TERMINAL_PUNCTUATION = (".", "?", "!")


def _ends_sentence(span: _Span) -> bool:
    return span.text.rstrip().endswith(_TERMINAL_PUNCTUATION)


_PERIOD = _Span(".", ".")


def _element(span: _Span) -> _Span:
    """An APA reference element ends with a period, unless it already ends with . ? or !."""
    return span if _ends_sentence(span) else span + _PERIOD


_MINOR_WORDS = frozenset(
    "a an the and as but for if nor or so yet at by in of off on per to up via".split()
)
_TITLE_WORD_RE = re.compile(r"[^\s\-–—/]+")


def _title_case(value: str) -> str:
    """APA title case (6.17) for titles cited in the text: capitalize all but minor words.

    Minor words (short articles, conjunctions, prepositions) stay lowercase
    unless they open the title or follow a colon, dash, or end punctuation.
    Words already holding capitals (acronyms, names) are left alone.
    """
    out: list[str] = []
    position = 0
    opens_phrase = True
    for match in _TITLE_WORD_RE.finditer(value):
        between = value[position : match.start()]
        if re.search(r"[—–]|\s-\s", between):
            opens_phrase = True
        out.append(between)
        word = match.group(0)
        letters = word.strip("“‘\"'(.,:;!?”’)")
        is_minor = letters.lower() in _MINOR_WORDS and not opens_phrase
        first = next((i for i, c in enumerate(word) if c.isalpha()), None)
        has_capitals = any(c.isupper() for c in word)  # iPhone, eHealth: leave as written
        if first is not None and not has_capitals and not is_minor:
            word = word[:first] + word[first].upper() + word[first + 1 :]
        out.append(word)
        opens_phrase = word.endswith((":", "?", "!", "."))
        position = match.end()
    out.append(value[position:])
    return "".join(out)


# --------------------------------------------------------------------------- names


class _Name(NamedTuple):
    """One author or editor. A named tuple: one is made for every name of every work, faster than a dataclass."""

    family: str  # with the non-dropping particle ("van Gogh"); the full name for a group
    given: str
    dropping_particle: str
    suffix: str
    is_group: bool
    initials: str = ""  # "C. R." for "Carl R."; set by _person

    def inverted(self) -> str:
        """As in the reference list: "Rogers, C. R.", "Evans, A. C., Jr.", or the group's name."""
        if self.is_group:
            return self.family
        text = self.family
        if self.initials:
            text += ", " + self.initials
        if self.dropping_particle:
            text += " " + self.dropping_particle
        if self.suffix:
            text += ", " + self.suffix
        return text

    def direct(self) -> _Span:
        """As editors appear after "In": "D. F. Watt"."""
        if self.is_group:
            return _plain(self.family)
        parts = [self.initials, self.dropping_particle, self.family]
        text = " ".join(p for p in parts if p)
        if self.suffix:
            text += ", " + self.suffix
        return _plain(text)

    def in_text(self, with_initials: bool) -> str:
        if self.is_group or not with_initials or not self.initials:
            return self.family
        return f"{self.initials} {self.family}"

    @property
    def sort_key(self) -> tuple[str, str, str]:
        if self.is_group:
            return (_fold(_significant(self.family)), "", self.family.casefold())
        return (_fold(self.family), _fold(self.initials), self.family.casefold())

    @property
    def surname_key(self) -> str:
        # "Same surname" for 8.18 and 8.20 means spelled the same: Muller and
        # Müller are told apart by the reader already.
        return self.family.casefold()


_UPPER_INITIALS_RE = re.compile(r"^[A-Z]{2,3}$")


@lru_cache(maxsize=8192)
def _initials(given: str) -> str:
    """ "Carl R." -> "C. R.", "Jean-Paul" -> "J.-P.", "A. C." -> "A. C." (APA 9.8)."""
    words = given.replace(".", ". ").split()
    out: list[str] = []
    for word in words:
        if 2 <= len(word) <= 3 and _UPPER_INITIALS_RE.match(word):  # "JP" written without periods
            out.extend(f"{c}." for c in word)
            continue
        pieces = []
        for piece in word.split("-"):
            # the first letter of the piece: nearly always its first character
            letter = piece[0] if piece[:1].isalpha() else next((c for c in piece if c.isalpha()), "")
            if letter:
                pieces.append(letter.upper() + ".")
        if pieces and not (word[0].islower() and len(words) > 1):
            out.append("-".join(pieces))
    return " ".join(out)


def _person(family: str, given: str, dropping_particle: str = "", suffix: str = "") -> _Name:
    return _Name(family, given, dropping_particle, suffix, False, _initials(given))


# The same people are cited again and again: names are memoized on their fields.
_NAME_MEMO: dict[tuple[tuple[Any, Any], ...], _Name | None] = {}
_NAME_MEMO_LIMIT = 8192
_NOT_PARSED = object()


def _parse_name(raw: Any) -> _Name | None:
    if raw.__class__ is not dict:
        return _parse_name_uncached(raw)
    fields = tuple(raw.items())
    try:
        name = _NAME_MEMO.get(fields, _NOT_PARSED)
    except TypeError:  # a field YAML made a list or a mapping of: not hashable, parse it as it is
        return _parse_name_uncached(raw)
    if name is not _NOT_PARSED:
        return name  # type: ignore[return-value]
    if len(_NAME_MEMO) >= _NAME_MEMO_LIMIT:
        _NAME_MEMO.clear()
    name = _NAME_MEMO[fields] = _parse_name_uncached(raw)
    return name


_PLAIN_NAME_FIELDS = frozenset(("family", "given"))


def _parse_name_uncached(raw: Any) -> _Name | None:
    if raw.__class__ is dict and raw.keys() <= _PLAIN_NAME_FIELDS:
        # Nearly every person is just `{family: ..., given: ...}`: the general case below, in short.
        family, given = raw.get("family", ""), raw.get("given", "")
        if family.__class__ is str and given.__class__ is str:
            family, given = family.strip(), given.strip()
            if family:
                return _person(family, given)
            return _Name(given, "", "", "", True) if given else None  # a mononym, or nobody
    if isinstance(raw, abc.Mapping):
        literal = _text(raw.get("literal"))
        family = _text(raw.get("family"))
        given = _text(raw.get("given"))
        if literal:
            return _Name(literal, "", "", "", True)
        particle = _text(raw.get("non-dropping-particle"))
        if particle:
            family = f"{particle} {family}" if not particle.endswith(("'", "’", "-")) else particle + family
        if not family and given:
            return _Name(given, "", "", "", True)  # a mononym
        if not family:
            return None
        return _person(family, given, _text(raw.get("dropping-particle")), _text(raw.get("suffix")))
    if not isinstance(raw, str):
        return None  # numbers, nulls: not a name
    text = raw.strip()
    if not text:
        return None
    if "," in text:  # "Family, Given"
        family, given = (part.strip() for part in text.split(",", 1))
        return _person(family, given)
    return _Name(text, "", "", "", True)


def _parse_names(raw: Any) -> tuple[_Name, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    return tuple(name for name in (_parse_name(item) for item in items) if name is not None)


def _reference_names(names: Sequence[_Name]) -> _Span:
    """Authors in the reference list (9.8): "&" before the last; 21+ -> first 19, "…", last."""
    # Plain text throughout (every name is non-empty), so the HTML is the escaped text.
    texts = [name.inverted() for name in names]
    if len(texts) == 1:
        text = texts[0]
    elif len(texts) >= 21:
        text = ", ".join(texts[:19]) + ", … " + texts[-1]
    else:
        text = ", ".join(texts[:-1]) + ", & " + texts[-1]
    return _plain(text)


def _editor_names(names: Sequence[_Name]) -> _Span:
    """Editors after "In" (9.10, 10.3): "D. F. Watt & J. Panksepp", "A. A, B. B, & C. C"."""
    spans = [name.direct() for name in names]
    if len(spans) == 1:
        return spans[0]
    if len(spans) == 2:
        return spans[0] + _Span(" &amp; ", " & ") + spans[1]
    return _join(spans[:-1], ", ") + _Span(", &amp; ", ", & ") + spans[-1]


# --------------------------------------------------------------------------- dates

_MONTHS = (
    "January February March April May June July August September October November December".split()
)
_ISO_DATE_RE = re.compile(r"^\s*(-?\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


@dataclass(frozen=True, slots=True)
class _Date:
    year: int | None
    month: int | None = None
    day: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    end_year: int | None = None
    label: str = ""  # "in press" or a literal date the writer gave

    @property
    def year_text(self) -> str:
        if self.year is None:
            return self.label or "n.d."
        if self.end_year and self.end_year != self.year:
            return f"{self.year}–{self.end_year}"
        return str(self.year)

    @property
    def sort_key(self) -> tuple:
        # n.d. first, dated by year, "in press" last (9.47)
        if self.year is None:
            return (2,) if self.label == "in press" else (0,)
        return (1, self.year)

    def detail(self) -> str:
        """The part after the year in the reference list: ", June", ", December 10", ", August 8–11"."""
        if self.year is None or not self.month or not 1 <= self.month <= 12:
            return ""
        text = _MONTHS[self.month - 1]
        if self.day:
            text += f" {self.day}"
        if self.end_month and 1 <= self.end_month <= 12 and (self.end_month, self.end_day) != (
            self.month,
            self.day,
        ):
            if self.end_month == self.month and self.end_day:
                text += f"–{self.end_day}"
            else:
                text += f"–{_MONTHS[self.end_month - 1]}" + (f" {self.end_day}" if self.end_day else "")
        return ", " + text


_NO_DATE = _Date(None)


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


_DATE_MEMO: dict[tuple[str, str, str], _Date] = {}
_DATE_MEMO_LIMIT = 4096


def _parse_date(raw: Any, status: str = "") -> _Date:
    """CSL dates as pandoc and Zotero write them: date-parts, raw/literal, ISO strings, YAML dates."""
    # The same few dates (mostly bare years) recur in every bibliography. YAML and JSON values have a
    # faithful repr, which (with the type) serves as the memo key for the unhashable mappings.
    key = (raw.__class__.__name__, repr(raw), status)
    date_value = _DATE_MEMO.get(key)
    if date_value is None:
        if len(_DATE_MEMO) >= _DATE_MEMO_LIMIT:
            _DATE_MEMO.clear()
        date_value = _DATE_MEMO[key] = _parse_date_uncached(raw, status)
    return date_value


def _parse_date_uncached(raw: Any, status: str) -> _Date:
    in_press = "press" in status.lower()
    if raw is None or raw == "" or raw == {}:
        return _Date(None, label="in press") if in_press else _NO_DATE
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return _Date(raw.year, raw.month, raw.day)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _Date(raw)
    if isinstance(raw, abc.Mapping):
        parts = raw.get("date-parts")
        if isinstance(parts, (list, tuple)) and parts:
            first = parts[0] if isinstance(parts[0], (list, tuple)) else parts
            values = [_int(v) for v in first][:3]
            if values and values[0] is not None:
                end: list[int | None] = [None, None, None]
                if len(parts) > 1 and isinstance(parts[1], (list, tuple)):
                    end = ([_int(v) for v in parts[1]] + [None, None, None])[:3]
                values += [None] * (3 - len(values))
                return _Date(values[0], values[1], values[2], end[1], end[2], end[0])
        for field in ("raw", "literal"):
            if raw.get(field):
                return _parse_date(str(raw[field]), status)
        year = _int(raw.get("year"))
        if year is not None:
            return _Date(year, _int(raw.get("month")), _int(raw.get("day")))
        return _Date(None, label="in press") if in_press else _NO_DATE
    text = str(raw).strip()
    if text.lower() in ("in press", "forthcoming"):
        return _Date(None, label="in press")
    begin, _, finish = text.partition("/")
    match = _ISO_DATE_RE.match(begin)
    if match:
        end_match = _ISO_DATE_RE.match(finish) if finish else None
        return _Date(
            int(match.group(1)),
            _int(match.group(2)),
            _int(match.group(3)),
            _int(end_match.group(2)) if end_match else None,
            _int(end_match.group(3)) if end_match else None,
            _int(end_match.group(1)) if end_match else None,
        )
    return _Date(None, label=text)


def _long_date(value: _Date) -> str:
    """ "March 5, 2024" for retrieval dates (9.16)."""
    if value.year is None:
        return value.label
    if value.month and 1 <= value.month <= 12:
        month = _MONTHS[value.month - 1]
        return f"{month} {value.day}, {value.year}" if value.day else f"{month} {value.year}"
    return str(value.year)


# --------------------------------------------------------------------------- works

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


# --------------------------------------------------------------------------- disambiguation


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
        """The year as cited in the text: "2014a", "n.d.-b", "1900/1953"."""
        return self._with_letter(self.work.year_in_text)

    @property
    def reference_year(self) -> str:
        """The year in the reference list: "2014a", "n.d.-b", "1953"."""
        return self._with_letter(self.work.date.year_text)

    def _with_letter(self, year: str) -> str:
        if not self.letter:
            return year
        # "2014a", but "n.d.-a" and "in press-a" (8.19)
        return f"{year}{self.letter}" if self.work.date.year is not None else f"{year}-{self.letter}"

    def same_authors(self, other: "_Form") -> bool:
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
        # Plain text throughout (names are never empty), so the HTML is the escaped text.
        shown = [name.in_text(self.initials and index == 0) for index, name in enumerate(names[: self.names_shown])]
        conjunction = " and " if narrative else " & "
        if self.names_shown < len(names):
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
    date_text = f"({form.reference_year}{work.date.detail()})."
    before, after = work.before_date, work.after_date
    return RenderedEntry(
        form.key,
        f"{before.html} {_esc(date_text)}{after.html}",
        f"{before.text} {date_text}{after.text}",
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


# --------------------------------------------------------------------------- public API


def render_citations(
    clusters: Sequence[Cluster], bibliography: Mapping[str, Mapping]
) -> RenderedCitations:
    """Format an article's citation clusters and its reference list (APA 7).

    Only works that are cited appear in `entries`, in APA order, and they are
    disambiguated against each other. Keys missing from `bibliography` are
    rendered literally as "(@key?)" and listed in `unknown`.
    """
    cited: dict[str, list[int]] = {}
    unknown: list[tuple[int, str]] = []
    for number, cluster in enumerate(clusters, start=1):
        for item in cluster.items:
            data = bibliography.get(item.key)
            if isinstance(data, abc.Mapping):
                numbers = cited.setdefault(item.key, [])
                if not numbers or numbers[-1] != number:
                    numbers.append(number)
            elif (number, item.key) not in unknown:
                unknown.append((number, item.key))
    forms_list = _disambiguate([(key, _work(bibliography[key])) for key in cited])
    forms = {form.key: form for form in forms_list}
    rendered = tuple(
        _render_cluster(number, cluster, forms) for number, cluster in enumerate(clusters, start=1)
    )
    entries = tuple(_entry(form, tuple(cited[form.key])) for form in forms_list)
    return RenderedCitations(rendered, entries, tuple(unknown))


def format_bibliography(references: Iterable[Mapping]) -> tuple[RenderedEntry, ...]:
    """Format a whole bibliography (the hub's /sources/ page) in APA order.

    Each reference is keyed by its `id`; entries without one are skipped (the
    checks report them). Year-suffix letters and names are disambiguated over
    the set given.
    """
    keyed: dict[str, Mapping] = {}
    for data in references:
        if isinstance(data, abc.Mapping):
            key = _text(data.get("id"))
            if key and key not in keyed:
                keyed[key] = data
    forms = _disambiguate([(key, _work(data)) for key, data in keyed.items()])
    return tuple(_entry(form, ()) for form in forms)
