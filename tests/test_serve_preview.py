"""What the preview tells open pages after each build, driven with a fake builder and flagged changes:
no watcher, no real build, no sleep (MkDocs tests its livereload server the same way). Which builds run
and what each returns is scripted; a build can be held inside until the test has flagged more changes.
"""

from __future__ import annotations

import io
import shutil
from types import SimpleNamespace

import pytest

from generator.build import BuildResult
from generator.diagnostics import error, warning
from generator.serve import Preview
from generator.serve.preview import HOLD_RELOAD
from tests.servekit import TIMEOUT, FakeBuilder, FakeClock


def built(*written: str, removed: tuple[str, ...] = (), diagnostics: tuple = ()) -> BuildResult:
    return BuildResult(written=list(written), removed=list(removed), diagnostics=list(diagnostics))


class Driven:
    """A preview around a fake builder; its build loop runs, nothing watches files, nothing is served."""

    def __init__(self, tmp_path, *script, clock=None):
        self.out = tmp_path / "output"
        for page in ("index.html", "articles/calm/index.html", "articles/quiet/index.html", "static/css/haven.css"):
            (self.out / page).parent.mkdir(parents=True, exist_ok=True)
            (self.out / page).write_text(page)
        self.builder = FakeBuilder(built(), *script)   # the first build: the site as it is on disk
        self.log = io.StringIO()
        kwargs = {"clock": clock} if clock else {}
        self.preview = Preview(tmp_path, self.out, port=0, builder=self.builder, stream=self.log, **kwargs)
        self.loop = self.preview.loop
        self.first = self.loop.build_now()
        self.loop.start()

    def save(self, path: str = "articles/calm.md") -> None:
        """A change flagged, as the watcher does, and every build it causes finished."""
        self.loop.flag(path)
        assert self.loop.wait_idle(TIMEOUT)

    def events(self) -> list[tuple[str, dict]]:
        return list(self.preview.hub.log)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.preview.hub.log]

    def stop(self) -> None:
        self.builder.release()
        self.preview.stop()


@pytest.fixture
def driven(tmp_path, request):
    made: list[Driven] = []

    def make(*script, clock=None) -> Driven:
        made.append(Driven(tmp_path, *script, clock=clock))
        return made[-1]

    yield make
    for d in made:
        d.stop()


def test_the_first_build_is_announced_to_nobody_and_names_the_state(driven):
    d = driven()
    assert d.builder.calls == 1 and d.kinds() == []
    assert d.preview.hub.state["failed"] is False and d.preview.hub.state["build"]


def test_a_build_that_wrote_pages_is_one_reload(driven):
    d = driven(built("articles/calm/index.html", "index.html"))
    before = d.preview.hub.state["build"]
    d.save()
    assert d.kinds() == ["reload"]
    data = d.events()[0][1]
    assert data["removed"] == [] and data["moved"] == {} and data["build"] != before
    assert "rebuilt in" in d.log.getvalue()


def test_a_build_that_wrote_only_stylesheets_swaps_them_without_a_reload(driven):
    d = driven(built("static/css/haven.css"))
    d.save("static/css/haven.css")
    assert d.kinds() == ["css"]
    assert d.events()[0][1]["urls"] == ["/static/css/haven.css"]


def test_a_build_that_wrote_nothing_sends_nothing(driven):
    d = driven(built())
    d.save()
    assert d.builder.calls == 2 and d.kinds() == []


def test_a_deleted_page_is_announced_as_removed(driven):
    d = driven(built("index.html", removed=("articles/quiet/index.html",)))
    d.save("articles/quiet.md")
    assert d.events()[-1][1]["removed"] == ["/articles/quiet/"]


def test_a_renamed_page_is_announced_as_moved(driven):
    d = driven(built("articles/evening/index.html", "index.html", removed=("articles/quiet/index.html",)))
    d.save("articles/evening.md")
    assert d.events()[-1][1]["moved"] == {"/articles/quiet/": "/articles/evening/"}


def test_a_failed_build_shows_its_errors_and_the_fix_clears_them(driven):
    bad = error("unknown-author", "articles/calm.md", 4, 9, "no author 'nobody-here'")
    d = driven(built(diagnostics=(bad,)), built())
    d.save()
    assert d.kinds() == ["failed"]
    failed = d.events()[0][1]
    assert failed["errors"][0]["path"] == "articles/calm.md" and failed["errors"][0]["line"] == 4
    assert failed["errors"][0]["text"] in d.log.getvalue()           # the terminal says the same
    assert d.preview.hub.state["failed"] is True
    d.save()                                                          # fixed; nothing else changed
    assert d.kinds() == ["failed", "ok"] and d.preview.hub.state["failed"] is False
    assert d.log.getvalue().count(failed["errors"][0]["text"]) == 1   # shown once, for the one failure


def test_a_fix_that_changes_pages_reloads(driven):
    bad = error("yaml-syntax", "articles/calm.md", 2, 8, "a title that opens a list")
    d = driven(built(diagnostics=(bad,)), built("articles/calm/index.html"))
    d.save()
    d.save()
    assert d.kinds() == ["failed", "reload"]


def test_new_warnings_are_printed_once(driven):
    note = warning("readability", "articles/calm.md", 1, 1, "long sentences")
    d = driven(built("index.html", diagnostics=(note,)), built("index.html", diagnostics=(note,)))
    d.save()
    d.save()
    assert d.log.getvalue().count(note.format()) == 1
    assert d.preview.hub.state["warnings"][0]["code"] == "readability"


