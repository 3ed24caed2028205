"""Markdown body -> sanitized HTML plus the facts the checks need.

One `markdown.Markdown` per process, reset between files (building the
instance costs more than converting a short article).
"""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from generator.diagnostics import LineIndex
from generator.markup.callouts import CalloutExtension
from generator.markup.citations import CitationExtension
from generator.markup.htmlscan import HtmlNote, scan
from generator.markup.patterns import UsablePatternsExtension
from generator.model import Heading, LinkRef

# Private-use characters mark citation placeholders; writers' copies are removed first.
_TOKEN_CHARS = re.compile("[\ue000\ue001]")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr",
}
GENERIC_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "role"}
TAG_ATTRIBUTES = {
    "a": {"href", "rel", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "th": {"scope", "colspan", "rowspan", "abbr"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "abbr": {"title"},
    "pre": {"tabindex"},
    "col": {"span"},
    "colgroup": {"span"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}   # generator.urlpolicy.ALLOWED_SCHEMES

_HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'\s([a-zA-Z-]+)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]+)"')
_TAGS = re.compile(r"<[^>]+>")
_ROOT_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class Converted:
    """What conversion yields for one body."""

    html: str
    headings: tuple[Heading, ...]
    anchors: frozenset[str]
    links: tuple[LinkRef, ...]
    images: tuple[tuple[LinkRef, str, bool], ...]   # (where, alt, decorative)
    clusters: tuple[Any, ...]
    text: str
    word_count: int
    html_notes: tuple[HtmlNote, ...] = ()   # what the sanitizer removes and addresses to check


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


class _AccessibleMarkup(Treeprocessor):
    """Adds what assistive technology needs and Python-Markdown leaves out."""

    def run(self, root: etree.Element) -> None:
        headings: list[tuple[etree.Element, int, etree.Element]] = []
        for parent in root.iter():
            for index, el in enumerate(parent):
                if el.tag in _HEADINGS and el.get("id"):
                    headings.append((parent, index, el))
            if parent.tag == "th" and "scope" not in parent.attrib:
                parent.set("scope", "col")
            elif parent.tag == "img":
                if "decorative" in parent.get("class", "").split():
                    parent.set("alt", "")
                parent.set("loading", "lazy")
                parent.set("decoding", "async")
            elif parent.tag == "div" and parent.get("class") == "footnote":
                self._footnotes(parent)
            elif parent.tag == "a" and parent.get("class") == "footnote-ref":
                parent.set("aria-describedby", "footnotes-heading")
        for parent, index, heading in reversed(headings):
            self._anchor(parent, index, heading)

    @staticmethod
    def _anchor(parent: etree.Element, index: int, heading: etree.Element) -> None:
        """A permalink beside the heading, not inside it, so the heading's name stays its text."""
        wrapper = etree.Element("div", {"class": "heading-wrapper"})
        wrapper.tail, heading.tail = heading.tail, None
        parent.remove(heading)
        parent.insert(index, wrapper)
        wrapper.append(heading)
        anchor = etree.SubElement(wrapper, "a", {"class": "heading-anchor", "href": "#" + (heading.get("id") or "")})
        hidden = etree.SubElement(anchor, "span", {"aria-hidden": "true"})
        hidden.text = "#"
        label = etree.SubElement(anchor, "span", {"class": "visually-hidden"})
        label.text = "Link to section: " + "".join(heading.itertext()).strip()

    @staticmethod
    def _footnotes(div: etree.Element) -> None:
        """A 'Notes' heading the note references point to, and back-links that say what they do."""
        div.set("role", "doc-endnotes")
        div.set("aria-labelledby", "footnotes-heading")
        for rule in div.findall("hr"):
            div.remove(rule)
        # data-pagefind-ignore: the heading is furniture, not text to show in a search excerpt
        heading = etree.Element("h2", {"id": "footnotes-heading", "data-pagefind-ignore": ""})
        heading.text = "Notes"
        div.insert(0, heading)
        for back in div.iter("a"):
            if back.get("class") == "footnote-backref":
                back.attrib.pop("title", None)
                back.text = None
                arrow = etree.SubElement(back, "span", {"aria-hidden": "true"})
                arrow.text = "\u21a9"
                words = etree.SubElement(back, "span", {"class": "visually-hidden"})
                words.text = "Back to the text"


_SKIP_TYPOGRAPHY = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style"})
_DASHES = re.compile(r"(?<!-)---(?!-)|(?<!-)--(?!-)|\.\.\.")
_DASH_TEXT = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}
_OPENING_CONTEXT = frozenset(" \t\n([{\u2014\u2013-/\u00a0")


class _Typography(Treeprocessor):
    """Curly quotes, dashes and ellipses in one pass over the text (what smarty does).

    Python-Markdown's smarty extension adds an inline pattern per rule and costs more than the rest
    of the conversion; this walks the finished tree once, carrying the previous character across
    element boundaries so `"*word*"` still opens and closes correctly. Code is left alone.
    """

    def run(self, root: etree.Element) -> None:
        self._previous = " "
        self._walk(root)

    def _walk(self, el: etree.Element) -> None:
        skip = el.tag in _SKIP_TYPOGRAPHY
        if el.text and not skip and not isinstance(el.text, markdown.util.AtomicString):
            el.text = self._fix(el.text)
        elif el.text:
            self._previous = el.text[-1]
        if not skip:
            for child in el:
                self._walk(child)
                if child.tail:
                    child.tail = self._fix(child.tail)

    def _fix(self, text: str) -> str:
        if "-" in text or "." in text:
            text = _DASHES.sub(lambda m: _DASH_TEXT[m.group(0)], text)
        if '"' not in text and "'" not in text:
            self._previous = text[-1]
            return text
        out = []
        previous = self._previous
        for index, char in enumerate(text):
            if char == '"':
                char = "\u201c" if previous in _OPENING_CONTEXT else "\u201d"
            elif char == "'":
                following = text[index + 1] if index + 1 < len(text) else ""
                if previous.isalnum() or (following.isdigit() and previous in _OPENING_CONTEXT and
                                          text[index + 1:index + 3].rstrip("s").isdigit()):
                    char = "\u2019"          # it's, the '90s
                else:
                    char = "\u2018" if previous in _OPENING_CONTEXT else "\u2019"
            out.append(char)
            previous = char
        self._previous = previous
        return "".join(out)


class _AccessibleMarkupExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # after toc (priority 5) has set heading ids
        md.treeprocessors.register(_AccessibleMarkup(md), "haven-a11y", 1)
        # after inline patterns (20) have made the text final, before toc (5) reads heading text
        md.treeprocessors.register(_Typography(md), "haven-typography", 8)


def make_markdown() -> markdown.Markdown:
    """The Markdown instance with Haven's extensions (build once per process)."""
    return markdown.Markdown(
        extensions=["extra", "toc", "sane_lists", CitationExtension(), CalloutExtension(),
                    _AccessibleMarkupExtension(), UsablePatternsExtension()],
        extension_configs={
            "toc": {"permalink": False, "toc_depth": "2-4"},
        },
        output_format="html",
    )


_MD: markdown.Markdown | None = None


def _markdown() -> markdown.Markdown:
    global _MD
    if _MD is None:
        _MD = make_markdown()
    return _MD


def sanitize(html: str) -> str:
    """Allow-list sanitizer: no scripts, no event handlers, no javascript: or data: URLs."""
    attributes = {tag: set(attrs) | GENERIC_ATTRIBUTES for tag, attrs in TAG_ATTRIBUTES.items()}
    attributes["*"] = set(GENERIC_ATTRIBUTES)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        generic_attribute_prefixes={"aria-", "data-"},
    )


