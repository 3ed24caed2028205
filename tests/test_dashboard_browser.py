"""The editor's dashboard in a real browser: axe-core finds no WCAG 2.2 AA or best-practice violations,
sorting works and keeps `aria-sort` right, and the page needs nothing from the network."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from generator.reports import ArticleHealth, render_dashboard

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _axe_candidates() -> list[Path]:
    candidates = [
        Path.home() / ".cache/site-audit/npm/node_modules/axe-core/axe.min.js",
        Path(__file__).parent / "vendor" / "axe.min.js",
    ]
    try:  # the project's test extra bundles axe-core too
        import axe_playwright_python

        candidates.append(Path(axe_playwright_python.__file__).parent / "axe.min.js")
    except ImportError:
        pass
    return candidates


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} [CI=true: browser tests must not skip]", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    executable = shutil.which("chromium")
    if not executable:
        _unavailable("chromium is not installed (make browser-deps)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe_path() -> Path:
    for candidate in _axe_candidates():
        if candidate.is_file():
            return candidate
    _unavailable("axe-core's axe.min.js was not found in: " + ", ".join(map(str, _axe_candidates())))


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


def _violations(page, axe_path: Path) -> list[str]:
    page.add_script_tag(path=str(axe_path))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => v.id + ': ' + v.help + ' -> ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }""",
        AXE_TAGS,
    )
    return violations


def _column(page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#health tbody tr > :nth-child({index})", "cells => cells.map(c => c.textContent.trim())"
    )


def test_dashboard_has_no_axe_violations(browser, axe_path, dashboard):
    context, page, requests = _open(browser, dashboard)
    try:
        assert _violations(page, axe_path) == []
        assert [url for url in requests if not url.startswith("file:")] == []
    finally:
        context.close()


def test_sorting_updates_rows_and_aria_sort_and_stays_accessible(browser, axe_path, dashboard):
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
        assert _violations(page, axe_path) == []
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
