"""Checks as data: every finding code Haven emits, its default severity, and the one place that decides
what the writer sees.

Checks and loaders emit findings by code (`finding(code, path, line, col, message, hint)`); this module
assigns severity. A hub may raise or lower any check in `site.yaml` (`checks: {readability: off,
review-due: error}`); an article may silence a suppressible check with a reason (`checks: {code: why}` in
its front matter). `haven check --list` prints the table.

This module imports nothing but `generator.diagnostics`, so loaders may use it too (it sits in the
model layer with the records it describes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from generator.diagnostics import Diagnostic, Severity, did_you_mean, sort_key

Level = Literal["error", "warning", "off"]
LEVELS: tuple[Level, ...] = ("error", "warning", "off")
SITE_FILE = "site.yaml"


@dataclass(frozen=True)
class Check:
    """One finding code: how severe it is unless a hub says otherwise, and what it means."""

    code: str
    severity: Severity
    description: str
    suppressible: bool = False  # an article may silence it with `checks: {code: reason}`
    adjustable: bool = True     # False: the build cannot go on past it, so `site.yaml` cannot lower it


def _e(code: str, description: str, *, adjustable: bool = True) -> Check:
    return Check(code, "error", description, adjustable=adjustable)


def _w(code: str, description: str, *, suppressible: bool = False) -> Check:
    return Check(code, "warning", description, suppressible=suppressible)


def _n(code: str, description: str) -> Check:
    return Check(code, "note", description)


CHECKS: tuple[Check, ...] = (
    # reading files at all
    _e("not-utf8", "a file is not valid UTF-8 text", adjustable=False),
    _e("yaml-syntax", "a YAML file or front-matter block cannot be read", adjustable=False),
    _e("parse-too-slow", "an article took longer than limits.parse_seconds to convert", adjustable=False),
    _e("nested-too-deep", "lists or quotes nested too deeply to convert", adjustable=False),
    _e("yaml-unsupported", "YAML that Haven does not read (a tag, an alias loop, a merge it cannot follow)",
       adjustable=False),
    _w("duplicate-key", "a YAML mapping names one key twice (the second value is used)"),
    _e("article-too-large", "an article is over the size limit (`limits: {max_article_bytes: ...}`)",
       adjustable=False),
    _e("empty-file", "an article or page file is empty", adjustable=False),
    _e("missing-front-matter", "a file does not start with a `---` front-matter block", adjustable=False),
    _e("unclosed-front-matter", "the front-matter block has no closing `---`", adjustable=False),
    _e("front-matter-not-mapping", "front matter is not a list of `key: value` lines", adjustable=False),
    # confinement: nothing outside the hub is read, nothing outside the output folder is touched
    _e("outside-hub", "a file or folder of the hub is a link that leads outside it (or into a hidden part)",
       adjustable=False),
    _e("not-a-file", "a path Haven reads is a folder, pipe, socket or device, not an ordinary file",
       adjustable=False),
    _e("path-too-long", "a file would be published under a name or path longer than a file system allows",
       adjustable=False),
    _e("file-too-large", "a settings, data, bibliography, template or translation file is over 10 MB",
       adjustable=False),
    _e("bad-file-name", "a file name is not plain UTF-8 text or holds control characters", adjustable=False),
    _w("output-record", "the output folder's record names a path Haven will not act on (ignored)"),
    _w("output-link", "a link inside the output folder was replaced by the file Haven writes there"),
    _w("unsafe-cache", "`.haven-cache` or a folder in it is a link or not a folder: the build ran without its cache"),
    # site.yaml
    _e("missing-config", "the hub has no site.yaml", adjustable=False),
    _e("config-unreadable", "site.yaml exists but cannot be read", adjustable=False),
    _e("config-not-mapping", "site.yaml is not a list of `key: value` settings", adjustable=False),
    _e("missing-setting", "a required setting (the title) is missing from site.yaml"),
    _e("setting-type", "a setting in site.yaml has the wrong kind of value"),
    _w("unknown-setting", "site.yaml has a setting Haven does not know"),
    _e("bad-base-url", "base_url is not an http(s) address"),
    _e("bad-topic-id", "a topic id is not lowercase letters, digits and hyphens"),
    _e("bad-topic", "a topic has no title"),
    _e("bad-crisis-resource", "a crisis resource is not a mapping of fields"),
    _e("bad-date", "a date is not written as YYYY-MM-DD"),
    _e("bad-language", "a language is not a BCP 47 tag such as en-GB"),
    _e("bad-publish-branch", "`publish.branch` is not a branch name git accepts"),
    _e("bad-cname", "`publish.cname` is not a bare domain name"),
    _w("cname-not-base-url", "`publish.cname` is not the host of base_url (links would point elsewhere)"),
    _e("unknown-check", "site.yaml `checks:` names a check that does not exist, or an unknown level"),
    # languages and interface text (generator/languages.py, catalogues.py, translations.py)
    _e("duplicate-language", "`languages:` lists one language twice"),
    _e("several-default-languages", "more than one language is marked `default: true`"),
    _e("language-conflict", "`language:` or `lang:` disagrees with `languages:` or with the file's language folder"),
    _e("unknown-language", "a language Haven has no locale for, or `lang:` names one the hub does not declare"),
    _w("language-without-locale", "the hub's one `language:` is a tag Babel has no locale for (dates stay English)"),
    _e("bad-direction", "a language's `dir:` is not ltr or rtl"),
    _e("unknown-translation", "`translation_of:` names no article (or the article itself)"),
    _e("translation-of-translation", "`translation_of:` names a translation instead of the original"),
    _e("translation-same-language", "`translation_of:` names an article in the same language"),
    _e("duplicate-translation", "an original has two translations in one language"),
    _e("catalogue-syntax", "a locales/<code>.po catalogue cannot be read", adjustable=False),
    _e("catalogue-placeholder", "a translation's %(name)s placeholders do not match the English text"),
    _w("missing-translations", "interface strings or topic titles not translated into one of the hub's languages"),
    _w("readability-unscored", "Haven has no readability formula for one of the hub's languages"),
    # front matter
    _e("missing-field", "a required front-matter field is missing"),
    _e("field-type", "a front-matter field has the wrong kind of value"),
    _e("control-character", "a text field holds a control character no page can show (an escape in quotes)",
       adjustable=False),
    _w("unknown-field", "front matter has a field Haven does not know"),
    _e("bad-slug", "a slug is not lowercase letters, digits and hyphens"),
    _e("reserved-slug", "a slug is taken by one of Haven's own pages", adjustable=False),
    _e("bad-alias", "an alias is not a path inside the site (a scheme, host, `..`, `?` or `#`)"),
    _w("duplicate-alias", "an article lists one alias twice"),
    _e("alias-taken", "an alias is the address of another page, file or alias", adjustable=False),
    _n("scheduled", "an article is dated after today: not published until that day"),
    _w("link-to-scheduled", "a published page links to an article that is not published yet"),
    _e("unknown-callout", "a `!!!` callout names a kind Haven does not have"),
    _e("bad-callout", "a `!!!` line is not a callout Haven can read"),
    _e("duplicate-slug", "two files would be published at the same address", adjustable=False),
    _e("updated-before-date", "`updated:` is earlier than `date:`"),
    _e("review-without-reviewer", "`reviewed_on:` is set without `reviewed_by:`"),
    _e("reviewer-without-date", "`reviewed_by:` is set without `reviewed_on:`"),
    _e("missing-image-alt", "the front-matter image has no alt text"),
    # authors
    _e("authors-unreadable", "data/authors.yaml exists but cannot be read", adjustable=False),
    _e("authors-not-mapping", "data/authors.yaml is not a mapping of author ids"),
    _e("bad-author", "an author entry in data/authors.yaml is malformed"),
    _e("bad-author-link", "an author's link is malformed"),
    # ids and neighbours
    _e("unknown-author", "front matter names an author missing from data/authors.yaml"),
    _e("unknown-reviewer", "front matter names a reviewer missing from data/authors.yaml"),
    _e("unknown-topic", "front matter names a topic missing from site.yaml"),
    _e("unknown-neighbour", "`previous:` or `next:` names an article that does not exist"),
    _w("one-way-neighbour", "`previous:`/`next:` pairs do not point back to each other"),
    _w("self-neighbour", "`previous:` or `next:` names the article itself"),
    # links, images and templates
    _e("broken-link", "a link points at a page of the hub that does not exist"),
    _e("broken-anchor", "a link points at a section that does not exist on its page"),
    _e("missing-alt", "an image in the body has no alt text"),
    _e("unknown-template", "`template:` names a template that does not exist"),
    _e("missing-templates", "the hub has no templates folder", adjustable=False),
    _e("template-syntax", "a template cannot be read by Jinja", adjustable=False),
    _e("template-error", "a template failed while rendering a page", adjustable=False),
    # addresses and privacy (generator.urlpolicy)
    _e("unsafe-url", "an address with a scheme Haven never publishes (javascript:, data:, ...)", adjustable=False),
    _e("remote-resource", "readers' browsers would fetch something from another host (download it into static/)"),
    _e("inline-script", "code written into a page or a static HTML/SVG file (inline <script>, on... attributes)",
       adjustable=False),
    _e("referrer-leak", "a page's referrer policy tells other sites which page the reader was on", adjustable=False),
    _e("offsite-form", "a form on a page sends what readers type to another host", adjustable=False),
    _e("bad-allowed-host", "`privacy.allow_hosts` names something that is not a host name"),
    _e("bad-image", "an image (`image:` or in the body) is not a picture this hub publishes or a browser can show"),
    _e("missing-image", "`image:` names a file that is not in static/"),
    _w("stripped-html", "raw HTML in an article lost an element or attribute (scripts, styles, handlers)"),
    # bibliography and citations
    _e("bibliography-unreadable", "data/references.yaml cannot be read", adjustable=False),
    _e("bibliography-syntax", "data/references.yaml is not valid YAML", adjustable=False),
    _e("bibliography-shape", "data/references.yaml is not a list of references"),
    _e("duplicate-reference", "two references share one id"),
    _e("conflicting-reference", "an article's own reference differs from the shared one with the same id"),
    _e("incomplete-reference", "a reference has no id (or is not a set of fields): nothing can cite it"),
    _w("untitled-reference", "a reference has no title: it is listed as [Untitled]"),
    _e("reference-field-type", "a field of a reference has the wrong kind of value (a year that is not a year)"),
    _w("unplaced-reference-field", "a reference has a field its APA entry type has no place for"),
    _e("unsafe-reference-url", "a reference's URL or DOI is not an http(s), mailto:, tel: or sms: address"),
    _w("unknown-reference-type", "a reference has a CSL type Haven does not know"),
    _w("reference-name-list", "a BibTeX list of names has an empty place: `and and`, or `and` at its start or end"),
    _e("unknown-citation", "an article cites an id no reference has"),
    _w("uncited-reference", "an article lists a reference it never cites"),
    _w("malformed-doi", "a reference's DOI is malformed"),
    _w("malformed-url", "a reference's URL is malformed"),
    # editorial
    _w("readability", "the prose misses its language's readability target (grade or ease)", suppressible=True),
    _w("review-due", "an article's review interval has passed", suppressible=True),
    _w("safe-messaging", "wording that suicide-reporting guidelines advise against", suppressible=True),
    _w("unsourced-claim", '"research shows" or a statistic with no citation in its paragraph', suppressible=True),
    _e("crisis-resource-incomplete", "a crisis resource has no name, or no phone, text or url"),
    _w("crisis-resource-unverified", "a crisis resource has no valid `verified_on` date"),
    _w("crisis-resource-stale", "a crisis resource was verified more than 12 months ago"),
    _w("crisis-resource-retired", "a crisis resource uses a number known to be out of service"),
    _e("crisis-resource-invalid", "a crisis resource field is not what it should be (a region or language code)"),
    _w("crisis-resource-old-shape", "a crisis resource uses the old `text:` shape for an SMS number"),
    _e("crisis-language-missing", "pages in one of the hub's languages have no crisis service in that language"),
    _e("help-page-taken", "a page would be published at the crisis help page's address"),
    _e("contact-invalid", "`contact:` is not an e-mail address or a form on the hub's own host"),
    _w("contact-missing", "readers have no way to report a mistake: no `contact:`"),
    _w("transparency", "owner, funding or advertising is not declared, or there is no About page"),
    _w("placeholder-text", "an article still has the summary or opening `haven new` wrote"),
    _w("unread-file", "a file in articles/ is not Markdown, so it is not read"),
    # suppressions
    _w("suppression-without-reason", "an article silences a check without saying why"),
    _w("unknown-suppression", "an article's `checks:` names a check that cannot be silenced"),
    # the build itself
    _w("search-index", "the search index could not be built (the previous one stays)"),
    _w("search-script-parts", "the hub's own search script cannot search a search index made in parts"),
    Check("usage", "error", "the command itself is wrong (not a hub file)", adjustable=False),
    Check("internal-error", "error", "Haven crashed: a bug in Haven, not in the hub's files", adjustable=False),
)
BY_CODE: dict[str, Check] = {check.code: check for check in CHECKS}
SUPPRESSIBLE: tuple[str, ...] = tuple(check.code for check in CHECKS if check.suppressible)


def finding(code: str, path: str, line: int, col: int, message: str, hint: str = "") -> Diagnostic:
    """A finding with its code's default severity (an unknown code counts as an error; a test lists them)."""
    check = BY_CODE.get(code)
    return Diagnostic(path, line, col, check.severity if check else "error", code, message, hint)


