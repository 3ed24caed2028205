"""Citation and reference integrity: findings only, never printed or raised.

Entry points, all on plain data:

- `check_bibliography(path, entries)` for one list of CSL entries (the shared
  `data/references.yaml`, or an article's `references:`), each with its line;
- `check_own_references(path, own_refs)` for an article's own `references:`
  alone: it depends on that one file, so its findings can be cached with it;
- `check_article_citations(...)` for one article: its clusters against its own
  references and the shared bibliography (it runs `check_own_references` too,
  unless told `check_entries=False` because the caller already has them).

Codes: unknown-citation, uncited-reference, incomplete-reference, untitled-reference,
unknown-reference-type, unplaced-reference-field, reference-field-type,
unsafe-reference-url, malformed-doi, malformed-url, duplicate-reference,
conflicting-reference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from generator.checks.policy import finding
from generator.checks.reference_fields import Positions, check_field_types
from generator.citations import CSL_TYPES, Cluster, unplaced_fields
from generator.diagnostics import Diagnostic, did_you_mean

__all__ = ["check_article_citations", "check_bibliography", "check_own_references"]

_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_AS_URL_RE = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_HTTP_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
_COMMON_TYPES = "article-journal, book, chapter, report, webpage, thesis, motion_picture, speech"
# Type names from other tools (Zotero's internal names, RIS, BibTeX) that writers paste by mistake.
_TYPE_ALIASES = {
    "journal-article": "article-journal", "journalarticle": "article-journal", "article_journal": "article-journal",
    "journal": "article-journal", "book-chapter": "chapter", "booksection": "chapter", "incollection": "chapter",
    "inbook": "chapter", "web-page": "webpage", "website": "webpage", "web": "webpage", "video": "motion_picture",
    "film": "motion_picture", "videorecording": "motion_picture", "dissertation": "thesis",
    "phdthesis": "thesis", "mastersthesis": "thesis", "conference-paper": "paper-conference",
    "inproceedings": "paper-conference", "conferencepaper": "paper-conference", "blogpost": "post-weblog",
    "blog-post": "post-weblog", "magazine-article": "article-magazine", "magazinearticle": "article-magazine",
    "newspaper-article": "article-newspaper", "newspaperarticle": "article-newspaper", "techreport": "report",
    "presentation": "speech", "talk": "speech", "misc": "document",
}


def _entry_name(entry: Mapping, index: int) -> str:
    identifier = entry.get("id")
    return f"'{identifier}'" if identifier not in (None, "") else f"#{index + 1}"


def _check_entry(path: str, entry: Any, line: int, index: int,
                 positions: Positions | None = None) -> list[Diagnostic]:
    if not isinstance(entry, Mapping):
        return [finding("incomplete-reference", path, line, 1,
                        f"reference #{index + 1} is not a set of CSL fields",
                        "write each reference as `- id: ...` followed by `type:`, `title:`, `author:` lines")]
    name = _entry_name(entry, index)
    out = check_field_types(path, entry, line, name, positions)
    if out:
        return out  # the fields below would only repeat what is wrong with these
    if not str(entry.get("id") or "").strip():
        out.append(finding("incomplete-reference", path, line, 1, f"reference {name} has no id",
                           "give it `id: key`, the key you cite it by ([@key])"))
    if not str(entry.get("title") or "").strip():
        out.append(finding("untitled-reference", path, line, 1,
                           f"reference {name} has no title: it is listed as [Untitled]",
                           "add `title:` (APA 9.19)"))
    out += _type_findings(path, entry, line, name)
    out += _link_findings(path, entry, line, name)
    unplaced = unplaced_fields(entry)
    if unplaced:
        fields = ", ".join(f"`{f}`" for f in unplaced)
        out.append(finding("unplaced-reference-field", path, line, 1,
                           f"reference {name} has {fields}, which its APA entry (type "
                           f"'{entry.get('type') or 'none'}') has no place for",
                           "check the entry type (@article, @incollection, @book...), or remove the field"
                           if path.endswith(".bib") else
                           "check the `type:` (a chapter, a report, a book...), or remove the field"))
    return out


def _type_findings(path: str, entry: Mapping, line: int, name: str) -> list[Diagnostic]:
    kind = str(entry.get("type") or "").strip()
    if not kind:
        closest = _closest_type(entry)
        if path.endswith(".bib"):
            words, bibtex = _BIBTEX_TYPES.get(closest, ("", ""))
            hint = (f"if it is {words}, write it as @{bibtex}{{...}}" if bibtex else
                    "give it an entry type such as @article, @book, @incollection or @online") + \
                " (BibTeX's @misc has no CSL type)"
        else:
            hint = f"write `type: {closest}` if that is what it is (other CSL types: {_COMMON_TYPES})"
        return [finding("unknown-reference-type", path, line, 1,
                        f"reference {name} has no type: it is shown as pandoc shows an untyped work", hint)]
    if kind not in CSL_TYPES:
        return [finding("unknown-reference-type", path, line, 1,
                        f"reference {name} has the unknown CSL type '{kind}'", _type_hint(kind))]
    return []


# The BibTeX entry type pandoc reads as each CSL type, for hints about a .bib file.
_BIBTEX_TYPES = {"article-journal": ("a journal article", "article"),
                 "chapter": ("a chapter of an edited book", "incollection"), "thesis": ("a thesis", "phdthesis"),
                 "book": ("a book", "book"), "webpage": ("a web page", "online")}


def _closest_type(entry: Mapping) -> str:
    """The CSL type an untyped entry's fields point to (BibTeX's @misc comes without one)."""
    def has(field: str) -> bool:
        return bool(str(entry.get(field) or "").strip())

    if has("container-title"):
        return "article-journal" if has("volume") or has("issue") else "chapter"
    if "thesis" in str(entry.get("genre") or "").lower():
        return "thesis"
    if has("publisher"):
        return "book"
    return "webpage" if has("URL") else "document"


def _link_findings(path: str, entry: Mapping, line: int, name: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    doi = entry.get("DOI", entry.get("doi"))
    if doi not in (None, ""):
        text = str(doi).strip()
        if _DOI_AS_URL_RE.match(text):
            bare = _DOI_AS_URL_RE.sub("", text)
            out.append(finding("malformed-doi", path, line, 1,
                               f"the DOI of reference {name} is written as a link ('{text}')",
                               f"keep only the 10.xxx part: `DOI: {bare}`"))
        elif not _DOI_RE.match(text):
            out.append(finding("malformed-doi", path, line, 1,
                               f"the DOI of reference {name} does not look like a DOI ('{text}')",
                               "a DOI is '10.', a 4-9 digit registrant code, '/', and a suffix, "
                               "e.g. 10.1037/h0045357"))
    url = entry.get("URL", entry.get("url"))
    if url not in (None, "") and not _HTTP_URL_RE.match(str(url).strip()):
        out.append(finding("malformed-url", path, line, 1,
                           f"the URL of reference {name} is not an http(s) address ('{url}')",
                           "write the full address, starting with https://"))
    return out


def _type_hint(kind: str) -> str:
    alias = _TYPE_ALIASES.get(kind.lower())
    if alias:
        return f"the CSL name is '{alias}'"
    return did_you_mean(kind, CSL_TYPES) or f"use a CSL type such as {_COMMON_TYPES}"


def check_bibliography(path: str, entries: Sequence[tuple[Any, ...]]) -> list[Diagnostic]:
    """Check one list of CSL entries, given as (entry, 1-based line) pairs, or (entry, line, positions)
    where the loader knows the line and column of each field.

    Reports fields of the wrong kind (errors), entries without an id, unknown or missing types,
    fields the entry has no place for, malformed DOIs and URLs, and ids used twice in the list.
    """
    out: list[Diagnostic] = []
    first_line: dict[str, int] = {}
    for index, (entry, line, *rest) in enumerate(entries):
        out += _check_entry(path, entry, line, index, rest[0] if rest else None)
        if not isinstance(entry, Mapping) or entry.get("id") in (None, ""):
            continue
        identifier = str(entry["id"]).strip()
        if identifier in first_line:
            out.append(finding("duplicate-reference", path, line, 1,
                               f"reference id '{identifier}' is already used at line {first_line[identifier]}",
                               "give each entry its own id, or remove the copy"))
        else:
            first_line[identifier] = line
    return out


def _comparable(value: Any) -> Any:
    """CSL data reduced to what it means: YAML `63` and JSON `"63"` compare equal, empty fields vanish."""
    if isinstance(value, Mapping):
        reduced = {str(k): _comparable(v) for k, v in value.items()}
        return {k: v for k, v in reduced.items() if v not in (None, "", (), {})}
    if isinstance(value, (list, tuple)):
        return tuple(_comparable(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None:
        return None
    return str(value).strip()


def check_own_references(path: str, own_refs: Sequence[tuple[Any, int]]) -> list[Diagnostic]:
    """Check an article's own `references:` entries, given as (entry, file line) pairs, on their own.

    Incomplete entries, unknown types, malformed DOIs and URLs, and ids used
    twice in the list: everything that needs no other file. The findings are
    those `check_article_citations` gives first (with `check_entries=True`).
    """
    return check_bibliography(path, own_refs)


def check_article_citations(
    path: str,
    body_first_line: int,
    clusters: Sequence[Cluster],
    own_refs: Sequence[tuple[Any, int]],
    shared: Mapping[str, tuple[Mapping, str, int]],
    *,
    check_entries: bool = True,
) -> list[Diagnostic]:
    """Check one article's citations against its own references and the shared bibliography.

    `clusters` come from the Markdown extension (lines relative to the body,
    which starts at file line `body_first_line`); `own_refs` are the article's
    `references:` entries with their file lines; `shared` maps id -> (entry,
    file path, line) as `load_bibliography` returns it.

    With `check_entries=False` the entries themselves are not checked (see
    `check_own_references`, which a caller may run once per file and cache):
    only what needs the clusters or the shared bibliography is reported.
    """
    out = check_own_references(path, own_refs) if check_entries else []
    own: dict[str, tuple[Mapping, int]] = {}
    for entry, line in own_refs:
        if isinstance(entry, Mapping) and entry.get("id") not in (None, ""):
            own.setdefault(str(entry["id"]).strip(), (entry, line))

    known = set(own) | set(shared)
    cited: set[str] = set()
    for cluster in clusters:
        reported: set[str] = set()
        for item in cluster.items:
            cited.add(item.key)
            if item.key in known or item.key in reported:
                continue
            reported.add(item.key)
            out.append(finding(
                "unknown-citation", path, body_first_line + cluster.line - 1, cluster.col,
                f"unknown citation key '@{item.key}'",
                did_you_mean(item.key, known)
                or f"add an entry with `id: {item.key}` to the article's `references:` or to data/references.yaml",
            ))

    for identifier, (entry, line) in own.items():
        if identifier not in cited:
            out.append(finding("uncited-reference", path, line, 1,
                               f"reference '{identifier}' is never cited in this article",
                               f"cite it in the text as [@{identifier}], or remove it from `references:`"))
        if identifier in shared:
            shared_entry, shared_path, shared_line = shared[identifier]
            if _comparable(entry) != _comparable(shared_entry):
                out.append(finding(
                    "conflicting-reference", path, line, 1,
                    f"reference '{identifier}' at {path}:{line} differs from the entry with the same id "
                    f"at {shared_path}:{shared_line}",
                    "delete this copy to use the shared entry, or give it a different id",
                ))
    return out
