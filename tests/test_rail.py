"""The rail used (series.yaml `notes: side | foot | end`): notes beside their call, stacked,
at the foot of the page when the rail is full; figure sources, pull quotes and key figures in
the rail. Positions are read from the PDF's text (pypdfium2), tags with pikepdf and `pdfua`."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from conftest import MINIMAL, run, write_doc
from validators import pdfua, qpdf_check, ua_problems

MM = 72 / 25.4
# The SCEEUS page: 22 mm left margin, a 30 mm rail, notes reaching 10 mm into the margin and
# 6 mm short of the column (styles/base/style.css).
MARGIN, RAIL, REACH, GAP = 22 * MM, 30 * MM, 10 * MM, 6 * MM
COLUMN = MARGIN + RAIL
LINE = 15.0  # the body's leading, in pt

CHARTS = """
capacity:
  type: bar
  unit: megawatt
  x: [2021, 2022]
  series:
    Built: [520, 850]
  source: Invented figures for the rail test
"""

BODY = """## Section

Alphaword opens the text.[^1] Betaword follows at once.[^2]

![Capacity built](chart:capacity)

> [!pull] Gammaword is the quote the rail holds.

Deltaword closes the section.

[^1]: Notezero one is beside its call, in the rail, on the line of its call.
[^2]: Noteone two comes right after: it is stacked under the first, never over it.
"""

KEY = 'key_figures:\n  - {value: "€50bn", label: "Epsilonword aid pledged 2024"}\n'


def _boxes(pdf: Path, word: str) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(page, (left, bottom, right, top)) of each occurrence of `word`, in pt from the bottom left."""
    found = []
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for number in range(len(document)):
            text = document[number].get_textpage()
            searcher = text.search(word, match_case=True)
            while (hit := searcher.get_next()) is not None:
                index, count = hit
                first, last = text.get_charbox(index), text.get_charbox(index + count - 1)
                found.append((number, (first[0], min(first[1], last[1]), last[2], max(first[3], last[3]))))
    finally:
        document.close()
    return found


def _one(pdf: Path, word: str):
    hits = _boxes(pdf, word)
    assert len(hits) == 1, (word, hits)
    return hits[0]


def _in_rail(box) -> bool:
    left, _, right, _ = box
    return MARGIN - REACH - 1 <= left and right <= COLUMN - GAP + 1


def _notes(pdf: Path) -> dict[str, str]:
    """Each `Note` of the structure tree: its ID → the role of its parent."""
    found = {}
    with pikepdf.open(pdf) as document:
        todo = [document.Root.StructTreeRoot]
        while todo:
            element = todo.pop()
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    if kid.get("/S") in ("/Note", "/FENote"):
                        found[str(kid.get("/ID"))] = str(element.get("/S"))
                    todo.append(kid)
    return found


@pytest.fixture(scope="module")
def side(tmp_path_factory) -> Path:
    folder = write_doc(tmp_path_factory.mktemp("rail") / "side", MINIMAL + KEY, BODY, charts__yaml=CHARTS)
    out = folder.parent / "out"
    result = run(folder, "-o", out)
    assert result.returncode == 0, result.stderr
    return out / "side.pdf"


def _series(root: Path, notes: str) -> Path:
    (root / f"notes-{notes}").mkdir(parents=True)
    (root / f"notes-{notes}" / "series.yaml").write_text(
        f"extends: sceeus-guest-commentary\nname: Test {notes}\nlabel: Test {notes}\nnotes: {notes}\n")
    return root


@pytest.mark.slow
def test_a_sidenote_stands_in_the_rail_on_the_line_of_its_call(side):
    page, call = _one(side, "Alphaword")
    note_page, note = _one(side, "Notezero")
    assert note_page == page
    assert _in_rail(note), note
    # its first line on the call's: the tops of their capitals within 3 pt (7.5 against 10.5 pt type)
    assert abs(note[3] - call[3]) <= 3, (note, call)


@pytest.mark.slow
def test_two_close_notes_stack_without_overlap(side):
    _, first_top = _one(side, "Notezero")
    _, first_end = _one(side, "never")  # the second note's last word: under the first note
    _, second = _one(side, "Noteone")
    _, first_last = _one(side, "its call, in")
    assert _in_rail(second)
    assert second[3] <= first_last[1] + 0.5, (second, first_last)  # its top under the first's last line
    assert first_end[1] < first_top[1]


@pytest.mark.slow
def test_the_figure_source_the_pull_quote_and_the_key_figure_stand_in_the_rail(side):
    for word in ("Invented figures", "Gammaword", "Epsilonword", "€50bn"):
        _, box = _one(side, word)
        assert _in_rail(box), (word, box)
    _, figure = _one(side, "Capacity built")  # the caption stays in the column
    assert figure[0] >= COLUMN - 1


