"""generator/confine: nothing outside the hub is read, nothing outside the output folder is touched.

Property-based: hypothesis builds random layouts of files, folders and links (inside the hub, out of
it, dangling, looping) and random paths, and the assertions are what a reader of the built site and
the owner of the machine would notice: no byte from outside the hub comes back, every file outside
still exists unchanged, and links that stay inside keep working.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.confine import hub as confine_hub
from generator.confine import output as confine_output
from generator.confine.hub import OutsideHub
from generator.confine.output import UnsafeOutputPath
from tests.hostile import SENTINEL, file_bytes, make_outside

FOLDERS = ("static", "static/sub", "articles", "templates")
KINDS = ("file", "dir", "link_in_file", "link_in_dir", "link_out_file", "link_out_dir", "link_up", "link_dangling",
         "link_abs_in", "link_self", "link_chain_out", "fifo")
NAMES = st.sampled_from(["a", "b", "c.md", "d.css", "e.html", ".hidden", "x y", "ü"])


def lay_out(hub: Path, outside: Path, entries: list[tuple[str, str, str]]) -> dict[str, str]:
    """Create the entries in the hub; returns rel path -> kind of what was made (first one wins)."""
    for folder in FOLDERS:
        (hub / folder).mkdir(parents=True, exist_ok=True)
    (hub / "static" / "real.css").write_bytes(b"body{}")
    (hub / "articles" / "real.md").write_bytes(b"# real")
    made: dict[str, str] = {}
    for folder, name, kind in entries:
        rel = f"{folder}/{name}"
        path = hub / rel
        if os.path.lexists(path):
            continue
        if kind == "file":
            path.write_bytes(b"inside " + name.encode())
        elif kind == "dir":
            path.mkdir()
            (path / "inner.md").write_bytes(b"inner")
        elif kind == "link_in_file":
            path.symlink_to(hub / "static" / "real.css")
        elif kind == "link_in_dir":
            path.symlink_to(os.path.relpath(hub / "articles", path.parent))
        elif kind == "link_out_file":
            path.symlink_to(outside / "secret.txt")
        elif kind == "link_out_dir":
            path.symlink_to(outside / "dir")
        elif kind == "link_up":
            path.symlink_to(os.path.relpath(hub.parent, path.parent))
        elif kind == "link_dangling":
            path.symlink_to("no-such-file")
        elif kind == "link_abs_in":
            path.symlink_to(hub.resolve() / "articles" / "real.md")
        elif kind == "link_self":
            path.symlink_to(".")
        elif kind == "link_chain_out":
            hop = hub / f".hop-{len(made)}"
            hop.symlink_to(outside / "secret.md")
            path.symlink_to(os.path.relpath(hop, path.parent))
        elif kind == "fifo":
            os.mkfifo(path)
        made[rel] = kind
    return made


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(st.tuples(st.sampled_from(FOLDERS), NAMES, st.sampled_from(KINDS)), max_size=10),
       probes=st.lists(st.text(alphabet="ab./\\:\x00ü", max_size=12), max_size=6))
def test_reads_never_leave_the_hub(entries, probes):
    with tempfile.TemporaryDirectory() as tmp:
        hub, outside = Path(tmp, "hub"), make_outside(Path(tmp, "outside"))
        before = file_bytes(outside)
        made = lay_out(hub, outside, entries)
        root = hub.resolve()
        found_paths: set[str] = set()
        reported: set[str] = set()
        for top in ("static", "articles", "templates"):
            files, findings = confine_hub.walk_hub(hub, top)
            reported |= {f.path for f in findings}
            for file in files:
                found_paths.add(file.rel)
                assert root in Path(os.path.realpath(hub / file.rel)).parents
                data = confine_hub.read_hub_bytes(hub, file.rel)
                assert SENTINEL not in data
        for rel, kind in made.items():
            if kind in ("link_out_file", "link_out_dir", "link_up", "link_chain_out") and reachable(rel, made):
                assert rel in reported, (rel, kind, reported)
            if kind == "file" and reachable(rel, made):
                assert rel in found_paths, (rel, found_paths)
            if kind == "fifo" and reachable(rel, made):
                assert rel in reported
        for probe in ["static/real.css", *probes, *made]:
            try:
                data = confine_hub.read_hub_bytes(hub, probe)
            except OSError:   # OutsideHub, missing, a folder: never the bytes outside
                continue
            assert SENTINEL not in data
        assert file_bytes(outside) == before


def reachable(rel: str, made: dict[str, str]) -> bool:
    """True when every folder above `rel` is one the layout made real (not through a link)."""
    parent = rel.rpartition("/")[0]
    while parent and parent not in FOLDERS:
        if made.get(parent) != "dir":
            return False
        parent = parent.rpartition("/")[0]
    return parent in FOLDERS or parent == ""


def test_a_link_out_names_the_link_and_where_it_points(tmp_path):
    hub, outside = tmp_path / "hub", make_outside(tmp_path / "outside")
    (hub / "static").mkdir(parents=True)
    (hub / "static" / "x.txt").symlink_to(outside / "secret.txt")
    with pytest.raises(OutsideHub) as caught:
        confine_hub.read_hub_bytes(hub, "static/x.txt")
    finding = caught.value.diagnostic
    assert (finding.path, finding.line, finding.col, finding.severity) == ("static/x.txt", 1, 1, "error")
    assert str(outside / "secret.txt") in finding.message and "outside the hub" in finding.message
    assert finding.hint


def test_a_link_inside_the_hub_is_followed(tmp_path):
    hub = tmp_path / "hub"
    (hub / "static" / "css").mkdir(parents=True)
    (hub / "static" / "css" / "a.css").write_bytes(b"a{}")
    (hub / "static" / "b.css").symlink_to("css/a.css")
    assert confine_hub.read_hub_bytes(hub, "static/b.css") == b"a{}"
    files, findings = confine_hub.walk_hub(hub, "static")
    assert [f.rel for f in files] == ["static/b.css", "static/css/a.css"] and findings == []


def test_the_hub_itself_may_be_reached_through_a_link(tmp_path):
    """A hub checked out under a linked folder (/tmp -> /private/tmp on macOS) is still the hub."""
    real = tmp_path / "real-hub"
    (real / "static").mkdir(parents=True)
    (real / "static" / "a.css").write_bytes(b"a{}")
    (tmp_path / "alias").symlink_to(real)
    assert confine_hub.read_hub_bytes(tmp_path / "alias", "static/a.css") == b"a{}"


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../x", "", ".", "a//b", "a\\..\\b", "C:/x", "a\x00b",
                                 "./a", "a/./b", "a/"])
def test_paths_that_are_not_plain_relative_paths_are_refused(rel):
    assert confine_output.safe_output_path(rel) is None
    with pytest.raises(OSError):
        confine_hub.read_hub_bytes(Path("/"), rel)


@pytest.mark.parametrize("value", [None, 3, 2.5, ["a"], {"a": 1}, b"index.html", True])
def test_record_entries_that_are_not_text_are_refused(value):
    assert confine_output.safe_output_path(value) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab./\\:~\x00 ü") + ["..", "%2e"]), max_size=20).map("".join))
def test_an_accepted_output_path_stays_inside(rel):
    accepted = confine_output.safe_output_path(rel)
    if accepted is not None:
        out = Path("/srv/out")
        target = Path(os.path.normpath(out / accepted))
        assert out in target.parents


OUT_KINDS = ("file", "dir", "link_out_file", "link_out_dir", "link_in", "link_up")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.lists(st.tuples(st.sampled_from(["a", "b", "a/c", "b/d", "e.html"]), st.sampled_from(OUT_KINDS)),
                       max_size=6),
       operations=st.lists(st.tuples(st.sampled_from(["write", "delete", "mkdirs"]),
                                     st.sampled_from(["a", "a/c", "a/c/x.html", "b/d/y", "e.html", "../victim.txt",
                                                      "a/../../victim.txt", "/tmp/x", "b", "b/d"])), max_size=8))
def test_writes_and_deletes_never_leave_the_output_folder(layout, operations):
    with tempfile.TemporaryDirectory() as tmp:
        out, outside = Path(tmp, "output"), make_outside(Path(tmp, "outside"))
        out.mkdir()
        before = file_bytes(outside)
        for rel, kind in layout:
            path = out / rel
            if os.path.lexists(path) or not path.parent.is_dir() or path.parent.is_symlink():
                continue
            if kind == "file":
                path.write_bytes(b"old")
            elif kind == "dir":
                path.mkdir()
            elif kind == "link_out_file":
                path.symlink_to(outside / "victim.txt")
            elif kind == "link_out_dir":
                path.symlink_to(outside / "dir")
            elif kind == "link_in":
                path.symlink_to(out)
            elif kind == "link_up":
                path.symlink_to(os.path.relpath(outside, path.parent))
        for operation, rel in operations:
            try:
                if operation == "write":
                    temp = Path(tempfile.mkstemp(dir=out, prefix=".haven-staging-")[1])
                    temp.write_bytes(b"new")
                    try:
                        confine_output.replace_output_file(out, rel, temp)
                    finally:
                        temp.unlink(missing_ok=True)
                elif operation == "delete":
                    if confine_output.delete_output_file(out, rel):
                        confine_output.prune_empty_output_dirs(out, rel)
                else:
                    confine_output.make_output_dirs(out, rel)
            except (UnsafeOutputPath, OSError):
                pass
            assert file_bytes(outside) == before, (operation, rel)
        assert file_bytes(outside) == before
        assert sorted(os.listdir(outside)) == sorted(["dir", "secret.md", "secret.txt", "site.yaml", "victim.txt"])


def test_a_link_in_the_output_folder_is_replaced_not_written_through(tmp_path):
    out, outside = tmp_path / "output", make_outside(tmp_path / "outside")
    (out / "static").parent.mkdir(parents=True)
    (out / "static").symlink_to(outside / "dir")
    temp = out / ".tmp-file"
    temp.write_bytes(b"new css")
    replaced = confine_output.replace_output_file(out, "static/secret.css", temp)
    assert replaced == ["static"]
    assert (out / "static").is_dir() and not (out / "static").is_symlink()
    assert (out / "static" / "secret.css").read_bytes() == b"new css"
    assert SENTINEL in (outside / "dir" / "secret.css").read_bytes()


def test_deleting_through_a_link_is_refused(tmp_path):
    out, outside = tmp_path / "output", make_outside(tmp_path / "outside")
    out.mkdir()
    (out / "d").symlink_to(outside / "dir")
    (out / "f.html").symlink_to(outside / "victim.txt")
    assert not confine_output.delete_output_file(out, "d/secret.css")
    assert not confine_output.delete_output_file(out, "f.html")
    assert (outside / "dir" / "secret.css").exists() and (outside / "victim.txt").exists()


def test_the_output_folder_itself_may_not_be_a_link(tmp_path):
    hub = tmp_path / "hub"
    hub.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (hub / "output").symlink_to(tmp_path / "elsewhere")
    assert "symbolic link" in confine_output.output_folder_problem(hub / "output", hub)
    (hub / "output").unlink()
    (hub / "public").symlink_to(tmp_path / "elsewhere")
    assert "symbolic link" in confine_output.output_folder_problem(hub / "public" / "site", hub)
    assert confine_output.output_folder_problem(hub / "output", hub) == ""


# ---- the writer, with a random previous output/: hostile record entries and links planted in it

def built_hub(folder: Path) -> Path:
    """A fixture hub built once, copied into `folder` (so each example starts from a good build)."""
    from tests.sitekit import built_copy

    return built_copy(folder, search_index=False)


RECORD_PATHS = st.one_of(
    st.sampled_from(["../victim.txt", "../../outside/victim.txt", "index.html", "articles", "static/css/haven.css",
                     "linked/secret.css", "linked/secret.md", "/etc/hostname", ".haven-output.json", "a//b", "./x",
                     "articles/first-steps/index.html", "gone/deep/file.html"]),
    st.text(alphabet="ab./\\\x00:", min_size=1, max_size=10))
RECORD_ENTRIES = st.one_of(st.fixed_dictionaries({"fp": st.text(max_size=3), "sha": st.text(max_size=3)}),
                           st.none(), st.integers(), st.lists(st.integers(), max_size=2),
                           st.fixed_dictionaries({"st": st.lists(st.integers(), max_size=3)}))
PLANTED = st.lists(st.tuples(st.sampled_from(["linked", "static", "articles/first-steps/index.html", "404.html",
                                              ".haven-output.json", "sitemap.xml"]),
                             st.sampled_from(["dir", "victim", "secret"])), max_size=3)


@pytest.mark.slow   # 25 builds: collected first, so that it starts early on a worker (conftest.py)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.dictionaries(RECORD_PATHS, RECORD_ENTRIES, max_size=8), planted=PLANTED,
       garbage=st.sampled_from([None, b"", b"{", b"[]", b'{"files": 3}', b"\xff\xfe"]))
def test_a_hostile_previous_output_never_leads_the_writer_outside(entries, planted, garbage):
    import json
    import shutil

    from generator.build import BuildOptions, build

    with tempfile.TemporaryDirectory() as tmp:
        hub = built_hub(Path(tmp, "hub"))
        outside = make_outside(Path(tmp, "outside"))
        out = hub / "output"
        record = out / ".haven-output.json"
        if garbage is not None:
            record.write_bytes(garbage)
        else:
            data = json.loads(record.read_bytes())
            data["files"].update(entries)
            record.write_text(json.dumps(data))
        for name, target in planted:
            path = out / name
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path)
            path.symlink_to({"dir": outside / "dir", "victim": outside / "victim.txt",
                             "secret": outside / "secret.txt"}[target])
        before = file_bytes(outside)
        result = build(BuildOptions(hub, out, search_index=False))
        assert result.ok, [d.format() for d in result.diagnostics]
        assert file_bytes(outside) == before
        for rel, data in file_bytes(out).items():
            assert SENTINEL not in data, rel
        for dirpath, dirs, files in os.walk(out):   # every link Haven met on its way was replaced
            for name in dirs + files:
                rel = os.path.relpath(os.path.join(dirpath, name), out)
                assert not os.path.islink(os.path.join(dirpath, name)) or rel == "linked", rel
        assert b"First steps" in (out / "articles/first-steps/index.html").read_bytes()


def test_remove_tree_takes_a_tree_past_the_longest_path_and_follows_no_link(tmp_path):
    # a hub may nest folders past Python's recursion limit and the system's longest path: the writer's
    # rollback (and the test harness) must still remove them, and never through a link
    from generator.confine import remove_tree

    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "precious.txt").write_text("x")
    top = tmp_path / "tree"
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    for _ in range(2500):   # 'd/' x 2,500: 5,000 bytes, past PATH_MAX
        os.mkdir("d", dir_fd=fd)
        deeper = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    os.symlink(keep, "out", dir_fd=fd)
    os.close(fd)
    (top / "link").symlink_to(keep)
    os.mkfifo(top / "pipe")
    remove_tree(top)
    assert not os.path.lexists(top)
    assert (keep / "precious.txt").read_text() == "x"


def test_what_a_build_stopped_midway_left_is_removed_by_a_later_build(tmp_path):
    """A killed build leaves its staging folder (and perhaps its record's temporary file); the next build removes
    them once they are an hour old, never a running build's (the preview's beside a `haven build`), never
    through a link."""
    from generator.build import BuildOptions, build
    from tests.sitekit import built_copy

    hub = built_copy(tmp_path / "hub", search_index=False)
    out = hub / "output"
    old, fresh = out / ".haven-staging-old", out / ".haven-staging-now"
    for folder in (old, fresh):
        (folder / "deep").mkdir(parents=True)
        (folder / "deep" / "0").write_text("half a page", "utf-8")
    temp = out / ".haven-output.json.k3x9"
    temp.write_text("{", "utf-8")
    outside = make_outside(tmp_path / "outside")
    (out / ".haven-staging-linked").symlink_to(outside / "dir")
    hour_ago = os.stat(old).st_mtime - 2 * confine_output.LEFTOVER_SECONDS
    for path in (old, temp, out / ".haven-staging-linked"):
        os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)
    before = file_bytes(outside)
    article = next((hub / "articles").glob("*.md"))
    article.write_text(article.read_text("utf-8") + "\nA new sentence.\n", "utf-8")
    assert build(BuildOptions(hub, out, search_index=False)).ok
    assert not old.exists() and not temp.exists()
    assert (fresh / "deep" / "0").is_file()   # a running build's
    assert file_bytes(outside) == before
