"""The URL policy and the privacy promise, applied to bodies, `image:`, static files, rendered pages and
templates. Data files and site.yaml apply it where they are read (generator.urlpolicy.checked), and
references in checks/reference_fields.py (through generator.urlpolicy.examine).

Pure apart from reading the hub's static/ files: they return findings; the build decides severity in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.checks import policy
from generator.checks.policy import apply_policy, severity_of
from generator.diagnostics import Diagnostic
from generator.markup.cssurls import css_urls
from generator.markup.htmlscan import HtmlNote, file_code_notes, page_addresses, scan
from generator.markup.htmlscan import readable_text as _RAW_PAGE_TEXT
from generator.model import LinkRef, Site, SiteConfig
from generator.urlpolicy import FETCHED_KEYS, AllowedHosts, check_url, examine, remote_finding, urls_in_extra

_EMBEDS = frozenset({"iframe", "frame", "frameset", "embed", "object", "applet", "portal"})
_MEDIA = frozenset({"video", "audio", "source", "track", "picture"})
_SCRIPTS = frozenset({"script", "noscript", "template"})
_STYLES = frozenset({"style", "link"})
_FORMS = frozenset({"form", "input", "button", "select", "textarea", "option", "optgroup", "label", "fieldset",
                    "legend", "datalist", "output"})
_PAGE_PARTS = frozenset({"html", "head", "body", "meta", "base", "title"})
_DRAWINGS = frozenset({"svg", "math", "canvas"})


def allowed_hosts(site_or_base_url: str, listed: Iterable[str]) -> AllowedHosts:
    """The hosts a page may load from: the hub's own (from base_url) and those listed in site.yaml."""
    return AllowedHosts(examine(site_or_base_url).host, tuple(listed))


def body_findings(path: str, notes: Iterable[HtmlNote], first_line: int, allowed: AllowedHosts,
                  shipped_images: Iterable[LinkRef] = ()) -> list[Diagnostic]:
    """Findings for what a body's HTML holds: refused addresses, remote files, and what the sanitizer removes.

    `shipped_images` are the images left in the sanitized HTML (what readers get): any from another host
    that the notes missed (markup read differently by the scan and the sanitizer) is reported too.
    """
    out: list[Diagnostic] = []
    for note in notes:
        line, col = note.line + first_line - 1, note.col
        what = f"<{note.tag}> {note.attr}" if note.tag not in ("a", "img") else (
            "the link" if note.tag == "a" else "the image")
        if note.kind in ("url", "fetch"):
            finding = check_url(note.value, path, line, col, what)
            if finding is None and note.kind == "fetch":
                finding = remote_finding(note.value, what, path, line, col, allowed)
            if finding is not None:
                out.append(finding)
        elif note.kind == "element":
            out.append(policy.finding("stripped-html", path, line, col, *_removed(note.tag)))
        elif note.kind == "handler":
            out.append(policy.finding("stripped-html", path, line, col,
                               f"the {note.attr} attribute on <{note.tag}> is removed: scripts never run in articles",
                               "delete it; a link or a <details> block does most of what readers need"))
        elif note.kind == "style":
            out.append(policy.finding("stripped-html", path, line, col,
                               f"the style attribute on <{note.tag}> is removed: the theme's CSS styles every page",
                               "give the element a class ({: .name} after a paragraph) and put the rule in "
                               "static/css/haven.css"))
    reported = {d.message for d in out if d.code == "remote-resource"}
    for image in shipped_images:
        finding = remote_finding(image.url, "the image", path, image.line + first_line - 1, image.col, allowed)
        if finding is not None and finding.message not in reported:
            out.append(finding)
    return out


# Why the sanitizer removes an element, and what to do instead, by family ({tag} is the element's name).
_REMOVALS: tuple[tuple[frozenset[str], str, str], ...] = (
    (_EMBEDS, "<{tag}> is removed: embedded content would load another site inside the page, and tell it who "
              "reads it", "link to it instead, e.g. [Watch the video (YouTube)](https://...)"),
    (_MEDIA, "<{tag}> is removed: articles show text and images",
     "link to the recording, or show a still image: ![description](/static/images/name.png)"),
    (_SCRIPTS, "<{tag}> is removed with everything in it: scripts never run in articles",
     "delete it; the hub's own scripts live in static/ and are loaded by the templates"),
    (_STYLES, "<{tag}> is removed: styles in an article do not apply",
     "put the rules in static/css/haven.css and use a class ({{: .name}} after a paragraph)"),
    (_FORMS, "<{tag}> is removed: an article cannot collect what readers type",
     "link to the form's own page instead"),
    (_PAGE_PARTS, "<{tag}> is removed: the page's head and frame come from the templates",
     "delete it; set the title and summary in the front matter"),
    (_DRAWINGS, "<{tag}> is removed: drawings in the text are not allowed",
     "save it as a file in static/ and show it as an image: ![description](/static/name.{tag})"),
)


