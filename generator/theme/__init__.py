"""The default theme, shipped inside the package, and how a hub overrides it file by file.

A hub's own `templates/` and `static/` come first: a file there replaces the theme's file of the same
name, and everything the hub does not override comes from here. So Haven's updates reach every hub,
and a hub owns only what it changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.confine.hub import walk_hub

THEME_DIR = Path(__file__).resolve().parent
THEME_TEMPLATES = THEME_DIR / "templates"
THEME_STATIC = THEME_DIR / "static"
# Notes a team keeps beside its overrides; never templates and never published.
_NOT_THEME_FILES = ("README.md", "README.txt", "README")


def is_theme_file(name: str) -> bool:
    """True for a file that belongs to a theme (not hidden, not an editor's backup, not a README)."""
    return not (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swo", ".tmp"))
                or name in _NOT_THEME_FILES)


def template_folders(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins: the hub's templates/, then the default theme."""
    return [site_dir / "templates", THEME_TEMPLATES]


def static_files(site_dir: Path) -> dict[str, Path]:
    """Every static file of the built site, relative to static/ -> the file it is copied from.

    The hub's static/ wins over the theme's file of the same name; sorted by relative path.
    """
    found = files_below(THEME_STATIC)
    # the hub's last, so its files replace the theme's; walked through confine (links out of the hub are
    # left out here and reported by the build)
    hub_files, _ = walk_hub(site_dir, "static", keep_dir=lambda name: not name.startswith("."), keep_file=is_theme_file)
    found.update({file.rel[len("static/"):]: site_dir / file.rel for file in hub_files})
    return dict(sorted(found.items()))


def files_below(folder: Path) -> dict[str, Path]:
    """The theme files below `folder`, by posix path relative to it."""
    if not folder.is_dir():
        return {}
    files: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if is_theme_file(name):
                full = Path(dirpath, name)
                files[full.relative_to(folder).as_posix()] = full
    return files
