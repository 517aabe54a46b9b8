"""Characters no font of the series has are found before layout (report/fonts/coverage.py); the
end-to-end messages are in test_errors.py ("missing-glyphs")."""

from __future__ import annotations

import pytest

from conftest import ROOT

from report import cache


@pytest.fixture
def base_series():
    from report.series import resolve as series
    from report.errors import Problems

    return series.resolve("sceeus-guest-commentary", Problems())


def test_the_shipped_fonts_cover_latin_cyrillic_hebrew_arabic(base_series):
    from report.fonts import coverage

    have = coverage.covered(coverage.font_files(base_series))
    text = "Zürich – “Ціханоўская”, Łukaszenka, שָׁלוֹם, مرحبا, 5 % € №"
    assert coverage.missing(text, have) == []
    assert coverage.missing("a ཀ b 中 c ཀ", have) == [(2, "ཀ"), (6, "中")]


def test_characters_that_draw_no_glyph_are_not_counted(base_series):
    from report.fonts import coverage

    have = coverage.covered(coverage.font_files(base_series))
    # soft hyphen, zero-width joiner, word joiner, ideographic space, emoji variation selector, BOM
    assert coverage.missing("co\u00adop\u200dera\u2060tion\u3000\ufe0f\ufeff", have) == []


def test_what_a_font_covers_is_read_once_and_kept(tmp_path, monkeypatch):
    import fontTools.ttLib

    from report.fonts import coverage

    font = ROOT / "styles/base/fonts/NotoSerifHebrew-Regular.ttf"
    first = coverage.covered((font,), tmp_path)
    assert 0x05D0 in first and 0x0410 not in first
    assert len(list(tmp_path.glob("*.json"))) == 1

    def no_reading(*args, **kwargs):
        raise AssertionError("the font was read again")

    cache.forget()  # a new process: only the file on disk
    monkeypatch.setattr(fontTools.ttLib, "TTFont", no_reading)
    assert coverage.covered((font,), tmp_path) == first
