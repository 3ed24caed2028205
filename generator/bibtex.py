"""BibTeX bibliographies (`data/references.bib`) read into the CSL fields pandoc's own conversion gives.

Parsed with bibtexparser 2 (maintained, pure Python, and it keeps the line of every entry, field and
failed block, so each finding points at its line); LaTeX is decoded with pylatexenc, which
bibtexparser itself depends on. The conversion follows `pandoc -f bibtex -t csljson`: entry types
(`@misc` has the empty type), `and others`, braces protecting case, English titles set in sentence
case, month macros, `--` in pages. `tests/test_realbib.py` checks it against pandoc on real files.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock
from pylatexenc.latex2text import LatexNodes2Text

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic

__all__ = ["LoadedEntry", "read_bibtex"]

# One entry as every bibliography reader gives it: the CSL item as read (not yet checked), its 1-based
# line, and each CSL field -> the (line, column) of its value, for findings about the field.
LoadedEntry = tuple[Any, int, dict[str, tuple[int, int]]]

_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "manual": "book",
    "mastersthesis": "thesis", "phdthesis": "thesis", "misc": "", "online": "webpage", "electronic": "webpage",
    "www": "webpage", "proceedings": "book", "techreport": "report", "report": "report", "unpublished": "manuscript",
    "periodical": "article-journal", "thesis": "thesis", "collection": "book", "mvbook": "book", "reference": "book",
    "inreference": "entry-encyclopedia", "movie": "motion_picture", "video": "motion_picture", "dataset": "dataset",
    "software": "software", "patent": "patent", "standard": "legislation", "mvcollection": "book",
    "suppbook": "chapter", "bookinbook": "chapter", "mvproceedings": "book", "mvreference": "book",
    "suppcollection": "chapter", "suppperiodical": "article-journal", "artwork": "graphic", "image": "graphic",
    "audio": "song", "music": "song", "commentary": "book", "jurisdiction": "legal_case",
    "legislation": "legislation", "legal": "treaty", "letter": "personal_communication",
    "letters": "personal_communication", "performance": "speech", "review": "review", "data": "dataset",
    "newsarticle": "article-newspaper",
}  # pandoc's own table; anything else (`@conference` too) becomes the empty type, as pandoc gives it
_ISSUE_TYPES = frozenset(["article-journal", "article-magazine", "article-newspaper", "review"])
_ARTICLE_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
_SUBTITLE_RE = re.compile(r":+\s")
_SERIES_NUMBER_KINDS = frozenset([
    "book", "inbook", "incollection", "inproceedings", "conference", "proceedings", "collection", "mvbook",
    "mvcollection",
])
_THESIS_GENRES = {"mastersthesis": "Master’s thesis", "phdthesis": "PhD thesis"}
_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_PLAIN_FIELDS = {
    "volume": "volume", "edition": "edition", "chapter": "chapter-number", "doi": "DOI", "note": "note",
    "issn": "ISSN", "isbn": "ISBN", "abstract": "abstract", "keywords": "keyword", "language": "language",
    "address": "publisher-place", "location": "publisher-place", "url": "URL",
}
_URL_COMMAND_RE = re.compile(r"\\url\{([^{}]*)\}")
_TYPOGRAPHIC_SINGLE_RE = re.compile(r"‘([^‘’]*)’")
_SINGLE_QUOTED_RE = re.compile(r"(?<!`)`(?!`)([^`']+)'(?!')")
_ITALIC_COMMAND_RE = re.compile(r"\\(?:emph|textit|textsl|mkbibemph|mkbibitalic)\{([^{}]*)\}")
_EDTF_RE = re.compile(r"^(-?)(\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?([~?%]*)$")  # biblatex dates
_DECODER = LatexNodes2Text()
_GROUP_RE = re.compile("\ue000(\\d+)\ue001")  # a protected {group} while a title is sentence-cased
# commands that only set the font or keep a line together: their text stays (pylatexenc drops it)
_PLAIN_COMMAND_RE = re.compile(r"\\(?:textup|textnormal|textrm|textmd|mbox|hbox)\s*(?=\{)")
# bibtexparser logs each block it cannot read; Haven reports those blocks itself, at their line.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False
_YEAR_WORDS = ("in press", "forthcoming", "n.d.", "nd")


def _decode(raw: str) -> str:
    """LaTeX to Unicode text: accents, `\\&`, dashes, quotes; \\emph becomes <i> (Haven's rich text)."""
    raw = _URL_COMMAND_RE.sub(lambda m: m.group(1).replace("%", "\\%"), raw)
    raw = _PLAIN_COMMAND_RE.sub("", raw)
    raw = _SINGLE_QUOTED_RE.sub(r"“\1”", raw)  # `word' is quoted: pandoc gives it double quotes at the top level
    raw = _ITALIC_COMMAND_RE.sub(r"<i>\1</i>", raw)
    text = _DECODER.latex_to_text(raw) if ("\\" in raw or "{" in raw or "-" in raw or "`" in raw
                                           or "'" in raw or "~" in raw or "$" in raw) else raw
    text = _TYPOGRAPHIC_SINGLE_RE.sub(r"“\1”", text)  # ‘quoted’ at the top level: double, as pandoc sets it
    return re.sub(r"\s+", " ", text.replace("'", "’")).strip()


def _protect(raw: str) -> tuple[str, list[str]]:
    """Replace each top-level `{...}` group (not an accent such as `{\\"o}`) with a placeholder."""
    out: list[str] = []
    groups: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(raw):
        if char == "{":
            if depth == 0:
                start = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                group = raw[start : index + 1]
                if group.startswith("{\\"):
                    out.append(group)
                else:
                    out.append(f"\ue000{len(groups)}\ue001")
                    groups.append(group[1:-1])
        elif depth == 0:
            out.append(char)
    if depth:  # an unbalanced brace: keep the text as written
        return raw, []
    return "".join(out), groups


def _sentence_case(raw: str) -> str:
    """pandoc's un-title-casing of English BibTeX titles: words with one leading capital are lowered,
    protected and mixed-case words kept; a word opening the title, or following ". ? ! :" with more
    words after it, gets a capital ("Behavioral Study: the Case" -> "Behavioral study: The case")."""
    masked, groups = _protect(_PLAIN_COMMAND_RE.sub("{", raw))
    words = re.split(r"(\s+)", masked)
    indexes = [i for i, word in enumerate(words) if word and not word.isspace()]
    for position, index in enumerate(indexes):
        previous = _GROUP_RE.sub(lambda m: groups[int(m.group(1))], words[indexes[position - 1]]) if position else ""
        opens = position == 0 or (previous.endswith((":", ".", "?", "!")) and position < len(indexes) - 1)
        # "Test-Retest", "Brainomics/Localizer", "Trans-{Tasman}": each part on its own, protected ones kept
        parts = [part if "\ue000" in part else _lowered(part) for part in re.split(r"([-/])", words[index])]
        if opens and "\ue000" not in parts[0]:
            parts[0] = _capitalized(parts[0])
        words[index] = "".join(parts)
    text = "".join(words)
    for number, group in enumerate(groups):
        text = text.replace(f"\ue000{number}\ue001", "{" + group + "}")  # braces kept: `\\textsl{...}` too
    return _decode(text)


def _lowered(part: str) -> str:
    """ "Psychology" -> "psychology"; "IRB", "McShane", "ii", and words with digits ("N3", "T2*", "2D")
    are left alone, as pandoc leaves them."""
    letters = [c for c in part if c.isalpha()]
    if (not letters or not letters[0].isupper() or any(c.isupper() for c in letters[1:])
            or any(c.isdigit() for c in part)):
        return part
    first = next(i for i, c in enumerate(part) if c.isalpha())
    return part[:first] + part[first].lower() + part[first + 1 :]


def _capitalized(part: str) -> str:
    """ "the" -> "The" at a title's start; "viSNE", "fMRI" and "v0.7.1" are kept, as pandoc keeps them."""
    first = next((i for i, c in enumerate(part) if c.isalpha()), None)
    if (first is None or "\\" in part[:first + 1] or any(c.isupper() for c in part)
            or any(c.isdigit() for c in part)):
        return part
    return part[:first] + part[first].upper() + part[first + 1 :]


def _names(raw: str) -> list[dict[str, str]]:
    """BibTeX names ("Last, First and {Group Name} and others") as CSL names, as pandoc gives them."""
    names: list[dict[str, str]] = []
    for written in split_multiple_persons_names(raw):
        written = written.strip()
        if written == "others":
            names.append({"literal": "others"})
            continue
        if written.startswith("{") and written.endswith("}") and _protect(written)[0].startswith("\ue000"):
            names.append({"literal": _decode(written[1:-1])})
            continue
        parts = parse_single_name_into_parts(written, strict=False)
        first, von, family = _name_parts(written, parts.first, parts.von, parts.last)
        # "E.R." -> "E. R.", "A.B.C" -> "A. B. C"; "G.Andrew" stays, as pandoc spaces only initials
        given = re.sub(r"\.(?=[^\W\d_](?:\.|$|\s))", ". ", _decode(" ".join(first)))
        name = {"family": _decode(" ".join(family)), "given": given}
        if von:
            name["dropping-particle"] = _decode(" ".join(von))
        if parts.jr:
            name["suffix"] = _decode(" ".join(parts.jr))
        names.append({k: v for k, v in name.items() if v})
    return names


_Parts = tuple[list[str], list[str], list[str]]  # given names, particle, family name: words as written


def _name_parts(written: str, first: list[str], von: list[str], last: list[str]) -> _Parts:
    """pandoc's split of "Last, First" names where it differs from BibTeX's: the particle is only the
    lower-case words that open the name ("Visconti di Oleggio Castello" is all family name), and
    lower-case words closing the given names are the particle ("Elzen, Antonia van den")."""
    if "," not in _protect(written)[0]:
        return first, von, last
    if von and not von[0].lstrip("’'`{")[:1].islower():
        last, von = von + last, []
    trailing = 0
    while trailing < len(first) - 1 and first[-1 - trailing][:1].islower():
        trailing += 1
    if trailing and not von:
        first, von = first[: len(first) - trailing], first[len(first) - trailing :]
    return first, von, last


def _issued(fields: dict[str, str]) -> dict[str, Any]:
    """`year` and `month` (BibTeX), or biblatex's ISO `date` ("2013-12-10", "2001/2003")."""
    year = fields.get("year", "").strip()
    if not year and fields.get("date", "").strip():
        return _date_range(fields["date"])
    if not year.isdigit():
        return {"date-parts": []} if year else {}
    parts = [int(year)]
    month = fields.get("month", "").strip().lower()
    number = _MONTHS.get(month[:3]) if month[:3] in _MONTHS and month.isalpha() else (
        int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    if number:
        parts.append(number)
        day = fields.get("day", "").strip()
        if day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


def _date_range(value: str) -> dict[str, Any]:
    """biblatex's ISO 8601 `date` as pandoc reads it: "2001/2003", an open range "2015/" (end [0]),
    "-3000~" (circa 3001 B.C.E.: year 0 is 1 B.C.E.)."""
    start, slash, end = value.strip().partition("/")
    first = _edtf(start)
    last = ((([0], False) if not end.strip() else _edtf(end)) if slash else None)
    if first is None or (slash and last is None):
        return {"date-parts": []}
    out: dict[str, Any] = {"date-parts": [first[0]] + ([last[0]] if last else [])}
    if first[1]:
        out["circa"] = True
    return out


def _edtf(text: str) -> tuple[list[int], bool] | None:
    match = _EDTF_RE.match(text.strip())
    if not match:
        accessed = _accessed(text)
        return (accessed["date-parts"][0], False) if accessed else None
    sign, year, month, day, qualifier = match.groups()
    parts = [-int(year) - 1 if sign else int(year)] + [int(p) for p in (month, day) if p]
    return parts, "~" in qualifier  # pandoc reads "~" as circa; "?" and "%" as no qualifier


def _accessed(value: str) -> dict[str, Any] | None:
    # "2018-08-08", and what Zotero writes as "2018-08-08TZ" or with a time: pandoc reads the date part
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?![\d-])", value.strip())
    if not match:
        return None
    return {"date-parts": [[int(part) for part in match.groups() if part]]}


def _convert(entry_type: str, key: str, fields: dict[str, str]) -> dict[str, Any]:
    """One BibTeX entry as the CSL item pandoc makes of it."""
    kind = entry_type.lower()
    item: dict[str, Any] = {"id": key, "type": _type(kind, fields)}
    for bib, csl in (("author", "author"), ("editor", "editor")):
        if fields.get(bib, "").strip():
            item[csl] = _names(fields[bib])
    _titles(kind, fields, item)
    for bib, csl in _PLAIN_FIELDS.items():
        if bib in fields and csl not in item:
            # URLs and DOIs are verbatim in BibTeX (a "%2F" is no LaTeX comment), as pandoc reads them;
            # a field left empty ({}) is an empty value, as pandoc gives it
            item[csl] = fields[bib].lstrip() if csl in ("URL", "DOI") else _decode(fields[bib])
    if "series" in fields:
        item["collection-title"] = _sentence_case(fields["series"])
    publishers = [_decode(fields[f]) for f in ("school", "institution", "organization", "howpublished", "publisher")
                  if f in fields]
    if publishers:
        item["publisher"] = "; ".join(p for p in publishers if p)
    if "number" in fields:
        # BibTeX's number: an article's issue, a book's number in its series, or a report's number
        target = "issue" if item["type"] in _ISSUE_TYPES else (
            "collection-number" if kind in _SERIES_NUMBER_KINDS else "number")
        item[target] = _decode(fields["number"])
    if "pages" in fields:  # "--" and "–" become "-", spaces stay, as pandoc gives them
        item["page"] = re.sub(r"-{2,3}|[–—]", "-", fields["pages"].strip())
    genre = fields.get("type", "").strip()
    if genre or kind in _THESIS_GENRES:  # pandoc gives `type` as written, straight apostrophes and all
        item["genre"] = _decode(genre).replace("’", "'") if genre else _THESIS_GENRES[kind]
    issued = _issued(fields)
    if issued:
        item["issued"] = issued
    accessed = _accessed(fields.get("urldate", ""))
    if accessed:
        item["accessed"] = accessed
    return item


def _type(kind: str, fields: dict[str, str]) -> str:
    """pandoc's CSL type: its table, a magazine or newspaper `entrysubtype`, an unpublished talk."""
    if kind == "article":
        return _ARTICLE_SUBTYPES.get(fields.get("entrysubtype", "").strip().lower(), "article-journal")
    if kind == "unpublished" and any(f in fields for f in ("eventtitle", "eventdate", "venue")):
        return "speech"
    return _TYPES.get(kind, "")


def _joined(*parts: str) -> str:
    """Title, subtitle and title addon as pandoc joins them: "Title: Subtitle. Addon" (no colon after
    a title that ends in ? or !)."""
    out = ""
    for separator, part in zip(("", ":", "."), parts, strict=False):
        if part:
            out = part if not out else out + ("" if out.endswith(("?", "!", ".", ":")) else separator) + " " + part
    return out


def _titles(kind: str, fields: dict[str, str], item: dict[str, Any]) -> None:
    """title (with biblatex's subtitle and titleaddon), container-title and title-short."""
    if "title" in fields:
        # a periodical's `issuetitle` (a special issue) is its title, as pandoc reads it
        main = _sentence_case(fields["issuetitle" if kind == "periodical" and "issuetitle" in fields else "title"])
        item["title"] = _joined(main, *(_sentence_case(fields.get(f, "")) for f in ("subtitle", "titleaddon")))
        if kind == "periodical":
            item["container-title"] = _decode(fields["title"])
        short = fields.get("shorttitle")
        if short is not None:
            item["title-short"] = _sentence_case(short)
        elif _SUBTITLE_RE.search(_protect(fields["title"])[0]):  # the main title, split at a colon outside braces
            item["title-short"] = _SUBTITLE_RE.split(main, 1)[0]
        elif fields.get("subtitle", "").strip() or fields.get("titleaddon", "").strip():
            item["title-short"] = main
    if "booktitle" in fields:
        item["container-title"] = _joined(*(_sentence_case(fields.get(f, ""))
                                            for f in ("booktitle", "booksubtitle", "booktitleaddon")))
    for journal in ("journaltitle", "journal"):
        if journal in fields and "container-title" not in item:
            item["container-title"] = _joined(_decode(fields[journal]), _decode(fields.get("journalsubtitle", "")))


# BibTeX field -> the CSL field it becomes, so that findings about a CSL field point at its BibTeX line.
_CSL_NAME = {**_PLAIN_FIELDS, "year": "issued", "month": "issued", "day": "issued", "date": "issued",
             "urldate": "accessed", "journal": "container-title", "journaltitle": "container-title",
             "subtitle": "title", "titleaddon": "title", "howpublished": "publisher",
             "booktitle": "container-title", "series": "collection-title", "pages": "page", "type": "genre",
             "shorttitle": "title-short", "school": "publisher", "institution": "publisher",
             "organization": "publisher"}


def read_bibtex(text: str, path: str) -> tuple[list[LoadedEntry], list[Diagnostic]]:
    """The entries of a BibTeX file as (CSL item, 1-based line, field positions) and the findings:
    blocks that cannot be read, keys used twice, years that are not years."""
    library = bibtexparser.parse_string(text)
    findings = [_failed_block(block, path) for block in library.failed_blocks]
    entries: list[LoadedEntry] = []
    for entry in library.entries:
        line = (entry.start_line or 0) + 1   # None only for blocks built in code, not parsed
        fields = {field.key.lower(): str(field.value) for field in entry.fields}
        positions = {_CSL_NAME.get(f.key.lower(), f.key.lower()): ((f.start_line or entry.start_line or 0) + 1, 1)
                     for f in entry.fields}
        year = fields.get("year", "").strip()
        if year and not year.isdigit() and year.lower() not in _YEAR_WORDS:
            findings.append(finding("reference-field-type", path, positions.get("issued", (line, 1))[0], 1,
                                    f"the `year` of reference '{entry.key}' is '{year}', not a year",
                                    "write the year in digits, e.g. year = {2021}, or year = {in press}"))
        findings += _name_list_findings(entry.key, fields, positions, path)
        try:
            entries.append((_convert(entry.entry_type, entry.key, fields), line, positions))
        except RecursionError:
            findings.append(finding("bibliography-syntax", path, line, 1,
                                    f"the entry '{entry.key}' nests braces or LaTeX commands too deeply to be read",
                                    "write the field as plain text: a few braces to protect capitals are enough"))
    return entries, findings


_EMPTY_NAME_RE = re.compile(r"^\s*and\s|\sand\s*$|\sand\s+and\s", re.IGNORECASE)


def _name_list_findings(key: str, fields: dict[str, str], positions: dict[str, tuple[int, int]],
                        path: str) -> list[Diagnostic]:
    """ "Stegle, Oliver and Fabian J. Theis and": a name list with an empty place makes a person named
    "and" (pandoc reads it so too); the writer meant one `and` fewer."""
    return [finding("reference-name-list", path, positions.get(field, (1, 1))[0], 1,
                    f"the `{field}` list of reference '{key}' has an `and` with no name on one side",
                    "remove the extra `and` (names are separated by one `and`, with none at the start or end)")
            for field in ("author", "editor") if _EMPTY_NAME_RE.search(" " + fields.get(field, "") + " ")]


def _failed_block(block: Any, path: str) -> Diagnostic:
    line = (block.start_line or 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        first = (block.previous_block.start_line or 0) + 1
        return finding("duplicate-reference", path, line, 1,
                       f"reference id '{block.key}' is already used at line {first}",
                       "give each entry its own key, or remove the copy")
    if isinstance(block, DuplicateFieldKeyBlock):
        return finding("bibliography-syntax", path, line, 1, "an entry sets the same field twice",
                       "keep one of the two lines for that field")
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    first_line = (reason.strip().splitlines() or ["the block could not be read"])[0]
    return finding("bibliography-syntax", path, line, 1,
                   f"BibTeX syntax error in the entry starting here: {first_line}",
                   "check the braces and the commas between fields (`field = {value},`)")
