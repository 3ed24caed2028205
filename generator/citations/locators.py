"""Locators after a citation key: "p. 12", "pp. 3-5", "chap. 2" (APA 8.13), as pandoc reads them."""

from __future__ import annotations

import re
from functools import lru_cache

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
