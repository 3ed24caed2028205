"""Hostile hubs for confinement: links out of the hub, special files, a doctored output record and cache.

Each row: name, arrange(hub, outside), exit status, the file:line:col named, words said.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.hostile import SENTINEL, Case
from tests.sitekit import article


def link(path: Path, target: Path | str) -> None:
    """A symbolic link at `path` (its folder made) pointing at `target`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.is_file():
        path.unlink()
    path.symlink_to(target)


def replace_with_link(path: Path, target: Path | str) -> None:
    """Move a real folder or file out of the way (into a dot-name nobody reads) and link in its place."""
    path.rename(path.with_name("." + path.name + ".moved"))
    path.symlink_to(target)


def fifo(path: Path) -> None:
    """A named pipe: reading it blocks forever (a build that opened it would hang)."""
    os.mkfifo(path)


def same_bytes(rel_a: str, rel_b: str):
    """A check: two output files hold the same bytes (a link inside the hub was followed)."""
    def check(hub: Path, outside: Path) -> None:
        assert (hub / "output" / rel_a).read_bytes() == (hub / "output" / rel_b).read_bytes()
    return check


LINK_OUT = "outside the hub"

CASES = [
    # ---- reads: a link out of the hub is an error naming the link and where it points
    Case("static file linked to a file outside", lambda hub, out: link(hub / "static/x.txt", out / "secret.txt"),
         1, "static/x.txt:1:1", LINK_OUT),
    Case("static folder linked to a folder outside", lambda hub, out: link(hub / "static/more", out / "dir"),
         1, "static/more:1:1", LINK_OUT),
    Case("static link to a link inside the hub that leaves it",
         lambda hub, out: (link(hub / "hop", out / "secret.txt"), link(hub / "static/a.txt", "../hop")),
         1, "static/a.txt:1:1", LINK_OUT),
    Case("static link up to the folder that holds the hub", lambda hub, out: link(hub / "static/up", "../.."),
         1, "static/up:1:1", LINK_OUT),
    Case("static link to a missing file outside", lambda hub, out: link(hub / "static/gone.css", "/nonexistent/x.css"),
         1, "static/gone.css:1:1", "/nonexistent/x.css"),
    Case("article linked to a Markdown file outside", lambda hub, out: link(hub / "articles/evil.md", out / "secret.md"),
         1, "articles/evil.md:1:1", str(Path("secret.md"))),
    Case("article folder linked outside", lambda hub, out: link(hub / "articles/sub", out / "dir"),
         1, "articles/sub:1:1", LINK_OUT),
    Case("the whole articles/ folder is a link outside",
         lambda hub, out: replace_with_link(hub / "articles", out / "dir"), 1, "articles:1:1", LINK_OUT),
    Case("page linked outside", lambda hub, out: link(hub / "pages/evil.md", out / "secret.md"),
         1, "pages/evil.md:1:1", LINK_OUT),
    Case("template linked outside", lambda hub, out: link(hub / "templates/base.html", out / "secret.txt"),
         1, "templates/base.html:1:1", LINK_OUT),
    Case("template folder linked outside", lambda hub, out: link(hub / "templates/partials/more", out / "dir"),
         1, "templates/partials/more:1:1", LINK_OUT),
    Case("authors file linked outside", lambda hub, out: link(hub / "data/authors.yaml", out / "secret.txt"),
         1, "data/authors.yaml:1:1", LINK_OUT),
    Case("data/ folder linked outside", lambda hub, out: replace_with_link(hub / "data", out / "dir"),
         1, "data:1:1", LINK_OUT),
    Case("bibliography linked outside", lambda hub, out: link(hub / "data/references.yaml", out / "secret.txt"),
         1, "data/references.yaml:1:1", LINK_OUT),
    Case("site.yaml linked outside", lambda hub, out: link(hub / "site.yaml", out / "site.yaml"),
         1, "site.yaml:1:1", LINK_OUT),
    Case("site.yaml linked to a system file", lambda hub, out: link(hub / "site.yaml", "/etc/hostname"),
         1, "site.yaml:1:1", "/etc/hostname"),
    # ---- special files: never opened (a pipe would hang the build: these rows run in a process of their own)
    Case("a named pipe in static/", lambda hub, out: fifo(hub / "static/pipe.css"), 1, "static/pipe.css:1:1",
         "not an ordinary file", timeout=30, process=True),
    Case("a named pipe as an article", lambda hub, out: fifo(hub / "articles/pipe.md"), 1, "articles/pipe.md:1:1",
         "not an ordinary file", timeout=30, process=True),
    Case("a named pipe as a template", lambda hub, out: fifo(hub / "templates/pipe.html"), 1,
         "templates/pipe.html:1:1", "not an ordinary file", timeout=30, process=True),
    # ---- links that stay inside the hub keep working
    Case("static link inside the hub works", lambda hub, out: link(hub / "static/alias.css", "css/haven.css"),
         0, check=same_bytes("static/alias.css", "static/css/haven.css")),
    Case("absolute link to a file inside the hub works",
         lambda hub, out: link(hub / "static/abs.css", hub.resolve() / "static/css/haven.css"),
         0, check=same_bytes("static/abs.css", "static/css/haven.css")),
    Case("a static folder that links to itself ends", lambda hub, out: link(hub / "static/loop", "."), 0,
         process=True),
    Case("an articles folder that links to itself ends", lambda hub, out: link(hub / "articles/again", "."), 0,
         process=True),
    # ---- a doctored cache: never executed, never trusted
    Case("pickle in the cache index does not run", lambda hub, out: plant_pickle(hub, out), 0,
         check=lambda hub, out: not_created(out / "pwned")),
    Case("pickle in the build stamp does not run",
         lambda hub, out: plant_pickle(hub, out, "last-build.json"), 0,
         check=lambda hub, out: not_created(out / "pwned")),
    Case("cache with wrong types is rebuilt", lambda hub, out: retype_cache(hub), 0,
         check=lambda hub, out: assert_in(b"First steps", hub / "output/articles/first-steps/index.html")),
    # ---- a cache folder that is a link (a pull request can commit one; Git keeps links): the build runs
    # without its cache, never reading, writing or deleting through it (bodies would be written there,
    # and old ones pruned: every file of a linked folder deleted)
    Case("cache folder linked to a folder outside", lambda hub, out: cache_linked(hub, ".haven-cache", out / "dir"),
         0, ".haven-cache: warning: .haven-cache is a symbolic link", "[unsafe-cache]"),
    Case("cache bodies folder linked to a folder outside",
         lambda hub, out: cache_linked(hub, ".haven-cache/bodies", out), 0,
         ".haven-cache/bodies: warning: .haven-cache/bodies is a symbolic link", "ran without its cache"),
    # (the cache half made: no index yet, as in a fresh clone of a hub whose pull request committed only the link)
    Case("cache bodies folder linked, no index folder", lambda hub, out: cache_linked_without_index(hub, out), 0,
         ".haven-cache/bodies: warning: .haven-cache/bodies is a symbolic link", "ran without its cache"),
    Case("cache pages folder linked to a folder outside", lambda hub, out: cache_linked(hub, ".haven-cache/pages", out),
         0, ".haven-cache/pages: warning: .haven-cache/pages is a symbolic link", "ran without its cache"),
    Case("cache index folder linked to a folder outside",
         lambda hub, out: cache_linked(hub, ".haven-cache/index", out / "dir"), 0, "", "[unsafe-cache]"),
    Case("cache folder that is a named pipe", lambda hub, out: cache_fifo(hub), 0, "", "is not a folder",
         process=True),
    # ---- files in the cache's real folders: never read through a link, never a FIFO
    Case("cached bodies linked to a secret outside", lambda hub, out: bodies_replaced(hub, lambda b: link(b, out / "secret.txt")),
         0, check=lambda hub, out: assert_in(b"Breathing slowly", hub / "output/articles/first-steps/index.html")),
    Case("cached bodies that are named pipes", lambda hub, out: bodies_replaced(hub, fifo_in_place), 0,
         check=lambda hub, out: assert_in(b"Breathing slowly", hub / "output/articles/first-steps/index.html"),
         process=True),
    # ---- files Haven reads whole and parses: over 10 MB is refused unread (a pull request adding gigabytes
    # would stall or exhaust the CI machine: 35 MB of YAML took 26 s and 2 GB)
    *[Case(f"{rel} of 11 MB", lambda hub, out, rel=rel: oversized(hub / rel), 1, f"{rel}:1:1: error: {rel} is 11.0 MB",
           "[file-too-large]")
      for rel in ("site.yaml", "data/authors.yaml", "data/references.yaml", "data/references.bib", "data/references.json",
                  "templates/base.html")],
    # ---- names and depths a file system or Python cannot take
    Case("a 300-character slug", lambda hub, out: (hub / "articles/long.md").write_text(
        article("Long", slug_line="slug: " + "a" * 300)), 1, "articles/long.md:7:1: error: published as articles/aaa",
        "[path-too-long]"),
    Case("static folders nested past the longest path the output can hold", lambda hub, out: deep_static(hub), 1,
         ": error: published as static/b/b/", "[path-too-long]"),
    Case("articles nested 1,200 folders deep are read", lambda hub, out: deep_article(hub), 0,
         check=lambda hub, out: assert_in(b"Deep down", hub / "output/articles/deep/index.html")),
    Case("cache index shards and stamp that are named pipes", lambda hub, out: fifos_in_place(cache_files(hub)), 0,
         check=lambda hub, out: assert_in(b"First steps", hub / "output/articles/first-steps/index.html"),
         process=True),
]


