"""The benchmark corpus is deterministic and valid, and the floor builds it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
# `bench` is not an installed package (only `generator` is), so make the repo root importable here.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import corpus, run  # noqa: E402

ARTICLES = 20
REQUIRED_KEYS = {"title", "summary", "author", "date", "topics", "references"}
CITATION_KEY = re.compile(r"@([A-Za-z0-9_][\w:.#$%&+?<>~/-]*)")


def read_article(path: Path) -> tuple[dict, str]:
    """(front matter, body) of one generated article."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    return yaml.load(text[4:end], Loader=yaml.CSafeLoader), text[end + 5 :]


def all_files(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path, with its bytes."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 20-article corpus shared by the tests of this module."""
    dest = tmp_path_factory.mktemp("corpus")
    corpus.generate(dest, ARTICLES, seed=0)
    return dest


@pytest.fixture(scope="module")
def articles(site: Path) -> list[tuple[Path, dict, str]]:
    """Articles in reading order (as the generator recorded it), with front matter and body."""
    marker = corpus.read_marker(site)
    assert marker is not None
    return [(site / relative, *read_article(site / relative)) for relative in marker["articles"]]


def test_same_arguments_give_byte_identical_files(site: Path, tmp_path: Path) -> None:
    corpus.generate(tmp_path / "again", ARTICLES, seed=0)
    assert all_files(tmp_path / "again") == all_files(site)


def test_another_seed_gives_another_corpus(site: Path, tmp_path: Path) -> None:
    corpus.generate(tmp_path / "other", ARTICLES, seed=1)
    assert all_files(tmp_path / "other") != all_files(site)


def test_site_files_parse_and_have_what_haven_reads(site: Path) -> None:
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert config["base_url"] == "https://bench.example.org/" and config["language"] == "en"
    assert len(config["topics"]) >= 10 and all({"title", "description"} <= set(t) for t in config["topics"].values())
    assert all({"region", "name", "phone", "url", "verified_on"} <= set(r) for r in config["crisis"]["resources"])
    authors = yaml.safe_load((site / "data" / "authors.yaml").read_text(encoding="utf-8"))
    assert len(authors) == 20 and all("(fictional)" in author["name"] for author in authors.values())


def test_front_matter_has_the_required_keys_and_valid_ids(site: Path, articles: list) -> None:
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    authors = yaml.safe_load((site / "data" / "authors.yaml").read_text(encoding="utf-8"))
    assert len(articles) == ARTICLES == len(list((site / "articles").glob("*.md")))
    for path, meta, body in articles:
        assert REQUIRED_KEYS <= set(meta), path
        ids = meta["author"] if isinstance(meta["author"], list) else [meta["author"]]
        assert all(author in authors for author in ids), path
        assert 1 <= len(meta["topics"]) <= 3 and set(meta["topics"]) <= set(config["topics"]), path
        assert "updated" not in meta or meta["updated"] > meta["date"], path
        assert 700 <= len(body.split()) <= 1300, path


def test_previous_and_next_form_one_consistent_chain(articles: list) -> None:
    slugs = [path.stem for path, _, _ in articles]
    for index, (path, meta, _) in enumerate(articles):
        assert meta.get("previous") == (slugs[index - 1] if index > 0 else None), path
        assert meta.get("next") == (slugs[index + 1] if index < ARTICLES - 1 else None), path


def test_every_reference_is_csl_and_cited_in_its_body(articles: list) -> None:
    forms_seen: set[str] = set()
    for path, meta, body in articles:
        keys = [reference["id"] for reference in meta["references"]]
        assert 3 <= len(keys) <= 6 and len(set(keys)) == len(keys), path
        for reference in meta["references"]:
            assert reference["type"] == "article-journal" and 2 <= len(reference["author"]) <= 5
            assert reference["DOI"].startswith("10.5555/bench.")
            assert {"issued", "title", "container-title", "volume", "issue", "page"} <= set(reference)
        cited = set(CITATION_KEY.findall(body))
        assert set(keys) <= cited, f"{path}: uncited {set(keys) - cited}"
        assert cited <= set(keys), f"{path}: cites unknown {cited - set(keys)}"
        forms_seen |= {name for name, pattern in (("list", r"\[@[^\]]+; @"), ("locator", r"\[@[^\]]+, p\. \d+\]"),
                                                  ("narrative", r"As @")) if re.search(pattern, body)}
    assert forms_seen == {"list", "locator", "narrative"}


def test_internal_links_point_at_articles_of_the_corpus(articles: list) -> None:
    slugs = {path.stem for path, _, _ in articles}
    linked = {link for _, _, body in articles for link in re.findall(r"\]\(/articles/([^/]+)/\)", body)}
    assert linked and linked <= slugs


def test_generate_refuses_a_folder_that_is_not_a_corpus(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit):
        corpus.generate(tmp_path, 3)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_floor_writes_one_page_per_article(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.floor", str(site), str(out)], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    float(completed.stdout)  # it prints the seconds it took
    pages = sorted(out.rglob("index.html"))
    assert len(pages) == ARTICLES
    assert "<h2" in pages[0].read_text(encoding="utf-8")


def test_harness_edits_change_what_a_reader_sees(articles: list, tmp_path: Path) -> None:
    article = articles[ARTICLES // 2][0]
    copy = tmp_path / article.name
    copy.write_bytes(article.read_bytes())
    run.edit_title(copy, 0)
    run.edit_body(copy, 0)
    meta, body = read_article(copy)
    assert meta["title"].endswith("(revised in run 1)")
    assert "added by benchmark run 1" in body.split("[^1]:")[0]

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text('{% extends "base.html" %}\n{% block main %}x{% endblock %}\n')
    run.edit_template(templates, 0)
    assert "{% block main %}<!-- edited by benchmark run 1 -->x" in (templates / "article.html").read_text()
