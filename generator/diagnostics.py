"""Findings about a writer's files, and the one place that prints them.

Checks never print or raise for anything a file can contain: they return
`Diagnostic` records. The CLI (and the preview server) decide what to show.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning", "note"]   # a note informs (what is scheduled); it never fails a build


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding: where it is, what is wrong, and how to fix it.

    `path` is relative to the site folder (posix separators); `line` and `col`
    are 1-based, 0 when the finding is about the whole file.
    """

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        """Render compiler-style: `path:line:col: severity: message - hint [code]` (printable: see `printable`)."""
        where = printable(self.path)
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: {self.severity}: {printable(self.message)}"
        if self.hint:
            text += f" - {printable(self.hint)}"
        return f"{text} [{self.code}]"

    def as_warning(self) -> Diagnostic:
        """The same finding with warning severity."""
        return replace(self, severity="warning")

    def as_error(self) -> Diagnostic:
        """The same finding with error severity."""
        return replace(self, severity="error")


def error(code: str, path: str, line: int, col: int, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for an error finding."""
    return Diagnostic(path, line, col, "error", code, message, hint)


def warning(code: str, path: str, line: int, col: int, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for a warning finding."""
    return Diagnostic(path, line, col, "warning", code, message, hint)


def note(code: str, path: str, line: int, col: int, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for a note: information for the editors that never fails a build, even with --strict."""
    return Diagnostic(path, line, col, "note", code, message, hint)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when any finding is an error."""
    return any(d.severity == "error" for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple:
    """Order findings by file, then position, errors before warnings at the same place."""
    return (d.path, d.line, d.col, d.severity != "error", d.code, d.message)


# Findings that say a file could not be read at all (its syntax, encoding or overall shape): the root causes.
UNREADABLE = frozenset({
    "not-utf8", "yaml-syntax", "yaml-unsupported", "config-not-mapping", "authors-not-mapping",
    "front-matter-not-mapping", "missing-front-matter", "unclosed-front-matter", "article-too-large",
    "parse-too-slow", "nested-too-deep",   # the Markdown converter gave up on the file
    "bibliography-syntax", "bibliography-shape", "bibliography-unreadable",
    "outside-hub", "not-a-file", "bad-file-name",   # generator/confine: never read at all
})
# Findings that only follow when a file they look things up in could not be read: code -> those files
# (path prefixes). When such a file has a root-cause finding, these findings are noise and are not shown.
FOLLOWS_FROM: dict[str, tuple[str, ...]] = {
    "unknown-author": ("data/authors.",),
    "unknown-reviewer": ("data/authors.",),
    "unknown-citation": ("data/references.",),
    "unknown-neighbour": ("articles/",),
}


def cause_first(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The findings in the order a writer should fix them: files that cannot be read come first.

    Findings that only follow from an unreadable file (FOLLOWS_FROM) are left out, and the root finding's
    hint says how many; the rest keep the usual order (`sort_key`).
    """
    findings = list(findings)
    broken = {d.path for d in findings if d.code in UNREADABLE and d.severity == "error"}
    hidden: dict[str, int] = {}
    kept = []
    for d in findings:
        cause = next((b for b in sorted(broken) if any(b.startswith(p) for p in FOLLOWS_FROM.get(d.code, ()))), None)
        if cause is None:
            kept.append(d)
        else:
            hidden[cause] = hidden.get(cause, 0) + 1
    roots = sorted((d for d in kept if d.path in broken and d.code in UNREADABLE), key=sort_key)
    noted = set()
    for index, root in enumerate(roots):
        if hidden.get(root.path) and root.path not in noted:
            noted.add(root.path)
            count = hidden[root.path]
            follow = "finding that follows from it is" if count == 1 else "findings that follow from it are"
            roots[index] = replace(root, hint=f"{root.hint} (fix this first: {count} {follow} not shown)")
    rest = sorted((d for d in kept if not (d.path in broken and d.code in UNREADABLE)), key=sort_key)
    return roots + rest


def file_order(findings: Iterable[Diagnostic], also: Iterable[str] = ()) -> list[str]:
    """The files named by findings (and `also`): those that cannot be read first, then alphabetically."""
    findings = list(findings)
    broken = {d.path for d in findings if d.code in UNREADABLE and d.severity == "error"}
    return sorted({d.path for d in findings} | set(also), key=lambda path: (path not in broken, path))


class LineIndex:
    """Line and column of any offset in a text, in O(log lines) each (counting newlines from the start for
    every lookup made large files quadratic)."""

    def __init__(self, text: str):
        import re

        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        """1-based line of `offset`."""
        from bisect import bisect_right

        return bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of `offset`."""
        line = self.line(offset)
        return line, offset - self.starts[line - 1] + 1


# difflib compares a word with at most this many choices: with every page of a 10,000-article hub as the
# choices, one broken link took 1.6 s (most slugs share enough letters to need the full comparison), so a
# pull request adding a thousand broken links would have stalled the build for half an hour.
SHORTLIST = 50


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean X?' hint for a misspelt id or key, or '' when nothing is close."""
    import difflib

    options = list(choices)
    if len(options) > SHORTLIST:
        options = _shortlist(word, options)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _shortlist(word: str, choices: list[str]) -> list[str]:
    """The SHORTLIST choices sharing the most pairs of adjacent characters with `word` (first listed first
    on a tie), among those whose length leaves difflib's 0.6 cutoff within reach."""
    # (the choices' pairs are made again on each call: kept, they held 46 MB for a 10,000-article hub's pages
    # in a long-lived preview, for a hint that costs 45 ms without them)
    pairs = set(map(str.__add__, word, word[1:]))
    size = len(word)
    scored = [(-len(pairs.intersection(map(str.__add__, choice, choice[1:]))), index, choice)
              for index, choice in enumerate(choices) if 2 * min(size, len(choice)) >= 0.6 * (size + len(choice))]
    return [choice for _, _, choice in heapq.nsmallest(SHORTLIST, scored)]


# What a file can hold that a terminal or a CI log would act on rather than show: control characters (escape
# sequences that retitle or clear the terminal, a carriage return that overwrites the line, a line break
# that fakes a finding of its own) and the bidirectional overrides that show text in another order.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` as findings show it: what a file quoted in a message is shown as an escape (\\x1b, \\u202e),
    never acted on, wherever findings are printed (the terminal, a CI log, the preview)."""
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cut(text: str, length: int) -> str:
    """`text` shortened to `length` characters with "..." when it is longer (a hostile name in a message)."""
    return text if len(text) <= length else text[:length - 3] + "..."
