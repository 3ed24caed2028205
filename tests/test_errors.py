"""Every mistake a writer can make in a file: one clear message with file and line, exit 1,
no traceback, and the previous output untouched."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.cli import main
from tests.sitekit import article, make_site, snapshot


def run(site, capsys, *args):
    code = main(["build", "--site", str(site), *args])
    err = capsys.readouterr().err
    return code, err


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line and not line.startswith("haven:")]


# (name, files to write, expected "path:line" prefix, words the message must contain)
BROKEN = [
    ("unclosed front matter", {"a.md": "---\ntitle: A\nsummary: s\n\nBody text.\n"},
     "articles/a.md:1:1", ["front matter is not closed", "---"]),
    ("yaml syntax error", {"a.md": "---\ntitle: A\nsummary: s\nauthor: alex-example\ndate: 2026-01-01\ntopics: [calm\n---\nBody\n"},
     "articles/a.md:6:9", ["YAML syntax error", "starts here"]),
    ("yaml bad indentation", {"a.md": "---\ntitle: A\nsummary: s\n  author: alex-example\ndate: 2026-01-01\n---\nBody\n"},
     "articles/a.md:4:", ["YAML syntax error"]),
    ("front matter not a mapping", {"a.md": "---\n- just\n- a list\n---\nBody\n"},
     "articles/a.md:2:1", ["front matter must be `key: value` lines"]),
    ("missing required field", {"a.md": "---\ntitle: A\nauthor: alex-example\ndate: 2026-01-01\n---\nBody\n"},
     "articles/a.md:2:1", ["required field 'summary' is missing", "add a line `summary:"]),
    ("wrong type", {"a.md": article(extra="content_note: [a, b]")},
     "articles/a.md:7:15", ["content_note must be text, not a list"]),
    ("impossible date", {"a.md": article(date="2025-13-45")},
     "articles/a.md:5:7", ["date '2025-13-45' is not a real date", "YYYY-MM-DD"]),
    ("date in words", {"a.md": article(date="last tuesday")},
     "articles/a.md:5:7", ["date 'last tuesday' is not a real date"]),
    ("unknown author", {"a.md": article().replace("author: alex-example", "author: alex-exampel")},
     "articles/a.md:4:1", ["unknown author 'alex-exampel'", "did you mean 'alex-example'?"]),
    ("unknown reviewer", {"a.md": article(extra="reviewed_by: sam-sampel\nreviewed_on: 2026-01-11")},
     "articles/a.md:7:1", ["unknown reviewer 'sam-sampel'", "did you mean 'sam-sample'?"]),
    ("unknown topic", {"a.md": article().replace("topics: [calm]", "topics: [clam]")},
     "articles/a.md:6:1", ["unknown topic 'clam'", "did you mean 'calm'?"]),
    ("next names no article", {"a.md": article(next="second-stesp"), "second-steps.md": article("Two", previous="a")},
     "articles/a.md:7:1", ["unknown next article 'second-stesp'", "did you mean 'second-steps'?"]),
    ("duplicate slug", {"a.md": article(slug_line="slug: same"), "b.md": article("B", slug_line="slug: same")},
     "articles/b.md:7:1", ["slug 'same' is already used by articles/a.md"]),
    ("bad slug", {"a.md": article(slug_line="slug: My Article")},
     "articles/a.md:7:1", ["slug 'My Article' must be lowercase letters, digits and hyphens", "my-article"]),
    ("file name without letters", {"!!!.md": article()},
     "articles/!!!.md:1:1", ["has no letters or digits", "set `slug:`"]),
    ("image without alt", {"a.md": article(body="Some text.\n\nA picture: ![](/static/css/haven.css)\n")},
     "articles/a.md:10:12", ["has no alt text", "{.decorative}"]),
    ("link to missing page", {"a.md": article(body="Intro.\n\nSee [the other one](/articles/nowhere/).\n")},
     "articles/a.md:10:5", ["link to '/articles/nowhere/', which is not a page of this hub"]),
    ("link to missing anchor", {"a.md": article(body="Intro.\n\n## Why it helps\n\nSee [above](#why-it-help).\n")},
     "articles/a.md:12:5", ["no section '#why-it-help'", "did you mean 'why-it-helps'?"]),
    ("not utf-8", {"a.md": article().encode("utf-8").replace(b"Breathing", b"Br\xe9athing")},
     "articles/a.md:8:3", ["not UTF-8"]),
    ("empty file", {"a.md": ""}, "articles/a.md:1:1", ["the file is empty", "haven new"]),
    ("no front matter", {"a.md": "Just some text.\n"}, "articles/a.md:1:1", ["does not start with front matter"]),
    ("review date without reviewer", {"a.md": article(extra="reviewed_on: 2026-01-11")},
     "articles/a.md:7:1", ["reviewed_on is set but reviewed_by is not"]),
    ("unknown template", {"a.md": article(extra="template: artcle.html")},
     "articles/a.md:7:1", ["template 'artcle.html' does not exist", "did you mean 'article.html'?"]),
]


@pytest.mark.parametrize("name,files,where,words", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_writer_error_is_reported_with_file_and_line(tmp_path, capsys, name, files, where, words):
    site = make_site(tmp_path / "site", files)
    out = tmp_path / "site" / "output"
    code, err = run(site, capsys)
    assert code == 1, err
    lines = error_lines(err)
    matching = [line for line in lines if line.startswith(where)]
    assert matching, f"no error at {where} in:\n{err}"
    for word in words:
        assert any(word in line for line in matching), f"{word!r} missing from {matching}"
    assert " - " in matching[0], "every error says how to fix it"
    assert "Traceback" not in err
    assert not out.exists(), "a failed first build writes nothing"


def test_duplicate_slug_names_both_files(tmp_path, capsys):
    site = make_site(tmp_path / "s", {"a.md": article(slug_line="slug: same"), "b.md": article("B", slug_line="slug: same")})
    code, err = run(site, capsys)
    line = next(l for l in error_lines(err) if "duplicate-slug" in l)
    assert "articles/b.md" in line and "articles/a.md" in line


def test_template_syntax_error_names_template_and_line(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    page = site / "templates" / "topic.html"
    lines = page.read_text().splitlines()
    lines.insert(3, "{% if topic %}never closed")
    page.write_text("\n".join(lines) + "\n")
    code, err = run(site, capsys)
    assert code == 1
    assert any(l.startswith("templates/topic.html:") and "template syntax error" in l for l in error_lines(err)), err


def test_template_runtime_error_names_template_and_line(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    page = site / "templates" / "topic.html"
    page.write_text(page.read_text().replace("{% block main %}", "{% block main %}{{ topic.colour.name }}", 1))
    code, err = run(site, capsys)
    assert code == 1
    errors = error_lines(err)
    assert any(l.startswith("templates/topic.html:") and "template-error" in l for l in errors), err
    assert "Traceback" not in err


@pytest.mark.parametrize("name,files,where,words", [
    ("unknown key", {"a.md": article(extra="tittle: x")}, "articles/a.md:7:1", ["unknown front matter key 'tittle'", "did you mean 'title'?"]),
    ("one-way neighbour", {"a.md": article(next="b"), "b.md": article("B")}, "articles/a.md:7:1",
     ["next is 'b', but that article's previous is '(not set)'", "add `previous: a` to articles/b.md"]),
])
def test_warnings_do_not_fail_the_build(tmp_path, capsys, name, files, where, words):
    site = make_site(tmp_path / "s", files)
    code, err = run(site, capsys)
    assert code == 0, err
    warnings = [l for l in err.splitlines() if l.startswith(where) and ": warning: " in l]
    assert warnings, err
    for word in words:
        assert any(word in w for w in warnings), (word, warnings)
    assert (site / "output" / "index.html").exists()


def test_failed_build_leaves_previous_output_byte_for_byte(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert run(site, capsys)[0] == 0
    before = snapshot(site / "output")
    assert before
    (site / "articles" / "first-steps.md").write_text(article("First steps", next="second-steps") +
                                                      "\n![](/nowhere.png)\n")
    (site / "articles" / "new-one.md").write_text(article("A new one", date="2026-03-01"))
    code, err = run(site, capsys)
    assert code == 1
    assert snapshot(site / "output") == before


def test_no_traceback_from_the_command_line(tmp_path):
    site = make_site(tmp_path / "s", {"a.md": "---\ntitle: [unclosed\n---\n"})
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith("articles/a.md:2:")


def test_body_errors_carry_the_markdown_line(tmp_path, capsys):
    body = "Line one.\n\nLine three.\n\n\n\n![](/a.png) and ![](/b.png)\n"
    site = make_site(tmp_path / "s", {"a.md": article(body=body)})
    code, err = run(site, capsys)
    first_body_line = article(body=body).splitlines().index("Line one.") + 1
    missing = [l for l in error_lines(err) if "missing-alt" in l]
    assert [l.split(":")[1] for l in missing] == [str(first_body_line + 6)] * 2
    assert [l.split(":")[2] for l in missing] == ["1", "17"]
