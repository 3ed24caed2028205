"""CPU time of the per-article stages that citations and checks add to a build, before and after a change.

    python -m bench.profile_stages SITE [--articles 200] [--repeats 3] [--baseline REV | --baseline none]

Stages, each over the first N articles of a generated corpus (`python -m bench.corpus SITE --articles 1000`):

- conversion with Python-Markdown's `extra` and `toc` only (the floor's conversion), then with
  `CitationExtension` added: the difference is what citation syntax costs;
- `render_citations` on a cold cache (one article after another, as a cold build does) and
  `format_bibliography` over every work cited, both per reference;
- the per-article checks: readability (finding and grade), safe messaging, unsourced claims, each on its
  own and all together in the order the pipeline runs them.

Citations render on a cold cache: every memo of `generator.citations` is emptied before each repeat and
each article's references are fresh mappings, as in a cold build. The checks run after one warm-up pass
over the articles, so the syllable and token memos are as warm as they are for all but the first few
dozen articles of a large build; every body is scanned afresh.

Figures are CPU seconds (`time.process_time`), the minimum of several repeats: the machine is shared
and wall time would measure the neighbours. With `--baseline REV` the same measurements run on the
`generator` package as it was at REV (exported with `git archive`, the work tree is not touched) and both
columns are printed; each side runs in a fresh interpreter so neither warms the other's caches, and the
two sides take turns (`--rounds`) so that a busy minute on the machine does not favour one of them.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import yaml

# The commit before the work on issue "cold build within 1.2x of the floor": the default "before".
DEFAULT_BASELINE = "bf3219f"
CONVERSION_REPEATS = 5  # the overhead is a small difference between two large figures: measured more often
REPO_ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- corpus


def _split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter YAML, body, file line of the body's first line) of one article."""
    if not text.startswith("---\n"):
        return "", text, 1
    end = text.find("\n---\n", 3)
    if end == -1:
        return "", text, 1
    front = text[4:end]
    return front, text[end + 5 :], front.count("\n") + 3


def load_articles(site: Path, count: int) -> list[dict[str, Any]]:
    """The first `count` articles of `site` (sorted by path): body, first line and references."""
    articles = []
    for path in sorted((site / "articles").rglob("*.md"))[:count]:
        front, body, first_line = _split_front_matter(path.read_text(encoding="utf-8"))
        meta = yaml.load(front, Loader=yaml.CSafeLoader) or {}
        articles.append(
            {"path": str(path.relative_to(site)), "body": body, "first_line": first_line,
             "references": list(meta.get("references") or [])}
        )
    return articles


# --------------------------------------------------------------------------- timing


def best_cpu_seconds(run: Callable[[], object], repeats: int, prepare: Callable[[], object] | None = None) -> float:
    """The least CPU time of `repeats` runs of `run`; `prepare` (untimed) runs before each one."""
    best = float("inf")
    for _ in range(repeats):
        if prepare is not None:
            prepare()
        gc.collect()
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def _clear_module_caches(module: Any) -> None:
    """Empty every memo a module keeps, so a run starts as cold as a fresh build does."""
    for value in vars(module).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()
    for name in ("_WORK_CACHE", "_DATE_MEMO", "_NAME_MEMO", "_TOKEN_COUNTS"):
        cache = getattr(module, name, None)
        if isinstance(cache, dict):
            cache.clear()


# --------------------------------------------------------------------------- stages


