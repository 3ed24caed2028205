"""Reports: human, JSON, GitHub Actions annotations and the editor's dashboard."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

from generator.checks.policy import Suppressed, Suppression, apply_policy
from generator.diagnostics import error, warning
from generator.dashboard import ArticleHealth, render_dashboard
from generator.reports import (
    escape_github_data,
    escape_github_property,
    format_github,
    format_human,
    format_json,
)

CLAIM = warning("unsourced-claim", "articles/b.md", 12, 3, 'claim without a source: "40%"', "cite it")
ALT = error("missing-alt", "articles/a.md", 3, 1, "image has no alt text", "describe it")
SITE = warning("transparency", "site.yaml", 0, 0, "the hub has no About page")
HIDDEN = warning("readability", "articles/b.md", 8, 1, "reads at grade 11.0")
SUPPRESSED = [Suppressed(Suppression("articles/b.md", 4, "readability", "clinical terms"), (HIDDEN,))]


# --- Human ---------------------------------------------------------------------------------------


def test_human_groups_findings_under_a_heading_per_file_and_ends_with_a_summary():
    text = format_human([CLAIM, SITE, ALT], SUPPRESSED)
    lines = text.splitlines()
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings[:3] == ["articles/a.md", "articles/b.md", "site.yaml"]
    a, b, site = (lines.index(h) for h in headings[:3])
    assert lines[a + 1].split()[:2] == ["3:1", "error"]
    assert "image has no alt text" in lines[a + 1] and "[missing-alt]" in lines[a + 1]
    assert lines[a + 2].strip() == "hint: describe it"
    assert lines[b + 1].split()[:2] == ["12:3", "warning"]
    assert "[unsourced-claim]" in lines[b + 1]
    assert 'silenced readability: "clinical terms", hides 1 finding' in text
    assert lines[site + 1].split()[:2] == ["-", "warning"]
    assert lines[-1] == "3 problems (1 error, 2 warnings) in 3 files; 1 suppression hiding 1 finding"
    assert "\033[" not in text


def test_human_with_nothing_to_report():
    assert format_human([], []) == "No problems found\n"


def test_human_lists_suppressions_even_without_findings():
    empty = [Suppressed(Suppression("articles/c.md", 5, "review-due", ""), ())]
    text = format_human([], empty)
    assert text.splitlines()[0] == "articles/c.md"
    assert "silenced review-due: (no reason given), hides nothing" in text
    assert text.splitlines()[-1] == "No problems found; 1 suppression hiding 0 findings"


def test_human_colour_is_opt_in():
    coloured = format_human([ALT], [], color=True)
    assert "\033[31;1merror" in coloured
    assert "\033[0m" in coloured


# --- JSON ----------------------------------------------------------------------------------------


def test_json_schema():
    report = json.loads(format_json([CLAIM, ALT, SITE], SUPPRESSED))
    assert list(report) == ["version", "summary", "diagnostics", "suppressions"]
    assert report["version"] == 1
    assert report["summary"] == {
        "errors": 1, "warnings": 2, "files": 3, "suppressions": 1, "suppressed_findings": 1,
    }
    assert [d["path"] for d in report["diagnostics"]] == ["articles/a.md", "articles/b.md", "site.yaml"]
    assert report["diagnostics"][1] == {
        "path": "articles/b.md", "line": 12, "col": 3, "severity": "warning", "code": "unsourced-claim",
        "message": 'claim without a source: "40%"', "hint": "cite it",
    }
    [suppression] = report["suppressions"]
    assert {k: suppression[k] for k in ("path", "line", "code", "reason")} == {
        "path": "articles/b.md", "line": 4, "code": "readability", "reason": "clinical terms",
    }
    assert suppression["findings"][0]["code"] == "readability"


def test_json_is_stable_and_keeps_unicode():
    finding = warning("safe-messaging", "articles/ü.md", 1, 1, "“committed suicide”")
    first = format_json([finding, ALT], [])
    assert first == format_json([ALT, finding], [])
    assert "“committed suicide”" in first and first.endswith("}\n")


def test_json_of_policy_output_under_strict():
    kept, suppressed = apply_policy([CLAIM, HIDDEN], True, [Suppression("articles/b.md", 4, "readability", "ok")])
    report = json.loads(format_json(kept, suppressed))
    assert report["summary"]["errors"] == 1 and report["summary"]["warnings"] == 0
    assert report["suppressions"][0]["findings"][0]["severity"] == "warning"


# --- GitHub Actions ------------------------------------------------------------------------------


def test_github_annotation_syntax():
    assert format_github([CLAIM]) == (
        '::warning file=articles/b.md,line=12,col=3,title=unsourced-claim::claim without a source: "40%25"%0Acite it\n'
    )
    assert format_github([ALT]).startswith("::error file=articles/a.md,line=3,col=1,title=missing-alt::")


def test_github_whole_file_finding_has_no_line_or_column():
    assert format_github([SITE]) == "::warning file=site.yaml,title=transparency::the hub has no About page\n"


def test_github_escaping_follows_actions_toolkit():
    # @actions/core: data escapes % \r \n; properties also escape : and ,
    assert escape_github_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_github_property("dir:x/a,b%.md\n") == "dir%3Ax/a%2Cb%25.md%0A"
    odd = warning("odd,code:x", "notes/a,b:c.md", 2, 5, "50% of 'x'", "second line")
    assert format_github([odd]) == (
        "::warning file=notes/a%2Cb%3Ac.md,line=2,col=5,title=odd%2Ccode%3Ax::50%25 of 'x'%0Asecond line\n"
    )
    # a line break a file put into a message is shown as one, never a line (or a command) of its own
    quoted = warning("unknown-author", "articles/a.md", 2, 1, "unknown author 'x\n::error::y'", "")
    assert format_github([quoted]) == (
        "::warning file=articles/a.md,line=2,col=1,title=unknown-author::unknown author 'x\\x0a::error::y'\n")


def test_github_one_line_per_finding_sorted():
    lines = format_github([SITE, CLAIM, ALT]).splitlines()
    assert [line.split(" ", 1)[1].split(",", 1)[0] for line in lines] == [
        "file=articles/a.md", "file=articles/b.md", "file=site.yaml",
    ]


# --- Dashboard -----------------------------------------------------------------------------------


class Outline(HTMLParser):
    """The parts of the dashboard a test asserts on."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.html_lang = None
        self.title = ""
        self.caption = ""
        self.landmarks: list[str] = []
        self.col_headers: list[dict] = []
        self.row_headers = 0
        self.body_rows = 0
        self.hrefs: list[str] = []
        self.external: list[str] = []
        self.cells: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.stack.append(tag)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag in ("header", "main", "footer"):
            self.landmarks.append(tag)
        if tag == "th" and "thead" in self.stack:
            self.col_headers.append(attributes)
        if tag == "th" and "tbody" in self.stack:
            assert attributes.get("scope") == "row"
            self.row_headers += 1
        if tag == "tr" and "tbody" in self.stack:
            self.body_rows += 1
            self.cells.append([])
        if tag == "a":
            self.hrefs.append(attributes.get("href", ""))
        if tag in ("link", "img", "iframe") or (tag == "script" and "src" in attributes):
            self.external.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title":
            self.title += data
        if "caption" in self.stack:
            self.caption += data
        if "tbody" in self.stack and self.cells:
            self.cells[-1].append(data)


