"""The preview's file watcher on its own: real files saved the way editors save them, and what it flags.

No build runs and nothing is served. A test knows the watcher has delivered every event of its edits
by making a marker file afterwards and waiting until the watcher has seen it (`servekit.Barrier`);
"saves that look unfinished" are timed on a fake clock. Nothing here sleeps.
"""

from __future__ import annotations

import errno
import os
import shutil
import threading

import pytest

from generator.serve import watcher as watcher_module
from generator.serve.watcher import GONE_HOLD, WRITE_HOLD, Watcher, is_relevant, is_scratch_name
from tests.servekit import TIMEOUT, Barrier, FakeClock, hub
from tests.sitekit import article


class Flagged:
    """What the watcher flagged, in order; `wait_for(path, start)` returns once `path` was flagged (at or
    after position `start`)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._cond = threading.Condition()

    def __call__(self, path: str) -> None:
        with self._cond:
            self.paths.append(path)
            self._cond.notify_all()

    def wait_for(self, path: str, start: int = 0) -> None:
        with self._cond:
            assert self._cond.wait_for(lambda: path in self.paths[start:], TIMEOUT), (path, self.paths)

    def since(self, start: int) -> list[str]:
        with self._cond:
            return self.paths[start:]


class Watched:
    def __init__(self, site, **kwargs) -> None:
        self.site = site
        self.articles = site / "articles"
        self.clock = FakeClock()
        self.flagged = Flagged()
        self.watcher = Watcher(site, self.flagged, clock=self.clock, log=lambda text: None, **kwargs)
        self.barrier = Barrier(self.watcher)
        self.watcher.start()

    def sync(self, *folders: str) -> None:
        """Every event so far in these folders' watches delivered ("" : the hub's own folder)."""
        for folder in folders or ("articles",):
            self.barrier.cross(self.site / folder if folder else self.site)


@pytest.fixture
def watched(tmp_path):
    w = Watched(hub(tmp_path / "hub"))
    yield w
    w.watcher.stop()


# -- what counts as a change --------------------------------------------------------------------------

@pytest.mark.parametrize("name", [".first.md.swp", "first.md~", "4913", "#first.md#", ".#first.md",
                                  "first.md.tmp", ".goutputstream-ABC123", "first.md___jb_tmp___", "x.bak"])
def test_editor_scratch_files_are_ignored(name):
    assert is_scratch_name(name)
    assert not is_relevant(f"articles/{name}", False)
    assert not is_relevant(f"templates/{name}", False)


@pytest.mark.parametrize("rel, relevant", [
    ("articles/first.md", True), ("articles/sub/first.md", True), ("articles/sub", True),
    ("pages/about.md", True), ("templates/base.html", True), ("static/css/haven.css", True),
    ("data/authors.yaml", True), ("site.yaml", True), ("articles/notes.txt", False),
    ("output/index.html", False), (".haven-cache/parsed.pickle", False), (".git/index", False),
    ("README.md", False), ("articles/.hidden/x.md", False), ("static/.DS_Store", False),
])
def test_what_counts_as_a_change(rel, relevant):
    assert is_relevant(rel, rel == "articles/sub") is relevant


# -- editors' saves, on real files --------------------------------------------------------------------------

def test_scratch_files_everywhere_are_never_flagged(watched):
    site = watched.site
    for rel in ("articles/.quiet-evenings.md.swp", "articles/quiet-evenings.md~", "articles/#quiet.md#",
                "templates/.base.html.swp", "templates/base.html~", "static/css/.haven.css.swp",
                "data/authors.yaml.tmp", ".site.yaml.swp", "site.yaml~", "notes.txt"):
        (site / rel).write_text("scratch")
    (site / "output" / "stray.html").write_text("written into the output folder")
    (site / ".haven-cache" / "other").write_text("cache")
    watched.sync("articles", "templates", "static", "data", "")
    assert watched.flagged.paths == []
    assert watched.watcher.events > 0   # the watcher saw them all, and let them go


def test_a_plain_save_is_flagged_and_finished_once_the_file_is_closed(watched):
    path = watched.articles / "quiet-evenings.md"
    path.write_text(path.read_text().replace("Dim the lights.", "Dim the lamps."))
    watched.sync()
    assert set(watched.flagged.paths) == {"articles/quiet-evenings.md"}
    assert not watched.watcher.settling()


def test_a_file_still_being_written_holds_until_it_is_closed(watched):
    path = watched.articles / "quiet-evenings.md"
    text = path.read_text()
    with open(path, "w") as handle:   # one save written in two parts (a slow disk, a big file)
        handle.write(text[:40])
        handle.flush()
        watched.sync()
        assert watched.watcher.settling()            # written to, not closed: the build waits
        watched.clock.advance(WRITE_HOLD + 0.001)
        assert not watched.watcher.settling()        # ...but not for ever: an editor that keeps it open
        handle.write(text[40:])
    watched.sync()
    assert not watched.watcher.settling()
    assert "articles/quiet-evenings.md" in watched.flagged.paths


def test_vim_save_with_backup_rename_holds_while_the_file_is_gone(watched):
    """vim with backupcopy=no: a swap file, the 4913 probe, rename to x.md~, write a new x.md, delete the
    backup. Between the rename and the new file the article is missing: a build then would announce it
    removed, so the save counts as unfinished until the file is back."""
    folder = watched.articles
    path = folder / "quiet-evenings.md"
    text = path.read_text()
    swap = folder / ".quiet-evenings.md.swp"
    swap.write_bytes(b"b0VIM 9.0")
    (folder / "4913").write_text("")
    (folder / "4913").unlink()
    watched.sync()
    assert watched.flagged.paths == []               # the swap file and the probe are not changes
    os.rename(path, folder / "quiet-evenings.md~")
    watched.sync()
    assert watched.flagged.paths == ["articles/quiet-evenings.md"] and watched.watcher.settling()
    path.write_text(text.replace("Dim the lights.", "Dim the lamps."))
    (folder / "quiet-evenings.md~").unlink()
    swap.unlink()
    watched.sync()
    assert set(watched.flagged.paths) == {"articles/quiet-evenings.md"}
    assert not watched.watcher.settling()            # back, and closed: the build may start


def test_a_file_that_never_comes_back_is_a_deletion_after_gone_hold(watched):
    (watched.articles / "quiet-evenings.md").unlink()
    watched.sync()
    assert watched.flagged.paths == ["articles/quiet-evenings.md"] and watched.watcher.settling()
    watched.clock.advance(GONE_HOLD + 0.001)
    assert not watched.watcher.settling()


def test_an_atomic_rename_save_is_flagged(watched):
    """gedit, helix, VS Code and friends: write a temporary file, then rename it over the article."""
    path = watched.articles / "quiet-evenings.md"
    temp = watched.articles / ".goutputstream-X1Y2Z3"
    temp.write_text(path.read_text().replace("Dim the lights.", "Light a candle."))
    os.replace(temp, path)
    watched.sync()
    assert set(watched.flagged.paths) == {"articles/quiet-evenings.md"}
    assert not watched.watcher.settling()


def test_a_rename_is_flagged_and_waits_briefly_for_the_old_name(watched):
    os.rename(watched.articles / "quiet-evenings.md", watched.articles / "calm-evenings.md")
    watched.sync()
    assert watched.flagged.paths == ["articles/calm-evenings.md"]
    assert watched.watcher.settling()    # the old name may be an editor's save coming back: GONE_HOLD
    watched.clock.advance(GONE_HOLD + 0.001)
    assert not watched.watcher.settling()


def test_a_new_folder_is_watched_and_a_folder_moved_out_is_flagged(watched):
    folder = watched.articles / "evenings"
    folder.mkdir()
    (folder / "night-walks.md").write_text(article("Night walks", date="2026-04-01"))
    watched.flagged.wait_for("articles/evenings/night-walks.md")
    watched.sync()
    start = len(watched.flagged.paths)
    (folder / "night-walks.md").write_text(article("Night walks", date="2026-04-02"))
    watched.flagged.wait_for("articles/evenings/night-walks.md", start)   # the new folder is watched
    start = len(watched.flagged.paths)
    shutil.move(str(folder), str(watched.site / "evenings-draft"))   # out of articles/
    watched.sync("articles", "")
    assert "articles/evenings" in watched.flagged.since(start)


@pytest.mark.parametrize("rel", ["templates/base.html", "data/authors.yaml", "site.yaml", "pages/about.md",
                                 "static/css/haven.css"])
def test_every_watched_kind_of_file_is_flagged(watched, rel):
    path = watched.site / rel
    path.write_text(path.read_text() + "\n")
    watched.flagged.wait_for(rel)


def test_a_watched_folder_deleted_and_created_again_is_watched_again(watched):
    static = watched.site / "static"
    keep = watched.site.parent / "static-copy"
    shutil.copytree(static, keep)
    shutil.rmtree(static)
    watched.flagged.wait_for("static")
    shutil.copytree(keep, static)
    watched.sync("")
    watched.watcher.refresh()          # what the build loop runs before each build
    start = len(watched.flagged.paths)
    css = static / "css" / "haven.css"
    css.write_text(css.read_text() + "\n/* again */\n")
    watched.flagged.wait_for("static/css/haven.css", start)


def test_a_stopped_watcher_is_restarted_by_the_health_check(watched):
    observer = watched.watcher._observer
    observer.stop()
    observer.join(TIMEOUT)
    assert watched.watcher.check() is True   # restarted: changes may have been missed, so rebuild
    assert watched.watcher.restarts == 1
    start = len(watched.flagged.paths)
    path = watched.articles / "quiet-evenings.md"
    path.write_text(path.read_text() + "\n")
    watched.flagged.wait_for("articles/quiet-evenings.md", start)
    assert watched.watcher.check() is False  # healthy now


def test_polling_watcher_flags_changes_too(tmp_path):
    w = Watched(hub(tmp_path / "hub"), polling=True)
    try:
        assert w.watcher.mode == "polling"
        path = w.articles / "quiet-evenings.md"
        path.write_text(path.read_text().replace("Dim the lights.", "Dim the lights, polled."))
        w.flagged.wait_for("articles/quiet-evenings.md")
        assert not w.watcher.settling()      # polling cannot tell unfinished saves: it never holds
    finally:
        w.watcher.stop()


def test_watcher_falls_back_to_polling_when_inotify_is_exhausted(tmp_path, monkeypatch):
    class Exhausted(watcher_module.Observer):
        def schedule(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watcher_module, "Observer", Exhausted)
    site = hub(tmp_path / "hub")
    messages: list[str] = []
    flagged = Flagged()
    watcher = Watcher(site, flagged, log=messages.append)
    watcher.start()
    try:
        assert watcher.mode == "polling"
        assert "max_user_watches" in messages[0]
        path = site / "articles" / "quiet-evenings.md"
        path.write_text(path.read_text().replace("Dim the lights.", "Dim the lights, polled."))
        flagged.wait_for("articles/quiet-evenings.md")
    finally:
        watcher.stop()
