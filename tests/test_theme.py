"""The default theme ships in the package; a hub's templates/ and static/ override it file by file."""

from __future__ import annotations

import shutil

from generator.build import BuildOptions, build
from tests.sitekit import THEME, article, make_site


def theme_only_hub(root):
    """A hub with no templates/ or static/ of its own: everything comes from the default theme."""
    site = make_site(root)
    shutil.rmtree(site / "templates")
    shutil.rmtree(site / "static")
    return site


def test_a_hub_without_templates_or_static_gets_the_styled_default_theme(tmp_path):
    site = theme_only_hub(tmp_path / "hub")
    out = tmp_path / "out"
    result = build(BuildOptions(site, out, search_index=False))
    assert result.ok, [d.format() for d in result.diagnostics]
    assert (out / "static" / "css" / "haven.css").read_bytes() == (THEME / "static" / "css" / "haven.css").read_bytes()
    page = (out / "articles" / "first-steps" / "index.html").read_text("utf-8")
    assert "static/css/haven.css" in page and "Skip to main content" in page


def test_one_overridden_template_and_static_file_win_and_the_rest_stays_the_themes(tmp_path):
    site = theme_only_hub(tmp_path / "hub")
    (site / "templates").mkdir()
    base = (THEME / "templates" / "base.html").read_text("utf-8")
    (site / "templates" / "base.html").write_text(base.replace("Skip to main content", "Skip to the article"))
    (site / "templates" / "README.md").write_text("notes for the team {% not a template")
    (site / "static" / "css").mkdir(parents=True)
    (site / "static" / "css" / "haven.css").write_text("body { color: black; }\n")
    out = tmp_path / "out"
    result = build(BuildOptions(site, out, search_index=False))
    assert result.ok, [d.format() for d in result.diagnostics]
    page = (out / "articles" / "first-steps" / "index.html").read_text("utf-8")
    assert "Skip to the article" in page and "Skip to main content" not in page
    assert (out / "static" / "css" / "haven.css").read_text() == "body { color: black; }\n"
    assert (out / "static" / "search" / "search.css").is_file()   # not overridden: still the theme's
    assert not (out / "static" / "README.md").exists()


def test_an_error_in_an_overriding_template_names_the_hubs_file(tmp_path):
    site = theme_only_hub(tmp_path / "hub")
    (site / "templates").mkdir()
    (site / "templates" / "topic.html").write_text('{% extends "base.html" %}\n{% block main %}{% if %}{% endblock %}\n')
    result = build(BuildOptions(site, tmp_path / "out", search_index=False))
    assert not result.ok
    assert [(d.path, d.line) for d in result.diagnostics if d.code == "template-syntax"] == [("templates/topic.html", 2)]


def test_theme_list_names_every_theme_file_and_marks_the_hubs_own(tmp_path, capsys):
    from generator.cli import main

    site = theme_only_hub(tmp_path / "hub")
    assert main(["theme", "list", "--site", str(site)]) == 0
    listed = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in listed]
    assert "base.html" in names and "partials/head-meta.html" in names and "static/css/haven.css" in names
    assert not any("own copy" in line for line in listed)
    theme_templates = sorted(p.relative_to(THEME / "templates").as_posix() for p in (THEME / "templates").rglob("*.html"))
    assert [n for n in names if n.endswith(".html")] == theme_templates
    assert main(["theme", "copy", "base.html", "--site", str(site)]) == 0
    capsys.readouterr()
    assert main(["theme", "list", "--site", str(site)]) == 0
    assert "base.html   (the hub has its own copy)" in capsys.readouterr().out.splitlines()


def test_theme_copy_copies_one_file_to_edit_and_the_build_uses_the_copy(tmp_path, capsys):
    from generator.cli import main

    site = theme_only_hub(tmp_path / "hub")
    assert main(["theme", "copy", "partials/head-meta.html", "--site", str(site)]) == 0
    assert main(["theme", "copy", "css/haven.css", "--site", str(site)]) == 0   # static/ may be left out
    copied = site / "templates/partials/head-meta.html"
    assert copied.read_bytes() == (THEME / "templates/partials/head-meta.html").read_bytes()
    css = site / "static/css/haven.css"
    assert css.read_bytes() == (THEME / "static/css/haven.css").read_bytes()
    css.write_text("body { color: #123456 }", "utf-8")
    out = tmp_path / "out"
    assert build(BuildOptions(site, out, search_index=False)).ok
    assert (out / "static/css/haven.css").read_text("utf-8") == "body { color: #123456 }"
    assert sorted(p.name for p in (site / "templates").rglob("*") if p.is_file()) == ["head-meta.html"]


