"""Pandoc citation syntax for Python-Markdown: `[@key]`, `[see @a, p. 4; @b]`, `@key [p. 12]`, `[-@key]`.

How it works, and why this way:

1. A preprocessor finds citation candidates in the raw body, where line and
   column are still known, and puts an invisible marker carrying them just
   before each one. Code needs no special care: Python-Markdown stashes code
   spans and code blocks before inline patterns run, so a marker there is never
   consumed and is simply removed at the end (the code stays literal).
2. Two inline patterns consume "marker + citation" and leave a token in its
   place. Bracketed clusters run above link handling (`[@key]` would otherwise
   look like a reference link); narrative `@key` runs below links so that link
   text and URLs are left alone. Python-Markdown tries every inline pattern on
   every run of text, so the preprocessor leaves registered only the patterns
   the body can use (most bodies have no `\\@`, many no citation at all).
3. Inline patterns do not run in document order, so a tree processor numbers
   the tokens in the order they appear in the finished tree: that is the order
   of `md.citation_clusters` and of the "\\ue000N\\ue001" tokens in the HTML.

`insert_citations` later swaps the tokens for the rendered clusters, after the
pipeline has sanitized the HTML (the tokens are plain text and survive).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from generator.citations import Cluster, RenderedCitations
from generator.markup.citation_scan import (
    _NARRATIVE_LOCATOR_RE,
    _NARRATIVE_RE,
    _candidates,
    _narrative_item,
    parse_cluster,
)

__all__ = ["TOKEN_CLOSE", "TOKEN_OPEN", "CitationExtension", "insert_citations", "parse_cluster"]

TOKEN_OPEN = "\ue000"
TOKEN_CLOSE = "\ue001"
_MARK_OPEN = "\ue002"
_MARK_CLOSE = "\ue003"
_PRIVATE_CHARS_RE = re.compile("[\ue000-\ue003]")

_STRAY_MARK_RE = re.compile(f"{_MARK_OPEN}[BN][0-9:]*{_MARK_CLOSE}")
_TOKEN_RE = re.compile(f"{TOKEN_OPEN}([0-9]+){TOKEN_CLOSE}")
_ESCAPED_CHAR_RE = re.compile(f"{util.STX}([0-9]+){util.ETX}")


class _State:
    """Per-conversion bookkeeping, kept on the Markdown instance."""

    def __init__(self) -> None:
        self.pending: list[Cluster] = []
        self.in_headings = False  # a heading holds a citation (so the toc's copies hold a token)

    def add(self, cluster: Cluster) -> str:
        self.pending.append(cluster)
        return f"{TOKEN_OPEN}{len(self.pending)}{TOKEN_CLOSE}"


def _state(md: markdown.Markdown) -> _State:
    state = getattr(md, "_citation_state", None)
    if state is None:
        state = _State()
        md._citation_state = state  # type: ignore[attr-defined]
    return state


class _MarkCitations(Preprocessor):
    """Marks each citation in the raw body with its 1-based line and column.

    It also leaves registered only the inline patterns this body can use: Python-Markdown tries every
    inline pattern on every run of text, and a body without `\\@` (nearly all) or without citations
    would pay for patterns that cannot match.
    """

    def __init__(self, md: markdown.Markdown, patterns: dict[str, tuple[InlineProcessor, int]]) -> None:
        super().__init__(md)
        self.patterns = patterns  # name -> (pattern, priority)

    def _use_patterns(self, *names: str) -> None:
        registry = self.md.inlinePatterns
        for name, (pattern, priority) in self.patterns.items():
            if name in names and name not in registry:
                registry.register(pattern, name, priority)
            elif name not in names and name in registry:
                registry.deregister(name)

    def run(self, lines: list[str]) -> list[str]:
        self.md._citation_state = _State()  # type: ignore[attr-defined]
        self.md.citation_clusters = []  # type: ignore[attr-defined]
        text = "\n".join(lines)
        # a writer's copy of a token must not pass for one (ASCII text cannot hold one)
        if not text.isascii() and _PRIVATE_CHARS_RE.search(text):
            text = _PRIVATE_CHARS_RE.sub("", text)
        escaped_at = ("citation_escaped_at",) if "\\" in text and "\\@" in text else ()
        candidates = _candidates(text) if "@" in text else []
        kinds = {kind for _, kind, _ in candidates}
        self._use_patterns(
            *escaped_at,
            *(("citation_bracketed",) if "B" in kinds else ()),
            *(("citation_narrative",) if "N" in kinds else ()),
        )
        if not candidates:
            return text.split("\n")
        pieces: list[str] = []
        position = 0
        line = 1
        for offset, kind, length in candidates:
            line += text.count("\n", position, offset)
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
            extra = f":{length}" if kind == "N" else ""
            pieces.append(text[position:offset])
            pieces.append(f"{_MARK_OPEN}{kind}{line}:{col}{extra}{_MARK_CLOSE}")
            position = offset
        pieces.append(text[position:])
        return "".join(pieces).split("\n")


def _unescape(text: str) -> str | None:
    """Undo Python-Markdown's escape placeholders; None if other stashed content (code) is inside."""
    text = _ESCAPED_CHAR_RE.sub(lambda m: chr(int(m.group(1))), text)
    return None if util.STX in text or util.ETX in text else text


