"""Interface text in gettext catalogues: Jinja's i18n extension, Babel's `.po` reader, per-locale dates.

Why gettext and Babel: they are the standard Python tooling translators already know (Poedit, Weblate,
`pybabel extract/update`), `.po` files diff well in git, and Babel carries CLDR's plural rules, date and
number formats for every locale, so Haven invents no format of its own.

- The default theme's templates mark text with `{{ _("Written by") }}` or `{% trans %}...{% endtrans %}`;
  its catalogues are `generator/theme/locales/<code>.po` (the template is `haven.pot`).
- A hub adds or overrides translations in `locales/<code>.po` (same format): its entries win, message by
  message, and it may add messages its own templates use.
- The `.po` files are read and compiled at build time (no `.mo` files to keep in step); a fuzzy or empty
  entry counts as missing and the English text shows.
- Translations are text, never HTML: a translated string is escaped like any other value.

The language a page is rendered in is set around each render (`rendering`); the gettext callables,
`long_date` and `number` read it, so macros imported without context translate too.
"""

from __future__ import annotations

import contextvars
import functools
import gettext as gnu_gettext
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from markupsafe import Markup

from generator.checks.policy import finding
from generator.confine.hub import DATA_FILE_LIMIT, OutsideHub, read_hub_bytes
from generator.diagnostics import Diagnostic
from generator.languages import babel_locale
from generator.model import Language
from generator.theme import THEME_DIR
from generator.yamlload import decode_utf8

THEME_LOCALES = THEME_DIR / "locales"
HUB_LOCALES = "locales"
# The names templates call; `_` is gettext.
GETTEXT_FUNCTIONS = ("_", "gettext", "ngettext", "pgettext", "npgettext")
SOURCE_LANGUAGE = "en"   # the templates' own text
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass
class Catalogue:
    """The translations of one language: msgid (or (singular, plural)) -> text, with CLDR plural rules."""

    code: str
    messages: dict[Any, Any] = field(default_factory=dict)   # str -> str; (str, str) -> tuple[str, ...]
    plural: Callable[[int], int] = lambda n: int(n != 1)
    files: tuple[str, ...] = ()                              # the .po files read, as shown in findings
    # `_("...")` with no variables, translated, escaped and formatted: the same few dozen on every page
    formatted: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def gettext(self, message: str) -> str:
        """The translation of `message`, or `message` itself when there is none."""
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The plural form for `n`, or English's when there is no translation."""
        forms = self.messages.get((singular, plural))
        if forms:
            index = self.plural(n)
            if 0 <= index < len(forms) and forms[index]:
                return forms[index]
        return singular if n == 1 else plural

    def translates(self, message: Any) -> bool:
        """True when `message` (a msgid or a (singular, plural) pair) has a complete translation."""
        found = self.messages.get(message)
        if not found:
            return False
        return isinstance(found, str) or all(found)


def needs_catalogue(tag: str) -> bool:
    """False for English: the templates' own text needs no translation."""
    return tag.split("-")[0].lower() != SOURCE_LANGUAGE


def load_catalogues(site_dir: Path, languages: Iterable[Language]) -> tuple[dict[str, Catalogue], list[Diagnostic]]:
    """The catalogue of each language that needs one: the theme's `.po`, then the hub's on top."""
    catalogues: dict[str, Catalogue] = {}
    findings: list[Diagnostic] = []
    for language in languages:
        if not needs_catalogue(language.code):
            continue
        catalogue = Catalogue(language.code, plural=_plural_rule(language.code))
        shown: list[str] = []
        theme_file = THEME_LOCALES / f"{language.code}.po"
        if theme_file.is_file():   # Haven's own catalogue
            shown.append(str(theme_file))
            findings += _read_into(catalogue, theme_file.read_bytes(), str(theme_file), language.code)
        hub_file = f"{HUB_LOCALES}/{language.code}.po"
        try:   # the hub's, through confine: a link out of the hub is refused, never read
            data = read_hub_bytes(site_dir, hub_file, DATA_FILE_LIMIT)
        except FileNotFoundError:
            data = None
        except OutsideHub as exc:
            findings.append(exc.diagnostic)
            data = None
        if data is not None:
            shown.append(hub_file)
            findings += _read_into(catalogue, data, hub_file, language.code)
        catalogue.files = tuple(shown)
        catalogues[language.code] = catalogue
    return catalogues, findings


