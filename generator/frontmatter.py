"""Split a Markdown file into front matter and body, and validate the fields.

Every finding names the line of the offending field in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from generator.diagnostics import Diagnostic, did_you_mean, error, warning
from generator.model import FrontMatter
from generator.yamlload import list_item_lines, load_yaml, top_level_lines

KNOWN_FIELDS = (
    "title", "summary", "author", "date", "updated", "reviewed_by", "reviewed_on", "topics",
    "previous", "next", "content_note", "slug", "draft", "image", "image_alt", "template",
    "references", "extra", "checks",
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_END_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Split:
    """Front matter text and body, with the file line each starts on."""

    front: str
    front_first_line: int
    body: str
    body_first_line: int


def split(text: str, path: str) -> tuple[Split | None, list[Diagnostic]]:
    """Separate the `---` front matter block from the Markdown body."""
    if not text.strip():
        return None, [error("empty-file", path, 1, 1, "the file is empty",
                            "add front matter (title, summary, author, date) and some text, or delete the file; "
                            "`haven new \"Title\"` writes a ready article")]
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.split("\n", 1)[0].rstrip("\r")
    if first.strip() != "---":
        return None, [error("missing-front-matter", path, 1, 1, "the file does not start with front matter",
                            "put a line `---`, then `title: ...`, `summary: ...`, `author: ...`, `date: ...`, "
                            "then another `---` at the very top")]
    start = len(text.split("\n", 1)[0]) + 1
    end = _END_FENCE.search(text, start)
    if not end:
        return None, [error("unclosed-front-matter", path, 1, 1, "front matter is not closed",
                            "add a line with only `---` after the last front matter field")]
    front = text[start:end.start()]
    body_start = end.end() + 1 if end.end() < len(text) else end.end()
    body_first_line = text.count("\n", 0, body_start) + 1
    return Split(front, 2, text[body_start:], body_first_line), []


def parse_front_matter(part: Split, path: str, kind: str = "article") -> tuple[FrontMatter | None, list[Diagnostic]]:
    """YAML-load and validate the front matter; findings carry the field's line."""
    data, findings = load_yaml(part.front, path, part.front_first_line)
    if findings:
        return None, findings
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [error("front-matter-not-mapping", path, part.front_first_line, 1,
                            "front matter must be `key: value` lines",
                            "write e.g. `title: My article` on its own line between the `---` lines")]
    lines = top_level_lines(part.front, part.front_first_line)
    v = _Validator(path, data, lines, part.front_first_line)
    required = kind == "article"

    for key in data:
        if str(key) not in KNOWN_FIELDS:
            hint = did_you_mean(str(key), KNOWN_FIELDS)
            hint = hint or "put custom data under `extra:` (e.g. `extra: {mood: calm}`)"
            v.out.append(warning("unknown-field", path, v.line(str(key)), 1, f"unknown front matter key '{key}'", hint))

    title = v.text("title", required=True)
    summary = v.text("summary", required=required)
    authors = v.id_list("author", required=required)
    published = v.date("date", required=required)
    updated = v.date("updated")
    reviewed_on = v.date("reviewed_on")
    reviewed_by = v.text("reviewed_by")
    if reviewed_on and not reviewed_by:
        v.out.append(error("review-without-reviewer", path, v.line("reviewed_on"), 1,
                           "reviewed_on is set but reviewed_by is not",
                           "name the reviewer (an id in data/authors.yaml) or remove reviewed_on"))
    if reviewed_by and not reviewed_on:
        v.out.append(error("reviewer-without-date", path, v.line("reviewed_by"), 1,
                           "reviewed_by is set but reviewed_on is not",
                           "add `reviewed_on: YYYY-MM-DD`, the date of that review"))
    if published and updated and updated < published:
        v.out.append(error("updated-before-date", path, v.line("updated"), 1,
                           f"updated ({updated}) is before date ({published})",
                           "updated is the last substantive change; it cannot come before first publication"))
    slug = v.text("slug")
    if slug and not SLUG.match(slug):
        v.out.append(error("bad-slug", path, v.line("slug"), 1,
                           f"slug '{slug}' must be lowercase letters, digits and hyphens",
                           f"for example `slug: {slugify(slug) or 'my-article'}`"))
    image = v.text("image")
    image_alt = v.text("image_alt")
    if image and "image_alt" not in data:
        v.out.append(error("missing-image-alt", path, v.line("image"), 1,
                           "image is set but image_alt is not",
                           "describe the picture in `image_alt: ...` (or `image_alt: \"\"` if it is purely decorative)"))
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        v.out.append(error("field-type", path, v.line("draft"), 1, "draft must be true or false",
                           "write `draft: true` or `draft: false`"))
        draft = False
    refs = data.get("references") or []
    if not isinstance(refs, list):
        v.out.append(error("field-type", path, v.line("references"), 1, "references must be a list of CSL entries",
                           "start each entry with `- id: ...`"))
        refs = []
    ref_lines = list_item_lines(part.front, "references", part.front_first_line)
    for index, ref in enumerate(refs):
        if not isinstance(ref, dict):
            where = ref_lines[index] if index < len(ref_lines) else v.line("references")
            v.out.append(error("incomplete-reference", path, where, 1, "a reference must be a mapping of CSL fields",
                               "write `- id: key` followed by `type:`, `title:`, `author:` ..."))
    refs = [r for r in refs if isinstance(r, dict)]
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        v.out.append(error("field-type", path, v.line("extra"), 1, "extra must be a mapping",
                           "write `extra:` followed by indented `key: value` lines"))
        extra = {}
    checks = data.get("checks") or {}
    if not isinstance(checks, dict):
        v.out.append(error("field-type", path, v.line("checks"), 1, "checks must map a check name to a reason",
                           "write `checks: {readability: \"why this article may be harder to read\"}`"))
        checks = {}

    meta = FrontMatter(
        title=title, summary=summary, authors=authors, date=published, updated=updated,
        reviewed_by=reviewed_by, reviewed_on=reviewed_on, topics=v.id_list("topics"),
        previous=v.slug_ref("previous"), next=v.slug_ref("next"), content_note=v.text("content_note"),
        slug=slug, draft=draft, image=image, image_alt=image_alt, template=v.text("template"),
        references=tuple(refs), reference_lines=tuple(ref_lines[: len(refs)]),
        checks={str(k): ("" if r is None else str(r)) for k, r in checks.items()},
        extra=extra, lines=lines,
    )
    return meta, v.out


