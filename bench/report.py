"""The benchmark's reports: a Markdown table for people and a JSON file with every sample for tools.

Both come from the same `SizeResult`s (bench/run.py); every figure is also shown as a ratio to the
floor's median measured in the same run.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any, Protocol

REFERENCE_NOTE = (
    "Issue 6 reference figures (same 2-core machine kind): floor 1.4 s at 1,000 articles and 12.8 s at "
    "10,000, 28 MiB; Hugo 0.58 s / 5.6 s; Pelican 4.8 s / 50.3 s."
)
SAMPLE_FIGURES = ("seconds", "cpu_seconds", "peak_mib", "tree_pss_mib", "tree_largest_rss_mib", "files_written",
                  "load_1min")


class Result(Protocol):
    """What the reports read of one size's results (bench.run.SizeResult)."""

    size: int
    samples: dict[str, list[Any]]
    commands_run: int
    template_edited: str | None
    skipped: dict[str, str]
    load_at_start: str
    load_at_end: str
    preview_startup_seconds: list[float]
    preview_warmup_seconds: list[float]


def summarise(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def ratio(value: float | None, floor: float | None) -> float | None:
    """value / floor, or None when either is missing or the floor is 0 (a figure that could not be sampled)."""
    return value / floor if value is not None and floor else None


def _times(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}×"


def noop_writes(result: Result, noop: str) -> list[int]:
    """Files changed by each no-op rebuild (should all be 0)."""
    return [sample.files_written for sample in result.samples[noop]]


def _median(samples: list[Any], figure: str) -> float | None:
    """The median of one figure over samples that have it (None when none has: the preview has no CPU time)."""
    values = [getattr(sample, figure) for sample in samples if getattr(sample, figure) is not None]
    return statistics.median(values) if values else None


def _shown(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def time_table(results: Sequence[Result], rows: Sequence[str], floor: str, absolute: Sequence[str] = ()) -> list[str]:
    """One line per row and size: wall time median/min/max, ratio to the floor, CPU, load, files written.

    Rows in `absolute` get no ratio: their goal is a time, not a multiple of the floor (the preview)."""
    lines = ["| measurement | size | n | median s | min s | max s | ratio to floor median | CPU s (median) "
             "| load (median) | files written (median) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for result in results:
        floor_median = _median(result.samples[floor], "seconds")
        for name in rows:
            samples = result.samples[name]
            if not samples:
                why = result.skipped.get(name, "not measured")
                lines.append(f"| {name} | {result.size:,} | 0 | n/a ({why}) | | | | | | |")
                continue
            stats = summarise([sample.seconds for sample in samples])
            lines.append(
                f"| {name} | {result.size:,} | {len(samples)} | {stats['median']:.3f} | {stats['min']:.3f} "
                f"| {stats['max']:.3f} | {'' if name in absolute else _times(ratio(stats['median'], floor_median))} "
                f"| {_shown(_median(samples, 'cpu_seconds'), '.2f')} | {_shown(_median(samples, 'load_1min'), '.2f')} "
                f"| {_shown(_median(samples, 'files_written'), ',.0f')} |"
            )
    return lines


def memory_table(results: Sequence[Result], rows: Sequence[str], floor: str) -> list[str]:
    """Peak memory of the rows that matter for it: the whole tree's PSS and the largest process."""
    lines = ["| peak memory | size | whole tree PSS MiB: median (min-max) | ratio to floor "
             "| largest process MiB: median (min-max) | ratio to floor |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for result in results:
        floor_samples = result.samples[floor]
        floor_pss, floor_rss = _median(floor_samples, "tree_pss_mib"), _median(floor_samples, "peak_mib")
        for name in rows:
            samples = result.samples[name]
            if not samples:
                lines.append(f"| {name} | {result.size:,} | n/a | | n/a | |")
                continue
            pss = summarise([sample.tree_pss_mib for sample in samples])
            rss = summarise([sample.peak_mib for sample in samples])
            lines.append(
                f"| {name} | {result.size:,} | {pss['median']:.1f} ({pss['min']:.1f}-{pss['max']:.1f}) "
                f"| {_times(ratio(pss['median'], floor_pss))} "
                f"| {rss['median']:.1f} ({rss['min']:.1f}-{rss['max']:.1f}) "
                f"| {_times(ratio(rss['median'], floor_rss))} |"
            )
    return lines


def markdown_report(results: Sequence[Result], header: dict[str, str], rows: Sequence[str],
                    memory_rows: Sequence[str], names: dict[str, str], runs: int, saves: int,
                    absolute: Sequence[str] = ()) -> str:
    """The report: time table, memory table, invariants, and what is needed to read them.

    `names` gives the row names the report refers to by role: "floor", "noop", "preview".
    """
    floor, noop, preview = names["floor"], names["noop"], names["preview"]
    lines = [f"# Haven benchmark, {header['timestamp']}", ""]
    lines += [f"- {key}: {value}" for key, value in header.items() if key != "timestamp"]
    lines += ["", *time_table(results, rows, floor, absolute), "", *memory_table(results, memory_rows, floor), ""]
    for result in results:
        writes = noop_writes(result, noop)
        verdict = "ok" if not any(writes) else "FAILED: a no-op rebuild must not rewrite any file"
        lines.append(f"- {result.size:,} articles: writes on no-op: {max(writes, default=0)} (per run: {writes}) "
                     f"- {verdict}")
        lines.append(f"- {result.size:,} articles: exit codes: 0 for all {result.commands_run} commands; "
                     f"load average {result.load_at_start} at the start, {result.load_at_end} at the end")
        if result.template_edited:
            lines.append(f"- {result.size:,} articles: template edited: {result.template_edited}")
        if result.preview_startup_seconds:
            lines.append(f"- {result.size:,} articles: preview server ready (first build) after "
                         f"{statistics.median(result.preview_startup_seconds):.1f} s (median); warm-up save -> "
                         f"reload {statistics.median(result.preview_warmup_seconds) * 1000:.0f} ms (median, not "
                         "counted)")
    lines += [
        "",
        f"Each figure is the wall time of a fresh process (interpreter start-up included), median of {runs} runs; "
        f"the preview row is the median of {saves} saves per run, from the file write to the `{preview}` "
        "event's arrival. CPU s is user + system time of the process and its children (less sensitive to "
        "other work on the machine); load is the 1-minute load average when the command started. Whole tree "
        "PSS is the proportional set size summed over the process and all its descendants, sampled every "
        "50 ms (a lower bound on the true peak); it can be below the largest process's figure, because the "
        "pages of shared libraries are shared with every other process on the machine that maps them. "
        "Largest process is the exact peak resident set of the largest single process (for the preview "
        "row: sampled over the whole session).",
        REFERENCE_NOTE,
    ]
    return "\n".join(lines) + "\n"


def _row_json(samples: list[Any], floor_samples: list[Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"n": len(samples)}
    for figure in SAMPLE_FIGURES:
        entry[figure] = [getattr(sample, figure) for sample in samples]
    for figure in ("seconds", "cpu_seconds", "peak_mib", "tree_pss_mib", "tree_largest_rss_mib"):
        values = [value for value in entry[figure] if value is not None]
        summary = summarise(values) if values else None
        entry[f"{figure}_summary"] = summary
        entry[f"{figure}_ratio_to_floor"] = ratio(summary and summary["median"], _median(floor_samples, figure))
    # the names earlier result files used
    entry["ratio_to_floor"] = entry["seconds_ratio_to_floor"]
    entry["peak_ratio_to_floor"] = entry["peak_mib_ratio_to_floor"]
    return entry


def json_report(results: Sequence[Result], header: dict[str, str], rows: Sequence[str], names: dict[str, str],
                runs: int, saves: int) -> dict[str, Any]:
    """Every sample and every summary in the Markdown report, for tools that track figures over time."""
    sizes: dict[str, dict[str, Any]] = {}
    for result in results:
        floor_samples = result.samples[names["floor"]]
        entry: dict[str, Any] = {
            "articles": result.size,
            "noop_writes": noop_writes(result, names["noop"]),
            "commands_run": result.commands_run,
            "template_edited": result.template_edited,
            "load_average_at_start": result.load_at_start,
            "load_average_at_end": result.load_at_end,
            "preview_startup_seconds": result.preview_startup_seconds,
            "preview_warmup_seconds": result.preview_warmup_seconds,
        }
        for name in rows:
            samples = result.samples[name]
            entry[name] = (_row_json(samples, floor_samples) if samples
                           else {"n": 0, "skipped": result.skipped.get(name, "not measured")})
        sizes[str(result.size)] = entry
    return {**header, "runs": runs, "saves_per_run": saves, "measurements": list(rows),
            "sample_figures": list(SAMPLE_FIGURES), "sizes": sizes}