ROWS = [
    ArticleHealth("articles/b.md", "Empathy <vs> sympathy", "/articles/b/", 9.4, date(2023, 1, 2), date(2025, 1, 2), True, 4, 2, 0),
    ArticleHealth("articles/a.md", "Trauma-informed care", "javascript:alert(1)", 6.1, None, date(2027, 3, 1), False, 7, 0, 1),
    ArticleHealth("articles/c.md", "Empty", "https://example.org/c/", None, None, None, False, 0, 0, 0),
]


def parse(html: str) -> Outline:
    outline = Outline()
    outline.feed(html)
    outline.close()
    return outline


def test_dashboard_structure():
    html = render_dashboard(ROWS, date(2026, 11, 21), "Haven", target_grade=8)
    outline = parse(html)
    assert outline.html_lang == "en"
    assert outline.title == "Editorial health: Haven"
    assert "Articles and their editorial health" in outline.caption
    assert outline.landmarks == ["header", "main", "footer"]
    assert [h.get("scope") for h in outline.col_headers] == ["col"] * 8
    assert [h.get("aria-sort") for h in outline.col_headers].count("ascending") == 1
    assert outline.col_headers[1].get("aria-sort") == "ascending"  # rows come sorted by path
    assert outline.body_rows == outline.row_headers == 3
    assert outline.external == []


def test_dashboard_rows_show_grade_review_status_and_counts():
    outline = parse(render_dashboard(ROWS, date(2026, 11, 21), "Haven", target_grade=8))
    rows = [" ".join(" ".join(cells).split()) for cells in outline.cells]
    assert rows[0].startswith("Trauma-informed care articles/a.md 6.1 Never 2027-03-01 (on schedule) 7 0 1")
    assert rows[1].startswith("Empathy <vs> sympathy articles/b.md 9.4 above target 2023-01-02 2025-01-02 overdue 4 2 0")
    assert rows[2].startswith("Empty articles/c.md n/a Never Unknown 0 0 0")


def test_dashboard_escapes_text_and_never_links_javascript():
    html = render_dashboard(ROWS, date(2026, 11, 21), "Haven & <Co>")
    assert "Empathy &lt;vs&gt; sympathy" in html
    assert "Haven &amp; &lt;Co&gt;" in html
    assert "javascript:" not in html
    assert parse(html).hrefs == ["/articles/b/", "https://example.org/c/"]


def test_dashboard_without_articles():
    outline = parse(render_dashboard([], date(2026, 11, 21), "Haven"))
    assert outline.body_rows == 1
    assert "No articles yet." in "".join(outline.cells[0])


def test_dashboard_is_readable_without_javascript():
    # The sort buttons are added by the script; without it the headers are plain text and every row is
    # already in the HTML.
    html = render_dashboard(ROWS, date(2026, 11, 21), "Haven")
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert "<button" not in head
    assert html.count("<tr>") == 4
