"""A machine without libharfbuzz-subset0: the simulation the bench and these tests use really
takes WeasyPrint's fontTools path, and the subsets fontTools makes are remembered in a process
without changing a byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pikepdf
import pytest

from conftest import GUEST, ROOT, pdf_text, run
from test_speedups import without_harfbuzz_subset as build_without

from benchmarks.simulate import without_harfbuzz_subset
from report.layout.pages import NO_HARFBUZZ_NOTICE
from report.internals import subsets


def simulated(code: str, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env=without_harfbuzz_subset(env), timeout=600)


def test_the_simulation_refuses_the_subsetter_and_nothing_else():
    code = """
import ctypes.util, json, _cffi_backend, cffi
said = {}
for name in ("libharfbuzz-subset.so.0", "libharfbuzz.so.0"):
    for label, ffi in (("cffi", cffi.FFI()), ("out-of-line", _cffi_backend.FFI())):
        try:
            ffi.dlopen(name)
            said[f"{label} {name}"] = "opened"
        except OSError:
            said[f"{label} {name}"] = "refused"
said["find_library"] = [ctypes.util.find_library(n) is not None for n in ("harfbuzz-subset", "harfbuzz")]
print(json.dumps(said))
"""
    result = simulated(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cffi libharfbuzz-subset.so.0": "refused", "out-of-line libharfbuzz-subset.so.0": "refused",
        "cffi libharfbuzz.so.0": "opened", "out-of-line libharfbuzz.so.0": "opened",
        "find_library": [False, True]}


def _fonts(path) -> dict[str, tuple[bytes, int]]:
    """Each embedded font: its name, and its font program and how many glyphs have an outline."""
    from io import BytesIO

    from fontTools.ttLib import TTFont

    found = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0]
                program = descendant.FontDescriptor.FontFile2.read_bytes()
                glyf = TTFont(BytesIO(program))["glyf"]
                drawn = sum(1 for name in glyf.keys() if glyf[name].numberOfContours != 0)
                found[str(font.BaseFont).split("+", 1)[1]] = (program, drawn)
    return found


@pytest.mark.slow
def test_a_build_under_the_simulation_subsets_with_fonttools(tmp_path):
    """The notice is printed, the PDF builds with the same text and the same fonts, each font
    embedded as a subset, and its font programs are not HarfBuzz's."""
    from ctypes.util import find_library

    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    without = build_without(GUEST, "-o", tmp_path / "nohb", env=env)
    assert without.returncode == 0, without.stderr
    assert without.stderr.count(NO_HARFBUZZ_NOTICE) == 1, without.stderr
    with_it = run(GUEST, "-q", "-o", tmp_path / "hb", env=env)
    assert with_it.returncode == 0, with_it.stderr
    a, b = (tmp_path / side / f"{GUEST.name}.pdf" for side in ("hb", "nohb"))
    assert pdf_text(a) == pdf_text(b)
    fonts_hb, fonts_ft = _fonts(a), _fonts(b)
    assert sorted(fonts_hb) == sorted(fonts_ft)
    assert {name.split(",")[0].split("-Semi")[0] for name in fonts_ft} >= {"Source-Serif-4", "Source-Sans-3"}
    for name, (program, drawn) in fonts_ft.items():
        assert 0 < drawn < 400, name  # a subset: a face has 1,093 to 2,478 glyphs
    if find_library("harfbuzz-subset") is not None:  # this machine has it: the two paths differ
        assert any(fonts_hb[n][0] != fonts_ft[n][0] for n in fonts_ft)


@dataclass
class _Font:  # what the key reads of WeasyPrint's font
    file_content: bytes
    index: int = 0
    missing: tuple = ()


