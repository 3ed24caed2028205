"""site.yaml `languages:` -> Language records, checked at the boundary.

A hub speaks one language unless it lists several:

    languages:
      - code: en            # BCP 47: "es", "pt-BR", "ar"
        name: English       # the language's name in itself (default: Babel's name for it)
        default: true       # its pages live at the root; the others under /<code>/
      - code: es
        name: Español
        dir: ltr            # "ltr" or "rtl" (default: what the locale's script uses)
        tagline: ...        # the hub's title, tagline and description in this language
        topics:
          empathy: {title: Empatía, description: ...}

Without `languages:` the hub speaks `language:` (default "en"), exactly as before.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from babel import Locale, UnknownLocaleError

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic, did_you_mean
from generator.discover import SITE_FILE
from generator.fields import Reader, described, unknown_keys
from generator.model import Language, Topic

LANGUAGE_KEYS = ("code", "name", "dir", "default", "title", "tagline", "description", "topics")


@functools.lru_cache(maxsize=256)
def babel_locale(tag: str) -> Locale | None:
    """Babel's locale for a BCP 47 tag ("pt-BR" -> pt_BR), or None when Babel does not know it
    (remembered: pages ask for every date and number they show)."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def single_language(tag: str, line: int, out: list[Diagnostic]) -> Language:
    """The one language of a hub that has no `languages:` list (its `language:` setting)."""
    locale = babel_locale(tag)
    if locale is None:
        out.append(finding("language-without-locale", SITE_FILE, line, 1,
                           f"'{tag}' is not a language tag Haven knows; dates use English",
                           "write a BCP 47 tag such as `en`, `es`, `fr` or `pt-BR`"))
    return Language(code=tag, name=_own_name(locale, tag), dir=_direction(locale), default=True, line=line)


def parse_languages(read: Reader, single: str | None, topics: Mapping[str, Topic]) -> tuple[Language, ...]:
    """The hub's languages, the default first; findings (in `read.out`) for every problem, at its line."""
    out = read.out
    line = read.doc.line("languages") or 1
    items = read.items("languages", example="` then `- code: en")
    found: list[Language] = []
    for index, item in enumerate(items):
        language = _language(read, index, item, topics)
        if language is None:
            continue
        if any(other.code.lower() == language.code.lower() for other in found):
            out.append(finding("duplicate-language", SITE_FILE, language.line, 1,
                             f"the language '{language.code}' is listed twice",
                             "list each language once"))
            continue
        found.append(language)
    if not found:
        if items or (read.raw("languages") is not None and not isinstance(read.raw("languages"), list)):
            return (single_language(single or "en", line, out),)
        out.append(finding("setting-type", SITE_FILE, line, 1, "'languages' lists no language",
                         "write `languages:` then `  - code: en` and `  - code: es` lines (see the README)"))
        return (single_language(single or "en", line, out),)
    defaults = [lang for lang in found if lang.default]
    if len(defaults) > 1:
        out.append(finding("several-default-languages", SITE_FILE, defaults[1].line, 1,
                         f"'{defaults[0].code}' and '{defaults[1].code}' are both marked `default: true`",
                         "mark exactly one language as the default (its pages live at the root of the site)"))
    chosen = defaults[0] if defaults else found[0]
    if single is not None and single != chosen.code:
        out.append(finding("language-conflict", SITE_FILE, read.doc.line("language") or line, 1,
                         f"`language: {single}` disagrees with the default language '{chosen.code}' in `languages:`",
                         "remove the `language:` line (the default in `languages:` replaces it)"))
    rest = tuple(replace(lang, default=False) for lang in found if lang is not chosen)
    return (replace(chosen, default=True),) + rest


