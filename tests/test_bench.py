"""Performance: the benchmark runs and reports; the caches are hit; -j and the chart
helper change no byte; `--check` and `--help` load neither WeasyPrint nor matplotlib."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GUEST, ROOT, run, write_doc

SMALL = """
series: sceeus-guest-commentary
number: {number}
year: 2025
title: A Small Document for the Cache
authors:
  - name: Test Author
summary: A short summary.
"""
BODY = "## Section\n\nSome text, then a chart.\n\n![Trade](chart:c)\n\nMore text.\n"
CHARTS = "c:\n  type: bar\n  unit: units\n  x: [2021, 2022]\n  series:\n    A: [1, 2]\n    B: [2, 0.5]\n"


def small(folder: Path, number: int = 1) -> Path:
    return write_doc(folder, SMALL.format(number=number), BODY, charts__yaml=CHARTS)


@pytest.mark.slow  # builds PDFs
def test_quick_benchmark_runs_and_reports():
    result = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "| measurement | ours | compared with | ratio | goal | met? |" in out
    for row in ("cold build, new process, empty caches", "repeat build, new process, warm caches",
                "peak memory, cold build", "warm rebuild in watch mode after a one-word edit",
                "-j 2", "`--check`", "`--help`", "saved edit → shown in the browser", "saved edit → PDF written",
                "cold build against bare + the placement's layouts: 1 layouts (first"):
        assert row in out, row
    for stage in ("load and check", "charts: draw", "HTML", "layout: fonts, CSS, pages", "PDF writing"):
        assert f"| {stage} |" in out, stage
    assert "goals met" in result.stderr


def test_the_bench_makes_a_document_of_thirty_figures_each_its_own_chart(tmp_path):
    import yaml

    from benchmarks import bench
    from report.errors import Problems
    from report.source import chartspec

    folder = bench.CASES["figures30"][1](tmp_path / "figures30")
    called = re.findall(r"!\[[^\]]+\]\(chart:([^)]+)\)", (folder / "document.md").read_text(encoding="utf-8"))
    assert len(called) == len(set(called)) == 30
    assert set(called) <= set(chartspec.load_charts(folder, Problems()))
    assert len(yaml.safe_load((folder / "charts.yaml").read_text(encoding="utf-8"))) == 30


@pytest.mark.slow  # builds PDFs
@pytest.mark.layout
def test_repeat_build_hits_the_chart_cache_and_makes_no_font_instance(tmp_path, monkeypatch):
    """The shipped fonts are static files: WeasyPrint embeds them as they are, no build turns a
    variable font into a static one. A cached chart is not drawn again."""
    from weasyprint.pdf import fonts as weasy_fonts

    from report.render import charts
    from report import workers as helpers
    from report import pipeline

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(weasy_fonts, "instantiateVariableFont", no_drawing)
    monkeypatch.setattr(helpers, "side_by_side", lambda: False)  # drawn here, not by a helper
    doc = small(tmp_path / "doc")
    options = pipeline.Options(out_dir=tmp_path / "out", cache=tmp_path / "cache")
    first = pipeline.build(doc, options).paths[0].read_bytes()
    assert len(list((tmp_path / "cache" / "charts").glob("*.svg"))) == 1
    monkeypatch.setattr(charts, "draw", no_drawing)
    second = pipeline.build(doc, options).paths[0].read_bytes()
    assert second == first


@pytest.mark.slow  # builds PDFs
def test_jobs_and_the_chart_helper_change_no_byte(tmp_path):
    """-j 1 with a cold cache (charts drawn by the helper process, swapped in after layout) and
    -j 2 with another cold cache (charts drawn in the workers) write the same files."""
    docs = [small(tmp_path / f"doc-{n}", n) for n in (1, 2)]
    one = run(*docs, "-o", tmp_path / "one", "-j", "1", env={"REPORT_CACHE_DIR": str(tmp_path / "c1")})
    assert one.returncode == 0, one.stderr
    two = run(*docs, "-o", tmp_path / "two", "-j", "2", env={"REPORT_CACHE_DIR": str(tmp_path / "c2")})
    assert two.returncode == 0, two.stderr
    for doc in docs:
        name = doc.name + ".pdf"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


@pytest.mark.slow  # builds PDFs
def test_cold_build_with_the_helper_equals_a_warm_build(tmp_path):
    doc = shutil.copytree(GUEST, tmp_path / GUEST.name)
    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    cold = run(doc, "-o", tmp_path / "cold", "-v", env=env)
    assert cold.returncode == 0, cold.stderr
    warm = run(doc, "-o", tmp_path / "warm", env=env)
    assert warm.returncode == 0, warm.stderr
    name = GUEST.name + ".pdf"
    assert (tmp_path / "cold" / name).read_bytes() == (tmp_path / "warm" / name).read_bytes()


@pytest.mark.parametrize("args", [["--help"], [str(GUEST), "--check"]])
def test_help_and_check_import_neither_weasyprint_nor_matplotlib(args):
    result = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "weasyprint" not in imported
    assert "matplotlib" not in imported
    assert "numpy" not in imported


@pytest.mark.slow  # builds PDFs
@pytest.mark.layout
def test_swap_images_draws_the_real_chart_or_stops_on_another_size(tmp_path):
    from report.render import charts
    from report import internals
    from report.layout import pages as pdf
    from report.model import ChartStyle, Html

    style = ChartStyle(font_family="Source Sans 3", font_file=ROOT / "styles/base/fonts/SourceSans3-Regular.ttf",
                       font_size=8.5, colors=("#000000",), text="#000000", muted="#666666",
                       highlight="#ff0000", width_in=5.0)
    url = "report:chart-x.svg"
    html = Html(text=f'<html lang="en"><head><title>x</title></head><body><img src="{url}" alt="x"></body></html>', base_url=tmp_path.as_uri() + "/",
                stylesheets=(), resources={url: (charts.placeholder(style), "image/svg+xml")})

    def pdf_of(svg: bytes) -> bytes:
        document = pdf.layout(html, (tmp_path,))
        assert internals.swap_images(document, {url: lambda: svg})
        return pdf.write(document, pdf.PdfOptions(variant=None))

    assert not internals.swap_images(pdf.layout(html, (tmp_path,)), {"report:chart-other.svg": bytes})
    square = charts.placeholder(style).replace(b"<!--", b'<rect width="100" height="50" fill="#ff0000"/><!--')
    assert pdf_of(square) != pdf_of(charts.placeholder(style))
    with pytest.raises(internals.ImageSizeChanged):
        pdf_of(charts.placeholder(ChartStyle(**{**style.__dict__, "width_in": 6.0})))


def test_placeholder_has_the_size_of_a_drawn_chart():
    import re

    from report.render import charts
    from test_charts import SAMPLES, STYLE

    head = re.compile(rb'width="([^"]+)" height="([^"]+)" viewBox="([^"]+)"')
    assert head.search(charts.draw(SAMPLES["bar"], STYLE)).groups() == head.search(charts.placeholder(STYLE)).groups()


def test_fast_library_lookup_finds_what_ctypes_finds():
    import ctypes.util

    from report.internals.libraries import find_library

    for name in ("pango-1.0", "harfbuzz", "fontconfig", "gobject-2.0", "no-such-library-xyz"):
        assert find_library(name) == ctypes.util.find_library(name), name


LOW_MEMORY_BUILD = """
import os, sys
from pathlib import Path
from report import pipeline

