"""Bounds and clear errors for what a series, a front matter or a reader can ask for.

Label formats take only the placeholders a label is given; a font that is not a font, a control
character in a value and a broken picture are errors at their line, printed safely; editions per
document, documents per reader and the size of a series' files are bounded before any work. Cases
that could hang or allocate run `build.py` in a subprocess under `setrlimit` and a timeout (the
helpers of test_hostile.py).
"""

from __future__ import annotations

import pytest

from conftest import MINIMAL, ROOT, untypeset, write_doc
from test_hostile import FRONT, GiB, build, check, series, site  # noqa: F401 (site: a fixture)

from report import pipeline


def labelled(doc, labels: str) -> None:
    """A series `labelled` with `labels` under languages.en.labels (line 5 on), and the document in it."""
    series(doc.parent / "styles", "labelled", "languages:\n  en:\n    labels:\n" + labels)
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "labelled"))


@pytest.mark.parametrize("label, message", [
    ("No. {nummer}", "'{nummer}': label 'number' takes {number}"),
    ("No. {", "'No. {' is not a label: Single '{' encountered in format string; write {{ and }} for a brace"),
    ("{number.__class__.__mro__[1].__subclasses__}",
     "'{number.__class__.__mro__[1].__subclasses__}': label 'number' takes {number}"),
    ("{number:>1500000000}", "'{number:>1500000000}': a width of at most 20"),
    ("{number!r}", "'{number!r}': a placeholder may only have a width and alignment, as {number:>3}"),
])
@pytest.mark.slow
def test_a_label_takes_only_its_placeholders(site, label, message):
    doc, _ = site
    labelled(doc, f'      number: "{label}"\n      quotes: "«|»"\n')
    for result in (check(doc, "--styles", "styles"),
                   build(doc.name, "--styles", "styles", "-o", "out", "--format", "html", cwd=doc.parent)):
        assert (result.returncode, result.stderr.splitlines()) == (1, [
            f"styles/labelled/series.yaml:6:15: languages.en.labels.number: {message}",
            "styles/labelled/series.yaml:7:15: languages.en.labels.quotes: '«|»' must be four marks separated by "
            "'|': opening and closing double, opening and closing single, as “|”|‘|’"])
    assert not (doc.parent / "out").exists()


@pytest.mark.slow
def test_every_label_a_series_words_reaches_the_page(tmp_path):
    styles = tmp_path / "styles"
    (styles / "worded").mkdir(parents=True)
    (styles / "worded" / "series.yaml").write_text(
        "extends: sceeus-guest-commentary\nlanguages:\n  en:\n    labels:\n"
        '      figure: "Fig. {number:>2}"\n      quotes: "«|»|‹|›"\n      source: "From:"\n'
        '      table: "Tab. {number}"\n      back: "Up again"\n      chart-bar: "Bars"\n', encoding="utf-8")
    folder = write_doc(tmp_path / "doc", MINIMAL,
                       'He said "hello" and \'bye\'.[^1]\n\n![Trade](chart:c)\n\nTable: Numbers\n\n'
                       "| A | B |\n|---|---|\n| x | 1 |\n\n[^1]: A note.\n",
                       charts__yaml="c:\n  type: bar\n  title: Trade\n  source: Customs\n  x: [a, b]\n"
                                    "  series:\n    A: [1, 2]\n")
    options = pipeline.Options(series="worded", style_roots=(styles,), cache=tmp_path / "cache")
    prepared = pipeline.prepare(folder, options)
    figs = pipeline.figures(prepared, options)
    html = untypeset(pipeline.html_for(prepared, figs, web=True).text)  # the markup as the templates wrote it
    assert '<span class="figure-number" data-typeset="label">Fig.  1.</span>' in html
    assert "«hello»" in html and "‹bye›" in html
    assert '<p class="figure-source" data-typeset="unbroken">From: Customs</p>' in html
    assert 'aria-label="Up again"' in html
    assert figs[0].alt.startswith("Bars: Trade")
    assert "Tab. 1" in html


