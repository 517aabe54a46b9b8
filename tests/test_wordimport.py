"""`--import FILE.docx`: a guest author's Word file becomes a document folder that builds.

The Word files are made here by python-docx and Pandoc (see wordfixtures.py); the importer's
output is checked as an editor meets it: the folder, the report, `--check`, and the PDF.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("pypandoc", reason="the import extra: pip install -e '.[import]'")
pytest.importorskip("docx", reason="python-docx makes the test files")

import wordfixtures as fx  # noqa: E402
from conftest import GUEST, pdf_text, run  # noqa: E402
from test_build import SOURCE, words  # noqa: E402


def fill_in(folder: Path, series="sceeus-guest-commentary", **extra) -> None:
    """What the editor does: replace the placeholders of the front matter."""
    path = folder / "document.md"
    text = path.read_text(encoding="utf-8")
    values = {"series": series, "number": "5", "year": "2025", **extra}
    for key, value in values.items():
        text = re.sub(rf'^{key}: "FILL IN:[^"\n]*"$', f"{key}: {value}", text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")


def imported(tmp_path: Path, docx: Path, *args) -> tuple[Path, object]:
    folder = tmp_path / "imported"
    result = run("--import", docx, "--into", folder, *args)
    assert result.returncode == 0, result.stderr
    return folder, result


def in_order(expected: list[str], printed: list[str]) -> None:
    at = 0
    for n, word in enumerate(expected):
        try:
            at = printed.index(word, at) + 1
        except ValueError:
            pytest.fail(f"word {n} {word!r} missing or out of order near: {' '.join(expected[max(0, n - 8):n + 3])}")


@pytest.mark.slow
def test_pandoc_file_front_matter_body_and_report(tmp_path):
    docx = fx.pandoc_article(tmp_path)
    folder, result = imported(tmp_path, docx)
    text = (folder / "document.md").read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    assert "title: Sanctions That Work" in front and "subtitle: Lessons from Belarus" in front
    assert ("  - name: Jane Doe\n    bio: Jane Doe is a fellow at the Institute.  # the note on the name: check it\n"
            "  - name: John Roe\n") in front  # the author's footnote is the bio
    assert "summary: |-\n  The summary says **what matters** in one paragraph." in front
    assert ("recommendations:\n  - The EU should act first. Then it should wait.\n"
            "  - The EU should talk to Minsk.") in front
    assert "Executive Summary" not in body and "Recommendations" not in body
    assert body.startswith("## Trade Under Pressure\n")
    assert "\n### A Subsection\n" in body
    assert "Trade fell by *seventy* per cent, as [the ministry](https://example.org/stats) reported.[^1]" in body
    assert "[^1]: The note’s own text." in body
    assert "> Quoted words from a minister." in body
    assert re.search(r"^1\.\s+First numbered point\n2\.\s+Second numbered point$", body, re.M)
    assert "- A bullet\n- Another bullet" in body
    assert re.search(r"^\| Year \| Exports \|\n\|-+\|-+\|\n\| 2021 \| 5\.4 +\|", body, re.M)
    assert "![Exports by year, in a picture](images/picture-1.png)" in body
    assert (folder / "images" / "picture-1.png").read_bytes()[:4] == b"\x89PNG"
    # tracked changes: accepted, and said so
    assert "newly\nadded clause" in body or "newly added clause" in body
    assert "removed words" not in body
    report = result.stderr.splitlines()
    name = str(docx)
    assert (f"{name}: paragraph 8 (in 'Trade Under Pressure'): tracked insertion by Editor accepted "
            "(the words are kept): 'newly added'") in report
    assert (f"{name}: paragraph 8 (in 'Trade Under Pressure'): tracked deletion by Editor accepted "
            "(the words are gone): 'removed words'") in report
    assert f"{name}: paragraph 23 (in 'A Subsection'): comment by Reviewer left out: 'remark'" in report
    assert "remark" not in body and "Text with a commented words in it." in body
    # the same report stays with the editor, in the front matter's comments
    assert "\n#   paragraph 23 (in 'A Subsection'): comment by Reviewer left out: 'remark'\n" in front
    assert result.stdout.splitlines() == [f"{folder}/document.md", f"{folder}/images/picture-1.png"]


@pytest.mark.slow
def test_check_lists_exactly_the_placeholders_then_it_builds(tmp_path):
    folder, _ = imported(tmp_path, fx.pandoc_article(tmp_path))
    check = run(folder, "--check")
    assert check.returncode == 1
    lines = check.stderr.splitlines()
    path = f"{folder}/document.md"
    assert [re.sub(r":\d+:\d+:", ":", line) for line in lines] == [
        f"{path}: series: still a placeholder: FILL IN: the series id, e.g. sceeus-guest-commentary "
        "(python build.py --list-series)",
        f"{path}: number: still a placeholder: FILL IN: its number in the series (delete this line if it has none)",
        f"{path}: year: still a placeholder: FILL IN: the year of publication, e.g. 2025",
        f"{path}: warning: a table without a caption is not numbered; write a line 'Table: caption' just before "
        "or after it (or say why it has none)",  # the Word file's table has none
    ]
    out = tmp_path / "out"
    refused_build = run(folder, "-o", out)  # a build refuses placeholders too: no PDF with FILL IN in it
    assert refused_build.returncode == 1 and not (out / "imported.pdf").exists()
    assert refused_build.stderr.count("still a placeholder") == 3
    fill_in(folder)
    built = run(folder, "-o", out)
    assert built.returncode == 0, built.stderr
    printed = words("\n".join(pdf_text(out / "imported.pdf")))
    # the note stands beside its call in the rail and the figure is positioned for its source in
    # the rail: both may be painted after the column, so they are read apart
    in_order(words("Sanctions That Work Lessons from Belarus Jane Doe John Roe The summary says what matters "
                   "Trade Under Pressure Trade fell by seventy per cent as the ministry reported "
                   "A newly added clause and a clause Quoted words from a minister First numbered point "
                   "A bullet Year Exports 2021 5.4 A Subsection "
                   "Text with a commented words in it The EU should act first"), printed)
    in_order(words("The note's own text"), printed)
    in_order(words("Exports by year in a picture"), printed)
    in_order(words("Jane Doe is a fellow at the Institute"), printed)


@pytest.mark.slow
def test_python_docx_file_core_properties_styles_and_picture_placeholder(tmp_path):
    docx = fx.python_docx_article(tmp_path)
    folder, result = imported(tmp_path, docx)
    text = (folder / "document.md").read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    assert "title: Energy Ties Cut Short" in front
    assert "# from the Word file's properties (File > Info: Author)" in front
    assert "  - name: Anna Author\n  - name: Ben Writer" in front
    assert "keywords: [Belarus, energy, trade]" in front
    assert "summary: |-\n  Energy trade ended within weeks." in front
    assert "Plain words, **bold words** and *italic words*." in body
    assert re.search(r"^- first bullet item\n\n- second bullet item\n\n1\.\s+first numbered item$", body, re.M)
    assert "> A quotation from a report." in body
    assert "| Belarus | 40    |" in body
    assert "\n### Details\n" in body and "\n### Too Deep\n" in body
    assert "Words in a style of the author's own." in body
    assert "![FILL IN: a caption for picture 1 (it is also its text alternative)](images/picture-1.png)" in body
    name = str(docx)
    assert result.stderr.splitlines()[:4] == [
        f"{name}: paragraph 18 (in 'Details'): comment by Editor left out: 'Source for this?'",
        f"{name}: paragraph 21 (in 'Too Deep'): style 'Pull Quote Box' has no counterpart: its text is kept "
        "as ordinary text (if it marks a box or a pull quote, rewrite it)",
        f"{name}: heading 'Too Deep': heading level 3 set as a subsection (###): the builder has two levels",
        f"{name}: picture 1: picture without a caption or alt text: a placeholder stands in "
        "images/picture-1.png's caption",
    ]
    fill_in(folder)
    check = run(folder, "--check")
    assert check.returncode == 1
    assert [re.sub(r"^.*document\.md:\d+:\d+: ", "", line) for line in check.stderr.splitlines()] == [
        "warning: a table without a caption is not numbered; write a line 'Table: caption' just before or "
        "after it (or say why it has none)",  # the Word file's table has none
        "still a placeholder: FILL IN: a caption for picture 1 (it is also its text alternative)"]


@pytest.mark.slow
def test_text_box_and_chart_carry_over(tmp_path):
    folder, result = imported(tmp_path, fx.boxes_and_charts(tmp_path))
    text = (folder / "document.md").read_text(encoding="utf-8")
    assert "  - name: Carla Analyst" in text
    assert ("Words before the box. Words after the box.\n\nWords inside the box.\n\n"
            "![Trade by year](chart:chart-1)\n\nWords after the chart.") in text
    charts = (folder / "charts.yaml").read_text(encoding="utf-8")
    assert "chart-1:\n  type: bar\n  x: [2021, 2022]\n  series:\n    Exports: [5.4, 1.4]\n" in charts
    assert "alt: Bars of exports in 2021 and 2022" in charts
    report = result.stderr
    assert "paragraph 4 (in 'Section'): text box 'Words inside the box.': its text is set as ordinary " in report
    assert ("paragraph 5: embedded chart 'Trade by year' rebuilt as chart 'chart-1' in charts.yaml from the "
            "figures saved with it: check its type, unit and source") in report
    fill_in(folder, series="sceeus-quick-comment")
    (folder / "document.md").write_text(re.sub(r'^summary: "FILL IN[^\n]*\n', "", (folder / "document.md")
                                               .read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    out = tmp_path / "out"
    built = run(folder, "-o", out)
    assert built.returncode == 0, built.stderr
    printed = words("\n".join(pdf_text(out / "imported.pdf")))
    in_order(words("Words before the box Words after the box Words inside the box Words after the chart"), printed)
    in_order(words("Figure 1 Trade by year 2021 2022"), printed)  # the chart, drawn, wherever it floats


@pytest.mark.slow
def test_hand_made_title_byline_bmp_picture_and_page_header(tmp_path):
    docx = fx.hand_formatted(tmp_path)
    folder, result = imported(tmp_path, docx)
    front, body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)
    assert "title: Grain Corridors Reopened" in front  # the big bold first line
    assert "  # from the byline: check the names; add affiliation and bio\n  - name: Dana Scholar\n" \
           "  - name: Eli Fellow" in front
    assert "Grain Corridors" not in body and "By Dana" not in body
    assert body.startswith("## Ports\n\nShips sailed again in spring.\n\n![FILL IN:")
    assert (folder / "images" / "picture-1.png").read_bytes()[:4] == b"\x89PNG"  # BMP made PNG
    assert f"{docx}: page header: 'Draft: do not circulate' left out: the series prints its own" \
        in result.stderr.splitlines()


@pytest.mark.slow
def test_merged_table_cells_equations_and_bookmark_links(tmp_path):
    docx = fx.pandoc_hard(tmp_path)
    folder, result = imported(tmp_path, docx)
    body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "The rate is *r*\u2004=\u2004*x*² per year." in body  # Pandoc spaces maths thinly
    assert re.search(r"^Table: Regions and notes\n\n\| Region +\| Notes +\|\n\|-+\|-+\|\n"
                     r"\| North Two paras +\| • first • second +\|\n\| Both columns, merged \|\s+\|$", body, re.M)
    assert "A link to a bookmark and H₂O." in body
    assert result.stderr.splitlines()[:2] == [
        f"{docx}: paragraph 3 (in 'Tables and Maths'): equation 'r=x2' written as plain text: check it reads right",
        f"{docx}: table 1: merged cells, lists or several paragraphs in a cell: each cell is written on one line "
        "of a pipe table (merged cells repeat as empty ones); check it",
    ]
    fill_in(folder, series="sceeus-quick-comment", authors="x")
    text = (folder / "document.md").read_text(encoding="utf-8")
    text = text.replace('  - name: "FILL IN: the author\'s name (the Word file names none)"', "  - name: A. Person")
    (folder / "document.md").write_text(re.sub(r'^summary: "FILL IN[^\n]*\n', "", text, flags=re.M), encoding="utf-8")
    out = tmp_path / "out"
    built = run(folder, "-o", out)
    assert built.returncode == 0, built.stderr
    in_order(words("Region Notes North Two paras first second Both columns merged"),
             words("\n".join(pdf_text(out / "imported.pdf"))))


@pytest.mark.slow
def test_endnotes_become_notes(tmp_path):
    folder, _ = imported(tmp_path, fx.pandoc_endnotes(tmp_path))
    body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert ("A claim with an endnote.[^1] Another claim.[^2]\n\n[^1]: The first endnote.\n\n"
            "[^2]: The second endnote.\n") in body


@pytest.mark.slow
def test_libreoffice_file(tmp_path):
    """Optional: where LibreOffice is installed, a file it saved as .docx (CI does not need it)."""
    docx = fx.libreoffice_article(tmp_path)
    if docx is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder, result = imported(tmp_path, docx)
    front, body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)
    assert "title: Power Lines to the West" in front and "subtitle: Moldova's Grid After 2022" in front
    assert "  - name: Olga Writer" in front
    assert "summary: |-\n  Moldova joined the European grid in weeks." in front
    assert "recommendations:\n  - Build more lines. Soon.\n  - Store more power." in front
    assert ("Power came from **Romania** and *Ukraine*, as [the operator](https://example.org/grid) said.[^1]\n"
            "Prices rose.[^2]") in body
    assert "Words added in review and kept words." in body and "struck-out" not in body
    assert "A questioned sentence." in body and "Which year" not in body
    assert re.search(r"^- first listed point\n\n- second listed point$", body, re.M)
    assert "| Romania | 80    |" in body
    assert "Anchor paragraph words.\n\nBoxed aside words." in body
    assert "[^1]: A footnote from LibreOffice.\n\n[^2]: An endnote from LibreOffice." in body
    report = [line.split(": ", 1)[1] for line in result.stderr.splitlines()[:4]]
    assert report == [
        "paragraph 7 (in 'The Grid'): tracked insertion by Reviewer accepted (the words are kept): 'added in review'",
        "paragraph 7 (in 'The Grid'): tracked deletion by Reviewer accepted (the words are gone): 'struck-out words'",
        "paragraph 8 (in 'The Grid'): comment by Editor left out: 'Which year?'",
        "paragraph 15 (in 'The Grid'): text box 'Boxed aside words.': its text is set as ordinary paragraphs after "
        "this paragraph; move it where it belongs, or drop it if it repeats the text",
    ]


@pytest.mark.slow
def test_linked_picture_is_reported_never_read(tmp_path):
    docx = fx.linked_picture(tmp_path)
    folder, result = imported(tmp_path, docx)
    assert not (folder / "images").exists()  # the linked file on the "author's disk" is not read
    body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "Words before the picture.\n\n## Two\n\nWords after the picture." in body
    assert (f"{docx}: paragraph 4 (in 'One'): linked picture (not stored in the Word file) not carried over: "
            "ask the author for it") in result.stderr.splitlines()


@pytest.mark.slow
def test_chart_of_a_kind_the_builder_does_not_draw(tmp_path, monkeypatch):
    monkeypatch.setattr(fx, "CHART_XML", fx.CHART_XML.replace(b"c:barChart", b"c:pieChart"))
    docx = fx.boxes_and_charts(tmp_path)
    folder, result = imported(tmp_path, docx)
    assert not (folder / "charts.yaml").exists()
    assert ("paragraph 5: embedded chart 'Trade by year' is of a kind the builder does not draw: make it a "
            "charts.yaml chart (bar, barh, line or stacked); its place is marked in the text") in result.stderr
    fill_in(folder)
    check = run(folder, "--check")
    assert "still a placeholder: FILL IN: the chart 'Trade by year' of the Word file, as a chart in charts.yaml" \
        in check.stderr


@pytest.mark.slow
def test_same_word_file_same_bytes(tmp_path):
    docx = fx.pandoc_article(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("--import", docx, "--into", first).returncode == 0
    assert run("--import", docx, "--into", second).returncode == 0
    for name in ("document.md", "images/picture-1.png"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


@pytest.mark.slow
def test_guest_commentary_round_trip_keeps_every_word(tmp_path):
    """The sample to .docx (as an author would write it, by Pandoc) and back: it builds, every word in order."""
    import yaml

    text = (GUEST / "document.md").read_text(encoding="utf-8")
    _, front_text, body = text.split("---\n", 2)
    front = yaml.safe_load(front_text)
    fx.png(tmp_path / "chart.png")
    body = re.sub(r"^## ", "# ", body, flags=re.M)
    body = re.sub(r"\]\(chart:[^)]+\)", "](chart.png)", body)
    recommendations = "\n".join(f"{n}. {' '.join(r.split())}" for n, r in enumerate(front["recommendations"], 1))
    markdown = (f"---\ntitle: \"{front['title']}\"\nsubtitle: \"{front['subtitle']}\"\n"
                f"author: \"{front['authors'][0]['name']}\"\n---\n\n"
                f"# Executive Summary\n\n{front['summary']}\n{body}\n# Policy Recommendations\n\n{recommendations}\n")
    docx = fx.pandoc_docx(markdown, tmp_path / "guest.docx", tmp_path)
    folder, _ = imported(tmp_path, docx, "--series", "sceeus-guest-commentary")
    fill_in(folder, number="8", year="2024")
    out = tmp_path / "out"
    built = run(folder, "-o", out)
    assert built.returncode == 0, built.stderr
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    source = words("\n".join(l for l in lines[1:-1] if l != "Executive Summary"))
    in_order(source, words("\n".join(pdf_text(out / "imported.pdf"))))
    imported_front = yaml.safe_load((folder / "document.md").read_text(encoding="utf-8").split("---\n")[1])
    assert imported_front["title"] == front["title"] and imported_front["subtitle"] == front["subtitle"]
    assert len(imported_front["recommendations"]) == len(front["recommendations"])


# --- fields: captions, cross-references, citations ---------------------------------------------

@pytest.mark.slow
def test_captions_cross_references_and_citations_carry_over(tmp_path):
    docx = fx.fields_article(tmp_path)
    folder, result = imported(tmp_path, docx)
    body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert body == """## Trade

