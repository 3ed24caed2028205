"""`haven publish`: --to git against a real local bare repository (history kept, only changed files in a
new commit, nothing published when the build fails, working tree and index untouched, .nojekyll and
CNAME), and --to DIR with the output folder's safety (never through links, only Haven's files removed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.write import MARKER
from tests.sitekit import SITE_YAML, article, make_site, snapshot


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout.strip()


def try_git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)


@pytest.fixture
def hub(tmp_path) -> Path:
    """A hub in a clone of a local bare repository (`origin`), committed and pushed, as a hub owner has it."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), "hub")
    site = tmp_path / "hub"
    git(site, "config", "user.name", "Hub Owner")
    git(site, "config", "user.email", "owner@example.org")
    make_site(site, site_yaml=SITE_YAML + "publish:\n  cname: test.example.org\n")
    (site / ".gitignore").write_text("output/\n.haven-cache/\n")
    git(site, "add", "-A")
    git(site, "commit", "--quiet", "-m", "The hub")
    git(site, "push", "--quiet", "origin", "HEAD:main")
    return site


def publish(site: Path, capsys, *args: str) -> tuple[int, str]:
    code = main(["publish", "--site", str(site), *args])
    return code, capsys.readouterr().err


def tree(repo: Path, ref: str) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", ref).splitlines())


def recorded(site: Path) -> set[str]:
    return set(json.loads((site / "output" / MARKER).read_text())["files"])


def output_hashes(site: Path) -> dict[str, str]:
    return {path: digest for path, (digest, _mtime) in snapshot(site / "output").items() if path != MARKER}


def untouched_state(site: Path) -> dict:
    """What a publish must leave as it was: the sources, the index file, HEAD, and git's view of them."""
    sources = {p: v for p, v in snapshot(site).items()
               if not p.startswith(("output/", ".haven-cache/", ".git/"))}
    index = site / ".git" / "index"
    return {"sources": sources, "index": (index.read_bytes(), index.stat().st_mtime_ns),
            "head": git(site, "rev-parse", "HEAD"), "branch": git(site, "symbolic-ref", "HEAD"),
            "status": git(site, "--no-optional-locks", "status", "--porcelain", "--ignored")}


def test_first_publish_commits_the_build_with_nojekyll_and_cname_and_pushes(hub, capsys):
    code, err = publish(hub, capsys, "--to", "git", "--push", "origin")
    assert code == 0, err
    assert "published to gh-pages" in err and "pushed gh-pages to origin" in err
    remote = hub.parent / "remote.git"
    files = tree(remote, "gh-pages")
    assert files == recorded(hub) | {".nojekyll", "CNAME"}
    assert MARKER not in files
    assert git(remote, "show", "gh-pages:CNAME") == "test.example.org"   # base_url's host
    assert git(remote, "show", "gh-pages:.nojekyll") == ""
    page = (hub / "output" / "articles" / "first-steps" / "index.html").read_text("utf-8")
    assert git(remote, "show", "gh-pages:articles/first-steps/index.html") == page.strip()
    assert git(hub, "rev-parse", "gh-pages") == git(remote, "rev-parse", "gh-pages")
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"
    # the hub's own branch is not touched
    assert tree(remote, "main") >= {"site.yaml", "articles/first-steps.md"}


def test_second_publish_is_a_child_holding_only_the_changed_files(hub, capsys):
    assert publish(hub, capsys, "--to", "git")[0] == 0
    first = git(hub, "rev-parse", "gh-pages")
    before = output_hashes(hub)
    (hub / "articles" / "second-steps.md").write_text(
        article("Second steps", date="2026-02-01", body="A new paragraph about breathing."))
    (hub / "articles" / "first-steps.md").unlink()   # and one article leaves the hub
    code, err = publish(hub, capsys, "--to", "git")
    assert code == 0, err
    second = git(hub, "rev-parse", "gh-pages")
    assert git(hub, "rev-parse", "gh-pages^") == first          # history kept
    after = output_hashes(hub)
    changed = {p for p in after if p in before and before[p] != after[p]} | (set(after) - set(before))
    gone = set(before) - set(after)
    assert "articles/first-steps/index.html" in gone and "articles/second-steps/index.html" in changed
    diff = dict(reversed(line.split("\t", 1)) for line in git(hub, "diff", "--name-status", first, second).splitlines())
    assert {p for p, status in diff.items() if status in ("M", "A")} == changed
    assert {p for p, status in diff.items() if status == "D"} == gone
    assert tree(hub, second) == set(after) | {".nojekyll", "CNAME"}


