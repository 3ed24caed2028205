"""`haven init [DIR]` (a working hub in one command) and `haven theme list | copy NAME`.

The new hub's files ship inside the package (`generator/skeleton/`), so `haven init` works offline and
never reads anything outside the package and the new folder.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

from generator import __version__
from generator.confine.hub import OutsideHub, resolve_in_hub
from generator.diagnostics import did_you_mean
from generator.theme import THEME_STATIC, THEME_TEMPLATES, files_below

SKELETON = Path(__file__).resolve().parent / "skeleton"
# Package data cannot hold dot-files reliably (setuptools' globs skip them): renamed on the way out.
_DOT_NAMES = {"gitignore": ".gitignore", "github": ".github"}
# Only these skeleton files hold `{today}` / `{haven_version}` to fill in.
_FILLED_SUFFIXES = (".md", ".txt")


def skeleton_files() -> dict[str, Path]:
    """Every file a new hub gets: its path inside the hub (posix) -> the packaged file."""
    files: dict[str, Path] = {}
    for rel, source in _files_below_all(SKELETON).items():
        first, _, rest = rel.partition("/")
        files["/".join(p for p in (_DOT_NAMES.get(first, first), rest) if p)] = source
    return dict(sorted(files.items()))


def _files_below_all(folder: Path) -> dict[str, Path]:
    return {rel: path for rel, path in ((p.relative_to(folder).as_posix(), p) for p in sorted(folder.rglob("*")))
            if path.is_file() and "__pycache__" not in rel}


def init_hub(target: Path, stream=None) -> int:
    """Write a new hub into `target` (made if missing; refused unless empty); the CLI's exit status."""
    stream = stream or sys.stdout
    if target.exists() and not target.is_dir():
        return _fail(f"{target} is a file, not a folder - pass a new folder's name, e.g. haven init my-hub")
    present = sorted(p.name for p in target.iterdir() if not _fresh_repository_file(p.name)) if target.is_dir() else []
    if present:
        return _fail(f"{target} is not empty ({', '.join(present[:3])}{', ...' if len(present) > 3 else ''}) - "
                     "haven init starts a hub only in a new or empty folder (or a fresh git clone), so that it "
                     "never overwrites your files; e.g. haven init my-hub")
    files = skeleton_files()
    if "site.yaml" not in files:
        return _fail(f"Haven's installation has no new-hub files in {SKELETON} - reinstall Haven "
                     "(pip install --force-reinstall haven-ssg)")
    values = {"{today}": date.today().isoformat(), "{haven_version}": __version__}
    try:
        target.mkdir(parents=True, exist_ok=True)
        for rel, source in files.items():
            destination = target / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix in _FILLED_SUFFIXES:
                text = source.read_text("utf-8")
                for placeholder, value in values.items():
                    text = text.replace(placeholder, value)
                destination.write_text(text, "utf-8")
            else:
                shutil.copyfile(source, destination)
    except OSError as exc:
        return _fail(f"cannot write the new hub in {target}: {exc.strerror} - choose a folder you can write to")
    shown = str(target)
    print(f"haven: started a new hub in {shown}/\n"
          f"  next: cd {shown} && haven serve   (preview on http://127.0.0.1:8000/)\n"
          "  then: fill in `transparency:` and check the crisis services in site.yaml, rename the author in\n"
          "        data/authors.yaml, rewrite pages/about.md; `haven check` lists what is still to do.",
          file=stream)
    return 0


def _fresh_repository_file(name: str) -> bool:
    """What a just-created git repository holds (`git init`, or GitHub's README and LICENSE): Haven
    writes none of these names, so a hub may start beside them."""
    return name == ".git" or name.upper().startswith(("README", "LICENSE", "LICENCE"))


def theme_files() -> dict[str, Path]:
    """Every file of the default theme by the name `haven theme copy` takes: templates by their name
    (`base.html`, `partials/head-meta.html`), static files under `static/` (`static/css/haven.css`)."""
    files = dict(files_below(THEME_TEMPLATES))
    files.update({f"static/{rel}": path for rel, path in files_below(THEME_STATIC).items()})
    return dict(sorted(files.items()))


def list_theme(site_dir: Path, stream=None) -> int:
    """Print every theme file, marking those the hub already replaces with its own copy."""
    stream = stream or sys.stdout
    for name in theme_files():
        own = site_dir / (name if name.startswith("static/") else f"templates/{name}")
        print(f"{name}{'   (the hub has its own copy)' if own.is_file() else ''}", file=stream)
    return 0


def copy_theme_file(site_dir: Path, name: str, stream=None) -> int:
    """Copy one theme file into the hub (`templates/NAME` or `static/...`) to edit; never overwrite."""
    stream = stream or sys.stdout
    files = theme_files()
    wanted = name.strip().replace("\\", "/").removeprefix("./").removeprefix("templates/")
    if wanted not in files and f"static/{wanted}" in files:   # `css/haven.css` for `static/css/haven.css`
        wanted = f"static/{wanted}"
    if wanted not in files:
        hint = did_you_mean(wanted, files) or _same_name(wanted, files)
        return _fail(f"the theme has no file '{name}' - {hint + ' ' if hint else ''}"
                     "`haven theme list` lists the theme's files")
    rel = wanted if wanted.startswith("static/") else f"templates/{wanted}"
    destination = site_dir / rel
    try:   # a templates/ or static/ that is a link out of the hub is never written through
        resolve_in_hub(site_dir, rel)
    except OutsideHub as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 1
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        with open(destination, "xb") as handle:   # "x": never overwrite a team's own edits
            handle.write(files[wanted].read_bytes())
    except FileExistsError:
        return _fail(f"{destination} already exists - it is already the hub's own copy; edit it, or delete "
                     "it first to start again from the theme's file")
    except OSError as exc:
        return _fail(f"cannot write {destination}: {exc.strerror} - check the folder's permissions")
    print(f"haven: copied the theme's {wanted} to {destination}; the hub's copy now replaces the theme's", file=stream)
    return 0


def _same_name(wanted: str, files: dict[str, Path]) -> str:
    """'did you mean 'static/css/haven.css'?' for `haven.css`: the theme file whose own name is closest."""
    import difflib

    by_name = {Path(n).name: n for n in files}
    close = difflib.get_close_matches(Path(wanted).name, list(by_name), n=1, cutoff=0.6)
    return f"did you mean '{by_name[close[0]]}'?" if close else ""


def _fail(message: str) -> int:
    print(f"haven: error: {message}", file=sys.stderr)
    return 2
