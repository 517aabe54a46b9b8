"""Fonts subset by fontTools (no libharfbuzz-subset0): the tables WeasyPrint drops are dropped
before fontTools reads them, and each subset is remembered for the process.

Without libharfbuzz-subset0 WeasyPrint 70 cuts each embedded font down with fontTools
(`Font._fonttools_subset`), telling it to drop GSUB and GPOS. fontTools (4.6x) reads GDEF, GSUB
and GPOS in full as `Subsetter.subset` begins (`_compact_layout_tables`), before its first step
drops them: 0.1 to 1 s a face of Source Sans 3 or Source Serif 4, four fifths of the PDF writing
(docs/maintainers/speed.md, "Without libharfbuzz-subset0"). Dropping what that first step drops
just before it (`_early_drops`) leaves fontTools the same work on the same tables, so the font
it writes is the same, byte for byte.

In one process (`--watch` after an edit, the screen and print PDFs of one document) the same face
is often cut to the same glyphs again. The cut is a function of the font's bytes, the glyphs
kept, WeasyPrint's two options and the date fontTools stamps (SOURCE_DATE_EPOCH, which
`font_dates` sets): the same key gives the same bytes, so it is kept by that key.
With libharfbuzz-subset0 WeasyPrint never calls fontTools here, and none of this runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os

from report import cache
from report.internals.versions import enabled

# Lazy: WeasyPrint and fontTools' subsetter, imported by then (this runs while a PDF is written).

LIMIT = 64  # subsets kept at most (each a few tens of KB): a long --watch session stays small
LAYOUT = ("GSUB", "GPOS")  # what fontTools reads in full before it drops them

_subsets: dict[str, bytes] = cache.remember({})


def _key(font, gids, hinting) -> str:
    content = hashlib.sha256(font.file_content).hexdigest()
    return cache.fingerprint("font-subset", [content, font.index, sorted(gids), bool(hinting), bool(font.missing),
                                             os.environ.get("SOURCE_DATE_EPOCH")])


def _early_drops(options, font) -> list[str]:
    """The layout tables the subsetter's first step would drop, and `kern` with GPOS, as that
    step decides it (kern goes where GPOS is, unless legacy_kern)."""
    drops = [tag for tag in LAYOUT if tag in font and tag in options.drop_tables]
    if "GPOS" in drops and "kern" in font and not options.legacy_kern:
        drops.append("kern")
    return drops


@contextlib.contextmanager
def remembered_subsets():
    """While a PDF is written: fontTools' subset of a face made without reading what it drops,
    or taken from this process's memory when the same face was cut to the same glyphs before."""
    from fontTools import subset as fonttools_subset
    from weasyprint.pdf import fonts

    original = getattr(fonts.Font, "_fonttools_subset", None)
    if not enabled() or original is None:
        yield
        return
    run = fonttools_subset.Subsetter.subset

    def subset_glyphs(self, font):
        for tag in _early_drops(self.options, font):
            del font[tag]
        return run(self, font)

    def subset(self, to_unicode, hinting):
        key = _key(self, to_unicode, hinting)
        kept = _subsets.get(key)
        if kept is not None:
            self.file_content = kept
            return
        before = self.file_content
        original(self, to_unicode, hinting)
        if self.file_content is not before:  # cut (a failure leaves the font whole, and is logged)
            while len(_subsets) >= LIMIT:
                _subsets.pop(next(iter(_subsets)))
            _subsets[key] = self.file_content

    fonts.Font._fonttools_subset, fonttools_subset.Subsetter.subset = subset, subset_glyphs
    try:
        yield
    finally:
        fonts.Font._fonttools_subset, fonttools_subset.Subsetter.subset = original, run
