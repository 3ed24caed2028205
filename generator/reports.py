"""Reports of the health checks: for people (grouped by file), for tools (JSON), for GitHub Actions
(workflow commands), and an HTML dashboard for editors.

All functions are pure: findings in, text out. They print nothing; which findings reach them and at what
severity is decided by `generator.checks.editorial.apply_policy`.

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
    Finding = {"path": str, "line": int, "col": int, "severity": "error" | "warning",
               "code": str, "message": str, "hint": str}

`files` counts the files with at least one finding; `line`/`col` are 1-based, 0 for "the whole file".
New keys may be added within version 1; a key is never removed or changed in meaning without a new
version.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable, Sequence
from urllib.parse import urlsplit

import jinja2

from generator.checks.editorial import Suppressed
from generator.diagnostics import Diagnostic, cause_first, file_order, sort_key


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


def format_human(diagnostics: Iterable[Diagnostic], suppressed: Sequence["Suppressed"] = (), color: bool = False) -> str:
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
    suppressions_by_file: dict[str, list["Suppressed"]] = defaultdict(list)
    for item in suppressed:
        suppressions_by_file[item.suppression.path].append(item)

    lines: list[str] = []
    for path in file_order(findings, also=suppressions_by_file):  # files that cannot be read first
        if lines:
            lines.append("")
        lines.append(paint("file", path))
        for finding in by_file.get(path, []):
            where = f"{finding.line}:{finding.col or 1}" if finding.line else "-"
            severity = paint(finding.severity, f"{finding.severity:<7}")
            lines.append(f"  {where:<8} {severity}  {finding.message}  {paint('dim', f'[{finding.code}]')}")
            if finding.hint:
                lines.append(f"  {'':<8} {'':<7}  {paint('dim', 'hint: ' + finding.hint)}")
        for item in suppressions_by_file.get(path, []):
            s = item.suppression
            reason = f'"{s.reason}"' if s.reason else "(no reason given)"
            silenced = _plural(len(item.findings), "finding") if item.findings else "nothing"
            where = str(s.line) if s.line else "-"
            lines.append(f"  {where:<8} {paint('note', 'silenced')} {s.code}: {reason}, hides {silenced}")

    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    hidden = sum(len(item.findings) for item in suppressed)
    if findings:
        summary = (
            f"{_plural(errors + warnings, 'problem')} ({_plural(errors, 'error')}, {_plural(warnings, 'warning')}) "
            f"in {_plural(len(by_file), 'file')}"
        )
    else:
        summary = "No problems found"
    if suppressed:
        summary += f"; {_plural(len(suppressed), 'suppression')} hiding {_plural(hidden, 'finding')}"
    if lines:
        lines.append("")
    lines.append(paint("error" if errors else "warning" if warnings else "note", summary) if color else summary)
    return "\n".join(lines) + "\n"


# --- JSON ------------------------------------------------------------------------------------------


def format_json(diagnostics: Iterable[Diagnostic], suppressed: Sequence["Suppressed"] = ()) -> str:
    """The findings and suppressions as JSON (schema in the module docstring), with a final newline."""
    findings = sorted(diagnostics, key=sort_key)
    errors = sum(1 for f in findings if f.severity == "error")
    report = {
        "version": JSON_SCHEMA_VERSION,
        "summary": {
            "errors": errors,
            "warnings": len(findings) - errors,
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
        properties = [f"file={escape_github_property(finding.path)}"]
        if finding.line:
            properties.append(f"line={finding.line}")
            if finding.col:
                properties.append(f"col={finding.col}")
        properties.append(f"title={escape_github_property(finding.code)}")
        message = finding.message + (f"\n{finding.hint}" if finding.hint else "")
        commands.append(f"::{finding.severity} {','.join(properties)}::{escape_github_data(message)}")
    return "".join(command + "\n" for command in commands)


# --- Editor's dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleHealth:
    """One dashboard row: an article and its editorial health."""

    path: str
    title: str
    url: str
    grade: float | None
    last_reviewed: date | None
    review_due: date | None
    overdue: bool
    sources: int
    warnings: int
    errors: int


_DASHBOARD_TEMPLATE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Editorial health: {{ site_title }}</title>
<style>
  :root { color-scheme: light; }
  body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: #1b1b1b; background: #ffffff; }
  header, main, footer { padding: 1rem 1.5rem; max-width: 90rem; margin: 0 auto; }
  h1 { font-size: 1.6rem; margin: 0.5rem 0; }
  .summary { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; padding: 0; margin: 0 0 1rem; list-style: none; }
  .summary strong { font-size: 1.3rem; }
  .table-wrap { overflow-x: auto; }
  .table-wrap:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
  table { border-collapse: collapse; width: 100%; }
  caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }
  th, td { border-bottom: 1px solid #8c8c8c; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
  thead th { background: #eeeeee; white-space: nowrap; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tbody th { font-weight: 600; min-width: 12rem; }
  code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #1b1b1b; }
  a { color: #0b50a0; }
  a:focus, button:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
  .flag { display: inline-block; padding: 0 0.35rem; border-radius: 0.25rem; font-size: 0.85em;
          font-weight: 600; color: #7a0c0c; background: #fde7e7; border: 1px solid #7a0c0c; white-space: nowrap; }
  .ok { color: #1d5c2e; }
  thead button { font: inherit; font-weight: 700; color: #1b1b1b; background: none; border: 0; padding: 0;
                 cursor: pointer; text-decoration: underline dotted; }
  thead button .arrow::after { content: " \\2195"; }
  th[aria-sort="ascending"] button .arrow::after { content: " \\25B2"; }
  th[aria-sort="descending"] button .arrow::after { content: " \\25BC"; }
  footer { color: #404040; font-size: 0.9rem; }
</style>
</head>
<body>
<header>
  <h1>Editorial health: {{ site_title }}</h1>
  <p>For editors only: this page is not part of the public site.</p>
</header>
<main id="main">
  <h2>Summary</h2>
  <ul class="summary">
    <li><strong>{{ rows|length }}</strong> {{ "article" if rows|length == 1 else "articles" }}</li>
    <li><strong>{{ overdue_count }}</strong> {{ "review" if overdue_count == 1 else "reviews" }} overdue</li>
    <li><strong>{{ warning_total }}</strong> {{ "warning" if warning_total == 1 else "warnings" }}</li>
    <li><strong>{{ error_total }}</strong> {{ "error" if error_total == 1 else "errors" }}</li>
  </ul>
  <div class="table-wrap" role="region" aria-labelledby="health-caption" tabindex="0">
  <table id="health">
    <caption id="health-caption">Articles and their editorial health{% if target_grade is not none %}
      (reading grade target: {{ "%g"|format(target_grade) }}){% endif %}</caption>
    <thead>
      <tr>
        <th scope="col" data-sort-type="text">Title</th>
        <th scope="col" data-sort-type="text" aria-sort="ascending">Path</th>
        <th scope="col" data-sort-type="number" class="num">FK grade</th>
        <th scope="col" data-sort-type="text">Last reviewed</th>
        <th scope="col" data-sort-type="text">Review due</th>
        <th scope="col" data-sort-type="number" class="num">Sources</th>
        <th scope="col" data-sort-type="number" class="num">Warnings</th>
        <th scope="col" data-sort-type="number" class="num">Errors</th>
      </tr>
    </thead>
    <tbody>
    {%- for row in rows %}
      <tr>
        <th scope="row">{% if row.safe_url %}<a href="{{ row.safe_url }}">{{ row.title }}</a>{% else %}{{ row.title }}{% endif %}</th>
        <td><code>{{ row.path }}</code></td>
        <td class="num" data-sort="{{ row.grade_sort }}">{{ row.grade_text }}{% if row.above_target %} <span class="flag">above target</span>{% endif %}</td>
        <td data-sort="{{ row.last_reviewed_iso }}">{% if row.last_reviewed_iso %}<time datetime="{{ row.last_reviewed_iso }}">{{ row.last_reviewed_iso }}</time>{% else %}Never{% endif %}</td>
        <td data-sort="{{ row.review_due_iso }}">{% if row.review_due_iso %}<time datetime="{{ row.review_due_iso }}">{{ row.review_due_iso }}</time>{% else %}Unknown{% endif %}{% if row.overdue %} <span class="flag">overdue</span>{% elif row.review_due_iso %} <span class="ok">(on schedule)</span>{% endif %}</td>
        <td class="num">{{ row.sources }}</td>
        <td class="num">{{ row.warnings }}</td>
        <td class="num">{{ row.errors }}</td>
      </tr>
    {%- else %}
      <tr><td colspan="8">No articles yet.</td></tr>
    {%- endfor %}
    </tbody>
  </table>
  </div>
</main>
<footer>
  <p>Generated on <time datetime="{{ generated_on.isoformat() }}">{{ generated_on.isoformat() }}</time> by Haven.
  Reading grades are Flesch-Kincaid estimates of the article's prose.</p>
</footer>
<script>
/* Progressive enhancement: without scripts the table is complete, only not sortable. */
(function () {
  var table = document.getElementById("health");
  if (!table || !table.tHead || !table.tBodies.length) { return; }
  var headers = table.tHead.rows[0].cells;
  function sortKey(row, index, type) {
    var cell = row.cells[index];
    var value = cell.getAttribute("data-sort");
    if (value === null) { value = cell.textContent.trim(); }
    if (type === "number") { return value === "" ? null : parseFloat(value); }
    return value === "" ? null : value.toLowerCase();
  }
  function sortBy(th, index, type) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, index, type), y = sortKey(b, index, type);
      if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }  /* blanks last */
      var order = type === "number" ? x - y : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(headers, function (th, index) {
    var type = th.getAttribute("data-sort-type");
    if (!type) { return; }
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    var arrow = document.createElement("span");
    arrow.className = "arrow";
    arrow.setAttribute("aria-hidden", "true");
    button.appendChild(arrow);
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, index, type); });
  });
})();
</script>
</body>
</html>
"""


