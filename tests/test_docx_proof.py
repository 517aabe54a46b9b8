"""`--format docx`: the Word proof for the author, and `--import` of it back as a list of changes.

The proof is opened as the author's Word would read it (python-docx): its styles, its paragraphs'
words, the banner, the highlighted placeholders. The round trip goes through the command line:
proof → import into the document's own folder → "no changes"; an edit made in the Word file
is reported at its line of document.md in exact words, and nothing is written without --force.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, run, write_doc
from report.errors import Problems
from report.series.resolve import resolve

docx = pytest.importorskip("docx", reason="python-docx opens the proofs")
pytest.importorskip("pypandoc", reason="Pandoc writes the proofs")

FRONT = """
series: sceeus-guest-commentary
number: 3
year: 2025
date: 2025-03-14
title: A Small Test Document
subtitle: With *every* kind of block
authors:
  - name: Test Author
    affiliation: Somewhere
summary: A short summary with FILL IN the figure later.
recommendations:
  - The EU should act. Soon.
  - Member states should follow.
"""
BODY = """
## First section

Trade fell sharply, as @fig-trade shows.[^1] Another sentence
on a second line with **bold** and *italic* words.

![Trade by direction, 2021 and 2022](chart:trade)

Table: Prices by year {#tbl-prices}

| Year | Price |
|---|---:|
| 2021 | 5.4 |
| 2022 | 1.4 |

Source: Own figures.

As @tbl-prices sets out, prices fell. Smith argues so [@smith2020, p. 12].

- A first point.
- A second point.

> A quotation in a block.

### A subsection

The last paragraph.

[^1]: The note, with a [link](https://example.org).
"""
CHARTS = """
trade:
  type: bar
  unit: USD billion
  x: [2021, 2022]
  series:
    Exports: [5.4, 1.4]
  source: Own figures
"""
LIBRARY = """
@book{smith2020,
  author = {Smith, Jane},
  title = {A Book},
  publisher = {Press},
  year = {2020}
}
"""
# The words of every paragraph, as the author reads them in Word, in order.
PARAGRAPHS = [
    ("Proof Banner", "PROOF — not for circulation · 2025-03-14"),
    ("Title", "A Small Test Document"),
    ("Subtitle", "With every kind of block"),
    ("Author", "Test Author"),
    ("Abstract", "A short summary with FILL IN the figure later."),
    ("Heading 2", "First section"),
    ("First Paragraph", "Trade fell sharply, as Figure 1 shows. Another sentence on a second line with bold and "
                        "italic words."),
    ("Captioned Figure", ""),
    ("Image Caption", "Figure 1. Trade by direction, 2021 and 2022"),
    ("Table Caption", "Table 1. Prices by year"),
    ("Body Text", "Source: Own figures."),
    ("Body Text", "As Table 1 sets out, prices fell. Smith argues so."),
    ("Compact", "A first point."),
    ("Compact", "A second point."),
    ("Block Text", "A quotation in a block."),
    ("Heading 3", "A subsection"),
    ("First Paragraph", "The last paragraph."),
    ("Heading 2", "Recommendations"),
    ("Normal", "The EU should act. Soon."),
    ("Normal", "Member states should follow."),
]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def proof(tmp_path_factory) -> tuple[Path, Path]:
    """The small document and its Word proof, made once through the command line."""
    base = tmp_path_factory.mktemp("proof")
    folder = write_doc(base / "small", FRONT, BODY, charts__yaml=CHARTS, references__bib=LIBRARY)
    result = run(folder, "--format", "docx", "-o", base / "out")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(base / "out" / "small.proof.docx")]
    return folder, base / "out" / "small.proof.docx"


@pytest.mark.slow
def test_the_proof_is_a_word_file_in_the_series_styles(proof):
    _, path = proof
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert "word/document.xml" in archive.namelist() and "word/footnotes.xml" in archive.namelist()
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2025-03-14T00:00:00Z</dcterms:created>' in core
    word = docx.Document(str(path))
    styles = word.styles
    assert styles["Normal"].font.name == "Source Serif 4"  # the series' serif for the body
    assert styles["Normal"].font.size.pt == 10.5
    for name in ("Title", "Subtitle", "Heading 2", "Heading 3", "Image Caption"):
        assert styles[name].font.name == "Source Sans 3", name
    colors = resolve("sceeus-guest-commentary", Problems()).colors  # as series.yaml and its parents set them
    assert "#" + str(styles["Heading 2"].font.color.rgb) == colors["primary"].upper()
    assert "#" + str(styles["Proof Banner"].font.color.rgb) == colors["accent"].upper()


@pytest.mark.slow
def test_the_proof_holds_the_document_s_words(proof):
    _, path = proof
    word = docx.Document(str(path))
    assert [(p.style.name, p.text) for p in word.paragraphs] == PARAGRAPHS
    assert [[c.text for c in row.cells] for row in word.tables[0].rows] == [["Year", "Price"], ["2021", "5.4"],
                                                                             ["2022", "1.4"]]
    with zipfile.ZipFile(path) as archive:
        notes = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", archive.read("word/footnotes.xml").decode("utf-8")))
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    # the author's note, then the citation's (a note style)
    assert " ".join(notes.split()) == "The note, with a link. Jane Smith, A Book (Press, 2020), 12."
    assert len(media) == 1 and zipfile.ZipFile(path).read(media[0])[:8] == b"\x89PNG\r\n\x1a\n"  # the chart
    marked = [r.text for p in word.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert marked == ["FILL IN"]


@pytest.mark.slow
def test_the_proof_is_the_same_bytes_every_time(proof, tmp_path):
    folder, path = proof
    result = run(folder, "--format", "docx", "-o", tmp_path, env={"REPORT_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "small.proof.docx").read_bytes() == path.read_bytes()


@pytest.mark.slow
def test_a_proof_is_dated_as_the_pdf_proof_is(proof, tmp_path):
    """SOURCE_DATE_EPOCH, when the desk sets it, is the proof's date in Word as in the PDF."""
    folder, _ = proof
    env = {"SOURCE_DATE_EPOCH": "1900000000"}  # 2030-03-17
    for out in (tmp_path / "a", tmp_path / "b"):
        result = run(folder, "--format", "docx", "-o", out, env=env)
        assert result.returncode == 0, result.stderr
    first, second = (tmp_path / "a" / "small.proof.docx"), (tmp_path / "b" / "small.proof.docx")
    assert first.read_bytes() == second.read_bytes()
    assert docx.Document(str(first)).paragraphs[0].text == "PROOF — not for circulation · 2030-03-17"


@pytest.mark.slow
def test_the_round_trip_finds_no_changes(proof, tmp_path):
    folder, path = proof
    copy = shutil.copytree(folder, tmp_path / "small")
    before = folder_bytes(copy)
    result = run("--import", path, "--into", copy)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"{copy}: no changes against the Word file; nothing written"]
    assert folder_bytes(copy) == before


@pytest.mark.slow
def test_an_edit_is_reported_by_line_and_written_only_with_force(proof, tmp_path):
    folder, path = proof
    word = docx.Document(str(path))
    last = next(p for p in word.paragraphs if p.text == "The last paragraph.")
    last.text = "The very last paragraph."
    word.paragraphs[1].text = "A Smaller Test Document"  # the title
    edited = tmp_path / "edited.docx"
    word.save(str(edited))
    copy = shutil.copytree(folder, tmp_path / "small")
    before = folder_bytes(copy)
    result = run("--import", edited, "--into", copy)
    assert result.returncode == 1
    md = copy / "document.md"
    assert result.stderr.splitlines() == [
        f'{md}:6: title: changed: "A Small Test Document" → "A Smaller Test Document"',
        f'{md}:42: changed: "The last paragraph." → "The very last paragraph."',
        f"{copy}: 2 change(s) from {edited}; nothing written: add --force to replace the text with the Word file's",
    ]
    assert folder_bytes(copy) == before  # nothing written

    result = run("--import", edited, "--into", copy, "--force")
    assert result.returncode == 0, result.stderr
    text = md.read_text(encoding="utf-8")
    assert "The very last paragraph." in text and "title: A Smaller Test Document" in text
    assert "number: 3" in text and "affiliation: Somewhere" in text  # what Word cannot hold stays
    assert "](chart:trade)" in text and (copy / "charts.yaml").read_bytes() == before["charts.yaml"]
    assert not (copy / "images").exists()  # the chart's picture is the chart again
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".small")) == []
    result = run("--import", edited, "--into", copy)  # the folder now says what the Word file says
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"{copy}: no changes against the Word file; nothing written"]


