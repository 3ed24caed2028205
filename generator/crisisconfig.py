"""The reader-in-distress settings of site.yaml, checked at the boundary: `crisis:` (services per region
and language, emergency numbers, texts per language, search risk terms) and `contact:`.

Loader layer: read through `generator.fields.Reader` (every wrong kind of value is reported there, at
its line and column), out come typed records (`generator.model`) and `Diagnostic`s.

Codes:
    crisis-resource-invalid     a region, language or number that is not one, a non-web url, a keyword
                                without an sms number, a `text:` naming no number                    error
    crisis-resource-old-shape   `text: "Text SHOUT to 85258"`, read as sms + keyword                 warning
    contact-invalid             `contact:` neither an e-mail address nor a form on the hub's host    error
    bad-crisis-resource, bad-language, setting-type, field-type, bad-date (shared with config.py)     error
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from generator.checks.policy import finding
from generator.discover import SITE_FILE
from generator.fields import Reader, described, is_language_tag, unknown_keys
from generator.model import Contact, Crisis, CrisisResource, EmergencyNumber
from generator.urlpolicy import checked

HELP_URL = "/help/"   # the crisis help page (plain HTML); every page's help button links here

RESOURCE_KEYS = ("name", "region", "regions", "languages", "phone", "sms", "keyword", "url", "note", "verified_on")
CRISIS_KEYS = ("heading", "intro", "emergency", "emergency_numbers", "resources", "risk_terms")
TEXT_KEYS = ("heading", "intro", "emergency")
DEFAULT_TEXTS = {
    "heading": "Need help now?",
    "intro": "",
    "emergency": "If you are in immediate danger, call your local emergency number.",
}

# What a reader in distress might type into a search box, per language. Words and phrases only (no
# statistics); a hub replaces a list with `crisis: {risk_terms: {en: [...]}}` or turns it off with `[]`.
# Matching (search.js) is whole words, case- and accent-insensitive, so "Suicidio" matches "suicidio".
DEFAULT_RISK_TERMS: dict[str, tuple[str, ...]] = {
    "en": (
        "suicide", "suicidal", "kill myself", "killing myself", "end my life", "ending my life",
        "take my own life", "want to die", "wanna die", "better off dead", "no reason to live",
        "self-harm", "self harm", "selfharm", "hurt myself", "hurting myself", "cut myself", "cutting myself",
        "overdose", "overdosing",
    ),
    "es": (
        "suicidio", "suicida", "suicidarme", "suicidarse", "matarme", "quitarme la vida", "acabar con mi vida",
        "quiero morir", "quiero morirme", "no quiero vivir", "autolesión", "autolesiones", "autolesionarme",
        "hacerme daño", "cortarme", "sobredosis",
    ),
}

_REGION_RE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$")          # ISO 3166-1 alpha-2, or a 3166-2 subdivision
_NUMBER_RE = re.compile(r"^\+?[0-9][0-9 ().-]*$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_OLD_TEXT_RE = re.compile(r"text\s+(?:(?P<word>[A-Za-z]+)\s+to\s+)?(?P<number>[0-9][0-9 ]*[0-9]|[0-9])", re.I)
_NOT_ISO = {"UK": "GB", "EL": "GR", "EU": "a country code for each country, e.g. [ES, FR, DE]"}
def parse_crisis(read: Reader, default_language: str) -> Crisis:
    """`crisis:` as a `Crisis`; problems go to `read.out` at the line and column of the value.

    A resource with a problem is reported and left out (it is never shown half-read); the build stops
    on the error anyway."""
    texts = {key: _texts(read, ("crisis", key)) for key in TEXT_KEYS}
    default_texts = {key: _pick(texts[key], default_language) or DEFAULT_TEXTS[key] for key in TEXT_KEYS}
    resources = []
    items = read.items("crisis", "resources", example="` then `- name: ...")
    for index, item in enumerate(items):
        resource = _resource(read, ("crisis", "resources", index), item, default_language)
        if resource is not None:
            resources.append(resource)
    return Crisis(heading=default_texts["heading"], intro=default_texts["intro"],
                  emergency=default_texts["emergency"], resources=tuple(resources),
                  emergency_numbers=_emergency_numbers(read), texts=texts, risk_terms=_risk_terms(read),
                  unreadable=len(items) - len(resources))


def parse_contact(read: Reader, value: str, base_url: str) -> Contact:
    """`contact:` (an e-mail address, or the address of a form on the hub's own host), already read as
    text, as a `Contact`."""
    line, col = read.doc.at("contact")
    if not value:
        return Contact(line=line)
    hint = "write `contact: corrections@example.org` or `contact: https://your-hub.org/feedback/`"
    address = value.removeprefix("mailto:")
    if _EMAIL_RE.match(address):
        return Contact(address=address, line=line)
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        hub = urlsplit(base_url).netloc.lower()
        if parts.netloc.lower() != hub:
            read.out.append(finding("contact-invalid", SITE_FILE, line, col,
                                    f"the contact form {value[:80]} is on {parts.netloc[:60]}, not on this hub ({hub})",
                                    "readers' reports must not go to another site: use a form on the hub's own host, "
                                    "or an e-mail address"))
            return Contact(line=line)
        return Contact(form=value.split("#", 1)[0], line=line)
    read.out.append(finding("contact-invalid", SITE_FILE, line, col,
                            f"contact '{value[:80]}' is neither an e-mail address nor a web address", hint))
    return Contact(line=line)


# ------------------------------------------------------------------------------------------- parts


def _texts(read: Reader, where: tuple) -> dict[str, str]:
    """A text setting: one text for every language, or `{en: ..., es: ...}`. "" maps to the one text."""
    value = read.raw(*where)
    if value is None:
        return {}
    if not isinstance(value, dict):
        text = read.text(*where)
        return {"": text} if text else {}
    texts: dict[str, str] = {}
    for language in value:
        if not is_language_tag(str(language)):
            line, col = read.doc.key_at(*where, language)
            read.out.append(finding("bad-language", SITE_FILE, line, col,
                                    f"'{str(language)[:40]}' in {where[-1]} is not a language tag",
                                    f"write one text, or one per language: `{where[-1]}: {{en: \"in English\", "
                                    "es: \"en español\"}` (quote texts that contain commas)"))
            continue
        text = read.text(*where, language)
        if text:
            texts[str(language)] = text
    return texts


def _pick(texts: dict[str, str], language: str) -> str:
    return texts.get("") or texts.get(language) or texts.get(language.split("-")[0]) or next(iter(texts.values()), "")


def _codes(read: Reader, where: tuple, label: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """`regions:` or `languages:`: one code or a list of codes, each checked; `default` when not written."""
    field = where[-1]
    value = read.raw(*where)
    if value is None or value == [] or value == "":
        return default
    items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    codes = []
    for index, item in items:
        spot = where if index is None else (*where, index)
        code = str(read.doc.written(*spot) or item).strip() if not isinstance(item, (list, dict)) else ""
        valid = _REGION_RE.match(code) if field == "regions" else is_language_tag(code) and code == code.lower()
        if not valid:
            at_line, at_col = read.doc.at(*spot)
            shown = f"'{code[:40]}'" if code else described(item)
            read.out.append(finding("crisis-resource-invalid", SITE_FILE, at_line, at_col,
                                    f"{label}: {shown} is not a {field[:-1]} code",
                                    _region_fix(code) if field == "regions" else _language_fix(code)))
            continue
        codes.append(code)
    return tuple(codes)


def _region_fix(code: str) -> str:
    upper = code.upper()
    if upper in _NOT_ISO:
        return f"ISO 3166 has no '{upper}': use {_NOT_ISO[upper]}"
    if _REGION_RE.match(upper):
        return f"write region codes in capitals: {upper}"
    return "use ISO 3166 codes: two capital letters per country, e.g. [US], [GB, IE], [ES]"


def _language_fix(code: str) -> str:
    if is_language_tag(code.lower()):
        return f"write language codes in small letters: {code.lower()}"
    return "use language codes, e.g. [en] or [en, es]"


def _number(read: Reader, where: tuple, label: str) -> str:
    number = read.text(*where)   # as written: `phone: 024` stays 024
    if number and not _NUMBER_RE.match(number):
        line, col = read.doc.at(*where)
        read.out.append(finding("crisis-resource-invalid", SITE_FILE, line, col,
                                f"{label}: {where[-1]} '{number[:40]}' is not a number to dial",
                                f"write it as dialled, in digits (letters such as 1-800-273-TALK cannot be tapped): "
                                f"`{where[-1]}: \"988\"`"))
        return ""
    return number


def _old_text(read: Reader, where: tuple, label: str, sms: str, keyword: str) -> tuple[str, str]:
    """The old `text: "Text SHOUT to 85258"` line, read as `sms:` and `keyword:` so a hub written before
    keeps working (a warning says what to write); text that names no number is an error."""
    old = read.text(*where, "text")
    line, col = read.doc.key_at(*where, "text")
    match = _OLD_TEXT_RE.search(old)
    if not match:
        read.out.append(finding("crisis-resource-invalid", SITE_FILE, line, col,
                                f"{label}: `text: {old[:60]}` names no number to text, so readers cannot tap it",
                                "write `sms: \"NUMBER\"` (the number to text) and, if the service asks for a word, "
                                "`keyword: WORD`"))
        return sms, keyword
    number, word = match.group("number").replace(" ", ""), (match.group("word") or "").upper()
    lines = f'`sms: "{number}"`' + (f" and `keyword: {word}`" if word else "")
    read.out.append(finding("crisis-resource-old-shape", SITE_FILE, line, col,
                            f"{label}: `text: {old[:60]}` is read as {lines}, so readers can tap it",
                            f"write {lines} instead of `text:`"))
    return sms or number, keyword or word


def _resource(read: Reader, where: tuple, item: Any, default_language: str) -> CrisisResource | None:
    line, col = read.doc.at(*where)
    if not isinstance(item, dict):
        read.out.append(finding("bad-crisis-resource", SITE_FILE, line, col,
                                f"a crisis resource must be `name: value` lines, not {described(item)}",
                                "write `- name: ...` with `regions:`, `languages:` and `phone:`, `sms:` or `url:` "
                                "under it"))
        return None
    before = len(read.out)
    read.out.extend(unknown_keys(read.doc, where, RESOURCE_KEYS + ("text",), SITE_FILE, "unknown-setting",
                                 "setting in a crisis resource", f"a crisis resource takes {', '.join(RESOURCE_KEYS)}"))
    name = read.text(*where, "name")
    label = name or f"the crisis resource on line {line}"
    region_labels = _texts(read, (*where, "region"))
    regions = _codes(read, (*where, "regions"), label)
    # Not written: the hub's own language (a one-language hub's list, as hubs wrote it before languages).
    languages = _codes(read, (*where, "languages"), label, (default_language.split("-")[0].lower(),))
    sms = _number(read, (*where, "sms"), label)
    keyword = read.text(*where, "keyword")
    if "text" in item:
        sms, keyword = _old_text(read, where, label, sms, keyword)
    url = read.text(*where, "url")
    phone = _number(read, (*where, "phone"), label)
    if keyword and not sms:
        key_line, key_col = read.doc.key_at(*where, "keyword")
        read.out.append(finding("crisis-resource-invalid", SITE_FILE, key_line, key_col,
                                f"{label} has a `keyword:` but no `sms:` number",
                                "add the number to text, e.g. `sms: \"85258\"`"))
    notes = _texts(read, (*where, "note"))
    verified = read.raw(*where, "verified_on")
    if isinstance(verified, (list, dict)):
        read.wrong((*where, "verified_on"), "date", code="bad-date")
        verified_text = ""
    else:
        verified_text = read.text(*where, "verified_on")
    verified_date = _iso_date(verified_text)
    if any(d.severity == "error" for d in read.out[before:]):
        return None   # reported here; pages and the editorial checks see only well-formed resources
    if url:
        # the URL policy first (javascript:, data:, ... refused); then a service's address must be a web page.
        # Either way the address is reported and left out, and the rest of the service still shows.
        url_line, url_col = read.doc.at(*where, "url")
        url = checked(url, SITE_FILE, url_line, url_col, "crisis resource url", read.out)
        if url and urlsplit(url).scheme not in ("http", "https"):
            read.out.append(finding("crisis-resource-invalid", SITE_FILE, url_line, url_col,
                                    f"{label}: url '{url[:60]}' is not a web address",
                                    "write the service's web address, e.g. https://www.samaritans.org/"))
            url = ""
    return CrisisResource(
        name=name, region=_pick(region_labels, "en"), region_labels=region_labels, regions=regions,
        languages=languages, phone=phone, sms=sms, sms_keyword=keyword, url=url, notes=notes,
        verified_on=verified_date, line=line,
        # what the editorial check reads: the typed values (an unreadable date as written, for its message)
        raw={"name": name, "phone": phone, "sms": sms, "url": url,
             "verified_on": verified_date or verified_text or None},
    )


def _emergency_numbers(read: Reader) -> tuple[EmergencyNumber, ...]:
    numbers = []
    for index, item in enumerate(read.items("crisis", "emergency_numbers",
                                            example="` then `- {number: \"112\", regions: [ES], label: Spain}")):
        where = ("crisis", "emergency_numbers", index)
        line, col = read.doc.at(*where)
        if not isinstance(item, dict) or not read.text(*where, "number"):
            read.out.append(finding("crisis-resource-invalid", SITE_FILE, line, col,
                                    "an emergency number needs `number:`",
                                    "write `- {number: \"112\", regions: [ES], label: Spain}`"))
            continue
        read.out.extend(unknown_keys(read.doc, where, ("number", "regions", "label"), SITE_FILE, "unknown-setting",
                                     "setting in an emergency number",
                                     "an emergency number takes number, regions, label"))
        label = f"emergency number {read.text(*where, 'number')[:20]}"
        number = _number(read, (*where, "number"), label)
        regions = _codes(read, (*where, "regions"), label)
        if number:
            numbers.append(EmergencyNumber(number, regions, _texts(read, (*where, "label"))))
    return tuple(numbers)


def _risk_terms(read: Reader) -> dict[str, tuple[str, ...]]:
    terms = dict(DEFAULT_RISK_TERMS)
    for language in read.mapping("crisis", "risk_terms"):
        where = ("crisis", "risk_terms", language)
        words = read.raw(*where)
        line, col = read.doc.key_at(*where)
        if not is_language_tag(str(language)) or not isinstance(words, list) \
                or not all(isinstance(w, (str, int, float)) and not isinstance(w, bool) for w in words):
            read.out.append(finding("setting-type", SITE_FILE, line, col,
                                    f"crisis.risk_terms.{str(language)[:20]} "
                                    "must be a list of words or phrases in a language",
                                    "write `en: [suicide, kill myself]` ([] turns the list off for that language)"))
            continue
        terms[str(language)] = tuple(" ".join(str(w).lower().split()) for w in words if str(w).strip())
    return terms


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None
