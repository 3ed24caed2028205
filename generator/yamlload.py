"""YAML at the boundary: PyYAML's C loader, dates kept as text, errors as findings.

Dates stay strings so that an impossible date (2025-13-45) becomes a finding on
its own line instead of an exception from deep inside the loader.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, error

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader without the timestamp resolver."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)


def decode_utf8(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """A file's bytes as text, or None and a finding at the line and column of the first bad byte."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [error("not-utf8", path, line, col, "the file is not UTF-8 text",
                            "save it as UTF-8 in your editor (in most editors: Save As, Encoding: UTF-8)")]


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML text that starts at `first_line` of `path`.

    Returns (data, findings); on a syntax error data is None and the finding
    names the line in the file, not in the YAML block.
    """
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or exc.context or "invalid YAML").strip()
        opened = exc.context_mark
        if opened is not None and mark is not None and opened.line < mark.line and exc.context:
            # an unclosed bracket or quote: the fix belongs where it was opened, not where YAML gave up
            what = f"{what} ({exc.context.strip()} that starts here)"
            mark = opened
        line = first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        return None, [error("yaml-syntax", path, line, col, f"YAML syntax error: {what}",
                            "check indentation, colons and quotes; text containing ': ' or starting "
                            "with a special character needs quotes")]
    except yaml.YAMLError as exc:  # errors without a position (rare: e.g. bad encoding)
        return None, [error("yaml-syntax", path, first_line, 1, f"YAML error: {exc}",
                            "check the file is valid YAML")]


def top_level_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """File line of each top-level key in a YAML mapping (first occurrence)."""
    lines: dict[str, int] = {}
    for m in _TOP_KEY.finditer(text):
        lines.setdefault(m.group(1), first_line + text.count("\n", 0, m.start()))
    return lines


def nested_lines(text: str, parent: str, first_line: int = 1) -> dict[str, int]:
    """File line of each key directly under the top-level key `parent`."""
    found: dict[str, int] = {}
    inside = False
    indent = None
    for number, raw in enumerate(text.splitlines(), start=first_line):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            inside = raw.startswith(parent + ":")
            indent = None
            continue
        if inside:
            width = len(raw) - len(raw.lstrip())
            if indent is None:
                indent = width
            if width == indent:
                m = re.match(r"\s*([^:#\s][^:#]*?)\s*:", raw)
                if m:
                    found.setdefault(m.group(1).strip("'\""), number)
    return found


def list_item_lines(text: str, parent: str, first_line: int = 1) -> list[int]:
    """File lines of the items of a list found under `parent:` (any depth of the parent key)."""
    lines: list[int] = []
    inside = False
    parent_indent = 0
    item_indent = None
    for number, raw in enumerate(text.splitlines(), start=first_line):
        stripped = raw.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        width = len(raw) - len(stripped)
        if stripped.startswith(parent + ":"):
            inside, parent_indent, item_indent = True, width, None
            continue
        if inside:
            if width <= parent_indent and not stripped.startswith("-"):
                inside = False
                continue
            if width < parent_indent:
                inside = False
                continue
            if stripped.startswith("- ") or stripped == "-":
                if item_indent is None:
                    item_indent = width
                if width == item_indent:
                    lines.append(number)
    return lines
