"""`python -m benchmarks.subset_trials`: what would make fontTools' subsetting cheaper, face by
face, measured side by side on the faces the Guest Commentary embeds (without
libharfbuzz-subset0, simulated).

First a helper process writes the PDF under the simulation and keeps what each face's
subsetting was given (the font file, the glyph ids: `benchmarks.nohb.font_breakdown`). Then, in
this process, each face is subset as WeasyPrint 70 does it (the same fontTools options) from:

- `as shipped`: the font file as it is;
- `unhinted`: a copy without TrueType hinting (fpgm, prep, cvt, hdmx, VDMX, LTSH and each
  glyph's instructions dropped), made beforehand (not timed): what a cached copy would cost;
- `Latin and Cyrillic`: a copy keeping only the glyphs of the scripts the shipped series set
  (the glyph ids kept in place), made beforehand;
- `remembered`: the per-process cache of subsets (report/internals/subsets.py) on a hit: the
  key (the font's digest, the glyphs) and a look-up.

Each round runs every variant of every face once, in turn first; a variant's figure is the
median over the rounds of its time summed over the faces, and its ratio the median of the
per-round ratios against `as shipped`. The outputs are compared too: the same glyph outlines
for every glyph used, and whether the font program's bytes are the same.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import simulate

HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "VDMX", "LTSH")
# The shipped samples' scripts: Basic Latin to Latin Extended-B, IPA and spacing modifiers,
# combining marks, Cyrillic and its supplement, general punctuation to the letterlike symbols.
SCRIPTS = [*range(0x20, 0x250), *range(0x2B0, 0x370), *range(0x400, 0x530), *range(0x1E00, 0x1F00),
           *range(0x2000, 0x2150), 0x2212, 0x25CC, 0xFB01, 0xFB02]


def subset_like_weasyprint(data: bytes, gids: list[int], *, early: bool = False, epoch: str = "0") -> bytes:
    """What WeasyPrint 70 does without libharfbuzz-subset0 (`Font._fonttools_subset`), default
    options (no hinting, nothing missing); `early`: the tables it drops dropped before
    fontTools reads them (report/internals/subsets.py)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from report.internals.subsets import _early_drops

    os.environ["SOURCE_DATE_EPOCH"] = epoch  # as the builder dates what fontTools saves
    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True,
                             hinting=False, desubroutinize=True, notdef_outline=False)
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=gids)
    font = TTFont(io.BytesIO(data))
    for tag in _early_drops(options, font) if early else ():
        del font[tag]
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def unhinted(data: bytes) -> bytes:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    if "glyf" in font:
        glyf = font["glyf"]
        for name in font.getGlyphOrder():
            glyf[name].removeHinting()
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def scripts_only(data: bytes) -> bytes:
    """The font with the glyphs of `SCRIPTS` only (and what they are composed of, and what the
    layout features reach from them), every glyph id in place."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(retain_gids=True, passthrough_tables=True, layout_features=["*"], name_IDs=["*"],
                             name_languages=["*"], hinting=True, notdef_outline=True, glyph_names=True,
                             legacy_kern=True, layout_closure=True, prune_unicode_ranges=False,
                             recalc_bounds=False, recalc_timestamp=False, drop_tables=[])
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=SCRIPTS)
    font = TTFont(io.BytesIO(data))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def outlines(data: bytes, gids: list[int]) -> list:
    """Each used glyph's outline and advance, as a pen draws them."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    drawn = []
    for gid in gids:
        pen = RecordingPen()
        glyphs[order[gid]].draw(pen)
        drawn.append((gid, glyphs[order[gid]].width, pen.value))
    return drawn


@dataclass
class _Face:  # what the cache's key reads of WeasyPrint's Font
    file_content: bytes
    index: int = 0
    missing: tuple = ()


def capture(work: Path) -> list[tuple[str, bytes, list[int]]]:
    """Each face the Guest Commentary's PDF embeds, as WeasyPrint hands it to fontTools."""
    from benchmarks.bench import GUEST, ROOT, copy_document

    folder = copy_document(GUEST, work / "doc")
    inputs = work / "inputs"
    inputs.mkdir()
    code = ("import sys; from pathlib import Path; from benchmarks.nohb import font_breakdown; "
            "font_breakdown(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))")
    proc = subprocess.run([sys.executable, "-c", code, str(folder), str(work / "cache"), str(inputs)],
                          cwd=ROOT, capture_output=True, text=True, env=simulate.without_harfbuzz_subset())
    if proc.returncode:
        raise SystemExit(f"subset_trials: the capture failed:\n{proc.stderr}")
    faces = []
    for meta in sorted(inputs.glob("*.json")):
        about = json.loads(meta.read_text())
        faces.append((about["face"], meta.with_suffix(".ttf").read_bytes(), about["gids"]))
    return faces