def table_text() -> str:
    """The table `haven check --list` prints: code, default severity, who may change it, meaning."""
    width = max(len(check.code) for check in CHECKS)
    lines = [f"{'code':<{width}}  {'default':<7}  {'site.yaml':<9}  {'article':<7}  meaning"]
    for check in sorted(CHECKS, key=lambda c: c.code):
        site = "any level" if check.adjustable else "fixed"
        article = "silence" if check.suppressible else "-"
        lines.append(f"{check.code:<{width}}  {check.severity:<7}  {site:<9}  {article:<7}  {check.description}")
    lines += [
        "",
        "site.yaml may set a check to error, warning or off: `checks: {readability: off, review-due: error}`.",
        'An article may silence the checks marked silence, with a reason: `checks: {readability: "why"}`.',
    ]
    return "\n".join(lines)


# --- site.yaml `checks:` -------------------------------------------------------------------------------


def read_levels(value: object, line: int, key_lines: Mapping[str, int],
                path: str = SITE_FILE) -> tuple[dict[str, Level], list[Diagnostic]]:
    """`checks:` in site.yaml -> {code: level}, with `unknown-check` findings at file:line for the rest.

    `line` is the line of `checks:`, `key_lines` the line of each code under it. YAML reads a bare `off`
    (or `no`, `false`) as false, so false means off; `true` is refused (it names no level).
    """
    if value is None:
        return {}, []
    if not isinstance(value, Mapping):
        return {}, [finding("unknown-check", path, line, 1, "`checks:` must map check codes to a level",
                            "write `checks:` then indented lines such as `readability: off` or "
                            "`review-due: error`")]
    levels: dict[str, Level] = {}
    findings: list[Diagnostic] = []
    for raw_code, raw_level in value.items():
        code = str(raw_code).strip()
        where = key_lines.get(code, line)
        check = BY_CODE.get(code)
        if check is None:
            hint = did_you_mean(code, BY_CODE) or "`haven check --list` prints every check code"
            findings.append(finding("unknown-check", path, where, 1, f"'{code}' is not a check code", hint))
            continue
        level = "off" if raw_level is False else str(raw_level).strip().lower() if isinstance(raw_level, str) else None
        if level not in LEVELS:
            shown = _described(raw_level)
            findings.append(finding("unknown-check", path, where, 1,
                                    f"'{code}' is set to {shown}, which is not a level",
                                    f"write `{code}: error`, `{code}: warning` or `{code}: off`"))
            continue
        if not check.adjustable and level != "error":
            findings.append(finding("unknown-check", path, where, 1,
                                    f"'{code}' cannot be {'switched off' if level == 'off' else 'lowered'}: "
                                    "the build cannot go on past it",
                                    f"fix what it reports instead, or remove `{code}:` from `checks:`"))
            continue
        levels[code] = level
    return levels, findings