def test_theme_copy_never_overwrites_and_suggests_names(tmp_path, capsys):
    from generator.cli import main

    site = theme_only_hub(tmp_path / "hub")
    (site / "templates").mkdir()
    (site / "templates/base.html").write_text("mine", "utf-8")
    assert main(["theme", "copy", "base.html", "--site", str(site)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (site / "templates/base.html").read_text("utf-8") == "mine"
    assert main(["theme", "copy", "artcle.html", "--site", str(site)]) == 2
    assert "did you mean 'article.html'?" in capsys.readouterr().err
    assert main(["theme", "copy", "haven.css", "--site", str(site)]) == 2
    assert "did you mean 'static/css/haven.css'?" in capsys.readouterr().err
    for hostile in ("../site.yaml", "/etc/passwd", "static/../../x", ""):   # only the theme's own names
        assert main(["theme", "copy", hostile, "--site", str(site)]) == 2
        assert "theme has no file" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_theme_list_works_anywhere_but_copy_only_in_a_hub(tmp_path, capsys, monkeypatch):
    from generator.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["theme", "list"]) == 0 and "base.html" in capsys.readouterr().out
    assert main(["theme", "copy", "base.html"]) == 2
    assert "no site.yaml" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_templates_copied_before_the_renames_still_build(tmp_path):
    """Hubs copied article.html and sources.html when the parsed file was `article.source` and the
    cited works were `sources`: those names stay readable in templates, with the same content."""
    site = theme_only_hub(tmp_path / "hub")
    (site / "templates").mkdir()
    article_html = (THEME / "templates" / "article.html").read_text("utf-8")
    assert "article.parsed.headings" in article_html
    (site / "templates" / "article.html").write_text(
        article_html.replace("article.parsed.headings", "article.source.headings")
        .replace("{% if crisis_top %}", "{% if crisis_top %}<p id='old-crisis-flag'>crisis first</p>"))
    (site / "templates" / "sources.html").write_text(
        '{% extends "base.html" %}\n{% block main %}<ol id="old-list">{% for s in sources %}'
        '<li>{{ s.key }}: {{ s.cited_in | join(",") }}</li>{% endfor %}</ol>{% endblock %}\n')
    (site / "articles" / "first-steps.md").write_text(article(
        "First steps", extra="references:\n  - {id: own2020, type: book, title: A book, issued: 2020,"
        " author: [{family: Own, given: A.}]}",
        body="Talking about suicide helps [@own2020].\n\n## One\n\nText.\n\n## Two\n\nText.\n\n## Three\n\nText.\n"))
    out = tmp_path / "out"
    result = build(BuildOptions(site, out, search_index=False))
    assert result.ok, [d.format() for d in result.diagnostics]
    page = (out / "articles" / "first-steps" / "index.html").read_text("utf-8")
    assert 'href="#one"' in page and 'href="#three"' in page   # the table of contents from article.source
    assert "old-crisis-flag" in page                           # crisis_top still set for such articles
    assert '<li>own2020: first-steps</li>' in (out / "sources" / "index.html").read_text("utf-8")


def test_theme_copy_never_writes_through_a_link_out_of_the_hub(tmp_path, capsys):
    # a clone whose templates/ (or static/css) is a committed link to a folder of the maintainer's
    from generator.cli import main

    site = make_site(tmp_path / "hub")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "css").mkdir(parents=True)
    shutil.rmtree(site / "templates")
    (site / "templates").symlink_to(elsewhere)
    shutil.rmtree(site / "static" / "css")
    (site / "static" / "css").symlink_to(elsewhere / "css")
    assert main(["theme", "copy", "base.html", "--site", str(site)]) == 1
    assert main(["theme", "copy", "css/haven.css", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "templates:1:1: error: templates is a link to" in err and "static/css:1:1: error:" in err, err
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["css"]
