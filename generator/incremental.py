"""The on-disk cache of parsed files, and parsing only what changed (in parallel when it pays).

Key: file path + content hash + generator version + parse settings. A corrupt,
truncated or old cache is ignored and rebuilt, never trusted. The files are JSON read back
through `cachecodec` (never pickle: a CI runner restores this folder from a cache a pull
request can write, and unpickling a doctored file runs its code).
"""

from __future__ import annotations

import functools
import gc
import os
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator import __version__
from generator.cachecodec import CacheDamaged
from generator.cacherecords import (
    CacheEntry,
    codec,
    decode_entries,
    decode_memo,
    dump_shard,
    encode_entries,
    encode_memo,
)
from generator.confine import write_atomic
from generator.confine.cache import CACHE_DIR, body_file_name, read_cache_file
from generator.confine.hub import OutsideHub, read_hub_bytes
from generator.deferred import DeferredTuple
from generator.discover import MarkdownFile, ParseSettings, content_digest
from generator.model import ParsedFile

BODY_DIR = "bodies"   # one file of body HTML per parsed file, read only when a page needs it
# Below this many files to parse, worker start-up costs more than it saves.
PARALLEL_THRESHOLD = 150
CACHE_FORMAT = 6   # 6: memo values, clusters, headings and references kept as JSON text (generator.deferred)


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Fingerprint of Haven's own code and package files (the default theme included): a cache written
    by other code is never trusted (a version number alone misses every change made between releases)."""
    import hashlib

    package = Path(__file__).resolve().parent
    hasher = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":  # code and theme
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


SHARDS = 64   # the index is split so that one edit rewrites a 64th of it, not all of it
INDEX_DIR = "index"
# In a long-lived process (the preview server) the cache loaded or saved last is kept in memory and
# reused when its files on disk are exactly what this process last saw.
_WARM: dict[str, tuple[dict[str, tuple[int, int]], dict, dict, dict]] = {}


def _shard(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % SHARDS


class ParseCache:
    """Parsed files from earlier builds, keyed by path and checked by content hash, plus a memo of
    later stages' results keyed by everything they depend on."""

    def __init__(self, site_dir: Path, settings: ParseSettings):
        self.site_dir, self.settings = site_dir, settings
        self.folder = site_dir / CACHE_DIR / INDEX_DIR
        self.bodies = site_dir / CACHE_DIR / BODY_DIR
        self.key = (CACHE_FORMAT, code_fingerprint(), settings.key())
        self.entries: dict[str, CacheEntry] = {}
        self.memo: dict[str, object] = {}
        self._memo_loaded: dict[int, frozenset[str]] = {}   # memo keys per shard as loaded
        self._dirty: set[int] = set()                         # entry shards changed in this build

    def _files(self) -> dict[str, tuple[int, int]]:
        try:
            names = os.listdir(self.folder)
        except OSError:
            return {}
        stats = {}
        for name in names:
            try:
                st = os.lstat(self.folder / name)
            except OSError:
                continue
            stats[name] = (st.st_mtime_ns, st.st_size)
        return stats

    def load(self) -> None:
        """Read the cache; anything unexpected in a shard means starting that shard empty."""
        files = self._files()
        warm = _WARM.get(str(self.folder))
        if warm and warm[0] == files and warm[3].get("key") == self.key:
            self.entries, self.memo, self._memo_loaded = warm[1], warm[2], dict(warm[3]["memo_loaded"])
            return
        collecting = gc.isenabled()
        gc.disable()   # tens of thousands of small records, none cyclic: collecting while they arrive triples the time
        try:
            for shard in range(SHARDS):
                self.entries.update(self._read(f"entries-{shard:02d}.json", files, decode_entries))
                memo = self._read(f"memo-{shard:02d}.json", files, decode_memo)
                self.memo.update(memo)
                self._memo_loaded[shard] = frozenset(memo)
        finally:
            if collecting:
                gc.enable()
        for path, entry in self.entries.items():   # parts kept as text that turn out damaged: parsed again
            parsed = entry.parsed
            for part, value in (("clusters", parsed.clusters), ("headings", parsed.headings),
                                ("references", parsed.meta.references if parsed.meta is not None else ())):
                if type(value) is DeferredTuple:
                    value.or_make(functools.partial(self._parsed_again, path, parsed.kind, part))

    def _parsed_again(self, path: str, kind: str, part: str) -> Any:
        """One part of a file's record (its body's HTML, citation clusters, headings, front-matter references) from the
        file itself, when what the cache holds of it is gone or damaged."""
        from generator.parse import parse_bytes

        fresh = parse_bytes(path, kind, read_hub_bytes(self.site_dir, path), self.settings)
        if part == "references":
            return fresh.meta.references if fresh.meta is not None else ()
        return getattr(fresh, part)

    def _read(self, name: str, files: dict, decode: Callable[[Any], dict]) -> dict:
        """One shard's items, or {} when it is missing, from other code or settings, or damaged."""
        if name not in files:
            return {}
        try:
            raw = codec().parse(read_cache_file(self.folder / name))
            if type(raw) is not list or len(raw) != 2 or raw[0] != list(self.key):
                return {}
            return decode(raw[1])
        except (OSError, CacheDamaged):  # a cache is never trusted: anything unexpected means "rebuild"
            return {}

    def put(self, path: str, entry: CacheEntry) -> None:
        """Remember (or refresh) one file's entry."""
        self.entries[path] = entry
        self._dirty.add(_shard(path))

    def body_file(self, parsed: ParsedFile) -> Path:
        """Where the body HTML of a parsed file is kept."""
        return _body_path(self.bodies, parsed)

    def load_body(self, parsed: ParsedFile) -> str:
        """The body HTML of a parsed file: from memory, the body store, or (if that is gone) a fresh parse."""
        if parsed.html or parsed.meta is None:
            return parsed.html
        try:
            return read_cache_file(self.body_file(parsed)).decode("utf-8")
        except (OSError, UnicodeDecodeError):  # a damaged cache is never trusted: parse again
            return self._parsed_again(parsed.path, parsed.kind, "html")

    def save_entries(self, keep: set[str]) -> None:
        """Write the entry shards that changed (bodies go to the body store), dropping files that no
        longer exist. Afterwards no entry holds its body in memory: pages load bodies on demand."""
        for path in set(self.entries) - keep:
            del self.entries[path]
            self._dirty.add(_shard(path))
        if self._dirty:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder.parent / ".gitignore"
            if not os.path.lexists(gitignore):   # (a link there is replaced by the rename, never followed)
                write_atomic(gitignore, b"*\n")
            self.bodies.mkdir(exist_ok=True)
        for shard in sorted(self._dirty):
            items: dict[str, CacheEntry] = {}
            for path, entry in self.entries.items():
                if _shard(path) != shard:
                    continue
                if entry.parsed.html:  # parsed in this build: its body moves to the body store
                    entry = self.entries[path] = CacheEntry(entry.mtime_ns, entry.size,
                                                            stored_body(self.bodies, entry.parsed))
                items[path] = entry
            self._write(f"entries-{shard:02d}.json", items, encode_entries)
        if self._dirty:
            self._prune_bodies()
        self._dirty.clear()
        self._remember()

    def parsed(self, path: str) -> ParsedFile | None:
        """The cached record of one file (bodies not in memory after save_entries)."""
        entry = self.entries.get(path)
        return entry.parsed if entry else None

    def save_memo(self, memo: dict[str, object]) -> None:
        """Keep `memo` (what this build used) for the next build; write the shards whose keys changed."""
        self.memo = dict(memo)
        memo_by_shard: dict[int, dict[str, object]] = {shard: {} for shard in range(SHARDS)}
        for key, value in self.memo.items():
            memo_by_shard[_shard(key)][key] = value
        memo_dirty = {shard for shard, items in memo_by_shard.items()
                      if frozenset(items) != self._memo_loaded.get(shard, frozenset())}
        if memo_dirty:
            self.folder.mkdir(parents=True, exist_ok=True)
        for shard in sorted(memo_dirty):
            self._write(f"memo-{shard:02d}.json", memo_by_shard[shard], encode_memo)
            self._memo_loaded[shard] = frozenset(memo_by_shard[shard])
        self._remember()

    def _remember(self) -> None:
        _WARM[str(self.folder)] = (self._files(), self.entries, self.memo,
                                   {"key": self.key, "memo_loaded": dict(self._memo_loaded)})

    def _write(self, name: str, items: dict, encode: Callable[[dict], Any]) -> None:
        try:
            data = dump_shard(self.key, encode(items))
        except (TypeError, ValueError):  # a value the cache cannot hold: this shard is simply not cached
            (self.folder / name).unlink(missing_ok=True)
            return
        write_atomic(self.folder / name, data)

    def _prune_bodies(self) -> None:
        names = os.listdir(self.bodies)
        if len(names) <= len(self.entries) * 1.5 + 16:
            return
        wanted = {f"{e.parsed.digest}.html" for e in self.entries.values()}
        for name in names:
            if name not in wanted:
                (self.bodies / name).unlink(missing_ok=True)


