"""`haven serve` as a writer runs it: a real process, Ctrl-C, a port in use, `--host`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.sitekit import REPO, make_site

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """`python -m generator serve ...` in a child process, its stderr collected line by line."""

    def __init__(self, site: Path, *args: str):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), *args],
                                     cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._said = threading.Condition()
        self._ended = False   # the child closed its stderr (it exited)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            with self._said:
                self.lines.append(line.rstrip("\n"))
                self._said.notify_all()
        with self._said:
            self._ended = True
            self._said.notify_all()

    @property
    def text(self) -> str:
        with self._said:
            return "\n".join(self.lines)

    def wait_for(self, needle: str, timeout: float = 60) -> None:
        """Wait until the child says `needle` (woken by each line it writes); fail if it exits first."""
        with self._said:
            self._said.wait_for(lambda: needle in "\n".join(self.lines) or self._ended, timeout)
        if needle in self.text:
            return
        if self._ended:
            pytest.fail(f"haven serve exited {self.proc.wait(10)} before saying {needle!r}:\n{self.text}")
        pytest.fail(f"no {needle!r} in:\n{self.text}")

    def interrupt(self, timeout: float = 20) -> int:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout)
        self._reader.join(2)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture
def site(tmp_path):
    return make_site(tmp_path / "hub")


def test_serve_edit_and_ctrl_c(site):
    port = free_port()
    run = Serve(site, "--port", str(port))
    try:
        run.wait_for("haven: serving")
        assert f"http://127.0.0.1:{port}/" in run.text
        assert "search index is not built while previewing" in run.text
        assert "warning: serving on" not in run.text
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/articles/first-steps/", timeout=10).read()
        assert b"/__haven/reload.js" in body
        path = site / "articles" / "first-steps.md"
        path.write_text(path.read_text().replace("Breathing slowly", "Breathing very slowly"))
        run.wait_for("rebuilt in")
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/articles/first-steps/", timeout=10).read()
        assert b"Breathing very slowly" in body
        path.write_text(path.read_text().replace("author: alex-example", "author: nobody-here"))
        run.wait_for("build failed")
        assert "articles/first-steps.md:4:" in run.text  # the terminal shows the finding, compiler-style
        assert run.interrupt() == 0
    finally:
        run.kill()
    assert "haven: stopped" in run.text
    assert "Traceback" not in run.text
    leftovers = [p for p in site.rglob("*") if p.name.startswith(".haven-staging") or p.suffix == ".tmp"]
    assert leftovers == []
    assert not any(b"__haven" in p.read_bytes() for p in (site / "output").rglob("*") if p.is_file())


def test_sigterm_stops_cleanly(site):
    port = free_port()
    run = Serve(site, "--port", str(port))
    try:
        run.wait_for("haven: serving")
        run.proc.send_signal(signal.SIGTERM)
        assert run.proc.wait(20) == 0
        run._reader.join(2)
    finally:
        run.kill()
    assert "haven: stopped" in run.text


def test_stops_when_run_under_timeout_in_the_background(site, tmp_path):
    """`(timeout N haven serve &)` from a script ends the preview with SIGTERM: it must stop.

    This is the shape that once left the preview running: the SIGTERM handler set the very event the
    main thread was waiting on."""
    import shutil

    if not shutil.which("timeout"):
        pytest.skip("coreutils timeout is missing")
    log = tmp_path / "serve.log"
    os.mkfifo(log)   # read to its end: the end comes when the preview exits and closes it
    pid_file = tmp_path / "timeout.pid"
    port = free_port()
    script = (f"(timeout 4 {sys.executable} -m generator serve --site '{site}' --port {port} "
              f"> '{log}' 2>&1 & echo $! > '{pid_file}')")
    subprocess.run(["bash", "-c", script], cwd=REPO, check=True, timeout=20)
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.append(log.read_text()), daemon=True)
    reader.start()
    reader.join(60)   # bounds a failure only: it returns as soon as the preview has exited
    if reader.is_alive():  # do not leave it running: the `timeout` this test started and its child, by id
        pid = int(pid_file.read_text())
        children = Path(f"/proc/{pid}/task/{pid}/children")
        for victim in [*(children.read_text().split() if children.exists() else []), pid]:
            os.kill(int(victim), signal.SIGKILL)
        pytest.fail("haven serve was still running a minute after timeout sent SIGTERM")
    text = said[0]
    assert "haven: stopped" in text, text
    assert "Traceback" not in text


def test_port_in_use_is_a_clear_error(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = Serve(site, "--port", str(port))
        try:
            code = run.proc.wait(30)
            run._reader.join(2)
        finally:
            run.kill()
    assert code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in run.text
    assert "try --port " in run.text
    assert "Traceback" not in run.text


def test_other_host_warns(site):
    port = free_port()
    run = Serve(site, "--port", str(port), "--host", "0.0.0.0")
    try:
        run.wait_for("haven: serving")
        assert "warning: serving on 0.0.0.0" in run.text
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
        assert b"<html" in body
        assert run.interrupt() == 0
    finally:
        run.kill()
