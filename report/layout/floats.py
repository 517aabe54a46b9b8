"""Figures and boxes placed as a layout desk would: no hole at the foot of a page.

WeasyPrint 70 has no page floats. A figure that does not fit in the room left on a page goes
to the next one whole (`break-inside: avoid`) and leaves the foot of the page empty. So the
pages are laid out, the holes measured from the boxes, and the HTML changed where a desk
would change the page; then laid out again, a bounded number of times:

- a figure or table that moved on is placed after the text that follows it: the text fills
  the page, the paragraph that crosses the page break is cut there, and the figure opens the
  next page (or, when the cut would leave a new hole further on, stands after the whole
  paragraph). Figures written together move together; a figure never
  passes another figure or table nor leaves its container, and a heading keeps its first
  paragraph: figures stay in number order, at most one page after the text that calls them;
- a list item or a box (an item of the recommendations) that moved on may break inside it
  (two lines at least on either page), so that no item is left alone above a gap;
- a nearly empty last page takes the last blocks of the page before, if that page stays full.

In a long document, filling one hole shifts every page after it and may open the next: every
such hole is changed before one layout, where a strip of the laid-out lines and blocks, paged
again without WeasyPrint (`galley.py`), says it opens; then one hole at a time, as above, for
what is left. A change is kept only when the pages get better. The same HTML gives the same pages, the same
changes and the same bytes. The rules: docs/reference/typesetting-layout.md.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable

from report import cache
from report.errors import quote
from report.internals import page_box, text as laid_text
from report.internals.boxes import (  # noqa: F401  (floats.flow, floats.is_line: what tests read)
    border_box, border_bottom_width, children, content_box, content_height, css, descendants, element_of, flow, is_a,
    is_line, leaves as _leaves, margin_box, margin_height, page_type_name, tag as _tag, tag_of, text_of)
from report.layout import galley
from report.model import Html

# Lazy: WeasyPrint (about 1 s), after layout only; `--check` loads this module, not it.

NEAR_EMPTY = 0.15  # a last page filled less than this is nearly empty (as preflight says)
FULL = 0.88  # a page before the last is full when its text reaches this share of the text area
PASSES = 6  # layouts after the first, at most
FORCED = {"page", "left", "right", "recto", "verso"}
MOVABLE = ("figure", "table")  # blocks that may stand later than where they are written
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# A figure stays in its container and in number order: it never passes these.
BARRIERS = {"figure", "table", "section", "aside", "nav", "header", "footer"}
SPLITTABLE = ("li", "div", "section", "aside", "blockquote")  # boxes that may break inside once moved on
MIN_LINES_TO_SPLIT = 4


@dataclass(frozen=True)
class Gap:
    """A page before the last left short because what comes next moved on whole."""

    page: int  # 1-based
    fill: float  # share of the text area used, 0..1
    moved: object  # the element that went on to the next page (an ElementTree element)


def _drawn_bottom(box) -> float:
    """Where a box's ink ends: a line's or picture's margin box, a block's border box."""
    if is_a(box, "line", "block-replaced"):
        return margin_box(box).bottom
    return border_box(box).bottom


def fill(page) -> float:
    """The share of the page's text area that its content uses, from the top of the area."""
    area = page_box(page)
    top, height = content_box(area).top, content_height(area)
    bottom = top
    for box, _ in flow(page):
        if css(box, "position") in ("absolute", "fixed"):
            continue
        if is_line(box) or is_a(box, "block-replaced"):
            bottom = max(bottom, _drawn_bottom(box))
        elif is_a(box, "block") and (
                css(box, "background-color").alpha > 0 or border_bottom_width(box) > 0) and tag_of(box) not in ("html", "body"):
            bottom = max(bottom, _drawn_bottom(box))
    return max(0.0, min(1.0, (bottom - top) / height)) if height > 0 else 1.0


def _elements(page) -> set:
    return {element_of(box) for box, _ in flow(page) if element_of(box) is not None}


def _root_of(page):
    boxes = children(page_box(page))
    return element_of(boxes[0]) if boxes else None


def gaps(document, full: float = FULL) -> list[Gap]:
    """Pages before the last that are less than `full` because a block moved on whole.

    A page ended on purpose is not a gap: a forced break (`break-before`/`break-after: page`,
    a section that starts on a right-hand page), a change of named page (a cover), the last
    page of one document in a reader.
    """
    pages = document.pages
    elements = [_elements(page) for page in pages]
    found = []
    for index in range(len(pages) - 1):
        used = fill(pages[index])
        if used >= full or used == 0:
            continue  # full, or a blank page: only a forced break to a right- or left-hand page makes one
        turn = page_turn(document, index, elements)
        if turn not in (None, INSIDE):  # else the page ends inside a paragraph: its orphans and widows
            found.append(Gap(index + 1, used, turn))
    return found


