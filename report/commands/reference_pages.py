"""`python -m report.commands.reference_pages FOLDER`: the reference pages of docs/reference,
written from the declared schemas (report/source/schemas.py); a test fails when they differ."""

from __future__ import annotations

import sys
from pathlib import Path

from report.source import schemas

GENERATED = ("<!-- Written by `python -m report.commands.reference_pages docs/reference` "
             "from report/source/schemas.py: edit those. -->\n")


def pages() -> dict[str, str]:
    """File name → Markdown, for every reference page."""
    return {schema.page: GENERATED + "\n" + schema.reference(nested) for schema, nested in schemas.PAGES}


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m report.commands.reference_pages FOLDER   "
                 "(writes the reference pages, e.g. into docs/reference)")
    for path in write(Path(sys.argv[1])):
        print(path)
