"""Figures and boxes placed as a layout desk would: what `floats.settle` does to real pages.

Fixtures are a few blocks on a small page (100 mm square, 20 px lines, the shipped fonts), so
that where a figure lands is known; the real document is checked end to end in
test_preflight.py (no under-filled page in any shipped series).
"""

from __future__ import annotations

import pytest

from report import cache
from report.layout import floats, galley
from report.model import Html

from conftest import ROOT
from test_preflight import FONT_FACES, SMALL_PAGE

pytestmark = pytest.mark.layout  # every test lays pages out

CSS = SMALL_PAGE + "figure { margin: 0; break-inside: avoid; } li { break-inside: avoid; }"
TEXT = "The delegation met the ministers again to discuss trade, transit and the border. "


def html(body: str) -> Html:
    text = (f"<!DOCTYPE html><html lang='en'><head><style>{FONT_FACES}\n{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>")
    return Html(text, ROOT.as_uri() + "/", ())


def figure(number: int, px: int = 240) -> str:
    return (f'<figure id="figure-{number}"><figcaption>Figure {number}. Trade</figcaption>'
            f'<div style="height: {px}px; background: #ccc"></div></figure>')


def paragraph(name: str, repeat: int) -> str:
    return f'<p id="{name}">{TEXT * repeat}</p>'


class Layouts:
    """The layout callable `settle` is given: WeasyPrint, counting its runs."""

    def __init__(self):
        self.runs = 0

    def __call__(self, page_html: Html):
        import weasyprint
        from report.layout.pages import font_config

        self.runs += 1
        return weasyprint.HTML(string=page_html.text, base_url=page_html.base_url).render(font_config=font_config())


def where(document, ident: str) -> list[int]:
    """The pages an element with this id has boxes on."""
    return [n for n, page in enumerate(document.pages, 1)
            if any(box.element is not None and box.element.get("id") == ident for box, _ in floats.flow(page))]


def order(document) -> list[str]:
    """The ids of the blocks in the main column, in the order laid out."""
    seen = []
    for page in document.pages:
        for box, _ in floats.flow(page):
            ident = box.element.get("id") if box.element is not None else None
            if ident and ident not in seen:
                seen.append(ident)
    return seen


def test_a_figure_that_does_not_fit_goes_after_the_text_that_fills_the_page():
    page_html = html(paragraph("a", 3) + figure(1, 200) + paragraph("b", 8) + paragraph("c", 1))
    before = Layouts()(page_html)
    assert [g.page for g in floats.gaps(before)] == [1]  # the figure went on, the page is 40 % full
    assert floats.fill(before.pages[0]) < 0.5

    document = floats.settle(page_html, Layouts())
    assert floats.gaps(document) == []
    assert floats.fill(document.pages[0]) >= floats.FULL
    assert where(document, "b")[0] == 1  # the text that follows fills page 1 …
    assert where(document, "figure-1") == [2]  # … and the figure stands on page 2
    assert order(document) == ["a", "b", "figure-1", "c"]
    assert running_text(document) == running_text(before)  # not a word lost, none added


def first_on(page) -> str:
    """The text of the first line on a page."""
    line = next(box for box, _ in floats.flow(page) if floats.is_line(box))
    return floats.line_text(line).strip()


def running_text(document) -> str:
    """The words of the paragraphs, in reading order, hyphenated words joined."""
    lines = [floats.line_text(box) for page in document.pages for box, ancestors in floats.flow(page)
             if floats.is_line(box) and box.element_tag == "p"]
    return " ".join(" ".join(lines).replace("\u2010 ", "").split())


def test_figures_written_together_move_together_in_number_order():
    page_html = html(paragraph("a", 2) + figure(1) + figure(2, 60) + paragraph("b", 8))
    document = floats.settle(page_html, Layouts())
    assert floats.gaps(document) == []
    assert order(document) == ["a", "b", "figure-1", "figure-2"]


@pytest.mark.slow
def test_a_figure_never_separates_a_heading_from_its_text():
    page_html = html(paragraph("a", 3) + figure(1, 200) + '<h2 id="h">Trade</h2>' + paragraph("b", 8)
                     + paragraph("c", 4))
    document = floats.settle(page_html, Layouts())
    assert order(document) == ["a", "h", "b", "figure-1", "c"]
    assert floats.gaps(document) == []


