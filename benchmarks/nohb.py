"""`python -m benchmarks.bench --no-harfbuzz-subset`: the Guest Commentary on a machine without
libharfbuzz-subset0 (simulated: `benchmarks/simulate.py`), and where its PDF writing goes.

Every process the run starts, ours and bare WeasyPrint alike, runs under the simulation; the
run checks first that it took (WeasyPrint's subsetter is None, the builder prints its notice).
Measured, each against bare WeasyPrint on the same HTML under the same simulation: a cold and
a repeat build (new processes; ours and bare alternate within each round, in turn first), the
live preview's PDF after a one-word edit, and the stages of a cold build one after the other.
Then, in a helper process (`--fonts`), the PDF writing with fontTools' own timer
(`fontTools.subset.timer`, at DEBUG) and the save of each subset font timed table by table:
where the time goes by face (each embedded font file) and by table.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks import simulate

BEGIN, END = "<!-- nohb:begin -->", "<!-- nohb:end -->"
PROBE = "import weasyprint.text.ffi as f; print(f.harfbuzz_subset is None)"


# -- the helper: PDF writing, face by face and table by table -------------------------------------

def font_breakdown(folder: Path, cache: Path, inputs: Path | None = None) -> dict:
    """Lay out `folder` (caches as in `cache`), then write its PDF with fontTools' subsetting
    timed: per face, the subsetter's run and the save, fontTools' own timer (its laps), and
    each table's reading (on first use: fontTools reads tables lazily) and writing.
    `inputs`: a folder to keep what each face's subsetting was given (the font, the glyphs),
    for `benchmarks.subset_trials`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from report import pipeline
    from report.layout import pages
    from report.series import resolve

    options = pipeline.Options(cache=cache)
    prepared = pipeline.prepare(folder, options)
    html = pipeline.html_for(prepared, pipeline.figures(prepared, options), web=False)
    allowed = (prepared.doc.folder,) + prepared.series.folders + (resolve.TEMPLATES,)
    document = pages.layout(html, allowed, cache=cache)

    faces: dict[int, dict] = {}  # id of the TTFont → its record
    current: list[dict] = []

    class Laps(logging.Handler):
        def emit(self, record):
            if current and isinstance(record.args, dict) and "time" in record.args:
                current[-1]["timer"] += record.args["time"]

    timer = logging.getLogger("fontTools.subset.timer")
    timer.setLevel(logging.DEBUG)
    timer.addHandler(Laps())
    timer.propagate = False
    real = subset.Subsetter.subset, TTFont.save, TTFont.getTableData, TTFont.__getitem__
    real_subset, real_save, real_data, real_get = real
    reading = []  # the table being read: a table read while another is (loca in glyf) counts to it

    def add(face: dict, key: str, seconds: float) -> None:
        face["tables"][key] = face["tables"].get(key, 0.0) + seconds

    def timed_subset(self, font):
        face = faces[id(font)] = {"face": font["name"].getDebugName(4), "glyphs": font["maxp"].numGlyphs,
                                  "used": len(self.glyph_ids_requested), "subset": 0.0, "save": 0.0,
                                  "timer": 0.0, "tables": {}}
        current.append(face)
        if inputs is not None:
            n = len(faces)
            (inputs / f"{n:02d}.ttf").write_bytes(font.reader.file.getvalue())
            (inputs / f"{n:02d}.json").write_text(json.dumps({"face": face["face"],
                                                              "gids": sorted(self.glyph_ids_requested)}))
        start = time.perf_counter()
        try:
            return real_subset(self, font)
        finally:
            face["subset"] = time.perf_counter() - start
            current.pop()

    def timed_save(self, file, *args, **kwargs):
        face = faces.get(id(self))
        if face is not None:
            current.append(face)
        start = time.perf_counter()
        try:
            return real_save(self, file, *args, **kwargs)
        finally:
            if face is not None:
                face["save"] = time.perf_counter() - start
                current.pop()

    def timed_data(self, tag):
        start = time.perf_counter()
        try:
            return real_data(self, tag)
        finally:
            if current and faces.get(id(self)) is current[-1]:  # compiled for the save
                add(current[-1], f"{tag.strip()}: write", time.perf_counter() - start)

    def timed_get(self, tag):
        face = faces.get(id(self))
        if face is None or reading or tag in self.tables or tag == "GlyphOrder":
            return real_get(self, tag)
        reading.append(tag)
        start = time.perf_counter()
        try:
            return real_get(self, tag)
        finally:
            reading.pop()
            add(face, f"{tag.strip()}: read", time.perf_counter() - start)

    subset.Subsetter.subset, TTFont.save, TTFont.getTableData, TTFont.__getitem__ = (
        timed_subset, timed_save, timed_data, timed_get)
    start = time.perf_counter()
    pages.write(document, pages.PdfOptions())  # as the stages helper writes it
    total = time.perf_counter() - start
    subset.Subsetter.subset, TTFont.save, TTFont.getTableData, TTFont.__getitem__ = real
    return {"write": total, "faces": list(faces.values())}


