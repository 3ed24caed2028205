"""Search in a real browser (Debian chromium): by keyboard alone, a word from one sample article finds
that article; results are announced and pass axe; without JavaScript the page says so and links to
the topic and source indexes; it works under a sub-path; the preview (no index) says why search is off;
an index made in parts (a large hub's) finds what one index finds, in each language, help first."""

from __future__ import annotations

import json
import re

import pytest

from generator import search_index
from tests.browser import block_offsite, format_violations, run_axe, serve_folder
from tests.publishkit import build_ok, copy_sample
from tests.sitekit import built_copy

pytestmark = pytest.mark.browser

STATUS = "#search-status"


@pytest.fixture(scope="module")
def sample(sample_hub):
    return sample_hub.out, sample_hub.model


def unique_words(model) -> dict[str, str]:
    """Article URL -> a word that occurs in that published article only, and whose stem occurs in no other."""
    words = {}
    for record in search_index.records(model):
        words[record.url] = set(re.findall(r"[a-z]+", record.content.lower()))
    found = {}
    for url, own in sorted(words.items()):
        others = set().union(*(w for u, w in words.items() if u != url))
        stems = {w[:6] for w in others}
        chosen = [word for word in sorted(own) if len(word) >= 8 and word[:6] not in stems]
        if chosen:
            found[url] = chosen[0]
    return found


def unique_word(model) -> tuple[str, object]:
    """A word that occurs in exactly one published article, and whose stem occurs in no other."""
    for url, word in unique_words(model).items():
        return word, next(a for a in model.articles if a.url == url)
    raise AssertionError("no word unique to one article")