forks = []
real_fork = os.fork
def fork():
    pid = real_fork()
    if pid:
        forks.append(pid)
    return pid
os.fork = fork
doc, out, cache = map(Path, sys.argv[1:])
pipeline.build(doc, pipeline.Options(out_dir=out, cache=cache, low_memory=True))
print(len(forks), "matplotlib" in sys.modules, len(list((cache / "charts").glob("*.svg"))))
"""


@pytest.mark.slow  # builds PDFs
@pytest.mark.layout
def test_low_memory_mode_draws_apart_and_changes_no_byte(tmp_path):
    """--low-memory: one helper (the charts), gone before WeasyPrint arrives, so matplotlib is
    never loaded in the builder; no font helper; the same PDF as a default build."""
    doc = small(tmp_path / "doc")
    lean = subprocess.run([sys.executable, "-c", LOW_MEMORY_BUILD, doc, tmp_path / "lean", tmp_path / "c1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert lean.returncode == 0, lean.stderr
    assert lean.stdout.split() == ["1", "False", "1"]
    default = run(doc, "-o", tmp_path / "default", env={"REPORT_CACHE_DIR": str(tmp_path / "c2")})
    assert default.returncode == 0, default.stderr
    flag = run(doc, "-o", tmp_path / "flag", "--low-memory", env={"REPORT_CACHE_DIR": str(tmp_path / "c3")})
    assert flag.returncode == 0, flag.stderr
    pdfs = [(tmp_path / d / "doc.pdf").read_bytes() for d in ("lean", "default", "flag")]
    assert pdfs[0] == pdfs[1] == pdfs[2]


def test_available_memory_is_the_smaller_of_machine_and_container(tmp_path):
    from report import workers as helpers

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       4000000 kB\nMemFree:         100000 kB\nMemAvailable:    2000000 kB\n")
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    (cgroup / "memory.max").write_text("max\n")
    assert helpers.available_bytes(meminfo, cgroup) == 2000000 * 1024
    (cgroup / "memory.max").write_text(f"{768 << 20}\n")
    (cgroup / "memory.current").write_text(f"{256 << 20}\n")
    assert helpers.available_bytes(meminfo, cgroup) == 512 << 20
    assert helpers.available_bytes(tmp_path / "none", tmp_path / "none") is None
    assert helpers.memory_is_short(512 << 20) and not helpers.memory_is_short(2 << 30)


@pytest.mark.slow  # builds PDFs
def test_short_memory_turns_low_memory_mode_on_and_says_so(tmp_path, monkeypatch, capsys):
    from report.commands import cli
    from report import workers as helpers
    from report import pipeline

    monkeypatch.setattr(helpers, "available_bytes", lambda *a: 500 << 20)
    seen = []
    real_build = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda folder, options: seen.append(options.low_memory)
                        or real_build(folder, options))
    monkeypatch.setenv("REPORT_CACHE_DIR", str(tmp_path / "cache"))
    doc = small(tmp_path / "doc")
    assert cli.main([str(doc), "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    assert "500 MB of memory free: building in low-memory mode (see --low-memory)\n" in capsys.readouterr().err
    assert cli.main([str(doc), "-o", str(tmp_path / "out"), "-j", "1", "-q", "--force"]) == 0
    assert capsys.readouterr().err == ""
    assert seen == [True, True]


@pytest.mark.layout
def test_compiled_templates_are_not_kept_for_the_next_process(tmp_path, monkeypatch):
    """Jinja's bytecode cache is pickled code: the cache folder never holds it, and a new
    process compiles the templates again, to the same page."""
    import jinja2

    from report import cache, pipeline

    doc = small(tmp_path / "doc")
    options = pipeline.Options(out_dir=tmp_path / "out", cache=tmp_path / "cache")
    prepared = pipeline.prepare(doc, options)
    first = pipeline.html_for(prepared, (), web=True, cache=options.cache).text
    assert not [p for p in (tmp_path / "cache").rglob("*") if "jinja" in p.name]

    compiled = []
    real_compile = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, *a, **k: compiled.append(1) or real_compile(self, *a, **k))
    cache.forget()  # a new process: only the files on disk
    assert pipeline.html_for(prepared, (), web=True, cache=options.cache).text == first
    assert compiled


FFI_PROCESS = """
import sys
from pathlib import Path
from report import pipeline

