"""The speed-ups change no byte, a missing optional library fails no build, and no cache made
under other conditions changes what a build writes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import GUEST, ROOT, SERIES_SHIPPED, run

from benchmarks import simulate

from report import cache
from report.commands.record import NAME as RECORD  # what was built: beside the outputs

NOTICE = ("notice: libharfbuzz-subset0 is not installed; fonts are subset the slower way "
          "(Debian/Ubuntu: apt-get install libharfbuzz-subset0)")


def without_harfbuzz_subset(*args, env) -> subprocess.CompletedProcess:
    """`python build.py ARGS` on a machine without libharfbuzz-subset0 (the bench's simulation)."""
    import os
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=simulate.without_harfbuzz_subset({**os.environ, **env}),
                          timeout=600)


@pytest.mark.slow
def test_a_machine_without_the_harfbuzz_subsetter_builds_with_one_notice(tmp_path):
    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    result = without_harfbuzz_subset(GUEST, "-o", tmp_path / "out", "--format", "pdf,print", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(NOTICE) == 1, result.stderr
    assert (tmp_path / "out" / f"{GUEST.name}.pdf").stat().st_size > 0
    assert (tmp_path / "out" / f"{GUEST.name}.print.pdf").stat().st_size > 0


@pytest.mark.slow
def test_the_notice_is_printed_once_a_run_with_several_workers(tmp_path):
    from conftest import MINIMAL, write_doc

    folders = [write_doc(tmp_path / name, MINIMAL) for name in ("one", "two")]
    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    result = without_harfbuzz_subset(*folders, "-j", "2", "-q", "-o", tmp_path / "out", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [NOTICE]


@pytest.mark.slow
def test_fonttools_says_nothing_when_it_subsets_the_pdf_fonts(tmp_path):
    from test_faces import forged_series

    doc = forged_series(tmp_path)
    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    result = without_harfbuzz_subset(doc, "--styles", tmp_path / "styles", "-q", "-o", tmp_path / "out", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [NOTICE]  # and no "'created' timestamp seems very low"


@pytest.mark.slow
def test_caches_made_under_other_conditions_change_no_byte(tmp_path):
    """One cache folder is filled by builds under other conditions (speed-ups off, no HarfBuzz
    subsetter, a SOURCE_DATE_EPOCH, another series with variable fonts); a build with it then
    writes what a build with an empty cache writes."""
    shared = {"REPORT_CACHE_DIR": str(tmp_path / "shared")}
    fills = [
        run(GUEST, "-o", tmp_path / "off", env={**shared, "REPORT_SPEEDUPS": "0"}),
        without_harfbuzz_subset(GUEST, "-o", tmp_path / "nohb", env=shared),
        run(GUEST, "-o", tmp_path / "dated", env={**shared, "SOURCE_DATE_EPOCH": "86400"}),
        run(GUEST, "--series", "example-brief", "-o", tmp_path / "brief", env=shared),
    ]
    for result in fills:
        assert result.returncode == 0, result.stderr
    warm = run(GUEST, "-o", tmp_path / "warm", "--format", "pdf,print,html", env=shared)
    clean = run(GUEST, "-o", tmp_path / "clean", "--format", "pdf,print,html",
                env={"REPORT_CACHE_DIR": str(tmp_path / "empty")})
    assert warm.returncode == 0 and clean.returncode == 0, warm.stderr + clean.stderr
    for suffix in (".pdf", ".print.pdf", ".html"):
        name = GUEST.name + suffix
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


@pytest.mark.slow
@pytest.mark.parametrize("series", [s for s in SERIES_SHIPPED if s != "sceeus-reader"])
def test_every_series_is_the_same_with_the_speedups_off(tmp_path, series):
    outputs = {}
    for switch in ("1", "0"):
        env = {"REPORT_CACHE_DIR": str(tmp_path / f"cache-{switch}"), "REPORT_SPEEDUPS": switch}
        result = run(GUEST, "--series", series, "-o", tmp_path / switch, "--format", "pdf,print,html", env=env)
        assert result.returncode == 0, result.stderr
        outputs[switch] = {p.name: p.read_bytes() for p in (tmp_path / switch).iterdir() if p.name != RECORD}
    assert len(outputs["1"]) == 4 and outputs["1"] == outputs["0"]  # pdf, print, html and its card image


def test_the_switch_turns_the_speedups_off(monkeypatch):
    from report import internals

    monkeypatch.delenv(internals.SWITCH, raising=False)
    assert internals.enabled()
    monkeypatch.setenv(internals.SWITCH, "0")
    assert not internals.enabled()


@pytest.mark.slow
def test_a_variable_font_is_embedded_with_the_same_bytes_on_every_run(tmp_path):
    """example-brief's faces are variable fonts: WeasyPrint makes a static instance of each,
    which must be dated the same on every run (here two runs, seconds apart)."""
    import time

    pdfs = []
    for n in (1, 2):
        result = run(GUEST, "--series", "example-brief", "-o", tmp_path / str(n),
                     env={"REPORT_CACHE_DIR": str(tmp_path / f"cache-{n}")})
        assert result.returncode == 0, result.stderr
        pdfs.append((tmp_path / str(n) / f"{GUEST.name}--example-brief.pdf").read_bytes())
        time.sleep(1.1)
    assert pdfs[0] == pdfs[1]


@pytest.mark.layout
def test_the_cli_knows_every_pdf_variant_weasyprint_has():
    import weasyprint.pdf

    from report.commands.cli import PDF_VARIANTS

    assert sorted(PDF_VARIANTS) == sorted(weasyprint.pdf.VARIANTS)


def test_an_unknown_pdf_variant_is_a_usage_error(tmp_path):
    result = run(GUEST, "-o", tmp_path, "--pdf-variant", "nope")
    assert result.returncode == 2
    assert "--pdf-variant: unknown variant 'nope'; choose from pdf/a-1a," in result.stderr


@pytest.mark.slow
def test_without_the_harfbuzz_subsetter_only_a_few_grey_levels_change(tmp_path):
    """What README.md and docs/maintainers/speed.md say differs without libharfbuzz-subset0:
    the bytes, but not the text, the pages, the fonts named, nor more than a few grey levels."""
    from ctypes.util import find_library

    import pypdfium2
    from PIL import ImageChops

    from conftest import pdf_text

    if find_library("harfbuzz-subset") is None:
        pytest.skip("libharfbuzz-subset0 is not installed: both builds would take the fontTools way")
    env = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    with_it = run(GUEST, "-q", "-o", tmp_path / "hb", env=env)
    without = without_harfbuzz_subset(GUEST, "-q", "-o", tmp_path / "nohb", env=env)
    assert with_it.returncode == 0 and without.returncode == 0, with_it.stderr + without.stderr
    a, b = (tmp_path / side / f"{GUEST.name}.pdf" for side in ("hb", "nohb"))
    assert a.read_bytes() != b.read_bytes()
    assert pdf_text(a) == pdf_text(b)
    first, second = pypdfium2.PdfDocument(str(a)), pypdfium2.PdfDocument(str(b))
    assert len(first) == len(second)
    for i in range(len(first)):
        grey = [pdf[i].render(scale=100 / 72).to_pil().convert("L") for pdf in (first, second)]
        levels = ImageChops.difference(*grey).histogram()
        assert max(k for k, count in enumerate(levels) if count) <= 4, i + 1
        assert sum(levels[1:]) <= 150, i + 1
