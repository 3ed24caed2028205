"""Typed reading of YAML data at the boundary: each field is declared once, with its kind, and read through
one `Reader` that turns every wrong type into a finding in the writer's words at the value's line and column.

Nothing that is not text leaves a `Reader.text` as text: a list or a mapping where text belongs is a finding
and the field's default, never `['a', 'b']` on a page. Scalars are taken as written (`1.10` stays "1.10").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import langcodes

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic, did_you_mean, error
from generator.yamlload import YamlDoc, field_name

# What each kind of field must hold, in a writer's words, and an example of it.
KINDS: dict[str, tuple[str, str]] = {
    "text": ("text", "some text"),
    "flag": ("true or false", "true"),
    "date": ("a date such as 2025-03-14", "2025-03-14"),
    "names": ("a name or a list of names", "[one-name, another-name]"),
    "language": ("a language tag such as en-GB", "en-GB"),
    "number": ("a positive number", "8"),
    "mapping": ("indented `name: value` lines", "{name: value}"),
    "list": ("a list (one `- ` line per item)", "[...]"),
    "any": ("anything", "..."),
}


@dataclass(frozen=True)
class Field:
    """One key a data file may hold: its name, its kind (a key of KINDS), and what it is for."""

    name: str
    kind: str
    doc: str
    example: str = ""
    required_for: tuple[str, ...] = ()   # kinds of file that must set it, e.g. ("article",)
    default: Any = None                  # the value when it is not set (None: the kind's empty value)

    @property
    def words(self) -> str:
        """What the field must hold, in a writer's words."""
        return KINDS[self.kind][0]


