"""The files a publish sends: exactly those the last build recorded, read without following links.

The output folder is untrusted (a contributor's earlier output/ may hold anything), so a publish never
takes a file because it is there: it takes the paths on Haven's record of what the build wrote, checks
each is a plain relative path, and refuses a path that passes through a symbolic link.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.write import MARKER, read_record


class PublishError(Exception):
    """Publishing cannot go ahead; the message says why and what to do."""


def plain_relative(rel: str) -> bool:
    """True for a plain relative path (no '..', no leading '/', no backslash or NUL), as the writer accepts."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and not any(c in rel for c in "\\\0") \
        and all(p not in ("", ".", "..") for p in parts)


def no_links_on_the_way(root: Path, rel: str) -> Path:
    """root/rel, after checking that no folder between root and it is a symbolic link (PublishError)."""
    path = root
    for part in rel.split("/")[:-1]:
        path = path / part
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            break
        if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
            raise PublishError(f"{path} is a symbolic link or a file, not a folder; Haven never reads or writes "
                               "through links: remove it and publish again")
    return root.joinpath(*rel.split("/"))


def read_plain_file(path: Path) -> bytes:
    """The bytes of a regular file, refusing a symbolic link in its place (PublishError)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise PublishError(f"cannot read {path} ({exc.strerror}); run `haven build` and publish again") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise PublishError(f"{path} is not a regular file; remove it and build again")
        return handle.read()


def built_files(out_dir: Path) -> dict[str, bytes]:
    """path -> bytes of every file the last build of out_dir recorded (Haven's record left out)."""
    if out_dir.is_symlink():
        raise PublishError(f"the output folder {out_dir} is a symbolic link; build into a real folder")
    record = read_record(out_dir)
    if not record:
        raise PublishError(f"{out_dir} holds no build of Haven's ({MARKER} is missing); run `haven build` first")
    files: dict[str, bytes] = {}
    for rel in sorted(record):
        if not plain_relative(rel):
            continue
        files[rel] = read_plain_file(no_links_on_the_way(out_dir, rel))
    return files
