"""Checks that need one file only; they run in the (cached, parallel) parse stage."""

from __future__ import annotations

from generator.checks import editorial, readability
from generator.diagnostics import Diagnostic, error
from generator.model import FrontMatter


def findings(path: str, meta: FrontMatter, body: str, body_first_line: int, converted, target: float) -> list[Diagnostic]:
    """All single-file findings for one parsed body."""
    out: list[Diagnostic] = []
    for where, alt, decorative in converted.images:
        if not alt.strip() and not decorative:
            out.append(error("missing-alt", path, where.line + body_first_line - 1, where.col,
                             f"image '{where.url}' has no alt text",
                             "describe it: ![A calm lake at dawn](" + where.url + "); if it is purely "
                             "decorative, say so: ![](" + where.url + "){.decorative}"))
    out += readability.check_readability(path, body, body_first_line, target)
    out += editorial.check_safe_messaging(path, body, body_first_line)
    out += editorial.check_unsourced_claims(path, body, body_first_line)
    if meta.checks:
        out += editorial.check_suppressions(path, meta.checks, meta.lines.get("checks", 1))[1]
    return out


def on_sensitive_topics(body: str, topics: tuple[str, ...]) -> bool:
    """Whether the article deals with suicide or self-harm (crisis help then goes at the top)."""
    return editorial.is_on_suicide_topics(body, topics)


def grade(body: str) -> float | None:
    """Flesch-Kincaid grade of the article's prose, None when it has too little prose to grade."""
    try:
        return round(readability.article_grade(body), 1)
    except ZeroDivisionError:
        return None
