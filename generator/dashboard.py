"""The editor's dashboard rows: one per article, from a finished check."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Sequence

from generator.checks.editorial import review_due_date
from generator.diagnostics import Diagnostic
from generator.model import Site
from generator.reports import ArticleHealth


def health_rows(site: Site, diagnostics: Sequence[Diagnostic], today: date) -> list[ArticleHealth]:
    """Grade, review status, sources and finding counts for every article."""
    warnings = Counter(d.path for d in diagnostics if d.severity == "warning")
    errors = Counter(d.path for d in diagnostics if d.severity == "error")
    rows = []
    for article in site.articles:
        meta, path = article.meta, article.source.path
        due = review_due_date(meta.date, meta.reviewed_on, site.config.review_interval_months) if meta.date else None
        rows.append(ArticleHealth(
            path=path, title=meta.title, url=site.config.base_path + article.url.lstrip("/"),
            grade=article.source.grade, last_reviewed=meta.reviewed_on, review_due=due,
            overdue=bool(due and due < today), sources=len(article.references),
            warnings=warnings[path], errors=errors[path],
        ))
    return rows
