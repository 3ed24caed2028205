"""Shared helpers for tests that drive a real browser (Debian's chromium through Playwright).

Playwright cannot download browsers here, so every launch uses `executable_path=chromium_path()`.
Typical use in a test module::

    import pytest
    from tests.browser import serve_folder, run_axe, block_offsite

    pytestmark = pytest.mark.browser

    def test_home(browser, built_site):      # `browser`: the one chromium of the process (conftest.py)
        with serve_folder(built_site) as base:
            page = browser.new_page()
            offsite = block_offsite(page)
            page.goto(base + "/")
            assert run_axe(page) == []
            assert offsite == []

`require_browser()` skips when chromium or Playwright is missing, except under `CI=true`, where it fails:
CI must never pass by skipping the browser suite.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # belt and braces: even a request that slipped past block_offsite() resolves nowhere
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def chromium_path() -> str:
    """Debian's chromium binary."""
    return shutil.which("chromium") or "/usr/bin/chromium"


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


def require_browser() -> None:
    """Skip the calling test when chromium or Playwright is missing; under CI=true, fail instead."""
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is not installed (make setup)")
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        problems.append(f"chromium not found at {path} (make browser-deps)")
    if problems:
        message = "browser tests need a browser: " + "; ".join(problems)
        if _in_ci():
            pytest.fail(message + " [CI=true: browser tests must not skip]", pytrace=False)
        pytest.skip(message)


# One Playwright driver per process, shared by every launch_browser() (Playwright's sync API refuses a
# second sync_playwright() while one is running, so nested or overlapping launches must share it).
_DRIVER: dict = {"playwright": None, "users": 0}


@contextlib.contextmanager
def _shared_playwright():
    from playwright.sync_api import sync_playwright

    if _DRIVER["users"] == 0:
        _DRIVER["playwright"] = sync_playwright().start()
    _DRIVER["users"] += 1
    try:
        yield _DRIVER["playwright"]
    finally:
        _DRIVER["users"] -= 1
        if _DRIVER["users"] == 0:
            playwright, _DRIVER["playwright"] = _DRIVER["playwright"], None
            playwright.stop()


@contextlib.contextmanager
def launch_browser(**launch_kwargs):
    """Yield a headless Playwright Browser running Debian's chromium; closes it afterwards.

    Launches may nest or overlap (each gets its own browser on one shared Playwright driver). Prefer this
    to calling sync_playwright() yourself: a second sync_playwright() in the same process fails while
    another is alive. Tests use the `browser` fixture (conftest.py: one browser per test process)."""
    options = {"executable_path": chromium_path(), "headless": True, "args": list(CHROMIUM_ARGS)}
    options.update(launch_kwargs)
    with _shared_playwright() as pw:
        browser = pw.chromium.launch(**options)
        try:
            yield browser
        finally:
            browser.close()


class _FolderHandler(http.server.SimpleHTTPRequestHandler):
    """Static handler: index.html for folders (SimpleHTTPRequestHandler's default), 404.html for misses."""

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            page = Path(self.directory) / "404.html"
            if page.is_file():
                body = page.read_bytes()
                self.send_response(404, message)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
        super().send_error(code, message, explain)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serve_folder(path) -> Iterator[str]:
    """Serve `path` on 127.0.0.1 on a free port in a background thread; yield the base URL (no slash)."""
    handler = functools.partial(_FolderHandler, directory=str(path))
    server = _Server(("127.0.0.1", 0), handler)
    host, port = server.server_address[:2]
    thread = threading.Thread(target=server.serve_forever, name="serve_folder", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@functools.lru_cache(maxsize=1)
def axe_source() -> str:
    """axe-core's axe.min.js, as bundled by the PyPI package axe-playwright-python."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


_AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


def install_axe(target) -> None:
    """Put axe-core into every document that `target` (a BrowserContext or a Page) loads from now on.

    One init script, sent once and compiled once by the renderer, where injecting axe after each load
    sends its 570 kB again and parses it again (about 0.1 s a page). axe only defines `window.axe`; the
    page's own scripts never see it. (Chromium runs no init script where JavaScript is off.)"""
    target.add_init_script(script=axe_source())


def _ensure_axe(page) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())


