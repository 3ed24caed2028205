"""The Pagefind search index: a planned bundle the one writer writes under the one output record; only
articles (never drafts), refreshed only when what it holds changes, never left with stale files, deferred
by the preview server, kept when the indexer fails, and byte-identical between incremental and clean builds."""

from __future__ import annotations

import json
from pathlib import Path

from generator import search_index, write
from tests.publishkit import build_ok
from tests.sitekit import article, make_site, snapshot


def hub(root: Path) -> Path:
    return make_site(root, {
        "breathing.md": article("Breathing", body="Slow breathing with a longer exhale calms the body.\n"),
        "sleeping.md": article("Sleeping", date="2026-02-01",
                               body="A regular bedtime helps sleep.\n\n## Light\n\nDim the lights.\n"),
        "hidden.md": article("Hidden", extra="draft: true", body="Zebrafish are a secret word.\n"),
    })


def entry(out: Path) -> dict:
    return json.loads((out / "pagefind" / "pagefind-entry.json").read_text())


def test_build_writes_an_index_of_published_articles_only(tmp_path):
    site = hub(tmp_path / "site")
    result = build_ok(site, drafts=True)
    out = site / "output"
    assert (out / "pagefind" / "pagefind.js").is_file() and (out / "pagefind" / "pagefind-worker.js").is_file()
    languages = entry(out)["languages"]
    assert sum(lang["page_count"] for lang in languages.values()) == 2   # the draft is not indexed
    urls = [r.url for r in search_index.records(result.site)]
    assert urls == ["/articles/sleeping/", "/articles/breathing/"]
    assert not any(name in search_index.UNUSED for name in (p.name for p in (out / "pagefind").iterdir()))
    # every file on disk is recorded, and every recorded file is on disk
    on_disk = {p.relative_to(out).as_posix() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert on_disk == set(write.recorded_files(out, "pagefind"))


def test_records_carry_title_summary_topics_and_readable_text(tmp_path):
    site = hub(tmp_path / "site")
    model = build_ok(site, search_index=False).site
    record = {r.url: r for r in search_index.records(model)}["/articles/sleeping/"]
    meta = dict(record.meta)
    assert meta["title"] == "Sleeping" and meta["summary"] == "A short summary for the tests."
    assert meta["topics"] == "Calm"
    assert "A regular bedtime helps sleep." in record.content and "Dim the lights." in record.content
    assert "#" not in record.content and "<" not in record.content


def test_no_op_build_leaves_the_index_alone(tmp_path):
    site = hub(tmp_path / "site")
    build_ok(site)
    before = snapshot(site / "output")
    build_ok(site)
    assert snapshot(site / "output") == before


def test_template_edit_does_not_reindex_but_a_body_edit_does_and_removes_stale_files(tmp_path):
    site = hub(tmp_path / "site")
    build_ok(site)
    out = site / "output"
    first = set(write.recorded_files(out, "pagefind"))
    base = site / "templates" / "base.html"
    base.write_text(base.read_text().replace("Skip to main content", "Skip to the content"))
    before = {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")}
    build_ok(site)
    assert {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")} == before

    path = site / "articles" / "breathing.md"
    path.write_text(path.read_text().replace("Slow breathing", "Slow diaphragmatic breathing"))
    build_ok(site)
    second = set(write.recorded_files(out, "pagefind"))
    assert second != first
    on_disk = {p.relative_to(out).as_posix() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert on_disk == second   # the old fragment and meta files are gone


def test_missing_index_files_are_rebuilt(tmp_path):
    site = hub(tmp_path / "site")
    build_ok(site)
    (site / "output" / "pagefind" / "pagefind.js").unlink()
    build_ok(site, use_cache=False)   # (with the cache, a build whose inputs did not change stops early)
    assert (site / "output" / "pagefind" / "pagefind.js").is_file()


def test_the_preview_server_skips_indexing(tmp_path):
    site = hub(tmp_path / "site")
    build_ok(site, search_index=False)
    assert not (site / "output" / "pagefind").exists()
    assert write.recorded_files(site / "output", "pagefind") == []


def test_the_preview_server_keeps_an_index_made_earlier(tmp_path):
    site = hub(tmp_path / "site")
    build_ok(site)
    out = site / "output"
    index = {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")}
    path = site / "articles" / "breathing.md"
    path.write_text(path.read_text().replace("Slow breathing", "Slow diaphragmatic breathing"))
    result = build_ok(site, search_index=False)   # what `haven serve` does after an edit
    assert "articles/breathing/index.html" in result.written
    assert {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")} == index
    assert set(write.recorded_files(out, "pagefind")) == set(index)


def test_a_second_build_rewrites_nothing_search_index_included(tmp_path):
    site = hub(tmp_path / "site")
    build_ok(site)
    out = site / "output"
    before = snapshot(out)
    assert any(k.startswith("pagefind/") for k in before)
    # without the cache, so the build plans, checks and compares every output instead of stopping early
    again = build_ok(site, use_cache=False)
    assert again.written == [] and again.removed == []
    assert snapshot(out) == before   # same bytes, same modification times, the record included


def test_incremental_index_is_byte_identical_to_a_clean_one(tmp_path):
    site = hub(tmp_path / "site")
    build_ok(site)
    path = site / "articles" / "sleeping.md"
    path.write_text(path.read_text().replace("Dim the lights.", "Dim the lights an hour before bed."))
    build_ok(site)
    build_ok(site, tmp_path / "clean", use_cache=False)
    build_ok(site, tmp_path / "clean2", use_cache=False)

    def index(folder: Path) -> dict:
        return {k: v[0] for k, v in snapshot(folder).items() if k.startswith("pagefind/")}

    assert index(site / "output") == index(tmp_path / "clean") == index(tmp_path / "clean2")


def test_a_missing_indexer_is_a_warning_not_a_crash(tmp_path, monkeypatch):
    site = hub(tmp_path / "site")
    import pagefind.service

    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    result = build_ok(site)
    findings = [d for d in result.diagnostics if d.code == "search-index"]
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert "pagefind[bin]" in findings[0].hint
    assert (site / "output" / "index.html").is_file()


def test_a_failing_indexer_keeps_the_last_index_and_the_rest_is_written(tmp_path, monkeypatch):
    site = hub(tmp_path / "site")
    build_ok(site)
    out = site / "output"
    index = {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")}

    def crash(rows, lang):
        raise RuntimeError("Pagefind: out of memory")

    monkeypatch.setattr(search_index, "_run_pagefind", crash)
    path = site / "articles" / "breathing.md"
    path.write_text(path.read_text().replace("Slow breathing", "Slow diaphragmatic breathing"))
    result = build_ok(site)
    assert [d.severity for d in result.diagnostics if d.code == "search-index"] == ["warning"]
    assert "diaphragmatic" in (out / "articles" / "breathing" / "index.html").read_text()
    assert {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")} == index
    assert set(write.recorded_files(out, "pagefind")) == set(index)
    monkeypatch.undo()   # the indexer is back: the next build brings the index up to date
    build_ok(site, use_cache=False)
    assert {k: v for k, v in snapshot(out).items() if k.startswith("pagefind/")} != index


def test_index_files_named_outside_the_index_folder_are_never_written(tmp_path, monkeypatch):
    site = hub(tmp_path / "site")
    real = search_index._run_pagefind

    def hostile(rows, lang):
        return {**real(rows, lang), "../index.html": b"owned", "../../escape.txt": b"owned", "/tmp/x": b"owned"}

    monkeypatch.setattr(search_index, "_run_pagefind", hostile)
    build_ok(site)
    out = site / "output"
    assert b"owned" not in (out / "index.html").read_bytes()
    assert not (tmp_path / "site" / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()
    recorded = set(write.read_record(out))
    assert not any(".." in p or "//" in p for p in recorded) and "pagefind/pagefind.js" in recorded


def test_an_output_folder_from_the_two_record_layout_is_taken_over(tmp_path):
    """Before the plan owned the index, it had its own record; the first build after an upgrade takes the
    index's files over, removes the ones it no longer makes and the old record."""
    site = hub(tmp_path / "site")
    build_ok(site)
    out = site / "output"
    record = json.loads((out / write.MARKER).read_text())
    index = {p[len("pagefind/"):]: "x" for p in list(record["files"]) if p.startswith("pagefind/")}
    record["files"] = {p: e for p, e in record["files"].items() if not p.startswith("pagefind/")}
    (out / write.MARKER).write_text(json.dumps(record))
    (out / "pagefind" / "fragment" / "en_old.pf_fragment").write_bytes(b"stale")
    (out / ".haven-search.json").write_text(json.dumps({"fingerprint": "old", "files": {
        **index, "fragment/en_old.pf_fragment": "x", "../../site.yaml": "x"}}))
    build_ok(site, use_cache=False)
    assert not (out / "pagefind" / "fragment" / "en_old.pf_fragment").exists()
    assert not (out / ".haven-search.json").exists() and (site / "site.yaml").is_file()
    on_disk = {p.relative_to(out).as_posix() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert on_disk == set(write.recorded_files(out, "pagefind")) and "pagefind/pagefind.js" in on_disk
