"""Languages in a real browser: the switcher keeps the reader on the article, <html lang dir> is right,
right-to-left pages are laid out right to left, and axe finds nothing in either language or in RTL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser import axe_crawl, block_offsite, format_violations, serve_folder
from tests.publishkit import build_ok
from tests.sitekit import REPO

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("i18n-browser")]   # the RTL hub built once
RTL_HUB = REPO / "tests" / "hubs" / "rtl"


def _build(site: Path, out: Path) -> Path:
    build_ok(site, out, use_cache=False)   # in this process: the test pays for no interpreter start
    return out


@pytest.fixture(scope="module")
def sample(sample_hub):
    return sample_hub.out   # the repository's sample hub, built once per test process (conftest)


@pytest.fixture(scope="module")
def rtl(tmp_path_factory):
    hub = tmp_path_factory.mktemp("rtl") / "hub"
    shutil.copytree(RTL_HUB, hub)   # the build's cache stays out of the repository
    return _build(hub, hub / "output")


def test_the_switcher_keeps_the_reader_on_the_same_article(browser, sample):
    with serve_folder(sample) as base:
        page = browser.new_page()
        offsite = block_offsite(page)
        page.goto(base + "/articles/empathy-vs-sympathy/")
        switcher = page.get_by_role("navigation", name="Language")
        switcher.get_by_role("link", name="Español").click()
        page.wait_for_url(base + "/es/articles/empatia-frente-a-lastima/")
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["es", "ltr"]
        assert page.get_by_role("heading", level=1).inner_text() == "Empatía frente a lástima"
        # the way back, by keyboard: the Spanish page names its switcher in Spanish
        link = page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English")
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(base + "/articles/empathy-vs-sympathy/")
        assert page.evaluate("document.documentElement.lang") == "en-US"   # the sample hub writes US English
        # an article with no Spanish version leads to the Spanish home, not to a missing page
        page.goto(base + "/articles/trauma-informed-care/")
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
        page.wait_for_url(base + "/es/")
        assert page.get_by_role("heading", level=1).inner_text() == "Haven"
        assert offsite == []
        page.close()


def _axe_failures(browser, folder, urls: list[str]) -> list[str]:
    """axe-core's violations on each of `urls` of the built hub in `folder`, one text per failing page."""
    with serve_folder(folder) as base:
        context = browser.new_context()
        results = axe_crawl(context, [base + u for u in urls], parallel=2)
        context.close()
    return [f"{url}: {format_violations(v)}" for url, v in results.items() if v]


def test_both_languages_are_axe_clean(browser, sample):
    failures = _axe_failures(browser, sample, ["/", "/articles/empathy-vs-sympathy/", "/es/",
                                               "/es/articles/empatia-frente-a-lastima/", "/es/about/", "/es/topics/",
                                               "/es/search/", "/es/sources/"])
    assert not failures, "\n".join(failures)


def test_right_to_left_pages_are_laid_out_right_to_left(browser, rtl):
    with serve_folder(rtl) as base:
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        page.goto(base + "/articles/maqal-tajribi/")
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        width = page.evaluate("document.documentElement.clientWidth")
        name = page.locator(".site-name").bounding_box()
        help_link = page.locator(".help-link").bounding_box()
        assert name["x"] + name["width"] > width / 2, "the site name starts on the right"
        assert help_link["x"] < name["x"], "the help link sits at the far (left) end"
        heading = page.get_by_role("heading", level=1).bounding_box()
        assert heading["x"] + heading["width"] > width / 2
        quote = page.evaluate("""(() => { const s = getComputedStyle(document.querySelector('.prose blockquote'));
                                 return [s.borderRightWidth, s.borderLeftWidth]; })()""")
        assert quote[0] != "0px" and quote[1] == "0px", "the quote's rule is on its start (right) side"
        first_cell = page.locator(".prose td").first.bounding_box()
        second_cell = page.locator(".prose td").nth(1).bounding_box()
        assert first_cell["x"] > second_cell["x"], "table columns run right to left"
        # a phone number keeps its digits in order inside right-to-left text ("555 0100", never "0100 555")
        tel = page.locator('#crisis-help a[href^="tel:"] bdi').first
        assert tel.evaluate("b => [getComputedStyle(b).direction, getComputedStyle(b).unicodeBidi]") == ["ltr", "isolate"]
        words = tel.evaluate("""b => { const r = document.createRange(); const t = b.firstChild;
                                       r.setStart(t, 0); r.setEnd(t, 3); const first = r.getBoundingClientRect().x;
                                       r.setStart(t, 4); r.setEnd(t, 8); return [first, r.getBoundingClientRect().x]; }""")
        assert words[0] < words[1], "555 must show left of 0100"
        # its English translation is left to right, and the switcher links the two
        page.get_by_role("navigation", name="اللغة").get_by_role("link", name="English").click()
        page.wait_for_url(base + "/en/articles/a-test-article/")
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["en", "ltr"]
        page.close()


def test_the_rtl_hub_is_axe_clean(browser, rtl):
    failures = _axe_failures(browser, rtl, ["/", "/articles/maqal-tajribi/", "/topics/",
                                            "/en/articles/a-test-article/", "/about/"])
    assert not failures, "\n".join(failures)


def test_each_language_searches_its_own_articles_in_its_own_words(browser, sample):
    status = "#search-status"
    with serve_folder(sample) as base:
        page = browser.new_page()
        # "lástima" appears only in the Spanish articles; the Spanish search page loads the Spanish index
        page.goto(base + "/es/search/?q=lástima")
        page.wait_for_function("(sel) => /resultado/.test(document.querySelector(sel).textContent)", arg=status,
                               timeout=15_000)
        assert "«lástima»" in page.locator(status).inner_text()
        hrefs = page.locator("#search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs and all(h.startswith("/es/articles/") for h in hrefs), hrefs
        # the English search page never offers the Spanish articles, even for a word they share
        page.goto(base + "/search/?q=empathy")
        page.wait_for_function("(sel) => /result/.test(document.querySelector(sel).textContent)", arg=status,
                               timeout=15_000)
        hrefs = page.locator("#search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs and not any(h.startswith("/es/") for h in hrefs), hrefs
        page.close()
