"""Small fixture hubs for tests: the default theme's templates and static files, fictitious content."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "generator" / "theme"   # the default theme shipped in the package

SITE_YAML = """\
title: Test Hub
tagline: A fixture hub
description: A hub made by the tests.
base_url: https://test.example.org/
language: en
publisher: {name: Test Publisher, url: https://test.example.org/about/}
transparency: {owner: The test suite, funding: None, advertising: No advertising}
topics:
  calm:
    title: Calm
    description: Articles about calm.
  sleep:
    title: Sleep
    description: Articles about sleep.
crisis:
  heading: Need help now?
  intro: Help is available.
  emergency: In an emergency, call your local emergency number.
  resources:
    - region: Testland
      name: Test Helpline (fictional)
      phone: "555 0100"
      url: https://helpline.example.org/
      verified_on: 2026-10-01
"""

AUTHORS_YAML = """\
alex-example:
  name: Alex Example (fictional)
  credentials: MA
  bio: A fictional writer used by the tests.
  links: []
sam-sample:
  name: Sam Sample (fictional)
  credentials: PhD, clinical psychologist (fictional)
  bio: A fictional reviewer.
"""


def article(title: str = "First steps", *, slug_line: str = "", extra: str = "", body: str = "",
            previous: str = "", next: str = "", date: str = "2026-01-10") -> str:
    """A valid article's text, with optional extra front matter lines and body."""
    lines = [
        "---",
        f"title: {title}",
        "summary: A short summary for the tests.",
        "author: alex-example",
        f"date: {date}",
        "topics: [calm]",
    ]
    if previous:
        lines.append(f"previous: {previous}")
    if next:
        lines.append(f"next: {next}")
    if slug_line:
        lines.append(slug_line)
    if extra:
        lines.extend(textwrap.dedent(extra).strip("\n").splitlines())
    lines.append("---")
    lines.append(textwrap.dedent(body).strip("\n") if body else
                 "Breathing slowly can help.\n\n## Why it helps\n\nIt gives you a moment.\n")
    return "\n".join(lines) + "\n"


# Where the default fixture's readers report mistakes; appended (not part of SITE_YAML) so that tests
# building on SITE_YAML keep its line numbers.
CONTACT_LINE = "contact: corrections@test.example.org\n"


def make_site(root: Path, articles: dict[str, str | bytes] | None = None, *,
              site_yaml: str | None = None, authors_yaml: str = AUTHORS_YAML) -> Path:
    """Write a hub into `root`: site.yaml, authors, the repo's templates and static files, and articles.

    Without `site_yaml`, SITE_YAML plus a `contact:` line: a complete hub that checks clean."""
    site_yaml = SITE_YAML + CONTACT_LINE if site_yaml is None else site_yaml
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml, "utf-8")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "authors.yaml").write_text(authors_yaml, "utf-8")
    # a hub that overrides every theme file, so tests can edit templates and CSS in place
    shutil.copytree(THEME / "templates", root / "templates", dirs_exist_ok=True)
    shutil.copytree(THEME / "static", root / "static", dirs_exist_ok=True)
    (root / "pages").mkdir(exist_ok=True)
    (root / "pages" / "about.md").write_text("---\ntitle: About\nsummary: About this hub.\n---\nWe write about calm.\n")
    if articles is None:
        articles = {
            "first-steps.md": article("First steps", next="second-steps"),
            "second-steps.md": article("Second steps", previous="first-steps", date="2026-02-01"),
        }
    for name, content in articles.items():
        path = root / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return root


_BUILT: dict[tuple, Path] = {}


def built_copy(dest: Path, articles: dict[str, str | bytes] | None = None, **options: Any) -> Path:
    """`make_site(dest, articles)` as it is after a successful `build(BuildOptions(dest, dest / "output",
    **options))`: a copy (times kept, so the next build knows nothing changed) of that hub built once per
    test process. For tests that start from a good build and then break or change something."""
    key = (tuple(sorted(articles.items())) if articles is not None else None, tuple(sorted(options.items())))
    if key not in _BUILT:
        import atexit

        from generator.build import BuildOptions, build

        first = Path(tempfile.mkdtemp(prefix="haven-built-")) / "hub"
        make_site(first, articles)
        result = build(BuildOptions(first, first / "output", **options))
        assert result.ok, [d.format() for d in result.diagnostics]
        _BUILT[key] = first
        atexit.register(shutil.rmtree, first.parent, True)
    shutil.copytree(_BUILT[key], dest, symlinks=True)
    return dest


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under folder: (content hash, mtime_ns), to prove nothing changed."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def internal_links(out_dir: Path, base_path: str = "/") -> list[tuple[str, str]]:
    """(page, href) for every internal href/src in the built HTML that does not resolve to a file."""
    import posixpath
    import re
    from urllib.parse import unquote, urlsplit

    attr = re.compile(r'\s(?:href|src)="([^"]*)"')
    ids = re.compile(r'\sid="([^"]*)"')
    broken = []
    pages = {p.relative_to(out_dir).as_posix(): p for p in out_dir.rglob("*.html")}
    anchors = {rel: set(ids.findall(p.read_text("utf-8"))) for rel, p in pages.items()}
    for rel, path in pages.items():
        page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for href in attr.findall(path.read_text("utf-8")):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = parts.path or page_url
            if not target.startswith("/"):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), target)) + (
                    "/" if target.endswith("/") else "")
            if not target.startswith(base_path):
                broken.append((rel, href))
                continue
            file_rel = unquote(target[len(base_path):])
            if file_rel == "" or file_rel.endswith("/"):
                file_rel += "index.html"
            if not (out_dir / file_rel).is_file():
                broken.append((rel, href))
            elif parts.fragment and file_rel.endswith(".html") and unquote(parts.fragment) not in anchors.get(file_rel, ()):
                broken.append((rel, href))
    return broken
