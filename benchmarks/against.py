"""`python -m benchmarks.bench --against COMMIT`: this checkout and the code of an earlier commit,
measured side by side.

Ratios against bare WeasyPrint from runs on different days cannot be compared (a shared
machine's WeasyPrint alone has measured 0.9 s one day and 1.6 s another). So the code of COMMIT
is written out of git into a work folder (`git archive`: nothing of the repository changes) and
both are measured in the same rounds, alternating (A B, then B A), each with its own copy of its
own Guest Commentary and its own warm cache folder, each run in a new process:

- a repeat build (`build.py DOC`; `--force` where the checkout keeps a record of what it built);
- `build.py --check DOC`;
- a warm rebuild after a one-word edit, in one process that built the document once (`pipeline
  .build` again, as `--watch` does): the median of five edits.

Each ratio is the median, over the rounds, of this checkout's time over COMMIT's in that round.
Wall time and CPU time (user and system, of the process and its children) are both given: on a
machine that others share, the CPU time is the steadier of the two (a build is one process,
waiting on nothing but the processor), and the wall time what a user waits.
"""

from __future__ import annotations

import compileall
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

DOCUMENT = Path("data") / "sceeus-guest-commentary-2024-08"
EDITS = 5
MEASURES = ("repeat", "check", "watch")
WHAT = {"repeat": "repeat build of the Guest Commentary (new process, warm caches)",
        "check": "`--check` of the Guest Commentary (new process)",
        "watch": "warm rebuild after a one-word edit (in one process, as `--watch`)"}

# Run in each checkout (its own `report`, first on the path): the rebuilds after one-word edits.
WATCH = r'''
import json, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from report import pipeline
folder, edits = Path(sys.argv[1]), int(sys.argv[2])
options = pipeline.Options(cache=Path(sys.argv[3]), out_dir=folder.parent / "out-watch")
pipeline.build(folder, options)
seconds = []
for step in range(edits):
    path = folder / "document.md"
    head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    body = body.replace(" the ", " this ", 1) if step % 2 == 0 else body.replace(" this ", " the ", 1)
    path.write_text(head + sep + body, encoding="utf-8")
    start, cpu = time.perf_counter(), time.process_time()
    pipeline.build(folder, options)
    seconds.append((time.perf_counter() - start, time.process_time() - cpu))
print(json.dumps(seconds))
'''


class Refused(Exception):
    """The commit cannot be measured (no such commit, not a checkout of this builder)."""


def export(root: Path, commit: str, dest: Path) -> str:
    """The tree of `commit` written into `dest`; its full hash."""
    found = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
                           capture_output=True, text=True)
    if found.returncode != 0:
        raise Refused(f"--against: {commit!r} is not a commit of {root}")
    full = found.stdout.strip()
    tree = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", full], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(tree.stdout)) as archive:
        # Python 3.11.4 and newer: only plain files and folders inside `dest`
        archive.extractall(dest, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    if not (dest / "build.py").is_file() or not (dest / DOCUMENT / "document.md").is_file():
        raise Refused(f"--against: {commit!r} has no build.py or no {DOCUMENT.as_posix()}")
    return full


def _timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of a command in a new process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} in {cwd} failed:\n{stderr.decode('utf-8', 'replace')}")
    return seconds, usage.ru_utime + usage.ru_stime


class Checkout:
    """One side of the comparison: its code, its document, its cache folder."""

    def __init__(self, name: str, code: Path, work: Path):
        self.name, self.code = name, code
        self.doc = work / "doc"
        shutil.copytree(code / DOCUMENT, self.doc)
        self.out, self.cache = work / "out", work / "cache"
        self.env = {**os.environ, "REPORT_CACHE_DIR": str(self.cache)}
        compileall.compile_dir(code / "report", quiet=1)  # as an installed package has it
        self.force: list[str] = []
        self.build()  # the caches warm
        # A checkout that keeps a record of what it built in the output folder (a dot file, as
        # `.report-built.json`) would not build the unchanged document again: --force.
        if any(p.name.startswith(".") for p in self.out.iterdir()):
            self.force = ["--force"]

    def build(self) -> tuple[float, float]:
        return _timed([sys.executable, "build.py", str(self.doc), "-o", str(self.out), "-q", *self.force],
                      self.code, self.env)

    def check(self) -> tuple[float, float]:
        return _timed([sys.executable, "build.py", "--check", "-q", str(self.doc)], self.code, self.env)

    def watch(self, work: Path) -> tuple[float, float]:
        folder = work / "watch-doc"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(self.code / DOCUMENT, folder)
        result = subprocess.run([sys.executable, "-c", WATCH, str(folder), str(EDITS), str(self.cache)],
                                cwd=self.code, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"bench: the warm rebuilds in {self.code} failed:\n{result.stderr}")
        edits = json.loads(result.stdout.strip().splitlines()[-1])
        return statistics.median(w for w, _ in edits), statistics.median(c for _, c in edits)


def bench_against(root: Path, commit: str, work: Path, runs: int, log) -> list[list[str]]:
    """The table's rows: each measurement's median for COMMIT and for this checkout, and the
    median of the paired ratios; in wall time, then in CPU time."""
    full = export(root, commit, work / "code-before")
    before = Checkout(commit, work / "code-before", work / "before")
    now = Checkout("this checkout", root, work / "now")
    times: dict[str, dict[str, list[tuple[float, float]]]] = {m: {"before": [], "now": []} for m in MEASURES}
    for round_ in range(runs):
        log(f"round {round_ + 1} of {runs}")
        for side, checkout in ((("before", before), ("now", now)) if round_ % 2 == 0
                               else (("now", now), ("before", before))):
            times["repeat"][side].append(checkout.build())
            times["check"][side].append(checkout.check())
            times["watch"][side].append(checkout.watch(work / side))
    rows = []
    for measure in MEASURES:
        for kind, at in (("wall", 0), ("CPU", 1)):
            a = [t[at] for t in times[measure]["before"]]
            b = [t[at] for t in times[measure]["now"]]
            ratio = statistics.median(y / x for x, y in zip(a, b))
            rows.append([f"{WHAT[measure]}, {kind}", f"{statistics.median(a):.2f} s", f"{statistics.median(b):.2f} s",
                         f"{ratio:.2f}"])
    log(f"compared with {full}")
    return rows


__all__ = ["Refused", "bench_against", "export"]
