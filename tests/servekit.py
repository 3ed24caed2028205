"""Helpers for the preview's tests: a fixture hub built once, a running preview, a fake builder, a fake
clock and a barrier that says when the file watcher has delivered every event so far.

Nothing here waits for an amount of time: every wait is for an event (a build finished, the watcher
saw a marker file), with a generous timeout that only bounds a failure.
"""

from __future__ import annotations

import io
import itertools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.build import BuildResult
from generator.serve import Preview
from generator.serve.client import EventStream
from tests.sitekit import article, built_copy

TIMEOUT = 30.0   # seconds: bounds a failure only; every wait ends as soon as its event happens

HUB_ARTICLES = {
    "first-steps.md": article("First steps", next="second-steps"),
    "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01"),
    "quiet-evenings.md": article("Quiet evenings", date="2026-03-01",
                                 body="Evenings can be calm.\n\n## Winding down\n\nDim the lights.\n"),
}


def hub(root: Path) -> Path:
    """The test hub in `root`, already built once (output and parse cache copied from a first build made
    once per test process), so that starting a preview is as quick as a writer's second `haven serve`."""
    return built_copy(root, HUB_ARTICLES, search_index=False)


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in a file, as a writer's save."""
    text = path.read_text("utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), "utf-8")


class Barrier:
    """Knows when the watcher has delivered every event that happened before a call to `cross(folder)`.

    One watch delivers its events in the order they happened (inotify keeps the order within a watch,
    watchdog's queue is first in, first out), so once the watcher has seen a marker file made in the
    watched folder after some edits, it has seen (and flagged) every event of those edits. The marker is
    a hidden file: the watcher never flags it as a change. Not for the polling watcher, which compares
    snapshots and reports a snapshot's events grouped by kind."""

    PREFIX = ".haven-test-barrier-"

    def __init__(self, watcher: Any) -> None:
        self._numbers = itertools.count(1)
        self._waiting: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        deliver = watcher._event   # the watcher's event entry point (its handler calls this attribute)

        def event(ev: Any) -> None:
            deliver(ev)
            for raw in (ev.src_path, getattr(ev, "dest_path", "")):
                name = os.path.basename(os.fsdecode(raw))
                with self._lock:
                    seen = self._waiting.get(name)
                if seen is not None:
                    seen.set()

        watcher._event = event

    def cross(self, folder: Path, timeout: float = TIMEOUT) -> None:
        """Return once the watcher has delivered every event in `folder`'s watch made before this call."""
        name = f"{self.PREFIX}{next(self._numbers)}"
        seen = threading.Event()
        with self._lock:
            self._waiting[name] = seen
        marker = folder / name
        marker.write_bytes(b"")
        try:
            assert seen.wait(timeout), f"the watcher never delivered {marker}"
        finally:
            marker.unlink()
            with self._lock:
                del self._waiting[name]


class Running:
    """A started preview on a free port (real watcher, real builds, real HTTP), and helpers to talk to it."""

    def __init__(self, site: Path, **kwargs: Any):
        self.site = site
        self.out = site / "output"
        self.log = io.StringIO()
        self.preview = Preview(site, self.out, port=0, stream=self.log, **kwargs)
        self.barrier = Barrier(self.preview.watcher)
        self.result = self.preview.start()
        self.port = self.preview.server.port
        self.base = f"http://127.0.0.1:{self.port}"
        self.stream = EventStream(self.port)
        assert self.stream.wait(lambda ev: any(k == "hello" for k, _, _ in ev), TIMEOUT)

    @property
    def builds(self) -> int:
        """Builds finished, the first one included."""
        return self.preview.loop.builds

    def sent(self, kind: str) -> int:
        """How many events of this kind the preview has published."""
        return self.preview.hub.sent[kind]

    def published(self, since: int = 0) -> list[str]:
        """The kinds of the events published, in order, from the `since`-th on (see `mark`)."""
        return [kind for kind, _ in self.preview.hub.log[since:]]

    def mark(self) -> int:
        """A position in the published events, for `published(since=...)`."""
        return len(self.preview.hub.log)

    def last_event(self, *kinds: str) -> tuple[str, dict]:
        """The last published event of one of `kinds`."""
        return next(e for e in reversed(self.preview.hub.log) if e[0] in kinds)

    def sync(self, *folders: str) -> None:
        """Wait until the watcher has flagged every change made so far in `folders` (relative to the hub;
        "" is the hub's own folder, watched for site.yaml and the watched folders themselves) and the
        builds of every flagged change have finished and been announced."""
        for folder in folders or ("articles",):
            self.barrier.cross(self.site / folder if folder else self.site)
        assert self.preview.loop.wait_idle(TIMEOUT), self.log.getvalue()

    def wait_builds(self, n: int) -> None:
        """Wait until `n` builds have finished."""
        assert self.preview.loop.wait_builds(n, TIMEOUT), f"expected {n} builds, got {self.builds}\n" + \
            self.log.getvalue()

    def get(self, path: str, method: str = "GET", headers: dict | None = None):
        """(status, response, body) without following redirects."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, resp, body

    def page(self, path: str) -> str:
        """The text of a page that must exist."""
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return body.decode()

    def stop(self) -> None:
        """Disconnect the event stream and stop the preview."""
        self.stream.close()
        self.preview.stop()


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock on."""
        self.now += seconds


class FakeBuilder:
    """Stands in for `build()`: each call returns the next scripted result (an exception is raised), and
    `block_next()` makes the next build wait inside until `release()`, so a test can flag changes while a
    build runs. `calls` counts builds."""

    def __init__(self, *script: BuildResult | BaseException | Callable[[], BuildResult]) -> None:
        self.script = list(script)
        self.calls = 0
        self._block = threading.Event()
        self.inside = threading.Event()
        self._release = threading.Event()

    def __call__(self) -> BuildResult:
        self.calls += 1
        step = self.script.pop(0) if self.script else BuildResult()
        if self._block.is_set():
            self._block.clear()
            self.inside.set()
            assert self._release.wait(TIMEOUT), "the test never released the build"
            self._release.clear()
        if isinstance(step, BaseException):
            raise step
        return step() if callable(step) else step

    def block_next(self) -> None:
        """Make the next build wait inside (see `inside`) until `release()`."""
        self.inside.clear()
        self._block.set()

    def release(self) -> None:
        """Let a blocked build finish."""
        self._release.set()
