"""A series for any publisher: its own identity (nothing of SCEEUS leaks), its own page geometry
(the band follows the margins to the edge), every template and asset it names checked, and one
output file per series a document is built in. And the house of the code: no import circle in
report/, packages importing only those below them, the architecture's module table in step with
the files, and reading a document loading neither WeasyPrint nor the preflight."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from conftest import GUEST, ROOT, pdf_text, run

from report.commands import new_series
from report.source import schemas
from report.series import resolve
from report.errors import Problems

STEM = GUEST.name
# A logo is drawn, not typed: shapes only (text in an SVG would need a font of the series).
LOGO_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="12mm" viewBox="0 0 40 12">'
            '<rect width="12" height="12" fill="#ffcc00"/><rect x="16" y="3" width="24" height="6" fill="#ffcc00"/>'
            '</svg>')
YELLOW = (255, 204, 0)


def make_series(tmp_path, sid: str, manifest: str, css: str | None = None, files: dict | None = None) -> tuple:
    folder = tmp_path / "styles" / sid
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "series.yaml").write_text(manifest, encoding="utf-8")
    if css is not None:
        (folder / "style.css").write_text(css, encoding="utf-8")
    for name, data in (files or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return ("--styles", tmp_path / "styles", "--series", sid)


def build(tmp_path, *args, formats="pdf"):
    result = run(GUEST, *args, "-q", "-o", tmp_path / "out", "--format", formats, cwd=tmp_path)
    return result


def texts(path) -> str:
    return " ".join(" ".join(pdf_text(path)).split())


# ---- 1. identity ------------------------------------------------------------------------------

ACME = """\
extends: sceeus-guest-commentary
name: Acme Brief
label: Acme Brief
publisher:
  name: Acme Institute
  short_name: ACME
  website: acme.example
