"""The one writer: bring the output folder in line with the plan, all or nothing, under one record.

Every file a build writes (pages, feeds, sitemap, robots, `_headers`, static files and the search
bundle's files) is listed in one record, `.haven-output.json`: path -> the fingerprint of what it was
made from and the digest of its bytes. From that record `stale_outputs` tells the build which outputs
need rendering at all; `write_outputs` stages the rendered files whose bytes changed, and only when
every one rendered replaces the old files (rename, atomic per file), then removes files the plan no
longer has. Files are removed only when an earlier build of Haven recorded them, so `--out ~` can never
empty a folder Haven did not make. The record is data to check, never instructions: an entry that is
not a plain relative path inside the output folder, or lies under a symbolic link, is ignored with a
warning. Every write, delete and comparison goes through `generator.confine.output`: never through a
link. The record also keeps each file's size and modification time, so a hand-edited or deleted
output file is noticed with one lstat and restored.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from generator import __version__
from generator.checks.urls import PAGE_WARNING_CODES
from generator.confine import identity, remove_tree
from generator.confine.output import (
    RECORD,
    UnsafeOutputPath,
    clear_own_folder,
    delete_output_file,
    holds_bytes,
    linked_folders,
    output_file_stat,
    output_folder_problem,
    output_kind,
    prune_empty_output_dirs,
    read_output_bytes,
    replace_output_file,
    safe_output_path,
)
from generator.diagnostics import Diagnostic, cut, printable, warning
from generator.outputs import Bundle, Output, Rendered, content_digest

MARKER = RECORD
# Haven 0.x kept the search index's files in a second record; its files are read as the index's so the
# first build after an upgrade replaces them, and the old record is removed.
LEGACY_SEARCH_RECORD = ".haven-search.json"
STAGING_PREFIX = ".haven-staging-"
MAX_RECORD_DEPTH = 64   # folders: deeper than any site; a doctored record of paths thousands deep is not read
Record = dict[str, dict]   # output path -> {"fp": ..., "sha": ..., "st": [size, mtime_ns], "inputs"/"bundle": ...}
# Findings about what the writer repaired (record entries ignored, links replaced): said once, by the
# build that repaired them, never repeated by a later build with nothing to do.
WRITER_REPAIRS = ("output-record", "output-link")


class UnsafeOutput(Exception):
    """The output folder is not one Haven may write to; the message says why and what to do."""


@dataclass
class WriteResult:
    """What a build did to the output folder."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    rendered: int = 0
    findings: list[Diagnostic] = field(default_factory=list)   # bundles not made; record entries ignored
    page_warnings: list[Diagnostic] = field(default_factory=list)   # the rendered-page check's, on pages written now
    files: list[str] = field(default_factory=list)   # every file on the new record
    digests: dict[str, str] = field(default_factory=dict)   # each file rendered now (written or not) -> digest


def check_output_folder(out_dir: Path, site_dir: Path) -> None:
    """Refuse folders that are not Haven's to manage (raise UnsafeOutput)."""
    problem = output_folder_problem(out_dir, site_dir)   # a link as the output folder, or on the way to it
    if problem:
        raise UnsafeOutput(problem)
    out, site = out_dir.resolve(), site_dir.resolve()
    if out == site or out in site.parents:
        raise UnsafeOutput(f"the output folder {out_dir} contains the hub itself; choose a folder inside it, "
                           "e.g. --out output")
    if out == Path.home().resolve() or out == Path(out.anchor):
        raise UnsafeOutput(f"refusing to build into {out_dir}; choose a new or empty folder, e.g. --out output")
    for protected in ("articles", "templates", "static", "data", "pages", ".haven-cache"):   # (the cache's too)
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
    return read_checked_record(out_dir)[0]


# A long-lived process (the preview server) reads back the record it last wrote or read, thousands of
# entries: kept in memory with the identity (inode, size, time) its file had then. Any other file is read
# and checked again; the folders on the way are checked for links every time.
_KNOWN_RECORDS: dict[str, tuple[tuple[int, int, int, int, int], Record]] = {}


def _record_identity(out_dir: Path) -> tuple[int, int, int, int, int] | None:
    found = identity(os.path.join(out_dir, MARKER))
    return found if found is not None and stat.S_ISREG(found[2]) else None


def read_checked_record(out_dir: Path, looked_at: set[str] | None = None) -> tuple[Record, list[Diagnostic]]:
    """The previous build's record, keeping only entries that may be acted on, and a warning for each
    entry ignored (a path leaving the folder, under a symbolic link, or not what Haven writes).

    `looked_at` (the preview's shortcut, generator.reuse): when the record is the one this process last wrote
    or read, only the folders on the way to these paths are checked for links; the other entries are kept as
    recorded (the writer and the clean-up reach every file without following links whatever the record says,
    and the next full build checks every folder again).
    """
    identity = _record_identity(out_dir)
    known = _KNOWN_RECORDS.get(str(out_dir))
    if known is not None and identity is not None and known[0] == identity:
        return _checked_entries(out_dir, dict(known[1]), [], looked_at)
    data = read_output_bytes(out_dir, MARKER)
    try:
        files = orjson.loads(data)["files"] if data is not None else {}
    except (ValueError, KeyError, TypeError):   # orjson.JSONDecodeError is a ValueError
        files = None
    if not isinstance(files, dict):
        return {}, [_record_warning(out_dir, "is not a record Haven wrote; it was ignored")]
    record: Record = {}
    ignored: list[str] = []
    for path, entry in files.items():
        if safe_output_path(path, _reserved) is None or not _plain_entry(entry):
            ignored.append(path)
        else:
            record[path] = entry
    if not ignored and identity is not None:
        _KNOWN_RECORDS[str(out_dir)] = (identity, dict(record))
    return _checked_entries(out_dir, record, ignored)


