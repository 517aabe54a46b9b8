"""Every content problem through the command line: each as `path:line: what is wrong`, exit 1.

All the broken documents are checked by one run of `build.py` (one folder each, `-j 1`), so that
the suite does not pay for twenty Python start-ups; each case then asserts its own lines, word
for word. A case that built, or crashed, would show as missing lines or as exit status 3.
"""

from __future__ import annotations

import os

import pytest

from conftest import MINIMAL, ROOT, run, write_doc

BODY = "## Section\n\nSome text.\n"
FRONT = MINIMAL.strip()  # 7 lines: document.md lines 2–8; the body starts on line 10


def doc(front: str = FRONT, body: str = BODY, **files) -> dict:
    return {"front": front, "body": body, "files": files}


def known_series() -> str:
    return ", ".join(sorted(p.parent.name for p in (ROOT / "styles").glob("*/series.yaml") if p.parent.name != "base"))


CHARTS_OK = """\
trade:
  type: bar
  x: [2021, 2022]
  series:
    Exports: [5.4, 1.4]
"""

# name: (how to make the folder, the exact lines of stderr for it)
CASES: dict[str, tuple[dict, list[str]]] = {
    # --- characters no font of the series has (the Cyrillic and Hebrew are in the shipped fonts) --
    "missing-glyphs": (doc(FRONT + "\nsubtitle: Трасянка 中文", "## Section\n\nText ཀ and 😀 and ཀ again, "
                           "Ціханоўская, שלום.\n\n![Trade](chart:trade)\n",
                           charts__yaml=CHARTS_OK.replace("[2021, 2022]", "[2021, 2022年]")), [
        "missing-glyphs/charts.yaml:1: trade: '年' (U+5E74) is in none of the series' fonts (Source Serif 4, "
        "Source Sans 3, Noto Serif Hebrew, Noto Naskh Arabic): replace it, or give the series a font that has "
        "it (fonts: in series.yaml)",
        "missing-glyphs/document.md:9:11: subtitle: '中' (U+4E2D), '文' (U+6587) are in none of the series' "
        "fonts (Source Serif 4, Source Sans 3, Noto Serif Hebrew, Noto Naskh Arabic): replace them, or give "
        "the series a font that has them (fonts: in series.yaml)",
        "missing-glyphs/document.md:13:6: 'ཀ' (U+0F40), '😀' (U+1F600) are in none of the series' fonts "
        "(Source Serif 4, Source Sans 3, Noto Serif Hebrew, Noto Naskh Arabic): replace them, or give the "
        "series a font that has them (fonts: in series.yaml)",
    ]),
    # --- malformed YAML, with line and column --------------------------------------------------
    "yaml-syntax": (doc('series: sceeus-guest-commentary\ntitle: "Unclosed\nyear: 2024'), [
        "yaml-syntax/document.md:4:11: invalid YAML: while scanning a quoted scalar, "
        "found unexpected end of stream",
    ]),
    "yaml-colon": (doc(FRONT + "\nsubtitle: Trade: a survey"), [
        "yaml-colon/document.md:9:16: invalid YAML: mapping values are not allowed here",
    ]),
    "yaml-tab": (doc(FRONT + "\n\tkeywords: [a]"), [
        "yaml-tab/document.md:9:1: invalid YAML: while scanning for the next token, "
        "found character '\\t' that cannot start any token",
    ]),
    "yaml-duplicate": (doc(FRONT + "\ntitle: Again"), [
        "yaml-duplicate/document.md:9:1: invalid YAML: duplicate key 'title'",
    ]),
    "yaml-flow": (doc(FRONT + "\nkeywords: [trade, security"), [
        "yaml-flow/document.md:9:27: invalid YAML: while parsing a flow sequence, "
        "expected ',' or ']', but got '<stream end>'",
    ]),
    # --- required keys ------------------------------------------------------------------------
    "missing-keys": (doc("series: sceeus-guest-commentary\nsubtitle: Only a subtitle"), [
        "missing-keys/document.md:2: title: required",
        "missing-keys/document.md:2: authors: required",
        "missing-keys/document.md:2: summary: required by the series 'sceeus-guest-commentary'",
        "missing-keys/document.md:2: year: required when there is no date",
    ]),
    "blank-values": (doc(FRONT.replace("title: A Small Test Document", "title: '   '")
                         .replace("summary: A short summary.", "summary: ''")
                         .replace("- name: Test Author", "- name: ''")), [
        "blank-values/document.md:5: title: required",
        "blank-values/document.md:7:5: authors[0].name: required",
        "blank-values/document.md:8: summary: required by the series 'sceeus-guest-commentary'",
    ]),
    "no-authors": (doc(FRONT.replace("authors:\n  - name: Test Author", "authors: []")), [
        "no-authors/document.md:6:10: authors: needs at least one author",
    ]),
    # --- unknown keys, with the nearest valid one -----------------------------------------------
    "unknown-keys": (doc(FRONT + "\ntitel: Typo\nsumary: Typo\nauthors2: x\ncolour: blue\n"
                         "authors_:\n  - name: B"), [
        "unknown-keys/document.md:9:1: titel: unknown key; did you mean 'title'?",
        "unknown-keys/document.md:10:1: sumary: unknown key; did you mean 'summary'?",
        "unknown-keys/document.md:11:1: authors2: unknown key; did you mean 'authors'?",
        "unknown-keys/document.md:12:1: colour: unknown key; known keys: authors, cite_as, copyright, cover_image, "
        "date, doi, editions, key_figures, keywords, lang, license, number, placeholders_accepted, recommendations, "
        "references, series, short_title, subtitle, summary, title, url, word_proof, year",
        "unknown-keys/document.md:13:1: authors_: unknown key; did you mean 'authors'?",
    ]),
    "unknown-author-key": (doc(FRONT.replace("- name: Test Author", "- name: Test Author\n    affilation: X")), [
        "unknown-author-key/document.md:8:5: authors[0].affilation: unknown key; did you mean 'affiliation'?",
    ]),
    # --- wrong types ----------------------------------------------------------------------------
    "wrong-types": (doc("""series: sceeus-guest-commentary
number: three
year: "2024"
title: [A, List]
authors:
  - Just A Name
  - name: 5
summary: {a: b}
keywords: trade
recommendations: Do this.
lang: 12"""), [
        "wrong-types/document.md:3:9: number: must be a whole number, not 'three'",
        "wrong-types/document.md:4:7: year: must be a whole number (e.g. 2024), not '2024'",
        "wrong-types/document.md:5:8: title: must be a string, not ['A', 'List']",
        "wrong-types/document.md:7:5: authors[0]: must be a mapping such as {name: 'Just A Name'}, not a plain string",
        "wrong-types/document.md:8:11: authors[1].name: must be a string, not 5",
        "wrong-types/document.md:9:10: summary: must be Markdown text, not {'a': 'b'}",
        "wrong-types/document.md:10:11: keywords: must be a list of strings, not 'trade'",
        "wrong-types/document.md:11:18: recommendations: must be a list of Markdown strings, not 'Do this.'",
        "wrong-types/document.md:12:7: lang: must be a language tag such as en or en-GB, not 12",
    ]),
    "bad-values": (doc(FRONT.replace("number: 3", "number: 0").replace("year: 2025", "year: 20")
                       + "\nlang: english language"), [
        "bad-values/document.md:3:9: number: must be 1 or more",
        "bad-values/document.md:4:7: year: 20 is not a plausible year",
        "bad-values/document.md:9:7: lang: 'english language' is not a language tag such as en, en-GB or uk",
    ]),
    # --- dates and URLs ---------------------------------------------------------------------------
    "date-month": (doc(FRONT + "\ndate: 2024-13-01"), [
        "date-month/document.md:9:7: date: '2024-13-01' is not a date: there is no month 13 (write YYYY-MM-DD or "
        "YYYY-MM)",
    ]),
    "date-day": (doc(FRONT + "\ndate: 2023-02-29"), [
        "date-day/document.md:9:7: date: '2023-02-29' is not a date: February 2023 has no day 29",
    ]),
    "date-year": (doc(FRONT.replace("year: 2025\n", "") + "\ndate: 2205-02-15"), [
        "date-year/document.md:8:7: date: '2205-02-15': 2205 is not a plausible year",
    ]),
    "date-format": (doc(FRONT + "\ndate: 1 March 2024"), [
        "date-format/document.md:9:7: date: '1 March 2024' is not a date; write YYYY-MM-DD or YYYY-MM",
    ]),
    "url-http": (doc(FRONT + "\nurl: http://sceeus.se/x"), [
        "url-http/document.md:9:6: url: 'http://sceeus.se/x' is not an absolute https:// address",
    ]),
    "url-relative": (doc(FRONT + "\nurl: /publications/x"), [
        "url-relative/document.md:9:6: url: '/publications/x' is not an absolute https:// address",
    ]),
    "url-space": (doc(FRONT + "\nurl: https://sceeus.se/a b"), [
        "url-space/document.md:9:6: url: 'https://sceeus.se/a b' is not an absolute https:// address",
    ]),
    # --- series -------------------------------------------------------------------------------------
    "unknown-series": (doc(FRONT.replace("sceeus-guest-commentary", "sceeus-guest-comentary")), [
        f"unknown-series/document.md:2: series: unknown series 'sceeus-guest-comentary'; known: {known_series()}",
    ]),
    # --- charts ---------------------------------------------------------------------------------------
    "unknown-chart": (doc(body="## S\n\n![Trade](chart:trade)\n\n![Other](chart:tarde)\n", charts__yaml=CHARTS_OK), [
        "unknown-chart/document.md:14: chart 'tarde': unknown chart; did you mean 'trade'? charts.yaml defines: "
        "trade",
    ]),
    "no-charts-yaml": (doc(body="## S\n\n![Trade](chart:trade)\n"), [
        "no-charts-yaml/document.md:12: chart 'trade': unknown chart; there is no charts.yaml in the document folder",
    ]),
    # A chart with a problem of its own is still one charts.yaml defines, and may be the near one.
    "unknown-chart-beside-a-broken-one": (doc(body="## S\n\n![Trade](chart:trade)\n\n![M](chart:montly)\n",
                                              charts__yaml=CHARTS_OK + "monthly:\n  type: line\n  x: [1, 2]\n"
                                              "  series:\n    A: [1, one]\n"), [
        "unknown-chart-beside-a-broken-one/charts.yaml:10: chart 'monthly': series 'A' value 2 is not a number: "
        "'one'",
        "unknown-chart-beside-a-broken-one/document.md:14: chart 'montly': unknown chart; did you mean 'monthly'? "
        "charts.yaml defines: monthly, trade",
    ]),
    "csv-columns": (doc(charts__yaml="bad:\n  type: bar\n  data: wide.csv\n  x: Yeer\n  columns: [Exprts, Imports]\n"
                                     "inline:\n  type: bar\n  x: Year\n  series: {A: [1]}\n"
                                     "cols:\n  type: bar\n  x: [1]\n  series: {A: [1]}\n  columns: [A]\n",
                        wide__csv="Year,Exports,Imports\n2021,5.4,1.5\n"), [
        "csv-columns/charts.yaml:4: chart 'bad': 'x': 'wide.csv' has no column 'Yeer'; did you mean 'Year'? (its "
        "columns: Year, Exports, Imports)",
        "csv-columns/charts.yaml:5: chart 'bad': 'columns': 'wide.csv' has no column 'Exprts'; did you mean "
        "'Exports'? (its columns: Year, Exports, Imports)",
        "csv-columns/charts.yaml:8: chart 'inline': 'x' names a CSV column only with 'data'; give the list of "
        "categories or x values, e.g. [2021, 2022]",
        "csv-columns/charts.yaml:14: chart 'cols': 'columns' picks the columns of a 'data' file; this chart has no "
        "'data'",
    ]),
    "csv-semicolons": (doc(charts__yaml="trade:\n  type: bar\n  data: trade.csv\n"
                                        "inline:\n  type: bar\n  x: [1]\n  series: {A: [1]}\n  csv: {delimiter: ';'}\n"
                                        "both:\n  type: bar\n  data: trade.csv\n  csv: {delimiter: ';', decimal: ';'}\n",
                           trade__csv="Year;Exports;Imports\n2021;5,4;1,5\n2022;1,4;0,02\n"), [
        "csv-semicolons/charts.yaml:8: chart 'inline': 'csv' says how a 'data' file is written; this chart has no "
        "'data'",
        "csv-semicolons/charts.yaml:12: chart 'both': 'decimal' must be one of \".\", \",\", not ';'",
        "csv-semicolons/trade.csv:1: chart 'trade': the columns are separated by ';' (Excel in Swedish, German or "
        "Ukrainian settings), not commas: write csv: {delimiter: \";\", decimal: \",\"} in the chart in "
        "charts.yaml, or save the file as comma-separated CSV",
    ]),
    # Charts are checked even when the body does not use them (yet).
    "chart-data": (doc(charts__yaml="""\
pie-chart:
  type: pie
  x: [2021, 2022]
  series:
    Exports: [5.4, 1.4]
mismatch:
  type: bar
  x: [2021, 2022, 2023]
  series:
    Exports: [5.4, one]
from-csv:
  type: line
  data: values.csv
no-file:
  type: bar
  data: missing.csv
""", values__csv="year,Exports\n2021,5.4\n2022,abc\n"), [
        "chart-data/charts.yaml:2: chart 'pie-chart': unknown type 'pie'; expected one of: bar, barh, line, stacked",
        "chart-data/charts.yaml:10: chart 'mismatch': series 'Exports' has 2 values but x has 3",
        "chart-data/charts.yaml:10: chart 'mismatch': series 'Exports' value 2 is not a number: 'one'",
        "chart-data/charts.yaml:16: chart 'no-file': data file 'missing.csv' not found",
        "chart-data/values.csv:3: chart 'from-csv': series 'Exports' value 2 is not a number: 'abc'",
    ]),
    # --- pictures ---------------------------------------------------------------------------------------
    "missing-picture": (doc(body="## S\n\n![A map](images/map.png \"The map\")\n"), [
        "missing-picture/document.md:12: picture 'images/map.png' not found",
    ]),
    "outside-picture": (doc(body="## S\n\n![Up](../secret.png)\n\n![Abs](/etc/hostname)\n\n"
                                 "![Web](https://example.org/x.png)\n\n![Link](link.png)\n"), [
        "outside-picture/document.md:12: picture '../secret.png' is outside the document folder",
        "outside-picture/document.md:14: picture '/etc/hostname' must be a file inside the document folder",
        "outside-picture/document.md:16: picture 'https://example.org/x.png' must be a file inside the document folder",
        "outside-picture/document.md:18: picture 'link.png' is outside the document folder",
    ]),
    # --- files that are not UTF-8 ----------------------------------------------------------------------
    "latin1-document": ({"raw": {"document.md": f"---\n{FRONT}\n---\n## S\n\nCaf\xe9 au lait.\n".encode("latin-1")}}, [
        "latin1-document/document.md:12: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    ]),
    "latin1-charts": ({"raw": {"document.md": f"---\n{FRONT}\n---\n{BODY}".encode(),
                               "charts.yaml": "trade:\n  type: bar\n  title: Caf\xe9\n".encode("latin-1")}}, [
        "latin1-charts/charts.yaml:3: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    ]),
    "latin1-csv": (doc(charts__yaml="trade:\n  type: bar\n  data: values.csv\n"),
                   ["latin1-csv/values.csv:1: chart 'trade': not UTF-8 text (byte 0xe9); save the file as UTF-8"]),
    # --- empty, no front matter, a front matter that is not a mapping ---------------------------------
    "empty-file": ({"raw": {"document.md": b""}}, [
        "empty-file/document.md:1: the file is empty; it needs a front matter (between '---' lines) and a body",
    ]),
    "blank-file": ({"raw": {"document.md": b"  \n\n"}}, [
        "blank-file/document.md:1: the file is empty; it needs a front matter (between '---' lines) and a body",
    ]),
    "no-front-matter": ({"raw": {"document.md": b"## Section\n\nText.\n"}}, [
        "no-front-matter/document.md:1: the file must start with a front matter: a line '---', YAML keys, then '---'",
    ]),
    "unclosed-front-matter": ({"raw": {"document.md": b"---\ntitle: T\n\n## Section\n"}}, [
        "unclosed-front-matter/document.md:1: the front matter is not closed: add a line '---' after its last key",
    ]),
    "front-list": (doc("- series: sceeus-guest-commentary\n- title: T"), [
        "front-list/document.md:2: the front matter must be a mapping of keys (title: …), not a list",
    ]),
    "front-scalar": (doc("Just a title"), [
        "front-scalar/document.md:2: the front matter must be a mapping of keys (title: …), not a single value ('Just a title')",
    ]),
    "front-empty": ({"raw": {"document.md": b"---\n---\n## Section\n\nText.\n"}}, [
        "front-empty/document.md:2: the front matter must be a mapping of keys (title: …), not empty",
    ]),
    "empty-body": (doc(body="\n  \n"), [
        "empty-body/document.md:10: the body is empty: write the text after the front matter",
    ]),
    "title-heading": (doc(body="# A Second Title\n\nText.\n"), [
        "title-heading/document.md:10: use '##' for sections: the title comes from the front matter",
    ]),
    # --- a note reference with no note; references to characters that cannot be printed ------------
    "note-without-text": (doc(body="## S\n\nText.[^1] More.[^6] Escaped \\[^7].\n\n[^1]: The note.\n"), [
        'note-without-text/document.md:12:16: the footnote [^6] has no text, so it would print as "[^6]": add a '
        'line "[^6]: …" with the note',
    ]),
    "character-references": (doc(FRONT.replace("A short summary.", "A short &#x1; summary."),
                                 "## S\n\nA &#0; here, `&#0;` in code, &#xD800;, &#xFFFF; and &#233; (é).\n"), [
        "character-references/document.md:8: summary: &#x1; refers to U+0001, a control character, which is not "
        "allowed in text; remove it",
        "character-references/document.md:12:3: &#0; refers to U+0000, a control character, which is not allowed "
        "in text; remove it",
        "character-references/document.md:12:30: &#xD800; refers to U+D800, half of a surrogate pair, not a "
        "character, which is not allowed in text; remove it",
        "character-references/document.md:12:40: &#xFFFF; refers to U+FFFF, a noncharacter, which is not allowed "
        "in text; remove it",
    ]),
}


def make(folder, spec) -> None:
    if "raw" in spec:
        folder.mkdir(parents=True)
        for name, data in spec["raw"].items():
            (folder / name).write_bytes(data)
        return
    write_doc(folder, spec["front"], spec["body"], **spec["files"])


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """One run of build.py over every case; stderr lines grouped by case."""
    base = tmp_path_factory.mktemp("errors")
    (base / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for name, (spec, _) in CASES.items():
        make(base / name, spec)
    (base / "latin1-csv" / "values.csv").write_bytes("year,Caf\xe9 exports\n2021,1\n".encode("latin-1"))
    os.symlink(base / "secret.png", base / "outside-picture" / "link.png")
    result = run(*CASES, "-j", "1", "-q", "-o", base / "out", cwd=base)
    by_case = {name: [line for line in result.stderr.splitlines() if line.startswith(name + "/")]
               for name in CASES}
    return base, result, by_case


@pytest.mark.slow
def test_every_case_fails_with_status_1_and_no_traceback(checked):
    base, result, by_case = checked
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stdout == ""
    assert not (base / "out").exists()  # nothing written for a document with problems
    # Every line of stderr is a problem of some case, in the `path:line: message` form.
    assert sorted(sum(by_case.values(), [])) == sorted(result.stderr.splitlines())


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.slow
def test_problem_lines(checked, name):
    _, result, by_case = checked
    assert by_case[name] == CASES[name][1], "\n" + result.stderr


@pytest.mark.slow
def test_one_document_alone_exits_1(tmp_path):
    write_doc(tmp_path / "bad", FRONT + "\ntitel: Typo")
    result = run("bad", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "bad/document.md:9:1: titel: unknown key; did you mean 'title'?" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_verbose_prints_no_traceback_for_content_problems(tmp_path):
    write_doc(tmp_path / "bad", FRONT + "\ndate: 2024-02-30")
    result = run("bad", "-v", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "bad/document.md:9:7: date: '2024-02-30' is not a date: February 2024 has no day 30" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_unknown_series_on_the_command_line(tmp_path):
    write_doc(tmp_path / "doc", FRONT)
    result = run("doc", "-q", "--series", "no-such-series", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"--series: unknown series 'no-such-series'; known: {known_series()}"]
    result = run("doc", "-q", "--series", "./nowhere", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["--series: no series.yaml in the folder './nowhere'"]


@pytest.mark.slow
def test_problems_of_several_documents_all_reported(tmp_path):
    write_doc(tmp_path / "one", FRONT + "\ndate: 2024-13")
    write_doc(tmp_path / "two", FRONT.replace("year: 2025", "year: x"))
    result = run("one", "two", "-q", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert sorted(result.stderr.splitlines()) == [
        "one/document.md:9:7: date: '2024-13' is not a date: there is no month 13 (write YYYY-MM-DD or YYYY-MM)",
        "two/document.md:4:7: year: must be a whole number (e.g. 2024), not 'x'",
    ]


def test_a_csv_file_in_excel_settings_is_read_with_its_delimiter_and_decimal_mark(tmp_path):
    from report.errors import Problems
    from report.source import chartspec

    (tmp_path / "trade.csv").write_text("Year;Exports;Imports\n2021;5,4;1,5\n2022;1,4;\n", encoding="utf-8")
    (tmp_path / "charts.yaml").write_text('trade:\n  type: bar\n  data: trade.csv\n'
                                          '  csv: {delimiter: ";", decimal: ","}\n', encoding="utf-8")
    problems = Problems()
    charts = chartspec.load_charts(tmp_path, problems)
    assert list(problems) == []
    assert charts["trade"].x == (2021, 2022)
    assert charts["trade"].series == (("Exports", (5.4, 1.4)), ("Imports", (1.5, None)))


def test_a_chart_picks_its_x_and_columns_from_a_csv_file(tmp_path):
    from report.errors import Problems
    from report.source import chartspec

    (tmp_path / "wide.csv").write_text("Country,Year,Exports,Imports,Balance\nUA,2021,5.4,1.5,3.9\n"
                                       "UA,2022,1.4,0.02,1.38\n", encoding="utf-8")
    (tmp_path / "charts.yaml").write_text("trade:\n  type: bar\n  data: wide.csv\n  x: Year\n"
                                          "  columns: [Imports, Exports]\n", encoding="utf-8")
    problems = Problems()
    charts = chartspec.load_charts(tmp_path, problems)
    assert list(problems) == []
    assert charts["trade"].x == (2021, 2022)
    assert charts["trade"].series == (("Imports", (1.5, 0.02)), ("Exports", (5.4, 1.4)))
