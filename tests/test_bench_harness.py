"""`make bench`'s harness: every row of issue 14's table is measured and lands in the result files,
a failing build stops it with its stderr, and the memory sampler sees a whole process tree.

No test here depends on how fast anything is: they check which rows were measured, the shape of the
result file and the memory a test process is known to hold.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:   # `bench` is not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from bench import memory, run  # noqa: E402

MIB = 1024 * 1024

# A stand-in build: one file per article, rewritten only when its text changed (so a no-op writes nothing).
STAND_IN = textwrap.dedent("""
    import sys
    from pathlib import Path
    site, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for article in sorted((site / "articles").glob("*.md")):
        target = out / (article.stem + ".html")
        text = article.read_text(encoding="utf-8")
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
""")

# Holds `size` MiB (touched, so resident), then starts a child holding `child` MiB; says "ready" when both
# hold it, and holds it until the file `release` exists.
HOLDER = textwrap.dedent("""
    import os, subprocess, sys, time
    size, child, release = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    held = bytearray(size * 1024 * 1024)
    for i in range(0, len(held), 4096):
        held[i] = 1
    if child:
        kid = subprocess.Popen([sys.executable, __file__, str(child), "0", release], stdout=subprocess.PIPE, text=True)
        assert kid.stdout.readline().strip() == "ready"
    print("ready", flush=True)
    while not os.path.exists(release):
        time.sleep(0.02)
    if child:
        kid.wait()
