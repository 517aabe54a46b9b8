"""Typographic craft, the page: what a desk mends at a page turn (report/layout/pagefoot.py).

Small fixtures show each rule on a 100 mm page; the shipped samples and the series examples show
them in the PDFs users get: the text pdfium reads, where each line's baseline stands, the
outline, and the panel's colour drawn below a box's last line at a break.
"""

from __future__ import annotations

import ctypes
import re
import subprocess
import sys

import pytest

from report import languages
from report.layout import floats, pagefoot

from conftest import ROOT
from test_floats import Layouts, html

TEXT = "The delegation met the ministers again to discuss trade, transit and the border. "
HYPHENS = ("-", "\u00ad", "\ufffe", "\u2010")  # how pdfium reads a hyphen at a line's end


def lines_of(pdf) -> list[list[tuple[float, str]]]:
    """Each page's lines of text, top to bottom: (baseline from the page's top in pt, text)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages = []
    document = pdfium.PdfDocument(pdf)
    for page in document:
        height, text = page.get_height(), page.get_textpage()
        x, y = ctypes.c_double(), ctypes.c_double()
        rows: dict[float, list[str]] = {}
        for index in range(text.count_chars()):
            raw.FPDFText_GetCharOrigin(text, index, ctypes.byref(x), ctypes.byref(y))
            rows.setdefault(round(height - y.value, 1), []).append(text.get_text_range(index, 1))
        pages.append([(at, "".join(chars).strip()) for at, chars in sorted(rows.items()) if "".join(chars).strip()])
    return pages


def body_lines(pdf, head: float = 52, foot: float = 62) -> list[list[tuple[float, str]]]:
    """The lines between the running head (`head` pt or less from the page's top) and the footer
    (the folio stands `foot` pt or less above the page's bottom)."""
    import pypdfium2 as pdfium

    heights = [page.get_height() for page in pdfium.PdfDocument(pdf)]
    return [[(at, t) for at, t in page if head < at < height - foot] for page, height in zip(lines_of(pdf), heights)]


# ---- the rules on small pages ----------------------------------------------------------------

BOX = ('<section class="recommendations"><h3 class="recommendations-heading" id="rec-heading">Policy '
       'Recommendations</h3><ol>{items}</ol></section>')
CSS = ".recommendations { box-decoration-break: clone; } p.continued { break-before: page; } li { orphans: 3; widows: 3; }"


def box_html(items: int):
    page = html(BOX.format(items="".join(f"<li><p>{TEXT * 2}</p></li>" for _ in range(items))))
    return type(page)(page.text.replace("</style>", CSS + "</style>"), page.base_url, page.resources)


@pytest.mark.layout
def test_nothing_to_mend_lays_out_no_more():
    page = html(f"<p>{TEXT}</p>")
    layouts = Layouts()
    document = floats.settle(page, layouts, finish=pagefoot.mend)
    assert layouts.runs == 1 and len(document.pages) == 1


@pytest.mark.layout
def test_a_broken_box_repeats_its_heading_and_numbers_on():
    page = box_html(5)
    before = Layouts()(page)
    assert len(before.pages) == 2  # the box breaks
    layouts = Layouts()
    mended, document = pagefoot.mend(page, before, layouts, continued=languages.Labels("sv").continued)
    assert layouts.runs == 1
    second = [floats.line_text(box) for box, _ in floats.flow(document.pages[1]) if floats.is_line(box)]
    assert second[0] == "Policy Recommendations (forts.)"
    assert mended.text.count("Policy Recommendations") == 2
    assert mended.text.count("<h3") == 1  # a paragraph, not a second heading
    assert re.search(r'<ol [^>]*style="counter-reset: list-item \d+"', mended.text)  # numbered on


@pytest.mark.layout
def test_a_page_its_widows_left_a_line_short_ends_on_the_grid():
    """Three widows take the paragraph's last line but one over with them: the page ends a line
    and 2 px short. It is as full as the rules let it be, so it is set to the grid like a page
    less than a line short (the space above the heading takes the 22 px), in one layout more."""
    from test_floats import TEXT

    page = html(f'<p>{TEXT * 2}</p><h2 style="margin: 12px 0 6px">Trade</h2>'
                f'<p style="widows: 3; orphans: 2">{TEXT * 7}</p><p>{TEXT * 3}</p>')
    layouts = Layouts()
    before = layouts(page)
    assert floats.page_turn(before, 0) is floats.INSIDE  # the page ends inside the paragraph
    assert pagefoot.grid_shortfalls(before) == {0: pytest.approx(22.0, abs=0.1)}
    _, after = pagefoot.mend(page, before, layouts)
    assert pagefoot.grid_shortfalls(after) == {0: pytest.approx(0.0, abs=pagefoot.GRID_TOLERANCE)}
    assert len(after.pages) == len(before.pages) and layouts.runs == 2


@pytest.mark.layout
def test_a_word_hyphenated_at_the_foot_of_a_page_goes_over_whole():
    word = "inter\u00adna\u00adtion\u00adal\u00adiza\u00adtion"
    found = None
    for pad in range(40):  # the first text whose page 1 ends in a hyphen
        page = html(f"<p style='text-align: justify; hyphens: manual'>{'x ' * pad}" + f"the {word} " * 60 + "</p>")
        layout = Layouts()(page)
        if pagefoot.page_final_hyphens(layout):
            found = page, layout
            break
    assert found is not None, "no fixture ends a page in a hyphen"
    page, layout = found
    layouts = Layouts()
    _, document = pagefoot.mend(page, layout, layouts)
    assert layouts.runs >= 1
    assert pagefoot.page_final_hyphens(document) == []


def test_the_continued_label_in_every_language():
    assert languages.Labels("en").get("continued", heading="Policy Recommendations") == \
        "Policy Recommendations (continued)"
    assert languages.Labels("sv").get("continued", heading="Rekommendationer") == "Rekommendationer (forts.)"
    assert languages.Labels("uk").get("continued", heading="Рекомендації") == "Рекомендації (продовження)"


# ---- the PDFs users get ------------------------------------------------------------------------

@pytest.mark.slow
def test_the_guest_commentary_turns_the_recommendations_whole_or_3_3_and_repeats_the_heading(guest_pdf):
    from pypdf import PdfReader

    pages = body_lines(guest_pdf)
    six, seven = pages[5], pages[6]
    area_bottom, area = 841.89 - 25 / 25.4 * 72, (297 - 45) / 25.4 * 72
    assert area_bottom - six[-1][0] < 0.10 * area  # no hole over 10 % on page 6
    numbered = re.compile(r"^\d\.")  # a recommendation's first line starts with its number
    lead = max(n for n, (_, t) in enumerate(six) if numbered.match(t))
    assert seven[0][1].replace(" ", "") == "POLICYRECOMMENDATIONS(CONTINUED)"
    rest = [t for _, t in seven[1:]]
    stop = next(n for n, t in enumerate(rest) if numbered.match(t))
    # the page turns between two recommendations (the next one's number, a line of its own in the
    # text layer, comes first or beside its first line), or splits one with three lines at least on each side
    assert stop <= 1 or (len(six) - lead >= 3 and stop >= 3), (six[lead:], rest[:stop])
    outline = [item.title for item in PdfReader(guest_pdf).outline if not isinstance(item, list)]
    assert sum("Recommendations" in title for title in outline) <= 1  # the heading once in the outline


@pytest.mark.slow
def test_a_broken_panel_keeps_its_padding_and_repeats_its_heading(series_builds):
    import pypdfium2 as pdfium

    pdf = series_builds["example-brief"].pdf
    pages = body_lines(pdf)
    start = next(n for n, page in enumerate(pages) if any("WHATSHOULDBEDONE" in t.replace(" ", "") for _, t in page))
    assert pages[start + 1][0][1].replace(" ", "") == "WHATSHOULDBEDONE(CONTINUED)"
    last = pages[start][-1][0]
    image = pdfium.PdfDocument(pdf)[start].render(scale=1).to_pil().convert("RGB")
    # down the panel's left padding, from the last line's baseline: the panel's colour, then paper
    column = [image.getpixel((round(image.width * 0.16), y)) for y in range(round(last), image.height)]
    assert column[0] != (255, 255, 255)
    panel_end = round(last) + next(n for n, colour in enumerate(column) if colour != column[0])
    assert panel_end - last >= 8  # the bottom padding (3 mm) below the last line's baseline


@pytest.mark.slow
def test_no_hyphen_at_the_foot_of_a_page(series_builds, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", "-o", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pdfs = sorted(tmp_path.glob("*.pdf")) + [b.pdf for b in series_builds.values()]
    feet = {(pdf.name, n): page[-1][1] for pdf in pdfs for n, page in enumerate(body_lines(pdf)[:-1], 1) if page}
    assert [where for where, line in feet.items() if line.endswith(HYPHENS)] == []


@pytest.mark.slow
def test_a_reports_last_text_page_holds_more_than_its_tail(series_builds):
    for sid in ("sceeus-report", "sceeus-guest-report"):
        pages = body_lines(series_builds[sid].pdf)
        last = pages[-2]  # the page before the back cover
        text = " ".join(t for _, t in last).replace(" ", "")
        assert "Abouttheauthor" in text and "SCEEUS" in text, sid  # the bio with the publisher block
    assert len(lines_of(series_builds["sceeus-report"].pdf)) == 10  # tightened: a page fewer


@pytest.mark.slow
def test_every_full_page_ends_on_one_baseline(series_builds, tmp_path):
    """A full page: a page before the last whose last line is a body line (not a caption, a source
    or the end matter's smaller type) less than a line above the text area's foot. Measured
    before this rule: 753 to 761 pt in the Guest Commentary."""
    import pypdfium2 as pdfium

    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", "-o", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pdfs = sorted(tmp_path.glob("*.pdf")) + [b.pdf for sid, b in sorted(series_builds.items())]
    measured = {}
    for pdf in pdfs:
        pages = body_lines(pdf)
        steps = [round(b[0] - a[0], 1) for page in pages for a, b in zip(page, page[1:])]
        leading = max(set(steps), key=steps.count)  # the body's line height, the commonest step
        height = pdfium.PdfDocument(pdf)[0].get_height()
        lowest = max(page[-1][0] for page in pages[:-1] if page and page[-1][0] < height - 62)
        ends = [page[-1][0] for page in pages[:-1] if len(page) > 2 and page[-1][0] - page[-2][0] == leading]
        full = [end for end in ends if lowest - end < leading]
        measured[pdf.name] = full
        assert not full or max(full) - min(full) <= 1, (pdf.name, full)
    assert len(measured["sceeus-guest-commentary-2024-08.pdf"]) >= 5  # pages 1 to 5 at least
