"""Preflight: one small failing document per check, its words asserted; the real document clean.

Most fixtures are a few lines of HTML laid out straight with WeasyPrint on a small page
(100 mm square, 20 px lines), so that where a line falls is known; the others go through
the pipeline as an editor's document folder would.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from report import pipeline
from report.outputs import preflight

from conftest import GUEST, MINIMAL, ROOT, SERIES_SHIPPED, write_doc

pytestmark = pytest.mark.layout  # the checks read laid-out pages

FONTS = ROOT / "styles" / "base" / "fonts"
FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "{family}"; src: url("{(FONTS / file).as_uri()}"); font-style: {style}; '
    f'font-weight: {weight}; }}'
    for family, file, style, weight in (
        ("Source Serif 4", "SourceSerif4-Regular.ttf", "normal", 400),
        ("Source Serif 4", "SourceSerif4-Italic.ttf", "italic", 400),
        ("Source Sans 3", "SourceSans3-Regular.ttf", "normal", 400),
        ("Source Sans 3", "SourceSans3-SemiBold.ttf", "normal", 600),
    ))
SMALL_PAGE = """
@page { size: 100mm 100mm; margin: 10mm; }
body { margin: 0; font: 12px/20px "Source Serif 4"; }
p { margin: 0; orphans: 1; widows: 1; }
h2 { font: 600 14px/20px "Source Sans 3"; margin: 0; }
.spacer { margin: 0; }
"""
CONTENT_PX = 80 * 96 / 25.4  # the text area's height: 100 mm less two 10 mm margins
WORDS = "The delegation met the ministers again to discuss trade, transit and the border. " * 3


def lay_out(body: str, css: str = SMALL_PAGE):
    """(WeasyPrint document, PDF bytes) for a body of HTML in the shipped fonts."""
    import weasyprint
    from report.layout.pages import font_config

    html = f"<!DOCTYPE html><html lang='en'><head><style>{FONT_FACES}\n{css}</style></head><body>{body}</body></html>"
    document = weasyprint.HTML(string=html, base_url=str(ROOT) + "/").render(font_config=font_config())
    return document, document.write_pdf()


def problems(body: str, css: str = SMALL_PAGE, *, print_mode: bool = False, only: str | None = None):
    found = preflight.check(*lay_out(body, css), print_mode=print_mode)
    return [p for p in found if only is None or p.check == only]


def spacer(px: float) -> str:
    return f'<div class="spacer" style="height: {px:.2f}px"></div>'


def messages(found) -> list[str]:
    return [f"page {p.page}: {p.message}" if p.page else p.message for p in found]


def build_with_preflight(folder: Path, out: Path, formats=("pdf",)) -> list[str]:
    built = pipeline.build(folder, pipeline.Options(out_dir=out, formats=formats, preflight=True))
    return [line for report in built.preflight for line in report.splitlines()]


# ---- 1. overflow ---------------------------------------------------------------------------

@pytest.mark.slow
def test_an_over_wide_table_is_wider_than_the_column(tmp_path):
    # Cells wrap even inside words, so only too many columns make a table too wide.
    words = " | ".join(f"W{i}" for i in range(60))
    body = f"## Figures\n\nThe table below.\n\n| {words} |\n|{'---|' * 60}\n| {words} |\n"
    folder = write_doc(tmp_path / "doc", MINIMAL, body)
    lines = build_with_preflight(folder, tmp_path / "out")
    assert any("page 1: a table is wider than the column by" in line and line.endswith(" mm") for line in lines), lines


def test_an_unbreakable_url_runs_off_the_page():
    found = problems(f"<p>See https://example.org/{'a' * 150} for the data.</p>", only="overflow")
    assert messages(found) == ["page 1: text runs off the page: '" + "a" * 59 + "…'"]


def test_a_picture_taller_than_the_text_area_runs_into_the_footer():
    svg = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='10' height='90'/>"
    found = problems(f'<img src="{svg}" style="display: block; width: 10mm; height: 90mm">', only="overflow")
    assert messages(found) == ["page 1: a picture runs 10 mm below the text area"]


def test_designed_negative_margins_are_not_overflow():
    body = '<div style="margin: 0 -10mm; background: navy; color: white">A band across the page</div><p>Text.</p>'
    assert problems(body, only="overflow") == []


# ---- 2. heading-at-foot ------------------------------------------------------------------

def test_a_heading_at_the_foot_of_a_page():
    body = f"<p>{WORDS}</p><h2 style='break-after: page'>Political Relations</h2><p>{WORDS}</p>"
    assert messages(problems(body, only="heading-at-foot")) == [
        "page 1: heading 'Political Relations' is the last line on the page"]


def test_a_heading_followed_by_its_text_is_fine():
    assert problems(f"<h2>Political Relations</h2><p>{WORDS}</p>", only="heading-at-foot") == []


# ---- 3. widow / orphan -------------------------------------------------------------------

def test_an_orphan_first_line_alone_at_the_foot():
    found = problems(spacer(CONTENT_PX - 30) + f"<p>{WORDS}</p>", only="orphan")
    assert len(found) == 1 and found[0].page == 1
    assert found[0].message.startswith("orphan: a paragraph's first line is alone at the foot of the page ('The ")


def test_a_widow_last_line_alone_at_the_top():
    from weasyprint.formatting_structure.boxes import LineBox

    document, _ = lay_out(f"<p>{WORDS}</p>")
    count = sum(1 for b in document.pages[0]._page_box.descendants() if isinstance(b, LineBox) and b.height)
    assert count > 2
    # Room for every line but the last, which goes over alone.
    found = problems(spacer(CONTENT_PX - 20 * (count - 1) - 5) + f"<p>{WORDS}</p>", only="widow")
    assert len(found) == 1 and found[0].page == 2
    assert found[0].message.startswith("widow: a paragraph's last line is alone at the top of the page (")


def test_a_paragraph_split_two_and_two_is_fine():
    body = spacer(CONTENT_PX - 45) + "<p>" + "word " * 60 + "</p>"
    assert problems(body, only="orphan") == [] and problems(body, only="widow") == []


# ---- 4. split-figure / split-table -------------------------------------------------------

def test_a_split_figure():
    body = spacer(180) + ('<figure style="margin: 0; break-inside: auto">'
                          '<figcaption>Figure 2. Ukraine’s trade with Belarus</figcaption>'
                          '<div style="height: 100px; background: #ccc"></div>'
                          '<p>Source: State Statistics Service of Ukraine.</p></figure>')
    assert messages(problems(body, only="split-figure")) == [
        "page 1: figure 'Figure 2. Ukraine’s trade with Belarus' is split across pages 1 and 2"]


def table(rows: int) -> str:
    cells = "".join(f"<tr><td>Row {i}</td><td>{i * 10}</td></tr>" for i in range(rows))
    return f'<table style="border-collapse: collapse"><thead><tr><th>Year</th><th>Trade</th></tr></thead>{cells}</table>'


def test_a_short_table_split_across_pages():
    found = problems(spacer(CONTENT_PX - 100) + table(8), only="split-table")
    assert len(found) == 1 and found[0].page == 1
    assert found[0].message.startswith("table 'Year · Trade' is split across pages 1 and 2, though it is ")
    assert found[0].message.endswith(" long and would fit on one page")


def test_a_table_longer_than_a_page_may_break():
    assert problems(table(40), only="split-table") == []


# ---- 5. near-empty-last-page -------------------------------------------------------------

def test_a_nearly_empty_last_page():
    body = f"<p>{WORDS}</p><p style='break-before: page'>The end.</p>"
    assert messages(problems(body, only="near-empty-last-page")) == [
        "page 2: the last page is nearly empty (only 1 line)"]


# ---- 6. missing-glyph --------------------------------------------------------------------

def test_a_character_missing_from_the_fonts():
    # Tibetan KA is in no font here (drawn as .notdef); the emoji falls back to a system
    # font where one has it. Cyrillic is in the shipped fonts and must pass.
    found = problems("<p>Ціханоўская and ཀ and \U0001F600.</p>", only="missing-glyph")
    assert messages(found) == [
        "page 1: 'ཀ' (U+0F40) is not in the document's fonts: it would print as a fallback or a blank box",
        "page 1: '\U0001F600' (U+1F600) is not in the document's fonts: it would print as a fallback or a blank box",
    ]


def test_a_capital_drawn_through_its_alternate_is_in_the_fonts():
    # In capitals with letter-spacing, Source Sans draws Ukrainian Ї through its alternate
    # glyph "uni0407.a", which has no cmap entry of its own: the PDF's ToUnicode names it.
    body = ('<h2 style="text-transform: uppercase; letter-spacing: 0.1em">Рекомендації</h2>'
            "<p>Ціханоўская and ཀ.</p>")
    assert messages(problems(body, only="missing-glyph")) == [
        "page 1: 'ཀ' (U+0F40) is not in the document's fonts: it would print as a fallback or a blank box"]


def test_a_letter_drawn_in_a_ligature_is_in_the_fonts():
    # Literata's italic draws "Th" as one glyph: a subset that holds only the ligature has no
    # "T" in its cmap; the PDF's ToUnicode gives the glyph both letters.
    face = (ROOT / "styles" / "example-brief" / "fonts" / "Literata-Italic[opsz,wght].ttf").as_uri()
    css = (f'@font-face {{ font-family: "Literata"; src: url("{face}"); font-style: italic; }}\n'
           + SMALL_PAGE + 'p { font: italic 12px/20px "Literata"; }')
    assert messages(problems("<p>The views are those of the author.</p>", css, only="missing-glyph")) == []


# ---- 7. font-not-embedded ----------------------------------------------------------------

def test_a_font_that_is_not_embedded():
    import pypdf

    document, data = lay_out(f"<p>{WORDS}</p>")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    for font in writer.pages[0]["/Resources"]["/Font"].values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        del descendant["/FontDescriptor"].get_object()["/FontFile2"]
    stripped = io.BytesIO()
    writer.write(stripped)
    found = preflight.check(document, stripped.getvalue())
    assert messages(f for f in found if f.check == "font-not-embedded") == ["font 'Source-Serif-4' is not embedded"]
    assert preflight.format_report(found, "out/x.pdf").startswith("out/x.pdf: font 'Source-Serif-4' is not embedded")


# ---- 8. low-resolution -------------------------------------------------------------------

@pytest.fixture
def tiny_picture_doc(tmp_path) -> Path:
    from PIL import Image

    folder = write_doc(tmp_path / "doc", MINIMAL,
                       "## Section\n\nText before.\n\n![A tiny map](images/tiny.png \"A map of the border\")\n")
    (folder / "images").mkdir()
    Image.new("RGB", (24, 24), "#3a6ea5").save(folder / "images" / "tiny.png")
    return folder


def test_a_low_resolution_picture_on_screen(tiny_picture_doc, tmp_path):
    lines = build_with_preflight(tiny_picture_doc, tmp_path / "out")
    assert any(line.endswith("picture 'images/tiny.png' is 24 × 24 px printed 136 × 136 mm: 4 dpi, "
                             "needs 96 dpi for screen") for line in lines), lines


@pytest.mark.slow
def test_a_low_resolution_picture_in_print(tiny_picture_doc, tmp_path):
    lines = build_with_preflight(tiny_picture_doc, tmp_path / "out", ("print",))
    assert any("needs 150 dpi for print" in line for line in lines), lines
    assert not any("no bleed" in line for line in lines), lines  # print.css gives the bleed


# ---- 9. broken-link ----------------------------------------------------------------------

def test_a_link_without_a_target():
    body = '<h2 id="trade">Trade</h2><p>See <a href="#trade">above</a> and <a href="#missing">below</a>.</p>'
    assert messages(problems(body, only="broken-link")) == ["page 1: link to '#missing' has no target"]


# ---- 10. no-bleed ------------------------------------------------------------------------

def test_a_print_file_without_bleed():
    found = problems("<p>Text.</p>", print_mode=True, only="no-bleed")
    assert messages(found) == ["page 1: no bleed: the print file needs 3 mm bleed (BleedBox) around the TrimBox"]


def test_a_print_file_with_bleed_and_a_screen_file_are_fine():
    assert problems("<p>Text.</p>", SMALL_PAGE + "@page { bleed: 3mm; }", print_mode=True, only="no-bleed") == []
    assert problems("<p>Text.</p>", only="no-bleed") == []


# ---- 11. under-filled page -----------------------------------------------------------------

BOX = '<div style="height: {px}px; background: #ddd"></div>'
FIGURE = ('<figure style="break-inside: avoid; margin: 0"><figcaption>Figure 1. Trade by direction</figcaption>'
          '<div style="height: 200px; background: #ccc"></div></figure><p>Next.</p>')


def test_a_figure_that_moved_on_leaves_an_under_filled_page():
    assert messages(problems(BOX.format(px=150) + FIGURE, only="under-filled-page")) == [
        "page 1: under-filled page (50 % full): figure 'Figure 1. Trade by direction' moved on to page 2"]


def test_a_list_item_that_moved_on_leaves_an_under_filled_page():
    items = "".join(f'<li style="break-inside: avoid">{WORDS}</li>' for _ in range(2))
    assert messages(problems(BOX.format(px=100) + f"<ol>{items}</ol>", only="under-filled-page")) == [
        "page 1: under-filled page (77 % full): list item 'The delegation met the ministers again to discuss…' "
        "moved on to page 2"]


def test_a_full_page_and_a_page_ended_on_purpose_are_not_under_filled():
    assert problems(BOX.format(px=270) + FIGURE, only="under-filled-page") == []
    assert problems(BOX.format(px=100) + '<p style="break-before: page">Next part.</p>',
                    only="under-filled-page") == []


# ---- 12. loose lines -------------------------------------------------------------------------

LOOSE_TEXT = "The extraordinarily incomprehensible internationalisation of responsibilities was a surprise."


def test_a_loose_justified_line():
    assert messages(problems(f'<p style="text-align: justify; width: 45mm">{LOOSE_TEXT}</p>', only="loose-line")) == [
        "page 1: loose line: word spaces stretched to 21.5 times their width ('The extraordinarily')",
        "page 1: loose line: word spaces stretched to 15.6 times their width ('internationalisation of')",
        "page 1: loose line: word spaces stretched to 9.4 times their width ('responsibilities was a')",
    ]


def test_ragged_right_and_evenly_justified_lines_are_not_loose():
    assert problems(f'<p style="text-align: left; width: 45mm">{LOOSE_TEXT}</p>', only="loose-line") == []
    assert problems(f'<p style="text-align: justify; hyphens: auto; font-size: 11px">{WORDS}</p>', only="loose-line") == []


# ---- 13 and 14. word breaks --------------------------------------------------------------------

def test_a_hyphenation_break_leaving_fewer_than_three_letters():
    body = ('<p style="hyphens: auto; hyphenate-limit-chars: 4 2 2; width: 20mm">'
            "The unimaginably reorganised administration asked, and ate.</p>")
    assert messages(problems(body, only="short-fragment")) == [
        "page 1: a word broken with fewer than 3 letters on one side: 'ad-ministration'"]


def test_a_hyphenated_name():
    body = '<p style="hyphens: auto; width: 42mm">We met Sviatlana Tsikhanouskaya and Lukashenka today in Minsk.</p>'
    assert messages(problems(body, only="hyphenated-name")) == [
        "page 1: a capitalised word is broken by hyphenation: 'Tsikhan-ouskaya'"]


@pytest.mark.slow
def test_a_hyphenated_noun_in_german_is_not_a_name():
    body = ('<p lang="de" style="hyphens: auto; width: 30mm">Die Verhandlungsdelegation traf die '
            "Außenministerin.</p>")
    assert [word for _, word, *_ in preflight._hyphenations(preflight._Context(*lay_out(body), False))] == [
        "Verhandlungs"]  # broken, and not reported:
    assert problems(body, only="short-fragment") + problems(body, only="hyphenated-name") == []
    assert any(p.check == "hyphenated-name" for p in problems(body.replace('lang="de"', 'lang="en"')))


def test_a_hyphenated_heading():
    assert messages(problems('<h2 style="hyphens: auto; width: 25mm">Internationalisation</h2><p>Text.</p>',
                             only="hyphenated-name")) == [
        "page 1: a heading is broken by hyphenation: 'International-isation'"]


def test_words_broken_with_three_letters_a_side_and_real_hyphens_pass():
    body = '<p style="hyphens: auto; width: 42mm">We met Sviatlana Tsikhanouskaya and long-standing friends.</p>'
    assert problems(body.replace("hyphens: auto", "hyphens: manual"), only="hyphenated-name") == []
    assert problems(f'<p style="hyphens: auto; width: 40mm">{WORDS}</p>', only="short-fragment") == []


# ---- 15. heading or title ending in one word ---------------------------------------------------

def test_a_title_and_a_heading_ending_in_one_word():
    body = ('<h1 class="title" style="font: 600 20px/24px \'Source Sans 3\'; width: 60mm; margin: 0">'
            "Relations at an All-Time Low</h1>"
            '<h2 style="width: 70mm">Cooperation with the Forces: Restrained Position</h2><p>Text.</p>')
    assert messages(problems(body, only="heading-last-word")) == [
        "page 1: title 'Relations at an All-Time Low' ends with one word alone on its last line ('Low')",
        "page 1: heading 'Cooperation with the Forces: Restrained Position' ends with one word alone on its "
        "last line ('Position')",
    ]


def test_a_heading_on_one_line_or_ending_in_two_words_passes():
    body = ('<h2>Relations at an All-Time Low</h2><h2 style="width: 45mm">Cooperation with the Forces: '
            "Restrained Position</h2><p>Text.</p>")
    assert problems(body, only="heading-last-word") == []


# ---- 16. split names -------------------------------------------------------------------------

def test_a_name_split_across_lines():
    body = '<p style="width: 32mm">Written by <span data-typeset="name">Astrid Lindqvist</span>.</p>'
    assert messages(problems(body, only="split-name")) == ["page 1: name 'Astrid Lindqvist' is split across lines"]


def test_a_name_on_one_line_passes():
    body = '<p style="width: 60mm">Written by <span data-typeset="name">Astrid Lindqvist</span>.</p>'
    assert problems(body, only="split-name") == []


# ---- 17. reader: documents start on a right-hand page --------------------------------------

def test_a_reader_document_starting_on_a_left_page():
    body = ('<div id="d1-document"><h1>First paper</h1></div>'
            '<div id="d2-document" style="break-before: page"><h1>Second paper</h1></div>')
    assert messages(problems(body, only="reader-left-page")) == [
        "page 2: document 'Second paper' starts on a left-hand page"]


def test_a_reader_document_starting_on_a_right_page_passes():
    body = ('<div id="d1-document"><h1>First paper</h1></div>'
            '<div id="d2-document" style="break-before: right"><h1>Second paper</h1></div>')
    assert problems(body, only="reader-left-page") == []


# ---- 18. bands short of the edge ------------------------------------------------------------

BAND = '<div class="band" style="background: #16284a; margin: {m}; height: 8mm"></div><p>Text.</p>'


def test_a_band_into_the_margin_must_reach_the_edge():
    found = problems(BAND.format(m="-7mm -7mm 0"), only="band-short")
    assert messages(found) == [
        "page 1: the band '.band' leaves the text area but stops 3 mm short of the page edge at the top, right "
        "and left: a white strip shows (series.yaml `margins` and `bleed_bands` place the bands; a style.css "
        "that moves one must take it to the edge)"]
    assert problems(BAND.format(m="-10mm -10mm 0"), only="band-short") == []
    assert problems(BAND.format(m="0"), only="band-short") == []  # a box in the text area is no band


def test_in_print_a_band_must_reach_the_bleed():
    bleed = SMALL_PAGE + "@page { bleed: 3mm; }"
    found = problems(BAND.format(m="-10mm -10mm 0"), bleed, print_mode=True, only="band-short")
    assert [p.message.split(":")[0] for p in found] == [
        "the band '.band' leaves the text area but stops 3 mm short of the bleed at the top, right and left"]
    assert problems(BAND.format(m="-13mm -13mm 0"), bleed, print_mode=True, only="band-short") == []


# ---- The report, and the real document ---------------------------------------------------

def test_the_report_lists_problems_by_page():
    found = [preflight.Problem(3, "widow", "widow: b"), preflight.Problem(None, "font-not-embedded", "font 'X' is not embedded"),
             preflight.Problem(1, "overflow", "text runs off the page: 'a'")]
    assert preflight.format_report(found, "out/doc.pdf").splitlines() == [
        "out/doc.pdf: font 'X' is not embedded",
        "out/doc.pdf: page 1: text runs off the page: 'a'",
        "out/doc.pdf: page 3: widow: b",
    ]


def test_a_clean_document_passes():
    found = preflight.check(*lay_out(f"<h2>Trade</h2><p>{WORDS}</p>"))
    assert found == []
    assert preflight.format_report(found, "out/doc.pdf") == "out/doc.pdf: preflight passed (1 page, no problems)"


# What the layout answers for: holes, loose lines, split names, widows, orphans, split
# figures, a nearly empty last page, a reader document on a left page.
LAYOUT_CHECKS = ("under-filled page", "loose line", "is split across", "starts on a left-hand page",
                 "nearly empty", "widow", "orphan", "is the last line on the page")


def layout_problems(lines: list[str]) -> list[str]:
    return [line for line in lines if any(words in line for words in LAYOUT_CHECKS)]


@pytest.mark.slow
def test_the_guest_commentary_has_full_pages_even_text_and_whole_names(tmp_path):
    lines = build_with_preflight(GUEST, tmp_path, ("pdf", "print"))
    assert layout_problems(lines) == []


@pytest.mark.parametrize("sid", SERIES_SHIPPED)
@pytest.mark.slow
def test_every_shipped_series_has_full_pages_even_text_and_whole_names(series_builds, sid):
    assert layout_problems(series_builds[sid].stdout.splitlines()) == []


@pytest.mark.slow
def test_the_guest_commentary_passes_preflight(tmp_path):
    lines = build_with_preflight(GUEST, tmp_path, ("pdf", "print"))
    assert len(lines) == 2, lines
    assert all("preflight passed (" in line and line.endswith(" pages, no problems)") for line in lines), lines


@pytest.mark.slow
@pytest.mark.parametrize("sid", SERIES_SHIPPED)
def test_every_shipped_series_passes_a_strict_preflight_screen_and_print(series_builds, sid):
    result = series_builds[sid]
    lines = result.stdout.splitlines()
    assert result.returncode == 0, lines
    assert [l for l in lines if "preflight" in l] == [
        f"{result.pdf}: preflight passed ({_pages(result.pdf)} pages, no problems)",
        # in print, a Report's back cover is a left-hand page: a blank page may come before it
        f"{result.print_pdf}: preflight passed ({_pages(result.print_pdf)} pages, no problems)",
    ]


def _pages(path) -> int:
    import pypdf
    return len(pypdf.PdfReader(path).pages)
