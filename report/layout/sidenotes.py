"""Notes in the rail, after layout: stacked without overlap, and sent to the foot of the page
when the rail cannot hold them.

Each rail item (`render.rail`: a note, a figure's source, a pull quote, a key figure) is laid
out where it stands in the text, out of the flow, so it starts at the line of its call. Two
close calls would overlap: each item is moved down under the one above it (moving an
out-of-flow box moves nothing else, so no layout pass is needed). A note whose foot would then
pass the text area's is set at the foot of its page instead, and only then are the pages laid
out again: a document whose notes fit costs no pass more than one without notes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from report.internals import boxes
from report.render.rail import IN_RAIL, to_foot

GAP = 4.0  # px (3 pt): between two items stacked in the rail
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


def stack(document) -> tuple[str, ...]:
    """Every page's rail items moved down so that none overlaps the one above; the ids of the
    notes whose foot then passes the foot of the text area (to be set at the foot)."""
    full: list[str] = []
    for page in document.pages:
        bottom = boxes.content_box(boxes.page_box(page)).bottom
        floor = None
        for box in rail_items(page):
            edges = boxes.border_box(box)
            if floor is not None and edges.top < floor:
                boxes.move(box, floor - edges.top)
                edges = boxes.border_box(box)
            if edges.bottom > bottom + 0.5 and "sidenote" in _classes(box):
                full.append(boxes.element_of(box).get("id"))
                continue  # it leaves the rail: the next item may take its place
            floor = edges.bottom + GAP
    return tuple(full)


def stacked(lay_out: Callable) -> Callable:
    """`lay_out` (Html → document), with its rail stacked; laid out again only when a note must
    go to the foot of its page."""
    def run(html):
        document = lay_out(html)
        if IN_RAIL not in html.text:
            return document
        for _ in range(ROUNDS):
            full = stack(document)
            if not full:
                return document
            html = replace(html, text=to_foot(html.text, full))
            document = lay_out(html)
        stack(document)  # the last round's rail stacked too; a note still too long stays in it
        return document
    return run


__all__ = ["stack", "stacked"]
