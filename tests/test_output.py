"""What builds print: a progress line only on a terminal (tested in a pty), -q, -v, colour and NO_COLOR."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from generator.cli import main
from generator.progress import ProgressLine
from tests.sitekit import article, make_site

ESC = "\033["


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_waits_a_second_redraws_in_place_and_wipes_itself():
    stream, clock = io.StringIO(), FakeClock()
    line = ProgressLine(stream, delay=1.0, clock=clock)
    line("reading articles and pages", 0, 1000)
    clock.now += 0.5
    line("writing pages", 10, 1000)
    assert stream.getvalue() == ""                      # a quick build shows nothing
    clock.now += 0.6
    line("writing pages", 20, 1000)
    assert stream.getvalue() == "\rhaven: writing pages 20/1000 (1 s)"
    clock.now += 0.01
    line("writing pages", 21, 1000)                     # ten redraws a second at most
    assert stream.getvalue().count("\r") == 1
    clock.now += 0.2
    line("checking the hub", 0, 0)
    line.close()
    drawn = stream.getvalue()
    assert drawn.endswith("\r" + " " * len("haven: checking the hub (1 s)") + "\r")
    assert ESC not in drawn                             # plain carriage returns: any terminal, even TERM=dumb


def _run_in_pty(args: list[str], env: dict[str, str]) -> str:
    """Run `python -m generator ARGS` with stdout and stderr on a pseudo-terminal; all it printed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], stdout=slave, stderr=slave,
                            stdin=subprocess.DEVNULL, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:   # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "HAVEN_PROGRESS_AFTER")}
    env["TERM"] = "xterm"
    env.update(extra)
    return env


def test_a_terminal_gets_the_progress_line_and_a_pipe_gets_only_the_summary(tmp_path):
    site = make_site(tmp_path / "s")
    # HAVEN_PROGRESS_AFTER=0 shows the line at once, so the test does not depend on how fast the build is
    shown = _run_in_pty(["build", "--site", str(site), "--no-cache"], _env(HAVEN_PROGRESS_AFTER="0"))
    assert "\rhaven: reading articles and pages 0/" in shown and "\rhaven: writing pages " in shown
    summary = shown.replace("\r\n", "\n").rstrip("\n").split("\n")[-1]
    assert summary.split("\r")[-1].startswith("haven: built ")   # the line was wiped before the summary
    piped = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site), "--no-cache"],
                           capture_output=True, text=True, env=_env(HAVEN_PROGRESS_AFTER="0"))
    assert piped.returncode == 0
    assert "\r" not in piped.stderr and ESC not in piped.stderr
    assert piped.stderr.count("\n") == 1 and piped.stderr.startswith("haven: built ")
    quiet = _run_in_pty(["build", "--site", str(site), "--no-cache", "-q"], _env(HAVEN_PROGRESS_AFTER="0"))
    assert quiet == ""


def test_colour_on_a_terminal_unless_no_color(tmp_path):
    site = make_site(tmp_path / "s", {"a.md": article(body="Research shows that 80% of people feel better.\n")})
    coloured = _run_in_pty(["build", "--site", str(site)], _env())
    assert f"{ESC}1;33mwarning{ESC}0m" in coloured
    plain = _run_in_pty(["build", "--site", str(site), "--no-cache"], _env(NO_COLOR="1"))
    assert "warning:" in plain and ESC not in plain
    piped = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site), "--no-cache"],
                           capture_output=True, text=True, env=_env())
    assert "warning:" in piped.stderr and ESC not in piped.stderr


def test_quiet_prints_only_findings_and_verbose_lists_files(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["build", "--site", str(site), "-q"]) == 0
    assert capsys.readouterr().err == ""
    (site / "articles/first-steps.md").write_text(article(body="Research shows that sleep helps.\n"), "utf-8")
    assert main(["build", "--site", str(site), "-v"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "haven: read 1 new or changed source files (the others from the cache)" in err
    assert "haven: wrote articles/first-steps/index.html" in err
    assert err[-1].startswith("haven: built ")
    (site / "articles/first-steps.md").write_text(article(body="Research shows that rest helps.\n"), "utf-8")
    assert main(["build", "--site", str(site), "-q"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert any("[unsourced-claim]" in line for line in err)
    assert all(": warning: " in line and not line.startswith("haven:") for line in err)   # findings, nothing else
    try:
        main(["build", "--site", str(site), "-q", "-v"])   # one or the other
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("-q with -v was accepted")
