"""Checks as data: the code table, `haven check --list`, and `site.yaml` `checks:` levels."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from generator.checks.policy import BY_CODE, CHECKS, apply_policy, finding, read_levels
from generator.cli import main
from tests.sitekit import CONTACT_LINE, REPO, SITE_YAML, article, make_site, snapshot

GENERATOR = REPO / "generator"
EMITTERS = {"error", "warning", "finding", "Diagnostic"}


def _emitting_functions(trees: dict[Path, ast.Module]) -> set[str]:
    """Functions anywhere in generator/ whose first parameter is `code` (helpers such as `_unknown`)."""
    names = set(EMITTERS)
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.args.args and node.args.args[0].arg == "code":
                names.add(node.name)
    return names


@functools.lru_cache(maxsize=1)   # one scan of the source per test process: three tests read it
def emitted_codes() -> dict[str, str]:
    """Every finding code written literally in generator/: code -> first file:line that emits it.

    Found by reading the source, not by running it, so a code added by any module (another branch's
    too, once merged) shows up here whether or not a test reaches it."""
    trees = {path: ast.parse(path.read_text("utf-8")) for path in GENERATOR.rglob("*.py")}
    emitters = _emitting_functions(trees)
    found: dict[str, str] = {}
    for path, tree in sorted(trees.items()):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in emitters:
                continue
            position = 4 if name == "Diagnostic" else 0  # Diagnostic(path, line, col, severity, code, ...)
            argument = node.args[position] if len(node.args) > position else next(
                (k.value for k in node.keywords if k.arg == "code"), None)
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.setdefault(argument.value, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def severities_chosen_at_call_sites() -> dict[tuple[str, str], str]:
    """(code, severity) -> where, for call sites that still pick error()/warning() themselves."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("error", "warning") \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.setdefault((node.args[0].value, node.func.id), f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_a_call_site_that_still_picks_a_severity_agrees_with_the_table():
    """The policy gives every code its table severity whatever the call site said; a call site that says
    otherwise misleads its reader (use finding(), or give the two cases two codes)."""
    disagree = {f"{code} ({where}) says {said}, the table {BY_CODE[code].severity}"
                for (code, said), where in severities_chosen_at_call_sites().items()
                if code in BY_CODE and BY_CODE[code].severity != said}
    assert disagree == set()


def test_the_scan_finds_codes_emitted_every_way():
    """The scan itself has teeth: it sees error(), warning(), finding(), Diagnostic() and helpers."""
    codes = emitted_codes()
    for code in ("missing-config", "unknown-setting", "safe-messaging", "unknown-author", "internal-error"):
        assert code in codes, code


def test_every_emitted_code_is_in_the_table():
    missing = {code: where for code, where in emitted_codes().items() if code not in BY_CODE}
    assert missing == {}, "add these codes to CHECKS in generator/checks/policy.py: " + ", ".join(
        f"{code} ({where})" for code, where in sorted(missing.items()))


def test_every_code_in_the_table_is_emitted_somewhere():
    unused = set(BY_CODE) - set(emitted_codes())
    assert unused == set(), f"codes in the table that nothing emits (remove them): {sorted(unused)}"


def test_table_rows_are_complete():
    assert len({c.code for c in CHECKS}) == len(CHECKS), "a code is listed twice"
    for check in CHECKS:
        assert check.description.strip() and "\n" not in check.description, check  # one line for --list
        assert not (check.suppressible and check.severity == "error"), f"{check.code}: only warnings are silenced"


def test_finding_takes_its_severity_from_the_table():
    assert finding("review-due", "a.md", 1, 1, "m").severity == "warning"
    assert finding("broken-link", "a.md", 1, 1, "m").severity == "error"


