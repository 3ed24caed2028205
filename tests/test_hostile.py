"""The hostile corpus (tests/hostile/cases_*.py), each row checked the same way (see tests/hostile)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from generator.confine import remove_tree
from tests import hostile
from tests.hostile import SENTINEL, Case, file_bytes, make_outside, run_haven, run_haven_here
from tests.sitekit import built_copy


def all_cases() -> list[Case]:
    cases = []
    for module in pkgutil.iter_modules(hostile.__path__):
        if module.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.hostile.{module.name}").CASES
    return cases


def good_hub(root: Path) -> Path:
    """A fixture hub already built once (copied from a first build, so each case starts quickly)."""
    return built_copy(root, search_index=False)


def output_bytes(hub: Path) -> dict[str, bytes]:
    """The files of hub/output (none when output itself is a link a case planted: it is not Haven's)."""
    return {} if (hub / "output").is_symlink() else file_bytes(hub / "output")


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case.name)
def test_hostile_hub(case: Case, tmp_path_factory):
    """One row of the corpus, checked as the module text of tests/hostile says."""
    if case.skip:
        pytest.skip(case.skip)
    tmp = tmp_path_factory.mktemp("hostile")
    try:
        check_case(case, tmp)
    finally:   # pytest removes old temporary folders recursively: a folder 1,200 deep would stop it
        remove_tree(tmp)


def check_case(case: Case, tmp: Path) -> None:
    """Run one case in `tmp` and check what the module text of tests/hostile says."""
    hub = good_hub(tmp / "hub")
    outside = make_outside(tmp / "outside")
    outside_before = file_bytes(outside)
    case.arrange(hub, outside)
    output_before = output_bytes(hub)

    command = [*case.command, "--no-search-index"] if case.command == ("build",) else list(case.command)
    result = run_haven(hub, command, case.timeout) if case.process else run_haven_here(hub, command)
    said = result.stdout + result.stderr
    assert result.returncode == case.status, said
    assert "Traceback" not in said and 'File "' not in said, said
    if case.where:
        assert case.where in said, said
    if case.says:
        assert case.says in said, said
    if case.status != 0:
        assert output_bytes(hub) == output_before, "a failed build changed output/"
    for rel, data in output_bytes(hub).items():
        assert SENTINEL not in data, f"output/{rel} holds bytes from outside the hub"
    assert file_bytes(outside) == outside_before, "a file outside the hub was changed, created or deleted"
    if case.check:
        case.check(hub, outside)

