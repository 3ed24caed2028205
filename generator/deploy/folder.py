"""`haven publish --to DIR`: the built site copied into a folder an rsync-style host serves.

The folder gets the same safety as the output folder: Haven fills it only when it is new, empty or
was filled by Haven before (it then holds Haven's record), never the hub itself, a home folder or
the output folder; it removes only files its record says it put there, and never writes, reads or
deletes through a symbolic link. Files whose bytes did not change are left alone, so their dates
stay and `rsync` from there sends only what changed.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.confine import write_atomic
from generator.confine.output import prune_empty_output_dirs
from generator.deploy.files import PublishError, no_links_on_the_way, plain_relative
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


def _same_file(path: Path, data: bytes) -> bool:
    try:
        info = path.lstat()
        return stat.S_ISREG(info.st_mode) and info.st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def publish_to_folder(dest: Path, files: dict[str, bytes], record: bytes, dry_run: bool) -> FolderChange:
    """Make `dest` hold exactly `files` (plus Haven's record `record`); with dry_run, only say what would change."""
    change = FolderChange()
    previous = read_record(dest) if dest.is_dir() else {}
    for rel, data in sorted(files.items()):
        target = no_links_on_the_way(dest, rel)
        if _same_file(target, data):
            change.unchanged += 1
            continue
        change.copied.append(rel)
        if dry_run:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        no_links_on_the_way(dest, rel)   # a folder made meanwhile is checked again before the write
        write_atomic(target, data, PUBLISHED_MODE)   # replaces a link in the file's place, never writes through it
    for rel in sorted(set(previous) - set(files)):
        if not plain_relative(rel):
            continue
        try:
            target = no_links_on_the_way(dest, rel)
        except PublishError:
            continue   # a recorded path behind a link is not Haven's to delete
        if target.is_file() and not target.is_symlink():
            change.removed.append(rel)
            if not dry_run:
                target.unlink()
                prune_empty_output_dirs(dest, rel)
    if not dry_run:
        dest.mkdir(parents=True, exist_ok=True)
        marker = dest / MARKER
        if marker.is_symlink() or (marker.exists() and not marker.is_file()):
            raise PublishError(f"{marker} is not a plain file; remove it and publish again")
        write_atomic(marker, record, PUBLISHED_MODE)
    return change


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

