"""The Content-Security-Policy `haven build --headers` writes holds in a real browser: served with the
headers from output/_headers, no page (the search page with a search run included) reports a CSP
violation, a console error or a request to another site."""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import http.server
import threading
from pathlib import Path

import pytest

from generator.headers import content_security_policy, parse_headers_file
from tests.browser import WatchedPage
from tests.publishkit import html_pages, page_url

pytestmark = pytest.mark.browser

class HeadersHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder like a static host that reads _headers (Netlify / Cloudflare Pages rules)."""

    rules: list[tuple[str, list[tuple[str, str]]]] = []

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def end_headers(self):
        path = self.path.split("?", 1)[0]
        for pattern, headers in self.rules:
            if fnmatch.fnmatchcase(path, pattern):
                for name, value in headers:
                    self.send_header(name, value)
        super().end_headers()


@contextlib.contextmanager
def serve_with_headers(folder: Path):
    rules = parse_headers_file((folder / "_headers").read_text("utf-8"))
    handler = functools.partial(type("Handler", (HeadersHandler,), {"rules": rules}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def site(sample_hub):
    return sample_hub.out


class Watched(WatchedPage):
    """The shared watcher, checking each page's own Content-Security-Policy header as it loads."""

    def goto(self, url: str):
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        assert response.headers.get("content-security-policy") == content_security_policy(), url
        return response


def test_no_page_breaks_the_policy(browser, site):
    with serve_with_headers(site) as base:
        watched = Watched(browser)
        pages = [page_url(site, p) for p in html_pages(site)]
        assert len(pages) > 20
        for url in pages:
            watched.goto(base + url)
            watched.page.wait_for_load_state("load")
            assert watched.violations() == [], url
        assert watched.problems == [] and watched.offsite == []


def test_search_runs_under_the_policy(browser, site):
    with serve_with_headers(site) as base:
        watched = Watched(browser)
        watched.goto(base + "/search/")
        watched.page.fill("#search-input", "empathy")
        watched.page.wait_for_function(
            "() => /\\d+ results? for/.test(document.querySelector('#search-status').textContent)", timeout=15_000)
        assert watched.page.locator("#search-results li").count() > 0
        # the worker and the WebAssembly it compiles are served with the same policy
        worker = watched.page.request.get(base + "/pagefind/pagefind-worker.js")
        assert worker.headers.get("content-security-policy") == content_security_policy()
        assert watched.violations() == []
        assert watched.problems == [] and watched.offsite == []
        assert watched.page.evaluate("() => typeof WebAssembly") == "object"


def test_the_harness_does_see_violations(browser, site):
    """Control: an inline style and an inline script are blocked and reported."""
    with serve_with_headers(site) as base:
        watched = Watched(browser)
        watched.goto(base + "/")
        watched.page.evaluate("""() => {
            const style = document.createElement('style'); style.textContent = 'body { color: red }';
            document.head.append(style);
            const script = document.createElement('script'); script.textContent = 'window.__ran = true';
            document.head.append(script);
        }""")
        watched.page.wait_for_function("() => window.__violations.length >= 2")
        kinds = " ".join(watched.violations())
        assert "style-src" in kinds and "script-src" in kinds
        assert watched.page.evaluate("() => window.__ran === undefined")
