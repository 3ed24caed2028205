"""Reports of the health checks: for people (grouped by file), for tools (JSON) and for GitHub Actions
(workflow commands). The editors' HTML dashboard is `generator.dashboard`.

All functions are pure: findings in, text out. They print nothing; which findings reach them and at what
severity is decided by `generator.checks.policy.apply_policy`.

JSON schema (`format_json`, version 1); keys always present, in this order:

    {
      "version": 1,
      "summary": {"errors": int, "warnings": int, "files": int,
                  "suppressions": int, "suppressed_findings": int},
      "diagnostics": [Finding, ...],          # sorted by path, line, column (errors first on ties)
      "suppressions": [
        {"path": str, "line": int, "code": str, "reason": str, "findings": [Finding, ...]}, ...
      ]
    }
    Finding = {"path": str, "line": int, "col": int, "severity": "error" | "warning" | "note",
               "code": str, "message": str, "hint": str}

`files` counts the files with at least one finding; `line`/`col` are 1-based, 0 for "the whole file".
New keys may be added within version 1; a key is never removed or changed in meaning without a new
version.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from generator.checks.policy import Suppressed
from generator.diagnostics import Diagnostic, cause_first, file_order, printable, sort_key

JSON_SCHEMA_VERSION = 1


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _finding_json(finding: Diagnostic) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "col": finding.col,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "hint": finding.hint,
    }


# --- Human -----------------------------------------------------------------------------------------

_ANSI = {"error": "\033[31;1m", "warning": "\033[33;1m", "file": "\033[1;4m", "dim": "\033[2m",
         "note": "\033[36m", "reset": "\033[0m"}


def format_human(diagnostics: Iterable[Diagnostic], suppressed: Sequence[Suppressed] = (), color: bool = False) -> str:
    """Findings grouped by file: a heading line per file, then its findings (`line:col severity message
    [code]`, the hint on the next line) and its suppressions, then one summary line.

    With `color`, ANSI colours mark files, severities and hints (the caller decides, e.g. on a TTY).
    """

    def paint(style: str, text: str) -> str:
        return f"{_ANSI[style]}{text}{_ANSI['reset']}" if color else text

    findings = sorted(diagnostics, key=sort_key)
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for finding in findings:
        by_file[finding.path].append(finding)
    suppressions_by_file: dict[str, list[Suppressed]] = defaultdict(list)
    for item in suppressed:
        suppressions_by_file[item.suppression.path].append(item)

    lines: list[str] = []
    for path in file_order(findings, also=suppressions_by_file):  # files that cannot be read first
        if lines:
            lines.append("")
        lines.append(paint("file", printable(path)))
        for finding in by_file.get(path, []):
            where = f"{finding.line}:{finding.col or 1}" if finding.line else "-"
            severity = paint(finding.severity, f"{finding.severity:<7}")
            lines.append(f"  {where:<8} {severity}  {printable(finding.message)}  {paint('dim', f'[{finding.code}]')}")
            if finding.hint:
                lines.append(f"  {'':<8} {'':<7}  {paint('dim', 'hint: ' + printable(finding.hint))}")
        for item in suppressions_by_file.get(path, []):
            s = item.suppression
            reason = f'"{printable(s.reason)}"' if s.reason else "(no reason given)"
            silenced = _plural(len(item.findings), "finding") if item.findings else "nothing"
            where = str(s.line) if s.line else "-"
            lines.append(f"  {where:<8} {paint('note', 'silenced')} {s.code}: {reason}, hides {silenced}")

    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    notes = len(findings) - errors - warnings
    hidden = sum(len(item.findings) for item in suppressed)
    if errors + warnings:
        problem_files = len({f.path for f in findings if f.severity != "note"})
        summary = (
            f"{_plural(errors + warnings, 'problem')} ({_plural(errors, 'error')}, {_plural(warnings, 'warning')}) "
            f"in {_plural(problem_files, 'file')}"
        )
    else:
        summary = "No problems found"
    if notes:
        summary += f"; {_plural(notes, 'note')}"
    if suppressed:
        summary += f"; {_plural(len(suppressed), 'suppression')} hiding {_plural(hidden, 'finding')}"
    if lines:
        lines.append("")
    lines.append(paint("error" if errors else "warning" if warnings else "note", summary) if color else summary)
    return "\n".join(lines) + "\n"


# --- JSON ------------------------------------------------------------------------------------------


def format_json(diagnostics: Iterable[Diagnostic], suppressed: Sequence[Suppressed] = ()) -> str:
    """The findings and suppressions as JSON (schema in the module docstring), with a final newline."""
    findings = sorted(diagnostics, key=sort_key)
    errors = sum(1 for f in findings if f.severity == "error")
    report = {
        "version": JSON_SCHEMA_VERSION,
        "summary": {
            "errors": errors,
            "warnings": sum(1 for f in findings if f.severity == "warning"),
            "files": len({f.path for f in findings}),
            "suppressions": len(suppressed),
            "suppressed_findings": sum(len(item.findings) for item in suppressed),
        },
        "diagnostics": [_finding_json(f) for f in findings],
        "suppressions": [
            {
                "path": item.suppression.path,
                "line": item.suppression.line,
                "code": item.suppression.code,
                "reason": item.suppression.reason,
                "findings": [_finding_json(f) for f in item.findings],
            }
            for item in suppressed
        ],
    }
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


# --- GitHub Actions --------------------------------------------------------------------------------


def escape_github_data(text: str) -> str:
    """Escape a workflow command's message as @actions/core does: `%`, `\\r`, `\\n`."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_github_property(text: str) -> str:
    """Escape a workflow command property value: the data escapes plus `:` and `,`."""
    return escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """One GitHub Actions workflow command per finding, which GitHub shows as an annotation on the file:
    `::warning file=PATH,line=L,col=C,title=CODE::MESSAGE` (`::error` for errors). The hint follows the
    message on a second line. `line`/`col` are left out when 0 (a finding about the whole file)."""
    commands = []
    for finding in cause_first(diagnostics):
        properties = [f"file={escape_github_property(printable(finding.path))}"]
        if finding.line:
            properties.append(f"line={finding.line}")
            if finding.col:
                properties.append(f"col={finding.col}")
        properties.append(f"title={escape_github_property(finding.code)}")
        # printable first: a line break a file put in a message is shown, never a command line of its own
        message = printable(finding.message) + (f"\n{printable(finding.hint)}" if finding.hint else "")
        command = "notice" if finding.severity == "note" else finding.severity   # GitHub's word for a note
        commands.append(f"::{command} {','.join(properties)}::{escape_github_data(message)}")
    return "".join(command + "\n" for command in commands)
