"""`make bench`: Haven's build times against the floor, measured in the same run on the same machine.

It first copies generator/, bench/, templates/ and static/ to bench/corpora/_code/ and runs everything
from that copy, so edits made to the project while it runs cannot mix versions. For each corpus size it
generates a deterministic corpus once (bench/corpora/<n>/, regenerated when bench/corpus.py changes),
then, for each of BENCH_RUNS runs, on a fresh copy of that corpus with the project's templates/ and
static/, times the real CLI in a fresh process:

  floor             read + YAML C loader + one reused Markdown + one trivial template + write, 2 processes
  cold build        no cache, empty output folder
  warm cache        cache kept from the previous build, output folder emptied
  no-op rebuild     nothing changed (and no output file may be rewritten: "writes on no-op")
  body edit         one sentence added to one article's body (a different article each run)
  title edit        the title of one article in the middle of the previous/next chain changed
  template edit     an HTML comment added to templates/article.html (or another template)

and reports medians with min and max, each as a ratio to the floor's median, plus peak memory (largest
resident set of the build process or any of its children) of the cold build and of the floor.
A build that exits non-zero stops the benchmark with its stderr; it never becomes a time.

Environment:
  BENCH_SIZES      corpus sizes, comma-separated (default "1000,10000")
  BENCH_RUNS       runs per size (default 5)
  BENCH_KEEP       "1" keeps bench/corpora/ afterwards (and reuses it next time while corpus.py is unchanged)
  BENCH_BUILD_CMD  testing aid: replaces the build command; {python}, {site} and {out} are substituted,
                   e.g. BENCH_BUILD_CMD="{python} -m bench.floor {site} {out}" exercises the harness
                   without the generator. Default: "{python} -m generator build --site {site} --out {out}".

Results: a Markdown table on stdout, and bench/results/<timestamp>.md and .json.
"""

from __future__ import annotations

import compileall
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from bench import corpus as corpus_module

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA_DIR = REPO_ROOT / "bench" / "corpora"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
CODE_SNAPSHOT_DIR = CORPORA_DIR / "_code"
CACHE_DIR_NAME = ".haven-cache"
# Builds are measured without the search index, like the generators in the table (none of
# which indexes search); indexing is measured on its own as SEARCH_INDEX.
DEFAULT_BUILD_CMD = "{python} -m generator build --site {site} --out {out} --no-search-index"
SEARCH_CMD = "{python} -m generator build --site {site} --out {out}"
CORPUS_SEED = 0
STDERR_TAIL_LINES = 40

FLOOR = "floor"
COLD = "cold build"
WARM = "warm cache, empty output"
NOOP = "no-op rebuild"
BODY_EDIT = "one-article body edit"
TITLE_EDIT = "one-article title edit"
TEMPLATE_EDIT = "template edit"
SEARCH_INDEX = "search index (Pagefind, whole hub)"
MEASUREMENTS: tuple[str, ...] = (FLOOR, COLD, WARM, NOOP, BODY_EDIT, TITLE_EDIT, TEMPLATE_EDIT, SEARCH_INDEX)

REFERENCE_NOTE = (
    "Issue 6 reference figures (same 2-core machine kind): floor 1.4 s at 1,000 articles and 12.8 s at "
    "10,000, 28 MiB; Hugo 0.58 s / 5.6 s; Pelican 4.8 s / 50.3 s."
)


class BenchFailure(Exception):
    """A build (or the floor) failed, or the corpus could not be prepared: the benchmark stops."""


@dataclass(frozen=True)
class Settings:
    """What the environment asked for."""

    sizes: tuple[int, ...]
    runs: int
    keep: bool
    build_cmd: str
    python: str

    @property
    def build_cmd_is_default(self) -> bool:
        """True when the real generator is being measured (not a BENCH_BUILD_CMD stand-in)."""
        return self.build_cmd == DEFAULT_BUILD_CMD


