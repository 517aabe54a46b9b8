"""Where a laid-out page's lines and marked words stand: what a proof numbers and annotates.

WeasyPrint has no CSS line numbering and no public API for positions; its line boxes
(`LineBox.position_y`, `.baseline`, relative to the line's top) and the element each box
comes from are read here, through the readers of `boxes.py`. CSS px, from the page's top left.

The lines numbered are those of the text column as an author refers to them: from the title
down (the masthead above it, the publisher's, is not the author's text), and not what is taken
out of the column into the rail (a note, a figure's source: absolutely positioned, beside lines
of their own), which an author names by its number.
"""

from __future__ import annotations

from dataclasses import dataclass

from report.internals.boxes import css, element_of, flow, is_line, margin_box, page_box, tag


@dataclass(frozen=True)
class PageLines:
    width: float
    height: float
    content: tuple[float, float, float, float]  # the page area: x, y, width, height
    baselines: tuple[float, ...]  # every line of the text column, top to bottom, one per height
    marked: dict  # a mark's number → the top and height of the first line it stands on
    left: float  # the left edge of the page's leftmost line (the rail's too): numbers go left of it


def page_lines(page, css_class: str, attribute: str) -> PageLines:
    """The lines of `page` (a laid-out `weasyprint.Page`), and where the elements of `css_class`
    stand, by the numbers their `attribute` names (space-separated)."""
    root = page_box(page)
    baselines: list[float] = []
    marked: dict[int, tuple[float, float]] = {}
    title = None  # the top of the title's first line, on the page that holds it
    edges: list[tuple[float, float]] = []  # (top, left) of every line, the rail's too
    for box, ancestors in flow(page):
        if is_line(box):
            edges.append((box.position_y, margin_box(box).left))
            if any(css(a, "position") in ("absolute", "fixed") for a in ancestors):
                continue  # in the rail, not in the column
            if title is None and any(tag(element_of(a)) == "h1" for a in ancestors):
                title = box.position_y
            baselines.append(box.position_y + box.baseline)
            continue
        element = getattr(box, "element", None)
        if element is None or box.height <= 0 or css_class not in (element.get("class") or "").split():
            continue
        line = next((a for a in reversed(ancestors) if is_line(a)), None)
        top, height = (line.position_y, line.height) if line is not None else (box.position_y, box.height)
        for number in (element.get(attribute) or "").split():
            marked.setdefault(int(number), (top, height))
    if title is not None:  # the masthead above the title
        baselines = [b for b in baselines if b >= title]
    left = min([root.content_box_x()] + [x for top, x in edges if title is None or top >= title])
    seen: list[float] = []
    for y in sorted(baselines):  # cells side by side share a line: one number
        if not seen or y - seen[-1] > 2:
            seen.append(y)
    return PageLines(page.width, page.height,
                     (root.content_box_x(), root.content_box_y(), root.width, root.height),
                     tuple(seen), marked, left)
