"""Articles in several languages: which language each is in, which translate which, and where a reader
switching language lands.

A file's language is its `lang:` front matter, else the first folder under articles/ or pages/ when that
folder is a declared language code (`articles/es/empatia.md`), else the hub's default language.

A translation names its original with `translation_of: <slug of the original>`. The original is an
article (or page) in another language that is not itself a translation; the original and everything
pointing at it form one group, at most one version per language. Every version links to every other
(hreflang alternates, the language switcher), both ways, from that single key.

Article slugs are unique across the hub (a translation has its own slug, in its own words:
/es/articles/empatia-frente-a-simpatia/); page slugs are unique per language, so every language's
About page lives at <prefix>/about/ where the navigation links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic, did_you_mean
from generator.model import Article, CitedWork, Language, ParsedFile, Site, SiteConfig


@dataclass(frozen=True)
class Alternate:
    """This page in one of the hub's languages: where it is, and whether it is a real translation."""

    language: Language
    url: str            # site-relative, e.g. /es/articles/x/ (that language's home when not translated)
    translated: bool    # False: the page does not exist in that language; the switcher goes home


def file_language(config: SiteConfig, file: ParsedFile) -> tuple[str, list[Diagnostic]]:
    """The language code of one parsed file, and findings when its `lang:` or folder is wrong."""
    meta = file.meta
    assert meta is not None
    codes = {lang.code for lang in config.languages}
    default = config.default_language.code
    parts = file.path.split("/")
    folder = parts[1] if len(parts) > 2 and parts[1] in codes else ""
    if not meta.lang:
        return folder or default, []
    line = meta.lines.get("lang", 1)
    if meta.lang not in codes:
        same = [code for code in codes if code.lower() == meta.lang.lower()]
        hint = f"write it as `lang: {same[0]}`" if same else did_you_mean(meta.lang, codes)
        declared = ", ".join(sorted(codes))
        return folder or default, [finding(
            "unknown-language", file.path, line, 1,
            f"`lang: {meta.lang}` is not one of the hub's languages ({declared})",
            (hint + " or " if hint else "") + "add it to `languages:` in site.yaml")]
    if folder and folder != meta.lang:
        return meta.lang, [finding(
            "language-conflict", file.path, line, 1,
            f"`lang: {meta.lang}` disagrees with the folder {parts[0]}/{folder}/",
            f"move the file to {parts[0]}/{meta.lang}/ or remove the `lang:` line")]
    return meta.lang, []


def link_translations(config: SiteConfig, items: Iterable[Article],
                      waiting: Iterable[Article] = ()) -> tuple[dict[str, dict[str, Article]], list[Diagnostic]]:
    """url -> {language code: version} for every article and page in a group; findings for bad links.
    A translation of a `waiting` article (scheduled, its page not built) is left alone, not an error."""
    items = list(items)
    not_yet = {(article.kind, article.slug) for article in waiting}
    findings: list[Diagnostic] = []
    originals: dict[tuple[str, str], list[Article]] = {}   # (kind, slug) -> candidates (pages: one per language)
    for item in items:
        originals.setdefault((item.kind, item.slug), []).append(item)
    order = {lang.code: i for i, lang in enumerate(config.languages)}
    groups: dict[str, dict[str, Article]] = {}               # original url -> {code: version}
    for item in items:
        if not item.meta.translation_of:
            groups.setdefault(item.url, {})[item.lang] = item
    for item in items:
        target = item.meta.translation_of
        if not target:
            continue
        path, line = item.parsed.path, item.meta.lines.get("translation_of", 1)
        candidates = [c for c in originals.get((item.kind, target), []) if c is not item]
        candidates.sort(key=lambda c: (c.lang != config.default_language.code, order.get(c.lang, 99)))
        if not candidates and target == item.slug:
            findings.append(finding("unknown-translation", path, line, 1,
                                  f"translation_of '{target}' names this {item.kind} itself",
                                  f"name the {item.kind} this one translates, or remove the line"))
            continue
        if not candidates and (item.kind, target) in not_yet:
            continue
        if not candidates:
            known = [a.slug for a in items if a.kind == item.kind and a.lang != item.lang]
            hint = did_you_mean(target, known) or f"use the slug of the {item.kind} this one translates"
            findings.append(finding("unknown-translation", path, line, 1,
                                  f"translation_of '{target}' names no {item.kind}", hint))
            continue
        original = candidates[0]
        if original.meta.translation_of:
            findings.append(finding("translation-of-translation", path, line, 1,
                                  f"'{target}' is itself a translation (of '{original.meta.translation_of}')",
                                  f"write `translation_of: {original.meta.translation_of}`, the original"))
            continue
        if original.lang == item.lang:
            findings.append(finding("translation-same-language", path, line, 1,
                                  f"'{target}' is in the same language ({item.lang}) as this translation",
                                  "set `lang:` (or the folder) to the language this file is written in"))
            continue
        group = groups.setdefault(original.url, {original.lang: original})
        if item.lang in group:
            findings.append(finding("duplicate-translation", path, line, 1,
                                  f"'{target}' already has a {item.lang} translation: {group[item.lang].parsed.path}",
                                  "keep one translation per language, or point this one at another original"))
            continue
        group[item.lang] = item
    table: dict[str, dict[str, Article]] = {}
    for group in groups.values():   # most articles are alone in their group: nothing to order
        ordered = group if len(group) == 1 else dict(sorted(group.items(), key=lambda pair: order.get(pair[0], 99)))
        for version in ordered.values():
            table[version.url] = ordered
    return table, findings


def alternates(site: Site, language: Language, page_url: str, article: Article | None = None) -> list[Alternate]:
    """This page in every language of the hub, for the switcher and hreflang.

    `page_url` is the page's URL in `language`. A section page (home, topics, authors, sources, search)
    exists in every language; an article or page exists where it has a translation, else the switcher
    offers that language's home.
    """
    config = site.config
    if len(config.languages) < 2:
        return []
    versions = site.translations.get(article.url, {}) if article is not None else {}
    translated = len(versions) > 1   # an article alone in its group has no alternates to declare
    section = page_url[len(language.prefix):] if article is None else ""
    found = []
    for other in config.languages:
        if article is None:
            found.append(Alternate(other, other.url(section or "/"), True))
        elif other.code in versions:
            found.append(Alternate(other, versions[other.code].url, translated))
        elif other.code == language.code:
            found.append(Alternate(other, article.url, False))
        else:
            found.append(Alternate(other, other.url("/"), False))
    return found


def homes(site: Site) -> list[Alternate]:
    """Each language's home, for a page that exists once (404): the switcher offers them, hreflang none."""
    languages = site.config.languages
    return [Alternate(lang, lang.url("/"), False) for lang in languages] if len(languages) > 1 else []


def cited_works_in(site: Site, code: str) -> list[CitedWork]:
    """The works cited by articles in one language (the /sources/ page), each listing only those articles."""
    default = site.config.default_language.code
    if all((article.lang or default) == code for article in site.articles):   # a hub in one language
        return list(site.cited_works)
    entries = []
    for entry in site.cited_works:
        cited = tuple(slug for slug in entry.cited_in
                      if slug in site.by_slug and (site.by_slug[slug].lang or default) == code)
        if cited:
            entries.append(replace(entry, cited_in=cited))
    return entries
