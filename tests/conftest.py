"""Fixtures shared by the test modules.

Under pytest-xdist every worker is its own process, so a session fixture is made once per worker (two
on this machine), never once per test module. Hubs a test only reads are built once per process and shared
(`sample_hub` here; `tests.sitekit.built_copy` copies a hub built once); browser tests share one browser.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@pytest.fixture(scope="session")
def browser():
    """The one headless Debian chromium of this test process (under pytest-xdist, one per worker), shared
    by every browser test; each test opens its own context or page. Skips outside CI when chromium is
    missing; fails in CI. (`tests.browser.launch_browser` shares one Playwright driver per process, so a
    test that needs a browser with other launch options can still have one.)"""
    require_browser()
    with launch_browser() as b:
        yield b


@dataclass(frozen=True)
class SampleBuild:
    """The repository's sample hub, copied and built: read it, never change it."""

    site: Path      # the copy of the hub's sources
    out: Path       # what the build wrote (pages, feeds, sitemap, _headers, the search index)
    model: Any      # the assembled site (generator.model.Site)


@pytest.fixture(scope="session")
def sample_hub(tmp_path_factory) -> SampleBuild:
    """The sample hub built once per test process, with `_headers` and the search index."""
    site = copy_sample(tmp_path_factory.mktemp("sample") / "site")
    result = build_ok(site, headers=True)
    return SampleBuild(site, site / "output", result.site)
