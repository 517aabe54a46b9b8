"""Crop marks outside the bleed, where a print shop looks for them.

WeasyPrint draws its `marks: crop` inside the 3 mm bleed, so a band that bleeds off the page
(the masthead) paints over them. Instead the print PDF keeps WeasyPrint's 3 mm bleed
(TrimBox and BleedBox as WeasyPrint sets them) and this finisher widens each page's MediaBox
by a slug and draws the marks there, outside anything the document paints: each mark starts
3 pt beyond the bleed edge (a print shop trims the bleed off with some play) and runs 6 mm out.
"""

from __future__ import annotations

from report.internals.pdfobjects import pages

# Lazy: pydyf, when the print PDF is written; `--check` loads this module, not it.

MM = 72 / 25.4
SLUG = 12 * MM  # MediaBox beyond the trim
GAP = 3  # pt beyond the bleed edge: where each mark starts, clear of the bleed …
LENGTH = 6 * MM  # … and run outwards


def _box(page, key):
    return [float(v) for v in page[key]]


def add_crop_marks(document, pdf) -> None:
    """A WeasyPrint `finisher`: called with the pydyf PDF before it is written."""
    import pydyf

    for page in pages(pdf):
        x0, y0, x1, y1 = _box(page, "TrimBox")
        bleed = x0 - _box(page, "BleedBox")[0]  # as print.css sets it, the same on every side
        start = bleed + GAP
        page["MediaBox"] = pydyf.Array([x0 - SLUG, y0 - SLUG, x1 + SLUG, y1 + SLUG])
        marks = pydyf.Stream(compress=True)
        # An artifact for tagged PDF; registration black (every ink) as print shops expect.
        marks.stream.append(b"/Artifact BMC q 0.25 w 1 1 1 1 K")
        for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
            start_x, end_x = x + sx * start, x + sx * (start + LENGTH)
            start_y, end_y = y + sy * start, y + sy * (start + LENGTH)
            marks.stream.append(f"{start_x:.3f} {y:.3f} m {end_x:.3f} {y:.3f} l S".encode())
            marks.stream.append(f"{x:.3f} {start_y:.3f} m {x:.3f} {end_y:.3f} l S".encode())
        marks.stream.append(b"Q EMC")
        pdf.add_object(marks)
        # First in the page: WeasyPrint's own stream changes the graphics state and never restores it.
        page["Contents"] = pydyf.Array([marks.reference, page["Contents"]])
