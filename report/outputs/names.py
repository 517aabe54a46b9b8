"""What a built document's files are called.

A document builds into `<folder name>.pdf` (`.print.pdf`, `.html`). Built with `--series ID`
in a series other than its own, it becomes `<folder name>--<series id>.pdf`: building one
document in several series keeps every result side by side, and the plain name always holds
the document as its author meant it. (`--` cannot occur in a folder name made by the builder
nor in a series id's usual spelling, so the two parts stay readable.)
"""

from __future__ import annotations

from report.model import Document, Series


def stem(doc: Document, series: Series) -> str:
    if doc.own_series and series.id != doc.own_series:
        return f"{doc.stem}--{series.id}"
    return doc.stem