def test_check_list_prints_the_table(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no site.yaml here: the list needs none
    assert main(["check", "--list"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:] if line and line.split()[0] in BY_CODE}
    assert rows == {c.code: c.severity for c in CHECKS}
    assert "unsourced-claim" in out and "silence" in out


# --- site.yaml levels ------------------------------------------------------------------------------------


def hub(tmp_path: Path, checks: str, articles: dict[str, str] | None = None) -> Path:
    return make_site(tmp_path / "hub", articles, site_yaml=SITE_YAML + checks)


BROKEN = {"a.md": article(body="See [the other page](/articles/nowhere/).\n"), "b.md": article("B")}
CLAIM = {"a.md": article(body="Studies show that 40% of people feel calmer after a walk.\n"), "b.md": article("B")}


def test_lowering_an_error_lets_the_build_pass(tmp_path, capsys):
    site = hub(tmp_path, "", BROKEN)
    assert main(["build", "--site", str(site)]) == 1
    site = hub(tmp_path / "2", "checks:\n  broken-link: warning\n", BROKEN)
    assert main(["build", "--site", str(site)]) == 0
    err = capsys.readouterr().err
    assert "articles/a.md:8:5: warning: link to '/articles/nowhere/'" in err


def test_raising_a_warning_fails_the_check(tmp_path, capsys):
    site = hub(tmp_path, "checks: {unsourced-claim: error}\n", CLAIM)
    assert main(["check", "--site", str(site), "--format", "lines"]) == 1
    assert "articles/a.md:8:1: error: claim without a source" in capsys.readouterr().err


def test_off_removes_the_findings(tmp_path, capsys):
    site = hub(tmp_path, "checks:\n  unsourced-claim: off\n", CLAIM)
    assert main(["check", "--site", str(site), "--format", "lines"]) == 0
    assert "unsourced-claim" not in capsys.readouterr().err


def test_strict_still_counts_a_lowered_check(tmp_path):
    site = hub(tmp_path, "checks:\n  broken-link: warning\n", BROKEN)
    assert main(["check", "--site", str(site), "--strict", "--format", "lines"]) == 1


@pytest.mark.parametrize(("checks", "message"), [
    ("checks:\n  readabilty: off\n", "site.yaml:26:1: error: 'readabilty' is not a check code - did you mean 'readability'?"),
    ("checks:\n  readability: loud\n", "site.yaml:26:1: error: 'readability' is set to 'loud', which is not a level"),
    ("checks:\n  readability: yes\n", "'readability' is set to yes/true, which is not a level"),
    ("checks:\n  readability: 3\n", "'readability' is set to the number 3, which is not a level"),
    ("checks:\n  readability: [off]\n", "'readability' is set to a list, which is not a level"),
    ("checks:\n  readability:\n", "'readability' is set to nothing, which is not a level"),
    ("checks:\n  404: off\n", "'404' is not a check code"),
    ("checks:\n  yaml-syntax: off\n", "'yaml-syntax' cannot be switched off"),
    ("checks:\n  template-syntax: warning\n", "'template-syntax' cannot be lowered"),
    # a javascript: address a template computes would be published: never a warning
    ("checks:\n  unsafe-url: warning\n", "'unsafe-url' cannot be lowered"),
])
def test_bad_levels_are_errors_at_their_line(tmp_path, capsys, checks, message):
    site = hub(tmp_path, checks)
    assert main(["check", "--site", str(site), "--format", "lines"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and "[unknown-check]" in err


def test_checks_that_is_not_a_mapping_is_an_error_at_its_line(tmp_path, capsys):
    site = hub(tmp_path, "checks: [readability]\n")
    assert main(["check", "--site", str(site), "--format", "lines"]) == 1
    err = capsys.readouterr().err
    assert "site.yaml:25:" in err and "checks must be indented `name: value` lines, not a list" in err


def test_read_levels_accepts_yaml_off_and_case():
    levels, findings = read_levels({"readability": False, "review-due": "Error"}, 5, {})
    assert levels == {"readability": "off", "review-due": "error"} and findings == []


def test_policy_uses_the_table_over_the_call_site():
    from generator.diagnostics import error

    loud = error("review-due", "a.md", 3, 1, "review overdue")  # a call site that still says error()
    kept, _ = apply_policy([loud], strict=False)
    assert [d.severity for d in kept] == ["warning"]
    kept, _ = apply_policy([loud], strict=False, levels={"review-due": "off"})
    assert kept == []


# --- levels reach the rendered-page check --------------------------------------------------------------


def build(site: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["build", "--site", str(site), *args])
    return code, capsys.readouterr().err


REMOTE_IMAGE = {"a.md": article(body="A chart.\n\n![A chart](https://media.example/chart.png)\n"), "b.md": article("B")}


@pytest.mark.parametrize("level", ["warning", "off"])
def test_a_lowered_remote_resource_publishes_a_body_image_reported_once_at_its_line(tmp_path, capsys, level):
    site = hub(tmp_path, f"checks:\n  remote-resource: {level}\n", REMOTE_IMAGE)
    code, err = build(site, capsys)
    assert code == 0, err
    page = (site / "output" / "articles" / "a" / "index.html").read_text()
    assert 'src="https://media.example/chart.png"' in page
    reported = [line for line in err.splitlines() if "[remote-resource]" in line]
    # the body's own check names the article's line; the page check does not blame a template for it
    assert reported == ([next(line for line in reported if line.startswith("articles/a.md:10:1: warning: "))]
                        if level == "warning" else []), err


def test_a_template_address_below_error_is_one_warning_kept_by_builds_that_do_not_render_the_page(tmp_path, capsys):
    site = hub(tmp_path, CONTACT_LINE + "checks:\n  remote-resource: warning\n  readability: off\n"
                         "extra:\n  banner: https://cdn.example/banner.png\n",
               {"a.md": article(), "b.md": article("B")})
    base = site / "templates" / "base.html"
    markup = '<img src="{{ config.extra.banner }}" alt="">'
    base.write_text(base.read_text().replace("</footer>", markup + "</footer>", 1))
    line = 1 + next(n for n, text in enumerate(base.read_text().splitlines()) if markup in text)

    def banner_warnings(err: str) -> list[str]:
        return [text for text in err.splitlines() if "cdn.example" in text and "[remote-resource]" in text]

    code, err = build(site, capsys)
    assert code == 0, err
    [first] = banner_warnings(err)   # one warning for the line every page shows, not one a page
    assert first.startswith(f"templates/base.html:{line}:1: warning: <img> src on the page /"), first
    assert "more pages)" in first
    (site / "articles" / "b.md").write_text(article("B", body="Another paragraph for B.\n"))
    code, err = build(site, capsys)   # only B's page and the listings are rendered again
    assert code == 0 and banner_warnings(err) == [first], err
    before = snapshot(site / "output")
    code, err = build(site, capsys, "--strict")   # the same finding counts as an error: nothing is written
    assert code == 1 and f"templates/base.html:{line}:1: error: <img> src" in err, err
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("row", [
    ["inline-script", "templates/base.html", 3, 1, "not a page warning", ""],   # a code the page check never lowers
    ["remote-resource", "templates/base.html", "3", 1, "a line that is text", ""],
    ["remote-resource", "templates/base.html", 3, 1, "five fields"],
])
def test_a_doctored_page_warning_on_the_record_is_ignored(tmp_path, capsys, row):
    import json

    site = hub(tmp_path, "", {"a.md": article(), "b.md": article("B")})
    assert build(site, capsys)[0] == 0
    marker = site / "output" / ".haven-output.json"
    record = json.loads(marker.read_text())
    record["files"]["index.html"]["warnings"] = [row]
    marker.write_text(json.dumps(record))
    code, err = build(site, capsys)
    assert code == 0 and "the output record lists 'index.html'" in err and "[output-record]" in err, err
    assert row[4] not in err


def test_a_page_warning_on_the_record_is_shown_printable_and_only_for_a_lowered_code(tmp_path, capsys):
    import json

    site = hub(tmp_path, "checks:\n  remote-resource: warning\n", {"a.md": article(), "b.md": article("B")})
    assert build(site, capsys)[0] == 0
    marker = site / "output" / ".haven-output.json"
    record = json.loads(marker.read_text())
    record["files"]["index.html"]["warnings"] = [
        ["remote-resource", "templates/base.html", 3, 1, "ring \x1b]0;owned\x07 the bell", "fix \x1b[2J it"]]
    marker.write_text(json.dumps(record))
    code, err = build(site, capsys)
    assert code == 0 and "templates/base.html:3:1: warning: ring \\x1b]0;owned\\x07 the bell" in err, err
    assert "\x1b" not in err and "\x07" not in err
    # at error level no build of these settings kept such a warning: a row claiming one is not believed
    (site / "site.yaml").write_text((site / "site.yaml").read_text().replace("remote-resource: warning", ""))
    assert build(site, capsys)[0] == 0
    record = json.loads(marker.read_text())
    record["files"]["index.html"]["warnings"] = [["remote-resource", "templates/base.html", 3, 1, "fake", ""]]
    marker.write_text(json.dumps(record))
    code, err = build(site, capsys)
    assert code == 0 and "fake" not in err, err