def parse_all(site_dir: Path, files: list[MarkdownFile], settings: ParseSettings,
              cache: ParseCache | None) -> tuple[list[ParsedFile], int]:
    """Parsed records for every file, reusing the cache; returns (records, how many were parsed)."""
    results: dict[str, ParsedFile] = {}
    todo: list[tuple[MarkdownFile, bytes]] = []
    for file in files:
        entry = cache.entries.get(file.path) if cache else None
        if entry and entry.mtime_ns == file.mtime_ns and entry.size == file.size:
            results[file.path] = entry.parsed
            continue
        if file.size > settings.max_article_bytes:  # refused unread: an enormous file costs nothing
            from generator.parse import too_large

            results[file.path] = too_large(file.path, file.kind, file.size, settings)
            continue
        try:
            data = read_hub_bytes(site_dir, file.path)
        except FileNotFoundError:  # removed since discovery (an editor's atomic save); skip it this time
            continue
        except OutsideHub:  # swapped for a link out of the hub since discovery: never read it
            continue
        digest = content_digest(data)
        if entry and entry.parsed.digest == digest:
            results[file.path] = entry.parsed
            if cache:  # touched, not changed: remember the new stats so the file is not read again
                cache.put(file.path, CacheEntry(file.mtime_ns, file.size, entry.parsed))
            continue
        stopped = _RAN_OUT.get((file.path, digest, settings))
        if stopped is not None:   # the preview: a file the limit stopped is not tried again until it changes
            results[file.path] = stopped
            continue
        todo.append((file, data))

    body_store = cache.bodies if cache is not None else None
    for file, parsed in zip((s for s, _ in todo), _parse_many(todo, settings, body_store), strict=False):
        results[file.path] = parsed
        if _ran_out(parsed):
            if len(_RAN_OUT) > 256:
                _RAN_OUT.clear()
            _RAN_OUT[file.path, parsed.digest, settings] = parsed
        elif cache is not None:
            cache.put(file.path, CacheEntry(file.mtime_ns, file.size, parsed))
    return [results[s.path] for s in files if s.path in results], len(todo)


