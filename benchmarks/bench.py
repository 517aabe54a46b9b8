"""`python -m benchmarks.bench`: what a build costs, next to what WeasyPrint alone costs.

Every figure is measured in this run, side by side (our build and bare WeasyPrint alternate),
and reported as a median; ratios are what count, absolute times vary by machine. Each build
runs in a new process, as an editor runs it, except the warm rebuild, which is timed inside a
running watch-mode process. "Bare WeasyPrint" is `python -c "import weasyprint; …write_pdf()"`
in a new process on exactly the HTML and stylesheets our pipeline hands WeasyPrint (the charts
written to files and their `report:` URLs rewritten to point at them), with the same PDF
options (PDF/UA-1, tagged) and a shared font configuration, as WeasyPrint's docs advise.

Peak memory is given two ways: the high-water resident set of the build's largest process
(wait4's ru_maxrss, what `/usr/bin/time -f %M` reports), and the largest sum of proportional
set sizes (PSS) of all the build's processes at one moment, sampled every 20 ms in runs of
their own (a build that draws its charts in a helper process is charged for both at once).
`--low-memory` builds are measured too: they keep the helper and WeasyPrint apart.

`--quick` measures a small document once (the test suite runs it); `--stages FOLDER` and
`--warm FOLDER` are the helpers the bench runs in their own processes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # (not from .series: the bench imports nothing heavy at start)

BUILD = ROOT / "build.py"
GUEST = ROOT / "data" / "sceeus-guest-commentary-2024-08"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}  # what report.layout.pages.write passes

MEMORY_ROUNDS = 2  # rounds that also sample memory (it varies little from run to run)

BARE = """\
import sys
import weasyprint
from weasyprint.text.fonts import FontConfiguration
html, base_url, out, *css = sys.argv[1:]
fonts = FontConfiguration()
sheets = [weasyprint.CSS(filename=p, font_config=fonts) for p in css]
weasyprint.HTML(filename=html, base_url=base_url).write_pdf(
    out, stylesheets=sheets, font_config=fonts, pdf_variant=%(pdf_variant)r, pdf_tags=%(pdf_tags)r)
