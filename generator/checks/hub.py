"""Runs every whole-hub check; the build calls this one function."""

from __future__ import annotations

from pathlib import Path

from generator.checks import site as site_checks
from generator.diagnostics import Diagnostic
from generator.model import Site
from generator.templates import Templates


def run(site: Site, urls: set[str], templates: Templates, site_dir: Path) -> list[Diagnostic]:
    """All findings that need more than one file."""
    out: list[Diagnostic] = []
    out += site_checks.check_ids(site)
    out += site_checks.check_neighbours(site)
    out += site_checks.check_links(site, urls)
    out += site_checks.check_templates(site, templates)
    return out
