"""The main column of laid-out pages as one strip (a galley), paged again without WeasyPrint.

Moving a figure to fill a hole shifts every page after it, and the shift may open a new hole
pages later: one WeasyPrint layout per hole, each of the whole document. The strip knows each
line's and each unbreakable block's height and the room above it, and the rules WeasyPrint
breaks pages by here (a block kept whole, orphans and widows, a heading kept with what
follows); paged again, it says where the pages would break once the HTML is changed, so that
`floats.settle` can change every hole of a long document before one layout. It is trusted only
where it pages the layout it was measured on exactly as WeasyPrint did; WeasyPrint's layout of
the changed HTML is still what is kept, and judged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from report.internals.boxes import (border_box, content_box, content_height, css, element_of, flow, is_a,
                                    is_line, margin_box, page_box, page_type_name, tag_of)

EPSILON = 0.01  # CSS px: what WeasyPrint's own comparisons let pass


@dataclass(frozen=True)
class Item:
    """A line of a paragraph, or a block kept whole (a figure, a list item that avoids breaks)."""

    element: object  # the paragraph of a line, or the block (an ElementTree element)
    line: int  # the line's place in its paragraph (0 for a block)
    lines: int  # the paragraph's lines (1 for a block)
    height: float
    gap: float  # room between it and the item before it on the same page
    top: float  # the margin above its block (a first line's paragraph's, a block's own)
    bottom: float  # the margin below its block
    keep: bool  # `break-after: avoid` (a heading): never the last thing on a page
    block: bool  # kept whole
    orphans: int = 0
    widows: int = 0
    origin: object = None  # for a line of half a paragraph: the line as it was measured


def _items(page) -> list[tuple[Item, float]]:
    """The page's items in order, each with where its bottom lies below the text area's top."""
    area = page_box(page)
    top = content_box(area).top
    found, inside, previous = [], None, top
    for box, ancestors in flow(page):
        if inside is not None and any(a is inside for a in ancestors):
            continue
        if css(box, "position") in ("absolute", "fixed"):
            inside = box
            continue
        whole = (is_a(box, "block") and tag_of(box) not in ("html", "body")
                 and css(box, "break-inside") in ("avoid", "avoid-page"))
        if not whole and not is_line(box) and not is_a(box, "block-replaced"):
            continue
        if whole or is_a(box, "block-replaced"):
            inside = box
            edges = border_box(box)
            item = Item(element_of(box), 0, 1, edges.bottom - edges.top, edges.top - previous,
                        *_margins(box), css(box, "break-after") == "avoid", True)
        else:
            edges, holder = margin_box(box), ancestors[-1]
            item = Item(element_of(box), 0, 0, edges.bottom - edges.top, edges.top - previous, *_margins(holder),
                        css(holder, "break-after") == "avoid", False, css(holder, "orphans"), css(holder, "widows"))
        found.append((item, edges.bottom - top))
        previous = edges.bottom
    return found


def _margins(box) -> tuple[float, float]:
    """The margins above and below a block as its style sets them (in CSS px): a page's first
    block has its top margin dropped, and the laid-out box says 0."""
    outer, edges = margin_box(box), border_box(box)
    above, below = css(box, "margin-top"), css(box, "margin-bottom")
    return (above.value if getattr(above, "unit", None) == "px" else edges.top - outer.top,
            below.value if getattr(below, "unit", None) == "px" else outer.bottom - edges.bottom)


@dataclass(frozen=True)
class Strip:
    """The pages from `first` (1-based) to the end of their run of one page type, as items."""

    first: int
    height: float  # the text area's height, the same on every page of the run
    items: tuple[Item, ...]
    starts: tuple[int, ...]  # where each page of the run starts, as laid out
    trusted: int  # the pages, from `first`, that paging the items breaks where WeasyPrint did


def measure(document, first: int) -> Strip | None:
    """The strip of `document` from page `first`, trusted as far as paging it breaks the pages
    where WeasyPrint did (a forced break or a box the rules here do not know ends the trust);
    None when that is not even the first two pages."""
    pages = document.pages[first - 1:]
    kind = page_type_name(pages[0])
    height = content_height(page_box(pages[0]))
    items: list[Item] = []
    starts = []
    for page in pages:
        if page_type_name(page) != kind or abs(content_height(page_box(page)) - height) > EPSILON:
            break
        starts.append(len(items))
        found = [item for item, _ in _items(page)]
        if found and items:  # the room above a page's first item was dropped: as two margins meet
            found[0] = replace(found[0], gap=max(items[-1].bottom, found[0].top))
        items += found
    items = _numbered(items)
    paged = paginate(items, height)
    trusted = next((k for k, (a, b) in enumerate(zip(paged, starts)) if a != b), min(len(paged), len(starts)))
    return Strip(first, height, tuple(items), tuple(starts), trusted) if trusted >= 2 else None


def _numbered(items: list[Item]) -> list[Item]:
    """Each line given its place in its paragraph and the paragraph's count of lines."""
    counts: dict = {}
    for item in items:
        if not item.block:
            counts[id(item.element)] = counts.get(id(item.element), 0) + 1
    seen: dict = {}
    numbered = []
    for item in items:
        if not item.block:
            n = seen[id(item.element)] = seen.get(id(item.element), -1) + 1
            item = replace(item, line=n, lines=counts[id(item.element)])
        numbered.append(item)
    return numbered