def cache_linked(hub: Path, rel: str, target: Path) -> None:
    """A folder of the cache replaced by a link to `target`, and an article edited (so the build writes
    the cache: through the link, the old Haven wrote bodies there and pruned everything else)."""
    replace_with_link(hub / rel, target)
    edit_article(hub)


def cache_linked_without_index(hub: Path, target: Path) -> None:
    """The cache's index folder gone and its bodies folder a link to `target`: the folders after the missing
    one are looked at too (the old check stopped at the first missing folder, and the build wrote bodies
    through the link and pruned every other file there)."""
    shutil.rmtree(hub / ".haven-cache" / "index")
    cache_linked(hub, ".haven-cache/bodies", target)


def cache_fifo(hub: Path) -> None:
    """The cache folder replaced by a named pipe, and an article edited."""
    (hub / ".haven-cache").rename(hub / ".haven-cache-moved")
    os.mkfifo(hub / ".haven-cache")
    edit_article(hub)


def edit_article(hub: Path) -> None:
    page = hub / "articles" / "first-steps.md"
    page.write_text(page.read_text() + "\nOne more sentence.\n")


def bodies_replaced(hub: Path, replace: Callable[[Path], None]) -> None:
    """Every cached body replaced (by `replace`), and the output removed so that every page is rendered."""
    for body in sorted((hub / ".haven-cache" / "bodies").iterdir()):
        body.unlink()
        replace(body)
    shutil.rmtree(hub / "output")