def described(value: Any) -> str:
    """What a YAML value is, in a writer's words (never a Python type name)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def unknown_keys(doc: YamlDoc, base: tuple, known: Iterable[str], path: str, code: str, what: str,
                 fallback: str) -> list[Diagnostic]:
    """A warning for each key under `base` that is not declared, with a did-you-mean hint."""
    known = list(known)
    found = doc.data if base == () else _get(doc.data, base)
    out = []
    for key in found if isinstance(found, dict) else ():
        if key not in known:
            line, col = doc.key_at(*base, key)
            out.append(finding(code, path, line, col, f"unknown {what} '{key}'",
                               did_you_mean(str(key), known) or fallback))
    return out


def _get(data: Any, where: tuple) -> Any:
    for step in where:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


class Reader:
    """Reads typed values out of a `YamlDoc`; a wrong value is a finding and the reader returns the default."""

    def __init__(self, doc: YamlDoc, path: str, missing_code: str = "missing-field"):
        self.doc, self.path, self.missing_code = doc, path, missing_code
        self.out: list[Diagnostic] = []

    def field(self, spec: Field, file_kind: str = "", missing_line: int | None = None) -> Any:
        """Read the top-level field `spec` by its declared kind; a required field left empty is a finding."""
        name, example = spec.name, spec.example or "..."
        if spec.kind == "text":
            value: Any = self.text(name, example=example, default=spec.default or "")
        elif spec.kind == "names":
            value = self.names(name, example=example)
        elif spec.kind == "date":
            value = self.date(name)
        elif spec.kind == "flag":
            value = self.flag(name, default=bool(spec.default))
        elif spec.kind == "list":
            value = self.items(name, example=example)
        elif spec.kind == "mapping":
            value = self.mapping(name)
        elif spec.kind == "language":
            value = self.language(name, default=spec.default or "en")
        else:
            value = self.raw(name)
        written = self.raw(name)
        empty = written is None or written == [] or (isinstance(written, str) and not written.strip())
        if file_kind in spec.required_for and empty:
            self.missing((name,), date.today().isoformat() if spec.kind == "date" else example, line=missing_line)
        return value

    def raw(self, *where: Any) -> Any:
        """The value at `where`, unchecked (None when absent)."""
        return _get(self.doc.data, where)

    def has(self, *where: Any) -> bool:
        """True when `where` was written (even as an empty value)."""
        return tuple(where) in self.doc.values

    def wrong(self, where: tuple, kind: str, example: str = "", code: str = "field-type") -> None:
        """Record that the value at `where` is not of `kind`."""
        words, default_example = KINDS[kind]
        key = next((step for step in reversed(where) if isinstance(step, str)), "value")
        line, col = self.doc.at(*where)
        fix = f"write `{key}: {example or default_example}`"
        if kind == "text":
            fix += " (quote text that contains ': ')"
        self.out.append(finding(code, self.path, line, col,
                                f"{field_name(where)} must be {words}, not {self.shown(where)}", fix))

    def shown(self, where: tuple) -> str:
        """The value at `where` for a message: a scalar as written (quoted, cut short), else what it is."""
        written = self.doc.written(*where)
        if written is not None and written.strip():
            return f"'{written[:40]}'" + ("..." if len(written) > 40 else "")
        return described(self.raw(*where))

    def missing(self, where: tuple, example: str = "...", line: int | None = None) -> None:
        """Record that a required field is absent."""
        name = field_name(where)
        at_line, col = (line, 1) if line else self.doc.at(*where[:-1])
        kind = "setting" if self.missing_code == "missing-setting" else "field"
        self.out.append(error(self.missing_code, self.path, at_line, col, f"required {kind} '{name}' is missing",
                              f"add a line `{where[-1]}: {example}`"))

    def text(self, *where: Any, required: bool = False, default: str = "", example: str = "") -> str:
        """Text as written; a number or true/false is taken as the text written, a list or mapping is a finding."""
        value = self.raw(*where)
        if isinstance(value, (list, dict)):
            self.wrong(where, "text", example or "some text")
            return default
        written = self.doc.written(*where)
        if value is None or written is None or not str(value).strip():
            if required:
                self.missing(where, example or "...")
            return default
        text = (value if isinstance(value, str) else written).strip()
        control = _CONTROL.search(text)
        if control:   # (YAML refuses them written raw, but reads "\x1b" or "\0" in double quotes as the character)
            line, col = self.doc.at(*where)
            self.out.append(finding("control-character", self.path, line, col,
                                    f"{field_name(where)} holds the control character U+{ord(control.group()):04X}, "
                                    "which no page can show", "remove it (in double quotes, YAML reads an escape "
                                    "such as \\x1b or \\0 as that character)"))
            text = _CONTROL.sub("", text)
        return text

    def flag(self, *where: Any, default: bool) -> bool:
        """true or false."""
        value = self.raw(*where)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.wrong(where, "flag", "true` or `false")
            return default
        return value

    def number(self, *where: Any, default: float, largest: float = 1e6) -> float:
        """A positive, finite number no larger than `largest`; anything else is a finding and `default`.

        `largest` is part of the setting's meaning (a time limit a CI job can afford), so a value over it gets
        its own message naming it: "must be a positive number" would be untrue, and its example might be
        refused too. The default bound keeps any number in a range every later use (a timer) can handle.
        """
        value = self.raw(*where)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            self.wrong(where, "number", plain_number(min(default, largest)))
            return default
        if value > largest:
            line, col = self.doc.at(*where)
            key = next((step for step in reversed(where) if isinstance(step, str)), "value")
            self.out.append(finding("field-type", self.path, line, col,
                                    f"{field_name(where)} {self.shown(where)} is over the largest allowed, "
                                    f"{plain_number(largest)}",
                                    f"write `{key}: {plain_number(largest)}` or less"))
            return default
        return value

    def date(self, *where: Any, required: bool = False) -> date | None:
        """A real calendar date written YYYY-MM-DD (a time after it is allowed and ignored)."""
        value = self.raw(*where)
        if value is None or value == "":
            if required:
                self.missing(where, date.today().isoformat())
            return None
        if isinstance(value, (list, dict)):
            self.wrong(where, "date", code="bad-date")
            return None
        text = str(self.doc.written(*where) or value).strip()
        try:
            if not re.match(r"^\d{4}-\d{2}-\d{2}(?:$|[T ])", text):
                raise ValueError
            return date.fromisoformat(text[:10])
        except ValueError:
            line, col = self.doc.at(*where)
            name = field_name(where)
            self.out.append(finding("bad-date", self.path, line, col, f"{name} '{text[:40]}' is not a real date",
                                    "write it as YYYY-MM-DD, e.g. 2025-03-14"))
            return None

    def names(self, *where: Any, required: bool = False, example: str = "...") -> tuple[str, ...]:
        """A name (id) or a list of names; each must be text."""
        value = self.raw(*where)
        if value is None or value == "" or value == []:
            if required:
                self.missing(where, example)
            return ()
        if isinstance(value, dict):
            self.wrong(where, "names", f"{example}` or `[one, another]")
            return ()
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        found = []
        for index, item in items:
            spot = where if index is None else (*where, index)
            if isinstance(item, (list, dict)) or item is None:
                line, col = self.doc.at(*spot)
                self.out.append(finding("field-type", self.path, line, col,
                                        f"{field_name(where)} must be a name or a list of names, "
                                        f"but item {(index or 0) + 1} is {described(item)}",
                                        f"write `{where[-1]}: {example}` or `{where[-1]}: [one, another]`"))
                continue
            found.append(str(self.doc.written(*spot) or item).strip())
        return tuple(found)

    def language(self, *where: Any, default: str = "en") -> str:
        """A valid BCP 47 language tag (checked against the IANA subtag registry that langcodes ships)."""
        value = self.raw(*where)
        if value is None or value == "":
            return default
        text = self.doc.written(*where) if not isinstance(value, (list, dict)) else None
        if text is None or not is_language_tag(text.strip()):
            line, col = self.doc.at(*where)
            name = field_name(where)
            shown = self.shown(where)
            hyphenated = text.strip().replace("_", "-") if text else ""
            fix = hyphenated if text and "_" in text and is_language_tag(hyphenated) else "en-GB"
            self.out.append(finding("bad-language", self.path, line, col,
                                    f"{name} must be a language tag such as en-GB, not {shown}",
                                    f"write `{where[-1]}: {fix}` "
                                    "(a BCP 47 tag: language, then optional script and region)"))
            return default
        return text.strip()

    def mapping(self, *where: Any) -> dict:
        """A mapping (empty when absent)."""
        value = self.raw(*where)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.wrong(where, "mapping", "` followed by indented `name: value")
            return {}
        return value

    def items(self, *where: Any, example: str = "...") -> list:
        """A list (empty when absent)."""
        value = self.raw(*where)
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong(where, "list", example)
            return []
        return value


# Characters no page can show and a browser or feed reader may act on: C0 controls but tab and line break, DEL, C1.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_number(value: float) -> str:
    """A number as a writer would type it into YAML: 2000000, not 2e+06 or 2000000.0."""
    return str(int(value)) if value == int(value) else repr(float(value))


def is_language_tag(text: str) -> bool:
    """True for a valid BCP 47 tag written with hyphens (en, en-GB, zh-Hant-TW, de-CH-1996).

    langcodes checks each subtag against the IANA Language Subtag Registry it ships, so `english`, `42` and
    `en-XX` fail; it also accepts `en_GB`, which HTML's lang attribute does not, hence the underscore test.
    """
    return bool(text) and len(text) <= 64 and "_" not in text and langcodes.tag_is_valid(text)