""" % PDF_OPTIONS


# -- running and measuring a process ------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    maxrss_kb: int  # the largest resident set of any one process of the tree (wait4's ru_maxrss)
    returncode: int
    stderr: str = ""
    pss_kb: int | None = None  # with sample=True: the largest total PSS of the tree at any moment


def _tree_pss_kb(pid: int) -> int:
    """Memory of `pid` and all its descendants: the sum of their proportional set sizes, in KB.

    PSS charges a page shared by n processes 1/n to each, so a forked helper is charged only
    for what it adds, and a lone process for what it alone holds: a fair sum for a process tree.
    """
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", "rb") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total


def measure(cmd: list[str], env: dict | None = None, cwd: Path | None = None, sample: bool = False) -> Run:
    """Wall time and memory of a command in a new process.

    Timing runs do not sample (reading another process's memory map costs it, and the bench,
    CPU time); `sample=True` runs sample the tree's total PSS every 20 ms, for memory only.
    """
    environ = {**os.environ, **(env or {})}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=environ, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sampler():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_pss_kb(proc.pid))
            done.wait(0.02)

    thread = threading.Thread(target=sampler, daemon=True)
    if sample:
        thread.start()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    if sample:
        thread.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss, proc.returncode, stderr.decode("utf-8", "replace"),
               peak if sample else None)


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"bench: {what} failed (exit {run.returncode}):\n{run.stderr}")
    return run


def median(values) -> float:
    return statistics.median(values)


def paired(ours: list[Run], theirs: list[Run], field: str) -> float:
    """The median of the ratios of runs made side by side (same round)."""
    return median(getattr(a, field) / getattr(b, field) for a, b in zip(ours, theirs))


# -- the documents ------------------------------------------------------------------------------

def copy_document(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("out", "__pycache__"))
    return dest


def longer_document(source: Path, dest: Path, times: int = 10) -> Path:
    """`source` with its body `times` times over; each copy gets its own charts (values nudged,
    so that each one is drawn, not taken from the cache) and its own section titles."""
    from report.source import chartspec
    from report.errors import Problems

    import yaml

    dest.mkdir(parents=True)
    text = (source / "document.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    specs = chartspec.load_charts(source, Problems())
    charts, bodies = {}, []
    for k in range(times):
        part = body
        for cid in specs:
            part = part.replace(f"(chart:{cid})", f"(chart:{cid}-{k})")
        part = re.sub(r"^(##+ .*)$", rf"\1 ({k + 1})", part, flags=re.M)
        bodies.append(part)
        for cid, spec in specs.items():
            scale = 1 + k / 100
            charts[f"{cid}-{k}"] = {
                "type": spec.type, "title": spec.title, "unit": spec.unit,
                "x": [x for x in spec.x],
                "series": {name: [None if v is None else round(v * scale, 4) for v in values]
                           for name, values in spec.series},
                **({"source": spec.source} if spec.source else {}),
                **({"note": spec.note} if spec.note else {}),
            }
    (dest / "document.md").write_text(f"---\n{front}---\n" + "\n".join(bodies), encoding="utf-8")
    (dest / "charts.yaml").write_text(yaml.safe_dump(charts, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    return dest


def figure_document(source: Path, dest: Path, figures: int = 30, times: int = 4) -> Path:
    """`source` `times` times over (`longer_document`), with more charts between its paragraphs
    until it holds `figures`: a document dense with figures, where placement has most to do."""
    import yaml

    longer_document(source, dest, times)
    path, charts_path = dest / "document.md", dest / "charts.yaml"
    charts = yaml.safe_load(charts_path.read_text(encoding="utf-8"))
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    blocks = body.split("\n\n")
    # plain paragraphs (not a heading, list, figure or table) that a figure may follow
    slots = [i for i, b in enumerate(blocks) if re.match(r"[A-Z]", b) and not b.startswith("![")]
    extra = figures - sum(b.count("](chart:") for b in blocks)
    names = list(charts)
    captions = dict((cid, text) for text, cid in re.findall(r"!\[([^\]]*)\]\(chart:([^)]+)\)", body))
    chosen = {slots[round(k * len(slots) / extra)] for k in range(extra)} if extra > 0 else set()
    out = []
    for i, block in enumerate(blocks):
        out.append(block)
        if i in chosen:
            n = len(out)
            name = names[n % len(names)]
            base = charts[name]
            cid = f"extra-{n}"
            charts[cid] = {**base, "series": {name: [None if v is None else round(v * (1 + n / 1000), 4)
                                                     for v in values] for name, values in base["series"].items()}}
            out.append(f"![{captions.get(name, 'Trade')}: variant {n}](chart:{cid})")
    path.write_text(f"---\n{front}---\n" + "\n\n".join(out), encoding="utf-8")
    charts_path.write_text(yaml.safe_dump(charts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def small_document(dest: Path) -> Path:
    """One page, one chart: the quick run's document."""
    dest.mkdir(parents=True)
    (dest / "document.md").write_text(
        "---\nseries: sceeus-guest-commentary\nnumber: 1\nyear: 2025\ntitle: A Small Benchmark Document\n"
        "authors:\n  - name: Bench Author\nsummary: A short summary for the benchmark.\n---\n"
        "## Section\n\nSome text to lay out, and a chart.\n\n![A chart](chart:c)\n\nMore text after it.\n",
        encoding="utf-8")
    (dest / "charts.yaml").write_text(
        "c:\n  type: bar\n  unit: units\n  x: [2021, 2022, 2023]\n  series:\n    A: [1, 2, 3]\n    B: [2, 1, 0.5]\n",
        encoding="utf-8")
    return dest


def dump_for_bare(folder: Path, dest: Path, cache: Path) -> list[str]:
    """The HTML and stylesheets our pipeline hands WeasyPrint, as files: the arguments of BARE."""
    from report import pipeline

    options = pipeline.Options(cache=cache)
    prepared = pipeline.prepare(folder, options)
    html = pipeline.html_for(prepared, pipeline.figures(prepared, options), web=False)
    dest.mkdir(parents=True, exist_ok=True)
    text = html.text
    for url, (data, _mime) in html.resources.items():
        path = dest / url.split(":", 1)[1]
        path.write_bytes(data)
        text = text.replace(f'"{url}"', f'"{path.resolve().as_uri()}"')
    assert "report:" not in text, "a report: URL was left in the HTML"
    page = dest / "page.html"
    page.write_text(text, encoding="utf-8")
    return [str(page), html.base_url, str(dest / "bare.pdf"), *map(str, html.stylesheets)]


def one_word_edit(folder: Path, step: int) -> None:
    """Change one word of the body (`the` ↔ `this`, glyphs the document has anyway), in place."""
    path = folder / "document.md"
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    body = body.replace(" the ", " this ", 1) if step % 2 == 0 else body.replace(" this ", " the ", 1)
    path.write_text(head + sep + body, encoding="utf-8")


