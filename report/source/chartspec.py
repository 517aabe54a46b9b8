"""Load and check `charts.yaml`: every chart entry becomes a `ChartSpec`, every fault a problem.

Each chart gives its data inline (`x` plus `series`, a mapping of name to a list of numbers) or
as `data: file.csv`, a CSV file in the document folder whose first column holds the x values
and whose other columns hold one series each (the header row names them). `null` (in YAML) or
an empty cell, `null`, `NA` or `n/a` in any case (in a CSV) is a gap.

The keys of a chart are declared in `schemas.CHART`, which checks them; the data is checked
here. Every problem is added to the caller's `Problems`, as `path:line: chart 'id': what is wrong`;
nothing here raises on the first fault, and nothing here imports matplotlib.
"""

from __future__ import annotations

import csv
import difflib
import math
import os
import re
from pathlib import Path

from report.source import body_checks, files
from report.source import yamlload
from report.source.document import FAILED, load_yaml_file
from report.errors import Problems, quote
from report.model import ChartSpec, Value
from report.source.fields import brief
from report.source.schemas import CHART, CSV_FORMAT

CHART_ID = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_ID = 100  # characters in a chart id
MAX_VALUES = 10_000  # x values in one chart: more would not be legible anyway
MAX_CATEGORIES = 500  # bars, or named x values: each is drawn and labelled
MAX_CSV_BYTES = 5_000_000
MAX_BAD_VALUES = 5  # bad values reported one by one per series; the rest are counted
GAP_CELLS = {"", "null", "na", "n/a"}  # CSV cells that mean "no value" (compared lower-case)
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}([, \u00a0\u202f]\d{3})+([.,]\d+)?$|^[+-]?\d+,\d+$")
TEXT_KEYS = ("title", "unit", "source", "note", "alt")  # keys of schemas.CHART that ChartSpec keeps as given


def load_charts(folder: Path, problems: Problems) -> dict[str, ChartSpec]:
    """The charts of a document folder by id; {} without `charts.yaml`. Faults go to `problems`."""
    path = Path(folder) / "charts.yaml"
    if not os.path.lexists(path):  # a pipe, a folder or a dangling link is refused, not ignored
        return {}
    root = load_yaml_file(path, problems)
    if root is FAILED or root is None:
        return {}
    if not isinstance(root, yamlload.Marked):
        problems.add(path, "charts.yaml must be a mapping of chart ids to charts (my-chart: {type: bar, …})",
                     getattr(root, "pos", (1, 1))[0])
        return {}
    charts: dict[str, ChartSpec] = {}
    for chart_id, entry in root.items():
        spec = _Chart(Path(folder), path, chart_id, root.key_pos[chart_id][0], problems).check(entry)
        if spec is not None:
            charts[chart_id] = spec
    return charts


