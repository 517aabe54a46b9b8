"""The preflight's editorial gate: what a layout desk sees at once on a page, each a named check
with a small failing document and its exact words, and the same document set right passing.

The fixtures are laid out straight with WeasyPrint on the small page of `test_preflight`
(100 mm square, 20 px lines), so where a line falls is known.
"""

from __future__ import annotations

import pytest

from conftest import MINIMAL, run, write_doc
from test_preflight import BOX, CONTENT_PX, SMALL_PAGE, messages, problems, spacer

pytestmark = pytest.mark.layout  # the checks read laid-out pages

HYPHENATED = 'style="hyphens: auto; width: 34mm"'
TURN = 'style="hyphens: auto; width: 36mm"'
TEXT = "The delegation said the agreement was undermined by unpredictability and by indecision."


# ---- hyphen-at-page-turn -----------------------------------------------------------------

def test_a_word_hyphenated_across_a_page_turn():
    body = spacer(CONTENT_PX - 40) + f"<p {TURN}>{TEXT}</p>"
    assert messages(problems(body, only="hyphen-at-page-turn")) == [
        "page 1: hyphen-at-page-turn: a word is hyphenated across the turn to page 2: 'under-/mined'"]


def test_a_page_that_ends_on_a_whole_word_passes():
    body = spacer(CONTENT_PX - 40) + f"<p style='width: 36mm'>{TEXT}</p>"
    assert problems(body, only="hyphen-at-page-turn") == []


# ---- hyphenated-last-word ----------------------------------------------------------------

def test_a_paragraph_ending_in_a_hyphenated_word():
    body = f"<p {HYPHENATED}>The talks in Minsk were undermined by administrative unpredictability and indecision.</p>"
    assert messages(problems(body, only="hyphenated-last-word")) == [
        "page 1: hyphenated-last-word: the last word of a paragraph is broken: 'inde-/cision'"]


def test_a_recommendation_ending_in_a_compound_broken_at_its_hyphen():
    body = ("<ol><li style='width: 42mm'><strong>The EU should act.</strong> It should fund a "
            "wider follow-up.</li></ol>")
    assert messages(problems(body, only="hyphenated-last-word")) == [
        "page 1: hyphenated-last-word: the last word of a paragraph is broken: 'follow-/up'"]


def test_an_address_broken_at_its_hyphen_is_no_runt():
    body = "<p style='width: 38mm'>See example.org/sceeus-sample</p>"  # broken 'example.org/sceeus-/sample'
    assert problems(body, only="hyphenated-last-word") == []


def test_a_paragraph_whose_last_line_holds_more_than_the_broken_word_passes():
    body = f"<p {HYPHENATED}>The talks in Minsk were undermined by administrative unpredictability and bad faith.</p>"
    assert problems(body, only="hyphenated-last-word") == []


# ---- running-head-ellipsis ---------------------------------------------------------------

def running_head(text: str) -> str:
    return SMALL_PAGE + f'@page {{ @top-center {{ content: "{text}"; font: 9px "Source Sans 3"; }} }}'


def test_a_running_head_cut_with_an_ellipsis():
    found = problems("<p>Text.</p>", running_head("Ukraine and Belarus after the Elec…"), only="running-head-ellipsis")
    assert messages(found) == [
        "page 1: running-head-ellipsis: a running head is cut with an ellipsis: 'Ukraine and Belarus after the Elec…'"]


def test_a_short_title_in_the_running_head_passes():
    assert problems("<p>Text.</p>", running_head("Ukraine and Belarus"), only="running-head-ellipsis") == []


# ---- split-box ---------------------------------------------------------------------------

def summary_box(style: str = "") -> str:
    return (f'<section class="summary" style="background: #e8eef4; padding: 5mm; {style}">'
            f"<h2>Executive Summary</h2><p>{TEXT * 4}</p></section>")


def test_a_box_split_across_pages_loses_its_padding_and_its_heading():
    assert messages(problems(spacer(CONTENT_PX - 120) + summary_box(), only="split-box")) == [
        "page 1: split-box: the box 'Executive Summary' breaks to page 2 without its bottom padding (5 mm)",
        "page 2: split-box: the box 'Executive Summary' resumes from page 1 without its heading"]