@dataclass(frozen=True)
class Sample:
    """One timed command: wall and CPU seconds, peak resident memory, and output files it changed."""

    seconds: float
    cpu_seconds: float
    peak_mib: float
    files_written: int


@dataclass
class SizeResult:
    """All samples for one corpus size, by measurement name."""

    size: int
    samples: dict[str, list[Sample]] = field(default_factory=lambda: {name: [] for name in MEASUREMENTS})
    commands_run: int = 0
    template_edited: str | None = None


@dataclass(frozen=True)
class Paths:
    """The folders one corpus size works in, all under bench/corpora/<n>/ (git-ignored)."""

    root: Path

    @property
    def pristine(self) -> Path:
        """The generated corpus, never built or edited (reused across runs and, with BENCH_KEEP, sessions)."""
        return self.root / "pristine"

    @property
    def site(self) -> Path:
        """A fresh working copy per run: builds and edits happen here."""
        return self.root / "site"

    @property
    def out(self) -> Path:
        """The build's output folder."""
        return self.root / "out"

    @property
    def floor_out(self) -> Path:
        """The floor's output folder."""
        return self.root / "floor-out"

    @property
    def logs(self) -> Path:
        """stdout/stderr of the last command of each kind, and the measure wrapper's results."""
        return self.root / "logs"

    @property
    def cache(self) -> Path:
        """Haven's cache: deleting it makes the next build cold."""
        return self.site / CACHE_DIR_NAME


def read_settings(environ: dict[str, str]) -> Settings:
    """Settings from BENCH_* variables, with the defaults `make bench` documents."""
    try:
        sizes = tuple(int(part) for part in environ.get("BENCH_SIZES", "1000,10000").split(",") if part.strip())
        runs = int(environ.get("BENCH_RUNS", "5"))
    except ValueError as error:
        raise BenchFailure(f"BENCH_SIZES must be comma-separated integers and BENCH_RUNS an integer: {error}")
    if not sizes or min(sizes) < 3 or runs < 1:
        raise BenchFailure("BENCH_SIZES needs sizes of at least 3 articles and BENCH_RUNS at least 1")
    return Settings(
        sizes=sizes,
        runs=runs,
        keep=environ.get("BENCH_KEEP", "") not in ("", "0", "false", "no"),
        build_cmd=environ.get("BENCH_BUILD_CMD") or DEFAULT_BUILD_CMD,
        python=sys.executable,
    )


def command_from_template(template: str, python: str, site: Path, out: Path) -> list[str]:
    """Split a command template like a shell would, then fill {python}, {site} and {out} per argument."""
    values = {"python": python, "site": str(site), "out": str(out)}
    return [part.format(**values) for part in shlex.split(template)]


def snapshot_code() -> Path:
    """Copy generator/, bench/, templates/ and static/ as they are now; every command runs from the copy.

    Others edit the project while a benchmark runs: a build would then measure a mix of versions, and
    Haven's caches, keyed by a fingerprint of its own code, would turn a no-op rebuild into a cold one.
    Running from a copy (its folder first on sys.path, ahead of the editable install) measures one version.
    """
    root = CODE_SNAPSHOT_DIR
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for folder in ("generator", "bench", "templates", "static"):
        if (REPO_ROOT / folder).is_dir():
            skipped = ("__pycache__", "corpora", "results") if folder == "bench" else ("__pycache__",)
            shutil.copytree(REPO_ROOT / folder, root / folder, ignore=shutil.ignore_patterns(*skipped))
    precompile(root)
    return root


def precompile(code_root: Path) -> None:
    """Write bytecode for the project's own packages before anything is timed.

    With PYTHONDONTWRITEBYTECODE set (as on the project's machines) every build would recompile the
    generator from source, a cost no user with a normal Python pays; installed libraries already ship
    their bytecode. compileall writes it regardless of that variable, and imports then read it.
    """
    for package in ("generator", "bench"):
        if (code_root / package).is_dir():
            compileall.compile_dir(code_root / package, quiet=1)


