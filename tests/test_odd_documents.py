"""Big and odd documents: nothing leaves the page, nothing breaks the layout.

One document holds the odd parts (a 200-letter word, a long URL, empty sections, Cyrillic,
Hebrew and Arabic quotations); a second has no summary, in a series that does not require one.
A Guest Commentary 20 times over (100 sections, 60 charts, 100 pages) builds too.
"""

from __future__ import annotations

import re
import shutil
import time

import pypdf
import pypdfium2
import pytest

pytestmark = pytest.mark.slow  # builds many PDFs, or drives a browser: the full suite runs it

from conftest import GUEST, MINIMAL, ROOT, pdf_text, run, write_doc

LONG_WORD = "Donaudampfschifffahrtsgesellschaft" * 6  # 204 letters, no hyphenation point known
LONG_URL = "https://example.org/" + "/".join(f"segment{i:02d}-without-any-spaces" for i in range(8)) + "?q=" + "x" * 60
RUSSIAN = "Цитата: «Мир без войны — вот чего мы хотим», сказал он."
HEBREW = "ציטוט: שלום עולם, זה משפט בעברית."
ARABIC = "اقتباس: مرحبا بالعالم، هذه جملة بالعربية."

ODD_BODY = f"""## A very long word

Before {LONG_WORD} after.

## {LONG_WORD[:120]}

| Column | Value |
|---|---|
| {LONG_WORD} | 1 |

## A very long address

Plain: {LONG_URL}

Autolink: <{LONG_URL}>

Link: [{LONG_URL}]({LONG_URL})

`{LONG_URL}`

## Empty section

## Another empty section

### An empty subsection

## Quotations

> {RUSSIAN}

> {HEBREW}

> {ARABIC}

> Mixed: English, {HEBREW} and {ARABIC} in one line.

The end.
"""

REPO_FONTS = {"SourceSerif4", "SourceSans3", "NotoSerifHebrew", "NotoNaskhArabic"}


@pytest.fixture(scope="module")
def odd_pdf(tmp_path_factory):
    base = tmp_path_factory.mktemp("odd")
    folder = write_doc(base / "odd", MINIMAL, ODD_BODY)
    result = run(folder, "-q", "-o", base / "out")
    assert result.returncode == 0, result.stderr
    return base / "out" / "odd.pdf"


def test_long_words_and_urls_stay_inside_the_page(odd_pdf):
    pdf = pypdfium2.PdfDocument(str(odd_pdf))
    try:
        for n in range(len(pdf)):
            page = pdf[n]
            width, height = page.get_width(), page.get_height()
            text = page.get_textpage()
            for i in range(text.count_chars()):
                left, bottom, right, top = text.get_charbox(i)
                if right == left == 0:
                    continue  # a generated character (a line break) has no box
                char = text.get_text_range(i, 1)
                assert -0.5 <= left and right <= width + 0.5, (n + 1, i, char, left, right, width)
                assert -0.5 <= bottom and top <= height + 0.5, (n + 1, i, char, bottom, top, height)
    finally:
        pdf.close()


def test_long_words_and_urls_are_all_printed(odd_pdf):
    # Line ends (and the hyphens of words hyphenated there) are not part of the text.
    lines = [line for page in pdf_text(odd_pdf) for line in page.splitlines()
             if not re.match(r"^(No\. 3 · 2025|Page \d+ of \d+.*)$", line)]  # the running footer
    text = re.sub(r"[\s\u00ad\u2010\ufffe-]+", "", "".join(lines))
    assert text.count(LONG_WORD) >= 2  # the paragraph and the table cell
    assert text.count(re.sub(r"[\s-]+", "", LONG_URL)) >= 4


def test_empty_sections_are_kept(odd_pdf):
    reader = pypdf.PdfReader(odd_pdf)

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    found = list(titles(reader.outline))
    for section in ("Empty section", "Another empty section", "An empty subsection", "Quotations"):
        assert section in found, found
    text = "\n".join(pdf_text(odd_pdf))
    assert text.index("Empty section") < text.index("Another empty section") < text.index("An empty subsection")


def test_cyrillic_hebrew_and_arabic_quotations(odd_pdf):
    text = " ".join(" ".join(pdf_text(odd_pdf)).split())
    for quote in (RUSSIAN, HEBREW, ARABIC):
        assert quote in text, quote
    assert "The end." in text


def test_right_to_left_paragraphs_get_their_direction():
    from report.source import markdown as markup
    html = markup.MD.render(f"> {HEBREW}\n\n> {ARABIC}\n\n{RUSSIAN}\n\nMixed: {HEBREW}\n\n## {HEBREW}\n")
    assert html.count('<p dir="rtl">') == 2 and html.count("<p>") == 2 and '<h2 dir="rtl">' in html


