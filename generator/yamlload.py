"""YAML at the boundary: libyaml's event stream composed here into plain data plus where each node was written.

Why compose ourselves instead of `yaml.load`:
- every node (mapping keys and values, sequence items, flow mappings, quoted keys) keeps its own line and
  column, so a finding points at the value the writer has to change;
- a key written twice is a warning naming both lines (PyYAML silently keeps the last);
- dates stay text, so an impossible date (2025-13-45) is a finding on its own line, not an exception;
- keys are always the text as written (`no:` is the key "no", not False), and a key that is a list or a
  mapping is a finding;
- only the plain YAML types are built (text, numbers, true/false, null, lists, mappings): a tag such as
  `!!python/object` or `!!binary` is a finding, never a constructed object;
- an alias (`*name`) may not expand into more than `MAX_EXPANDED` values ("billion laughs"), nesting is
  limited to `MAX_DEPTH` levels, and the work is a loop, never recursion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 100
MAX_EXPANDED = 100_000

_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE = (f"tag:yaml.org,2002:{name}"
                                            for name in ("str", "int", "float", "bool", "null", "merge"))
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}
# The plain scalar constructors of PyYAML's SafeConstructor, called directly: its construct_object would keep
# every node it ever built in a cache that only construct_document clears.
_BUILD = {
    _INT: SafeConstructor.construct_yaml_int,
    _FLOAT: SafeConstructor.construct_yaml_float,
    _BOOL: SafeConstructor.construct_yaml_bool,
}


class _Resolver(Resolver):
    """YAML 1.1 implicit types without timestamps: dates stay the text the writer typed."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_RESOLVER = _Resolver()
_CONSTRUCTOR = SafeConstructor()

Path = tuple[Any, ...]


@dataclass
class YamlDoc:
    """Plain data from one YAML document, and where each part of it was written.

    Positions are looked up by path, e.g. `("crisis", "resources", 0, "verified_on")`; a path that was not
    written (or lies inside an alias) falls back to its nearest written ancestor. Lines and columns are
    1-based and count from the top of the file, not of the YAML block.
    """

    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)

    def at(self, *path: Any) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its nearest written ancestor)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return 1, 1

    def key_at(self, *path: Any) -> tuple[int, int]:
        """Line and column of the key that names `path` (the value's position when there is no key)."""
        return self.keys.get(tuple(path)) or self.at(*path)

    def line(self, *path: Any) -> int:
        """Line of the value at `path`."""
        return self.at(*path)[0]

    def written(self, *path: Any) -> str | None:
        """The scalar at `path` exactly as written (`1.10` stays "1.10"), or None for a list, mapping or nothing."""
        return self.texts.get(tuple(path))


def field_name(where: Any) -> str:
    """A path into the data as a writer reads it: `crisis.resources item 2 phone` (items counted from 1)."""
    name = ""
    for step in where:
        if isinstance(step, int):
            name += f" item {step + 1}"
        else:
            name += (" " if name.endswith(tuple("0123456789")) else "." if name else "") + str(step)
    return name or "the file"


class _Bad(Exception):
    """A YAML construct Haven does not accept, with the position to report."""

    def __init__(self, mark: Any, message: str, hint: str):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


