"""A reader in distress, in a real browser (Debian chromium) on a 360 px phone: the help button is the
second Tab stop and lands on help within one screen, with or without JavaScript; searching a risk term,
by keyboard alone, shows the crisis services above the results and says so to screen readers; the help
page and the search page pass axe; nothing is requested from another host."""

from __future__ import annotations

import pytest

from tests.browser import block_offsite, format_violations, in_both_schemes, install_axe, run_axe, serve_folder

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
HELP_NOTE = "Help is available now: crisis lines are listed above the results."


@pytest.fixture(scope="module")
def site(sample_hub):
    return sample_hub.out   # the repository's sample hub, built once per test process (conftest)


@pytest.mark.parametrize("javascript", [False, True])
def test_help_button_lands_on_help_within_one_phone_screen(browser, site, javascript):
    with serve_folder(site) as base:
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, reduced_motion="reduce")
        page = context.new_page()
        offsite = block_offsite(page)
        page.goto(base + "/articles/your-first-psychiatrist-appointment/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "help-link"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == base + "/help/"
        where = page.evaluate("""() => {
          const box = (s) => { const r = document.querySelector(s).getBoundingClientRect(); return [r.top, r.bottom]; };
          const calls = [...document.querySelectorAll('.help-emergency .emergency-numbers a')];
          return {heading: box('#help-heading'), calls: calls.map(a => a.getBoundingClientRect().bottom),
                  screen: window.innerHeight, scrolled: window.scrollY,
                  wide: document.documentElement.scrollWidth > window.innerWidth};
        }""")
        # the heading and every emergency number are on the first screen, without scrolling
        assert 0 <= where["heading"][0] and where["scrolled"] == 0, where
        assert len(where["calls"]) == 4 and max(where["calls"]) <= where["screen"], where
        assert not where["wide"], "the help page scrolls sideways on a phone"
        # the same link from the crisis region at the foot of a page
        page.goto(base + "/about/")
        assert page.get_attribute("#crisis-help .crisis-more a", "href") == "/help/"
        assert offsite == []
        context.close()


def test_help_page_and_an_article_pass_axe_on_a_phone_in_both_schemes(browser, site):
    with serve_folder(site) as base:
        context = browser.new_context(viewport=PHONE)
        install_axe(context)
        page = context.new_page()
        for index, url in enumerate(("/help/", "/articles/empathy-vs-sympathy/")):
            for scheme in in_both_schemes(page, base + url, index):
                violations = run_axe(page)
                assert violations == [], f"{url} ({scheme}): {format_violations(violations)}"
        context.close()


def search(page, base: str, query: str) -> str:
    """Open the search page, reach the box by Tab alone, type `query`, and return the status text."""
    page.goto(base + "/search/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search-input":
            break
    else:
        raise AssertionError("Tab never reached the search box")
    page.keyboard.type(query, delay=15)
    page.wait_for_function("q => document.querySelector('#search-status').textContent.includes(q)",
                           arg=f"\u2018{query}\u2019", timeout=15_000)
    return page.inner_text("#search-status")


def test_searching_a_risk_term_shows_help_above_the_results_by_keyboard(browser, site):
    with serve_folder(site) as base:
        page = browser.new_page(viewport=PHONE)
        offsite = block_offsite(page)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        status = search(page, base, "I want to kill myself")
        assert status.startswith(HELP_NOTE)
        assert page.get_attribute("#search-status", "role") == "status"
        facts = page.evaluate("""() => {
          const help = document.querySelector('#search-help');
          const results = document.querySelector('#search-results');
          return {visible: !help.hidden && help.getBoundingClientRect().height > 100,
                  above: !!(help.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING),
                  results: results.children.length,
                  firstService: help.querySelector('.crisis-service').dataset.languages,
                  tel: help.querySelectorAll('a[href^="tel:"]').length, sms: help.querySelectorAll('a[href^="sms:"]').length};
        }""")
        assert facts["visible"] and facts["above"] and facts["tel"] >= 3 and facts["sms"] >= 2, facts
        assert facts["firstService"].split() == ["en"], facts
        page.keyboard.press("Tab")   # the Search button
        page.keyboard.press("Tab")   # then the first way to get help, before any result
        focused = page.evaluate("() => [!!document.activeElement.closest('#search-help'), document.activeElement.getAttribute('href')]")
        assert focused[0] and focused[1].startswith("tel:"), focused
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        # a Spanish query, typed without accents and in capitals, puts Spanish-speaking services first
        status = search(page, base, "QUIERO MORIR, autolesion")
        assert status.startswith(HELP_NOTE)
        first = page.evaluate("document.querySelector('#search-help .crisis-service').dataset.languages")
        assert first.split() == ["es"]
        # an ordinary query shows no crisis panel and no note
        status = search(page, base, "empathy")
        assert HELP_NOTE not in status and page.evaluate("document.querySelector('#search-help').hidden")
        # words that merely contain a risk term do not trigger it
        status = search(page, base, "overdosage guidance")
        assert page.evaluate("document.querySelector('#search-help').hidden"), status
        assert offsite == [] and errors == []