# -- helpers run in their own process -------------------------------------------------------------

def stages(folder: Path, cache: Path) -> dict[str, float]:
    """Each stage of one build, one after the other in this process (no helper process): where
    the time goes. Caches as they are in `cache`."""
    t = time.perf_counter()
    times: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        times[name] = times.get(name, 0.0) + now - t
        t = now

    from report import pipeline
    from report.series import resolve

    options = pipeline.Options(cache=cache)
    lap("import our modules")
    prepared = pipeline.prepare(folder, options)
    lap("load and check")
    import matplotlib.backends.backend_svg  # noqa: F401  (what charts.draw imports)
    import matplotlib.figure  # noqa: F401
    lap("charts: import matplotlib")
    figs = pipeline.figures(prepared, options)
    lap("charts: draw")
    html = pipeline.html_for(prepared, figs, web=False)
    lap("HTML")
    import weasyprint  # noqa: F401

    from report.layout import pages
    lap("layout: import WeasyPrint")
    allowed = (prepared.doc.folder,) + prepared.series.folders + (resolve.TEMPLATES,)
    document = pages.layout(html, allowed)
    lap("layout: fonts, CSS, pages")
    pages.write(document, pages.PdfOptions())
    lap("PDF writing")
    return times


def placement(folder: Path, cache: Path) -> list[dict]:
    """Each WeasyPrint layout of one build (empty caches given), in order: its seconds and the
    holes and nearly empty last page it left (`floats._faults`). The first is the layout any
    build makes; the others are the figure placement's passes."""
    from report import pipeline
    from report.layout import floats, pages

    made = []
    real = pages.layout

    def counted(*args, **kwargs):
        start = time.perf_counter()
        document = real(*args, **kwargs)
        made.append({"seconds": time.perf_counter() - start, "pages": len(document.pages),
                     "faults": floats._faults(document, floats.FULL)[0]})
        return document

    pages.layout = counted  # the pipeline looks it up at each layout
    built = pipeline.build(folder, pipeline.Options(cache=cache, out_dir=cache / "out", preflight=True))
    if built.preflight_failed:
        raise SystemExit("\n".join(built.preflight))
    return made


def warm_rebuilds(folder: Path, edits: int) -> list[float]:
    """Seconds of each rebuild after a one-word edit, in a watch-mode builder that built once."""
    from report import pipeline
    from report.commands import watch

    options = pipeline.Options(out_dir=folder.parent / "out-warm")
    builder = watch.Builder([folder], options)
    key = folder.resolve()
    first = builder.build(key)
    if not first.ok:
        raise SystemExit("\n".join(first.problems))
    seconds = []
    for step in range(edits):
        one_word_edit(folder, step)
        result = builder.build(key)
        if not result.ok:
            raise SystemExit("\n".join(result.problems))
        seconds.append(result.seconds)
    return seconds


