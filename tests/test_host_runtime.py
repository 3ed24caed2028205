"""The built hub served by a real static host's runtime: Cloudflare's `wrangler pages dev` (the same
`_headers`, `_redirects` and 404 handling as Cloudflare Pages), driven by Debian's chromium.

For the hub at the root of a domain and for the sub-path build (`base_url: https://example.org/hub/`,
served under /hub/ from a parent folder, as a host publishing several things would), on every file the
build wrote: the headers are the rules Haven means to send (generator.headers) and those the build's
`_headers` file holds; no page reports a CSP violation, search included (a query typed, results shown);
a missing page gets 404 with the hub's own 404 page; files under static/ carry the Cache-Control that
docs/deploy.md recommends; every `_redirects` entry redirects with its status.

One wrangler per build variant (module-scoped); see tests/hostkit.py for how it is started and stopped.
"""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.headers import header_rules, parse_headers_file
from tests.browser import SLOW_MACHINE_TIMEOUT_MS, WatchedPage
from tests.hostkit import ensure_wrangler, log_of, wrangler_serving
from tests.publishkit import REPO, build_ok, copy_sample, html_pages, page_url

# one wrangler per build variant: under pytest-xdist (`--dist loadgroup`) the whole module runs on one worker
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("host-runtime")]

VARIANTS = {"root": "https://example.org/", "sub-path": "https://example.org/hub/"}
HOST_FILES = ("_headers", "_redirects")   # read by the host from the root of what it publishes
RENAMED = "empathy-vs-sympathy"   # the sample article the suite renames: its old addresses become aliases
ALIASES = ("/articles/sympathy-or-empathy/", "/empathy-vs-sympathy.html")

@dataclass
class Hosted:
    """A build served by wrangler: where it is and what it holds."""

    origin: str          # http://127.0.0.1:PORT
    base_path: str       # "/" or "/hub/"
    out: Path            # the build (inside `served`)
    served: Path         # the folder wrangler publishes
    workdir: Path
    allow_hosts: tuple[str, ...]   # privacy.allow_hosts of the sample hub (in the policy)

    def url(self, path: str) -> str:
        return self.origin + path

    def files(self) -> list[Path]:
        """Every file a reader can ask for (Haven's record and the host's own files left out)."""
        return sorted(p for p in self.out.rglob("*") if p.is_file() and not p.name.startswith(".")
                      and p.name not in HOST_FILES)

    def file_path(self, file: Path) -> str:
        """The URL path of a built file (folders' index.html as the folder)."""
        return page_url(self.out, file, self.base_path)