See @tbl-exports-by-year-in-billion-euros, and figure [-@fig-a-red-square].

Exports fell [see @doe2020a, p. 12; @doe2020b], as Doe argued
[-@doe2020a, chap. 3-4; @smith2018trade].

Imports rose [@kovalchuk2019].

Table: Exports by year, in billion euros {#tbl-exports-by-year-in-billion-euros}

| Year | Exports |
|------|---------|
| 2021 | 5.4     |
| 2022 | 1.4     |

![A red square](images/picture-1.png){#fig-a-red-square}

As discussed in Trade, printed on 7 December 2026, imports (Roe 2019) fell.
"""
    assert json.loads((folder / "references.json").read_text(encoding="utf-8")) == [
        dict(fx.DOE_ARTICLE, id="doe2020a"), dict(fx.DOE_BOOK, id="doe2020b"),
        dict(fx.KOVALCHUK, id="kovalchuk2019"), dict(fx.SMITH, id="smith2018trade")]
    assert result.stdout.splitlines() == [f"{folder}/document.md", f"{folder}/images/picture-1.png",
                                          f"{folder}/references.json"]
    assert result.stderr.splitlines()[:5] == [
        f"{docx}: paragraph 15 (in 'Trade'): cross-reference 'Trade' kept as its text: it points to 'Trade', "
        "which is not a numbered table or figure caption",
        f"{docx}: paragraph 15 (in 'Trade'): field 'DATE \\@ \"d MMMM yyyy\"' kept as the text Word showed: "
        "'7 December 2026'",
        f"{docx}: paragraph 15 (in 'Trade'): citation '(Roe 2019)' kept as its text: the data Word stored with "
        "it cannot be read; cite it as [@key] by hand",
        f"{docx}: paragraph 17 (in 'References'): Zotero bibliography left out: the builder makes the list of "
        "references from the citations (references.json)",
        f"{docx}: heading 'References': heading left out: its section held only the bibliography",
    ]
    assert "imported; 5 thing(s) did not carry over" in result.stderr.splitlines()[5]
    front = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert ("\n# bibliography: true   # uncomment for a list of the works cited (references.json) at the end, "
            "as the Word file had\n") in front


@pytest.mark.slow
def test_citation_in_a_note_captions_away_from_their_table_or_numbered_by_hand(tmp_path):
    docx = fx.fields_astray(tmp_path)
    folder, result = imported(tmp_path, docx)
    body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert body.startswith("## One\n\nA claim.[^1] See Table 1.\n\nTable 1: Loose rows\n\nWords between.\n\n"
                           "Table: Typed by hand\n\n| a   | b   |\n")  # the number typed in it goes
    assert "\n\n![A caption typed by hand](images/picture-1.png)\n\n" in body
    assert body.endswith("\n\n[^1]: [@doe2020, p. 12] See note 2.\n")
    assert [entry["id"] for entry in json.loads((folder / "references.json").read_text(encoding="utf-8"))] == ["doe2020"]
    assert result.stderr.splitlines()[:3] == [
        f"{docx}: paragraph 2 (in 'One'): cross-reference 'Table 1' kept as its text: the caption it points to "
        "is not next to its table or picture",
        f"{docx}: paragraph 3 (in 'One'): caption 'Table 1' kept as a paragraph: it is not next to a table; move "
        "it just before its table, as 'Table: …'",
        f"{docx}: footnote 1: field 'NOTEREF _Ref9 \\h' kept as the text Word showed: '2'",
    ]


@pytest.mark.slow
def test_numbered_caption_under_a_word_chart(tmp_path):
    folder, result = imported(tmp_path, fx.captioned_chart(tmp_path))
    body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert body == ("## Trade\n\nAs @fig-exports-fell-by-three-quarters shows, exports fell.\n\n"
                    "![Exports fell by three quarters](chart:chart-1){#fig-exports-fell-by-three-quarters}\n")
    assert "chart-1:\n  type: bar\n" in (folder / "charts.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_broken_fields_keep_their_words(tmp_path):
    docx = fx.broken_fields(tmp_path)
    folder, result = imported(tmp_path, docx)
    body = (folder / "document.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert body == ("## Broken\n\nEnd without begin after.\n\nSeparate alone after.\n\nTable 1: spans\n\n"
                    "Next paragraph tail.\n\nCited [@energynd] here.\n\nUnclosed rest.\n")
    assert [entry["id"] for entry in json.loads((folder / "references.json").read_text(encoding="utf-8"))] \
        == ["energynd"]
    assert f"{docx}: paragraph 4 (in 'Broken'): number '1: spansNext paragraph' of 'Table' kept as the number " \
           "Word showed: it runs over into the next paragraph" in result.stderr.splitlines()


@pytest.mark.slow
def test_fields_are_read_in_linear_time(tmp_path):
    """Eight times the paragraphs, about eight times the work, counted in function calls (which a
    busy machine does not change): no walk over the paragraphs for each field or text box."""
    import cProfile
    import pstats

    from report.source import word as wordfile

    calls = []
    for paragraphs in (300, 2400):
        path = fx.many_fields(tmp_path, paragraphs)
        profile = cProfile.Profile()
        read = profile.runcall(wordfile.read, path)
        assert len(read.marks) == paragraphs // 10 + 2 * (paragraphs - paragraphs // 10)
        calls.append(pstats.Stats(profile).total_calls)
    assert calls[1] < 9 * calls[0], calls


# --- refusals: a clear message, exit 1, nothing written ---------------------------------------

def refused(tmp_path, path: Path, message: str):
    folder = tmp_path / "never"
    result = run("--import", path, "--into", folder)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{path}: cannot import: {message}"
    assert "Traceback" not in result.stderr and not folder.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".never")] == []


def cfb(*stream_names: str) -> bytes:
    """An OLE compound file's header and a directory sector naming its streams, as .doc files have."""
    head = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in stream_names)
    return head + directory.ljust(512, b"\0")


def test_old_binary_doc_refused(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(cfb("Root Entry", "WordDocument", "1Table"))
    refused(tmp_path, path, "this is an old binary Word file (.doc), not a .docx: open it in Word or LibreOffice "
                            "and save it as 'Word Document (.docx)'")


def test_encrypted_file_refused(tmp_path):
    path = tmp_path / "secret.docx"
    path.write_bytes(cfb("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    refused(tmp_path, path, "the file is encrypted (protected by a password): ask the author for a copy without "
                            "a password, or remove it in Word (File > Info > Protect Document) and save again as .docx")


@pytest.mark.slow
def test_zip_that_is_not_a_docx_refused(tmp_path):
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "not a Word file")
    refused(tmp_path, path, "this is a zip archive but not a Word document (it holds no word/document.xml)")
    odt = tmp_path / "article.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    refused(tmp_path, odt, "this is an OpenDocument file (.odt), not a .docx: open it in LibreOffice or Word "
                           "and save it as 'Word Document (.docx)'")
    text = tmp_path / "notes.docx"
    text.write_text("just text", encoding="utf-8")
    refused(tmp_path, text, "this is not a Word file (.docx): it is not even a zip archive")


def test_empty_document_refused(tmp_path):
    import docx
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    refused(tmp_path, path, "the document is empty: it holds no text to import")


def test_strict_open_xml_refused(tmp_path):
    """Word's 'Strict Open XML Document' uses other namespaces, which Pandoc does not read."""
    source = fx.python_docx_article(tmp_path)
    path = tmp_path / "strict.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                                    b"http://purl.oclc.org/ooxml/wordprocessingml/main")
            new.writestr(info.filename, data)
    refused(tmp_path, path, "it is saved as 'Strict Open XML Document', which the converter cannot read: open it "
                            "in Word and save it as 'Word Document (.docx)'")


def test_very_large_file_refused(tmp_path, monkeypatch, capsys):
    from report.commands import cli
    from report.source import word as wordfile

    docx = fx.pandoc_article(tmp_path)
    monkeypatch.setattr(wordfile, "MAX_FILE", 4096)
    assert cli.main(["--import", str(docx), "--into", str(tmp_path / "never")]) == 1
    size = docx.stat().st_size / 2**20
    assert capsys.readouterr().err.strip() == (
        f"{docx}: cannot import: the file is {size:.0f} MB; the importer takes Word files up to 0 MB: ask the "
        "author for a copy with smaller pictures (Word: File > Compress Pictures)")
    monkeypatch.setattr(wordfile, "MAX_FILE", 2**30)
    monkeypatch.setattr(wordfile, "MAX_UNPACKED", 1024)
    assert cli.main(["--import", str(docx), "--into", str(tmp_path / "never")]) == 1
    assert "the importer takes Word files up to 0 MB unpacked" in capsys.readouterr().err
    assert not (tmp_path / "never").exists()


@pytest.mark.slow
def test_existing_folder_needs_force(tmp_path):
    docx = fx.pandoc_article(tmp_path)
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "document.md").write_text("the editor's work", encoding="utf-8")
    result = run("--import", docx, "--into", folder)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"{docx}: {folder} exists already: choose another --into folder, "
                                     "or add --force to replace it")
    assert (folder / "document.md").read_text(encoding="utf-8") == "the editor's work"
    result = run("--import", docx, "--into", folder, "--force")
    assert result.returncode == 0, result.stderr
    assert (folder / "document.md").read_text(encoding="utf-8").startswith("---\n# Imported from pandoc-article.docx")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".taken")) == []


