"""The desk's rules (docs/reference/typesetting.md), checked in the PDF and its laid-out lines.

Where a rule keeps a fault from happening, the fixture is one that shows the fault when the rule
is switched off (a control, laid out with the rule's CSS undone), so the test cannot pass by luck.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest

from conftest import GUEST, MINIMAL, pdf_text, run, write_doc

# What undoes the no-break rules, for the controls.
RULES_OFF = ".nobr, .author-name { white-space: normal; }"


def layout(folder: Path, css: tuple[str, ...] = ()):
    from report.layout import pages as pdf
    from report import pipeline
    from report.series import resolve as series_mod

    options = pipeline.Options()
    prepared = pipeline.prepare(folder, options)
    html = pipeline.html_for(prepared, pipeline.figures(prepared, options), web=False)
    allowed = (prepared.doc.folder,) + prepared.series.folders + (series_mod.TEMPLATES,)
    return pdf.layout(html, allowed, css)


def lines(document, tag: str, cls: str | None = None) -> list[list[str]]:
    """The text of each line of each block `tag` (with class `cls`), as laid out."""
    from weasyprint.formatting_structure import boxes

    found = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if (isinstance(box, boxes.BlockBox) and box.element_tag == tag
                    and (cls is None or cls in (box.element.get("class") or "").split())):
                found.append([" ".join("".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox))
                                       .replace("\u00ad", "").split())
                              for line in box.descendants() if isinstance(line, boxes.LineBox)])
    return found


# ---- Hyphenation ----------------------------------------------------------------------------

def test_english_of_any_region_takes_the_us_patterns():
    from report.render.hyphenate import Hyphenator, dictionary_name

    assert [dictionary_name(t) for t in ("en", "en-GB", "en-US", "en-AU")] == ["en_US"] * 4
    assert dictionary_name("sv") == "sv" and dictionary_name("uk") == "uk"
    assert dictionary_name("x-klingon") is None
    en = Hyphenator("en-GB")
    shown = {w: en.word(w).replace("\u00ad", "-") for w in
             ("amounted", "humanitarian", "deescalation", "Tsikhanouskaya", "Federation", "result", "significant")}
    assert shown == {"amounted": "amounted",  # "amount-ed" would leave two letters
                     "humanitarian": "human-i-tar-ian", "deescalation": "deesca-la-tion",
                     "Tsikhanouskaya": "Tsikhanouskaya", "Federation": "Federation",  # capitals never break
                     "result": "result",  # "re-sult" would leave two letters
                     "significant": "sig-nifi-cant"}  # never inside the "fi" ligature


def test_breaks_in_the_pdf(guest_pdf):
    text = "\n".join(pdf_text(guest_pdf))
    assert "\u00ad" not in text  # unbroken words extract whole
    breaks = re.findall(r"(\S*)\ufffe\s*(\S*)", text)  # pdfium marks a hyphenation break U+FFFE
    assert len(breaks) >= 10, breaks
    for before, after in breaks:
        head = re.findall(r"[^\W\d_]+$", before)[0]
        tail = re.match(r"[^\W\d_]*", after)[0]
        assert len(head) >= 3, (before, after)
        assert head.islower() or not head[:1].isupper(), (before, after)  # never in a name
        if tail[:1].islower():  # (at a page foot the next text is another page's furniture)
            assert len(tail) >= 3, (before, after)
    for wrong in ("amoun\ufffeted", "res\ufffeult", "humanit\ufffearian", "Tsikhan\ufffe", "Fed\ufffeeration"):
        assert wrong not in text


def test_words_extract_whole_also_where_soft_hyphens_sit(guest_pdf):
    words = set(re.findall(r"[\w’]+", "\n".join(pdf_text(guest_pdf))))
    assert {"significantly", "humanitarian", "considerations", "Tsikhanouskaya", "amounted"} <= words


# ---- No-break rules ---------------------------------------------------------------------------

@pytest.mark.layout
def test_a_paragraph_never_ends_with_one_short_word_alone(tmp_path):
    words = "the regime has handed the army more than two hundred tanks and trucks as well as munitions".split()
    body = " ".join((words * 2)[:25]) + " on Belarusian soil."
    doc = write_doc(tmp_path / "doc", MINIMAL, f"## Section\n\n{body}\n")
    control = [p for p in lines(layout(doc, (RULES_OFF,)), "p") if p and p[-1].endswith("soil.")]
    assert control[0][-1] == "soil."  # the fault, without the rule
    (paragraph,) = [p for p in lines(layout(doc), "p") if p and p[-1].endswith("soil.")]
    assert paragraph[-1] == "Belarusian soil."


@pytest.mark.layout
@pytest.mark.slow
def test_titles_and_headings_never_end_with_one_word_alone(tmp_path):
    doc = write_doc(tmp_path / "doc", MINIMAL.replace("A Small Test Document",
                                                      "Ukraine–Belarus Relations at an All-Time Low"))
    assert lines(layout(doc, (RULES_OFF,)), "h1")[0][-1] == "Low"  # the fault, without the rule
    assert lines(layout(doc), "h1")[0] == ["Ukraine–Belarus Relations at an", "All-Time Low"]
    for heading in lines(layout(GUEST), "h2") + lines(layout(GUEST), "h1"):
        assert len(heading[-1].split()) >= 2, heading


@pytest.mark.layout
@pytest.mark.slow
def test_an_author_name_is_never_split(tmp_path):
    front = MINIMAL.replace("  - name: Test Author\n", (
        "  - name: Jane Doe\n    affiliation: Institute of International Affairs and Studies and Studies "
        "Stockholm Stockholm Abc\n  - name: Astrid Lindqvist\n    affiliation: Uppsala University\n"))
    doc = write_doc(tmp_path / "doc", front)
    unstacked = ".byline.stacked .author, .byline.stacked .sep { display: inline; }"  # byline.py's rule off
    (control,) = lines(layout(doc, (RULES_OFF, unstacked)), "p", "byline")
    assert control[0].endswith("· Astrid")  # the fault, without the rules
    (byline,) = lines(layout(doc), "p", "byline")
    assert len(byline) == 2 and byline[1].startswith("Astrid Lindqvist")


def test_labels_and_amounts_are_bound_in_the_html():
    from report.render.typeset import typeset

    html = ('<html><head><title>Figure 2 title</title></head><body><main><p>As Figure 2 and Table 10 show, '
            'trade fell to $1.5 billion; see No. 8 by Jane Doe.</p><h2>Political Relations: Mutual Distrust</h2>'
            '<p>See <code>configuration</code> at https://example.org/informational.</p></main></body></html>')
    out = typeset(html, "en", ("Jane Doe",))
    bound = re.findall(r'<span class="nobr">([^<]*)', out)
    assert bound == ["Figure 2", "Table 10", "$1.5 billion", "No. 8", "Jane Doe.", "Mutual Distrust"]
    assert "<title>Figure 2 title</title>" in out  # nothing in the head
    assert "configuration" in out and "https://example.org/informational" in out  # code and URLs intact


def test_the_template_declares_what_is_a_title_or_furniture_and_no_class_name_counts():
    """A series may name its classes as it likes: `data-typeset` says what an element is."""
    from report.render.typeset import typeset

    text = "The internationalisation of responsibilities reached an All-Time distance"
    assert typeset(f'<p class="subtitle byline author-name">{text}</p>', "en") == (
        '<p class="subtitle byline author-name">The inter\xadna\xadtion\xadal\xadi\xadsa\xadtion of '
        'respon\xadsi\xadbil\xadi\xadties reached an All-Time distance</p>')  # running text, its last word whole
    assert typeset(f'<p data-typeset="unbroken">{text}</p>', "en") == f'<p data-typeset="unbroken">{text}</p>'
    assert typeset(f'<p data-typeset="headline">{text}</p>', "en") == (
        '<p data-typeset="headline">The internationalisation of responsibilities reached an '
        '<span class="nobr">All-Time distance</span></p>')  # no hyphen, no word alone at the end


# ---- Tables -----------------------------------------------------------------------------------

TABLE_BODY = """## Trade

