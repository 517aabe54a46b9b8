"""What conference attendees get: print-ready and tagged PDFs, the web page, the online link."""

from __future__ import annotations

import re
import shutil
import subprocess

import pypdf
import pytest

pytestmark = pytest.mark.slow  # builds many PDFs, or drives a browser: the full suite runs it

from conftest import GUEST, pdf_text, run

MM = 72 / 25.4
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The Guest Commentary, with an online address, in every format."""
    folder = tmp_path_factory.mktemp("doc") / "guest-with-url"
    shutil.copytree(GUEST, folder)
    text = (folder / "document.md").read_text(encoding="utf-8")
    text = text.replace("lang: en\n", "lang: en\nurl: https://sceeus.se/en/publications/guest-commentary-8-2024/\n", 1)
    (folder / "document.md").write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    result = run(folder, "--format", "pdf,print,html", "-q", "-o", out)
    assert result.returncode == 0, result.stderr
    files = {fmt: out / f"guest-with-url{suffix}" for fmt, suffix in
             (("pdf", ".pdf"), ("print", ".print.pdf"), ("html", ".html"))}
    return {**files, "source": folder}


def test_print_pdf_has_bleed_trim_and_marks(built):
    reader = pypdf.PdfReader(built["print"])
    for page in reader.pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (round(float(trim.width) / MM), round(float(trim.height) / MM)) == (210, 297)
        for a, b in ((trim.left, bleed.left), (trim.bottom, bleed.bottom)):
            assert round(float(a - b) / MM, 1) == 3.0
        for a, b in ((bleed.right, trim.right), (bleed.top, trim.top)):
            assert round(float(a - b) / MM, 1) == 3.0
        # The MediaBox adds a 12 mm slug around the trim for the crop marks.
        assert [round(float(v) / MM, 1) for v in media] == [-12.0, -12.0, 222.0, 309.0]
    import pypdfium2
    pdf = pypdfium2.PdfDocument(str(built["print"]))
    scale = 4
    image = pdf[0].render(scale=scale).to_pil().convert("RGB")

    def px(x_mm, y_mm):  # from the MediaBox's top-left corner
        return image.getpixel((round((x_mm + 12) * MM * scale), round((y_mm + 12) * MM * scale)))

    # The masthead band reaches into the bleed (1.5 mm above the trim is the band's colour: a
    # guest series' pale blue-grey) …
    band = px(105, 5)
    assert band == px(105, -1.5) and band != (255, 255, 255) and band[2] > band[0] + 10
    # … but not into the slug, where the crop marks stand on white paper in line with the trim.
    assert px(105, -6) == (255, 255, 255)
    assert px(0, -7) != (255, 255, 255) and px(-7, 0) != (255, 255, 255)  # top-left marks
    assert px(210, 304) != (255, 255, 255) and px(217, 297) != (255, 255, 255)  # bottom-right


def test_screen_pdf_is_tagged_with_language_title_and_alt_text(built):
    reader = pypdf.PdfReader(built["pdf"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean object)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    tags, alts = [], []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        if "/S" in node:
            tags.append(node["/S"])
            if node["/S"] == "/Figure" and "/Alt" in node:
                alts.append(str(node["/Alt"]))
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    for tag in ("/H1", "/H2", "/P", "/L", "/LI", "/Figure"):
        assert tag in tags, tag
    assert any("Grouped bar chart" in alt or "bar chart" in alt.lower() for alt in alts), alts
    assert len([a for a in alts if "QR code" in a]) == 1


def test_online_version_link_and_qr(built):
    reader = pypdf.PdfReader(built["pdf"])
    uris = [a.get_object()["/A"].get("/URI") for p in reader.pages for a in p.get("/Annots", [])
            if a.get_object().get("/A")]
    assert "https://sceeus.se/en/publications/guest-commentary-8-2024/" in uris
    # pdfium reports a line break after a hyphen as U+FFFE.
    last = " ".join(pdf_text(built["pdf"])[-1].split()).replace("/ ", "/").replace("\ufffe", "-")
    assert "Online version: https://sceeus.se/en/publications/guest-commentary-8-2024/" in last


def test_small_files(built):
    assert built["pdf"].stat().st_size <= 400 * 1024
    assert built["print"].stat().st_size <= 400 * 1024


def test_archival_variant_passes_through(tmp_path):
    result = run(GUEST, "--pdf-variant", "pdf/a-3b", "-q", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    xmp = pypdf.PdfReader(tmp_path / f"{GUEST.name}.pdf").trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp


def test_web_page_is_whole_and_self_contained(built):
    html = built["html"].read_text(encoding="utf-8")
    assert "<svg" in html and "report:" not in html
    hosts = set(re.findall(r"(?:src|href)=\"https?://([^/\"]+)", html))
    assert hosts <= {"sceeus.se"}, hosts  # only links out, never a resource
    assert not re.search(r"url\(\s*['\"]?https?:", html)
    assert not re.search(r"<(?:img|script|link)[^>]+(?:src|href)=\"https?:", html)
    # the words as read: markup and the soft hyphens (the PDF's, typeset.py) left out
    text = re.sub(r"<[^>]+>", "", html).replace("\u00ad", "")
    for phrase in ("Economic Cooperation: from Hero to Zero", "Finally, the EU should establish",
                   "Figure 3.", "Source: Figures as cited in the text"):
        assert phrase in text


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
@pytest.mark.parametrize("width", [390, 1280])
def test_web_page_in_a_real_browser_has_no_horizontal_scrolling(built, width, tmp_path):
    probe = tmp_path / "probe.html"
    html = built["html"].read_text(encoding="utf-8")
    # The probe is a script, which the page's own policy forbids: measure the page without it.
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    script = ("<script>window.addEventListener('load', () => { document.title = "
              "'W=' + document.documentElement.scrollWidth + ' I=' + window.innerWidth; });</script>")
    probe.write_text(html.replace("</body>", script + "</body>"), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},900"]
    dom = subprocess.run([CHROMIUM, *flags, "--virtual-time-budget=3000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    found = re.search(r"<title>W=(\d+) I=(\d+)</title>", dom)
    assert found, dom[:300]
    scroll, inner = map(int, found.groups())
    assert scroll <= inner
    shot = tmp_path / f"shot-{width}.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", built["html"].as_uri()],
                   capture_output=True, timeout=120)
    assert shot.stat().st_size > 10_000


def test_same_input_same_bytes(built, tmp_path):
    result = run(built["source"], "--format", "pdf,print,html", "-q", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    for fmt in ("pdf", "print", "html"):
        path = built[fmt]
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