def measure(site: Path, count: int, repeats: int) -> dict[str, float]:
    """Every stage's figure for the `generator` package importable now (see the module docstring)."""
    import markdown

    from generator import citations
    from generator.checks import claims, readability, safe_messaging
    from generator.markup.citations import CitationExtension

    articles = load_articles(site, count)
    figures: dict[str, float] = {"articles": float(len(articles))}

    # The two conversions take turns article by article (in turn first and second), and each article
    # keeps its least time of the repeats: neighbours on the machine slow both alike, and the overhead
    # is a small difference between two large figures.
    floor = markdown.Markdown(extensions=["extra", "toc"])
    with_citations = markdown.Markdown(extensions=["extra", "toc", CitationExtension()])
    least = {id(floor): [float("inf")] * len(articles), id(with_citations): [float("inf")] * len(articles)}
    for repeat in range(max(repeats, CONVERSION_REPEATS) + 1):  # the first is a warm-up
        for index, article in enumerate(articles):
            pair = (floor, with_citations) if (index + repeat) % 2 == 0 else (with_citations, floor)
            for md in pair:
                started = time.process_time()
                md.reset()
                md.convert(article["body"])
                seconds = time.process_time() - started
                if repeat and seconds < least[id(md)][index]:
                    least[id(md)][index] = seconds
    figures["convert_extra_toc_s"] = sum(least[id(floor)])
    figures["convert_with_citations_s"] = sum(least[id(with_citations)])

    # Clusters as the extension finds them; each article renders against its own references.
    md = markdown.Markdown(extensions=["extra", "toc", CitationExtension()])
    work: list[tuple[list[Any], list[Mapping]]] = []
    for article in articles:
        md.reset()
        md.convert(article["body"])
        work.append((list(md.citation_clusters), article["references"]))
    cited_references = sum(
        len({item.key for cluster in clusters for item in cluster.items}) for clusters, _ in work
    )
    figures["cited_references"] = float(cited_references)

    def fresh_libraries() -> list[tuple[list[Any], dict[str, Mapping]]]:
        # New dicts each run, as each build parses its YAML afresh (the render cache is keyed on identity).
        return [
            (clusters, {str(ref["id"]): json.loads(json.dumps(ref, default=str)) for ref in refs})
            for clusters, refs in work
        ]

    libraries: list[tuple[list[Any], dict[str, Mapping]]] = []

    def prepare_render() -> None:
        libraries[:] = fresh_libraries()
        _clear_module_caches(citations)

    def render() -> None:
        for clusters, library in libraries:
            citations.render_citations(clusters, library)

    figures["render_citations_s"] = best_cpu_seconds(render, repeats, prepare_render)

    def bibliography() -> None:
        citations.format_bibliography([ref for _, library in libraries for ref in library.values()])

    # format_bibliography keeps the first entry of each id: count those
    figures["bibliography_references"] = float(len({key for _, library in fresh_libraries() for key in library}))
    figures["format_bibliography_s"] = best_cpu_seconds(bibliography, repeats, prepare_render)

    def clear_scans() -> None:
        readability.scan_markdown.cache_clear()

    def each_article(check: Callable[[dict[str, Any]], object]) -> Callable[[], None]:
        def run() -> None:
            for article in articles:
                check(article)
        return run

    # On its own, each check scans the body itself (the scan cache holds far fewer than N bodies, and
    # `clear_scans` empties it first); word counts stay memoized, as after the first articles of a build.
    readability_report = getattr(readability, "readability_report", None)
    stages: dict[str, Callable[[dict[str, Any]], object]] = {
        "check_readability": lambda a: readability.check_readability(a["path"], a["body"], a["first_line"], 8.0),
        "article_grade": lambda a: readability.article_grade(a["body"]),
        "check_safe_messaging": lambda a: safe_messaging.check_safe_messaging(a["path"], a["body"], a["first_line"]),
        "check_unsourced_claims": lambda a: claims.check_unsourced_claims(a["path"], a["body"], a["first_line"]),
    }
    if readability_report is not None:
        stages["readability_report"] = lambda a: readability_report(a["path"], a["body"], a["first_line"], 8.0)
    each_article(stages["check_readability"])()  # warm-up: syllable and token memos
    for name, check in stages.items():
        figures[f"{name}_s"] = best_cpu_seconds(each_article(check), repeats, clear_scans)

    def all_checks(article: dict[str, Any]) -> None:
        # What the pipeline runs per article today: the finding and the grade, then the editorial checks.
        stages["check_readability"](article)
        stages["article_grade"](article)
        stages["check_safe_messaging"](article)
        stages["check_unsourced_claims"](article)

    figures["all_checks_s"] = best_cpu_seconds(each_article(all_checks), repeats, clear_scans)
    if readability_report is not None:
        def all_checks_one_scan(article: dict[str, Any]) -> None:
            stages["readability_report"](article)
            stages["check_safe_messaging"](article)
            stages["check_unsourced_claims"](article)

        figures["all_checks_report_s"] = best_cpu_seconds(each_article(all_checks_one_scan), repeats, clear_scans)
    return figures


# --------------------------------------------------------------------------- report

# (figure, label, unit, divisor figure): per-article and per-reference figures are derived from totals.
_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("convert_extra_toc_s", "conversion, extra + toc", "s per N", ""),
    ("convert_with_citations_s", "conversion, + CitationExtension", "s per N", ""),
    ("render_citations_s", "render_citations (cold)", "ms/ref", "cited_references"),
    ("format_bibliography_s", "format_bibliography (cold)", "ms/ref", "bibliography_references"),
    ("check_readability_s", "check_readability", "ms/art", "articles"),
    ("article_grade_s", "article_grade", "ms/art", "articles"),
    ("readability_report_s", "readability_report", "ms/art", "articles"),
    ("check_safe_messaging_s", "check_safe_messaging", "ms/art", "articles"),
    ("check_unsourced_claims_s", "check_unsourced_claims", "ms/art", "articles"),
    ("all_checks_s", "all checks (readability+grade+editorial)", "ms/art", "articles"),
    ("all_checks_report_s", "all checks (readability_report+editorial)", "ms/art", "articles"),
)


