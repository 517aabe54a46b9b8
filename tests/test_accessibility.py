"""Accessibility: each check finds its fault, in the words a desk reads, at the line to fix.

Source checks (alt text, heading levels, link text, table header, script) on parsed Markdown;
PDF checks on files WeasyPrint writes; contrast and reflow on stylesheets; then the command
line: `--preflight --strict` exits 1 on a finding, `--format a11y` writes the report, and
`--pdf-variant pdf/ua-2` passes the product's check and the independent `pdfua`.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest

import validators as v
from conftest import GUEST, MINIMAL, ROOT, run, write_doc
from report.outputs import a11y_report, accessibility as made
from report.source import accessibility as written, markdown


def source_findings(body: str, lang: str = "en", first_line: int = 5) -> list[str]:
    tokens, _ = markdown.parse(body, lang)
    refs = markdown.references(tokens, first_line)
    return [str(f) for f in written.bounded(written.check(tokens, refs, "document.md", first_line, lang))]


def png(path: Path, size: int = 600) -> None:
    """A grey square, enough pixels for the screen PDF."""
    row = b"\x00" + b"\x80" * size
    data = zlib.compress(row * size)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", data) + chunk(b"IEND", b""))


# -- the source checks ---------------------------------------------------------------------------

def test_a_picture_without_alt_text_or_with_a_file_name_or_a_word_for_picture():
    body = ("## Section\n\n![](images/a.png)\n\n![images/b.png](images/b.png)\n\n![Image](images/c.png)\n\n"
            "![A grey square standing for the map of the border](images/d.png)\n")
    assert source_findings(body) == [
        "document.md:7: picture 'images/a.png' has no alt text: a screen reader says nothing of it; "
        "describe what it shows",
        "document.md:9: picture 'images/b.png' has a file name as its alt text ('images/b.png'): "
        "describe what it shows",
        "document.md:11: picture 'images/c.png' has the alt text 'Image', which names no content: "
        "describe what it shows",
    ]


def test_an_alt_text_of_ten_thousand_characters_gets_one_short_line():
    alt = ("word " * 2000).strip()[:9999] + "x"
    found = source_findings(f"## Section\n\n![{alt}](images/a.png)\n")
    assert found == ["document.md:7: picture 'images/a.png' has an alt text of 10,000 characters: a screen "
                     "reader reads it in one breath; keep it under 300 and put the rest in the text"]


def test_a_heading_that_skips_a_level():
    assert source_findings("## Section\n\n#### Deep\n\nText.\n") == [
        "document.md:7: heading 'Deep' is level 4 (####) after a level 2 heading: a screen reader's list "
        "of headings skips a level; make it ###"]
    assert source_findings("### First\n\nText.\n")[0].startswith(
        "document.md:5: heading 'First' is level 3 (###) after a level 1 heading")


def test_five_hundred_headings_a_level_too_deep_give_a_report_a_desk_can_read():
    body = "".join(f"## Part {i}\n\n#### Detail {i}\n\n" for i in range(250))
    found = source_findings(body)
    assert len(found) == 21
    assert found[-1] == "document.md: 230 more of the same kind (heading-jump)"


def test_link_text_that_says_nothing():
    body = ("## Section\n\nRead the report [here](https://example.org/report).\n"
            "The data: [https://example.org/data](https://example.org/data).\n"
            "See [the Centre's annual report](https://example.org/annual) and @fig-x.\n")
    assert source_findings(body) == [
        "document.md:7: link text 'here' says nothing about where it leads: a screen reader lists links by "
        "their text alone; name the destination",
        "document.md:8: a bare address 'https://example.org/data' as link text in running text: a screen "
        "reader spells it out; name the destination and link that",
    ]


def test_a_bare_address_in_a_note_is_a_citation_and_passes():
    assert source_findings("## Section\n\nText.[^1]\n\n[^1]: <https://example.org/data>\n") == []


def test_a_table_with_an_empty_header_row():
    body = "## Section\n\n|   |   |\n|---|---|\n| a | 1 |\n\n| Country | Share |\n|---|---|\n| UA | 1 |\n"
    assert source_findings(body) == [
        "document.md:7: a table without a header row: its first row is empty, so a screen reader cannot "
        "name a cell's column; write the column names there"]


def test_text_in_another_script_without_a_language_mark():
    body = "## Section\n\nSviatlana Tsikhanouskaya (Святлана Ціханоўская) spoke.\n\nSCEEUS and the EU.\n"
    assert source_findings(body) == [
        "document.md:7: text in Cyrillic script ('Святлана Ціханоўская') has no language mark: a screen "
        "reader reads it with English rules; transliterate it, or have it read by a person in the outputs' "
        "accessibility review"]
    # Latin letters in a Ukrainian document (names, acronyms) are written so in any language.
    assert source_findings("## Розділ\n\nSCEEUS і Nord Stream.\n", "uk") == []


def test_a_clean_body_has_no_findings():
    body = ("## Section\n\n### Sub\n\nSee [the annual report](https://example.org/annual).\n\n"
            "![A grey square standing for the map](images/d.png)\n\n| Country | Share |\n|---|---|\n| UA | 1 |\n")
    assert source_findings(body) == []


# -- contrast and reflow from the stylesheets -----------------------------------------------------

COLOURS = {"text": "#1d2129", "muted": "#999999", "primary": "#16284a", "tint": "#edf0f5"}
PLACES = {"muted": ("styles/pale/series.yaml", 6)}


def test_a_pale_text_colour_is_reported_at_its_series_yaml_line():
    html = '<html><body><p class="small">Caption</p><h1>Big</h1></body></html>'
    css = [("style.css", "p.small { color: var(--color-muted); } h1 { color: var(--color-muted); font-size: 20pt }")]
    found = [str(f) for f in made.contrast(html, css, COLOURS, "print", "pdf", PLACES)]
    assert found == [
        "styles/pale/series.yaml:6: text in 'muted' (#999999) on #ffffff has a contrast of 2.8:1 in the PDF, "
        "under the 3:1 that large text (18 pt, or 14 pt bold) needs (WCAG 2.2 1.4.3); seen in h1",
        "styles/pale/series.yaml:6: text in 'muted' (#999999) on #ffffff has a contrast of 2.8:1 in the PDF, "
        "under the 4.5:1 that text under 18 pt needs (WCAG 2.2 1.4.3); seen in p.small",
    ]


def test_contrast_is_measured_on_the_background_an_element_sits_on():
    html = '<html><body><div class="band"><p class="number">No. 8</p></div><p>Body</p></body></html>'
    css = [("style.css", ".band { background: var(--color-primary); } .number { color: var(--color-tint); }"
                         "p { color: var(--color-text); }")]
    assert made.contrast(html, css, COLOURS, "print", "pdf", PLACES) == []  # tint on navy: 12.8:1
    assert made.ratio((1, 1, 1), (0, 0, 0)) == pytest.approx(21.0)


def test_a_cover_on_a_named_page_is_measured_on_that_page_s_background():
    """The report's cover is white text on a navy page (@page cover), not on the paper."""
    html = '<html><body><div class="cover"><p class="wordmark">SCEEUS</p></div></body></html>'
    css = [("style.css", "@page cover { background: var(--color-primary) }\n.cover { page: cover; color: white }")]
    assert made.contrast(html, css, COLOURS, "print", "pdf", PLACES) == []
    found = [str(f) for f in made.contrast(html, css, COLOURS, "screen", "html", PLACES)]  # no @page on a screen
    assert found == ["style.css:2: text in #ffffff on #ffffff has a contrast of 1.0:1 in the web page, under the "
                     "4.5:1 that text under 18 pt needs (WCAG 2.2 1.4.3); seen in p.wordmark"]


