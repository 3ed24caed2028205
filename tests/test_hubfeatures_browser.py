"""A paginated archive, callouts, a redirect and a scheduled preview in a real browser: axe finds nothing in
light and dark mode, the page navigation works by keyboard, the redirect lands on the new page, and a
360 px phone fetches a resized WebP instead of the full-size picture."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import block_offsite, format_violations, in_both_schemes, run_axe, serve_folder
from tests.publishkit import build_ok
from tests.sitekit import SITE_YAML, article, make_site

# one worker builds the module's hub once (under pytest-xdist --dist loadgroup, a group runs on one worker)
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("hubfeatures")]

CALLOUTS = """\
Intro.

!!! key-points
    - First point.
    - Second point.

!!! get-help
    If this goes on for weeks, talk to your doctor.

!!! note "About this note"
    A note.

![A striped test picture](/static/images/wide.png)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("hubfeatures")
    articles = {f"note-{n:02d}.md": article(f"Note {n:02d}", date=f"2026-01-{n:02d}") for n in range(1, 8)}
    articles["boxes.md"] = article("Boxes", date="2026-01-20", body=CALLOUTS, extra="aliases: [/old-boxes/]")
    articles["later.md"] = article("Later", date="2999-01-01")
    site = make_site(root / "site", articles, site_yaml=SITE_YAML + "pagination:\n  per_page: 3\n")
    image = Image.new("RGB", (1600, 1000), (120, 160, 140))
    (site / "static" / "images").mkdir(parents=True)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    (site / "static" / "images" / "wide.png").write_bytes(buffer.getvalue())
    build_ok(site, future=True, search_index=False)
    return site / "output"


@pytest.mark.parametrize("path", ["/articles/", "/articles/page/2/", "/articles/boxes/", "/articles/later/",
                                  "/old-boxes/"])
def test_axe_finds_nothing_in_either_scheme(browser, built, path):
    with serve_folder(built) as base:
        page = browser.new_page()
        offsite = block_offsite(page)
        if path == "/old-boxes/":   # the redirect page itself: its refresh (delay 0, which axe allows) held back
            held = (built / "old-boxes" / "index.html").read_text("utf-8")
            assert held.count('http-equiv="refresh" content="0;') == 1
            page.route("**/old-boxes/", lambda route: route.fulfill(
                body=held.replace('http-equiv="refresh"', 'data-held="refresh"'), content_type="text/html"))
        # "load": the stylesheet is applied before axe looks; then the other scheme on the same page
        violations = {scheme: run_axe(page) for scheme in in_both_schemes(page, base + path)}
        page.close()
    assert violations == {"light": [], "dark": []}, "\n".join(
        f"[{scheme}] {format_violations(found)}" for scheme, found in violations.items())
    assert offsite == []


def test_the_page_navigation_works_by_keyboard_and_marks_the_current_page(browser, built):
    with serve_folder(built) as base:
        page = browser.new_page()
        page.goto(base + "/articles/")
        nav = page.get_by_role("navigation", name="All articles, pages")
        assert nav.get_by_role("link", name="Page 1").get_attribute("aria-current") == "page"
        older = nav.get_by_role("link", name="Older articles")
        older.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(base + "/articles/page/2/")
        assert page.get_by_role("heading", level=1).inner_text() == "All articles (page 2 of 3)"
        assert page.get_by_role("navigation", name="All articles, pages").get_by_role(
            "link", name="Page 2").get_attribute("aria-current") == "page"
        page.close()


def test_callouts_are_named_notes_for_assistive_technology(browser, built):
    with serve_folder(built) as base:
        page = browser.new_page()
        page.goto(base + "/articles/boxes/")
        names = [page.get_by_role("note", name=name).count() for name in ("Key points", "When to get help",
                                                                          "About this note")]
        page.emulate_media(media="print")
        border = page.locator(".callout-key-points").evaluate("e => getComputedStyle(e).borderLeftStyle")
        page.close()
    assert names == [1, 1, 1] and border == "solid"


def test_an_old_address_lands_on_the_new_page(browser, built):
    with serve_folder(built) as base:
        page = browser.new_page()
        page.goto(base + "/old-boxes/")
        page.wait_for_url(base + "/articles/boxes/")
        assert page.get_by_role("heading", level=1).inner_text() == "Boxes"
        page.close()


def test_a_360px_phone_fetches_a_small_webp_not_the_full_picture(browser, built):
    with serve_folder(built) as base:
        page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        fetched: list[str] = []
        page.on("response", lambda response: fetched.append(response.url))   # before the image completes
        page.goto(base + "/articles/boxes/")
        page.locator("picture img").scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('picture img').complete")
        shown = page.locator("picture img").evaluate("e => e.currentSrc")
        page.close()
    # 328 CSS px of column at 2 device pixels each: the 720 px WebP, and never the 1600 px original
    assert shown.endswith("-720.webp") and shown in fetched
    assert not [u for u in fetched if u.endswith("/wide.png") or "_resized" in u and u != shown]
