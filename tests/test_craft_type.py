"""Typographic craft (type): small capitals for acronyms, old-style figures in running text and
lining ones where figures are read across, the executive summary's measure, a byline of several
authors, the running head, a paragraph's last word, chart labels. Asserted on the built PDFs
where a build shows it; the rules themselves on the rendered HTML."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from conftest import GUEST, ROOT, run
from report.render import charts, typeset


def _chars(pdf: Path, page: int) -> tuple[str, list[tuple[float, float, float, float]]]:
    """The page's characters and each one's box (left, bottom, right, top), as pdfium reads them."""
    text = pdfium.PdfDocument(pdf)[page].get_textpage()
    count = text.count_chars()
    return text.get_text_range(0, count), [text.get_charbox(i) for i in range(count)]


def _height(boxes, at: int) -> float:
    return boxes[at][3] - boxes[at][1]


# -- small capitals and figures, in the Guest Commentary (SCEEUS: both on) -----------------------

def test_acronyms_are_small_capitals_that_read_as_typed(guest_pdf):
    page1 = pypdf.PdfReader(guest_pdf).pages[0].extract_text()
    assert "European Union (EU) member states" in page1
    assert "also applies to the EU." in page1
    text, boxes = _chars(guest_pdf, 0)
    eu = text.index("(EU)") + 1
    capital = text.index("European Union (EU)")  # the same line's full capital E
    assert _height(boxes, eu) < 0.85 * _height(boxes, capital)  # a small capital: lower than a capital
    assert abs(boxes[eu][1] - boxes[capital][1]) < 0.5  # on the same baseline


def test_running_text_has_oldstyle_figures_and_folios_lining(guest_pdf):
    text, boxes = _chars(guest_pdf, 0)
    year = text.index("February 2022")
    f, zero = year, year + len("February 2")
    # old-style: the 0 is an x-height figure (0.84 of the F here); a lining 0 stands as tall as the F
    assert _height(boxes, zero) < 0.9 * _height(boxes, f)
    folio = text.index("Page 1 of")
    assert _height(boxes, folio + len("Page ")) > 0.95 * _height(boxes, folio)  # "1" as tall as "P"


def _full_lines(pdf: Path, start: str, end: str) -> list[str]:
    """The lines of page 1 from `start` (its heading) to `end`, without the paragraphs' last lines."""
    lines = pypdf.PdfReader(pdf).pages[0].extract_text().split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip().upper() == start)
    last = next(i for i, line in enumerate(lines) if i > first and line.startswith(end))
    block = lines[first + 1:last]
    return block[:-1]  # the last line ends the paragraph: not a full line


def _measure(lines: list[str]) -> float:
    return sum(len(line.rstrip()) for line in lines) / len(lines)


def test_executive_summary_measure(guest_pdf):
    lines = _full_lines(guest_pdf, "EXECUTIVE SUMMARY", "Economic Cooperation")
    assert len(lines) >= 5
    assert 60 <= _measure(lines) <= 75, lines


# -- the rules, on the rendered HTML -------------------------------------------------------------

def test_acronym_spans_only_in_running_text():
    html = ("<main><p>The EU and NATO, NGOs and ЄС in World War II, see https://EU.int and <code>NATO</code>."
            "</p><table><tr><td>EU data</td></tr></table><h2>EU policy</h2>"
            "<figure><figcaption>OSCE members</figcaption></figure></main>")
    out = typeset.typeset(html, "en", acronyms=True)
    spans = re.findall(r'<span class="acronym">\s*([^<]*)</span>', out)
    assert spans == ["EU", "NATO", "NGO", "ЄС"]  # not the Roman numeral, the address, code, table, heading, caption
    assert '<span class="acronym"> NGO</span>s' in out  # the space before inside: WeasyPrint breaks there
    assert "acronym" not in typeset.typeset(html, "en")  # a series that does not choose them


@pytest.mark.parametrize("paragraph, lang, kept", [
    ("The desk agreed on a plan and a date for the follow-up.", "en", '<span class="nobr"> follow-up.</span>'),
    ("Україна не має змоги забезпечити таких перевезень.", "uk", " перевезень."),
    ("Ці кроки були б для України надзвичайно вигідними й вигадані.", "uk", " вигадані."),
    ("The release of <em>all</em> prisoners.", "en", " prisoners."),
])
def test_a_paragraphs_last_word_is_never_broken(paragraph, lang, kept):
    out = typeset.typeset(f"<main><p>{paragraph}</p></main>", lang)
    assert out.endswith(f"{kept}</p></main>")  # whole: no soft hyphen, its own hyphen held
    if lang == "uk":
        assert typeset.SOFT_HYPHEN in out  # the words before still hyphenate