def test_a_figure_never_passes_another_figure():
    # Figure 1 leaves page 1 a quarter full; moved after "b" it meets Figure 2, and the two go on
    # together, in their order, after the text that fills the page.
    page_html = html(paragraph("a", 2) + figure(1) + paragraph("b", 1) + figure(2, 60) + paragraph("c", 8))
    assert [g.page for g in floats.gaps(Layouts()(page_html))] == [1]
    document = floats.settle(page_html, Layouts())
    assert order(document) == ["a", "b", "c", "figure-1", "figure-2"]
    assert floats.gaps(document) == [] and [where(document, f"figure-{n}") for n in (1, 2)] == [[2], [3]]


def test_a_list_item_that_does_not_fit_breaks_instead_of_leaving_a_gap():
    items = "".join(f'<li id="item-{n}">{TEXT * 3}</li>' for n in (1, 2, 3))
    page_html = html(paragraph("a", 3) + f"<ol>{items}</ol>")
    assert [g.page for g in floats.gaps(Layouts()(page_html))] == [1]
    document = floats.settle(page_html, Layouts())
    assert floats.gaps(document) == []
    assert len(where(document, "item-2")) == 2 or len(where(document, "item-3")) == 2  # one item is split


def test_a_figure_with_nothing_after_it_stays_and_the_passes_end():
    page_html = html(paragraph("a", 2) + figure(1))
    layouts = Layouts()
    document = floats.settle(page_html, layouts)
    assert order(document) == ["a", "figure-1"]
    assert layouts.runs == 1  # nothing a desk could do: laid out once


def positions(document) -> list[tuple]:
    return [(n, box.element.get("id"), round(box.position_y, 3)) for n, page in enumerate(document.pages, 1)
            for box, _ in floats.flow(page) if box.element is not None and box.element.get("id")]


def test_the_same_html_gives_the_same_pages():
    # (the same bytes, end to end, are checked by the build's reproducibility tests)
    page_html = html(paragraph("a", 2) + figure(1) + paragraph("b", 8) + paragraph("c", 1))
    first = positions(floats.settle(page_html, Layouts()))
    cache.forget()
    assert positions(floats.settle(page_html, Layouts())) == first


def test_a_rebuild_of_the_same_html_lays_it_out_once():
    page_html = html(paragraph("a", 2) + figure(1) + paragraph("b", 8) + paragraph("c", 1))
    floats.settle(page_html, Layouts())
    again = Layouts()
    document = floats.settle(page_html, again)
    assert again.runs == 1
    assert order(document) == ["a", "b", "figure-1", "c"]


def test_a_page_ended_on_purpose_is_not_a_gap():
    page_html = html(paragraph("a", 2) + '<p id="b" style="break-before: page">Next part.</p>')
    assert floats.gaps(Layouts()(page_html)) == []


def run_of_figures(count: int, repeat: int, px: int) -> Html:
    """`count` times a paragraph and a figure, then a last paragraph: a hole on every few pages."""
    return html("".join(paragraph(f"a{n}", repeat) + figure(n + 1, px) for n in range(count)) + paragraph("end", 2))


def test_every_hole_of_a_run_of_pages_is_changed_before_one_layout():
    """Three holes, each opened by moving the one before, changed before one layout (one hole at
    a time took seven), then what that left, one at a time."""
    page_html = run_of_figures(8, 4, 180)
    before = Layouts()(page_html)
    assert [g.page for g in floats.gaps(before)] == [1, 5, 9]
    strip = galley.measure(before, 1)
    assert strip is not None and strip.trusted == len(before.pages)  # the strip pages them as WeasyPrint did

    layouts = Layouts()
    document = floats.settle(page_html, layouts)
    # One hole is left that no order of these figures fills (page 8, 86 % full): moved on once
    # more it would leave page 9 79 % full, a later but larger hole, which is no better.
    assert [(g.page, round(g.fill, 2)) for g in floats.gaps(document)] == [(8, 0.86)]
    assert floats.fill(document.pages[-1]) >= floats.NEAR_EMPTY
    assert layouts.runs <= 4  # one hole at a time took 7
    figures = [ident for ident in order(document) if ident.startswith("figure-")]
    assert figures == [f"figure-{n}" for n in range(1, 9)]  # in number order


def test_a_hole_one_at_a_time_could_not_settle_is_settled_with_the_rest():
    """One hole at a time, the first change leaves a hole on page 2 and six passes do not end
    it (four layouts); changed together, no hole is left, in two layouts."""
    layouts = Layouts()
    document = floats.settle(run_of_figures(8, 5, 140), layouts)
    assert floats.gaps(document) == []
    assert layouts.runs == 2


