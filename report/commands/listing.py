"""`--list`: every document folder with its series, language, number, date, title and status.

The status comes from the checks `--check` runs (no layout, nothing drawn or written) and from
the record of what was built in the output folder (record.py): `up to date` (built, and nothing
it depends on has changed since), `ok` (it builds, and a build would make it), or how many
problems `--check` would print. The other columns are read from the front matter
as written, so a document with problems is listed too; what cannot be read shows as "—".
`--list --json` prints the same as a JSON list, for scripts.
"""

from __future__ import annotations

import json
from pathlib import Path

from report import prepare
from report.commands import record
from report.errors import BuildError, ContentError, ContentErrors, MachineError, Problems, display_path
from report.source import document as content

NONE = "—"
COLUMNS = ("folder", "series", "lang", "number", "date", "title", "status")
TITLE_WIDTH = 48  # the table's title column; --json gives it whole


def row(folder: Path, options, built: record.Record | None = None) -> dict:
    """One document: its front matter's fields and its status, as JSON values."""
    problems = Problems()
    raw = content.read(folder, problems)
    front = raw.front if raw is not None else {}

    def text(key):
        value = front.get(key)
        return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None

    count = _problems(folder, options)
    current = count == 0 and built is not None and built.up_to_date(folder, record.inputs_key(folder, options)) is not None
    return {"folder": display_path(folder), "series": options.series or text("series"),
            "lang": text("lang") or ("en" if raw is not None else None), "number": text("number"),
            "year": text("year"), "date": text("date"), "title": text("title"),
            "status": "problems" if count else "up to date" if current else "ok", "problems": count,
            "up_to_date": current}


def _problems(folder: Path, options) -> int:
    """How many problems `--check` reports for the folder."""
    try:
        prepared = prepare.prepare(folder, options)
        ids = frozenset(r.chart_id for r in prepared.refs if r.chart_id)
        prepare.html_for(prepared, prepare.figures(prepared, options, ids), web=False, cache=options.cache)
    except ContentErrors as exc:
        return len(exc.errors)
    except (ContentError, BuildError, MachineError):
        return 1
    return 0


def table(rows: list[dict]) -> str:
    """The rows as aligned columns under a header."""
    def cell(r, key):
        value = r[key]
        if key == "date" and value is None:  # the year, when the front matter gives no date
            value = r["year"]
        if key == "status":
            return r["status"] if r["problems"] == 0 else f"{r['problems']} problem{'s' * (r['problems'] != 1)}"
        if value is None:
            return NONE
        value = " ".join(str(value).split())
        return value if key != "title" or len(value) <= TITLE_WIDTH else value[:TITLE_WIDTH - 1] + "…"

    lines = [list(COLUMNS)] + [[cell(r, key) for key in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def run(folders: list[Path], options, as_json: bool) -> int:
    built = record.Record(options.out_dir)
    rows = [row(folder, options, built) for folder in folders]
    print(json.dumps(rows, ensure_ascii=False, indent=2) if as_json else table(rows))
    return 0
