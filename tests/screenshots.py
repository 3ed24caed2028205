"""Screenshots of an article for the README: `python -m tests.screenshots` (or `make screenshots`).

Builds the sample hub into a temporary folder, serves it on 127.0.0.1 and, with Debian's chromium,
writes docs/screenshots/article-desktop-light.png, article-desktop-dark.png and article-phone.png.

Options: --article SLUG (default: the article with a content note), --out FOLDER, --full (whole page).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser import block_offsite, chromium_path, launch_browser, serve_folder

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLE = "trauma-informed-care"

SHOTS = [
    # name, viewport, device scale, colour scheme
    ("article-desktop-light", {"width": 1280, "height": 1000}, 1, "light"),
    ("article-desktop-dark", {"width": 1280, "height": 1000}, 1, "dark"),
    ("article-phone", {"width": 390, "height": 844}, 2, "light"),
]


def build(out: Path) -> None:
    subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(REPO), "--out", str(out),
                    "--no-cache"], check=True, cwd=REPO, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", default=DEFAULT_ARTICLE)
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--full", action="store_true", help="capture the whole page, not the first screen")
    args = parser.parse_args(argv)

    if not Path(chromium_path()).exists():
        print(f"screenshots: chromium not found at {chromium_path()} (make browser-deps)", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="haven-shots-") as tmp:
        site = Path(tmp) / "site"
        build(site)
        with serve_folder(site) as base, launch_browser() as browser:
            for name, viewport, scale, scheme in SHOTS:
                context = browser.new_context(viewport=viewport, device_scale_factor=scale,
                                              color_scheme=scheme, reduced_motion="reduce")
                page = context.new_page()
                blocked = block_offsite(page)
                page.goto(f"{base}/articles/{args.article}/", wait_until="load")
                path = out_dir / f"{name}.png"
                page.screenshot(path=str(path), full_page=args.full)
                context.close()
                if blocked:
                    print(f"screenshots: {name}: blocked off-site requests {blocked}", file=sys.stderr)
                    return 1
                print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}"
                      f"  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
