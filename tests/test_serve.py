"""`haven serve`: a real server on a free port, real file edits, real HTTP.

Each test builds a small hub (the repo's real templates and static files, three fictitious articles)
in a temporary folder, starts the preview in-process, edits files the way editors do, and checks what
a writer would notice: how many builds ran, which events browsers got, and what the server serves.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.build import BuildResult
from generator.serve import Preview
from generator.serve.client import EventStream
from generator.serve.content import inject
from generator.serve.server import PortInUse
from generator.serve.watcher import is_relevant, is_scratch_name
from tests.sitekit import article, make_site

SETTLE = 0.6  # seconds to wait for a build that should NOT happen


_BUILT: dict[str, Path] = {}


def hub(root: Path) -> Path:
    """The test hub in `root`, already built once (output and parse cache copied from a first build),
    so that starting a preview is as quick as a writer's second `haven serve`."""
    if "hub" not in _BUILT:
        import tempfile

        from generator.build import BuildOptions, build

        first = Path(tempfile.mkdtemp(prefix="haven-serve-tests-")) / "hub"
        make_site(first, {
            "first-steps.md": article("First steps", next="second-steps"),
            "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01"),
            "quiet-evenings.md": article("Quiet evenings", date="2026-03-01",
                                         body="Evenings can be calm.\n\n## Winding down\n\nDim the lights.\n"),
        })
        assert build(BuildOptions(first, first / "output", search_index=False)).ok
        _BUILT["hub"] = first
    shutil.copytree(_BUILT["hub"], root, symlinks=True)
    return root


@pytest.fixture(scope="session", autouse=True)
def _remove_built_hub():
    yield
    if "hub" in _BUILT:
        shutil.rmtree(_BUILT.pop("hub").parent, ignore_errors=True)


class Running:
    """A started Preview plus helpers to talk to it."""

    def __init__(self, site: Path, **kwargs):
        self.site = site
        self.out = site / "output"
        self.log = io.StringIO()
        self.preview = Preview(site, self.out, port=0, stream=self.log, **kwargs)
        self.result = self.preview.start()
        self.port = self.preview.server.port
        self.base = f"http://127.0.0.1:{self.port}"
        self.stream = EventStream(self.port)
        assert self.stream.wait(lambda ev: any(k == "hello" for k, _, _ in ev), 5)

    @property
    def builds(self) -> int:
        return self.preview.loop.builds

    def sent(self, kind: str) -> int:
        return self.preview.hub.sent[kind]

    def get(self, path: str, method: str = "GET", headers: dict | None = None):
        """(status, headers, body) without following redirects."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, resp, body

    def page(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return body.decode()

    def wait_builds(self, n: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while self.builds < n:
            assert time.monotonic() < deadline, f"expected {n} builds, got {self.builds}\n{self.log.getvalue()}"
            time.sleep(0.01)

    def wait_idle(self) -> None:
        assert self.preview.loop.wait_idle(15)

    def settle(self) -> None:
        """Wait until nothing has happened for SETTLE seconds."""
        last = (self.builds, self.preview.loop.flags)
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < SETTLE:
            time.sleep(0.05)
            now = (self.builds, self.preview.loop.flags)
            if now != last or self.preview.loop.busy():
                last, quiet_since = now, time.monotonic()

    def stop(self) -> None:
        self.stream.close()
        self.preview.stop()


@pytest.fixture
def running(tmp_path):
    run = Running(hub(tmp_path / "hub"))
    assert run.result.ok, run.log.getvalue()
    run.settle()
    yield run
    run.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One preview for tests that only read."""
    run = Running(hub(tmp_path_factory.mktemp("shared") / "hub"))
    assert run.result.ok, run.log.getvalue()
    yield run
    run.stop()


