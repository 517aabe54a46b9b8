"""Characters the series' fonts cannot print, found before layout, each at its place in the source.

Why before layout: a character no font of the series has either stops WeasyPrint (it draws an
empty `.notdef` box and warns) or, where the machine happens to have a font with it, prints in
that system font: another shape on every machine, which the shipped fonts exist to prevent.
Here the editor gets every such character at once, by file, line and column, from `--check`
too. What each font covers is read from its cmap (fontTools) once and kept in the cache.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from report.errors import Problems, quote
from report.model import ChartSpec, Document, Series
from report import cache as kept
from report.source.yamlload import Marked, MarkedList
from report.cache import memo

# Lazy: fontTools (about 0.1 s), only for a font whose characters are not cached yet.

# Not drawn as glyphs: controls, format characters (soft hyphen, joiners, marks of direction),
# spaces and separators (set as widths), variation selectors.
SKIPPED_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
SKIPPED_RANGES = ((0x034F, 0x034F), (0x180B, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
SHOWN = 4  # characters named in one message; the rest are counted


def font_files(series: Series) -> tuple[Path, ...]:
    files = []
    for face in series.fonts.values():
        files += [path for _, _, path in face.faces()]
    return tuple(dict.fromkeys(files))


def covered(files: tuple[Path, ...], cache: Path | None = None) -> frozenset[int]:
    """Every character at least one of `files` maps to a glyph."""
    chars: set[int] = set()
    for path in files:
        chars |= _font_chars(path, cache)
    return frozenset(chars)


def _font_chars(path: Path, cache: Path | None) -> frozenset[int]:
    # Remembered by the file's content: a font replaced during --watch is read again.
    return _chars_of(kept.file_digest(path), path, cache)


@memo(maxsize=64)
def _chars_of(digest: str, path: Path, cache: Path | None) -> frozenset[int]:
    key = kept.fingerprint("font-coverage", [digest])[:24]
    stored = cache / f"{key}.json" if cache is not None else None
    if stored is not None:
        try:
            return frozenset(_expand(kept.read_json(stored)))
        except (ValueError, TypeError):
            pass
    from fontTools.ttLib import TTFont

    chars = frozenset(TTFont(str(path), lazy=True, fontNumber=0).getBestCmap() or ())
    if stored is not None:
        kept.write_json(stored, _ranges(chars))
    return chars


def _ranges(chars) -> list[list[int]]:
    out: list[list[int]] = []
    for c in sorted(chars):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def _expand(ranges) -> set[int]:
    return {c for start, end in ranges for c in range(start, end + 1)}


def printed(char: str) -> bool:
    """Drawn as a glyph (not a control, a space or a mark of direction)."""
    code = ord(char)
    if unicodedata.category(char) in SKIPPED_CATEGORIES:
        return False
    return not any(start <= code <= end for start, end in SKIPPED_RANGES)


def missing(text: str, have: frozenset[int]) -> list[tuple[int, str]]:
    """(index, character) of the first place of each character of `text` no font has."""
    seen: dict[str, int] = {}
    for i, char in enumerate(text):
        if ord(char) > 0x7E and char not in seen and ord(char) not in have and printed(char):
            seen[char] = i
    return [(i, c) for c, i in seen.items()]


def _message(chars: list[str], series: Series) -> str:
    families = ", ".join(dict.fromkeys(face.family for face in series.fonts.values()))
    named = ", ".join(f"{quote(c)} (U+{ord(c):04X})" for c in chars[:SHOWN])
    if len(chars) > SHOWN:
        named += f" and {len(chars) - SHOWN} more"
    verb, it = ("is", "it") if len(chars) == 1 else ("are", "them")
    return (f"{named} {verb} in none of the series' fonts ({families}): replace {it}, "
            f"or give the series a font that has {it} (fonts: in series.yaml)")


def check(doc: Document, front, series: Series, problems: Problems, cache: Path | None = None) -> None:
    """Report, line by line, the characters of the document no font of `series` has: in the
    front matter (`front`, as read, with positions), the body, and the charts' labels."""
    have = covered(font_files(series), cache)
    path = doc.source_path
    for value, line, column, field in _front_strings(front):
        found = missing(value, have)
        if found:
            problems.add(path, _message([c for _, c in found], series), line, column, field)
    for offset, text in enumerate(doc.body.split("\n")):
        found = missing(text, have)
        if found:
            problems.add(path, _message([c for _, c in found], series), doc.body_line + offset, found[0][0] + 1)
    for spec in doc.charts.values():
        found = missing("\n".join(_chart_strings(spec)), have)
        if found:
            problems.add(spec.path or doc.folder / "charts.yaml", _message([c for _, c in found], series),
                         spec.line, None, spec.id)


def _front_strings(node, field: str | None = None, pos=(None, None)):
    """(string, line, column, top-level key) for every string of the front matter."""
    if isinstance(node, str):
        yield node, pos[0], pos[1], field
    elif isinstance(node, Marked):
        for key, value in node.items():
            yield from _front_strings(value, field or str(key), node.value_pos.get(key, pos))
    elif isinstance(node, MarkedList):
        for i, value in enumerate(node):
            yield from _front_strings(value, field, node.item_pos[i] if i < len(node.item_pos) else pos)


def _chart_strings(spec: ChartSpec):
    """The text a chart prints (its `alt` goes to the PDF's tags, not its pages)."""
    yield from (s for s in (spec.title, spec.unit, spec.source, spec.note) if s)
    yield from (x for x in spec.x if isinstance(x, str))
    yield from (name for name, _ in spec.series)