def test_a_rejected_push_is_reported_and_the_remote_keeps_its_branch(hub, tmp_path, capsys):
    assert publish(hub, capsys, "--to", "git", "--push", "origin")[0] == 0
    remote = hub.parent / "remote.git"
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", "--branch", "gh-pages", str(remote), str(other))
    (other / "index.html").write_text("someone else's publish")
    git(other, "-c", "user.name=Other", "-c", "user.email=o@example.org", "commit", "--quiet", "-am", "theirs")
    git(other, "push", "--quiet", "origin", "gh-pages")
    theirs = git(remote, "rev-parse", "gh-pages")
    (hub / "pages" / "about.md").write_text("---\ntitle: About\nsummary: About this hub.\n---\nWe write about sleep.\n")
    code, err = publish(hub, capsys, "--to", "git", "--push", "origin")
    assert code == 1 and "git push origin gh-pages failed" in err and "on your local gh-pages" in err
    assert git(remote, "rev-parse", "gh-pages") == theirs


def test_odd_file_names_reach_the_branch_as_they_are(hub, capsys):
    names = ['"quoted".txt', "with space é.txt", "ünïcode-共感.txt"]
    for name in names:
        (hub / "static" / name).write_bytes(name.encode("utf-8"))
    assert publish(hub, capsys, "--to", "git")[0] == 0
    listing = subprocess.run(["git", "ls-tree", "-r", "-z", "--name-only", "gh-pages"], cwd=hub, capture_output=True)
    on_branch = set(listing.stdout.decode("utf-8").split("\0"))
    published = {f"static/{n}" for n in names}
    assert published <= on_branch
    assert published <= recorded(hub)          # exactly what the build wrote: nothing dropped on the way
    assert all(p in on_branch for p in recorded(hub))


@pytest.mark.parametrize("name", ["new\nline.txt", "back\\slash.txt"])
def test_a_file_name_hosts_would_misread_is_refused_and_nothing_is_published(hub, capsys, name):
    (hub / "static" / name).write_bytes(b"x")
    code, err = publish(hub, capsys, "--to", "git")
    assert code == 1 and "[bad-file-name]" in err and "Traceback" not in err
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "gh-pages"], cwd=hub).returncode != 0


def test_publishing_the_same_build_again_adds_no_commit(hub, capsys):
    assert publish(hub, capsys, "--to", "git")[0] == 0
    tip = git(hub, "rev-parse", "gh-pages")
    code, err = publish(hub, capsys, "--to", "git")
    assert code == 0 and "already holds this build" in err
    assert git(hub, "rev-parse", "gh-pages") == tip


def test_the_working_tree_and_the_index_are_untouched(hub, capsys):
    (hub / "notes.txt").write_text("an untracked file")
    (hub / "site.yaml").write_text((hub / "site.yaml").read_text() + "# an uncommitted edit\n")
    git(hub, "add", "site.yaml")        # staged, not committed
    state = untouched_state(hub)
    assert publish(hub, capsys, "--to", "git")[0] == 0
    (hub / "articles" / "first-steps.md").write_text(article("First steps, revised", next="second-steps"))
    state["sources"]["articles/first-steps.md"] = snapshot(hub)["articles/first-steps.md"]
    state["status"] = git(hub, "--no-optional-locks", "status", "--porcelain", "--ignored")
    assert publish(hub, capsys, "--to", "git")[0] == 0
    assert untouched_state(hub) == state
    assert git(hub, "diff", "--cached", "--name-only") == "site.yaml"


