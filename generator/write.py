"""The one writer: bring the output folder in line with the plan, all or nothing, under one record.

Every file a build writes (pages, feeds, sitemap, robots, `_headers`, static files and the search
bundle's files) is listed in one record, `.haven-output.json`: path -> the fingerprint of what it was
made from and the digest of its bytes. From that record `stale_outputs` tells the build which outputs
need rendering at all; `write_outputs` stages the rendered files whose bytes changed, and only when
every one rendered replaces the old files (rename, atomic per file), then removes files the plan no
longer has. Files are removed only when an earlier build of Haven recorded them, so `--out ~` can never
empty a folder Haven did not make. The record is data to check, never instructions: a path in it that
would leave the output folder is ignored (`_inside`, the one place that turns a path into a target).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.diagnostics import Diagnostic
from generator.outputs import Bundle, Output, Rendered, content_digest

MARKER = ".haven-output.json"
# Haven 0.x kept the search index's files in a second record; its files are read as the index's so the
# first build after an upgrade replaces them, and the old record is removed.
LEGACY_SEARCH_RECORD = ".haven-search.json"
STAGING_PREFIX = ".haven-staging-"
Record = dict[str, dict]   # output path -> {"fp": ..., "sha": ..., "inputs"/"bundle": ...}


class UnsafeOutput(Exception):
    """The output folder is not one Haven may write to; the message says why and what to do."""


@dataclass
class WriteResult:
    """What a build did to the output folder."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0
    findings: list[Diagnostic] = field(default_factory=list)   # bundles that could not be made


def check_output_folder(out_dir: Path, site_dir: Path) -> None:
    """Refuse folders that are not Haven's to manage (raise UnsafeOutput)."""
    out, site = out_dir.resolve(), site_dir.resolve()
    if out == site or out in site.parents:
        raise UnsafeOutput(f"the output folder {out_dir} contains the hub itself; choose a folder inside it, "
                           "e.g. --out output")
    if out == Path.home().resolve() or out == Path(out.anchor):
        raise UnsafeOutput(f"refusing to build into {out_dir}; choose a new or empty folder, e.g. --out output")
    for protected in ("articles", "templates", "static", "data", "pages"):
        if out == site / protected or (site / protected) in out.parents:
            raise UnsafeOutput(f"the output folder {out_dir} is inside the hub's {protected}/ folder; "
                               "choose another, e.g. --out output")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"{out_dir} is a file, not a folder")
    if out.is_dir() and not (out / MARKER).exists():
        leftovers = [p for p in out.iterdir() if not p.name.startswith(STAGING_PREFIX)]
        if leftovers:
            raise UnsafeOutput(f"{out_dir} is not empty and was not made by Haven; choose a new or empty "
                               "folder (Haven never deletes files it did not write)")


