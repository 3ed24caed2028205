"""Render planned outputs and write them, all or nothing.

Changed files are rendered into a staging folder first; only when every one
rendered do they replace the old files (rename, atomic per file). Files are
removed only when an earlier build of Haven wrote them (the output marker
lists them), so `--out ~` can never empty a folder Haven did not make.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from generator import __version__

if TYPE_CHECKING:  # only a type here; importing the planner would load every stage
    from generator.plan import Output

MARKER = ".haven-output.json"
STAGING_PREFIX = ".haven-staging-"


class UnsafeOutput(Exception):
    """The output folder is not one Haven may write to; the message says why and what to do."""


@dataclass
class WriteResult:
    """What a build did to the output folder."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0


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


def read_marker(out_dir: Path) -> dict[str, dict]:
    """The previous build's record of the files it wrote: path -> {sha, fp}. Empty if unreadable."""
    try:
        data = json.loads((out_dir / MARKER).read_text("utf-8"))
        files = data["files"]
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_outputs(out_dir: Path, outputs: list[Output], render: Callable[[Output], bytes]) -> WriteResult:
    """Bring out_dir in line with `outputs`, touching only files whose bytes change.

    `render` may raise; then nothing in out_dir has changed.
    """
    previous = read_marker(out_dir)
    result = WriteResult()
    staged: list[tuple[Path, Path]] = []
    record: dict[str, dict] = {}
    created_out = not out_dir.exists()
    staging = out_dir / f"{STAGING_PREFIX}{os.getpid()}"
    todo: list[int] = []
    fingerprints = [output.fingerprint for output in outputs]
    for index, output in enumerate(outputs):
        old = previous.get(output.path)
        if old and old.get("fp") == fingerprints[index] and (out_dir / output.path).is_file():
            record[output.path] = old
            result.unchanged += 1
        else:
            todo.append(index)
    try:
        for index, sha, changed in _render_all(todo, _Job(outputs, render, previous, out_dir, staging)):
            output = outputs[index]
            result.rendered += 1
            record[output.path] = {"fp": fingerprints[index], "sha": sha, "inputs": dict(output.inputs)}
            if changed:
                staged.append((staging / output.path, out_dir / output.path))
            else:
                result.unchanged += 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_out:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise

    for temp, target in staged:  # commit: every file replaced atomically
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
        result.written.append(target.relative_to(out_dir).as_posix())
    shutil.rmtree(staging, ignore_errors=True)

    for path in sorted(set(previous) - set(record)):
        target = out_dir / path
        if target.is_file():
            target.unlink()
            result.removed.append(path)
            prune_empty_parents(target.parent, out_dir)
    marker = {"generator": __version__, "files": record}
    if staged or result.removed or not (out_dir / MARKER).exists() or set(previous) != set(record) \
            or any(previous[k].get("fp") != v.get("fp") for k, v in record.items()):
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out_dir / (MARKER + ".tmp")
        tmp.write_text(json.dumps(marker, sort_keys=True, separators=(",", ":")), "utf-8")
        os.replace(tmp, out_dir / MARKER)
    return result


# Rendering many pages is spread over forked workers, which inherit the site model without copying it.
PARALLEL_RENDER_THRESHOLD = 400


@dataclass
class _Job:
    outputs: list
    render: Callable
    previous: dict
    out_dir: Path
    staging: Path


_CURRENT_JOB: _Job | None = None   # what forked workers render from


def _render_all(todo: list[int], job: _Job) -> list[tuple[int, str, bool]]:
    """(index, content hash, bytes changed) for each output to render; changed files go to staging."""
    import multiprocessing
    import threading

    workers = min(os.cpu_count() or 1, 8)
    # fork only a single-threaded process (the preview server has threads: it renders in-process)
    if len(todo) < PARALLEL_RENDER_THRESHOLD or workers < 2 or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        return _render_chunk(todo, job)
    global _CURRENT_JOB
    _CURRENT_JOB = job
    chunks = [todo[i::workers * 4] for i in range(workers * 4)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_render_forked, chunks)
    finally:
        _CURRENT_JOB = None
    return sorted(item for part in parts for item in part)


def _render_forked(chunk: list[int]) -> list[tuple[int, str, bool]]:
    assert _CURRENT_JOB is not None
    return _render_chunk(chunk, _CURRENT_JOB)


def _render_chunk(chunk: list[int], job: _Job) -> list[tuple[int, str, bool]]:
    done = []
    for index in chunk:
        output = job.outputs[index]
        data = job.render(output)
        sha = hashlib.blake2b(data, digest_size=16).hexdigest()
        target = job.out_dir / output.path
        old = job.previous.get(output.path)
        if old and old.get("sha") == sha and target.is_file() and _same_bytes(target, data):
            done.append((index, sha, False))
            continue
        temp = job.staging / output.path
        temp.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        done.append((index, sha, True))
    return done


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