def _removed(tag: str) -> tuple[str, str]:
    """(message, fix) for an element the sanitizer removes."""
    for tags, message, fix in _REMOVALS:
        if tag in tags:
            return message.format(tag=tag), fix.format(tag=tag)
    return (f"<{tag}> is removed: it is not one of the elements articles may use (its text is kept)",
            "write it in Markdown, or use an allowed element such as <p>, <em>, <abbr>, <details>")


# Notes that are findings by their kind alone: (code, message with {what} and {value}, the fix to suggest)
_FOUND_BY_KIND = {
    "script": ("inline-script",
               "{what} has code written into the page: what it loads or sends no check can read, and the "
               "Content-Security-Policy Haven writes (`--headers`) blocks it",
               "put the code in a file under static/ (e.g. static/js/menu.js) and load it with "
               "<script src=\"{{ url('/static/js/menu.js') }}\" defer></script>"),
    "referrer": ("referrer-leak",
                 "{what} sets the referrer policy '{value}': every site the page links to or loads from is told "
                 "which page the reader was on (an article's address says what they were reading)",
                 "remove it: Haven's pages send no referrer to other sites (`--headers` writes Referrer-Policy: "
                 "no-referrer), or use no-referrer or same-origin"),
}


# Every code the rendered-page check reports, and those a hub may lower to a warning (`checks:` in
# site.yaml; the table says which): only these are kept as warnings with a page on the output record
PAGE_CODES = ("inline-script", "referrer-leak", "unsafe-url", "remote-resource", "offsite-form")
PAGE_WARNING_CODES = frozenset(code for code in PAGE_CODES if policy.BY_CODE[code].adjustable)


def page_findings(page_html: str, page: str, allowed: AllowedHosts,
                  where_written: Callable[[str, str, str], tuple[str, int]],
                  reported_elsewhere: Callable[[str, str], bool] | None = None,
                  origin: str = "", in_source: Callable[[str], str] | None = None) -> list[Diagnostic]:
    """What a rendered page would make the reader's browser do that no check saw as written: a refused
    address, or a file from another host, that a template computed (from site.yaml `extra`, say).
    `where_written(tag, attribute, page text from the tag on)` names the template line that writes it;
    `reported_elsewhere(code, address)` leaves out what another check already reported at its own line;
    `origin`, when given, is the hint instead of the template's (HTML that no template wrote);
    `in_source(start tag)` names the page's own file when its body holds the tag: no template wrote it, and
    bodies are checked where they are read, so it came from a cache altered behind the build's back."""
    out: list[Diagnostic] = []
    notes = page_addresses(page_html)
    lines = _RAW_PAGE_TEXT(page_html).splitlines() if notes else []
    for note in notes:
        what = f"<{note.tag}>{' ' + note.attr if note.attr else ''} on the page {page}"
        rendered = "\n".join(lines[note.line - 1:note.line + 2])[note.col - 1:]
        start_tag = rendered[:rendered.find(">") + 1]
        source = in_source(start_tag) if in_source and start_tag else ""
        if source:
            template, line, hint = source, 0, CACHE_ORIGIN
        else:   # code is written as it is (no `{{ }}` in it to look for): found by its element's start tag
            template, line = where_written(note.tag, "" if note.kind == "script" else note.attr, rendered)
            hint = origin
        if note.kind in _FOUND_BY_KIND:   # a finding by what it is, whatever its value
            code, message, fix = _FOUND_BY_KIND[note.kind]
            out.append(policy.finding(code, template, line, 1, message.format(what=what, value=note.value[:40]),
                                      hint or fix))
            continue
        finding = check_url(note.value, template, line, 1, what)
        if finding is None and note.kind == "fetch":
            finding = remote_finding(note.value, what, template, line, 1, allowed)
        if finding is None and note.kind == "send":
            finding = _offsite_form(note.value, what, template, line, allowed)
        if finding is not None and not (reported_elsewhere and reported_elsewhere(finding.code, note.value)):
            out.append(replace(finding, hint=hint or finding.hint + "; the address comes from this template or "
                                                                      "the data it shows (site.yaml `extra`, front "
                                                                      "matter `extra`)"))
    return out