def _described(value: object) -> str:
    """A YAML value as a writer would name it (never a Python type name)."""
    if isinstance(value, str):
        return f"'{value}'"
    if value is True:
        return "yes/true"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, Mapping) else "a value"


# --- per-article suppressions ----------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Suppression:
    """`checks: {code: reason}` in one article's front matter: `code` is silenced for `path`."""

    path: str
    line: int
    code: str
    reason: str


@dataclass(frozen=True)
class Suppressed:
    """A suppression and the findings it silenced (none when it no longer silences anything)."""

    suppression: Suppression
    findings: tuple[Diagnostic, ...]


def read_suppressions(
    path: str, checks_mapping: Mapping[str, object] | None, line: int
) -> tuple[list[Suppression], list[Diagnostic]]:
    """Read an article's `checks:` mapping into suppressions, with findings about the mapping itself.

    An empty reason is a `suppression-without-reason` warning (the suppression still applies; `--strict`
    makes it an error), an unknown check name an `unknown-suppression` warning with a did-you-mean. `line`
    is the line of `checks:`.
    """
    suppressions: list[Suppression] = []
    findings: list[Diagnostic] = []
    if checks_mapping is not None and not isinstance(checks_mapping, Mapping):
        findings.append(finding("unknown-suppression", path, line, 1, "`checks:` must map a check name to a reason",
                                'write `checks: {readability: "why this article may be harder to read"}`'))
        return suppressions, findings
    for name, reason in (checks_mapping or {}).items():
        code = str(name).strip()
        if code not in SUPPRESSIBLE:
            hint = did_you_mean(code, SUPPRESSIBLE) or f"checks that can be silenced: {', '.join(SUPPRESSIBLE)}"
            findings.append(finding("unknown-suppression", path, line, 1,
                                    f"'{code}' is not a check that can be silenced", hint))
            continue
        text = "" if reason is None or isinstance(reason, bool) else str(reason).strip()
        if not text:
            findings.append(finding("suppression-without-reason", path, line, 1,
                                    f"'{code}' is silenced without a reason",
                                    f'say why, e.g. `checks: {{{code}: "quotes a survey verbatim"}}`'))
        suppressions.append(Suppression(path, line, code, text))
    return suppressions, findings


