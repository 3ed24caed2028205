"""The default theme ships in the package; a hub's templates/ and static/ override it file by file."""

from __future__ import annotations

import shutil

from generator.build import BuildOptions, build
from tests.sitekit import THEME, make_site


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