class _Chart:
    """The checks of one chart entry; `check()` returns its `ChartSpec` or None."""

    def __init__(self, folder: Path, path: Path, chart_id, line: int, problems: Problems):
        self.folder, self.path, self.id, self.line, self.problems = folder, path, chart_id, line, problems
        self.field = f"chart {quote(chart_id)}" if isinstance(chart_id, str) else f"chart {quote(str(chart_id))}"
        self.before = len(problems)

    def add(self, message: str, line: int | None = None, path: Path | None = None) -> None:
        self.problems.add(path or self.path, message, line if line is not None else self.line, None, self.field)

    @property
    def failed(self) -> bool:
        return len(self.problems) > self.before

    def check(self, entry) -> ChartSpec | None:
        if not isinstance(self.id, str) or not CHART_ID.match(self.id):
            self.add("a chart id may hold only letters, digits, '-' and '_'")
        elif len(self.id) > MAX_ID:
            self.add(f"a chart id may be at most {MAX_ID} characters long")
        if not isinstance(entry, yamlload.Marked):
            kind = "empty" if entry is None else brief(entry)
            self.add(f"a chart must be a mapping of keys (type, x and series, or data), not {kind}")
            return None
        self.entry = entry

        CHART.check(entry, lambda field, message, pos: self.add(message, pos[0]), (self.line, None))
        for key in ("source", "note"):  # Markdown: its links are held to the body's rules
            if isinstance(entry.get(key), str):
                found = Problems()
                body_checks.field(entry[key], self.path, self.vline(key), key, found)
                for problem in found:
                    self.add(f"'{key}': {problem.message}", problem.line)

        data = self.data()
        if self.failed or data is None:
            return None
        x, series = data
        kind = entry["type"]
        if (kind != "line" or any(isinstance(v, str) for v in x)) and len(x) > MAX_CATEGORIES:
            # Each category is drawn and labelled: 10,000 bars take minutes and print as a grey block.
            self.add(f"{len(x):,} categories; a {kind} chart, or a chart with named x values, may have at most "
                     f"{MAX_CATEGORIES:,} (a line chart over numbers may have {MAX_VALUES:,} points)",
                     self.vline("data" if "data" in entry else "x"))
            return None
        return ChartSpec(id=self.id, type=kind, x=x, series=series, path=str(self.path), line=self.line,
                         **CHART.values(entry, TEXT_KEYS))

    def vline(self, key) -> int:
        return self.entry.value_pos.get(key, self.entry.pos)[0]

    def kline(self, key) -> int:
        return self.entry.key_pos.get(key, self.entry.pos)[0]

    # -- data -------------------------------------------------------------------------------

    def data(self):
        """(x, series) from `x`/`series` or from `data`, or None."""
        entry = self.entry
        has = {k: entry.get(k) is not None for k in ("x", "series", "data", "columns")}
        if has["data"] and (isinstance(entry.get("x"), list) or has["series"]):
            self.add("give either 'data' (a CSV file) or 'x' and 'series', not both (with 'data', 'x' may "
                     "name the CSV column of the x values)", self.kline("data"))
            return None
        if has["columns"] and not has["data"]:
            self.add("'columns' picks the columns of a 'data' file; this chart has no 'data'", self.kline("columns"))
            return None
        if isinstance(entry.get("x"), str) and not has["data"]:
            self.add("'x' names a CSV column only with 'data'; give the list of categories or x values, "
                     "e.g. [2021, 2022]", self.vline("x"))
            return None
        if entry.get("csv") is not None and not has["data"]:
            self.add("'csv' says how a 'data' file is written; this chart has no 'data'", self.kline("csv"))
            return None
        if has["data"]:
            return self.csv_data(entry["data"]) if isinstance(entry["data"], str) else None
        if not has["x"] and not has["series"]:
            self.add("no data: give 'x' and 'series', or 'data: file.csv'")
            return None
        if not has["series"]:
            self.add("'x' needs 'series': a mapping of series names to lists of numbers", self.kline("x"))
            return None
        if not has["x"]:
            self.add("'series' needs 'x': the list of categories or x values", self.kline("series"))
            return None
        x, series = entry["x"], entry["series"]
        if not isinstance(x, list) or not isinstance(series, dict):
            return None  # reported with the types
        return self.inline_data(x, series)

    def inline_data(self, x: yamlload.MarkedList, series: yamlload.Marked):
        xs = []
        if not x:
            self.add("'x' is empty; give at least one category or x value", self.vline("x"))
        elif len(x) > MAX_VALUES:
            self.add(f"'x' has {len(x):,} values; at most {MAX_VALUES:,} are allowed", self.vline("x"))
            return None
        for i, value in enumerate(x):
            line = x.item_pos[i][0]
            if isinstance(value, str) and value.strip():
                xs.append(value.strip())
            elif _is_number(value):
                if not math.isfinite(value):
                    self.add(f"x value {i + 1} is not a finite number: {quote(value)}", line)
                xs.append(value)
            elif value is None or isinstance(value, str):
                self.add(f"x value {i + 1} is empty", line)
            else:
                self.add(f"x value {i + 1} must be a category or a number, not {brief(value)}", line)

        if not series:
            self.add("'series' is empty; give at least one series name with a list of numbers",
                     self.vline("series"))
        checked = []
        for name, values in series.items():
            line = series.key_pos[name][0]
            if isinstance(name, bool) or not isinstance(name, (str, int, float)):
                self.add(f"a series name must be a string, not {brief(name)}", line)
                continue
            label = str(name).strip()
            if not label:
                self.add("a series name is empty", line)
                continue
            where = f"series {quote(label)}"
            if any(label == seen for seen, _ in checked):
                self.add(f"{where} appears twice", line)
            if not isinstance(values, list):
                self.add(f"{where} must be a list of numbers (null for a gap), not {brief(values)}", line)
                continue
            if len(values) != len(x):
                self.add(f"{where} has {len(values)} value{'s' * (len(values) != 1)} but x has {len(x)}", line)
            numbers, bad = [], 0
            for i, value in enumerate(values):
                number = _number(value)
                if number is _BAD:
                    bad += 1
                    if bad <= MAX_BAD_VALUES:
                        self.add(f"{where} value {i + 1} is not a number: {quote(value)}"
                                 f"{_hint(value)}", values.item_pos[i][0])
                    continue
                numbers.append(number)
            if bad > MAX_BAD_VALUES:
                self.add(f"{where} has {bad - MAX_BAD_VALUES} more values that are not numbers", line)
            checked.append((label, tuple(numbers)))
        if self.failed:
            return None
        return tuple(xs), tuple(checked)

    def csv_data(self, name: str):
        target = self.data_file(name)
        if target is None:
            return None
        line = self.vline("data")
        try:
            raw = files.read(target, self.folder, MAX_CSV_BYTES)
        except files.Refused as exc:
            reason = str(exc)
            if reason == "file not found":
                self.add(f"data file {quote(name)} not found", line)
            elif reason.startswith(("is a link to a file outside", "is outside")):
                self.add("data file must be inside the document folder", line)
            else:
                self.add(f"data file {quote(name)} {reason}", line)
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = raw[: exc.start].count(b"\n") + 1
            self.add(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", bad_line, target)
            return None
        text = text.removeprefix("\ufeff")
        if "\x00" in text:
            bad_line = text[: text.index("\x00")].count("\n") + 1
            self.add("not a text file (it contains NUL bytes); save the data as CSV text", bad_line, target)
            return None
        if files.control_characters(text.replace("\r", ""), target, self.problems):
            return None
        form = CSV_FORMAT.values(self.entry.get("csv") or {})
        if self.failed:  # a wrong csv key, reported with the keys
            return None
        if form["delimiter"] == form["decimal"]:
            self.add(f"csv: the delimiter and the decimal mark cannot both be {quote(form['delimiter'])}",
                     self.vline("csv"))
            return None
        return self.parse_csv(text, name, target, form["delimiter"], form["decimal"])

    def picked(self, header: list[str], name: str, path: Path, header_line: int) -> tuple[int, list[int]] | None:
        """The indexes of the x column and of the series columns the chart names (`x`, `columns`)."""
        x_name, wanted = self.entry.get("x"), self.entry.get("columns")
        if not isinstance(x_name, str) and not isinstance(wanted, list):
            return 0, list(range(1, len(header)))
        found = True

        def index(column: str, key: str) -> int | None:
            nonlocal found
            if column in header:
                return header.index(column)
            near = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
            hint = f"; did you mean {quote(near[0])}?" if near else ""
            self.add(f"'{key}': {quote(name)} has no column {quote(column)}{hint} (its columns: {', '.join(header)})",
                     self.vline(key))
            found = False
            return None

        x = index(x_name.strip(), "x") if isinstance(x_name, str) else 0
        if isinstance(wanted, list):
            columns = [index(column.strip(), "columns") for column in wanted]
        else:
            columns = [i for i in range(len(header)) if i != x]
        if not found:
            return None
        if x in columns:
            self.add(f"'columns': {quote(header[x])} is the x column", self.vline("columns"))
            return None
        if not columns:
            self.add("'columns' is empty; name at least one column to chart", self.vline("columns"))
            return None
        return x, columns

    def data_file(self, name: str) -> Path | None:
        """The CSV file's path, when its name stays inside the document folder, or None with a problem."""
        line = self.vline("data")
        relative = Path(name)
        if not name.strip() or relative.is_absolute() or name.startswith(("/", "\\")) \
                or ".." in re.split(r"[/\\]", name) or relative.drive:
            self.add("data file must be inside the document folder", line)
            return None
        return self.folder / relative

    def parse_csv(self, text: str, name: str, path: Path, delimiter: str = ",", decimal: str = "."):
        rows: list[tuple[int, list[str]]] = []
        reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
        start = 1
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append((start, [cell.strip() for cell in row]))
                start = reader.line_num + 1
        except csv.Error as exc:
            self.add(f"not a readable CSV file: {exc}", start, path)
            return None
        if not rows:
            self.add(f"data file {quote(name)} is empty; it needs a header row and one row per x value",
                     self.vline("data"))
            return None
        header_line, header = rows[0]
        if len(header) < 2:
            self.add(_separator_hint(header[0], text, delimiter) or
                     "the header needs a column for x and at least one series column", header_line, path)
            return None
        for i, column in enumerate(header[1:]):
            if not column:
                self.add(f"column {i + 2} has no name in the header", header_line, path)
            elif column in header[1:i + 1]:
                self.add(f"column {quote(column)} appears twice in the header", header_line, path)
        picked = self.picked(header, name, path, header_line)
        if picked is None:
            return None
        x_at, series_at = picked
        names = [header[i] for i in series_at]
        if len(rows) == 1:
            self.add(f"data file {quote(name)} has no rows under its header", header_line, path)
            return None
        if len(rows) - 1 > MAX_VALUES:
            self.add(f"data file {quote(name)} has {len(rows) - 1:,} rows; at most {MAX_VALUES:,} are allowed",
                     self.vline("data"))
            return None

        xs: list[str] = []
        columns: list[list[Value]] = [[] for _ in names]
        bad = [0] * len(names)
        for number, (line, row) in enumerate(rows[1:], start=1):
            if len(row) != len(header):
                self.add(f"row has {len(row)} cell{'s' * (len(row) != 1)} but the header has {len(header)}",
                         line, path)
                continue
            if not row[x_at]:
                self.add("row has no x value (its first cell is empty)" if x_at == 0 else
                         f"row has no x value (its {quote(header[x_at])} cell is empty)", line, path)
            xs.append(row[x_at])
            for j, cell in enumerate(row[i] for i in series_at):
                value = _cell(cell.replace(",", ".") if decimal == "," and "." not in cell else cell)
                if value is _BAD:
                    bad[j] += 1
                    if bad[j] <= MAX_BAD_VALUES:
                        self.add(f"series {quote(names[j])} value {number} is not a number: {quote(cell)}"
                                 f"{_hint(cell)}", line, path)
                    continue
                columns[j].append(value)
        for j, count in enumerate(bad):
            if count > MAX_BAD_VALUES:
                self.add(f"series {quote(names[j])} has {count - MAX_BAD_VALUES} more values that are "
                         "not numbers", header_line, path)
        if self.failed:
            return None
        x = tuple(_csv_x(xs))
        return x, tuple((column, tuple(values)) for column, values in zip(names, columns))


class _Bad:
    """Marks a value that is not a number."""


_BAD = _Bad()


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value):
    """A YAML value as a chart value: a finite number, None for a gap, or _BAD."""
    if value is None:
        return None
    if _is_number(value) and math.isfinite(value):
        return value
    return _BAD


