"""`make bench`: Haven's build times and memory against the floor, measured in the same run on the same machine.

It first copies generator/, bench/, templates/ and static/ to <work>/_code/ and runs everything from
that copy, so edits made to the project while it runs cannot mix versions. For each corpus size it
generates a deterministic corpus once (<work>/<n>/pristine, regenerated when bench/corpus.py changes),
then, for each of BENCH_RUNS runs, on a fresh copy of that corpus with the default theme's templates/
and static/ copied in as the hub's own, runs the real CLI in a fresh process for each row, in this order:

  floor                              read + YAML C loader + one reused Markdown + one trivial template +
                                     write, 2 processes (bench/floor.py)
  cold build, no search index        no cache, empty output folder, --no-search-index
  warm cache, empty output           cache kept from the cold build, output folder emptied
  no-op rebuild                      nothing changed (no output file may be rewritten: "writes on no-op")
  one-article body edit, CLI         one sentence added to one article's body (a different one each run)
  one-article title edit, CLI        the title of one article in the middle of the previous/next chain
  template edit                      an HTML comment added to templates/article.html
  search index added to a built hub  the same hub built with the search index: only the index is new
  search re-index after one edit     one more article's body edited, built with the search index
  cold build with the search index   no cache, empty output folder, search index included
  preview: save -> reload event      `haven serve --port 0` on the built hub; a sentence saved into an
                                     article's body, timed from the file write to the `reload` event on
                                     the live-reload stream (as the browser receives it); BENCH_SAVES
                                     counted saves per run after one warm-up save (bench/preview.py)

Every row reports the median, min and max wall time and its ratio to the floor's median, CPU seconds
(the process and its children) and the load average when it started. Memory, for the floor, both cold
builds and the preview session: the whole process tree's PSS (sampled from /proc/<pid>/smaps_rollup,
bench/memory.py) and the largest single process (exact, getrusage). A build that exits non-zero stops
the benchmark with its stderr; it never becomes a time.

Environment:
  BENCH_SIZES      corpus sizes, comma-separated (default "1000,10000")
  BENCH_RUNS       runs per size (default 5)
  BENCH_SAVES      counted preview saves per run (default 5; one warm-up save comes first)
  BENCH_KEEP       "1" keeps the corpora afterwards (and reuses them next time while corpus.py is unchanged)
  BENCH_WORK       folder for corpora and the code copy (default bench/corpora)
  BENCH_RESULTS    folder for the result files (default bench/results)
  BENCH_BUILD_CMD  testing aid: replaces every build command; {python}, {site} and {out} are substituted,
                   e.g. BENCH_BUILD_CMD="{python} -m bench.floor {site} {out}" exercises the harness
                   without the generator (the preview row is then skipped: it needs Haven's server).
                   Default: "{python} -m generator build --site {site} --out {out} --no-search-index".

Results: a Markdown report on stdout, and <results>/<timestamp>.md and .json (every sample, every
summary, the ratios, the load averages and the commit).
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
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench import corpus as corpus_module
from bench import preview as preview_module
from bench.report import json_report, markdown_report, noop_writes

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR_NAME = ".haven-cache"
# The build rows are measured without the search index, like the generators in the table (none
# of which indexes search); the search rows add it.
DEFAULT_BUILD_CMD = "{python} -m generator build --site {site} --out {out} --no-search-index"
SEARCH_CMD = "{python} -m generator build --site {site} --out {out}"
SERVE_CMD = "{python} -m generator serve --site {site} --out {out} --port 0"
CORPUS_SEED = 0
STDERR_TAIL_LINES = 40

FLOOR = "floor"
COLD = "cold build, no search index"
WARM = "warm cache, empty output"
NOOP = "no-op rebuild"
BODY_EDIT = "one-article body edit, CLI"
TITLE_EDIT = "one-article title edit, CLI"
TEMPLATE_EDIT = "template edit"
SEARCH_INDEX = "search index added to a built hub"
SEARCH_REINDEX = "search re-index after one edit"
COLD_SEARCH = "cold build with the search index"
PREVIEW = "preview: save -> reload event"
MEASUREMENTS: tuple[str, ...] = (FLOOR, COLD, WARM, NOOP, BODY_EDIT, TITLE_EDIT, TEMPLATE_EDIT, SEARCH_INDEX,
                                 SEARCH_REINDEX, COLD_SEARCH, PREVIEW)
# The rows whose memory the report shows (every row's is in the JSON).
MEMORY_ROWS: tuple[str, ...] = (FLOOR, COLD, COLD_SEARCH, PREVIEW)


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
    saves: int = 5
    work: Path = REPO_ROOT / "bench" / "corpora"
    results: Path = REPO_ROOT / "bench" / "results"

    @property
    def build_cmd_is_default(self) -> bool:
        """True when the real generator is being measured (not a BENCH_BUILD_CMD stand-in)."""
        return self.build_cmd == DEFAULT_BUILD_CMD

    @property
    def search_cmd(self) -> str:
        """The build command with the search index (the stand-in itself when one is given)."""
        return SEARCH_CMD if self.build_cmd_is_default else self.build_cmd


@dataclass(frozen=True)
class Sample:
    """One timed command: wall and CPU seconds, memory, output files it changed, and the load when it began.

    peak_mib is the largest resident set of any one process (exact); tree_pss_mib the whole process
    tree's PSS and tree_largest_rss_mib its largest process's RSS, both sampled (bench/memory.py).
    """

    seconds: float
    cpu_seconds: float | None   # None for a preview save (the server's CPU time is not per save)
    peak_mib: float
    files_written: int | None   # None for a preview save
    tree_pss_mib: float = 0.0
    tree_largest_rss_mib: float = 0.0
    load_1min: float = 0.0


@dataclass
class SizeResult:
    """All samples for one corpus size, by measurement name."""

    size: int
    samples: dict[str, list[Sample]] = field(default_factory=lambda: {name: [] for name in MEASUREMENTS})
    commands_run: int = 0
    template_edited: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)   # measurement -> why it was not measured
    load_at_start: str = ""
    load_at_end: str = ""
    preview_startup_seconds: list[float] = field(default_factory=list)
    preview_warmup_seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Paths:
    """The folders one corpus size works in, all under <work>/<n>/ (git-ignored by default)."""

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
        saves = int(environ.get("BENCH_SAVES", "5"))
    except ValueError as error:
        raise BenchFailure("BENCH_SIZES must be comma-separated integers, BENCH_RUNS and BENCH_SAVES integers: "
                           f"{error}") from None
    if not sizes or min(sizes) < 3 or runs < 1 or saves < 1:
        raise BenchFailure("BENCH_SIZES needs sizes of at least 3 articles, BENCH_RUNS and BENCH_SAVES at least 1")
    defaults = Settings(sizes, runs, False, DEFAULT_BUILD_CMD, sys.executable)
    return Settings(
        sizes=sizes,
        runs=runs,
        keep=environ.get("BENCH_KEEP", "") not in ("", "0", "false", "no"),
        build_cmd=environ.get("BENCH_BUILD_CMD") or DEFAULT_BUILD_CMD,
        python=sys.executable,
        saves=saves,
        work=Path(environ["BENCH_WORK"]).resolve() if environ.get("BENCH_WORK") else defaults.work,
        results=Path(environ["BENCH_RESULTS"]).resolve() if environ.get("BENCH_RESULTS") else defaults.results,
    )


def command_from_template(template: str, python: str, site: Path, out: Path) -> list[str]:
    """Split a command template like a shell would, then fill {python}, {site} and {out} per argument."""
    values = {"python": python, "site": str(site), "out": str(out)}
    return [part.format(**values) for part in shlex.split(template)]


def snapshot_code(work: Path) -> Path:
    """Copy generator/, bench/, templates/ and static/ as they are now; every command runs from the copy.

    Others edit the project while a benchmark runs: a build would then measure a mix of versions, and
    Haven's caches, keyed by a fingerprint of its own code, would turn a no-op rebuild into a cold one.
    Running from a copy (its folder first on sys.path, ahead of the editable install) measures one version.
    """
    root = work / "_code"
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


def run_measured(command: list[str], paths: Paths, label: str, python: str, code_root: Path) -> dict[str, float]:
    """Run `command` under a fresh measure wrapper; its figures (bench/measure.py), or BenchFailure."""
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
            f"--- last {STDERR_TAIL_LINES} lines of stderr ({stderr_path}) ---\n"
            f"{tail(stderr_path, STDERR_TAIL_LINES)}\n"
            f"--- last 10 lines of stdout ---\n{tail(stdout_path, 10)}"
        )
    return result


def sample_of(figures: dict[str, float], files_written: int) -> Sample:
    """A Sample from the measure wrapper's figures."""
    return Sample(float(figures["seconds"]), float(figures["cpu_seconds"]), float(figures["peak_mib"]), files_written,
                  float(figures.get("tree_pss_mib", 0.0)), float(figures.get("tree_largest_rss_mib", 0.0)),
                  float(figures.get("load_1min", 0.0)))


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
    add_sentence(article, f"This sentence was added by benchmark run {run + 1} to measure a one-article edit.")