"""


@pytest.mark.slow
def test_a_child_with_its_own_publisher_keeps_nothing_of_sceeus(tmp_path):
    result = build(tmp_path, *make_series(tmp_path, "acme", ACME))
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / f"{STEM}--acme.pdf"
    text = texts(pdf)
    assert "SCEEUS" not in text and "Swedish Institute" not in text  # wordmark, footer, block, disclaimer
    first = pdf_text(pdf)[0].splitlines()
    assert first[0] == "ACME ACME BRIEF"  # the short name stands as the wordmark
    assert "Acme Institute acme.example Acme Brief No. 8, 2024" in text  # the publisher block
    assert all(page.rstrip().endswith("ACME") for page in pdf_text(pdf))  # the running footer


def test_the_publisher_block_is_inherited_whole():
    problems = Problems()
    s = resolve.resolve("sceeus-guest-report", problems)
    assert not problems
    assert s.publisher.name == "Stockholm Centre for Eastern European Studies (SCEEUS)"
    assert s.publisher.lines == ("Stockholm Centre for Eastern European Studies (SCEEUS)",
                                 "The Swedish Institute of International Affairs")
    assert s.publisher.mark == "SCEEUS" and s.publisher.website == "sceeus.se"


def test_a_child_publisher_drops_the_parent_block_and_disclaimer(tmp_path):
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "series.yaml").write_text(ACME, encoding="utf-8")
    problems = Problems()
    s = resolve.resolve("acme", problems, (tmp_path, ROOT / "styles"))
    assert not problems
    assert (s.publisher.name, s.publisher.short_name, s.publisher.wordmark, s.publisher.lines) == (
        "Acme Institute", "ACME", "", ())
    assert s.publisher.block_lines == ("Acme Institute",) and s.publisher.mark == "ACME"
    assert s.disclaimer is None and s.disclaimer_plural is None  # the parent's spoke for SCEEUS


def test_the_old_flat_keys_say_where_they_went(tmp_path):
    args = make_series(tmp_path, "old", "extends: sceeus-commentary\nwordmark: OLD\npublisher: Old Institute\n"
                                        "publisher_short: Old\npublisher_lines: [a]\nwebsite: old.example\n")
    result = run(GUEST, *args, "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "styles/old/series.yaml:2:1: wordmark: moved into the publisher block: publisher: {wordmark: …}",
        "styles/old/series.yaml:3:12: publisher: is a block now: publisher: {name: 'Old Institute', "
        "short_name: …, wordmark: … or logo: …, lines: […], website: …}",
        "styles/old/series.yaml:4:1: publisher_short: moved into the publisher block: publisher: {short_name: …}",
        "styles/old/series.yaml:5:1: publisher_lines: moved into the publisher block: publisher: {lines: …}",
        "styles/old/series.yaml:6:1: website: moved into the publisher block: publisher: {website: …}",
    ]


@pytest.mark.slow
def test_a_missing_or_wrong_logo(tmp_path):
    args = make_series(tmp_path, "logos", "extends: base\npublisher:\n  name: X\n  logo: logo.svg\n")
    result = run(GUEST, *args, "--check", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "styles/logos/series.yaml:4:9: publisher.logo: logo file 'logo.svg' not found in styles/logos"]
    make_series(tmp_path, "logos", "extends: base\npublisher:\n  name: X\n  logo: logo.svg\n", files={"logo.svg": "GIF89a"})
    result = run(GUEST, *args, "--check", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "styles/logos/series.yaml:4:9: publisher.logo: logo 'logo.svg' is not an SVG or PNG file"]


@pytest.mark.slow
def test_an_svg_logo_stands_in_the_masthead_and_the_publisher_block(tmp_path):
    manifest = ACME + "  logo: logo.svg\n"
    result = build(tmp_path, *make_series(tmp_path, "acme", manifest, files={"logo.svg": LOGO_SVG}), formats="pdf,html")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / f"{STEM}--acme.pdf"
    assert pdf_text(pdf)[0].splitlines()[0] == "ACME BRIEF"  # the logo, not the wordmark "ACME"
    pages = pypdfium2.PdfDocument(str(pdf))
    try:
        first, last = (pages[i].render(scale=1).to_pil().convert("RGB") for i in (0, len(pages) - 1))
    finally:
        pages.close()
    masthead = [(x, y) for x in range(0, 200) for y in range(0, 80) if first.getpixel((x, y)) == YELLOW]
    assert masthead and min(x for x, _ in masthead) >= 60  # in the band, at the text's left edge (22 mm)
    assert any(last.getpixel((x, y)) == YELLOW for x in range(last.width) for y in range(300, last.height, 2))
    html = (tmp_path / "out" / f"{STEM}--acme.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/svg+xml;base64,') >= 2 and "file:" not in html  # carried along


@pytest.mark.slow
def test_a_png_logo_without_enough_pixels_is_flagged_by_the_preflight(tmp_path):
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (60, 12), "#ffcc00").save(buffer, "PNG")
    args = make_series(tmp_path, "pixel", ACME + "  logo: logo.png\n", ".wordmark .logo { height: 12mm; }\n",
                       files={"logo.png": buffer.getvalue()})
    result = run(GUEST, *args, "-q", "-o", tmp_path / "out", "--format", "pdf,print", "--preflight", "--strict",
                 cwd=tmp_path)
    assert result.returncode == 1
    logo = "the publisher's logo 'logo.png' (series.yaml publisher.logo) is 60 × 12 px printed"
    assert result.stderr.splitlines() == [
        f"out/{STEM}--pixel.pdf: page 1: {logo} 60 × 12 mm: 25 dpi, needs 96 dpi for screen",
        f"out/{STEM}--pixel.pdf: page 7: {logo} 45 × 9 mm: 34 dpi, needs 96 dpi for screen",  # the publisher block
        f"out/{STEM}--pixel.print.pdf: page 1: {logo} 60 × 12 mm: 25 dpi, needs 300 dpi for print",
        f"out/{STEM}--pixel.print.pdf: page 7: {logo} 45 × 9 mm: 34 dpi, needs 300 dpi for print",
    ]
    # The same logo with pixels for 300 dpi at 60 × 12 mm (709 × 142) passes.
    buffer = io.BytesIO()
    Image.new("RGB", (709, 142), "#ffcc00").save(buffer, "PNG")
    (tmp_path / "styles" / "pixel" / "logo.png").write_bytes(buffer.getvalue())
    result = run(GUEST, *args, "-q", "-o", tmp_path / "out", "--format", "pdf,print", "--preflight", "--strict",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_scaffold_shows_every_key_of_the_publisher_block():
    text = new_series.manifest("my-brief", "base")
    for field in schemas.PUBLISHER.fields:
        assert f"#   {field.name}: " in text, field.name
    for key in ("margins", "rail", "bleed_bands", "page_size"):
        assert f"# {key}: " in text, key


# ---- 3. geometry --------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_readme_page_margins_in_css_are_refused_with_the_key_to_set(tmp_path):
    args = make_series(tmp_path, "framed", "extends: sceeus-commentary\n",
                       ":root { --body-size: 11pt; --rail: 24mm; }\n@page { margin: 25mm 25mm 28mm; }\n")
    result = run(GUEST, *args, "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "styles/framed/style.css:1:28: sets --rail, which series.yaml `rail` gives; set it there",
        "styles/framed/style.css:2:9: @page sets margin: 25mm 25mm 28mm; set the page margins in series.yaml "
        "instead (margins: top right bottom left), so that the masthead band and the running header and "
        "footer follow them",
    ]


def band_edges(pdf_path, page=0, scale=1.0):
    """(top-left pixel, top-right pixel, white rows above the band) of a page at 72 dpi × scale."""
    doc = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = doc[page].render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()
    return image, image.getpixel((0, 0)), image.getpixel((image.width - 1, 0))


NAVY = (22, 40, 74)  # sceeus-commentary primary, #16284a


@pytest.mark.slow
def test_margins_set_in_series_yaml_take_the_band_to_the_edge_and_the_bleed(tmp_path):
    args = make_series(tmp_path, "wide", "extends: sceeus-commentary\nmargins: 25mm 25mm 28mm\nrail: 20mm\n")
    result = run(GUEST, *args, "-q", "-o", tmp_path / "out", "--format", "pdf,print", "--preflight", "--strict",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    image, left, right = band_edges(tmp_path / "out" / f"{STEM}--wide.pdf")
    assert left == right == NAVY  # no white frame round the band
    reader = pypdf.PdfReader(tmp_path / "out" / f"{STEM}--wide.pdf")
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4
    # The text starts 25 mm + the 20 mm rail from the left: the first body line's x.
    doc = pypdfium2.PdfDocument(str(tmp_path / "out" / f"{STEM}--wide.pdf"))
    try:
        textpage = doc[0].get_textpage()
        body = textpage.get_text_range().index("Ukraine’s foreign policy")
        x = textpage.get_charbox(body)[0]
    finally:
        doc.close()
    assert abs(x - 45 * 72 / 25.4) < 1, x
    # In print, the band fills the bleed: just inside the bleed box's top-left corner is navy.
    printed = pypdf.PdfReader(tmp_path / "out" / f"{STEM}--wide.print.pdf").pages[0]
    media, bleed = printed.mediabox, printed.bleedbox
    image, _, _ = band_edges(tmp_path / "out" / f"{STEM}--wide.print.pdf")
    x, y = float(bleed.left) - float(media.left), float(media.top) - float(bleed.top)  # image pixels from top-left
    # The print PDF draws the primary in its press colour (cmyk:), so the band's own colour is the judge.
    band = image.getpixel((image.width // 2, round(y) + 30))
    assert sum(band) < 200  # dark: the band, not paper
    assert image.getpixel((round(x) + 1, round(y) + 1)) == band
    assert image.getpixel((round(x) - 2, round(y) - 2)) == (255, 255, 255)  # the slug outside the bleed


@pytest.mark.slow
def test_bands_that_do_not_bleed_stay_inside_the_margins(tmp_path):
    args = make_series(tmp_path, "inset", "extends: sceeus-commentary\nbleed_bands: false\n")
    result = run(GUEST, *args, "-q", "-o", tmp_path / "out", "--preflight", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    image, left, right = band_edges(tmp_path / "out" / f"{STEM}--inset.pdf")
    assert left == right == (255, 255, 255)
    x = round(22 * 72 / 25.4) + 2  # just inside the left margin, in the band
    assert image.getpixel((x, round(20 * 72 / 25.4) + 5)) == NAVY


@pytest.mark.slow
def test_a_band_moved_short_of_the_edge_is_flagged(tmp_path):
    args = make_series(tmp_path, "short", "extends: sceeus-commentary\n", ".masthead { margin: -17mm -19mm 0; }\n")
    result = run(GUEST, *args, "-q", "-o", tmp_path / "out", "--format", "pdf,print", "--preflight", "--strict",
                 cwd=tmp_path)
    assert result.returncode == 1
    tail = ("a white strip shows (series.yaml `margins` and `bleed_bands` place the bands; a style.css that "
            "moves one must take it to the edge)")
    assert result.stderr.splitlines() == [
        f"out/{STEM}--short.pdf: page 1: the band '.masthead' leaves the text area but stops 3 mm short of the "
        f"page edge at the top, right and left: {tail}",
        # In print, page 1 is a right-hand page: the 30 mm rail is in its right margin (facing pages).
        f"out/{STEM}--short.print.pdf: page 1: the band '.masthead' leaves the text area but stops 6 mm short of "
        f"the bleed at the top and left; 36 mm short of the bleed at the right: {tail}",
    ]


# ---- 5. missing templates and assets ---------------------------------------------------------------

@pytest.mark.slow
def test_a_template_that_includes_a_missing_one(tmp_path):
    args = make_series(tmp_path, "inc", "extends: sceeus-commentary\n", None, files={"templates/document.html": (
        '{% extends "base/document.html" %}\n{% block disclaimer %}\n{% include "legal.html" %}\n{% endblock %}\n')})
    result = run(GUEST, *args, "-q", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert result.stderr.splitlines() == [
        f"styles/inc/templates/document.html:3: template 'legal.html' not found; searched: styles/inc/templates, "
        f"{ROOT / 'templates'}"]


@pytest.mark.slow
def test_a_stylesheet_url_to_a_missing_file(tmp_path):
    args = make_series(tmp_path, "pic", "extends: sceeus-commentary\n",
                       ".masthead {\n  background: url(band.png) no-repeat;\n}\n")
    result = run(GUEST, *args, "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["styles/pic/style.css:2:15: url('band.png'): no such file in styles/pic"]


@pytest.mark.slow
def test_a_reader_series_without_its_template(tmp_path):
    make_series(tmp_path, "rdr", "extends: base\nname: Reader\n")
    (tmp_path / "reader.yaml").write_text(f"title: R\nseries: rdr\ndocuments: [{GUEST.name}]\n", encoding="utf-8")
    result = run("--bundle", tmp_path / "reader.yaml", "--styles", tmp_path / "styles", "-q",
                 "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert result.stderr.splitlines() == [  # where reader.yaml names it, and the ways out
        "reader.yaml:2:9: series: 'rdr' is a publication series, not a reader series: it has no "
        "templates/reader.html. Leave series: out to take the documents' publisher, name a reader series "
        "(sceeus-reader), or make one for this publisher: python build.py --new-series rdr-reader --reader "
        "--extends rdr"]


# ---- 6. one file per series --------------------------------------------------------------------------

@pytest.mark.slow
def test_one_document_in_two_series_writes_two_files(tmp_path):
    out = tmp_path / "out"
    own = run(GUEST, "-q", "-o", out, "--format", "pdf,html")
    other = run(GUEST, "-q", "-o", out, "--series", "sceeus-report", "--format", "pdf,print,html")
    same = run(GUEST, "-q", "-o", out, "--series", "sceeus-guest-commentary")
    assert own.returncode == other.returncode == same.returncode == 0, own.stderr + other.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        f"{STEM}--sceeus-report.card.png", f"{STEM}--sceeus-report.html", f"{STEM}--sceeus-report.pdf",
        f"{STEM}--sceeus-report.print.pdf", f"{STEM}.card.png", f"{STEM}.html", f"{STEM}.pdf"]
    assert other.stdout.split() == [str(out / f"{STEM}--sceeus-report{s}")
                                    for s in (".pdf", ".print.pdf", ".html", ".card.png")]
    assert "REPORT" in pdf_text(out / f"{STEM}--sceeus-report.pdf")[0]
    assert "GUEST COMMENTARY" in pdf_text(out / f"{STEM}.pdf")[0]


# ---- 2. faces ------------------------------------------------------------------------------------

def test_which_faces_a_role_gives():
    from report.fonts import faces

    base = resolve.resolve("sceeus-commentary", Problems())
    brief = resolve.resolve("example-brief", Problems())
    serif = base.fonts["serif"]
    assert faces.gives(serif, 400, "normal") and faces.gives(serif, 700, "italic") and faces.gives(serif, 600, "normal")
    assert not faces.gives(serif, 500, "normal")  # static files: 400, 600, 700 and nothing between
    assert not faces.gives(base.fonts["hebrew"], 400, "italic")  # no italic file: never slanted
    inter = brief.fonts["sans"]  # variable: every weight of its axis
    assert faces.gives(inter, 300, "normal") and faces.gives(inter, 500, "italic") and faces.gives(inter, 900, "normal")
    assert faces.declared_span("100 900") == (100, 900) and faces.declared_span("bold") == (700, 700)


# ---- the house: the folder tree is the architecture ------------------------------------------------

PACKAGE = ROOT / "report"


def modules() -> dict[str, Path]:
    """Dotted name → file, for every module of report/ (a package by its __init__.py)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path, known) -> set[str]:
    """The modules of report/ that a file imports, at its top or inside its functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # `from report.source import document` imports the module itself
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {name for name in found if name in known}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle once, as the modules along it (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, known) - {name} for name, path in known.items()}


def circle_through(graph: dict[str, set[str]], start: str) -> list[str]:
    """The shortest way from `start` back to itself: the modules along one import circle."""
    paths, seen = [[start]], set()
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph[path[-1]]):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                paths.append(path + [nxt])
    return []


@pytest.mark.slow
def test_no_module_of_report_imports_itself_round_a_circle():
    graph = import_graph()
    circles = [" → ".join(circle_through(graph, group[0])) for group in cycles(graph)]
    assert not circles, "import circles (each module imports the next): " + "; ".join(circles)


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert circle_through({"a": {"b", "d"}, "b": {"c"}, "c": {"a"}, "d": {"b"}}, "a") == ["a", "b", "c", "a"]


@pytest.mark.slow
def test_reading_a_document_loads_neither_weasyprint_nor_the_preflight(tmp_path):
    code = f"""
