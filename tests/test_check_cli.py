"""`haven check`: report formats, --strict, suppressions and the editor's dashboard."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from generator.cli import main
from tests.sitekit import article, make_site

CLAIM = "Studies show that 40% of people feel calmer after a walk.\n"


def site_with_claim(tmp_path, extra: str = ""):
    return make_site(tmp_path / "s", {"a.md": article(body=CLAIM, extra=extra), "b.md": article("B")})


def test_human_report_groups_findings_by_file(tmp_path, capsys):
    site = site_with_claim(tmp_path)
    assert main(["check", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "articles/a.md"
    assert "unsourced-claim" in out and "1 warning" in out


def test_json_report(tmp_path, capsys):
    site = site_with_claim(tmp_path)
    assert main(["check", "--site", str(site), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [finding] = [d for d in data["diagnostics"] if d["code"] == "unsourced-claim"]
    assert finding["path"] == "articles/a.md" and finding["line"] == 8 and finding["severity"] == "warning"


def test_github_annotations(tmp_path, capsys):
    site = site_with_claim(tmp_path)
    assert main(["check", "--site", str(site), "--format", "github"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(l.startswith("::warning file=articles/a.md,line=8,") and "title=unsourced-claim::" in l for l in lines), lines


def test_strict_turns_warnings_into_errors(tmp_path, capsys):
    site = site_with_claim(tmp_path)
    assert main(["check", "--site", str(site), "--strict"]) == 1
    assert main(["build", "--site", str(site), "--strict"]) == 1
    assert not (site / "output").exists()


def test_suppression_with_reason_silences_one_check_and_is_listed(tmp_path, capsys):
    site = site_with_claim(tmp_path, extra='checks: {unsourced-claim: "the number is an example in a writing guide"}')
    assert main(["check", "--site", str(site), "--strict", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert not [d for d in data["diagnostics"] if d["code"] == "unsourced-claim"]
    [suppression] = data["suppressions"]
    assert suppression["code"] == "unsourced-claim" and "writing guide" in suppression["reason"]
    assert len(suppression["findings"]) == 1


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.caption, self.sortable = 0, False, 0
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_body |= tag == "tbody"
        self.rows += tag == "tr" and self._in_body
        self.caption |= tag == "caption"
        self.sortable += tag == "th" and "aria-sort" in attrs


def test_html_dashboard_has_a_row_per_article(tmp_path, capsys):
    site = site_with_claim(tmp_path)
    report = tmp_path / "report.html"
    assert main(["check", "--site", str(site), "--html", str(report)]) == 0
    parser = _Rows()
    parser.feed(report.read_text())
    assert parser.rows == 2 and parser.caption
    assert not (site / "output").exists()


# A contributor's file can quote anything into a finding: escape sequences that retitle or clear the
# terminal (hiding the findings above), a carriage return or line break that fakes a line of its own, a
# bidirectional override that shows text in another order. Every report shows them as escapes.
HOSTILE_AUTHOR = r'"evil\e]0;pwned\a\e[2J\r\n::error file=x::fake\u202egnp.exe"'
RAW = ("\x1b", "\x07", "\r", "\u202e")


@pytest.mark.parametrize("fmt", ["human", "lines", "github"])
def test_what_a_file_quotes_into_a_finding_is_printed_as_escapes(tmp_path, capsys, fmt):
    text = article().replace("author: alex-example", f"author: {HOSTILE_AUTHOR}", 1)
    assert "evil" in text
    site = make_site(tmp_path / "s", {"a.md": text, "b.md": article("B")})
    assert main(["check", "--site", str(site), "--format", fmt]) == 1
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert not any(raw in shown for raw in RAW), repr(shown)
    assert r"evil\x1b]0;pwned\x07\x1b[2J\x0d\x0a::error file=x::fake\u202egnp.exe" in shown, shown
    if fmt == "github":   # one workflow command per finding: the quoted line break started none
        assert not any(line.startswith("::error file=x") for line in shown.splitlines())