def ensure_corpus(paths: Paths, size: int) -> list[str]:
    """Generate the corpus unless an identical one (same size, seed and generator source) is there."""
    marker = corpus_module.read_marker(paths.pristine)
    fresh = (
        marker is not None
        and marker.get("generator_sha256") == corpus_module.source_fingerprint()
        and marker.get("articles_count") == size
        and marker.get("seed") == CORPUS_SEED
    )
    if fresh:
        log(f"[{size}] reusing corpus in {paths.pristine}")
        return list(marker["articles"])
    # The folder is ours (under bench/corpora), so a stale or half-written corpus is simply replaced.
    shutil.rmtree(paths.pristine, ignore_errors=True)
    log(f"[{size}] generating corpus in {paths.pristine}")
    return corpus_module.generate(paths.pristine, size, CORPUS_SEED).articles


def prepare_site(paths: Paths, code_root: Path) -> None:
    """A fresh working copy of the corpus with the project's templates and static files (as snapshotted)."""
    shutil.rmtree(paths.site, ignore_errors=True)
    shutil.copytree(paths.pristine, paths.site, ignore=shutil.ignore_patterns(corpus_module.MARKER_NAME))
    for folder in ("templates", "static"):
        # The default theme's files, copied in as a hub's own: the template-edit step edits them in place.
        theme = code_root / "generator" / "theme" / folder
        if theme.is_dir():
            shutil.copytree(theme, paths.site / folder, dirs_exist_ok=True)


def empty_folder(folder: Path) -> None:
    """Delete `folder` and recreate it empty."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under `folder` -> (mtime_ns, inode, size): a rewrite changes at least one of them."""
    found: dict[str, tuple[int, int, int]] = {}
    if not folder.is_dir():
        return found
    stack = [folder]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    info = entry.stat(follow_symlinks=False)
                    found[entry.path] = (info.st_mtime_ns, info.st_ino, info.st_size)
    return found


def files_changed(before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]) -> int:
    """Files written, created or removed between two snapshots."""
    changed = sum(1 for path, stamp in after.items() if before.get(path) != stamp)
    removed = sum(1 for path in before if path not in after)
    return changed + removed