def _checked_entries(out_dir: Path, record: Record, ignored: list[str],
                     looked_at: set[str] | None = None) -> tuple[Record, list[Diagnostic]]:
    """`record` without the entries under a folder that is a link (or no folder), with the warnings; with
    `looked_at`, only the folders on the way to those paths are looked at."""
    under_links = linked_folders(out_dir, record if looked_at is None else looked_at)   # one lstat per folder
    for path in [p for p in record if any(p.startswith(folder + "/") for folder in under_links)] if under_links else ():
        ignored.append(path)
        del record[path]
    findings = [_record_warning(out_dir, f"lists {_shown(path)}, which is not a file Haven wrote inside the output "
                                "folder (it leaves the folder, lies under a symbolic link, or is malformed); it "
                                "was ignored") for path in ignored[:20]]
    if len(ignored) > 20:
        findings.append(_record_warning(out_dir, f"lists {len(ignored) - 20} more entries like these; all ignored"))
    return {**_legacy_search_files(out_dir), **record}, findings


def _plain_entry(entry: object) -> bool:
    """True for a record entry of the shape Haven writes (text fingerprints; size and time as numbers;
    the page check's warnings as rows of text and numbers)."""
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k, ""), str) for k in ("fp", "sha", "bundle")):
        return False
    st, warnings = entry.get("st"), entry.get("warnings")
    return (st is None or (isinstance(st, list) and len(st) == 2 and all(type(n) is int for n in st))) and (
        warnings is None or (isinstance(warnings, list) and all(_warning_row(row) for row in warnings)))


def _warning_row(row: object) -> bool:
    # (a page's warnings are kept with it on the record, so a build that does not render it again shows them)
    return (isinstance(row, list) and len(row) == 6 and row[0] in PAGE_WARNING_CODES
            and all(isinstance(row[i], str) for i in (1, 4, 5)) and all(type(row[i]) is int for i in (2, 3)))


def recorded_warnings(outputs: list[Output], stale: list[Output], previous: Record) -> list[Diagnostic]:
    """The page check's warnings the record keeps for the outputs this build does not render again (the
    record is untrusted: rows of another shape were dropped when it was read; text is shown printable)."""
    rendered = {output.path for output in stale}
    kept = [(output.path, entry["warnings"]) for output in outputs
            if (entry := previous.get(output.path)) is not None and "warnings" in entry]   # (few pages have any)
    return [warning(code, _printable(path), line, col, _printable(message), _printable(hint))
            for at, rows in kept if at not in rendered for code, path, line, col, message, hint in rows]


def _printable(text: str) -> str:
    return printable(text[:2000])


def _shown(value: object) -> str:
    text = repr(value)
    return _printable(cut(text, 80))


def _record_warning(out_dir: Path, what: str) -> Diagnostic:
    return warning("output-record", (out_dir / MARKER).as_posix(), 1, 1, f"the output record {what}",
                   "if nobody edited it, the output folder may come from an untrusted cache; the next "
                   "build writes a new record")


def _legacy_search_files(out_dir: Path) -> Record:
    try:
        files = json.loads(read_output_bytes(out_dir, LEGACY_SEARCH_RECORD) or b"")["files"]
        names = [f"pagefind/{rel}" for rel in files if isinstance(rel, str)]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {path: {"fp": "", "sha": "", "bundle": "pagefind"} for path in names if _inside(out_dir, path)}


def stale_outputs(out_dir: Path, outputs: list[Output], previous: Record,
                  looked_at: set[str] | None = None) -> list[Output]:
    """The outputs to render: made from other inputs than last time, or missing from the folder.

    A deferred bundle is never stale (it keeps what it made last). With `looked_at`, only the files of
    those outputs are looked for in the folder (the others are as recorded: see generator.reuse).
    """
    bundles = _bundle_files(previous)
    stale: list[Output] = []
    for output in outputs:
        fp = output.fingerprint
        if isinstance(output, Bundle):
            files = bundles.get(output.path, [])
            if not output.deferred and not (files and all(previous[f].get("fp") == fp and _on_disk(out_dir, f, previous)
                                                          for f in files)):
                stale.append(output)
        else:
            old = previous.get(output.path)
            trusted = looked_at is not None and output.path not in looked_at
            if not (old and old.get("fp") == fp and "bundle" not in old
                    and (trusted or _on_disk(out_dir, output.path, previous))):
                stale.append(output)
    return stale