def test_a_running_header_is_measured_on_its_page():
    html = "<html><body><p>Body</p></body></html>"
    css = [("style.css", "@page {\n @top-right { content: string(title); color: var(--color-muted) } }\n"
                         "@page cover { background: var(--color-primary); @top-left { content: 'x'; color: white } }")]
    assert [str(f) for f in made.contrast(html, css, COLOURS, "print", "pdf", PLACES)] == [
        "styles/pale/series.yaml:6: text in 'muted' (#999999) on #ffffff has a contrast of 2.8:1 in the PDF, "
        "under the 4.5:1 that text under 18 pt needs (WCAG 2.2 1.4.3); seen in @page @top-right"]


def test_a_colour_the_contrast_check_cannot_read():
    html = "<html><body><p>Text</p></body></html>"
    found = [str(f) for f in made.contrast(html, [("style.css", "body {}\np { color: lighten(#333, 10%) }")],
                                           COLOURS, "screen", "html", {})]
    assert found == ["style.css:2: the contrast check cannot read the colour 'lighten(#333, 10%)': write it as "
                     "#rrggbb or a colour name"]


def test_what_breaks_a_320_px_screen():
    css = ("main { min-width: 480px; }\n.quote p { white-space: nowrap; }\n.author-name { white-space: nowrap }\n"
           "@media print { body { width: 800px } }\n")
    found = [str(f) for f in made.reflow([("web.css", css)], "<html><body><table></table></body></html>")]
    assert found == [
        "web.css:1: main { min-width: 480px } is wider than a 320 px screen: the page scrolls sideways on a phone",
        "web.css:2: .quote p { white-space: nowrap } keeps running text on one line: on a 320 px screen it runs "
        "off the side",
        "the web page has a table but no screen rule lets it scroll or wrap (overflow-x: auto): on a 320 px "
        "screen it runs off the side",
    ]


