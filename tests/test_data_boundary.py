"""Data at the boundary: site.yaml, data/authors.yaml and front matter are typed where they are read.

A hostile corpus (one case per trick a contributor could push): each is an error at file:line:col in a
writer's words, exit 1, no traceback, and the previous output byte for byte as it was.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import SETTINGS
from generator.frontmatter import FIELDS
from generator.yamlload import MAX_DEPTH, load_document
from tests.sitekit import AUTHORS_YAML, REPO, SITE_YAML, article, make_site, snapshot

PYTHON_WORDS = re.compile(r"NoneType|\bstr\b|\bint\b|\bfloat\b|\bdict\b|\blist\[|\bbool\b|tag:yaml\.org")


def build(site: Path, capsys) -> tuple[int, str]:
    code = main(["build", "--site", str(site)])
    return code, capsys.readouterr().err


def errors_in(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error: " in line]


def laughs(levels: int = 6) -> str:
    lines = ["extra:", "  l0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    for n in range(1, levels):
        lines.append(f"  l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def with_site(extra: str = "", *, replace: tuple[str, str] = ("", "")) -> dict[str, str]:
    return {"site.yaml": SITE_YAML.replace(*replace) + extra}


def with_authors(text: str) -> dict[str, str]:
    return {"data/authors.yaml": text}


def with_article(text: str) -> dict[str, str]:
    return {"articles/first-steps.md": text}


FM_LINE = len(article("First steps", next="second-steps").split("---\n")[1].splitlines()) + 2  # first added line

# (name, files to overwrite after a good build, expected "path:line:col", words the error must contain)
HOSTILE = [
    ("language is a number", with_site(replace=("language: en", "language: 42")),
     "site.yaml:5:11", ["language must be a language tag such as en-GB, not '42'"]),
    ("language is a word", with_site(replace=("language: en", "language: English")),
     "site.yaml:5:11", ["a language tag such as en-GB", "'English'"]),
    ("language with underscore", with_site(replace=("language: en", "language: en_GB")),
     "site.yaml:5:11", ["a language tag", "write `language: en-GB`"]),
    ("language is a list", with_site(replace=("language: en", "language: [en, fr]")),
     "site.yaml:5:11", ["a language tag such as en-GB, not a list"]),
    ("title is a list", with_site(replace=("title: Test Hub", "title: [Test, Hub]")),
     "site.yaml:1:8", ["title must be text, not a list"]),
    ("publisher is a list", with_site(replace=("publisher: {name: Test Publisher, url: https://test.example.org/about/}",
                                               "publisher: [Test Publisher]")),
     "site.yaml:6:12", ["publisher must be indented `name: value` lines, not a list"]),
    ("publisher name is a mapping", with_site(replace=("{name: Test Publisher,", "{name: {first: Test},")),
     "site.yaml:6:19", ["publisher.name must be text, not a mapping"]),
    ("transparency owner is a list", with_site(replace=("{owner: The test suite,", "{owner: [a, b],")),
     "site.yaml:7:23", ["transparency.owner must be text, not a list"]),
    ("review interval NaN", with_site("review: {interval_months: .nan}\n"),
     "site.yaml:25:27", ["review.interval_months must be a positive number, not '.nan'"]),
    ("readability target is text", with_site("readability:\n  target_grade: easy\n"),
     "site.yaml:26:17", ["readability.target_grade must be a positive number, not 'easy'"]),
    ("medical is quoted text", with_site("medical: 'yes'\n"),
     "site.yaml:25:10", ["medical must be true or false, not 'yes'"]),
    ("crisis phone is a list", with_site(replace=('phone: "555 0100"', "phone: [555, 0100]")),
     "site.yaml:22:14", ["crisis.resources item 1 phone must be text, not a list"]),
    ("crisis resources is a mapping", {"site.yaml": SITE_YAML.split("  resources:")[0] + "  resources: {a: 1}\n"},
     "site.yaml:19:14", ["crisis.resources must be a list"]),
    ("crisis resource is text", {"site.yaml": SITE_YAML.split("  resources:")[0] + "  resources:\n    - Samaritans\n"},
     "site.yaml:20:7", ["a crisis resource must be `name: value` lines, not text"]),
    ("topic title is a list", with_site(replace=("    title: Calm", "    title: [Calm]")),
     "site.yaml:10:12", ["topics.calm.title must be text, not a list"]),
    ("python object tag", with_site("extra: !!python/object/apply:os.system ['touch /tmp/haven-pwned']\n"),
     "site.yaml:25:8", ["the YAML tag !!python/object/apply:os.system is not accepted"]),
    ("binary tag", with_site("tagline2: !!binary aGVsbG8=\n"),
     "site.yaml:25:11", ["the YAML tag !!binary is not accepted"]),
    ("custom tag", with_site("extra: {x: !include /etc/passwd}\n"),
     "site.yaml:25:12", ["the YAML tag !include is not accepted"]),
    ("billion laughs", with_site(laughs()),
     "site.yaml:", ["aliases expand to more than 100,000 values"]),
    ("alias to nothing", with_site("extra: *nowhere\n"),
     "site.yaml:25:8", ["alias *nowhere refers to no anchor"]),
    ("integer of 5000 digits", with_site("review: {interval_months: " + "9" * 5000 + "}\n"),
     "site.yaml:25:27", ["is not a number YAML can read"]),
    ("nested 200 deep (flow)", with_site("extra: " + "[" * 200 + "]" * 200 + "\n"),
     "site.yaml:25:", [f"nested more than {MAX_DEPTH} levels deep"]),
    ("nested 200 deep (block)", with_site("extra:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))),
     "site.yaml:", [f"nested more than {MAX_DEPTH} levels deep"]),
    ("key is a list", with_site("? [a, b]\n: c\n"),
     "site.yaml:25:3", ["a key is a list or a mapping"]),
    ("NUL byte", with_site(replace=("tagline: A fixture hub", "tagline: A fix\x00ture hub")),
     "site.yaml:2:15", ["control character U+0000"]),
    ("escape character", with_site(replace=("tagline: A fixture hub", "tagline: \x1b[31mred")),
     "site.yaml:2:10", ["control character U+001B"]),
    ("two YAML documents", with_site("---\ntitle: Another\n"),
     "site.yaml:25:1", ["more than one YAML document"]),
    ("site.yaml is a list", {"site.yaml": "- title\n- Test Hub\n"},
     "site.yaml:1:1", ["site.yaml must be a mapping of settings"]),
    ("site.yaml is Latin-1", {"site.yaml": SITE_YAML.replace("A fixture hub", "Caf\xe9 hub").encode("latin-1")},
     "site.yaml:2:13", ["not UTF-8"]),
    ("limit is not a number", with_site("limits: {max_article_bytes: lots}\n"),
     "site.yaml:25:29", ["limits.max_article_bytes must be a positive number, not 'lots'", "2000000"]),
    ("author name is a list", with_authors(AUTHORS_YAML.replace("name: Alex Example (fictional)", "name: [a, b]")),
     "data/authors.yaml:2:9", ["alex-example.name must be text, not a list"]),
    ("author is a list", with_authors(AUTHORS_YAML + "robin: [a, b]\n"),
     "data/authors.yaml:10:1", ["author 'robin' needs a name, not a list"]),
    ("author links is a mapping", with_authors(AUTHORS_YAML.replace("links: []", "links: {site: x}")),
     "data/authors.yaml:5:10", ["alex-example.links must be a list"]),
    ("author link without url", with_authors(AUTHORS_YAML.replace("links: []", "links: [{title: Site}]")),
     "data/authors.yaml:5:11", ["a link of author 'alex-example' has no url"]),
    ("authors file is a list", with_authors("- alex-example\n"),
     "data/authors.yaml:1:1", ["authors.yaml must map author ids to details, not a list"]),
    ("authors tag", with_authors(AUTHORS_YAML + "evil: !!python/name:os.system\n"),
     "data/authors.yaml:10:7", ["the YAML tag !!python/name:os.system is not accepted"]),
    ("front matter author is a mapping",
     with_article(article("First steps", next="second-steps").replace("author: alex-example", "author: {a: b}")),
     "articles/first-steps.md:4:9", ["author must be a name or a list of names, not a mapping"]),
    ("front matter topic is a list in a list",
     with_article(article("First steps", next="second-steps").replace("topics: [calm]", "topics: [[calm]]")),
     "articles/first-steps.md:6:10", ["topics must be a name or a list of names, but item 1 is a list"]),
    ("front matter draft is text", with_article(article("First steps", next="second-steps", extra="draft: 'no'")),
     f"articles/first-steps.md:{FM_LINE}:8", ["draft must be true or false, not 'no'"]),
    ("front matter date is a number", with_article(article("First steps", next="second-steps", date="20260110")),
     "articles/first-steps.md:5:7", ["date '20260110' is not a real date", "2025-03-14"]),
    ("front matter date is a list", with_article(article("First steps", next="second-steps", date="[2026-01-10]")),
     "articles/first-steps.md:5:7", ["date must be a date such as 2025-03-14, not a list"]),
    ("front matter tag", with_article(article("First steps", next="second-steps", extra="extra: !!python/tuple [1]")),
     f"articles/first-steps.md:{FM_LINE}:8", ["the YAML tag !!python/tuple is not accepted"]),
    ("front matter key is a mapping", with_article(article("First steps", next="second-steps", extra="? {a: 1}\n: b")),
     f"articles/first-steps.md:{FM_LINE}:3", ["a key is a list or a mapping"]),
    ("front matter NUL", with_article(article("First steps", next="second-steps", extra="content_note: a\x00b")),
     f"articles/first-steps.md:{FM_LINE}:16", ["control character U+0000"]),
    ("front matter references is a mapping",
     with_article(article("First steps", next="second-steps", extra="references: {id: x}")),
     f"articles/first-steps.md:{FM_LINE}:13", ["references must be a list"]),
    ("front matter laughs", with_article(article("First steps", next="second-steps", extra=laughs())),
     "articles/first-steps.md:", ["aliases expand to more than 100,000 values"]),
    # Python-Markdown recurses once per level (a traceback) and is quadratic in runs of `[` (minutes)
    ("a list nested 3,000 deep", with_article(article("First steps", next="second-steps", body="- " * 3000 + "x\n")),
     f"articles/first-steps.md:{FM_LINE + 1}:1", ["nested inside one another too deeply to convert"]),
    ("60,000 open brackets", {**with_site("limits:\n  parse_seconds: 0.5\n"),
                              **with_article(article("First steps", next="second-steps", body="[" * 60_000 + "\n"))},
     f"articles/first-steps.md:{FM_LINE + 1}:1", ["took longer than 0.5 s, so it was stopped", "code block"]),
]


@pytest.fixture(scope="module")
def built_hub(tmp_path_factory) -> Path:
    """A hub built once; each hostile case works on a copy of it (output and cache included)."""
    site = make_site(tmp_path_factory.mktemp("built") / "s")
    assert main(["build", "--site", str(site)]) == 0
    return site


@pytest.mark.parametrize("name,files,where,words", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_data_is_one_clear_error_and_output_stays(tmp_path, capsys, built_hub, name, files, where, words):
    site = Path(shutil.copytree(built_hub, tmp_path / "s", symlinks=True))
    capsys.readouterr()
    before = snapshot(site / "output")
    assert before
    for relative, content in files.items():
        target = site / relative
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    code, err = build(site, capsys)
    assert code == 1, err
    matching = [line for line in errors_in(err) if line.startswith(where)]
    assert matching, f"no error at {where} in:\n{err}"
    for word in words:
        assert any(word in line for line in matching), f"{word!r} not in {matching}"
    assert all(" - " in line for line in errors_in(err)), "every error says how to fix it"
    assert not PYTHON_WORDS.search(err), err
    assert "Traceback" not in err
    assert snapshot(site / "output") == before
    assert not Path("/tmp/haven-pwned").exists()


def test_hostile_site_yaml_from_the_command_line_prints_no_traceback(tmp_path):
    site = make_site(tmp_path / "s")
    (site / "site.yaml").write_text(SITE_YAML + laughs(9) + "? [a]\n: b\n")
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("site.yaml:"), proc.stderr


# -- what reaches the page is text, and the language tag is valid -----------------------------------------------

def test_scalars_reach_the_page_as_written_and_language_as_given(tmp_path, capsys):
    authors = AUTHORS_YAML.replace("name: Alex Example (fictional)", "name: 1.10")
    site = make_site(tmp_path / "s", {"a.md": article("1.50", extra="content_note: 3.0")},
                     site_yaml=SITE_YAML.replace("language: en", "language: en-GB"), authors_yaml=authors)
    code, err = build(site, capsys)
    assert code == 0, err
    page = (site / "output" / "articles" / "a" / "index.html").read_text("utf-8")
    assert '<html lang="en-GB"' in page
    assert "1.10" in page and "1.50" in page and "3.0" in page   # not 1.1, 1.5, 3.0 read as numbers
    assert "['" not in page and "{'" not in page


def test_author_with_list_name_never_renders_python(tmp_path, capsys):
    authors = AUTHORS_YAML.replace("name: Alex Example (fictional)", "name: [a, b]")
    site = make_site(tmp_path / "s", authors_yaml=authors)
    code, err = build(site, capsys)
    assert code == 1
    assert not (site / "output").exists()
    assert [line.split(": error: ")[0] for line in errors_in(err)] == ["data/authors.yaml:2:9"], err


@pytest.mark.parametrize("author_id", ['"../../evil"', '"a b<c>"', '""', '"x/y"', '".hidden"', '"' + "a" * 101 + '"'])
def test_an_author_id_that_cannot_be_a_folder_of_the_site_is_an_error_at_its_line(tmp_path, capsys, author_id):
    # /authors/<id>/ is the author's page: '../../evil' was silently never written (the index linked to it)
    site = make_site(tmp_path / "s", authors_yaml=AUTHORS_YAML + f"{author_id}:\n  name: Someone\n")
    code, err = build(site, capsys)
    line = AUTHORS_YAML.count("\n") + 1
    assert code == 1 and not (site / "output").exists()
    assert [text.split(": error: ")[0] for text in errors_in(err)] == [f"data/authors.yaml:{line}:1"], err
    assert "[bad-author]" in err


# -- YAML facts ----------------------------------------------------------------------------------------------

def test_every_node_has_its_own_line_and_column():
    text = ('title: "A: quoted"\n'
            '"quoted key": 1\n'
            "flow: {a: 1, 'b c': [x, {d: 2025-13-45}]}\n"
            "items:\n"
            "  - name: one\n"
            "    phone: 123\n"
            "  -   name: two\n"
            "nested:\n"
            "  inner:\n"
            "      deep: yes\n")
    doc, findings = load_document(text, "f.yaml", first_line=10)
    assert findings == []
    assert doc.at("title") == (10, 8)
    assert doc.key_at("quoted key") == (11, 1) and doc.at("quoted key") == (11, 15)
    assert doc.at("flow", "a") == (12, 11) and doc.key_at("flow", "b c") == (12, 14)
    assert doc.at("flow", "b c", 1, "d") == (12, 29)
    assert doc.data["flow"]["b c"][1]["d"] == "2025-13-45"        # a date stays text
    assert doc.at("items", 0) == (14, 5) and doc.at("items", 1, "name") == (16, 13)
    assert doc.at("items", 0, "phone") == (15, 12) and doc.written("items", 0, "phone") == "123"
    assert doc.at("nested", "inner", "deep") == (19, 13)
    assert doc.at("items", 5, "nothing") == (14, 3)                # falls back to the nearest written ancestor


def test_duplicate_keys_are_a_warning_naming_both_lines(tmp_path, capsys):
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML + "title: Second title\n",
                     authors_yaml=AUTHORS_YAML + "alex-example:\n  name: Alex Again\n")
    code, err = build(site, capsys)
    assert code == 0, err
    assert "site.yaml:25:1: warning: 'title' is written twice, on line 1 and line 25" in err
    assert "data/authors.yaml:10:1: warning: 'alex-example' is written twice, on line 1 and line 10" in err
    _doc, findings = load_document("a: {x: 1, y: 2, x: 3}\n", "f.yaml")
    assert [(f.line, f.col, f.code) for f in findings] == [(1, 17, "duplicate-key")]
    assert "'a.x' is written twice" in findings[0].message


def test_keys_are_text_as_written_and_merges_work():
    doc, findings = load_document("no: 1\nyes: 2\n3: x\nbase: &b {k: 1}\nuse:\n  <<: *b\n  j: 2\n", "f.yaml")
    assert findings == []
    assert list(doc.data) == ["no", "yes", "3", "base", "use"]
    assert doc.data["use"] == {"k": 1, "j": 2}


def test_a_byte_order_mark_is_not_part_of_the_first_key(tmp_path, capsys):
    site = make_site(tmp_path / "s", site_yaml="\ufeff" + SITE_YAML)
    code, err = build(site, capsys)
    assert code == 0 and "unknown setting" not in err, err


# -- the cause first -----------------------------------------------------------------------------------------

def test_unreadable_authors_file_hides_unknown_author_findings(tmp_path, capsys):
    site = make_site(tmp_path / "s", authors_yaml=AUTHORS_YAML + "broken: [\n")
    code, err = build(site, capsys)
    assert code == 1
    lines = errors_in(err)
    assert lines[0].startswith("data/authors.yaml:11:1: error: YAML syntax error"), err
    assert "2 findings that follow from it are not shown" in lines[0]
    assert not any("unknown-author" in line for line in lines), err


def test_unreadable_bibliography_leads_and_its_follow_ons_are_left_out(tmp_path, capsys):
    site = make_site(tmp_path / "s", {
        f"a{n}.md": article(f"A{n}", body="Kindness helps [@smith2020; @jones2021].\n") for n in range(5)})
    (site / "data" / "references.yaml").write_text("- id: smith2020\n  title: [unclosed\n")
    code, err = build(site, capsys)
    assert code == 1
    lines = errors_in(err)
    assert lines[0].startswith("data/references.yaml:"), err
    assert not any("unknown-citation" in line for line in lines), err
    check = subprocess.run([sys.executable, "-m", "generator", "check", "--site", str(site)],
                           capture_output=True, text=True, timeout=120, check=False)
    assert check.returncode == 1
    assert check.stdout.splitlines()[0] == "data/references.yaml", check.stdout   # the human report leads with it


def test_an_unreadable_article_hides_unknown_neighbour_findings(tmp_path, capsys):
    site = make_site(tmp_path / "s", {
        "first-steps.md": article("First steps", next="second-steps"),
        "second-steps.md": "---\ntitle: [unclosed\nprevious: first-steps\n---\nText.\n"})
    code, err = build(site, capsys)
    assert code == 1
    assert errors_in(err)[0].startswith("articles/second-steps.md:2:"), err
    assert "unknown-neighbour" not in err


# -- neighbours, missing site.yaml ---------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["previous", "next"])
def test_an_article_naming_itself_as_neighbour_is_a_warning(tmp_path, capsys, key):
    site = make_site(tmp_path / "s", {"a.md": article(**{key: "a"})})
    code, err = build(site, capsys)
    assert code == 0, err
    assert f"articles/a.md:7:1: warning: {key} names this article itself ('a')" in err


def test_new_and_build_agree_on_a_missing_site_yaml(tmp_path, capsys):
    results = []
    for argv in (["build", "--site", str(tmp_path)], ["check", "--site", str(tmp_path)],
                 ["new", "A title", "--site", str(tmp_path)]):
        code = main(argv)
        results.append((code, capsys.readouterr().err))
    assert {code for code, _ in results} == {2}
    assert len({err for _, err in results}) == 1, results
    assert results[0][1].startswith(f"haven: error: no site.yaml in {tmp_path.resolve()} - ")
    assert not (tmp_path / "articles").exists()


# -- size ----------------------------------------------------------------------------------------------------

def test_an_article_over_the_limit_is_refused_at_line_one_before_any_work(tmp_path, capsys, monkeypatch):
    import generator.parse

    real_convert = generator.parse.convert

    def no_markdown(body, *args, **kwargs):
        assert "Calm words." not in body, "the Markdown of a file over the limit was converted"
        return real_convert(body, *args, **kwargs)

    monkeypatch.setattr(generator.parse, "convert", no_markdown)
    big = article("Big", body="Calm words. " * 200)
    site = make_site(tmp_path / "s", {"big.md": big},
                     site_yaml=SITE_YAML + f"limits:\n  max_article_bytes: {len(big.encode()) - 1}\n")
    code, err = build(site, capsys)
    assert code == 1
    size = len(big.encode())
    assert errors_in(err) == [(
        f"articles/big.md:1:1: error: the file is {size:,} bytes, over the limit of {size - 1:,} bytes for one "
        "article - split it into several articles, or raise `limits: {max_article_bytes: ...}` in site.yaml "
        "[article-too-large]")], err


def test_an_article_at_the_limit_is_built(tmp_path, capsys):
    text = article("Fits")
    site = make_site(tmp_path / "s", {"fits.md": text},
                     site_yaml=SITE_YAML + f"limits: {{max_article_bytes: {len(text.encode())}}}\n")
    code, err = build(site, capsys)
    assert code == 0, err
    assert (site / "output" / "articles" / "fits" / "index.html").exists()


def test_link_positions_in_a_long_body_take_linear_work(monkeypatch):
    """Locating N links in a body of N lines must not count newlines from the start for each (that made a
    20 MB article quadratic); counted in calls, not seconds."""
    from generator.markup import convert as conversion

    body = "".join(f"## Part {n}\n\nSee [the guide](/articles/a/) now.\n\n" for n in range(400))
    scanned = []
    real_index = conversion.LineIndex

    class CountingIndex(real_index):
        def __init__(self, text):
            scanned.append(len(text))
            super().__init__(text)

    monkeypatch.setattr(conversion, "LineIndex", CountingIndex)
    result = conversion.convert(body)
    assert len([link for link in result.links if link.url == "/articles/a/"]) == 400
    assert result.links[-1].line == body.count("\n") - 1
    assert len(scanned) == 1   # one index for the whole body, however many links


# -- declared once, documented -------------------------------------------------------------------------------

def test_readme_documents_every_setting_and_front_matter_key():
    readme = (REPO / "README.md").read_text("utf-8")
    for field in FIELDS:
        assert re.search(rf"^{field.name}:", readme, re.MULTILINE), f"front matter `{field.name}` not in README"
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, f"site.yaml `{setting.name}` not in README"
    assert "max_article_bytes" in readme


def test_the_preview_overlay_and_terminal_lead_with_the_root_cause(tmp_path):
    import io

    from generator.serve.preview import Preview

    site = make_site(tmp_path / "s", authors_yaml=AUTHORS_YAML + "broken: [\n")
    log = io.StringIO()
    preview = Preview(site, site / "output", port=0, stream=log)
    try:
        result = preview.start()
        assert not result.ok
        errors = preview.hub.state["errors"]
        assert [e["path"] for e in errors] == ["data/authors.yaml"], errors
        assert errors[0]["code"] == "yaml-syntax" and "2 findings that follow from it are not shown" in errors[0]["hint"]
        assert log.getvalue().splitlines()[0].startswith("data/authors.yaml:11:1: error: YAML syntax error")
    finally:
        preview.stop()


@pytest.mark.parametrize("change,expected", [
    (("name: Test Helpline (fictional)", "name: [a, b]"), ["site.yaml:21:13: error"]),
    (("verified_on: 2026-10-01", "verified_on: [2026-10-01]"), ["site.yaml:24:20: error"]),
    (("verified_on: 2026-10-01", "verified_on: 2026-13-01"), ["site.yaml:20:1: warning"]),
])
def test_a_crisis_resource_is_typed_once_and_reported_once(tmp_path, capsys, change, expected):
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML.replace(*change))
    main(["check", "--site", str(site), "--format", "lines"])
    printed = capsys.readouterr()
    found = [line for line in (printed.out + printed.err).splitlines()
             if line.startswith("site.yaml:") and "[contact-missing]" not in line]   # the fixture sets no contact
    assert [line.split(": ", 2)[0] + ": " + line.split(": ", 2)[1] for line in found] == expected, found


def test_crisis_numbers_keep_the_digits_as_written(tmp_path, capsys):
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML.replace('phone: "555 0100"', "phone: 05550100"))
    code, err = build(site, capsys)
    assert code == 0, err
    assert "05550100" in (site / "output" / "index.html").read_text("utf-8")   # not 5550100, not octal


@pytest.mark.parametrize("text,words", [
    ("a: &a [1, *a]\n", "alias *a is used inside its own anchor"),
    ("b: *missing\n", "alias *missing refers to no anchor"),
    ("a: &a [1]\nb: {<<: [*a]}\n", "`<<` is followed by a list or mapping written in place"),
    ("s: &s text\nm: {<<: *s}\n", "`<<` must be followed by a mapping"),
    ("x: !!set {a, b}\n", "the YAML tag !!set is not accepted"),
    ("x: !!timestamp 2025-01-01\n", "the YAML tag !!timestamp is not accepted"),
])
def test_yaml_constructs_haven_does_not_build_are_findings(text, words):
    doc, findings = load_document(text, "f.yaml", first_line=3)
    assert doc is None
    assert len(findings) == 1 and words in findings[0].message
    assert findings[0].line >= 3 and findings[0].severity == "error"


def test_the_loader_keeps_nothing_between_files():
    from generator import yamlload

    for n in range(3):
        load_document(f"n: {n}\nf: 1.5\nb: true\n", "f.yaml")
    assert not getattr(yamlload._CONSTRUCTOR, "constructed_objects", {})


def test_an_article_stopped_by_the_time_limit_is_not_cached_as_failed(tmp_path, capsys):
    """A parse that ran out of time may only mean a busy machine: the next build tries the file again."""
    from generator.cacherecords import codec
    from generator.confine.cache import CACHE_DIR

    slow = article("First steps", next="second-steps", body="[" * 60_000 + "\n")
    site = make_site(tmp_path / "s", {"first-steps.md": slow},
                     site_yaml=SITE_YAML + "limits:\n  parse_seconds: 0.5\n")
    code, err = build(site, capsys)
    assert code == 1 and "[parse-too-slow]" in err, err
    shards = list((site / CACHE_DIR / "index").glob("entries-*.json"))
    cached = {path for shard in shards for path in codec().parse(shard.read_bytes())[1]}
    assert "pages/about.md" in cached and "articles/first-steps.md" not in cached


@pytest.mark.parametrize("grown", ["over the size limit", "too slow to convert"])
def test_an_article_that_can_no_longer_be_read_is_never_published_as_it_was(tmp_path, capsys, grown):
    """A good article, built and cached, then grown past a limit: its last good record was published in
    its place (old text, no error) because the refused file's record was not the one kept."""
    site = make_site(tmp_path / "s", site_yaml=SITE_YAML + "limits:\n  max_article_bytes: 40000\n"
                                                             "  parse_seconds: 0.5\n")
    assert build(site, capsys)[0] == 0
    before = snapshot(site / "output")
    body = "Calm words. " * 4000 if grown == "over the size limit" else "[" * 30_000
    (site / "articles" / "first-steps.md").write_text(article("First steps", next="second-steps", body=body))
    code, err = build(site, capsys)
    assert code == 1 and ("[article-too-large]" if grown == "over the size limit" else "[parse-too-slow]") in err
    assert snapshot(site / "output") == before


