"""What a build writes, as data: every file is a planned `Output` of one of four kinds.

- `Page`: render a template with a context (HTML pages);
- `Generated`: bytes made by a function (feeds, sitemap, robots, `_headers`);
- `Copy`: a file copied as it is (static files);
- `Bundle`: a folder of files made together by one function (the search index); its files are
  known only once it ran, so an indexer that fails or is deferred keeps the files it made last.

Each output carries the inputs it read, each with a fingerprint, so the writer can tell from the
record of the last build which outputs need rendering at all. This module is the model layer: it
does no I/O, and every stage shares its fingerprint helpers.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostic

Inputs = tuple[tuple[str, str], ...]   # (what was read, its fingerprint)


def fingerprint(*parts: Any) -> str:
    """A short stable fingerprint of plain values (the 'what did this output read' record)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def content_digest(data: bytes) -> str:
    """The digest of a file's bytes, as the output record keeps it."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(data: bytes) -> str:
    """The fingerprint of an input file's bytes (a static file a `Copy` reads)."""
    return hashlib.blake2b(data, digest_size=12).hexdigest()


@dataclass(frozen=True)
class Output:
    """One planned output: where it goes (relative to the output folder, posix) and what it read."""

    path: str
    inputs: Inputs
    # fingerprint(inputs) when the planner already knows it (the same inputs as a recent build's)
    known_fingerprint: str = field(default="", compare=False, repr=False, kw_only=True)

    @functools.cached_property
    def fingerprint(self) -> str:
        """One fingerprint over all inputs (made once: the planner, the writer and the record all ask)."""
        return self.known_fingerprint or fingerprint(self.inputs)


@dataclass(frozen=True)
class Page(Output):
    """A page rendered from a template; the context is built only if the page is rendered."""

    template: str
    context: Callable[[], Mapping[str, Any]] = field(compare=False)
    # the hub file the page shows (an article or a standalone page), for the rendered-page check
    made_from: PageSource | None = field(default=None, compare=False, kw_only=True)


@dataclass(frozen=True)
class PageSource:
    """The file a page shows, as the rendered-page check needs it: what it finds in the page's body came
    from the file (or from the cache that keeps its body), not from a template."""

    path: str
    # the addresses the file's own checks ruled on at its lines (its body's links and images, `image:`)
    addresses: Callable[[], Collection[str]]
    body: Callable[[], str]   # the body's HTML as the page shows it
    line: int = 1             # the line that names the page's address (its `slug:`), for findings about it


@dataclass(frozen=True)
class Generated(Output):
    """A file whose bytes a function makes (feeds, sitemap, robots, host headers)."""

    produce: Callable[[], bytes] = field(compare=False)


@dataclass(frozen=True)
class Copy(Output):
    """A file copied byte for byte; `source` names the file the plan read (relative to the hub)."""

    source: str


@dataclass(frozen=True)
class Bundle(Output):
    """A folder (`path`) of files that one function makes together, keyed by path inside the folder.

    `produce` may fail (an indexer missing or crashing): `failure` turns that into a warning and the
    files of the last good bundle stay. A deferred bundle is not made at all this build (the preview
    server defers the search index) and likewise keeps what is there.
    """

    produce: Callable[[], Mapping[str, bytes]] = field(compare=False)
    failure: Callable[[Exception], Diagnostic] = field(compare=False)
    deferred: bool = False


@dataclass(frozen=True)
class Planned(Output):
    """An output the last build planned with the same inputs (its fingerprint), carried by a command-line build
    that planned only what changed (generator.lastplan): kept as its file is, never rendered."""

    page: bool = field(default=False, kw_only=True)    # a page (the page store files it under its fingerprint)
    alias: bool = field(default=False, kw_only=True)   # a redirect of `aliases:` (planned after every other output)


@dataclass(frozen=True)
class Rendered:
    """The files one output made: output path -> bytes (one file, or a bundle's files under its folder).

    `failure` is set when a bundle could not be made; then `files` is empty and the last good bundle stays.
    """

    output: Output
    files: Mapping[str, bytes]
    failure: Diagnostic | None = None
    findings: tuple[Diagnostic, ...] = ()   # warnings the rendered-page check found (kept on the record)
    # path -> content_digest of its bytes, where the process that made them computed it (a render worker)
    digests: Mapping[str, str] = field(default_factory=dict)


def url_of(path: str) -> str:
    """The site-relative URL of an output path: 'topics/x/index.html' -> '/topics/x/'."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return "/" + path


def planned_urls(outputs: list[Output]) -> set[str]:
    """Site-relative URLs of every file the plan writes (a bundle's folder is not a page)."""
    return {url_of(o.path) for o in outputs if not isinstance(o, Bundle)}