@pytest.mark.slow
def test_sidenotes_are_tagged_notes_in_the_paragraph_of_their_call_and_the_pdf_stays_pdf_ua(side):
    assert _notes(side) == {"fn1": "/P", "fn2": "/P"}
    assert pdfua(side) == []
    assert ua_problems(side) == []


LONG = ("This note is long on purpose: it says where the figure comes from, who counted it, and why "
        "the count differs from the one the ministry gave in its spring report. ")


@pytest.mark.slow
def test_notes_the_rail_cannot_hold_go_to_the_foot_of_the_page(tmp_path):
    body = ("## Section\n\n" + " ".join(f"Sentence {i} says something.[^{i}]" for i in range(1, 13)) + "\n\n"
            + "\n\n".join(f"[^{i}]: Marker{i:02d} {LONG * 2}" for i in range(1, 13)) + "\n")
    folder = write_doc(tmp_path / "full", MINIMAL, body)
    result = run(folder, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "full.pdf"
    _, first = _one(pdf, "Marker01")
    assert _in_rail(first)
    _, last = _one(pdf, "Marker12")
    assert last[0] >= COLUMN - 1, last  # in the column …
    _, text = _one(pdf, "Sentence 12 says")
    assert last[3] < text[1] - LINE, (last, text)  # … under the text: at the foot
    assert len(_notes(pdf)) == 12
    assert pdfua(pdf) == []


@pytest.mark.slow
def test_notes_foot_and_end(tmp_path):
    styles = _series(_series(tmp_path / "styles", "foot"), "end")
    folder = write_doc(tmp_path / "doc", MINIMAL, BODY, charts__yaml=CHARTS)
    for notes in ("foot", "end"):
        result = run(folder, "--styles", styles, "--series", f"notes-{notes}", "-o", tmp_path / notes)
        assert result.returncode == 0, result.stderr
    foot, end = tmp_path / "foot" / "doc--notes-foot.pdf", tmp_path / "end" / "doc--notes-end.pdf"
    page, call = _one(foot, "Alphaword")
    note_page, note = _one(foot, "Notezero")
    assert note_page == page and note[0] >= COLUMN - 1 and note[3] < call[1] - LINE
    _, source = _one(foot, "Invented figures")  # no rail: the source under its figure
    assert source[0] >= COLUMN - 1
    assert set(_notes(foot)) == {"fn1", "fn2"}  # in the page's footnotes
    assert pdfua(foot) == []
    # end: the list after the text, under its heading, as before the rail was used
    pages = {_one(end, word)[0] for word in ("Notes", "Notezero", "Deltaword")}
    (_, heading), (_, note), (_, last) = (_one(end, word) for word in ("Notes", "Notezero", "Deltaword"))
    assert len(pages) == 1 and note[0] >= COLUMN - 1 and note[3] < heading[1] < last[1]
    assert set(_notes(end)) == {"fn1", "fn2"}


@pytest.mark.slow
def test_notes_that_fit_cost_no_layout_pass(tmp_path, monkeypatch):
    """A document whose notes fit the rail is laid out as often as the same text without notes."""
    from conftest import skip_unless_supported
    from report import pipeline
    from report.layout import pages

    skip_unless_supported()
    calls = []
    layout = pages.layout
    monkeypatch.setattr(pages, "layout", lambda *a, **k: calls.append(1) or layout(*a, **k))
    counts = []
    for name, body in (("plain", "## Section\n\nAlphaword opens the text. Betaword follows.\n"),
                       ("noted", "## Section\n\nAlphaword opens the text.[^1] Betaword follows.[^2]\n\n"
                                 "[^1]: One.\n[^2]: Two.\n")):
        calls.clear()
        folder = write_doc(tmp_path / name, MINIMAL, body)
        pipeline.build(folder, pipeline.Options(out_dir=tmp_path / "out", cache=tmp_path / "cache"))
        counts.append(len(calls))
    assert counts[0] == counts[1] == 1


def test_key_figures_are_checked(tmp_path):
    front = MINIMAL + ('key_figures:\n  - {value: "€50bn", label: "EU aid"}\n  - {value: "a value far too long"}\n'
                       '  - "12 %"\n')
    folder = write_doc(tmp_path / "doc", front)
    result = run("--check", folder)
    assert result.returncode == 1
    path = folder / "document.md"
    assert result.stderr.splitlines()[-3:] == [
        f"{path}:11:5: key_figures[1].label: required",
        f"{path}:11:13: key_figures[1].value: is 20 characters long; at most 12 are allowed",
        f"{path}:12:5: key_figures[2]: must be a mapping with value and label, such as "
        '{value: "€50bn", label: "…"}',
    ]


def test_notes_side_needs_a_rail(tmp_path):
    styles = tmp_path / "styles"
    (styles / "narrow").mkdir(parents=True)
    (styles / "narrow" / "series.yaml").write_text(
        "extends: sceeus-guest-commentary\nname: Narrow\nlabel: Narrow\nrail: 10mm\n")
    folder = write_doc(tmp_path / "doc", MINIMAL)
    result = run("--check", "--styles", styles, "--series", "narrow", folder)
    assert result.returncode == 1
    assert (f"{styles / 'narrow' / 'series.yaml'}:4: rail: 10mm is too narrow for notes: side (at least 20mm); "
            "set notes: foot or end") in result.stderr.splitlines()


def test_the_web_page_keeps_its_notes_after_the_text(tmp_path):
    from report.render import rail
    from report.source.markdown import parse, render_body

    tokens, env = parse(BODY)
    body = rail.used(render_body(tokens, env, {}), "side", (), pages=False)
    assert 'class="sidenote' not in body.html and 'id="fn1"' in body.notes_html
    assert '<blockquote class="pull-quote">\n<p>Gammaword' in body.html and "[!pull]" not in body.html
    pdf_body = rail.used(render_body(*parse(BODY), {}), "side", (), pages=True)
    assert pdf_body.notes_html == "" and pdf_body.html.count('class="sidenote in-rail"') == 2


# The print PDF (facing pages): the rail is each page's outer margin. Page 1 is a right-hand page,
# page 2 a left-hand one; the column stands 22 + 30 mm from the outer trim edge on both.
FILLER = ("Filler text runs on so that the section fills the first page and the text goes on to the "
          "second, where the second note and the figure stand beside the column. ")
PRINTED = ("## Section\n\nAlphaword opens the text.[^1] Then the text runs on.\n\n"
           "> [!pull] Gammaword is the quote the rail holds.\n\n"
           + "\n\n".join(FILLER * 4 for _ in range(6))
           + "\n\nZetaword calls the second note.[^2] The figure follows.\n\n![Capacity built](chart:capacity)\n\n"
           "Deltaword closes the section.\n\n"
           "[^1]: Notezero is beside its call, on the right of the column on a right-hand page.\n"
           "[^2]: Noteleft is beside its call, on the left of the column on a left-hand page.\n")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    folder = write_doc(tmp_path_factory.mktemp("rail-print") / "printed", MINIMAL + KEY, PRINTED,
                       charts__yaml=CHARTS)
    out = folder.parent / "out"
    result = run(folder, "--format", "print", "--preflight", "-o", out)
    assert result.returncode == 0, result.stderr
    (out / "preflight.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    return out / "printed.print.pdf"


def _trims(pdf: Path) -> list[tuple[float, ...]]:
    with pikepdf.open(pdf) as document:
        return [tuple(float(x) for x in page.obj.TrimBox) for page in document.pages]


def _outer(pdf: Path, page: int, box) -> bool:
    """The box stands in the rail of the page's outer margin: as on screen, mirrored on a
    right-hand page (an odd page number)."""
    left_edge, _, right_edge, _ = _trims(pdf)[page]
    left, _, right, _ = box
    if page % 2 == 0:  # page 1, 3 …: the column ends 52 mm from the right trim edge
        column = right_edge - COLUMN
        return column + GAP - 1 <= left and right <= column + RAIL + REACH + 1
    column = left_edge + COLUMN
    return column - RAIL - REACH - 1 <= left and right <= column - GAP + 1


@pytest.mark.slow
def test_in_print_the_rail_is_the_outer_margin_of_each_page(printed):
    for call_word, note_word, page in (("Alphaword", "Notezero", 0), ("Zetaword", "Noteleft", 1)):
        call_page, call = _one(printed, call_word)
        note_page, note = _one(printed, note_word)
        assert call_page == note_page == page, (call_word, call_page, note_page)
        assert _outer(printed, page, note), (note_word, note, _trims(printed)[page])
        assert abs(note[3] - call[3]) <= 3, (note, call)  # its first line on its call's, as on screen
    for word in ("Gammaword", "Epsilonword", "€50bn", "Invented figures"):
        page, box = _one(printed, word)
        assert _outer(printed, page, box), (word, page, box)
    page, source = _one(printed, "Invented figures")
    assert page == 1, page  # the figure's source on the left-hand page: the test has both sides


@pytest.mark.slow
def test_in_print_the_rail_stays_inside_the_trimmed_page_and_the_pdf_is_sound(printed):
    document = pypdfium2.PdfDocument(str(printed))
    try:
        for number, trim in enumerate(_trims(printed)):
            text = document[number].get_textpage()
            for i in range(text.count_rects()):
                left, bottom, right, top = text.get_rect(i)
                if bottom > trim[1]:  # the slug line stands below the trim, by design
                    assert trim[0] + MARGIN - REACH - 1 <= left and right <= trim[2] - MARGIN + REACH + 1, \
                        (number, text.get_text_bounded(left, bottom, right, top))
    finally:
        document.close()
    qpdf_check(printed)
    # the preflight, as --strict reads it: no box off the page, no text past the column
    assert "preflight passed" in (printed.parent / "preflight.txt").read_text(encoding="utf-8")