def _cell(cell: str):
    """A CSV cell as a chart value: a finite number, None for a gap, or _BAD."""
    if cell.lower() in GAP_CELLS:
        return None
    if not PLAIN_NUMBER.match(cell):
        return _BAD
    value = float(cell)
    if not math.isfinite(value):
        return _BAD
    return int(value) if re.fullmatch(r"[+-]?\d+", cell) and abs(value) < 2**53 else value


def _csv_x(values: list[str]) -> list:
    """CSV x values stay strings unless every one is a plain number."""
    if values and all(PLAIN_NUMBER.match(v) for v in values):
        numbers = [_cell(v) for v in values]
        if all(n is not _BAD and n is not None for n in numbers):
            return numbers
    return values


SEPARATORS = {";": "';'", "\t": "tabs", "|": "'|'"}


def _separator_hint(header: str, text: str, delimiter: str) -> str | None:
    """The message for a file whose columns are separated by another character than `delimiter`."""
    found = next((sep for sep in SEPARATORS if sep != delimiter and sep in header), None)
    if found is None:
        return None
    comma = found != "," and re.search(r"\d,\d", text) is not None  # decimal commas too
    wanted = "\\t" if found == "\t" else found
    key = f'csv: {{delimiter: "{wanted}"' + (', decimal: ","' if comma else "") + "}"
    excel = " (Excel in Swedish, German or Ukrainian settings)" if found == ";" else ""
    return (f"the columns are separated by {SEPARATORS[found]}{excel}, not commas: write {key} in the chart "
            "in charts.yaml, or save the file as comma-separated CSV")


def _hint(value) -> str:
    if isinstance(value, str) and GROUPED_NUMBER.match(value.strip()):
        return " (write numbers plainly, e.g. 1500 or 1.5, without separators)"
    if isinstance(value, float) and not math.isfinite(value):
        return " (only finite numbers can be charted)"
    return ""
