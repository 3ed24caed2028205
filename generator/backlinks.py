"""Reference-list furniture for readers: where each citation sits, in words ("Cited in: Why it
matters") instead of bare numbers, and addresses (DOIs, URLs) that break at slashes and dots on a
narrow phone instead of mid-word. Reads HTML our own converter and citation formatter wrote."""

from __future__ import annotations

import html
import re

# `id="` first, so the regex engine skips to each id at C speed: a section heading (`<h2 id="...">`, the
# look-behind) or a citation's anchor
_MARK_RE = re.compile(r'id="(?:cite-(?P<cite>\d+)"|(?<=<h2 id=")(?P<heading>[^"]+)">(?P<text>.*?)</h2>)', re.S)
_TAG_RE = re.compile(r"<[^>]+>")
_SHOWN_ADDRESS_RE = re.compile(r'(<a href="[^"]*">)(https?://[^<]+)(</a>)')
_SLASH_RE = re.compile(r"/(?=.)")
_DOT_RE = re.compile(r"(?<=\w)\.(?=\w)")


def address_break_points(entry_html: str) -> str:
    """`entry_html` with a <wbr> after each slash and before each dot of a link that shows its own
    address (https://doi.org/<wbr>10<wbr>.1037/<wbr>pst0000175): a narrow screen breaks it there, the
    way style guides break URLs, and nowhere else. The text and the link target are unchanged."""
    def soften(match: re.Match[str]) -> str:
        scheme, _, rest = match.group(2).partition("://")
        rest = _DOT_RE.sub("<wbr>.", _SLASH_RE.sub("/<wbr>", rest))
        return f"{match.group(1)}{scheme}://{rest}{match.group(3)}"
    return _SHOWN_ADDRESS_RE.sub(soften, entry_html)


def citation_sections(body_html: str, intro: str = "the introduction") -> dict[int, tuple[str, str]]:
    """Citation number -> (id of the section it sits in, that section's title); citations before the
    first section heading sit in `intro` (id "")."""
    where: dict[int, tuple[str, str]] = {}
    section = ("", intro)
    for match in _MARK_RE.finditer(body_html):
        if match.group("heading"):
            section = (match.group("heading"), html.unescape(_TAG_RE.sub("", match.group("text"))).strip())
        else:
            where[int(match.group("cite"))] = section
    return where


def backlink_labels(cited_by: tuple[int, ...], sections: dict[int, tuple[str, str]]) -> list[tuple[int, str]]:
    """(citation number, link text) for each place a reference is cited: the section's title, numbered
    only when the reference is cited more than once in that section ("Why it matters, 2nd mention")."""
    titles = [sections.get(n, ("", "the text"))[1] for n in cited_by]
    seen: dict[str, int] = {}
    labels = []
    for n, title in zip(cited_by, titles, strict=True):
        seen[title] = seen.get(title, 0) + 1
        repeats = titles.count(title) > 1
        labels.append((n, f"{title}, {_ordinal(seen[title])} mention" if repeats else title))
    return labels


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