def test_nothing_is_published_when_the_build_fails(hub, capsys):
    code, _ = publish(hub, capsys, "--to", "git")
    assert code == 0
    tip = git(hub, "rev-parse", "gh-pages")
    (hub / "articles" / "broken.md").write_text("---\ntitle: Broken\ndate: not a date\n---\nText.\n")
    code, err = publish(hub, capsys, "--to", "git", "--push", "origin")
    assert code == 1
    assert "broken.md:" in err and "nothing was published" in err
    assert git(hub, "rev-parse", "gh-pages") == tip
    assert try_git(hub.parent / "remote.git", "rev-parse", "--verify", "gh-pages").returncode != 0   # never pushed


def test_a_failing_first_build_creates_no_branch(hub, capsys):
    (hub / "site.yaml").write_text(SITE_YAML.replace("title: Test Hub", "title: [not, text]"))
    code, err = publish(hub, capsys, "--to", "git")
    assert code == 1 and "nothing was published" in err
    assert try_git(hub, "rev-parse", "--verify", "refs/heads/gh-pages").returncode != 0


def test_dry_run_says_what_it_would_do_and_does_nothing(hub, capsys):
    code, err = publish(hub, capsys, "--to", "git", "--dry-run", "--push", "origin")
    assert code == 0
    assert "would commit to gh-pages as its first commit" in err and "  + index.html" in err
    assert "would push gh-pages to origin" in err
    assert try_git(hub, "rev-parse", "--verify", "refs/heads/gh-pages").returncode != 0
    assert publish(hub, capsys, "--to", "git")[0] == 0
    tip = git(hub, "rev-parse", "gh-pages")
    (hub / "pages" / "about.md").write_text("---\ntitle: About\nsummary: About this hub.\n---\nWe write about sleep.\n")
    code, err = publish(hub, capsys, "--to", "git", "--dry-run")
    assert code == 0 and f"on top of {tip[:12]}" in err and "  ~ about/index.html" in err
    assert git(hub, "rev-parse", "gh-pages") == tip


def test_branch_from_site_yaml_and_the_command_line(hub, capsys):
    (hub / "site.yaml").write_text(SITE_YAML + "publish:\n  branch: site/live\n")
    assert publish(hub, capsys, "--to", "git")[0] == 0
    assert "index.html" in tree(hub, "site/live")
    assert "CNAME" not in tree(hub, "site/live")          # no cname: no CNAME file
    assert publish(hub, capsys, "--to", "git", "--branch", "preview")[0] == 0
    assert "index.html" in tree(hub, "preview")


def test_refuses_the_checked_out_branch_and_bad_names(hub, capsys):
    head = git(hub, "rev-parse", "HEAD")
    code, err = publish(hub, capsys, "--to", "git", "--branch", "main")
    assert code == 1 and "checked out" in err
    assert git(hub, "rev-parse", "HEAD") == head and git(hub, "status", "--porcelain") == ""
    for name in ("-x", "a..b", "bad name", "x.lock"):
        code, err = publish(hub, capsys, "--to", "git", f"--branch={name}")
        assert code == 1 and "not a branch name" in err, name
    code, err = publish(hub, capsys, "--to", "git", "--push=--upload-pack=touch /tmp/x")
    assert code == 1 and "not a remote name" in err


def test_refuses_to_overwrite_a_branch_that_is_not_a_published_site(hub, capsys):
    git(hub, "branch", "drafts")                      # the hub's own sources, on another branch
    tip = git(hub, "rev-parse", "drafts")
    code, err = publish(hub, capsys, "--to", "git", "--branch", "drafts")
    assert code == 1 and "holds a hub's sources" in err
    assert git(hub, "rev-parse", "drafts") == tip


def test_site_yaml_publish_settings_are_checked(hub, capsys):
    (hub / "site.yaml").write_text(SITE_YAML + "publish:\n  branch: ../escape\n  cname: https://hub.example.org/x\n"
                                   "  remote: origin\n")
    code, err = publish(hub, capsys, "--to", "git")
    assert code == 1
    lines = SITE_YAML.count("\n")
    assert f"site.yaml:{lines + 2}:11: error: publish.branch '../escape' is not a branch name git accepts" in err
    assert f"site.yaml:{lines + 3}:10: error: publish.cname 'https://hub.example.org/x' is not a domain name" in err
    assert f"site.yaml:{lines + 4}:" in err and "remote" in err     # unknown setting, with what publish takes
    assert try_git(hub, "rev-parse", "--verify", "refs/heads/gh-pages").returncode != 0


