"""Loading the hub's shared bibliography: `data/references.yaml`, `.json` or `.bib`.

CSL-YAML is accepted the way pandoc reads it (a list, or a mapping with a
`references:` list); CSL-JSON the way Zotero exports it (an array); BibTeX as
pandoc converts it to CSL (`generator.bibtex`). Every
entry keeps its file and 1-based line so findings can point at it. Problems
become findings, never tracebacks.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml

from generator.bibtex import LoadedEntry, read_bibtex
from generator.checks.citations import check_bibliography
from generator.checks.policy import finding
from generator.confine.hub import DATA_FILE_LIMIT, OutsideHub, read_hub_bytes
from generator.diagnostics import Diagnostic

__all__ = ["BIBLIOGRAPHY_FILES", "load_bibliography"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BIBLIOGRAPHY_FILES = ("data/references.yaml", "data/references.yml", "data/references.json", "data/references.bib")

Bibliography = dict[str, tuple[dict, str, int]]


def load_bibliography(site_dir: Path) -> tuple[Bibliography, list[Diagnostic]]:
    """Read the shared bibliography of the hub in `site_dir`, if it has one.

    Returns id -> (entry, path relative to the site, 1-based line), and the
    findings: syntax errors (at their line), a file of the wrong shape, and the
    content checks of `check_bibliography` (so callers need not run them again).
    When an id appears twice, the first entry is kept.
    """
    found: Bibliography = {}
    findings: list[Diagnostic] = []
    for relative in BIBLIOGRAPHY_FILES:
        file = Path(site_dir) / relative
        if not os.path.lexists(file):
            continue
        try:
            text = read_hub_bytes(Path(site_dir), relative, DATA_FILE_LIMIT).decode("utf-8-sig")
        except OutsideHub as exc:
            findings.append(exc.diagnostic)
            continue
        except (OSError, UnicodeDecodeError) as problem:
            findings.append(finding("bibliography-unreadable", relative, 0, 0,
                                    f"cannot read the bibliography: {problem}",
                                    "save the file as UTF-8 text"))
            continue
        if relative.endswith(".json"):
            entries, problems = _read_json(text, relative)
        elif relative.endswith(".bib"):
            entries, problems = read_bibtex(text, relative)
        else:
            entries, problems = _read_yaml(text, relative)
        findings += problems
        findings += check_bibliography(relative, entries)
        for entry, line, *_ in entries:
            if isinstance(entry, dict) and entry.get("id") not in (None, ""):
                key = str(entry["id"]).strip()
                if key in found and found[key][1] != relative:
                    first = found[key]
                    findings.append(finding(
                        "duplicate-reference", relative, line, 1,
                        f"reference id '{key}' is already used at {first[1]}:{first[2]}",
                        "keep one shared bibliography file, or give each entry its own id"))
                found.setdefault(key, (entry, relative, line))
    return found, findings


def _read_yaml(text: str, path: str) -> tuple[list[LoadedEntry], list[Diagnostic]]:
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as problem:
        # An unclosed quote or bracket "breaks" at the end of the file; the
        # place it was opened is where the writer has to look.
        runaway = "end of stream" in (problem.problem or "")
        mark = (problem.context_mark if runaway else None) or problem.problem_mark or problem.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = "; ".join(p for p in (problem.context, problem.problem) if p) or "invalid YAML"
        return [], [finding("bibliography-syntax", path, line, col, f"YAML syntax error: {what}",
                            "check the indentation and quoting on this line (quote titles containing ': ')")]
    except yaml.YAMLError as problem:
        return [], [finding("bibliography-syntax", path, 0, 0, f"YAML syntax error: {problem}",
                            "check the file's indentation and quoting")]
    if root is None:
        return [], []
    list_node = root
    if isinstance(root, yaml.MappingNode):
        # the last `references:` key, as in the loaded data, so that entries and their nodes pair up
        list_node = next((value for key, value in reversed(root.value)
                          if isinstance(key, yaml.ScalarNode) and key.value == "references"), None)
        data = data.get("references") if isinstance(data, dict) else None
        if list_node is None:
            return [], [finding("bibliography-shape", path, root.start_mark.line + 1, 1,
                                "the bibliography has no `references:` list",
                                "write a YAML list of CSL entries, or put them under `references:`")]
    if data is None and isinstance(list_node, yaml.ScalarNode) and list_node.value == "":
        return [], []
    if not isinstance(list_node, yaml.SequenceNode) or not isinstance(data, list):
        return [], [finding("bibliography-shape", path, list_node.start_mark.line + 1, 1,
                            "the references are not a list",
                            "start each entry with `- id: ...`")]
    return [(entry, node.start_mark.line + 1, _yaml_positions(node))
            for entry, node in zip(data, list_node.value, strict=True)], []


def _yaml_positions(node: yaml.Node) -> dict[str, tuple[int, int]]:
    """Each field's value of one entry -> its 1-based line and column, for findings about the field."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: (value.start_mark.line + 1, value.start_mark.column + 1)
            for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _read_json(text: str, path: str) -> tuple[list[LoadedEntry], list[Diagnostic]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        return [], [finding("bibliography-syntax", path, problem.lineno, problem.colno,
                            f"JSON syntax error: {problem.msg}",
                            "check for a missing comma or quote just before this point")]
    except RecursionError:   # brackets nested past Python's limit: no bibliography is shaped like that
        return [], [finding("bibliography-syntax", path, 1, 1, "the JSON is nested too deeply to read",
                            "export CSL JSON from your reference manager: an array of flat entries")]
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        items = data["references"]
        start = _json_value_offsets(text, 0, len(text))["references"]
    elif isinstance(data, list):
        items = data
        start = text.index("[")
    else:
        return [], [finding("bibliography-shape", path, 1, 1, "the bibliography is not a JSON array",
                            "export CSL JSON from your reference manager (an array of entries)")]
    places = _json_item_places(text, start)
    return [(item, line, positions) for item, (line, positions) in zip(items, places, strict=True)], []


_JSON_KEY_RE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*')


def _json_item_places(text: str, array_start: int) -> list[tuple[int, dict[str, tuple[int, int]]]]:
    """For each element of the JSON array opening at `array_start`: its 1-based line, and the line
    and column of each of its top-level fields' values."""
    decoder = json.JSONDecoder()
    places: list[tuple[int, dict[str, tuple[int, int]]]] = []
    position = array_start + 1
    length = len(text)
    while position < length:
        while position < length and text[position] in " \t\r\n,":
            position += 1
        if position >= length or text[position] == "]":
            break
        _, end = decoder.raw_decode(text, position)
        places.append((text.count("\n", 0, position) + 1, _json_fields(text, position, end)))
        position = end
    return places


def _json_fields(text: str, start: int, end: int) -> dict[str, tuple[int, int]]:
    """Top-level keys of the object text[start:end] -> where their values start (line, column)."""
    found: dict[str, tuple[int, int]] = {}
    for key, value_at in _json_value_offsets(text, start, end).items():
        line_start = text.rfind("\n", 0, value_at) + 1
        found[key] = (text.count("\n", 0, value_at) + 1, value_at - line_start + 1)
    return found


def _json_value_offsets(text: str, start: int, end: int) -> dict[str, int]:
    """Top-level keys of the object text[start:end] -> the offset where each value starts. Keys are
    read by the JSON scanner's rules (a string value is not a key, escapes are decoded), and a repeated
    key keeps its last value, as json.loads does."""
    found: dict[str, int] = {}
    depth = 0
    position = start
    while position < end:
        char = text[position]
        if char == '"':
            match = _JSON_KEY_RE.match(text, position)
            if match and depth == 1 and match.end() <= end:
                value_at = match.end()
                found[json.loads(f'"{match.group(1)}"')] = value_at
                position = value_at
                continue
            position = _string_end(text, position)
            continue
        depth += 1 if char in "[{" else -1 if char in "]}" else 0
        position += 1
    return found


def _string_end(text: str, start: int) -> int:
    """The offset just past the JSON string opening at `start`."""
    position = start + 1
    while position < len(text) and text[position] != '"':
        position += 2 if text[position] == "\\" else 1
    return position + 1