def test_a_notes_last_word_in_the_rail_is_never_broken():
    """A note set in the rail is a span, not a <p>: it is declared a paragraph (rail.NOTE_PARAGRAPH)."""
    from report.render import rail

    note = "Примітка: ці цифри вигадані для цього прикладу приміток"
    out = typeset.typeset(f"<main><p>Текст{rail.NOTE_PARAGRAPH}{note}</span></p></main>", "uk")
    assert out.endswith(" приміток</span></p></main>") and typeset.SOFT_HYPHEN in out
    plain = typeset.typeset(f"<main><p>Текст<span>{note}</span> і далі</p></main>", "uk")
    assert "мі\xadток" in plain  # without the declaration, the same word is hyphenated


@pytest.mark.parametrize("label, chars, lines", [
    ("Jan–Jul 2023", 8, ["Jan–Jul 2023"]),
    ("Trade in Jan–Jul 2023", 10, ["Trade in", "Jan–Jul 2023"]),
    ("Capacity 1 250 MW", 9, ["Capacity", "1 250 MW"]),
    ("Share 12 % of GDP", 9, ["Share", "12 % of", "GDP"]),
])
def test_chart_category_labels_keep_dates_and_units_whole(label, chars, lines):
    assert charts._wrap(label, chars).split("\n") == lines


# -- a document of three authors and a long title -------------------------------------------------

LONG_TITLE = "Ukraine–Belarus Relations at an All-Time Low after the Full-Scale Invasion of 2022 and Beyond"


@pytest.fixture(scope="module")
def three_authors(tmp_path_factory):
    folder = tmp_path_factory.mktemp("craft") / "three-authors"
    shutil.copytree(GUEST, folder)
    source = (folder / "document.md").read_text(encoding="utf-8")
    source = source.replace('title: "Ukraine–Belarus Relations at an All-Time Low"', f'title: "{LONG_TITLE}"')
    source = source.replace('    affiliation: "[Affiliation to be confirmed]"\n',
                            '    affiliation: "[Affiliation to be confirmed]"\n'
                            "  - name: Olena Kovalenko-Marchenko\n"
                            "    affiliation: Stockholm Centre for Eastern European Studies\n"
                            "  - name: Jan Andersson\n    affiliation: Uppsala University\n")
    (folder / "document.md").write_text(source, encoding="utf-8")
    return folder


def test_long_title_without_short_title_is_named_by_check(three_authors):
    result = run(three_authors, "--check")
    assert result.returncode == 0, result.stderr
    assert (f"{three_authors}/document.md:8:8: warning: title: is 93 characters long, more than a running head "
            "holds (60): set `short_title` to a shorter title for the running heads") in result.stdout + result.stderr


@pytest.mark.slow
def test_wrapped_byline_one_author_a_line_and_running_head_whole(three_authors, tmp_path):
    result = run(three_authors, "-o", tmp_path, "-q")
    assert result.returncode == 0, result.stderr
    reader = pypdf.PdfReader(tmp_path / "three-authors.pdf")
    lines = [line.strip() for line in reader.pages[0].extract_text().split("\n")]
    names = ["[Author name to be confirmed]", "Olena Kovalenko-Marchenko", "Jan Andersson"]
    byline = [line for line in lines if any(line.startswith(n) for n in names)]
    assert [line.split(",")[0] for line in byline] == names  # each author starts a line of their own
    assert not any(line.startswith("·") or line.endswith("·") for line in lines)
    head = reader.pages[1].extract_text()
    assert "Ukraine–Belarus Relations at an All-Time Low" in head and "…" not in head


@pytest.mark.slow
@pytest.mark.parametrize("sample, heading, after", [
    ("sceeus-sample-sv-2025-06", "SAMMANFATTNING", "Ett påhittat läge"),
    ("sceeus-sample-uk-2025-06", "РЕЗЮМЕ", "Вигадана ситуація"),
])
def test_executive_summary_measure_in_other_languages(sample, heading, after, tmp_path):
    result = run(ROOT / "data" / sample, "-o", tmp_path, "-q")
    assert result.returncode == 0, result.stderr
    lines = _full_lines(tmp_path / f"{sample}.pdf", heading, after)
    assert 60 <= _measure(lines) <= 75, lines


def test_a_drawn_charts_category_never_breaks_before_its_year():
    from test_charts import STYLE, spec, text_labels

    # eight categories: too narrow a slot for "Jan–Jul 2021" on one line, which used to break
    # as "Jan–Jul / 2021"; now a label is whole, and every other one is shown where they would collide
    months = tuple(f"{part} {year}" for year in (2021, 2022, 2023, 2024) for part in ("Jan–Jul", "Aug–Dec"))
    labels = text_labels(charts.draw(spec("bar", months, (("A", tuple(range(1, 9))),)), STYLE))
    shown = [label for label in labels if not label.isdigit() or len(label) == 4]
    assert shown and set(shown) <= set(months), shown  # no "Jan–Jul" without its year, no bare "2021"