def run_axe(page, tags=None) -> list[dict]:
    """Run axe-core on the page's current document; return its violations (empty list = clean). axe is
    injected when the page does not have it yet (`install_axe` spares a context that work on every load)."""
    _ensure_axe(page)
    return page.evaluate(_AXE_RUN, list(tags or AXE_TAGS))


SCHEMES = ("light", "dark")


def in_both_schemes(page, url: str, index: int = 0) -> Iterator[str]:
    """Load `url` once and yield "light" and "dark", the page shown in that colour scheme at each step.

    The page loads in one scheme and is then switched by emulation: the stylesheet's `prefers-color-scheme`
    rules apply at once, as when a reader's system switches while the page is open. `index` (a crawl's
    page number) alternates the scheme the page loads in, so a crawl also sees both from the first paint.
    The page is left in the second scheme (the next call sets the scheme before it loads)."""
    first = SCHEMES[index % 2]
    page.emulate_media(color_scheme=first)
    page.goto(url)
    yield first
    page.emulate_media(color_scheme=SCHEMES[1 - index % 2])
    yield SCHEMES[1 - index % 2]


def axe_crawl(context, urls, parallel: int = 2, tags=None) -> dict[str, list[dict]]:
    """Load each URL in `context` and run axe-core on it, `parallel` pages at a time (axe runs in the
    pages' renderer processes, so this uses more than one core). Returns {url: violations} for every URL."""
    install_axe(context)
    pages = [context.new_page() for _ in range(max(1, parallel))]
    results: dict[str, list[dict]] = {}
    try:
        urls = list(urls)
        for start in range(0, len(urls), len(pages)):
            batch = list(zip(pages, urls[start:start + len(pages)]))
            for page, url in batch:
                page.goto(url, wait_until="load")
                _ensure_axe(page)
                page.evaluate("(tags) => { window.__havenAxe = (" + _AXE_RUN + ")(tags); }", list(tags or AXE_TAGS))
            for page, url in batch:
                results[url] = page.evaluate("() => window.__havenAxe")
    finally:
        for page in pages:
            page.close()
    return results


def format_violations(violations: list[dict]) -> str:
    """Readable report of run_axe() output for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, n['target']))}: {n['html'][:160]}")
    return "\n".join(lines)


def _is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == "127.0.0.1"


def block_offsite(page) -> list[str]:
    """Abort every request from `page` (a Page or a whole BrowserContext) that is not to 127.0.0.1;
    return the (live) list of blocked URLs."""
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", handle)
    return blocked


# Records Content-Security-Policy violations in the page, for tests that serve the site under its policy.
CSP_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber}`);
});
"""


SLOW_MACHINE_TIMEOUT_MS = 120_000


class WatchedPage:
    """A page that records CSP violations, console errors, Pagefind warnings and off-site requests."""

    def __init__(self, browser):
        self.page = browser.new_page()
        # (no test here is about speed: on a shared runner under load, wrangler once took over Playwright's default
        # 30 s to serve /search/ with its scripts; a page that never loads still fails, later)
        self.page.set_default_timeout(SLOW_MACHINE_TIMEOUT_MS)
        self.page.add_init_script(CSP_WATCH)
        self.problems: list[str] = []
        self.offsite = block_offsite(self.page)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _console(self, message):
        if message.type == "error" or (message.type == "warning" and "pagefind" in message.text.lower()):
            self.problems.append(f"console {message.type}: {message.text} ({self.page.url})")

    def violations(self) -> list[str]:
        """The violations reported since the page last loaded."""
        return self.page.evaluate("() => window.__violations")