def test_a_failure_while_more_changes_wait_is_not_shown(driven):
    """A build that failed because it caught a file half-saved is replaced by the next one, unseen."""
    half = error("yaml-syntax", "articles/calm.md", 3, 1, "half a file")
    d = driven(built(diagnostics=(half,)), built("articles/calm/index.html"))
    d.builder.block_next()
    d.loop.flag("articles/calm.md")
    assert d.builder.inside.wait(TIMEOUT)      # the failing build runs...
    d.loop.flag("articles/calm.md")            # ...while the rest of the save arrives
    d.builder.release()
    assert d.loop.wait_idle(TIMEOUT)
    assert d.builder.calls == 3 and d.kinds() == ["reload"]
    assert d.preview.hidden_failures == 1 and d.preview.failed_builds == 0


def test_a_reload_waits_for_the_build_queued_behind_it(driven):
    """Two builds back to back (the second queued while the first ran) are one reload, with both builds'
    pages: an open page reloads once, onto the newest site."""
    clock = FakeClock()
    d = driven(built("articles/calm/index.html"), built(removed=("articles/quiet/index.html",)), clock=clock)
    d.builder.block_next()
    d.loop.flag("articles/calm.md")
    assert d.builder.inside.wait(TIMEOUT)
    d.loop.flag("articles/quiet.md")
    d.builder.release()
    assert d.loop.wait_idle(TIMEOUT)
    assert d.builder.calls == 3 and d.kinds() == ["reload"]
    assert d.events()[0][1]["removed"] == ["/articles/quiet/"]


def test_a_reload_is_held_no_longer_than_hold_reload(driven):
    """Builds that keep coming do not keep a page stale: once HOLD_RELOAD has passed since the first held
    build, the reload goes out even though another build follows."""
    clock = FakeClock()
    d = driven(built("articles/calm/index.html"), built("articles/calm/index.html"),
               built("articles/calm/index.html"), clock=clock)
    d.builder.block_next()
    d.loop.flag("articles/calm.md")
    assert d.builder.inside.wait(TIMEOUT)      # build 2 runs; build 3 is queued behind it
    d.loop.flag("articles/calm.md")
    d.builder.block_next()                     # and build 3 is held too, with build 4 queued behind it
    d.builder.release()
    assert d.builder.inside.wait(TIMEOUT)
    assert d.kinds() == []                     # build 2's reload is held for build 3
    clock.advance(HOLD_RELOAD)
    d.loop.flag("articles/calm.md")
    d.builder.release()
    assert d.loop.wait_idle(TIMEOUT)
    assert d.kinds()[0] == "reload"            # build 3 announced, though build 4 was coming
    assert d.builder.calls == 4 and d.kinds() == ["reload", "reload"]


def test_a_builder_that_crashes_is_reported_and_the_preview_goes_on(driven):
    d = driven(RuntimeError("boom"), built("articles/calm/index.html"))
    d.save()
    assert d.kinds() == ["failed"]
    assert "RuntimeError: boom" in d.events()[0][1]["errors"][0]["message"]
    assert "Traceback" in d.log.getvalue() and "bug in Haven" in d.log.getvalue()
    d.save()
    assert d.kinds() == ["failed", "reload"]


def test_the_base_path_comes_from_the_built_site(driven):
    site = SimpleNamespace(config=SimpleNamespace(base_path="/hub/"))
    d = driven(BuildResult(written=["articles/calm/index.html"], site=site))
    d.save()
    assert d.preview.url.endswith("/hub/")
    assert d.events()[0][1]["home"] == "/hub/"


def test_an_unsafe_output_folder_stops_the_preview_before_it_serves(tmp_path):
    out = tmp_path / "not-ours"
    out.mkdir()
    preview = Preview(tmp_path, out, port=0, stream=io.StringIO(),
                      builder=FakeBuilder(BuildResult(usage_error="not a folder Haven made")))
    result = preview.start()
    preview.stop()
    assert result.usage_error and not preview.started


def test_a_restarted_watcher_or_a_vanished_output_folder_means_a_build(driven):
    """The idle health check: changes may have been missed while the watcher was down, and an output
    folder deleted by hand is built again."""
    d = driven(built("index.html"), built("index.html"))
    d.preview._health()                               # healthy, output there: nothing to do
    assert d.loop.wait_idle(TIMEOUT) and d.builder.calls == 1
    d.preview.watcher.check = lambda: True           # the watcher had stopped and was started again
    d.preview._health()
    assert d.loop.wait_idle(TIMEOUT) and d.builder.calls == 2
    d.preview.watcher.check = lambda: False
    shutil.rmtree(d.out)
    d.preview._health()
    assert d.loop.wait_idle(TIMEOUT) and d.builder.calls == 3
    assert "output folder disappeared" in d.log.getvalue()


def test_bookkeeping_runs_after_browsers_are_told_and_its_failure_is_only_a_warning(driven):
    seen: list[list[str]] = []
    d = driven()

    def remember():
        seen.append(d.kinds())   # what open pages had been told when the stamp was written

    def cannot_remember():
        raise OSError(28, "No space left on device")

    first = built("articles/calm/index.html")
    first.bookkeeping = remember
    second = built("articles/quiet/index.html")
    second.bookkeeping = cannot_remember
    d.builder.script += [first, second]
    d.save()
    assert seen == [["reload"]]
    d.save()
    assert d.kinds() == ["reload", "reload"]
    assert "could not remember this build" in d.log.getvalue() and "No space left on device" in d.log.getvalue()