def read_record(out_dir: Path) -> Record:
    """The previous build's record of the files it wrote. Empty if missing or unreadable."""
    try:
        data = json.loads((out_dir / MARKER).read_text("utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    record = {path: entry for path, entry in files.items() if isinstance(entry, dict) and _inside(out_dir, path)}
    return {**_legacy_search_files(out_dir), **record}


def _legacy_search_files(out_dir: Path) -> Record:
    try:
        files = json.loads((out_dir / LEGACY_SEARCH_RECORD).read_text("utf-8"))["files"]
        names = [f"pagefind/{rel}" for rel in files if isinstance(rel, str)]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {path: {"fp": "", "sha": "", "bundle": "pagefind"} for path in names if _inside(out_dir, path)}


def stale_outputs(out_dir: Path, outputs: list[Output], previous: Record) -> list[Output]:
    """The outputs to render: made from other inputs than last time, or missing from the folder.

    A deferred bundle is never stale (it keeps what it made last).
    """
    bundles = _bundle_files(previous)
    stale: list[Output] = []
    for output in outputs:
        fp = output.fingerprint
        if isinstance(output, Bundle):
            files = bundles.get(output.path, [])
            if not output.deferred and not (files and all(previous[f].get("fp") == fp and (out_dir / f).is_file()
                                                          for f in files)):
                stale.append(output)
        else:
            old = previous.get(output.path)
            if not (old and old.get("fp") == fp and "bundle" not in old and (out_dir / output.path).is_file()):
                stale.append(output)
    return stale


def write_outputs(out_dir: Path, outputs: list[Output], rendered: Iterable[Rendered], previous: Record) -> WriteResult:
    """Bring out_dir in line with `outputs`, touching only files whose bytes change.

    `rendered` holds what `render.render_outputs` made of the stale outputs; every other output is
    unchanged. If rendering raises, nothing in out_dir has changed.
    """
    result = WriteResult()
    record: Record = {}
    staged: list[str] = []
    created_out = not out_dir.exists()
    staging = out_dir / f"{STAGING_PREFIX}{os.getpid()}"
    done: set[str] = set()
    failed: set[str] = set()
    try:
        for item in rendered:
            output = item.output
            done.add(output.path)
            if item.failure is not None:   # the bundle could not be made: its last good files stay
                result.findings.append(item.failure)
                failed.add(output.path)
                continue
            result.rendered += 1
            for path, data in item.files.items():
                target = _inside(out_dir, path)
                if target is None:   # a bundle file named outside its folder is never written
                    continue
                sha = content_digest(data)
                record[path] = {"fp": output.fingerprint, "sha": sha,
                                **({"bundle": output.path} if isinstance(output, Bundle) else
                                   {"inputs": dict(output.inputs)})}
                old = previous.get(path)
                if old and old.get("sha") == sha and _same_bytes(target, data):
                    result.unchanged += 1
                    continue
                temp = staging / path
                temp.parent.mkdir(parents=True, exist_ok=True)
                temp.write_bytes(data)
                staged.append(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_out:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise

    bundles = _bundle_files(previous)
    for output in outputs:   # not rendered, or a bundle that could not be made: keep what the last build made
        if isinstance(output, Bundle):
            kept = bundles.get(output.path, []) if output.path not in done or output.path in failed else []
            for path in kept:
                record[path] = previous[path]
            result.unchanged += len(kept)
        elif output.path not in done:
            record[output.path] = previous[output.path]
            result.unchanged += 1

    for path in staged:  # commit: every file replaced atomically
        target = _inside(out_dir, path)
        assert target is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / path, target)
        result.written.append(path)
    shutil.rmtree(staging, ignore_errors=True)

    for path in sorted(set(previous) - set(record)):
        target = _inside(out_dir, path)
        if target is not None and target.is_file() and not target.is_symlink():
            target.unlink()
            result.removed.append(path)
            prune_empty_parents(target.parent, out_dir)
    legacy = out_dir / LEGACY_SEARCH_RECORD
    if legacy.is_file() and not legacy.is_symlink():
        legacy.unlink()
    if record != previous or not (out_dir / MARKER).exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out_dir / (MARKER + ".tmp")
        tmp.write_text(json.dumps({"generator": __version__, "files": record}, sort_keys=True,
                                  separators=(",", ":")), "utf-8")
        os.replace(tmp, out_dir / MARKER)
    return result


def recorded_files(out_dir: Path, folder: str) -> list[str]:
    """Paths (relative to out_dir) the record lists under `folder`/, e.g. the search bundle's files."""
    return sorted(path for path in read_record(out_dir) if path.startswith(folder + "/"))


def _bundle_files(record: Record) -> dict[str, list[str]]:
    by_bundle: dict[str, list[str]] = {}
    for path, entry in record.items():
        if isinstance(entry.get("bundle"), str):
            by_bundle.setdefault(entry["bundle"], []).append(path)
    return by_bundle


def _inside(out_dir: Path, rel: str) -> Path | None:
    """The file `rel` names inside out_dir, or None when `rel` is not a plain relative path inside it.

    Every path the writer writes or deletes goes through here.
    """
    if not isinstance(rel, str):
        return None
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or "\0" in rel or any(p in ("", ".", "..") for p in parts) \
            or parts[0] == MARKER or parts[0].startswith(STAGING_PREFIX) or ":" in parts[0]:
        return None
    return out_dir.joinpath(*parts)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def prune_empty_parents(folder: Path, stop: Path) -> None:
    """Remove `folder` and its parents up to (not including) `stop` while they are empty."""
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
