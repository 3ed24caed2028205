"""`haven serve` end to end: a real server on a free port, real file edits, real builds, real HTTP.

Each test starts the preview in-process on a copy of a small hub (the default theme, three fictitious
articles; built once per test process), edits files the way a writer does, and checks what the writer
notices: the page served, and what open pages are told. How many builds a burst of saves costs, which
event each build result gives and what the watcher flags are proven without a real build or wall time
in test_serve_loop.py, test_serve_preview.py and test_serve_watcher.py; here a test waits for the
watcher to deliver its edits (`Running.sync`) and for the builds they caused, never for an amount of time.
"""

from __future__ import annotations

import io
import shutil
import socket
import threading

import pytest

from generator.serve import Preview
from generator.serve.client import EventStream
from generator.serve.server import PortInUse
from tests.servekit import TIMEOUT, Running, edit, hub
from tests.sitekit import article


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One preview for tests that only read."""
    run = Running(hub(tmp_path_factory.mktemp("shared") / "hub"))
    assert run.result.ok, run.log.getvalue()
    yield run
    run.stop()


def saved(run: Running, *folders: str) -> list[str]:
    """After an edit: the kinds of the events published for it, once every build it caused is done."""
    since = run.mark()
    run.sync(*folders)
    return run.published(since)


# -- builds and reload events ---------------------------------------------------------------------------

def test_first_build_is_served_and_quiet(running):
    assert running.builds == 1, running.log.getvalue()
    assert "built in" in running.log.getvalue()
    assert "Quiet evenings" in running.page("/")
    assert running.stream.kinds() == ["hello"] and running.published() == []


def test_a_save_is_built_served_and_reloaded(running):
    since = running.mark()
    edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights and rest.")
    running.sync()
    events = running.published(since)
    assert events and events[-1] == "reload" and "failed" not in events, events
    assert running.stream.wait(lambda ev: ev[-1][0] == "reload", TIMEOUT)   # the open page is told
    assert "Dim the lights and rest." in running.page("/articles/quiet-evenings/")
    assert "rebuilt in" in running.log.getvalue()


def test_a_burst_of_twenty_saves_ends_with_the_last_one_served(running):
    path = running.site / "articles" / "quiet-evenings.md"
    text = path.read_text()
    since = running.mark()
    for i in range(20):
        path.write_text(text.replace("Dim the lights.", f"Dim the lights ({i})."))
    running.sync()
    # A build may catch a file half-written (write_text truncates first) and fail; the overlay must not
    # outlive the burst: the last word is a reload, and the page is the last save.
    assert running.published(since)[-1] == "reload", running.published(since)
    assert "Dim the lights (19)." in running.page("/articles/quiet-evenings/")


def test_delete_removes_the_page_and_updates_listings(running):
    assert "Quiet evenings" in running.page("/")
    (running.site / "articles" / "quiet-evenings.md").unlink()
    assert saved(running)[-1] == "reload"
    assert running.get("/articles/quiet-evenings/")[0] == 404
    assert "Quiet evenings" not in running.page("/")
    assert running.last_event("reload")[1]["removed"] == ["/articles/quiet-evenings/"]


def test_rename_removes_the_old_page_and_points_to_the_new_one(running):
    folder = running.site / "articles"
    (folder / "quiet-evenings.md").rename(folder / "calm-evenings.md")
    saved(running)
    assert running.get("/articles/quiet-evenings/")[0] == 404
    assert "Quiet evenings" in running.page("/articles/calm-evenings/")
    assert running.last_event("reload")[1]["moved"] == {"/articles/quiet-evenings/": "/articles/calm-evenings/"}


def test_slug_change_in_front_matter_is_followed(running):
    edit(running.site / "articles" / "quiet-evenings.md", "date: 2026-03-01",
         "date: 2026-03-01\nslug: peaceful-evenings")
    saved(running)
    assert running.last_event("reload")[1]["moved"] == {"/articles/quiet-evenings/": "/articles/peaceful-evenings/"}
    assert running.get("/articles/quiet-evenings/")[0] == 404


def test_new_article_in_a_new_folder_and_the_folder_moved_out(running):
    folder = running.site / "articles" / "evenings"
    folder.mkdir()
    (folder / "night-walks.md").write_text(article("Night walks", date="2026-04-01"))
    saved(running)
    assert "Night walks" in running.page("/articles/night-walks/")
    assert "Night walks" in running.page("/")
    edit(folder / "night-walks.md", "Breathing slowly", "Walking slowly")   # the new folder is watched
    saved(running)
    assert "Walking slowly" in running.page("/articles/night-walks/")
    shutil.move(str(folder), str(running.site / "evenings-draft"))          # out of articles/
    saved(running, "articles", "")
    assert running.get("/articles/night-walks/")[0] == 404


@pytest.mark.parametrize("rel, old, new, expect_path, expect", [
    ("templates/base.html", "</footer>", "</footer><p>template-marker-7</p>", "/", "template-marker-7"),
    ("data/authors.yaml", "Alex Example (fictional)", "Alexa Example (fictional)", "/articles/quiet-evenings/",
     "Alexa Example"),
    ("site.yaml", "title: Test Hub", "title: Calm Test Hub", "/", "Calm Test Hub"),
    ("pages/about.md", "We write about calm.", "We write about calm and sleep.", "/about/", "calm and sleep"),
])
def test_template_data_config_and_page_changes(running, rel, old, new, expect_path, expect):
    edit(running.site / rel, old, new)
    assert saved(running, rel.split("/")[0] if "/" in rel else "")[-1] == "reload"
    assert expect in running.page(expect_path)


def test_stylesheet_change_swaps_styles_without_reload(running):
    css = running.site / "static" / "css" / "haven.css"
    css.write_text(css.read_text() + "\n/* css-marker */\n")
    assert saved(running, "static") == ["css"]
    assert running.last_event("css")[1]["urls"] == ["/static/css/haven.css"]
    assert "css-marker" in running.page("/static/css/haven.css")


def test_a_watched_folder_deleted_and_created_again(running):
    static = running.site / "static"
    (static / "hub-only.txt").write_text("the hub's own file")
    saved(running, "static")
    keep = running.site.parent / "static-copy"
    shutil.copytree(static, keep)
    shutil.rmtree(static)
    saved(running, "")
    assert running.get("/static/hub-only.txt")[0] == 404
    theme_css = running.page("/static/css/haven.css")   # the default theme's stylesheet takes over
    assert "/* again */" not in theme_css and ":root" in theme_css
    shutil.copytree(keep, static)
    saved(running, "")
    assert running.get("/static/hub-only.txt")[0] == 200
    css = static / "css" / "haven.css"                  # and the new folder is watched
    css.write_text(css.read_text() + "\n/* again */\n")
    saved(running, "static")
    assert "/* again */" in running.page("/static/css/haven.css")


# -- errors in the page -----------------------------------------------------------------------------------

def test_broken_file_shows_errors_and_keeps_the_last_good_page(running):
    path = running.site / "articles" / "quiet-evenings.md"
    good = running.page("/articles/quiet-evenings/")
    edit(path, "author: alex-example", "author: nobody-here")
    assert saved(running)[-1] == "failed"
    errors = running.last_event("failed")[1]["errors"]
    assert errors and errors[0]["path"] == "articles/quiet-evenings.md"
    assert errors[0]["line"] == 4
    assert "nobody-here" in errors[0]["message"]
    assert errors[0]["text"] in running.log.getvalue()  # the terminal shows the same message
    assert running.page("/articles/quiet-evenings/") == good  # last good site still served
    assert running.preview.hub.state["failed"] is True
    assert running.stream.wait(lambda ev: ev[-1][0] == "failed", TIMEOUT)

    # fixing it clears the errors (nothing changed since the last good build: no reload needed)
    edit(path, "author: nobody-here", "author: alex-example")
    assert saved(running)[-1] in ("ok", "reload")
    assert running.preview.hub.state["failed"] is False


def test_several_tabs_all_get_the_event(running):
    streams = [EventStream(running.port) for _ in range(5)]
    try:
        for s in streams:
            assert s.wait(lambda ev: ev and ev[0][0] == "hello", TIMEOUT)
        assert running.preview.hub.subscribers == 6
        edit(running.site / "articles" / "quiet-evenings.md", "Dim the lights.", "Dim the lights for all.")
        for s in streams:
            assert s.next_event(TIMEOUT, ("reload",)) is not None
    finally:
        for s in streams:
            s.close()


def test_the_output_folder_deleted_while_serving_is_rebuilt(running):
    shutil.rmtree(running.out)
    running.preview._health()  # what the loop runs every few seconds while idle
    assert running.preview.loop.wait_idle(TIMEOUT)
    assert "Quiet evenings" in running.page("/")


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
    # an idle kept-alive connection must not hold the stop up (the server would keep it 30 s: the
    # handler's timeout); the bound below only ends a failing test
    stopper = threading.Thread(target=run.stop)
    stopper.start()
    stopper.join(15)
    assert not stopper.is_alive(), "an idle kept-alive connection held the stop up"
    conn.sock.settimeout(15)
    assert conn.sock.recv(1) == b""   # and the server closed it
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
    for thread in set(threading.enumerate()) - before:   # stop() returns once they end; a join only bounds it
        thread.join(TIMEOUT)
    assert {t for t in threading.enumerate() if t.is_alive()} - before == set()
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
