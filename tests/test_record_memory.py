"""A long-lived process (the preview server) reads back the output record it wrote from memory, and a
record file changed by anyone else from disk, checked as ever."""

from __future__ import annotations

import json

import generator.write as write
from generator.build import BuildOptions, build
from tests.sitekit import article, make_site


def _edit(hub, n: int) -> None:
    page = hub / "articles" / "first-steps.md"
    page.write_text(article("First steps", body=f"Breathing slowly can help, edit {n}.\n"), "utf-8")


def test_the_record_this_process_wrote_is_not_read_again(tmp_path, monkeypatch):
    hub = make_site(tmp_path / "hub", {"first-steps.md": article("First steps")})
    out = hub / "out"
    assert build(BuildOptions(hub, out, search_index=False)).ok
    reads: list[str] = []
    original = write.read_output_bytes
    monkeypatch.setattr(write, "read_output_bytes", lambda folder, rel: reads.append(rel) or original(folder, rel))
    _edit(hub, 1)
    result = build(BuildOptions(hub, out, search_index=False))
    assert result.ok and "articles/first-steps/index.html" in result.written
    assert write.MARKER not in reads
    assert "edit 1" in (out / "articles" / "first-steps" / "index.html").read_text("utf-8")


def test_a_record_changed_on_disk_is_read_and_checked_again(tmp_path):
    hub = make_site(tmp_path / "hub", {"first-steps.md": article("First steps")})
    out = hub / "out"
    assert build(BuildOptions(hub, out, search_index=False)).ok
    outside = tmp_path / "keep.txt"
    outside.write_text("not Haven's", "utf-8")
    record = json.loads((out / write.MARKER).read_text("utf-8"))
    record["files"]["../keep.txt"] = {"fp": "x", "sha": "y"}   # a doctored record names a file outside
    (out / write.MARKER).write_text(json.dumps(record), "utf-8")
    _edit(hub, 2)
    result = build(BuildOptions(hub, out, search_index=False))
    assert result.ok
    assert outside.read_text("utf-8") == "not Haven's"
    warned = [d for d in result.diagnostics if d.code == "output-record"]
    assert warned and "../keep.txt" in warned[0].message
