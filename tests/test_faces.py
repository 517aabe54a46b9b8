"""Every face a series gives is the one its text prints in.

The faces here are the shipped Source Serif 4, cut down with fontTools to fewer characters than
the regular has, as an incomplete bold from a distribution often is (Debian's EB Garamond 12
Bold has no accented capitals): fontconfig used to rank the regular, which covers the
language's alphabet, above the bold the text asked for.
"""

from __future__ import annotations

import io

import pypdf
import pytest

pytestmark = pytest.mark.slow  # each builds a document

from conftest import ROOT, run, write_doc

FONTS = ROOT / "styles" / "base" / "fonts"
ASCII = list(range(0x20, 0x7F)) + [0x2010, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014]  # no accented letter

SERIES = """extends: sceeus-guest-commentary
fonts:
  serif:
    family: Cut Serif
    normal: fonts/Regular.ttf
    italic: fonts/Italic.ttf
    semibold: fonts/Bold.ttf
    bold: fonts/Bold.ttf
"""

FRONT = """
series: cut
number: 3
year: 2025
title: Bold Words
authors:
  - name: Test Author
summary: A short summary.
"""


@pytest.fixture()
def cut_series(tmp_path):
    from fontTools import subset

    folder = tmp_path / "styles" / "cut"
    (folder / "fonts").mkdir(parents=True)
    for name, source in (("Regular", "SourceSerif4-Regular"), ("Italic", "SourceSerif4-Italic")):
        (folder / "fonts" / f"{name}.ttf").write_bytes((FONTS / f"{source}.ttf").read_bytes())
    options = subset.Options()
    options.name_IDs = ["*"]
    font = subset.load_font(str(FONTS / "SourceSerif4-Bold.ttf"), options)
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=ASCII)
    cutter.subset(font)
    font.save(str(folder / "fonts" / "Bold.ttf"))
    (folder / "series.yaml").write_text(SERIES, encoding="utf-8")
    return tmp_path


def embedded(path) -> set[str]:
    """The PostScript name inside each embedded font program: what file it really is."""
    from fontTools.ttLib import TTFont

    names = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            names.add(TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))["name"].getDebugName(6))
    return names


def test_a_bold_file_given_for_two_weights_prints_the_bold_text(cut_series):
    folder = write_doc(cut_series / "bold", FRONT, "## Section\n\nPlain text, **bold words** and *italic*.\n")
    result = run(folder, "--styles", "styles", "-q", "-o", "out", cwd=cut_series)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    names = embedded(cut_series / "out" / "bold.pdf")
    assert {"SourceSerif4-Regular", "SourceSerif4-Bold", "SourceSerif4-Italic"} <= names, names


def test_a_letter_the_bold_file_lacks_is_an_error_at_the_role(cut_series):
    folder = write_doc(cut_series / "cafe", FRONT, "## Section\n\nPlain text, **the Café Müller** here.\n")
    result = run(folder, "--styles", "styles", "-q", "-o", "out", cwd=cut_series)
    assert result.returncode == 1 and not (cut_series / "out").exists()
    assert result.stderr.splitlines() == [
        "styles/cut/series.yaml:3: fonts.serif: 'fonts/Bold.ttf' (semibold) has no 'é' (U+00E9), 'ü' (U+00FC), "
        "which the text sets in Cut Serif semibold (e.g. 'the Café Müller' on page 1): it would print in another "
        "face of the family; give a semibold file that has them"]


FONTFORGE_SERIES = """extends: sceeus-guest-commentary
fonts:
  serif:
    family: Forged Serif
    normal: fonts/Regular.ttf
    italic: fonts/Italic.ttf
    semibold: fonts/Bold.ttf
    bold: fonts/Bold.ttf
"""


def forged_series(base):
    """`base`/styles/forged: Source Serif 4 as FontForge leaves a font, with an FFTM table (which
    fontTools cannot subset) and an early 'created' date: fontTools warns about both."""
    from fontTools.ttLib import TTFont, newTable

    folder = base / "styles" / "forged"
    (folder / "fonts").mkdir(parents=True)
    for name, source in (("Regular", "SourceSerif4-Regular"), ("Italic", "SourceSerif4-Italic"),
                         ("Bold", "SourceSerif4-Bold")):
        font = TTFont(str(FONTS / f"{source}.ttf"))
        stamp = newTable("FFTM")  # FontForge's time stamps
        stamp.version, stamp.FFTimeStamp, stamp.sourceCreated, stamp.sourceModified = 1, 0, 0, 0
        font["FFTM"] = stamp
        font["head"].created = 0
        font.save(str(folder / "fonts" / f"{name}.ttf"))
    (folder / "series.yaml").write_text(FONTFORGE_SERIES, encoding="utf-8")
    return write_doc(base / "web", FRONT.replace("series: cut", "series: forged"),
                     "## Section\n\nPlain text, **bold words** and *italic*.\n")


def test_the_web_page_of_fonts_with_odd_tables_prints_nothing(tmp_path):
    doc = forged_series(tmp_path)
    result = run(doc, "--styles", "styles", "--format", "html", "-q", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "bold words" in (tmp_path / "out" / "web.html").read_text(encoding="utf-8")
