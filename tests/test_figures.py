"""Charts as editors use them: a document folder with charts.yaml and a CSV, built by the CLI."""

from __future__ import annotations

import re

import pypdf
import pytest

from conftest import MINIMAL, pdf_text, run, write_doc

BODY = """## Trade

Turnover collapsed in 2022.

![Monthly turnover, 2022](chart:monthly)

The composition changed too.

![Trade by direction](chart:direction)

A third look, sideways.

![Troops](chart:troops)
"""

CHARTS = """
monthly:
  type: line
  unit: USD million
  data: monthly.csv
  source: State statistics as cited
  note: March is missing.
direction:
  type: stacked
  unit: USD billion
  x: [2020, 2021, 2022]
  series:
    Exports: [4.1, 5.4, 1.4]
    Imports: [1.2, 1.5, null]
troops:
  type: barh
  unit: soldiers
  x: [Start of 2022, Today]
  series:
    Russian soldiers: [35000, 2000]
"""

CSV = "Month,Turnover\nJan,540\nFeb,543.2\nMar,\nApr,120\nMay,60\n"


@pytest.mark.slow
def test_a_document_with_a_csv_line_chart_with_a_gap_and_a_stacked_chart(tmp_path):
    folder = write_doc(tmp_path / "charts-doc", MINIMAL, BODY, charts__yaml=CHARTS, monthly__csv=CSV)
    result = run(folder, "-q", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "charts-doc.pdf"
    text = " ".join(" ".join(pdf_text(pdf)).split())
    # Numbered in order, with caption, source line and note.
    assert re.search(r"Figure 1\. Monthly turnover, 2022 .*Figure 2\. Trade by direction .*Figure 3\. Troops", text)
    assert "Source: State statistics as cited" in text and "Note: March is missing." in text
    # Chart labels are real text (WeasyPrint sets SVG text glyph by glyph, without spaces).
    squashed = text.replace(" ", "")
    for label in ("Jan", "Feb", "Apr", "May", "2020", "2022", "Exports", "Imports", "35,000", "USDmillion"):
        assert label in squashed, label
    reader = pypdf.PdfReader(pdf)
    for page in reader.pages:
        fonts = {f.get_object()["/BaseFont"] for f in page["/Resources"].get("/Font", {}).values()}
        assert all("Source" in name for name in fonts), fonts

        def images(resources):
            for obj in (resources.get("/XObject") or {}).values():
                obj = obj.get_object()
                if obj.get("/Subtype") == "/Image":
                    yield obj
                elif obj.get("/Subtype") == "/Form" and "/Resources" in obj:
                    yield from images(obj["/Resources"].get_object())

        assert not list(images(page["/Resources"])), "a chart became a raster image"


@pytest.mark.slow
def test_a_chart_error_is_reported_with_its_place(tmp_path):
    folder = write_doc(tmp_path / "doc", MINIMAL, BODY, charts__yaml=CHARTS.replace("[4.1, 5.4, 1.4]", "[4.1, 5.4]"),
                       monthly__csv=CSV.replace("Apr,120", "Apr,120,7"))
    result = run(folder, "-q", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/charts.yaml:13: chart 'direction': series 'Exports' has 2 values but x has 3",
        "doc/monthly.csv:5: chart 'monthly': row has 3 cells but the header has 2",
    ]