def decode_utf8(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """A file's bytes as text (a leading byte-order mark dropped), or None and a finding at the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [finding("not-utf8", path, line, col, "the file is not UTF-8 text",
                                 "save it as UTF-8 in your editor (in most editors: Save As, Encoding: UTF-8)")]
    return text.removeprefix("\ufeff"), []


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[Diagnostic]]:
    """Plain data from YAML text that starts at `first_line` of `path`; None when it cannot be read.

    The findings include warnings (a key written twice) even when the data is usable.
    """
    doc, findings = load_document(text, path, first_line)
    return (doc.data if doc else None), findings


def load_document(text: str, path: str, first_line: int = 1) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse YAML text that starts at `first_line` of `path` into a `YamlDoc`.

    Returns (doc, findings). When the text cannot be read (a syntax error, a tag Haven does not build, an
    alias bomb, nesting too deep) doc is None and the one finding is marked as the root cause.
    """
    text = text.removeprefix("\ufeff")
    builder = _Builder(path, first_line - 1)
    try:
        builder.run(yaml.parse(text, Loader=_Loader))
    except _Bad as bad:
        line, col = builder.pos(bad.mark)
        return None, [finding("yaml-unsupported", path, line, col, bad.message, bad.hint)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_finding(exc, path, first_line)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, other control characters)
        before = text[: exc.position]
        line, col = first_line + before.count("\n"), exc.position - (before.rfind("\n") + 1) + 1
        return None, [finding("yaml-syntax", path, line, col,
                              f"the file contains the control character U+{exc.character:04X}, "
                              "which YAML does not allow",
                              "delete it (it is invisible in most editors: retype the line)")]
    except yaml.YAMLError as exc:  # errors without a position (rare)
        return None, [finding("yaml-syntax", path, first_line, 1, f"YAML error: {exc}",
                                 "check the file is valid YAML")]
    return builder.doc, builder.findings


def _syntax_finding(exc: yaml.MarkedYAMLError, path: str, first_line: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    what = (exc.problem or exc.context or "invalid YAML").strip()
    opened = exc.context_mark
    if opened is not None and mark is not None and opened.line < mark.line and exc.context:
        # an unclosed bracket or quote: the fix belongs where it was opened, not where YAML gave up
        what = f"{what} ({exc.context.strip()} that starts here)"
        mark = opened
    line = first_line + (mark.line if mark else 0)
    col = (mark.column + 1) if mark else 1
    return finding("yaml-syntax", path, line, col, f"YAML syntax error: {what}",
                   "check indentation, colons and quotes; text containing ': ' or starting "
                   "with a special character needs quotes")


class _Frame:
    """A list or mapping being built: its value, its path, and (for a mapping) the key waiting for a value."""

    __slots__ = ("anchor", "key", "key_lines", "key_mark", "merged", "path", "value")

    def __init__(self, value: Any, path: Path, anchor: str | None):
        self.value, self.path, self.anchor = value, path, anchor
        self.key: Any = _NO_KEY
        self.key_mark: Any = None
        self.key_lines: dict[str, tuple[int, int]] = {}
        self.merged: set[str] = set()


_NO_KEY = object()


class _Builder:
    """Turns parser events into plain data, positions and findings (a loop with an explicit stack)."""

    def __init__(self, path: str, offset: int):
        self.path, self.offset = path, offset
        self.doc = YamlDoc(None)
        self.findings: list[Diagnostic] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.expanded = 0
        self.documents = 0

    def pos(self, mark: Any) -> tuple[int, int]:
        return (self.offset + mark.line + 1, mark.column + 1) if mark is not None else (self.offset + 1, 1)

    def run(self, events: Any) -> None:
        stack: list[_Frame] = []
        sizes: list[int] = []   # values built under each open frame, for anchors
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise _Bad(event.start_mark, "more than one YAML document in the file",
                               "remove the extra `---` line (the file holds one set of settings)")
                continue
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                frame, size = stack.pop(), sizes.pop()
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.value, size)
                self._place(stack, sizes, frame.value, None, size, built=True)
                continue
            if kind is yaml.AliasEvent:
                if any(frame.anchor == event.anchor for frame in stack):
                    raise _Bad(event.start_mark, f"alias *{event.anchor} is used inside its own anchor (a loop)",
                               f"a value cannot contain itself: remove `*{event.anchor}` from inside `&{event.anchor}`")
                if event.anchor not in self.anchors:
                    raise _Bad(event.start_mark, f"alias *{event.anchor} refers to no anchor",
                               f"define `&{event.anchor}` before using `*{event.anchor}`")
                value, size = self.anchors[event.anchor]
                if stack and stack[-1].key is _NO_KEY and isinstance(stack[-1].value, dict):
                    if not isinstance(value, str):
                        raise _Bad(event.start_mark, "a key is an alias of a list, mapping, number or true/false",
                                   "keys are names: write `name: value`, with the name as plain text")
                    stack[-1].key, stack[-1].key_mark = value, event.start_mark
                    continue
                self.expanded += size
                if self.expanded > MAX_EXPANDED:
                    raise _Bad(event.start_mark, f"aliases expand to more than {MAX_EXPANDED:,} values",
                               "write the values out instead of nesting aliases (`*name`) inside each other")
                self._place(stack, sizes, value, event.start_mark, size)
                continue
            if len(stack) >= MAX_DEPTH:
                raise _Bad(event.start_mark, f"the data is nested more than {MAX_DEPTH} levels deep",
                           "flatten it: settings and front matter need only a few levels")
            if kind is yaml.ScalarEvent:
                value, written = self._scalar(event), event.value
                if stack and stack[-1].key is _NO_KEY and isinstance(stack[-1].value, dict):
                    self._take_key(stack[-1], event)
                    continue
                path = self._place(stack, sizes, value, event.start_mark, 1)
                if path is not None:
                    self.doc.texts[path] = written
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                continue
            # a list or a mapping starts
            tag = event.tag
            container: Any
            if kind is yaml.SequenceStartEvent:
                if tag not in (None, "!", _SEQ):
                    raise self._bad_tag(event)
                container = []
            else:
                if tag not in (None, "!", _MAP):
                    raise self._bad_tag(event)
                container = {}
            if stack and stack[-1].key is _NO_KEY and isinstance(stack[-1].value, dict):
                raise _Bad(event.start_mark, "a key is a list or a mapping",
                           "keys are names: write `name: value`, with the name as plain text")
            path = self._place(stack, sizes, container, event.start_mark, 0, opening=True)
            stack.append(_Frame(container, path if path is not None else (), event.anchor))
            sizes.append(1)

    def _bad_tag(self, event: Any) -> _Bad:
        tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
        return _Bad(event.start_mark, f"the YAML tag {tag} is not accepted",
                    "remove the tag: Haven reads only text, numbers, true/false, lists and mappings")

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag in (None, "!"):
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _MERGE:  # `<<` as a value is just text; as a key, _take_key sees it first
            return event.value
        if tag not in _SCALAR_TAGS:
            raise self._bad_tag(event)
        if tag == _STR:
            return event.value
        if tag == _NULL:
            return None
        try:
            value = _BUILD[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark))
        except (ValueError, yaml.YAMLError):
            raise _Bad(event.start_mark, f"'{event.value[:40]}' is not a number YAML can read",
                       "write a shorter number, or quote it to keep it as text") from None
        return value

    def _take_key(self, frame: _Frame, event: Any) -> None:
        """A scalar in key position: keys are the text as written."""
        key = _MERGE_KEY if event.tag is None and event.implicit[0] and event.value == "<<" else event.value
        frame.key, frame.key_mark = key, event.start_mark
        if event.anchor and key is not _MERGE_KEY:
            self.anchors[event.anchor] = (key, 1)

    def _place(self, stack: list[_Frame], sizes: list[int], value: Any, mark: Any, size: int,
               opening: bool = False, built: bool = False) -> Path | None:
        """Put a finished value (or a list/mapping just opened) into its parent; returns its path."""
        if built:
            if sizes:
                sizes[-1] += size
            return None
        if not stack:
            self.doc.data = value
            self.doc.values[()] = self.pos(mark)
            return ()
        parent = stack[-1]
        if not opening and sizes:
            sizes[-1] += size
        if isinstance(parent.value, list):
            path = parent.path + (len(parent.value),)
            parent.value.append(value)
            self.doc.values[path] = self.pos(mark)
            return path
        key, key_mark = parent.key, parent.key_mark
        parent.key = _NO_KEY
        if key is _MERGE_KEY and opening:
            raise _Bad(mark, "`<<` is followed by a list or mapping written in place",
                       "merge one anchored mapping: `<<: *name`, where `&name` marks a mapping written earlier")
        if key is _MERGE_KEY:
            self._merge(parent, value, mark)
            return None
        path = parent.path + (key,)
        line, col = self.pos(key_mark)
        if key in parent.key_lines and key not in parent.merged:
            first, first_col = parent.key_lines[key]
            where = field_name(path)
            twice = (f"on line {first} and line {line}; line {line} is used" if first != line else
                     f"on line {line} (columns {first_col} and {col}); the second is used")
            self.findings.append(finding(
                "duplicate-key", self.path, line, col, f"'{where}' is written twice, {twice}",
                f"delete one of them (the value at line {first}, column {first_col} is ignored)"))
        parent.merged.discard(key)
        parent.key_lines[key] = (line, col)
        parent.value[key] = value
        self.doc.keys[path] = self.pos(key_mark)
        self.doc.values[path] = self.pos(mark)
        return path

    def _merge(self, parent: _Frame, value: Any, mark: Any) -> None:
        """`<<: *defaults`: copy keys the mapping does not set itself."""
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise _Bad(mark, "`<<` must be followed by a mapping or a list of mappings",
                       "write `<<: *name` where `&name` marks a mapping")
        for source in sources:
            for key, item in source.items():
                if key not in parent.value:
                    parent.value[key] = item
                    parent.merged.add(key)
                    self.doc.values.setdefault(parent.path + (key,), self.pos(mark))


_MERGE_KEY = object()
