"""Reading the hub: only files that resolve inside it (see generator/confine/__init__.py).

`OutsideHub` is an OSError, so a caller that treats an unreadable file as missing fails closed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from generator.confine import clean_parts, read_at_most
from generator.diagnostics import Diagnostic, error

LINK_HINT = "copy what it points to into the hub, or point the link at something inside the hub"


class OutsideHub(OSError):
    """A read that would leave the hub or is not a regular file; carries the finding to show."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def hub_root(site_dir: Path) -> Path:
    """The hub folder with every link resolved: what "inside the hub" is measured against."""
    return Path(os.path.realpath(site_dir))


def is_inside(path: Path, root: Path) -> bool:
    """Whether the real path `path` is `root` or below it (both with every link resolved)."""
    return path == root or root in path.parents


def _link_problem(link: Path, real: Path, root: Path, link_rel: str) -> Diagnostic | None:
    """Why the link at `link` (resolving to `real`) may not be followed, or None: it leaves the hub, or
    it leads into a hidden part of it (.git/config holds a CI runner's credentials; .haven-cache/ and
    dot-files are never content)."""
    if not is_inside(real, root):
        return outside_finding(link_rel, _link_text(link, real))
    if any(part.startswith(".") for part in real.relative_to(root).parts):
        return error("outside-hub", link_rel, 1, 1,
                     f"{link_rel} is a link to {_link_text(link, real)}, a hidden file or folder of the hub; "
                     "Haven never reads hidden files (.git/ holds settings such as credentials)", LINK_HINT)
    return None


def outside_finding(link_rel: str, target: str) -> Diagnostic:
    """The finding for a link (or path) that leads out of the hub."""
    return error("outside-hub", link_rel, 1, 1,
                 f"{link_rel} is a link to {target}, which is outside the hub; Haven never reads "
                 "files outside the hub", LINK_HINT)


def resolve_in_hub(site_dir: Path, rel: str, root: Path | None = None) -> Path:
    """The real path of `rel` (relative to the hub, posix), following only links that stay inside.

    Raises OutsideHub naming the first link on the way that leads out (and where it points).
    """
    root = root or hub_root(site_dir)
    parts = clean_parts(rel)
    if parts is None:
        raise OutsideHub(error("outside-hub", str(rel), 1, 1, f"{rel!s} is not a path inside the hub",
                               "name files relative to the hub folder, without '..'"))
    current = root
    for index, part in enumerate(parts):
        candidate = current / part
        if os.path.islink(candidate):
            real = Path(os.path.realpath(candidate))
            problem = _link_problem(candidate, real, root, "/".join(parts[:index + 1]))
            if problem is not None:
                raise OutsideHub(problem)
            current = real
        else:
            current = candidate
    return current


def _link_text(link: Path, real: Path) -> str:
    try:
        written = os.readlink(link)
    except OSError:
        return str(real)
    return written if written == str(real) else f"{written} ({real})"


# The largest settings, data, bibliography, template or catalogue file Haven reads (a bibliography of about
# 30,000 references): each is read whole and parsed in memory, and a hostile pull request adding a file of
# gigabytes would otherwise stall or exhaust the CI machine (35 MB of YAML takes 26 s and 2 GB).
DATA_FILE_LIMIT = 10_000_000


class TooLarge(OutsideHub):
    """A hub file over the size Haven reads; carries the `file-too-large` finding."""


def read_hub_bytes(site_dir: Path, rel: str, limit: int | None = None) -> bytes:
    """The bytes of the hub file `rel`; FileNotFoundError when it is missing, OutsideHub when it
    leaves the hub or is not a regular file, TooLarge (an OutsideHub) when it is over `limit` bytes."""
    real = resolve_in_hub(site_dir, rel)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError:
        if os.path.islink(real):   # swapped for a link after it was resolved: never follow it
            raise OutsideHub(outside_finding(rel, os.readlink(real))) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise OutsideHub(not_a_file_finding(rel))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read() if limit is None else read_at_most(handle, info.st_size, limit)
    if data is None:
        raise _too_large(rel, max(info.st_size, (limit or 0) + 1), limit or 0)   # (or it grew since)
    return data


def _too_large(rel: str, size: int, limit: int) -> TooLarge:
    return TooLarge(too_large_finding(rel, size, limit, "a settings, data, bibliography, template or translation file",
                                      "split it, or keep only what the hub uses (a bibliography needs only the works "
                                      "articles cite)"))


def too_large_finding(rel: str, size: int, limit: int, what: str, fix: str) -> Diagnostic:
    """The `file-too-large` error for the hub file `rel` of `size` bytes, over the `limit` Haven reads in `what`."""
    return error("file-too-large", rel, 1, 1, f"{rel} is {size / 1e6:.1f} MB, over the {limit / 1e6:g} MB Haven reads "
                 f"in {what}", fix)


