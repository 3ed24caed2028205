"""`haven init`: a working, styled hub in one command, whose only findings ask the team for real details."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections import Counter
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.config import NESTED, SETTINGS
from generator.hubinit import SKELETON
from generator.theme import THEME_STATIC

REPO = Path(__file__).resolve().parent.parent
# What a new team must fill in itself: who runs and funds the hub, which crisis services it has checked,
# and where readers report a mistake.
FILL_IN_WARNINGS = Counter({"transparency": 3, "crisis-resource-unverified": 3, "contact-missing": 1})


def _findings(site: Path, capsys) -> tuple[int, list[dict]]:
    capsys.readouterr()
    status = main(["check", "--site", str(site), "--format", "json"])
    return status, json.loads(capsys.readouterr().out)["diagnostics"]


def test_init_then_build_passes_check_with_only_the_fill_in_warnings(tmp_path, capsys):
    hub = tmp_path / "myhub"
    assert main(["init", str(hub)]) == 0
    assert "cd " in capsys.readouterr().out
    assert main(["build", "--site", str(hub)]) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith("haven: built ")
    status, findings = _findings(hub, capsys)
    assert status == 0
    assert Counter(f["code"] for f in findings) == FILL_IN_WARNINGS, findings
    assert all(f["severity"] == "warning" for f in findings)
    # the example article cites the verified entry, and the page shows it as a reference
    page = (hub / "output/articles/why-empathy-matters-in-care/index.html").read_text("utf-8")
    assert 'class="citation"' in page and 'id="ref-derksen2013"' in page and "10.3399/bjgp13X660814" in page
    assert (hub / "output/about/index.html").is_file()
    # styled: the theme's stylesheet is published and every page links it
    css = (hub / "output/static/css/haven.css").read_bytes()
    assert css == (THEME_STATIC / "css/haven.css").read_bytes() and len(css) > 1000
    for html in (hub / "output").rglob("index.html"):
        assert '/static/css/haven.css"' in html.read_text("utf-8"), html


def test_filling_in_the_details_leaves_no_findings(tmp_path, capsys):
    """The fill-in warnings go away exactly when the team does what they ask (so they are not noise)."""
    hub = tmp_path / "h"
    assert main(["init", str(hub)]) == 0
    text = (hub / "site.yaml").read_text("utf-8")
    text = text.replace("  # owner: Run", "  owner: Run").replace("  # funding: Funded", "  funding: Funded")
    text = text.replace("  # advertising: We", "  advertising: We").replace("# contact: corr", "contact: corr")
    text = text.replace('      url: https://', '      verified_on: 2026-11-01\n      url: https://')
    (hub / "site.yaml").write_text(text, "utf-8")
    status, findings = _findings(hub, capsys)
    assert status == 0
    assert [f for f in findings if f["code"] != "crisis-resource-stale"] == []


def test_init_refuses_a_folder_that_is_not_empty_and_touches_nothing(tmp_path, capsys):
    hub = tmp_path / "taken"
    hub.mkdir()
    (hub / "notes.txt").write_text("mine")
    assert main(["init", str(hub)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in hub.iterdir()] == ["notes.txt"]
    (tmp_path / "a-file").write_text("x")
    assert main(["init", str(tmp_path / "a-file")]) == 2
    assert main(["init", str(tmp_path / "a-file" / "below")]) == 2   # a folder under a file: a message, no traceback
    err = capsys.readouterr().err
    assert "is a file" in err and "cannot write" in err and "Traceback" not in err
    assert (tmp_path / "a-file").read_text() == "x"


def test_init_in_the_current_empty_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert (tmp_path / "site.yaml").is_file() and (tmp_path / ".gitignore").is_file()
    assert (tmp_path / ".github/workflows/deploy.yml").is_file()


def test_site_yaml_names_every_setting():
    text = (SKELETON / "site.yaml").read_text("utf-8")
    for spec in SETTINGS:
        assert f"\n{spec.name}:" in text or f"\n# {spec.name}:" in text, spec.name
    for parent, keys in NESTED.items():
        for key in keys:
            assert f" {key}:" in text, f"{parent}.{key}"


def test_skeleton_data_are_the_samples_real_ones():
    """The reference is the sample's verified entry and the crisis services the sample's real ones, minus
    the sample's `verified_on` dates (a new team must check them for its own readers)."""
    ours = yaml.safe_load((SKELETON / "data/references.yaml").read_text("utf-8"))["references"]
    sample = {e["id"]: e for e in yaml.safe_load((REPO / "data/references.yaml").read_text("utf-8"))["references"]}
    assert ours == [sample["derksen2013"]]
    shared = Path("/work/shared/sources/references.yaml")
    if shared.is_file():
        verified = {e["id"]: e for e in yaml.safe_load(shared.read_text("utf-8"))["references"]}
        assert ours == [verified["derksen2013"]]
    skeleton_crisis = yaml.safe_load((SKELETON / "site.yaml").read_text("utf-8"))["crisis"]["resources"]
    sample_crisis = yaml.safe_load((REPO / "site.yaml").read_text("utf-8"))["crisis"]["resources"]
    english = [{k: (v["en"] if isinstance(v, dict) else v) for k, v in r.items() if k != "verified_on"}
               for r in sample_crisis if r.get("languages") == ["en"]]
    assert skeleton_crisis == english
    assert "verify" in (SKELETON / "site.yaml").read_text("utf-8").split("resources:")[0].split("crisis:")[1]


