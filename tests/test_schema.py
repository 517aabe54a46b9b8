"""The declared schemas of the four user files: the reference pages in docs/reference are written
from them and cannot drift, their examples pass them, a series gets every documented default, and
a key declared in one line is checked, documented and typed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from report.model import Publisher
from report.commands import bundle, reference_pages
from report.source import fields
from report.source import schemas
from report.source import yamlload
from report.errors import Problems
from report.model import SeriesPaths
from report.series.resolve import STYLES, resolve

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference"
PAGES = reference_pages.pages()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_reference_page_is_what_the_schema_writes(name):
    page = REFERENCE / name
    assert page.is_file() and page.read_text(encoding="utf-8") == PAGES[name], (
        f"docs/reference/{name} differs from report/source/schemas.py: run python -m report.commands.reference_pages docs/reference")


def test_no_generated_page_is_left_over():
    generated = [p.name for p in REFERENCE.glob("*.md") if p.read_text(encoding="utf-8").startswith(reference_pages.GENERATED)]
    assert sorted(generated) == sorted(PAGES)


def problems_of(kind: fields.Schema, text: str) -> list[tuple]:
    found = []
    kind.check(yamlload.load(text, "x.yaml"), lambda *problem: found.append(problem), (1, None))
    return found


@pytest.mark.parametrize("kind", [schemas.FRONT_MATTER, schemas.SERIES, schemas.READER], ids=lambda k: k.page)
def test_each_example_passes_its_schema(kind):
    assert kind.example and problems_of(kind, kind.example) == []


def test_each_chart_of_the_charts_example_passes():
    charts = yamlload.load(schemas.CHART.example, "charts.yaml")
    assert len(charts) == 3
    for chart in charts.values():
        found = []
        schemas.CHART.check(chart, lambda *problem: found.append(problem), (1, None))
        assert found == []


def test_a_series_that_sets_nothing_gets_every_documented_default(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "series.yaml").write_text("extends: base\n", encoding="utf-8")
    problems = Problems()
    series = resolve("plain", problems, (tmp_path, STYLES))
    assert not problems
    # Base sets colors, press colours and fonts; chart_colors become CSS colours, the publisher
    # block a `Publisher`, and charts are as wide as the text column the geometry gives.
    resolved = {"colors", "cmyk", "fonts", "chart_colors", "publisher", "chart_width_mm"}
    for field in schemas.SERIES.fields:
        if field.attribute and field.name not in resolved:
            assert getattr(series, field.name) == field.kind.convert(field.default), field.name
    assert series.chart_colors == tuple(series.colors[c] for c in schemas.SERIES["chart_colors"].default)
    assert series.publisher == Publisher()  # no name, no wordmark: nothing of any publisher
    assert series.chart_width_mm == 136  # A4 less 22 mm margins each side and the 30 mm rail


def test_a_key_declared_in_one_line_is_checked_documented_and_typed():
    logo = fields.Field("logo", schemas.text(), "an image file in the masthead", default="")
    extended = dataclasses.replace(schemas.SERIES, fields=schemas.SERIES.fields + (logo,))
    assert problems_of(extended, "logo: 5\n") == [("logo", "must be a string, not 5", (1, 7))]
    assert problems_of(extended, "logo: x.svg\nlogoo: y\n") == [
        ("logoo", "unknown key; did you mean 'logo'?", (2, 1))]
    assert '| `logo` | text | `""` | an image file in the masthead |' in extended.reference()
    series = extended.dataclass("Series", SeriesPaths, __name__, "")
    assert series.__dataclass_fields__["logo"].default == ""


def test_reader_yaml_problems_in_its_words(tmp_path):
    path = tmp_path / "reader.yaml"
    path.write_text("subtitle: 5\ndate: 2024-13\ndocuments: []\nseries: [a]\n", encoding="utf-8")
    problems = Problems()
    assert bundle.load(path, problems) is None
    assert sorted(str(p).removeprefix(f"{path}:") for p in problems) == [
        "1: title: required",
        "1:11: subtitle: must be a string, not 5",
        "2:7: date: '2024-13' is not a date: there is no month 13 (write YYYY-MM-DD or YYYY-MM)",
        "3:12: documents: needs at least one document folder",
        "4:9: series: must be a series id, not ['a']",
    ]


def test_every_key_the_scaffold_shows_is_valid_once_uncommented():
    from report.commands.new_series import manifest
    head, keys = manifest("my-brief", "sceeus-commentary").split("extends: sceeus-commentary\n")
    uncommented = "extends: base\n" + "".join(line.removeprefix("# ") + "\n" for line in keys.splitlines())
    data = yamlload.load(uncommented, "series.yaml")
    assert set(data) == {f.name for f in schemas.SERIES.fields}
    assert problems_of(schemas.SERIES, uncommented) == []
