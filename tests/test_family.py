"""The SCEEUS family: members told apart beyond their label, and the Reports' covers.

Guest and in-house members must differ at arm's length, not only in the words of their label:
page 1 of a Commentary and of a Guest Commentary (and of a Report and a Guest Report) are drawn,
the label is painted out of both, and what is left must still differ, in a thumbnail too. A
Report opens on its cover (title, authors) and ends on its back cover; a cover picture the front
matter names is checked like the body's pictures.
"""

from __future__ import annotations

import re
import shutil

import pypdf
import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

import validators
from conftest import MINIMAL, pdf_text, run, write_doc

pytestmark = pytest.mark.slow  # builds PDFs

SCALE = 1.0  # 72 dpi: enough to see a band, a ground, a pattern
LABELS = {"sceeus-commentary": "COMMENTARY", "sceeus-guest-commentary": "GUEST COMMENTARY",
          "sceeus-report": "REPORT", "sceeus-guest-report": "GUEST REPORT"}
FRONT = MINIMAL.replace("series: sceeus-guest-commentary", "series: {series}")


def page_one(pdf_path, label: str) -> Image.Image:
    """Page 1 drawn in grey levels, with the series label painted out (white, 3 pt around it)."""
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = pdf[0]
        image = page.render(scale=SCALE).to_pil().convert("L")
        text = page.get_textpage()
        start = text.get_text_range().find(label)
        assert start >= 0, f"no label {label!r} on page 1 of {pdf_path.name}"
        boxes = [text.get_charbox(i) for i in range(start, start + len(label))]
        height = page.get_size()[1]
    finally:
        pdf.close()
    left, bottom = min(b[0] for b in boxes) - 3, min(b[1] for b in boxes) - 3
    right, top = max(b[2] for b in boxes) + 3, max(b[3] for b in boxes) + 3
    ImageDraw.Draw(image).rectangle([left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE],
                                    fill=255)
    return image


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """The same small document in the four SCEEUS members that come in pairs: {series: PDF}."""
    root = tmp_path_factory.mktemp("family")
    built = {}
    for series in LABELS:
        folder = write_doc(root / series, FRONT.format(series=series))
        result = run(folder, "-q", "-o", root / "out")
        assert result.returncode == 0, result.stderr
        built[series] = root / "out" / f"{series}.pdf"
    return built


@pytest.mark.parametrize("in_house, guest", [("sceeus-commentary", "sceeus-guest-commentary"),
                                             ("sceeus-report", "sceeus-guest-report")])
def test_guest_and_in_house_differ_beyond_the_label(members, in_house, guest):
    ours, theirs = page_one(members[in_house], LABELS[in_house]), page_one(members[guest], LABELS[guest])
    assert ours.size == theirs.size
    changed = ImageChops.difference(ours, theirs).point(lambda v: 255 if v > 48 else 0)
    share = ImageStat.Stat(changed).mean[0] / 255
    # A label alone changes well under 1 % of the page; a band or a cover ground, far more.
    assert share > 0.05, f"{in_house} and {guest} differ on {share:.1%} of page 1 once the label is out"
    # At arm's length: a thumbnail a few centimetres wide, where no word can be read.
    small = [im.resize((21, 30), Image.Resampling.BOX) for im in (ours, theirs)]
    band = [ImageStat.Stat(im.crop((0, 0, 21, 3))).mean[0] for im in small]
    assert abs(band[0] - band[1]) > 80, f"the tops of page 1 are grey levels {band[0]:.0f} and {band[1]:.0f}"


@pytest.mark.parametrize("series", ["sceeus-report", "sceeus-guest-report"])
def test_a_report_opens_on_its_cover_and_ends_on_its_back_cover(members, series):
    pages = [" ".join(text.split()) for text in pdf_text(members[series])]
    cover, back = pages[0], pages[-1]
    assert "A Small Test Document" in cover and "Test Author" in cover
    assert "Some text." not in cover and "A short summary." not in cover  # the cover is a page of its own
    name = "SCEEUS Guest Report" if series == "sceeus-guest-report" else "SCEEUS Report"
    assert back.startswith(f"{name.upper()} · NO. 3 · 2025 A Small Test Document A short summary.")
    assert "Cite as" in back and "Some text." not in back
    assert len(pages) >= 4