doc, out, cache = map(Path, sys.argv[1:])
pipeline.build(doc, pipeline.Options(out_dir=out, cache=cache))
import weasyprint.text.ffi as wp
print(type(wp.ffi).__module__, "pycparser" in sys.modules)
"""


def _ffi_build(doc: Path, out: Path, cache: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-c", FFI_PROCESS, doc, out, cache], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.split()


@pytest.mark.slow  # builds PDFs
@pytest.mark.layout
def test_weasyprints_c_declarations_are_parsed_once_and_change_no_byte(tmp_path):
    """The first process parses WeasyPrint's declarations (cffi's parser, pycparser) and keeps
    them as an out-of-line module; the next one loads that and never imports the parser. A
    damaged module is parsed again and replaced. The PDF is the same each time."""
    doc = small(tmp_path / "doc")
    cache = tmp_path / "cache"
    assert _ffi_build(doc, tmp_path / "a", cache) == ["cffi.api", "True"]
    kept = list((cache / "weasyprint-ffi").iterdir())
    assert [p.suffix for p in kept] == [".py"]
    assert _ffi_build(doc, tmp_path / "b", cache) == ["_cffi_backend", "False"]
    kept[0].write_text("this is not Python")
    assert _ffi_build(doc, tmp_path / "c", cache) == ["cffi.api", "True"]
    assert list((cache / "weasyprint-ffi").iterdir()) == kept and "_cffi_backend" in kept[0].read_text()
    assert _ffi_build(doc, tmp_path / "d", cache) == ["_cffi_backend", "False"]
    pdfs = {(tmp_path / d / "doc.pdf").read_bytes() for d in "abcd"}
    assert len(pdfs) == 1


@pytest.mark.slow  # builds PDFs
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_several_documents_show_progress_unless_quiet(tmp_path, jobs):
    """Each document: "building DOC …" when it starts, "DOC: built in N.N s" when it is done
    (with -j 2, the third begins as one of the first two finishes); -q prints none of it."""
    import re

    docs = [small(tmp_path / f"doc-{n}", n) for n in (1, 2, 3)]
    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    result = run(*docs, "-o", tmp_path / "out", "-j", jobs, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for doc in docs:
        begun = lines.index(f"building {doc} …")
        done = [i for i, line in enumerate(lines) if re.fullmatch(rf"{re.escape(str(doc))}: built in \d+\.\d s", line)]
        assert len(done) == 1 and begun < done[0], lines
    # and after each, the count of documents done and the time left; at the end, the summary
    counted = [line for line in lines if line.startswith(("progress:", "summary:"))]
    assert [re.sub(r", about .* left$", ", about … left", line) for line in counted] == [
        "progress: 1 of 3 done, 0 failed, about … left", "progress: 2 of 3 done, 0 failed, about … left",
        "progress: 3 of 3 done, 0 failed", "summary: 3 built, 0 up to date, 0 failed"]
    assert len(lines) == 10, lines
    assert sorted(result.stdout.split()) == [str(tmp_path / "out" / f"doc-{n}.pdf") for n in (1, 2, 3)]
    quiet = run(*docs, "-o", tmp_path / "quiet", "-j", jobs, "-q", env=env)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert len(quiet.stdout.split()) == 3


def test_a_declaration_cache_falls_back_to_cffi_for_what_it_was_not_made_for(tmp_path):
    """One plain cdef is served from the kept module; a second one (a later WeasyPrint might
    make it) turns the stand-in into cffi's usual FFI holding every declaration so far."""
    import cffi

    from report.internals.ffi import StandIn

    first = StandIn(cffi.FFI, tmp_path)
    first.cdef("int abs(int);")
    assert type(first.real) is cffi.FFI  # parsed, and kept
    second = StandIn(cffi.FFI, tmp_path)
    second.cdef("int abs(int);")
    assert type(second.real).__module__ == "_cffi_backend"  # from the kept module
    second.cdef("long labs(long);")
    assert type(second.real) is cffi.FFI
    libc = second.dlopen(None)
    assert (libc.abs(-3), libc.labs(-4)) == (3, 4)




