"""Split a Markdown file into front matter and body, and validate the fields.

Every finding names the line of the offending field in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.checks.policy import finding
from generator.diagnostics import Diagnostic
from generator.fields import Field, Reader, described, unknown_keys
from generator.model import FrontMatter
from generator.yamlload import load_document

# Every front matter key, declared once: name, kind (generator.fields.KINDS), what it is for. The README's
# table lists the same keys (a test holds them together).
FIELDS = (
    Field("title", "text", "the headline", required_for=("article", "page")),
    Field("summary", "text", "one or two sentences for lists, feeds and search", required_for=("article",)),
    Field("author", "names", "who wrote it: ids from data/authors.yaml", "an-id-from-data-authors-yaml",
          required_for=("article",)),
    Field("date", "date", "first publication", required_for=("article",)),
    Field("updated", "date", "the last substantive change"),
    Field("reviewed_by", "text", "who reviewed it: an id from data/authors.yaml"),
    Field("reviewed_on", "date", "when it was reviewed"),
    Field("topics", "names", "ids from site.yaml `topics:`", "calm"),
    Field("previous", "text", "the slug of the article before this one"),
    Field("next", "text", "the slug of the article after this one"),
    Field("content_note", "text", "a note shown before the body (e.g. mentions of self-harm)"),
    Field("slug", "text", "the article's address, if not its file name"),
    Field("draft", "flag", "true: built only with --drafts"),
    Field("image", "text", "a picture for the article and its social card"),
    Field("image_alt", "text", "what the picture shows (\"\" when purely decorative)"),
    Field("template", "text", "a template in templates/ other than the default"),
    Field("references", "list", "CSL entries cited in the body", "` then `- id: ..."),
    Field("extra", "mapping", "anything templates need"),
    Field("checks", "mapping", "check name -> why it does not apply to this article"),
    Field("lang", "text", "the article's language, if not its folder's (a code from site.yaml `languages:`)", "es"),
    Field("translation_of", "text", "the slug of the original this article translates", "the-original-slug"),
    Field("aliases", "list", "old addresses of this page that redirect here", "` then `- /articles/old-name/"),
)
KNOWN_FIELDS = tuple(f.name for f in FIELDS)
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
        return None, [finding("empty-file", path, 1, 1, "the file is empty",
                              "add front matter (title, summary, author, date) and some text, or delete the file; "
                              "`haven new \"Title\"` writes a ready article")]
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if first.strip() != "---":
        return None, [finding("missing-front-matter", path, 1, 1, "the file does not start with front matter",
                              "put a line `---`, then `title: ...`, `summary: ...`, `author: ...`, `date: ...`, "
                              "then another `---` at the very top")]
    start = len(text.split("\n", 1)[0]) + 1
    end = _END_FENCE.search(text, start)
    if not end:
        return None, [finding("unclosed-front-matter", path, 1, 1, "front matter is not closed",
                              "add a line with only `---` after the last front matter field")]
    front = text[start:end.start()]
    body_start = end.end() + 1 if end.end() < len(text) else end.end()
    body_first_line = text.count("\n", 0, body_start) + 1
    return Split(front, 2, text[body_start:], body_first_line), []


def parse_front_matter(part: Split, path: str, kind: str = "article") -> tuple[FrontMatter | None, list[Diagnostic]]:
    """YAML-load and validate the front matter; findings carry the field's line and column."""
    doc, findings = load_document(part.front, path, part.front_first_line)
    if doc is None:
        return None, findings
    data = doc.data if doc.data is not None else {}
    doc.data = data
    if not isinstance(data, dict):
        return None, findings + [finding("front-matter-not-mapping", path, part.front_first_line, 1,
                                         f"front matter must be `key: value` lines, not {described(data)}",
                                         "write e.g. `title: My article` on its own line between the `---` lines")]
    v = Reader(doc, path)
    v.out += unknown_keys(doc, (), KNOWN_FIELDS, path, "unknown-field", "front matter key",
                          "put custom data under `extra:` (e.g. `extra: {mood: calm}`)")
    got = {f.name: v.field(f, kind, missing_line=part.front_first_line) for f in FIELDS}

    def line(key: str) -> int:
        return doc.line(key) if key in data else part.front_first_line

    published, updated = got["date"], got["updated"]
    reviewed_by, reviewed_on = got["reviewed_by"], got["reviewed_on"]
    if reviewed_on and not reviewed_by:
        v.out.append(finding("review-without-reviewer", path, line("reviewed_on"), 1,
                             "reviewed_on is set but reviewed_by is not",
                             "name the reviewer (an id in data/authors.yaml) or remove reviewed_on"))
    if reviewed_by and not reviewed_on:
        v.out.append(finding("reviewer-without-date", path, line("reviewed_by"), 1,
                             "reviewed_by is set but reviewed_on is not",
                             "add `reviewed_on: YYYY-MM-DD`, the date of that review"))
    if published and updated and updated < published:
        v.out.append(finding("updated-before-date", path, line("updated"), 1,
                             f"updated ({updated}) is before date ({published})",
                             "updated is the last substantive change; it cannot come before first publication"))
    slug = got["slug"]
    if slug and not SLUG.match(slug):
        v.out.append(finding("bad-slug", path, line("slug"), 1,
                             f"slug '{slug[:80]}' must be lowercase letters, digits and hyphens",
                             f"for example `slug: {slugify(slug)[:80] or 'my-article'}`"))
    image = got["image"]
    if image and "image_alt" not in data:
        v.out.append(finding("missing-image-alt", path, line("image"), 1,
                             "image is set but image_alt is not",
                             "describe the picture in `image_alt: ...` "
                             "(or `image_alt: \"\"` if it is purely decorative)"))
    refs = got["references"]
    for index, ref in enumerate(refs):
        if not isinstance(ref, dict):
            at_line, col = doc.at("references", index)
            v.out.append(finding("incomplete-reference", path, at_line, col,
                                 f"a reference must be a mapping of CSL fields, not {described(ref)}",
                                 "write `- id: key` followed by `type:`, `title:`, `author:` ..."))
    kept = [index for index, ref in enumerate(refs) if isinstance(ref, dict)]
    aliases = _aliases(v, got["aliases"])

    meta = FrontMatter(
        title=got["title"], summary=got["summary"], authors=got["author"], date=published, updated=updated,
        reviewed_by=reviewed_by, reviewed_on=reviewed_on, topics=got["topics"],
        previous=_slug_ref(v, "previous", got["previous"]), next=_slug_ref(v, "next", got["next"]),
        content_note=got["content_note"], slug=slug, draft=got["draft"], image=image, image_alt=got["image_alt"],
        template=got["template"],
        references=tuple(refs[i] for i in kept), reference_lines=tuple(doc.line("references", i) for i in kept),
        checks={str(k): ("" if r is None else str(r)) for k, r in got["checks"].items()},
        extra=got["extra"],
        lines={str(key[0]): key_line for key, (key_line, _col) in doc.keys.items() if len(key) == 1},
        lang=got["lang"], translation_of=_slug_ref(v, "translation_of", got["translation_of"]),
        aliases=tuple(alias for alias, _ in aliases), alias_lines=tuple(at for _, at in aliases),
    )
    return meta, findings + v.out


