"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from tests.browser import launch_browser, require_browser


@pytest.fixture(scope="module")
def browser():
    """One headless Debian chromium per test module (skips outside CI when it is missing; fails in CI)."""
    require_browser()
    with launch_browser() as b:
        yield b
