"""The preview: a watcher, one build loop and a server around a builder callable.

`Preview` wires them together and decides what browsers are told after each build:

- a successful build that changed files -> `reload` (or `css` when only stylesheets changed), with
  the URLs of removed pages and, when a page was renamed, where it went;
- a failed build -> `failed` with the findings (the last good site stays served);
- the next successful build -> `ok` (the overlay goes) or `reload`.

A build that fails while more changes are already waiting (a file caught half-saved) is not shown:
the next build decides. The terminal gets one line per build and the findings, compiler-style.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from generator.build import BuildOptions, BuildResult, build
from generator.checks.policy import finding
from generator.confine import walk_tree
from generator.diagnostics import Diagnostic
from generator.serve.collector import Collector
from generator.serve.events import EventHub
from generator.serve.loop import QUIET, BuildLoop
from generator.serve.server import PreviewServer
from generator.serve.watcher import Watcher

HOLD_RELOAD = 1.0  # longest a successful build's reload waits for the builds queued behind it


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _finding(d: Diagnostic) -> dict[str, Any]:
    out = asdict(d)
    out["text"] = d.format()
    return out


class Preview:
    """Build, serve and watch one hub. `start()`, then `stop()` (from any thread but the loop's)."""

    def __init__(self, site_dir: Path, out_dir: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 drafts: bool = False, builder: Callable[[], BuildResult] | None = None,
                 stream: TextIO | None = None, quiet: float = QUIET, polling: bool = False,
                 clock: Callable[[], float] = time.monotonic):
        self.site_dir = Path(site_dir)
        self._clock = clock   # times how long a reload is held for the builds behind it (HOLD_RELOAD)
        self.out_dir = Path(out_dir)
        self.stream = stream
        # scheduled articles are finished work waiting for their day: the writer previews them (unlisted, with
        # a "scheduled" banner) as readers will see them on that day
        options = BuildOptions(self.site_dir, self.out_dir, drafts=drafts, future=True, search_index=False,
                               defer_bookkeeping=True)   # browsers are told first (see _after_build)
        self._builder = builder or (lambda: build(options))
        self._collector = Collector()   # garbage is collected after each build (see collector)
        self._nonce = secrets.token_hex(4)
        self._good = 0
        self._base_path = "/"
        self.hub = EventHub(self._state(False, [], []))
        self.loop: BuildLoop[BuildResult] = BuildLoop(self._build, self._after_build, self._crashed, quiet=quiet,
                                                      idle_check=self._health)
        self.watcher = Watcher(self.site_dir, self.loop.flag, polling=polling, log=self.say)
        self.loop.hold = self.watcher.settling
        self.server = PreviewServer(host, port, self.out_dir, self.hub, self.loop.wait_idle,
                                    base_path=lambda: self._base_path)
        self._server_thread: threading.Thread | None = None
        self._print_lock = threading.Lock()
        self._known: set[str] | None = None      # files in the output folder after the last good build
        self._held: tuple[set[str], set[str], set[str], float] | None = None  # unannounced changes
        self._warnings_seen: set[str] = set()
        self._first = True
        self.failed_builds = 0
        self.hidden_failures = 0                   # failed builds not shown (more changes were waiting)
        self.started = False

    # -- life cycle ------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The preview's address."""
        host = self.server.bound_host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1" if host != "::" else "[::1]"
        elif ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.server.port}{self._base_path}"

    def start(self) -> BuildResult:
        """Watch, build once, then serve and keep building. Returns the first build's result."""
        self.watcher.start()  # first, so that no save during the first build goes unseen
        first = self.loop.build_now()
        if first.usage_error:
            self.watcher.stop()
            self.server.server_close()
            return first
        self._server_thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                               name="haven-http")
        self._server_thread.start()
        self.loop.start()
        self.started = True
        return first

    def stop(self) -> None:
        """Stop watching, building and serving; returns when every thread has ended."""
        self.watcher.stop()
        self.loop.stop()
        self.hub.close()
        if self._server_thread is not None:
            self.server.shutdown()
            self._server_thread.join(10)
            self._server_thread = None
        self.server.close_connections()
        self.server.server_close()
        self.started = False

    # -- the builder, wrapped --------------------------------------------------------------------------
    def _build(self) -> BuildResult:
        self.watcher.refresh()  # before reading anything, so no change after this point is missed
        return self._builder()

    def _crashed(self, exc: BaseException, text: str) -> BuildResult:
        self.say("haven: internal error while building - this is a bug in Haven, not in your files:\n" + text)
        crash = finding("internal-error", "", 0, 0,
                        f"Haven crashed while building ({type(exc).__name__}: {exc})",
                        "this is a bug in Haven, not in your files; the terminal shows the details - "
                        "please report them")
        return BuildResult(diagnostics=[crash])

    def _health(self) -> None:
        if self.watcher.check():
            self.loop.flag("")
        elif not self.hub.state.get("failed") and not self.out_dir.is_dir():
            self.say("haven: the output folder disappeared; building it again")
            self.loop.flag("")

    # -- after each build ------------------------------------------------------------------------------
    def _state(self, failed: bool, errors: list[dict], warnings: list[dict]) -> dict[str, Any]:
        return {"build": f"{self._nonce}.{self._good}", "failed": failed, "errors": errors, "warnings": warnings,
                "home": self._base_path}

    def _after_build(self, result: BuildResult, more_coming: bool) -> None:
        try:
            self._announce(result, more_coming)
        finally:   # after browsers were told: what the next build's no-op check reads, and the garbage
            if result.bookkeeping is not None:
                try:
                    result.bookkeeping()
                except OSError as exc:   # only a no-op rebuild would have used it
                    self.say(f"haven: warning: could not remember this build ({exc}); the next one redoes its checks")
            self._collector.after_build()

    def _announce(self, result: BuildResult, more_coming: bool) -> None:
        first, self._first = self._first, False
        findings = list(result.diagnostics)
        if result.usage_error:
            findings.insert(0, finding("usage", "", 0, 0, result.usage_error))
        errors = [d for d in findings if d.severity == "error"]
        warnings = [d for d in findings if d.severity != "error"]
        ms = result.seconds * 1000
        site = result.site
        if site is not None:  # the hub may live under a path (base_url https://example.org/hub/)
            base = getattr(getattr(site, "config", None), "base_path", "/") or "/"
            self._base_path = base if base.endswith("/") else base + "/"
        if errors:
            if more_coming and not first:
                self.hidden_failures += 1
                self.say(f"haven: build failed while files were still changing ({ms:.0f} ms); building again")
                return
            self.failed_builds += 1
            lines = [d.format() for d in findings]
            lines.append(f"haven: build failed: {_plural(len(errors), 'error')}, "
                         f"{_plural(len(warnings), 'warning')} ({ms:.0f} ms); "
                         + ("the preview shows them until you fix them" if first
                            else "still serving the last good site; the preview shows the errors"))
            self.say("\n".join(lines))
            state = self._state(True, [_finding(d) for d in errors], [_finding(d) for d in warnings])
            self.hub.publish("failed", state, state)
            return

        new_warnings = [d for d in warnings if d.format() not in self._warnings_seen]
        self._warnings_seen = {d.format() for d in warnings}
        verb = "built" if first else "rebuilt"
        summary = (f"haven: {verb} in {ms:.0f} ms: {len(result.written)} written, {len(result.removed)} removed"
                   + (f", {result.unchanged} unchanged" if first else ""))
        if warnings:
            summary += f"; {_plural(len(warnings), 'warning')}" + (f" ({len(new_warnings)} new)" if not first and
                                                                   new_warnings else "")
        self.say("\n".join([d.format() for d in new_warnings] + [summary]))

        if self._known is None:
            self._known = self._scan_output()
            previously: set[str] = set(self._known)
            if first:
                self._nonce = self._fingerprint_output()
        else:
            previously = set(self._known)
            self._known |= set(result.written)
            self._known -= set(result.removed)
        written, removed, new_pages, since = self._held or (set(), set(), set(), self._clock())
        now_written, now_removed = set(result.written), set(result.removed)
        new_pages = (new_pages - now_removed) | {p for p in now_written if p not in previously}
        written = (written - now_removed) | now_written
        removed = (removed - now_written) | now_removed
        was_failed = bool(self.hub.state.get("failed"))
        if (written or removed) and more_coming and self._clock() - since < HOLD_RELOAD and not first:
            self._held = (written, removed, new_pages, since)  # the next build's reload covers this one
            return
        self._held = None
        warning_dicts = [_finding(d) for d in warnings]
        if first:
            self._good += 1
            self.hub.set_state(self._state(False, [], warning_dicts))
            return
        if written or removed:
            before = self.hub.state.get("build", "")
            self._good += 1
            state = self._state(False, [], warning_dicts)
            if not removed and all(p.endswith(".css") for p in written):
                # a page that connects just after this build, still showing `before`, swaps stylesheets
                # from its greeting instead of reloading
                state = {**state, "css_after": before, "urls": sorted(self._url(p) for p in written)}
                self.hub.publish("css", state, state)
            else:
                moved = self._moves(new_pages & written, removed)
                self.hub.publish("reload", {**state, "removed": sorted(self._url(p) for p in removed),
                                            "moved": moved}, state)
        elif was_failed or warning_dicts != self.hub.state.get("warnings"):
            state = self._state(False, [], warning_dicts)
            self.hub.publish("ok", state, state)

    def _scan_output(self) -> set[str]:
        found: set[str] = set()
        root = self.out_dir
        for folder, dirs, files in walk_tree(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = os.path.relpath(folder, root)
            for name in files:
                if not name.startswith("."):
                    found.add(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
        return found

    def _fingerprint_output(self) -> str:
        """Names the site's state when the preview starts: a restart with nothing changed gives the same
        build ids, so open pages do not reload; anything changed meanwhile gives new ones, so they do."""
        import hashlib

        digest = hashlib.blake2b(digest_size=4)
        for rel in sorted(self._known or ()):
            try:
                st = os.stat(self.out_dir / rel)
            except OSError:
                continue
            digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return digest.hexdigest()

    def _url(self, out_path: str) -> str:
        """The URL of an output file: `articles/x/index.html` -> `/articles/x/`."""
        if out_path == "index.html" or out_path.endswith("/index.html"):
            out_path = out_path[: -len("index.html")]
        return self._base_path + out_path

    def _moves(self, new_pages: set[str], removed: set[str]) -> dict[str, str]:
        """Old URL -> new URL for pages that were renamed: one page gone and one new in the same section."""
        def section(path: str) -> str:
            parts = path.split("/")
            return parts[0] if len(parts) > 2 else ""

        moves: dict[str, str] = {}
        gone = [p for p in removed if p.endswith(".html")]
        born = [p for p in new_pages if p.endswith(".html")]
        for name in {section(p) for p in gone}:
            old = [p for p in gone if section(p) == name]
            new = [p for p in born if section(p) == name]
            if len(old) == 1 and len(new) == 1:
                moves[self._url(old[0])] = self._url(new[0])
        return moves

    # -- terminal ----------------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Print to the terminal (stderr unless a stream was given), whole lines at once."""
        stream = self.stream or sys.stderr
        with self._print_lock:
            stream.write(text + "\n")
            stream.flush()