class _BracketedCitation(InlineProcessor):
    """`[see @a, p. 4; @b]` -> a parenthetical cluster token."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(f"{_MARK_OPEN}B([0-9]+):([0-9]+){_MARK_CLOSE}\\[", md)

    # InlineProcessor changes Pattern.handleMatch's signature (Python-Markdown's design; its stub ignores the
    # same mismatch), and mypy compares every override with Pattern's too: so here and below.
    def handleMatch(  # type: ignore[override]
            self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:
        close = data.find("]", m.end())
        if close < 0 or "[" in data[m.end() : close]:
            return None, None, None
        content = _unescape(data[m.end() : close])
        items = parse_cluster(content) if content is not None else None
        if not items:
            return None, None, None
        cluster = Cluster(items, False, int(m.group(1)), int(m.group(2)))
        return _state(self.md).add(cluster), m.start(0), close + 1


class _NarrativeCitation(InlineProcessor):
    """`@key` or `@key [p. 12]` in running text -> a narrative cluster token."""

    ANCESTOR_EXCLUDES = ("a",)  # not inside link text

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(f"{_MARK_OPEN}N([0-9]+):([0-9]+):([0-9]+){_MARK_CLOSE}", md)

    def handleMatch(  # type: ignore[override]
            self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:
        # The marker gives the key's length: raw HTML right after a key
        # (`@smith</b>`) must not be read as part of it.
        key_end = m.end() + int(m.group(3))
        match = _NARRATIVE_RE.match(data[m.end() : key_end])
        if match is None or match.end() != key_end - m.end():
            return None, None, None
        locator = _NARRATIVE_LOCATOR_RE.match(data, key_end)
        end = locator.end() if locator else key_end
        item = _narrative_item(match.group("key"), locator.group("locator") if locator else None)
        cluster = Cluster((item,), True, int(m.group(1)), int(m.group(2)))
        return _state(self.md).add(cluster), m.start(0), end


class _EscapedAt(InlineProcessor):
    """`\\@word` is a literal "@word", as in pandoc (Python-Markdown does not escape `@`)."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(r"\\@", md)

    def handleMatch(  # type: ignore[override]
            self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:
        return "@", m.start(0), m.end(0)


# Between numbering and the end of tree processing, tokens spell their number
# in private-use "digits": the toc extension then builds heading ids without
# stray numbers ("results", not "results-3"), and its copy of a heading can be
# told apart and left without the citation.
_HIDDEN_DIGITS = str.maketrans("0123456789", "".join(chr(0xE010 + d) for d in range(10)))
_SHOWN_DIGITS = {chr(0xE010 + d): str(d) for d in range(10)}
_HIDDEN_TOKEN_RE = re.compile(f"{TOKEN_OPEN}([\ue010-\ue019]+){TOKEN_CLOSE}")


def _fixed(text: str, fix: Any) -> str:
    new = fix(text)
    return util.AtomicString(new) if isinstance(text, util.AtomicString) else new


# Both walks visit every text of the document, and nearly none holds a token or a marker: the test is
# written out in each rather than called, since a call per text costs more than the test.


def _walk_text(element: etree.Element, fix: Any) -> None:
    """Apply `fix` to every text and tail under `element` (not its own tail) holding a token or a marker,
    keeping AtomicString (code) atomic. The order of the texts is not the document's (see
    `_walk_text_in_order`)."""
    for node in element.iter():  # runs in C
        text = node.text
        if text and (TOKEN_OPEN in text or _MARK_OPEN in text):
            node.text = _fixed(text, fix)
        tail = node.tail
        if tail and node is not element and (TOKEN_OPEN in tail or _MARK_OPEN in tail):
            node.tail = _fixed(tail, fix)


def _walk_text_in_order(element: etree.Element, fix: Any, in_heading: bool = False) -> bool:
    """`_walk_text` in document order (a child's text and descendants come before its tail), with `fix`
    called as `fix(text, in_heading)`; tokens and markers in attribute values are removed on the way
    (see `_NumberCitations`). Returns whether a text inside a heading was fixed."""
    in_heading = in_heading or element.tag in _HEADING_TAGS
    fixed_in_heading = False
    if element.attrib:
        _drop_from_attributes(element)
    text = element.text
    if text and (TOKEN_OPEN in text or _MARK_OPEN in text):
        element.text = _fixed(text, lambda t: fix(t, in_heading))
        fixed_in_heading = in_heading
    for child in element:
        fixed_in_heading |= _walk_text_in_order(child, fix, in_heading)
        tail = child.tail
        if tail and (TOKEN_OPEN in tail or _MARK_OPEN in tail):
            child.tail = _fixed(tail, lambda t: fix(t, in_heading))
            fixed_in_heading |= in_heading
    return fixed_in_heading


def _drop_from_attributes(element: etree.Element) -> None:
    for name, value in element.attrib.items():
        if value and (TOKEN_OPEN in value or _MARK_OPEN in value):
            element.set(name, _TOKEN_RE.sub("", _STRAY_MARK_RE.sub("", value)))


_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


class _NumberCitations(Treeprocessor):
    """Numbers cluster tokens in document order and removes markers nothing consumed.

    Only tokens in the text are clusters: one that the attr_list extension moved into an attribute
    (`{title="@key"}`) would have nothing to render, so it is removed.

    Tokens in headings get hidden digits until the toc extension has made its ids and copies (see
    `_FinishCitations`); all others get their final form here, so that only headings need a second look.
    """

    def run(self, root: etree.Element) -> None:
        state = _state(self.md)
        order: dict[int, int] = {}

        def fix(text: str, in_heading: bool) -> str:
            def renumber(m: re.Match[str]) -> str:
                provisional = int(m.group(1))
                if provisional not in order:
                    order[provisional] = len(order) + 1
                number = str(order[provisional])
                return f"{TOKEN_OPEN}{number.translate(_HIDDEN_DIGITS) if in_heading else number}{TOKEN_CLOSE}"

            return _TOKEN_RE.sub(renumber, _STRAY_MARK_RE.sub("", text))

        if state.pending:
            state.in_headings = _walk_text_in_order(root, fix)  # numbers follow the document
        self.md.citation_clusters = [  # type: ignore[attr-defined]
            state.pending[provisional - 1] for provisional in order
        ]


def _show(m: re.Match[str]) -> str:
    return TOKEN_OPEN + "".join(_SHOWN_DIGITS[c] for c in m.group(1)) + TOKEN_CLOSE


class _FinishCitations(Treeprocessor):
    """After the toc extension: final tokens in headings, none in the table of contents.

    The toc extension copies headings (and nothing else) into its div, `md.toc` and `md.toc_tokens`, so
    there is nothing to do unless a heading cites (`_StripMarks` cleans `md.toc` on the same condition).
    """

    def run(self, root: etree.Element) -> None:
        if not self.md.citation_clusters or not _state(self.md).in_headings:  # type: ignore[attr-defined]
            return
        for toc in root.iter("div"):
            if "toc" in (toc.get("class") or "").split():
                _walk_text(toc, lambda text: _HIDDEN_TOKEN_RE.sub("", text))
        for tag in sorted(_HEADING_TAGS):
            for heading in root.iter(tag):  # filtered in C
                _walk_text(heading, lambda text: _HIDDEN_TOKEN_RE.sub(_show, text))


def _strip_hidden(value: Any) -> Any:
    if isinstance(value, str):
        return _HIDDEN_TOKEN_RE.sub("", value).strip() if TOKEN_OPEN in value else value
    if isinstance(value, list):
        return [_strip_hidden(v) for v in value]
    if isinstance(value, dict):
        return {k: _strip_hidden(v) for k, v in value.items()}
    return value


class _StripMarks(Postprocessor):
    """Removes markers left in stashed raw HTML (code blocks, HTML blocks) and tokens in `md.toc`."""

    def run(self, text: str) -> str:
        if getattr(self.md, "citation_clusters", None) and _state(self.md).in_headings:
            # the toc extension keeps its own copies of heading text
            for name in ("toc", "toc_tokens"):
                if hasattr(self.md, name):
                    setattr(self.md, name, _strip_hidden(getattr(self.md, name)))
        return _STRAY_MARK_RE.sub("", text) if _MARK_OPEN in text else text


class CitationExtension(Extension):
    """Pandoc-style citations. After `md.convert(body)`, `md.citation_clusters` lists the clusters.

    In the HTML each cluster is the text token "\\ue000N\\ue001" (N = 1-based
    cluster number); `insert_citations` replaces the tokens. `md.reset()`
    clears the clusters, and so does the next `convert()`.
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Register the preprocessor, inline patterns and tree processor."""
        md.registerExtension(self)
        self.md = md
        md.citation_clusters = []  # type: ignore[attr-defined]
        patterns: dict[str, tuple[InlineProcessor, int]] = {
            "citation_escaped_at": (_EscapedAt(md), 179),
            # below backtick (190) and escape (180), above footnotes (175) and links (170, 160)
            "citation_bracketed": (_BracketedCitation(md), 178),
            # below links (160) and reference/image patterns (125-150), above automail (110)
            "citation_narrative": (_NarrativeCitation(md), 115),
        }
        for name, (pattern, priority) in patterns.items():
            md.inlinePatterns.register(pattern, name, priority)
        # before whitespace normalization (30), so columns are the writer's; it registers only the
        # inline patterns each body needs
        md.preprocessors.register(_MarkCitations(md, patterns), "citation_marks", 40)
        # after inline patterns (20) and attribute lists (8, which may move text into attributes),
        # before toc (5)
        md.treeprocessors.register(_NumberCitations(md), "citation_numbers", 7.5)
        md.treeprocessors.register(_FinishCitations(md), "citation_finish", 4)
        md.postprocessors.register(_StripMarks(md), "citation_marks", 1)

    def reset(self) -> None:
        """Forget the clusters of the previous document."""
        md = getattr(self, "md", None)
        if md is not None:
            md.citation_clusters = []
            md._citation_state = _State()


def insert_citations(html: str, rendered: RenderedCitations) -> str:
    """Replace each "\\ue000N\\ue001" token in `html` with `rendered.clusters[N-1]`.

    A token that appears again (a heading copied into a table of contents)
    gets the citation without its `id`, so ids stay unique.
    """
    if TOKEN_OPEN not in html:
        return html
    seen: set[int] = set()

    def replace(m: re.Match[str]) -> str:
        number = int(m.group(1))
        if not 1 <= number <= len(rendered.clusters):
            raise ValueError(
                f"citation token {number} has no rendered cluster "
                f"({len(rendered.clusters)} rendered): render the clusters of this document"
            )
        markup = rendered.clusters[number - 1]
        if number in seen:
            return markup.replace(f' id="cite-{number}"', "", 1)
        seen.add(number)
        return markup

    return _TOKEN_RE.sub(replace, html)