def test_a_long_lived_process_does_not_spend_the_limit_again_on_a_file_that_did_not_change(tmp_path):
    """The preview builds after every save: a file the limit stopped is not converted again (the whole limit
    again) until it changes; a new process (the CLI) tries it again."""
    from generator.build import BuildOptions
    from generator.build import build as build_hub

    site = make_site(tmp_path / "s", {"first-steps.md": article("First steps", body="[" * 30_000 + "\n"),
                                      "second-steps.md": article("Second steps")},
                     site_yaml=SITE_YAML + "limits:\n  parse_seconds: 0.5\n")
    first = build_hub(BuildOptions(site, site / "output", search_index=False))
    assert [d.code for d in first.diagnostics if d.severity == "error"] == ["parse-too-slow"]
    (site / "articles" / "second-steps.md").write_text(article("Second steps", body="Edited.\n"), "utf-8")
    again = build_hub(BuildOptions(site, site / "output", search_index=False))
    assert again.parsed == 1 and [d.code for d in again.diagnostics if d.severity == "error"] == ["parse-too-slow"]
    (site / "articles" / "first-steps.md").write_text(article("First steps"), "utf-8")
    fixed = build_hub(BuildOptions(site, site / "output", search_index=False))
    assert fixed.ok and fixed.parsed == 1
