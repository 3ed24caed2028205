"""`aliases:`: a renamed article's old addresses still lead to it (a redirect page and a 301 in _redirects);
two claims on one address are an error naming both files; aliases are paths inside the site."""

from __future__ import annotations

import pytest

from generator.build import BuildOptions, build
from tests.publishkit import build_ok
from tests.sitekit import article, make_site


def renamed(tmp_path, aliases: str = "[/articles/old-name/, /calm.html]", **more):
    articles = {"new-name.md": article("New name", extra=f"aliases: {aliases}")}
    articles.update(more)
    return make_site(tmp_path / "site", articles)


def test_each_old_address_gets_a_redirect_page_and_a_301(tmp_path):
    site = renamed(tmp_path)
    build_ok(site, search_index=False)
    out = site / "output"
    page = (out / "articles" / "old-name" / "index.html").read_text("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/articles/new-name/">' in page
    assert '<link rel="canonical" href="https://test.example.org/articles/new-name/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="/articles/new-name/">New name</a>' in page          # a link readers can follow
    assert 'href="/static/css/haven.css"' in page                         # the theme's look
    assert (out / "calm.html").read_text("utf-8").count("url=/articles/new-name/") == 1
    assert (out / "_redirects").read_text("utf-8").splitlines()[1:] == [
        "/articles/old-name/ /articles/new-name/ 301", "/calm.html /articles/new-name/ 301"]
    # redirects are not pages of their own: not in the sitemap
    assert "old-name" not in (out / "sitemap.xml").read_text("utf-8")


def test_links_to_an_alias_are_not_broken(tmp_path):
    site = renamed(tmp_path, **{"other.md": article("Other", body="See [the old page](/articles/old-name/).\n")})
    result = build_ok(site, search_index=False)
    assert not [d for d in result.diagnostics if d.code == "broken-link"]


def test_a_redirect_under_a_base_path_keeps_it(tmp_path):
    site = renamed(tmp_path)
    yaml = (site / "site.yaml").read_text("utf-8").replace("https://test.example.org/", "https://example.org/hub/")
    (site / "site.yaml").write_text(yaml, "utf-8")
    build_ok(site, search_index=False)
    assert "/hub/articles/old-name/ /hub/articles/new-name/ 301" in (site / "output" / "_redirects").read_text("utf-8")
    assert "url=/hub/articles/new-name/" in (site / "output" / "articles/old-name/index.html").read_text("utf-8")


def test_two_articles_claiming_one_old_address_is_an_error_naming_both(tmp_path):
    site = renamed(tmp_path, **{"also.md": article("Also", extra="aliases:\n  - /elsewhere/\n  - /articles/old-name/")})
    result = build(BuildOptions(site, site / "output", search_index=False))
    taken = [d for d in result.diagnostics if d.code == "alias-taken"]
    assert not result.ok and not (site / "output").exists()
    # both files and both lines: also.md lists it on line 9, new-name.md (read first) on line 7
    assert [(d.path, d.line) for d in taken] == [("articles/new-name.md", 7)]
    assert "articles/also.md (line 9)" in taken[0].message


def test_an_alias_that_is_a_real_page_is_an_error(tmp_path):
    site = renamed(tmp_path, aliases="[/articles/other/]", **{"other.md": article("Other")})
    result = build(BuildOptions(site, site / "output", search_index=False))
    taken = [d for d in result.diagnostics if d.code == "alias-taken"]
    assert [(d.path, d.line) for d in taken] == [("articles/new-name.md", 7)]
    assert "articles/other.md" in taken[0].message


@pytest.mark.parametrize("alias", ["/topics/", "/feed.xml", "/feed.xml/", "/static/css/haven.css", "/articles/",
                                   "/pagefind/", "/_redirects", "/articles/new-name/index.html"])
def test_an_alias_on_one_of_havens_own_addresses_is_an_error(tmp_path, alias):
    site = renamed(tmp_path, aliases=f"[{alias}]")
    result = build(BuildOptions(site, site / "output", search_index=False))
    assert [d.code for d in result.diagnostics if d.severity == "error"] in (["alias-taken"], ["bad-alias"])


@pytest.mark.parametrize("alias", [
    "https://evil.example/x/", "//evil.example/x/", "javascript:alert(1)", "old-name/", "/../../etc/passwd",
    "/a/./b/", "/a//b/", "/", "/a b/", "/a?b=1", "/a#frag", "/%2e%2e/x/", "/a\\\\b/", "'/with\\ttab/'", "42",
    "'/a\\x00b/'", "{a: 1}",
])
def test_an_alias_that_is_not_a_plain_path_inside_the_site_is_an_error_at_its_line(tmp_path, alias):
    site = renamed(tmp_path, aliases=f"[{alias}]")
    result = build(BuildOptions(site, site / "output", search_index=False))
    bad = [d for d in result.diagnostics if d.severity == "error"]
    assert [(d.code, d.path, d.line) for d in bad] in ([("bad-alias", "articles/new-name.md", 7)],
                                                        [("yaml-syntax", "articles/new-name.md", 7)]), bad
    assert not (site / "output").exists()
    assert not (tmp_path / "etc").exists()


def test_aliases_in_any_script_are_written_percent_encoded_in_redirects(tmp_path):
    site = renamed(tmp_path, aliases="[/άρθρα/παλιό/]")
    build_ok(site, search_index=False)
    out = site / "output"
    assert (out / "άρθρα" / "παλιό" / "index.html").is_file()
    assert "/%CE%AC%CF%81%CE%B8%CF%81%CE%B1/" in (out / "_redirects").read_text("utf-8")


def test_no_aliases_no_redirects_file(tmp_path):
    site = make_site(tmp_path / "site")
    build_ok(site, search_index=False)
    assert not (site / "output" / "_redirects").exists()


@pytest.mark.parametrize("alias", ["/CNAME", "/CNAME/", "/CNAME/old.html"])
def test_an_alias_on_a_file_publish_writes_at_the_root_is_an_error_at_its_line(tmp_path, alias):
    """`haven publish --to git` writes CNAME (and .nojekyll) at the branch's root: an alias there would replace
    the custom domain's file, or make it a folder, and the host would drop the domain without a word."""
    site = renamed(tmp_path, aliases=f"[{alias}]")
    result = build(BuildOptions(site, site / "output", search_index=False))
    bad = [d for d in result.diagnostics if d.severity == "error"]
    assert [(d.code, d.path, d.line) for d in bad] == [("alias-taken", "articles/new-name.md", 7)], bad
    assert f"alias '{alias}'" in bad[0].message and "CNAME" in bad[0].message
    assert not (site / "output").exists()


def _with_alias(site, alias: str) -> None:
    page = site / "articles" / "new-name.md"
    text = page.read_text("utf-8")
    page.write_text(text.replace(text[text.index("aliases: "):].split("\n", 1)[0], f"aliases: [{alias}]"), "utf-8")


def test_an_alias_that_loses_its_slash_replaces_havens_own_folder_with_a_file(tmp_path):
    """/calm.html/ is a folder with index.html; /calm.html is a file: the next build makes the one the other (it
    stopped with a traceback, 'calm.html in the output folder is a folder, where Haven writes a file')."""
    site = renamed(tmp_path, "[/calm.html/]")
    build_ok(site, search_index=False)
    assert (site / "output" / "calm.html" / "index.html").is_file()
    _with_alias(site, "/calm.html")
    build_ok(site, search_index=False)
    assert (site / "output" / "calm.html").is_file()
    _with_alias(site, "/calm.html/")
    build_ok(site, search_index=False)
    assert (site / "output" / "calm.html" / "index.html").is_file()


def test_a_folder_holding_files_haven_did_not_write_is_not_replaced(tmp_path):
    site = renamed(tmp_path, "[/calm.html/]")
    build_ok(site, search_index=False)
    mine = site / "output" / "calm.html" / "notes.txt"
    mine.write_text("someone's notes\n", "utf-8")
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    _with_alias(site, "/calm.html")
    result = build(BuildOptions(site, site / "output", search_index=False))
    assert "calm.html in the output folder is a folder" in result.usage_error and "notes.txt" in result.usage_error
    assert {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("alias", ["/.well-known/security.txt", "/.haven-output.json", "/old/.hidden/"])
def test_an_alias_on_a_hidden_name_says_why(tmp_path, alias):
    """It said 'may hold only letters, digits, '-', '_', '.' ...': true of every character it has."""
    site = renamed(tmp_path, aliases=f"[{alias}]")
    result = build(BuildOptions(site, site / "output", search_index=False))
    [bad] = [d for d in result.diagnostics if d.severity == "error"]
    assert (bad.code, bad.line) == ("bad-alias", 7) and "starting with '.'" in bad.message, bad.message
