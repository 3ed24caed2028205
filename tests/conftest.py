"""Fixtures shared by the test modules.

Under pytest-xdist every worker is its own process, so a session fixture is made once per worker (two
on this machine), never once per test module; the sample hub is built once per run (`sample_hub`), and
`tests.sitekit.built_copy` copies a fixture hub built once per process. Browser tests share one browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import launch_browser, require_browser
from tests.publishkit import build_ok, copy_sample


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slowest first: browser and slow tests lead, in their files' order, the quick ones follow. pytest-xdist
    hands tests out in this order, so the long ones start early and the quick ones fill the workers' ends
    (a long test handed out last would keep one worker busy while the other waits)."""
    items.sort(key=lambda item: not (item.get_closest_marker("browser") or item.get_closest_marker("slow")))
    _group_for_xdist(config, items)


def _group_for_xdist(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give each test marked `xdist_group(name)` the node id `<id>@<name>`, which is how `--dist loadgroup`
    knows to send the group's tests to one worker (so a module fixture is made once: one wrangler per build
    variant, one pandoc run). pytest-xdist 3.8 does this by setting `item._nodeid`, which pytest 9.2 no longer
    reads (a node id is `item._id` now): the suffix was lost and every group silently spread over both
    workers, each making the group's fixtures. Does nothing where xdist's own renaming took effect."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
            if not item.nodeid.endswith(suffix):
                raise pytest.UsageError(f"cannot group {item.nodeid} for pytest-xdist with this pytest")


@pytest.fixture(scope="session")
def browser():
    """The one headless Debian chromium of this test process (under pytest-xdist, one per worker), shared
    by every browser test; each test opens its own context or page. Skips outside CI when chromium is
    missing; fails in CI. (`tests.browser.launch_browser` shares one Playwright driver per process, so a
    test that needs a browser with other launch options can still have one.)"""
    require_browser()
    with launch_browser() as b:
        yield b


class SampleBuild:
    """The repository's sample hub, copied and built: read it, never change it."""

    def __init__(self, site: Path, model: Any = None, out: Path | None = None) -> None:
        self.site = site                         # the copy of the hub's sources
        self.out = out or site / "output"        # what the build wrote (pages, feeds, sitemap, _headers, the index)
        self._model = model

    @property
    def model(self) -> Any:
        """The assembled site (generator.model.Site). A worker that found the hub built by another
        assembles it once, checking only (nothing is written)."""
        if self._model is None:
            from generator.build import BuildOptions, build

            result = build(BuildOptions(self.site, self.out, write=False, use_cache=False, headers=True))
            assert result.ok and result.site is not None, [d.format() for d in result.diagnostics]
            self._model = result.site
        return self._model


def _sample_built_once(tmp_path_factory, name: str, base_url: str | None = None, out: str = "site/output"
                       ) -> SampleBuild:
    """The sample hub (with `base_url`, when given) built into `out` once per test run, with `_headers` and the
    search index: under pytest-xdist the first worker to ask builds it into the run's shared temporary folder
    and the others wait for it."""
    import fcntl
    import os

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent   # the run's folder: every worker's basetemp is inside it
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # released when the file closes, whatever happens
        if (folder / "built").is_file():
            return SampleBuild(folder / "site", out=folder / out)
        site = copy_sample(folder / "site", base_url=base_url)
        result = build_ok(site, folder / out, headers=True)
        (folder / "built").touch()
        return SampleBuild(site, result.site, folder / out)


@pytest.fixture(scope="session")
def sample_hub(tmp_path_factory) -> SampleBuild:
    """The sample hub built once per test run, with `_headers` and the search index."""
    return _sample_built_once(tmp_path_factory, "sample-hub")


SUB_PATH_URL = "https://example.org/hub/"


@pytest.fixture(scope="session")
def sample_hub_under_a_sub_path(tmp_path_factory) -> SampleBuild:
    """The sample hub with `base_url: https://example.org/hub/`, built once per test run (as `sample_hub`) into
    `root/hub`, so that serving `root` puts it under /hub/ as a host publishing several things would."""
    return _sample_built_once(tmp_path_factory, "sample-hub-sub-path", SUB_PATH_URL, "root/hub")


@pytest.fixture
def running(tmp_path):
    """A preview (`haven serve` in process) of a fresh copy of the serve tests' hub, built and served;
    stopped afterwards."""
    from tests.servekit import Running, hub

    run = Running(hub(tmp_path / "hub"))
    assert run.result.ok, run.log.getvalue()
    yield run
    run.stop()
