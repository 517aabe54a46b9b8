"""The web page reflows (WCAG 1.4.10): at 320 and 390 CSS px nothing scrolls sideways but a
table or chart inside its own box, which the keyboard reaches and a screen reader names.

Every shipped sample, and a document made to be hard: plain-text addresses in the summary, the
text, a note and a bio, a 47-letter word, a table of ten columns, a chart, a long online address.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import validators as v
from conftest import ROOT, run, skip_unless_supported
from report.outputs.reflow import scroll_boxes

CORRIDOR = ROOT / "tests" / "fixtures" / "reflow" / "sceeus-corridor-2025-03"
SAMPLES = sorted(p.parent for p in (ROOT / "data").glob("*/document.md")) + [CORRIDOR]

PROBE = """
  const root = document.documentElement;
  return {inner: innerWidth, scroll: root.scrollWidth, client: root.clientWidth,
          boxes: [...document.querySelectorAll('.scroll-box')].map(box => ({
            scrolls: box.scrollWidth > box.clientWidth, tabIndex: box.tabIndex,
            role: box.getAttribute('role'), name: box.getAttribute('aria-label'),
            holds: box.querySelector('table') ? 'table' : 'chart'}))};
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    skip_unless_supported()
    out = tmp_path_factory.mktemp("web")
    result = run(*SAMPLES, "--format", "html", "-q", "-j", "1", "-o", out)
    assert result.returncode == 0, result.stderr
    return {folder.name: out / f"{folder.name}.html" for folder in SAMPLES}


@pytest.mark.slow  # builds four web pages and opens each in Chromium
@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("name", [p.name for p in SAMPLES])
def test_web_page_does_not_scroll_sideways(pages, name, width, tmp_path):
    v.need(v.CHROMIUM, "Debian's chromium")
    seen = v.at_width(pages[name], PROBE, width, tmp_path)
    assert seen["inner"] == width, seen  # measured at the width asked for, not Chromium's 500
    assert seen["scroll"] <= seen["client"], seen
    for box in seen["boxes"]:  # what may scroll is reachable and named
        assert box["tabIndex"] == 0 and box["role"] == "region" and box["name"], box


@pytest.mark.slow
def test_a_wide_table_and_a_chart_scroll_in_their_own_boxes(pages, tmp_path):
    v.need(v.CHROMIUM, "Debian's chromium")
    boxes = v.at_width(pages[CORRIDOR.name], PROBE, 320, tmp_path)["boxes"]
    assert [(b["holds"], b["scrolls"], b["name"]) for b in boxes] == [
        ("chart", True, "Figure 1. Grain exports by route, 2021–2024"),
        ("table", True, "Table 1. Exports by port and quarter, million tonnes")]


@pytest.mark.slow
def test_the_hard_page_has_no_axe_violations_nor_nu_errors(pages, tmp_path):
    page = pages[CORRIDOR.name]
    assert v.vnu(page) == []
    for width in (390, 1280):
        assert v.axe(page, tmp_path, width) == [], width


def test_each_box_is_named_by_its_own_caption():
    """A picture's figure before a chart, two uncaptioned tables with the same headings, Swedish."""
    page = ('<html lang="sv"><body>'
            '<figure><figcaption><span>Figur 1.</span> A map</figcaption><img src="map.png" alt="Map"></figure>'
            '<figure id="f2"><figcaption><span>Figur 2.</span> Trade</figcaption>'
            '<div class="chart" role="img" aria-label="Bars"><svg></svg></div></figure>'
            '<table>\n<caption><span>Tabell 1.</span> Prices &amp; wages</caption><tr><td>1</td></tr></table>'
            '<table><thead><tr><th>Port</th><th>2024</th></tr></thead></table>'
            '<table><thead><tr><th>Port</th><th>2024</th></tr></thead></table></body></html>')
    names = re.findall(r'<div class="scroll-box" tabindex="0" role="region" aria-label="([^"]*)">(<\w+)',
                       scroll_boxes(page))
    assert names == [("Figur 2. Trade", "<div"), ("Tabell 1. Prices &amp; wages", "<table"),
                     ("Tabell: Port, 2024", "<table"), ("Tabell: Port, 2024 (2)", "<table")]