# -- the run ----------------------------------------------------------------------------------------

def _breakdowns(folder: Path, work: Path, runs: int, env: dict, what: str) -> list[dict]:
    from benchmarks.bench import ROOT

    made = []
    for r in range(runs):
        cache = work / f"cache-fonts-{what}-{r}"
        # charts drawn once into this cache first, so the helper times layout and writing only
        proc = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--fonts", str(folder), "--cache", str(cache)],
                              capture_output=True, text=True, cwd=ROOT, env=env)
        shutil.rmtree(cache, ignore_errors=True)
        if proc.returncode:
            raise SystemExit(f"bench: the fonts helper failed ({what}):\n{proc.stderr}")
        made.append(json.loads(proc.stdout))
    return made


def _per_face(made: list[dict]) -> dict[str, dict]:
    """Medians over the runs, face by face: its glyphs, subset, save, timer and each table's steps."""
    from benchmarks.bench import median

    by_face: dict[str, list[dict]] = defaultdict(list)
    for m in made:
        for face in m["faces"]:
            by_face[face["face"]].append(face)
    return {name: {"used": records[0]["used"], "glyphs": records[0]["glyphs"],
                   **{k: median(f[k] for f in records) for k in ("subset", "save", "timer")}}
            for name, records in by_face.items()}


def _per_table(made: list[dict]) -> dict[str, float]:
    """Each table's step summed over the faces of a run, then the median over the runs."""
    from benchmarks.bench import median

    steps: dict[str, list[float]] = defaultdict(list)
    for m in made:
        summed: dict[str, float] = defaultdict(float)
        for face in m["faces"]:
            for key, value in face["tables"].items():
                summed[key] += value
        for key, value in summed.items():
            steps[key].append(value)
    return {key: median(values) for key, values in steps.items()}


def breakdown_tables(before: list[dict], now: list[dict]) -> tuple[list[list[str]], list[list[str]], dict]:
    """The face table and the table table: WeasyPrint's own way, and the builder's now."""
    from benchmarks.bench import median, secs

    write = {"before": median(m["write"] for m in before), "now": median(m["write"] for m in now)}
    faces, faces_now = _per_face(before), _per_face(now)
    face_rows = []
    for name, f in sorted(faces.items(), key=lambda kv: -(kv[1]["subset"] + kv[1]["save"])):
        n = faces_now.get(name)
        face_rows.append([name, f"{f['used']} of {f['glyphs']}", secs(f["subset"]), secs(f["save"]),
                          f"{100 * (f['subset'] + f['save']) / write['before']:.0f} %",
                          secs(n["subset"] + n["save"]) if n else "—"])
    steps, steps_now = _per_table(before), _per_table(now)
    table_rows = [[f"`{key.split(': ')[0]}`: {key.split(': ')[1]}", secs(value),
                   f"{100 * value / write['before']:.0f} %", secs(steps_now.get(key, 0.0))]
                  for key, value in sorted(steps.items(), key=lambda kv: -kv[1]) if value >= 0.005]
    laps = [median(sum(f["timer"] for f in m["faces"]) for m in runs) for runs in (before, now)]
    table_rows.append(["fontTools' own timer (`fontTools.subset.timer`), all its laps: they include the reads "
                       "made inside them", secs(laps[0]), f"{100 * laps[0] / write['before']:.0f} %", secs(laps[1])])
    totals = {"write": write, "fonttools": {k: sum(f["subset"] + f["save"] for f in v.values())
                                            for k, v in (("before", faces), ("now", faces_now))}}
    return face_rows, table_rows, totals