def test_a_box_that_clones_its_padding_still_needs_its_heading_again():
    found = problems(spacer(CONTENT_PX - 120) + summary_box("box-decoration-break: clone"), only="split-box")
    assert messages(found) == [
        "page 2: split-box: the box 'Executive Summary' resumes from page 1 without its heading"]


def test_a_box_on_one_page_passes():
    assert problems(summary_box(), only="split-box") == []


# ---- separator-at-line-end ---------------------------------------------------------------

BYLINE = "Jane Doe · John Smith · Anna Kowalska · Oleksandr Petrenko"


def test_a_byline_separator_at_a_line_end():
    found = problems(f'<p style="width: 40mm">{BYLINE}</p>', only="separator-at-line-end")
    assert messages(found) == [
        "page 1: separator-at-line-end: a line ends with the separator '·': 'Jane Doe · John Smith ·'",
        "page 1: separator-at-line-end: a line ends with the separator '·': 'Anna Kowalska ·'"]


def test_a_separator_that_starts_a_line():
    bound = BYLINE.replace(" · ", " ·\u00a0")  # held to the name after it, the separator opens the line
    found = problems(f'<p style="width: 40mm">{bound}</p>', only="separator-at-line-end")
    assert messages(found) == [
        "page 1: separator-at-line-end: a line starts with the separator '·': '· Anna Kowalska'",
        "page 1: separator-at-line-end: a line starts with the separator '·': '· Oleksandr Petrenko'"]


def test_separators_inside_their_lines_pass():
    assert problems(f'<p style="width: 55mm">{BYLINE}</p>', only="separator-at-line-end") == []


# ---- chart-label-break -------------------------------------------------------------------

def chart(labels) -> str:
    """A bar chart drawn as the build draws it (matplotlib, text kept as text), as a picture."""
    import base64

    from test_charts import STYLE, spec
    from report.render import charts

    svg = charts.draw(spec("bar", labels, (("Exports", tuple(range(1, len(labels) + 1))),)), STYLE)
    return f'<img style="width: 80mm" src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}">'


@pytest.fixture
def naive_wrap(monkeypatch):
    """Labels wrapped at any space, as a drawer without the desk's rule would (the builder's own
    charts keep a date or unit whole: render/charts.py): the faults the check is there to catch."""
    import textwrap

    from report.render import charts

    monkeypatch.setattr(charts, "_wrap", lambda label, chars: "\n".join(textwrap.wrap(label, chars)) or label)


def test_the_builders_charts_keep_a_year_with_its_months():
    assert problems(chart([f"Jan–Jul {year}" for year in range(2014, 2024)]), only="chart-label-break") == []


def test_a_chart_label_broken_before_its_year(naive_wrap):
    found = problems(chart([f"Jan–Jul {year}" for year in range(2014, 2024)]), only="chart-label-break")
    assert messages(found)[:2] == [
        "page 1: chart-label-break: a chart label breaks before its year or unit: 'Jan–Jul / 2014'",
        "page 1: chart-label-break: a chart label breaks before its year or unit: 'Jan–Jul / 2015'"]
    assert len(found) == 10


def test_a_chart_label_broken_between_a_number_and_its_unit_or_before_a_year_range(naive_wrap):
    found = messages(problems(chart([f"Zone {n} km" for n in range(110, 1210, 110)]), only="chart-label-break"))
    assert found[0] == "page 1: chart-label-break: a chart label breaks before its year or unit: 'Zone 110 / km'"
    found = messages(problems(chart([f"Season {y}–{y - 1999}" for y in range(2014, 2024)]), only="chart-label-break"))
    assert found[0] == "page 1: chart-label-break: a chart label breaks before its year or unit: 'Season / 2014–15'"


def test_a_unit_after_a_word_and_a_number_that_is_no_year_may_start_a_line():
    units = ("USD bn", "EUR bn", "SEK bn", "% GDP", "t CO2", "pp", "km", "kg", "m", "€")
    assert problems(chart([f"Exports, {unit}" for unit in units]), only="chart-label-break") == []
    assert problems(chart([f"Road of {n} km" for n in range(100, 1100, 100)]), only="chart-label-break") == []