def _offsite_form(url: str, what: str, path: str, line: int, allowed: AllowedHosts) -> Diagnostic | None:
    """An `offsite-form` error when a form sends what readers type to another host (`allow_hosts` is for
    files a page shows, and the Content-Security-Policy Haven writes lets forms post only to the hub)."""
    host = examine(url, True).host
    if not host or host == allowed.own:
        return None
    return policy.finding("offsite-form", path, line, 1,
                          f"{what} '{url[:80]}' sends what readers type to {host}: a search or a message about their "
                          "health goes to a site the hub does not control (and the Content-Security-Policy Haven "
                          "writes, `--headers`, stops the form)",
                          "point the form at a page of the hub, or link to the other site's form instead")


def feed_findings(entry_html: str, feed: str, article_path: str, allowed: AllowedHosts) -> list[Diagnostic]:
    """What an entry's HTML in a feed (the article's body and formatted references, as the cache keeps
    them) would make a feed reader fetch or run. Both are checked where they are read, so anything found
    here is not in the hub's files as written: a cache changed behind the build's back (a CI that
    restores one a pull request wrote), which is named with the article it claims to come from."""
    return page_findings(entry_html, "/" + feed, allowed, lambda tag, attribute, text: (article_path, 0),
                         origin=CACHE_ORIGIN)


# The hint for what a page or feed shows of a body that the body's file does not hold
CACHE_ORIGIN = ("the article as written does not hold it: if nobody changed .haven-cache/, delete that folder "
                "and build again")


@dataclass(frozen=True)
class PageRules:
    """What the rendered-page check's findings become: the hub's `checks:` levels and `--strict`, as for
    every other finding (generator.checks.policy); an error stops the render, so nothing is written."""

    levels: Mapping[str, str] = field(default_factory=dict)
    strict: bool = False

    def decide(self, found: list[Diagnostic]) -> list[Diagnostic]:
        """`found` at the severity the hub gives each code (`off` drops it)."""
        return apply_policy(found, self.strict, (), self.levels)[0]

    def below_error(self, code: str) -> bool:
        """True when the hub's `checks:` set `code` to warning or off."""
        return severity_of(code, self.levels, "error") != "error"

    def lowered(self, code: str) -> bool:
        """True when the hub lets findings of `code` through and `--strict` does not make them errors again."""
        return not self.strict and self.below_error(code)

    def carried(self, recorded: list[Diagnostic]) -> list[Diagnostic]:
        """The warnings the record keeps for pages not rendered again, at this build's severity. Levels are
        an input of every page (site.yaml is), so a kept warning of a code at error level cannot come
        from a build of these settings: the record is not trusted, and such a row is left out."""
        return self.decide([item for item in recorded if self.below_error(item.code)])


_ON_THE_PAGE = re.compile(r" on the page \S+")


def one_per_line(found: list[Diagnostic]) -> list[Diagnostic]:
    """Rendered-page findings with one per template line and address: a template writes the same thing on
    every page it renders, so the first page is named, with how many more there are."""
    groups: dict[tuple, list[Diagnostic]] = {}
    for item in sorted(found, key=lambda d: (d.path, d.line, d.col, d.message)):   # the same page named every build
        key = (item.code, item.path, item.line, item.col, _ON_THE_PAGE.sub("", item.message, count=1), item.hint)
        groups.setdefault(key, []).append(item)
    return [first if not more else replace(first, message=f"{first.message} (and on {len(more)} more "
                                                            f"page{'s' if len(more) > 1 else ''})")
            for first, *more in groups.values()]