def pdf_fonts(path) -> set[str]:
    """The fonts of a PDF, as `SourceSerif4Italic`: subset prefix, '-' and ',' taken out."""
    reader = pypdf.PdfReader(path)
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            name = re.sub(r"^/?[A-Z]{6}\+", "", str(font.get_object()["/BaseFont"]))
            names.add(re.sub(r"[-,\s]", "", name))
    return names


def test_only_fonts_from_the_repository(odd_pdf):
    names = pdf_fonts(odd_pdf)
    assert all(any(n.startswith(f) for f in REPO_FONTS) for n in names), names  # no DejaVu, no system font
    assert any(n.startswith("NotoSerifHebrew") for n in names), names
    assert any(n.startswith("NotoNaskhArabic") for n in names), names


def test_fallback_fonts_are_shipped_with_their_licence():
    fonts = ROOT / "styles" / "base" / "fonts"
    for name in ("NotoSerifHebrew-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "OFL-Noto.txt"):
        assert (fonts / name).is_file(), name
    assert "SIL Open Font License" in (fonts / "OFL-Noto.txt").read_text(encoding="utf-8")


# --- no summary, in a series that allows it --------------------------------------------------------

@pytest.fixture(scope="module")
def quick_series(tmp_path_factory):
    """(extra --styles args, series id): sceeus-quick-comment if it exists, else a temporary one."""
    if (ROOT / "styles" / "sceeus-quick-comment" / "series.yaml").is_file():
        return (), "sceeus-quick-comment"
    styles = tmp_path_factory.mktemp("styles")
    (styles / "no-summary").mkdir()
    (styles / "no-summary" / "series.yaml").write_text(
        "extends: sceeus-commentary\nname: No Summary\nlabel: Quick\nrequired: []\n", encoding="utf-8")
    return ("--styles", styles), "no-summary"


def test_document_without_summary(tmp_path, quick_series):
    styles, series_id = quick_series
    front = MINIMAL.replace("summary: A short summary.\n", "")
    folder = write_doc(tmp_path / "plain", front, "## Only section\n\nText without a summary.\n")
    # The Guest Commentary requires a summary ...
    result = run(folder, "-q", "--check")
    assert result.returncode == 1
    assert "summary: required by the series 'sceeus-guest-commentary'" in result.stderr
    # ... a series that does not, builds without one, and prints no empty box.
    result = run(folder, "-q", "--series", series_id, *styles, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    text = "\n".join(pdf_text(tmp_path / "out" / f"plain--{series_id}.pdf"))
    assert "Text without a summary." in text
    assert "Executive Summary".upper() not in text.upper()


# --- 20 times the Guest Commentary -------------------------------------------------------------------

def twenty_times(folder) -> None:
    """The Guest Commentary's body 20 times: headings, footnotes and charts made distinct per copy.

    Each copy gets its own charts (`trade-2021-2022-7` …: charts.yaml repeated with suffixes), as
    a long report has many figures; the CSV files are copied as they are.
    """
    source = (GUEST / "document.md").read_text(encoding="utf-8")
    _, front, body = source.split("---\n", 2)
    charts = (GUEST / "charts.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^([A-Za-z0-9_-]+):\s*$", charts, flags=re.M)
    parts, chart_parts = [], []
    for n in range(1, 21):
        part = re.sub(r"^(#{2,3}) (.+)$", rf"\1 \2 (part {n})", body, flags=re.M)
        part = re.sub(r"\[\^(\w+)\]", rf"[^\1-{n}]", part)
        part = re.sub(r"\(chart:([A-Za-z0-9_-]+)\)", rf"(chart:\1-{n})", part)
        parts.append(part)
        chart_parts.append(re.sub(rf"^({'|'.join(map(re.escape, ids))}):", rf"\1-{n}:", charts, flags=re.M))
    folder.mkdir(parents=True)
    (folder / "document.md").write_text(f"---\n{front}---\n" + "\n".join(parts), encoding="utf-8")
    (folder / "charts.yaml").write_text("\n".join(chart_parts), encoding="utf-8")
    for extra in GUEST.iterdir():
        if extra.name not in ("document.md", "charts.yaml"):
            (shutil.copytree if extra.is_dir() else shutil.copy)(extra, folder / extra.name)


def test_twenty_times_the_guest_commentary_builds(tmp_path):
    # About 20 s and 160 MB on two shared cores (the Guest Commentary alone: 2.5 s, 80 MB).
    twenty_times(tmp_path / "big")
    start = time.monotonic()
    result = run(tmp_path / "big", "-q", "-o", tmp_path / "out")
    seconds = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    pages = pdf_text(tmp_path / "out" / "big.pdf")
    assert len(pages) > 80
    text = "\n".join(pages)
    assert "Figure 60." in text and "(part 20)" in text
    assert seconds < 300  # a bound against a quadratic slip, not a benchmark


# --- a custom series: its fonts and no other ---------------------------------------------------

THIN = """\
extends: base
name: Thin
label: Thin Note
publisher:
  name: Thin Press
  short_name: Thin
fonts:
  serif:
    family: Liberation Serif
    normal: fonts/SourceSerif4-Regular.ttf
    italic: fonts/SourceSerif4-Italic.ttf
  sans:
    family: Liberation Sans
    normal: fonts/SourceSans3-Regular.ttf
    italic: fonts/SourceSans3-Italic.ttf
"""
# Everything in the two weights the series gives: then it builds.
ONLY_REGULAR = ("*, *::marker, *::before, *::after { font-weight: 400 !important; }\n"
                "@page { @top-left { font-weight: 400; } @bottom-right { font-weight: 400; } }\n")


@pytest.fixture()
def thin_series(tmp_path):
    """A series that gives only a regular and an italic file per role, under the names of
    fonts this machine has (Liberation Serif and Sans): the machine's own must never stand in."""
    folder = tmp_path / "styles" / "thin"
    (folder / "fonts").mkdir(parents=True)
    for name in ("SourceSerif4-Regular.ttf", "SourceSerif4-Italic.ttf", "SourceSans3-Regular.ttf",
                 "SourceSans3-Italic.ttf"):
        shutil.copy(ROOT / "styles" / "base" / "fonts" / name, folder / "fonts" / name)
    (folder / "series.yaml").write_text(THIN, encoding="utf-8")
    return folder


def embedded_postscript_names(path) -> set[str]:
    """The PostScript name inside each embedded font program: what file it really is."""
    import io
    from fontTools.ttLib import TTFont

    names = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))
            names.add(program["name"].getDebugName(6))
    return names


