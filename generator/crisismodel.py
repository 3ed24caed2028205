"""Typed records of a hub's crisis help and reader contact (site.yaml `crisis:`, `contact:`). No I/O here.

Part of the model (`generator.model` re-exports them); kept apart so each module stays small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True)
class CrisisResource:
    """One crisis service: who it serves (ISO 3166 regions, language codes) and how to reach it."""

    name: str
    region: str = ""                     # a label for readers, e.g. "United Kingdom"
    region_labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)  # per language
    regions: tuple[str, ...] = ()        # ISO 3166 codes, e.g. ("GB", "IE")
    languages: tuple[str, ...] = ()      # language codes the service answers in, e.g. ("en",)
    phone: str = ""
    sms: str = ""                        # number to text
    sms_keyword: str = ""                # word the service asks for as the first message, e.g. SHOUT
    url: str = ""
    notes: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)  # language -> note
    verified_on: date | None = None
    line: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def region_in(self, language: str) -> str:
        """The region label for readers of `language` ("Reino Unido"), else the one label."""
        return _in_language(self.region_labels, language) or self.region

    def note(self, language: str) -> str:
        """The note for readers of `language` (e.g. "press 2 for Spanish"), or the one note for all."""
        return _in_language(self.notes, language)

    @property
    def tel_href(self) -> str:
        """`tel:` address of `phone`: digits and a leading +, nothing else."""
        return "tel:" + _dialable(self.phone)

    @property
    def sms_href(self) -> str:
        """`sms:` address of `sms`, with the keyword as the message body: `sms:85258?&body=SHOUT`.

        `?&body=` is the one form both platforms read: Android takes the query (`body=SHOUT`), iOS 8
        and later look for `&body=`; the keyword is also shown as text beside the link, because some
        messaging apps ignore the body."""
        href = "sms:" + _dialable(self.sms)
        if self.sms_keyword:
            href += "?&body=" + _percent_encode(self.sms_keyword)
        return href


@dataclass(frozen=True)
class EmergencyNumber:
    """A number for immediate danger (police, ambulance) and where it works."""

    number: str
    regions: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)  # "US and Canada"

    def label(self, language: str) -> str:
        """Where the number works, in `language`."""
        return _in_language(self.labels, language)

    @property
    def tel_href(self) -> str:
        """`tel:` address of the number."""
        return "tel:" + _dialable(self.number)


@dataclass(frozen=True)
class Crisis:
    """The crisis-resources region: its texts (one per language) and its services."""

    heading: str
    intro: str
    emergency: str
    resources: tuple[CrisisResource, ...]
    emergency_numbers: tuple[EmergencyNumber, ...] = ()
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, hash=False)
    risk_terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    unreadable: int = 0                  # resources left out for an error already reported
    def for_language(self, language: str) -> tuple[CrisisResource, ...]:
        """Every resource, those answering in `language` first (each group in file order).

        Readers are not located (nothing is sent anywhere), so all services stay on the page; language
        is the one thing the page knows about its reader."""
        base = language.split("-")[0].lower()
        speaks = [r for r in self.resources if base in r.languages]
        return tuple(speaks + [r for r in self.resources if r not in speaks])

    def text(self, key: str, language: str) -> str:
        """`heading`, `intro` or `emergency` in `language`, falling back to the hub's default text."""
        return _in_language(self.texts.get(key, {}), language) or getattr(self, key)

    def terms_for(self, language: str) -> list[tuple[str, list[str]]]:
        """(language, search risk terms) pairs, `language`'s first: a reader may search in another
        language than the page's, and a false alarm only shows help. Pairs, not a mapping, because
        Jinja's `tojson` sorts a mapping's keys."""
        base = language.split("-")[0].lower()
        ordered = sorted(self.risk_terms, key=lambda code: code != base)
        return [(code, list(self.risk_terms[code])) for code in ordered if self.risk_terms[code]]


@dataclass(frozen=True)
class Contact:
    """Where readers report a problem: an e-mail address or a form on the hub's own host."""

    address: str = ""                    # e-mail address, or "" when `form` is used
    form: str = ""                       # absolute URL of a form on the hub's host
    line: int = 0

    def report_href(self, page_url: str, page_title: str) -> str:
        """A link that opens a report about one page with its address and title filled in."""
        if self.address:
            subject = "Problem with: " + " ".join(page_title.split())   # one line, whatever the title holds
            body = f"Page: {page_title}\n{page_url}\n\nWhat is wrong:\n"
            return (f"mailto:{self.address}?subject={_percent_encode(subject)}"
                    f"&body={_percent_encode(body)}")
        if self.form:
            joiner = "&" if "?" in self.form else "?"
            title = " ".join(page_title.split())
            return f"{self.form}{joiner}page={_percent_encode(page_url)}&title={_percent_encode(title)}"
        return ""


def _in_language(texts: Mapping[str, str], language: str) -> str:
    """The text for `language` (or its base language: es for es-MX); "" holds a text for every language."""
    return texts.get(language) or texts.get(language.split("-")[0].lower()) or texts.get("", "")


def _dialable(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return ("+" + digits) if number.strip().startswith("+") else digits


def _percent_encode(text: str) -> str:
    """RFC 3986 percent-encoding of everything but unreserved characters (so `&`, `?`, `#`, `+`, space
    and line breaks cannot end a mailto field early); line breaks as CRLF, as RFC 6068 asks."""
    return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")