# -- the live preview, measured as a browser sees it ---------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Events:
    """A Server-Sent Events client on a thread: (arrival time, event, data) as they come."""

    def __init__(self, port: int):
        self.got: list[tuple[float, str, str]] = []
        self.cond = threading.Condition()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.sendall(b"GET /__events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buffer, event = b"", "message"
        try:
            while chunk := self.sock.recv(65536):
                now = time.perf_counter()
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    line = line.decode("utf-8").rstrip("\r")
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        with self.cond:
                            self.got.append((now, event, line[6:]))
                            self.cond.notify_all()
                        event = "message"
        except OSError:
            pass

    def wait(self, event: str, after: int, timeout: float = 60) -> float:
        """Arrival time of the first `event` among those received after the first `after`."""
        def found():
            return next((t for t, e, _ in self.got[after:] if e == event), None)
        with self.cond:
            self.cond.wait_for(lambda: found() is not None, timeout)
            arrived = found()
        if arrived is None:
            raise SystemExit(f"bench: no '{event}' event from the preview server within {timeout} s")
        return arrived

    def close(self):
        self.sock.close()


def preview_latency(folder: Path, out: Path, cache: Path, edits: int) -> tuple[list[float], list[float]]:
    """Seconds from saving a one-word edit to (the browser told to reload, and the page it then
    fetches holding the edit), and to the PDF written: `build.py --watch --serve`, as an editor runs it."""
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(BUILD), str(folder), "--watch", "--serve", str(port),
                             "-o", str(out)], env={**os.environ, "REPORT_CACHE_DIR": str(cache)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read_stderr():
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("watching"):
                ready.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    try:
        if not ready.wait(180):
            raise SystemExit("bench: the watch process did not start:\n" + "".join(lines))
        events = _Events(port)
        time.sleep(0.3)  # let the watcher settle
        html_s, pdf_s = [], []
        url = f"http://127.0.0.1:{port}/{folder.name}.html"
        for step in range(edits):
            before = urllib.request.urlopen(url, timeout=30).read()
            seen = len(events.got)
            start = time.perf_counter()
            one_word_edit(folder, step)
            events.wait("html", seen)
            page = urllib.request.urlopen(url, timeout=30).read()  # what the reloading browser gets
            html_s.append(time.perf_counter() - start)
            if page == before:
                raise SystemExit("bench: the served page does not show the edit")
            pdf_s.append(events.wait("pdf", seen) - start)
            time.sleep(0.5)
        events.close()
    finally:
        proc.send_signal(2)  # Ctrl-C
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return html_s, pdf_s


# -- the run ------------------------------------------------------------------------------------

@dataclass
class Row:
    what: str
    ours: str
    compared: str = "—"
    ratio: float | None = None
    goal: str = "—"
    met: bool | None = None

    def cells(self) -> list[str]:
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}"
        bound = re.search(r"\d+(\.\d+)?", self.goal) if self.met is not None else None
        if bound and self.ratio is not None and abs(self.ratio - float(bound.group())) < 0.005:
            ratio = f"{self.ratio:.3f}"  # 0.60 against "≤ 0.6" would hide which side it fell
        met = "—" if self.met is None else ("yes" if self.met else "**NO**")
        return [self.what, self.ours, self.compared, ratio, self.goal, met]


def table(rows: list[Row], head: list[str]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r.cells() if isinstance(r, Row) else r) + " |" for r in rows]
    return "\n".join(lines)


def secs(value: float) -> str:
    return f"{value:.2f} s"


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def _ours(folder: Path, out: Path, *extra: str) -> list[str]:
    # --force: a build, every time (the output folder's record would skip one that is up to date)
    return [sys.executable, str(BUILD), str(folder), "-o", str(out), "-q", "--force", *extra]