def test_a_face_the_series_lacks_is_an_error_at_its_line(tmp_path, thin_series):
    result = run(GUEST, "--styles", tmp_path / "styles", "--series", "thin", "-q", "-o", tmp_path / "out",
                 cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "out").exists()
    assert result.stderr.splitlines() == [
        "styles/thin/series.yaml:8: fonts.serif: the CSS sets text in Liberation Serif semibold (600, e.g. "
        "'The EU should support the democratic for' on page 6), but the series gives no such face: add "
        "`semibold:` (a font file) or a variable font",
        "styles/thin/series.yaml:12: fonts.sans: the CSS sets text in Liberation Sans semibold (600, e.g. "
        "'THIN NOTE' on page 1), but the series gives no such face: add `semibold:` (a font file) or a variable font",
        "styles/thin/series.yaml:12: fonts.sans: the CSS sets text in Liberation Sans bold (700, e.g. 'Thin' on "
        "page 1), but the series gives no such face: add `bold:` (a font file) or a variable font",
    ]


def test_a_custom_series_embeds_only_its_own_files(tmp_path, thin_series):
    """On a machine with Liberation and DejaVu installed, the PDF holds the series' files only,
    even under those fonts' names: no system font, no synthesized bold."""
    (thin_series / "style.css").write_text(ONLY_REGULAR, encoding="utf-8")
    result = run(GUEST, "--styles", tmp_path / "styles", "--series", "thin", "-q", "-o", tmp_path / "out",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / f"{GUEST.name}--thin.pdf"
    assert embedded_postscript_names(pdf) == {"SourceSerif4-Regular", "SourceSans3-Regular"}
    assert "Thin Press" in " ".join(pdf_text(pdf))


def test_a_family_no_role_declares_is_an_error(tmp_path, thin_series):
    (thin_series / "style.css").write_text(ONLY_REGULAR + "h1.title { font-family: 'DejaVu Serif'; }\n",
                                           encoding="utf-8")
    result = run(GUEST, "--styles", tmp_path / "styles", "--series", "thin", "-q", "-o", tmp_path / "out",
                 cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "styles/thin/series.yaml:8: fonts: the CSS sets text in 'DejaVu Serif' (e.g. 'Ukraine–Belarus' on "
        "page 1), a family no fonts role declares; the series' fonts are 'Liberation Serif', "
        "'Liberation Sans', 'Noto Serif Hebrew', 'Noto Naskh Arabic': name one of them, or declare the family "
        "under fonts"]
