"""What Haven's cache holds (`.haven-cache/`): its records, and how each index file is written and read
back through `generator.cachecodec` (typed JSON, never pickle: the cache is untrusted input).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from generator.cachecodec import CacheDamaged, Codec
from generator.deferred import Deferred, Later
from generator.diagnostics import Diagnostic
from generator.model import FrontMatter, Heading, ParsedFile


@dataclass
class CacheEntry:
    """What is remembered about one file."""

    mtime_ns: int
    size: int
    parsed: ParsedFile


@dataclass
class Stamp:
    """What the last successful build read (by file stats) and what it reported."""

    inputs: str
    marker: tuple[int, int]
    files: int
    diagnostics: list[Diagnostic]
    suppressed: list   # of checks.policy.Suppressed (imported only when there is one: it loads the checks)
    outputs: str = ""   # confine.output.output_state of the files below: a hand-edited one is noticed
    output_files: list[str] = field(default_factory=list)


@dataclass
class PlanRecord:
    """What the last command-line build planned and found about the hub as a whole (generator.lastplan)."""

    out: str                      # the output folder it wrote (resolved)
    world: str                    # lastplan.world_fingerprint: what it read besides the Markdown files
    digests: dict[str, str]       # every Markdown file it read -> content digest
    faces: dict[str, str]         # every article and page it built -> lastplan.face_fingerprint
    rests: dict[str, str]         # and -> lastplan.rest_fingerprint (its face without what its card shows)
    outputs: dict[str, str]       # every file it planned but the search index's -> the output's fingerprint
    pages: list[str]              # those of them that are pages
    aliases: list[str]            # and those that are the redirects of `aliases:`
    placed_findings: list[Diagnostic]   # about addresses its plan claimed (redirects, paths too long)
    hub_findings: list[Diagnostic]      # checks.hub.whole_hub's
    body_findings: list[Diagnostic]     # checks.hub.in_bodies', every file's


def _memo_types() -> dict[str, Any]:
    """What each kind of memo key holds, by its prefix: an article's formatted citations, or the /sources/
    page's cited works (imported only when a memo is read or written: they load the citation code)."""
    from generator.citations import RenderedCitations, RenderedEntry

    return dict(zip(MEMO_KINDS, (RenderedCitations, tuple[RenderedEntry, ...]), strict=True))


MEMO_KINDS = ("cite:", "cited-works:")   # the prefixes of memo keys (see _memo_types)


def _memo_kind(key: str) -> str | None:
    return next((kind for kind in MEMO_KINDS if key.startswith(kind)), None)


def encode_memo(memo: Mapping[str, Any]) -> dict[str, str]:
    """JSON data of a memo shard: each value as the JSON text of the type its key says (kept as text so that reading
    the shard back decodes none of them: see generator.deferred). A value never asked for is written as the text it
    was read from, and one with no text is made now. Keys of no known kind, and values of another type, are left
    out: the cache simply does not hold them."""
    types = _memo_types()
    encoders = {kind: codec().encoder(tp) for kind, tp in types.items()}
    out = {}
    for key, value in memo.items():
        kind = _memo_kind(key)
        if kind is None:
            continue
        if isinstance(value, Deferred):
            text = value.text()
            if text is not None:
                out[key] = text
                continue
            value = value()
        if isinstance(value, typing.get_origin(types[kind]) or types[kind]):
            out[key] = orjson.dumps(encoders[kind](value)).decode("utf-8")
    return out


def decode_memo(raw: Any) -> dict[str, Deferred]:
    """A memo shard read back: key -> its value's text, decoded (and checked as the type its key says)
    when first asked for; CacheDamaged for a shard of any other shape (a key of no known kind included: Haven never
    writes one)."""
    decoders = {kind: codec().decoder(tp) for kind, tp in _memo_types().items()}

    def shard(items: Any) -> dict[str, Deferred]:
        if type(items) is not dict:
            raise CacheDamaged("expected a mapping")
        cells = {}
        for key, text in items.items():
            if type(text) is not str:
                raise CacheDamaged("expected a value's JSON text")
            cells[key] = Deferred(text=text, decode=decoders[_memo_kind(key) or "no known kind"])
        return cells
    return codec().decode_with(shard, raw)


def decode_entries(raw: Any) -> dict[str, CacheEntry]:
    """An entry shard read back: path -> entry; CacheDamaged for anything else."""
    return codec().decode(raw, ENTRIES)


def encode_entries(entries: dict[str, CacheEntry]) -> Any:
    """JSON data of an entry shard."""
    return codec().encoder(ENTRIES)(entries)


def dump_shard(key: tuple, data: Any) -> bytes:
    """The bytes of one index file: the cache key, then the shard's JSON data."""
    return orjson.dumps([list(key), data])


# What an entry shard holds: path -> entry.
ENTRIES = dict[str, CacheEntry]


@functools.lru_cache(maxsize=1)
def codec() -> Codec:
    """The cache's codec: the records it may hold, and nothing else."""
    import dataclasses as dc
    import importlib

    from generator import model

    def later(module: str, name: str) -> Callable[[], type]:
        return lambda: getattr(importlib.import_module(module), name)

    records = [cls for cls in vars(model).values() if isinstance(cls, type) and dc.is_dataclass(cls)
               and cls.__module__ == model.__name__]
    # the citation records and the checks' are imported only when a value needs them: a build with
    # nothing to do reads the stamp and must not load the stages
    lazy = {name: later("generator.citations", name) for name in ("CiteItem", "Cluster", "RenderedCitations",
                                                                    "RenderedEntry")}
    lazy.update({name: later("generator.checks.policy", name) for name in ("Suppressed", "Suppression")})
    # (an article's citation clusters, headings and front-matter references are read only where its page is made or
    # its citations formatted: kept as text, decoded then: see generator.deferred)
    overrides = {(ParsedFile, "clusters"): lambda: Later(tuple[lazy_type("Cluster"), ...]),  # type: ignore[misc]
                 (ParsedFile, "headings"): lambda: Later(tuple[Heading, ...]),
                 (FrontMatter, "references"): lambda: Later(tuple[Mapping[str, Any], ...]),
                 (ParsedFile, "findings"): lambda: tuple[Diagnostic, ...],
                 (ParsedFile, "suppressions"): lambda: tuple[later("generator.checks.policy", "Suppression")(), ...],  # type: ignore[misc]
                 (Stamp, "diagnostics"): lambda: list[Diagnostic]}

    def lazy_type(name: str) -> type:
        return later("generator.citations", name)()

    return Codec(records + [Diagnostic, CacheEntry, Stamp, PlanRecord], overrides, lazy)
