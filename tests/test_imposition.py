"""The print PDF imposed for the press (series.yaml `print:`, report/layout/imposition.py), read as
a print shop reads it: pages to a multiple of 4 with the back cover last, folios on the outer
edge of left and right pages and a bare number, the QR code on the black plate only (Ghostscript
separations), black overprinting (the content streams' graphics states, through pikepdf), a slug
line outside the trim; and the screen PDF as it was."""

from __future__ import annotations

import ctypes
from collections import Counter
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image

import validators as v
from conftest import GUEST, MINIMAL, ROOT, run, skip_unless_supported, write_doc

pytestmark = pytest.mark.slow  # builds the three samples, screen and print, and a report

SAMPLES = ("sceeus-guest-commentary-2024-08", "sceeus-sample-sv-2025-06", "sceeus-sample-uk-2025-06")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    skip_unless_supported()
    out = tmp_path_factory.mktemp("imposed")
    result = run(*(ROOT / "data" / s for s in SAMPLES), "--format", "pdf,print", "-q", "-j", "1", "-o", out)
    assert result.returncode == 0, result.stderr
    result = run(GUEST, "--series", "sceeus-report", "--format", "print", "-q", "-o", out / "report")
    assert result.returncode == 0, result.stderr
    return out


def _lines(path: Path) -> list[list[tuple[tuple[float, float, float, float], str]]]:
    """Each page's text runs with their boxes (PDF points, from the MediaBox's origin)."""
    pdf = pypdfium2.PdfDocument(str(path))
    pages = []
    for page in pdf:
        text = page.get_textpage()
        pages.append([(text.get_rect(i), text.get_text_bounded(*text.get_rect(i)).strip())
                      for i in range(text.count_rects())])
    pdf.close()
    return pages


def _trim(path: Path) -> list[tuple[float, ...]]:
    with pikepdf.open(path) as pdf:
        return [tuple(float(x) for x in page.obj.TrimBox) for page in pdf.pages]


def test_pages_come_to_a_multiple_of_four_the_back_cover_last(built):
    for stem in SAMPLES:
        assert len(_lines(built / f"{stem}.print.pdf")) % 4 == 0, stem
    report = built / "report" / "sceeus-guest-commentary-2024-08--sceeus-report.print.pdf"
    pages = _lines(report)
    assert len(pages) % 4 == 0
    last = " ".join(t for _, t in pages[-1])
    assert "Cite as" in last and "ISSN" not in " ".join(t for _, t in pages[-2])  # the back cover, last
    blanks = [n for n, page in enumerate(pages) if all(box[1] < 0 for box, _ in page)]  # only the slug
    assert blanks and blanks[-1] == len(pages) - 2  # a blank page before the back cover


def test_folios_are_bare_numbers_on_the_outer_edge(built):
    for stem in SAMPLES:
        path = built / f"{stem}.print.pdf"
        for n, (page, trim) in enumerate(zip(_lines(path), _trim(path)), 1):
            folios = [(box, t) for box, t in page if 0 < box[1] < 60]
            if not any(t == str(n) for _, t in folios):
                continue  # a blank page
            (box, _), = [(box, t) for box, t in folios if t == str(n)]
            middle = (trim[0] + trim[2]) / 2
            if n % 2:  # a right-hand page: the folio at the right
                assert box[0] > middle + 100, (stem, n, box)
            else:
                assert box[2] < middle - 100, (stem, n, box)
            assert not any(t.startswith(("Page", "Sida", "Сторінка")) for _, t in folios), (stem, n, folios)


def test_the_rail_goes_to_the_outer_margin(built):
    path = built / f"{SAMPLES[0]}.print.pdf"
    trim = _trim(path)[1]
    pages = _lines(path)
    # where the text's lines start (the rail's sources stand further out, in the margin)
    left = Counter(round(box[0]) for box, _ in pages[1] if 100 < box[1] < 760).most_common(1)[0][0]
    right = max(box[2] for box, _ in pages[2] if box[1] > 790)  # the running head, flush with the column
    mm = 72 / 25.4
    assert abs(left - (trim[0] + 52 * mm)) < 2  # 22 mm margin and the 30 mm rail, outside on the left
    assert abs(right - (trim[2] - 52 * mm)) < 2  # and on the right of a right-hand page