def test_chart_labels_on_one_line_pass():
    assert problems(chart([f"H1 {year}" for year in range(2020, 2024)]), only="chart-label-break") == []


# ---- hole-before-block -------------------------------------------------------------------

def recommendation(copies: int) -> str:
    return f'<ol><li style="break-inside: avoid">{TEXT * copies}</li></ol>'


def test_a_hole_before_a_recommendation_that_could_split():
    found = problems(BOX.format(px=CONTENT_PX - 40) + recommendation(3), only="hole-before-block")
    assert messages(found) == [
        "page 1: hole-before-block: 13 % of the page is empty: list item 'The delegation said the agreement was "
        "undermined…' (8 lines) moved whole to page 2 where it could split 4 + 4"]


def test_a_short_recommendation_may_move_whole_and_a_small_gap_is_no_hole():
    assert problems(BOX.format(px=CONTENT_PX - 40) + recommendation(1), only="hole-before-block") == []
    assert problems(BOX.format(px=CONTENT_PX - 20) + recommendation(3), only="hole-before-block") == []


# ---- uncaptioned-table -------------------------------------------------------------------

ROWS = "<tr><th>Year</th><th>Exports</th></tr><tr><td>2023</td><td>5.4</td></tr>"


def test_a_table_without_a_caption():
    assert messages(problems(f"<table>{ROWS}</table>", only="uncaptioned-table")) == [
        "page 1: uncaptioned-table: table 'Year · Exports' has no caption: it is not numbered; write a line "
        "'Table: caption' just before or after it"]


def test_a_captioned_table_passes():
    assert problems(f"<table><caption>Table 1. Exports</caption>{ROWS}</table>", only="uncaptioned-table") == []


# ---- placeholder -------------------------------------------------------------------------

PLACEHOLDERS = "<p>The minister said [TK] about the talks [to be confirmed], and […] more.</p>"


def test_bracketed_placeholders_in_the_text():
    assert messages(problems(PLACEHOLDERS, only="placeholder")) == [
        "page 1: placeholder: still a placeholder: '[TK]'; replace it before the document goes to press",
        "page 1: placeholder: still a placeholder: '[to be confirmed]'; replace it before the document goes to press",
        "page 1: placeholder: still a placeholder: '[…]'; replace it before the document goes to press"]


def test_placeholders_the_front_matter_accepts_pass():
    from test_preflight import lay_out
    from report.outputs import preflight

    found = preflight.check(*lay_out(PLACEHOLDERS), accepted=("[TK]", "[to be confirmed]", "[…]"))
    assert [p for p in found if p.check == "placeholder"] == []


def test_a_placeholder_accepted_as_typed_passes_set_in_capitals():
    from test_preflight import lay_out
    from report.outputs import preflight

    body = '<p style="text-transform: uppercase">[Author name to be confirmed]</p>'
    assert [p for p in preflight.check(*lay_out(body), accepted=("[Author name to be confirmed]",))
            if p.check == "placeholder"] == []


# ---- last-page-end-matter-only -----------------------------------------------------------

END_MATTER = ('<footer class="end-matter" {style}><section class="about"><h2>About the author</h2>'
              f"<p>Jane Doe is a researcher at Stockholm University. {TEXT}</p></section>{{more}}</footer>")
PUBLISHER = '<section class="publisher"><p>Stockholm Centre for Eastern European Studies</p></section>'
BACK_COVER = SMALL_PAGE + "@page back { margin: 0; } .back { page: back; break-before: page; }"


def test_a_last_page_holding_only_the_bio():
    body = f"<p>{TEXT * 4}</p>" + END_MATTER.format(style='style="break-before: page"', more="")
    assert messages(problems(body, only="last-page-end-matter-only")) == [
        "page 2: last-page-end-matter-only: the last page holds only the authors' biography "
        "(4 lines filling 26 % of the page)"]


