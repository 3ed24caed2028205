"""The on-disk cache of parsed files, and parsing only what changed (in parallel when it pays).

Key: file path + content hash + generator version + parse settings. A corrupt,
truncated or old cache is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.model import ParsedSource
from generator.parse import ParseSettings, SourceFile, content_digest, parse_bytes

CACHE_DIR = ".haven-cache"
CACHE_FILE = "parsed.pickle"
# Below this many files to parse, worker start-up costs more than it saves.
PARALLEL_THRESHOLD = 150
CACHE_FORMAT = 2


@dataclass
class CacheEntry:
    """What is remembered about one file."""

    mtime_ns: int
    size: int
    parsed: ParsedSource


class ParseCache:
    """Parsed sources from earlier builds, keyed by path and checked by content hash."""

    def __init__(self, site_dir: Path, settings: ParseSettings):
        self.file = site_dir / CACHE_DIR / CACHE_FILE
        self.key = (CACHE_FORMAT, __version__, settings.key())
        self.entries: dict[str, CacheEntry] = {}
        self.memo: dict[str, object] = {}    # results of later stages, keyed by what they depend on
        self._memo_keys: frozenset[str] = frozenset()
        self.dirty = False

    def load(self) -> None:
        """Read the cache; anything unexpected means starting empty."""
        try:
            with open(self.file, "rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("key") == self.key and isinstance(data.get("entries"), dict) \
                    and isinstance(data.get("memo"), dict):
                self.entries, self.memo = data["entries"], data["memo"]
                self._memo_keys = frozenset(self.memo)
        except Exception:  # noqa: BLE001 - a cache is never trusted: any failure means "rebuild"
            self.entries, self.memo = {}, {}

    def save(self, keep: set[str]) -> None:
        """Write the cache atomically, dropping files that no longer exist."""
        stale = set(self.entries) - keep
        for path in stale:
            del self.entries[path]
        if not self.dirty and not stale and frozenset(self.memo) == self._memo_keys:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        gitignore = self.file.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump({"key": self.key, "entries": self.entries, "memo": self.memo}, handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def parse_all(site_dir: Path, sources: list[SourceFile], settings: ParseSettings,
              cache: ParseCache | None) -> tuple[list[ParsedSource], int]:
    """Parsed records for every source, reusing the cache; returns (records, how many were parsed)."""
    results: dict[str, ParsedSource] = {}
    todo: list[tuple[SourceFile, bytes]] = []
    for source in sources:
        entry = cache.entries.get(source.path) if cache else None
        if entry and entry.mtime_ns == source.mtime_ns and entry.size == source.size:
            results[source.path] = entry.parsed
            continue
        try:
            data = (site_dir / source.path).read_bytes()
        except FileNotFoundError:  # removed since discovery (an editor's atomic save); skip it this time
            continue
        if entry and entry.parsed.digest == content_digest(data):
            entry.mtime_ns, entry.size = source.mtime_ns, source.size  # touched, not changed
            results[source.path] = entry.parsed
            if cache:
                cache.dirty = True
            continue
        todo.append((source, data))

    for source, parsed in zip((s for s, _ in todo), _parse_many(todo, settings)):
        results[source.path] = parsed
        if cache is not None:
            cache.entries[source.path] = CacheEntry(source.mtime_ns, source.size, parsed)
            cache.dirty = True
    return [results[s.path] for s in sources if s.path in results], len(todo)


def _parse_many(todo: list[tuple[SourceFile, bytes]], settings: ParseSettings) -> list[ParsedSource]:
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < PARALLEL_THRESHOLD or workers < 2:
        return [parse_bytes(s.path, s.kind, data, settings) for s, data in todo]
    jobs = [(s.path, s.kind, data) for s, data in todo]
    chunk = max(8, len(jobs) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_parse_job, jobs, [settings] * len(jobs), chunksize=chunk))


def _parse_job(job: tuple[str, str, bytes], settings: ParseSettings) -> ParsedSource:
    path, kind, data = job
    return parse_bytes(path, kind, data, settings)