def wait_until(condition, timeout: float = 15) -> bool:
    """Poll `condition` until it holds (True) or `timeout` passes (False): waits for an event the test
    cannot be told about directly, never for an amount of time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), "utf-8")


# -- the watcher's filter ----------------------------------------------------------------------------

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


# -- builds and reload events ---------------------------------------------------------------------------

def test_first_build_is_served_and_quiet(running):
    assert running.builds == 1, running.log.getvalue()
    assert "built in" in running.log.getvalue()
    assert "Quiet evenings" in running.page("/")
    assert running.stream.kinds() == ["hello"]


def test_a_save_makes_one_build_and_one_reload(running):
    builds, reloads = running.builds, running.sent("reload")
    edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights and rest.")
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1
    assert running.sent("reload") == reloads + 1
    assert running.stream.kinds().count("reload") == 1
    assert "Dim the lights and rest." in running.page("/articles/quiet-evenings/")
    assert "rebuilt in" in running.log.getvalue()


def test_a_burst_of_twenty_saves_ends_with_the_last_one_served(running):
    """How many builds a burst costs depends on when the watcher delivers the saves, so the count is
    proven with a fake builder and events in test_serve_loop.py; here, what the writer sees."""
    builds = running.builds
    path = running.site / "articles" / "quiet-evenings.md"
    text = path.read_text()
    for i in range(20):
        path.write_text(text.replace("Dim the lights.", f"Dim the lights ({i})."))
    running.wait_builds(builds + 1)
    running.settle()
    # A build may catch a file half-written (write_text truncates first) and fail; the overlay must not
    # outlive the burst: the last word is a reload, and the page is the last save.
    assert running.stream.kinds()[-1] == "reload", running.stream.kinds()
    assert "Dim the lights (19)." in running.page("/articles/quiet-evenings/")


def test_vim_style_save_with_backup_rename_is_seen(running):
    """vim with backupcopy=no: rename to x.md~, write a new x.md, delete the backup; swap file around it."""
    folder = running.site / "articles"
    path = folder / "quiet-evenings.md"
    builds = running.builds
    swap = folder / ".quiet-evenings.md.swp"
    swap.write_bytes(b"b0VIM 9.0")
    running.settle()
    assert running.builds == builds, "a swap file must not trigger a build"
    text = path.read_text()
    (folder / "4913").write_text("")  # vim's probe for a writable folder
    (folder / "4913").unlink()
    os.rename(path, folder / "quiet-evenings.md~")
    path.write_text(text.replace("Dim the lights.", "Dim the lamps."))
    (folder / "quiet-evenings.md~").unlink()
    swap.unlink()
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1
    page = running.page("/articles/quiet-evenings/")
    assert "Dim the lamps." in page
    assert running.stream.kinds().count("reload") == 1
    assert running.stream.kinds().count("failed") == 0


def test_a_file_renamed_away_and_written_again_soon_is_one_save(running):
    """The gap between vim's (or emacs') rename-away and the new file can exceed the debounce on a busy
    machine: the page must not be announced as removed in between."""
    folder = running.site / "articles"
    path = folder / "quiet-evenings.md"
    text = path.read_text()
    builds = running.builds
    os.rename(path, folder / "quiet-evenings.md~")
    time.sleep(0.08)
    path.write_text(text.replace("Dim the lights.", "Dim the lights at last."))
    (folder / "quiet-evenings.md~").unlink()
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1
    event = running.stream.next_event(5, ("reload",))
    assert event[1]["removed"] == []
    assert "Dim the lights at last." in running.page("/articles/quiet-evenings/")


def test_atomic_rename_save_is_seen(running):
    """gedit, helix, VS Code and friends: write a temporary file, then rename it over the article."""
    folder = running.site / "articles"
    path = folder / "quiet-evenings.md"
    builds = running.builds
    temp = folder / ".goutputstream-X1Y2Z3"
    temp.write_text(path.read_text().replace("Dim the lights.", "Light a candle."))
    os.replace(temp, path)
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1
    assert "Light a candle." in running.page("/articles/quiet-evenings/")
    assert running.stream.kinds().count("reload") == 1


def test_scratch_files_everywhere_never_build(running):
    builds = running.builds
    for rel in ("articles/.quiet-evenings.md.swp", "articles/quiet-evenings.md~", "articles/#quiet.md#",
                "templates/.base.html.swp", "templates/base.html~", "static/css/.haven.css.swp",
                "data/authors.yaml.tmp", ".site.yaml.swp", "site.yaml~", "notes.txt"):
        (running.site / rel).write_text("scratch")
    (running.out / "stray.html").write_text("written into the output folder")
    (running.site / ".haven-cache" / "other").write_text("cache")
    running.settle()
    assert running.builds == builds
    assert running.stream.kinds() == ["hello"]


def test_delete_removes_the_page_and_updates_listings(running):
    assert "Quiet evenings" in running.page("/")
    builds = running.builds
    (running.site / "articles" / "quiet-evenings.md").unlink()
    running.wait_builds(builds + 1)
    running.wait_idle()
    status, _, _ = running.get("/articles/quiet-evenings/")
    assert status == 404
    assert "Quiet evenings" not in running.page("/")
    assert running.stream.next_event(5, ("reload",))[1]["removed"] == ["/articles/quiet-evenings/"]


def test_rename_removes_the_old_page_and_points_to_the_new_one(running):
    folder = running.site / "articles"
    builds = running.builds
    os.rename(folder / "quiet-evenings.md", folder / "calm-evenings.md")
    running.wait_builds(builds + 1)
    running.settle()
    assert running.get("/articles/quiet-evenings/")[0] == 404
    assert "Quiet evenings" in running.page("/articles/calm-evenings/")
    event = running.stream.next_event(5, ("reload",))
    assert event[1]["moved"] == {"/articles/quiet-evenings/": "/articles/calm-evenings/"}


def test_slug_change_in_front_matter_is_followed(running):
    path = running.site / "articles" / "quiet-evenings.md"
    builds = running.builds
    edit(path, "date: 2026-03-01", "date: 2026-03-01\nslug: peaceful-evenings")
    running.wait_builds(builds + 1)
    running.settle()
    event = running.stream.next_event(5, ("reload",))
    assert event[1]["moved"] == {"/articles/quiet-evenings/": "/articles/peaceful-evenings/"}
    assert running.get("/articles/quiet-evenings/")[0] == 404


def test_new_article_in_a_new_folder(running):
    builds = running.builds
    folder = running.site / "articles" / "evenings"
    folder.mkdir()
    (folder / "night-walks.md").write_text(article("Night walks", date="2026-04-01"))
    running.wait_builds(builds + 1)
    running.settle()
    assert "Night walks" in running.page("/articles/night-walks/")
    assert "Night walks" in running.page("/")
    # the new folder is watched too
    builds = running.builds
    edit(folder / "night-walks.md", "Breathing slowly", "Walking slowly")
    running.wait_builds(builds + 1)
    assert "Walking slowly" in running.page("/articles/night-walks/")


def test_a_moved_folder_of_articles(running):
    folder = running.site / "articles" / "evenings"
    folder.mkdir()
    (folder / "night-walks.md").write_text(article("Night walks", date="2026-04-01"))
    running.wait_builds(2)
    running.settle()
    builds = running.builds
    shutil.move(str(folder), str(running.site / "evenings-draft"))  # out of articles/
    running.wait_builds(builds + 1)
    running.settle()
    assert running.get("/articles/night-walks/")[0] == 404


@pytest.mark.parametrize("rel, old, new, expect_path, expect", [
    ("templates/base.html", "</footer>", "</footer><p>template-marker-7</p>", "/", "template-marker-7"),
    ("data/authors.yaml", "Alex Example (fictional)", "Alexa Example (fictional)", "/articles/quiet-evenings/",
     "Alexa Example"),
    ("site.yaml", "title: Test Hub", "title: Calm Test Hub", "/", "Calm Test Hub"),
    ("pages/about.md", "We write about calm.", "We write about calm and sleep.", "/about/", "calm and sleep"),
])
def test_template_data_config_and_page_changes(running, rel, old, new, expect_path, expect):
    builds = running.builds
    edit(running.site / rel, old, new)
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1
    assert expect in running.page(expect_path)
    assert running.stream.kinds().count("reload") == 1


def test_stylesheet_change_swaps_styles_without_reload(running):
    builds = running.builds
    css = running.site / "static" / "css" / "haven.css"
    css.write_text(css.read_text() + "\n/* css-marker */\n")
    running.wait_builds(builds + 1)
    running.settle()
    event = running.stream.next_event(5, ("css", "reload"))
    assert event[0] == "css"
    assert event[1]["urls"] == ["/static/css/haven.css"]
    assert "css-marker" in running.page("/static/css/haven.css")


def test_a_watched_folder_deleted_and_created_again(running):
    static = running.site / "static"
    (static / "hub-only.txt").write_text("the hub's own file")
    running.wait_builds(running.builds + 1)
    keep = running.site.parent / "static-copy"
    shutil.copytree(static, keep)
    builds = running.builds
    shutil.rmtree(static)
    running.wait_builds(builds + 1)
    running.settle()
    assert running.get("/static/hub-only.txt")[0] == 404
    theme_css = running.page("/static/css/haven.css")   # the default theme's stylesheet takes over
    assert "/* again */" not in theme_css and ":root" in theme_css
    builds = running.builds
    shutil.copytree(keep, static)
    running.wait_builds(builds + 1)
    running.settle()
    assert running.get("/static/css/haven.css")[0] == 200
    builds = running.builds  # and the new folder is watched
    css = static / "css" / "haven.css"
    css.write_text(css.read_text() + "\n/* again */\n")
    running.wait_builds(builds + 1)
    assert "/* again */" in running.page("/static/css/haven.css")


# -- errors in the page -----------------------------------------------------------------------------------

def test_broken_file_shows_errors_and_keeps_the_last_good_page(running):
    path = running.site / "articles" / "quiet-evenings.md"
    good = running.page("/articles/quiet-evenings/")
    builds = running.builds
    edit(path, "author: alex-example", "author: nobody-here")
    running.wait_builds(builds + 1)
    running.settle()
    event = running.stream.next_event(5, ("failed", "reload", "ok"))
    assert event[0] == "failed"
    errors = event[1]["errors"]
    assert errors and errors[0]["path"] == "articles/quiet-evenings.md"
    assert errors[0]["line"] == 4
    assert "nobody-here" in errors[0]["message"]
    assert errors[0]["text"] in running.log.getvalue()  # the terminal shows the same message
    assert running.page("/articles/quiet-evenings/") == good  # last good site still served
    assert running.preview.hub.state["failed"] is True

    # fixing it clears the errors (nothing changed since the last good build: no reload needed)
    builds = running.builds
    edit(path, "author: nobody-here", "author: alex-example")
    running.wait_builds(builds + 1)
    running.settle()
    event = running.stream.next_event(5, ("failed", "reload", "ok"))
    assert event[0] in ("ok", "reload")
    assert running.preview.hub.state["failed"] is False
    assert running.log.getvalue().count(errors[0]["text"]) == 1  # shown once for the one failing build


def test_fix_with_a_change_reloads(running):
    path = running.site / "articles" / "quiet-evenings.md"
    edit(path, "title: Quiet evenings", "title: [Quiet evenings")
    running.wait_builds(2)
    running.settle()
    assert running.stream.next_event(5, ("failed",))[1]["errors"][0]["line"] == 2
    edit(path, "title: [Quiet evenings", "title: Quieter evenings")
    running.wait_builds(3)
    running.settle()
    assert running.stream.next_event(5, ("reload", "ok"))[0] == "reload"
    assert "Quieter evenings" in running.page("/articles/quiet-evenings/")


def test_half_written_file_then_completed(running):
    path = running.site / "articles" / "quiet-evenings.md"
    text = path.read_text().replace("Dim the lights.", "Dim the lights, slowly.")
    builds = running.builds
    with open(path, "w") as handle:  # one save written in two parts, well apart (a slow disk, a big file)
        handle.write(text[:40])
        handle.flush()
        time.sleep(0.3)
        handle.write(text[40:])
    running.wait_builds(builds + 1)
    running.settle()
    assert running.builds == builds + 1  # the build waited for the file to be closed
    assert running.stream.kinds().count("failed") == 0
    assert "Dim the lights, slowly." in running.page("/articles/quiet-evenings/")


def test_a_failure_while_more_changes_wait_is_not_shown(tmp_path):
    """A build that failed because a file was caught half-saved is replaced by the next one, unseen."""
    from generator.build import BuildOptions, build
    from generator.diagnostics import error

    site = hub(tmp_path / "hub")
    options = BuildOptions(site, site / "output", search_index=False)
    started, next_change_seen = threading.Event(), threading.Event()
    plan = iter(["real", "fail-while-changes-wait", "real"])

    def builder() -> BuildResult:
        step = next(plan, "real")
        if step == "fail-while-changes-wait":
            started.set()
            assert next_change_seen.wait(15)  # the failure ends only once the next save is flagged
            return BuildResult(diagnostics=[error("yaml-syntax", "articles/x.md", 3, 1, "half a file")])
        return build(options)

    run = Running(site, builder=builder)
    try:
        edit(site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights now.")
        assert started.wait(15)
        flags = run.preview.loop.flags
        edit(site / "articles" / "quiet-evenings.md", "Dim the lights now.", "Dim the lights, then rest.")
        assert wait_until(lambda: run.preview.loop.flags > flags), "the watcher never saw the second save"
        next_change_seen.set()
        run.wait_builds(3)
        run.settle()
        assert run.sent("failed") == 0
        assert run.preview.hidden_failures == 1
        assert run.stream.kinds().count("reload") == 1
        assert "then rest" in run.page("/articles/quiet-evenings/")
    finally:
        run.stop()


def test_builder_crash_is_reported_and_the_loop_survives(tmp_path):
    from generator.build import BuildOptions, build

    site = hub(tmp_path / "hub")
    options = BuildOptions(site, site / "output", search_index=False)
    calls = []

    def builder() -> BuildResult:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return build(options)

    run = Running(site, builder=builder)
    try:
        edit(site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim it.")
        run.wait_builds(2)
        event = run.stream.next_event(5, ("failed",))
        assert "RuntimeError: boom" in event[1]["errors"][0]["message"]
        assert "Traceback" in run.log.getvalue()
        edit(site / "articles" / "quiet-evenings.md", "Dim it.", "Dim it again.")
        run.wait_builds(3)
        assert run.stream.next_event(5, ("reload",)) is not None
    finally:
        run.stop()


def test_requests_wait_while_a_build_runs(tmp_path):
    from generator.build import BuildOptions, build

    site = hub(tmp_path / "hub")
    options = BuildOptions(site, site / "output", search_index=False)
    hold_builds, building, release = threading.Event(), threading.Event(), threading.Event()

    def builder() -> BuildResult:
        if hold_builds.is_set():
            building.set()
            assert release.wait(15)
        return build(options)

    run = Running(site, builder=builder)
    try:
        hold_builds.set()
        edit(site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights softly.")
        assert building.wait(15)  # the build is under way, and stays so until released
        pages: list[str] = []
        request = threading.Thread(target=lambda: pages.append(run.page("/articles/quiet-evenings/")))
        request.start()
        request.join(0.3)
        assert request.is_alive(), "a request answered while the build it must wait for was still running"
        release.set()
        request.join(15)
        assert "Dim the lights softly." in pages[0]  # never the page from before the save
    finally:
        release.set()
        run.stop()


def test_the_watcher_is_restarted_when_it_stops(running):
    observer = running.preview.watcher._observer
    observer.stop()
    observer.join(5)
    running.preview._health()  # what the loop runs every few seconds while idle
    running.wait_builds(2)  # a check that restarts the watcher also rebuilds (changes may have been missed)
    running.settle()
    builds = running.builds
    edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights, watched.")
    running.wait_builds(builds + 1)
    assert "watched." in running.page("/articles/quiet-evenings/")
    assert "watching again" in running.log.getvalue()


def test_polling_watcher_works_too(tmp_path):
    run = Running(hub(tmp_path / "hub"), polling=True)
    try:
        run.settle()
        builds = run.builds
        edit(run.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights, polled.")
        run.wait_builds(builds + 1)
        assert "polled." in run.page("/articles/quiet-evenings/")
    finally:
        run.stop()


def test_several_tabs_all_get_the_event(running):
    streams = [EventStream(running.port) for _ in range(5)]
    try:
        for s in streams:
            assert s.wait(lambda ev: ev and ev[0][0] == "hello", 5)
        assert running.preview.hub.subscribers == 6
        edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights for all.")
        for s in streams:
            assert s.next_event(10, ("reload",)) is not None
    finally:
        for s in streams:
            s.close()


# -- HTTP: what is served, and what is not --------------------------------------------------------------

def test_html_gets_the_reload_script_but_output_never_does(shared):
    page = shared.page("/articles/quiet-evenings/")
    assert page.count('<script src="/__haven/reload.js?v=') == 1
    assert page.index("/__haven/reload.js") < page.rindex("</body>")
    for path in shared.out.rglob("*"):
        if path.is_file():
            assert b"__haven" not in path.read_bytes(), path


@pytest.mark.parametrize("path, ctype", [
    ("/", "text/html; charset=utf-8"),
    ("/articles/quiet-evenings/", "text/html; charset=utf-8"),
    ("/static/css/haven.css", "text/css; charset=utf-8"),
    ("/feed.xml", "application/xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/__haven/state", "application/json"),
])
def test_content_types(shared, path, ctype):
    status, resp, body = shared.get(path)
    if status == 404 and path in ("/feed.xml", "/sitemap.xml", "/robots.txt"):
        pytest.skip(f"this build has no {path} yet")
    assert status == 200
    assert resp.getheader("Content-Type") == ctype
    assert resp.getheader("Cache-Control") == "no-store"
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    assert int(resp.getheader("Content-Length")) == len(body)


def test_script_is_served_cacheable_under_its_versioned_url(shared):
    from generator.serve.content import SCRIPT_URL

    status, resp, body = shared.get(SCRIPT_URL)
    assert status == 200 and resp.getheader("Content-Type") == "text/javascript; charset=utf-8"
    assert "immutable" in resp.getheader("Cache-Control")
    assert shared.get("/__haven/reload.js")[1].getheader("Cache-Control") == "no-store"
    assert SCRIPT_URL in shared.page("/")


def test_connections_are_kept_alive_and_closed_on_stop(tmp_path):
    import http.client

    run = Running(hub(tmp_path / "hub"))
    conn = http.client.HTTPConnection("127.0.0.1", run.port, timeout=10)
    for path in ("/", "/static/css/haven.css", "/articles/quiet-evenings"):
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        assert resp.status in (200, 301) and not resp.will_close
    started = time.monotonic()
    run.stop()  # an idle kept-alive connection must not hold the stop up
    assert time.monotonic() - started < 5
    conn.close()


def test_script_is_served_and_mentions_no_inline_html():
    from generator.serve.content import SCRIPT_FILE

    source = SCRIPT_FILE.read_text()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source and "eval(" not in source
    assert 'setAttribute("role", "alertdialog")' in source and "aria-labelledby" in source


def test_not_found_is_the_sites_404_page_with_status_404(shared):
    status, resp, body = shared.get("/articles/no-such-article/")
    assert status == 404
    assert resp.getheader("Content-Type") == "text/html; charset=utf-8"
    assert b"Page not found" in body and b"/__haven/reload.js" in body
    status, resp, body = shared.get("/articles/no-such-article/", method="HEAD")
    assert status == 404 and body == b""


def test_folders_get_index_html_and_a_slash(shared):
    status, resp, _ = shared.get("/articles/quiet-evenings")
    assert status == 301
    assert resp.getheader("Location") == "/articles/quiet-evenings/"
    status, resp, _ = shared.get("/articles/quiet-evenings?x=1")
    assert resp.getheader("Location") == "/articles/quiet-evenings/?x=1"
    assert "Quiet evenings" in shared.page("/articles/quiet-evenings/index.html")
    status, resp, _ = shared.get("//evil.example/articles")  # never an open redirect
    assert status == 404 or not resp.getheader("Location", "").startswith("//")


def test_head_has_headers_and_no_body(shared):
    status, resp, body = shared.get("/", method="HEAD")
    assert status == 200 and body == b"" and int(resp.getheader("Content-Length")) > 0


@pytest.mark.parametrize("path", [
    "/../site.yaml", "/%2e%2e/site.yaml", "/%2e%2e%2fsite.yaml", "/..%2fsite.yaml", "/articles/../../site.yaml",
    "/%2E%2E/%2E%2E/etc/passwd", "//etc/passwd", "/..\\site.yaml", "/%5c..%5csite.yaml", "/.haven-output.json",
    "/%00index.html", "/static/%2e%2e/%2e%2e/site.yaml", "/%252e%252e/site.yaml", "/%ff%fe",
])
def test_nothing_outside_the_output_folder(shared, path):
    status, _, body = shared.get(path)
    assert status in (400, 403, 404), (path, status)
    assert b"base_url" not in body and b"root:" not in body


def test_symlinks_that_leave_the_output_folder_are_not_followed(shared, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (shared.out / "leak.txt").symlink_to(secret)
    (shared.out / "leakdir").symlink_to(tmp_path, target_is_directory=True)
    try:
        assert shared.get("/leak.txt")[0] == 404
        assert shared.get("/leakdir/secret.txt")[0] == 404
    finally:
        (shared.out / "leak.txt").unlink()
        (shared.out / "leakdir").unlink()


def test_a_folders_index_and_the_404_page_are_never_served_through_a_link(shared, tmp_path):
    """A folder's index.html and 404.html are read through confine too (they were read unchecked)."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"SENTINEL-OUTSIDE")
    (shared.out / "linked").mkdir()
    (shared.out / "linked" / "index.html").symlink_to(secret)
    page_404 = (shared.out / "404.html").read_bytes()
    (shared.out / "404.html").rename(shared.out / "404.html.real")
    (shared.out / "404.html").symlink_to(secret)
    try:
        for path in ("/linked/", "/linked/index.html", "/no-such-page/", "/404.html"):
            status, _, body = shared.get(path)
            assert status == 404 and b"SENTINEL-OUTSIDE" not in body, path
    finally:
        shutil.rmtree(shared.out / "linked")
        (shared.out / "404.html").unlink()
        (shared.out / "404.html.real").rename(shared.out / "404.html")
    assert (shared.out / "404.html").read_bytes() == page_404 and secret.read_bytes() == b"SENTINEL-OUTSIDE"