def paginate(items: tuple[Item, ...] | list[Item], height: float) -> list[int]:
    """Where each page starts, items paged as WeasyPrint pages them: a block whole, at least
    `orphans` and `widows` lines of a paragraph on a page, a heading with what follows it."""
    starts, y, at, n = [0], 0.0, 0, len(items)
    while at < n:
        item = items[at]
        room = 0.0 if at == starts[-1] else item.gap  # the margin at the top of a page is dropped
        if y + room + item.height <= height + EPSILON or at == starts[-1]:
            y += room + item.height
            at += 1
            continue
        cut = at
        if not item.block and item.line > 0:  # inside a paragraph: orphans and widows
            if item.lines - item.line < item.widows:
                cut -= item.widows - (item.lines - item.line)
            if cut - (at - item.line) < item.orphans:
                cut = at - item.line
        while cut - 1 > starts[-1] and items[cut - 1].keep:  # a heading goes on with what follows it
            cut -= 1
        if cut <= starts[-1]:
            cut = at  # nothing to keep together with: break where the room ends
        starts.append(cut)
        y, at = 0.0, cut
    return starts


def fills(items, starts: list[int], height: float) -> list[float]:
    """The share of the text area each page fills, from its items."""
    shares = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(items)
        y = sum(item.height + (item.gap if i > start else 0.0) for i, item in enumerate(items[start:end], start))
        shares.append(min(1.0, y / height) if height > 0 else 1.0)
    return shares


def rearranged(strip: Strip, root, cuts: dict) -> list[Item]:
    """The strip's items in the order of the elements in `root` once changed; `cuts` maps each
    half of a paragraph cut in two to (the paragraph, its first line, its lines). The room
    between two items that are no longer neighbours is the larger of their margins."""
    own: dict = {}
    for item in strip.items:
        own.setdefault(id(item.element), []).append(item)
    before = {id(b): a for a, b in zip(strip.items, strip.items[1:])}
    order: list[Item] = []
    for element in root.iter():
        if id(element) in cuts:
            paragraph, start, count = cuts[id(element)]
            lines = own.get(id(paragraph), [])[start:start + count]
            order += [replace(line, element=element, line=k, lines=len(lines), origin=line) for k, line in enumerate(lines)]
        else:
            order += own.get(id(element), [])
    result = []
    for k, item in enumerate(order):
        previous = order[k - 1] if k else None
        if previous is not None and before.get(id(item.origin or item)) is not (previous.origin or previous) and not (
                previous.element is item.element and not item.block):
            item = replace(item, gap=max(previous.bottom, item.top))
        result.append(item)
    return result