def test_deploy_workflow_is_the_repos_installing_the_pinned_haven():
    ours = (SKELETON / "github/workflows/deploy.yml").read_text("utf-8")
    repo = (REPO / ".github/workflows/deploy.yml").read_text("utf-8")
    assert "pip install -r requirements.txt" in ours
    as_repo = (ours.replace("requirements.txt", "pyproject.toml").replace("pip install -r pyproject.toml", "pip install .")
               .replace(" (the version in pyproject.toml, and the Pagefind", " (and the Pagefind"))
    assert as_repo == repo


@pytest.mark.slow
def test_installed_package_starts_and_builds_a_styled_hub_offline(tmp_path):
    """pip install of the project into a fresh environment (nothing downloaded), `haven init myhub`, build:
    the theme and the skeleton come from the installed package, not from this checkout."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    new_site = Path(subprocess.run([venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                   capture_output=True, text=True, check=True).stdout.strip())
    # the dependencies (and pip, setuptools) from this environment, read-only, after the new one's own
    (new_site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    build_dir = tmp_path / "src"   # a copy, so the build leaves nothing in the checkout
    _copy_project(REPO, build_dir)
    proc = subprocess.run([venv / "bin/python", "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                           str(build_dir)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    haven = venv / "bin/haven"
    assert haven.is_file()
    where = subprocess.run([venv / "bin/python", "-c", "import generator; print(generator.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(new_site)), where   # the installed copy, not this checkout
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([haven, "init", "myhub"], capture_output=True, text=True, env=env, cwd=work)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([haven, "build"], capture_output=True, text=True, env=env, cwd=work / "myhub")
    assert proc.returncode == 0, proc.stderr
    out = work / "myhub/output"
    assert '<link rel="stylesheet" href="/static/css/haven.css">' in (out / "index.html").read_text("utf-8")
    assert (out / "static/css/haven.css").read_bytes() == (THEME_STATIC / "css/haven.css").read_bytes()
    assert (out / "static/favicon.svg").is_file() and (out / "articles/why-empathy-matters-in-care/index.html").is_file()


def _copy_project(repo: Path, target: Path) -> None:
    """The files a source distribution would hold (no .venv, output or caches)."""
    import shutil

    skip = shutil.ignore_patterns(".venv", ".git", "output", ".haven-cache", "__pycache__", "*.egg-info", "build",
                                  "bench", ".pytest_cache", "node_modules")
    shutil.copytree(repo, target, ignore=skip, symlinks=True)


def test_init_in_a_fresh_clone_keeps_its_git_readme_and_licence(tmp_path, capsys):
    """A team makes a repository on GitHub (README, LICENSE), clones it and runs haven init there."""
    clone = tmp_path / "clone"
    (clone / ".git").mkdir(parents=True)
    (clone / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (clone / "README.md").write_text("# Our hub\n")
    (clone / "LICENSE").write_text("CC BY 4.0\n")
    assert main(["init", str(clone)]) == 0
    assert (clone / "README.md").read_text() == "# Our hub\n" and (clone / "LICENSE").read_text() == "CC BY 4.0\n"
    assert (clone / ".git/HEAD").read_text() == "ref: refs/heads/main\n" and (clone / "site.yaml").is_file()
    other = tmp_path / "other"
    (other / ".git").mkdir(parents=True)
    (other / ".gitignore").write_text("*.log\n")   # a file haven init would write: refused, untouched
    assert main(["init", str(other)]) == 2
    assert "(.gitignore)" in capsys.readouterr().err and (other / ".gitignore").read_text() == "*.log\n"