def test_the_guest_ground_prints_in_its_press_colour(tmp_path):
    """The guest report's cover ground and halftone use the inks series.yaml gives them."""
    folder = write_doc(tmp_path / "doc", FRONT.format(series="sceeus-guest-report"))
    result = run(folder, "-q", "-o", tmp_path / "out", "--format", "print")
    assert result.returncode == 0, result.stderr
    cover = pypdf.PdfReader(tmp_path / "out" / "doc.print.pdf").pages[0]
    drawn = cover.get_contents().get_data().decode("latin-1")
    forms = "".join(x.get_object().get_data().decode("latin-1")
                    for x in (cover["/Resources"].get("/XObject") or {}).values())
    assert "0.12 0.05 0.02 0 k" in drawn  # guest: [12, 5, 2, 0], the ground
    assert re.search(r"0\.25 0\.13 0\.06 0 k", drawn + forms + _patterns(cover))  # guest-dots: the halftone


def _patterns(page) -> str:
    patterns = page["/Resources"].get("/Pattern") or {}
    text = []
    for pattern in patterns.values():
        pattern = pattern.get_object()
        text.append(pattern.get_data().decode("latin-1"))
        for x in (pattern.get("/Resources", {}).get("/XObject") or {}).values():
            text.append(x.get_object().get_data().decode("latin-1"))
    return "".join(text)


def test_a_cover_picture_takes_the_cover(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT.format(series="sceeus-report") + "cover_image: images/cover.png\n")
    (folder / "images").mkdir()
    Image.new("RGB", (800, 400), (200, 60, 40)).save(folder / "images" / "cover.png")
    result = run(folder, "-q", "-o", tmp_path / "out", "--format", "pdf,html")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "doc.pdf"
    drawn = pypdfium2.PdfDocument(str(pdf))[0].render(scale=SCALE).to_pil().convert("RGB")
    # The picture's red stands across the page, edge to edge, between the head and the title.
    row = int(drawn.height * 0.25)
    assert drawn.getpixel((2, row)) == drawn.getpixel((drawn.width - 3, row)) == (200, 60, 40)
    text = " ".join(pdf_text(pdf)[0].split())
    assert "A Small Test Document" in text and "Test Author" in text
    page = (tmp_path / "out" / "doc.html").read_text(encoding="utf-8")
    assert '<div class="cover-picture" style="background-image: url(\'data:image/png;base64,' in page
    # A background decorates: the tagged PDF and the web page stay valid around it.
    assert validators.pdfua(pdf) == [] and validators.ua_problems(pdf) == []
    assert validators.vnu(tmp_path / "out" / "doc.html") == []


@pytest.mark.parametrize("series", ["sceeus-guest-commentary", "sceeus-guest-report"])
def test_the_guest_ground_passes_axe_on_the_web_page(tmp_path, series):
    """axe-core measures the contrast of every text on the pale ground as Chromium draws it."""
    folder = write_doc(tmp_path / "doc", FRONT.format(series=series))
    result = run(folder, "-q", "-o", tmp_path / "out", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert validators.axe(tmp_path / "out" / "doc.html", tmp_path) == []


def test_a_cover_picture_in_a_series_without_a_cover_is_named(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT.format(series="sceeus-commentary") + "cover_image: cover.png\n")
    Image.new("RGB", (80, 40)).save(folder / "cover.png")
    result = run(folder, "--check")
    assert result.returncode == 0, result.stderr
    assert f"{folder / 'document.md'}:9:14: cover_image: the series 'sceeus-commentary' has no cover: " \
           "the picture is not printed" in result.stderr


@pytest.mark.parametrize("value, words", [
    ("nowhere.png", "picture 'nowhere.png' not found"),
    ("../outside.png", "picture '../outside.png' is outside the document folder"),
    ("https://example.org/cover.png", "picture 'https://example.org/cover.png' must be a file inside the document folder"),
    ("notes.txt", "picture 'notes.txt' is not a PNG, JPEG, GIF, WebP or SVG image"),
])
def test_a_bad_cover_picture_is_named_at_its_line(tmp_path, value, words):
    folder = write_doc(tmp_path / "doc", FRONT.format(series="sceeus-report") + f"cover_image: {value}\n",
                       notes__txt="not a picture\n")
    Image.new("RGB", (80, 40)).save(tmp_path / "outside.png")
    result = run(folder, "-q", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.strip() == f"{folder / 'document.md'}:9:14: cover_image: {words}"
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
