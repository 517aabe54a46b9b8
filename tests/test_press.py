"""The print PDF's press colours: `cmyk:` in series.yaml, its mistakes, and the one conversion
rule for every colour without press values (report/series/press.py). The PDF itself is judged in
test_validators.py."""

from __future__ import annotations

import pytest

from conftest import GUEST, run

from report.series import press
from report.series import resolve as series_mod
from report.errors import Problems


def test_greys_print_in_black_ink_only():
    assert press.convert((1.0, 1.0, 1.0)) == (0.0, 0.0, 0.0, 0.0)
    assert press.convert((0.0, 0.0, 0.0)) == (0.0, 0.0, 0.0, 1.0)
    assert press.convert(press.rgb_of("#808080")) == (0.0, 0.0, 0.0, 0.5)


def test_colours_go_through_the_fogra39_profile():
    c, m, y, k = press.convert(press.rgb_of("#c0522d"))  # the SCEEUS accent, a brick red
    assert m > 0.6 and y > 0.6 and c < 0.1
    c, m, y, k = press.convert(press.rgb_of("#16284a"))  # the SCEEUS navy
    assert c > 0.6 and y < 0.2
    assert press.convert((0.2, 0.4, 0.6)) == press.convert((0.2, 0.4, 0.6))  # the same every time


def test_shipped_series_give_their_press_colours():
    sceeus = series_mod.resolve("sceeus-guest-commentary", Problems())
    table = press.series_cmyk(sceeus)
    assert table["text"] == (0, 0, 0, 1.0)
    assert table["primary"] == (1.0, 0.82, 0.3, 0.48)
    ink = press.press(sceeus)
    assert ink.cmyk(press.rgb_of("#1d2129")) == (0, 0, 0, 1.0)  # body text: black ink only
    assert ink.cmyk(press.rgb_of("#ffffff")) == (0, 0, 0, 0)


def _series(tmp_path, text: str):
    folder = tmp_path / "styles" / "mine"
    folder.mkdir(parents=True)
    (folder / "series.yaml").write_text(text, encoding="utf-8")
    problems = Problems()
    return series_mod.resolve("mine", problems, (tmp_path / "styles", series_mod.STYLES)), problems


def test_a_changed_colour_without_press_values_is_converted(tmp_path):
    mine, problems = _series(tmp_path, 'extends: sceeus-commentary\ncolors:\n  text: "#7a1f5c"\n')
    assert mine is not None, problems
    table = press.series_cmyk(mine)
    assert table["text"] == press.convert(press.rgb_of("#7a1f5c")) != (0, 0, 0, 1.0)
    assert table["primary"] == (1.0, 0.82, 0.3, 0.48)  # unchanged colours keep the parent's


@pytest.mark.slow
def test_cmyk_mistakes_in_exact_words(tmp_path):
    styles = tmp_path / "styles" / "inky"
    styles.mkdir(parents=True)
    (styles / "series.yaml").write_text(
        "extends: sceeus-commentary\ncmyk:\n  primary: [100, 80, 30]\n  text: [0, 0, 0, 120]\n"
        "  teal: [60, 0, 20, 0]\n", encoding="utf-8")
    result = run(GUEST, "--styles", "styles", "--series", "inky", "-q", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "styles/inky/series.yaml:3:12: cmyk.primary: must be four percentages [C, M, Y, K] from 0 to 100, "
        "not [100, 80, 30]",
        "styles/inky/series.yaml:4:9: cmyk.text: must be four percentages [C, M, Y, K] from 0 to 100, "
        "not [0, 0, 0, 120]",
    ]


def test_press_values_for_a_colour_the_series_does_not_have(tmp_path):
    mine, problems = _series(tmp_path, "extends: sceeus-commentary\ncmyk:\n  teal: [60, 0, 20, 0]\n")
    assert mine is None
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'styles' / 'mine' / 'series.yaml'}:3: cmyk.teal: 'teal' is not a colour named in colors"]
