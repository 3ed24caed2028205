"""The editors' dashboard: one HTML page with a row per article (grade, review status, cited works,
findings), written by `haven check --html FILE`. The page itself is `dashboard.html` beside this module."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from generator.checks.review import review_due_date
from generator.diagnostics import Diagnostic
from generator.model import Site

TEMPLATE_FILE = Path(__file__).with_name("dashboard.html")

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
    cited_works: int   # references the article cites
    warnings: int
    errors: int


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
    cited_works: int   # references the article cites
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
    # The page ships as package data beside this module; it is Haven's own, never a hub's template.
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(TEMPLATE_FILE.read_text(encoding="utf-8"))


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
            cited_works=row.cited_works,
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


def health_rows(site: Site, diagnostics: Sequence[Diagnostic], today: date) -> list[ArticleHealth]:
    """Grade, review status, sources and finding counts for every article."""
    warnings = Counter(d.path for d in diagnostics if d.severity == "warning")
    errors = Counter(d.path for d in diagnostics if d.severity == "error")
    rows = []
    for article in site.articles:
        meta, path = article.meta, article.parsed.path
        due = review_due_date(meta.date, meta.reviewed_on, site.config.review_interval_months) if meta.date else None
        rows.append(ArticleHealth(
            path=path, title=meta.title, url=site.config.base_path + article.url.lstrip("/"),
            grade=article.parsed.grade, last_reviewed=meta.reviewed_on, review_due=due,
            overdue=bool(due and due < today), cited_works=len(article.references),
            warnings=warnings[path], errors=errors[path],
        ))
    return rows
