"""Writing, deleting and serving the output folder: only normalized relative paths inside it, never
through a symbolic link (see generator/confine/__init__.py)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from generator.confine import clean_parts, read_at_most, remove_tree, walk_tree
from generator.diagnostics import Diagnostic, cut, error
from generator.outputs import Output, Page

RECORD = ".haven-output.json"   # the output record (generator.write): Haven's one file of its own in the folder


class UnsafeOutputPath(OSError):
    """A write or delete that would leave the output folder or pass through a symbolic link."""


def safe_output_path(rel: object, reserved: Callable[[str], bool] = lambda rel: False) -> str | None:
    """`rel` when it is a normalized relative posix path the output may hold, else None.

    Anything else from the output record (`../x`, an absolute path, a drive, a backslash, an empty
    part, a non-string, a name `reserved` refuses such as the record itself) is never acted on.
    """
    if not isinstance(rel, str):
        return None
    parts = clean_parts(rel)
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


def make_output_dirs(out_dir: Path, rel_dir: str, made: set[str] | None = None) -> list[str]:
    """Create the folders of `rel_dir` under out_dir, replacing any symbolic link on the way with a
    real folder (the link is removed, never followed; what it pointed to is not touched).
    Returns the links replaced, for a warning. `made` holds folders this writer already made or
    checked in the same commit (a thousand pages share a few folders: each is looked at once)."""
    replaced: list[str] = []
    if not rel_dir:
        return replaced
    if safe_output_path(rel_dir) is None:
        raise UnsafeOutputPath(f"{rel_dir!r} is not a path inside the output folder")
    current = out_dir
    parts = rel_dir.split("/")
    for index, part in enumerate(parts):
        current = current / part
        so_far = "/".join(parts[:index + 1])
        if made is not None and so_far in made:
            continue
        if os.path.islink(current):
            os.unlink(current)
            replaced.append(so_far)
        if not current.is_dir():
            if os.path.lexists(current):    # a file where a folder belongs: Haven's outputs changed shape
                os.unlink(current)
            os.mkdir(current)
        if made is not None:
            made.add(so_far)
    return replaced


def replace_output_file(out_dir: Path, rel: str, temp: Path, made: set[str] | None = None) -> list[str]:
    """Move the finished temp file into place as the output file `rel` (atomic rename; a link at
    `rel` itself is replaced, not followed). Returns the links replaced on the way. `made`: see
    `make_output_dirs`."""
    if safe_output_path(rel) is None:
        raise UnsafeOutputPath(f"{rel!r} is not a path inside the output folder")
    parent = rel.rpartition("/")[0]
    replaced = make_output_dirs(out_dir, parent, made)
    target = out_dir / rel
    if os.path.islink(target):
        replaced.append(rel)
    elif target.is_dir():
        raise UnsafeOutputPath(f"{rel} in the output folder is a folder, where Haven writes a file")
    os.replace(temp, target)
    return replaced


def clear_own_folder(out_dir: Path, rel: str, own: set[str]) -> None:
    """Remove the folder `rel` (reached without links) where a file is about to be written, when every file in it
    is in `own` (files an earlier build of Haven wrote there that this one does not plan); UnsafeOutputPath,
    with nothing removed, when it holds anything else (a link, a file Haven did not write)."""
    found, folders = [], []
    for dirpath, dirnames, filenames in walk_tree(out_dir / rel):
        folders.append(dirpath)
        inner = os.path.relpath(dirpath, out_dir).replace(os.sep, "/")
        found += [f"{inner}/{name}" for name in filenames]
        found += [f"{inner}/{name}/" for name in dirnames if os.path.islink(os.path.join(dirpath, name))]
    foreign = [path for path in found if path not in own]
    if foreign:
        raise UnsafeOutputPath(f"{rel} in the output folder is a folder, where Haven now writes a file, and it holds "
                               f"{cut(foreign[0], 120)}, which Haven did not write - move it out of the output folder")
    for path in found:
        delete_output_file(out_dir, path)
    for folder in reversed(folders):   # deepest first
        with contextlib.suppress(OSError):
            os.rmdir(folder)


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
    if output_kind(out_dir, RECORD) == "dir":   # found before anything is written: the record is written last
        return (f"{out_dir / RECORD} is a folder; Haven keeps its record of the output folder in that file - remove "
                "the folder, and the next build writes the record again")
    return ""


# Haven's own files (the default theme) are part of the program, not the hub: read as they are.


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


# The largest output file Haven reads back (its record, about 4 MB at 10,000 articles, and files it compares
# byte for byte): a doctored record of gigabytes (a sparse file costs no disk) is not Haven's, and not read.
OUTPUT_READ_LIMIT = 256 * 1024 * 1024


def read_output_bytes(out_dir: Path, rel: str) -> bytes | None:
    """The bytes of the output file `rel`, or None when it is missing, not a regular file, over OUTPUT_READ_LIMIT,
    or any part of the way is a symbolic link (Haven never writes links; one in output/ was put there)."""
    if output_kind(out_dir, rel) != "file":
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(out_dir / rel, flags)
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as handle:
        return read_at_most(handle, info.st_size, OUTPUT_READ_LIMIT)


def holds_bytes(out_dir: Path, rel: str, data: bytes) -> bool:
    """Whether the output file `rel` is a regular file reached without links that holds exactly `data` (its
    size looked at first: a file of another size is not read)."""
    st = output_file_stat(out_dir, rel)
    return st is not None and st[0] == len(data) and read_output_bytes(out_dir, rel) == data


def output_file_stat(out_dir: Path, rel: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of the output file `rel` when it is a regular file (not a link), else None.
    The record keeps this for every file it writes, so a hand-edited or deleted file is noticed
    with one lstat, without reading or hashing it."""
    try:
        st = os.lstat(os.path.join(out_dir, rel))   # a string join: pathlib's costs more than the lstat
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
    ordered = sorted(paths)
    for rel in ordered:
        try:
            st = os.lstat(os.path.join(out_dir, rel))
            hasher.update(f"{rel}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
        except (OSError, ValueError):
            hasher.update(f"{rel}\0-\n".encode("utf-8", "surrogatepass"))
    for folder in folders_on_the_way(ordered):
        try:
            kind = stat.S_IFMT(os.lstat(os.path.join(out_dir, folder)).st_mode)
        except (OSError, ValueError):
            kind = 0
        hasher.update(f"{folder}/\0{kind}\n".encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def linked_folders(out_dir: Path, paths: Iterable[str]) -> set[str]:
    """The folders on the way to `paths` (relative, under out_dir) that are symbolic links or not folders
    at all; one lstat per folder. Files under them are never acted on through them."""
    bad: set[str] = set()
    for folder in folders_on_the_way(sorted(paths)):
        try:
            if not stat.S_ISDIR(os.lstat(os.path.join(out_dir, folder)).st_mode):
                bad.add(folder)
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            bad.add(folder)
    return bad


def folders_on_the_way(ordered: Iterable[str]) -> Iterator[str]:
    """Each folder on the way to the relative paths `ordered` (sorted), once, a parent before its children.

    Only the folders of one path are held at a time: a set of every folder would hold each folder's whole path,
    which for a doctored record of paths thousands of folders deep is the square of their length (a 6 MB record
    took gigabytes)."""
    held: list[str] = []   # the folders of the path before, outermost first
    names: list[str] = []  # and their names
    for rel in ordered:
        parts = rel.split("/")[:-1]
        same = 0
        while same < len(names) and same < len(parts) and names[same] == parts[same]:
            same += 1
        del held[same:], names[same:]
        for part in parts[same:]:
            held.append(f"{held[-1]}/{part}" if held else part)
            names.append(part)
            yield held[-1]


# How old a leftover of a build (its staging folder, its record's temporary file) must be to be removed: a build
# stopped midway (killed, the machine off) leaves it; a build running now (the preview beside a `haven build`)
# holds its own for seconds, never an hour.
LEFTOVER_SECONDS = 3600


def remove_leftovers(out_dir: Path, prefixes: tuple[str, ...], now: float) -> None:
    """Remove what stopped builds left directly in out_dir under names starting with `prefixes` and untouched for
    LEFTOVER_SECONDS before `now`: staging folders and temporary files, never through a link."""
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return
    for entry in entries:
        try:
            if not entry.name.startswith(prefixes) or entry.is_symlink() or \
                    now - entry.stat(follow_symlinks=False).st_mtime < LEFTOVER_SECONDS:
                continue
            if entry.is_dir(follow_symlinks=False):
                remove_tree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue


# What a file system takes: a name of up to 255 bytes, a whole path of up to 4,095 (Linux's PATH_MAX, less one)
NAME_LIMIT, PATH_LIMIT = 255, 4095


def unwritable_outputs(out_dir: Path, outputs: list[Output]) -> list[Diagnostic]:
    """A `path-too-long` error for each planned file the output folder cannot hold (a 300-character `slug:`,
    static folders nested thousands deep): found before anything is written, at the file it comes from."""
    folder = len(os.fsencode(os.path.abspath(out_dir))) + 1
    found = []
    for output in outputs:
        path = output.path
        if path.isascii() and folder + len(path) <= PATH_LIMIT and (
                len(path) <= NAME_LIMIT or max(map(len, path.split("/"))) <= NAME_LIMIT):
            continue   # the usual case, counted in characters (a byte each)
        longest = max(path.split("/"), key=lambda part: len(os.fsencode(part)))
        name_size, size = len(os.fsencode(longest)), folder + len(os.fsencode(path))
        if name_size <= NAME_LIMIT and size <= PATH_LIMIT:
            continue
        made_from = output.made_from if isinstance(output, Page) else None
        source, line = (made_from.path, made_from.line) if made_from else (path, 1)
        problem = (f"the name '{cut(longest, 40)}' in it is {name_size} bytes, over the "
                   f"{NAME_LIMIT} a file system allows" if name_size > NAME_LIMIT else
                   f"its path in the output folder would be {size} bytes, over the {PATH_LIMIT} a file system allows")
        found.append(error("path-too-long", cut(source, 120), line, 1,
                           f"published as {cut(path, 80)}: {problem}",
                           "give it a shorter `slug:`, or shorter file and folder names"))
    return found
