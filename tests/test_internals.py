"""The library versions a build runs on, and the one place private names of libraries are used.

- A build (also --watch, --bundle) on a WeasyPrint other than 70.x stops before anything is
  read or written: exit 2, one line naming both versions and the install command. `--check`
  never loads WeasyPrint and runs on any.
- The finishers that keep the PDF's promises (PDF/UA-1 tags, PDF/X-4 in CMYK) run with the
  speed-ups off too.
- Outside report/internals/, report/ imports only WeasyPrint's documented modules, and no
  private name of WeasyPrint, pydyf, cffi, pyphen or matplotlib.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, run, write_doc
from report import internals

# -- the version check ----------------------------------------------------------------------------


@pytest.mark.parametrize("installed, accepted", [
    ("70.0", True), ("70.1", True), ("70.2.1", True), ("70.0rc1", True),
    ("71.0", False), ("69.0", False), ("68.1", False), ("66.0", False), ("7.0", False), ("700.0", False),
])
def test_weasyprint_70_and_its_patch_releases_are_supported(installed, accepted):
    assert internals.supported(installed) is accepted


def with_weasyprint(tmp_path: Path, version: str, package: bool) -> dict:
    """The environment of a build that sees WeasyPrint `version` installed: its metadata, and
    with `package` a stand-in module, first on the path."""
    fake = tmp_path / "site"
    info = fake / f"weasyprint-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: weasyprint\nVersion: {version}\n")
    if package:
        (fake / "weasyprint").mkdir()
        (fake / "weasyprint" / "__init__.py").write_text(f'VERSION = __version__ = "{version}"\n')
    path = os.pathsep.join(filter(None, [str(fake), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def build(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600)


REFUSED_66 = ("error: WeasyPrint 66.0 is installed, but this builder is tested with WeasyPrint 70: "
              "pip install 'weasyprint>=70,<71'\n")


@pytest.mark.parametrize("how", ["build", "watch", "bundle"])
@pytest.mark.slow
def test_another_weasyprint_stops_a_build_with_one_line(tmp_path, how):
    env = with_weasyprint(tmp_path, "66.0", package=True)
    folder = write_doc(tmp_path / "doc", MINIMAL)
    reader = tmp_path / "reader.yaml"
    reader.write_text("title: A reader\n")
    args = {"build": [folder], "watch": ["--watch", folder], "bundle": ["--bundle", reader]}[how]
    result = build(*args, "-o", tmp_path / "out", env=env)
    assert (result.returncode, result.stderr, result.stdout) == (2, REFUSED_66, "")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_check_runs_on_any_weasyprint(tmp_path):
    env = with_weasyprint(tmp_path, "66.0", package=True)
    folder = write_doc(tmp_path / "doc", MINIMAL)
    result = build(folder, "--check", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"{folder}: ok\n"


def test_no_weasyprint_at_all_says_how_to_install_it(tmp_path):
    """Here the check is called in a process whose metadata search finds no WeasyPrint."""
    code = ("import importlib.metadata as m\n"
            "def missing(name):\n"
            "    raise m.PackageNotFoundError(name)\n"
            "m.version = m.distribution = missing\n"
            "from report import internals\n"
            "print(internals.check_versions())\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout == ("error: WeasyPrint is not installed; this builder is tested with WeasyPrint 70: "
                             "pip install 'weasyprint>=70,<71'\n"), result.stderr


@pytest.mark.layout
@pytest.mark.slow
def test_a_patch_release_of_70_builds(tmp_path):
    """Metadata saying 70.1 in front of the installed 70.0 package: the check lets it through."""
    env = with_weasyprint(tmp_path, "70.1", package=False)
    folder = write_doc(tmp_path / "doc", MINIMAL)
    result = build(folder, "-q", "-o", tmp_path / "out", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "doc.pdf").read_bytes().startswith(b"%PDF")


# -- the finishers are no speed-ups ---------------------------------------------------------------

@pytest.mark.slow
def test_the_finishers_run_with_the_speedups_off(tmp_path):
    import pypdf

    folder = write_doc(tmp_path / "doc", MINIMAL)
    result = run(folder, "-q", "-o", tmp_path / "out", "--format", "pdf,print", env={"REPORT_SPEEDUPS": "0"})
    assert result.returncode == 0, result.stderr
    screen = pypdf.PdfReader(tmp_path / "out" / "doc.pdf")
    # finish_tags: the running footer is a pagination artifact, out of the structure tree
    assert re.search(rb"/Artifact\s+<</Type /Pagination>>\s+BDC", screen.pages[0].get_contents().get_data())
    press = pypdf.PdfReader(tmp_path / "out" / "doc.print.pdf")
    # to_press: PDF/X-4 in CMYK, no RGB colour operator left
    intent = press.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert not any(line.endswith((b" rg", b" RG")) for page in press.pages
                   for line in page.get_contents().get_data().splitlines())


# -- private names stay in report/internals -------------------------------------------------------

LIBRARIES = {"weasyprint", "pydyf", "cffi", "_cffi_backend", "pyphen", "matplotlib"}
# WeasyPrint 70's documented API (docs/api_reference.rst): the package, and these modules.
PUBLIC_WEASYPRINT = {"weasyprint", "weasyprint.document", "weasyprint.urls", "weasyprint.text.fonts",
                     "weasyprint.css.counters"}
PUBLIC_NAMES = {"HTML", "CSS", "Attachment", "Document", "Page", "default_url_fetcher", "DEFAULT_OPTIONS",
                "VERSION", "__version__"}
# Names no public API has, reached by attribute or by string (a style key, getattr): each was
# once used outside internals, and must not come back.
PRIVATE = {"_page_box", "ttflist", "_findfont_cached", "justification_spacing", "text_align_all",
           "hyphenate_character", "Kids", "_svg", "_base_url", "replacement",
           # the box tree's geometry and names: read through internals.boxes (margin_box, tag_of, css …)
           "position_x", "position_y", "margin_height", "margin_width", "border_box_x", "border_box_y",
           "border_width", "border_height", "content_box_x", "content_box_y", "element_tag", "descendants",
           "border_bottom_width", "is_header", "is_footer", "page_type"}
LOG_WORDS = ("Using fontTools instead of HarfBuzz-Subset",)  # matched in internals/logs.py only


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _module_allowed(module: str) -> bool:
    root, *parts = module.split(".")
    if root not in LIBRARIES:
        return True
    if any(_private(p) for p in [root, *parts]):
        return False
    if root == "weasyprint":
        return module in PUBLIC_WEASYPRINT
    if root == "matplotlib":
        return True  # its public modules are many; private ones start with "_"
    return not parts  # pydyf, cffi, pyphen: the package itself


def reaches(source: str) -> list[str]:
    """Where `source` (a module outside report/internals) uses a library's private side."""
    tree = ast.parse(source)
    bound: dict[str, str] = {}  # local name → the library module or name it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _module_allowed(alias.name):
                    found.append(f"line {node.lineno}: import {alias.name}")
                root = alias.name.split(".")[0]
                if root in LIBRARIES:
                    bound[alias.asname or root] = alias.name if alias.asname else root
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in LIBRARIES:
                continue
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if node.module == "weasyprint":
                    ok = alias.name in PUBLIC_NAMES or full in PUBLIC_WEASYPRINT
                else:
                    ok = (_module_allowed(node.module) and not _private(alias.name)) or full in PUBLIC_WEASYPRINT
                if not ok:
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                bound[alias.asname or alias.name] = full
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [], node
            while isinstance(base, ast.Attribute):
                chain.insert(0, base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                path = bound[base.id]
                if any(_private(part) for part in chain):
                    found.append(f"line {node.lineno}: {base.id}.{'.'.join(chain)}")
                elif path == "weasyprint" and chain[0] not in PUBLIC_NAMES and not any(
                        ".".join([path, *chain[:k]]) in PUBLIC_WEASYPRINT for k in range(1, len(chain) + 1)):
                    found.append(f"line {node.lineno}: weasyprint.{'.'.join(chain)}")
            if node.attr in PRIVATE:
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in PRIVATE or any(words in node.value for words in LOG_WORDS):
                found.append(f"line {node.lineno}: {node.value!r}")
    return sorted(set(found), key=lambda f: int(f.split(":")[0].split()[1]))


@pytest.mark.slow
def test_private_names_of_libraries_are_used_in_report_internals_only():
    internals_folder = ROOT / "report" / "internals"
    found = {}
    for path in sorted((ROOT / "report").rglob("*.py")):
        if internals_folder in path.parents:
            continue
        problems = reaches(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(ROOT))] = problems
    assert found == {}


