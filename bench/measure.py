"""Run one command and record its wall time, CPU time, exit status and peak memory.

    python -m bench.measure RESULT_JSON STDOUT_FILE STDERR_FILE -- COMMAND...

Peak memory, two ways:
- `getrusage(RUSAGE_CHILDREN).ru_maxrss`: the largest resident set of any waited-for descendant (the
  build and its worker processes), exact. The kernel keeps that maximum for the life of the waiting
  process, so each measurement needs a fresh wrapper process: that is why this is a separate, tiny
  program rather than a function in the harness.
- the whole tree's PSS (bench/memory.py), sampled on a thread while the command runs: what the build and
  all its workers and indexers hold together, shared pages counted once.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.memory import TreeSampler


def measure(command: Sequence[str], stdout_path: Path, stderr_path: Path) -> dict[str, float | int]:
    """Run `command` to completion with its output in files; return seconds, exit code, peak MiB, CPU s."""
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        # Files rather than pipes: nothing in this process has to read while the build runs.
        load = os.getloadavg()[0]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(process.pid).start()
        try:
            returncode = process.wait()
        finally:
            sampler.stop()
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "returncode": returncode,
        "peak_mib": usage.ru_maxrss / 1024,  # ru_maxrss is KiB on Linux
        # CPU time of the build and its workers: on a shared machine it moves far less than wall time.
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "tree_pss_mib": sampler.peak_pss_kib / 1024,
        "tree_largest_rss_mib": sampler.peak_largest_rss_kib / 1024,
        "tree_processes": sampler.peak_processes,
        "memory_samples": sampler.samples,
        "load_1min": load,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: measure the command after `--` and write the figures as JSON to RESULT_JSON."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 5 or args[3] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    result_path, stdout_path, stderr_path, command = Path(args[0]), Path(args[1]), Path(args[2]), args[4:]
    result = measure(command, stdout_path, stderr_path)
    result_path.write_text(json.dumps(result) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