def _log(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def bench_document(name: str, folder: Path, work: Path, runs: int, edits: int,
                   all_goals: bool, cold_goal: float = 1.2) -> tuple[list[Row], list[list[str]], float]:
    """Rows for one document; the stage table; bare WeasyPrint's median (for other ratios)."""
    warm = work / f"cache-{name}"
    bare_args = dump_for_bare(folder, work / f"bare-{name}", warm)
    out = work / f"out-{name}"
    checked(measure(_ours(folder, out), env={"REPORT_CACHE_DIR": str(warm)}), "warming the caches")
    bare, cold, repeat, lean = [], [], [], []
    # --low-memory is measured on the document the goals are for; memory, which varies little
    # from run to run, in the first MEMORY_ROUNDS rounds.
    kinds = ("bare", "cold", "repeat", "lean") if all_goals else ("bare", "cold", "repeat")
    for r in range(runs):
        _log(f"{name}: round {r + 1} of {runs}: bare WeasyPrint, cold build, repeat build"
             + (", cold build with --low-memory" if all_goals else "")
             + ("; then their memory" if r < MEMORY_ROUNDS else ""))
        for sample in (False, True) if r < MEMORY_ROUNDS else (False,):  # timed runs, then memory
            got = {}
            for kind in kinds:
                fresh = work / f"cache-{name}-{kind}-{r}-{sample}"
                if kind == "bare":
                    cmd, env = [sys.executable, "-c", BARE, *bare_args], None
                else:
                    cmd = _ours(folder, out, *(["--low-memory"] if kind == "lean" else []))
                    env = {"REPORT_CACHE_DIR": str(warm if kind == "repeat" else fresh)}
                got[kind] = checked(measure(cmd, env=env, sample=sample), f"{kind} build")
                shutil.rmtree(fresh, ignore_errors=True)
            for kind, runs_ in (("bare", bare), ("cold", cold), ("repeat", repeat), ("lean", lean)):
                if kind not in got:
                    continue
                if not sample:
                    runs_.append(got[kind])
                else:
                    runs_[-1].pss_kb = got[kind].pss_kb
    b = median(r.seconds for r in bare)
    c = median(r.seconds for r in cold)
    w = median(r.seconds for r in repeat)
    # Ratios are medians of each round's ratio: a round's runs follow each other within seconds,
    # so a slower spell of a shared machine weighs on both sides of a ratio alike.
    cr, wr = (paired(runs_, bare, "seconds") for runs_ in (cold, repeat))

    def memory(runs_, field="pss_kb"):
        return median(getattr(r, field) for r in runs_ if r.pss_kb is not None)

    bp, cp, wp = memory(bare), memory(cold), memory(repeat)
    bm, cm, wm = (memory(runs_, "maxrss_kb") for runs_ in (bare, cold, repeat))
    goal = "≤ 1.3" if all_goals else "—"
    rows = [
        Row(f"{name}: cold build, new process, empty caches", secs(c), f"{secs(b)} (bare)", cr, f"≤ {cold_goal:g}",
            cr <= cold_goal),
        Row(f"{name}: repeat build, new process, warm caches", secs(w), f"{secs(b)} (bare)", wr, "≤ 1.05",
            wr <= 1.05),
        Row(f"{name}: peak memory, cold build (max RSS)", mb(cm), f"{mb(bm)} (bare)",
            cm / bm, goal, cm / bm <= 1.3 if all_goals else None),
        Row(f"{name}: peak memory, repeat build (max RSS)", mb(wm), f"{mb(bm)} (bare)",
            wm / bm, goal, wm / bm <= 1.3 if all_goals else None),
        Row(f"{name}: peak memory, repeat build, all processes at once (PSS)", mb(wp), f"{mb(bp)} (bare)",
            wp / bp, goal, wp / bp <= 1.3 if all_goals else None),
        Row(f"{name}: peak memory, cold build, all processes at once (PSS): chart helper beside WeasyPrint",
            mb(cp), f"{mb(bp)} (bare)", cp / bp, "— (a trade, see the notes)", None),
    ]
    if lean:
        lp, lt, lr = memory(lean), median(r.seconds for r in lean), paired(lean, bare, "seconds")
        rows += [
            Row(f"{name}: `--low-memory` cold build, all processes at once (PSS)", mb(lp), f"{mb(bp)} (bare)",
                lp / bp, goal, lp / bp <= 1.3),
            Row(f"{name}: `--low-memory` cold build, time", secs(lt), f"{secs(b)} (bare)", lr, "—", None),
        ]

    _log(f"{name}: the layouts of a cold build, in one process, with --preflight")
    fresh = work / f"cache-{name}-placement"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--placement", str(folder), "--cache", str(fresh)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"bench: the placement helper failed:\n{proc.stderr}")
    shutil.rmtree(fresh, ignore_errors=True)
    made = json.loads(proc.stdout)
    passes = made[1:]
    extra = sum(m["seconds"] for m in passes)  # measured apart from the bare runs: ratio of medians
    said = ", ".join(f"{m['seconds']:.2f} s ({m['faults']} left)" for m in passes) or "none"
    rows.insert(1, Row(f"{name}: cold build against bare + the placement's layouts: {len(made)} layouts "
                       f"(first {made[0]['seconds']:.2f} s, {made[0]['faults']} holes; passes: {said})",
                       secs(c), f"{secs(b + extra)} (bare + {len(passes)} layouts)", c / (b + extra), "≤ 1.2",
                       c / (b + extra) <= 1.2))

    _log(f"{name}: stages, one after the other in one process, empty caches")
    stage_runs = []
    for r in range(min(runs, 3)):
        fresh = work / f"cache-{name}-stages-{r}"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--stages", str(folder), "--cache", str(fresh)],
                              capture_output=True, text=True, cwd=ROOT)
        total = time.perf_counter() - start
        if proc.returncode:
            raise SystemExit(f"bench: the stages helper failed:\n{proc.stderr}")
        times = json.loads(proc.stdout)
        times = {"Python: start-up, exit, the rest": total - sum(v for k, v in times.items() if ": of which" not in k),
                 **times}
        times["total"] = total
        stage_runs.append(times)
        shutil.rmtree(fresh, ignore_errors=True)
    total = median(t["total"] for t in stage_runs)
    stage_rows = []
    for key in stage_runs[0]:
        value = median(t[key] for t in stage_runs)
        stage_rows.append([key, secs(value), f"{100 * value / total:.0f} %"])

    _log(f"{name}: warm rebuilds in a watch-mode process, one-word edits")
    copy = copy_document(folder, work / f"warm-{name}" / folder.name)
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--warm", str(copy), "--edits", str(edits)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "REPORT_CACHE_DIR": str(warm)})
    if proc.returncode:
        raise SystemExit(f"bench: the warm-rebuild helper failed:\n{proc.stderr}")
    rebuild = median(json.loads(proc.stdout))  # measured apart from the bare runs: ratio of medians
    rows.append(Row(f"{name}: warm rebuild in watch mode after a one-word edit", secs(rebuild),
                    f"{secs(b)} (bare, cold)", rebuild / b, "≤ 0.4" if all_goals else "—",
                    rebuild / b <= 0.4 if all_goals else None))
    return rows, stage_rows, b


