"""Crisis resources in site settings: reachable, verified within the last year, not a retired number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from generator.checks.policy import finding
from generator.checks.review import add_months
from generator.diagnostics import Diagnostic

CRISIS_RESOURCE_MAX_AGE_MONTHS = 12


@dataclass(frozen=True)
class RetiredNumber:
    """A crisis line number that has been replaced: digits as dialled within its country."""

    digits: str
    shown_as: str
    replaced_by: str
    since: str


# Only retirements we are sure of. The US National Suicide Prevention Lifeline's 10-digit number was
# replaced by the 988 Suicide & Crisis Lifeline on 16 July 2022 (the old number forwards for now, but 988
# is the number to publish).
RETIRED_NUMBERS: tuple[RetiredNumber, ...] = (
    RetiredNumber("8002738255", "1-800-273-8255 (1-800-273-TALK)", "988 (call or text)", "16 July 2022"),
)
_KEYPAD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "22233344455566677778889999" "22233344455566677778889999",
)
_NON_DIGITS_RE = re.compile(r"\D+")


def _digits(value: str, letters_are_keypad: bool) -> str:
    if letters_are_keypad:
        value = value.translate(_KEYPAD)  # 1-800-273-TALK dials 1-800-273-8255
    return _NON_DIGITS_RE.sub("", value)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def check_crisis_resources(
    path: str, resources: Sequence[tuple[Mapping[str, object], int]], today: date | None = None
) -> list[Diagnostic]:
    """Findings for the crisis resources in site settings, each given with its line in `path`.

    Each entry needs a `name` and at least one of `phone`, `text` or `url` (else an error: a person in
    crisis cannot use it), and a `verified_on` date (YYYY-MM-DD); a date more than 12 months old is a
    warning, and so is a number known to be retired (checked in `phone`, `text` and `url`; letters in
    `phone` are read as keypad digits). All findings point at the entry's line.
    """
    today = today or date.today()
    findings: list[Diagnostic] = []
    for entry, line in resources:
        if not isinstance(entry, Mapping):
            findings.append(finding("crisis-resource-incomplete", path, line, 1,
                                  "a crisis resource must be a mapping of fields",
                                  "write `- name: ...` followed by `phone:`, `text:` or `url:`, and `verified_on:`"))
            continue
        label = str(entry.get("name") or "").strip() or f"the crisis resource on line {line}"
        if not _filled(entry.get("name")):
            findings.append(finding("crisis-resource-incomplete", path, line, 1, "a crisis resource has no name",
                                  "add `name:`, e.g. `name: Samaritans`"))
        if not any(_filled(entry.get(key)) for key in ("phone", "sms", "text", "url")):
            findings.append(finding("crisis-resource-incomplete", path, line, 1,
                                    f"{label} has no phone, sms or url: nobody can reach it",
                                    "add at least one of `phone:`, `sms:` or `url:`"))
        verified = _as_date(entry.get("verified_on"))
        if verified is None:
            given = entry.get("verified_on")
            problem = ("has no `verified_on` date" if not _filled(given)
                       else f"has an unreadable `verified_on` ({given!r})")
            findings.append(finding("crisis-resource-unverified", path, line, 1, f"{label} {problem}",
                                    "check the service still answers, then write `verified_on: YYYY-MM-DD`"))
        elif verified > today:
            findings.append(finding("crisis-resource-unverified", path, line, 1,
                                    f"{label} says it was verified on {verified.isoformat()}, a day still to come",
                                    "write the day someone last checked the service answers"))
        else:
            due = add_months(verified, CRISIS_RESOURCE_MAX_AGE_MONTHS)
            if today > due:
                findings.append(finding(
                    "crisis-resource-stale", path, line, 1,
                    f"{label} was last verified on {verified.isoformat()}, more than "
                    f"{CRISIS_RESOURCE_MAX_AGE_MONTHS} months ago (due {due.isoformat()})",
                    "check the number and hours are still right, then update `verified_on:`"))
        for key in ("phone", "sms", "text", "url"):
            value = entry.get(key)
            if not _filled(value):
                continue
            digits = _digits(str(value), letters_are_keypad=(key == "phone"))
            for retired in RETIRED_NUMBERS:
                if retired.digits in digits:
                    findings.append(finding(
                        "crisis-resource-retired", path, line, 1,
                        f"{label}: {key} uses {retired.shown_as}, replaced by {retired.replaced_by} "
                        f"on {retired.since}",
                        f"publish {retired.replaced_by} instead"))
                    break
    return findings