def test_slug_line_outside_the_trim(built):
    path = built / "sceeus-sample-sv-2025-06.print.pdf"
    pages = _lines(path)
    for n, (page, trim) in enumerate(zip(pages, _trim(path)), 1):
        slug = [(box, t) for box, t in page if "FOGRA39" in t]
        assert len(slug) == 1, (n, page[-3:])
        box, text = slug[0]
        assert box[3] < trim[1] - 3 * 72 / 25.4, (n, box)  # below the trim and its 3 mm bleed
        assert text.startswith("sceeus-sample-sv-2025-06.print.pdf") and "2025-06-12" in text
        assert text.endswith(f"p. {n}"), text


def test_black_overprints_and_nothing_else_does(built):
    with pikepdf.open(built / f"{SAMPLES[1]}.print.pdf") as pdf:
        black_text = other_text = 0
        for page in pdf.pages:
            states = page.obj.Resources.ExtGState
            fill, overprint = None, None
            for operands, op in pikepdf.parse_content_stream(page):
                name = str(op)
                if name == "gs":
                    state = states[operands[0]]
                    if "/op" in state:
                        overprint = (bool(state.op), bool(state.OP), int(state.get("/OPM", 0)))
                elif name == "k":
                    fill = tuple(float(x) for x in operands)
                elif name in ("Tj", "TJ") and fill is not None:
                    if fill == (0, 0, 0, 1):
                        assert overprint == (True, True, 1), overprint
                        black_text += 1
                    else:
                        assert overprint is not None and not overprint[0], (fill, overprint)
                        other_text += 1
        assert black_text > 100 and other_text > 10


def test_screen_pdf_stays_single_sided_with_its_folio_words(built):
    path = built / f"{SAMPLES[0]}.pdf"
    pages = _lines(path)
    assert len(pages) == 7  # not padded
    for n, page in enumerate(pages[1:], 2):
        folio = [box for box, t in page if t.startswith(f"Page {n} of 7")]
        assert folio and folio[0][0] < 100, (n, page[-4:])  # on the left of every page
    with pikepdf.open(path) as pdf:
        assert "/TrimBox" not in pdf.pages[0].obj or pdf.pages[0].obj.TrimBox == pdf.pages[0].obj.MediaBox
        assert all(b"/OPblack" not in p.obj.Resources.ExtGState.keys() for p in pdf.pages[:1])


def _bounds(obj) -> tuple[float, float, float, float]:
    edges = [ctypes.c_float() for _ in range(4)]
    pypdfium2.raw.FPDFPageObj_GetBounds(obj.raw, *map(ctypes.byref, edges))
    return tuple(e.value for e in edges)


def test_qr_code_only_on_the_black_plate(built, tmp_path):
    path = built / "sceeus-sample-sv-2025-06.print.pdf"
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        last = next(i for i in reversed(range(len(pdf))) if pdf[i].get_textpage().search("sceeus-sample/sv").get_next())
        page = pdf[last]
        paths = [_bounds(obj) for obj in page.get_objects(max_depth=4) if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_PATH]
        # The QR code: one path, a square of 22 mm (its modules' edges a little beyond)
        qr = [b for b in paths if 55 < b[2] - b[0] < 75 and abs((b[3] - b[1]) - (b[2] - b[0])) < 4]
        assert len(qr) == 1, paths
        media = page.get_mediabox()
    finally:
        pdf.close()
    dpi = 100
    v.ghostscript(path, "-sDEVICE=tiffsep", f"-r{dpi}", f"-dFirstPage={last + 1}", f"-dLastPage={last + 1}",
                  f"-sOutputFile={tmp_path / 'sep.tif'}")
    s = dpi / 72
    left, bottom, right, top = qr[0]
    crop = (int((left - media[0]) * s) + 1, int((media[3] - top) * s) + 1,
            int((right - media[0]) * s) - 1, int((media[3] - bottom) * s) - 1)
    ink = {plate: Image.open(tmp_path / f"sep({plate}).tif").convert("L").crop(crop).getextrema()
           for plate in ("Cyan", "Magenta", "Yellow", "Black")}
    assert ink["Black"][1] - ink["Black"][0] > 200, ink  # the modules, in full black
    # The other plates carry only the publisher block's even tint under the code: no module on them
    # (and none knocked out of the tint: black overprints).
    assert all(ink[plate][0] == ink[plate][1] for plate in ("Cyan", "Magenta", "Yellow")), ink


