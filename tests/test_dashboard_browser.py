"""The editor's dashboard in a real browser: axe-core finds no WCAG 2.2 AA or best-practice violations,
sorting works and keeps `aria-sort` right, and the page needs nothing from the network."""

from __future__ import annotations

from datetime import date

import pytest

from generator.dashboard import ArticleHealth, render_dashboard
from tests.browser import format_violations, run_axe

pytestmark = pytest.mark.browser

ROWS = [
    ArticleHealth("articles/b.md", "Empathy vs sympathy", "/articles/b/", 9.4, date(2023, 1, 2), date(2025, 1, 2), True, 4, 2, 0),
    ArticleHealth("articles/a.md", "Trauma-informed care", "/articles/a/", 6.1, None, date(2027, 3, 1), False, 7, 0, 1),
    ArticleHealth("articles/c.md", "A newer article", "/articles/c/", None, None, None, False, 0, 0, 0),
    ArticleHealth("articles/d.md", "Self-compassion", "/articles/d/", 12.3, date(2026, 1, 5), date(2028, 1, 5), False, 11, 5, 0),
]


@pytest.fixture
def dashboard(tmp_path) -> str:
    page = tmp_path / "dashboard.html"
    page.write_text(render_dashboard(ROWS, date(2026, 11, 21), "Haven", target_grade=8), encoding="utf-8")
    return page.as_uri()


def _open(browser, url, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return context, page, requests


def _violations(page) -> str:
    return format_violations(run_axe(page))


def _column(page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#health tbody tr > :nth-child({index})", "cells => cells.map(c => c.textContent.trim())"
    )


def test_dashboard_has_no_axe_violations(browser, dashboard):
    context, page, requests = _open(browser, dashboard)
    try:
        assert _violations(page) == ""
        assert [url for url in requests if not url.startswith("file:")] == []
    finally:
        context.close()


def test_sorting_updates_rows_and_aria_sort_and_stays_accessible(browser, dashboard):
    context, page, _ = _open(browser, dashboard)
    try:
        assert page.get_attribute("#health thead th:nth-child(2)", "aria-sort") == "ascending"
        grade_button = page.get_by_role("button", name="FK grade")
        grade_button.click()
        assert page.get_attribute("#health thead th:nth-child(3)", "aria-sort") == "ascending"
        assert page.get_attribute("#health thead th:nth-child(2)", "aria-sort") is None
        assert _column(page, 3) == ["6.1", "9.4 above target", "12.3 above target", "n/a"]
        grade_button.click()
        assert page.get_attribute("#health thead th:nth-child(3)", "aria-sort") == "descending"
        assert _column(page, 3) == ["12.3 above target", "9.4 above target", "6.1", "n/a"]
        page.get_by_role("button", name="Review due").click()
        assert [cell.split()[0] for cell in _column(page, 5)] == ["2025-01-02", "2027-03-01", "2028-01-05", "Unknown"]
        assert _violations(page) == ""
    finally:
        context.close()


def test_table_is_complete_without_javascript(browser, dashboard):
    context, page, _ = _open(browser, dashboard, java_script_enabled=False)
    try:
        assert page.locator("#health tbody tr").count() == len(ROWS)
        assert page.locator("#health thead button").count() == 0
        assert page.locator("#health caption").inner_text().startswith("Articles and their editorial health")
    finally:
        context.close()
