"""What a body's HTML asks of the reader's browser, read before the sanitizer removes anything.

The sanitizer (nh3) drops what it does not allow without a word; this scan reports each of those
things at the line the writer typed it, so the writer learns why their video or form vanished, and
finds every address (including obfuscated `javascript:` ones) for the URL policy.

The same reading, as a browser reads HTML, serves a rendered page (`page_addresses`: what templates and the
data they show produce) and a markup file published as it is (`file_code_notes`: static HTML and SVG).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from generator.markup.cssurls import css_urls
from generator.urlpolicy import examine

# Attributes that hold one address; a browser follows or fetches each of them.
URL_ATTRIBUTES = frozenset({
    "href", "src", "poster", "action", "formaction", "cite", "data", "background", "longdesc", "usemap",
    "manifest", "codebase", "ping", "xlink:href", "lowsrc", "dynsrc", "icon", "profile", "itemid",
})
# (tag, attribute) pairs a browser fetches without the reader doing anything.
_FETCHED = {
    "img": {"src", "srcset", "lowsrc", "dynsrc", "longdesc"}, "image": {"href", "xlink:href"},
    "source": {"src", "srcset"}, "audio": {"src"}, "video": {"src", "poster"}, "track": {"src"},
    "iframe": {"src"}, "frame": {"src"}, "embed": {"src"}, "object": {"data", "codebase"},
    "input": {"src"}, "script": {"src", "href", "xlink:href"}, "body": {"background"}, "table": {"background"},
    "td": {"background"}, "th": {"background"}, "use": {"href", "xlink:href"}, "applet": {"codebase"},
    "feimage": {"href", "xlink:href"}, "portal": {"src"}, "html": {"manifest"},
    "base": {"href"},   # every relative address on the page is fetched from it
}
# <meta http-equiv="refresh" content="0; url=..."> sends the reader there without their choosing
_REFRESH_URL = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*?)\1\s*$""", re.IGNORECASE | re.DOTALL)
# Referrer policies that send the page's full address (which article the reader was on) to the sites its
# links and files lead to; the legacy names too ("always", "default")
_PATH_REFERRERS = frozenset({"unsafe-url", "no-referrer-when-downgrade", "always", "default"})
_FETCHING_RELS = frozenset({"stylesheet", "preload", "prefetch", "icon", "apple-touch-icon", "modulepreload",
                            "manifest", "prerender", "dns-prefetch", "preconnect", "mask-icon"})

@dataclass(frozen=True)
class HtmlNote:
    """One thing in a body's HTML the checks report: where, which element, and what about it.

    kind: "url" (an address to check against the policy), "fetch" (an address the browser loads by
    itself), "send" (where a form sends what the reader typed), "referrer" (a referrer policy that tells
    other sites the page the reader came from), "element" (an element the sanitizer removes), "handler"
    (an on... attribute), "style" (a style attribute), "script" (code written into a page: an inline
    script or a handler).
    """

    line: int
    col: int
    tag: str
    attr: str
    value: str
    kind: str


# The start tags Markdown writes by the thousand, with nothing to report: allowed elements whose
# attributes are plain and whose addresses are local (or links to https pages). Only other tags are
# parsed properly (html.parser per tag costs more than converting the Markdown).
_PLAIN_ATTR = (r'(?:id|class|title|alt|lang|dir|role|scope|colspan|rowspan|start|reversed|value|datetime|'
               r'loading|decoding|width|height|rel|aria-[\w-]+)="[^"<>&\\]*"')
_LOCAL_HREF = r'href="(?:/(?![/\\])|#|mailto:|tel:|sms:)[^"\s<>&\\]*"'
# a link (<a> only: on <link> an https href is a file the browser fetches) to a page elsewhere, or a local one
_PLAIN_HREF = (r'href="(?:https?://[\w.-]+(?:[/?#](?:[^"\s<>&\\]|&amp;)*)?'
               r'|(?:/(?![/\\])|#|mailto:|tel:|sms:)(?:[^"\s<>&\\]|&amp;)*)"')
