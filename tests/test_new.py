"""`haven new` picks a real author and makes slugs from any script; files named in any script get the
same slugs; `.markdown` is read; the placeholder text it writes is a finding until replaced."""

from __future__ import annotations

import json

import pytest
import yaml

from generator.cli import main
from generator.slugs import slug_from
from tests.sitekit import article, make_site


def _front(path):
    return yaml.safe_load(path.read_text("utf-8").split("---")[1])


def _codes(site, capsys) -> list[tuple[str, str, int]]:
    capsys.readouterr()
    main(["check", "--site", str(site), "--format", "json"])
    return [(d["code"], d["path"], d["line"]) for d in json.loads(capsys.readouterr().out)["diagnostics"]]


@pytest.mark.parametrize("title, slug", [
    ("Straße", "strasse"),
    ("Ψυχική υγεία", "psychike-ygeia"),
    ("Émpathie ünïcode", "empathie-unicode"),
    ("Привет мир", "privet-mir"),
    ("共感", "gong-gan"),
    ("Coping with: stress (and sleep)", "coping-with-stress-and-sleep"),
    ("  ---  ", ""),
    ("😀🙂", ""),
])
def test_slugs_from_any_script(title, slug):
    assert slug_from(title) == slug


def test_new_uses_the_only_author_and_writes_a_buildable_article(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    (site / "data/authors.yaml").write_text("pat-writer:\n  name: Pat Writer\n  bio: Writes.\n", "utf-8")
    for name in list((site / "articles").iterdir()):
        text = name.read_text("utf-8")
        name.write_text(text.replace("alex-example", "pat-writer").replace("sam-sample", "pat-writer"), "utf-8")
    assert main(["new", "Ψυχική υγεία", "--site", str(site)]) == 0
    path = site / "articles/psychike-ygeia.md"
    assert _front(path)["author"] == "pat-writer" and _front(path)["title"] == "Ψυχική υγεία"
    assert main(["build", "--site", str(site)]) == 0, capsys.readouterr().err
    assert (site / "output/articles/psychike-ygeia/index.html").is_file()


def test_new_with_several_authors_needs_a_default_or_author(tmp_path, capsys):
    site = make_site(tmp_path / "s")   # two authors: alex-example, sam-sample
    assert main(["new", "Straße", "--site", str(site)]) == 2
    err = capsys.readouterr().err
    assert "alex-example, sam-sample" in err and "--author" in err and "default_author" in err
    assert not (site / "articles/strasse.md").exists()
    with open(site / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write("default_author: sam-sampel\n")
    assert main(["new", "Straße", "--site", str(site)]) == 2
    assert "did you mean 'sam-sample'?" in capsys.readouterr().err
    text = (site / "site.yaml").read_text("utf-8").replace("sam-sampel", "sam-sample")
    (site / "site.yaml").write_text(text, "utf-8")
    assert main(["new", "Straße", "--site", str(site)]) == 0
    assert _front(site / "articles/strasse.md")["author"] == "sam-sample"
    assert main(["new", "Straße", "--site", str(site), "--author", "alex-example"]) == 0   # --author wins
    assert _front(site / "articles/strasse-2.md")["author"] == "alex-example"


def test_new_with_no_author_at_all_says_what_to_do(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    (site / "data/authors.yaml").write_text("{}\n", "utf-8")
    assert main(["new", "Calm", "--site", str(site)]) == 2
    assert "names no author" in capsys.readouterr().err


def test_new_title_without_letters_asks_for_a_slug(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["new", "!!! ???", "--site", str(site), "--author", "sam-sample"]) == 2
    assert "no letters or digits" in capsys.readouterr().err and not list((site / "articles").glob("-*"))
    assert main(["new", "!!! ???", "--site", str(site), "--author", "sam-sample", "--slug", "Bad Slug"]) == 2
    assert "--slug bad-slug" in capsys.readouterr().err
    assert main(["new", "!!! ???", "--site", str(site), "--author", "sam-sample", "--slug", "questions"]) == 0
    assert (site / "articles/questions.md").is_file()


def test_the_placeholders_new_writes_are_findings_until_replaced(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["new", "Calm breathing", "--site", str(site), "--author", "sam-sample"]) == 0
    found = [c for c in _codes(site, capsys) if c[0] == "placeholder-text"]
    assert found == [("placeholder-text", "articles/calm-breathing.md", 3),
                     ("placeholder-text", "articles/calm-breathing.md", 11)]
    path = site / "articles/calm-breathing.md"
    text = path.read_text("utf-8").replace("One or two sentences that tell a reader what this article gives them.",
                                           "How slow breathing can help.")
    path.write_text(text.replace("Start with what the reader needs most, in plain words.", "Breathe out slowly."),
                    "utf-8")
    assert not [c for c in _codes(site, capsys) if c[0] == "placeholder-text"]


def test_files_named_in_any_script_get_transliterated_slugs(tmp_path, capsys):
    site = make_site(tmp_path / "s", {"Émpathie-ünïcode.md": article("Empathie"), "共感.md": article("Kyokan"),
                                      "Upper.MD": article("Upper"), "long-form.markdown": article("Long form")})
    assert main(["build", "--site", str(site)]) == 0, capsys.readouterr().err
    for slug in ("empathie-unicode", "gong-gan", "upper", "long-form"):
        assert (site / "output/articles" / slug / "index.html").is_file(), slug


def test_two_files_that_share_a_slug_are_an_error_naming_both(tmp_path, capsys):
    site = make_site(tmp_path / "s", {"Straße.md": article("One"), "strasse.md": article("Two")})
    capsys.readouterr()
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "duplicate-slug" in line)
    assert "articles/Straße.md" in line and "articles/strasse.md" in line
    assert not (site / "output").exists()


def test_other_files_in_articles_are_a_warning(tmp_path, capsys):
    site = make_site(tmp_path / "s", {"notes.txt": "not an article", "draft.docx": b"PK\x03\x04"})
    (site / "articles/.hidden").write_text("x")
    (site / "articles/a.md~").write_text("backup")
    found = [c for c in _codes(site, capsys) if c[0] == "unread-file"]
    assert found == [("unread-file", "articles/draft.docx", 0), ("unread-file", "articles/notes.txt", 0)]


@pytest.mark.parametrize("title", ["null", "yes", "2026-01-01", "a: b", "#1 tip", "'quoted'", "[list]", "- dash",
                                   "Straße & Ψυχή", "100%", "~", "@home", "! bang"])
def test_titles_yaml_would_misread_are_written_back_exactly(tmp_path, capsys, title):
    site = make_site(tmp_path / "s")
    assert main(["new", title, "--site", str(site), "--author", "sam-sample", "--slug", "t"]) == 0
    assert _front(site / "articles/t.md")["title"] == title


def test_a_title_with_a_line_break_is_refused(tmp_path, capsys):
    site = make_site(tmp_path / "s")
    assert main(["new", "Line one\nline two", "--site", str(site), "--author", "sam-sample"]) == 2
    assert "on one line" in capsys.readouterr().err and not (site / "articles/line-one-line-two.md").exists()
