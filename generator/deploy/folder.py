"""`haven publish --to DIR`: the built site copied into a folder an rsync-style host serves.

The folder gets the same safety as the output folder: Haven fills it only when it is new, empty or
was filled by Haven before (it then holds Haven's record), never the hub itself, a home folder or
the output folder; it removes only files its record says it put there, and never writes, reads or
deletes through a symbolic link. Files whose bytes did not change are left alone, so their dates
stay and `rsync` from there sends only what changed.

A publish is all or nothing as far as can be known beforehand: `plan_folder` examines the folder first
(every folder on the way to every file it would write or delete, and the file itself), and anything in
the way (a link, a file where a folder goes, a folder of someone else's where a file goes, a folder it
may not write) refuses the publish before its first change, rather than halfway through.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.confine import write_atomic
from generator.confine.output import holds_bytes, prune_empty_output_dirs
from generator.deploy.files import PublishError, plain_relative
from generator.write import MARKER, UnsafeOutput, check_output_folder, read_record

# Published files are served by a web server: readable by all. Each is written by `write_atomic` (a temporary
# file of an unpredictable name, then a rename): the folder may come from a contributor's branch, and Git keeps
# links, so a link planted at a name Haven would use for its temporary file is never written through.
PUBLISHED_MODE = 0o644


@dataclass
class FolderChange:
    """What publishing did (or would do) to the folder."""

    copied: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def check_folder(dest: Path, site_dir: Path, out_dir: Path) -> None:
    """Refuse a folder Haven may not fill (PublishError)."""
    if dest.is_symlink():
        raise PublishError(f"{dest} is a symbolic link; publish into a real folder (Haven never writes through links)")
    target, out = dest.resolve(), out_dir.resolve()
    if target == out or out in target.parents or target in out.parents:
        raise PublishError(f"{dest} overlaps the output folder {out_dir}; publish into a folder of its own")
    try:
        check_output_folder(dest, site_dir)
    except UnsafeOutput as exc:
        raise PublishError(str(exc).replace("build into", "publish into")) from None


def _mode(path: Path) -> int | None:
    """The type bits of `path` itself (a link is a link), None when nothing is there."""
    try:
        return stat.S_IFMT(path.lstat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise PublishError(f"cannot examine {path} ({exc.strerror}); make it readable, or publish to an empty "
                           "folder") from None


def _not_a_folder(path: Path, mode: int) -> str:
    if mode == stat.S_IFLNK:
        return (f"{path} is a symbolic link: Haven never writes through links; remove it, or publish to an "
                "empty folder")
    what = "a file" if mode == stat.S_IFREG else "not a folder"
    return f"{path} is {what} where the published site needs a folder; remove it, or publish to an empty folder"


def _only_removed_files(folder: Path, rel: str, removed: set[str]) -> bool:
    """True when `folder` holds files (in folders) that are all on their way out: Haven may take its place."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return False
    for entry in entries:
        sub = f"{rel}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            if not _only_removed_files(Path(entry.path), sub, removed):
                return False
        elif not (entry.is_file(follow_symlinks=False) and sub in removed):
            return False
    return bool(entries)   # an empty folder is not pruned by the removals, so it would still be in the way


def _removable(dest: Path, rel: str) -> bool:
    """A recorded file Haven may delete: a plain path, real folders all the way, a regular file at the end."""
    if not plain_relative(rel):
        return False
    parts = rel.split("/")
    for depth in range(1, len(parts)):
        if _mode(dest.joinpath(*parts[:depth])) != stat.S_IFDIR:
            return False   # behind a link (or a file): not Haven's to delete
    return _mode(dest.joinpath(*parts)) == stat.S_IFREG


def _way(dest: Path, rel: str, removed: set[str], seen: dict[str, int | None]) -> tuple[Path, tuple[Path, str] | None]:
    """The last existing folder on the way to dest/rel, and what stands in the way (path, problem) if anything
    does; `seen` keeps each folder's type, so the thousand pages of a folder look at it once."""
    parts = rel.split("/")
    folder = dest
    for depth in range(1, len(parts)):
        so_far = "/".join(parts[:depth])
        if so_far not in seen:
            seen[so_far] = _mode(dest / so_far)
        mode = seen[so_far]
        if mode is None or (mode == stat.S_IFREG and so_far in removed):
            break   # made by the publish (a file of the last one is removed first)
        if mode != stat.S_IFDIR:
            return folder, (dest / so_far, _not_a_folder(dest / so_far, mode))
        folder = dest / so_far
    return folder, None