_PLAIN_SRC = r'src="/(?![/\\])[^"\s<>&\\]*"'
_ANY_TAG = re.compile(r"""<([a-zA-Z][^\s/>]*)(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# A raw-text element's start tag, then its text up to its end tag (or the end): runs without `<` are taken
# whole, which is twice as quick on a page's long JSON-LD script as trying the end tag at every character.
_RAW_TEXT = re.compile(r"(<((?:s(?:cript|tyle)|t(?:extarea|itle)|xmp|iframe|no(?:embed|frames|script)|plaintext))\b"
                       r"(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>)(?:[^<]++|<(?!/\2\s*>))*+(?:</\2\s*>|\Z)",
                       re.IGNORECASE)


# Any start tag with no attribute that can hold an address (or only local ones): the bulk of a rendered page.
_ADDRESS_ATTRS = (r"(?:on[\w-]*|style|href|src|srcset|poster|action|formaction|data|background|cite|ping|"
                  r"xlink:href|imagesrcset|longdesc|lowsrc|dynsrc|codebase|manifest|usemap|icon|profile|itemid|srcdoc|"
                  r"http-equiv|attributename|referrerpolicy)")
# (attribute names are read case-blind, as a browser reads them: `SRC=` is `src=`)
_OTHER_PAGE_ATTR = (r"(?!(?i:" + _ADDRESS_ATTRS + r")(?![\w:-]))"
                    r"[\w:.-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
# a link to a page elsewhere is as plain on the page as in a body (the body scan passes the same _PLAIN_HREF),
# and so is a <link> that names a page rather than fetching a file: one rel, canonical or alternate
# (a second rel is not allowed in it: a browser reads the first, a scan might read the last)
_LINK_OTHER_ATTR = (r"(?!(?i:" + _ADDRESS_ATTRS + r"|rel)(?![\w:-]))"
                    r"[\w:.-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_PLAIN_PAGE_TAG = re.compile(
    r"<a(?:\s+(?:" + _OTHER_PAGE_ATTR + r"|" + _PLAIN_HREF + r"))*\s*/?>"
    r"|<link(?:\s+(?:" + _LINK_OTHER_ATTR + r"|" + _PLAIN_HREF + r"))*\s+rel=\"(?:canonical|alternate)\""
    r"(?:\s+(?:" + _LINK_OTHER_ATTR + r"|" + _PLAIN_HREF + r"))*\s*/?>"
    # (not the page's referrer policy: <meta name="referrer" content="..."> is read, see _sends_page_address)
    r"|<(?!(?i:meta)\b[^>]*?\b(?i:name)\s*=\s*[\"']?\s*(?i:referrer))"
    r"[a-zA-Z][\w:-]*(?:\s+(?:" + _OTHER_PAGE_ATTR + r"|" + _LOCAL_HREF + r"|" + _PLAIN_SRC + r"))*\s*/?>")


def readable_text(html_text: str) -> str:
    """The HTML without comments and without the contents of script, style and other raw-text elements."""
    return _readable_text_and_elements(html_text)[0]


# Script types a browser does not run, whose text is data (structured data for search engines, say)
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})


def page_addresses(page_html: str) -> list[HtmlNote]:
    """Refused addresses, files from other hosts and code (kind "script") in a rendered page (line and column
    in the page, whose comments and script contents are left out); what a `<style>` element's CSS loads,
    and an inline script, are placed at the element's tag.

    The templates and the data they show can produce addresses no check saw as written (a template
    computing `src` from site.yaml `extra`, say); this reads what the reader would actually get.
    """
    text, elements = _readable_text_and_elements(page_html)
    notes = _raw_text_notes(text, elements)
    if _all_plain(text):
        return notes
    for at, tag, attrs, _ in _parsed_tags(text, _PLAIN_PAGE_TAG, valued_only=True):
        # an on... attribute is code written into the page, like an inline script (no template of the theme
        # has one, sanitized bodies have none, and the Content-Security-Policy blocks it)
        found = [(attr, value, "script" if kind == "handler" else kind)
                 for attr, value, kind in _attribute_notes(tag, attrs)
                 if kind in ("handler", "script", "referrer")
                 or (kind in ("url", "fetch", "send") and _worth_noting(value, kind))]
        if not found:   # the usual case: the position costs a scan from the start, so only when needed
            continue
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        notes += [HtmlNote(line, col, tag, attr, value, kind) for attr, value, kind in found]
    return sorted(notes, key=lambda note: (note.line, note.col))


def _readable_text_and_elements(html_text: str) -> tuple[str, list[tuple[int, str, str, str]]]:
    """The HTML without comments and without the text of raw-text elements (script, style, title ...: a
    browser reads no tags in them), and each element whose text it left out: (offset of its start tag in
    the readable text, element name, start tag, the text left out)."""
    stripped = _COMMENT.sub("", html_text)
    pieces: list[str] = []
    elements: list[tuple[int, str, str, str]] = []
    last = length = 0
    for m in _RAW_TEXT.finditer(stripped):
        start_tag = m.group(1)
        pieces += [stripped[last:m.start()], start_tag]
        length += m.start() - last
        elements.append((length, m.group(2).lower(), start_tag, m.group(0)[len(start_tag):]))
        length += len(start_tag)
        last = m.end()
    pieces.append(stripped[last:])
    return "".join(pieces), elements


_SCRIPT_TYPES: dict[str, str] = {}   # a script's start tag -> its type, lower case (pages repeat the same few)


def _raw_text_notes(text: str, elements: list[tuple[int, str, str, str]]) -> list[HtmlNote]:
    """What the CSS of each `<style>` element on a page loads from another host (or refuses), and each
    `<script>` with code in it (kind "script": what it may load no check can read; Haven's Content-Security-
    Policy blocks it); placed at the element's start tag in the page's readable text `text`."""
    notes: list[HtmlNote] = []
    for at, element, start_tag, content in elements:
        if element == "style":
            found = [("", url, "fetch") for _, url, _ in css_urls(content) if _worth_noting(url, "fetch")]
        elif element == "script" and re.sub(r"</script\s*>\Z", "", content, flags=re.IGNORECASE).strip():
            kind = _SCRIPT_TYPES.get(start_tag)
            if kind is None:
                kind = _first_attribute(_attributes_of(start_tag), "type").split(";")[0].strip()
                if len(_SCRIPT_TYPES) < MAX_REMEMBERED_TAGS:
                    _SCRIPT_TYPES[start_tag] = kind
            found = [] if kind in DATA_SCRIPT_TYPES else [("", "", "script")]
        else:
            continue
        line, col = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        notes += [HtmlNote(line, col, element, attr, value, kind) for attr, value, kind in found]
    return notes


def file_code_notes(text: str) -> list[HtmlNote]:
    """For a markup file published as it is (static/*.svg, *.html): what its `<style>` elements load from
    another host (or refuse), its inline scripts (kind "script") and its on... attributes (kind "handler"),
    at their line and column in the file."""
    blanked = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)   # same offsets, no comments
    elements = [(m.start(), m.group(2).lower(), m.group(1), m.group(0)[len(m.group(1)):])
                for m in _RAW_TEXT.finditer(blanked)]
    every_tag = {m.group(1).lower() for m in _ANY_TAG.finditer(text)}   # none "removed": only handlers wanted
    handlers = [note for note in scan(text, text, every_tag) if note.kind == "handler"]
    return _raw_text_notes(blanked, elements) + handlers


# Start tags, whole, as one C-level pass lists them (the grammar of _ANY_TAG)
_WHOLE_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
_PLAIN_ON_PAGES: set[str] = set()   # start tags, as written, known to be plainly harmless on a page


def _all_plain(text: str) -> bool:
    """Whether every start tag with an attribute value in a page is plainly harmless (_PLAIN_PAGE_TAG).

    A page is mostly the tags of the page before: the few not seen yet are matched, and a page with
    nothing to note skips the per-tag loop of `_parsed_tags`."""
    for written in set(_WHOLE_TAG.findall(text)) - _PLAIN_ON_PAGES:
        if "=" not in written:
            continue
        if _PLAIN_PAGE_TAG.fullmatch(written) is None:
            return False
        if len(_PLAIN_ON_PAGES) >= MAX_REMEMBERED_TAGS:
            _PLAIN_ON_PAGES.clear()
        _PLAIN_ON_PAGES.add(written)
    return True


def _plain_tag_pattern(allowed_tags: frozenset[str] | set[str]) -> re.Pattern[str]:
    names = "|".join(sorted(allowed_tags - {"a"}, key=len, reverse=True))
    links = rf"<a(?:\s+(?:{_PLAIN_ATTR}|{_PLAIN_HREF}))*\s*/?>" if "a" in allowed_tags else "(?!)"
    return re.compile(rf"{links}|<(?:{names})(?:\s+(?:{_PLAIN_ATTR}|{_LOCAL_HREF}|{_PLAIN_SRC}))*\s*/?>")


_PLAIN_TAGS: dict[frozenset[str], re.Pattern[str]] = {}


def _tags_worth_parsing(raw_html: str, allowed_tags: frozenset[str] | set[str]):
    """(tag, attributes, tag as written) for every start tag that is not plainly harmless."""
    key = frozenset(allowed_tags)
    plain = _PLAIN_TAGS.get(key) or _PLAIN_TAGS.setdefault(key, _plain_tag_pattern(key))
    for _, tag, attrs, written in _parsed_tags(readable_text(raw_html), plain):   # what the browser reads
        yield tag, attrs, written


# Whether a tag, exactly as written, is plainly harmless, per pattern: most of a page's tags are the same
# text on every page (`<div class="wrap">`, `<a href="#cite-1">`), and a look-up costs a tenth of a match.
_PLAIN_ANSWERS: dict[re.Pattern[str], dict[str, bool]] = {}
MAX_REMEMBERED_TAGS = 50_000


def _parsed_tags(text: str, plain: re.Pattern[str], valued_only: bool = False):
    """(offset, tag, attributes, tag as written) of every start tag in `text` that `plain` does not pass
    as harmless (a regex pass first: the HTML parser is the slow part). `valued_only`: leave out tags
    with no attribute value at all (no '='), for scans that look only at addresses."""
    collector = _Collector()
    known = _PLAIN_ANSWERS.setdefault(plain, {})
    for m in _ANY_TAG.finditer(text):
        written = m.group(0)
        if valued_only and "=" not in written:
            continue
        harmless = known.get(written)
        if harmless is None:
            harmless = plain.fullmatch(written) is not None
            if len(known) >= MAX_REMEMBERED_TAGS:
                known.clear()
            known[written] = harmless
        if harmless:
            continue
        collector.reset()
        collector.tags.clear()
        collector.feed(written)
        collector.close()
        for tag, attrs, written in collector.tags:
            yield m.start(), tag, attrs, written


def _attributes_of(start_tag: str) -> list[tuple[str, str | None]]:
    """The attributes of one start tag, as a browser reads them."""
    collector = _Collector()
    collector.feed(start_tag)
    collector.close()
    return collector.tags[0][1] if collector.tags else []


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the tag, its attributes and its text as written."""
        self.tags.append((tag, attrs, self.get_starttag_text() or ""))

    handle_startendtag = handle_starttag


def srcset_urls(value: str) -> list[str]:
    """The addresses in a srcset value ("a.png 1x, https://x/b.png 2x")."""
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def scan(raw_html: str, source: str, allowed_tags: frozenset[str] | set[str]) -> tuple[HtmlNote, ...]:
    """Notes about `raw_html` (the converter's output before sanitizing), placed in `source` (the body)."""
    if "<" not in raw_html:
        return ()
    notes: list[HtmlNote] = []
    cursor = placed = 0
    for tag, attrs, raw_tag in _tags_worth_parsing(raw_html, allowed_tags):
        pending = _attribute_notes(tag, attrs)
        if tag not in allowed_tags:
            pending.insert(0, ("", "", "element"))
        pending = [p for p in pending if p[2] not in ("url", "fetch") or _worth_noting(p[1], p[2])]
        if not pending:
            continue
        if placed < _PRECISE_PLACES:
            line, col, cursor = _place(source, raw_tag, tag, pending, cursor)
            placed += 1
        else:   # a body with this many findings: keep them all, place them at the last known spot
            line, col = source.count("\n", 0, cursor) + 1, 1
        notes += [HtmlNote(line, col, tag, attr, value, kind) for attr, value, kind in pending]
    return tuple(notes)


def _attribute_notes(tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str, str]]:
    """(attribute, value, kind) for each attribute of a start tag worth a note (see HtmlNote.kind)."""
    pending: list[tuple[str, str, str]] = []
    # a browser reads the first of two attributes of one name: `rel` is that one; every address is checked
    rel = set(_first_attribute(attrs, "rel").split())
    for name, value in ((name, value or "") for name, value in attrs):
        if name.startswith("on"):
            pending.append((name, value, "handler"))
        elif name == "style":
            if not (tag in ("th", "td") and value.replace(" ", "").lower().startswith("text-align:")):
                pending.append((name, value, "style"))
            pending += [(name, url, "fetch") for _, url, _ in css_urls(value)]
        elif name in ("srcset", "imagesrcset"):
            kind = "fetch" if tag in ("img", "source", "link") else "url"
            pending += [(name, url, kind) for url in srcset_urls(value)]
        elif name == "ping":   # addresses the browser sends a request to when the link is followed
            pending += [(name, url, "fetch") for url in value.split()]
        elif name == "content" and tag == "meta" and _first_attribute(attrs, "http-equiv") == "refresh":
            target = _REFRESH_URL.match(value)
            if target and target.group(2).strip():
                pending.append((name, target.group(2).strip(), "fetch"))
        elif name in ("to", "from", "values") and tag in ("animate", "set") and \
                _first_attribute(attrs, "attributename") in ("href", "xlink:href"):   # SVG setting an address
            pending += [(name, url.strip(), "url") for url in value.split(";") if url.strip()]
        elif name == "srcdoc":   # a whole page inside the frame, with addresses of its own
            pending += [(name, note.value, note.kind) for note in page_addresses(value)]
        elif _sends_page_address(tag, name, value, attrs):
            pending.append((name, value, "referrer"))
        elif name in ("action", "formaction") and tag in ("form", "button", "input"):
            pending.append((name, value, "send"))
        elif name in URL_ATTRIBUTES:
            fetched = name in _FETCHED.get(tag, ()) or (tag == "link" and name == "href" and rel & _FETCHING_RELS)
            pending.append((name, value, "fetch" if fetched else "url"))
    return pending


def _sends_page_address(tag: str, name: str, value: str, attrs: list[tuple[str, str | None]]) -> bool:
    """True for a referrer policy (an element's own, or the page's `<meta name="referrer">`) that tells other
    sites the full address of the page the reader was on."""
    if name == "referrerpolicy":
        return value.strip().lower() in _PATH_REFERRERS
    return name == "content" and tag == "meta" and _first_attribute(attrs, "name") == "referrer" and \
        bool(_PATH_REFERRERS & {token.strip().lower() for token in value.split(",")})


def _first_attribute(attrs: list[tuple[str, str | None]], name: str) -> str:
    """The first `name` attribute's value, lower case (a browser reads the first of two)."""
    return next((value or "" for attr, value in attrs if attr == name), "").strip().lower()


def _worth_noting(url: str, kind: str) -> bool:
    """Only addresses the policy refuses, or that a browser would fetch from a host, become notes."""
    found = examine(url)
    return bool(found.problem) or (kind in ("fetch", "send") and found.remote)


# Placing a note searches the body; past this many per body, notes keep the last place found.
_PRECISE_PLACES = 500


def _place(source: str, raw_tag: str, tag: str, pending: list[tuple[str, str, str]],
           cursor: int) -> tuple[int, int, int]:
    """Where in the body the writer typed this element: its raw tag (raw HTML is kept verbatim by
    Markdown), else an address in it as written (Markdown links and images), else the last place found."""
    needles = [raw_tag]
    for attr, value, _ in pending:
        written = (re.search(re.escape(attr) + r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", raw_tag)
                   if attr else None)
        if written:
            raw_value = next(g for g in written.groups() if g is not None)
            needles += [raw_value, html.unescape(raw_value)]
        if value:
            needles.append(value)
    for start in (cursor, 0):
        for needle in needles:
            at = source.find(needle, start) if needle else -1
            if at >= 0:
                if needle is not raw_tag:   # a Markdown link or image: point at its "[" or "![" as the writer sees it
                    bang = source.rfind("![" if tag == "img" else "[", 0, at)
                    if bang >= 0 and "\n" not in source[bang:at]:
                        at = bang
                line = source.count("\n", 0, at) + 1
                col = at - (source.rfind("\n", 0, at) + 1) + 1
                return line, col, at + 1
    return source.count("\n", 0, cursor) + 1, 1, cursor
