"""The theme in a real browser (Debian chromium via Playwright), on every page of the sample hub.

What a reader would notice: axe-core finds nothing (WCAG 2.2 A/AA + best practice) in light and dark
mode; nothing is requested from another site; nothing scrolls sideways at 320 CSS px (= 1280 px at 400%
zoom, and 640 px at 200%); the keyboard reaches every link, starting with the skip link, and always shows
where focus is; text contrast is measured (body text >= 7:1, everything else >= 4.5:1) in both colour
schemes; the content note is plain visible text before the body; print shows the article without
navigation and with link addresses; pages work without JavaScript.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import (
    SCHEMES,
    block_offsite,
    format_violations,
    in_both_schemes,
    install_axe,
    run_axe,
    serve_folder,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
NAV_LABELS = ["Home", "Topics", "Authors", "Sources", "Search", "About"]
# the sample hub's second language: its pages live under /es/ (interface text from generator/theme/locales/es.po)
SPANISH = {"lang": "es", "nav": ["Inicio", "Temas", "Autores", "Fuentes", "Buscar", "Quiénes somos"],
           "disclaimer": "No sustituye la atención profesional"}
BODY_TEXT_MIN = 7.0      # WCAG 1.4.6 (AAA) for the article text
OTHER_TEXT_MIN = 4.5     # WCAG 1.4.3 (AA) for all other text
FOCUS_MIN = 3.0          # WCAG 1.4.11 for the focus indicator
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def sample_site(sample_hub) -> Path:
    return sample_hub.out


@pytest.fixture(scope="session")
def base_url(sample_site):
    with serve_folder(sample_site) as base:
        yield base


@pytest.fixture(scope="session")
def pages(sample_site) -> list[str]:
    """Site-relative URL of every HTML page in the build."""
    urls = []
    for path in sorted(sample_site.rglob("*.html")):
        rel = path.relative_to(sample_site).as_posix()
        urls.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    assert len(urls) > 10, urls
    return urls


def article_pages(pages: list[str]) -> list[str]:
    """Article pages: /articles/<slug>/, not the archive (/articles/, /articles/page/2/ ...)."""
    return [u for u in pages if u.startswith("/articles/") and u != "/articles/" and not u.startswith("/articles/page/")]


# ----------------------------------------------------------------------------- in-page scripts

# WCAG relative luminance and contrast of every visible text run against its effective background.
CONTRAST_JS = r"""
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map(v => Math.round(v).toString(16).padStart(2, '0')).join('');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (seen.has(el)) continue;
    seen.add(el);
    if (el.closest('script, style, noscript, [aria-hidden="true"], .visually-hidden')) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (style.visibility !== 'visible' || rect.width === 0 || rect.height === 0) continue;
    let hidden = false;
    for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).opacity === '0') { hidden = true; break; }
    if (hidden) continue;
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const body = !!el.closest('.prose');
    out.push({
      ratio: Math.round(ratio(fg, bg) * 100) / 100, fg: hex(fg), bg: hex(bg), body,
      where: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''),
      text: n.textContent.trim().slice(0, 40),
    });
  }
  return out;
}
"""

# Describes the focused element: which one (DOM index), and how its focus is drawn.
FOCUS_FN = r"""
(el) => {
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    key: [...document.querySelectorAll('*')].indexOf(el) + ' ' + el.tagName + ' ' + (el.getAttribute('href') || '') + ' ' + el.textContent.trim().slice(0, 60),
    cls: String(el.className || ''), outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
    outlineColor: s.outlineColor, inViewport: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    around: (() => {  // the opaque background the outline is drawn on (the parent's)
      for (let e = el.parentElement; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
      }
      return 'rgb(255, 255, 255)';
    })(),
  };
}
"""
FOCUS_JS = "() => (" + FOCUS_FN + ")(document.activeElement)"
# Logs every focus change, so a whole Tab walk needs one read at the end.
RECORD_FOCUS_JS = ("() => { window.__focusLog = []; document.addEventListener('focusin', (e) => "
                   "window.__focusLog.push((" + FOCUS_FN + ")(e.target)), true); }")

FOCUSABLE_JS = r"""
() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
  .filter(e => e.tabIndex >= 0 && !e.disabled && !e.closest('[inert]'))
  .filter(e => { const s = getComputedStyle(e); return s.visibility === 'visible' && s.display !== 'none'
                 && (e.getClientRects().length > 0 || e.classList.contains('skip-link')); })
  .map(e => [...document.querySelectorAll('*')].indexOf(e) + ' ' + e.tagName + ' ' + (e.getAttribute('href') || '') + ' ' + e.textContent.trim().slice(0, 60))