def tab_until(page, predicate_js: str, limit: int = 80) -> None:
    """Press Tab until `predicate_js` (run on document.activeElement) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate_js}); }}"):
            return
    raise AssertionError(f"Tab never reached: {predicate_js}")


def status_text(page) -> str:
    return page.locator(STATUS).inner_text().strip()


def wait_for_status(page, fragment: str) -> str:
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent.includes(text)", arg=[STATUS, fragment],
        timeout=15_000)
    return status_text(page)


def test_keyboard_search_finds_the_article_and_opens_it(browser, sample):
    out, model = sample
    word, target = unique_word(model)
    with serve_folder(out) as base:
        page = browser.new_page()
        offsite = block_offsite(page)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(base + "/search/")
        tab_until(page, "el.id === 'search-input'")
        page.keyboard.type(word, delay=20)
        status = wait_for_status(page, f"for \u2018{word}\u2019")
        assert status == f"1 result for \u2018{word}\u2019."
        assert page.locator(STATUS).get_attribute("role") == "status"
        tab_until(page, "el.tagName === 'A' && el.closest('#search-results')")
        focused = page.evaluate("() => [document.activeElement.textContent, document.activeElement.getAttribute('href')]")
        assert focused == [target.meta.title, target.url]
        first = page.locator("#search-results li").first
        assert first.locator(".search-result-summary").inner_text() == target.meta.summary
        topics = ", ".join(model.topics[t].title for t in target.meta.topics)
        assert first.locator(".search-result-topics").inner_text() == f"Topics: {topics}"
        assert first.locator(".search-result-excerpt mark").first.inner_text().lower().startswith(word)
        page.keyboard.press("Enter")
        page.wait_for_url(base + target.url)
        assert page.locator("h1").first.inner_text().startswith(target.meta.title)
        assert offsite == [] and problems == []


def test_search_page_passes_axe_before_and_with_results(browser, sample):
    out, model = sample
    word, _ = unique_word(model)
    with serve_folder(out) as base:
        page = browser.new_page()
        page.goto(base + "/search/")
        page.wait_for_selector("#search-form:not([hidden])")
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        page.fill("#search-input", "empathy")
        status = wait_for_status(page, "for \u2018empathy\u2019")
        assert re.match(r"^\d+ results for \u2018empathy\u2019\.$", status), status
        assert page.locator("#search-results li").count() == int(status.split()[0])
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        page.fill("#search-input", "zzqxj")
        assert "No results for \u2018zzqxj\u2019" in wait_for_status(page, "No results")
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        page.keyboard.press("Escape")
        page.wait_for_function("() => document.querySelector('#search-status').textContent === ''")
        assert page.locator("#search-input").input_value() == ""


def test_a_query_in_the_address_is_searched_on_load(browser, sample):
    out, model = sample
    word, target = unique_word(model)
    with serve_folder(out) as base:
        page = browser.new_page()
        page.goto(f"{base}/search/?q={word}")
        wait_for_status(page, f"for \u2018{word}\u2019")
        assert page.locator("#search-results a").first.get_attribute("href") == target.url
        assert page.locator("#search-input").input_value() == word


def test_without_javascript_the_page_says_so_and_links_to_the_indexes(browser, sample):
    out, _ = sample
    with serve_folder(out) as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "/search/")
        note = page.locator(".search-noscript")
        assert note.is_visible()
        assert "Search needs JavaScript" in note.inner_text()
        hrefs = [a.get_attribute("href") for a in note.locator("a").all()]
        assert hrefs == ["/topics/", "/sources/"]
        assert page.locator("#search-form").is_hidden()
        context.close()


def test_search_works_under_a_sub_path(browser, sample, sample_hub_under_a_sub_path):
    _, model = sample   # the same articles as the sub-path build's; their addresses there start with /hub
    word, target = unique_word(model)
    with serve_folder(sample_hub_under_a_sub_path.out.parent) as base:
        page = browser.new_page()
        offsite = block_offsite(page)
        page.goto(base + "/hub/search/")
        page.fill("#search-input", word)
        wait_for_status(page, f"for \u2018{word}\u2019")
        link = page.locator("#search-results a").first
        assert link.get_attribute("href") == "/hub" + target.url
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(base + "/hub" + target.url)
        assert page.title().startswith(target.meta.title)
        assert offsite == []


def test_the_preview_without_an_index_says_why(browser, tmp_path):
    site = built_copy(tmp_path / "hub", search_index=False)   # a hub built as `haven serve` builds it
    assert not (site / "output" / "pagefind").exists()
    with serve_folder(site / "output") as base:
        page = browser.new_page()
        page.goto(base + "/search/")
        status = wait_for_status(page, "not available")
        assert "preview" in status and "haven build" in status
        assert page.locator("#search-form").is_hidden()
        violations = run_axe(page)
        assert violations == [], format_violations(violations)


HELP_NOTE = "Help is available now: crisis lines are listed above the results."


def test_an_index_in_parts_finds_what_one_index_finds(browser, sample, tmp_path, monkeypatch):
    """With one article per part (a 10,000-article hub has ten parts of 1,000), every article is found by
    its own word from its language's search page, help still comes first, and a common word finds as many
    articles as the single index of the sample build does."""
    monkeypatch.setattr(search_index, "PART_RECORDS", 1)
    site = copy_sample(tmp_path / "site")
    model = build_ok(site).site
    out = site / "output"
    manifest = json.loads((out / "pagefind" / search_index.PARTS_FILE).read_text(encoding="utf-8"))
    assert len(manifest["en"]) >= 2 and (out / "pagefind" / manifest["en"][0] / "pagefind-entry.json").is_file()
    words = unique_words(model)
    by_url = {a.url: a for a in model.articles}
    single_out, _ = sample
    with serve_folder(out) as base, serve_folder(single_out) as single_base:
        page = browser.new_page()
        offsite = block_offsite(page)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        by_prefix: dict[str, list[tuple[str, str]]] = {}
        for url, word in words.items():
            language = by_url[url].lang or model.config.default_language.code
            by_prefix.setdefault(model.config.language_of(language).prefix, []).append((url, word))
        for prefix, searches in sorted(by_prefix.items()):
            # one load of each language's search page; then a reader types one word after another
            page.goto(f"{base}{prefix}/search/?q={searches[0][1]}")
            for url, word in searches:
                # the previous answer wiped, so the one awaited is this word's
                page.eval_on_selector(STATUS, "status => { status.textContent = ''; }")
                page.fill("#search-input", word)
                page.press("#search-input", "Enter")   # searched at once, as the form's button does
                status = wait_for_status(page, word)   # quoted as the page's language quotes
                found = page.eval_on_selector_all("#search-results a", "all => all.map(a => a.getAttribute('href'))")
                assert url in found, (word, status, found)
        page.goto(f"{base}/search/?q=I want to kill myself")
        assert wait_for_status(page, "kill myself").startswith(HELP_NOTE)
        assert not page.evaluate("document.querySelector('#search-help').hidden")
        found = {}
        for where in (base, single_base):
            page.goto(f"{where}/search/?q=empathy")
            wait_for_status(page, "\u2018empathy\u2019")
            found[where] = sorted(a.get_attribute("href") for a in page.locator("#search-results a").all())
        assert found[base] == found[single_base] and found[base]
        assert offsite == [] and problems == []
