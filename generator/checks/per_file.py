"""Checks that need one file only; they run in the (cached, parallel) parse stage."""

from __future__ import annotations

from generator.checks import citations as citation_checks
from generator.checks import claims, readability, safe_messaging
from generator.checks.policy import Suppression, finding, read_suppressions
from generator.diagnostics import Diagnostic
from generator.markup.callouts import check_callouts
from generator.model import FrontMatter


def findings(path: str, meta: FrontMatter, body: str, body_first_line: int, converted,
             target: float, code: str = "en") -> tuple[list[Diagnostic], float | None, tuple[Suppression, ...]]:
    """All single-file findings for one parsed body (in language `code`), its Flesch-Kincaid grade, and the
    checks its front matter silences (read here, once: the policy applies them after the whole-hub checks)."""
    out: list[Diagnostic] = []
    for where, alt, decorative in converted.images:
        if not alt.strip() and not decorative:
            out.append(finding("missing-alt", path, where.line + body_first_line - 1, where.col,
                             f"image '{where.url}' has no alt text",
                             "describe it: ![A calm lake at dawn](" + where.url + "); if it is purely "
                             "decorative, say so: ![](" + where.url + "){.decorative}"))
    readable, grade = readability.readability_report(path, body, body_first_line, target, code)
    out += readable
    out += safe_messaging.check_safe_messaging(path, body, body_first_line, topic_ids=meta.topics)
    if "!!!" in body:
        out += check_callouts(path, body, body_first_line)
    out += claims.check_unsourced_claims(path, body, body_first_line)
    out += check_placeholders(path, meta, body, body_first_line)
    if meta.references:
        out += citation_checks.check_own_references(path, own_references(meta))
    suppressions: list[Suppression] = []
    if meta.checks:
        suppressions, about_them = read_suppressions(path, meta.checks, meta.lines.get("checks", 1))
        out += about_them
    return out, (round(grade, 1) if grade is not None else None), tuple(suppressions)


# What `haven new` writes for the writer to replace (generator.scaffold uses these very strings).
PLACEHOLDER_SUMMARY = "One or two sentences that tell a reader what this article gives them."
PLACEHOLDER_OPENING = "Start with what the reader needs most, in plain words."


def check_placeholders(path: str, meta: FrontMatter, body: str, body_first_line: int) -> list[Diagnostic]:
    """A `placeholder-text` warning where the summary or opening `haven new` wrote is still there."""
    out: list[Diagnostic] = []
    if meta.summary.strip() == PLACEHOLDER_SUMMARY:
        out.append(finding("placeholder-text", path, meta.lines.get("summary", 1), 1,
                           "the summary is still the placeholder `haven new` wrote",
                           "say in one or two sentences what this article gives a reader"))
    at = body.find(PLACEHOLDER_OPENING)
    if at != -1:
        out.append(finding("placeholder-text", path, body_first_line + body.count("\n", 0, at), 1,
                           "the opening is still the placeholder `haven new` wrote",
                           "replace it with what the reader needs most, in plain words"))
    return out


def own_references(meta: FrontMatter) -> list[tuple]:
    """The article's own CSL entries, each with its line in the file."""
    lines = list(meta.reference_lines) or [meta.lines.get("references", 1)] * len(meta.references)
    return list(zip(meta.references, lines, strict=False))
