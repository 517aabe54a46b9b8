"""charts.yaml checking (report.source.chartspec) and chart drawing (report.render.charts).

Error messages are compared whole: they are what an editor reads. Paths in messages are relative
to the working folder, so every test that reads files works in `tmp_path`.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from report.render import charts
from report.source.chartspec import load_charts
from report.errors import Problems
from report.model import ChartSpec, ChartStyle

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "styles" / "base" / "fonts" / "SourceSans3-Regular.ttf"
BOLD = ROOT / "styles" / "base" / "fonts" / "SourceSans3-Bold.ttf"
VARIABLE = ROOT / "styles" / "example-brief" / "fonts" / "Inter[opsz,wght].ttf"
STYLE = ChartStyle(font_family="Source Sans 3", font_file=FONT, bold_file=BOLD, font_size=8.5,
                   colors=("#1b2a4a", "#c8553d", "#8a94a6"), text="#1f2328", muted="#8a94a6",
                   highlight="#c8553d", width_in=6.3, aspect=0.5)


def write_doc(tmp_path: Path, yaml_text: str, files: dict[str, str | bytes] | None = None) -> Path:
    folder = tmp_path / "doc"
    folder.mkdir(exist_ok=True)
    (folder / "charts.yaml").write_text(textwrap.dedent(yaml_text).lstrip("\n"), encoding="utf-8")
    for name, content in (files or {}).items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return folder


def messages(tmp_path, monkeypatch, yaml_text, files=None) -> list[str]:
    monkeypatch.chdir(tmp_path)
    problems = Problems()
    specs = load_charts(write_doc(tmp_path, yaml_text, files), problems)
    if problems:
        assert specs == {} or all(f"chart '{i}'" not in str(p) for i in specs for p in problems)
    return [str(p) for p in problems]


def load_ok(tmp_path, monkeypatch, yaml_text, files=None) -> dict[str, ChartSpec]:
    monkeypatch.chdir(tmp_path)
    problems = Problems()
    specs = load_charts(write_doc(tmp_path, yaml_text, files), problems)
    assert [str(p) for p in problems] == []
    return specs


# -- loading: what goes in ------------------------------------------------------------------

def test_no_charts_yaml_is_no_charts(tmp_path):
    problems = Problems()
    assert load_charts(tmp_path, problems) == {}
    assert problems == []


def test_empty_charts_yaml_is_no_charts(tmp_path, monkeypatch):
    assert load_ok(tmp_path, monkeypatch, "# nothing yet\n") == {}


def test_inline_chart(tmp_path, monkeypatch):
    specs = load_ok(tmp_path, monkeypatch, """
        trade-2021-2022:
          type: bar
          title: Bilateral trade
          unit: USD billion
          x: [2021, 2022]
          series:
            Belarus exports to Ukraine: [5.4, 1.4]
            Ukraine exports to Belarus: [1.5, null]
          source: Figures as cited in the text
          note: A note.
          alt: Grouped bar chart.
        """)
    spec = specs["trade-2021-2022"]
    assert spec == ChartSpec(
        id="trade-2021-2022", type="bar", x=(2021, 2022),
        series=(("Belarus exports to Ukraine", (5.4, 1.4)), ("Ukraine exports to Belarus", (1.5, None))),
        unit="USD billion", title="Bilateral trade", source="Figures as cited in the text",
        note="A note.", alt="Grouped bar chart.", path=str(tmp_path / "doc" / "charts.yaml"), line=1)


def test_csv_chart(tmp_path, monkeypatch):
    specs = load_ok(tmp_path, monkeypatch, """
        turnover:
          type: line
          data: turnover.csv
        years:
          type: line
          data: years.csv
        """, {
        "turnover.csv": '\ufeffPeriod,Turnover,Other\nFebruary 2022,543.2,1\n"Monthly average, Jan–Jul 2023",1.97,\n'
                        "August 2022,NA,null\n\n",
        "years.csv": "Year,A\r\n2021,1.5\r\n2022,-2\r\n",
    })
    assert specs["turnover"].x == ("February 2022", "Monthly average, Jan–Jul 2023", "August 2022")
    assert specs["turnover"].series == (("Turnover", (543.2, 1.97, None)), ("Other", (1, None, None)))
    assert specs["years"].x == (2021, 2022)  # all numeric: numbers
    assert specs["years"].series == (("A", (1.5, -2)),)


def test_csv_in_a_subfolder(tmp_path, monkeypatch):
    (tmp_path / "doc" / "data").mkdir(parents=True)
    (tmp_path / "doc" / "data" / "t.csv").write_text("x,A\na,1\n", encoding="utf-8")
    specs = load_ok(tmp_path, monkeypatch, "c:\n  type: bar\n  data: data/t.csv\n")
    assert specs["c"].series == (("A", (1,)),)


def test_the_shipped_document_charts_load():
    problems = Problems()
    specs = load_charts(ROOT / "data" / "sceeus-guest-commentary-2024-08", problems)
    assert [str(p) for p in problems] == []
    assert set(specs) == {"trade-2021-2022", "monthly-turnover", "russian-troops"}
    assert specs["monthly-turnover"].series == (("Trade turnover", (543.2, 7, 1.97)),)


# -- loading: every error, word for word ----------------------------------------------------

INLINE = "  x: [2021, 2022]\n  series:\n    A: [1, 2]\n"


@pytest.mark.parametrize("yaml_text, expected", [
    ("c:\n  type: pie\n" + INLINE,
     ["doc/charts.yaml:2: chart 'c': unknown type 'pie'; expected one of: bar, barh, line, stacked"]),
    ("c:\n  type: 5\n" + INLINE,
     ["doc/charts.yaml:2: chart 'c': unknown type 5; expected one of: bar, barh, line, stacked"]),
    ("c:\n" + INLINE,
     ["doc/charts.yaml:1: chart 'c': missing 'type'; expected one of: bar, barh, line, stacked"]),
    ("c:\n  type: bar\n  x: [2021, 2022]\n  series:\n    A: [1, 2, 3]\n    B: [1]\n",
     ["doc/charts.yaml:5: chart 'c': series 'A' has 3 values but x has 2",
      "doc/charts.yaml:6: chart 'c': series 'B' has 1 value but x has 2"]),
    ("c:\n  type: bar\n  x: [2021, 2022]\n  series:\n    A: [1, abc]\n",
     ["doc/charts.yaml:5: chart 'c': series 'A' value 2 is not a number: 'abc'"]),
    ("c:\n  type: bar\n  x: [2021, 2022]\n  series:\n    A:\n      - 1\n      - '1,500'\n",
     ["doc/charts.yaml:7: chart 'c': series 'A' value 2 is not a number: '1,500' "
      "(write numbers plainly, e.g. 1500 or 1.5, without separators)"]),
    ("c:\n  type: bar\n  x: [2021, 2022]\n  series:\n    A: [true, 2]\n",
     ["doc/charts.yaml:5: chart 'c': series 'A' value 1 is not a number: True"]),
    ("c:\n  type: bar\n  x: [2021, 2022]\n  series:\n    A: [.nan, -.inf]\n",
     ["doc/charts.yaml:5: chart 'c': series 'A' value 1 is not a number: nan (only finite numbers can be charted)",
      "doc/charts.yaml:5: chart 'c': series 'A' value 2 is not a number: -inf (only finite numbers can be charted)"]),
    ("c:\n  type: bar\n  x: [2021, 2022]\n  series:\n    A: [" + "x" * 200 + ", 1]\n",
     ["doc/charts.yaml:5: chart 'c': series 'A' value 1 is not a number: '" + "x" * 59 + "…'"]),
    ("c:\n  type: bar\n  x: [1, 2, 3, 4, 5, 6, 7]\n  series:\n    A: [a, b, c, d, e, f, g]\n",
     [f"doc/charts.yaml:5: chart 'c': series 'A' value {i} is not a number: '{v}'" for i, v in
      zip(range(1, 6), "abcde")] + ["doc/charts.yaml:5: chart 'c': series 'A' has 2 more values that are not numbers"]),
    ("c:\n  type: bar\n  data: x.csv\n",
     ["doc/charts.yaml:3: chart 'c': data file 'x.csv' not found"]),
    ("c:\n  type: bar\n  data: ../outside.csv\n",
     ["doc/charts.yaml:3: chart 'c': data file must be inside the document folder"]),
    ("c:\n  type: bar\n  data: /etc/passwd\n",
     ["doc/charts.yaml:3: chart 'c': data file must be inside the document folder"]),
    ("c:\n  type: bar\n  data: t.csv\n" + INLINE,
     ["doc/charts.yaml:3: chart 'c': give either 'data' (a CSV file) or 'x' and 'series', not both (with 'data', "
      "'x' may name the CSV column of the x values)"]),
    ("c:\n  type: bar\n  title: T\n",
     ["doc/charts.yaml:1: chart 'c': no data: give 'x' and 'series', or 'data: file.csv'"]),
    ("c:\n  type: bar\n  x: [1]\n",
     ["doc/charts.yaml:3: chart 'c': 'x' needs 'series': a mapping of series names to lists of numbers"]),
    ("c:\n  type: bar\n  series:\n    A: [1]\n",
     ["doc/charts.yaml:3: chart 'c': 'series' needs 'x': the list of categories or x values"]),
    ("c:\n  type: bar\n  titel: Trade\n" + INLINE,
     ["doc/charts.yaml:3: chart 'c': unknown key 'titel'; did you mean 'title'?"]),
    ("c:\n  type: bar\n  background: red\n" + INLINE,
     ["doc/charts.yaml:3: chart 'c': unknown key 'background'; known keys: alt, columns, csv, data, note, series, "
      "source, title, type, unit, x"]),
    ("c:\n  type: bar\n  title: 42\n  unit: [a]\n  source: {a: 1}\n" + INLINE,
     ["doc/charts.yaml:3: chart 'c': 'title' must be a string (the heading inside the figure), not 42",
      "doc/charts.yaml:4: chart 'c': 'unit' must be a string (the value-axis label), not a list",
      "doc/charts.yaml:5: chart 'c': 'source' must be a string (printed as 'Source: …'), not a mapping"]),
    ("c:\n  type: bar\n  x: 2021\n  series: [1, 2]\n",
     ["doc/charts.yaml:3: chart 'c': 'x' must be a list of categories or x values, e.g. [2021, 2022], or with "
      "'data' the name of a CSV column, not 2021",
      "doc/charts.yaml:4: chart 'c': 'series' must be a mapping of series names to lists of numbers, not a list"]),
    ("c:\n  type: bar\n  data: 5\n",
     ["doc/charts.yaml:3: chart 'c': 'data' must be the name of a CSV file in the document folder, "
      "e.g. trade.csv, not 5"]),
    ("c: bar\n",
     ["doc/charts.yaml:1: chart 'c': a chart must be a mapping of keys (type, x and series, or data), not 'bar'"]),
    ("c:\n",
     ["doc/charts.yaml:1: chart 'c': a chart must be a mapping of keys (type, x and series, or data), not empty"]),
    ("c:\n  - type: bar\n",
     ["doc/charts.yaml:1: chart 'c': a chart must be a mapping of keys (type, x and series, or data), not a list"]),
    ("c:\n  type: bar\n  x: [2021]\n  series: {}\n",
     ["doc/charts.yaml:4: chart 'c': 'series' is empty; give at least one series name with a list of numbers"]),
    ("c:\n  type: bar\n  x: []\n  series:\n    A: []\n",
     ["doc/charts.yaml:3: chart 'c': 'x' is empty; give at least one category or x value"]),
    ("c:\n  type: bar\n  x: [a, null, [1]]\n  series:\n    A: [1, 2, 3]\n",
     ["doc/charts.yaml:3: chart 'c': x value 2 is empty",
      "doc/charts.yaml:3: chart 'c': x value 3 must be a category or a number, not a list"]),
    ("c:\n  type: bar\n  x: [a]\n  series:\n    A: 5\n    true: [1]\n",
     ["doc/charts.yaml:5: chart 'c': series 'A' must be a list of numbers (null for a gap), not 5",
      "doc/charts.yaml:6: chart 'c': a series name must be a string, not True"]),
    ("c:\n  type: bar\n  x: [a]\n  series:\n    A: [1]\n    'A ': [2]\n",
     ["doc/charts.yaml:6: chart 'c': series 'A' appears twice"]),
    ('"bad id!":\n  type: bar\n' + INLINE,
     ["doc/charts.yaml:1: chart 'bad id!': a chart id may hold only letters, digits, '-' and '_'"]),
    ("2021:\n  type: bar\n" + INLINE,
     ["doc/charts.yaml:1: chart '2021': a chart id may hold only letters, digits, '-' and '_'"]),
    ("- a\n- b\n",
     ["doc/charts.yaml:1: charts.yaml must be a mapping of chart ids to charts (my-chart: {type: bar, …})"]),
    ("c:\n  type: bar\n  type: line\n",
     ["doc/charts.yaml:3:3: invalid YAML: duplicate key 'type'"]),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_error_messages(tmp_path, monkeypatch, yaml_text, expected):
    assert messages(tmp_path, monkeypatch, yaml_text) == expected


def test_every_problem_of_every_chart_at_once(tmp_path, monkeypatch):
    got = messages(tmp_path, monkeypatch, """
        good:
          type: bar
          x: [a]
          series: {A: [1]}
        one:
          type: pie
          titel: x
          x: [a, b]
          series:
            A: [1]
            B: [1, zwei]
        two:
          type: line
          data: missing.csv
        """)
    assert got == [
        "doc/charts.yaml:7: chart 'one': unknown key 'titel'; did you mean 'title'?",
        "doc/charts.yaml:6: chart 'one': unknown type 'pie'; expected one of: bar, barh, line, stacked",
        "doc/charts.yaml:10: chart 'one': series 'A' has 1 value but x has 2",
        "doc/charts.yaml:11: chart 'one': series 'B' value 2 is not a number: 'zwei'",
        "doc/charts.yaml:14: chart 'two': data file 'missing.csv' not found",
    ]


def test_good_charts_survive_a_bad_neighbour(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    problems = Problems()
    specs = load_charts(write_doc(tmp_path, "good:\n  type: bar\n  x: [a]\n  series: {A: [1]}\nbad:\n  type: pie\n"),
                        problems)
    assert list(specs) == ["good"] and len(problems) == 2


CSV_CHART = "c:\n  type: bar\n  data: t.csv\n"


@pytest.mark.parametrize("csv_content, expected", [
    ("x,A,B\na,1,2\nb,3\n",
     ["doc/t.csv:3: chart 'c': row has 2 cells but the header has 3"]),
    ("x,A,B\na,1,2,3\n\nb,3,4\nc\n",
     ["doc/t.csv:2: chart 'c': row has 4 cells but the header has 3",
      "doc/t.csv:5: chart 'c': row has 1 cell but the header has 3"]),
    ('x,A\n"a\nb",1\nc,oops\n',
     ["doc/t.csv:4: chart 'c': series 'A' value 2 is not a number: 'oops'"]),
    ("x,A\na,\"1,500\"\n",
     ["doc/t.csv:2: chart 'c': series 'A' value 1 is not a number: '1,500' "
      "(write numbers plainly, e.g. 1500 or 1.5, without separators)"]),
    ("x,A\na,nan\nb,inf\n",
     ["doc/t.csv:2: chart 'c': series 'A' value 1 is not a number: 'nan'",
      "doc/t.csv:3: chart 'c': series 'A' value 2 is not a number: 'inf'"]),
    ("x,A\n,1\n",
     ["doc/t.csv:2: chart 'c': row has no x value (its first cell is empty)"]),
    ("x\na\n",
     ["doc/t.csv:1: chart 'c': the header needs a column for x and at least one series column"]),
    ("x,A,,A\na,1,2,3\n",
     ["doc/t.csv:1: chart 'c': column 3 has no name in the header",
      "doc/t.csv:1: chart 'c': column 'A' appears twice in the header"]),
    ("x,A\n",
     ["doc/t.csv:1: chart 'c': data file 't.csv' has no rows under its header"]),
    ("\n\n",
     ["doc/charts.yaml:3: chart 'c': data file 't.csv' is empty; it needs a header row and one row per x value"]),
    (b"x,A\ncaf\xe9,1\n",
     ["doc/t.csv:2: chart 'c': not UTF-8 text (byte 0xe9); save the file as UTF-8"]),
    ("x,A\na,1\x00\n",
     ["doc/t.csv:2: chart 'c': not a text file (it contains NUL bytes); save the data as CSV text"]),
])
def test_csv_error_messages(tmp_path, monkeypatch, csv_content, expected):
    assert messages(tmp_path, monkeypatch, CSV_CHART, {"t.csv": csv_content}) == expected


def test_csv_symlink_leaving_the_folder(tmp_path, monkeypatch):
    (tmp_path / "secret.csv").write_text("x,A\na,1\n", encoding="utf-8")
    folder = write_doc(tmp_path, CSV_CHART)
    (folder / "t.csv").symlink_to(tmp_path / "secret.csv")
    assert messages(tmp_path, monkeypatch, CSV_CHART) == [
        "doc/charts.yaml:3: chart 'c': data file must be inside the document folder"]


def test_csv_that_is_a_folder(tmp_path, monkeypatch):
    (write_doc(tmp_path, CSV_CHART) / "t.csv").mkdir()
    assert messages(tmp_path, monkeypatch, CSV_CHART) == ["doc/charts.yaml:3: chart 'c': data file 't.csv' is a folder, not a file"]


def test_charts_yaml_not_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "charts.yaml").write_bytes(b"c:\n  title: caf\xe9\n")
    problems = Problems()
    assert load_charts(tmp_path, problems) == {}
    assert [str(p) for p in problems] == ["charts.yaml:2: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


# -- drawing --------------------------------------------------------------------------------

def spec(kind="bar", x=(2021, 2022), series=(("A", (5.4, 1.4)),), **kw) -> ChartSpec:
    return ChartSpec(id="c", type=kind, x=tuple(x), series=tuple(series), **kw)


TWO = (("Belarus exports", (5.4, 1.4)), ("Ukraine exports", (1.5, 0.02)))
SAMPLES = {
    "bar": spec("bar", series=TWO, unit="USD billion", title="Trade"),
    "barh": spec("barh", ("Start of 2022", "Today (2024)"), (("Soldiers", (35000, 2000)),), unit="soldiers"),
    "line": spec("line", range(2014, 2022), (("Exports", (3.1, 3.4, 3.9, 4.6, 5.2, 5.4, 4.9, 5.4)),), unit="USD bn"),
    "stacked": spec("stacked", ("2019", "2020", "2021"), (("Energy", (2.1, 1.8, 2.4)), ("Other", (0.8, 0.7, 0.9))),
                    unit="USD billion"),
}


def svg_text(svg: bytes) -> str:
    return svg.decode("utf-8")


def text_labels(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg_text(svg))


@pytest.fixture(scope="module")
def drawn() -> dict[str, bytes]:
    return {kind: charts.draw(s, STYLE) for kind, s in SAMPLES.items()}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_type_draws_text_as_text(drawn, kind):
    svg = svg_text(drawn[kind])
    assert svg.startswith("<?xml") and "<svg" in svg
    assert 'width="453.6pt" height="226.8pt"' in svg  # 6.3 in wide, aspect 0.5
    assert "DejaVu" not in svg
    assert not re.search(r'<path id="(?!m)', svg), "glyphs drawn as paths"
    families = set(re.findall(r"font-family: ([^;\"]+)", svg))
    assert families == {"'Source Sans 3'"}
    assert "font:" not in svg  # the shorthand: WeasyPrint does not read it in SVG
    assert "<image" not in svg


def test_bar_labels_and_ticks_are_text(drawn):
    labels = text_labels(drawn["bar"])
    for expected in ("2021", "2022", "0", "5.4", "1.4", "1.5", "0.02", "Trade", "USD billion",
                     "Belarus exports", "Ukraine exports"):
        assert expected in labels


def test_barh_values_have_thousands_separators_and_categories_run_top_down(drawn):
    svg = svg_text(drawn["barh"])
    labels = text_labels(drawn["barh"])
    assert "35,000" in labels and "2,000" in labels
    y_first = float(re.search(r'y="([\d.]+)"[^>]*>Start of 2022<', svg).group(1))
    y_second = float(re.search(r'y="([\d.]+)"[^>]*>Today \(2024\)<', svg).group(1))
    assert y_first < y_second


def test_single_series_has_no_legend_and_two_have_one(drawn):
    assert 'id="legend_1"' not in svg_text(drawn["barh"])
    assert 'id="legend_1"' in svg_text(drawn["bar"])


def test_series_colours_in_order(drawn):
    svg = svg_text(drawn["bar"])
    first = re.search(r'<g id="bar-0-0">\s*<path[^>]*fill: (#[0-9a-f]{6})', svg).group(1)
    second = re.search(r'<g id="bar-1-0">\s*<path[^>]*fill: (#[0-9a-f]{6})', svg).group(1)
    assert (first, second) == ("#1b2a4a", "#c8553d")


def test_two_renders_are_identical(drawn):
    assert charts.draw(SAMPLES["bar"], STYLE) == drawn["bar"]


@pytest.mark.slow
def test_renders_are_identical_across_processes(drawn, tmp_path):
    code = ("import sys; from tests.test_charts import SAMPLES, STYLE; from report.render import charts; "
            "sys.stdout.buffer.write(charts.draw(SAMPLES['line'], STYLE))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True).stdout
    assert out == drawn["line"]


def test_line_breaks_at_a_gap():
    svg = svg_text(charts.draw(spec("line", range(2018, 2024), (("A", (1, 2, 3, None, 2, 1)),)), STYLE))
    group = re.search(r'<g id="series-0">(.*?)</g>', svg, re.S).group(1)
    path = re.search(r'<path d="([^"]*)"', group).group(1)
    assert path.count("M") == 2  # two runs of line: 2018–2020 and 2022–2023


def test_isolated_point_between_gaps_is_visible():
    many = tuple(range(40))
    values = tuple(None if i in (19, 21) else float(i) for i in many)
    svg = svg_text(charts.draw(spec("line", many, (("A", values),)), STYLE))
    group = re.search(r'<g id="series-0">(.*?)</g>\s*</g>', svg, re.S).group(1)
    assert group.count("<use") == 1  # a marker on the lone value at x=20, none elsewhere


def test_bar_with_a_gap_is_absent():
    svg = svg_text(charts.draw(spec("bar", ("a", "b", "c"), (("A", (1, None, 3)),)), STYLE))
    assert 'id="bar-0-0"' in svg and 'id="bar-0-2"' in svg
    assert 'id="bar-0-1"' not in svg
    labels = text_labels(svg.encode())
    assert "b" in labels  # the category stays
    assert not {"nan", "None", "0"} & set(labels) - {"0"} and labels.count("0") == 1  # only the axis 0


def segment_spans(svg: str) -> dict[str, tuple[float, float]]:
    """Each bar's (bottom, top) in SVG points (y grows downward), by its id `bar-<series>-<x>`."""
    spans = {}
    for gid, d in re.findall(r'<g id="(bar-\d+-\d+)">\s*<path d="([^"]*)"', svg):
        ys = [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", d)]
        spans[gid] = (max(ys), min(ys))
    return spans


def test_stacked_gap_leaves_the_column_open_above_it():
    # Column b misses B: A is drawn, B and C above it are not (where C would start depends on
    # B), and no total. Column c misses C, the top: A and B drawn where they belong, no total.
    s = spec("stacked", ("a", "b", "c"), (("A", (1, 2, 1)), ("B", (2, None, 2)), ("C", (3, 3, None))))
    svg = svg_text(charts.draw(s, STYLE))
    spans = segment_spans(svg)
    assert sorted(spans) == ["bar-0-0", "bar-0-1", "bar-0-2", "bar-1-0", "bar-1-2", "bar-2-0"]
    zero, top = spans["bar-0-0"][0], spans["bar-2-0"][1]
    unit = (zero - top) / 6  # column a, complete: 1 + 2 + 3

    def value_at(y):
        return round((zero - y) / unit, 6)

    assert [value_at(y) for y in spans["bar-0-1"]] == [0, 2]  # A in column b, on the axis
    assert [value_at(y) for y in spans["bar-0-2"]] == [0, 1]
    assert [value_at(y) for y in spans["bar-1-2"]] == [1, 3]  # B in column c, on A, not dropped
    assert [value_at(y) for y in spans["bar-2-0"]] == [3, 6]
    numbers = [t for t in text_labels(svg.encode()) if t.isdigit()]
    assert numbers == ["0", "1", "2", "3", "4", "5", "6", "6"]  # the axis, then one total: column a's


def test_stacked_gap_at_the_bottom_draws_nothing_of_its_column():
    s = spec("stacked", ("a", "b"), (("A", (None, 2)), ("B", (4, 3))))
    spans = segment_spans(svg_text(charts.draw(s, STYLE)))
    assert sorted(spans) == ["bar-0-1", "bar-1-1"]


def test_stacked_zero_is_drawn_as_zero_not_as_a_gap():
    s = spec("stacked", ("a", "b"), (("A", (0, 2)), ("B", (4, 3))))
    svg = svg_text(charts.draw(s, STYLE))
    assert "bar-1-0" in segment_spans(svg)
    assert [t for t in text_labels(svg.encode()) if t.isdigit()][-2:] == ["4", "5"]  # both totals


def test_negative_and_many_values_draw():
    s = spec("bar", [f"Region {i}" for i in range(30)], (("A", tuple(i - 15 for i in range(30))),), unit="%")
    svg = svg_text(charts.draw(s, STYLE))
    labels = text_labels(svg.encode())
    assert "\u221210" in labels  # a true minus on the axis
    assert len(re.findall(r'id="bar-0-\d+"', svg)) == 30
    # 30 labels do not fit under 30 narrow bars: every k-th one is shown, the first always
    shown = [label for label in labels if label.startswith("Region")]
    assert shown[0] == "Region 0" and 2 <= len(shown) < 30


def test_title_is_bold_text_and_the_legend_reads_in_series_order():
    series = tuple((f"S{i}", (1.0, 2.0)) for i in range(5))
    svg = svg_text(charts.draw(spec("bar", series=series, title="Heading"), STYLE))
    assert re.search(r'<text style="font-weight: 700;[^>]*>Heading</text>', svg)
    legend = re.search(r'<g id="legend_1">(.*)', svg, re.S).group(1)
    assert re.findall(r">(S\d)</text>", legend) == ["S0", "S1", "S2", "S3", "S4"]


def test_a_variable_fonts_metrics_copies_persist_in_the_cache(tmp_path, monkeypatch):
    import dataclasses

    font = tmp_path / "Inter.ttf"  # a font file this process has not measured before
    font.write_bytes(VARIABLE.read_bytes())
    style = dataclasses.replace(STYLE, font_family="Inter", font_file=font, bold_file=None)
    charts.draw_cached(SAMPLES["bar"], style, tmp_path / "charts")
    kept = sorted(p.name.rsplit("-", 1)[1] for p in (tmp_path / "charts" / "metrics-fonts").iterdir())
    assert kept == ["400.ttf", "700.ttf"]


def test_text_is_measured_at_the_weight_it_is_set_in():
    """Bold text is measured with the bold face the PDF sets it in, not the regular one."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    charts.draw(SAMPLES["barh"], STYLE)  # registers the font
    with matplotlib.rc_context({"font.family": [STYLE.font_family]}):
        fig = Figure(dpi=72)
        FigureCanvasSVG(fig)
        text = fig.text(0, 0, "Lithuania, Latvia and Estonia together as", fontsize=8.5)
        bold = fig.text(0, 0, "Lithuania, Latvia and Estonia together as", fontsize=8.5, fontweight="bold")
        # the advance widths of the font files the PDF embeds, within 1 % (kerning)
        assert text.get_window_extent().width == pytest.approx(advance(FONT, text.get_text(), 8.5), rel=0.01)
        assert bold.get_window_extent().width == pytest.approx(advance(BOLD, text.get_text(), 8.5), rel=0.01)


def advance(font: Path, text: str, size: float) -> float:
    from fontTools.ttLib import TTFont

    face = TTFont(str(font))
    cmap, hmtx = face.getBestCmap(), face["hmtx"]
    return sum(hmtx[cmap[ord(c)]][0] for c in text) * size / face["head"].unitsPerEm


def test_dollar_signs_are_not_math():
    svg = svg_text(charts.draw(spec("bar", ("$5 and $6",), (("A", (1,)),), title="Costs in $"), STYLE))
    assert "$5 and $6" in text_labels(svg.encode()) and "Costs in $" in text_labels(svg.encode())


def test_more_series_than_colours():
    series = tuple((f"S{i}", (i + 1.0, i + 2.0)) for i in range(5))
    svg = svg_text(charts.draw(spec("bar", series=series), STYLE))
    colours = [re.search(rf'<g id="bar-{i}-0">\s*<path[^>]*fill: (#[0-9a-f]{{6}})', svg).group(1) for i in range(5)]
    assert colours[:3] == ["#1b2a4a", "#c8553d", "#8a94a6"] and len(set(colours)) == 5


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(charts.KINDS)), data=st.data())
@pytest.mark.slow
def test_any_valid_spec_draws(kind, data):
    n = data.draw(st.integers(1, 14))
    k = data.draw(st.integers(1, 4))
    value = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.integers(-1000, 1000))
    series = tuple((f"S{i}", tuple(data.draw(st.lists(value, min_size=n, max_size=n)))) for i in range(k))
    x = data.draw(st.one_of(st.just(tuple(range(2000, 2000 + n))),
                            st.just(tuple(f"Category {i}" for i in range(n)))))
    svg = charts.draw(spec(kind, x, series, unit="u"), STYLE)
    assert b"DejaVu" not in svg and b"<text" in svg


# -- numbers and alt text ----------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (5.4, "5.4"), (0.02, "0.02"), (543.2, "543.2"), (35000, "35,000"), (35000.0, "35,000"), (1.97, "1.97"),
    (0, "0"), (-3, "\u22123"), (1234567.891, "1,234,570"), (0.1 + 0.2, "0.3"), (1e-7, "1e\u221207"),
])
def test_format_number(value, text):
    assert charts.format_number(value) == text


@given(st.floats(-1e12, 1e12, allow_nan=False).filter(lambda v: v == 0 or abs(v) >= 1e-4))
def test_format_number_keeps_six_significant_digits(value):
    text = charts.format_number(value).replace(",", "").replace("\u2212", "-")
    assert float(text) == pytest.approx(value, rel=1e-5, abs=1e-9)


def test_alt_text_given_wins():
    assert charts.alt_text(spec(alt="My words.")) == "My words."


def test_alt_text_from_data():
    assert charts.alt_text(SAMPLES["bar"]) == (
        "Bar chart: Trade. It shows Belarus exports and Ukraine exports from 2021 to 2022, in USD billion. "
        "The highest value is 5.4 (Belarus exports, 2021); the lowest is 0.02 (Ukraine exports, 2022).")
    assert charts.alt_text(SAMPLES["barh"]) == (
        "Horizontal bar chart. It shows Soldiers from Start of 2022 to Today (2024), in soldiers. "
        "The highest value is 35,000 (Start of 2022); the lowest is 2,000 (Today (2024)).")
    assert charts.alt_text(spec("line", (2020,), (("A", (None,)),))) == (
        "Line chart. It shows A for 2020. It has no values.")
    assert charts.alt_text(spec("stacked", ("a", "b"), (("A", (2, 2)), ("B", (2, None))))) == (
        "Stacked bar chart. It shows A and B from a to b. Every value is 2.")
    assert charts.alt_text(spec("bar", ("Belarus", "Ukraine", "Poland"), (("A", (3, -1, 2)),), unit="%")) == (
        "Bar chart. It shows A for 3 categories, from Belarus to Poland, in %. "
        "The highest value is 3 (Belarus); the lowest is \u22121 (Ukraine).")


# -- cache ------------------------------------------------------------------------------------

def test_cached_chart_is_not_redrawn(tmp_path, monkeypatch):
    drawn = []
    real_draw = charts.draw

    def counting_draw(spec, style):
        drawn.append(spec)
        return real_draw(spec, style)

    monkeypatch.setattr(charts, "draw", counting_draw)
    first = charts.draw_cached(SAMPLES["bar"], STYLE, tmp_path / "cache")
    assert len(drawn) == 1  # the counter sees a drawing
    assert first == real_draw(SAMPLES["bar"], STYLE)
    files = [p for p in (tmp_path / "cache").iterdir() if p.is_file()]
    assert [f.name for f in files] == [charts.cache_key(SAMPLES["bar"], STYLE) + ".svg"]

    assert charts.draw_cached(SAMPLES["bar"], STYLE, tmp_path / "cache") == first
    # Text around the chart is not part of the key: no redraw for a new caption source.
    from dataclasses import replace
    assert charts.draw_cached(replace(SAMPLES["bar"], source="S", note="N", alt="A", path="p", line=9),
                              STYLE, tmp_path / "cache") == first
    assert len(drawn) == 1


def test_cache_key_changes_with_what_is_drawn(monkeypatch):
    from dataclasses import replace
    key = charts.cache_key(SAMPLES["bar"], STYLE)
    assert charts.cache_key(replace(SAMPLES["bar"], title="Other"), STYLE) != key
    assert charts.cache_key(replace(SAMPLES["bar"], type="line"), STYLE) != key
    assert charts.cache_key(SAMPLES["bar"], replace(STYLE, colors=("#000000",))) != key
    assert charts.cache_key(SAMPLES["bar"], replace(STYLE, width_in=5)) != key
    from report import cache
    monkeypatch.setattr(cache, "_code", "another version of the builder")
    assert charts.cache_key(SAMPLES["bar"], STYLE) != key


def test_cache_key_uses_the_font_content_not_its_path(tmp_path):
    from dataclasses import replace
    copy = tmp_path / "copy.ttf"
    copy.write_bytes(FONT.read_bytes())
    assert charts.cache_key(SAMPLES["bar"], replace(STYLE, font_file=copy)) == charts.cache_key(SAMPLES["bar"], STYLE)


@pytest.mark.slow
def test_checking_and_cached_charts_never_import_matplotlib(tmp_path):
    charts.draw_cached(SAMPLES["line"], STYLE, tmp_path / "cache")
    code = f"""
import sys
from pathlib import Path
import report.render.charts, report.source.chartspec
from report.errors import Problems
assert "matplotlib" not in sys.modules, "import"
report.source.chartspec.load_charts(Path({str(ROOT / 'data' / 'sceeus-guest-commentary-2024-08')!r}), Problems())
from tests.test_charts import SAMPLES, STYLE
report.render.charts.cache_key(SAMPLES["bar"], STYLE)
report.render.charts.alt_text(SAMPLES["bar"])
svg = report.render.charts.draw_cached(SAMPLES["line"], STYLE, Path({str(tmp_path / 'cache')!r}))
assert svg.startswith(b"<?xml")
assert "matplotlib" not in sys.modules, "use"
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_cache_write_leaves_no_temporary_file(tmp_path):
    charts.draw_cached(SAMPLES["barh"], STYLE, tmp_path)
    assert [p.suffix for p in tmp_path.iterdir() if p.is_file()] == [".svg"]
    assert not [p for p in tmp_path.rglob(".tmp*")] and not list(tmp_path.rglob("*.tmp"))


# -- in a PDF -------------------------------------------------------------------------------

@pytest.mark.layout
def test_chart_in_a_pdf_keeps_text_in_the_house_font(drawn, tmp_path):
    import pypdf
    import weasyprint

    (tmp_path / "chart.svg").write_bytes(drawn["bar"])
    html = f"""<html><head><style>
      @font-face {{ font-family: "Source Sans 3"; src: url("{FONT.as_uri()}"); font-style: normal; }}
      @page {{ size: A4; margin: 20mm }}
      body {{ font-family: "Source Sans 3"; }}
      img {{ width: 100%; }}
    </style></head><body><p>Figure 1. Trade by direction, in a caption set in the same sans.</p>
    <img src="chart.svg" alt="chart"></body></html>"""
    pdf = weasyprint.HTML(string=html, base_url=str(tmp_path) + os.sep).write_pdf()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    text = page.extract_text()
    for label in ("2021", "2022", "5.4", "0.02", "USD billion", "Trade"):
        assert label in text

    fonts, images = set(), []

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                images.append(xobject)
            elif "/Resources" in xobject:
                walk(xobject["/Resources"])

    walk(page.get("/Resources"))
    assert fonts and all("Source-Sans-3" in f or "SourceSans3" in f for f in fonts), fonts
    assert not any("DejaVu" in f for f in fonts)
    assert images == []
