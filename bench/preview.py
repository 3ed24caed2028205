"""The preview's save -> reload event, measured against the real `haven serve` in a process of its own.

`measure_preview` starts the serve command (on a free port: `--port 0`), waits until it prints the
address it serves, connects to its live-reload stream the way the browser does (an EventSource
request for `/__haven/events`, server-sent events), waits for the stream's `hello`, then saves edits
to articles one at a time. Each latency is from just before the file write to the arrival of the
`reload` event at the client, which is what every open tab waits for. After each reload the edited
page is fetched and must show the added sentence (otherwise the reload announced something else and
the benchmark stops). The first save is a warm-up and is not counted: it pays for loading what the
server loads lazily. The serve process tree's memory is sampled throughout (bench/memory.py).

A server that exits, a `failed` event, or a reload that never comes stops the benchmark with the
server's stderr.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.memory import TreeSampler
from generator.serve.client import EventStream as PreviewEvents

START_TIMEOUT = 3600.0   # the first build of a 50,000-article hub on a busy machine
EVENT_TIMEOUT = 600.0    # one rebuild
SETTLE = 0.5             # seconds without an event before the next save
STOP_TIMEOUT = 30.0
SERVING = re.compile(r"serving (http://\S+?)/? ")


class PreviewFailure(Exception):
    """The preview could not be measured: the server failed, or a save brought no reload."""


@dataclass
class PreviewRun:
    """One preview session: the counted save -> reload latencies and the server's memory."""

    latencies: list[float] = field(default_factory=list)   # seconds, warm-up save excluded
    warmup_latency: float = 0.0
    startup_seconds: float = 0.0     # from starting the command to its "serving" line (first build included)
    tree_pss_mib: float = 0.0        # the serve process tree's peak PSS over the whole session
    tree_largest_rss_mib: float = 0.0


class EventStream(PreviewEvents):
    """The preview's event stream (the client the tests use, `generator.serve.client`), with what the
    benchmark asks of it: the first event of some kinds after a point, and a quiet stream."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        super().__init__(port, host, timeout)

    def wait_for(self, kinds: tuple[str, ...], after: int, timeout: float) -> tuple[str, Any, float] | None:
        """The first event of one of `kinds` at index `after` or later; None on timeout or a closed stream."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events[after:]:
                    if event[0] in kinds:
                        return event
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self._cond.wait(left)

    def wait_quiet(self, quiet: float, timeout: float) -> None:
        """Return once no event has arrived for `quiet` seconds (or after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.closed:
                last = self.events[-1][2] if self.events else 0.0
                left = min(last + quiet, deadline) - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)

    def count(self) -> int:
        """Events received so far."""
        with self._cond:
            return len(self.events)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_until_serving(process: subprocess.Popen, stderr_path: Path, timeout: float) -> str:
    """The address the server prints once its first build is done, e.g. http://127.0.0.1:43125."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = SERVING.search(stderr_path.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            raise PreviewFailure(f"the preview server exited with status {process.returncode} before serving:\n"
                                 f"{_tail(stderr_path)}")
        time.sleep(0.05)
    raise PreviewFailure(f"the preview server did not start serving within {timeout:.0f} s:\n{_tail(stderr_path)}")


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C, as a writer stops it; killed (this process only) if it does not end in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _page_shows(url: str, sentence: str) -> bool:
    with urllib.request.urlopen(url, timeout=EVENT_TIMEOUT) as response:  # our own server, on this computer
        return sentence in response.read().decode("utf-8", "replace")


def measure_preview(command: list[str], cwd: Path, logs: Path, saves: list[tuple[Path, str]],
                    edit: Callable[[Path, str], None]) -> PreviewRun:
    """Run `command` (a serve command on port 0), save `saves` one by one, time each save -> reload event.

    `saves` holds (article file, its URL path such as "articles/x/"); the first is the warm-up.
    `edit(path, sentence)` adds the sentence to the article's body.
    """
    logs.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = logs / "preview.out", logs / "preview.err"
    result = PreviewRun()
    started = time.monotonic()
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
    sampler = TreeSampler(process.pid).start()
    stream: EventStream | None = None
    try:
        address = _wait_until_serving(process, stderr_path, START_TIMEOUT)
        result.startup_seconds = time.monotonic() - started
        where = re.match(r"http://\[?([^\]/]+?)\]?:(\d+)", address)
        if where is None:
            raise PreviewFailure(f"cannot read the preview's address from {address!r}")
        stream = EventStream(where.group(1), int(where.group(2)))
        if stream.wait_for(("hello",), 0, EVENT_TIMEOUT) is None:
            raise PreviewFailure(f"no hello event on the live-reload stream:\n{_tail(stderr_path)}")
        for number, (article, url_path) in enumerate(saves):
            latency = _one_save(stream, process, stderr_path, article, f"{address}/{url_path}", number, edit)
            if number == 0:
                result.warmup_latency = latency
            else:
                result.latencies.append(latency)
    finally:
        if stream is not None:
            stream.close()
        _stop(process)
        sampler.stop()
    result.tree_pss_mib = sampler.peak_pss_kib / 1024
    result.tree_largest_rss_mib = sampler.peak_largest_rss_kib / 1024
    return result


def _one_save(stream: EventStream, process: subprocess.Popen, stderr_path: Path, article: Path, page_url: str,
              number: int, edit: Callable[[Path, str], None]) -> float:
    """Save one edit and return the seconds until its reload event reached the stream."""
    # A writer's saves are seconds apart: let the previous save's builds and events finish, so that no
    # late event of the last save is taken for this one's.
    stream.wait_quiet(SETTLE, EVENT_TIMEOUT)
    seen = stream.count()
    sentence = f"This sentence was added by preview save {number + 1} ({time.time_ns()})."
    saved_at = time.monotonic()
    edit(article, sentence)
    event = stream.wait_for(("reload", "failed"), seen, EVENT_TIMEOUT)
    if event is None:
        state = "exited" if process.poll() is not None else "running"
        raise PreviewFailure(f"no reload event within {EVENT_TIMEOUT:.0f} s of saving {article.name} "
                             f"(server {state}):\n{_tail(stderr_path)}")
    kind, data, arrived = event
    if kind == "failed":
        errors = [error.get("text", error) for error in (data.get("errors") or [])] if isinstance(data, dict) else data
        raise PreviewFailure(f"the preview's build failed after saving {article.name}: {errors}\n{_tail(stderr_path)}")
    if not _page_shows(page_url, sentence):
        raise PreviewFailure(f"after the reload event, {page_url} does not show the saved sentence")
    return arrived - saved_at