def test_default_folder_is_data_slug(tmp_path):
    docx = fx.pandoc_article(tmp_path)
    (tmp_path / "data").mkdir()
    result = run("--import", docx, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "data/sanctions-that-work/document.md"


def test_usage_errors(tmp_path):
    result = run("--import", tmp_path / "missing.docx")
    assert result.returncode == 2 and f"--import: no such file: {tmp_path / 'missing.docx'}" in result.stderr
    result = run("--into", tmp_path / "x")
    assert result.returncode == 2 and "error: --into goes with --import" in result.stderr


def test_without_the_extra_it_says_how_to_install(tmp_path, monkeypatch, capsys):
    from report.commands import cli

    monkeypatch.setitem(sys.modules, "pypandoc", None)  # `import pypandoc` fails as if not installed
    docx = tmp_path / "any.docx"
    docx.write_bytes(b"PK")
    assert cli.main(["--import", str(docx), "--into", str(tmp_path / "never")]) == 1
    assert capsys.readouterr().err.strip() == (
        "--import needs Pandoc, which the optional extra 'import' installs (the pypandoc-binary wheel ships "
        "it): pip install -e '.[import]'")
    assert not (tmp_path / "never").exists()


# --- hostile Word files: nothing they hold reaches the front matter as a key, every fault a clear error ---

def _rezip(source: Path, target: Path, edit) -> Path:
    """A copy of the .docx with `edit(name, data) -> data` applied to each part."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, edit(info.filename, old.read(info)))
    return target


def _bounded_import(docx: Path, folder: Path, seconds: int = 120):
    """`--import` in a subprocess bounded in CPU time and wall-clock time (Pandoc's runtime reserves
    more address space than any limit on it would allow: memory is bounded by what it is given)."""
    import resource
    import subprocess

    from conftest import ROOT

    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--import", str(docx), "--into", str(folder), "-q"],
                          capture_output=True, text=True, timeout=seconds * 2, preexec_fn=limit)


def _styled_and_commented(tmp_path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("A Title", 0)
    d.add_heading("Background", 1)
    styled = d.add_paragraph("Words in a style whose name breaks lines.")
    styled.style = d.styles.add_style("EVILSTYLE", 1)
    commented = d.add_paragraph("A sentence with a comment.")
    d.add_comment(commented.runs, text="Why?", author="EVILAUTHOR", initials="E")
    plain_docx = tmp_path / "plain.docx"
    d.save(plain_docx)

    def edit(name, data):
        data = data.replace(b'<w:name w:val="EVILSTYLE"/>',
                            b'<w:name w:val="Evil&#10;url: https://evil.example/phish&#10;#"/>')
        return data.replace(b'w:author="EVILAUTHOR"',
                            b'w:author="Eve&#13;&#10;website: https://evil.example/&#x2028;x"')
    return _rezip(plain_docx, tmp_path / "evil.docx", edit)


@pytest.mark.slow
def test_word_text_never_writes_a_key_of_the_front_matter(tmp_path):
    import yaml

    folder = tmp_path / "imported"
    result = _bounded_import(_styled_and_commented(tmp_path), folder)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = (folder / "document.md").read_text(encoding="utf-8")
    front_text = text.split("\n---\n", 1)[0]
    front = yaml.safe_load(front_text.lstrip("-\n"))
    assert "url" not in front and "website" not in front
    assert set(front) == {"series", "number", "year", "lang", "title", "authors", "summary"}
    assert "#   paragraph 3 (in 'Background'): style 'Evil\\nurl: https://evil.example/phish\\n#' has no counterpart" \
        in front_text
    assert "comment by Eve\\r\\nwebsite: https://evil.example/\\u2028x left out" in front_text
    assert all(line.startswith("#") or not line.lstrip().startswith(("url", "website"))
               for line in front_text.splitlines())
    # the report printed says the same, on one line each
    assert any(line.endswith("style 'Evil\\nurl: https://evil.example/phish\\n#' has no counterpart: its text is kept "
                             "as ordinary text (if it marks a box or a pull quote, rewrite it)")
               for line in result.stderr.splitlines())


def test_a_value_from_the_word_file_is_quoted_by_the_emitter():
    from report.commands.import_word import _block_scalar, _scalar

    import yaml

    for text in ("Evil\nurl: https://evil.example/", "a\u2028b: c", "x\x85y", "#not a comment", "a, b", "'quoted'",
                 "line\r\nbreak", "tab\there", "ends with space ", "- item"):
        for written in (_scalar(text), _scalar(text, flow=True), _block_scalar(text, "  ")):
            assert yaml.safe_load("k: " + written) == {"k": text}, written
            assert "\n" not in written or written.startswith("|-")
        assert yaml.safe_load(f"k: [{_scalar(text, flow=True)}, z]") == {"k": [text, "z"]}


@pytest.mark.slow
def test_a_corrupt_deflate_stream_is_a_clear_error(tmp_path):
    source = fx.pandoc_article(tmp_path)
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("word/document.xml")
    data = bytearray(source.read_bytes())
    name_length, extra_length = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    data[start] = 0xFF  # a deflate block of type 3, which does not exist
    broken = tmp_path / "broken.docx"
    broken.write_bytes(bytes(data))
    result = _bounded_import(broken, tmp_path / "imported")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{broken}: cannot import: the file is damaged: its part word/document.xml cannot be read (Error -3 while "
        "decompressing data: invalid block type)"]
    assert not (tmp_path / "imported").exists()


def test_ctrl_c_writes_nothing(tmp_path, monkeypatch, capsys):
    from report.commands import cli
    from report.commands import import_word

    docx_path = fx.python_docx_article(tmp_path)
    calls = []
    real = Path.write_bytes

    def interrupted(self, data):
        calls.append(self)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", interrupted)  # Ctrl-C while the pictures are written
    try:
        status = cli.main(["--import", str(docx_path), "--into", str(tmp_path / "imported")])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C ended in a traceback")
    assert status == 130
    assert capsys.readouterr().err.splitlines()[-1] == "interrupted; nothing written"
    assert not (tmp_path / "imported").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".imported")] == []

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(import_word, "convert", stopped)  # Ctrl-C while Pandoc reads the file
    assert cli.main(["--import", str(docx_path), "--into", str(tmp_path / "imported")]) == 130
    assert capsys.readouterr().err == "interrupted; nothing written\n"
    assert not (tmp_path / "imported").exists()


@pytest.mark.slow
def test_a_picture_shown_many_times_counts_each_time(tmp_path):
    import os

    import docx
    from docx.shared import Inches
    from PIL import Image

    picture = tmp_path / "noise.png"
    Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(picture)  # about 1 MB, incompressible
    d = docx.Document()
    d.add_heading("Many Pictures", 0)
    d.add_paragraph("Text.")
    for _ in range(450):  # one picture stored once, shown 450 times: 450 files of 1 MB
        d.add_picture(str(picture), width=Inches(1))
    d.save(tmp_path / "many.docx")
    assert (tmp_path / "many.docx").stat().st_size < 3_000_000
    result = _bounded_import(tmp_path / "many.docx", tmp_path / "imported", seconds=240)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'many.docx'}: cannot import: its pictures, each counted every time it is shown, come to more "
        "than 400 MB; the importer takes up to 400 MB unpacked"]
    assert not (tmp_path / "imported").exists()
