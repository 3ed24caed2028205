"""Transparency after HONcode's principles: who runs the hub, how it is funded, its advertising policy.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic

_TRANSPARENCY_FIELDS = (
    ("owner", "who runs the hub", "owner: Run by the Example Trust, a registered charity"),
    ("funding", "how the hub is funded", "funding: Funded by donations; no drug-company money"),
    ("advertising", "the advertising policy", "advertising: We show no ads and publish no sponsored content"),
)


def check_transparency(path: str, line: int, transparency: Mapping[str, object] | None,
                       about_exists: bool) -> list[Diagnostic]:
    """`transparency` warnings, after HONcode's principles, when site settings do not declare
    `transparency.owner`, `.funding` or `.advertising`, or when the hub has no About page.

    `line` is the line of `transparency:` in `path` (or 0 when the key is absent).
    """
    transparency = transparency or {}
    findings: list[Diagnostic] = []
    for key, meaning, example in _TRANSPARENCY_FIELDS:
        if not _filled(transparency.get(key)):
            findings.append(finding("transparency", path, line, 1 if line else 0,
                                    f"site settings do not say {meaning} (`transparency.{key}`)",
                                    f"readers judge health information by who stands behind it: add `{example}`"))
    if not about_exists:
        findings.append(finding("transparency", path, line, 1 if line else 0, "the hub has no About page",
                                "add an About page saying who writes and reviews the articles, and how"))
    return findings


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""