INSIDE = "inside"  # page_turn: the page ends inside a paragraph (or list item) that goes on


def page_turn(document, index: int, elements: list | None = None):
    """What goes on from page `index` (0-based) to the next when nothing forced the break: the
    element that starts the next page whole (a figure, a heading, a paragraph moved on), or
    `INSIDE` when the page ends inside a block that goes on. None for a turn made on purpose: a
    forced break, a change of named page (a cover), the end of one document of a reader."""
    pages = document.pages
    page, following = pages[index], pages[index + 1]
    if page_type_name(page) != page_type_name(following) or _root_of(page) is not _root_of(following):
        return None
    here, there = (elements[index], elements[index + 1]) if elements else (_elements(page), _elements(following))
    first = next(_leaves(following), None)
    last = None
    for last in flow(page):  # the deepest last box: a page may hold no line, only boxes
        pass
    if first is None or last is None:
        return None
    ending = [a for a in (*last[1], last[0]) if element_of(a) is not None and element_of(a) not in there]
    starting = [a for a in (*first[1], first[0]) if element_of(a) is not None and element_of(a) not in here]
    if any(css(a, "break-after") in FORCED for a in ending) or any(css(a, "break-before") in FORCED for a in starting):
        return None
    return element_of(starting[0]) if starting else INSIDE


def describe(element) -> str:
    """How an editor names a moved block: figure 'Figure 1. …', list item '…', a table."""
    tag = _tag(element)
    if tag == "figure":
        caption = next((c for c in element if _tag(c) == "figcaption"), None)
        return f"figure {quote(_short(caption if caption is not None else element))}"
    if tag == "table":
        return "a table"
    kind = {"li": "list item", "p": "paragraph"}.get(tag, "heading" if tag in HEADINGS else f"a box ({tag})")
    return f"{kind} {quote(_short(element))}"