"""

LINE_LENGTH_JS = r"""
() => {
  const paras = [...document.querySelectorAll('.prose > p')].filter(p => p.textContent.length > 400);
  const results = [];
  for (const p of paras) {
    const range = document.createRange();
    range.selectNodeContents(p);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    const lines = tops.size;
    if (lines >= 3) results.push(p.textContent.length / lines);
  }
  return results;
}
"""


def _luminance(rgb: tuple[float, float, float]) -> float:
    def f(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = rgb
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(css: str) -> tuple[float, float, float]:
    inner = css[css.index("(") + 1: css.index(")")].replace(",", " ").replace("/", " ").split()
    return float(inner[0]), float(inner[1]), float(inner[2])


# ----------------------------------------------------------------------------- tests

def shard(pages: list[str], part: int) -> list[str]:
    """One of SHARDS interleaved parts of the pages: a crawl of every page is SHARDS tests, which
    pytest-xdist can hand to different workers (one test of them all would hold one worker for long)."""
    return pages[part::SHARDS]


SHARDS = 3


@pytest.mark.parametrize("part", range(SHARDS))
def test_every_page_passes_axe_and_text_contrast_in_both_schemes_and_requests_nothing_offsite(
        browser, base_url, pages, part):
    """axe-core finds nothing in the light and the dark scheme, and text contrast is measured in both: body
    text (.prose) >= 7:1, all other text >= 4.5:1, from computed styles. Each page is loaded once and checked
    in both schemes (switched as a reader's system does, while the page is open); the pages are loaded in
    light and dark in turn, so both schemes are also seen from the first paint."""
    mine = shard(pages, part)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    install_axe(context)
    blocked = block_offsite(context)
    page = context.new_page()
    failures: list[str] = []
    low: list[str] = []
    pairs: dict[str, dict[tuple[str, str, bool], float]] = {scheme: {} for scheme in SCHEMES}
    try:
        for index, url in enumerate(mine):
            for scheme in in_both_schemes(page, base_url + url, index):
                violations = run_axe(page)
                if violations:
                    failures.append(f"{url} [{scheme}]\n{format_violations(violations)}")
                for run in page.evaluate(CONTRAST_JS):
                    need = BODY_TEXT_MIN if run["body"] else OTHER_TEXT_MIN
                    pairs[scheme][(run["fg"], run["bg"], run["body"])] = run["ratio"]
                    if run["ratio"] < need:
                        low.append(f"{url} [{scheme}]: {run['where']} {run['text']!r} {run['fg']} on {run['bg']} "
                                   f"= {run['ratio']} < {need}")
    finally:
        context.close()
    assert mine
    assert not failures, "axe-core violations:\n" + "\n".join(failures)
    assert blocked == [], f"requests left 127.0.0.1: {blocked}"
    for scheme, measured in pairs.items():
        body = [r for (fg, bg, is_body), r in measured.items() if is_body]
        other = [r for (fg, bg, is_body), r in measured.items() if not is_body]
        assert body and other, f"no body text or no other text measured in the {scheme} scheme"
        assert min(body) >= BODY_TEXT_MIN
        print(f"\ncontrast [{scheme}, part {part}] lowest body {min(body):.2f}, lowest other {min(other):.2f}; pairs: "
              + ", ".join(f"{fg}/{bg}{'*' if b else ''}={r:.2f}" for (fg, bg, b), r in
                          sorted(measured.items(), key=lambda kv: kv[1])))
    assert not low, "text below its contrast minimum:\n" + "\n".join(sorted(set(low))[:40])


def test_every_page_has_the_shared_structure_and_is_usable_without_javascript(browser, base_url, pages):
    """lang, skip link first, header with the hub's name and main navigation, one main, crisis region, footer;
    and on a phone no page needs a script to show its content or navigation (search says so itself). Both
    with JavaScript off, on one load of each page."""
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    problems = []
    try:
        for url in pages:
            page.set_viewport_size(DESKTOP)
            page.goto(base_url + url)
            facts = page.evaluate(r"""() => {
              const first = document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
              const crisis = document.querySelector('#crisis-help');
              const cs = crisis && getComputedStyle(crisis);
              return {
                lang: document.documentElement.lang,
                firstFocusable: first && first.className, firstHref: first && first.getAttribute('href'),
                mains: document.querySelectorAll('main').length, mainId: document.querySelector('main') && document.querySelector('main').id,
                siteName: (document.querySelector('header .site-name') || {}).textContent,
                nav: [...document.querySelectorAll('header nav.site-nav a')].map(a => a.textContent.trim()),
                crisis: !!crisis, crisisVisible: !!crisis && cs.display !== 'none' && cs.visibility === 'visible'
                  && crisis.getBoundingClientRect().height > 50 && cs.animationName === 'none',
                tel: crisis ? crisis.querySelectorAll('a[href^="tel:"]').length : 0,
                web: crisis ? crisis.querySelectorAll('a[href^="http"]').length : 0,
                emergency: !!document.querySelector('#crisis-help .emergency'),
                crisisBeforeFooter: !!crisis && !!(crisis.compareDocumentPosition(document.querySelector('footer')) & Node.DOCUMENT_POSITION_FOLLOWING)
                  && !!(document.querySelector('main').compareDocumentPosition(crisis) & Node.DOCUMENT_POSITION_FOLLOWING),
                disclaimer: (document.querySelector('footer .disclaimer') || {}).textContent || '',
              };
            }""")
            spanish = url.startswith("/es/")
            disclaimer = SPANISH["disclaimer"] if spanish else "not a substitute for professional care"
            facts["disclaimer"] = disclaimer in facts["disclaimer"]
            expect = {"lang": "es" if spanish else "en-US", "firstFocusable": "skip-link", "firstHref": "#main",
                      "mains": 1, "mainId": "main", "nav": SPANISH["nav"] if spanish else NAV_LABELS, "crisis": True,
                      "crisisVisible": True, "emergency": True, "crisisBeforeFooter": True, "disclaimer": True}
            for key, value in expect.items():
                if facts[key] != value:
                    problems.append(f"{url}: {key} = {facts[key]!r}, expected {value!r}")
            if not facts["siteName"] or "Haven" not in facts["siteName"]:
                problems.append(f"{url}: header does not name the hub")
            if facts["tel"] < 1 or facts["web"] < 1:
                problems.append(f"{url}: crisis region lacks a tel: link or a web link")
            page.set_viewport_size(PHONE)
            text, links = page.evaluate("""() => [document.querySelector('main').innerText,
                                                 document.querySelectorAll('header nav.site-nav a').length]""")
            if len(text.strip()) < 40 or links != len(NAV_LABELS):
                problems.append(f"{url} without JavaScript on a phone: main has {len(text.strip())} characters, "
                                f"header nav {links} links")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


SCROLL_JS = """() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= doc.clientWidth + 1) return null;
  return [doc.scrollWidth, doc.clientWidth, [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > doc.clientWidth + 1).slice(-3).map(e => e.outerHTML.slice(0, 120))];
}"""


def test_no_horizontal_scrolling_at_320_css_px(browser, base_url, pages):
    """Every page at 320 CSS px (WCAG 1.4.10 reflow: 1280 px at 400% zoom), and a few pages at every
    common width in between, so no layout step overflows either."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    wide = []
    try:
        for url in pages:
            page.goto(base_url + url)
            overflow = page.evaluate(SCROLL_JS)
            if overflow:
                wide.append(f"{url} at 320 px: {overflow}")
        # the pages' layout is CSS alone (no script sizes anything), so one load per page serves every width
        samples = ["/", next(u for u in article_pages(pages)), "/sources/"]
        for url in samples:
            page.goto(base_url + url)
            for width in (360, 414, 480, 600, 640, 720, 768, 860, 1024, 1280):
                page.set_viewport_size({"width": width, "height": 800})
                overflow = page.evaluate(SCROLL_JS)
                if overflow:
                    wide.append(f"{url} at {width} px: {overflow}")
            page.set_viewport_size({"width": 320, "height": 640})
    finally:
        context.close()
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("scheme, part", [("light", part) for part in range(SHARDS)] + [("dark", None)])
def test_keyboard_walk_reaches_everything_with_visible_focus(browser, base_url, pages, scheme, part):
    """Tab from the top: the skip link first (and it works), then every link and control, each with a focus ring
    (every page in the light scheme, in SHARDS parts; an article and the home page in the dark one)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme,
                                        reduced_motion="reduce")
    page = context.new_page()
    problems = []
    walk = shard(pages, part) if scheme == "light" else article_pages(pages)[:1] + ["/"]
    assert walk
    try:
        for url in walk:
            page.goto(base_url + url)
            expected = set(page.evaluate(FOCUSABLE_JS))
            page.evaluate(RECORD_FOCUS_JS)
            page.keyboard.press("Tab")
            first = page.evaluate(FOCUS_JS)
            if not first or "skip-link" not in first["cls"] or not first["inViewport"]:
                problems.append(f"{url}: first Tab stop is {first}, not a visible skip link")
                continue
            for _ in range(len(expected) + 1):
                page.keyboard.press("Tab")
            log = [entry for entry in page.evaluate("() => window.__focusLog") if entry]
            reached = {entry["key"] for entry in log}
            for info in {entry["key"]: entry for entry in log}.values():
                if info["outlineStyle"] in ("none", "hidden") or info["outlineWidth"] < 2:
                    problems.append(f"{url}: no visible focus ring on {info['key']} ({info['outlineStyle']} {info['outlineWidth']}px)")
                    continue
                if not info["inViewport"]:
                    problems.append(f"{url}: focused element scrolled out of view: {info['key']}")
                ratio = _contrast(_rgb(info["outlineColor"]), _rgb(info["around"]))
                if ratio < FOCUS_MIN:
                    problems.append(f"{url}: focus ring {info['outlineColor']} on {info['around']} = {ratio:.2f} < {FOCUS_MIN}")
            missing = expected - reached
            if missing:
                problems.append(f"{url}: never reached by Tab: {sorted(missing)[:5]}")
            # the skip link works: focused again after the walk (no second load), Enter moves focus to main
            page.focus("a.skip-link")
            page.keyboard.press("Enter")
            landed = page.evaluate("() => [location.hash, document.activeElement && document.activeElement.id]")
            if landed != ["#main", "main"]:
                problems.append(f"{url}: skip link moved to {landed}, expected focus on main")
    finally:
        context.close()
    assert not problems, "\n".join(problems[:40])


def test_content_note_is_plain_visible_text_before_the_body(browser, base_url, pages):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    checked = 0
    try:
        for url in article_pages(pages):
            page.goto(base_url + url)
            note = page.evaluate(r"""() => {
              const n = document.querySelector('.content-note');
              if (!n) return null;
              const s = getComputedStyle(n), r = n.getBoundingClientRect();
              let covered = false;
              for (let e = n; e; e = e.parentElement) {
                const cs = getComputedStyle(e);
                if (cs.filter !== 'none' || cs.opacity !== '1' || e.tagName === 'DETAILS' && !e.open) covered = true;
              }
              const prose = document.querySelector('.prose');
              return {
                text: n.innerText, visible: s.display !== 'none' && s.visibility === 'visible' && r.width > 0 && r.height > 0,
                covered, before: !!(n.compareDocumentPosition(prose) & Node.DOCUMENT_POSITION_FOLLOWING),
                interactive: !!n.querySelector('button, details, summary'),
              };
            }""")
            if note is None:
                continue
            checked += 1
            assert note["visible"] and not note["covered"], f"{url}: content note is hidden, blurred or collapsed"
            assert note["before"], f"{url}: content note comes after the body"
            assert not note["interactive"], f"{url}: content note needs a click to read"
            assert note["text"].startswith("Content note:"), note["text"]
    finally:
        context.close()
    assert checked >= 1, "the sample hub should have at least one article with a content note"


def test_article_text_line_length_is_comfortable(browser, base_url, pages):
    """About 60-75 characters per line at desktop width (and never more than 80)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    averages = []
    try:
        for url in article_pages(pages):
            page.goto(base_url + url)
            averages += page.evaluate(LINE_LENGTH_JS)
    finally:
        context.close()
    assert averages, "no long paragraphs measured"
    mean = sum(averages) / len(averages)
    assert 55 <= mean <= 78, f"mean {mean:.1f} characters per line"
    assert max(averages) <= 82, f"a paragraph runs {max(averages):.1f} characters per line"