# --- the policy --------------------------------------------------------------------------------------------


def severity_of(code: str, levels: Mapping[str, str], emitted: Severity) -> Level | Severity:
    """The level a finding gets: the hub's choice, else the table's default, else what was emitted."""
    for level in LEVELS:
        if levels.get(code) == level:
            return level
    check = BY_CODE.get(code)
    return check.severity if check else emitted


def apply_policy(
    diagnostics: Iterable[Diagnostic], strict: bool, suppressions: Iterable[Suppression] = (),
    levels: Mapping[str, str] | None = None,
) -> tuple[list[Diagnostic], list[Suppressed]]:
    """The one place that decides what the writer sees and how severe it is.

    Each finding gets its severity from the hub's `checks:` levels or the table (a level of `off` drops
    it). Findings silenced by a suppression (same path, same code; suppressible codes only) move to the
    second list, one `Suppressed` per suppression, in path/line order. With `strict`, every remaining
    warning becomes an error. The first list is sorted by file and position.
    """
    levels = levels or {}
    ordered_suppressions = sorted(set(suppressions))
    silencing = {(s.path, s.code) for s in ordered_suppressions if s.code in SUPPRESSIBLE}
    kept: list[Diagnostic] = []
    silenced: dict[tuple[str, str], list[Diagnostic]] = {}
    for item in diagnostics:
        level = severity_of(item.code, levels, item.severity)
        if level == "off":
            continue
        item = item if item.severity == level else replace(item, severity=level)
        key = (item.path, item.code)
        if key in silencing:
            silenced.setdefault(key, []).append(item)
        else:
            kept.append(item.as_error() if strict and item.severity == "warning" else item)
    kept.sort(key=sort_key)
    suppressed = [
        Suppressed(s, tuple(sorted(silenced.get((s.path, s.code), ()), key=sort_key)))
        for s in ordered_suppressions
    ]
    # Two suppressions of the same code in one file would list the findings twice; keep them on the first.
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(suppressed):
        key = (entry.suppression.path, entry.suppression.code)
        if key in seen:
            suppressed[index] = Suppressed(entry.suppression, ())
        seen.add(key)
    return kept, suppressed