def _short(element, limit: int = 50) -> str:
    text = " ".join("".join(element.itertext()).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# ---- Changing the HTML -------------------------------------------------------------------

def _root(document):
    return element_of(children(page_box(document.pages[0]))[0])


def _parents(root) -> dict:
    return {child: parent for parent in root.iter() for child in parent}


def _movable(element, parents) -> object | None:
    """The figure or table (or its wrapper) that holds `element`, if it may move."""
    while element is not None:
        if _tag(element) in MOVABLE:
            return element
        element = parents.get(element)
    return None


def _heights(document) -> dict:
    """element → total height of its boxes over all pages (a block split across pages counts whole)."""
    heights: dict = {}
    for page in document.pages:
        for box, _ in flow(page):
            if is_a(box, "block-level") and element_of(box) is not None:
                heights[element_of(box)] = heights.get(element_of(box), 0.0) + margin_height(box)
    return heights


def _lines(document, element) -> int:
    count = 0
    for page in document.pages:
        for box, ancestors in flow(page):
            if is_line(box) and any(element_of(a) is element for a in ancestors):
                count += 1
    return count


def _fix(document, gap: Gap, parents, cut: bool = True):
    """Change the tree for one gap: a function that undoes the change, or None when a desk
    would leave the gap as it is (or, with `cut`, when no paragraph can be cut for it)."""
    page = document.pages[gap.page - 1]
    room = (1 - gap.fill) * content_height(page_box(page))
    moving = _movable(gap.moved, parents)
    if moving is None and _tag(gap.moved) in HEADINGS:
        # a heading goes with what follows it: when that is a figure, the figure is what moved
        parent = parents.get(gap.moved)
        siblings = list(parent) if parent is not None else []
        at = siblings.index(gap.moved) + 1 if parent is not None else 0
        moving = _movable(siblings[at], parents) if at < len(siblings) else None
    if moving is not None:
        parent = parents.get(moving)
        siblings = list(parent)
        heights = _heights(document)
        at = siblings.index(moving)
        group = [moving]  # figures written one after another move together, in their order
        while at + len(group) < len(siblings) and _movable(siblings[at + len(group)], parents) is not None:
            group.append(siblings[at + len(group)])
        taken, filled = [], 0.0
        for sibling in siblings[at + len(group):]:
            if _tag(sibling) in BARRIERS or _movable(sibling, parents) is not None or sibling not in heights:
                break
            taken.append(sibling)
            filled += heights[sibling]
            if filled >= room and _tag(sibling) not in HEADINGS:
                break  # a heading keeps with what follows it: go on to its text
        while taken and _tag(taken[-1]) in HEADINGS:
            taken.pop()
        if not taken:
            return None
        last = taken[-1]
        halves = _split_at_page(document, last, room - (filled - heights[last])) if cut and filled > room else None
        if cut and halves is None:
            return None  # the other way, the figure after the whole paragraph, is tried next
        for element in group:
            parent.remove(element)
        if halves is not None:  # the paragraph that crosses the break is cut there: figure on top
            where = list(parent).index(last)
            parent.remove(last)
            for offset, element in enumerate((halves[0], *group, halves[1])):
                parent.insert(where + offset, element)
        else:
            after = list(parent).index(last) + 1
            for offset, element in enumerate(group):
                parent.insert(after + offset, element)

        def undo():
            for element in group:
                parent.remove(element)
            if halves is not None:
                where = list(parent).index(halves[0])
                parent.remove(halves[0])
                parent.remove(halves[1])
                parent.insert(where, last)
            for offset, element in enumerate(group):
                parent.insert(at + offset, element)
        # the halves of the paragraph, for `galley.rearranged`: (the paragraph, first line, lines)
        undo.cuts = {} if halves is None else {
            id(halves[0]): (last, 0, halves[2]), id(halves[1]): (last, halves[2], 10 ** 6)}
        return undo
    element = gap.moved
    if _tag(element) not in SPLITTABLE or _lines(document, element) < MIN_LINES_TO_SPLIT:
        return None
    if "break-inside" in (element.get("style") or ""):
        return None  # split already; nothing more to give
    return _add_style(element, "break-inside: auto; orphans: 2; widows: 2")


def _add_style(element, css: str):
    """Add `css` to the element's own style; a function that puts the style back as it was."""
    style = element.get("style")
    element.set("style", ((style + "; ") if style else "") + css)

    def undo():
        if style is None:
            del element.attrib["style"]
        else:
            element.set("style", style)
    return undo


def line_text(line) -> str:
    return "".join(text_of(b) for b in descendants(line))


def _split_at_page(document, paragraph, room: float):
    """The paragraph cut in two where the page would break it, given `room` (CSS px) left on
    the page: (the lines that fit, the rest, how many lines fit), or None when it should stay whole.

    Lines break the same wherever a paragraph stands in the column (same width, one line at a
    time), so the lines it has where it now stands tell where the page would cut it. The cut
    goes before the first word of the next page's first line (a word hyphenated at the cut goes
    over whole), at least two lines on either side (orphans and widows)."""
    if _tag(paragraph) != "p":
        return None
    lines = [box for page in document.pages for box, ancestors in flow(page)
             if is_a(box, "line") and element_of(box) is paragraph and is_line(box)]
    fit, used = 0, 0.0
    for line in lines:
        used += content_height(line)
        if used > room - 1:
            break
        fit += 1
    if fit < 2 or len(lines) - fit < 2:
        return None
    hyphen = laid_text.hyphen(lines[0])
    words: list[str] = []
    cut = None
    carry = ""
    for n, line in enumerate(lines):
        if n == fit:
            cut = len(words)  # a word hyphenated across the cut has not been counted yet
        text = carry + line_text(line)
        carry = ""
        if text.endswith(hyphen):
            head, _, partial = text[:-len(hyphen)].rpartition(" ") if " " in text else ("", "", text[:-len(hyphen)])
            text, carry = head, partial
        words += text.split()
    words += carry.split()
    source = "".join(paragraph.itertext())
    found = list(re.finditer(r"\S+", source))
    if cut is None or [m[0] for m in found] != words:
        return None  # the laid-out words are not the source's (generated text): leave it whole
    offset = found[cut].start()
    first, rest = _slice(paragraph, 0, offset), _slice(paragraph, offset, len(source))
    first.tail, rest.tail = None, paragraph.tail
    rest.attrib.pop("id", None)
    style = "text-indent: 0"  # the second half goes on the paragraph, not a new one
    if laid_text.justified(lines[0]):
        _add_style(first, "text-align-last: justify")
    _add_style(rest, style)
    return first, rest, fit


def _slice(element, start: int, end: int):
    """A copy of `element` holding only the characters [start, end) of its text (in `itertext`
    order), its inline elements cut the same way; an element cut at its start loses its id."""
    copy = ElementTree.Element(element.tag, dict(element.attrib))
    if start > 0:
        copy.attrib.pop("id", None)
    pos = 0

    def piece(text: str) -> str:
        return text[max(0, start - pos):max(0, end - pos)]

    text = element.text or ""
    copy.text = piece(text) or None
    pos += len(text)
    last = None
    for child in element:
        length = len("".join(child.itertext()))
        if (length == 0 and start <= pos < end) or (length and pos < end and pos + length > start):
            last = _slice(child, start - pos, end - pos)
            last.tail = None
            copy.append(last)
        pos += length
        tail = child.tail or ""
        bit = piece(tail)
        if bit:
            if last is not None:
                last.tail = (last.tail or "") + bit
            else:
                copy.text = (copy.text or "") + bit
        pos += len(tail)
    return copy


def _serialise(root, doctype: str) -> str:
    return doctype + ElementTree.tostring(root, encoding="unicode", method="html")


add_style, serialise, split_at_page = _add_style, _serialise, _split_at_page  # what pagefoot.py changes with


_settled: dict[str, str] = cache.remember({})  # digest of HTML and layout → the HTML settled on, for a rebuild
MEMORY = 16


def _candidates(document, full: float, parents):
    """(what, the ways to change it, best first) for each fault a desk would change, in page
    order. A figure goes to the top of the next page, the paragraph before it cut at the
    break; or, when that leaves a new hole further on, after the whole paragraph."""
    for gap in gaps(document, full):
        yield (gap.page, describe(gap.moved)), (partial(_fix, document, gap, parents, True),
                                                partial(_fix, document, gap, parents, False))
    pages = document.pages
    if len(pages) > 1 and fill(pages[-1]) < NEAR_EMPTY:
        yield (len(pages), "last page"), (partial(_fill_last_page, document, full, parents),)


def _fill_last_page(document, full: float, parents):
    """A nearly empty last page takes the last blocks of the page before: a page break before
    the latest block that moves enough, as long as that page stays nearly full (`full` less
    5 %: a page that ends before the end matter may end a little short)."""
    page = document.pages[-2]
    area = page_box(page)
    top, height = content_box(area).top, content_height(area)
    need = (NEAR_EMPTY + 0.03 - fill(document.pages[-1])) * height
    used = top + fill(page) * height
    earlier = set().union(*(_elements(p) for p in document.pages[:-2]))
    chosen = None
    for box, ancestors in flow(page):
        element = element_of(box)
        if (not is_a(box, "block") or element is None or element in earlier
                or css(box, "position") in ("absolute", "fixed")
                or _tag(element) in ("html", "body", "main")):
            continue
        start = border_box(box).top
        if start >= top + (full - 0.05) * height and used - start >= need and not _follows_heading(element, parents):
            if chosen is None or start > chosen[0]:
                chosen = (start, element)
    if chosen is None:
        return None
    return _add_style(chosen[1], "break-before: page")


def _follows_heading(element, parents) -> bool:
    """The element comes right after a heading (or is the first thing inside a block that does)."""
    while element is not None:
        parent = parents.get(element)
        if parent is None:
            return False
        siblings = list(parent)
        at = siblings.index(element)
        if at > 0:
            return _tag(siblings[at - 1]) in HEADINGS
        element = parent
    return False


def _all_at_once(document, full: float, parents, root) -> list:
    """Every hole from the first on, changed in the tree: the first as laid out, each next
    where the strip (`galley`) of the pages so changed says it opens; the undos, in order.

    A hole moved on fills the page with the text after the figure, and every page after it
    then breaks earlier: the next hole is where the strip pages a figure (or a heading before
    one) to the next page and leaves the page short. Pages the strip does not page as WeasyPrint
    did are left to the layouts one hole at a time."""
    found = gaps(document, full)
    strip = galley.measure(document, found[0].page) if found else None
    if strip is None:
        return []
    last_page = strip.first + strip.trusted - 2  # the last page whose end the strip knows
    undos, cuts, gap = [], {}, found[0]
    while gap is not None:
        undo = _fix(document, gap, parents, True) or _fix(document, gap, parents, False)
        if undo is not None:
            undos.append(undo)
            cuts.update(getattr(undo, "cuts", {}))
        items = galley.rearranged(strip, root, cuts)
        starts = galley.paginate(items, strip.height)
        shares = galley.fills(items, starts, strip.height)
        done, gap = gap.page, None
        for k in range(done - strip.first + 1, min(len(starts) - 1, last_page - strip.first + 1)):
            head = items[starts[k + 1]]
            if shares[k] < full and (head.block or head.keep):
                gap = Gap(strip.first + k, shares[k], _outermost(head.element, parents))
                break
    return undos


def _outermost(element, parents):
    """The outermost element that starts with `element` (what `gaps` names as moved on)."""
    while (parent := parents.get(element)) is not None and _tag(parent) not in ("html", "body", "main") \
            and len(parent) and parent[0] is element:
        element = parent
    return element


def _faults(document, full: float) -> tuple[int, int, int]:
    """How bad a layout is, to compare two: (gaps and a nearly empty last page, the largest hole
    in whole lines' worth of a page (a fiftieth), -first page): a fault moved on is no better
    when it leaves a larger hole."""
    holes = gaps(document, full)
    found = [g.page for g in holes]
    if len(document.pages) > 1 and fill(document.pages[-1]) < NEAR_EMPTY:
        found.append(len(document.pages))
    largest = max((round((1 - g.fill) * 50) for g in holes), default=0)
    return len(found), largest, -min(found, default=len(document.pages) + 1)


def settle(html: Html, lay_out: Callable[[Html], object], context: str = "", full: float = FULL,
           passes: int = PASSES, store: Path | None = None, finish: Callable | None = None):
    """Lay `html` out with `lay_out`, fixing faults one at a time; the final layout.

    First every hole from the first on, where the strip of the pages says it opens once the
    holes before it are changed (`_all_at_once`), in one layout, kept when it has fewer faults
    (or the first later); then one fault at a time, the first a desk would change: the layout
    after a change differs from the one measured. Each way of changing it is laid out, the first that removes a fault is
    kept, else the best that moves the first fault later; never more than `passes` layouts
    after the first, so the passes end. `context` names what else decides the layout (the
    print stylesheet): the same HTML and context were settled before in this process (a
    rebuild in --watch), that result is laid out once, the same as settling again would give.
    With `store` (a cache folder), what was settled is kept there for the next process, under
    the digest of the HTML and the context: the caller's context must then name everything
    else that decides the layout (stylesheets, fonts, pictures, library and code versions).
    `finish(html, layout, lay_out)` mends what is left once the figures stand (the page turns,
    `pagefoot.mend`): (html, layout), kept with what was settled.
    """
    key = hashlib.sha256((context + "\0" + html.text).encode("utf-8")).hexdigest()
    start = _settled.get(key)
    if start is None and store is not None:
        try:
            start = (cache.read(store / f"{key}.html") or b"").decode("utf-8") or None
        except UnicodeDecodeError:
            start = None
    if start is not None:
        _settled[key] = start
        return lay_out(replace(html, text=start))
    current = html
    document = lay_out(current)
    score = _faults(document, full)
    tried: set[tuple[int, str]] = set()
    left = passes
    together = True
    while left > 0 and score[0] > 0:
        root = _root(document)
        if any(not isinstance(e.tag, str) or e.tag.startswith("{") for e in root.iter()):
            break  # inline SVG or MathML: ElementTree would not write it back as it was read
        parents = _parents(root)
        best = None  # (score, html, layout)
        if together:  # every hole of the run of pages changed before one layout, where the strip says
            undos = _all_at_once(document, full, parents, root)
            if len(undos) > 1:
                trial = replace(current, text=_serialise(root, "<!DOCTYPE html>\n"))
                for undo in reversed(undos):
                    undo()
                laid_out = lay_out(trial)
                left -= 1
                found = _faults(laid_out, full)
                if found < score:
                    best = (found, trial, laid_out)
            else:
                for undo in undos:
                    undo()  # one hole: as the one-at-a-time way below would change it
            together = best is not None
        for mark, ways in _candidates(document, full, parents) if best is None else ():
            if mark in tried:
                continue
            tried.add(mark)
            for way in ways:
                if left == 0:
                    break
                undo = way()
                if undo is None:
                    continue
                trial = replace(current, text=_serialise(root, "<!DOCTYPE html>\n"))
                undo()  # the tree stays the kept layout's own; the trial is laid out from its text
                laid_out = lay_out(trial)
                left -= 1
                found = _faults(laid_out, full)
                if found < score and (best is None or found < best[0]):
                    best = (found, trial, laid_out)
                if best is not None and best[0][0] < score[0]:
                    break  # a fault fewer: take it
            if best is not None:
                break
        if best is None:
            break
        score, current, document = best
    if finish is not None:
        current, document = finish(current, document, lay_out)
    _settled[key] = current.text
    if store is not None:
        cache.write(store / f"{key}.html", current.text.encode("utf-8"))
    while len(_settled) > MEMORY:  # a watch session edits on and on: keep the latest few
        del _settled[next(iter(_settled))]
    return document
