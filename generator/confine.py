"""Every path Haven reads from the hub and writes to the output folder, checked in one place.

A hub is a Git repository many people write to, and CI builds what they push, so its files (and
the previous output/ and .haven-cache/ a CI runner restores) are untrusted:

- Reads resolve inside the hub. A file or folder that leaves it (a symbolic link, however many
  hops) is refused with a finding naming the link and where it points; it is never opened.
  Links that stay inside the hub work. Only regular files are read (a FIFO would hang the build).
- Writes and deletes take normalized relative paths inside the output folder and never pass
  through a symbolic link. The output record is data to check, never instructions to follow:
  `safe_output_path` says whether an entry may be acted on at all.

`OutsideHub` is an OSError, so a caller that treats an unreadable file as missing fails closed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from generator.diagnostics import Diagnostic, error

LINK_HINT = "copy what it points to into the hub, or point the link at something inside the hub"


class OutsideHub(OSError):
    """A read that would leave the hub or is not a regular file; carries the finding to show."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class UnsafeOutputPath(OSError):
    """A write or delete that would leave the output folder or pass through a symbolic link."""


def hub_root(site_dir: Path) -> Path:
    """The hub folder with every link resolved: what "inside the hub" is measured against."""
    return Path(os.path.realpath(site_dir))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _clean_parts(rel: str) -> tuple[str, ...] | None:
    """The parts of a normalized relative posix path, or None when it is anything else."""
    if not isinstance(rel, str) or not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        return None
    parts = tuple(rel.split("/"))
    if any(part in ("", ".", "..") for part in parts) or ":" in parts[0][1:2]:
        return None
    return parts


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
    parts = _clean_parts(rel)
    if parts is None:
        raise OutsideHub(error("outside-hub", str(rel), 1, 1, f"{rel!s} is not a path inside the hub",
                               "name files relative to the hub folder, without '..'"))
    current = root
    for index, part in enumerate(parts):
        candidate = current / part
        if os.path.islink(candidate):
            real = Path(os.path.realpath(candidate))
            if not _inside(real, root):
                raise OutsideHub(outside_finding("/".join(parts[:index + 1]), _link_text(candidate, real)))
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


def read_hub_bytes(site_dir: Path, rel: str) -> bytes:
    """The bytes of the hub file `rel`; FileNotFoundError when it is missing, OutsideHub when it
    leaves the hub or is not a regular file."""
    real = resolve_in_hub(site_dir, rel)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if os.path.islink(real):   # swapped for a link after it was resolved: never follow it
            raise OutsideHub(outside_finding(rel, os.readlink(real))) from None
        raise exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutsideHub(not_a_file_finding(rel))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def not_a_file_finding(rel: str) -> Diagnostic:
    """The finding for a folder, device, pipe or socket where a file should be."""
    return error("not-a-file", rel, 1, 1, f"{rel} is not an ordinary file (a folder, pipe, socket or device)",
                 "replace it with an ordinary file, or remove it")


@dataclass(frozen=True)
class HubFile:
    """A file found under a hub folder: its path as the writer sees it, and its stats."""

    rel: str            # relative to the hub, posix, through any links inside it
    real: Path          # where the bytes are (inside the hub)
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

    def visit(real_dir: Path, rel_dir: str) -> None:
        if real_dir in seen_dirs:   # a link back to a folder already walked: each folder once
            return
        seen_dirs.add(real_dir)
        try:
            entries = sorted(os.scandir(real_dir), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}"
            if not _printable_name(entry.name):
                if keep_file(entry.name) or keep_dir(entry.name):
                    findings.append(bad_name_finding(rel))
                continue
            real = Path(entry.path)
            if entry.is_symlink():
                real = Path(os.path.realpath(entry.path))
                if not _inside(real, root):
                    if keep_dir(entry.name) if real.is_dir() else keep_file(entry.name):
                        findings.append(outside_finding(rel, _link_text(Path(entry.path), real)))
                    continue
            try:
                st = os.stat(real)
            except OSError:   # a dangling link, or a file deleted while we looked
                continue
            if stat.S_ISDIR(st.st_mode):
                if keep_dir(entry.name):
                    visit(real, rel)
            elif not keep_file(entry.name):
                continue
            elif stat.S_ISREG(st.st_mode):
                files.append(HubFile(rel, real, st.st_mtime_ns, st.st_size))
            else:
                findings.append(not_a_file_finding(rel))

    visit(top, folder)
    files.sort(key=lambda f: f.rel)
    return files, findings


