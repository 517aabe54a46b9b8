"""Notes in the rail, after layout: stacked without overlap, and sent to the foot of the page
when the rail cannot hold them.

Each rail item (`render.rail`: a note, a figure's source, a pull quote, a key figure) is laid
out where it stands in the text, out of the flow, so it starts at the line of its call. Two
close calls would overlap: each item is moved down under the one above it (moving an
out-of-flow box moves nothing else, so no layout pass is needed). A note whose foot would then
pass the text area's is set at the foot of its page instead, and only then are the pages laid
out again: a document whose notes fit costs no pass more than one without notes.

On facing pages (the print PDF, `mirrored`) the rail is each page's outer margin. The stylesheet
cannot tell a page's side to a box in the flow, so it sets every item left of the column, as on
a left-hand page; on a right-hand page each is moved across, to the same distance right of the
column. Its lines stay as they were set, flush left: against the column on a right-hand page,
ragged towards the column on a left-hand one, as on screen (a ragged left edge reads badly in a
note of a few words a line). What else hangs in the rail (a recommendation's number, a Report's
section number: a marker or a `::before` left of the column) is moved across the same way, its
figures flush left against the column.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from report.internals import boxes
from report.internals.boxes import descendants
from report.render.rail import IN_RAIL, to_foot

GAP = 4.0  # px (3 pt): between two items stacked in the rail
FREE = {"pull-quote", "key-figure"}  # rail items tied to no line of the text
ROUNDS = 4  # layouts at most: each round sends at least one more note to the foot


def _classes(box) -> list[str]:
    element = boxes.element_of(box)
    return (element.get("class") or "").split() if element is not None else []


def rail_items(page) -> list:
    """The page's rail items (their outermost boxes), top first."""
    found, seen = [], set()
    for box, _ in boxes.flow(page):
        element = boxes.element_of(box)
        if element is None or id(element) in seen or not boxes.is_a(boxes.placed(box), "block"):
            continue
        if IN_RAIL in _classes(box):
            seen.add(id(element))
            found.append(box)
    return sorted(found, key=lambda b: boxes.border_box(b).top)


def _rail_bottom(page) -> float:
    """Where the rail ends: the foot of the text area, or above the page's footnotes."""
    root = boxes.page_box(page)
    bottom = boxes.content_box(root).bottom
    for area in boxes.children(root):
        if boxes.is_a(area, "footnote-area") and boxes.children(area):
            bottom = min(bottom, boxes.margin_box(area).top)
    return bottom


def _to_outer_side(page, items: list) -> None:
    """A right-hand page's rail items moved from left of the column to right of it, mirrored:
    an item that ended `gap` before the column starts `gap` after it. What the stylesheet kept
    in the column (a table's source) stays."""
    column = boxes.content_box(boxes.page_box(page))
    for box in items:
        edges = boxes.border_box(box)
        if boxes.is_absolute(box) and edges.right <= column.left + 0.5:
            boxes.move(box, 0.0, column.right + (column.left - edges.right) - edges.left)


HANGING = ("::marker", "::before")  # the generated boxes that hang in the rail: numbers
NUMBER_GAP = 15.0  # px (4 mm): at least between a mirrored number and the column, whose lines
# end ragged right at its edge (a recommendation's number would read on from the last word)


def _ink(box) -> boxes.Rect:
    """Where a box's text stands (a number set flush right in a wider box: the figures alone)."""
    runs = [boxes.margin_box(b) for b in descendants(box) if boxes.text_of(b).strip()]
    if not runs:
        return boxes.border_box(box)
    return boxes.Rect(min(r.left for r in runs), min(r.top for r in runs),
                      max(r.right for r in runs), max(r.bottom for r in runs))


def _clear(number: boxes.Rect, items: list) -> None:
    """The rail's items above a number (now in their column: the rail's left edge is the
    numbers' side) lifted clear of it, bottom first: a figure's source or note only, which
    stays beside its figure; a note keeps its call's line."""
    limit = number.top - GAP
    for box in sorted(items, key=lambda b: -boxes.border_box(b).bottom):
        edges = boxes.border_box(box)
        if edges.top >= number.bottom or edges.right <= number.left or edges.left >= number.right:
            continue
        if edges.bottom <= limit or not {"figure-source", "figure-note"} & set(_classes(box)):
            break
        boxes.move(box, limit - edges.bottom)
        limit = edges.top + (limit - edges.bottom) - GAP