""")


def run_harness(tmp_path: Path, **environ: str) -> tuple[subprocess.CompletedProcess, dict | None, str]:
    """Run `python -m bench.run` with its files under tmp_path; (process, result JSON or None, Markdown)."""
    env = {**os.environ, "BENCH_WORK": str(tmp_path / "work"), "BENCH_RESULTS": str(tmp_path / "results"), **environ}
    completed = subprocess.run([sys.executable, "-m", "bench.run"], cwd=REPO_ROOT, env=env, capture_output=True,
                               text=True, timeout=900)
    found = sorted((tmp_path / "results").glob("*.json")) if (tmp_path / "results").is_dir() else []
    data = json.loads(found[-1].read_text(encoding="utf-8")) if found else None
    markdown = found[-1].with_suffix(".md").read_text(encoding="utf-8") if found else ""
    return completed, data, markdown


def test_the_sampler_sums_pss_over_the_whole_tree(tmp_path: Path) -> None:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    release = tmp_path / "release"
    parent = subprocess.Popen([sys.executable, str(script), "80", "60", str(release)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        pids = memory.tree_pids(parent.pid)
        assert pids[0] == parent.pid and len(pids) == 2          # the parent and its child, nothing else
        sampler = memory.TreeSampler(parent.pid)
        sampler.take()
    finally:
        release.touch()
        parent.wait(30)
    # The two hold 80 + 60 MiB of their own; PSS counts each fully, the largest process only the 80.
    assert sampler.peak_processes == 2
    assert sampler.peak_pss_kib >= 140 * 1024
    assert 80 * 1024 <= sampler.peak_largest_rss_kib < sampler.peak_pss_kib


def test_the_measure_wrapper_records_the_tree_and_the_largest_process(tmp_path: Path) -> None:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    result, out, release = tmp_path / "result.json", tmp_path / "out", tmp_path / "release"
    wrapper = subprocess.Popen([sys.executable, "-m", "bench.measure", str(result), str(out), str(tmp_path / "err"),
                                "--", sys.executable, str(script), "70", "50", str(release)],
                               cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120   # bounds a failure only: the holder says when it holds its memory
        while "ready" not in (out.read_text() if out.is_file() else "") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        release.touch()
        _, stderr = wrapper.communicate(timeout=120)
    assert wrapper.returncode == 0, stderr
    figures = json.loads(result.read_text(encoding="utf-8"))
    assert figures["returncode"] == 0
    assert figures["peak_mib"] >= 70                     # exact: the largest process
    # The sampler's first sample is taken as the command starts (how the tree's PSS is summed is the test above).
    assert figures["memory_samples"] >= 1 and figures["tree_pss_mib"] > 0 and figures["tree_processes"] >= 1


@pytest.mark.slow
def test_every_row_lands_in_both_result_files(tmp_path: Path) -> None:
    stand_in = tmp_path / "stand_in.py"
    stand_in.write_text(STAND_IN, encoding="utf-8")
    completed, data, markdown = run_harness(tmp_path, BENCH_SIZES="6,8", BENCH_RUNS="2",
                                            BENCH_BUILD_CMD=f"{{python}} {stand_in} {{site}} {{out}}")
    assert completed.returncode == 0, completed.stderr
    assert data is not None
    assert data["measurements"] == list(run.MEASUREMENTS)
    assert data["runs"] == 2 and "commit" in data and data["load average at start"] and data["load average at end"]
    assert set(data["sizes"]) == {"6", "8"}
    for size, entry in data["sizes"].items():
        assert entry["articles"] == int(size) and entry["noop_writes"] == [0, 0]
        assert entry["load_average_at_start"] and entry["load_average_at_end"]
        for name in run.MEASUREMENTS:
            row = entry[name]
            if name == run.PREVIEW:   # needs Haven's server: skipped with a reason, never a made-up figure
                assert row["n"] == 0 and "stand-in" in row["skipped"]
                continue
            assert row["n"] == 2 and len(row["seconds"]) == 2 and len(row["load_1min"]) == 2
            assert row["seconds_summary"]["min"] <= row["seconds_summary"]["median"] <= row["seconds_summary"]["max"]
            assert row["seconds_ratio_to_floor"] > 0 and row["tree_pss_mib_summary"]["median"] > 0
        assert entry[run.BODY_EDIT]["files_written"] == [1, 1]      # the stand-in rewrites the edited article
        assert entry[run.COLD]["files_written"] == [int(size)] * 2
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    for name in run.MEASUREMENTS:
        assert sum(line.startswith(f"| {name} | 6 |") for line in rows) >= 1, name
    assert "| preview: save -> reload event | 6 | 0 | n/a (" in markdown


def test_a_failing_build_stops_the_benchmark_with_its_stderr(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import sys\nsys.stderr.write('articles/x.md:3:1: error: the build broke here\\n')\n"
                      "sys.exit(3)\n", encoding="utf-8")
    completed, data, _ = run_harness(tmp_path, BENCH_SIZES="5", BENCH_RUNS="1",
                                     BENCH_BUILD_CMD=f"{{python}} {broken} {{site}} {{out}}")
    assert completed.returncode == 1
    assert "BENCHMARK FAILED" in completed.stderr and "exit code 3" in completed.stderr
    assert "the build broke here" in completed.stderr
    assert data is None                                  # no result file made of a failed build


@pytest.mark.parametrize("environ", [{"BENCH_SAVES": "0"}, {"BENCH_RUNS": "two"}, {"BENCH_SIZES": "2"}])
def test_bad_settings_are_refused(environ: dict[str, str]) -> None:
    with pytest.raises(run.BenchFailure):
        run.read_settings(environ)


@pytest.mark.slow
def test_the_real_generator_fills_every_row_including_the_preview(tmp_path: Path) -> None:
    completed, data, markdown = run_harness(tmp_path, BENCH_SIZES="8", BENCH_RUNS="1", BENCH_SAVES="2")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert data is not None
    entry = data["sizes"]["8"]
    for name in run.MEASUREMENTS:
        assert entry[name]["n"] >= 1, name
    assert entry["noop_writes"] == [0]
    preview = entry[run.PREVIEW]
    assert preview["n"] == 2 and all(seconds > 0 for seconds in preview["seconds"])
    assert preview["tree_pss_mib_summary"]["median"] > 0 and entry["preview_startup_seconds"][0] > 0
    # The search rows really built the index: the cold build with it writes more files than without.
    assert entry[run.COLD_SEARCH]["files_written"][0] > entry[run.COLD]["files_written"][0]
    assert entry[run.SEARCH_INDEX]["files_written"][0] > 0
    assert "reload event" in markdown and "whole tree PSS" in markdown


def test_a_preview_server_that_fails_to_start_stops_the_benchmark_with_its_stderr(tmp_path: Path) -> None:
    from bench import preview

    command = [sys.executable, "-c", "import sys; sys.stderr.write('haven: error: port 8000 is taken\\n'); "
               "sys.exit(2)"]
    with pytest.raises(preview.PreviewFailure) as failure:
        preview.measure_preview(command, tmp_path, tmp_path / "logs", [(tmp_path / "a.md", "articles/a/")],
                                run.add_sentence)
    assert "exited with status 2" in str(failure.value) and "port 8000 is taken" in str(failure.value)