@pytest.mark.slow
def test_a_document_or_series_may_refuse_the_word_proof(tmp_path):
    folder = write_doc(tmp_path / "private", MINIMAL + "word_proof: false\n")
    result = run(folder, "--format", "docx", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert f"{folder / 'document.md'}:9: word_proof: --format docx: this document asks for no Word proof" \
        in result.stderr.splitlines()
    styles = tmp_path / "styles"
    (styles / "no-proofs").mkdir(parents=True)
    (styles / "no-proofs" / "series.yaml").write_text(
        "extends: sceeus-commentary\nname: No Proofs\nlabel: No Proofs\nword_proof: false\n", encoding="utf-8")
    other = write_doc(tmp_path / "other", MINIMAL)
    result = run(other, "--styles", styles, "--series", "no-proofs", "--format", "docx", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert (f"{other / 'document.md'}: --format docx: the series 'no-proofs' writes no Word proof "
            "(its series.yaml says word_proof: false)") in result.stderr.splitlines()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


@pytest.mark.slow
def test_tracked_changes_are_taken_as_accepted(proof, tmp_path):
    """The author's tracked deletion and insertion, as Word writes them (w:del, w:ins): the list
    shows the text with both accepted."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    folder, path = proof
    word = docx.Document(str(path))
    last = next(p for p in word.paragraphs if p.text == "The last paragraph.")
    for old in list(last._p.r_lst):
        last._p.remove(old)
    tracked = 'w:id="{}" w:author="Author" w:date="2025-03-20T09:00:00Z"'
    last._p.append(parse_xml(f'<w:del {nsdecls("w")} {tracked.format(901)}><w:r><w:delText>The last paragraph.'
                             '</w:delText></w:r></w:del>'))
    last._p.append(parse_xml(f'<w:ins {nsdecls("w")} {tracked.format(902)}><w:r><w:t>The final paragraph.</w:t>'
                             '</w:r></w:ins>'))
    edited = tmp_path / "tracked.docx"
    word.save(str(edited))
    copy = shutil.copytree(folder, tmp_path / "small")
    result = run("--import", edited, "--into", copy)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (f'{copy / "document.md"}:42: changed: "The last paragraph." → '
                                             '"The final paragraph."')


@pytest.mark.slow
@pytest.mark.parametrize("stem", ["sceeus-sample-sv-2025-06", "sceeus-sample-uk-2025-06"])
def test_the_language_editions_come_back_unchanged(stem, tmp_path):
    """A table's caption and source lines print in the language ("Källa:") whatever word the
    source uses, and come back from Word as "Table:": the same line, not a change."""
    copy = shutil.copytree(ROOT / "data" / stem, tmp_path / stem)
    result = run(copy, "--format", "docx", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    result = run("--import", tmp_path / "out" / f"{stem}.proof.docx", "--into", copy)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [f"{copy}: no changes against the Word file; nothing written"]