def _read_into(catalogue: Catalogue, raw: bytes, label: str, code: str) -> list[Diagnostic]:
    text, findings = decode_utf8(raw, label)
    if text is None:
        return findings
    try:
        po = read_po(StringIO(text), locale=code.replace("-", "_"), abort_invalid=True)
    except PoFileError as exc:   # Babel counts lines from 0
        line = (getattr(exc, "lineno", 0) or 0) + 1
        return [finding("catalogue-syntax", label, line, 1,
                      f"the catalogue cannot be read: line {line} is not a msgid, msgstr, comment or quoted text",
                      "check that every msgid has a msgstr and every text is in double quotes "
                      "(`pybabel update` rewrites a catalogue cleanly)")]
    except (ValueError, TypeError, UnicodeError) as exc:   # malformed headers and the like
        return [finding("catalogue-syntax", label, 1, 1, f"the catalogue cannot be read: {exc}",
                      "check the catalogue's header block (the first msgid \"\" entry)")]
    out: list[Diagnostic] = []
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (list, tuple)):
            key: Any = tuple(str(part) for part in message.id[:2])
            strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            value: Any = tuple(str(s or "") for s in strings)
            problem = next((p for p in (_placeholder_problem(key[1], s) for s in value if s) if p), "")
        else:
            key, value = str(message.id), str(message.string or "")
            problem = _placeholder_problem(key, value) if value else ""
        if problem:
            out.append(finding("catalogue-placeholder", label, message.lineno or 1, 1,
                             f"the translation of \"{_short(key)}\" {problem}",
                             "keep the %(name)s placeholders of the English text exactly, and write a "
                             "literal percent sign as %%"))
            continue
        if value and (isinstance(value, str) or any(value)):
            catalogue.messages[key] = value
    return out


def _placeholder_problem(msgid: str, translation: str) -> str:
    """'' when `translation` formats with the msgid's placeholders; else what is wrong, in plain words."""
    names = dict.fromkeys(_PLACEHOLDER.findall(msgid), 1)
    try:
        translation % names
    except KeyError as exc:
        return f"uses a placeholder %({exc.args[0]})s that the English text does not have"
    except (ValueError, TypeError):
        return "has a stray % sign or a placeholder written wrongly"
    return ""


def _plural_rule(tag: str) -> Callable[[int], int]:
    locale = babel_locale(tag)
    if locale is None:
        return lambda n: int(n != 1)
    return gnu_gettext.c2py(Catalog(locale=locale).plural_expr)


def _short(key: Any) -> str:
    text = key[0] if isinstance(key, tuple) else key
    return text if len(text) <= 60 else text[:57] + "..."


# ----------------------------------------------------------------------------- rendering

_CURRENT: contextvars.ContextVar[tuple[Language | None, Catalogue | None]] = contextvars.ContextVar(
    "haven_language", default=(None, None))


@contextmanager
def rendering(language: Language | None, catalogue: Catalogue | None) -> Iterator[None]:
    """Render in `language` (its catalogue, dates and numbers) for the duration of the block."""
    token = _CURRENT.set((language, catalogue))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_rendering() -> tuple[Language | None, Catalogue | None]:
    """The language and catalogue being rendered ((None, None) outside a render)."""
    return _CURRENT.get()


def current_language(config: Any) -> Language:
    """The language being rendered (the hub's default outside a render)."""
    return _CURRENT.get()[0] or config.default_language


def _escaped(text: str) -> Markup:
    return Markup.escape(text)


def current_gettext(message: str) -> str:
    """gettext in the language being rendered; the result is escaped text (translations are never HTML)."""
    catalogue = _CURRENT.get()[1]
    return _escaped(catalogue.gettext(message) if catalogue else message)


def translated(message: str, **variables: Any) -> str:
    """`_("...")` in a template: the message in the page's language, escaped, with `%(name)s` filled in
    (always formatted, as Jinja's newstyle gettext does, so a literal percent sign is written %%)."""
    if variables or type(message) is not str:
        return current_gettext(message) % variables
    catalogue = _CURRENT.get()[1]
    known = catalogue.formatted if catalogue else _UNTRANSLATED
    found = known.get(message)
    if found is None:
        found = current_gettext(message) % variables
        if len(known) < MAX_REMEMBERED_MESSAGES:   # a template may translate text taken from the data
            known[message] = found
    return found