def image_findings(site: Site, public_urls: set[str], allowed: AllowedHosts) -> list[Diagnostic]:
    """`image:` in front matter: an allowed address, not from another host, and a file the hub publishes;
    and addresses under the front matter's `extra`."""
    out: list[Diagnostic] = []
    for article in site.articles + site.pages:
        image, path = article.meta.image, article.parsed.path
        for key, url, _ in urls_in_extra(article.meta.extra):   # a template may put these in an attribute
            finding = check_url(url, path, article.meta.lines.get("extra", 1), 1, key)
            if finding is not None:
                out.append(finding)
        if not image:
            continue
        line = article.meta.lines.get("image", 1)
        finding = check_url(image, path, line, 1, "image") or remote_finding(image, "image", path, line, 1, allowed)
        if finding is not None:
            out.append(finding)
            continue
        found = examine(image)
        if found.remote:   # the hub's own host or an allowed one: nothing here to look for
            continue
        target = unquote(urlsplit(image.strip()).path)
        if found.scheme or not target.startswith("/"):
            out.append(policy.finding("bad-image", path, line, 1,
                                      f"image '{image}' is not a picture this hub publishes",
                                      "put the picture in static/images/ and write `image: /static/images/name.jpg`"))
        elif target not in public_urls:
            if target.startswith("/static/"):
                fix = f"add the picture as static{target.removeprefix('/static')} or correct the address"
            else:
                fix = "put the picture in static/images/ and write `image: /static/images/name.jpg`"
            out.append(policy.finding("missing-image", path, line, 1,
                                      f"image '{image}': there is no such file in static/", fix))
    return out


def extra_findings(config: SiteConfig, allowed: AllowedHosts) -> list[Diagnostic]:
    """Pictures named under site.yaml `extra` (…src, …image, …logo, …icon) may not come from another host
    (their addresses were put through the URL policy when site.yaml was read)."""
    out: list[Diagnostic] = []
    line = config.lines.get("extra", 1)
    for key, url, _ in urls_in_extra(config.extra):
        if key.lower().endswith(FETCHED_KEYS):
            finding = remote_finding(url, key, "site.yaml", line, 1, allowed)
            if finding is not None:
                out.append(finding)
    return out


def static_findings(site_dir: Path, static_files: Iterable[str], allowed: AllowedHosts) -> list[Diagnostic]:
    """Files in the hub's static/ that would make a reader's browser load from another host: `@import`,
    `url()` and `image-set()` in CSS; src, href and the like in HTML and SVG files (the default theme's
    own files are Haven's, not the hub's)."""
    out: list[Diagnostic] = []
    for rel in static_files:
        path = f"static/{rel}"
        markup = rel.lower().endswith((".html", ".htm", ".svg", ".xml", ".xhtml"))
        if not (rel.lower().endswith(".css") or markup) or not (site_dir / path).is_file():
            continue
        text = (site_dir / path).read_bytes().decode("utf-8", errors="replace")
        if markup:
            out += template_findings({path: text}, allowed) + _code_findings(path, text, allowed)
            continue
        for offset, url, is_import in css_urls(text):
            line = text.count("\n", 0, offset) + 1
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
            what = "the stylesheet imported" if is_import else "the file in url()"
            if url.lower().startswith("data:"):
                continue   # read from the stylesheet itself, nothing is fetched (img-src allows no data:, though)
            finding = check_url(url, path, line, col, what) or remote_finding(url, what, path, line, col, allowed)
            if finding is not None:
                out.append(finding)
    return out


def _code_findings(path: str, text: str, allowed: AllowedHosts) -> list[Diagnostic]:
    """A static HTML or SVG file's code (opened on its own, it runs on the hub's address: a script in an SVG
    icon can read every page of the hub) and what its style elements load."""
    out: list[Diagnostic] = []
    for note in file_code_notes(text):
        if note.kind in ("script", "handler"):
            what = f"the {note.attr} attribute on <{note.tag}>" if note.kind == "handler" else "<script>"
            out.append(policy.finding(
                "inline-script", path, note.line, note.col,
                f"{what} is code in a file published as it is: opened on its own it runs on the hub's address",
                "remove the code (an icon or a drawing needs none); a script belongs in its own .js file in static/"))
            continue
        what = "the stylesheet in <style>"
        finding = check_url(note.value, path, note.line, note.col, what) or \
            remote_finding(note.value, what, path, note.line, note.col, allowed)
        if finding is not None:
            out.append(finding)
    return out


def template_findings(texts: Mapping[str, str], allowed: AllowedHosts) -> list[Diagnostic]:
    """Addresses written into the hub's templates (path shown -> text; not computed ones) that a reader's
    browser would fetch from another host, or that the URL policy refuses."""
    out: list[Diagnostic] = []
    everything = frozenset().union(*(tags for tags, _, _ in _REMOVALS), {"a", "img"})
    for shown, text in texts.items():
        if not shown.lower().endswith((".html", ".htm", ".xml", ".svg", ".xhtml")):
            continue
        notes = [n for n in scan(text, text, everything) if n.kind in ("url", "fetch") and "{" not in n.value]
        out += body_findings(shown, notes, 1, allowed)
    return out
