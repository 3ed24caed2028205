"""The build stamp: what the last good build read (every input file's path, size and modification time,
and the options) and reported, so that a build with nothing changed does nothing, not even read settings.

It lives in the hub's `.haven-cache/` and is untrusted like the rest of it: read through the typed codec.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from generator.cachecodec import CacheDamaged
from generator.cacherecords import Stamp, codec
from generator.confine import walk_tree, write_atomic
from generator.confine.cache import CACHE_DIR, read_cache_file
from generator.discover import MarkdownFile
from generator.incremental import code_fingerprint

STAMP_FILE = "last-build.json"
# Files and folders besides articles/ and pages/ that every build reads.
_SETTINGS_INPUTS = ("site.yaml", "data", "templates", "static", "locales")


def input_fingerprint(settings: str, markdown_files: list[MarkdownFile]) -> str:
    """Fingerprint of every input file's path, size and modification time, plus the build options
    (`settings`: see settings_fingerprint)."""
    hasher = hashlib.blake2b(settings.encode(), digest_size=16)
    for markdown in markdown_files:
        hasher.update(f"{markdown.path}\0{markdown.mtime_ns}\0{markdown.size}\n".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def settings_fingerprint(site_dir: Path, options: tuple) -> str:
    """Fingerprint of the path, size and modification time of every input file but the Markdown files
    (settings, data, templates, static files, translations), plus Haven's code and the build options."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(repr((code_fingerprint(), options)).encode())
    for name in _SETTINGS_INPUTS:
        top = site_dir / name
        if top.is_file():
            st = top.stat()
            hasher.update(f"{name}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
            continue
        for dirpath, dirnames, filenames in walk_tree(top):
            dirnames.sort()
            for file in sorted(filenames):
                full = os.path.join(dirpath, file)
                try:
                    st = os.stat(full)
                except FileNotFoundError:
                    continue
                hasher.update(f"{full}\0{st.st_mtime_ns}\0{st.st_size}\n".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def read_stamp(site_dir: Path, out_dir: Path) -> Stamp | None:
    """The stamp of the last successful build into out_dir, if it is readable and still describes out_dir."""
    return _read_stamps(site_dir).get(str(out_dir.resolve()))


def _read_stamps(site_dir: Path) -> dict[str, Stamp]:
    try:
        return codec().loads(read_cache_file(site_dir / CACHE_DIR / STAMP_FILE), dict[str, Stamp])
    except (OSError, CacheDamaged):  # a cache is never trusted
        return {}


def marker_stat(marker: Path) -> tuple[int, int]:
    """(mtime_ns, size) of the output marker, or (0, 0) when it is missing."""
    try:
        st = marker.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return 0, 0


def write_stamp(site_dir: Path, out_dir: Path, stamp: Stamp) -> None:
    """Remember this build's inputs and findings for the next one."""
    file = site_dir / CACHE_DIR / STAMP_FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    stamps = _read_stamps(site_dir)
    stamps[str(out_dir.resolve())] = stamp
    try:
        data = codec().dumps(stamps, dict[str, Stamp])
    except (TypeError, ValueError):  # a finding the cache cannot hold: the next build just runs
        file.unlink(missing_ok=True)
        return
    write_atomic(file, data)