def test_a_bio_and_the_publisher_alone_before_a_back_cover():
    body = (f"<p>{TEXT * 4}</p>" + END_MATTER.format(style='style="break-before: page"', more=PUBLISHER)
            + '<div class="back">SCEEUS</div>')
    # the whole end matter together fills a third: a page the layout may choose (END_MATTER_ONLY)
    assert problems(body, BACK_COVER, only="last-page-end-matter-only") == []
    body = f"<p>{TEXT * 4}</p>" + END_MATTER.format(style='style="break-before: page"', more="") + '<div class="back">SCEEUS</div>'
    assert messages(problems(body, BACK_COVER, only="last-page-end-matter-only")) == [
        "page 2: last-page-end-matter-only: the last page holds only the authors' biography "
        "(4 lines filling 26 % of the page)"]


def test_a_bio_after_the_text_on_the_last_page_passes():
    body = f"<p>{TEXT * 16}</p>" + END_MATTER.format(style="", more="")
    assert problems(body, only="last-page-end-matter-only") == []


def test_a_nearly_empty_last_page_before_a_back_cover_and_the_blank_page_print_puts_there():
    body = f"<p>{TEXT * 4}</p><p style='break-before: page'>The end.</p><div class='back'>SCEEUS</div>"
    assert messages(problems(body, BACK_COVER, only="near-empty-last-page")) == [
        "page 2: the last page is nearly empty (only 1 line)"]
    print_css = BACK_COVER.replace("break-before: page", "break-before: left")  # page 3 left blank
    assert messages(problems(body, print_css, only="near-empty-last-page")) == [
        "page 2: the last page is nearly empty (only 1 line)"]


# ---- through the command line: a document, screen and print; a reader --------------------

FAULTY = ("## Trade\n\nThe ministry will publish the figures [TK].\n\n"
          "| Year | Exports |\n|---|---|\n| 2023 | 5.4 |\n")


@pytest.mark.slow
def test_check_warns_of_a_bracketed_placeholder_at_its_line(tmp_path):
    folder = write_doc(tmp_path / "doc", MINIMAL, FAULTY)
    result = run(folder, "--check")
    assert result.returncode == 0, result.stderr
    assert f"{folder / 'document.md'}:12:39: warning: still a placeholder: '[TK]'" in result.stderr.splitlines()


@pytest.mark.slow
def test_a_strict_preflight_fails_the_gate_in_the_screen_and_the_print_pdf(tmp_path):
    folder = write_doc(tmp_path / "doc", MINIMAL, FAULTY)
    result = run(folder, "-q", "--preflight", "--strict", "--format", "pdf,print", "-o", tmp_path / "out")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    for suffix in (".pdf", ".print.pdf"):
        pdf = tmp_path / "out" / f"doc{suffix}"
        assert f"{pdf}: page 1: uncaptioned-table: table 'Year · Exports' has no caption: it is not numbered; " \
               "write a line 'Table: caption' just before or after it" in lines, result.stderr
        assert f"{pdf}: page 1: placeholder: still a placeholder: '[TK]'; replace it before the document " \
               "goes to press" in lines, result.stderr


@pytest.mark.slow
def test_a_reader_runs_the_gate_and_honours_what_its_documents_accept(tmp_path):
    write_doc(tmp_path / "doc", MINIMAL, FAULTY)
    write_doc(tmp_path / "ok", MINIMAL.replace("A Small Test Document", "Accepted")
              + "placeholders_accepted: ['[…]']\n", "## Text\n\nHe said […] nothing.\n")
    (tmp_path / "reader.yaml").write_text("title: Conference\ndate: 2024-03-01\ndocuments:\n  - doc\n  - ok\n",
                                          encoding="utf-8")
    result = run("--bundle", tmp_path / "reader.yaml", "-q", "--preflight", "--strict", "-o", tmp_path / "out")
    assert result.returncode == 1
    gate = [line.split(": ", 2)[2] for line in result.stderr.splitlines()
            if "uncaptioned-table" in line or "placeholder:" in line]
    assert gate == ["uncaptioned-table: table 'Year · Exports' has no caption: it is not numbered; write a line "
                    "'Table: caption' just before or after it",
                    "placeholder: still a placeholder: '[TK]'; replace it before the document goes to press"], \
        result.stderr
