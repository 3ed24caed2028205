"""Packaging: Haven's own distribution name, one version, an SPDX licence, package data that exists,
and lock files that pin (with hashes) every dependency pyproject.toml names."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import generator

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


def _locked(lock: Path) -> dict[str, int]:
    """name -> how many hashes the lock gives for its pinned version."""
    pins: dict[str, int] = {}
    current = ""
    for line in lock.read_text("utf-8").splitlines():
        if match := re.match(r"([A-Za-z0-9._-]+)==\S+", line):
            current = _name(match.group(1))
            pins[current] = 0
        elif line.strip().startswith("--hash=sha256:") and current:
            pins[current] += 1
    return pins


def test_project_metadata():
    project = PYPROJECT["project"]
    assert project["name"] == "haven-ssg"              # "haven" on PyPI is someone else's
    assert project["license"] == "MIT" and (REPO / "LICENSE").read_text("utf-8").startswith("MIT License")
    assert "version" not in project and project["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "generator.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", generator.__version__)
    assert project["scripts"] == {"haven": "generator.cli:run"}   # main, then a quick exit
    assert any(r.startswith("setuptools>=77") for r in PYPROJECT["build-system"]["requires"])


def test_every_package_data_entry_matches_files():
    package = REPO / "generator"
    for pattern in PYPROJECT["tool"]["setuptools"]["package-data"]["generator"]:
        assert [p for p in package.glob(pattern) if p.is_file()], f"package-data '{pattern}' matches nothing"
    assert (package / "py.typed").is_file()


def test_the_locks_pin_every_dependency_with_hashes():
    serve, test = _locked(REPO / "requirements.lock"), _locked(REPO / "requirements-test.lock")
    for requirement in PYPROJECT["project"]["dependencies"]:
        assert _name(requirement) in serve, f"{requirement} is not in requirements.lock: run make lock"
        assert _name(requirement) in test, f"{requirement} is not in requirements-test.lock: run make lock"
    for requirement in PYPROJECT["project"]["optional-dependencies"]["test"]:
        assert _name(requirement) in test, f"{requirement} is not in requirements-test.lock: run make lock"
    assert not {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]} & set(serve)
    assert all(count >= 1 for count in (serve | test).values())
