"""Every output of every shipped series, judged by validators nobody here wrote (tests/validators.py).

- print PDF: PDF/X-4 with a CMYK output intent, no RGB anywhere, body text in black ink only
  (Ghostscript's separations), qpdf and Ghostscript clean;
- screen PDF (and the PDF/A-3b variant): PDF/UA-1 by `pdfua` and by our own check of the rules
  it leaves out, qpdf and Ghostscript clean;
- web page: zero axe-core violations (WCAG 2.0, 2.1 and 2.2 A and AA) and zero Nu HTML checker errors; on a
  phone, chart text at 9 px or more, numbers inside the margin, labels no smaller than their
  text; printed from the browser, a link keeps its address.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds every series and runs browsers, Java and Ghostscript

import validators as v
from conftest import GUEST, ROOT, SERIES_SHIPPED, pdf_text, run, skip_unless_supported

LINK_TEXT = "See her notes on the talks"
LINK_URL = "https://example.org/notes/minsk-talks"


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """The Guest Commentary with an online address (a QR code), a link in its text and a note."""
    folder = tmp_path_factory.mktemp("doc") / "guest-linked"
    shutil.copytree(GUEST, folder)
    path = folder / "document.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("lang: en\n", "lang: en\nurl: https://sceeus.se/en/publications/guest-commentary-8-2024/\n", 1)
    text = text.replace("\n## Political Relations",
                        f"\n[{LINK_TEXT}]({LINK_URL}).[^talks]\n\n## Political Relations", 1)
    text += "\n[^talks]: The talks in Minsk, as reported at the time.\n"
    path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def outputs(source, tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every shipped series: screen PDF, print PDF and web page, two builds side by side."""
    skip_unless_supported()
    out = tmp_path_factory.mktemp("all")
    waiting, running, files = list(SERIES_SHIPPED), {}, {}
    while waiting or running:
        while waiting and len(running) < 2:
            sid = waiting.pop(0)
            running[sid] = subprocess.Popen(
                [sys.executable, str(ROOT / "build.py"), str(source), "--series", sid, "-q", "-j", "1",
                 "--format", "pdf,print,html", "-o", str(out / sid)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sid, proc = next(iter(running.items()))
        _, stderr = proc.communicate(timeout=900)
        del running[sid]
        assert proc.returncode == 0, (sid, stderr)
        # In a series other than its own (guest commentary) a document builds to <stem>--<series>.*.
        stem = source.name + ("" if sid == "sceeus-guest-commentary" else f"--{sid}")
        files[sid] = {fmt: out / sid / f"{stem}{suffix}"
                      for fmt, suffix in (("pdf", ".pdf"), ("print", ".print.pdf"), ("html", ".html"))}
    return files


# -- the print PDF: PDF/X-4, CMYK -----------------------------------------------------------------

RGB_SPACES = ("/DeviceRGB", "/CalRGB")


def _colour_problems(pdf_path: Path) -> list[str]:
    """Every RGB colour in the file: operators, colour spaces, pictures, shadings, groups."""
    pikepdf = v.need_module("pikepdf", "the PyPI package pikepdf")
    problems = []
    with pikepdf.open(pdf_path) as pdf:
        def is_rgb(space) -> bool:
            if isinstance(space, pikepdf.Name):
                return str(space) in RGB_SPACES
            if isinstance(space, pikepdf.Array) and len(space) and str(space[0]) == "/ICCBased":
                return int(space[1].get("/N", 0)) == 3
            return False

        def content(stream, resources, where):
            spaces = resources.get("/ColorSpace", {}) if resources is not None else {}
            for operands, op in pikepdf.parse_content_stream(stream):
                op = str(op)
                if op in ("rg", "RG"):
                    problems.append(f"{where}: RGB colour {op} {[float(o) for o in operands]}")
                elif op in ("cs", "CS"):
                    name = operands[0]
                    space = spaces.get(str(name)) if str(name) in spaces else name
                    if is_rgb(space):
                        problems.append(f"{where}: RGB colour space {name}")

        for number, page in enumerate(pdf.pages, 1):
            resources = page.obj.get("/Resources")
            content(page.obj, resources, f"page {number}")
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream):
                continue
            if obj.get("/Subtype") == "/Form" or obj.get("/Type") == "/Pattern" or obj.get("/PatternType") == 1:
                content(obj, obj.get("/Resources"), f"form {obj.objgen}")
                group = obj.get("/Group")
                if group is not None and is_rgb(group.get("/CS")):
                    problems.append(f"form {obj.objgen}: transparency group blends in RGB")
            if obj.get("/Subtype") == "/Image" and str(obj.get("/ColorSpace")) == "/DeviceRGB":
                problems.append(f"image {obj.objgen}: DeviceRGB")
            if "/ShadingType" in obj and is_rgb(obj.get("/ColorSpace")):
                problems.append(f"shading {obj.objgen}: RGB")
    return problems


@pytest.mark.parametrize("series", SERIES_SHIPPED)
def test_print_pdf_is_pdf_x4_in_cmyk(outputs, series):
    pikepdf = v.need_module("pikepdf", "the PyPI package pikepdf")
    path = outputs[series]["print"]
    with pikepdf.open(path) as pdf:
        assert pdf.pdf_version == "1.6"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert (intent.S, str(intent.OutputConditionIdentifier), str(intent.RegistryName)) == \
            ("/GTS_PDFX", "FOGRA39", "http://www.color.org")
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        header = profile.read_bytes()[:20]
        assert header[12:20] == b"prtrCMYK"  # an output (printer) profile of CMYK
        meta = pdf.open_metadata()
        assert meta.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        assert str(pdf.trailer.Info.Trapped) == "/False"
        assert "/ID" in pdf.trailer
        for page in pdf.pages:  # PDF/X: no annotation where the press prints
            assert "/Annots" not in page.obj
            assert "/TrimBox" in page.obj and "/BleedBox" in page.obj
    assert _colour_problems(path) == []
    v.qpdf_check(path)
    v.ghostscript(path, "-sDEVICE=nullpage")


@pytest.mark.parametrize("series", ["sceeus-guest-commentary", "example-brief"])
def test_body_text_prints_in_black_ink_only(outputs, series, tmp_path):
    """Ghostscript's separations of page 1: where the body text is, the cyan, magenta and yellow
    plates are empty and the black plate carries the type; inkcov sees all four inks on the page
    (the masthead) and reports every page."""
    pypdfium2 = v.need_module("pypdfium2", "pypdfium2")
    from PIL import Image

    path = outputs[series]["print"]
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        page = pdf[0]
        text = page.get_textpage()
        found = text.search("Ukraine’s foreign policy strategy", match_case=True)
        first = found.get_next()
        assert first, "body text not found on page 1"
        start, count = first
        boxes = [text.get_charbox(i) for i in range(start, start + count)]
        left, bottom, right, top = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                    max(b[2] for b in boxes), max(b[3] for b in boxes))
        media_top = page.get_mediabox()[3]
        media_left = page.get_mediabox()[0]
    finally:
        pdf.close()
    dpi = 150
    v.ghostscript(path, "-sDEVICE=tiffsep", f"-r{dpi}", "-dFirstPage=1", "-dLastPage=1",
                  f"-sOutputFile={tmp_path / 'sep.tif'}")
    scale = dpi / 72
    crop = (int((left - media_left) * scale), int((media_top - top) * scale),
            int((right - media_left) * scale) + 1, int((media_top - bottom) * scale) + 1)
    ink = {}
    for plate in ("Cyan", "Magenta", "Yellow", "Black"):
        region = Image.open(tmp_path / f"sep({plate}).tif").convert("L").crop(crop)
        ink[plate] = 255 - region.getextrema()[0]  # 0: no ink; 255: full ink
    assert ink["Black"] > 200, ink
    assert ink["Cyan"] == ink["Magenta"] == ink["Yellow"] == 0, ink
    coverage = v.ghostscript(path, "-sDEVICE=inkcov", "-o", "-")
    pages = [line.split() for line in coverage.splitlines() if line.strip().endswith("CMYK OK")]
    assert len(pages) == len(pypdfium2.PdfDocument(str(path)))
    assert all(float(k) > 0 for *_, k, _, _ in pages)


