"""The preview in a real browser (Debian's chromium): reloads, errors in the page, renames, restarts."""

from __future__ import annotations

import os

import pytest

from generator.serve import Preview
from tests.browser import AXE_TAGS, axe_source, block_offsite, format_violations
from tests.servekit import edit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TIMEOUT = 20_000  # ms: a build on a busy machine can take a few seconds


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


def open_page(context, url):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offsite = block_offsite(page)
    page.goto(url)
    page.wait_for_function("() => window.__havenPreview && window.__havenPreview.events.length > 0",
                           timeout=TIMEOUT)
    page.evaluate("() => { window.__notReloaded = true; }")
    page.errors, page.offsite = errors, offsite
    return page


def reloaded(page) -> bool:
    return page.evaluate("() => window.__notReloaded === undefined")


def test_an_open_page_reloads_after_an_edit(running, context):
    page = open_page(context, running.base + "/articles/quiet-evenings/")
    page.evaluate("() => window.scrollTo(0, 200)")
    edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights and breathe.")
    page.wait_for_selector("text=Dim the lights and breathe.", timeout=TIMEOUT)
    assert reloaded(page)
    assert page.errors == [] and page.offsite == []


def test_errors_show_in_the_page_and_clear_when_fixed(running, context):
    page = open_page(context, running.base + "/articles/quiet-evenings/")
    path = running.site / "articles" / "quiet-evenings.md"
    edit(path, "author: alex-example", "author: nobody-here")
    dialog = page.get_by_role("alertdialog", name="Haven could not rebuild the site")
    dialog.wait_for(state="visible", timeout=TIMEOUT)
    text = dialog.inner_text()
    assert "articles/quiet-evenings.md:4:" in text
    assert "nobody-here" in text
    assert "How to fix:" in text
    assert page.evaluate("() => document.querySelector('#haven-preview-ui').shadowRoot.activeElement.id") \
        == "haven-preview-errors"
    assert dialog.get_attribute("aria-modal") == "true"
    assert dialog.get_attribute("aria-describedby")
    # the last good page is still there behind the overlay
    assert "Dim the lights." in page.locator("main").inner_text()
    assert not reloaded(page)

    # accessible: axe finds nothing wrong with the overlay
    page.add_script_tag(content=axe_source())
    violations = page.evaluate("""async (tags) => {
      const r = await axe.run({include: [['#haven-preview-ui']]},
                              {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))}));
    }""", AXE_TAGS)
    assert violations == [], format_violations(violations)

    # Tab stays inside the dialog; Escape dismisses it and leaves a button to bring it back
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('#haven-preview-ui').shadowRoot.activeElement.textContent") \
        == "Dismiss"
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached", timeout=TIMEOUT)
    badge = page.get_by_role("button", name="Build failed: 1 error - show")
    badge.wait_for(state="visible", timeout=TIMEOUT)
    badge.click()
    dialog.wait_for(state="visible", timeout=TIMEOUT)

    # fixing the file clears the overlay without a reload (nothing changed since the last good build)
    edit(path, "author: nobody-here", "author: alex-example")
    dialog.wait_for(state="detached", timeout=TIMEOUT)
    assert page.locator("[data-haven=error-badge]").count() == 0
    assert page.errors == []


def test_a_page_opened_while_the_build_is_broken_shows_the_errors(running, context):
    edit(running.site / "articles" / "quiet-evenings.md", "title: Quiet evenings", "title: [Quiet")
    running.sync()
    assert running.preview.hub.state["failed"] is True
    page = open_page(context, running.base + "/")
    page.get_by_role("alertdialog").wait_for(state="visible", timeout=TIMEOUT)
    assert "articles/quiet-evenings.md:2:" in page.get_by_role("alertdialog").inner_text()


def test_a_renamed_article_is_followed_and_a_deleted_one_goes_home(running, context):
    page = open_page(context, running.base + "/articles/quiet-evenings/")
    folder = running.site / "articles"
    os.rename(folder / "quiet-evenings.md", folder / "calm-evenings.md")
    page.wait_for_url(running.base + "/articles/calm-evenings/", timeout=TIMEOUT)
    page.wait_for_function("() => window.__havenPreview && window.__havenPreview.events.length > 0",
                           timeout=TIMEOUT)
    (folder / "calm-evenings.md").unlink()
    page.wait_for_url(running.base + "/", timeout=TIMEOUT)
    assert "Quiet evenings" not in page.content()


def test_several_tabs_reload_together(running, context):
    pages = [open_page(context, running.base + path)
             for path in ("/", "/articles/quiet-evenings/", "/articles/first-steps/", "/topics/", "/about/",
                          "/articles/second-steps/", "/authors/", "/sources/")]
    assert running.preview.hub.subscribers <= 2  # one stream per browser (plus the test's own), not per tab
    edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights together.")
    for page in pages:
        page.wait_for_function("() => window.__notReloaded === undefined", timeout=TIMEOUT)
    pages[1].wait_for_selector("text=Dim the lights together.", timeout=TIMEOUT)
    # and the tabs can close, whichever held the stream: another takes over (whether it connects before or
    # after the next save's build, the page ends on the new text: a greeting newer than the page reloads it)
    for page in pages[2:] + pages[:1]:
        page.close()
    edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights together.", "Dim the lights again.")
    pages[1].wait_for_selector("text=Dim the lights again.", timeout=TIMEOUT)


def test_stylesheet_changes_apply_without_a_reload(running, context):
    page = open_page(context, running.base + "/articles/quiet-evenings/")
    css = running.site / "static" / "css" / "haven.css"
    css.write_text(css.read_text() + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n")
    page.wait_for_function("() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
                           timeout=TIMEOUT)
    assert not reloaded(page)


def test_the_page_reconnects_after_the_server_restarts(running, context):
    page = open_page(context, running.base + "/articles/quiet-evenings/")
    port = running.port
    running.stream.close()
    running.preview.stop()
    edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights after a restart.")
    again = Preview(running.site, running.out, port=port, stream=running.log)
    try:
        again.start()
        page.wait_for_selector("text=Dim the lights after a restart.", timeout=TIMEOUT)
    finally:
        again.stop()
    running.preview = again  # so the fixture's stop() is harmless
    running.stream = _Closed()


class _Closed:
    def close(self) -> None:
        pass
