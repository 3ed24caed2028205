"""Every path Haven reads from the hub and writes to the output folder, checked in one place.

A hub is a Git repository many people write to, and CI builds what they push, so its files (and
the previous output/ and .haven-cache/ a CI runner restores) are untrusted:

- Reads (`confine.hub`) resolve inside the hub. A file or folder that leaves it (a symbolic link,
  however many hops) is refused with a finding naming the link and where it points; it is never
  opened. Links that stay inside the hub work. Only regular files with plain-text names are read
  (a FIFO would hang the build).
- Writes and deletes (`confine.output`) take normalized relative paths inside the output folder and
  never pass through a symbolic link. The output record is data to check, never instructions to
  follow. The preview server serves through the same rules.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def clean_parts(rel: str) -> tuple[str, ...] | None:
    """The parts of a normalized relative posix path, or None when it is anything else."""
    if not isinstance(rel, str) or not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        return None
    parts = tuple(rel.split("/"))
    if any(part in ("", ".", "..") for part in parts) or ":" in parts[0][1:2]:
        return None
    return parts


def identity(path: str | os.PathLike[str]) -> tuple[int, int, int, int, int] | None:
    """What a long-lived process keeps a file's (or folder's) contents by: its device, inode, type, size and
    modification time, the entry itself and not a link's target (None when it cannot be looked at). Written in
    place, a file gets a new time; replaced, a new inode; a folder gains or loses a name, a new time."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns


def read_at_most(handle: BinaryIO, size: int, limit: int) -> bytes | None:
    """The bytes of an open file that its fstat says holds `size`, or None when it holds more than `limit`: looked
    at before reading (a sparse file of gigabytes is never read) and after (nor one that grew meanwhile)."""
    if size > limit:
        return None
    data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def walk_tree(top: str | os.PathLike[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top)` (top-down, links not followed, `dirnames` prunable in place), without recursion: a
    pull request may nest folders thousands deep, past Python's recursion limit (os.walk recurses)."""
    pending = [os.fspath(top)]
    while pending:
        dirpath = pending.pop()
        try:
            entries = list(os.scandir(dirpath))
        except OSError:
            continue
        dirnames: list[str] = []
        filenames: list[str] = []
        for entry in entries:
            try:
                folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                folder = False
            (dirnames if folder else filenames).append(entry.name)
        yield dirpath, dirnames, filenames
        pending += [os.path.join(dirpath, name) for name in reversed(dirnames)]   # the first one next


def remove_tree(top: str | os.PathLike[str]) -> None:
    """Delete the folder `top` and everything in it, as far as it can be (what cannot be removed stays):
    without recursion and through folder descriptors, so a tree nested deeper than Python's recursion
    limit, or than the longest path the system takes, is removed too (shutil.rmtree recurses in Python
    3.11). Links are removed, never followed."""
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        stack = [(os.open(top, flags), "")]   # (descriptor, its name in the folder above)
    except OSError:
        return
    stuck: set[int] = set()   # folders (by inode) that could not be opened or emptied: left as they are
    while stack:
        fd = stack[-1][0]
        deeper = None
        with contextlib.suppress(OSError), os.scandir(fd) as entries:
            for entry in entries:
                if not entry.is_dir(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.name, dir_fd=fd)
                elif deeper is None and entry.inode() not in stuck:
                    deeper = entry
        if deeper is not None:
            try:
                stack.append((os.open(deeper.name, flags, dir_fd=fd), deeper.name))
            except OSError:
                stuck.add(deeper.inode())
            continue
        inode = os.fstat(fd).st_ino
        os.close(fd)   # emptied: removed from the folder above (the top one by its path)
        _, name = stack.pop()
        try:
            os.rmdir(name, dir_fd=stack[-1][0]) if stack else os.rmdir(top)
        except OSError:
            stuck.add(inode)


def write_atomic(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `target` through a new file of an unpredictable name beside it, then a rename: a reader
    never sees half of it, a link planted at a name Haven might use for the temporary file is never written
    through, and a link at `target` is replaced. The file is private (0600) unless `mode` says otherwise."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