def test_a_subset_is_remembered_by_the_fonts_bytes_the_glyphs_and_the_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    key = subsets._key(_Font(b"font one"), {3: "a", 5: "b"}, False)
    assert key == subsets._key(_Font(b"font one"), {5: "b", 3: "a"}, False)
    assert key != subsets._key(_Font(b"font two"), {3: "a", 5: "b"}, False)  # a font replaced
    assert key != subsets._key(_Font(b"font one"), {3: "a"}, False)
    assert key != subsets._key(_Font(b"font one"), {3: "a", 5: "b"}, True)
    assert key != subsets._key(_Font(b"font one", missing=("x",)), {3: "a", 5: "b"}, False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert key != subsets._key(_Font(b"font one"), {3: "a", 5: "b"}, False)


TWICE = """
import json, sys
from pathlib import Path
from fontTools import subset
from report import pipeline
from report.commands import watch

calls = []
real = subset.Subsetter.subset
subset.Subsetter.subset = lambda self, font: calls.append(1) or real(self, font)
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
builder = watch.Builder([folder], pipeline.Options(out_dir=out, formats=("pdf",)))
said = []
for step in range(2):
    if step:
        path = folder / "document.md"
        path.write_text(path.read_text(encoding="utf-8").replace(" the ", " this ", 1), encoding="utf-8")
    result = builder.build(folder.resolve())
    assert result.ok, result.problems
    said.append(len(calls))
    calls.clear()
print(json.dumps(said))
"""


@pytest.mark.slow
def test_an_edit_in_watch_mode_cuts_no_font_again_and_writes_what_a_new_process_writes(tmp_path):
    folder = tmp_path / GUEST.name
    shutil.copytree(GUEST, folder)
    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    result = simulated(TWICE, folder, tmp_path / "watch", env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout)
    assert first > 0 and second == 0  # every face cut on the first build, none after the edit
    fresh = build_without(folder, "-q", "-o", tmp_path / "fresh", env=env)
    assert fresh.returncode == 0, fresh.stderr
    name = f"{GUEST.name}.pdf"
    assert (tmp_path / "watch" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()


def _weasyprint_options(**changes):
    """fontTools' options as WeasyPrint 70 sets them without libharfbuzz-subset0."""
    from fontTools import subset

    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True,
                             hinting=False, desubroutinize=True, notdef_outline=False, **changes)
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    return options


def test_the_layout_tables_are_dropped_first_as_the_subsetter_would_drop_them():
    font = {"GDEF", "GSUB", "GPOS", "kern", "glyf", "cmap"}  # what the rule reads: `tag in font`
    assert subsets._early_drops(_weasyprint_options(), font) == ["GSUB", "GPOS", "kern"]
    assert subsets._early_drops(_weasyprint_options(legacy_kern=True), font) == ["GSUB", "GPOS"]
    assert subsets._early_drops(_weasyprint_options(), {"kern", "glyf"}) == []  # no GPOS: kern is kept
    kept = _weasyprint_options()
    kept.drop_tables.remove("GSUB")
    assert subsets._early_drops(kept, font) == ["GPOS", "kern"]


@pytest.mark.slow
@pytest.mark.parametrize("face", ["SourceSans3-Regular.ttf", "SourceSerif4-Italic.ttf", "NotoNaskhArabic-Regular.ttf"])
def test_dropping_first_writes_the_same_font(face):
    """The subset fontTools writes is the same, byte for byte, whether GSUB and GPOS are
    dropped before it reads them or by its own first step (as WeasyPrint 70 leaves it)."""
    from io import BytesIO

    from fontTools import subset
    from fontTools.ttLib import TTFont

    data = (ROOT / "styles" / "base" / "fonts" / face).read_bytes()
    written = []
    for early in (False, True):
        font = TTFont(BytesIO(data))
        options = _weasyprint_options()
        for tag in subsets._early_drops(options, font) if early else ():
            del font[tag]
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=range(1, 120, 3))
        subsetter.subset(font)
        out = BytesIO()
        font.save(out)
        written.append(out.getvalue())
    assert written[0] == written[1]


@pytest.mark.slow
def test_every_format_is_the_same_as_weasyprints_own_fonttools_subsetting(tmp_path):
    """Under the simulation, a build with the speed-ups (tables dropped first, subsets
    remembered between the screen and print PDFs) writes what WeasyPrint's own way writes."""
    outputs = {}
    for switch in ("1", "0"):
        env = {"REPORT_CACHE_DIR": str(tmp_path / f"cache-{switch}"), "REPORT_SPEEDUPS": switch}
        result = build_without(GUEST, "-q", "-o", tmp_path / switch, "--format", "pdf,print", env=env)
        assert result.returncode == 0, result.stderr
        outputs[switch] = {p.name: p.read_bytes() for p in (tmp_path / switch).glob("*.pdf")}
    assert len(outputs["1"]) == 2 and outputs["1"] == outputs["0"]
