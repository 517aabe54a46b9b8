"""Which series sets an event reader's cover and contents, and in whose name.

A reader series is a series with its own `templates/reader.html` (in its folder or a parent's;
the shipped one in `templates/` does not count): `sceeus-reader`, or one made with
`--new-series ID --reader --extends SERIES`. A publication series has none, so naming one in
reader.yaml is a mistake with a way out.

Without `series:` in reader.yaml the reader takes the publisher of its documents' series when
they all agree: that publisher's reader series, or else the first document's own series with the
shipped template and the word "Reader" for its label. So a reader never prints one publisher's
name on another's documents; when the documents' publishers differ, the reader must name its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from report.errors import Problems, quote
from report.model import Series
from report.series import resolve
from report.series.checks import find_template

TEMPLATE = "reader.html"
# The shipped reader's stylesheet: after the base style, before the reader series' own sheets.
STYLESHEET = resolve.TEMPLATES / "reader.css"


@dataclass(frozen=True)
class Cover:
    """The series the cover and contents are set in."""

    series: Series
    borrowed: bool = False  # the documents' own series, not a reader series: its label is "Reader"


def is_reader(series: Series) -> bool:
    """The series (or a parent) has its own reader template: the last template folder is the
    shipped `templates/`, which every series reaches."""
    return find_template(series.template_dirs[:-1], TEMPLATE) is not None


def stylesheets(series: Series) -> tuple[Path, ...]:
    """The cover's stylesheets: the base style, the shipped reader's, then the series' own."""
    return series.stylesheets[:1] + (STYLESHEET,) + series.stylesheets[1:]


def readers(roots: tuple[Path, ...]) -> list[Series]:
    """Every reader series on the style roots. A broken series elsewhere is not this reader's
    problem: it is left out here and reported where it is used."""
    found = []
    for series_id in resolve.known_series(roots):
        series = resolve.resolve(series_id, Problems(), roots)
        if series is not None and is_reader(series):
            found.append(series)
    return found


def _identity(series: Series) -> tuple:
    """Who publishes: the block's words (a logo is the same publisher's wherever its file lies)."""
    p = series.publisher
    return p.name, p.short_name, p.wordmark, p.lines, p.website


def publisher_name(series: Series) -> str:
    """The publisher as a message names it."""
    p = series.publisher
    return p.name or p.short_name or p.wordmark or "no publisher"


def _nearest(candidates: list[Series], series: Series) -> Series:
    """The reader series closest to a document's: most parents shared, then the shortest chain
    (the publisher's own reader before one made from it), then by id."""
    return min(candidates, key=lambda c: (-len(set(c.chain) & set(series.chain)), len(c.chain), c.id))


def named(series: Series | None, roots: tuple[Path, ...], problems: Problems, path: Path,
          pos: tuple[int | None, int | None]) -> Cover | None:
    """The series reader.yaml names, if it can set a reader's cover and contents."""
    if series is None:
        return None
    if is_reader(series):
        return Cover(series)
    listed = ", ".join(s.id for s in readers(roots)) or "none yet"
    problems.add(path, f"{quote(series.id)} is a publication series, not a reader series: it has no "
                 f"templates/{TEMPLATE}. Leave series: out to take the documents' publisher, name a reader "
                 f"series ({listed}), or make one for this publisher: python build.py --new-series "
                 f"{series.id}-reader --reader --extends {series.id}", pos[0], pos[1], "series")
    return None


def from_documents(documents: list[tuple[str, Series]], roots: tuple[Path, ...], problems: Problems,
                   path: Path, pos: tuple[int | None, int | None]) -> Cover | None:
    """The cover of a reader that names no series: its documents' publisher's. `documents` holds
    each document's folder name, as reader.yaml lists it, and its series."""
    if not documents:
        return None
    publishers: dict[tuple, list[tuple[str, Series]]] = {}
    for folder, series in documents:
        publishers.setdefault(_identity(series), []).append((folder, series))
    if len(publishers) > 1:
        listed = "; ".join(f"{publisher_name(group[0][1])}: {', '.join(folder for folder, _ in group)}"
                           for group in publishers.values())
        names = ", ".join(s.id for s in readers(roots)) or "none yet"
        problems.add(path, f"the documents have different publishers ({listed}); name the series of the "
                     f"reader's cover and contents with series: (reader series: {names})", pos[0], pos[1],
                     "documents")
        return None
    first = documents[0][1]
    own = [s for s in readers(roots) if _identity(s) == _identity(first)]
    return Cover(_nearest(own, first)) if own else Cover(first, borrowed=True)


def shown(cover: Cover, edition: Series, reader_label: str) -> Series:
    """The series as the cover prints it: a borrowed series is labelled as a reader."""
    return dataclasses.replace(edition, label=reader_label) if cover.borrowed else edition
