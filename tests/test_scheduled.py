"""Scheduled publishing: an article dated after the build's day is left out everywhere a reader looks
until that day, is listed by `haven check`, and appears on its day from a build in which no file changed."""

from __future__ import annotations

import json
from datetime import date

from generator.build import BuildOptions, build
from generator.cli import main
from tests.publishkit import build_ok
from tests.sitekit import article, make_site

DAY = date(2026, 3, 1)


def scheduled_hub(tmp_path, body_of_first: str = ""):
    return make_site(tmp_path / "site", {
        "first-steps.md": article("First steps", next="coming-soon", body=body_of_first),
        "coming-soon.md": article("Coming soon", previous="first-steps", date="2026-03-01"),
    })


def published_everywhere(out, slug: str) -> dict[str, bool]:
    """Where a reader could meet the article: its page, home, archive, topic, feeds, sitemap, neighbours."""
    text = lambda rel: (out / rel).read_text("utf-8") if (out / rel).exists() else ""  # noqa: E731
    url = f"/articles/{slug}/"
    return {
        "page": (out / "articles" / slug / "index.html").exists(),
        "home": url in text("index.html"),
        "archive": url in text("articles/index.html"),
        "topic": url in text("topics/calm/index.html"),
        "author": url in text("authors/alex-example/index.html"),
        "feed": url in text("feed.xml"),
        "topic feed": url in text("topics/calm/feed.xml"),
        "sitemap": url in text("sitemap.xml"),
        "neighbour": url in text("articles/first-steps/index.html"),
    }


def test_a_future_article_is_not_published_and_appears_on_its_day_with_no_file_changed(tmp_path):
    site = scheduled_hub(tmp_path)
    out = site / "output"
    result = build_ok(site, today=date(2026, 2, 28), search_index=False)
    assert not any(published_everywhere(out, "coming-soon").values())
    assert [d.code for d in result.diagnostics if d.severity == "note"] == ["scheduled"]
    assert published_everywhere(out, "first-steps")["home"]

    # the daily build on the article's day: same files, same cache, a new date
    result = build_ok(site, today=DAY, search_index=False)
    assert "articles/coming-soon/index.html" in result.written
    assert all(published_everywhere(out, "coming-soon").values()), published_everywhere(out, "coming-soon")
    assert not [d for d in result.diagnostics if d.code == "scheduled"]

    # the day after, nothing to do: the stamp knows the inputs are the same
    again = build_ok(site, today=DAY, search_index=False)
    assert again.written == [] and again.parsed == 0


def test_future_builds_the_page_with_a_banner_but_lists_it_nowhere(tmp_path):
    site = scheduled_hub(tmp_path)
    out = site / "output"
    build_ok(site, today=date(2026, 2, 1), future=True, search_index=False)
    seen = published_everywhere(out, "coming-soon")
    assert seen.pop("page") and not any(seen.values()), seen
    page = (out / "articles" / "coming-soon" / "index.html").read_text("utf-8")
    assert "Scheduled for" in page and "1 March 2026" in page
    assert '<meta name="robots" content="noindex">' in page


def test_check_lists_what_is_scheduled_with_its_date_and_never_fails_for_it(tmp_path, capsys):
    site = scheduled_hub(tmp_path)
    (site / "articles" / "later.md").write_text(article("Later", date="2999-01-01"), "utf-8")
    status = main(["check", "--site", str(site), "--format", "json", "--strict"])
    report = json.loads(capsys.readouterr().out)
    notes = [(d["path"], d["line"], d["message"]) for d in report["diagnostics"] if d["code"] == "scheduled"]
    assert ("articles/later.md", 5, notes[-1][2]) == notes[-1] and "2999-01-01" in notes[-1][2]
    assert status == 0 and report["summary"]["errors"] == 0


def test_a_link_from_a_published_article_to_a_scheduled_one_is_a_warning_not_a_404_error(tmp_path):
    site = scheduled_hub(tmp_path, body_of_first="Read [what comes next](/articles/coming-soon/).\n")
    result = build(BuildOptions(site, site / "output", today=date(2026, 2, 1), search_index=False))
    found = [d for d in result.diagnostics if d.code in ("link-to-scheduled", "broken-link")]
    assert result.ok and [d.code for d in found] == ["link-to-scheduled"]
    assert found[0].path == "articles/first-steps.md" and "2026-03-01" in found[0].message
    strict = build(BuildOptions(site, site / "output", today=date(2026, 2, 1), strict=True, write=False))
    assert not strict.ok   # a team that wants no such link can insist with --strict


def test_a_scheduled_article_is_checked_now_not_on_its_day(tmp_path):
    site = make_site(tmp_path / "site", {
        "soon.md": article("Soon", date="2026-03-01", body="See [nothing](/articles/missing/).\n"),
    })
    result = build(BuildOptions(site, site / "output", today=date(2026, 2, 1), write=False))
    assert [(d.code, d.path) for d in result.diagnostics if d.severity == "error"] == [("broken-link", "articles/soon.md")]


def test_the_preview_shows_scheduled_pages_unlisted(tmp_path):
    from generator.serve.preview import Preview

    site = make_site(tmp_path / "site", {"first-steps.md": article("First steps"),
                                         "later.md": article("Later", date="2999-01-01")})
    preview = Preview(site, site / "output", port=0)
    try:
        result = preview._builder()   # the build the preview runs on every save
    finally:
        preview.server.server_close()
    out = site / "output"
    assert result.ok and "Scheduled for" in (out / "articles/later/index.html").read_text("utf-8")
    assert "/articles/later/" not in (out / "index.html").read_text("utf-8")


def test_haven_build_future_on_the_command_line(tmp_path, capsys):
    site = make_site(tmp_path / "site", {"first-steps.md": article("First steps"),
                                         "later.md": article("Later", date="2999-01-01")})
    assert main(["build", "--site", str(site), "--future", "--no-search-index"]) == 0
    assert (site / "output/articles/later/index.html").is_file()
    assert "scheduled for 2999-01-01" in capsys.readouterr().err
    assert main(["build", "--site", str(site), "--no-search-index"]) == 0
    assert not (site / "output/articles/later").exists()   # without --future the preview page goes away


def test_an_article_dated_on_the_last_day_python_knows_is_scheduled_not_a_crash(tmp_path):
    """`date: 9999-12-31` put the review-due date past the year 9999: a traceback. Now it is scheduled
    (and `--future` builds its page with a review due never)."""
    site = scheduled_hub(tmp_path)
    (site / "articles" / "far.md").write_text(article("Far away", date="9999-12-31"), "utf-8")
    for future in (False, True):
        result = build(BuildOptions(site, site / "output", today=DAY, future=future, search_index=False))
        assert result.ok, [d.format() for d in result.diagnostics]
        assert [d.line for d in result.diagnostics if d.code == "scheduled" and d.path == "articles/far.md"] == [5]
    assert (site / "output" / "articles" / "far" / "index.html").exists()