def bench_jobs(source: Path, work: Path, count: int, runs: int, cache: Path) -> Row:
    folders = [copy_document(source, work / "jobs" / f"{source.name}-{i + 1}") for i in range(count)]
    out = work / "jobs-out"
    one, two = [], []
    for r in range(runs):
        _log(f"{count} documents: round {r + 1} of {runs}: -j 1 and -j 2, in turn first")
        env = {"REPORT_CACHE_DIR": str(cache)}
        cmd = [sys.executable, str(BUILD), *map(str, folders), "-o", str(out), "-q", "--force"]
        # each goes first in every other round, so that what follows a run cannot favour either
        for jobs, times in ((("1", one), ("2", two)) if r % 2 == 0 else (("2", two), ("1", one))):
            times.append(checked(measure(cmd + ["-j", jobs], env=env), f"-j {jobs}").seconds)
    a, b = median(one), median(two)
    ratio = median(t / o for t, o in zip(two, one))
    return Row(f"{count} documents, -j 2 (warm caches)", secs(b), f"{secs(a)} (-j 1)", ratio, "≤ 0.6", ratio <= 0.6)


def bench_quick_commands(folder: Path, runs: int) -> list[Row]:
    rows = []
    for what, args in (("`--check`", [str(folder), "--check", "-q"]), ("`--help`", ["--help"])):
        times = [checked(measure([sys.executable, str(BUILD), *args]), what).seconds for _ in range(runs)]
        t = median(times)
        rows.append(Row(f"{what} (new process)", secs(t), "—", None, "< 0.5 s", t < 0.5))
    return rows


def compile_bytecode() -> None:
    """Our modules' bytecode, as an installed package has it and as any earlier run leaves it:
    where PYTHONDONTWRITEBYTECODE is set, every new process would compile them from source
    (about 0.04 s), while WeasyPrint's were compiled when pip installed it."""
    import compileall

    compileall.compile_dir(ROOT / "report", quiet=1)


# --case: name → (what the table calls it, how it is made in a folder, its cold-build goal)
CASES = {
    "guest": ("Guest Commentary", lambda dest: copy_document(GUEST, dest), 1.2),
    "x10": ("Guest Commentary ×10", lambda dest: longer_document(GUEST, dest), 1.5),
    "figures30": ("30 figures", lambda dest: figure_document(GUEST, dest), 2.0),
}