Trade shrank, as Table 1 shows.

Table: Trade by direction, USD million

| Year | Exports | Imports | Comment |
|---|---|---|---|
| 2021 | 5,400.0 | 1,500.0 | peak year |
| 2022 | 1,390.5 | 20.2 | war |
| 2023 | 13.8 | – | seven months |

Source: National statistics.

Note: Figures rounded.

Table: Monthly turnover

| Month | Turnover |
|---|---|
{rows}
"""


@pytest.fixture(scope="module")
def table_pdf(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tables")
    rows = "\n".join(f"| Month {i} | {i * 37.5:,.1f} |" for i in range(1, 90))
    doc = write_doc(tmp / "doc", MINIMAL, TABLE_BODY.format(rows=rows))
    result = run(doc, "-q", "-o", tmp / "out")
    assert result.returncode == 0, result.stderr
    return tmp / "out" / "doc.pdf"


@pytest.mark.slow
def test_a_table_has_its_number_caption_source_and_note(table_pdf):
    pages = [" ".join(t.split()) for t in pdf_text(table_pdf)]
    text = " ".join(pages)
    assert "Table 1. Trade by direction, USD million" in text
    assert "Source: National statistics." in text and "Note: Figures rounded." in text
    assert "Table 2. Monthly turnover" in text
    assert "Table: " not in text and "Figure 1" not in text  # tables are counted apart from figures


@pytest.mark.slow
def test_a_long_table_repeats_its_header_row(table_pdf):
    pages = [t for t in pdf_text(table_pdf) if "Month 8" in t or "Month 5" in t]
    assert len(pages) >= 2
    assert all(re.search(r"Month\s+Turnover", t) for t in pages)


@pytest.mark.slow
def test_number_columns_align_on_the_right(table_pdf):
    pdf = pypdfium2.PdfDocument(str(table_pdf))
    try:
        page = next(pdf[i] for i in range(len(pdf)) if "5,400.0" in pdf[i].get_textpage().get_text_range())
        text = page.get_textpage()
        whole = text.get_text_range()

        def box(word):  # (left, right) of a word's characters
            at = whole.index(word)
            boxes = [text.get_charbox(i) for i in range(at, at + len(word))]
            return boxes[0][0], boxes[-1][2]

        exports = [box(v) for v in ("5,400.0", "1,390.5", "13.8")]
        comments = [box(v) for v in ("peak year", "war", "seven months")]
    finally:
        pdf.close()
    assert max(r for _, r in exports) - min(r for _, r in exports) < 0.5  # right edges line up
    assert max(l for l, _ in exports) - min(l for l, _ in exports) > 5  # (left edges do not)
    assert max(l for l, _ in comments) - min(l for l, _ in comments) < 0.5  # text stays on the left


# ---- Furniture --------------------------------------------------------------------------------

@pytest.mark.slow
def test_disclaimer_masthead_and_note_links(tmp_path):
    two = MINIMAL.replace("year: 2025", "year: 2025\ndate: 2025-06-12").replace(
        "  - name: Test Author\n", "  - name: Test Author\n  - name: Other Author\n")
    body = "## Section\n\nText with a note.[^1]\n\n[^1]: The note.\n"
    docs = {"one": write_doc(tmp_path / "one", MINIMAL, body), "two": write_doc(tmp_path / "two", two, body)}
    for doc in docs.values():
        result = run(doc, "-q", "--format", "pdf,html", "-o", tmp_path / "out")
        assert result.returncode == 0, result.stderr
    one = " ".join(" ".join(pdf_text(tmp_path / "out" / "one.pdf")).split())
    two = " ".join(" ".join(pdf_text(tmp_path / "out" / "two.pdf")).split())
    assert "are those of the author and do not" in one and "of the authors" not in one
    assert "are those of the authors and do not" in two
    assert "No. 3 · 12 June 2025" in two and "2025 · 12 June" not in two
    assert "No. 3 · 2025" in one
    assert "↑" not in one  # the way back from a note is for the screen
    web = (tmp_path / "out" / "one.html").read_text(encoding="utf-8")
    assert 'class="backref"' in web and ".backref { display: inline; }" in web


@pytest.mark.slow
def test_a_series_disclaimer_without_its_own_plural_is_used_for_all(tmp_path):
    styles = tmp_path / "styles" / "my-guest"
    styles.mkdir(parents=True)
    (styles / "series.yaml").write_text("extends: sceeus-guest-commentary\ndisclaimer: Our own words.\n",
                                        encoding="utf-8")
    front = MINIMAL.replace("  - name: Test Author\n", "  - name: Test Author\n  - name: Other Author\n")
    doc = write_doc(tmp_path / "doc", front)
    result = run(doc, "--styles", tmp_path / "styles", "--series", "my-guest", "-q", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    text = " ".join(" ".join(pdf_text(tmp_path / "out" / "doc--my-guest.pdf")).split())
    assert "Our own words." in text and "those of the authors" not in text


def test_hyphenated_words_are_kept_between_runs(tmp_path, monkeypatch):
    from report.render import hyphenate

    first = hyphenate.Hyphenator("en", tmp_path)
    assert first.word("considerations") == "con\u00adsid\u00ader\u00ada\u00adtions"
    first.save()
    (stored,) = tmp_path.glob("words-en_US-*.json")
    monkeypatch.setattr(hyphenate, "_pyphen", lambda name: pytest.fail("the patterns were loaded again"))
    assert hyphenate.Hyphenator("en-GB", tmp_path).word("considerations") == first.word("considerations")
    # A damaged entry is never printed: the word is hyphenated afresh.
    stored.write_text('{"considerations": "<b>x</b>"}', encoding="utf-8")
    monkeypatch.undo()
    assert hyphenate.Hyphenator("en", tmp_path).word("considerations") == "con\u00adsid\u00ader\u00ada\u00adtions"


def test_other_languages_take_their_own_patterns_or_none():
    from report.render.hyphenate import Hyphenator

    assert Hyphenator("uk").word("незалежність").replace("\u00ad", "-") == "неза-ле-ж-ність"
    assert Hyphenator("sv").word("förhandlingar").replace("\u00ad", "-") == "för-hand-lingar"
    assert Hyphenator("uk").word("Ціханоўская") == "Ціханоўская"  # a name, in any script
    assert Hyphenator("x-unknown").word("international") == "international"