import sys
from pathlib import Path
from report import pipeline
options = pipeline.Options(out_dir=Path({str(tmp_path / 'out')!r}), cache=Path({str(tmp_path / 'cache')!r}),
                           formats=("pdf", "print", "html"), preflight=True)
prepared = pipeline.prepare(Path({str(GUEST)!r}), options)
assert prepared.doc.title, "nothing read"
print(" ".join(sorted(m for m in ("report.outputs.preflight", "weasyprint", "matplotlib") if m in sys.modules)))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


# What `--check` may not load: the output side (the pipeline's run, the layout, the writers
# besides the web page's chart markup that the HTML uses, the event reader) and the libraries
# that draw and lay out.
OUTPUT_SIDE = ("report.pipeline", "report.layout", "report.commands.bundle", "report.commands.watch",
               "weasyprint", "matplotlib", "pikepdf", "pypdf")
HTML_WRITERS = ("report.outputs.web", "report.outputs.reflow")  # html_for's chart and picture markup


@pytest.mark.slow
def test_check_loads_nothing_of_the_output_side(tmp_path):
    code = f"""
import sys
from report.commands import cli
status = cli.main(["--check", {str(GUEST)!r}])
loaded = [m for m in sys.modules if m.startswith({OUTPUT_SIDE!r})
          or (m.startswith("report.outputs.") and m not in {HTML_WRITERS!r})]
print(status, " ".join(sorted(loaded)))
"""
    env = {**os.environ, "REPORT_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0"], "--check loaded the output side: " + result.stdout
    assert result.stderr.strip() == f"{GUEST.relative_to(ROOT)}: ok"