def run(quick: bool, runs: int | None, keep: bool, readme: bool, cases: list[str] | None = None) -> int:
    import platform

    import weasyprint

    runs = runs or (1 if quick else 5)
    cases = cases or list(CASES)
    edits = 1 if quick else 5
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="report-bench-"))
    started = time.perf_counter()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    try:
        if quick:
            docs = [("small document", small_document(work / "docs" / "small"), True, 1.2)]
        else:
            docs = [(CASES[case][0], CASES[case][1](work / "docs" / (GUEST.name + ("" if case == "guest" else f"-{case}"))), case == "guest", CASES[case][2])
                    for case in cases]
        rows: list[Row] = []
        stage_tables = []
        for name, folder, all_goals, goal in docs:
            doc_rows, stage_rows, _ = bench_document(name, folder, work, runs, edits, all_goals, goal)
            rows += doc_rows
            stage_tables.append((name, stage_rows))
        first_name, first, *_ = docs[0]
        jobs_runs = 0
        if quick or cases == list(CASES):  # --case: only the documents asked for
            jobs_runs = runs if quick else max(runs, 9)  # the noisiest row: two cores share the host
            rows.append(bench_jobs(first, work, 2 if quick else 6, jobs_runs,
                                   work / f"cache-{first_name}"))
            rows += bench_quick_commands(first, max(runs, 3))
            _log("live preview: --watch --serve, one-word edits")
            preview = work / "preview" / first.name
            copy_document(first, preview)
            html_s, pdf_s = preview_latency(preview, work / "preview-out", work / f"cache-{first_name}", edits)
            h, p = median(html_s), median(pdf_s)
            rows.append(Row(f"live preview ({first_name}): saved edit → shown in the browser", secs(h), "—", None,
                            "≤ 0.3 s", h <= 0.3))
            rows.append(Row(f"live preview ({first_name}): saved edit → PDF written", secs(p), "—", None,
                            "≤ 1 s", p <= 1.0))
    finally:
        if keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    from report.workers import cores

    cores = cores()
    about = (f"{'Quick run' if quick else 'Run'}: medians of {runs} run{'s' * (runs != 1)}"
             f" (memory: {min(runs, MEMORY_ROUNDS)}; stages: {min(runs, 3)}; -j: {jobs_runs};"
             f" {edits} edit{'s' * (edits != 1)} for the watch rows); {cores} cores, load average {load:.1f}"
             f" at the start; Python {platform.python_version()}, WeasyPrint {weasyprint.__version__};"
             f" {time.perf_counter() - started:.0f} s in all.")
    text = [about, "", table(rows, ["measurement", "ours", "compared with", "ratio", "goal", "met?"]), "", NOTES]
    for name, stage_rows in stage_tables:
        text += ["", f"Where the time goes: {name}, each stage one after the other in one new process, "
                     "empty caches (the real build draws the charts in a helper process meanwhile):", "",
                 table(stage_rows, ["stage", "time", "share"])]
    output = "\n".join(text)
    print(output)
    if readme:
        write_readme(output)
    met = [r.met for r in rows if r.met is not None]
    _log(f"{sum(met)} of {len(met)} goals met")
    return 0


NOTES = """\
- Our modules' bytecode is compiled before the first run, as pip does for an installed package
  (where PYTHONDONTWRITEBYTECODE is set, each process would compile them from source).
- Times are medians; a ratio of build times is the median of the ratios within each round (the
  runs compared follow each other within seconds), the others are ratios of medians.
- *bare*: `python -c "import weasyprint; …write_pdf()"` in a new process, on the very HTML and
  stylesheets our pipeline hands WeasyPrint (charts as files), same PDF options (PDF/UA-1, tagged).
- *cold build*: `python build.py DOC` in a new process with an empty cache folder: every chart is
  drawn. Only matplotlib's own font list (`~/.cache/matplotlib`)
  and the operating system's file cache are warm, as they are for bare WeasyPrint.
- *repeat build*: the same, with the cache folder of an earlier build (charts, compiled
  templates). *Warm rebuild*: in a `--watch` process that has built the document once, after a
  one-word edit; the time `--watch` prints. *-j*: six copies of the document, warm caches.
- *memory*: "max RSS" is the high-water resident set of the build's largest process, what
  `/usr/bin/time -f %M` prints for a command, the figure the memory goal is read against;
  "all processes at once" is the largest sum of proportional set sizes (PSS) of the build's
  processes at one moment, sampled every 20 ms in runs of their own.
- *the trade*: with empty caches the default build draws the charts in a helper process while
  it imports WeasyPrint and lays out the pages. For about 1.4 s matplotlib and WeasyPrint are
  in memory at once: that keeps the cold build within 1.2 × in time, and costs about 1.8 ×
  counted over all processes. `--low-memory` (automatic with under 1 GiB free, as in a small
  container) lets the helper draw and exit before WeasyPrint starts: within 1.3 × counted that
  way, at the time shown. With the charts cached, nothing is drawn and both ways meet it.
- The watch and memory goals are set for the Guest Commentary; for the ten-times-longer
  document the figures are shown without a goal."""


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


SPEED_PAGE = ROOT / "docs" / "maintainers" / "speed.md"