def locate(body: str, needle: str, start: int = 0, index: LineIndex | None = None) -> tuple[int, int, int]:
    """(line, col, offset) of `needle` in `body` from `start`; line 1/col 1 when absent."""
    at = body.find(needle, start) if needle else -1
    if at < 0:
        at = body.find(needle) if needle else -1
    if at < 0:
        return 1, 1, start
    line, col = (index or LineIndex(body)).position(at)
    return line, col, at + len(needle)


def convert(body: str, base_path: str = "/") -> Converted:
    """Convert one Markdown body; line numbers in the result are 1-based within `body`."""
    global _MD
    md = _markdown()
    md.reset()
    source = _TOKEN_CHARS.sub("", body)
    try:
        raw_html = md.convert(source)
    except BaseException:   # stopped half-way (a time limit, nesting too deep): the next file gets a fresh one
        _MD = None
        raise
    clusters = tuple(getattr(md, "citation_clusters", ()))
    headings = tuple(_flatten_toc(getattr(md, "toc_tokens", [])))
    notes = scan(raw_html, source, ALLOWED_TAGS)
    clean = sanitize(raw_html)
    # a scrolling code block must be reachable by keyboard (WCAG 2.1.1)
    clean = clean.replace("<pre>", '<pre tabindex="0">')
    if base_path != "/":
        clean = _ROOT_URL.sub(lambda m: m.group(1) + base_path, clean)

    links: list[LinkRef] = []
    cursor = 0
    lines = LineIndex(source)
    for m in _HREF.finditer(clean):
        if 'class="heading-anchor"' in m.group(0):  # Haven's own permalink: not in the source, and a search
            continue                                # for it through the whole body made long files quadratic
        url = htmllib.unescape(m.group(1))
        line, col, cursor = locate(source, _source_form(url, base_path), cursor, lines)
        bracket = source.rfind("[", lines.starts[line - 1], cursor)  # the link text, on the same line
        if bracket >= 0:
            col = bracket - (source.rfind("\n", 0, bracket) + 1) + 1
        links.append(LinkRef(url, line, col, "link"))
    images = []
    cursor = 0
    for m in _IMG.finditer(clean):
        attrs = dict(_ATTR.findall(m.group(0)))
        src = htmllib.unescape(attrs.get("src", ""))
        line, col, cursor = locate(source, _source_form(src, base_path), cursor, lines)
        bang = source.rfind("![", lines.starts[line - 1], cursor)  # the image, not its address (same line)
        if bang >= 0:
            col = bang - (source.rfind("\n", 0, bang) + 1) + 1
        where = LinkRef(src, line, col, "image")
        links.append(where)
        images.append((where, htmllib.unescape(attrs.get("alt", "")), "decorative" in attrs.get("class", "").split()))
    text = htmllib.unescape(_TAGS.sub(" ", clean))
    text = " ".join(_TOKEN_CHARS.sub(" ", text).split())
    return Converted(
        html=clean,
        headings=headings,
        anchors=frozenset(_ID.findall(clean)),
        links=tuple(links),
        images=tuple(images),
        clusters=clusters,
        text=text,
        word_count=len(_WORD.findall(text)),
        html_notes=notes,
    )


def _source_form(url: str, base_path: str) -> str:
    """The address as the writer typed it (before the base path was added)."""
    if base_path != "/" and url.startswith(base_path):
        return "/" + url[len(base_path):]
    return url


def _flatten_toc(tokens: list[dict]) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        out.append(Heading(token["level"], token["id"], htmllib.unescape(_TAGS.sub("", token["name"]))))
        out.extend(_flatten_toc(token.get("children", [])))
    return out
