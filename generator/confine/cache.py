"""Haven's own folder in the hub, `.haven-cache/`: read and written only as real folders and regular files.

The cache is untrusted like every hub file: a CI runner may restore one a pull request wrote, and a pull
request may commit a `.haven-cache` that is a symbolic link (Git keeps links). Through such a link a
build would read files from anywhere and publish them as article bodies, write its files there, and
delete what it takes for old bodies. So when the folder, or a folder in it, is a link (or not a folder),
the build runs without its cache and says so; inside real folders, files are read without following
links and only when they are regular files, and written by rename, which replaces a link and never
follows it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from generator.checks.policy import finding
from generator.confine import read_at_most
from generator.diagnostics import Diagnostic

CACHE_DIR = ".haven-cache"
CACHE_FOLDERS = (CACHE_DIR, f"{CACHE_DIR}/index", f"{CACHE_DIR}/bodies", f"{CACHE_DIR}/pages")
# A body file is named by its article's content hash: 32 hexadecimal digits, nothing that could leave the folder
_BODY_NAME = re.compile(r"[0-9a-f]{32}")


def cache_folder_problem(site_dir: Path) -> Diagnostic | None:
    """An `unsafe-cache` warning when `.haven-cache` or a folder in it is a symbolic link or not a folder
    (the build then neither reads nor writes the cache); None when each is a real folder or missing."""
    for rel in CACHE_FOLDERS:
        try:
            mode = os.lstat(site_dir / rel).st_mode
        except FileNotFoundError:   # made as a real folder when the cache is written; the others are still looked
            if rel == CACHE_DIR:    # at (a missing index does not make a linked bodies folder safe)
                return None
            continue
        except OSError as exc:
            return _unsafe(rel, f"cannot be examined ({exc.strerror})")
        if stat.S_ISLNK(mode):
            return _unsafe(rel, f"is a symbolic link (to {os.readlink(site_dir / rel)!r})")
        if not stat.S_ISDIR(mode):
            return _unsafe(rel, "is not a folder")
    return None


def unwritable_cache(exc: OSError) -> Diagnostic:
    """The `unsafe-cache` warning for a cache file this build could not write (a folder planted at its name, a
    full disk): the build's output is written; the next build reads that part of the cache as missing."""
    where = os.fspath(exc.filename2 or exc.filename or CACHE_DIR)   # (a rename names its target second)
    return finding("unsafe-cache", CACHE_DIR, 0, 0, f"{where} could not be written ({exc.strerror or exc}); the "
                   "site was built, and the next build runs without that part of the cache",
                   f"delete {CACHE_DIR}: Haven makes it again; if nobody put a folder or file there, the cache your "
                   "CI restores may come from an untrusted source")


def _unsafe(rel: str, what: str) -> Diagnostic:
    return finding("unsafe-cache", rel, 0, 0,
                   f"{rel} {what}: Haven never reads, writes or deletes through it, so this build ran without "
                   "its cache", f"delete {rel}: Haven makes it again as a plain folder; if nobody made it, the hub "
                   "or the cache your CI restores may come from an untrusted source")


# The largest file of the cache Haven reads (its largest, the formatted list of every cited work of a 50,000-article
# hub, is about 90 MB): a doctored cache file of many gigabytes (a sparse file costs no disk) is damaged, not read.
CACHE_FILE_LIMIT = 256 * 1024 * 1024


def read_cache_file(path: Path, limit: int = CACHE_FILE_LIMIT) -> bytes:
    """The bytes of a file in the cache's real folders: never through a link, only a regular file (a FIFO
    would hang the build) of at most `limit` bytes; OSError otherwise, which the cache treats as damaged."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file")
        data = read_at_most(handle, info.st_size, limit)
        if data is None:
            raise OSError(f"{path} is over the {limit} bytes the cache holds in a file")
        return data


def body_file_name(digest: str) -> str:
    """The body store's file for a record of this content hash; OSError when the hash (read from the
    untrusted cache) is not one, so that no name can lead out of the store."""
    if not _BODY_NAME.fullmatch(digest):
        raise OSError(f"{digest!r} is not a content hash")
    return f"{digest}.html"
