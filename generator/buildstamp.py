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
from generator.confine import identity, walk_tree, write_atomic
from generator.confine.cache import CACHE_DIR, read_cache_file
from generator.confine.hub import hub_root, is_inside
from generator.discover import MarkdownFile
from generator.incremental import code_fingerprint

STAMP_FILE = "last-build.json"
# Files and folders besides articles/ and pages/ that every build reads.
_SETTINGS_INPUTS = ("site.yaml", "data", "templates", "static", "locales")


def input_fingerprint(settings: str, markdown_files: list[MarkdownFile]) -> str:
    """Fingerprint of every input file's path, size and modification time, plus the build options
    (`settings`: see settings_fingerprint)."""
    hasher = hashlib.blake2b(settings.encode(), digest_size=16)
    # (one text hashed at once, not a line at a time: a few milliseconds less a preview save at 10,000 articles)
    hasher.update("".join([f"{markdown.path}\0{markdown.mtime_ns}\0{markdown.size}\n" for markdown in markdown_files])
                  .encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def settings_fingerprint(site_dir: Path, options: tuple) -> str:
    """Fingerprint of the path, size and modification time of every input file but the Markdown files
    (settings, data, templates, static files, translations), plus Haven's code and the build options.

    A link that leads out of the hub is fingerprinted by what it says, never followed (a `static` link to / would
    be the whole disk: the stage that reads the folder reports it); a file that cannot be looked at (a link in a
    loop) by its name alone, for the stage that reads it to report."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(repr((code_fingerprint(), options)).encode())
    root = hub_root(site_dir)
    for name in _SETTINGS_INPUTS:
        top = site_dir / name
        if _leads_out(top, root):
            hasher.update(f"{name}\0->{os.readlink(top)}\n".encode("utf-8", "surrogateescape"))
            continue
        if top.is_file():
            hasher.update(_stats(name, top))
            continue
        for dirpath, dirnames, filenames in walk_tree(top) if top.is_dir() else ():
            dirnames.sort()
            for file in sorted(filenames):
                full = os.path.join(dirpath, file)
                leads_out = _leads_out(Path(full), root)
                hasher.update(f"{full}\0->{os.readlink(full)}\n".encode("utf-8", "surrogateescape") if leads_out
                              else _stats(full, Path(full)))
    return hasher.hexdigest()


def _leads_out(path: Path, root: Path) -> bool:
    """Whether `path` is a link whose target, every link resolved, is outside the hub folder `root`."""
    return os.path.islink(path) and not is_inside(Path(os.path.realpath(path)), root)


def _stats(name: str, path: Path) -> bytes:
    """`name`, size and modification time of the file at `path` (its name alone when it cannot be looked at)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return f"{name}\0-\n".encode("utf-8", "surrogateescape")
    return f"{name}\0{st.st_mtime_ns}\0{st.st_size}\n".encode("utf-8", "surrogateescape")


def read_stamp(site_dir: Path, out_dir: Path) -> Stamp | None:
    """The stamp of the last successful build into out_dir, if it is readable and still describes out_dir."""
    return _read_stamps(site_dir).get(str(out_dir.resolve()))


def _read_stamps(site_dir: Path) -> dict[str, Stamp]:
    file = site_dir / CACHE_DIR / STAMP_FILE
    try:
        seen = (str(file), identity(file))
        if _LAST_READ and _LAST_READ[0] == seen:   # the preview reads its own stamp again after every save
            return dict(_LAST_READ[1])
        stamps = codec().loads(read_cache_file(file), dict[str, Stamp])
    except (OSError, CacheDamaged):  # a cache is never trusted
        return {}
    _LAST_READ[:] = [seen, dict(stamps)]
    return stamps


# In a long-lived process: the stamps read last, by the file's path and identity then (generator.confine.identity)
_LAST_READ: list = []


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
    _LAST_READ[:] = [(str(file), identity(file)), dict(stamps)]   # what the next build reads, not decoded again
