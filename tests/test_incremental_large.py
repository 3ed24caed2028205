"""Incremental builds of a large hub equal a clean build.

A hub past both parallel thresholds takes the paths a small test hub never does: parsing in worker
processes that put bodies in the body store themselves, rendering in forked workers (the clean build
runs as `haven build` in a fresh process: a pytest-xdist worker has threads, so it renders serially, and
the two must agree byte for byte), and the once-per-build indexes of articles by
topic and person that listings, feeds and the sitemap read. The size follows the thresholds (a hundred
articles past the larger one, about 500), so the test keeps taking those paths if they move, and builds
no more than it must (a thousand articles took twice as long and proved nothing more).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.incremental import BODY_DIR, CACHE_DIR, PARALLEL_THRESHOLD
from generator.render import PARALLEL_RENDER_THRESHOLD
from tests.sitekit import snapshot

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:   # `bench` is not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from bench import corpus  # noqa: E402

ARTICLES = max(PARALLEL_THRESHOLD, PARALLEL_RENDER_THRESHOLD) + 100


def _build(site: Path, out: Path):
    result = build(BuildOptions(site, out, search_index=False))
    assert result.ok, [d.format() for d in result.diagnostics if d.severity == "error"][:3]
    return result


def _pages(folder: Path) -> dict[str, bytes]:
    return {path: entry[0] for path, entry in snapshot(folder).items() if path != ".haven-output.json"}


def _front(path: Path, key: str) -> str:
    found = re.search(rf"^{key}: (.*)$", path.read_text("utf-8"), re.MULTILINE)
    assert found, f"{path.name} has no {key}"
    return found.group(1)


@pytest.mark.slow
def test_a_hub_past_the_parallel_thresholds_after_edits_equals_a_clean_build(tmp_path):
    site = tmp_path / "hub"
    corpus.generate(site, ARTICLES, seed=7)
    files = len(list((site / "articles").glob("*.md"))) + len(list((site / "pages").glob("*.md")))
    first = _build(site, site / "output")
    assert first.parsed == files > PARALLEL_THRESHOLD   # parsed by workers, bodies stored by them
    assert len(list((site / CACHE_DIR / BODY_DIR).glob("*.html"))) == files

    articles = sorted((site / "articles").glob("*.md"))
    body, retitled, moved = articles[ARTICLES // 100], articles[ARTICLES // 2], articles[ARTICLES * 9 // 10]
    body.write_text(body.read_text("utf-8") + "\nA sentence added by the test.\n", encoding="utf-8")
    page = f"articles/{body.stem}/index.html"
    written = _build(site, site / "output").written   # the page, and any feed that carries its text
    assert page in written and all(path == page or path.endswith("feed.xml") for path in written)
    old_title = _front(retitled, "title")
    retitled.write_text(retitled.read_text("utf-8").replace(f"title: {old_title}", 'title: "A new title"', 1),
                        encoding="utf-8")
    edited = _build(site, site / "output")
    # its page, its neighbours (their previous/next links show the title) and the listings that show it
    slug = retitled.stem
    assert f"articles/{slug}/index.html" in edited.written and len(edited.written) < ARTICLES / 10
    topics = _front(moved, "topics")
    moved.write_text(moved.read_text("utf-8").replace(f"topics: {topics}", "topics: [sleep]", 1), encoding="utf-8")
    _build(site, site / "output")

    # the clean build runs as `haven build` does, in a fresh process with no threads of its own, so it
    # renders in forked workers (this test's process, a pytest-xdist worker with threads, renders serially)
    clean = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site), "--out",
                            str(tmp_path / "clean"), "--no-cache", "--no-search-index"],
                           capture_output=True, text=True, timeout=600)
    assert clean.returncode == 0, clean.stderr[-2000:]
    summary = re.search(r"built (\d+) files: (\d+) written", clean.stderr + clean.stdout)
    assert summary, clean.stderr[-500:]
    assert int(summary.group(2)) > PARALLEL_RENDER_THRESHOLD   # enough pages to render in forked workers
    incremental, fresh = _pages(site / "output"), _pages(tmp_path / "clean")
    assert incremental.keys() == fresh.keys()
    differing = sorted(path for path in fresh if incremental[path] != fresh[path])
    assert differing == [], differing[:5]
    # a hub of tens of thousands of pages renders them in chunks, each in a worker forked for it alone, after
    # the first page of each template here: the same pages, byte for byte (chunks of 50 pages, to get there)
    chunked = subprocess.run([sys.executable, "-c", "import sys; import generator.render as r; "
                              "r.FRESH_WORKER_PAGES = 50; from generator.cli import main; sys.exit(main(sys.argv[1:]))",
                              "build", "--site", str(site), "--out", str(tmp_path / "chunked"), "--no-cache",
                              "--no-search-index"], capture_output=True, text=True, timeout=600)
    assert chunked.returncode == 0, chunked.stderr[-2000:]
    assert _pages(tmp_path / "chunked") == fresh
    # into an empty folder with the cache: every page from the page store the builds above filled, checked in
    # forked workers and rendered by none (rendering would fail): the same pages, byte for byte
    # (a page rendered stops the build naming it: a store that lost a page says which)
    refuse = ("def refuse(self, name, context):\n"
              "    raise RuntimeError(f'rendered {name} for {context.get(\"page_url\")}: not taken from the store')\n")
    from_store = subprocess.run([sys.executable, "-c", "import sys; import generator.templates as t\n" + refuse +
                                 "t.Templates.render = refuse; from generator.cli import main; "
                                 "sys.exit(main(sys.argv[1:]))",
                                 "build", "--site", str(site), "--out", str(tmp_path / "from-store"),
                                 "--no-search-index"], capture_output=True, text=True, timeout=600)
    assert from_store.returncode == 0, from_store.stderr[-2000:]
    assert _pages(tmp_path / "from-store") == fresh
    output = site / "output"
    assert "A sentence added by the test." in (output / "articles" / body.stem / "index.html").read_text("utf-8")
    assert "A new title" in (output / "articles" / slug / "index.html").read_text("utf-8")
    sleep_pages = "".join(p.read_text("utf-8") for p in (output / "topics" / "sleep").rglob("index.html"))
    assert f'/articles/{moved.stem}/"' in sleep_pages
