"""`haven publish --to git`: the built site as a new commit on a branch (default gh-pages) of the hub's
repository, as ghp-import does, without touching the working tree or the index.

The commit is written by `git fast-import`, which builds blobs, trees and the commit in the object
store and moves only the branch's ref (and refuses to move it unless the new commit descends from the
old tip). Each publish is a child of the last one, so the branch keeps its history, and the tree is
the whole site, so a file that left the site leaves the branch. Which files changed is worked out
beforehand from blob ids, so a dry run can say it and an unchanged site adds no empty commit.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.deploy.files import PublishError, plain_relative

FILE_MODE = "100644"


@dataclass
class BranchChange:
    """What publishing would change on the branch."""

    branch: str
    parent: str | None                 # the branch's tip before, None when the branch is new
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the branch already holds exactly these files."""
        return self.parent is not None and not (self.added or self.changed or self.removed)


def git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run git in `repo` (output captured, never raising on a non-zero exit)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_INDEX_FILE", "GIT_WORK_TREE")}
    return subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, env=env)


def _out(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode("utf-8", "replace").strip()


def _why(done: subprocess.CompletedProcess) -> str:
    return (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-600:]


def check_repository(site_dir: Path, branch: str) -> None:
    """Refuse when the hub is not in a git repository, the branch name is not one, or it is checked out."""
    try:
        inside = git(site_dir, "rev-parse", "--is-inside-work-tree")
    except FileNotFoundError:
        raise PublishError("git is not installed; install it, or publish with --to DIR") from None
    if inside.returncode != 0:
        raise PublishError(f"{site_dir} is not inside a git repository; run `git init` there, or publish "
                           "with --to DIR")
    if git(site_dir, "check-ref-format", "--branch", branch).returncode != 0 or branch.startswith("-"):
        raise PublishError(f"'{branch}' is not a branch name git accepts; choose another, e.g. gh-pages")
    worktrees = _out(git(site_dir, "worktree", "list", "--porcelain"))
    if f"branch refs/heads/{branch}" in worktrees.splitlines():
        raise PublishError(f"the branch {branch} is checked out in a working tree of this repository; publishing "
                           "would change files under someone's feet: check out another branch there, or "
                           "publish to another branch")


def blob_id(data: bytes, object_format: str) -> str:
    """The id git gives a file with these bytes."""
    algorithm = hashlib.sha256 if object_format == "sha256" else hashlib.sha1
    return algorithm(b"blob %d\0" % len(data) + data).hexdigest()


def branch_change(site_dir: Path, branch: str, files: dict[str, bytes]) -> BranchChange:
    """Compare the files with what the branch holds now."""
    tip = git(site_dir, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}")
    change = BranchChange(branch, _out(tip) if tip.returncode == 0 else None)
    now: dict[str, tuple[str, str]] = {}
    if change.parent:
        listing = git(site_dir, "ls-tree", "-r", "-z", "--full-tree", change.parent)
        if listing.returncode != 0:
            raise PublishError(f"cannot read the branch {branch}: {_why(listing)}")
        for entry in listing.stdout.split(b"\0"):
            if entry:
                meta, _, path = entry.partition(b"\t")
                mode, _kind, sha = meta.decode().split()
                now[path.decode("utf-8", "surrogateescape")] = (mode, sha)
    if change.parent and ("site.yaml" in now or "index.html" not in now):
        what = "a hub's sources (site.yaml)" if "site.yaml" in now else "no published site (no index.html)"
        raise PublishError(f"the branch {branch} holds {what}; publishing would replace all its files: choose "
                           f"another branch, or delete this one first (git branch -D {branch}) if it may go")
    object_format = _out(git(site_dir, "rev-parse", "--show-object-format")) or "sha1"
    for path, data in sorted(files.items()):
        if path not in now:
            change.added.append(path)
        elif now[path] != (FILE_MODE, blob_id(data, object_format)):
            change.changed.append(path)
    change.removed = sorted(set(now) - set(files))
    return change


def _quoted(path: str) -> bytes:
    """A path as fast-import reads it (C-style quoted when it needs to be)."""
    raw = path.encode("utf-8")
    if not (raw.startswith(b'"') or any(c in raw for c in b'"\\\n')):
        return raw
    return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n") + b'"'


def commit_site(site_dir: Path, change: BranchChange, files: dict[str, bytes], message: str) -> str:
    """Write the files as one commit on the branch (a child of its tip); return the commit's id."""
    ident = git(site_dir, "var", "GIT_COMMITTER_IDENT")
    if ident.returncode != 0:
        raise PublishError("git does not know who is committing: run `git config user.name \"Your Name\"` and "
                           "`git config user.email you@example.org` in the hub's repository")
    body = message.encode("utf-8")
    stream = [b"commit refs/heads/" + change.branch.encode() + b"\n", b"mark :1\n",
              b"committer " + ident.stdout.strip() + b"\n", b"data %d\n" % len(body), body, b"\n"]
    if change.parent:
        stream.append(b"from " + change.parent.encode() + b"\n")
    stream.append(b"deleteall\n")
    for path, data in sorted(files.items()):
        if not plain_relative(path):
            continue
        stream += [b"M " + FILE_MODE.encode() + b" inline " + _quoted(path) + b"\n", b"data %d\n" % len(data), data,
                   b"\n"]
    stream.append(b"done\n")
    with tempfile.TemporaryDirectory(prefix="haven-publish-") as scratch:
        marks = Path(scratch) / "marks"
        done = git(site_dir, "fast-import", "--quiet", "--done", f"--export-marks={marks}", stdin=b"".join(stream))
        if done.returncode != 0:
            raise PublishError(f"git could not write the commit to {change.branch}: {_why(done)}")
        made = dict(line.split(" ", 1) for line in marks.read_text("utf-8").splitlines() if " " in line)
    commit = made.get(":1", "")
    tip = _out(git(site_dir, "rev-parse", "--verify", "--quiet", f"refs/heads/{change.branch}"))
    if not commit or tip != commit:
        raise PublishError(f"the branch {change.branch} moved while publishing (it is at {tip[:12] or 'nothing'}); "
                           "publish again")
    return commit


def push_branch(site_dir: Path, remote: str, branch: str) -> str:
    """Push the branch to `remote`; return git's report."""
    if remote.startswith("-") or not remote.strip():
        raise PublishError(f"'{remote}' is not a remote name; see `git remote -v`")
    done = git(site_dir, "push", "--porcelain", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    if done.returncode != 0:
        raise PublishError(f"git push {remote} {branch} failed (the new commit is on your local {branch}; "
                           f"if the remote's {branch} moved on, fetch it and decide which to keep): {_why(done)}")
    return _out(done)


def source_commit(site_dir: Path) -> str:
    """The hub's current commit (for the publish message), or '' before the first commit."""
    done = git(site_dir, "rev-parse", "--verify", "--quiet", "HEAD")
    return _out(done) if done.returncode == 0 else ""
