"""site.yaml's numeric settings have bounds that mean something: `limits:` allows articles up to a size a CI
job can read and times a CI job can wait, and a value over a bound is one error that says so, names the
largest allowed value and suggests a value Haven accepts (never "must be a positive number" for 2000000)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.config import (
    DEFAULT_MAX_ARTICLE_BYTES,
    LARGEST_ARTICLE_BYTES,
    LARGEST_SECONDS,
    MAX_PER_PAGE,
    load_config,
)
from generator.discover import ParseSettings
from generator.parse import parse_bytes
from tests.sitekit import SITE_YAML

LINE = SITE_YAML.count("\n") + 2   # the setting's line: the parent key is added after SITE_YAML

# parent, key, largest allowed, the value load_config gives when the setting is left out
NUMERIC = [
    ("limits", "max_article_bytes", LARGEST_ARTICLE_BYTES, DEFAULT_MAX_ARTICLE_BYTES),
    ("limits", "render_seconds", LARGEST_SECONDS, 60),
    ("limits", "parse_seconds", LARGEST_SECONDS, 10),
    ("pagination", "per_page", MAX_PER_PAGE, 20),
]


def config_of(tmp_path: Path, parent: str, key: str, value: str):
    (tmp_path / "site.yaml").write_text(SITE_YAML + f"{parent}:\n  {key}: {value}\n", "utf-8")
    return load_config(tmp_path)


def errors(findings) -> list[str]:
    return [f.format() for f in findings if f.severity == "error"]


def suggested(line: str, key: str) -> str:
    """The value a finding's fix tells the writer to write for `key`."""
    match = re.search(rf"write `{key}: ([^`]+)`", line)
    assert match, line
    return match.group(1)


@pytest.mark.parametrize("parent,key,largest,default", NUMERIC)
def test_the_largest_allowed_value_is_accepted_and_one_more_is_refused_naming_it(tmp_path, parent, key, largest,
                                                                                 default):
    config, findings = config_of(tmp_path, parent, key, str(largest))
    assert errors(findings) == [] and getattr(config, key) == largest
    config, findings = config_of(tmp_path, parent, key, str(largest + 1))
    [line] = errors(findings)
    assert line.startswith(f"site.yaml:{LINE}:"), line
    assert f"{parent}.{key} '{largest + 1}' is over the largest allowed, {largest} - " in line, line
    assert "must be a positive number" not in line, line
    assert getattr(config, key) == default


@pytest.mark.parametrize("parent,key,largest,default", NUMERIC)
@pytest.mark.parametrize("value", ["1000001", "2000000", "50000000", "1.0e+30", "1e30", "lots", "0", "-5",
                                   "[1, 2]", ".nan"])
def test_every_fix_a_numeric_setting_suggests_is_accepted(tmp_path, parent, key, largest, default, value):
    _config, findings = config_of(tmp_path, parent, key, value)
    if not errors(findings):   # (a value within the bound: nothing to fix)
        assert float(value) <= largest
        return
    [line] = errors(findings)
    fix = suggested(line, key)
    config, findings = config_of(tmp_path, parent, key, fix)
    assert errors(findings) == [], (line, errors(findings))
    assert getattr(config, key) == float(fix)


def test_the_default_article_size_and_more_may_be_written(tmp_path):
    for value in (DEFAULT_MAX_ARTICLE_BYTES, 5_000_000):
        config, findings = config_of(tmp_path, "limits", "max_article_bytes", str(value))
        assert errors(findings) == [] and config.max_article_bytes == value


def test_the_article_too_large_advice_to_raise_the_limit_works(tmp_path):
    body = ("Feeling understood helps people cope. " * 20 + "\n\n") * 3000
    data = ("---\ntitle: Long\nsummary: A long one.\nauthor: a\ndate: 2025-01-01\n---\n" + body).encode()
    assert DEFAULT_MAX_ARTICLE_BYTES < len(data) <= LARGEST_ARTICLE_BYTES
    refused = parse_bytes("articles/long.md", "article", data, ParseSettings("/", 8.0, DEFAULT_MAX_ARTICLE_BYTES))
    assert [f.code for f in refused.findings] == ["article-too-large"]
    assert "raise `limits: {max_article_bytes: ...}`" in refused.findings[0].hint
    config, findings = config_of(tmp_path, "limits", "max_article_bytes", str(len(data)))
    assert errors(findings) == []
    read = parse_bytes("articles/long.md", "article", data,
                       ParseSettings("/", 8.0, config.max_article_bytes, parse_seconds=120))
    assert "article-too-large" not in [f.code for f in read.findings]


@pytest.mark.parametrize("key", ["render_seconds", "parse_seconds"])
@pytest.mark.parametrize("value", ["1000000", "86400", "601", "600.5"])
def test_a_time_limit_a_ci_job_cannot_afford_is_refused_and_the_default_kept(tmp_path, key, value):
    config, findings = config_of(tmp_path, "limits", key, value)
    [line] = errors(findings)
    assert f"limits.{key} '{value}' is over the largest allowed, {LARGEST_SECONDS}" in line, line
    assert f"write `{key}: {LARGEST_SECONDS}` or less" in line, line
    assert getattr(config, key) == {"render_seconds": 60, "parse_seconds": 10}[key]
    assert LARGEST_SECONDS <= 600


def test_the_message_for_a_value_that_is_not_a_number_is_unchanged(tmp_path):
    _config, findings = config_of(tmp_path, "limits", "max_article_bytes", "lots")
    [line] = errors(findings)
    assert "limits.max_article_bytes must be a positive number, not 'lots' - write `max_article_bytes: 2000000`" \
        in line, line


def test_other_numeric_settings_over_the_reader_s_bound_say_so(tmp_path):
    for parent, key, largest in (("review", "interval_months", 1200), ("readability", "target_grade", 1000000)):
        _config, findings = config_of(tmp_path, parent, key, "2000000")
        [line] = errors(findings)
        assert f"{parent}.{key} '2000000' is over the largest allowed, {largest} - write `{key}: {largest}` or less" \
            in line, line


@pytest.mark.parametrize("value", ["0.5", "6.5"])
def test_a_review_interval_in_parts_of_a_month_is_refused_not_cut(tmp_path, value):
    """int(0.5) is 0: a half-month interval would have switched review reminders off without a word."""
    config, findings = config_of(tmp_path, "review", "interval_months", value)
    [line] = errors(findings)
    assert "review.interval_months must be a whole number from 1 to 1200" in line, line
    assert config is not None and config.review_interval_months == 24