WATCH = """
import json, sys, time
from pathlib import Path
from benchmarks.bench import one_word_edit
from report import pipeline
from report.commands import watch
from report.internals import subsets

class Forgetful(dict):  # the cache off: nothing is kept
    def __setitem__(self, key, value):
        pass

kept = subsets._subsets
folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
builder = watch.Builder([folder], pipeline.Options(out_dir=folder.parent / "out"))
assert builder.build(folder.resolve()).ok
seconds = {"remembered": [], "cut again": []}
cpu = {"remembered": [], "cut again": []}
step = 0
for r in range(rounds):
    for name in (("remembered", "cut again") if r % 2 == 0 else ("cut again", "remembered")):
        subsets._subsets = kept if name == "remembered" else Forgetful()
        one_word_edit(folder, step)
        step += 1
        start = time.process_time()
        result = builder.build(folder.resolve())
        cpu[name].append(time.process_time() - start)
        assert result.ok, result.problems
        seconds[name].append(result.seconds)
print(json.dumps([seconds, cpu]))
"""


def watch_trial(rounds: int) -> list[list[str]]:
    """The rebuild after a one-word edit in a watch-mode process, the subsets remembered or cut
    again, alternated edit by edit (each first in turn)."""
    import statistics

    from benchmarks.bench import GUEST, ROOT, copy_document

    with tempfile.TemporaryDirectory(prefix="report-trials-") as work:
        folder = copy_document(GUEST, Path(work) / GUEST.name)
        proc = subprocess.run([sys.executable, "-c", WATCH, str(folder), str(rounds)], cwd=ROOT, capture_output=True,
                              text=True,
                              env=simulate.without_harfbuzz_subset({**os.environ, "REPORT_CACHE_DIR": f"{work}/cache"}))
    if proc.returncode:
        raise SystemExit(f"subset_trials: the watch trial failed:\n{proc.stderr}")
    seconds, cpu = json.loads(proc.stdout)

    def ratio(times):
        return statistics.median(a / b for a, b in zip(times["remembered"], times["cut again"]))
    return [[name, f"{statistics.median(seconds[name]):.2f} s", f"{statistics.median(cpu[name]):.2f} s",
             f"{ratio(seconds):.2f}, CPU {ratio(cpu):.2f}" if name == "remembered" else "1.00"]
            for name in seconds]


def main(argv: list[str] | None = None) -> int:
    import statistics

    from benchmarks.bench import table
    from report.internals import subsets

    p = argparse.ArgumentParser(prog="python -m benchmarks.subset_trials", description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--watch", action="store_true", help="instead: the watch-mode rebuild, subsets remembered or not")
    args = p.parse_args(argv)
    if args.watch:
        print(f"Watch-mode rebuilds after a one-word edit, {args.rounds} of each, alternated:\n")
        print(table(watch_trial(args.rounds), ["subsets", "rebuild (wall)", "rebuild (CPU)", "against cut again"]))
        return 0
    with tempfile.TemporaryDirectory(prefix="report-trials-") as folder:
        faces = capture(Path(folder))
    copies = {"as shipped": lambda d: d, "unhinted": unhinted, "Latin and Cyrillic": scripts_only}
    given = {name: [make(data) for _, data, _ in faces] for name, make in copies.items()}
    # variant: (the copy subset, tables dropped first)
    variants = {"as shipped": ("as shipped", False), "an unhinted copy": ("unhinted", False),
                "a Latin and Cyrillic copy": ("Latin and Cyrillic", False),
                "GSUB and GPOS dropped first": ("as shipped", True),
                "dropped first, an unhinted copy": ("unhinted", True),
                "dropped first, a Latin and Cyrillic copy": ("Latin and Cyrillic", True)}
    reference = [subset_like_weasyprint(data, gids) for _, data, gids in faces]
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    for (_, data, gids), made in zip(faces, reference):  # the cache as a second PDF of the same faces finds it
        subsets._subsets[subsets._key(_Face(data), gids, False)] = made

    def one(name: str, k: int) -> bytes:
        gids = faces[k][2]
        if name == "remembered":  # what report/internals/subsets.py does on a hit
            return subsets._subsets[subsets._key(_Face(faces[k][1]), gids, False)]
        copy, early = variants[name]
        return subset_like_weasyprint(given[copy][k], gids, early=early)

    names = [*variants, "remembered"]
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            for k in range(len(faces)):
                one(name, k)
            seconds[name].append(time.perf_counter() - start)
    rows = []
    for name in names:
        made = [one(name, k) for k in range(len(faces))]
        same_bytes = made == reference
        same_outlines = all(outlines(m, gids) == outlines(ref, gids)
                            for m, ref, (_, _, gids) in zip(made, reference, faces))
        ratio = statistics.median(a / b for a, b in zip(seconds[name], seconds["as shipped"]))
        sizes = "—" if name == "remembered" else f"{sum(map(len, given[variants[name][0]])) // 1024} KB"
        rows.append([name, sizes, f"{statistics.median(seconds[name]):.3f} s", f"{ratio:.2f}",
                     "yes" if same_outlines else "**no**", "yes" if same_bytes else "no"])
    print(f"{len(faces)} faces ({', '.join(f for f, _, _ in faces)}); {args.rounds} rounds, "
          "each variant in turn first.\n")
    print(table(rows, ["subsetting", "font files given", "all faces", "against as shipped",
                       "same outlines", "same font bytes"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