def test_print_pdf_shows_link_addresses(outputs):
    text = " ".join(pdf_text(outputs["sceeus-guest-commentary"]["print"]))
    assert f"{LINK_TEXT} ({LINK_URL})" in re.sub(r"\s+", " ", text).replace("- ", "-").replace("/ ", "/")
    screen = " ".join(pdf_text(outputs["sceeus-guest-commentary"]["pdf"]))
    assert LINK_TEXT in screen and f"({LINK_URL})" not in screen  # on a screen the link is followed


def test_print_pdf_with_a_series_without_press_colours(tmp_path):
    """A series that gives no `cmyk:` still prints in CMYK: its colours are converted."""
    styles = tmp_path / "styles" / "plain"
    styles.mkdir(parents=True)
    (styles / "series.yaml").write_text(
        'name: Plain\nlabel: Plain\ncolors:\n  primary: "#7a1f5c"\n  text: "#333333"\n', encoding="utf-8")
    result = run(GUEST, "--series", "plain", "--styles", tmp_path / "styles", "--format", "print", "-q",
                 "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert _colour_problems(tmp_path / "out" / f"{GUEST.name}--plain.print.pdf") == []


# -- the screen PDF: PDF/UA-1 ---------------------------------------------------------------------

@pytest.mark.parametrize("series", SERIES_SHIPPED)
def test_screen_pdf_is_pdf_ua(outputs, series):
    path = outputs[series]["pdf"]
    assert v.pdfua(path) == []
    assert v.ua_problems(path) == []
    v.qpdf_check(path)
    v.ghostscript(path, "-sDEVICE=nullpage")


def test_archival_variant_is_pdf_ua_too(source, tmp_path):
    result = run(source, "--pdf-variant", "pdf/a-3b", "-q", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"{source.name}.pdf"
    assert v.pdfua(path) == []
    assert v.ua_problems(path) == []
    v.qpdf_check(path)
    v.ghostscript(path, "-sDEVICE=nullpage")


def test_our_ua_check_finds_what_it_claims(tmp_path):
    """The home-made check is not a check that cannot fail: an untouched WeasyPrint file fails it."""
    weasyprint = pytest.importorskip("weasyprint")
    html = ('<html lang="en"><head><title>T</title><style>@page { @top-left { content: "Running head" } }'
            '</style></head><body><ol><li><p>An item.</p></li></ol>'
            '<p><a href="https://example.org/">A link</a></p>'
            '<p id="x"><a href="#x"><span>A link with a span</span></a></p></body></html>')
    path = tmp_path / "plain.pdf"
    path.write_bytes(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    problems = " | ".join(v.ua_problems(path))
    for expected in ("outside the structure tree", "not Lbl and LBody", "without the Print flag",
                     "is not under its Link element (it is under Span)", "described by its target's id 'x', not in words"):
        assert expected in problems


# -- the web page: WCAG 2.2 AA ----------------------------------------------------------------------

def test_web_pages_have_no_nu_checker_errors(outputs):
    for series in SERIES_SHIPPED:
        html = outputs[series]["html"]
        assert v.vnu(html) == [], series
        page = html.read_text(encoding="utf-8")
        assert "<metadata" not in page and "string-set" not in page and "@page" not in page


@pytest.mark.parametrize("series", SERIES_SHIPPED)
def test_web_page_has_no_axe_violations(outputs, series, tmp_path):
    for width in (390, 1280):
        assert v.axe(outputs[series]["html"], tmp_path, width) == [], width


PHONE_PROBE = """
  const px = v => parseFloat(v);
  // the drawing shown (a phone's): the other is not displayed
  const chartText = [...document.querySelectorAll('figure .chart svg')].filter(svg => svg.getClientRects().length).flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(t => px(getComputedStyle(t).fontSize) * scale);
  });
  const margin = document.body.getBoundingClientRect().left + px(getComputedStyle(document.body).paddingLeft);
  const numerals = [...document.querySelectorAll('.recommendations li')].map(li => {
    const probe = document.createElement('span');
    const marker = getComputedStyle(li, '::marker');
    probe.style.font = marker.font; probe.style.position = 'absolute'; probe.textContent = '10.';
    document.body.appendChild(probe);
    const width = probe.getBoundingClientRect().width; probe.remove();
    return li.getBoundingClientRect().left - width - margin;
  });
  const labels = ['.notes-heading', '.about-heading'].map(sel => {
    const h = document.querySelector(sel);
    if (!h) return null;
    const under = [...h.parentElement.querySelectorAll('p, li')].map(e => px(getComputedStyle(e).fontSize));
    return [px(getComputedStyle(h).fontSize), Math.max(...under)];
  }).filter(Boolean);
  return {chartText, numerals, labels, scroll: document.documentElement.scrollWidth, inner: innerWidth};
"""


@pytest.mark.parametrize("series", ["sceeus-guest-commentary", "sceeus-report", "example-brief"])
def test_web_page_on_a_phone(outputs, series, tmp_path):
    v.need(v.CHROMIUM, "Debian's chromium")
    seen = v.at_width(outputs[series]["html"], PHONE_PROBE, 390, tmp_path)  # a true 390, not 500
    assert seen["chartText"] and min(seen["chartText"]) >= 9, seen["chartText"]
    assert seen["numerals"] and min(seen["numerals"]) >= 0, seen["numerals"]
    assert len(seen["labels"]) == 2 and all(label >= text for label, text in seen["labels"]), seen["labels"]
    assert seen["scroll"] <= seen["inner"]


@pytest.mark.parametrize("series", SERIES_SHIPPED)
def test_web_page_reflows_at_320_px(outputs, series, tmp_path):
    """WCAG 1.4.10: at 320 CSS px the page does not scroll sideways, in every series' template."""
    v.need(v.CHROMIUM, "Debian's chromium")
    seen = v.at_width(outputs[series]["html"], "const r = document.documentElement; "
                      "return [innerWidth, r.scrollWidth, r.clientWidth];", 320, tmp_path)
    assert seen[0] == 320 and seen[1] <= seen[2], seen


def test_web_page_printed_from_a_browser_keeps_link_addresses(outputs, tmp_path):
    v.need(v.CHROMIUM, "Debian's chromium")
    printed = tmp_path / "printed.pdf"
    subprocess.run([v.CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={printed}", outputs["sceeus-guest-commentary"]["html"].as_uri()],
                   capture_output=True, timeout=180)
    text = re.sub(r"\s+", " ", " ".join(pdf_text(printed)))
    assert LINK_TEXT in text
    assert f"({LINK_URL})" in text.replace("- ", "-").replace("/ ", "/")
