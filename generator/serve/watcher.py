"""Watch the hub's files and flag changes; nothing else.

Watched: `articles/`, `pages/`, `templates/`, `static/`, `data/`, `locales/` (recursively) and `site.yaml`. The
site folder itself is watched without recursion, so the build's own writes (`output/`), the parse
cache (`.haven-cache/`), `.git/` and virtual environments never reach us, and a watched folder that is
created, deleted or replaced later is noticed and watched again. Editors' scratch files (swap, backup,
temporary, lock and autosave files) are ignored, but the rename that ends an atomic save is seen.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from generator.discover import is_markdown_name

WATCHED_FOLDERS = ("articles", "pages", "templates", "static", "data", "locales")   # locales: the hub's catalogues
WATCHED_FILES = ("site.yaml",)
MARKDOWN_FOLDERS = ("articles", "pages")
WRITE_HOLD = 1.0   # longest a build waits for a file that was written to but not closed
GONE_HOLD = 0.15   # how long a file that just vanished may take to come back (an editor's save)
# Only what changes a file's content or existence: no opened/closed-without-writing/attribute
# events (the build reads every source; reads must never look like changes).
EVENTS = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileMovedEvent, FileDeletedEvent,
          DirCreatedEvent, DirMovedEvent, DirDeletedEvent]
_SCRATCH_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".bak", ".orig", ".part",
                     ".crdownload", ".kate-swp", "___jb_tmp___", "___jb_old___", ".rej")
_SCRATCH_NAME = re.compile(r"\d+|#.*#|\.?~.*")  # vim's 4913 probe, emacs autosaves, ~lock files


def is_scratch_name(name: str) -> bool:
    """True for editors' and tools' temporary, swap, backup and lock files, and hidden files."""
    return (not name or name.startswith(".") or name.endswith(_SCRATCH_SUFFIXES)
            or bool(_SCRATCH_NAME.fullmatch(name)))


def is_relevant(rel: str, is_directory: bool) -> bool:
    """True when a change at `rel` (relative to the site folder, posix) can change the site."""
    parts = [p for p in rel.split("/") if p]
    if not parts:
        return False
    if len(parts) == 1:
        return parts[0] in WATCHED_FILES if not is_directory else parts[0] in WATCHED_FOLDERS
    if parts[0] not in WATCHED_FOLDERS:
        return False
    if any(is_scratch_name(p) for p in parts[1:-1]):
        return False
    name = parts[-1]
    if is_directory:
        return not is_scratch_name(name)
    if parts[0] in MARKDOWN_FOLDERS:
        return is_markdown_name(name)
    return not is_scratch_name(name)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        try:
            self.watcher._event(event)
        except Exception as exc:  # noqa: BLE001 - never let the observer thread die of us
            print(f"haven: watcher: {type(exc).__name__}: {exc}", file=sys.stderr)


class Watcher:
    """Flags changes to the hub's files by calling `on_change(relative_path)`. `clock` (monotonic seconds)
    times unfinished saves for `settling()`; tests give a fake one."""

    def __init__(self, site_dir: Path, on_change: Callable[[str], None], *, polling: bool = False,
                 log: Callable[[str], None] | None = None, clock: Callable[[], float] = time.monotonic):
        self.site_dir = Path(site_dir).resolve()
        self._clock = clock
        self._root = str(self.site_dir)
        self._on_change = on_change
        self._polling = polling
        self._log = log or (lambda text: print(text, file=sys.stderr))
        self._handler = _Handler(self)
        self._observer: BaseObserver | None = None
        self._watches: dict[str, tuple[ObservedWatch, tuple[int, int]]] = {}
        self._lock = threading.Lock()
        self._resync = False
        self._writes: dict[str, float] = {}  # files written to and not yet closed -> when
        self._gone: dict[str, float] = {}    # files deleted or renamed away, not back yet -> when
        self._settle_lock = threading.Lock()
        self.events = 0      # every event seen
        self.changes = 0     # events that flagged a change
        self.restarts = 0    # times the watcher had to be started again

    @property
    def mode(self) -> str:
        """'inotify' (or the platform's native watcher) or 'polling'."""
        return "polling" if self._polling else "native"

    # -- life cycle (called from the serving and loop threads, never from the observer's) ---------
    def start(self) -> None:
        """Start watching."""
        with self._lock:
            self._start()

    def stop(self) -> None:
        """Stop watching and wait for the observer's threads to end."""
        with self._lock:
            observer, self._observer = self._observer, None
            self._watches.clear()
        if observer is not None:
            observer.stop()
            if observer.is_alive():
                observer.join(10)

    def refresh(self) -> None:
        """Watch folders created, replaced or deleted since the last look (before each build)."""
        with self._lock:
            if self._observer is None:
                return
            if self._resync:
                self._resync = False
                self._sync_folders()

    def check(self) -> bool:
        """Health check: restart a watcher that stopped; True when changes may have been missed."""
        with self._lock:
            observer = self._observer
            if observer is None:
                return False
            if observer.is_alive():
                if any(not e.is_alive() for e in list(observer.emitters)) or self._folders_moved():
                    self._sync_folders()  # a watched folder was deleted, created or replaced
                    return True
                return False
            self.restarts += 1
            self._log("haven: the file watcher stopped; watching again")
            self._observer = None
            self._watches.clear()
        with contextlib.suppress(Exception):  # it is already broken; we replace it
            observer.stop()
        with self._lock:
            self._start()
        return True

    def settling(self) -> bool:
        """True while a save looks unfinished: a watched file was written to and not closed yet (within
        WRITE_HOLD seconds: an editor still writing or syncing), or one vanished moments ago (within
        GONE_HOLD: vim, emacs and JetBrains editors rename the old file away before writing the new one).
        Polling cannot tell, so it never holds."""
        if self._polling:
            return False
        now = self._clock()
        with self._settle_lock:
            for table, limit in ((self._writes, WRITE_HOLD), (self._gone, GONE_HOLD)):
                for path in [p for p, at in table.items() if now - at > limit]:
                    del table[path]
            return bool(self._writes or self._gone)

    # -- internals ---------------------------------------------------------------------------------
    def _start(self) -> None:
        try:
            self._observer = PollingObserver(timeout=0.5) if self._polling else Observer()
            self._observer.start()
            self._sync_folders()
        except OSError as exc:
            if self._polling:
                raise
            self._log(f"haven: warning: cannot watch files natively ({exc.strerror or exc}); checking for changes "
                      "every half second instead. On Linux, raising fs.inotify.max_user_watches fixes this.")
            if self._observer is not None:
                with contextlib.suppress(Exception):  # it failed to start: stop what there is of it
                    self._observer.stop()
                    self._observer.join(5)
            self._polling = True
            self._watches.clear()
            self._observer = PollingObserver(timeout=0.5)
            self._observer.start()
            self._sync_folders()

    def _identity(self, path: str) -> tuple[int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino) if os.path.isdir(path) else None

    def _folders_moved(self) -> bool:
        for name in ("", *WATCHED_FOLDERS):
            path = os.path.join(self._root, name) if name else self._root
            current = self._identity(path)
            known = self._watches.get(name)
            if (known is None) != (current is None) or (known is not None and known[1] != current):
                return True
        return False

    def _sync_folders(self) -> None:
        """(Re)schedule watches so each existing watched folder has a live one on its current inode."""
        observer = self._observer
        assert observer is not None
        emitters = {e.watch: e for e in list(observer.emitters)}
        for name in ("", *WATCHED_FOLDERS):
            path = os.path.join(self._root, name) if name else self._root
            current = self._identity(path)
            known = self._watches.get(name)
            if known is not None:
                watch, identity = known
                emitter = emitters.get(watch)
                if identity == current and emitter is not None and emitter.is_alive():
                    continue
                with contextlib.suppress(KeyError, RuntimeError):
                    observer.unschedule(watch)
                del self._watches[name]
            if current is None:
                continue
            watch = observer.schedule(self._handler, path, recursive=bool(name), event_filter=EVENTS)
            self._watches[name] = (watch, current)

    def _relative(self, path: str | bytes) -> str | None:
        path = os.fsdecode(path)
        if not path:
            return None
        if path == self._root:
            return ""
        prefix = self._root + os.sep
        if not path.startswith(prefix):
            return None
        return path[len(prefix):].replace(os.sep, "/")

    def _event(self, event: FileSystemEvent) -> None:
        """Called on the observer's thread for every event: filter, then flag."""
        if type(event) not in _EVENT_TYPES:
            return
        self.events += 1
        hit = ""
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            rel = self._relative(raw)
            if rel is None:
                continue
            if "/" not in rel and rel in WATCHED_FOLDERS and (event.is_directory or event.event_type == "deleted"):
                self._resync = True  # a watched folder appeared, vanished or was replaced
            if is_relevant(rel, event.is_directory):
                hit = rel
        if hit:
            self._track(type(event), self._relative(event.src_path),
                        self._relative(getattr(event, "dest_path", "")), event.is_directory)
            self.changes += 1
            self._on_change(hit)

    def _track(self, kind: type, src: str | None, dest: str | None, is_directory: bool) -> None:
        """Keep `settling()` up to date: writes not closed yet, files gone and not back yet."""
        now = self._clock()
        if src is None:
            return
        with self._settle_lock:
            if kind is FileModifiedEvent:
                self._writes[src] = now
                self._gone.pop(src, None)
            elif kind is FileClosedEvent:
                self._writes.pop(src, None)
            elif kind is FileCreatedEvent or kind is DirCreatedEvent:
                self._gone.pop(src, None)
            else:  # deleted or moved
                self._writes.pop(src, None)
                if is_relevant(src, is_directory):
                    self._gone[src] = now
                if dest:
                    self._gone.pop(dest, None)


_EVENT_TYPES = frozenset(EVENTS)