def test_print_stylesheet_shows_the_article_and_link_addresses(browser, base_url, pages):
    context = browser.new_context(viewport={"width": 900, "height": 1200})
    page = context.new_page()
    url = next(u for u in article_pages(pages) if u.endswith("/empathy-in-mental-health-care/"))
    try:
        page.goto(base_url + url)
        page.emulate_media(media="print")
        facts = page.evaluate(r"""() => {
          const p = document.querySelector('.prose p');
          const a = document.createElement('a');
          a.href = 'https://example.org/guide'; a.textContent = 'a guide';
          p.appendChild(a);
          const shown = (sel) => [...document.querySelectorAll(sel)].some(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length);
          return {
            navShown: [...document.querySelectorAll('nav, .site-header, .skip-link')].filter(e => getComputedStyle(e).display !== 'none').length,
            after: getComputedStyle(a, '::after').content,
            article: shown('.prose'), refs: shown('#refs'), title: shown('h1'),
            bg: getComputedStyle(document.body).backgroundColor, color: getComputedStyle(document.body).color,
          };
        }""")
    finally:
        context.close()
    assert facts["navShown"] == 0, "navigation is printed"
    assert "https://example.org/guide" in facts["after"], facts["after"]
    assert facts["article"] and facts["title"] and facts["refs"], facts
    assert facts["bg"] == "rgb(255, 255, 255)" and facts["color"] == "rgb(0, 0, 0)", facts