# Messages remembered per catalogue (and for pages without one); past this many, they are made each time.
MAX_REMEMBERED_MESSAGES = 4096
_UNTRANSLATED: dict[str, str] = {}


def current_ngettext(singular: str, plural: str, n: int) -> str:
    """ngettext in the language being rendered (CLDR plural rules)."""
    catalogue = _CURRENT.get()[1]
    if catalogue:
        return _escaped(catalogue.ngettext(singular, plural, n))
    return _escaped(singular if n == 1 else plural)


def current_pgettext(context: str, message: str) -> str:
    """pgettext: Haven's catalogues use no message contexts, so this is gettext."""
    return current_gettext(message)


def current_npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """npgettext: as ngettext (no message contexts)."""
    return current_ngettext(singular, plural, n)


def long_date(value: date | None) -> str:
    """A date in full, in the page's language: "14 March 2025", "14 de marzo de 2025".

    English keeps day-month-year, which no English reader misreads (CLDR's `en` would say March 14).
    """
    if not value:
        return ""
    language = _CURRENT.get()[0]
    if language is None or not needs_catalogue(language.code) or babel_locale(language.code) is None:
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return _formatted_date(value, language.locale)


@functools.lru_cache(maxsize=4096)
def _formatted_date(value: date, locale: str) -> str:
    """Babel's long date, remembered: an article's dates appear on its page and in every listing."""
    return format_date(value, format="long", locale=locale)


def number(value: int | float) -> str:
    """A number in the page's language's separators and digits (1,234 in English, 12.345 in Spanish)."""
    language = _CURRENT.get()[0]
    locale = language.locale if language is not None and babel_locale(language.code) else "en"
    return _formatted_number(value, locale)


@functools.lru_cache(maxsize=4096)
def _formatted_number(value: int | float, locale: str) -> str:
    """Babel's formatting, remembered: listings show the same few counts on every page."""
    return format_decimal(value, locale=locale)


def left_to_right(value: Any) -> Markup:
    """`value` isolated and read left to right (<bdi dir="ltr">): a phone number keeps its digit groups in
    order inside right-to-left text ("555 0100", never "0100 555")."""
    return Markup('<bdi dir="ltr">%s</bdi>') % value


def install(env: Any) -> None:
    """Give a Jinja environment `_()`, `{% trans %}`, and the `long_date`, `number` and `ltr` filters."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True   # {% trans %} blocks: whitespace collapsed, as Babel extracts them
    env.install_gettext_callables(current_gettext, current_ngettext, newstyle=True,
                                  pgettext=current_pgettext, npgettext=current_npgettext)
    # `_()` and `{% trans %}` call these on every page (tens of thousands of calls in a build). Jinja's
    # newstyle versions reach the same function through three context calls (an alias, a wrapper that
    # asks the context for autoescape, then the function); the translation here is already escaped
    # text (Markup), so one plain call gives the same result: the message translated, then `% variables`.
    env.globals["_"] = env.globals["gettext"] = translated
    env.filters["long_date"] = long_date
    env.filters["number"] = number
    env.filters["ltr"] = left_to_right


def template_messages(trees: dict[str, Any]) -> dict[Any, tuple[str, int]]:
    """Every translatable message in the parsed templates -> (template, line) where it first appears."""
    from jinja2.ext import extract_from_ast

    found: dict[Any, tuple[str, int]] = {}
    for name in sorted(trees):
        for line, function, message in extract_from_ast(trees[name], GETTEXT_FUNCTIONS, babel_style=False):
            strings = tuple(s for s in (message or ()) if isinstance(s, str))
            if not strings:
                continue
            if function in ("ngettext", "npgettext"):
                pair = strings[-2:] if function == "npgettext" else strings[:2]
                key: Any = tuple(pair) if len(pair) == 2 else pair[0]
            else:
                key = strings[-1] if function == "pgettext" else strings[0]
            found.setdefault(key, (name, line))
    return found


def missing_messages(catalogue: Catalogue, messages: Iterable[Any]) -> list[Any]:
    """The messages `catalogue` does not translate, in the order given."""
    return [m for m in messages if not catalogue.translates(m)]