def not_a_file_finding(rel: str) -> Diagnostic:
    """The finding for a folder, device, pipe or socket where a file should be."""
    return error("not-a-file", rel, 1, 1, f"{rel} is not an ordinary file (a folder, pipe, socket or device)",
                 "replace it with an ordinary file, or remove it")


class HubFile(NamedTuple):
    """A file found under a hub folder: its path as the writer sees it, and its stats. (A named tuple: a walk
    makes one per file of the hub on every build, and a tuple is made several times faster than a record.)"""

    rel: str            # relative to the hub, posix, through any links inside it
    mtime_ns: int
    size: int


def walk_hub(site_dir: Path, folder: str, keep_dir: Callable[[str], bool] = lambda name: True,
             keep_file: Callable[[str], bool] = lambda name: True) -> tuple[list[HubFile], list[Diagnostic]]:
    """Every regular file under the hub folder `folder`, sorted by path, and findings for links that
    leave the hub and for special files. Links that stay inside are followed (each folder once)."""
    root = hub_root(site_dir)
    try:
        top = resolve_in_hub(site_dir, folder, root)
    except OutsideHub as exc:
        return [], [exc.diagnostic]
    if not top.is_dir():
        return [], []
    files: list[HubFile] = []
    findings: list[Diagnostic] = []
    seen_dirs: set[Path] = set()

    # folders still to walk: a list, not recursion (a pull request may nest folders thousands deep)
    pending: list[tuple[Path, str]] = [(top, folder)]
    while pending:
        real_dir, rel_dir = pending.pop()
        if real_dir in seen_dirs:   # a link back to a folder already walked: each folder once
            continue
        seen_dirs.add(real_dir)
        try:
            entries = sorted(os.scandir(real_dir), key=lambda e: e.name)
        except OSError:
            continue
        prefix = rel_dir + "/"
        for entry in entries:
            name = entry.name
            rel = prefix + name
            if not _printable_name(name):
                if keep_file(name) or keep_dir(name):
                    findings.append(bad_name_finding(rel))
                continue
            real: Path | None = None   # a Path only where one is needed: most entries are plain files
            try:
                if entry.is_file(follow_symlinks=False):   # (most entries: told by the listing, no look yet)
                    if keep_file(name):
                        st = entry.stat(follow_symlinks=False)
                        if stat.S_ISREG(st.st_mode):   # (unless replaced meanwhile: then the general way below)
                            files.append(HubFile(rel, st.st_mtime_ns, st.st_size))
                            continue
                    else:
                        continue
                if entry.is_symlink():
                    real = Path(os.path.realpath(entry.path))
                    problem = _link_problem(Path(entry.path), real, root, rel)
                    if problem is not None:
                        if keep_dir(entry.name) if real.is_dir() else keep_file(entry.name):
                            findings.append(problem)
                        continue
                    st = os.stat(real)
                else:
                    st = entry.stat(follow_symlinks=False)
            except OSError:   # a dangling link, or a file deleted while we looked
                continue
            if stat.S_ISDIR(st.st_mode):
                if keep_dir(entry.name):
                    pending.append((real or Path(entry.path), rel))
            elif not keep_file(entry.name):
                continue
            elif stat.S_ISREG(st.st_mode):
                files.append(HubFile(rel, st.st_mtime_ns, st.st_size))
            else:
                findings.append(not_a_file_finding(rel))
    files.sort(key=lambda f: f.rel)
    return files, findings


def _printable_name(name: str) -> bool:
    """False for a name that is not UTF-8 (Python holds those bytes as surrogates) or holds a control
    character: it could not be written to the output record, and printed in a finding it could move
    the terminal's cursor or forge another finding's line. A backslash is refused too: Haven's paths are
    posix, and hosts and tools that read it as a separator would put the file somewhere else."""
    return name.isprintable() and "\\" not in name


def bad_name_finding(rel: str) -> Diagnostic:
    """The finding for a file name that is not UTF-8 text or holds control characters."""
    shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
    return error("bad-file-name", shown, 1, 1, f"the name of {shown} is not plain text (it is not UTF-8, or holds "
                 "a control character such as a line break, or a backslash)",
                 "rename the file using letters, digits and hyphens")


PACKAGE_DIR = Path(__file__).resolve().parent.parent


def read_site_file(site_dir: Path, path: Path) -> bytes:
    """The bytes of an input file given by path: one of Haven's own (the default theme) as it is,
    anything else only as a hub file through `read_hub_bytes` (OutsideHub if it is neither)."""
    absolute = Path(os.path.abspath(path))
    if PACKAGE_DIR in absolute.parents:
        return absolute.read_bytes()
    hub = Path(os.path.abspath(site_dir))
    if hub not in absolute.parents:
        raise OutsideHub(outside_finding(str(path), str(absolute)))
    return read_hub_bytes(site_dir, absolute.relative_to(hub).as_posix())