def test_a_strip_that_would_not_page_as_weasyprint_did_is_not_used():
    """A box whose rules the strip does not know (a forced break) ends its trust there."""
    page_html = html(paragraph("a", 3) + figure(1, 200) + paragraph("b", 8)
                     + '<p id="c" style="break-before: page">Next part.</p>' + paragraph("d", 8))
    before = Layouts()(page_html)
    strip = galley.measure(before, 1)
    assert strip is None or strip.trusted < len(before.pages)


@pytest.mark.slow
@pytest.mark.parametrize("make, layouts", [("x10", 4), ("figures30", 7)])
def test_a_long_document_is_settled_in_few_layouts_and_leaves_no_hole(tmp_path, monkeypatch, make, layouts):
    """The bench's long documents: the Guest Commentary ten times over (30 figures, 52 pages)
    and 30 figures in 29 pages. One layout, then one with every hole changed, then what that
    left one at a time (a page under 88 % is a hole), and one where the page turns are mended
    (layout/pagefoot.py); the 30 figures take every pass there is (six after the first). No
    page is left with a hole, and no source or note in the rail runs below the text area."""
    from benchmarks import bench
    from report import pipeline
    from report.layout import pages as pdf
    from test_preflight import layout_problems

    folder = bench.CASES[make][1](tmp_path / make)
    calls = []
    real = pdf.layout
    monkeypatch.setattr(pdf, "layout", lambda *a, **k: calls.append(1) or real(*a, **k))
    built = pipeline.build(folder, pipeline.Options(out_dir=tmp_path / "out", cache=tmp_path / "cache", preflight=True))
    lines = [line for report in built.preflight for line in report.splitlines()]
    assert layout_problems(lines) == [] and not any("under-filled" in line for line in lines), lines
    assert len(calls) <= layouts


@pytest.mark.slow
def test_a_long_document_has_full_pages_even_text_and_whole_names(tmp_path):
    """The Guest Commentary five times over (fifteen charts), screen and print."""
    from benchmarks import bench
    from test_preflight import build_with_preflight, layout_problems

    folder = bench.longer_document(ROOT / "data" / "sceeus-guest-commentary-2024-08", tmp_path / "long", times=5)
    lines = build_with_preflight(folder, tmp_path / "out", ("pdf", "print"))
    assert len([line for line in lines if line.startswith(str(tmp_path / "out"))]) >= 2
    assert layout_problems(lines) == []


@pytest.mark.slow
def test_a_repeat_build_lays_out_once_what_an_earlier_process_settled(tmp_path, monkeypatch):
    """The Guest Commentary needs its figures moved (two layouts); a build with the cache of
    an earlier one lays its pages out once, to the same bytes."""
    import shutil

    from conftest import GUEST
    from report.layout import floats as floats_mod
    from report.layout import pages as pdf
    from report import pipeline

    doc = shutil.copytree(GUEST, tmp_path / GUEST.name)
    options = pipeline.Options(out_dir=tmp_path / "out", cache=tmp_path / "cache")
    first = pipeline.build(doc, options).paths[0].read_bytes()
    assert list((tmp_path / "cache" / "layouts").glob("*.html"))
    cache.forget()  # a new process: only what is on disk
    calls = []
    real = pdf.layout
    monkeypatch.setattr(pdf, "layout", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert pipeline.build(doc, options).paths[0].read_bytes() == first
    assert len(calls) == 1


@pytest.mark.slow
def test_what_decides_the_layout_names_a_kept_layout(tmp_path):
    """A stylesheet, a font or a picture that changes gives the kept layout another name."""
    import shutil

    from conftest import GUEST, ROOT
    from report import pipeline

    styles = shutil.copytree(ROOT / "styles" / "sceeus-guest-commentary", tmp_path / "styles" / "mine")
    doc = shutil.copytree(GUEST, tmp_path / GUEST.name)
    options = pipeline.Options(series="mine", style_roots=(tmp_path / "styles",), cache=tmp_path / "cache")
    before = pipeline.layout_context(pipeline.prepare(doc, options), ())
    assert pipeline.layout_context(pipeline.prepare(doc, options), ()) == before
    assert pipeline.layout_context(pipeline.prepare(doc, options), ("p { color: red }",)) != before
    (styles / "style.css").write_text("p { letter-spacing: 1px; }\n", encoding="utf-8")
    assert pipeline.layout_context(pipeline.prepare(doc, options), ()) != before
