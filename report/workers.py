"""When a forked helper process pays, and when memory says to keep work one thing at a time.

A build forks short-lived helpers to save time: one draws the charts with matplotlib while
this process imports WeasyPrint and lays out the pages, one cleans half the fonts while this
process cleans the other half. Side by side they save about a second on a two-core machine,
but for that second matplotlib and WeasyPrint are in memory at once (about 1.8 times the
memory of WeasyPrint alone, counted over every process). Low-memory mode (`--low-memory`, or
automatic where less than `SHORT_BYTES` is free) keeps them apart instead: the chart helper
draws, exits, and only then does WeasyPrint start; fonts are cleaned in one process. Same
bytes either way, a slower cold build, a peak close to WeasyPrint's own.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from pathlib import Path

SHORT_BYTES = 1 << 30  # under 1 GiB available: builds run in low-memory mode


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Forking is safe: the platform has fork, and this process runs no other thread (a fork
    copies only the calling thread, and a lock another thread held stays locked forever)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def side_by_side() -> bool:
    """A helper working beside this process pays: a core of its own (two cores or more, and not a
    `-j` worker, whose siblings take the cores) and it is safe to fork."""
    return can_fork() and cores() >= 2 and multiprocessing.parent_process() is None


def available_bytes(meminfo: Path = Path("/proc/meminfo"),
                    cgroup: Path = Path("/sys/fs/cgroup")) -> int | None:
    """Memory this process could still take: the smaller of the machine's MemAvailable and the
    room left under its cgroup's (a container's) limit. None where neither can be read."""
    found: list[int] = []
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
                break
    except (OSError, ValueError, IndexError):
        pass
    try:
        limit = (cgroup / "memory.max").read_text().strip()
        if limit != "max":
            found.append(max(0, int(limit) - int((cgroup / "memory.current").read_text())))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def memory_is_short(available: int | None) -> bool:
    """`available` (from `available_bytes`) is under SHORT_BYTES; unknown is not short."""
    return available is not None and available < SHORT_BYTES


def matplotlib_loaded() -> bool:
    return "matplotlib" in sys.modules