def _on_disk(out_dir: Path, path: str, previous: Record) -> bool:
    """True when the file is as the last build left it: a regular file (not a link) of the recorded size
    and modification time. One lstat, nothing read: a hand-edited or deleted file is rendered again."""
    st = output_file_stat(out_dir, path)
    return st is not None and list(st) == previous[path].get("st")


def write_outputs(out_dir: Path, outputs: list[Output], rendered: Iterable[Rendered], previous: Record,
                  rewrite_record: bool = False) -> WriteResult:
    """Bring out_dir in line with `outputs`, touching only files whose bytes change.

    `rendered` holds what `render.render_outputs` made of the stale outputs; every other output is
    unchanged. If rendering raises, nothing in out_dir has changed. `rewrite_record`: the record on
    disk held entries that were ignored, so it is written again even if nothing else changed.
    """
    result = WriteResult()
    record: Record = {}
    staged: list[str] = []
    created_out = not os.path.lexists(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # a fresh, unpredictable folder: a link planted at a guessable staging name is never written through
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    done: set[str] = set()
    failed: set[str] = set()
    fresh: list[str] = []   # the files of what was rendered: every other entry is the last build's, as it was
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
                fresh.append(path)
                sha = result.digests[path] = item.digests.get(path) or content_digest(data)   # (a worker's, if any)
                record[path] = {"fp": output.fingerprint, "sha": sha,
                                **({"bundle": output.path} if isinstance(output, Bundle) else
                                   {"inputs": dict(output.inputs)})}
                if item.findings:   # shown again by builds that do not render this page (recorded_warnings)
                    record[path]["warnings"] = [[d.code, d.path, d.line, d.col, d.message, d.hint]
                                                for d in item.findings]
                    result.page_warnings += item.findings
                old = previous.get(path)
                if old and old.get("sha") == sha and holds_bytes(out_dir, path, data):
                    record[path]["st"] = list(output_file_stat(out_dir, path) or ())   # touched, not changed
                    result.unchanged += 1
                    continue
                # staged flat under a number: no folder tree to make and remove again
                (staging / str(len(staged))).write_bytes(data)
                staged.append(path)
    except BaseException:
        remove_tree(staging)
        if created_out:   # (its planned paths may nest past Python's recursion limit: no shutil.rmtree)
            remove_tree(out_dir)
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

    try:   # a file where Haven's own folder was (an alias /x/ became /x): the folder goes first, if it holds only
        for path in staged:   # files of the last build no longer planned; else nothing changes (UnsafeOutputPath)
            if output_kind(out_dir, path) == "dir":
                clear_own_folder(out_dir, path, {p for p in previous if p.startswith(path + "/") and p not in record})
    except UnsafeOutputPath:
        remove_tree(staging)
        raise
    replaced: list[str] = []
    made: set[str] = set()
    for number, path in enumerate(staged):  # commit: each file replaced atomically, links replaced, never followed
        replaced += replace_output_file(out_dir, path, staging / str(number), made)
        record[path]["st"] = list(output_file_stat(out_dir, path) or ())
        result.written.append(path)
    remove_tree(staging)
    result.findings += [warning("output-link", (out_dir / link).as_posix(), 1, 1,
                                f"{link} in the output folder was a symbolic link; Haven replaced it and never "
                                "wrote through it", "Haven never makes links in the output folder: if nobody "
                                "put it there, the output folder may come from an untrusted cache")
                        for link in sorted(set(replaced))]

    for path in sorted(path for path in previous if path not in record):
        if delete_output_file(out_dir, path):   # only a regular file reached without links
            result.removed.append(path)
            prune_empty_output_dirs(out_dir, path)
    delete_output_file(out_dir, LEGACY_SEARCH_RECORD)
    result.files = sorted(record)
    # (the record differs from the last only where a file was rendered: other entries are the last build's own)
    changed = len(record) != len(previous) or any(record[path] != previous.get(path) for path in fresh)
    if changed or rewrite_record or output_file_stat(out_dir, MARKER) is None:
        fd, tmp = tempfile.mkstemp(prefix=MARKER + ".", dir=out_dir)   # never a planted link's target
        with os.fdopen(fd, "wb") as handle:   # orjson: at 10,000 articles the record is megabytes, every build
            handle.write(orjson.dumps({"generator": __version__, "files": record}, option=orjson.OPT_SORT_KEYS))
        os.replace(tmp, out_dir / MARKER)
        identity = _record_identity(out_dir)
        if identity is not None:
            _KNOWN_RECORDS[str(out_dir)] = (identity, dict(record))
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


def _reserved(rel: str) -> bool:
    """Names Haven keeps for itself in the output folder, and paths deeper than any site's: never a recorded output."""
    return rel.startswith((MARKER, STAGING_PREFIX, LEGACY_SEARCH_RECORD)) or rel.count("/") > MAX_RECORD_DEPTH


def _inside(out_dir: Path, rel: object) -> Path | None:
    """The file `rel` names inside out_dir, or None when `rel` is not a plain relative path inside it
    (confine's rule) or is one of Haven's own names."""
    accepted = safe_output_path(rel, _reserved)
    return None if accepted is None else out_dir / accepted