def test_a_cname_other_than_base_urls_host_is_warned(hub, capsys):
    (hub / "site.yaml").write_text(SITE_YAML + "publish:\n  cname: hub.example.org\n")
    code, err = publish(hub, capsys, "--to", "git")
    lines = SITE_YAML.count("\n")
    assert code == 0
    assert (f"site.yaml:{lines + 2}:10: warning: publish.cname 'hub.example.org' is not the host of base_url "
            "('test.example.org')") in err
    assert git(hub, "show", "gh-pages:CNAME") == "hub.example.org"   # a warning: the owner's choice stands


def test_a_hub_outside_git_is_told_what_to_do(tmp_path, capsys):
    site = make_site(tmp_path / "plain")
    code, err = publish(site, capsys, "--to", "git")
    assert code == 1 and "not inside a git repository" in err and "--to DIR" in err


# ----------------------------------------------------------------------------- --to DIR


def test_publish_to_a_folder_copies_the_build_and_removes_what_left_it(hub, tmp_path, capsys):
    dest = tmp_path / "www"
    code, err = publish(hub, capsys, "--to", str(dest))
    assert code == 0, err
    published = {p for p in snapshot(dest) if p != MARKER}
    assert published == recorded(hub)
    first = snapshot(dest)
    (dest / "keep-me.txt").write_text("the host's own file")
    (hub / "articles" / "second-steps.md").write_text(article("Second steps", date="2026-02-01"))
    (hub / "articles" / "first-steps.md").unlink()
    code, err = publish(hub, capsys, "--to", str(dest))
    assert code == 0, err
    now = snapshot(dest)
    assert "articles/first-steps/index.html" not in now and not (dest / "articles" / "first-steps").exists()
    assert "keep-me.txt" in now                                       # not Haven's: never removed
    unchanged = [p for p in now if p in first and now[p][0] == first[p][0] and p != MARKER]
    assert unchanged and all(now[p][1] == first[p][1] for p in unchanged)   # untouched files keep their dates
    code, err = publish(hub, capsys, "--to", str(dest), "--dry-run")
    assert code == 0 and "would copy 0" in err and "would remove 0" in err


def test_folder_publish_refuses_unsafe_folders(hub, tmp_path, capsys):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "index.html").write_text("someone else's site")
    link = tmp_path / "link"
    link.symlink_to(foreign)
    cases = {foreign: "not empty", link: "symbolic link", hub / "output": "overlaps the output folder",
             hub: "overlaps the output folder", hub.parent: "overlaps the output folder",
             hub / "articles" / "www": "inside the hub's articles/",
             hub / ".haven-cache" / "www": "inside the hub's .haven-cache/",
             Path.home(): "refusing"}
    for dest, words in cases.items():
        before = snapshot(foreign)
        code, err = publish(hub, capsys, "--to", str(dest))
        assert code in (1, 2) and words in err, (dest, err)
        assert snapshot(foreign) == before


def test_folder_publish_never_writes_or_deletes_through_links(hub, tmp_path, capsys):
    dest = tmp_path / "www"
    assert publish(hub, capsys, "--to", str(dest))[0] == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.css").write_text("not Haven's")
    os.rename(dest / "static", tmp_path / "old-static")
    (dest / "static").symlink_to(elsewhere)          # a planted link where a folder was
    code, err = publish(hub, capsys, "--to", str(dest))
    assert code == 1 and "symbolic link" in err
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.css"]
    # a tampered record naming files outside the folder deletes nothing there
    (dest / "static").unlink()
    os.rename(tmp_path / "old-static", dest / "static")
    record = json.loads((dest / MARKER).read_text())
    record["files"]["../elsewhere/precious.css"] = {"fp": "", "sha": ""}
    record["files"]["/etc/hostname"] = {"fp": "", "sha": ""}
    (dest / MARKER).write_text(json.dumps(record))
    assert publish(hub, capsys, "--to", str(dest))[0] == 0
    assert (elsewhere / "precious.css").read_text() == "not Haven's"


