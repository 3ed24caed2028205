"""Hostile hubs that try to make a build use the whole disk, memory or file system: a link to the root folder,
links in a loop, sparse files of gigabytes where Haven reads, record entries thousands of folders deep, folders
where Haven writes its own files, a template that multiplies text, and a page edited behind the build's back.

Each row: name, arrange(hub, outside), exit status, the file:line:col named, words said (see tests/hostile).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.hostile import Case
from tests.hostile.cases_confine import RECORD, add_record_entries, link, replace_with_link
from tests.sitekit import article

GIGABYTES = 20 * 1024 ** 3


def sparse(path: Path, size: int = GIGABYTES) -> None:
    """A file of `size` bytes that takes no disk (reading it whole would take that much memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


def edit_an_article(hub: Path) -> None:
    """A change for the next build to make (so it writes its cache)."""
    article = next((hub / "articles").glob("*.md"))
    article.write_text(article.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")


def folder_at(path: Path) -> None:
    """A folder (with a file in it) where Haven writes a file of its own."""
    if path.is_file():
        path.unlink()
    (path / "x").mkdir(parents=True)


def page_edited_with_its_record(hub: Path, out: Path) -> None:
    """An output page with a script added, its size and time written into the record so that the record vouches
    for it (someone with the output folder in hand, or a CI that restores it)."""
    page = hub / "output" / "about" / "index.html"
    page.write_text(page.read_text("utf-8").replace("</body>", "<script>fetch('/x')</script></body>"), "utf-8")
    record = json.loads((hub / "output" / RECORD).read_text("utf-8"))
    info = os.stat(page)
    record["files"]["about/index.html"]["st"] = [info.st_size, info.st_mtime_ns]
    (hub / "output" / RECORD).write_text(json.dumps(record), "utf-8")


def no_script_in_about(hub: Path, out: Path) -> None:
    assert "<script>fetch('/x')</script>" not in (hub / "output" / "about" / "index.html").read_text("utf-8")


MULTIPLYING_TEMPLATE = "{% extends 'base.html' %}{% block main %}{{ ('x' * 1000000)|replace('', 'y' * 40) }}{% endblock %}"

CASES = [
    Case("static linked to the root folder", lambda hub, out: replace_with_link(hub / "static", "/"),
         1, "static:1:1", "outside the hub", process=True),
    Case("data linked to a system folder", lambda hub, out: replace_with_link(hub / "data", "/usr"),
         1, "data:1:1", "outside the hub", process=True),
    Case("a template link in a loop", lambda hub, out: link(hub / "templates" / "loop.html", "loop.html"), 0),
    Case("a static link in a loop", lambda hub, out: link(hub / "static" / "loop", "loop"), 0),
    Case("a sparse static file of 20 GB", lambda hub, out: sparse(hub / "static" / "big.bin"),
         1, "static/big.bin:1:1", "over the 250 MB"),
    Case("a sparse build stamp of 20 GB", lambda hub, out: (sparse(hub / ".haven-cache" / "last-build.json"),
                                                            edit_an_article(hub)), 0),
    Case("a sparse cache shard of 20 GB", lambda hub, out: (sparse(hub / ".haven-cache" / "index" / "entries-00.json"),
                                                            edit_an_article(hub)), 0),
    # (300 MB, over what Haven reads: the harness itself reads the output folder)
    Case("a sparse output record of 300 MB", lambda hub, out: sparse(hub / "output" / RECORD, 300_000_000), 0,
         check=lambda hub, out: (hub / "output" / RECORD).stat().st_size < 10_000_000),   # (not read: written anew)
    Case("output record entries thousands of folders deep", lambda hub, out: add_record_entries(
        hub, {f"d{i}/" + "a/" * 2000 + "x.html": {"fp": "", "sha": ""} for i in range(1500)}),
        0, "output/.haven-output.json:1:1", "ignored", process=True),
    Case("a folder where the output record goes", lambda hub, out: folder_at(hub / "output" / RECORD),
         2, "", "is a folder; Haven keeps its record"),
    Case("a folder where the build stamp goes", lambda hub, out: (folder_at(hub / ".haven-cache" / "last-build.json"),
                                                                  edit_an_article(hub)),
         0, "", "could not be written"),
    Case("a template that multiplies text into a huge page", lambda hub, out: (
        (hub / "templates").mkdir(exist_ok=True),
        (hub / "templates" / "article.html").write_text(MULTIPLYING_TEMPLATE, "utf-8")),
        1, "templates/article.html:1", "million characters"),
    Case("a page edited in place, its record made to match, built without the cache", page_edited_with_its_record,
         0, command=("build", "--no-cache", "--no-search-index"), check=no_script_in_about),
    # YAML refuses control characters written raw, but reads escapes in double quotes as the characters themselves
    *[Case(f"a {field} holding {shown} in double quotes", lambda hub, out, field=field, escape=escape: (
        hub / "articles" / "control.md").write_text(article('"Calm steps"').replace(
            f'{field}: "Calm steps"' if field == "title" else "summary: A short summary for the tests.",
            f'{field}: "Calm {escape}[31m steps"'), "utf-8"),
        1, f"articles/control.md:{2 if field == 'title' else 3}:", f"control character U+{code:04X}")
      for field, shown, escape, code in (("title", "a terminal escape", "\\x1b", 0x1B),
                                         ("summary", "a NUL", "\\0", 0), ("title", "a C1 control", "\\x85", 0x85))],
]