@pytest.mark.parametrize("line", [
    "from weasyprint.formatting_structure import boxes",
    "import weasyprint.text.line_break",
    "from weasyprint.images import RasterImage",
    "from weasyprint import images",
    "import weasyprint\nweasyprint.images.RasterImage",
    "import pydyf.pdf",
    "from cffi import _backend",
    "from pyphen import _dictionaries",
    "from matplotlib import font_manager\nfont_manager.fontManager._findfont_cached",
    "from matplotlib import font_manager\nfont_manager.fontManager.ttflist",
    "from matplotlib._api import check_in_list",
    "def f(page):\n    return page._page_box",
    "def f(box):\n    return box.style['hyphenate_character']",
    "def f(pdf):\n    return pdf.pages['Kids']",
    "def f(message):\n    return message.startswith('Using fontTools instead of HarfBuzz-Subset')",
])
def test_the_check_finds_each_kind_of_reach(line):
    assert reaches(line)


@pytest.mark.parametrize("line", [
    "import weasyprint\nweasyprint.HTML(string='')",
    "from weasyprint.urls import URLFetcher, URLFetcherResponse, FatalURLFetchingError",
    "from weasyprint.text.fonts import FontConfiguration",
    "import pydyf\npydyf.Stream()",
    "import pyphen\npyphen.Pyphen(lang='en')",
    "from matplotlib.ticker import MaxNLocator",
    "from report.internals import boxes\nboxes.is_a(box, 'line')",
])
def test_the_check_lets_public_names_through(line):
    assert reaches(line) == []