def test_folder_publish_never_writes_through_a_link_at_a_temporary_files_name(hub, tmp_path, capsys):
    """Links planted where the old Haven put its temporary files (`<file>.haven-partial`, beside each file it
    copies and the record) are never written through: the files outside keep their bytes."""
    dest = tmp_path / "www"
    assert publish(hub, capsys, "--to", str(dest))[0] == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("page.html", "record.json"):
        (elsewhere / name).write_text("not Haven's")
    (dest / "articles/first-steps/index.html.haven-partial").symlink_to(elsewhere / "page.html")
    (dest / (MARKER + ".haven-partial")).symlink_to(elsewhere / "record.json")
    (hub / "articles" / "first-steps.md").write_text(article("First steps, again"))
    code, err = publish(hub, capsys, "--to", str(dest))
    assert code == 0, err
    assert [(p.read_text()) for p in sorted(elsewhere.iterdir())] == ["not Haven's", "not Haven's"]
    assert "First steps, again" in (dest / "articles/first-steps/index.html").read_text()
    assert oct((dest / "articles/first-steps/index.html").stat().st_mode & 0o777) == "0o644"   # a host reads it
    assert json.loads((dest / MARKER).read_text())["files"]


def test_git_options_with_a_folder_are_a_usage_error(hub, tmp_path, capsys):
    code, err = publish(hub, capsys, "--to", str(tmp_path / "www"), "--push", "origin")
    assert code == 2 and "--push and --branch go with --to git" in err
    assert not (tmp_path / "www").exists()


def test_folder_publish_does_nothing_when_the_build_fails(hub, tmp_path, capsys):
    dest = tmp_path / "www"
    assert publish(hub, capsys, "--to", str(dest))[0] == 0
    before = snapshot(dest)
    (hub / "articles" / "broken.md").write_text("---\ntitle: Broken\ndate: 2026-13-45\n---\nText.\n")
    code, err = publish(hub, capsys, "--to", str(dest))
    assert code == 1 and "nothing was published" in err
    assert snapshot(dest) == before


def folder_state(folder: Path) -> dict[str, tuple]:
    """Every entry under folder, links not followed: a file's bytes, a link's target, or that it is a folder."""
    state: dict[str, tuple] = {}
    for root, dirs, names in os.walk(folder):   # os.walk never descends into a link to a folder
        for name in dirs + names:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                state[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                state[rel] = ("folder",)
            else:
                state[rel] = ("file", path.read_bytes())
    return state


def test_a_refused_folder_publish_changes_nothing_in_the_folder_nor_outside(hub, tmp_path, capsys):
    """The tester's case: a link at a file Haven rewrites first (about/index.html), and a folder Haven writes
    into later replaced by a link to a folder outside. The publish is refused before anything changes."""
    dest = tmp_path / "www"
    assert publish(hub, capsys, "--to", str(dest))[0] == 0
    decoy = tmp_path / "decoy.html"
    decoy.write_text("the decoy's bytes")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "index.html").write_text("the victim's page")
    (dest / "about" / "index.html").unlink()
    (dest / "about" / "index.html").symlink_to(decoy)
    shutil.rmtree(dest / "articles" / "second-steps")
    (dest / "articles" / "second-steps").symlink_to(victim, target_is_directory=True)
    (hub / "pages" / "about.md").write_text("---\ntitle: About\nsummary: About this hub.\n---\nNew words.\n")
    (hub / "articles" / "second-steps.md").write_text(
        article("Second steps", previous="first-steps", date="2026-02-01", body="A changed paragraph."))
    before, victim_before = folder_state(dest), folder_state(victim)
    code, err = publish(hub, capsys, "--to", str(dest))
    assert code == 1, err
    assert folder_state(dest) == before                     # all or nothing: about/index.html is still the link
    assert folder_state(victim) == victim_before and decoy.read_text() == "the decoy's bytes"
    assert (f"{dest}/articles/second-steps is a symbolic link: Haven never writes through links; remove it, "
            "or publish to an empty folder") in err and "Traceback" not in err
    code, err = publish(hub, capsys, "--to", str(dest), "--dry-run")   # a dry run says the same
    assert code == 1 and "articles/second-steps is a symbolic link" in err
    assert folder_state(dest) == before


