"""`haven publish`: build the hub, refuse if the build has errors, then publish the built site.

`--to git` commits it to a branch of the hub's repository (default gh-pages, from `publish.branch` in
site.yaml), with `.nojekyll` (GitHub Pages then serves every file as it is) and `CNAME` (from
`publish.cname`), optionally pushing it; `--to DIR` copies it into a folder for rsync-style hosts.
`--dry-run` builds (as `haven build` would) and says what publishing would change, changing nothing else.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.build import BuildOptions, build
from generator.config import load_config
from generator.deploy.files import PublishError, built_files
from generator.redirects import CNAME_FILE, NOJEKYLL_FILE, PUBLISH_ROOT_FILES
from generator.write import MARKER

GIT_TARGET = "git"
LISTED = 40   # a dry run lists at most this many paths of each kind


@dataclass(frozen=True)
class PublishOptions:
    """What to publish, where to, and how."""

    site_dir: Path
    out_dir: Path
    to: str                       # "git" or a folder
    branch: str | None = None     # None: publish.branch from site.yaml
    push: str | None = None       # a git remote to push the branch to
    dry_run: bool = False
    headers: bool = False
    strict: bool = False

    @property
    def to_path(self) -> Path:
        """The folder `--to DIR` names."""
        return Path(self.to)


def publish(options: PublishOptions, stream: TextIO | None = None) -> int:
    """Build, then publish; print what happened; return the exit status (0 ok, 1 errors, 2 usage)."""
    stream = stream or sys.stderr
    if options.to != GIT_TARGET and (options.push or options.branch):
        print("haven: error: --push and --branch go with --to git; a folder is published as it is", file=stream)
        return 2
    result = build(BuildOptions(options.site_dir, options.out_dir, headers=options.headers, strict=options.strict))
    if result.usage_error:
        print(f"haven: error: {result.usage_error}", file=stream)
        return 2
    for diagnostic in result.diagnostics:
        print(diagnostic.format(), file=stream)
    if not result.ok:
        errors = sum(d.severity == "error" for d in result.diagnostics)
        print(f"haven: publish refused: the build has {errors} error{'s' if errors != 1 else ''}; "
              "nothing was published", file=stream)
        return 1
    # a build with nothing to do has no site model: the settings are read again (cheap, and checked above)
    config = result.site.config if result.site else load_config(options.site_dir)[0]
    assert config is not None   # the build just read the same site.yaml without errors
    try:
        files = built_files(options.out_dir)
        if options.to == GIT_TARGET:
            return _to_git(options, files, options.branch or config.publish_branch, config.publish_cname,
                           config.title, stream)
        return _to_folder(options, files, stream)
    except PublishError as exc:
        print(f"haven: publish failed: {exc}", file=stream)
        return 1


def _listing(stream: TextIO, sign: str, paths: list[str]) -> None:
    for path in paths[:LISTED]:
        print(f"  {sign} {path}", file=stream)
    if len(paths) > LISTED:
        print(f"  {sign} ... and {len(paths) - LISTED} more", file=stream)


def _to_git(options: PublishOptions, files: dict[str, bytes], branch: str, cname: str, title: str,
            stream: TextIO) -> int:
    from generator.deploy import gitbranch

    site_dir = options.site_dir
    gitbranch.check_repository(site_dir, branch)
    # The build refuses an alias on these names (generator.redirects); this is the last guard before git would
    # silently turn CNAME into a folder, should a build record ever list a path there.
    clash = next((path for path in sorted(files) if path.split("/")[0] in PUBLISH_ROOT_FILES), None)
    if clash is not None:
        raise PublishError(f"the build holds {clash}, where publishing writes its own {clash.split('/')[0]}; remove "
                           "the alias that made it, then publish again")
    files = {**files, NOJEKYLL_FILE: b""}
    if cname:
        files[CNAME_FILE] = cname.encode("ascii") + b"\n"
    change = gitbranch.branch_change(site_dir, branch, files)
    summary = (f"{len(change.added)} added, {len(change.changed)} changed, {len(change.removed)} removed "
               f"of {len(files)} files")
    if options.dry_run:
        where = f"on top of {change.parent[:12]}" if change.parent else "as its first commit"
        if change.empty:
            print(f"haven: publish (dry run): {branch} already holds this build; nothing would be committed",
                  file=stream)
        else:
            print(f"haven: publish (dry run): would commit to {branch} {where}: {summary}", file=stream)
        _listing(stream, "+", change.added)
        _listing(stream, "~", change.changed)
        _listing(stream, "-", change.removed)
        if options.push:
            print(f"haven: publish (dry run): would push {branch} to {options.push}", file=stream)
        return 0
    if change.empty:
        print(f"haven: {branch} already holds this build; nothing to commit", file=stream)
    else:
        source = gitbranch.source_commit(site_dir)
        message = (f"Publish {title} with Haven {__version__}\n\n"
                   + (f"Built from {source}.\n" if source else "Built before the hub's first commit.\n"))
        commit = gitbranch.commit_site(site_dir, change, files, message)
        print(f"haven: published to {branch} ({commit[:12]}): {summary}", file=stream)
    if options.push:
        gitbranch.push_branch(site_dir, options.push, branch)
        print(f"haven: pushed {branch} to {options.push}", file=stream)
    return 0


def _to_folder(options: PublishOptions, files: dict[str, bytes], stream: TextIO) -> int:
    from generator.deploy import folder

    dest = options.to_path
    folder.check_folder(dest, options.site_dir, options.out_dir)
    record = folder.record_for(files, options.out_dir / MARKER)
    change = folder.publish_to_folder(dest, files, record, options.dry_run)
    verb = "would copy" if options.dry_run else "copied"
    print(f"haven: publish{' (dry run)' if options.dry_run else ''} to {dest}: {verb} {len(change.copied)}, "
          f"{change.unchanged} unchanged, {'would remove' if options.dry_run else 'removed'} {len(change.removed)}",
          file=stream)
    if options.dry_run:
        _listing(stream, "+", change.copied)
        _listing(stream, "-", change.removed)
    return 0