def architecture_table() -> set[str]:
    """The files the module table of docs/maintainers/architecture.md names under report/."""
    text = (ROOT / "docs" / "maintainers" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## The modules", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`(report/[\w/]+\.py)`", row)}


def test_the_architecture_table_lists_every_module_and_only_those():
    files = {str(path.relative_to(ROOT)) for path in PACKAGE.rglob("*.py")
             if path.read_text(encoding="utf-8").strip()}  # a stage's empty __init__.py is no module to explain
    listed = architecture_table()
    assert sorted(files - listed) == [], "modules of report/ missing from docs/maintainers/architecture.md"
    assert sorted(listed - files) == [], "docs/maintainers/architecture.md lists modules that do not exist"


# Top to bottom, as docs/maintainers/architecture.md draws them: a package imports only those below it.
LAYERS = ("__main__", "commands", "pipeline", "prepare", "outputs", "layout", "render", "fonts", "series", "source", "internals")
UPWARD = {("report.model", "report.source.schemas")}  # the Series class is made from the declared keys


def layer(module: str) -> int:
    """A module's rank in LAYERS; the shared modules (model, errors, cache, languages …) rank last."""
    part = module.split(".")[1] if "." in module else ""
    return LAYERS.index(part) if part in LAYERS else len(LAYERS)


@pytest.mark.slow
def test_packages_import_only_the_packages_below_them():
    upward = sorted(f"{a} → {b}" for a, targets in import_graph().items() for b in targets
                    if layer(a) > layer(b) and (a, b) not in UPWARD)
    assert upward == [], "imports against the direction of docs/maintainers/architecture.md"