def _file_where_a_folder_goes(dest: Path) -> None:
    shutil.rmtree(dest / "static" / "css")
    (dest / "static" / "css").write_text("the host's own file")


def _folder_where_a_file_goes(dest: Path) -> None:
    (dest / "sitemap.xml").unlink()
    (dest / "sitemap.xml").mkdir()
    (dest / "sitemap.xml" / "keep.txt").write_text("the host's own file")


def _record_is_a_link(dest: Path) -> None:
    (dest / MARKER).unlink()
    (dest / MARKER).symlink_to(dest.parent / "decoy.html")


@pytest.mark.parametrize(("plant", "words"), [
    (_file_where_a_folder_goes, "static/css is a file where the published site needs a folder"),
    (_folder_where_a_file_goes, "sitemap.xml is a folder where the published site has a file"),
    (_record_is_a_link, f"{MARKER} is not a plain file"),
])
def test_a_folder_publish_that_cannot_finish_does_not_start(hub, tmp_path, capsys, plant, words):
    """Whatever stands in the way is found before the first file is written (about/index.html, rewritten
    first, keeps its old bytes)."""
    dest = tmp_path / "www"
    assert publish(hub, capsys, "--to", str(dest))[0] == 0
    (tmp_path / "decoy.html").write_text("the decoy's bytes")
    plant(dest)
    (hub / "pages" / "about.md").write_text("---\ntitle: About\nsummary: About this hub.\n---\nNew words.\n")
    before = folder_state(dest)
    code, err = publish(hub, capsys, "--to", str(dest))
    assert folder_state(dest) == before
    assert (tmp_path / "decoy.html").read_text() == "the decoy's bytes"
    assert code == 1 and words in err and "Traceback" not in err, err


@pytest.mark.parametrize(("first", "then"), [("/calm.html/", "/calm.html"), ("/calm.html", "/calm.html/")])
def test_a_folder_publish_follows_havens_own_files_changing_shape(hub, tmp_path, capsys, first, then):
    """A file of Haven's last publish where a folder now goes (or the reverse) is Haven's to remove first."""
    dest = tmp_path / "www"
    (hub / "articles" / "first-steps.md").write_text(article("First steps", next="second-steps",
                                                             extra=f"aliases: [{first}]"))
    assert publish(hub, capsys, "--to", str(dest))[0] == 0
    (hub / "articles" / "first-steps.md").write_text(article("First steps", next="second-steps",
                                                             extra=f"aliases: [{then}]"))
    shutil.rmtree(hub / "output")   # a fresh build: this test is about the published folder, not the output's
    code, err = publish(hub, capsys, "--to", str(dest))
    assert code == 0, err
    published = {p for p, kind in folder_state(dest).items() if kind[0] == "file" and p != MARKER}
    assert published == recorded(hub)
    assert (dest / "calm.html").is_file() == (then == "/calm.html")


def test_an_alias_on_cname_is_refused_and_the_branch_keeps_its_custom_domain(hub, capsys):
    assert publish(hub, capsys, "--to", "git")[0] == 0
    tip = git(hub, "rev-parse", "gh-pages")
    (hub / "pages" / "about.md").write_text("---\ntitle: About\nsummary: About this hub.\naliases: [/CNAME]\n---\n"
                                            "We write about calm.\n")
    for args in (("--dry-run",), ()):
        code, err = publish(hub, capsys, "--to", "git", *args)
        assert code == 1 and "nothing was published" in err, err
        assert "pages/about.md:4:1: error: alias '/CNAME' is the file CNAME that `haven publish --to git` writes" in err
    assert git(hub, "rev-parse", "gh-pages") == tip
    assert git(hub, "show", "gh-pages:CNAME") == "test.example.org"
