"""The floor: the least work any Python generator must do for a corpus, measured the same way as Haven.

read + PyYAML's C loader + one reused Python-Markdown (extensions extra, toc) + one trivial Jinja
template + write, in 2 worker processes. This is the baseline issue 6 measured other generators against
(1.4 s for 1,000 articles and 12.8 s for 10,000 on the 2-core reference machine), so Haven's figures are
reported as ratios to it, measured in the same run on the same machine.

    python -m bench.floor SITE OUT     # prints the seconds it took
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from functools import partial
from pathlib import Path
from typing import Sequence

import jinja2
import markdown
import yaml
from markupsafe import Markup

WORKERS = 2
# Several chunks per worker so one slow chunk cannot leave the other worker idle at the end.
CHUNKS_PER_WORKER = 8
TRIVIAL_TEMPLATE = (
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{{ title }}</title></head>\n'
    "<body><main>\n<h1>{{ title }}</h1>\n{{ body }}\n</main></body>\n</html>\n"
)

# One per worker process, created by the pool initializer: the floor reuses one Markdown instance.
_markdown: markdown.Markdown | None = None
_template: jinja2.Template | None = None


def _init_worker() -> None:
    """Build this worker's one Markdown instance and one template."""
    global _markdown, _template
    _markdown = markdown.Markdown(extensions=["extra", "toc"])
    _template = jinja2.Environment(autoescape=True).from_string(TRIVIAL_TEMPLATE)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter YAML, Markdown body) of a file that starts with a `---` block."""
    if not text.startswith("---\n"):
        return "", text
    end = text.find("\n---\n", 3)
    if end == -1:
        return "", text
    return text[4:end], text[end + 5 :]


def render_chunk(paths: Sequence[Path], out: Path) -> int:
    """Read, parse, convert, render and write each article in `paths`; returns how many were written."""
    assert _markdown is not None and _template is not None, "worker not initialised"
    for path in paths:
        front, body = split_front_matter(path.read_text(encoding="utf-8"))
        meta = yaml.load(front, Loader=yaml.CSafeLoader) or {}
        _markdown.reset()
        html = _markdown.convert(body)
        page = _template.render(title=meta.get("title", path.stem), body=Markup(html))
        target = out / "articles" / str(meta.get("slug") or path.stem) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    return len(paths)


def build_floor(site: Path, out: Path) -> int:
    """Render every article under `site/articles` into `out`; returns the number of pages written."""
    paths = sorted((site / "articles").rglob("*.md"))
    if not paths:
        return 0
    chunk_size = max(1, -(-len(paths) // (WORKERS * CHUNKS_PER_WORKER)))
    chunks = [paths[start : start + chunk_size] for start in range(0, len(paths), chunk_size)]
    out.mkdir(parents=True, exist_ok=True)
    with multiprocessing.Pool(WORKERS, initializer=_init_worker) as pool:
        written = sum(pool.imap_unordered(partial(render_chunk, out=out), chunks))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: render the floor and print the seconds it took (and the page count, to stderr)."""
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site folder with articles/")
    parser.add_argument("out", type=Path, help="output folder")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    written = build_floor(args.site, args.out)
    print(f"{time.perf_counter() - started:.3f}")
    print(f"floor: {written} pages written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
