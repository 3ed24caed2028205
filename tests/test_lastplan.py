"""A command-line build after one that changed only articles' text keeps the last build's plan and findings for
the rest of the hub (generator.lastplan, `.haven-cache/plan.json`): it plans and checks the changed articles
alone, and the result is exactly what a clean build makes, the same files byte for byte and the same findings.
Anything the plan cannot vouch for (another face, another world, a file not as recorded, a doctored plan) and
the build plans everything again."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest

import generator.theme
from generator import plan as plan_module
from generator.build import BuildOptions, build
from generator.checks import hub as hub_checks
from tests.test_lastbuild import _large_hub, _random_edit
from tests.test_reuse import _clean, _findings, _newest, _pages, titles_hub

PLAN = Path(".haven-cache") / "plan.json"


def _cli(hub: Path):
    """One `haven build` (everything written before it returns, as the command line does)."""
    return build(BuildOptions(hub, hub / "output", search_index=False, future=True))


@pytest.fixture
def hub(tmp_path):
    hub = _large_hub(tmp_path / "hub", 30)
    assert _cli(hub).ok
    assert (hub / PLAN).is_file()
    return hub


class _Planned:
    """Counts the builds that planned the whole hub (generator.plan.plan) or checked it as a whole."""

    def __init__(self, monkeypatch):
        self.plans = self.hub_checks = 0
        plan, whole_hub = plan_module.plan, hub_checks.whole_hub

        def counted_plan(*args, **kwargs):
            self.plans += 1
            return plan(*args, **kwargs)

        def counted_checks(*args, **kwargs):
            self.hub_checks += 1
            return whole_hub(*args, **kwargs)
        monkeypatch.setattr(plan_module, "plan", counted_plan)
        monkeypatch.setattr(hub_checks, "whole_hub", counted_checks)


def _add_sentence(article: Path, sentence: str = "A sentence typed since the last build.") -> None:
    article.write_text(article.read_text("utf-8").replace("\n## ", f"\n{sentence}\n\n## ", 1), "utf-8")


def _same_as_clean(hub: Path, result, tmp_path: Path) -> None:
    clean = _clean(hub, tmp_path / "clean")
    assert _pages(hub / "output") == _pages(tmp_path / "clean")
    assert _findings(result) == _findings(clean)


def test_a_sentence_added_since_the_last_build_plans_only_its_page_and_the_feeds(hub, tmp_path, monkeypatch):
    article = _newest(hub)
    _add_sentence(article)
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert result.ok
    assert (counted.plans, counted.hub_checks) == (0, 0)
    slug = article.stem
    assert f"articles/{slug}/index.html" in result.written and "feed.xml" in result.written
    assert all(path == f"articles/{slug}/index.html" or path.endswith("feed.xml") for path in result.written)
    assert "A sentence typed since the last build." in (hub / "output" / "feed.xml").read_text("utf-8")
    _same_as_clean(hub, result, tmp_path)


def test_a_new_title_reaches_every_page_showing_it_without_planning_the_hub(hub, tmp_path, monkeypatch):
    article = _newest(hub)
    article.write_text(re.sub(r"^title: .*$", 'title: "A title changed since the last build"',
                              article.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert result.ok and (counted.plans, counted.hub_checks) == (0, 1)   # its title is the hub's: checked again
    assert "A title changed since the last build" in (hub / "output" / "index.html").read_text("utf-8")
    assert "articles/index.html" in result.written
    _same_as_clean(hub, result, tmp_path)


def test_a_title_reaches_its_neighbour_its_redirect_and_the_sources_page(tmp_path, monkeypatch):
    hub = titles_hub(tmp_path / "hub")
    assert _cli(hub).ok
    second = hub / "articles" / "second-steps.md"
    second.write_text(second.read_text("utf-8").replace("title: Second steps", "title: Zen steps"), "utf-8")
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert result.ok and counted.plans == 0
    for page in ("articles/first-steps/index.html", "articles/index.html", "articles/old-second/index.html",
                 "sources/index.html", "index.html"):
        assert page in result.written and "Zen steps" in (hub / "output" / page).read_text("utf-8"), page
    _same_as_clean(hub, result, tmp_path)


def test_new_topics_plan_the_whole_hub(hub, tmp_path, monkeypatch):
    article = _newest(hub)
    article.write_text(re.sub(r"^topics: .*$", "topics: [sleep]", article.read_text("utf-8"), count=1, flags=re.M),
                       "utf-8")
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert result.ok and counted.plans == 1
    _same_as_clean(hub, result, tmp_path)


def test_a_broken_link_in_the_changed_article_is_found_and_the_other_findings_are_kept(hub, tmp_path, monkeypatch):
    article = _newest(hub)
    _add_sentence(article, "See [the guide](/articles/no-such-guide/).")
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert counted.plans == 0 and not result.ok and result.written == []
    assert [(d.code, d.path) for d in result.diagnostics if d.severity == "error"] == \
        [("broken-link", f"articles/{article.name}")]
    assert _findings(result) == _findings(_clean(hub, tmp_path / "clean"))


def test_a_changed_setting_or_template_plans_the_whole_hub(hub, tmp_path, monkeypatch):
    article = _newest(hub)
    counted = _Planned(monkeypatch)
    site_yaml = hub / "site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("title:", "title: Renamed", 1), "utf-8")
    _add_sentence(article)
    assert _cli(hub).ok and counted.plans == 1
    (hub / "templates").mkdir(exist_ok=True)
    _add_sentence(article, "Another sentence.")
    theme = Path(generator.theme.__file__).parent / "templates" / "article.html"
    (hub / "templates" / "article.html").write_text(
        theme.read_text("utf-8").replace("{% block main %}", "{% block main %}<!-- mine -->", 1), "utf-8")
    result = _cli(hub)
    assert result.ok and counted.plans == 2
    assert "<!-- mine -->" in (hub / "output" / "articles" / article.stem / "index.html").read_text("utf-8")
    _same_as_clean(hub, result, tmp_path)


def test_a_page_deleted_from_the_output_folder_is_written_again(hub, tmp_path):
    articles = sorted((hub / "articles").glob("*.md"))
    gone = hub / "output" / "articles" / articles[0].stem / "index.html"
    gone.unlink()
    _add_sentence(articles[1])
    result = _cli(hub)
    assert result.ok and gone.is_file()
    _same_as_clean(hub, result, tmp_path)


def test_random_edits_between_command_line_builds_give_what_a_clean_build_gives(tmp_path):
    hub = _large_hub(tmp_path / "hub", 24)
    rng = random.Random(1414)
    assert _cli(hub).ok
    for step in range(10):
        what = _random_edit(hub, rng, step)
        result = _cli(hub)
        clean = _clean(hub, tmp_path / f"clean{step}")
        assert _pages(hub / "output") == _pages(tmp_path / f"clean{step}"), f"step {step}: {what}"
        assert _findings(result) == _findings(clean), f"step {step}: {what}"


# -- a doctored plan (the cache is untrusted) ------------------------------------------------------------------

def _doctor(hub: Path, change) -> None:
    plan = json.loads((hub / PLAN).read_bytes())
    change(plan)
    (hub / PLAN).write_text(json.dumps(plan), "utf-8")


def test_a_plan_that_leaves_out_a_page_is_not_used_and_the_page_stays(hub, tmp_path, monkeypatch):
    slug = sorted((hub / "articles").glob("*.md"))[0].stem
    page = f"articles/{slug}/index.html"

    def leave_out(plan):   # PlanRecord as the codec writes it: a list of its fields
        outputs, pages = plan[5], plan[6]
        del outputs[page]
        pages.remove(page)
    _doctor(hub, leave_out)
    _add_sentence(_newest(hub))
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert result.ok and counted.plans == 1 and page not in result.removed
    assert (hub / "output" / page).is_file()
    _same_as_clean(hub, result, tmp_path)


def test_a_plan_naming_files_outside_the_output_folder_is_not_used(hub, tmp_path, monkeypatch):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me\n", "utf-8")
    _doctor(hub, lambda plan: plan[5].update({"../../precious.txt": "0" * 24, str(outside): "0" * 24}))
    _add_sentence(_newest(hub))
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert result.ok and counted.plans == 1
    assert outside.read_text("utf-8") == "keep me\n"
    _same_as_clean(hub, result, tmp_path)


@pytest.mark.parametrize("kind", ["garbage", "link", "fifo", "other-folder"])
def test_a_damaged_or_planted_plan_file_is_ignored(hub, tmp_path, monkeypatch, kind):
    plan = hub / PLAN
    if kind == "garbage":
        plan.write_bytes(b"\x00not json{")
    elif kind == "link":
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_bytes(plan.read_bytes())
        plan.unlink()
        plan.symlink_to(elsewhere)
    elif kind == "fifo":
        plan.unlink()
        os.mkfifo(plan)
    else:   # a plan for another output folder
        _doctor(hub, lambda record: record.__setitem__(0, str(tmp_path / "other")))
    _add_sentence(_newest(hub))
    counted = _Planned(monkeypatch)
    result = _cli(hub)
    assert result.ok and counted.plans == 1
    assert plan.is_file() and not plan.is_symlink()   # written again, in place of what was planted
    _same_as_clean(hub, result, tmp_path)
