"""An event reader from a short YAML file: cover, contents, every document, one numbering."""

from __future__ import annotations

import re
import shutil

import pypdf
import pytest

import validators
from conftest import GUEST, MINIMAL, pdf_text, run, write_doc


@pytest.mark.slow
def test_a_reader_of_two_documents(tmp_path):
    shutil.copytree(GUEST, tmp_path / "guest")
    write_doc(tmp_path / "second", MINIMAL.replace("sceeus-guest-commentary", "sceeus-commentary")
              .replace("A Small Test Document", "Belarus after the Elections"),
              "## First Section\n\nText of the second document.\n\n## Second Section\n\nMore text.\n")
    (tmp_path / "reader.yaml").write_text(
        "title: Stockholm Conference on Belarus\nsubtitle: Reading pack for participants\n"
        "date: 2024-03-01\ndocuments:\n  - guest\n  - second\n", encoding="utf-8")
    result = run("--bundle", tmp_path / "reader.yaml", "-q", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / f"{tmp_path.name}.pdf"  # a reader.yaml is named after its folder, the event
    assert result.stdout.strip().endswith(f"{tmp_path.name}.pdf")
    pages = [" ".join(text.split()) for text in pdf_text(pdf)]
    total = len(pages)
    assert "Stockholm Conference on Belarus" in pages[0] and "1 March 2024" in pages[0]
    assert pages[1] == ""  # the back of the cover is blank: no text, no running head, no folio
    contents = pages[2]
    assert "Contents" in contents
    # Each entry: title, authors, first page in the reader; the pages run across the reader.
    first_guest = next(i for i, t in enumerate(pages) if "Economic Cooperation: from Hero to Zero" in t) + 1
    first_second = next(i for i, t in enumerate(pages) if "Text of the second document." in t) + 1
    entries = re.findall(r"(Ukraine–Belarus Relations at an All-Time Low|Belarus after the Elections) ?\.+ ?(\d+)",
                         contents)
    assert entries == [("Ukraine–Belarus Relations at an All-Time Low", str(first_guest)),
                       ("Belarus after the Elections", str(first_second))]
    assert "Test Author" in contents
    # Every document opens on a right-hand (odd) page; a blank page before it where needed.
    assert first_guest % 2 == 1 and first_second % 2 == 1, (first_guest, first_second)
    assert all(pages[i - 1] == "" for i in range(4, first_guest)), pages[3:first_guest - 1]
    blanks_before_second = [i for i in range(first_guest, first_second) if pages[i - 1] == ""]
    assert len(blanks_before_second) <= 1 and all(i == first_second - 1 for i in blanks_before_second)
    assert f"Page {first_second} of {total}" in pages[first_second - 1]
    assert f"Page {total} of {total}" in pages[-1]

    reader = pypdf.PdfReader(pdf)
    assert reader.metadata.title == "Stockholm Conference on Belarus"
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert "Ukraine–Belarus Relations at an All-Time Low" in titles
    assert "Belarus after the Elections" in titles
    nested = [item for item in outline if isinstance(item, list)]
    assert any("First Section" in [i.title for i in group if not isinstance(i, list)] for group in nested)
    starts = {item.title: reader.get_destination_page_number(item) + 1
              for item in outline if not isinstance(item, list)}
    assert starts["Belarus after the Elections"] == first_second
    # The contents entries link to the documents' first pages.
    links = [a.get_object() for a in reader.pages[2].get("/Annots", [])]
    assert len([a for a in links if a.get("/Dest") or (a.get("/A") and a["/A"].get("/D"))]) >= 2


def test_documents_open_on_right_hand_pages():
    from report.commands.bundle import recto_starts

    # cover, blank, contents (3 pages): the first document on 5, after a blank 4
    assert recto_starts(3, [7, 1, 2]) == ([5, 13, 15], [True, True, True], 16)
    assert recto_starts(2, [1, 1]) == ([3, 5], [False, True], 5)
    assert recto_starts(4, [2, 3]) == ([5, 7], [False, False], 9)


@pytest.mark.slow
def test_the_preflight_of_a_reader_finds_a_document_starting_on_a_left_page(tmp_path):
    # Cover and contents take pages 1 and 2: the first document starts on page 3 (right), its
    # seven pages end on page 9, and the second one starts on page 10, a left-hand page, unless
    # the reader puts a blank page before it.
    shutil.copytree(GUEST, tmp_path / "guest")
    write_doc(tmp_path / "second", MINIMAL.replace("A Small Test Document", "Belarus after the Elections"),
              "## First Section\n\nText of the second document.\n")
    (tmp_path / "reader.yaml").write_text(
        "title: Stockholm Conference on Belarus\ndate: 2024-03-01\ndocuments:\n  - guest\n  - second\n",
        encoding="utf-8")
    result = run("--bundle", tmp_path / "reader.yaml", "-q", "-o", tmp_path / "out", "--preflight")
    assert result.returncode == 0, result.stderr
    pages = len(pypdf.PdfReader(tmp_path / "out" / f"{tmp_path.name}.pdf").pages)
    second = next(i for i, t in enumerate(pdf_text(tmp_path / "out" / f"{tmp_path.name}.pdf"))
                  if "Text of the second document." in t) + 1
    report = result.stdout.splitlines() + result.stderr.splitlines()
    # The Guest Commentary's last page (81 % full) ends a document, not a hole; its figures
    # are placed as in a build of its own.
    assert [line for line in report if "under-filled" in line] == []
    lines = [line for line in report if "left-hand" in line]
    if second % 2:  # documents start on right-hand pages (a blank page before): nothing to report
        assert lines == []
    else:
        assert lines == [f"{tmp_path / 'out' / f'{tmp_path.name}.pdf'}: page {second}: "
                         "document 'Belarus after the Elections' starts on a left-hand page"], (pages, result.stdout)


def test_reader_errors_are_reported_with_their_lines(tmp_path):
    (tmp_path / "reader.yaml").write_text("title: X\ndocuments:\n  - nowhere\ntitel: Y\n", encoding="utf-8")
    result = run("--bundle", "reader.yaml", "-q", "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "reader.yaml:3:5: documents[0]: no document.md in 'nowhere'",
        "reader.yaml:4:1: titel: unknown key; did you mean 'title'?",
    ]


# ---- whose reader: the publisher of its documents ---------------------------------------------

BRIEF = """
series: example-brief
number: {n}
year: 2025
title: Grain Corridors, Part {n}
authors:
  - name: Author {n}
"""


def northbridge_reader(folder, reader_yaml: str = "") -> None:
    """Two Northbridge briefs (example-brief, a fictional publisher's series) and a reader.yaml."""
    for n in (1, 2):
        write_doc(folder / f"brief-{n}", BRIEF.format(n=n), f"## Section\n\nText of brief {n}.\n")
    (folder / "reader.yaml").write_text(reader_yaml or (
        "title: Northbridge Forum on Grain\ndate: 2025-05-01\ndocuments:\n  - brief-1\n  - brief-2\n"),
        encoding="utf-8")


def cover_fonts(pdf) -> set[str]:
    fonts = pypdf.PdfReader(pdf).pages[0]["/Resources"]["/Font"]
    return {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in fonts.values()}


@pytest.mark.slow
def test_a_reader_of_another_publishers_documents_is_in_their_name(tmp_path):
    # No reader series of Northbridge's exists: the cover and contents are set in the documents'
    # own series with the shipped reader template, labelled "Reader".
    northbridge_reader(tmp_path)
    result = run("--bundle", tmp_path / "reader.yaml", "-q", "-o", tmp_path / "out", "--format", "pdf,print")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / f"{tmp_path.name}.pdf"
    for made in (pdf, pdf.with_suffix(".print.pdf")):  # dated by reader.yaml, never by the clock
        info = pypdf.PdfReader(made).metadata
        assert (info["/CreationDate"], info["/ModDate"]) == ("D:20250501", "D:20250501"), made
    assert b"<xmp:MetadataDate>2025-05-01</xmp:MetadataDate>" in pdf.with_suffix(".print.pdf").read_bytes()
    pages = [" ".join(text.split()) for text in pdf_text(pdf)]
    cover, contents = pages[0], pages[2]
    assert "READER" in cover and "Northbridge Forum on Grain" in cover and "1 May 2025" in cover
    assert "Northbridge Policy Institute An independent research institute (fictional) northbridge.example" in cover
    assert "Contents".upper() in contents.upper() and "Grain Corridors, Part 2" in contents
    for text in (cover, pages[1], contents):
        assert "Stockholm Centre" not in text and "SCEEUS" not in text
    fonts = cover_fonts(pdf)  # the publisher's typefaces, none of SCEEUS's Source Sans 3 and Serif 4
    assert "Inter" in fonts and all(f.startswith(("Inter", "Literata")) for f in fonts), fonts
    assert validators.ua_problems(pdf) == []  # still tagged to PDF/UA-1 in another series


@pytest.mark.slow
def test_documents_of_two_publishers_need_the_readers_series(tmp_path):
    northbridge_reader(tmp_path, "title: Mixed\ndocuments:\n  - brief-1\n  - guest\n  - brief-2\n")
    shutil.copytree(GUEST, tmp_path / "guest")
    result = run("--bundle", "reader.yaml", "-q", "-o", "out", cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "out").exists()
    assert result.stderr.splitlines() == [
        "reader.yaml:2:1: documents: the documents have different publishers (Northbridge Policy Institute: "
        "brief-1, brief-2; Stockholm Centre for Eastern European Studies (SCEEUS): guest); name the series of "
        "the reader's cover and contents with series: (reader series: sceeus-reader)"]


@pytest.mark.slow
def test_a_reader_series_made_for_a_publisher_is_taken_by_its_documents(tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    made = run("--new-series", "northbridge-reader", "--reader", "--extends", "example-brief", "--styles", styles)
    assert made.returncode == 0, made.stderr
    folder = styles / "northbridge-reader"
    assert made.stdout.split() == [str(folder / "series.yaml"), str(folder / "style.css"),
                                   str(folder / "templates" / "reader.html")]
    manifest = folder / "series.yaml"  # the editor words the cover's label, as the header invites
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("\nlabel: Reader ", "\nlabel: Forum Reader "),
                        encoding="utf-8")
    northbridge_reader(tmp_path)
    result = run("--bundle", tmp_path / "reader.yaml", "--styles", styles, "-q", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    cover = " ".join(pdf_text(tmp_path / "out" / f"{tmp_path.name}.pdf")[0].split())
    assert "FORUM READER" in cover and "Northbridge Policy Institute" in cover and "Stockholm" not in cover


@pytest.mark.slow
def test_a_reader_for_a_new_publisher_from_the_sceeus_reader(tmp_path):
    # The way the issue asked for it: a child of sceeus-reader is a reader series (it inherits
    # the template); its own publisher block makes it another publisher's.
    styles = tmp_path / "styles"
    styles.mkdir()
    made = run("--new-series", "acme-reader", "--extends", "sceeus-reader", "--styles", styles)
    assert made.returncode == 0, made.stderr
    assert made.stdout.split() == [str(styles / "acme-reader" / "series.yaml"), str(styles / "acme-reader" / "style.css")]
    manifest = styles / "acme-reader" / "series.yaml"
    assert "# The publisher now: Stockholm Centre for Eastern European Studies (SCEEUS).\n" in manifest.read_text()
    with manifest.open("a", encoding="utf-8") as f:
        f.write("publisher:\n  name: Acme Institute of Policy\n  short_name: ACME\n  website: acme.example\n"
                "colors:\n  primary: \"#4a1d3a\"\n")
    northbridge_reader(tmp_path, "title: Acme Days\nseries: acme-reader\ndocuments:\n  - brief-1\n")
    result = run("--bundle", tmp_path / "reader.yaml", "--styles", styles, "-q", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / f"{tmp_path.name}.pdf"
    cover = " ".join(pdf_text(pdf)[0].split())
    assert "Acme Institute of Policy" in cover and "acme.example" in cover
    assert "Stockholm" not in cover and "SCEEUS" not in cover
    import pypdfium2
    page = pypdfium2.PdfDocument(str(pdf))[0].render(scale=0.2).to_pil().convert("RGB")
    assert page.getpixel((page.width // 2, page.height // 2)) == (0x4a, 0x1d, 0x3a)  # its own colour


def test_reader_asks_for_the_publishers_series(tmp_path):
    result = run("--new-series", "x-reader", "--reader", "--styles", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == ("build.py: error: --reader: name your publisher's series, whose "
                                              "identity the reader takes: --extends SERIES")
    result = run("--reader", "--extends", "example-brief")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "build.py: error: --reader and --extends go with --new-series"
    assert list(tmp_path.iterdir()) == []


def test_a_borrowed_series_is_labelled_reader_in_the_readers_language(tmp_path):
    from report.commands import bundle, reader_series
    from report.errors import Problems
    from report.series import resolve

    (tmp_path / "reader.yaml").write_text("title: Spannmålsforum\nlang: sv\ndocuments: [brief-1]\n", encoding="utf-8")
    write_doc(tmp_path / "brief-1", BRIEF.format(n=1))
    problems = Problems()
    reader = bundle.load(tmp_path / "reader.yaml", problems)
    brief = resolve.resolve("example-brief", problems)
    problems.raise_if_any()
    html = bundle.front_text(reader, reader_series.Cover(brief, borrowed=True), ())
    assert re.findall(r'<div class="series-label">([^<]*)</div>', html) == ["Kompendium"]
    assert "Northbridge Policy Institute" in html and "SCEEUS" not in html
    own = bundle.front_text(reader, reader_series.Cover(brief), ())  # a reader series keeps its label
    assert re.findall(r'<div class="series-label">([^<]*)</div>', own) == ["Policy Brief"]
