"""Rendered pages kept in the cache by what they were made from, for builds into an empty output folder.

A CI runner restores `.haven-cache/` and builds into a fresh checkout's empty `output/`; `rm -rf output`
does the same at a desk. Every page is then stale, and rendering them all again cost most of such a build
(at 10,000 articles about 1.3 ms of CPU a page). But a page's fingerprint already names everything it was
made from (the writer skips a page whose fingerprint the output record holds), so a page whose output
path, fingerprint and Haven's code are those of a page an earlier build wrote has those same bytes.

The store is `.haven-cache/pages/`: one file per page, named `<key>.<digest of its bytes>`, where the key
is a fingerprint of Haven's code, the page's output path and its fingerprint. A page a build rendered is
linked in from the output folder under that name, whether the writer wrote it or found the same bytes there
(a hard link: no second copy while the output folder and the hub share a file system; on another file system
nothing is kept). The store is as untrusted as the rest of the cache:

- a file is read only as a regular file in the store's real folder, never through a link;
- its bytes must have the digest its name says (a page edited in place in the output folder changes the
  file it shares with the store: it is rendered again, never restored as edited);
- its HTML goes through the same rendered-page check as a page just rendered (URL policy, files from other
  hosts, code), and a page the check has anything to say about is rendered again, so findings always
  come from a real rendering;
- names that are not a key and a digest are ignored, never opened.

So what a doctored store can put on the site is what a doctored body in the body store can: text.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.confine import identity
from generator.confine.cache import CACHE_DIR, read_cache_file
from generator.incremental import code_fingerprint
from generator.outputs import Output, Page, content_digest, fingerprint

STORE_DIR = "pages"
_NAME = re.compile(r"([0-9a-f]{24})\.([0-9a-f]{32})")
# A stored page larger than this is not read (the largest page the theme makes at 10,000 articles is a few
# hundred KB; a doctored store could hold anything)
MAX_STORED_PAGE = 64 * 1024 * 1024
# Old pages are removed once the store holds this many names per planned page (and a few more): a page
# kept too long is never wrong (its key says what it was made from), it only takes space
PRUNE_AT = 1.5


# The last listing of a store's folder, by the folder's identity then (see PageStore._listed).
_LISTINGS: dict[str, tuple[tuple[int, int, int, int, int] | None, dict[str, str]]] = {}


class PageStore:
    """The rendered pages of earlier builds, by key (see the module's docstring)."""

    def __init__(self, site_dir: Path) -> None:
        self.folder = site_dir / CACHE_DIR / STORE_DIR
        self._names: dict[str, str] | None = None   # key -> digest, as listed
        self._keys: dict[str, str] = {}              # output path -> key (a store serves one build: one plan)

    def key(self, page: Output) -> str:
        """What a stored page is filed under: Haven's code, the page's output path and its fingerprint."""
        key = self._keys.get(page.path)
        if key is None:
            key = self._keys[page.path] = fingerprint(code_fingerprint(), page.path, page.fingerprint)
        return key

    def holds(self, page: Page) -> bool:
        """Whether the store lists a page for this one (not yet read: `take` may still find it damaged)."""
        self.load()
        assert self._names is not None
        return self.key(page) in self._names

    def load(self) -> None:
        """List the store (once): forked render workers then share the listing."""
        if self._names is None:
            self._names = self._listed()

    def _listed(self) -> dict[str, str]:
        """key -> digest of every page the store's folder lists (a copy: the caller may change it). In a
        long-lived process the last listing is reused while the folder's modification time says no name was
        added or removed since: a listing out of date can only cost a page rendered again (`take` reads and
        checks the file it names; `keep` links and unlinks by name, a name already gone or taken is fine)."""
        try:
            seen = identity(self.folder)
            last = _LISTINGS.get(str(self.folder))
            if last is not None and seen is not None and last[0] == seen:
                return dict(last[1])
            names = os.listdir(self.folder)
        except OSError:
            return {}
        listed = {}
        for name in names:
            match = _NAME.fullmatch(name)
            if match:
                listed[match[1]] = match[2]
        _LISTINGS.clear()   # (one store's listing at a time: a process builds one hub)
        _LISTINGS[str(self.folder)] = (seen, dict(listed))
        return listed

    def take(self, page: Page) -> tuple[bytes, str] | None:
        """The bytes an earlier build wrote for this page and their digest, when the store has them intact; None
        otherwise."""
        self.load()
        assert self._names is not None
        key = self.key(page)
        digest = self._names.get(key)
        if digest is None:
            return None
        path = self.folder / f"{key}.{digest}"
        try:
            info = os.lstat(path)
            data = read_cache_file(path) if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_STORED_PAGE else b""
        except OSError:
            return None
        if data and content_digest(data) == digest:
            return data, digest
        # a link, a giant, or bytes changed since (a page edited in place in the output folder): never taken,
        # and removed (a link is removed, not followed), so that the page rendered now is kept in its place
        with contextlib.suppress(OSError):
            os.unlink(path)
        return None

    def keep(self, out_dir: Path, pages: Iterable[Output], written: Mapping[str, str]) -> None:
        """Link in each of `pages` this build rendered (`written`: output path -> digest of its bytes, as the
        output folder now has them: written now, or found the same), and remove old pages once the store has
        grown well past the plan's pages."""
        planned = list(pages)
        new = [(page, written[page.path]) for page in planned if page.path in written]
        if not new and self._names is not None and len(self._names) <= PRUNE_AT * len(planned) + 16:
            return   # (a build that wrote no page and had no reason to prune: not even a listing)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            folder = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:   # a link or a file where the folder should be: nothing is kept
            return
        try:
            names = self._listed()   # listed again: pages found damaged meanwhile were removed (by workers too)
            for page, digest in new:
                key = self.key(page)
                if names.get(key) == digest:
                    continue
                if key in names:   # the same key with other bytes (a page that renders differently each time)
                    _unlink(f"{key}.{names.pop(key)}", folder)
                try:   # the output file as just written, never a link's target
                    os.link(os.path.join(out_dir, page.path), f"{key}.{digest}", dst_dir_fd=folder,
                            follow_symlinks=False)
                except FileExistsError:   # (another build linked it meanwhile)
                    pass
                except OSError as exc:
                    if exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                        return   # no hard links between these folders (or no more on this file): keep nothing
                    continue
                names[key] = digest
            if len(names) > PRUNE_AT * len(planned) + 16:
                wanted = {self.key(page) for page in planned}
                for key in [key for key in names if key not in wanted]:
                    _unlink(f"{key}.{names.pop(key)}", folder)
            self._names = names
            _LISTINGS[str(self.folder)] = (identity(self.folder), dict(names))   # as this build left it, for the next
        finally:
            os.close(folder)


def _unlink(name: str, folder: int) -> None:
    """Remove a name from the store's folder (a link is removed, never followed); gone already is fine."""
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=folder)
