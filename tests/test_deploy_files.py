"""The deploy files parse, use Haven's real command line, and agree with what `haven build --headers`
writes; the _headers policy is strict."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from generator import headers
from generator.cli import main, make_parser
from tests.publishkit import REPO, copy_sample

WORKFLOW = REPO / ".github" / "workflows" / "deploy.yml"
NETLIFY = REPO / "netlify.toml"
GUIDE = REPO / "docs" / "deploy.md"
REQUIRED = ("Content-Security-Policy", "Referrer-Policy", "Permissions-Policy", "X-Content-Type-Options")


def haven_commands(shell: str) -> list[list[str]]:
    """Every `haven ...` invocation in a shell command line (split on && and newlines)."""
    commands = []
    for line in shell.replace("&&", "\n").splitlines():
        words = shlex.split(line)
        if words and words[0] == "haven":
            commands.append(words[1:])
    return commands


def parses(argv: list[str]):
    return make_parser().parse_args(argv)


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def steps(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def test_workflow_builds_caches_and_deploys_the_hub():
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # PyYAML reads a bare `on:` key as True
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = flow["jobs"]["build"]
    assert steps(build, "actions/checkout")
    (python,) = steps(build, "actions/setup-python")
    assert str(python["with"]["python-version"]) == "3.11"
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert any("pip install ." in r for r in runs)
    (cache,) = steps(build, "actions/cache")
    assert cache["with"]["path"] == ".haven-cache" and "restore-keys" in cache["with"]
    commands = [c for r in runs for c in haven_commands(r)]
    assert commands == [["check", "--format", "github"], ["build", "--headers"]]
    check, build_args = parses(commands[0]), parses(commands[1])
    assert check.command == "check" and check.format == "github"
    assert build_args.command == "build" and build_args.headers
    (upload,) = steps(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "output"   # the CLI's default output folder
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert steps(deploy, "actions/deploy-pages")
    order = [s.get("uses", s.get("run", "")).split("@")[0] for s in build["steps"]]
    assert order.index("actions/cache") < next(i for i, s in enumerate(order) if "haven check" in s) \
        < next(i for i, s in enumerate(order) if "haven build" in s)


def test_netlify_toml_builds_with_headers_into_the_published_folder():
    config = tomllib.loads(NETLIFY.read_text("utf-8"))
    commands = haven_commands(config["build"]["command"])
    assert commands == [["build", "--headers"]] and parses(commands[0]).headers
    assert config["build"]["publish"] == "output"
    assert config["build"]["environment"]["PYTHON_VERSION"] == "3.11"


def test_the_guide_covers_every_host_and_shows_the_real_header_values():
    guide = GUIDE.read_text("utf-8")
    for host in ("GitHub Pages", "Netlify", "Cloudflare Pages", "rsync", "S3"):
        assert host in guide, host
    for name, value in headers.security_headers():
        assert value in guide, f"docs/deploy.md does not show the current {name}"
    assert "haven build --headers" in guide


def test_csp_is_strict():
    policy = dict(part.strip().split(" ", 1) for part in headers.content_security_policy().split(";"))
    assert policy["default-src"] == "'none'"
    for directive, sources in policy.items():
        words = sources.split()
        assert "'unsafe-inline'" not in words and "'unsafe-eval'" not in words, directive
        assert "*" not in words and "data:" not in words and "blob:" not in words, directive
        assert not [w for w in words if "://" in w or w in ("http:", "https:")], directive
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"


@pytest.fixture
def sample_site(tmp_path):
    return copy_sample(tmp_path / "site")


def test_haven_build_writes_headers_only_on_request(sample_site, capsys):
    out = sample_site / "output"
    assert main(["build", "--site", str(sample_site), "--headers"]) == 0
    rules = headers.parse_headers_file((out / "_headers").read_text("utf-8"))
    assert [pattern for pattern, _ in rules] == ["/*", "/static/*"]
    sent = dict(rules[0][1])
    for name in REQUIRED:
        assert name in sent, name
    assert sent["Content-Security-Policy"] == headers.content_security_policy()
    assert sent["X-Content-Type-Options"] == "nosniff"
    assert main(["build", "--site", str(sample_site)]) == 0
    assert not (out / "_headers").exists()
