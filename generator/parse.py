"""Per-file stage: one Markdown file -> one ParsedSource, depending on that file alone.

Everything here may run in a worker process and is cached on disk, so it must
not look at other articles, the clock or anything but the file and the
ParseSettings it is given.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from generator.checks import per_file
from generator.diagnostics import Diagnostic, error
from generator.frontmatter import SLUG, parse_front_matter, slugify, split
from generator.markup.convert import convert
from generator.model import ParsedSource

# Folders writers keep Markdown in, and the kind of page each makes.
SOURCE_FOLDERS = (("articles", "article"), ("pages", "page"))
# Editors' swap, backup and temporary files are never sources.
_IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part")


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file found on disk."""

    path: str          # relative to the site folder, posix
    kind: str          # "article" | "page"
    mtime_ns: int
    size: int


@dataclass(frozen=True)
class ParseSettings:
    """The few settings that change how a single file is parsed (part of the cache key)."""

    base_path: str
    readability_target: float

    def key(self) -> str:
        """Fingerprint of these settings."""
        return f"{self.base_path}|{self.readability_target:g}"


def is_source_name(name: str) -> bool:
    """True for a Markdown file a writer made (not a hidden, swap or backup file)."""
    return (name.endswith(".md") and not name.startswith((".", "#", "~"))
            and not name.endswith(_IGNORED_SUFFIXES))


def discover(site_dir: Path) -> list[SourceFile]:
    """Every source file under articles/ (sub-folders allowed) and pages/, sorted by path."""
    found: list[SourceFile] = []
    for folder, kind in SOURCE_FOLDERS:
        top = site_dir / folder
        if not top.is_dir():
            continue
        prefix_len = len(str(top))
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if not is_source_name(name):
                    continue
                full = os.path.join(dirpath, name)
                try:
                    st = os.stat(full)
                except FileNotFoundError:  # deleted while we looked: an editor's save in progress
                    continue
                rel = folder + full[prefix_len:].replace(os.sep, "/")
                found.append(SourceFile(rel, kind, st.st_mtime_ns, st.st_size))
    found.sort(key=lambda s: s.path)
    return found


def content_digest(data: bytes) -> str:
    """Fingerprint of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def default_slug(path: str) -> str:
    """The slug a file gets when its front matter names none: its file name."""
    return Path(path).stem


def parse_file(site_dir: Path, source: SourceFile, settings: ParseSettings) -> ParsedSource:
    """Read and parse one file; problems become findings in the result, never exceptions."""
    data = (site_dir / source.path).read_bytes()
    return parse_bytes(source.path, source.kind, data, settings)


def parse_bytes(path: str, kind: str, data: bytes, settings: ParseSettings) -> ParsedSource:
    """Parse one file's bytes (the cacheable unit of work)."""
    digest = content_digest(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return _failed(path, kind, digest, [error(
            "not-utf8", path, line, col, "the file is not UTF-8 text",
            "save it as UTF-8 in your editor (in most editors: Save As, Encoding: UTF-8)")])
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    part, findings = split(text, path)
    if part is None:
        return _failed(path, kind, digest, findings)
    meta, findings = parse_front_matter(part, path, kind)
    if meta is None:
        return _failed(path, kind, digest, findings)
    stem = default_slug(path)
    if not meta.slug and not SLUG.match(stem):
        findings.append(error("bad-slug", path, 1, 1,
                              f"file name '{stem}' is not a valid slug (lowercase letters, digits and hyphens)",
                              f"rename the file to '{slugify(stem) or 'my-article'}.md' or set `slug:` in the front matter"))
    converted = convert(part.body, settings.base_path)
    file_findings, grade = per_file.findings(path, meta, part.body, part.body_first_line, converted,
                                             settings.readability_target)
    findings.extend(file_findings)
    return ParsedSource(
        path=path, kind=kind, digest=digest, meta=meta, body_first_line=part.body_first_line,
        html=converted.html, headings=converted.headings, anchors=converted.anchors,
        links=tuple(_in_file(link, part.body_first_line) for link in converted.links),
        clusters=converted.clusters, word_count=converted.word_count,
        findings=tuple(findings),
        on_sensitive_topics=per_file.on_sensitive_topics(part.body, meta.topics),
        grade=grade,
    )


def _in_file(link, body_first_line: int):
    from dataclasses import replace

    return replace(link, line=link.line + body_first_line - 1)


def _failed(path: str, kind: str, digest: str, findings: list[Diagnostic]) -> ParsedSource:
    return ParsedSource(path=path, kind=kind, digest=digest, meta=None, body_first_line=1, html="",
                        headings=(), anchors=frozenset(), links=(), clusters=(), word_count=0,
                        findings=tuple(findings))