def test_a_reader_follows_the_same_rules(tmp_path):
    skip_unless_supported()
    for name in ("first", "second"):
        write_doc(tmp_path / name, MINIMAL.replace("A Small Test Document", f"The {name.title()} Paper"))
    (tmp_path / "reader.yaml").write_text("title: A Reader\ndate: 2025-04-02\ndocuments:\n  - first\n  - second\n",
                                          encoding="utf-8")
    result = run("--bundle", tmp_path / "reader.yaml", "--format", "print", "--preflight", "-q", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "out" / f"{tmp_path.name}.print.pdf"
    pages = _lines(path)
    assert len(pages) % 4 == 0 and len(pages) > 4  # cover, contents, two documents on right-hand pages
    seen = 0
    for n, (page, trim) in enumerate(zip(pages, _trim(path)), 1):
        slug = [t for box, t in page if box[3] < trim[1]]
        assert len(slug) == 1 and slug[0].startswith(f"{tmp_path.name}.print.pdf"), (n, slug)
        assert "2025-04-02" in slug[0] and slug[0].endswith(f"p. {n}"), (n, slug)
        for box in [box for box, t in page if t == str(n) and 0 < box[1] < 60]:  # a bare folio …
            assert (box[0] > (trim[0] + trim[2]) / 2) == bool(n % 2), (n, box)  # … on the outer edge
            seen += 1
        assert not any(t.startswith("Page ") for _, t in page), n
    assert seen >= 2


def test_hanging_numbers_go_to_the_outer_margin(built):
    """A Report's section numbers and its recommendations' numbers hang in the rail: on a
    right-hand page of the print PDF, right of the column, at least 4 mm clear of it."""
    path = built / "report" / "sceeus-guest-commentary-2024-08--sceeus-report.print.pdf"
    pages, trims = _lines(path), _trim(path)
    mm = 72 / 25.4
    seen = set()
    for n, (page, trim) in enumerate(zip(pages, trims), 1):
        left, right = trim[0] + 52 * mm, trim[2] - 52 * mm  # the column's edges on either side
        headings = [box for box, t in page if t.startswith(("Political Relations", "Economic Cooperation"))
                    and box[0] < left + 5 * mm]
        leads = [box for box, t in page if t.startswith("should support the democratic forces")]
        for line, number in [(b, "2" if n % 2 else "1") for b in headings] + [(b, "1.") for b in leads]:
            hits = [box for box, t in page if t == number and abs((box[1] + box[3]) / 2 - (line[1] + line[3]) / 2) < 8]
            assert len(hits) == 1, (n, number, hits)
            box = hits[0]
            if n % 2:  # a right-hand page
                assert right + 4 * mm - 1 <= box[0] and box[2] <= right + 30 * mm, (n, number, box)
                # nothing of the rail (a figure's source above the heading) touches it
                near = [t for b, t in page if b != box and b[0] < box[2] + 1 and b[2] > box[0] - 1
                        and b[1] < box[3] + 2 and b[3] > box[1] - 2]
                assert near == [], (n, number, near)
            else:
                assert box[2] <= left - 1, (n, number, box)
            seen.add((n % 2, number))
    assert {(1, "2"), (0, "1"), (1, "1.")} <= seen, seen  # both sides and both kinds were read