def _printable_name(name: str) -> bool:
    """False for a name that is not UTF-8 (Python holds those bytes as surrogates) or holds a control
    character: it could not be written to the output record, and printed in a finding it could move
    the terminal's cursor or forge another finding's line."""
    return name.isprintable()


def bad_name_finding(rel: str) -> Diagnostic:
    """The finding for a file name that is not UTF-8 text or holds control characters."""
    shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
    return error("bad-file-name", shown, 1, 1, f"the name of {shown} is not plain text (it is not UTF-8, or holds "
                 "a control character such as a line break)", "rename the file using letters, digits and hyphens")


# ----------------------------------------------------------------------------- the output folder


def safe_output_path(rel: object, reserved: Callable[[str], bool] = lambda rel: False) -> str | None:
    """`rel` when it is a normalized relative posix path the output may hold, else None.

    Anything else from the output record (`../x`, an absolute path, a drive, a backslash, an empty
    part, a non-string, a name `reserved` refuses such as the record itself) is never acted on.
    """
    if not isinstance(rel, str):
        return None
    parts = _clean_parts(rel)
    if parts is None or len(rel) > 4096 or any(len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts):
        return None
    return None if reserved(rel) else rel


def link_on_the_way(out_dir: Path, rel: str) -> str | None:
    """The first part of `rel` (under out_dir) that is a symbolic link, as a relative path, or None."""
    current = out_dir
    parts = rel.split("/")
    for index, part in enumerate(parts):
        current = current / part
        if os.path.islink(current):
            return "/".join(parts[:index + 1])
        if not os.path.isdir(current):
            return None
    return None


def output_target(out_dir: Path, rel: str) -> Path:
    """The path to write or delete for the output file `rel`; UnsafeOutputPath when `rel` is not a
    normalized relative path or any part of it (under out_dir) is a symbolic link."""
    if safe_output_path(rel) is None:
        raise UnsafeOutputPath(f"{rel!r} is not a path inside the output folder")
    link = link_on_the_way(out_dir, rel)
    if link is not None:
        raise UnsafeOutputPath(f"{link} in the output folder is a symbolic link")
    return out_dir / rel


def make_output_dirs(out_dir: Path, rel_dir: str) -> list[str]:
    """Create the folders of `rel_dir` under out_dir, replacing any symbolic link on the way with a
    real folder (the link is removed, never followed; what it pointed to is not touched).
    Returns the links replaced, for a warning."""
    replaced: list[str] = []
    if not rel_dir:
        return replaced
    if safe_output_path(rel_dir) is None:
        raise UnsafeOutputPath(f"{rel_dir!r} is not a path inside the output folder")
    current = out_dir
    parts = rel_dir.split("/")
    for index, part in enumerate(parts):
        current = current / part
        if os.path.islink(current):
            os.unlink(current)
            replaced.append("/".join(parts[:index + 1]))
        if not current.is_dir():
            if os.path.lexists(current):    # a file where a folder belongs: Haven's outputs changed shape
                os.unlink(current)
            os.mkdir(current)
    return replaced


def replace_output_file(out_dir: Path, rel: str, temp: Path) -> list[str]:
    """Move the finished temp file into place as the output file `rel` (atomic rename; a link at
    `rel` itself is replaced, not followed). Returns the links replaced on the way."""
    if safe_output_path(rel) is None:
        raise UnsafeOutputPath(f"{rel!r} is not a path inside the output folder")
    parent = rel.rpartition("/")[0]
    replaced = make_output_dirs(out_dir, parent)
    target = out_dir / rel
    if os.path.islink(target):
        replaced.append(rel)
    elif target.is_dir():
        raise UnsafeOutputPath(f"{rel} in the output folder is a folder, where Haven writes a file")
    os.replace(temp, target)
    return replaced


