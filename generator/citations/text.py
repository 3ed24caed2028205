"""Text pieces of a reference: HTML and plain text together, rich titles, title case, sort forms."""

from __future__ import annotations

import re
from collections import abc
from collections.abc import Iterable
from functools import lru_cache
from typing import Any


class _Span:
    """The same run of text as HTML and as plain text. Never changed once made.

    A plain class with slots rather than a frozen dataclass: a reference is built from a few dozen
    spans, and a frozen dataclass takes twice as long to make.
    """

    __slots__ = ("html", "text")

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def __add__(self, other: _Span) -> _Span:
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
        if "\n" in value or "\t" in value or "  " in value:  # Crossref titles hold line breaks: one space
            return " ".join(value.split())
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


# An element ending in one of these takes no period of its own: ". ? !" end a sentence (APA 9.23), and
# after a colon pandoc's APA style adds none either ("uninterpretable: Journal", never "uninterpretable:.").
_TERMINAL_PUNCTUATION = (".", "?", "!", ":")
_CLOSING_QUOTES = ("”", "’")  # typographic only: a straight quote in a field is the writer's text


def _ends_sentence(span: _Span) -> bool:
    """True when the text already ends an element, looking through closing quotes (`“explosion.”`)."""
    text = span.text.rstrip()
    if text.endswith(_CLOSING_QUOTES):
        text = text.rstrip("”’")
    return text.endswith(_TERMINAL_PUNCTUATION)


_PERIOD = _Span(".", ".")


def _element(span: _Span) -> _Span:
    """An APA reference element ends with a period, unless it already ends with . ? ! or a colon.

    A period after a closing quotation mark goes inside it, as American English and pandoc's en-US
    style have it (APA 6.11): `“quoted end.”`, never `“quoted end”.` or `“information explosion.”.`.
    """
    if _ends_sentence(span):
        return span
    if span.text.endswith(("”", "’")):
        return _punctuate_inside_quote(span, ".")
    return span + _PERIOD


def _punctuate_inside_quote(span: _Span, mark: str) -> _Span:
    """`“word”` + "," -> `“word,”` in both the HTML and the text (the quote is the last character of both)."""
    html, text = span.html, span.text
    quote = text[-1]
    at = html.rfind(quote)
    if at >= 0 and not _TAG_OR_TEXT_RE.sub(lambda m: "" if m[0][0] == "<" and m[0] != "<" else m[0], html[at + 1 :]):
        # only closing tags follow the quote (`<i>…”</i>`): the mark goes just before it
        return _Span(html[:at] + _esc(mark) + html[at:], text[:-1] + mark + quote)
    return span + _plain(mark)


def _then_comma(span: _Span) -> _Span:
    """The span followed by a comma, inside a closing quotation mark when it ends with one (APA 6.11)."""
    if span.text.endswith(("”", "’")):
        return _punctuate_inside_quote(span, ",")
    return span + _plain(",")


_MINOR_WORDS = frozenset([
    "a", "an", "the", "and", "as", "but", "for", "if", "nor", "or", "so", "yet", "at", "by", "in", "of", "off", "on",
    "per", "to", "up", "via", "v", "vs",  # "Brown v. Board of Education" (11.4)
])
_TITLE_WORD_RE = re.compile(r"[^\s\-–—/]+")


@lru_cache(maxsize=4096)  # journal names recur across a bibliography
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
        # a lone lower-case letter is a word of another language ("Clínica y Salud", "Economiche e"): kept
        is_minor = (letters.lower() in _MINOR_WORDS or (len(letters) == 1 and letters.islower())) and not opens_phrase
        first = next((i for i, c in enumerate(word) if c.isalpha()), None)
        has_capitals = any(c.isupper() for c in word)  # iPhone, eHealth: leave as written
        if first is not None and not has_capitals and not is_minor:
            word = word[:first] + word[first].upper() + word[first + 1 :]
        out.append(word)
        opens_phrase = word.endswith((":", "?", "!", "."))
        position = match.end()
    out.append(value[position:])
    return "".join(out)
