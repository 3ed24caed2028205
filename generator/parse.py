"""Per-file stage: one Markdown file -> one ParsedFile, depending on that file alone.

Everything here may run in a worker process and is cached on disk, so it must
not look at other articles, the clock or anything but the file and the
ParseSettings it is given.
"""

from __future__ import annotations

from pathlib import Path

from generator.checks import per_file
from generator.checks.policy import finding
from generator.checks.safe_messaging import mentions_suicide
from generator.checks.urls import body_findings
from generator.confine.hub import read_hub_bytes
from generator.deadline import Deadline, TimeLimitExceeded
from generator.diagnostics import Diagnostic
from generator.discover import MarkdownFile, ParseSettings, content_digest, default_slug
from generator.frontmatter import parse_front_matter, split
from generator.markup.convert import convert
from generator.model import ParsedFile
from generator.urlpolicy import AllowedHosts
from generator.yamlload import decode_utf8

# A record with this finding ran out of time (perhaps only because the machine was busy): never cached.
PARSE_TOO_SLOW = "parse-too-slow"


def parse_file(site_dir: Path, file: MarkdownFile, settings: ParseSettings) -> ParsedFile:
    """Read and parse one file; problems become findings in the result, never exceptions."""
    data = read_hub_bytes(site_dir, file.path)
    return parse_bytes(file.path, file.kind, data, settings)


def parse_bytes(path: str, kind: str, data: bytes, settings: ParseSettings) -> ParsedFile:
    """Parse one file's bytes (the cacheable unit of work)."""
    if len(data) > settings.max_article_bytes:
        return too_large(path, kind, len(data), settings, content_digest(data))
    digest = content_digest(data)
    text, findings = decode_utf8(data, path)
    if text is None:
        return _failed(path, kind, digest, findings)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    part, findings = split(text, path)
    if part is None:
        return _failed(path, kind, digest, findings)
    meta, findings = parse_front_matter(part, path, kind)
    if meta is None:
        return _failed(path, kind, digest, findings)
    if not meta.slug and not default_slug(path):
        findings.append(finding("bad-slug", path, 1, 1,
                                f"file name '{Path(path).name}' has no letters or digits to make an address from",
                                "rename the file, e.g. 'coping-with-loneliness.md', "
                                "or set `slug:` in the front matter"))
    # Python-Markdown takes time quadratic in some runs of text (60,000 `[` took minutes) and recurses once
    # per level of nesting: a file that would stall or crash the build is an error at its body instead
    try:
        with Deadline(settings.parse_seconds):
            converted = convert(part.body, settings.base_path)
            file_findings, grade, suppressions = per_file.findings(
                path, meta, part.body, part.body_first_line, converted, settings.readability_target,
                settings.language_of(path, meta.lang))
            findings.extend(file_findings)
            findings += body_findings(path, converted.html_notes, part.body_first_line,
                                      AllowedHosts(settings.own_host, settings.allow_hosts),
                                      [i[0] for i in converted.images])
    except TimeLimitExceeded:
        return _failed(path, kind, digest, [*findings, finding(
            PARSE_TOO_SLOW, path, part.body_first_line, 1,
            f"converting this {kind} took longer than {settings.parse_seconds:g} s, so it was stopped",
            "long runs of `[`, `![`, `\\` or footnote marks such as `[^1]` make the Markdown converter slow: "
            "break them up or put such text in a code block (between ``` lines); a very long article may "
            "instead raise `limits: {parse_seconds: ...}` in site.yaml")])
    except RecursionError:
        return _failed(path, kind, digest, [*findings, finding(
            "nested-too-deep", path, part.body_first_line, 1,
            f"lists, quotes or HTML blocks in this {kind} are nested inside one another too deeply to convert",
            "nest them a few levels deep at most (a line of many `- ` or `>` in a row starts a new level each)")])
    return ParsedFile(
        path=path, kind=kind, digest=digest, meta=meta, body_first_line=part.body_first_line,
        html=converted.html, headings=converted.headings, anchors=converted.anchors,
        links=tuple(_in_file(link, part.body_first_line) for link in converted.links),
        clusters=converted.clusters, word_count=converted.word_count,
        findings=tuple(findings),
        mentions_suicide=mentions_suicide(part.body, meta.topics),
        suppressions=suppressions,
        grade=grade,
        references_digest=content_digest(repr(meta.references).encode("utf-8")) if meta.references else "",
        body_digest=content_digest(converted.html.encode("utf-8")),
        cited_keys=tuple(sorted({item.key for cluster in converted.clusters for item in cluster.items})),
        reference_ids=tuple(str(r.get("id")) for r in meta.references if r.get("id") is not None),
    )


def too_large(path: str, kind: str, size: int, settings: ParseSettings, digest: str = "") -> ParsedFile:
    """The record of a file over the size limit: one finding at its first line, nothing parsed.

    Checked before any Markdown work so that an enormous file (by mistake or on purpose) cannot stall a build.
    """
    limit = settings.max_article_bytes
    return _failed(path, kind, digest or f"size:{size}", [finding(
        "article-too-large", path, 1, 1,
        f"the file is {_size(size)}, over the limit of {_size(limit)} for one {kind}",
        "split it into several articles, or raise `limits: {max_article_bytes: ...}` in site.yaml")])


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB" if count >= 100_000 else f"{count:,} bytes"


def _in_file(link, body_first_line: int):
    from dataclasses import replace

    return replace(link, line=link.line + body_first_line - 1)


def _failed(path: str, kind: str, digest: str, findings: list[Diagnostic]) -> ParsedFile:
    return ParsedFile(path=path, kind=kind, digest=digest, meta=None, body_first_line=1, html="",
                        headings=(), anchors=frozenset(), links=(), clusters=(), word_count=0,
                        findings=tuple(findings))
