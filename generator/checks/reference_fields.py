"""CSL fields typed at the boundary: each field of a reference is the kind of value CSL expects.

A title written as a mapping, a date Haven cannot read, a list where one line of text belongs: each
is an error at the field's file:line:col in the writer's words, before anything reaches a page.
URLs in references go through one scheme policy (`reference_url_problem`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic
from generator.urlpolicy import examine

__all__ = ["Positions", "check_field_types", "reference_url_problem"]

# field -> (1-based line, 1-based column) of its value, where the loader knows it
Positions = Mapping[str, tuple[int, int]]

NAME_FIELDS = frozenset([
    "author", "editor", "translator", "director", "interviewer", "recipient", "container-author", "collection-editor",
    "composer", "illustrator", "original-author", "reviewed-author", "editorial-director", "chair", "compiler",
    "contributor", "curator", "executive-producer", "guest", "host", "narrator", "organizer", "performer", "producer",
    "script-writer", "series-creator",
])
DATE_FIELDS = frozenset(["issued", "accessed", "original-date", "event-date", "submitted", "available-date"])
NUMBER_FIELDS = frozenset([
    "volume", "issue", "page", "edition", "number", "chapter-number", "collection-number", "number-of-pages",
    "number-of-volumes", "version", "citation-number", "first-reference-note-number", "part-number",
])
TEXT_FIELDS = frozenset([
    "id", "type", "title", "title-short", "container-title", "container-title-short", "collection-title", "publisher",
    "publisher-place", "genre", "medium", "archive", "archive_location", "archive-place", "event", "event-title",
    "event-place", "note", "abstract", "status", "language", "source", "URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID",
    "call-number", "dimensions", "original-title", "original-publisher", "original-publisher-place", "section",
    "annote", "keyword", "license", "references", "scale", "authority", "jurisdiction", "division",
])

_NAME_PARTS = frozenset([
    "family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle", "comma-suffix",
    "static-ordering", "parse-names",
])
_ISO_DATE_RE = re.compile(r"^-?\d{1,4}(?:-(?:0?[1-9]|1[0-2])(?:-(?:0?[1-9]|[12]\d|3[01]))?)?$")
_DATE_HINT = "write a date such as 2025-03-14, 2025-03 or 2025 (or date-parts [[2025, 3, 14]])"


def reference_url_problem(url: str) -> str | None:
    """Why a reference URL may not be published, or None: the URL policy of issue 11.

    Allowed: relative addresses and the http(s), mailto, tel and sms schemes, read as a browser reads
    them (generator.urlpolicy, the one policy for every address in every file).
    """
    found = examine(url)
    if not found.problem:
        return None
    if found.scheme:
        return f"the address uses the '{found.scheme}:' scheme, which Haven never publishes"
    return f"the address cannot be published: {found.problem}"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _date_part(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _valid_parts(parts: Any) -> bool:
    if not isinstance(parts, list) or not parts or len(parts) > 2:
        return False
    for one in parts:
        if not isinstance(one, list) or not 1 <= len(one) <= 3:
            return False
        numbers = [number for number in map(_date_part, one) if number is not None]
        if len(numbers) != len(one):   # a part that is not a whole number
            return False
        if len(numbers) > 1 and not 1 <= numbers[1] <= 12 and not 21 <= numbers[1] <= 24:  # 21-24: seasons
            return False
        if len(numbers) > 2 and not 1 <= numbers[2] <= 31:
            return False
    return True


def _date_text_ok(text: str) -> bool:
    text = text.strip()
    if text.lower() in ("in press", "forthcoming", ""):
        return True
    return all(_ISO_DATE_RE.match(part.strip()) for part in text.split("/", 1))


def _date_problem(value: Any) -> str | None:
    if isinstance(value, (date, datetime)) or value is None:
        return None
    if isinstance(value, bool):
        return "is true or false, not a date"
    if isinstance(value, int):
        return None if 0 < value < 10000 else f"is {value}, not a year"
    if isinstance(value, str):
        return None if _date_text_ok(value) else f"is '{value}', not a date Haven can read"
    if isinstance(value, Mapping):
        if "date-parts" in value:
            return None if value["date-parts"] == [] or _valid_parts(value["date-parts"]) else (
                "has `date-parts` that are not [[year, month, day]] numbers")
        if isinstance(value.get("literal"), str):
            return None  # a date given as words on purpose ("circa 1900")
        raw = value.get("raw")
        if isinstance(raw, str):
            return None if _date_text_ok(raw) else f"is '{raw}', not a date Haven can read"
        if "year" in value and _date_part(value["year"]) is not None:
            return None
        return "is a set of fields without `date-parts`"
    return "is a list, not a date"


def _names_problem(value: Any) -> str | None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            continue
        if not isinstance(item, Mapping):
            return "holds something that is neither a name nor `family:`/`given:` fields"
        for part, text in item.items():
            if part not in _NAME_PARTS:
                continue  # Crossref and Zotero add `affiliation`, `ORCID`...: ignored, as pandoc ignores them
            if not (_is_text(text) or text is None or (part in ("parse-names", "static-ordering", "comma-suffix")
                                                       and isinstance(text, bool))):
                return f"has a name whose `{part}` is not text"
    return None


def _text_problem(value: Any) -> str | None:
    if _is_text(value) or value is None:
        return None
    if isinstance(value, bool):
        return "is true or false, not text"
    return "is a set of fields, not text" if isinstance(value, Mapping) else "is a list, not one line of text"


_CHECKS: dict[str, tuple[Callable[[Any], str | None], str]] = {}
for _field in NAME_FIELDS:
    _CHECKS[_field] = (_names_problem, "write a list of names, each with a family and a given name "
                                       "(Rogers, Carl R.), or a literal name for an organization")
for _field in DATE_FIELDS:
    _CHECKS[_field] = (_date_problem, _DATE_HINT)
for _field in NUMBER_FIELDS | TEXT_FIELDS:
    _CHECKS[_field] = (_text_problem, "write the value as plain text on one line")


def check_field_types(path: str, entry: Mapping, line: int, name: str,
                      positions: Positions | None = None) -> list[Diagnostic]:
    """Errors for the CSL fields of one reference whose values are of the wrong kind, and bad URLs."""
    out: list[Diagnostic] = []
    for field, value in entry.items():
        check = _CHECKS.get(field) if isinstance(field, str) else None
        if check is None:
            continue  # not a CSL field (Zotero and pandoc write others): ignored, as pandoc does
        problem = check[0](value)
        at_line, at_col = (positions or {}).get(field, (line, 1))
        if problem is not None:
            out.append(finding("reference-field-type", path, at_line, at_col,
                               f"the `{field}` of reference {name} {problem}", check[1]))
        elif field in ("URL", "url", "DOI") and isinstance(value, str):
            unsafe = reference_url_problem(value)
            if unsafe:
                out.append(finding("unsafe-reference-url", path, at_line, at_col,
                                   f"the `{field}` of reference {name}: {unsafe}",
                                   "link to an http(s) address (or mailto:, tel:, sms:), or remove the field"))
    return out

