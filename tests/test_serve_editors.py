"""Real editors' saves against a running preview: vim (every backupcopy mode, swap files on), sed -i, ed.

Each save must end with a reload onto the new text and leave no scratch file behind. (How many builds a
save costs, and whether a build falls between two steps of it, depends on when the watcher delivers its
events: that a burst is one build is proven with a fake builder in test_serve_loop.py, and that a save in
progress holds the build in test_serve_watcher.py, on a fake clock.) Editors that are
not installed are skipped (they are tools on the writer's machine, not Haven's dependencies).
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from generator.serve import Preview
from tests.servekit import Running, edit, hub

pytestmark = pytest.mark.slow


def needs(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} is not installed")
    return path


def saved_once(run: Running, save, new_text: str, folder: str = "articles") -> None:
    since = run.mark()
    save()
    run.sync(folder)
    events = run.published(since)
    assert events and events[-1] == "reload", (events, run.log.getvalue())
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

    since = running.mark()
    save()
    running.sync()
    assert running.published(since)[-1] == "reload"
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
    saved_once(running, lambda: subprocess.run([ed, "-s", str(path)],
                                               input=",s/Dim the lights\\./Dim the sky./\nw\nq\n",
                                               text=True, check=True, timeout=30), "Dim the sky.")


def test_a_template_saved_by_vim(running):
    vim = needs("vim")
    path = running.site / "templates" / "base.html"
    since = running.mark()
    subprocess.run([vim, "-u", "NONE", "-i", "NONE", "-N", "-es", "-c", "set backupcopy=no backupskip=",
                    "-c", r"%s#</footer>#</footer><p>vim-was-here</p>#", "-c", "wq", str(path)],
                   check=True, timeout=30, cwd=path.parent)
    running.sync("templates")
    assert running.published(since)[-1] == "reload"
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
