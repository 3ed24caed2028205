"""Discovering a hub's Markdown files (articles and pages), cheaply: what a build needs before it knows
whether there is work.

Kept apart from parsing so that an unchanged hub is recognised without importing Markdown,
Jinja or the checks.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.checks.policy import finding
from generator.confine import walk_tree
from generator.confine.hub import walk_hub
from generator.diagnostics import Diagnostic
from generator.slugs import SLUG as SLUG_RE

SITE_FILE = "site.yaml"   # the hub's settings, at the top of the hub

# Folders writers keep Markdown in, and the kind of page each makes.
MARKDOWN_FOLDERS = (("articles", "article"), ("pages", "page"))
# Markdown files, in any case (`.MD` from some editors, `.markdown` from other generators).
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Editors' swap, backup and temporary files are never read.
_IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part")


class MarkdownFile(NamedTuple):
    """A Markdown file found on disk. (A named tuple: every build makes one per article.)"""

    path: str          # relative to the site folder, posix
    kind: str          # "article" | "page"
    mtime_ns: int
    size: int


@dataclass(frozen=True)
class ParseSettings:
    """The few settings that change how a single file is parsed (part of the cache key)."""

    base_path: str
    readability_target: float
    max_article_bytes: int = 2_000_000   # site.yaml limits.max_article_bytes
    own_host: str = ""                   # the hub's host (from base_url): pages may load files from it
    allow_hosts: tuple[str, ...] = ()    # other hosts site.yaml allows files from (privacy.allow_hosts)
    languages: tuple[str, ...] = ()      # the hub's language codes, the default first
    default_language: str = "en"
    # limits.parse_seconds: the longest one file may take to convert and check (a result that ran out is
    # never cached, so it is not part of the key)
    parse_seconds: float = 10.0

    def key(self) -> str:
        """Fingerprint of these settings."""
        return (f"{self.base_path}|{self.readability_target:g}|{self.max_article_bytes}|{self.own_host}|"
                f"{','.join(self.allow_hosts)}|{','.join(self.languages)}|{self.default_language}")

    def language_of(self, path: str, declared: str) -> str:
        """A file's language: its `lang:` when declared, else a language folder (articles/es/...), else
        the default. (Whether `lang:` names a known language is checked when the hub is assembled.)"""
        if declared:
            return declared
        parts = path.split("/")
        return parts[1] if len(parts) > 2 and parts[1] in self.languages else self.default_language


def is_markdown_name(name: str) -> bool:
    """True for a Markdown file a writer made (not a hidden, swap or backup file)."""
    return (name.lower().endswith(MARKDOWN_SUFFIXES) and not name.startswith((".", "#", "~"))
            and not name.endswith(_IGNORED_SUFFIXES))


def discover(site_dir: Path) -> tuple[list[MarkdownFile], list[Diagnostic]]:
    """Every Markdown file under articles/ (sub-folders allowed) and pages/, sorted by path, and
    findings for files and folders that lead out of the hub (those are never read)."""
    found: list[MarkdownFile] = []
    findings: list[Diagnostic] = []
    for folder, kind in MARKDOWN_FOLDERS:
        files, problems = walk_hub(site_dir, folder, keep_dir=lambda name: not name.startswith("."),
                                   keep_file=is_markdown_name)
        found += [MarkdownFile(rel, kind, mtime_ns, size) for rel, mtime_ns, size in files]
        findings += problems
    found.sort(key=lambda s: s.path)
    return found, findings


def content_digest(data: bytes) -> str:
    """Fingerprint of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def default_slug(path: str) -> str:
    """The slug a file gets when its front matter names none: its file name, transliterated when it is
    written in another script or with capitals (`Émpathie.md` -> `empathie`, `共感.md` -> `gong-gan`);
    "" when the name has no letters or digits."""
    stem = posixpath.splitext(posixpath.basename(path))[0]   # Path(path).stem, without making a Path
    if SLUG_RE.match(stem):
        return stem
    from generator.slugs import slug_from

    return slug_from(stem)


# In a long-lived process (the preview server): the last answer, with the state of every folder it listed. A
# folder's names change only with its modification time, so while no folder changed the answer holds.
_UNREAD: dict[str, tuple[tuple[tuple[str, int, int, int] | None, ...], list[Diagnostic]]] = {}
# File times move in coarse steps (a kernel tick): a folder changed within this long of being looked at may
# change again with the same time, so its state is not trusted (as git treats "racily clean" entries)
_SETTLED_NS = 2_000_000_000


def _folder_state(path: str) -> tuple[str, int, int, int] | None:
    """A folder's identity and times, or None when it is missing or changed too recently to be trusted."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < _SETTLED_NS:
        return None
    return (path, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


def unread_files(site_dir: Path) -> list[Diagnostic]:
    """An `unread-file` warning for each file in articles/ that Haven does not read (not Markdown)."""
    top = site_dir / "articles"
    last = _UNREAD.get(str(top))
    if last is not None and all(state is not None and _folder_state(state[0]) == state for state in last[0]):
        return list(last[1])
    # each folder's state is taken before it is listed: a file added meanwhile changes it, and is seen next time
    states = [_folder_state(str(top))]
    found: list[Diagnostic] = []
    for dirpath, dirnames, filenames in walk_tree(top) if top.is_dir() else ():
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        states += [_folder_state(os.path.join(dirpath, d)) for d in dirnames]
        for name in sorted(filenames):
            if is_markdown_name(name) or name.startswith((".", "#", "~")) or name.endswith(_IGNORED_SUFFIXES):
                continue
            rel = "articles" + os.path.join(dirpath, name)[len(str(top)):].replace(os.sep, "/")
            found.append(finding("unread-file", rel, 0, 0, f"{rel} is not read: Haven reads only .md and "
                                 ".markdown files in articles/",
                                 "rename it to .md if it is an article; keep pictures and downloads in static/"))
    _UNREAD.clear()
    _UNREAD[str(top)] = (tuple(states), found)
    return list(found)