# An old address of this page, as it looked in the address bar without the site's base path:
# /old-name/, /articles/old-name/ or /old-name.html. Letters of any script, digits, - _ . ~ only.
_ALIAS = re.compile(r"^/(?:[\w~-][\w.~-]*/)*(?:[\w~-][\w.~-]*)?$")


def _aliases(v: Reader, items: list) -> list[tuple[str, int]]:
    """The `aliases:` list: site paths only (no scheme, host, `..`, query or fragment); findings at each item."""
    found: list[tuple[str, int]] = []
    for index, item in enumerate(items):
        line, col = v.doc.at("aliases", index)
        if isinstance(item, bool) or not isinstance(item, str) or not item.strip():
            v.out.append(finding("bad-alias", v.path, line, col, f"an alias must be an old address of this page, "
                                                               f"not {described(item)}",
                               "write `aliases: [/articles/old-name/]`"))
            continue
        alias = item.strip()
        why = _alias_problem(alias)
        if why:
            v.out.append(finding("bad-alias", v.path, line, col, f"alias '{alias[:80]}' {why}",
                               "write the old address as a path inside this site, e.g. /articles/old-name/"))
        elif alias in (a for a, _ in found):
            v.out.append(finding("duplicate-alias", v.path, line, col, f"alias '{alias[:80]}' is listed twice",
                                 "remove the second one"))
        else:
            found.append((alias, line))
    return found


def _alias_problem(alias: str) -> str:
    """Why an alias is not a plain path inside the site, or '' when it is one."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", alias) or alias.startswith("//"):
        return "is a full address; an alias is a path on this site (without https:// and the host)"
    if not alias.startswith("/"):
        return "must start with / (the path from the site's root)"
    if alias == "/":
        return "is the home page, which cannot redirect elsewhere"
    if any(s in (".", "..") for s in alias.strip("/").split("/")) or "//" in alias:
        return "contains '.', '..' or an empty folder name"
    if any(s.startswith(".") for s in alias.strip("/").split("/")):   # (hidden files: .well-known, Haven's record)
        return "has a folder or file name starting with '.', which Haven keeps for hidden files"
    if not _ALIAS.match(alias):
        return "may hold only letters, digits, '-', '_', '.', '~' and '/' (no spaces, '?', '#' or '%')"
    return ""


def _slug_ref(v: Reader, key: str, value: str) -> str:
    if value and not SLUG.match(value):
        at_line, col = v.doc.at(key)
        v.out.append(finding("bad-slug", v.path, at_line, col, f"{key} '{value[:80]}' is not a slug",
                             "use the other article's slug: lowercase letters, digits and hyphens, "
                             "e.g. `empathy-vs-sympathy`"))
        return ""
    return value


def slugify(text: str) -> str:
    """Lowercase ASCII slug of a title or file name in any script (see generator.slugs)."""
    from generator.slugs import slug_from

    return slug_from(text)