def _value(figures: Mapping[str, float] | None, name: str, divisor: str) -> float | None:
    if figures is None or name not in figures:
        return None
    if not divisor:
        return figures[name]
    return figures[name] * 1000 / max(1.0, figures[divisor])


def _citation_overhead(figures: Mapping[str, float] | None) -> float | None:
    if figures is None:
        return None
    return figures["convert_with_citations_s"] / figures["convert_extra_toc_s"] - 1


def format_report(after: Mapping[str, float], before: Mapping[str, float] | None, baseline: str) -> str:
    """A table of every stage, with the baseline column when there is one."""
    articles = int(after["articles"])
    lines = [f"{articles} articles, {int(after['cited_references'])} cited references "
             f"(N = {articles}); CPU time, best of the repeats"]
    header = f"{'stage':<44} {'unit':>8} {'after':>9}"
    if before is not None:
        header += f" {'before':>9} {'change':>8}"
        lines[0] += f"; before = {baseline}"
    lines.append(header)
    for name, label, unit, divisor in _ROWS:
        now, then = _value(after, name, divisor), _value(before, name, divisor)
        if now is None and then is None:
            continue
        row = f"{label:<44} {unit.replace('N', str(articles)):>8} {_fmt(now):>9}"
        if before is not None:
            change = f"{now / then:.2f}x" if now is not None and then else ""
            row += f" {_fmt(then):>9} {change:>8}"
        lines.append(row)
    overhead_now, overhead_then = _citation_overhead(after), _citation_overhead(before)
    row = f"{'CitationExtension over extra + toc':<44} {'%':>8} {overhead_now * 100:>9.1f}"
    if overhead_then is not None:
        row += f" {overhead_then * 100:>9.1f}"
    lines.append(row)
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


# --------------------------------------------------------------------------- baseline


def _export_generator(revision: str, destination: Path) -> None:
    """Write the `generator` package as it was at `revision` into `destination` (no change to the repo)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", revision, "generator"],
        check=True, capture_output=True,
    ).stdout
    archive_path = destination / "generator.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(destination, filter="data")


def _measure_in_subprocess(site: Path, count: int, repeats: int, package_root: Path) -> dict[str, float]:
    """Run `measure` in a fresh interpreter that imports `generator` from `package_root`."""
    environment = dict(os.environ, PYTHONPATH=str(package_root), PYTHONDONTWRITEBYTECODE="1")
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--json", str(site),
         "--articles", str(count), "--repeats", str(repeats)],
        capture_output=True, text=True, env=environment, cwd=str(package_root),
    )
    if completed.returncode != 0:
        raise RuntimeError(f"measuring {package_root} failed:\n{completed.stderr}")
    return json.loads(completed.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print the stage figures, with a baseline column unless `--baseline none`."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile_stages", description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a generated corpus (python -m bench.corpus SITE --articles 1000)")
    parser.add_argument("--articles", type=int, default=200, help="articles measured (default 200)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per stage; the least is kept (default 3)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="fresh interpreters per side, taking turns with the baseline (default 2)")
    parser.add_argument("--baseline", default=DEFAULT_BASELINE,
                        help=f"git revision for the 'before' column (default {DEFAULT_BASELINE}); 'none' to skip")
    parser.add_argument("--json", action="store_true", help="print this tree's figures as JSON only")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    if not (site / "articles").is_dir():
        parser.error(f"{site} has no articles/: make one with python -m bench.corpus {site} --articles 1000")

    if args.json:
        importlib.invalidate_caches()
        print(json.dumps(measure(site, args.articles, args.repeats)))
        return 0

    if args.baseline.lower() == "none":
        after = _best_of(_measure_in_subprocess(site, args.articles, args.repeats, REPO_ROOT) for _ in range(args.rounds))
        print(format_report(after, None, args.baseline))
        return 0
    with tempfile.TemporaryDirectory(prefix="haven-baseline-") as folder:
        _export_generator(args.baseline, Path(folder))
        runs: dict[str, list[dict[str, float]]] = {"after": [], "before": []}
        for _ in range(args.rounds):  # taking turns: a busy spell on the machine hits both sides
            runs["after"].append(_measure_in_subprocess(site, args.articles, args.repeats, REPO_ROOT))
            runs["before"].append(_measure_in_subprocess(site, args.articles, args.repeats, Path(folder)))
    print(format_report(_best_of(runs["after"]), _best_of(runs["before"]), args.baseline))
    return 0


def _best_of(runs: Iterable[dict[str, float]]) -> dict[str, float]:
    """Each timing's least value over several runs (counts are the same in every run)."""
    best: dict[str, float] = {}
    for figures in runs:
        for name, value in figures.items():
            best[name] = min(best.get(name, value), value) if name.endswith("_s") else value
    return best


if __name__ == "__main__":
    sys.exit(main())
