"""Shared fixtures: the repository, a runner for the command line, PDF readers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from report import internals
from report import cache

ROOT = Path(__file__).resolve().parents[1]
GUEST = ROOT / "data" / "sceeus-guest-commentary-2024-08"

# On a WeasyPrint other than the supported one every build stops with exit 2 and one line
# (tests/test_internals.py checks that): the tests that lay out pages are skipped, the rest run.
REFUSED = internals.check_versions()  # the line a build stops with; None on the supported WeasyPrint


def _installed_weasyprint() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("weasyprint")
    except PackageNotFoundError:
        return "(none)"


UNSUPPORTED = (f"WeasyPrint {_installed_weasyprint()} is not supported: builds stop with exit 2 "
               "(tests/test_internals.py checks that)")


def pytest_collection_modifyitems(config, items):
    if REFUSED is None:
        return
    skip = pytest.mark.skip(reason=UNSUPPORTED)
    for item in items:
        if item.get_closest_marker("layout"):
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    # Tests never share the user's chart cache, and never depend on one.
    os.environ["REPORT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _forget_what_the_process_remembered():
    # Each test starts as a new process would: no memo, no parsed sheet, no file digest from another.
    cache.forget()


def run(*args, cwd=ROOT, env=None) -> subprocess.CompletedProcess:
    """`python build.py ARGS` as a user runs it. A build refused for the installed WeasyPrint
    skips the test that asked for it (and every test of a fixture that did)."""
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=cwd,
                            capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)
    return skip_if_refused(result)


def skip_if_refused(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """The result of a `build.py` run; the test skipped where the installed WeasyPrint refused it."""
    if REFUSED is not None and result.returncode == 2 and result.stderr.strip() == REFUSED:
        pytest.skip(UNSUPPORTED)
    return result


def skip_unless_supported() -> None:
    """Skip the calling test or fixture (one that starts builds itself) on an unsupported WeasyPrint."""
    if REFUSED is not None:
        pytest.skip(UNSUPPORTED)


def pdf_text(path: Path) -> list[str]:
    import pypdfium2
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def write_doc(folder: Path, front: str, body: str = "## Section\n\nSome text.\n", **files) -> Path:
    """A document folder in a test's temporary directory."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "document.md").write_text(f"---\n{front.strip()}\n---\n{body}", encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return folder


MINIMAL = """
series: sceeus-guest-commentary
number: 3
year: 2025
title: A Small Test Document
authors:
  - name: Test Author
summary: A short summary.
"""


@pytest.fixture(scope="session")
def guest_pdf(tmp_path_factory) -> Path:
    """The Guest Commentary, built once per test session through the command line."""
    out = tmp_path_factory.mktemp("guest")
    result = run(GUEST, "-o", out)
    assert result.returncode == 0, result.stderr
    return out / "sceeus-guest-commentary-2024-08.pdf"


SERIES_SHIPPED = ("sceeus-commentary", "sceeus-guest-commentary", "sceeus-report", "sceeus-guest-report",
                  "sceeus-quick-comment", "sceeus-reader", "example-brief")


@pytest.fixture(scope="session")
def series_builds(tmp_path_factory):
    """The Guest Commentary in every shipped series, screen and print, with a strict preflight.

    Built once per test session, one build per core side by side; used by the series, golden
    and preflight tests. Each value has `.pdf`, `.print_pdf`, `.returncode`, `.stdout`, `.stderr`.
    """
    from types import SimpleNamespace

    skip_unless_supported()
    out = tmp_path_factory.mktemp("series")
    waiting, running, results = list(SERIES_SHIPPED), {}, {}
    while waiting or running:
        while waiting and len(running) < (os.cpu_count() or 2):
            sid = waiting.pop(0)
            running[sid] = subprocess.Popen(
                [sys.executable, str(ROOT / "build.py"), str(GUEST), "--series", sid, "-q", "-j", "1",
                 "--format", "pdf,print", "--preflight", "--strict", "-o", str(out / sid)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sid, proc = next(iter(running.items()))
        stdout, stderr = proc.communicate(timeout=900)
        del running[sid]
        stem = GUEST.name if sid == "sceeus-guest-commentary" else f"{GUEST.name}--{sid}"  # another series
        results[sid] = SimpleNamespace(pdf=out / sid / f"{stem}.pdf", print_pdf=out / sid / f"{stem}.print.pdf",
                                       returncode=proc.returncode, stdout=stdout, stderr=stderr)
    # Exit 1 with both PDFs written is a strict preflight that found problems: the preflight
    # tests read them; anything else is a failed build.
    failures = {sid: r.stderr for sid, r in results.items()
                if r.returncode != 0 and not (r.returncode == 1 and r.pdf.is_file() and r.print_pdf.is_file())}
    assert not failures, failures
    return results


def untypeset(html: str) -> str:
    """HTML without the typesetter's soft hyphens and unbroken spans (report/render/typeset.py),
    which the PDF's HTML and the web page both carry: the markup as the templates rendered it."""
    html = html.replace("\u00ad", "")
    return re.sub(r'<span class="nobr">((?:(?!</?span\b).)*)</span>', r"\1", html, flags=re.S)