def _language(read: Reader, index: int, item: Any, topics: Mapping[str, Topic]) -> Language | None:
    where = ("languages", index)
    line = read.doc.line(*where) or 1
    if isinstance(item, str):
        code = read.language(*where, default="")
        item = {}
    elif isinstance(item, dict):
        read.out.extend(unknown_keys(read.doc, where, LANGUAGE_KEYS, SITE_FILE, "unknown-setting",
                                     "setting in a language", "a language takes " + ", ".join(LANGUAGE_KEYS)))
        if not read.has(*where, "code"):
            read.out.append(finding("bad-language", SITE_FILE, line, 1, f"language {index + 1} has no code",
                                  "write `- code: es` with `name: Español` under it"))
            return None
        code = read.language(*where, "code", default="")
    else:
        read.out.append(finding("bad-language", SITE_FILE, line, 1,
                              f"a language must be a code and a name, not {described(item)}",
                              "write `- code: es` with `name: Español` under it"))
        return None
    if not code:   # not a BCP 47 tag: reported by the reader
        return None
    locale = babel_locale(code)
    if locale is None:
        read.out.append(finding("unknown-language", SITE_FILE, line, 1, f"Haven does not know the language '{code}'",
                              "check the code (e.g. `es` for Spanish, `ar` for Arabic, `he` for Hebrew, "
                              "`fa` for Farsi)"))
        return None
    direction = read.text(*where, "dir", default=_direction(locale)).lower() if item else _direction(locale)
    if direction not in ("ltr", "rtl"):
        read.out.append(finding("bad-direction", SITE_FILE, read.doc.line(*where, "dir") or line, 1,
                              f"`dir: {direction[:20]}` is not a text direction",
                              "write `dir: ltr` (left to right) or `dir: rtl` (right to left: Arabic, Hebrew, Farsi)"))
        direction = _direction(locale)

    def text(key: str) -> str:
        return read.text(*where, key) if item else ""

    return Language(code=code, name=text("name") or _own_name(locale, code), dir=direction,
                    default=read.flag(*where, "default", default=False) if item else False,
                    title=text("title"), tagline=text("tagline"), description=text("description"),
                    topics=_topics(read, where, code, topics) if item else {}, line=line)


def _topics(read: Reader, where: tuple, code: str, topics: Mapping[str, Topic]) -> dict[str, Topic]:
    translated: dict[str, Topic] = {}
    for tid, spec in read.mapping(*where, "topics").items():
        tid = str(tid)
        line = read.doc.line(*where, "topics", tid) or 1
        if tid not in topics:
            read.out.append(finding("unknown-topic", SITE_FILE, line, 1,
                                  f"the language '{code}' translates a topic '{tid[:40]}' that `topics:` "
                                  "does not declare",
                                  did_you_mean(tid, topics) or "use the ids declared under `topics:`"))
            continue
        if isinstance(spec, dict):
            title = read.text(*where, "topics", tid, "title")
            description = read.text(*where, "topics", tid, "description")
        else:
            title, description = read.text(*where, "topics", tid), ""
        if not title:
            read.out.append(finding("bad-topic", SITE_FILE, line, 1, f"the topic '{tid}' in '{code}' needs a title",
                                  f"write `{tid}: {{title: ..., description: ...}}`"))
            continue
        translated[tid] = Topic(tid, title, description, topics[tid].line)
    return translated


def _own_name(locale: Locale | None, code: str) -> str:
    name = locale.get_display_name(locale) if locale is not None else None
    return (name[:1].upper() + name[1:]) if name else code


def _direction(locale: Locale | None) -> str:
    return "rtl" if locale is not None and locale.text_direction == "rtl" else "ltr"


def complete_languages(languages: tuple[Language, ...], title: str, tagline: str, description: str,
                       topics: Mapping[str, Topic]) -> tuple[Language, ...]:
    """Each language with the site-wide title, tagline, description and topic titles where it has none."""
    done = []
    for language in languages:
        own = dict(language.topics)
        missing = tuple(t for t in topics if t not in own) if not language.default else ()
        done.append(replace(language, title=language.title or title, tagline=language.tagline or tagline,
                            description=language.description or description,
                            topics={tid: own.get(tid, topic) for tid, topic in topics.items()},
                            untranslated_topics=missing))
    return tuple(done)