def delete_output_file(out_dir: Path, rel: str) -> bool:
    """Delete the output file `rel` if it is a regular file reached without links; True if deleted."""
    try:
        target = output_target(out_dir, rel)
    except UnsafeOutputPath:
        return False
    if os.path.islink(target) or not target.is_file():
        return False
    target.unlink()
    return True


def prune_empty_output_dirs(out_dir: Path, rel: str) -> None:
    """Remove the now-empty folders of `rel` (a deleted file) up to, not including, out_dir; never
    through or of a link."""
    parts = rel.split("/")[:-1]
    while parts:
        folder = out_dir.joinpath(*parts)
        if link_on_the_way(out_dir, "/".join(parts)) is not None or not folder.is_dir():
            return
        try:
            folder.rmdir()   # fails unless empty
        except OSError:
            return
        parts.pop()


def output_folder_problem(out_dir: Path, site_dir: Path) -> str:
    """Why out_dir may not be written to because of links ('' when it may): the output folder itself
    must not be a link, nor any folder between the hub and it (a hub could commit `output` as a link
    into its reader's home folder)."""
    absolute = Path(os.path.abspath(out_dir))
    if os.path.islink(absolute):
        return (f"the output folder {out_dir} is a symbolic link to {os.readlink(absolute)}; Haven writes "
                "only into a real folder - remove the link, or pass the folder it points to with --out")
    hub = Path(os.path.abspath(site_dir))
    if hub in absolute.parents:
        current = hub
        for part in absolute.relative_to(hub).parts:
            current = current / part
            if os.path.islink(current):
                return (f"{current} (on the way to the output folder {out_dir}) is a symbolic link; Haven "
                        "writes only into real folders - remove the link, or pass another folder with --out")
    return ""


# Haven's own files (the default theme) are part of the program, not the hub: read as they are.
PACKAGE_DIR = Path(__file__).resolve().parent


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


def output_kind(out_dir: Path, rel: str) -> str:
    """'file', 'dir' or '' (missing, not a normalized path, or reached through a symbolic link):
    what the preview server may serve at `rel` ('' is the output folder itself)."""
    if rel and (safe_output_path(rel) is None or link_on_the_way(out_dir, rel) is not None):
        return ""
    try:
        mode = os.lstat(out_dir / rel if rel else out_dir).st_mode
    except OSError:
        return ""
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else ""


def read_output_bytes(out_dir: Path, rel: str) -> bytes | None:
    """The bytes of the output file `rel`, or None when it is missing, not a regular file, or any
    part of the way is a symbolic link (Haven never writes links; one in output/ was put there)."""
    if output_kind(out_dir, rel) != "file":
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(out_dir / rel, flags)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def output_file_stat(out_dir: Path, rel: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of the output file `rel` when it is a regular file (not a link), else None.
    The record keeps this for every file it writes, so a hand-edited or deleted file is noticed
    with one lstat, without reading or hashing it."""
    try:
        st = os.lstat(out_dir / rel)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


def output_state(out_dir: Path, paths: Iterable[str]) -> str:
    """A fingerprint of what is on disk at `paths` under out_dir: each file's type, size and mtime,
    and the type of every folder on the way (a folder swapped for a link changes it). One lstat per
    file and per folder, nothing read: what a build with nothing to do pays to notice a hand-edited,
    deleted or replaced output file (about 2 lstats per page)."""
    import hashlib

    hasher = hashlib.blake2b(digest_size=16)
    folders: set[str] = set()
    for rel in sorted(paths):
        parent = rel.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
        try:
            st = os.lstat(out_dir / rel)
            hasher.update(f"{rel}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
        except (OSError, ValueError):
            hasher.update(f"{rel}\0-\n".encode("utf-8", "surrogatepass"))
    for folder in sorted(folders):
        try:
            kind = stat.S_IFMT(os.lstat(out_dir / folder).st_mode)
        except (OSError, ValueError):
            kind = 0
        hasher.update(f"{folder}/\0{kind}\n".encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()