@dataclass(frozen=True)
class _DashboardRow:
    """An `ArticleHealth` with the values the template shows, computed in Python so the template stays
    free of logic."""

    path: str
    title: str
    safe_url: str
    grade_text: str
    grade_sort: str
    above_target: bool
    last_reviewed_iso: str
    review_due_iso: str
    overdue: bool
    sources: int
    warnings: int
    errors: int


def _safe_url(url: str) -> str:
    """The URL when it is a web or site-relative address; '' otherwise (no `javascript:` in an href)."""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if url and scheme in ("", "http", "https") else ""


@lru_cache(maxsize=1)
def _dashboard_template() -> jinja2.Template:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(_DASHBOARD_TEMPLATE)


def render_dashboard(
    rows: Sequence[ArticleHealth], generated_on: date, site_title: str, *, target_grade: float | None = None
) -> str:
    """The editor's dashboard: one self-contained HTML page (inline CSS, no external resources) with a
    table of every article: title, path, Flesch-Kincaid grade, last review, review due date (and whether
    it is overdue), sources, warnings and errors.

    Rows are listed by path. The table is complete without JavaScript; a small inline script makes the
    column headers sort buttons and keeps `aria-sort` on the sorted column. With `target_grade`, grades
    above it are marked in words, not only by colour.
    """
    shown = [
        _DashboardRow(
            path=row.path,
            title=row.title or row.path,
            safe_url=_safe_url(row.url or ""),
            grade_text="n/a" if row.grade is None else f"{row.grade:.1f}",
            grade_sort="" if row.grade is None else f"{row.grade:.1f}",
            above_target=row.grade is not None and target_grade is not None and round(row.grade, 1) > target_grade,
            last_reviewed_iso=row.last_reviewed.isoformat() if row.last_reviewed else "",
            review_due_iso=row.review_due.isoformat() if row.review_due else "",
            overdue=row.overdue,
            sources=row.sources,
            warnings=row.warnings,
            errors=row.errors,
        )
        for row in sorted(rows, key=lambda r: r.path)
    ]
    return _dashboard_template().render(
        rows=shown,
        generated_on=generated_on,
        site_title=site_title,
        target_grade=target_grade,
        overdue_count=sum(1 for r in rows if r.overdue),
        warning_total=sum(r.warnings for r in rows),
        error_total=sum(r.errors for r in rows),
    )