def tail(path: Path, lines: int) -> str:
    """The last `lines` lines of a text file (empty if it is missing)."""
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_measured(
    command: list[str], paths: Paths, label: str, python: str, code_root: Path
) -> tuple[float, float, float]:
    """Run `command` under a fresh measure wrapper; (seconds, CPU seconds, peak MiB), or BenchFailure."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    result_path, stdout_path, stderr_path = (paths.logs / f"{stem}.{kind}" for kind in ("json", "out", "err"))
    result_path.unlink(missing_ok=True)
    wrapper = [python, "-m", "bench.measure", str(result_path), str(stdout_path), str(stderr_path), "--", *command]
    # cwd puts the code snapshot first on sys.path for `-m` (see snapshot_code).
    wrapper_run = subprocess.run(wrapper, cwd=code_root, capture_output=True, text=True)
    if wrapper_run.returncode != 0 or not result_path.is_file():
        raise BenchFailure(f"{label}: the measure wrapper failed:\n{wrapper_run.stderr}")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    if result["returncode"] != 0:
        raise BenchFailure(
            f"{label}: exit code {result['returncode']} from\n  {shlex.join(command)}\n"
            f"--- last {STDERR_TAIL_LINES} lines of stderr ({stderr_path}) ---\n{tail(stderr_path, STDERR_TAIL_LINES)}\n"
            f"--- last 10 lines of stdout ---\n{tail(stdout_path, 10)}"
        )
    return float(result["seconds"]), float(result["cpu_seconds"]), float(result["peak_mib"])


def body_start(text: str) -> int:
    """Offset of the Markdown body, just after the closing `---` of the front matter."""
    end = text.find("\n---\n", 3)
    if not text.startswith("---\n") or end == -1:
        raise BenchFailure("benchmark article without front matter; was the corpus edited by hand?")
    return end + len("\n---\n")


FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]]+\]:", re.MULTILINE)
TITLE_LINE = re.compile(r"^title:[ \t]*(.*)$", re.MULTILINE)
BLOCK_TAG = re.compile(r"\{%-?\s*block\s+\w+\s*-?%\}")
EXTENDS_TAG = re.compile(r"\{%-?\s*extends\b")


def edit_body(article: Path, run: int) -> None:
    """Add a sentence as its own paragraph at the end of the body, before the footnote definitions."""
    text = article.read_text(encoding="utf-8")
    sentence = f"This sentence was added by benchmark run {run + 1} to measure a one-article edit."
    footnotes = FOOTNOTE_DEFINITION.search(text, body_start(text))
    if footnotes:  # after them it would continue the footnote instead of the article
        text = f"{text[:footnotes.start()]}{sentence}\n\n{text[footnotes.start():]}"
    else:
        text = f"{text.rstrip()}\n\n{sentence}\n"
    corpus_module.write_text(article, text)


def edit_title(article: Path, run: int) -> None:
    """Change the front matter title (which its neighbours' previous/next links and listings show)."""
    text = article.read_text(encoding="utf-8")
    match = TITLE_LINE.search(text, 0, body_start(text))
    if match is None:
        raise BenchFailure(f"{article}: no title line in the front matter")
    old_title = yaml.safe_load(match.group(1))
    new_title = f"{old_title} (revised in run {run + 1})"
    text = f"{text[:match.start()]}title: {corpus_module.yaml_string(new_title)}{text[match.end():]}"
    corpus_module.write_text(article, text)


def edit_template(templates: Path, run: int) -> Path | None:
    """Add an HTML comment to article.html (else the first template) where it reaches the output.

    In a template that extends another, text outside blocks is never rendered, so the comment goes
    just inside the first block; otherwise at the end. Returns the edited file, or None if there is none.
    """
    target = templates / "article.html"
    if not target.is_file():
        candidates = sorted(templates.rglob("*.html")) if templates.is_dir() else []
        if not candidates:
            return None
        target = candidates[0]
    text = target.read_text(encoding="utf-8")
    comment = f"<!-- edited by benchmark run {run + 1} -->"
    block = BLOCK_TAG.search(text) if EXTENDS_TAG.search(text) else None
    if block:
        text = f"{text[:block.end()]}{comment}{text[block.end():]}"
    else:
        text = f"{text.rstrip()}\n{comment}\n"
    corpus_module.write_text(target, text)
    return target


def bench_size(settings: Settings, size: int, code_root: Path) -> SizeResult:
    """All runs for one corpus size."""
    paths = Paths(CORPORA_DIR / str(size))
    articles = ensure_corpus(paths, size)
    result = SizeResult(size=size)

    def build(label: str, run: int, edit: Callable[[], object] | None = None, template: str = "") -> None:
        """Apply `edit`, build once, record time, memory and how many output files changed."""
        before = snapshot(paths.out)
        if edit is not None:
            edit()
        command = command_from_template(template or settings.build_cmd, settings.python, paths.site, paths.out)
        seconds, cpu_seconds, peak = run_measured(command, paths, label, settings.python, code_root)
        written = files_changed(before, snapshot(paths.out))
        result.samples[label].append(Sample(seconds, cpu_seconds, peak, written))
        result.commands_run += 1
        log(f"[{size} run {run + 1}/{settings.runs}] {label}: {seconds:.3f} s ({cpu_seconds:.2f} s CPU), "
            f"{peak:.1f} MiB, {written} files written")

    for run in range(settings.runs):
        prepare_site(paths, code_root)

        # The floor first, on the same files, so both see the same page cache and machine load.
        empty_folder(paths.floor_out)
        floor_command = [settings.python, "-m", "bench.floor", str(paths.site), str(paths.floor_out)]
        seconds, cpu_seconds, peak = run_measured(floor_command, paths, FLOOR, settings.python, code_root)
        result.samples[FLOOR].append(Sample(seconds, cpu_seconds, peak, len(snapshot(paths.floor_out))))
        result.commands_run += 1
        log(f"[{size} run {run + 1}/{settings.runs}] {FLOOR}: {seconds:.3f} s ({cpu_seconds:.2f} s CPU), {peak:.1f} MiB")

        shutil.rmtree(paths.cache, ignore_errors=True)
        empty_folder(paths.out)
        build(COLD, run)

        empty_folder(paths.out)  # the cache from the cold build stays
        build(WARM, run)

        build(NOOP, run)

        # A different article each run: a prime stride walks the whole corpus before repeating.
        body_article = paths.site / articles[(size // 3 + run * 7919) % size]
        build(BODY_EDIT, run, edit=lambda: edit_body(body_article, run))

        title_article = paths.site / articles[size // 2 + run % max(1, size // 4)]
        build(TITLE_EDIT, run, edit=lambda: edit_title(title_article, run))

        edited: list[Path | None] = []
        if (paths.site / "templates").is_dir() and any((paths.site / "templates").rglob("*.html")):
            build(TEMPLATE_EDIT, run, edit=lambda: edited.append(edit_template(paths.site / "templates", run)))
            result.template_edited = str(edited[0].relative_to(paths.site)) if edited and edited[0] else None
        else:
            log(f"[{size} run {run + 1}/{settings.runs}] {TEMPLATE_EDIT}: skipped, no templates/*.html yet")

        if settings.build_cmd_is_default:
            # Everything else is up to date: this build only (re)indexes the whole hub for search,
            # which Pagefind cannot update page by page.
            build(SEARCH_INDEX, run, template=SEARCH_CMD)
    return result


def summarise(values: list[float]) -> dict[str, float]:
    """Median, min and max."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def noop_writes(result: SizeResult) -> list[int]:
    """Files changed by each no-op rebuild (should all be 0)."""
    return [sample.files_written for sample in result.samples[NOOP]]


def markdown_report(settings: Settings, results: list[SizeResult], header: dict[str, str]) -> str:
    """The report: time table, memory table, invariants, and the context needed to read them."""
    lines = [f"# Haven benchmark, {header['timestamp']}", ""]
    lines += [f"- {key}: {value}" for key, value in header.items() if key != "timestamp"]
    lines += ["", "| measurement | size | median s | min s | max s | ratio to floor median | CPU s (median) "
              "| files written (median) |"]
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        floor_median = statistics.median(sample.seconds for sample in result.samples[FLOOR])
        for name in MEASUREMENTS:
            samples = result.samples[name]
            if not samples:
                lines.append(f"| {name} | {result.size:,} | n/a | | | | | |")
                continue
            stats = summarise([sample.seconds for sample in samples])
            cpu_median = statistics.median(sample.cpu_seconds for sample in samples)
            written_median = statistics.median(sample.files_written for sample in samples)
            lines.append(
                f"| {name} | {result.size:,} | {stats['median']:.3f} | {stats['min']:.3f} | {stats['max']:.3f} "
                f"| {stats['median'] / floor_median:.2f}× | {cpu_median:.2f} | {written_median:,.0f} |"
            )
    lines += ["", "| peak memory | size | median MiB | min MiB | max MiB | ratio to floor median |"]
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        floor_peak = statistics.median(sample.peak_mib for sample in result.samples[FLOOR])
        for name in (COLD, FLOOR):
            stats = summarise([sample.peak_mib for sample in result.samples[name]])
            lines.append(
                f"| {name} | {result.size:,} | {stats['median']:.1f} | {stats['min']:.1f} | {stats['max']:.1f} "
                f"| {stats['median'] / floor_peak:.2f}× |"
            )
    lines.append("")
    for result in results:
        writes = noop_writes(result)
        verdict = "ok" if not any(writes) else "FAILED: a no-op rebuild must not rewrite any file"
        lines.append(f"- {result.size:,} articles: writes on no-op: {max(writes)} (per run: {writes}) — {verdict}")
        lines.append(f"- {result.size:,} articles: build exit codes: 0 for all {result.commands_run} commands")
        if result.template_edited:
            lines.append(f"- {result.size:,} articles: template edited: {result.template_edited}")
    lines += [
        "",
        "Each figure is the wall time of a fresh process (interpreter start-up included), median of "
        f"{settings.runs} runs; CPU s is user + system time of the process and its children (less "
        "sensitive to other work on the machine); peak memory is the largest resident set of the process "
        "or any child.",
        REFERENCE_NOTE,
    ]
    return "\n".join(lines) + "\n"


def json_report(settings: Settings, results: list[SizeResult], header: dict[str, str]) -> dict:
    """Every sample, plus the summaries in the Markdown table, for tools that track figures over time."""
    sizes: dict[str, dict] = {}
    for result in results:
        floor_median = statistics.median(sample.seconds for sample in result.samples[FLOOR])
        floor_peak = statistics.median(sample.peak_mib for sample in result.samples[FLOOR])
        entry: dict[str, object] = {"noop_writes": noop_writes(result), "commands_run": result.commands_run}
        for name in MEASUREMENTS:
            samples = result.samples[name]
            if not samples:
                continue
            seconds = summarise([sample.seconds for sample in samples])
            peak = summarise([sample.peak_mib for sample in samples])
            entry[name] = {
                "seconds": [sample.seconds for sample in samples],
                "cpu_seconds": [sample.cpu_seconds for sample in samples],
                "peak_mib": [sample.peak_mib for sample in samples],
                "files_written": [sample.files_written for sample in samples],
                "seconds_summary": seconds,
                "peak_mib_summary": peak,
                "ratio_to_floor": seconds["median"] / floor_median,
                "peak_ratio_to_floor": peak["median"] / floor_peak,
            }
        sizes[str(result.size)] = entry
    return {**header, "runs": settings.runs, "sizes": sizes}


def git_commit() -> str:
    """The project's HEAD commit, marked "+changes" if the work tree differs from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def load_average() -> str:
    """1, 5 and 15-minute load averages: other work on the machine inflates every figure but the ratios less."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def log(message: str) -> None:
    """Progress goes to stderr so stdout is just the report."""
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    """Run the benchmark as the environment asks; 0 on success, 1 on a failed build or invariant."""
    try:
        settings = read_settings(dict(os.environ))
        started = dt.datetime.now(dt.timezone.utc)
        header = {
            "timestamp": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "commit": git_commit() + " (generator, bench, templates and static copied at start)",
            "build command": settings.build_cmd
            + ("" if settings.build_cmd_is_default else " (BENCH_BUILD_CMD stand-in, not Haven)"),
            "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
            "load average at start": load_average(),
        }
        if os.getloadavg()[0] > (os.cpu_count() or 1) * 0.5:
            log(f"warning: the machine is busy (load {load_average()}); absolute times will be inflated")
        code_root = snapshot_code()
        results: list[SizeResult] = []
        for size in settings.sizes:
            results.append(bench_size(settings, size, code_root))
            if not settings.keep:
                shutil.rmtree(CORPORA_DIR / str(size), ignore_errors=True)
        if not settings.keep:
            shutil.rmtree(code_root, ignore_errors=True)
    except BenchFailure as failure:
        log(f"\nBENCHMARK FAILED: {failure}")
        log(f"(working files kept under {CORPORA_DIR} for inspection)")
        return 1

    header["load average at end"] = load_average()
    report = markdown_report(settings, results, header)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = started.strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"{stem}.md").write_text(report, encoding="utf-8")
    (RESULTS_DIR / f"{stem}.json").write_text(
        json.dumps(json_report(settings, results, header), indent=1) + "\n", encoding="utf-8"
    )
    print(report)
    log(f"written to {RESULTS_DIR / stem}.md and .json")
    if any(any(noop_writes(result)) for result in results):
        log("BENCHMARK FAILED: a no-op rebuild rewrote output files (see 'writes on no-op' above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
