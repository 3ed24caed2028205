"""Save-to-reload latency of `haven serve`: a script, not a test.

    python -m tests.serve_latency                    # the sample hub, then a 1,000-article corpus
    python -m tests.serve_latency --articles 1000    # only the corpus (0 = the sample hub)
    python -m tests.serve_latency --edits 15 --no-browser

For each site it copies the hub into a temporary folder, starts the preview in-process on a free port,
opens the edited article in chromium (when available), then `--edits` times appends a sentence to one
article's body (a real file write) and measures, from just before the write:

  build            how long the build itself took (as the build loop saw it)
  reload event     until the live-reload event reached an event-stream client (what every tab waits for)
  page loaded      until the browser's `load` fired on the reloaded page (the writer sees the change)

and, per edit, the preview's own share (reload event minus build: debounce, watcher, event delivery)
and the browser's share (reload event to `load`).

and prints the median, min and max of each. Each edit waits for the previous one to settle.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from generator.build import BuildOptions, BuildResult, build
from generator.serve import Preview
from generator.serve.client import EventStream

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLE = "articles/empathy-vs-sympathy.md"


def prepare(dest: Path, articles: int) -> tuple[Path, str, str]:
    """Write the site to measure; return (site folder, edited file, its page URL path)."""
    if articles == 0:
        dest.mkdir(parents=True)
        for name in ("site.yaml",):
            shutil.copy2(REPO / name, dest / name)
        for folder in ("articles", "pages", "data", "templates", "static"):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, dest / folder)
        edited = SAMPLE_ARTICLE
    else:
        try:
            from bench.corpus import generate
        except ImportError:  # pragma: no cover - the bench package ships with the repo
            raise SystemExit("the bench package is missing: run from the repository")
        corpus = generate(dest, articles)
        shutil.copytree(REPO / "generator" / "theme" / "templates", dest / "templates")
        shutil.copytree(REPO / "generator" / "theme" / "static", dest / "static")
        edited = corpus.articles[len(corpus.articles) // 2]
    slug = Path(edited).stem
    return dest, edited, f"/articles/{slug}/"


def stats(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"median {statistics.median(values):7.1f} ms   min {min(values):7.1f}   max {max(values):7.1f}"
            f"   (n={len(values)})")


def measure(articles: int, edits: int, use_browser: bool) -> dict[str, list[float]]:
    work = Path(tempfile.mkdtemp(prefix="haven-latency-"))
    try:
        site, edited, url_path = prepare(work / "site", articles)
        label = "the sample hub" if articles == 0 else f"a {articles:,}-article corpus"
        options = BuildOptions(site, site / "output", search_index=False)
        builds: list[float] = []

        def builder() -> BuildResult:
            result = build(options)
            builds.append(result.seconds * 1000)
            return result

        log = io.StringIO()
        preview = Preview(site, site / "output", port=0, builder=builder, stream=log)
        started = time.perf_counter()
        first = preview.start()
        if not first.ok:
            print(log.getvalue(), file=sys.stderr)
            raise SystemExit(f"the first build of {label} failed")
        print(f"\n{label}: first build {(time.perf_counter() - started):.2f} s "
              f"({len(first.written)} files); editing {edited} {edits} times", flush=True)
        base = f"http://127.0.0.1:{preview.server.port}"
        results: dict[str, list[float]] = {"build": [], "reload event": [], "page loaded": [], "overhead": [],
                                           "browser": []}
        stream = EventStream(preview.server.port)
        browser_cm = page = None
        try:
            if use_browser:
                browser_cm, page = open_browser(base + url_path)
            path = site / edited
            original = path.read_text("utf-8")
            for i in range(edits + 1):  # the first edit warms caches up and is not counted
                preview.loop.wait_idle(60)
                time.sleep(1.0)  # a writer's saves are seconds apart; let the last one settle completely
                stream.next_event(0)  # drop anything unread
                while stream.next_event(0.01) is not None:
                    pass
                if page is not None:
                    page.evaluate("() => { window.__latencyOld = true; }")
                n_builds = len(builds)
                text = original + f"\nThis sentence was added by edit number {i}.\n"
                t_wall = time.time()
                t0 = time.monotonic()
                path.write_text(text, "utf-8")
                event = stream.next_event(60, ("reload", "failed"))
                if event is None or event[0] != "reload":
                    raise SystemExit(f"edit {i}: no reload event ({event}):\n{log.getvalue()}")
                reload_ms = (event[2] - t0) * 1000
                loaded_ms = None
                if page is not None:
                    page.wait_for_function("() => window.__latencyOld === undefined && document.readyState === "
                                           "'complete'", timeout=60_000, polling=10)
                    load_at = page.evaluate("() => performance.timeOrigin + "
                                            "performance.getEntriesByType('navigation')[0].loadEventStart")
                    loaded_ms = load_at - t_wall * 1000
                    assert f"edit number {i}." in page.content()
                if i == 0:
                    continue
                build_ms = sum(builds[n_builds:])
                results["reload event"].append(reload_ms)
                results["build"].append(build_ms)
                results["overhead"].append(reload_ms - build_ms)
                if loaded_ms is not None:
                    results["page loaded"].append(loaded_ms)
                    results["browser"].append(loaded_ms - reload_ms)
            path.write_text(original, "utf-8")
        finally:
            if browser_cm is not None:
                browser_cm.__exit__(None, None, None)
            stream.close()
            preview.stop()
        print(f"  build in the loop        {stats(results['build'])}")
        print(f"  save -> reload event     {stats(results['reload event'])}")
        if results["page loaded"]:
            print(f"  save -> page loaded      {stats(results['page loaded'])}   (chromium)")
        print(f"  preview's own share      {stats(results['overhead'])}   (reload event minus build: "
              "debounce, watcher, event)")
        if results["browser"]:
            print(f"  browser's share          {stats(results['browser'])}   (reload event to load)")
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def open_browser(url: str):
    """(context manager to exit later, page) with the page open and its live reload connected."""
    from tests.browser import launch_browser

    cm = launch_browser()
    browser = cm.__enter__()
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("() => window.__havenPreview && window.__havenPreview.events.length > 0",
                           timeout=30_000)
    return cm, page


def browser_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    from tests.browser import chromium_path

    return Path(chromium_path()).is_file()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.serve_latency", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="0,1000",
                        help="comma-separated sizes; 0 is the sample hub (default: 0,1000)")
    parser.add_argument("--edits", type=int, default=15, help="measured edits per site (default 15)")
    parser.add_argument("--no-browser", action="store_true", help="measure only up to the reload event")
    args = parser.parse_args(argv)
    use_browser = not args.no_browser and browser_available()
    if not args.no_browser and not use_browser:
        print("chromium or playwright is missing: measuring up to the reload event only", file=sys.stderr)
    summary = []
    for size in (int(s) for s in args.articles.split(",") if s.strip()):
        results = measure(size, args.edits, use_browser)
        summary.append((size, results))
    print("\nmedians (save -> ...):")
    for size, results in summary:
        label = "sample hub" if size == 0 else f"{size:,} articles"
        parts = [f"reload event {statistics.median(results['reload event']):.0f} ms"]
        if results["page loaded"]:
            parts.append(f"page loaded {statistics.median(results['page loaded']):.0f} ms")
        parts.append(f"of which build {statistics.median(results['build']):.0f} ms")
        print(f"  {label:>15}: " + ", ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
