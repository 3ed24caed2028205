"""Findings about a writer's files, and the one place that prints them.

Checks never print or raise for anything a file can contain: they return
`Diagnostic` records. The CLI (and the preview server) decide what to show.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


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
        """Render compiler-style: `path:line:col: severity: message - hint [code]`."""
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f" - {self.hint}"
        return f"{text} [{self.code}]"

    def as_warning(self) -> "Diagnostic":
        """The same finding with warning severity."""
        return replace(self, severity="warning")

    def as_error(self) -> "Diagnostic":
        """The same finding with error severity."""
        return replace(self, severity="error")


def error(code: str, path: str, line: int, col: int, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for an error finding."""
    return Diagnostic(path, line, col, "error", code, message, hint)


def warning(code: str, path: str, line: int, col: int, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for a warning finding."""
    return Diagnostic(path, line, col, "warning", code, message, hint)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when any finding is an error."""
    return any(d.severity == "error" for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple:
    """Order findings by file, then position, errors before warnings at the same place."""
    return (d.path, d.line, d.col, d.severity != "error", d.code, d.message)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean X?' hint for a misspelt id or key, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