def test_requests_for_other_host_names_are_refused(shared):
    """DNS rebinding: a web page must not read the preview through a name that points at 127.0.0.1."""
    assert shared.get("/", headers={"Host": "evil.example"})[0] == 403
    assert shared.get("/", headers={"Host": f"localhost:{shared.port}"})[0] == 200


def test_other_methods_are_refused(shared):
    assert shared.get("/", method="POST")[0] == 405


def test_state_endpoint(shared):
    import json

    status, _, body = shared.get("/__haven/state")
    state = json.loads(body)
    assert status == 200 and state["failed"] is False and state["build"]


def test_base_path_is_honoured(tmp_path):
    from tests.sitekit import SITE_YAML

    site = hub(tmp_path / "hub")
    (site / "site.yaml").write_text(SITE_YAML.replace("https://test.example.org/\n", "https://test.example.org/hub/\n", 1))
    run = Running(site)
    try:
        assert run.result.ok, run.log.getvalue()
        status, resp, _ = run.get("/")
        assert status == 302 and resp.getheader("Location") == "/hub/"
        assert "Quiet evenings" in run.page("/hub/")
        assert run.get("/hub")[0] == 301
        assert run.preview.url.endswith("/hub/")
    finally:
        run.stop()


# -- starting and stopping ------------------------------------------------------------------------------------

