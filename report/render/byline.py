"""Whether a byline of several authors fits on one line of the title block.

When it does not, the template sets one author a line (`ctx.byline_stacked`, the class
`stacked`): a wrapped byline would otherwise part an author from the "·" that joins them, which
then stands at a line's end or start. Measured with the series' sans at the byline's size on
the page's full text width (the title block has no rail), from the fonts' advance widths: a
byline within a few points of the edge is stacked rather than risked.
"""

from __future__ import annotations

from pathlib import Path

from report.cache import memo
from report.model import Series
from report.series import geometry

# Lazy: fontTools (about 0.1 s), only for a document of several authors.

SIZE_PT = 10.5  # the base byline's size (style.css); a series that sets it smaller stacks a little early
SEPARATOR = " · "
MARGIN_PT = 6.0  # what the estimate may be short by (kerning, a variable font's instance)


def stacked(authors: tuple[tuple[str, str | None], ...], series: Series) -> bool:
    """(name, affiliation) of each author: True when the byline would wrap."""
    if len(authors) < 2 or "sans" not in series.fonts:
        return False
    regular, semibold = _files(series)
    width = sum(_width(semibold, name) + (_width(regular, ", " + aff) if aff else 0) for name, aff in authors)
    width += _width(regular, SEPARATOR) * (len(authors) - 1)
    page = geometry.of(series)
    line = (page.width - page.margins[1] - page.margins[3]) * 72 / 25.4
    return width * SIZE_PT > line - MARGIN_PT


def _files(series: Series) -> tuple[Path, Path]:
    faces = {weight: path for weight, style, path in series.fonts["sans"].faces() if style == "normal"}
    regular = faces.get("400") or faces.get(None) or next(iter(faces.values()))
    return regular, faces.get("600") or faces.get("700") or regular


def _width(path: Path, text: str) -> float:
    """`text`'s advance width in ems of `path`'s font (characters it lacks count as half an em)."""
    advances, units = _metrics(str(path))
    return sum(advances.get(ord(c), units / 2) for c in text) / units


@memo(maxsize=8)
def _metrics(path: str) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont
    font = TTFont(path, lazy=True)
    hmtx = font["hmtx"]
    return {code: hmtx[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm
