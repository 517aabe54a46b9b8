"""Bounds and clear errors for what a series, a front matter or a reader can ask for.

Label formats take only the placeholders a label is given; a font that is not a font, a control
character in a value and a broken picture are errors at their line, printed safely; editions per
document, documents per reader and the size of a series' files are bounded before any work. Cases
that could hang or allocate run `build.py` in a subprocess under `setrlimit` and a timeout (the
helpers of test_hostile.py).
"""

from __future__ import annotations

import pytest

from conftest import MINIMAL, write_doc
from test_hostile import FRONT, build, check, series, site  # noqa: F401 (site: a fixture)

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
    html = pipeline.html_for(prepared, figs, web=True).text
    assert '<span class="figure-number">Fig.  1.</span>' in html
    assert "«hello»" in html and "‹bye›" in html
    assert '<p class="figure-source">From: Customs</p>' in html
    assert 'aria-label="Up again"' in html
    assert figs[0].alt.startswith("Bars: Trade")
    assert "Tab. 1" in html