def write_readme(output: str, path: Path = SPEED_PAGE, begin: str = BEGIN, end: str = END) -> None:
    """Put the table between the bench markers (`begin`, `end`) of the maintainers' speed page."""
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"bench: {path} has no {begin} … {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{output}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench",
                                description="Measure the build next to bare WeasyPrint and print a table.")
    p.add_argument("--quick", action="store_true", help="a small document, once: a smoke test (the test suite runs it)")
    p.add_argument("--runs", type=int, metavar="N", help="repetitions for each median (default 5; 1 with --quick)")
    p.add_argument("--readme", action="store_true", help="also write the table into docs/maintainers/speed.md")
    p.add_argument("--keep", action="store_true", help="keep the work folder (documents, outputs, caches)")
    p.add_argument("--archive", type=int, metavar="N",
                   help="instead: an archive of N documents made from the samples (cold -j 1 and -j 2, "
                        "one edit, one series' CSS, the parent's memory); 300 for the figures in speed.md")
    p.add_argument("--against", metavar="COMMIT",
                   help="instead: this checkout and the code of COMMIT side by side, alternated in each round "
                        "(repeat build, --check, warm rebuild); with --readme, into docs/maintainers/speed.md")
    p.add_argument("--case", action="append", choices=list(CASES), metavar="NAME",
                   help=f"measure only this document ({', '.join(CASES)}; again for more): no -j, commands or preview rows")
    p.add_argument("--no-harfbuzz-subset", action="store_true",
                   help="instead: the Guest Commentary on a machine without libharfbuzz-subset0 (simulated in "
                        "every process), and where its PDF writing goes by face and by table")
    p.add_argument("--stages", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--fonts", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--placement", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--warm", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--edits", type=int, default=3, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.stages:
        print(json.dumps(stages(args.stages, args.cache)))
        return 0
    if args.fonts:
        from benchmarks.nohb import font_breakdown
        print(json.dumps(font_breakdown(args.fonts, args.cache)))
        return 0
    if args.placement:
        print(json.dumps(placement(args.placement, args.cache)))
        return 0
    if args.warm:
        print(json.dumps(warm_rebuilds(args.warm, args.edits)))
        return 0
    if args.runs is not None and args.runs < 1:
        p.error("--runs must be 1 or more")
    if args.against is not None:
        return run_against(args.against, args.runs or 5, args.keep, args.readme)
    if args.archive is not None:
        if args.archive < 2:
            p.error("--archive needs 2 documents or more")
        return run_archive(args.archive, args.keep, args.readme)
    if args.no_harfbuzz_subset:
        from benchmarks.nohb import run_no_harfbuzz
        return run_no_harfbuzz(args.runs, args.keep, args.readme)
    return run(args.quick, args.runs, args.keep, args.readme, args.case)


AGAINST_BEGIN, AGAINST_END = "<!-- against:begin -->", "<!-- against:end -->"


def run_against(commit: str, runs: int, keep: bool, readme: bool) -> int:
    """`--against COMMIT`: the table of benchmarks/against.py; exit 2 and one line for a commit
    that cannot be measured."""
    import platform

    from benchmarks.against import Refused, bench_against

    try:
        rows, seconds, load = _in_work_folder("report-against-", keep, lambda work: bench_against(
            ROOT, commit, work, runs, _log))
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 2
    about = (f"Against {commit}: medians of {runs} rounds, the two alternated in each; load average {load:.1f} at "
             f"the start; Python {platform.python_version()}; {seconds:.0f} s in all.")
    _put(about, table(rows, ["measurement", commit, "this checkout", "this ÷ " + commit]), readme,
         AGAINST_BEGIN, AGAINST_END)
    return 0


def _in_work_folder(prefix: str, keep: bool, make):
    """`make(work)` in a new work folder, removed afterwards unless `keep`: (what it made, its
    seconds, the load average at its start)."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    started = time.perf_counter()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    try:
        return make(work), time.perf_counter() - started, load
    finally:
        if keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _put(about: str, rows: str, readme: bool, begin: str, end: str) -> None:
    """The table printed, and with `readme` written between its markers in speed.md."""
    output = "\n".join([about, "", rows])
    print(output)
    if readme:
        write_readme(output, begin=begin, end=end)


ARCHIVE_BEGIN, ARCHIVE_END = "<!-- archive:begin -->", "<!-- archive:end -->"


def run_archive(count: int, keep: bool, readme: bool) -> int:
    """`--archive N`: the archive's table (benchmarks/archive.py), once: each build is minutes long."""
    import platform

    from benchmarks.archive import bench_archive
    from report.workers import cores

    compile_bytecode()
    rows, seconds, load = _in_work_folder("report-archive-", keep, lambda work: [
        Row(*cells) for cells in bench_archive(ROOT, work, count, _log)])
    about = (f"Archive run: {count} documents, each build once; {cores()} cores, load average {load:.1f} at the "
             f"start; Python {platform.python_version()}; {seconds:.0f} s in all.")
    _put(about, table(rows, ["measurement", "ours", "compared with", "ratio", "goal", "met?"]), readme,
         ARCHIVE_BEGIN, ARCHIVE_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