def plan_folder(dest: Path, files: dict[str, bytes]) -> FolderChange:
    """What publishing `files` would change in `dest`, after examining (never following links) every folder on
    the way to every file it would write or delete: PublishError naming what is in the way, so a publish that
    could not finish never starts."""
    problems: dict[Path, str] = {}
    marker = dest / MARKER
    if _mode(marker) not in (None, stat.S_IFREG):
        problems[marker] = f"{marker} is not a plain file; remove it and publish again"
    previous = read_record(dest) if _mode(dest) == stat.S_IFDIR else {}
    change = FolderChange(removed=[rel for rel in sorted(set(previous) - set(files)) if _removable(dest, rel)])
    removed = set(change.removed)
    touched = {dest}   # folders that gain or lose a file, to check they may be written
    seen: dict[str, int | None] = {}
    for rel in sorted(files):
        folder, ahead = _way(dest, rel, removed, seen)
        target = dest / rel
        if ahead is not None:
            problems.setdefault(*ahead)
            continue
        mode = _mode(target) if folder == target.parent else None   # else its folder is yet to be made
        if mode == stat.S_IFDIR and not _only_removed_files(target, rel, removed):
            problems.setdefault(target, f"{target} is a folder where the published site has a file; remove it, "
                                        "or publish to an empty folder")
        elif mode == stat.S_IFREG and holds_bytes(dest, rel, files[rel]):
            change.unchanged += 1
        else:   # new, changed, or not a regular file (a link there is replaced, never followed)
            change.copied.append(rel)
            touched.add(folder)
    if _mode(dest) is None:   # the folder itself is made: by its nearest existing parent
        touched.add(next(p for p in dest.absolute().parents if _mode(p) is not None))
    touched.update((dest / rel).parent for rel in change.removed)
    for folder in sorted(touched):
        if _mode(folder) == stat.S_IFDIR and not os.access(folder, os.W_OK | os.X_OK):
            problems.setdefault(folder, f"{folder} is not writable; make it writable, or publish to another folder")
    if problems:
        first, *more = problems
        others = f"; {len(more)} more in the way, e.g. {', '.join(str(p) for p in more[:3])}" if more else ""
        raise PublishError(f"{problems[first]} (nothing was changed{others})")
    return change


def publish_to_folder(dest: Path, files: dict[str, bytes], record: bytes, dry_run: bool) -> FolderChange:
    """Make `dest` hold exactly `files` (plus Haven's record `record`); with dry_run, only say what would change.
    All or nothing as far as Haven can tell beforehand: anything in the way refuses it before the first change."""
    change = plan_folder(dest, files)
    if dry_run:
        return change
    try:
        _apply(dest, files, record, change)
    except OSError as exc:   # the disk filled, or the folder changed under Haven: say where it stopped
        raise PublishError(f"publishing to {dest} stopped at {exc.filename or dest} ({exc.strerror or exc}); part "
                           "of the new build is there: fix this and publish again") from None
    return change


def _apply(dest: Path, files: dict[str, bytes], record: bytes, change: FolderChange) -> None:
    # Removals first: a file of the last publish may stand where a folder now goes, or fill a folder where a
    # file now goes (plan_folder allowed for both).
    for rel in change.removed:
        target = _real_folders(dest, rel, make=False)
        if _mode(target) == stat.S_IFREG:
            target.unlink()
            prune_empty_output_dirs(dest, rel)
    dest.mkdir(parents=True, exist_ok=True)
    for rel in change.copied:
        write_atomic(_real_folders(dest, rel, make=True), files[rel], PUBLISHED_MODE)   # replaces a link there
    write_atomic(dest / MARKER, record, PUBLISHED_MODE)


def _real_folders(dest: Path, rel: str, make: bool) -> Path:
    """dest/rel, its folders made (with `make`) and checked again to be real folders: one may have been
    swapped for a link since plan_folder looked."""
    path = dest
    for part in rel.split("/")[:-1]:
        path = path / part
        if make and _mode(path) is None:
            os.mkdir(path)
        if _mode(path) != stat.S_IFDIR:
            raise PublishError(f"{path} changed while publishing (it is no longer a plain folder); part of the "
                               "new build is there: look at what changed it, and publish again")
    return dest / rel


def record_for(files: dict[str, bytes], out_record: Path) -> bytes:
    """Haven's record for the published folder: the build's own, limited to the files published."""
    try:
        data = json.loads(out_record.read_text("utf-8"))
        entries = {path: data["files"][path] for path in files if path in data["files"]}
        data["files"] = entries
    except (OSError, ValueError, KeyError, TypeError):
        data = {"files": {}}
    for path in files:   # every published file is on it, so the next publish may replace or remove it
        data["files"].setdefault(path, {"fp": "", "sha": ""})
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")

