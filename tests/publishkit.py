"""Helpers for the feeds, sitemap, structured-data, search and deploy tests: build a copy of the
sample hub (or a fixture hub) into a temporary folder and read what it wrote."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from generator.build import BuildOptions, BuildResult, build

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PARTS = ("site.yaml", "articles", "pages", "data", "templates", "static")


def copy_sample(dest: Path, base_url: str | None = None, medical: bool | None = None) -> Path:
    """A copy of the repository's sample hub in `dest`, optionally with another base_url or medical flag."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part, dirs_exist_ok=True)
        elif source.is_file():
            shutil.copy2(source, dest / part)
    if base_url is not None or medical is not None:
        text = (dest / "site.yaml").read_text("utf-8")
        if base_url is not None:
            text, n = re.subn(r"(?m)^base_url:.*$", f"base_url: {base_url}", text)
            assert n == 1
        if medical is not None:
            text, n = re.subn(r"(?m)^medical:.*$", f"medical: {'true' if medical else 'false'}", text)
            assert n == 1
        (dest / "site.yaml").write_text(text, "utf-8")
    return dest


def build_ok(site: Path, out: Path | None = None, **options) -> BuildResult:
    """Build and insist on success (findings in the assertion message)."""
    result = build(BuildOptions(site, out or site / "output", **options))
    assert result.ok, [d.format() for d in result.diagnostics] + [result.usage_error]
    return result


class PageScan(HTMLParser):
    """Everything the tests read from one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, dict]] = []     # (tag, attrs) of <link>
        self.metas: list[dict] = []
        self.refs: list[str] = []                    # href/src of every element
        self.ids: set[str] = set()
        self.scripts: list[tuple[dict, str]] = []    # (attrs, text)
        self.attrs_by_id: dict[str, dict] = {}
        self._script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if "id" in attrs:
            self.ids.add(attrs["id"])
            self.attrs_by_id[attrs["id"]] = attrs
        if "name" in attrs and tag == "a":
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if key in attrs:
                self.refs.append(attrs[key])
        if tag == "link":
            self.links.append((tag, attrs))
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "script":
            self._script = attrs
            self._text = []

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def meta(self, key: str) -> list[str]:
        """content of <meta property=key> or <meta name=key>."""
        return [m.get("content", "") for m in self.metas if key in (m.get("property"), m.get("name"))]


def scan(path: Path) -> PageScan:
    parser = PageScan()
    parser.feed(path.read_text("utf-8"))
    return parser


def html_pages(out: Path) -> list[Path]:
    """Every HTML file in a build, sorted."""
    return sorted(out.rglob("*.html"))


def page_url(out: Path, page: Path, base_path: str = "/") -> str:
    """The URL path a static host serves `page` at."""
    rel = page.relative_to(out).as_posix()
    return base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