def oversized(path: Path) -> None:
    """`path` made 11 MB (sparse: nothing is written but its size; Haven must refuse it unread)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as handle:
        handle.truncate(11_000_000)


def nested(top: Path, name: str, depth: int) -> Path:
    """`top`/name/name/... `depth` folders deep, made one by one (os.makedirs recurses)."""
    current = top
    for _ in range(depth):
        current = current / name
        current.mkdir(exist_ok=True)
    return current


def deep_static(hub: Path) -> None:
    """A static file whose path in the hub fits the file system and in output/ does not (7 bytes longer)."""
    depth = (4090 - len(os.fsencode(hub / "static")) - len("/x.css")) // 2
    (nested(hub / "static", "b", depth) / "x.css").write_text("body{}")


def deep_article(hub: Path) -> None:
    (nested(hub / "articles", "a", 1200) / "deep.md").write_text(article("Deep", body="Deep down.\n"))


def fifo_in_place(path: Path) -> None:
    os.mkfifo(path)


def fifos_in_place(paths: list[Path]) -> None:
    """Each file replaced by a named pipe (opening one to read blocks until a writer comes: never)."""
    for path in paths:
        path.unlink()
        os.mkfifo(path)


def cache_files(hub: Path) -> list[Path]:
    return sorted((hub / ".haven-cache" / "index").iterdir()) + [hub / ".haven-cache" / "last-build.json"]


def plant_pickle(hub: Path, outside: Path, name: str = "") -> None:
    """Replace cache files with a pickle that, if unpickled, would create `outside/pwned`."""
    payload = b"cos\nsystem\n(S'touch " + str(outside / "pwned").encode() + b"'\ntR."
    cache = hub / ".haven-cache"
    targets = [cache / name] if name else sorted((cache / "index").iterdir())
    for target in targets:
        target.write_bytes(payload)
        renamed = target.with_suffix(".pickle")   # where the old Haven looked
        renamed.write_bytes(payload)


def retype_cache(hub: Path) -> None:
    """Every string in the cache index becomes a number and every number a string (types doctored)."""
    def flip(value):
        if isinstance(value, str):
            return 7
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            return "7"
        if isinstance(value, list):
            return [flip(v) for v in value]
        if isinstance(value, dict):
            return {k: flip(v) for k, v in value.items()}
        return value
    (hub / "articles/first-steps.md").touch()
    for target in (hub / ".haven-cache" / "index").iterdir():
        data = json.loads(target.read_bytes())
        target.write_text(json.dumps([data[0], flip(data[1])]))


def not_created(path: Path) -> None:
    assert not os.path.lexists(path), f"{path} was created: the cache ran code"


def assert_in(data: bytes, path: Path) -> None:
    assert data in path.read_bytes()


assert SENTINEL  # the harness plants it outside; every case above points at it


CASES += [
    # ---- haven new never writes through a link out of the hub
    Case("haven new into an articles/ that is a link outside",
         lambda hub, out: replace_with_link(hub / "articles", out / "dir"), 1, "articles:1:1", LINK_OUT,
         command=("new", "Coping with loneliness", "--author", "alex-example"), process=True),
]


def folder_in_place_of(path: Path) -> None:
    """A folder where a file is expected (it opened fine and then crashed the build with a traceback)."""
    if path.exists():
        path.unlink()
    path.mkdir()
    (path / "inner.yaml").write_text("x: 1\n")


def prepend(path: Path, text: str) -> None:
    path.write_text(text + path.read_text("utf-8"), "utf-8")


CASES += [
    Case("site.yaml is a folder", lambda hub, out: folder_in_place_of(hub / "site.yaml"), 1, "site.yaml:1:1",
         "not an ordinary file"),
    Case("data/authors.yaml is a folder", lambda hub, out: folder_in_place_of(hub / "data/authors.yaml"), 1,
         "data/authors.yaml:1:1", "not an ordinary file"),
    # ---- templates can only name templates that were read and checked
    Case("a template includes a file by ../ path",
         lambda hub, out: prepend(hub / "templates/page.html", '{% include "../../outside/secret.txt" %}'),
         1, "templates/page.html:1:1"),
    Case("a template includes a file by absolute path",
         lambda hub, out: prepend(hub / "templates/page.html", '{% include "' + str(out / "secret.txt") + '" %}'),
         1, "templates/page.html:1:1"),
    Case("front matter names a template by ../ path",
         lambda hub, out: (hub / "pages/about.md").write_text(
             "---\ntitle: About\ntemplate: ../../outside/secret.txt\nsummary: About.\n---\nAbout.\n"),
         1, "pages/about.md:3:1"),
]


def raw_name(folder: Path, name: bytes, data: bytes = b"x{}") -> None:
    """A file whose name is given as bytes (not UTF-8, or with control characters)."""
    with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
        handle.write(data)


CASES += [
    # ---- file names that are not text: they crashed the build (a traceback) and could forge findings
    Case("a static file name that is not UTF-8", lambda hub, out: raw_name(hub / "static", b"\xff\xfe.css"), 1,
         "static/\ufffd\ufffd.css:1:1", "not plain text", process=True),
    Case("an article name with a terminal escape", lambda hub, out: raw_name(hub / "articles", b"\x1b[31mred.md"), 1,
         "articles/?[31mred.md:1:1", "not plain text"),
    Case("a static name with a line break forging a finding",
         lambda hub, out: raw_name(hub / "static", b"a.css\nsite.yaml:1:1: error: forged"), 1,
         "static/a.css?site.yaml:1:1: error: forged:1:1", "not plain text"),
]


# ---- the previous output/ (a CI runner may restore it from a cache a pull request wrote)
RECORD = ".haven-output.json"


def add_record_entries(hub: Path, entries: dict) -> None:
    """Doctor the output record: add entries (path -> entry) as a hostile cache would."""
    record = json.loads((hub / "output" / RECORD).read_text())
    record["files"].update(entries)
    (hub / "output" / RECORD).write_text(json.dumps(record))


def doctor_with_victims(hub: Path, out: Path) -> None:
    victim = out / "victim.txt"
    add_record_entries(hub, {
        "../../outside/victim.txt": {"fp": "x", "sha": "y"},
        str(victim): {"fp": "x", "sha": "y"},
        "articles/../../../outside/victim.txt": {"fp": "x", "sha": "y"},
        "..\\..\\outside\\victim.txt": {"fp": "x", "sha": "y"},
        RECORD: {"fp": "x", "sha": "y"},
        "articles": {"fp": "x", "sha": "y"},
        "about/index.html": 3,
        "sitemap.xml": {"fp": ["not", "text"], "sha": "y"},
    })


def link_folder_in_output(hub: Path, out: Path) -> None:
    (hub / "output" / "linkdir").symlink_to(out / "dir")
    add_record_entries(hub, {"linkdir/secret.css": {"fp": "x", "sha": "y"}, "linkdir/secret.md": {"fp": "x", "sha": "y"}})


def output_folder_swapped_for_link(hub: Path, out: Path) -> None:
    """output/static (a folder Haven writes into) replaced by a link to a folder outside."""
    import shutil

    shutil.rmtree(hub / "output" / "static")
    (hub / "output" / "static").symlink_to(out / "dir")


def output_file_swapped_for_link(hub: Path, out: Path) -> None:
    page = hub / "output" / "articles" / "first-steps" / "index.html"
    page.unlink()
    page.symlink_to(out / "victim.txt")


def record_swapped_for_link(hub: Path, out: Path) -> None:
    record = hub / "output" / RECORD
    record.unlink()
    record.symlink_to(out / "victim.txt")
    (hub / "output" / (RECORD + ".tmp")).symlink_to(out / "secret.txt")   # the old temp name


def no_links_in_output(hub: Path, out: Path) -> None:
    for dirpath, dirs, files in os.walk(hub / "output"):
        for name in dirs + files:
            # links a case planted under names Haven does not write stay (Haven never deletes what it did not make)
            planted = name in ("linkdir", RECORD + ".tmp") or name.startswith(".haven-staging-")
            assert not os.path.islink(os.path.join(dirpath, name)) or planted, os.path.join(dirpath, name)


_ORIGINAL: dict[str, bytes] = {}


def hand_edit(hub: Path, out: Path) -> None:
    page = hub / "output" / "articles" / "first-steps" / "index.html"
    _ORIGINAL[str(hub)] = page.read_bytes()
    page.write_bytes(page.read_bytes().replace(b"First steps", b"Hand-edited steps"))


def hand_delete(hub: Path, out: Path) -> None:
    page = hub / "output" / "articles" / "first-steps" / "index.html"
    _ORIGINAL[str(hub)] = page.read_bytes()
    page.unlink()


def restored(hub: Path, out: Path) -> None:
    assert (hub / "output" / "articles" / "first-steps" / "index.html").read_bytes() == _ORIGINAL[str(hub)]


CASES += [
    Case("output record entries that leave the output folder", doctor_with_victims, 0,
         "output/.haven-output.json:1:1", "ignored",
         check=lambda hub, out: (no_links_in_output(hub, out), assert_in(b"<", hub / "output/sitemap.xml"))),
    Case("output record entries under a link in output/", link_folder_in_output, 0,
         "output/.haven-output.json:1:1", "ignored"),
    Case("the output record is garbage", lambda hub, out: (hub / "output" / RECORD).write_bytes(b"\x00garbage{"), 0,
         "output/.haven-output.json:1:1", "is not a record Haven wrote"),
    Case("10,000 hostile record entries", lambda hub, out: add_record_entries(
        hub, {f"../../outside/{n}": {"fp": "x", "sha": "y"} for n in range(10_000)}), 0,
         "output/.haven-output.json:1:1", "9980 more entries"),
    Case("a folder in output/ swapped for a link outside", output_folder_swapped_for_link, 0,
         "output/static:1:1", "never wrote through it", check=no_links_in_output),
    Case("an output page swapped for a link outside", output_file_swapped_for_link, 0,
         "output/articles/first-steps/index.html:1:1", "never wrote through it", check=no_links_in_output),
    Case("the output record swapped for a link outside", record_swapped_for_link, 0, check=no_links_in_output),
    Case("a staging folder name planted as a link", lambda hub, out: [
        (hub / "output" / f".haven-staging-{pid}").symlink_to(out / "dir") for pid in range(2, 60000, 997)], 0),
    Case("the output folder is a link to a folder outside", lambda hub, out: replace_with_link(
        hub / "output", out / "dir"), 2, says="symbolic link"),
    Case("a hand-edited output page is restored", hand_edit, 0, check=restored),
    Case("a deleted output page is restored", hand_delete, 0, check=restored),
]


def git_config(hub: Path) -> None:
    """A checkout's .git/config, as actions/checkout leaves it: the CI token in an extra header."""
    (hub / ".git").mkdir(exist_ok=True)
    (hub / ".git" / "config").write_bytes(b"[http]\n\textraheader = AUTHORIZATION: basic " + SENTINEL + b"\n")


CASES += [
    # ---- links that stay inside the hub but lead into its hidden parts (.git/config holds CI credentials)
    Case("static link to the hub's .git/config", lambda hub, out: (git_config(hub), link(
        hub / "static/config.txt", "../.git/config")), 1, "static/config.txt:1:1", "hidden file"),
    Case("static folder link to the hub's .git", lambda hub, out: (git_config(hub), link(
        hub / "static/git", "../.git")), 1, "static/git:1:1", "hidden file"),
    Case("template link into .haven-cache", lambda hub, out: link(
        hub / "templates/partials/cache.html", "../../.haven-cache/last-build.json"), 1,
         "templates/partials/cache.html:1:1", "hidden file"),
]