def run_no_harfbuzz(runs: int | None, keep: bool, readme: bool) -> int:
    import platform

    from benchmarks.bench import (BARE, GUEST, ROOT, Row, _log, _ours, checked, compile_bytecode, copy_document,
                                  dump_for_bare, measure, median, paired, preview_latency, secs, table,
                                  write_readme)
    from report.layout.pages import NO_HARFBUZZ_NOTICE
    from report.workers import cores

    runs = runs or 5
    edits = 4  # each of four preview sessions
    with_harfbuzz = {k: v for k, v in os.environ.items()}
    simulated = simulate.without_harfbuzz_subset(with_harfbuzz)
    probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=simulated)
    if probe.stdout.strip() != "True":
        raise SystemExit(f"bench: the simulation did not take: WeasyPrint found the subsetter\n{probe.stderr}")
    os.environ.update(simulated)  # every process from here on: ours, bare, helpers, the preview
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="report-nohb-"))
    started = time.perf_counter()
    load = os.getloadavg()[0]
    name = "Guest Commentary"
    try:
        folder = copy_document(GUEST, work / "docs" / GUEST.name)
        warm = work / "cache-warm"
        bare_args = dump_for_bare(folder, work / "bare", warm)
        out = work / "out"
        first = checked(measure(_ours(folder, out), env={"REPORT_CACHE_DIR": str(warm)}), "warming the caches")
        if NO_HARFBUZZ_NOTICE not in first.stderr:
            raise SystemExit(f"bench: the build did not print its notice under the simulation:\n{first.stderr}")
        got = {"bare": [], "cold": [], "repeat": []}
        for r in range(runs):
            order = ["bare", "cold", "repeat"]
            order = order[r % 3:] + order[:r % 3]  # each first in turn
            _log(f"no HarfBuzz subsetter: round {r + 1} of {runs}: {', '.join(order)}")
            for kind in order:
                fresh = work / f"cache-{kind}-{r}"
                if kind == "bare":
                    cmd, env = [sys.executable, "-c", BARE, *bare_args], None
                else:
                    cmd, env = _ours(folder, out), {"REPORT_CACHE_DIR": str(warm if kind == "repeat" else fresh)}
                got[kind].append(checked(measure(cmd, env=env), f"{kind} build"))
                shutil.rmtree(fresh, ignore_errors=True)
        b = median(r.seconds for r in got["bare"])
        c, w = (median(r.seconds for r in got[k]) for k in ("cold", "repeat"))
        cr, wr = (paired(got[k], got["bare"], "seconds") for k in ("cold", "repeat"))
        _log("live preview, one-word edits: sessions without and with the subsetter, alternated")
        pdf_s: dict[str, list[float]] = {"without": [], "with": []}
        sessions = min(runs, 2)
        for r in range(sessions):
            for side in ("without", "with") if r == 0 else ("with", "without"):
                os.environ.clear()
                os.environ.update(simulated if side == "without" else with_harfbuzz)
                preview = copy_document(GUEST, work / f"preview-{side}-{r}" / GUEST.name)
                pdf_s[side] += preview_latency(preview, work / f"preview-out-{side}-{r}", warm, edits)[1]
        os.environ.clear()
        os.environ.update(simulated)
        p, p_hb = median(pdf_s["without"]), median(pdf_s["with"])
        rows = [
            Row(f"{name}: cold build, new process, empty caches", secs(c), f"{secs(b)} (bare)", cr, "≤ 1.2",
                cr <= 1.2),
            Row(f"{name}: repeat build, new process, warm caches", secs(w), f"{secs(b)} (bare)", wr, "≤ 1.05",
                wr <= 1.05),
            Row(f"live preview ({name}): saved edit → PDF written", secs(p),
                f"{secs(p_hb)} (with libharfbuzz-subset0)", p / p_hb, "≤ 1 s", p <= 1.0),
        ]
        _log("no HarfBuzz subsetter: stages of a cold build, one after the other")
        stage_runs = []
        for r in range(min(runs, 3)):
            fresh = work / f"cache-stages-{r}"
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--stages", str(folder),
                                   "--cache", str(fresh)], capture_output=True, text=True, cwd=ROOT)
            total = time.perf_counter() - start
            shutil.rmtree(fresh, ignore_errors=True)
            if proc.returncode:
                raise SystemExit(f"bench: the stages helper failed:\n{proc.stderr}")
            stage_runs.append(json.loads(proc.stdout) | {"total": total})
        stage_total = median(s["total"] for s in stage_runs)
        writing = median(s["PDF writing"] for s in stage_runs)
        _log("PDF writing, face by face and table by table, with and without the subsetter")
        before = _breakdowns(folder, work, min(runs, 3), {**simulated, "REPORT_SPEEDUPS": "0"}, "weasyprint")
        now = _breakdowns(folder, work, min(runs, 3), simulated, "now")
        withhb = _breakdowns(folder, work, min(runs, 3), with_harfbuzz, "harfbuzz")
        face_rows, table_rows, totals = breakdown_tables(before, now)
        write_hb = median(m["write"] for m in withhb)
    finally:
        _log(f"kept {work}") if keep else shutil.rmtree(work, ignore_errors=True)

    import weasyprint

    about = (f"Run without libharfbuzz-subset0 (simulated, every process): medians of {runs} rounds "
             f"(stages and fonts: {min(runs, 3)}; the preview: {sessions} session(s) each way, alternated, "
             f"{edits} edits each); {cores()} cores, load average {load:.1f} at the start; "
             f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}; "
             f"{time.perf_counter() - started:.0f} s in all.")
    write, fonttools = totals["write"], totals["fonttools"]
    summary = (f"PDF writing: {secs(writing)} of a {secs(stage_total)} cold build, stages one after the other "
               f"({100 * writing / stage_total:.0f} %). In the fonts helper (layout done, the PDF written once): "
               f"{secs(write['before'])} the way WeasyPrint 70 does it (`REPORT_SPEEDUPS=0`), of which fontTools "
               f"{secs(fonttools['before'])} ({100 * fonttools['before'] / write['before']:.0f} %); "
               f"{secs(write['now'])} as the builder does it now, of which fontTools {secs(fonttools['now'])}; "
               f"{secs(write_hb)} with libharfbuzz-subset0.")
    text = [about, "", table(rows, ["measurement", "ours", "compared with", "ratio", "goal", "met?"]), "", summary,
            "", "By face (each embedded font file: fontTools' `Subsetter.subset`, then its save), the way "
                "WeasyPrint 70 does it, and as the builder does it now:", "",
            table(face_rows, ["face", "glyphs used", "subset", "save", "share of PDF writing", "now: subset + save"]),
            "", "By table, over all faces: each table read (on first use; fontTools reads lazily) and written "
                "(compiled in the save), 5 ms or more:", "",
            table(table_rows, ["table: step", "WeasyPrint 70's way", "share of PDF writing", "now"])]
    output = "\n".join(text)
    print(output)
    if readme:
        write_readme(output, begin=BEGIN, end=END)
    return 0