def test_port_in_use_names_a_free_port(tmp_path):
    site = hub(tmp_path / "hub")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as info:
            Preview(site, site / "output", port=port)
        message = info.value.strerror
        assert f"port {port}" in message and "already in use" in message and "--port" in message
        free = int(message.rsplit("--port ", 1)[1])
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", free))


def test_stop_leaves_no_threads_and_no_temp_files(tmp_path):
    before = set(threading.enumerate())
    run = Running(hub(tmp_path / "hub"))
    edit(run.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights, then stop.")
    run.wait_builds(2)
    run.stop()
    deadline = time.monotonic() + 5
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(threading.enumerate()) - before == set()
    leftovers = [p for p in run.site.rglob("*") if p.name.startswith(".haven-staging") or p.suffix == ".tmp"]
    assert leftovers == []


def test_unsafe_output_folder_is_a_usage_error(tmp_path):
    site = hub(tmp_path / "hub")
    out = tmp_path / "not-ours"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    preview = Preview(site, out, port=0, stream=io.StringIO())
    result = preview.start()
    preview.stop()
    assert result.usage_error
    assert (out / "precious.txt").read_text() == "keep me"


# -- the loop and the watcher on their own ---------------------------------------------------------------

def test_watcher_falls_back_to_polling_when_inotify_is_exhausted(tmp_path, monkeypatch):
    import errno

    from generator.serve import watcher as watcher_module

    class Exhausted(watcher_module.Observer):
        def schedule(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watcher_module, "Observer", Exhausted)
    site = hub(tmp_path / "hub")
    messages: list[str] = []
    changes: list[str] = []
    watcher = watcher_module.Watcher(site, changes.append, log=messages.append)
    watcher.start()
    try:
        assert watcher.mode == "polling"
        assert "max_user_watches" in messages[0]
        edit(site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights, polled.")
        deadline = time.monotonic() + 5
        while "articles/quiet-evenings.md" not in changes:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        watcher.stop()