def test_a_table_in_a_box_that_scrolls_reflows():
    css = [("web.css", ".scroll-box { overflow-x: auto }\npre { white-space: pre-wrap }")]
    assert made.reflow(css, '<div class="scroll-box"><table></table></div><pre>x</pre>') == []
    assert [f.message for f in made.reflow(css, "<table></table>")] == [
        "the web page has a table but no screen rule lets it scroll or wrap (overflow-x: auto): on a 320 px "
        "screen it runs off the side"]


# -- the PDF -----------------------------------------------------------------------------------

@pytest.mark.layout
def test_the_structure_check_finds_what_an_untouched_weasyprint_file_lacks():
    weasyprint = pytest.importorskip("weasyprint")
    html = ('<html><head><title>T</title><style>@page { @top-left { content: "Running head" } }'
            '</style></head><body><ol><li><p>An item.</p></li></ol>'
            '<p><a href="https://example.org/">A link</a></p></body></html>')
    found = [str(f) for f in made.pdf_structure(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"), "en")]
    assert "a list item (LI) holds Lbl, P, not Lbl and LBody: a screen reader cannot tell its number from its text" \
        in found
    assert "page 1: a link annotation without the Print flag" in found
    assert any(f.startswith("page 1: marked content ") and f.endswith(
        "is outside the structure tree: neither content nor artifact, a screen reader skips or repeats it")
        for f in found)
    assert "the PDF names no language (/Lang): a screen reader guesses how to pronounce it" in found


@pytest.mark.layout
def test_headings_read_out_of_the_source_order():
    weasyprint = pytest.importorskip("weasyprint")
    pdf = weasyprint.HTML(string='<html lang="en"><body><h2>Second part</h2><p>b</p><h2>First part</h2>'
                                 '<p>a</p></body></html>').write_pdf(pdf_variant="pdf/ua-1")
    tokens, _ = markdown.parse("## First part\n\na\n\n## Second part\n\nb\n\n## Third part\n")
    assert [str(f) for f in made.reading_order(pdf, tokens, "document.md", 5)] == [
        "document.md:9: heading 'Second part' is read in the PDF before the headings that come before it here: "
        "a screen reader reads the document out of order",
        "document.md:13: heading 'Third part' is not a heading in the PDF's structure: a screen reader cannot "
        "jump to it",
    ]


# -- through the command line ---------------------------------------------------------------------

FAULTY = ("## Section\n\nRead it [here](https://example.org/report).\n\n"
          "![map.png](images/map.png)\n\n#### Too deep\n\nText.\n")


@pytest.mark.slow
def test_preflight_reports_each_finding_at_its_line_and_strict_exits_1(tmp_path):
    folder = write_doc(tmp_path / "faulty", MINIMAL, FAULTY)
    (folder / "images").mkdir()
    png(folder / "images" / "map.png")
    result = run(folder, "--preflight", "--strict", "-q", "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr
    source = folder / "document.md"
    lines = [line.replace(str(source), "document.md") for line in result.stderr.splitlines()]
    for expected in (
            "document.md:12: link text 'here' says nothing about where it leads: a screen reader lists links by "
            "their text alone; name the destination",
            "document.md:14: picture 'images/map.png' has a file name as its alt text ('map.png'): "
            "describe what it shows",
            "document.md:16: heading 'Too deep' is level 4 (####) after a level 2 heading: a screen reader's "
            "list of headings skips a level; make it ###"):
        assert any(line.endswith(expected) for line in lines), (expected, result.stderr)
    without = run(folder, "--preflight", "-q", "--force", "-o", tmp_path / "out")  # information only
    assert without.returncode == 0, without.stderr


def test_a_picture_without_alt_text_stops_the_build_at_its_line(tmp_path):
    """A tagged PDF cannot hold a picture without a description: an error, found before layout."""
    folder = write_doc(tmp_path / "bare", MINIMAL, "## Section\n\n![](images/map.png)\n")
    (folder / "images").mkdir()
    png(folder / "images" / "map.png")
    result = run(folder, "--check")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"{folder / 'document.md'}:12: picture 'images/map.png' has no alt text: a screen reader says "
        "nothing of it; describe what it shows"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The Swedish sample's report twice (a second build from a cold cache), and the Guest
    Commentary's with its outputs."""
    out = tmp_path_factory.mktemp("a11y")
    sv = ROOT / "data" / "sceeus-sample-sv-2025-06"
    first = run(sv, "--format", "a11y", "-q", "-o", out / "one")
    second = run(sv, "--format", "a11y", "-q", "-o", out / "two", env={"REPORT_CACHE_DIR": str(out / "cache")})
    guest = run(GUEST, "--format", "pdf,html,a11y", "-q", "-o", out / "guest")
    for result in (first, second, guest):
        assert result.returncode == 0, result.stderr
    return out


@pytest.mark.slow
def test_the_report_alone_writes_the_json_and_the_page_only(reports):
    assert sorted(p.name for p in (reports / "one").iterdir() if not p.name.startswith(".")) == [
        "sceeus-sample-sv-2025-06.a11y.html", "sceeus-sample-sv-2025-06.a11y.json"]


@pytest.mark.slow
def test_the_report_says_what_each_output_claims_and_what_was_checked(reports):
    data = json.loads((reports / "guest" / f"{GUEST.name}.a11y.json").read_text(encoding="utf-8"))
    assert [(o["format"], o["file"], o["claims"]) for o in data["outputs"]] == [
        ("pdf", f"{GUEST.name}.pdf", ["PDF/UA-1"]), ("html", f"{GUEST.name}.html", ["WCAG 2.2 AA"])]
    assert [c["id"] for c in data["checks"]] == [c.id for c in a11y_report.CHECKS]
    assert data["result"] == "holds" and data["findings"] == []
    assert all(c["result"] == "holds" for c in data["checks"])
    assert (reports / "guest" / f"{GUEST.name}.pdf").is_file()


@pytest.mark.slow
def test_every_check_holds_on_the_swedish_sample_with_its_table(reports):
    """The shipped web page with a table, its CSS and colours, and its PDF: nothing to report."""
    data = json.loads((reports / "one" / "sceeus-sample-sv-2025-06.a11y.json").read_text(encoding="utf-8"))
    assert data["findings"] == [] and {c["id"]: c["result"] for c in data["checks"]}["reflow"] == "holds"


@pytest.mark.slow
def test_the_report_is_the_same_bytes_from_a_cold_cache(reports):
    for suffix in (".a11y.json", ".a11y.html"):
        name = "sceeus-sample-sv-2025-06" + suffix
        assert (reports / "one" / name).read_bytes() == (reports / "two" / name).read_bytes()


@pytest.mark.slow
def test_the_report_page_is_in_swedish_and_valid_html(reports):
    page = reports / "one" / "sceeus-sample-sv-2025-06.a11y.html"
    text = page.read_text(encoding="utf-8")
    assert '<html lang="sv">' in text
    assert "<h1>Tillgänglighetsrapport: " in text and "Vad en person måste kontrollera" in text
    assert v.vnu(page) == []


@pytest.mark.slow
def test_findings_in_english_are_marked_english_on_a_swedish_page(tmp_path):
    data = {"lang": "sv", "title": "T", "outputs": [], "checks": [], "result": "fails", "needs_a_person": [],
            "findings": [{"check": "link-text", "place": "document.md:3", "message": "link text 'here' …"}]}
    text = a11y_report.as_html(data).decode("utf-8")
    assert '<html lang="sv">' in text and "<p>Några kontroller håller inte.</p>" in text
    assert '<ul lang="en">\n<li><code>document.md:3</code>: link text &#x27;here&#x27; …</li>\n</ul>' in text
    (tmp_path / "report.html").write_text(text, encoding="utf-8")
    assert v.vnu(tmp_path / "report.html") == []


def test_a_language_without_words_gets_the_report_in_english_with_a_notice():
    data = {"lang": "de", "title": "T", "outputs": [], "checks": [], "findings": [], "needs_a_person": [],
            "result": "holds"}
    text = a11y_report.as_html(data).decode("utf-8")
    assert '<html lang="en">' in text
    assert "<p>This report is in English: there are no words for German in its catalogue yet.</p>" in text


# -- PDF/UA-2 ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_pdf_ua_2_is_a_pdf_2_file_that_claims_part_2_and_passes_the_checks(tmp_path):
    result = run(GUEST, "--pdf-variant", "pdf/ua-2", "--preflight", "--strict", "-q", "-o", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    path = tmp_path / f"{GUEST.name}.pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF-2.0")
    assert made.claimed(data) == ["PDF/UA-2"]
    assert made.pdf_structure(data, "en", "pdf/ua-2") == []
    assert v.pdfua(path) == []  # its PDF/UA-1 rules, the ones PDF/UA-2 keeps
    v.qpdf_check(path)


def test_pdf_ua_2_refuses_what_pdf_2_dropped(tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    pdf = weasyprint.HTML(string='<html lang="en"><head><title>T</title></head><body><p>x</p></body></html>'
                          ).write_pdf(pdf_variant="pdf/ua-1")
    found = [str(f) for f in made.pdf_structure(pdf, "en", "pdf/ua-2")]
    assert "PDF/UA-2 needs a PDF 2.0 file; this one is PDF 1.7" in found
    assert "the XMP metadata gives no PDF/UA revision (pdfuaid:rev)" in found


@pytest.mark.layout
def test_a_footnote_tagged_note_becomes_an_fenote_of_pdf_2_in_pdf_ua_2():
    """PDF 2.0 has no Note. A paragraph renamed Note (as footnotes are tagged) fails the PDF/UA-2
    check, and passes once the builder's finisher makes it an FENote in the PDF 2.0 namespace."""
    weasyprint = pytest.importorskip("weasyprint")
    pikepdf = pytest.importorskip("pikepdf")
    from report.internals.pdf2tags import footnotes_as_fenotes

    def as_note(document, pdf):
        for element in pdf.objects:
            if isinstance(element, dict) and element.get("S") == "/P":
                element["S"] = "/Note"
                return

    html = weasyprint.HTML(string='<html lang="en"><head><title>T</title></head><body><p>1. A note.</p></body></html>')
    noted = html.write_pdf(pdf_variant="pdf/ua-2", finisher=as_note)
    assert "structure type Note is not in PDF 2.0 (PDF/UA-2 wants FENote)" in [
        str(f) for f in made.pdf_structure(noted, "en", "pdf/ua-2")]
    fixed = html.write_pdf(pdf_variant="pdf/ua-2",
                           finisher=lambda d, p: (as_note(d, p), footnotes_as_fenotes(d, p)))
    assert made.pdf_structure(fixed, "en", "pdf/ua-2") == []
    with pikepdf.open(io.BytesIO(fixed)) as pdf:
        notes = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/FENote"]
        assert len(notes) == 1 and str(notes[0].NS.NS) == "http://iso.org/pdf2/ssn"


@pytest.mark.slow
def test_a_series_colour_too_pale_is_reported_at_its_line_in_series_yaml(tmp_path):
    styles = tmp_path / "styles" / "pale"
    styles.mkdir(parents=True)
    (styles / "series.yaml").write_text('name: Pale\nlabel: Pale\ncolors:\n  primary: "#16284a"\n'
                                        '  muted: "#aaaaaa"\n', encoding="utf-8")
    folder = write_doc(tmp_path / "doc", MINIMAL)
    result = run(folder, "--series", "pale", "--styles", tmp_path / "styles", "--preflight", "--strict", "-q",
                 "-o", tmp_path / "out")
    assert result.returncode == 1, result.stderr
    found = [line for line in result.stderr.splitlines() if "contrast" in line]
    assert found and all(line.startswith(f"{styles / 'series.yaml'}:5: text in 'muted' (#aaaaaa) on #ffffff has a "
                                         "contrast of 2.3:1 in the PDF, under the ") for line in found), found
