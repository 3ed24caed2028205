"""Real editors' saves against a running preview: vim (every backupcopy mode, swap files on), sed -i, ed.

Each save must give exactly one build and one reload, and the new text must be served. Editors that
are not installed are skipped (they are tools on the writer's machine, not Haven's dependencies).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import time

import pytest

from generator.serve import Preview
from tests.test_serve import Running, _remove_built_hub, edit, hub, running  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.slow




def needs(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} is not installed")
    return path


def saved_once(run: Running, save, new_text: str) -> None:
    builds, reloads = run.builds, run.stream.kinds().count("reload")
    save()
    run.wait_builds(builds + 1)
    run.settle()
    assert run.builds == builds + 1, run.log.getvalue()
    assert run.stream.kinds().count("reload") == reloads + 1
    assert run.stream.kinds().count("failed") == 0
    assert new_text in run.page("/articles/quiet-evenings/")
    leftovers = sorted(p.name for p in (run.site / "articles").iterdir() if not p.name.endswith(".md"))
    assert leftovers == [], leftovers


@pytest.mark.parametrize("backupcopy", ["no", "yes", "auto"])
def test_vim_saves(running, backupcopy):
    vim = needs("vim")
    path = running.site / "articles" / "quiet-evenings.md"

    def save():
        # -es: Ex mode without a terminal; a swap file is made while editing, as in everyday use
        subprocess.run([vim, "-u", "NONE", "-i", "NONE", "-N", "-es",
                        "-c", f"set backupcopy={backupcopy} writebackup backupskip=",
                        "-c", r"%s/Dim the lights\./Dim the lamps./", "-c", "wq", str(path)],
                       check=True, timeout=30, cwd=path.parent)

    inode = path.stat().st_ino
    saved_once(running, save, "Dim the lamps.")
    if backupcopy == "no":
        assert path.stat().st_ino != inode  # vim renamed the old file away and wrote a new one
    elif backupcopy == "yes":
        assert path.stat().st_ino == inode  # vim copied the old file and overwrote this one in place


def test_vim_with_backups_kept(running):
    vim = needs("vim")
    path = running.site / "articles" / "quiet-evenings.md"

    def save():
        subprocess.run([vim, "-u", "NONE", "-i", "NONE", "-N", "-es", "-c", "set backup backupcopy=no backupskip=",
                        "-c", r"%s/Dim the lights\./Dim the lanterns./", "-c", "wq", str(path)],
                       check=True, timeout=30, cwd=path.parent)

    builds = running.builds
    save()
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1
    assert (path.parent / "quiet-evenings.md~").exists()  # the backup stays, and is ignored
    assert "Dim the lanterns." in running.page("/articles/quiet-evenings/")


def test_sed_in_place(running):
    sed = needs("sed")
    path = running.site / "articles" / "quiet-evenings.md"
    saved_once(running, lambda: subprocess.run([sed, "-i", "s/Dim the lights\\./Dim the glow./", str(path)],
                                               check=True, timeout=30), "Dim the glow.")


def test_ed(running):
    ed = needs("ed")
    path = running.site / "articles" / "quiet-evenings.md"
    saved_once(running, lambda: subprocess.run([ed, "-s", str(path)], input=",s/Dim the lights\\./Dim the sky./\nw\nq\n",
                                               text=True, check=True, timeout=30), "Dim the sky.")


def test_a_template_saved_by_vim(running):
    vim = needs("vim")
    path = running.site / "templates" / "base.html"
    builds = running.builds
    subprocess.run([vim, "-u", "NONE", "-i", "NONE", "-N", "-es", "-c", "set backupcopy=no backupskip=",
                    "-c", r"%s#</footer>#</footer><p>vim-was-here</p>#", "-c", "wq", str(path)],
                   check=True, timeout=30, cwd=path.parent)
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1
    assert "vim-was-here" in running.page("/")


def test_restart_with_nothing_changed_keeps_the_build_id(tmp_path):
    """Open pages reload after a restart only when something changed while the server was down."""
    site = hub(tmp_path / "hub")
    first = Preview(site, site / "output", port=0, stream=io.StringIO())
    first.start()
    build_id = first.hub.state["build"]
    first.stop()
    second = Preview(site, site / "output", port=0, stream=io.StringIO())
    second.start()
    try:
        assert second.hub.state["build"] == build_id
    finally:
        second.stop()
    edit(site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights while stopped.")
    third = Preview(site, site / "output", port=0, stream=io.StringIO())
    third.start()
    try:
        assert third.hub.state["build"] != build_id
    finally:
        third.stop()


def test_output_folder_deleted_while_serving_is_rebuilt(running):
    shutil.rmtree(running.out)
    running.preview._health()  # what the loop runs every few seconds while idle
    deadline = time.monotonic() + 20
    while not (running.out / "index.html").exists():
        assert time.monotonic() < deadline, running.log.getvalue()
        time.sleep(0.05)
    running.wait_idle()
    assert "Quiet evenings" in running.page("/")
