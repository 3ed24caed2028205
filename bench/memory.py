"""Memory of a whole process tree, sampled while it runs: PSS summed over the tree, and the largest process.

`getrusage(...).ru_maxrss` (what bench.measure always records) is the largest resident set of any one
process. A build that forks workers shares most of its pages with them, so adding their resident sets
counts shared pages several times, and the largest one alone misses the workers. PSS (proportional set
size, from /proc/<pid>/smaps_rollup) charges each shared page to its sharers in equal parts, so PSS summed
over the tree is what the whole build holds in memory. It is sampled: a spike shorter than the interval
can be missed, so the figure is a lower bound on the true peak (the interval is 50 ms, longer for a tree
so large that reading it takes more than a tenth of that; a build's memory grows and shrinks over seconds).

Linux only (it reads /proc); elsewhere `TreeSampler.available` is False and the figures stay 0.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
INTERVAL = 0.05  # seconds between samples


@dataclass(frozen=True)
class TreeMemory:
    """One sample: PSS summed over the tree and the largest process's RSS and PSS, in KiB."""

    pss_kib: int
    largest_rss_kib: int
    processes: int


def _children_of(pid: int) -> list[int] | None:
    """Direct children from /proc/<pid>/task/*/children, or None where the kernel does not offer that file."""
    try:
        tasks = os.listdir(PROC / str(pid) / "task")
    except OSError:
        return []
    children: list[int] = []
    for tid in tasks:
        try:
            text = (PROC / str(pid) / "task" / tid / "children").read_text()
        except FileNotFoundError:
            return None
        except OSError:
            continue
        children.extend(int(part) for part in text.split())
    return children


def _parent_map() -> dict[int, list[int]]:
    """Every process's children, from each /proc/<pid>/stat (the fallback when `children` is missing)."""
    parents: dict[int, list[int]] = {}
    for name in os.listdir(PROC):
        if not name.isdigit():
            continue
        try:
            stat = (PROC / name / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        # "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ")"
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            parents.setdefault(int(fields[1]), []).append(int(name))
    return parents


def tree_pids(root: int) -> list[int]:
    """`root` and all its descendants that are alive now (root first)."""
    found = [root]
    parents: dict[int, list[int]] | None = None
    index = 0
    while index < len(found):
        pid = found[index]
        index += 1
        children = _children_of(pid) if parents is None else None
        if children is None:
            parents = parents if parents is not None else _parent_map()
            children = parents.get(pid, [])
        found.extend(child for child in children if child not in found)
    return found


def process_memory(pid: int) -> tuple[int, int] | None:
    """(RSS KiB, PSS KiB) of one process from smaps_rollup; None if it ended or cannot be read."""
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    rss = pss = None
    for line in text.splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    if rss is None or pss is None:
        return None
    return rss, pss


def sample_tree(root: int) -> TreeMemory:
    """One sample of the tree under `root` (processes that end while it is read are left out)."""
    total = largest = count = 0
    for pid in tree_pids(root):
        memory = process_memory(pid)
        if memory is None:
            continue
        rss, pss = memory
        total += pss
        largest = max(largest, rss)
        count += 1
    return TreeMemory(total, largest, count)


class TreeSampler:
    """Samples a process tree on a thread until stopped; keeps the peaks.

        sampler = TreeSampler(process.pid); sampler.start(); process.wait(); peaks = sampler.stop()
    """

    def __init__(self, root: int, interval: float = INTERVAL):
        self.root = root
        self.interval = interval
        self.peak_pss_kib = 0
        self.peak_largest_rss_kib = 0
        self.peak_processes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-memory-sampler", daemon=True)

    @staticmethod
    def available() -> bool:
        """True where smaps_rollup can be read (Linux 4.14 and later)."""
        return (PROC / "self" / "smaps_rollup").is_file()

    def start(self) -> TreeSampler:
        """Begin sampling (a no-op where /proc has no smaps_rollup). The first sample is taken at once, in
        the caller's thread: a command that ends within milliseconds (the harness tests' stand-in on a busy
        machine) ended before the thread's first sample and was reported as using no memory at all."""
        if self.available():
            self.take()
            self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            started = time.perf_counter()
            self.take()
            # Reading smaps_rollup walks the page tables (milliseconds for a process of several GiB): keep
            # the sampler under a tenth of one core so it does not slow the build it measures.
            if self._stop.wait(max(self.interval, 9 * (time.perf_counter() - started))):
                return

    def take(self) -> None:
        """Take one sample now and update the peaks."""
        sample = sample_tree(self.root)
        if sample.processes == 0:
            return
        self.samples += 1
        self.peak_pss_kib = max(self.peak_pss_kib, sample.pss_kib)
        self.peak_largest_rss_kib = max(self.peak_largest_rss_kib, sample.largest_rss_kib)
        self.peak_processes = max(self.peak_processes, sample.processes)

    def stop(self) -> TreeSampler:
        """Stop sampling and wait for the thread; the peaks are final afterwards."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self