@pytest.fixture(scope="module", params=list(VARIANTS))
def hosted(request, tmp_path_factory):
    """The sample hub built with --headers and served by `wrangler pages dev` (one per variant)."""
    ensure_wrangler()
    root = tmp_path_factory.mktemp(f"host-{request.param}")
    site = copy_sample(root / "site", base_url=VARIANTS[request.param])
    renamed = site / "articles" / f"{RENAMED}.md"   # an article renamed twice: its old addresses are aliases
    text = renamed.read_text("utf-8")
    renamed.write_text(text.replace("---\n", f"---\naliases: [{', '.join(ALIASES)}]\n", 1), "utf-8")
    served = root / "served"
    result = build_ok(site, out=served / "hub" if request.param == "sub-path" else served, headers=True)
    base_path = result.site.config.base_path
    out = served / base_path.strip("/") if base_path != "/" else served
    for name in HOST_FILES:   # a host reads these only at the root of what it publishes
        if out != served and (out / name).exists():
            shutil.move(out / name, served / name)
    with wrangler_serving(served, root / "wrangler") as origin:
        yield Hosted(origin, base_path, out, served, root / "wrangler", tuple(result.site.config.allow_hosts))


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes, str]:
    """(status, lower-cased headers, body, final URL) without following redirects."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, method=method), timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read(), url
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read(), url


def _pattern(rule: str) -> re.Pattern:
    """A _headers path pattern as Cloudflare Pages and Netlify read it: `*` matches anything, `:name` a segment."""
    parts = re.split(r"(\*|:[A-Za-z]\w*)", rule)
    return re.compile("".join(".*" if p == "*" else "[^/]+" if p.startswith(":") else re.escape(p) for p in parts))


def expected_headers(hosted: Hosted, path: str) -> dict[str, str]:
    """The headers Haven means a host to send for `path` (every matching rule)."""
    expected: dict[str, str] = {}
    for rule, headers in header_rules(hosted.base_path, hosted.allow_hosts):
        if _pattern(rule).fullmatch(path):
            for name, value in headers:
                expected[name.lower()] = value
    return expected


def header_mismatches(hosted: Hosted, path: str, sent: dict[str, str], leave_out: tuple[str, ...] = ()) -> list[str]:
    return [f"{path}: {name} is {sent.get(name)!r}, expected {value!r}"
            for name, value in expected_headers(hosted, path).items()
            if sent.get(name) != value and name not in leave_out]


def test_the_built_headers_file_holds_the_rules_haven_sends(hosted):
    rules = parse_headers_file((hosted.served / "_headers").read_text("utf-8"))
    assert rules == header_rules(hosted.base_path, hosted.allow_hosts)


def test_every_file_is_served_with_the_headers_in_headers_file(hosted):
    files = hosted.files()
    assert len(files) > 40
    redirected = {source for source, _, _ in redirect_rules(hosted)}   # the host answers these with a redirect
    problems: list[str] = []
    for file in files:
        path = hosted.file_path(file)
        if path in redirected:
            continue
        status, sent, body, _ = fetch(hosted.url(path), "GET")
        if file.name.endswith(".html") and file.name != "index.html":
            # Cloudflare serves /x.html as /x (308 there); the headers are checked where it lands
            if status in (301, 308):
                status, sent, body, _ = fetch(hosted.url(sent["location"]) if sent["location"].startswith("/")
                                              else sent["location"])
        if status != 200:
            problems.append(f"{path}: status {status}")
            continue
        if file.name != "404.html" and body != file.read_bytes():
            problems.append(f"{path}: served bytes differ from the build")
        problems += header_mismatches(hosted, path, sent)
    assert problems == [], "\n".join(problems[:30])


Watched = WatchedPage


def test_no_page_reports_a_csp_violation(browser, hosted):
    watched = Watched(browser)
    pages = [hosted.file_path(p) for p in html_pages(hosted.out)]
    assert len(pages) > 20
    problems: list[str] = []
    for path in pages:
        response = watched.page.goto(hosted.url(path), wait_until="load")
        assert response is not None
        expected_status = 404 if path.endswith("404.html") else 200
        if response.status != expected_status and not path.endswith("404.html"):
            problems.append(f"{path}: status {response.status}")
        problems += header_mismatches(hosted, path, response.all_headers())
        problems += [f"{path}: {v}" for v in watched.violations()]
    assert problems == [], "\n".join(problems[:30])
    assert watched.problems == [] and watched.offsite == []


def test_search_finds_articles_under_the_policy(browser, hosted):
    watched = Watched(browser)
    response = watched.page.goto(hosted.url(hosted.base_path + "search/"))
    assert response is not None and response.status == 200
    assert response.all_headers()["content-security-policy"] == expected_headers(
        hosted, hosted.base_path + "search/")["content-security-policy"]
    watched.page.fill("#search-input", "empathy")
    watched.page.wait_for_function(
        "() => /\\d+ results? for/.test(document.querySelector('#search-status').textContent)", timeout=SLOW_MACHINE_TIMEOUT_MS)
    links = watched.page.locator("#search-results li a")
    assert links.count() > 0
    first = links.first.get_attribute("href") or ""
    assert first.startswith(hosted.base_path + "articles/"), first
    assert watched.violations() == []
    assert watched.problems == [] and watched.offsite == []
    # the result leads to a real page on this host
    status, _, _, _ = fetch(hosted.url(first))
    assert status == 200, first


def test_a_missing_page_gets_404_with_the_hubs_404_page(browser, hosted):
    not_found = (hosted.out / "404.html").read_bytes()
    for path in ("no-such-article/", "articles/no-such-article/", "static/no-such.css", "topics/x/y/z"):
        status, sent, body, _ = fetch(hosted.url(hosted.base_path + path))
        assert status == 404, (path, log_of(hosted.workdir)[-2000:])
        assert body == not_found, path
        # every security header, but never the static files' cache: the host sends `no-store` with a 404
        assert header_mismatches(hosted, hosted.base_path + path, sent, leave_out=("cache-control",)) == []
        assert sent.get("cache-control") == "no-store", path
    watched = Watched(browser)
    response = watched.page.goto(hosted.url(hosted.base_path + "articles/renamed-long-ago/"))
    assert response is not None and response.status == 404
    assert watched.page.title().startswith("Page not found")
    # the 404 page's own stylesheet loads under the policy (a reader sees the hub, not a bare page)
    assert watched.page.evaluate("() => [...document.styleSheets].some(s => s.cssRules.length > 0)")
    # the only error is the page's own 404 (which chromium logs): no stylesheet or script failed
    assert [p for p in watched.problems if "status of 404" not in p or "renamed-long-ago" not in p] == []
    assert len(watched.problems) == 1
    assert watched.violations() == [] and watched.offsite == []


def redirect_rules(hosted: Hosted) -> list[tuple[str, str, int]]:
    """(from, to, status) of every line of the _redirects file the host reads."""
    rules: list[tuple[str, str, int]] = []
    if not (hosted.served / "_redirects").exists():
        return rules
    for line in (hosted.served / "_redirects").read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            source, target, status = line.split()
            rules.append((source, target, int(status)))
    return rules


def test_every_redirects_entry_redirects_with_its_status(browser, hosted):
    rules = redirect_rules(hosted)
    target = f"{hosted.base_path}articles/{RENAMED}/"
    assert {(s, t) for s, t, _ in rules} >= {(hosted.base_path + a.lstrip("/"), target) for a in ALIASES}
    for source, destination, status in rules:
        code, sent, _, _ = fetch(hosted.url(source))
        assert code == status, (source, code, log_of(hosted.workdir)[-1500:])
        assert urllib.parse.urljoin(hosted.url(source), sent["location"]) == hosted.url(destination), source
        assert fetch(hosted.url(destination))[0] == 200, destination
    # a reader following an old link lands on the article, under the policy
    watched = Watched(browser)
    for alias in ALIASES:
        response = watched.page.goto(hosted.url(hosted.base_path + alias.lstrip("/")))
        assert response is not None and response.status == 200
        assert watched.page.url == hosted.url(target)
        assert response.request.redirected_from is not None
        assert response.request.redirected_from.response().status == 301
    assert watched.violations() == [] and watched.problems == [] and watched.offsite == []


def recommended_static_cache() -> str:
    """The Cache-Control docs/deploy.md recommends for /static/ (its "Caching" section)."""
    guide = (REPO / "docs" / "deploy.md").read_text("utf-8")
    section = guide.split("## Caching", 1)[1].split("\n## ", 1)[0]
    (value,) = set(re.findall(r"`/static/\*`[^`]*`Cache-Control: ([^`]+)`", section))
    return value


def test_static_files_carry_the_cache_control_the_guide_recommends(hosted):
    recommended = recommended_static_cache()
    static = [f for f in hosted.files() if f.relative_to(hosted.out).parts[0] == "static"]
    assert len(static) >= 3
    for file in static:
        status, sent, _, _ = fetch(hosted.url(hosted.file_path(file)))
        assert status == 200 and sent.get("cache-control") == recommended, (file, sent.get("cache-control"))
    # pages are not cached that way: a reader gets a changed article at once
    status, sent, _, _ = fetch(hosted.url(hosted.base_path))
    assert status == 200 and sent.get("cache-control") != recommended
    assert "max-age=0" in sent.get("cache-control", "") or "no-cache" in sent.get("cache-control", "")


def test_the_harness_sees_a_violation(browser, hosted):
    """Control: under wrangler's headers an inline script is blocked, and the watcher reports it."""
    watched = Watched(browser)
    watched.page.goto(hosted.url(hosted.base_path))
    watched.page.evaluate("""() => {
        const script = document.createElement('script'); script.textContent = 'window.__ran = true';
        document.head.append(script);
    }""")
    watched.page.wait_for_function("() => window.__violations.length >= 1")
    assert "script-src" in " ".join(watched.violations())
    assert watched.page.evaluate("() => window.__ran === undefined")
