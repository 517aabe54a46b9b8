"""`python -m benchmarks.bench --archive N`: a desk's whole archive, built as a desk builds it.

The archive is made from the shipped samples: N document folders that differ in their text (a
share of the sections, in another order), their charts (values nudged, so that each is drawn),
their language (the English, Swedish and Ukrainian samples) and their series (the five SCEEUS
series in turn). Measured, each build a new `build.py` process over the whole archive:

- the whole archive cold (empty cache folder, empty output folder) with `-j 1` and with `-j 2`;
- after a one-word edit of one document: the rebuild of the archive, against that document's
  own build;
- after a change to one series' stylesheet: the rebuild, and which documents it built (only that
  series' documents may be);
- the parent process's peak memory (its own high-water resident set, not its workers'), for
  the first 100 documents and for all of them: it should not grow with the archive.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLES = ("sceeus-guest-commentary-2024-08", "sceeus-sample-sv-2025-06", "sceeus-sample-uk-2025-06")
SERIES = ("sceeus-commentary", "sceeus-guest-commentary", "sceeus-quick-comment", "sceeus-report",
          "sceeus-guest-report")
EDITED_SERIES = "sceeus-quick-comment"  # a leaf: no other series extends it


def make_archive(data: Path, dest: Path, count: int) -> list[Path]:
    """`count` document folders under `dest`, varied as the module says; the same every time."""
    import yaml

    folders = []
    for i in range(count):
        sample = data / SAMPLES[i % len(SAMPLES)]
        series = SERIES[(i // len(SAMPLES)) % len(SERIES)]
        folder = dest / f"doc-{i + 1:04d}-{series}"
        shutil.copytree(sample, folder)
        text = (folder / "document.md").read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        front = re.sub(r"^series: .*$", f"series: {series}", front, count=1, flags=re.M)
        front = re.sub(r"^number: .*$", f"number: {i + 1}", front, count=1, flags=re.M)
        front = re.sub(r'^title: "?(.*?)"?$', rf'title: "\1 ({i + 1})"', front, count=1, flags=re.M)
        (folder / "document.md").write_text(f"---\n{front}---\n{_varied(body, i)}", encoding="utf-8")
        charts = folder / "charts.yaml"
        specs = yaml.safe_load(charts.read_text(encoding="utf-8")) or {}
        for spec in specs.values():
            for name, values in (spec.get("series") or {}).items():
                if isinstance(values, list):
                    spec["series"][name] = [v if not isinstance(v, (int, float)) else round(v * (1 + i / 1000), 4)
                                            for v in values]
        charts.write_text(yaml.safe_dump(specs, allow_unicode=True, sort_keys=False), encoding="utf-8")
        folders.append(folder)
    return folders


def _varied(body: str, i: int) -> str:
    """The body with its `##` sections rotated by `i` and, for every other document, the last
    section left out (never one that holds a chart, which its cross-references need)."""
    parts = re.split(r"(?m)^(?=## )", body)
    head, sections = parts[0], parts[1:]
    if len(sections) > 2:
        k = i % len(sections)
        sections = sections[k:] + sections[:k]
        if i % 2 and not any(mark in sections[-1] for mark in ("](chart:", "@", "[^", "{#")):
            sections = sections[:-1]
    return head + "".join(sections)


@dataclass
class ArchiveRun:
    seconds: float
    built: int
    up_to_date: int
    parent_peak_kb: int


def build_archive(build: Path, folders: list[Path], out: Path, cache: Path, jobs: int,
                  force: bool = False) -> ArchiveRun:
    """One `build.py` over `folders`: its time, its summary line, the parent's peak memory."""
    import os
    import subprocess
    import sys

    cmd = [sys.executable, str(build), *map(str, folders), "-o", str(out), "-j", str(jobs)]
    env = {**os.environ, "REPORT_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd + (["--force"] if force else []), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak, done = 0, threading.Event()

    def sampler():  # VmHWM is the process's own high-water mark: read it until the process ends
        nonlocal peak
        while not done.is_set():
            try:
                with open(f"/proc/{proc.pid}/status", "rb") as f:
                    for line in f:
                        if line.startswith(b"VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            done.wait(0.1)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.wait()
    seconds = time.perf_counter() - start
    done.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"bench: the archive build failed (exit {proc.returncode}):\n{stderr[-3000:]}")
    # each document's own line (a build of one prints no summary)
    built = len(re.findall(r": built in [\d.]+ s$", stderr, flags=re.M))
    current = len(re.findall(r": up to date$", stderr, flags=re.M))
    return ArchiveRun(seconds, built, current, peak)


def one_word_edit(folder: Path) -> None:
    path = folder / "document.md"
    head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    path.write_text(head + sep + body.replace(" the ", " this ", 1).replace(" och ", " samt ", 1)
                    .replace(" і ", " та ", 1), encoding="utf-8")


def bench_archive(root: Path, work: Path, count: int, log) -> list[tuple[str, str, str, float | None, str, bool | None]]:
    """The archive's rows: (measurement, ours, compared with, ratio, goal, met)."""
    build = root / "build.py"
    folders = make_archive(root / "data", work / "archive", count)
    rows = []
    times = {}
    for jobs in (1, 2):
        log(f"archive of {count}: cold, -j {jobs}")
        shutil.rmtree(work / "archive-cache", ignore_errors=True)
        shutil.rmtree(work / "archive-out", ignore_errors=True)
        times[jobs] = build_archive(build, folders, work / "archive-out", work / "archive-cache", jobs)
    one, two = times[1], times[2]
    rows.append((f"archive of {count} documents: cold, -j 2", f"{two.seconds:.1f} s", f"{one.seconds:.1f} s (-j 1)",
                 two.seconds / one.seconds, "≤ 0.6", two.seconds / one.seconds <= 0.6))

    edited = folders[count // 2]
    one_word_edit(edited)
    log("archive: rebuild after a one-word edit of one document")
    again = build_archive(build, folders, work / "archive-out", work / "archive-cache", 2)
    alone = build_archive(build, [edited], work / "alone-out", work / "archive-cache", 1, force=True)
    rows.append((f"archive of {count}: rebuild after editing one document ({again.built} built)",
                 f"{again.seconds:.1f} s", f"{alone.seconds:.1f} s (that document alone)", None,
                 "≤ alone + 1 s, 1 built", again.seconds <= alone.seconds + 1 and again.built == 1))

    css = root / "styles" / EDITED_SERIES / "style.css"
    expected = sum(1 for f in folders if f.name.endswith(EDITED_SERIES))
    original = css.read_bytes()
    log(f"archive: rebuild after a change to {EDITED_SERIES}'s style.css")
    try:
        css.write_bytes(original + b"\n/* bench: a change to this series' stylesheet */\n")
        changed = build_archive(build, folders, work / "archive-out", work / "archive-cache", 2)
    finally:
        css.write_bytes(original)
    rows.append((f"archive of {count}: rebuild after changing {EDITED_SERIES}'s CSS", f"{changed.built} built",
                 f"{expected} documents of that series", None, "only that series'", changed.built == expected))

    for n in sorted({min(100, count), count}):
        log(f"archive: parent memory, {n} documents, -j 2")
        run = build_archive(build, folders[:n], work / "memory-out", work / "archive-cache", 2, force=True)
        rows.append((f"archive: peak memory of the parent process, {n} documents, -j 2",
                     f"{run.parent_peak_kb / 1024:.0f} MB", "—", None, "flat", None))
    return rows