def slugify(text: str) -> str:
    """Lowercase, ASCII-ish, hyphen-separated slug of a title."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


class _Validator:
    """Field readers that record a finding and return a safe default on bad input."""

    def __init__(self, path: str, data: Mapping[str, Any], lines: Mapping[str, int], first: int):
        self.path, self.data, self.lines, self.first = path, data, lines, first
        self.out: list[Diagnostic] = []

    def line(self, key: str) -> int:
        return self.lines.get(key, self.first)

    def _missing(self, key: str, example: str) -> None:
        self.out.append(error("missing-field", self.path, self.first, 1, f"required field '{key}' is missing",
                              f"add a line `{key}: {example}` to the front matter"))

    def text(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._missing(key, "...")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.out.append(error("field-type", self.path, self.line(key), 1,
                                  f"{key} must be text, not {_kind(value)}",
                                  f"write it on one line: `{key}: some text` (quote it if it contains ': ')"))
            return ""
        return str(value).strip()

    def slug_ref(self, key: str) -> str:
        value = self.text(key)
        if value and not SLUG.match(value):
            self.out.append(error("bad-slug", self.path, self.line(key), 1,
                                  f"{key} '{value}' is not a slug",
                                  "use the other article's slug: lowercase letters, digits and hyphens, "
                                  "e.g. `empathy-vs-sympathy`"))
            return ""
        return value

    def id_list(self, key: str, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None or value == "" or value == []:
            if required:
                self._missing(key, "an-id-from-data-authors-yaml" if key == "author" else "...")
            return ()
        items = value if isinstance(value, list) else [value]
        ids = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                self.out.append(error("field-type", self.path, self.line(key), 1,
                                      f"{key} must be an id or a list of ids, not {_kind(item)}",
                                      f"write `{key}: some-id` or `{key}: [one-id, another-id]`"))
                continue
            ids.append(str(item).strip())
        return tuple(ids)

    def date(self, key: str, required: bool = False) -> date | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self._missing(key, date.today().isoformat())
            return None
        text = str(value).strip()
        try:
            if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            return date.fromisoformat(text[:10])
        except ValueError:
            self.out.append(error("bad-date", self.path, self.line(key), 1,
                                  f"{key} '{text}' is not a real date",
                                  "write it as YYYY-MM-DD, e.g. 2025-03-14"))
            return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