def hang_outward(document) -> None:
    """On facing pages, the numbers hanging left of the column on a right-hand page moved to its
    right, mirrored: as far from the column as they stood (at least `NUMBER_GAP`), flush left.
    On screen they stand clear of the rail's items, which end `--sidenote-gap` before the
    column; here those start that far after it, over the number: a figure's source is lifted."""
    for page in document.pages:
        if boxes.page_side(page) != "right":
            continue
        column = boxes.content_box(boxes.page_box(page))
        items = rail_items(page)
        for box in descendants(boxes.page_box(page)):
            if boxes.tag_of(box).endswith(HANGING) and boxes.has_edges(box):
                ink = _ink(box)
                if ink.right <= column.left + 0.5:
                    dx = column.right + max(column.left - ink.right, NUMBER_GAP) - ink.left
                    boxes.move(box, 0.0, dx)
                    _clear(ink._replace(left=ink.left + dx, right=ink.right + dx), items)


def stack(document, mirrored: bool = False) -> tuple[str, ...]:
    """Every page's rail items placed without overlap; the ids of the notes whose foot would
    pass the foot of the rail (to be set at the foot of the page). `mirrored`: facing pages,
    the rail in each page's outer margin.

    What belongs to a line (a note, a figure's source) comes first: each at its line, or under
    the one above it. A pull quote or a key figure belongs to no line: it takes the first gap
    at or below where it stands that holds it."""
    full: list[str] = []
    for page in document.pages:
        bottom = _rail_bottom(page)
        items = rail_items(page)
        if mirrored and boxes.page_side(page) == "right":
            _to_outer_side(page, items)
        free = [b for b in items if FREE & set(_classes(b))]
        placed = []
        floor = None
        for box in (b for b in items if b not in free):
            edges = boxes.border_box(box)
            if floor is not None and edges.top < floor:
                boxes.move(box, floor - edges.top)
                edges = boxes.border_box(box)
            if edges.bottom > bottom + 0.5 and "sidenote" in _classes(box):
                full.append(boxes.element_of(box).get("id"))
                continue  # it leaves the rail: the next item may take its place
            floor = edges.bottom + GAP
            placed.append(box)
        # A figure's source or note at the foot of a page stays above the foot of the text area:
        # lifted, with what is stacked above it, as far as it would pass it.
        ceiling = bottom
        for box in reversed(placed):
            edges = boxes.border_box(box)
            if edges.bottom > ceiling + 0.5:
                boxes.move(box, ceiling - edges.bottom)
                edges = boxes.border_box(box)
            ceiling = edges.top - GAP
        taken = [(boxes.border_box(b).top, boxes.border_box(b).bottom) for b in placed]
        for box in free:
            edges = boxes.border_box(box)
            height = edges.bottom - edges.top
            for top in sorted({edges.top} | {b + GAP for _, b in taken if b + GAP > edges.top}):
                if top + height <= bottom + 0.5 and not any(
                        top < b + GAP and t < top + height + GAP for t, b in taken):
                    boxes.move(box, top - edges.top)
                    taken.append((top, top + height))
                    break
    return tuple(full)


def stacked(lay_out: Callable, mirrored: bool = False) -> Callable:
    """`lay_out` (Html → document), with its rail stacked (`mirrored`: in the outer margin of
    facing pages); laid out again only when a note must go to the foot of its page."""
    def run(html):
        document = rail(html)
        if mirrored:
            hang_outward(document)
        return document

    def rail(html):
        document = lay_out(html)
        if IN_RAIL not in html.text:
            return document
        for _ in range(ROUNDS):
            full = stack(document, mirrored)
            if not full:
                return document
            html = replace(html, text=to_foot(html.text, full))
            document = lay_out(html)
        stack(document, mirrored)  # the last round's rail stacked too; a note still too long stays in it
        return document
    return run


__all__ = ["stack", "stacked"]