def add_sentence(article: Path, sentence: str) -> None:
    """Add `sentence` as the body's last paragraph (before the footnote definitions, which would absorb it)."""
    text = article.read_text(encoding="utf-8")
    footnotes = FOOTNOTE_DEFINITION.search(text, body_start(text))
    if footnotes:
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


class SizeBench:
    """The runs for one corpus size: each row measured in a fresh process, in the order the module doc gives."""

    def __init__(self, settings: Settings, size: int, code_root: Path):
        self.settings, self.size, self.code_root = settings, size, code_root
        self.paths = Paths(settings.work / str(size))
        self.result = SizeResult(size=size, load_at_start=load_average())
        self.articles: list[str] = []

    def run_all(self) -> SizeResult:
        """Generate (or reuse) the corpus, then every run; the load average is noted before and after."""
        self.articles = ensure_corpus(self.paths, self.size)
        for run in range(self.settings.runs):
            self.one_run(run)
        self.result.load_at_end = load_average()
        return self.result

    def article(self, run: int, stride: int, offset: int) -> Path:
        """A different article for each run and purpose: a prime stride walks the corpus before repeating."""
        return self.paths.site / self.articles[(offset + run * stride) % self.size]

    def one_run(self, run: int) -> None:
        """One run of every row on a fresh copy of the corpus."""
        paths, settings = self.paths, self.settings
        prepare_site(paths, self.code_root)

        # The floor first, on the same files, so both see the same page cache and machine load.
        empty_folder(paths.floor_out)
        figures = run_measured([settings.python, "-m", "bench.floor", str(paths.site), str(paths.floor_out)],
                               paths, FLOOR, settings.python, self.code_root)
        self.record(FLOOR, run, sample_of(figures, len(snapshot(paths.floor_out))))

        shutil.rmtree(paths.cache, ignore_errors=True)
        empty_folder(paths.out)
        self.build(COLD, run)
        empty_folder(paths.out)  # the cache from the cold build stays
        self.build(WARM, run)
        self.build(NOOP, run)
        body_article = self.article(run, 7919, self.size // 3)
        self.build(BODY_EDIT, run, edit=lambda: edit_body(body_article, run))
        title_article = paths.site / self.articles[self.size // 2 + run % max(1, self.size // 4)]
        self.build(TITLE_EDIT, run, edit=lambda: edit_title(title_article, run))
        self.template_edit(run)

        # Everything else is up to date: this build only adds the search index (Pagefind, whole hub).
        self.build(SEARCH_INDEX, run, template=settings.search_cmd)
        reindexed = self.article(run, 7907, self.size // 5)
        self.build(SEARCH_REINDEX, run, edit=lambda: edit_body(reindexed, run), template=settings.search_cmd)

        shutil.rmtree(paths.cache, ignore_errors=True)
        empty_folder(paths.out)
        self.build(COLD_SEARCH, run, template=settings.search_cmd)

        if settings.build_cmd_is_default:
            self.preview(run)
        else:
            self.result.skipped[PREVIEW] = "needs Haven's preview server (not measured with a BENCH_BUILD_CMD stand-in)"

    def template_edit(self, run: int) -> None:
        """The template-edit row, when the hub has templates (a stand-in corpus may not)."""
        templates = self.paths.site / "templates"
        if not (templates.is_dir() and any(templates.rglob("*.html"))):
            self.result.skipped[TEMPLATE_EDIT] = "no templates/*.html in the hub"
            return
        edited: list[Path | None] = []
        self.build(TEMPLATE_EDIT, run, edit=lambda: edited.append(edit_template(templates, run)))
        self.result.template_edited = str(edited[0].relative_to(self.paths.site)) if edited and edited[0] else None

    def build(self, label: str, run: int, edit: Callable[[], object] | None = None, template: str = "") -> None:
        """Apply `edit`, build once, record time, memory and how many output files changed."""
        paths = self.paths
        before = snapshot(paths.out)
        if edit is not None:
            edit()
        command = command_from_template(template or self.settings.build_cmd, self.settings.python, paths.site,
                                        paths.out)
        figures = run_measured(command, paths, label, self.settings.python, self.code_root)
        self.record(label, run, sample_of(figures, files_changed(before, snapshot(paths.out))))

    def preview(self, run: int) -> None:
        """The preview row: one serve session, one warm-up save and BENCH_SAVES counted ones."""
        paths, settings = self.paths, self.settings
        command = command_from_template(SERVE_CMD, settings.python, paths.site, paths.out)
        saves = []
        for number in range(settings.saves + 1):
            article = self.article(run * (settings.saves + 1) + number, 7901, self.size // 7)
            saves.append((article, f"articles/{article.stem}/"))
        load = os.getloadavg()[0]
        try:
            session = preview_module.measure_preview(command, self.code_root, paths.logs, saves, add_sentence)
        except preview_module.PreviewFailure as failure:
            raise BenchFailure(f"{PREVIEW}: {failure}") from None
        self.result.preview_startup_seconds.append(session.startup_seconds)
        self.result.preview_warmup_seconds.append(session.warmup_latency)
        for latency in session.latencies:
            # The session's memory goes with each of its saves, so every row's samples have the same shape.
            self.result.samples[PREVIEW].append(Sample(latency, None, session.tree_largest_rss_mib, None,
                                                       session.tree_pss_mib, session.tree_largest_rss_mib, load))
        self.result.commands_run += 1
        log(f"[{self.size} run {run + 1}/{settings.runs}] {PREVIEW}: "
            + ", ".join(f"{latency * 1000:.0f} ms" for latency in session.latencies)
            + f" (warm-up {session.warmup_latency * 1000:.0f} ms, server ready after {session.startup_seconds:.1f} s, "
            f"tree PSS {session.tree_pss_mib:.1f} MiB)")

    def record(self, label: str, run: int, sample: Sample) -> None:
        """Keep one sample and say it on stderr."""
        self.result.samples[label].append(sample)
        self.result.commands_run += 1
        log(f"[{self.size} run {run + 1}/{self.settings.runs}] {label}: {sample.seconds:.3f} s "
            f"({sample.cpu_seconds:.2f} s CPU), tree PSS {sample.tree_pss_mib:.1f} MiB, largest process "
            f"{sample.peak_mib:.1f} MiB, {sample.files_written} files written")


def bench_size(settings: Settings, size: int, code_root: Path) -> SizeResult:
    """All runs for one corpus size."""
    return SizeBench(settings, size, code_root).run_all()


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
    except BenchFailure as failure:
        log(f"BENCHMARK FAILED: {failure}")
        return 1
    started = dt.datetime.now(dt.UTC)
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
    try:
        code_root = snapshot_code(settings.work)
        results: list[SizeResult] = []
        for size in settings.sizes:
            results.append(bench_size(settings, size, code_root))
            if not settings.keep:
                shutil.rmtree(settings.work / str(size), ignore_errors=True)
        if not settings.keep:
            shutil.rmtree(code_root, ignore_errors=True)
    except BenchFailure as failure:
        log(f"\nBENCHMARK FAILED: {failure}")
        log(f"(working files kept under {settings.work} for inspection)")
        return 1

    header["load average at end"] = load_average()
    names = {"floor": FLOOR, "noop": NOOP, "preview": "reload"}
    report = markdown_report(results, header, MEASUREMENTS, MEMORY_ROWS, names, settings.runs, settings.saves,
                             absolute=(PREVIEW,))
    settings.results.mkdir(parents=True, exist_ok=True)
    stem = started.strftime("%Y%m%dT%H%M%SZ")
    (settings.results / f"{stem}.md").write_text(report, encoding="utf-8")
    document = json_report(results, header, MEASUREMENTS, names, settings.runs, settings.saves)
    (settings.results / f"{stem}.json").write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(report)
    log(f"written to {settings.results / stem}.md and .json")
    if any(any(noop_writes(result, NOOP)) for result in results):
        log("BENCHMARK FAILED: a no-op rebuild rewrote output files (see 'writes on no-op' above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