def test_reduced_motion_is_respected(browser, base_url):
    results = {}
    for motion in ("reduce", "no-preference"):
        context = browser.new_context(reduced_motion=motion)
        page = context.new_page()
        page.goto(base_url + "/")
        results[motion] = page.evaluate("""() => ({
          scroll: getComputedStyle(document.documentElement).scrollBehavior,
          animated: [...document.querySelectorAll('*')].filter(e => getComputedStyle(e).animationName !== 'none').length,
        })""")
        context.close()
    assert results["reduce"] == {"scroll": "auto", "animated": 0}, results
    assert results["no-preference"]["animated"] == 0, results


def test_article_pages_carry_what_a_reader_needs(browser, base_url, pages):
    """Breadcrumb, title, summary, byline to author pages, dates in <time>, review status, reading time,
    topics, a labelled previous/next navigation naming the neighbours, related articles, references."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    problems = []
    seen = {"prev_next": 0, "related": 0, "toc": 0}
    try:
        for url in article_pages(pages):
            page.goto(base_url + url)
            f = page.evaluate(r"""() => {
              const q = (s) => document.querySelector(s), qa = (s) => [...document.querySelectorAll(s)];
              const pn = q('nav.prev-next');
              return {
                breadcrumb: qa('nav[aria-label="Breadcrumb"] a').length >= 2,
                current: !!q('nav[aria-label="Breadcrumb"] a[aria-current="page"]'),
                h1: qa('main h1').length, summary: !!(q('.article-header .summary') || {}).textContent,
                byline: qa('.facts a[href*="/authors/"]').length,
                times: qa('.facts time[datetime]').map(t => t.getAttribute('datetime')),
                review: /review/i.test((q('.facts') || {}).textContent || ''),
                reading: /minute/.test((q('.facts') || {}).textContent || ''),
                topics: qa('.facts a[href*="/topics/"]').length,
                prevNextLabel: pn && pn.getAttribute('aria-label'),
                prevNext: pn ? qa('nav.prev-next a[rel="prev"], nav.prev-next a[rel="next"]').map(a => a.querySelector('.title').textContent.trim()) : [],
                related: qa('#related .card a').length,
                toc: !!q('nav#toc'), h2s: qa('.prose h2').length,
                refs: qa('#refs .csl-entry[id^="ref-"]').length, citations: qa('.prose .citation').length,
                notes: qa('.prose .footnote li').length, notesHeading: !!q('.prose .footnote h2'),
                noteRefs: qa('.prose .footnote-ref').every(a => a.getAttribute('aria-describedby') === 'footnotes-heading'),
                tablesHeaded: qa('.prose table').every(t => t.querySelector('th[scope]')),
              };
            }""")
            need = {"breadcrumb": True, "current": True, "h1": 1, "summary": True, "review": True, "reading": True}
            for key, value in need.items():
                if f[key] != value:
                    problems.append(f"{url}: {key} = {f[key]!r}")
            if f["byline"] < 1 or not f["times"] or f["topics"] < 1:
                problems.append(f"{url}: byline/dates/topics missing: {f}")
            if f["prevNext"] and not f["prevNextLabel"]:
                problems.append(f"{url}: previous/next navigation has no label")
            if any(not t for t in f["prevNext"]):
                problems.append(f"{url}: previous/next link without the neighbour's title")
            if f["h2s"] >= 3 and not f["toc"]:
                problems.append(f"{url}: long article without a table of contents")
            if f["citations"] and not f["refs"]:
                problems.append(f"{url}: citations but no reference list")
            if f["notes"] and not (f["notesHeading"] and f["noteRefs"]):
                problems.append(f"{url}: footnotes without a heading or unlabelled note references")
            if not f["tablesHeaded"]:
                problems.append(f"{url}: a table without header cells")
            seen["prev_next"] += bool(f["prevNext"])
            seen["related"] += bool(f["related"])
            seen["toc"] += f["toc"]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert all(seen.values()), f"the sample hub should exercise every part of the article page: {seen}"


FULL_ARTICLE_BODY = """\
Breathing slowly can help when you feel tense.[^1] A [guide from a health service](https://nhs.example.org/breathing)
explains one way to do it.

## How to start

> Slow down your breath, and your body often follows.

<figure><img src="/static/favicon.svg" alt="The hub's logo, a small house" width="64" height="64">
<figcaption>A figure with a caption.</figcaption></figure>

## What people notice

<table><caption>What people notice after a week</caption>
<thead><tr><th scope="col">Change</th><th scope="col">How often</th></tr></thead>
<tbody><tr><td>Calmer mornings</td><td>Often</td></tr><tr><td>Better sleep</td><td>Sometimes</td></tr></tbody>
</table>

## When to ask for help

If tension stays, talk to a doctor. Keep `notes` if that helps.

[^1]: A footnote with more detail.
"""


def test_every_article_feature_renders_accessibly(browser, tmp_path):
    """A fixture article using what the sample hub does not: several authors with credentials, a clinical
    reviewer, an updated date, a table caption, a figure, a blockquote, code, an external link, a footnote."""
    from tests.sitekit import article, make_site

    full = article("Everything at once", next="second", extra="""\
        author: [alex-example, sam-sample]
        updated: 2026-03-01
        reviewed_by: sam-sample
        reviewed_on: 2026-03-02
        content_note: Mentions stress in general terms.
        """, body=FULL_ARTICLE_BODY).replace("author: alex-example\n", "", 1)
    site = make_site(tmp_path / "hub", {"full.md": full, "second.md": article("Second", previous="full")})
    from tests.publishkit import build_ok

    build_ok(site, use_cache=False)
    failures: list[str] = []
    with serve_folder(site / "output") as base:
        context = browser.new_context()
        install_axe(context)
        blocked = block_offsite(context)
        page = context.new_page()
        page.goto(base + "/articles/full/")
        facts = page.evaluate(r"""() => ({
          authors: [...document.querySelectorAll('.facts a[href*="/authors/"]')].map(a => a.textContent),
          credentials: [...document.querySelectorAll('.facts .credentials')].map(c => c.textContent),
          times: [...document.querySelectorAll('.facts time')].map(t => t.getAttribute('datetime')),
          caption: (document.querySelector('.prose table caption') || {}).textContent,
          figcaption: !!document.querySelector('.prose figure figcaption'),
        })""")
        assert facts["authors"] == ["Alex Example (fictional)", "Sam Sample (fictional)", "Sam Sample (fictional)"]
        assert "MA" in facts["credentials"]
        # published, updated, reviewed on, and the next review: 24 months after the review
        assert facts["times"] == ["2026-01-10", "2026-03-01", "2026-03-02", "2028-03-02"]
        assert facts["caption"] == "What people notice after a week" and facts["figcaption"]
        for index, url in enumerate(("/articles/full/", "/authors/sam-sample/")):
            for scheme in in_both_schemes(page, base + url, index):
                low = [r for r in page.evaluate(CONTRAST_JS)
                       if r["ratio"] < (BODY_TEXT_MIN if r["body"] else OTHER_TEXT_MIN)]
                assert not low, (url, scheme, low)
                violations = run_axe(page)
                if violations:
                    failures.append(f"{url} [{scheme}]\n{format_violations(violations)}")
        context.close()
    assert not failures, "\n".join(failures)
    assert blocked == [], blocked
