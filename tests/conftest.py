"""Fixtures shared by the test modules.

Under pytest-xdist every worker is its own process, so a session fixture is made once per worker (two
on this machine), never once per test module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser import launch_browser, require_browser
from tests.publishkit import build_ok, copy_sample


@pytest.fixture(scope="module")
def browser():
    """One headless Debian chromium per test module (skips outside CI when it is missing; fails in CI).

    Module scope: the Playwright driver stops between test files (its sync API refuses two drivers)."""
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