@pytest.mark.parametrize("font, message", [
    (b"\x00\x01\x00\x00", "is not a font file fontTools can read (Not a TrueType or OpenType font (not enough data))"),
    ("cut", "is not a font file fontTools can read: its 'GDEF' table is cut off"),
])
@pytest.mark.slow
def test_a_font_that_is_not_a_font_is_an_error_at_its_line(site, font, message):
    doc, _ = site
    if font == "cut":  # the right first bytes and table directory, the tables cut off
        font = (ROOT / "styles" / "base" / "fonts" / "SourceSans3-Bold.ttf").read_bytes()[:1000]
    series(doc.parent / "styles", "fonted", "fonts:\n  serif: {family: Fake, normal: fake.ttf}\n", fake_ttf=font)
    (doc.parent / "styles" / "fonted" / "fake_ttf").rename(doc.parent / "styles" / "fonted" / "fake.ttf")
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "fonted"))
    for result in (check(doc, "--styles", "styles"),
                   build(doc.name, "--styles", "styles", "-o", "out", "--format", "html", cwd=doc.parent)):
        assert (result.returncode, result.stderr.splitlines()) == (
            1, [f"styles/fonted/series.yaml:4:33: fonts.serif.normal: font file 'fake.ttf' {message}"])


@pytest.mark.slow
def test_a_control_character_made_by_an_escape_is_an_error_at_its_line(site):
    doc, _ = site
    write_doc(doc, FRONT.replace("title: A Small Test Document", 'title: "A \\e Small Test"'))
    for result in (check(doc), build(doc.name, "-o", "out", "--format", "pdf", cwd=doc.parent)):
        assert (result.returncode, result.stderr.splitlines()) == (
            1, ["doc/document.md:5:8: invalid YAML: the character U+001B (a control character) is not allowed; "
                "remove it"])
        assert "\x1b" not in result.stderr
    series(doc.parent / "styles", "escaped", 'label: "Brief \\x07"\n')
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "escaped"))
    result = check(doc, "--styles", "styles")
    assert (result.returncode, result.stderr.splitlines()) == (
        1, ["styles/escaped/series.yaml:3:8: invalid YAML: the character U+0007 (a control character) is not "
            "allowed; remove it"])


@pytest.mark.slow
def test_a_broken_picture_s_message_shows_no_address(site):
    doc, _ = site
    write_doc(doc, FRONT, "## Section\n\n![A picture](broken.png)\n")
    (doc / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    result = check(doc)
    assert result.returncode == 1
    assert " at 0x" not in result.stderr and "object" not in result.stderr, result.stderr
    assert "broken.png" in result.stderr and "is a broken PNG file (cannot identify image file)" in result.stderr


@pytest.mark.slow
def test_editions_are_bounded(site):
    doc, _ = site
    editions = "".join(f"  - lang: sv\n    url: https://example.org/{i}/\n" for i in range(3000))
    write_doc(doc, FRONT + "\neditions:\n" + editions)
    result = check(doc)
    assert (result.returncode, result.stderr.splitlines()) == (
        1, ["doc/document.md:10:3: editions: lists 3,000 editions; at most 20 are allowed"])


def test_documents_per_reader_are_bounded(site):
    doc, _ = site
    (doc.parent / "reader.yaml").write_text("title: A Reader\ndocuments:\n" + "  - doc\n" * 1000, encoding="utf-8")
    result = build("--bundle", "reader.yaml", "--check", cwd=doc.parent, seconds=30, memory=2 * GiB)
    assert (result.returncode, result.stderr.splitlines()) == (
        1, ["reader.yaml:3:3: documents: lists 1,000 documents; at most 200 are allowed"])


@pytest.mark.parametrize("name, message", [
    ("style.css", "styles/huge/style.css: is 3,221,225,472 bytes; at most 2,000,000 are allowed"),
    ("templates/document.html",
     "styles/huge/templates/document.html: is 3,221,225,472 bytes; at most 1,000,000 are allowed"),
])
@pytest.mark.slow
def test_series_files_are_measured_before_they_are_read(site, name, message):
    doc, _ = site
    folder = series(doc.parent / "styles", "huge")
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "wb") as handle:  # sparse: 3 GB that take no disk
        handle.truncate(3 << 30)
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "huge"))
    result = build(doc.name, "--check", "--styles", "styles", cwd=doc.parent, seconds=30, memory=GiB)
    assert (result.returncode, result.stderr.splitlines()) == (1, [message])


def test_a_date_label_is_a_babel_pattern(site):
    doc, _ = site
    labelled(doc, "      date: 'd MMMMMMMMMMMMMMM y'\n      month: LLLL y\n")
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "labelled") + "\ndate: 2025-03-02")
    result = check(doc, "--styles", "styles")
    assert (result.returncode, result.stderr.splitlines()) == (1, [
        "styles/labelled/series.yaml:6:13: languages.en.labels.date: 'd MMMMMMMMMMMMMMM y' is not a Babel date "
        "pattern such as 'd MMMM y': Invalid length for field: 'MMMMMMMMMMMMMMM'"])