def test_one_call_forgets_every_memo_of_the_process():
    """`cache.forget()` is what a new process knows: every memo made with `cache.memo` and every
    dict given to `cache.remember` is empty after it. A bare lru_cache would escape it: only
    the font configuration (one a process, on purpose) is one."""
    import re

    from report import cache, languages
    from report.layout import floats

    languages.catalog("sv")
    floats._settled["x"] = "y"
    assert languages.catalog.cache_info().currsize == 1
    cache.forget()
    assert languages.catalog.cache_info().currsize == 0 and floats._settled == {}
    bare = [(path.relative_to(ROOT).as_posix(), lines[n + 1]) for path in sorted((ROOT / "report").rglob("*.py"))
            for lines in [path.read_text(encoding="utf-8").splitlines()]
            for n, line in enumerate(lines) if re.match(r"\s*@(functools\.)?(lru_)?cache\b", line)]
    assert bare == [("report/layout/pages.py", "def font_config():")]


@pytest.mark.slow
def test_a_second_check_reads_no_font_file_with_fonttools(tmp_path):
    """The fonts' verdicts and character maps are kept by content: the second `--check` of a
    series loads no fontTools, the first one does (so the test can fail)."""
    env = {**os.environ, "REPORT_CACHE_DIR": str(tmp_path / "cache")}
    imported = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), str(GUEST), "--check"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
        assert result.returncode == 0, result.stderr
        imported.append({line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()
                         if line.startswith("import time:")})
    assert "fontTools" in imported[0]
    assert "fontTools" not in imported[1]


def test_against_a_commit_that_is_not_one_says_so_in_one_line():
    result = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--against", "no-such-commit"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == f"--against: 'no-such-commit' is not a commit of {ROOT}\n"


@pytest.mark.slow  # builds the Guest Commentary with two checkouts
def test_against_a_commit_measures_both_side_by_side():
    result = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--against", "HEAD", "--runs", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Against HEAD: medians of 1 rounds, the two alternated in each;")
    assert "| measurement | HEAD | this checkout | this ÷ HEAD |" in lines
    rows = [line for line in lines if line.startswith(("| repeat", "| `--check`", "| warm"))]
    assert [row.split(" |")[0] for row in rows] == [f"| {what}, {kind}" for what in (
        "repeat build of the Guest Commentary (new process, warm caches)",
        "`--check` of the Guest Commentary (new process)",
        "warm rebuild after a one-word edit (in one process, as `--watch`)") for kind in ("wall", "CPU")]
    for row in rows:
        before, now, ratio = (cell.strip() for cell in row.strip("|").split("|")[1:])
        assert before.endswith(" s") and now.endswith(" s") and float(ratio) > 0
    assert "compared with " + subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                             text=True).stdout.strip() in result.stderr


@pytest.mark.slow  # builds PDFs under the simulation, with and without the subsetter
def test_the_bench_without_the_harfbuzz_subsetter_runs_and_reports():
    result = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--no-harfbuzz-subset", "--runs", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Run without libharfbuzz-subset0 (simulated, every process)")
    assert "| Guest Commentary: repeat build, new process, warm caches |" in out
    assert "| face | glyphs used | subset | save | share of PDF writing | now: subset + save |" in out
    assert "| Source Serif 4 Regular | " in out  # a face the Guest Commentary embeds, by name
    assert "| table: step | WeasyPrint 70's way | share of PDF writing | now |" in out
