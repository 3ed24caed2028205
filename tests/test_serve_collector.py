"""The preview's garbage collection: paused while a build runs, cycles freed after it, the long-lived heap
frozen and refrozen."""

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


def test_no_collection_runs_during_a_build_and_the_collector_is_restored(collector):
    with collector.paused():
        assert not gc.isenabled()
        left = cycle()
    assert gc.isenabled()
    assert left() is not None              # the build's cycle waits for after_build
    collector.after_build()
    assert left() is None
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()              # a collector paused by someone else stays paused
    gc.enable()


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
