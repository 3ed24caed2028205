"""The preview's build loop with a fake builder: how many builds a burst of changes costs, counted with
events, never with wall time (no watcher, no socket, no sleep); the debounce on a fake clock."""

from __future__ import annotations

import threading
import time

import pytest

from generator.serve.loop import BuildLoop
from tests.servekit import FakeClock


class FakeBuilds:
    """A builder that records each build and, when asked, blocks inside one until released."""

    def __init__(self) -> None:
        self.count = 0
        self.results: list[tuple[int, bool]] = []   # (build number, more_coming) as on_result saw them
        self.hold_next = threading.Event()
        self.inside = threading.Event()
        self.release = threading.Event()

    def build(self) -> int:
        self.count += 1
        if self.hold_next.is_set():
            self.hold_next.clear()
            self.inside.set()
            assert self.release.wait(30)
        return self.count

    def on_result(self, result: int, more_coming: bool) -> None:
        self.results.append((result, more_coming))

    @staticmethod
    def on_crash(exc: BaseException, text: str) -> int:
        return -1


@pytest.fixture
def fake():
    builds = FakeBuilds()
    loop: BuildLoop[int] = BuildLoop(builds.build, builds.on_result, builds.on_crash)
    yield builds, loop
    builds.release.set()
    loop.stop(10)


def test_changes_flagged_before_the_loop_looks_are_one_build(fake):
    builds, loop = fake
    for i in range(20):
        loop.flag(f"articles/a{i}.md")
    loop.start()
    assert loop.wait_idle(30)
    assert builds.count == 1
    assert loop.last_paths == frozenset(f"articles/a{i}.md" for i in range(20))


def test_changes_during_a_build_are_exactly_one_more_build(fake):
    builds, loop = fake
    loop.start()
    builds.hold_next.set()
    loop.flag("articles/first.md")
    assert builds.inside.wait(30)          # build 1 is running and cannot finish yet
    for i in range(20):
        loop.flag(f"articles/burst{i}.md")  # a burst of saves while it runs
    builds.release.set()
    assert loop.wait_idle(30)
    assert builds.count == 2
    assert builds.results == [(1, True), (2, False)]  # build 1 knew another was coming; build 2 did not
    assert loop.last_paths == frozenset(f"articles/burst{i}.md" for i in range(20))


def test_requests_wait_for_the_build_of_every_change_flagged_before_them(fake):
    builds, loop = fake
    loop.start()
    builds.hold_next.set()
    loop.flag("articles/a.md")
    assert builds.inside.wait(30)
    assert loop.busy()
    assert loop.wait_idle(0) is False        # a request now would wait for the running build
    builds.release.set()
    assert loop.wait_idle(30) is True
    assert not loop.busy() and builds.count == 1


def test_a_builder_that_raises_is_a_result_and_the_loop_goes_on():
    outcomes: list[int] = []
    calls: list[int] = []

    def builder() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return len(calls)

    loop: BuildLoop[int] = BuildLoop(builder, lambda result, more: outcomes.append(result), lambda exc, text: -1)
    loop.start()
    try:
        loop.flag("a.md")
        assert loop.wait_idle(30)
        loop.flag("a.md")
        assert loop.wait_idle(30)
    finally:
        loop.stop(10)
    assert outcomes == [-1, 2]


def test_a_stream_of_changes_that_never_goes_quiet_still_builds():
    """Not starved: changes keep coming (the loop never sees `quiet` seconds without one), yet a build
    happens, at the latest after `max_delay`. The stream stops only once that build has started, so
    the build cannot have come from a quiet moment, however slow the machine."""
    started = threading.Event()

    def builder() -> int:
        started.set()
        return 1

    loop: BuildLoop[int] = BuildLoop(builder, lambda result, more: None, lambda exc, text: -1,
                                     quiet=3600.0, max_delay=0.05)
    loop.start()
    try:
        give_up = time.monotonic() + 60  # a failure bound only: on any machine it builds long before
        while not started.is_set() and time.monotonic() < give_up:
            loop.flag("articles/x.md")
            started.wait(0.001)  # yields to the loop thread
        assert started.is_set(), "no build while changes kept coming"
        assert loop.wait_idle(30)  # and whatever came after it is built too
    finally:
        loop.stop(10)
    assert loop.builds >= 1 and not loop.busy()


# -- the debounce, on a fake clock: when the build of flagged changes may start -------------------------

def clocked(clock, **kwargs) -> BuildLoop[int]:
    return BuildLoop(lambda: 0, lambda result, more: None, lambda exc, text: -1, clock=clock, **kwargs)


def test_nothing_flagged_means_no_build_is_due():
    assert clocked(FakeClock()).due_in() is None


def test_a_build_waits_until_the_changes_have_been_quiet_for_quiet_seconds():
    clock = FakeClock()
    loop = clocked(clock, quiet=0.010, max_delay=1.0)
    loop.flag("articles/a.md")
    assert loop.due_in() == pytest.approx(0.010)
    clock.advance(0.006)
    loop.flag("articles/b.md")                      # another save: the quiet period starts again
    assert loop.due_in() == pytest.approx(0.010)
    clock.advance(0.009)
    assert loop.due_in() == pytest.approx(0.001)
    clock.advance(0.001)
    assert loop.due_in() == 0


def test_changes_that_never_go_quiet_are_built_at_the_latest_after_max_delay():
    clock = FakeClock(0.0)   # times in binary fractions: exact in floating point
    loop = clocked(clock, quiet=0.25, max_delay=4.0)
    loop.flag("articles/a.md")
    for _ in range(31):                             # a save every 1/8 s, for almost 4 s
        clock.advance(0.125)
        loop.flag("articles/a.md")
        assert loop.due_in() == min(0.25, 4.0 - clock.now)
    clock.advance(0.125)
    assert loop.due_in() == 0


def test_an_unfinished_save_holds_the_build_until_it_is_finished_or_max_delay():
    clock = FakeClock()
    unfinished = [True]
    loop = clocked(clock, quiet=0.010, max_delay=1.0, hold=lambda: unfinished[0])
    loop.flag("articles/a.md")
    clock.advance(0.010)                            # quiet, but the file is still being written
    assert 0 < loop.due_in() <= 0.05                 # asked again soon
    clock.advance(0.5)
    assert 0 < loop.due_in() <= 0.05
    unfinished[0] = False                           # the editor closed the file
    assert loop.due_in() == 0
    unfinished[0] = True
    clock.advance(0.49)                             # a save that never finishes waits max_delay at most
    assert loop.due_in() == 0


def test_wait_builds_returns_when_the_build_is_announced(fake):
    builds, loop = fake
    loop.start()
    loop.flag("articles/a.md")
    assert loop.wait_builds(1, 30)
    assert builds.results == [(1, False)]            # announced before it was counted
    assert loop.wait_builds(2, 0) is False
