"""Garbage collection: off while a build runs; in the preview, cycles freed after each build and the
long-lived heap frozen and refrozen."""

from __future__ import annotations

import gc
import weakref

import pytest

from generator.serve.collector import REFREEZE_EVERY, Collector


class Node:
    """An object that can be made part of a reference cycle."""

    me: object = None


def cycle() -> weakref.ref:
    """A cycle of one object nobody else holds; the reference tells whether it is still alive."""
    node = Node()
    node.me = node
    return weakref.ref(node)


@pytest.fixture
def collector():
    enabled = gc.isenabled()
    gc.enable()
    yield Collector()
    gc.unfreeze()
    if not enabled:
        gc.disable()


def test_a_build_runs_without_the_collector_and_leaves_it_as_it_was(tmp_path):
    from generator.build import BuildOptions, build
    from tests.sitekit import make_site

    hub = make_site(tmp_path / "hub")
    during: list[bool] = []   # the collector's state each time the build reports progress

    def progress(stage: str, done: int, total: int) -> None:
        during.append(gc.isenabled())

    try:
        assert build(BuildOptions(hub, hub / "output", progress=progress)).ok
        assert during and not any(during) and gc.isenabled()
        gc.disable()
        assert build(BuildOptions(hub, hub / "output", use_cache=False)).ok
        assert not gc.isenabled()              # a collector someone else turned off stays off
    finally:
        gc.enable()


def test_cycles_left_by_a_build_are_freed_after_it(collector):
    left = cycle()
    collector.after_build()
    assert left() is None


def test_cycles_left_by_each_build_are_freed_and_the_long_lived_heap_is_frozen(collector):
    collector.after_build()                # the first build: collect, then freeze what lives
    assert gc.get_freeze_count() > 0
    for _ in range(3):
        left = cycle()
        collector.after_build()
        assert left() is None


def test_a_cycle_that_dies_while_frozen_is_freed_at_the_next_refreeze(collector):
    old = Node()
    old.me = old
    dead = weakref.ref(old)
    collector.after_build()                # frozen while still in use
    del old
    collector.after_build()
    assert dead() is not None              # frozen objects are not walked between refreezes
    while collector.builds % REFREEZE_EVERY:
        collector.after_build()
    assert dead() is None
