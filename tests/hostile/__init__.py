"""The hostile corpus: one row per hostile hub, and the harness that checks every row the same way.

To add cases, write `tests/hostile/cases_<topic>.py` with a list `CASES` of `Case` rows (see
cases_confine.py). Each row gets a fresh fixture hub (tests/sitekit.py) that has been built once, and
a folder beside it, outside the hub, whose files hold SENTINEL bytes. `arrange(hub, outside)` makes the
hub hostile; then `haven build` (or the row's command) runs, and the harness asserts:

- the exit status is the row's `status`;
- the output names the row's `where` (e.g. "static/x:1:1") and contains `says`, when given;
- no Python traceback is printed;
- after a failed build, output/ is byte-identical to what it was before the build (after `arrange`);
- no SENTINEL byte is in any file under output/, and every file outside the hub still exists with the
  same bytes (nothing outside was read into the site, written, or deleted);
- `check(hub, outside)`, when given, holds afterwards (for a row's own facts).

Most rows run `haven` in the test's own process (`generator.cli.main`, the standard streams captured, the
working folder beside the hub): a fresh interpreter for each row proves nothing more about what Haven does
with the hub, and costs half a second. Rows marked `process=True` run `python -m generator` in a fresh
process, as CI runs it: those that could hang (a pipe read would block; the row's timeout ends it, where a
hang in this process would stop the whole suite; the folder loops, whose proof is that the build ends),
and a few whose proof is the real program end to end: a name that is not UTF-8 written to a real stderr,
`haven new`, exit statuses 0 and 1 and no traceback on the way out.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SENTINEL = b"SENTINEL-OUTSIDE-THE-HUB-7f3a"


@dataclass(frozen=True)
class Case:
    """One hostile hub: how to make it, and what `haven` must do with it."""

    name: str
    arrange: Callable[[Path, Path], None]
    status: int                      # 0 ok, 1 findings, 2 usage error
    where: str = ""                  # "path:line:col" the output must name
    says: str = ""                   # words the output must contain
    command: Sequence[str] = ("build",)
    check: Callable[[Path, Path], None] | None = None
    timeout: float = 60
    skip: str = field(default="")    # a reason this platform cannot run the case
    process: bool = False            # run `python -m generator` in a fresh process (see the module's text)


def make_outside(folder: Path) -> Path:
    """Files a hostile hub may point at: each holds SENTINEL (and is valid where Haven would parse it)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.txt").write_bytes(SENTINEL + b"\n")
    (folder / "secret.md").write_bytes(b"---\ntitle: Secret\nsummary: Secret.\nauthor: alex-example\n"
                                       b"date: 2026-01-01\ntopics: [calm]\n---\n" + SENTINEL + b"\n")
    (folder / "site.yaml").write_bytes(b"title: " + SENTINEL + b"\n")
    (folder / "dir").mkdir(exist_ok=True)
    (folder / "dir" / "secret.md").write_bytes((folder / "secret.md").read_bytes())
    (folder / "dir" / "secret.css").write_bytes(b"/* " + SENTINEL + b" */\n")
    (folder / "victim.txt").write_bytes(SENTINEL + b" victim\n")
    return folder


def file_bytes(folder: Path) -> dict[str, bytes]:
    """Every regular file under folder (links not followed) -> its bytes."""
    found = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            full = Path(dirpath, name)
            if not full.is_symlink():
                found[full.relative_to(folder).as_posix()] = full.read_bytes()
    return found


def run_haven(hub: Path, command: Sequence[str], timeout: float) -> subprocess.CompletedProcess:
    """`haven <command> --site hub` in a fresh process, as CI runs it."""
    return subprocess.run([sys.executable, "-m", "generator", *command, "--site", str(hub)],
                          capture_output=True, text=True, timeout=timeout, cwd=hub.parent, check=False)


def run_haven_here(hub: Path, command: Sequence[str]) -> subprocess.CompletedProcess:
    """`haven <command> --site hub` in this process: `generator.cli.main` with the standard streams captured
    and the working folder beside the hub, as `run_haven` runs it. An exception escaping Haven is not caught:
    it fails the test (where `run_haven` finds the traceback in the output)."""
    from generator.cli import main

    argv = [*command, "--site", str(hub)]
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(hub.parent)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as exit_:   # argparse's usage errors; the status a process would exit with
                status = 0 if exit_.code is None else exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(argv, status, out.getvalue(), err.getvalue())