# Files the time limit stopped, by path, content and settings: kept in this process only (a long-lived preview
# would otherwise spend the whole limit again on every save of any file), never on disk (see _ran_out).
_RAN_OUT: dict[tuple[str, str, ParseSettings], ParsedFile] = {}


def _ran_out(parsed: ParsedFile) -> bool:
    """True when the file's parse was stopped by the time limit: a busy machine's verdict, not the file's."""
    from generator.parse import PARSE_TOO_SLOW

    return any(f.code == PARSE_TOO_SLOW for f in parsed.findings)


def _parse_many(todo: list[tuple[MarkdownFile, bytes]], settings: ParseSettings,
                body_store: Path | None) -> list[ParsedFile]:
    """Parse in this process when there are few files, else in worker processes. Workers put each body
    in the body store themselves (`body_store`, when there is one, named by content hash) and send back
    the record without it: the bodies are the bulk of what would otherwise be pickled to this process and
    written by it alone, while the other core idles."""
    from generator.parse import parse_bytes

    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < PARALLEL_THRESHOLD or workers < 2:
        return [parse_bytes(s.path, s.kind, data, settings) for s, data in todo]
    jobs = [(s.path, s.kind, data) for s, data in todo]
    chunk = max(8, len(jobs) // (workers * 8))
    if body_store is not None:
        body_store.mkdir(parents=True, exist_ok=True)
    frozen_before = gc.get_freeze_count()   # the preview server keeps its long-lived heap frozen
    gc.freeze()   # the parent's objects are never garbage: forked workers need not scan (or copy) them
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context()) as pool:
            return list(pool.map(_parse_job, jobs, [settings] * len(jobs), [body_store] * len(jobs),
                                 chunksize=chunk))
    finally:
        if not frozen_before:   # otherwise what was frozen stays so (the preview's next refreeze sorts it)
            gc.unfreeze()


def _fork_context():
    import multiprocessing

    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)


def _parse_job(job: tuple[str, str, bytes], settings: ParseSettings, body_store: Path | None) -> ParsedFile:
    from generator.parse import parse_bytes

    path, kind, data = job
    parsed = parse_bytes(path, kind, data, settings)
    return parsed if body_store is None or not parsed.html else stored_body(body_store, parsed)


def _body_path(store: Path, parsed: ParsedFile) -> Path:
    return store / body_file_name(parsed.digest)   # by content: a worker and the parent can never disagree


def stored_body(store: Path, parsed: ParsedFile) -> ParsedFile:
    """Put the body HTML of `parsed` in the body store; the record without it."""
    write_atomic(_body_path(store, parsed), parsed.html.encode("utf-8"))
    return replace(parsed, html="")
