"""What a desk mends at a page turn once the figures are placed: a word hyphenated across it,
a box broken across it that goes on without its heading, a last page holding only the end's
tail, and full pages that do not end on one baseline.

- A word hyphenated on a page's last line ("under-" / "mined") loses its soft hyphens, so it
  goes over whole (the paragraph's other words keep theirs).
- A text's last page that would hold only the end's tail (the About block, the publisher block)
  is taken away, when it can be, by tightening the end's spaces; else the whole end matter
  goes over to it, or, where that would empty the page before, the end matter from "Cite as"
  or the disclaimer on.
- A box (the Executive Summary, the recommendations) that breaks across pages gets its heading
  again at the top of the next page, "Policy Recommendations (continued)" in the document's
  language: a paragraph with the heading's classes, cut into the box where the page broke it
  (a paragraph or a list cut there, the list numbered on). The padding and rule at the break
  are the stylesheet's (`box-decoration-break: clone`).

- Every full page's last line on the text area's last grid line (whole body lines from its
  top): the page's shortfall goes to (or comes from) the spaces above its headings and around
  its figures and boxes, so the page keeps its lines and the pages after it stay as they were.

Each changes the HTML and lays it out once more, only when a page has such a fault: a document
without one is laid out no more often than before. The rules: docs/reference/typesetting-layout.md.
"""

from __future__ import annotations

import re
from collections import Counter
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from functools import partial
from typing import Callable

from report.internals import page_box, text as laid_text
from report.internals.boxes import (
    border_box, children, content_box, content_height, element_of, flow, is_a, is_line, leaves, margin_box,
    page_type_name, tag as _tag)
from report.layout.floats import (
    FULL, INSIDE, NEAR_EMPTY, add_style, fill, line_text, page_turn, serialise, split_at_page)
from report.model import Html

# A text's last page filled less than this is mended: a tail of the end matter alone on it (the
# publisher's block) is more than nearly empty (NEAR_EMPTY), and as much a fault.
TAIL = 0.2
# A last page holding only end matter is a fault (the preflight's) filled less than this, and is
# mended too: the whole end matter together on a page of its own fills about a third.
END_MATTER_ONLY = 0.3
END_MATTER = "end-matter"  # the class of the template's end matter (footer.end-matter)
BOXES = ("summary", "recommendations")  # classes of the boxes whose heading is repeated
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ROUNDS = 2  # layouts added, at most: a mended turn may make another further on
SOFT_HYPHEN = "\u00ad"
GRID_TOLERANCE = 0.5  # CSS px a last line may stand off the grid
KEPT = 0.5  # a space made smaller keeps at least this share of itself
TIGHT = "tight-end"  # the body's class that tightens the end matter (styles/base/style.css)


def mender(labels) -> Callable:
    """`mend` for `floats.settle`'s `finish`, with the repeated heading in `labels`' language."""
    return partial(mend, continued=labels.continued)


def mend(html: Html, document, lay_out: Callable[[Html], object], continued: str = "{heading} (continued)"):
    """(html, document) with the page turns mended; `continued` words the repeated heading."""
    for _ in range(ROUNDS):
        root = element_of(children(page_box(document.pages[0]))[0])
        if any(not isinstance(e.tag, str) or e.tag.startswith("{") for e in root.iter()):
            break  # inline SVG or MathML: ElementTree would not write it back as it was read
        changed = _unhyphenate(document) + _continue_boxes(document, root, continued)
        if not changed:
            break
        html = replace(html, text=serialise(root, "<!DOCTYPE html>\n"))
        document = lay_out(html)
    html, document = _tighten(html, document, lay_out)
    return _on_grid(html, document, lay_out)


# ---- a last page that holds only the end's tail --------------------------------------------------

def _last_text_page(document) -> int:
    """The index of the text's last page: the last page, or the one before a back cover."""
    pages = document.pages
    last = len(pages) - 1
    while last > 0 and page_type_name(pages[last]) and page_type_name(pages[last]) != page_type_name(pages[last - 1]):
        last -= 1
    return last


def end_matter_held(page) -> list[str] | None:
    """The classes of what a page's lines stand in (the end matter's sections among them, in
    order), when every line of the page is the end matter's; None when the text reaches it."""
    held: list[str] = []
    for _, ancestors in leaves(page):
        classes = [c for a in ancestors if element_of(a) is not None for c in (element_of(a).get("class") or "").split()]
        if END_MATTER not in classes:
            return None
        held += [c for c in classes if c not in held]
    return held


def _tail(page) -> bool:
    """The text's last page is a tail to mend: nearly empty, or only end matter under a third."""
    used = fill(page)
    return used < TAIL or (used < END_MATTER_ONLY and end_matter_held(page) is not None)


def _tighten(html: Html, document, lay_out: Callable[[Html], object]):
    """A text's last page nearly empty (the About block or the publisher block alone on it): the
    end's spaces tightened (`tight-end` on the body, the stylesheet's), kept only when that page
    goes; else as it was. One layout more, only for such a document."""
    last = _last_text_page(document)
    if last == 0 or not _tail(document.pages[last]):
        return html, document
    root = element_of(children(page_box(document.pages[0]))[0])
    body = next((e for e in root if _tag(e) == "body"), None)
    if body is None or any(not isinstance(e.tag, str) or e.tag.startswith("{") for e in root.iter()):
        return html, document
    classes = (body.get("class") or "").split()
    if TIGHT in classes:
        return html, document
    body.set("class", " ".join([*classes, TIGHT]))
    trial = replace(html, text=serialise(root, "<!DOCTYPE html>\n"))
    laid_out = lay_out(trial)
    if len(laid_out.pages) < len(document.pages):
        return trial, laid_out
    # Too much to take back: the end matter (About, disclaimer, publisher) goes over together,
    # so that the last page holds more than its tail, as long as the page before stays full.
    body.set("class", " ".join(classes))
    end = next((e for e in root.iter() if END_MATTER in (e.get("class") or "").split()), None)
    if end is None or last < 2:
        return html, document
    before = fill(document.pages[last])
    # Where the page before would be left too empty, the end matter goes over from a later
    # section ("Cite as", then the disclaimer), the fewest lines first, once that makes the last
    # page more than a tail; only for a last page of end matter alone (the preflight's fault).
    starts = [end]
    if end_matter_held(document.pages[last]) is not None:
        on_before = {element_of(box) for box, _ in flow(document.pages[last - 1])}
        starts += [e for e in reversed(list(end)[1:]) if e in on_before]
    for start in starts:
        undo = add_style(start, "break-before: page")
        trial = replace(html, text=serialise(root, "<!DOCTYPE html>\n"))
        laid_out = lay_out(trial)
        used = fill(laid_out.pages[last]) if len(laid_out.pages) == len(document.pages) else 0
        if used > before and fill(laid_out.pages[last - 1]) >= FULL - 0.1 and (start is end or used >= END_MATTER_ONLY):
            return trial, laid_out
        undo()
    return html, document


# ---- a hyphen at the foot of a page ------------------------------------------------------------

def page_final_hyphens(document) -> list[tuple[int, object, str]]:
    """(page, paragraph, the word's first part) for each page before the last whose last line
    ends in a hyphen the layout made (a soft hyphen broken)."""
    found = []
    for number, page in enumerate(document.pages[:-1], 1):
        last = None
        for box, _ in flow(page):
            if is_line(box):
                last = box
        if last is None or element_of(last) is None:
            continue
        text = line_text(last)
        hyphen = laid_text.hyphen(last)
        if text.endswith(hyphen) and SOFT_HYPHEN in "".join(element_of(last).itertext()):
            found.append((number, element_of(last), text[:-len(hyphen)].rsplit(" ", 1)[-1]))
    return found


def _unhyphenate(document) -> int:
    """Soft hyphens taken out of each word broken at a page's foot; how many words changed."""
    changed = 0
    for _, paragraph, head in page_final_hyphens(document):
        # the word as written: its first part, then letters and soft hyphens
        word = re.compile(re.escape(SOFT_HYPHEN.join(head)).replace(re.escape(SOFT_HYPHEN), SOFT_HYPHEN + "?")
                          + SOFT_HYPHEN + r"[\w" + SOFT_HYPHEN + "]+")
        for node in paragraph.iter():
            for attr in ("text", "tail"):
                value = getattr(node, attr) if node is not paragraph or attr == "text" else None
                if value and word.search(value):
                    setattr(node, attr, word.sub(lambda m: m[0].replace(SOFT_HYPHEN, ""), value))
                    changed += 1
    return changed


# ---- a box broken across pages -----------------------------------------------------------------

def _pages_of(document) -> dict:
    """element → the pages (0-based) its boxes stand on."""
    where: dict = {}
    for number, page in enumerate(document.pages):
        for box, _ in flow(page):
            if element_of(box) is not None:
                where.setdefault(element_of(box), set()).add(number)
    return where


def _continue_boxes(document, root, continued: str) -> int:
    where = _pages_of(document)
    changed = 0
    for box in root.iter():
        if _tag(box) not in ("section", "div", "aside") or not set(BOXES) & set((box.get("class") or "").split()):
            continue
        pages = sorted(where.get(box, ()))
        heading = next((child for child in box if _tag(child) in HEADINGS), None)
        if len(pages) < 2 or heading is None or any("continued" in (c.get("class") or "").split() for c in box):
            continue
        text = " ".join("".join(heading.itertext()).split())
        label = ElementTree.Element("p", {"class": " ".join(["continued", *(heading.get("class") or "").split()]),
                                          "data-preflight": "continued"})  # a heading again, for the preflight
        label.text = continued.format(heading=text)
        if _cut(document, box, pages[1], where, label):
            changed += 1
    return changed


def _cut(document, element, page: int, where: dict, label) -> bool:
    """Put `label` into `element` where page `page` (0-based) begins: between two children, or
    into the child the page break cuts (a paragraph cut at the break, a list split in two)."""
    kids = list(element)
    for at, child in enumerate(kids):
        on = where.get(child, set())
        if not on or min(on) < page <= max(on):
            if not on:
                continue
            halves = _halves(document, child, page, where)
            if halves is None:
                return False
            element.remove(child)
            for offset, part in enumerate((halves[0], label, halves[1])):
                element.insert(at + offset, part)
            return True
        if min(on) >= page:
            element.insert(at, label)
            return True
    return False


def _halves(document, element, page: int, where: dict):
    """`element` as two copies: what stands before page `page`, and the rest; None when it cannot be cut."""
    if _tag(element) == "p":
        room = sum(content_height(box) for box, _ in flow(document.pages[page - 1])
                   if is_line(box) and element_of(box) is element)
        return split_at_page(document, element, room + 1)
    kids = list(element)
    first = ElementTree.Element(element.tag, dict(element.attrib))
    rest = ElementTree.Element(element.tag, {k: v for k, v in element.attrib.items() if k != "id"})
    first.text, rest.tail = element.text, element.tail
    items = 0  # the list items of the first half: the rest of an ol is numbered on
    for child in kids:
        on = where.get(child, set())
        if on and min(on) < page <= max(on):
            halves = _halves(document, child, page, where)
            if halves is None:
                return None
            first.append(halves[0])
            rest.append(halves[1])
            if _tag(child) == "li":  # the item goes on: no second number
                halves[1].set("style", "list-style: none")
                items += 1
                rest.set("start", str(int(element.get("start", "1")) + items - 1))
        elif on and min(on) >= page:
            rest.append(child)
        else:
            first.append(child)
            items += _tag(child) == "li"
            rest.set("start", str(int(element.get("start", "1")) + items))
    if not len(first) or not len(rest):
        return None
    if _tag(element) != "ol":
        rest.attrib.pop("start", None)
    elif "start" in rest.attrib:  # WeasyPrint numbers by the counter, not by `start`
        rest.set("style", f"counter-reset: list-item {int(rest.get('start')) - 1}")
    return first, rest


# ---- every full page ending on one baseline ------------------------------------------------------

# What may take more (or less) space: the space above headings and around figures, tables and boxes,
# never the space between lines.
SPACED = {"main", "h2", "h3", "h4", "figure", "blockquote", "section", "footer", "aside", "table"}
AROUND = {"figure", "blockquote", "aside", "table"}  # the space below these too: the next block's top


def _leading(document) -> float:
    """The body's line height: the height most lines of the document have."""
    heights = Counter(round(content_height(box), 2) for page in document.pages
                      for box, _ in flow(page) if is_line(box))
    return heights.most_common(1)[0][0] if heights else 0.0


def grid_shortfalls(document) -> dict[int, float]:
    """page (0-based) → how far its last line ends above (or below, negative) the text area's
    last grid line, for each full page: a page before the last, not at a change of named page,
    ending in a body line less than a line away from that grid line. The grid: whole body lines
    from the top of the text area."""
    leading = _leading(document)
    found = {}
    for index, page in enumerate(document.pages[:-1]):
        if leading <= 0 or page_type_name(page) != page_type_name(document.pages[index + 1]):
            continue
        last = None
        for box, _ in flow(page):
            if is_line(box) or is_a(box, "block-replaced"):
                last = box
        if last is None or not is_line(last) or abs(content_height(last) - leading) > 0.01:
            continue  # a page ending in a figure, a caption or the end matter's smaller type
        area = content_box(page_box(page))
        target = area.top + int((area.bottom - area.top + 0.01) / leading) * leading
        short = target - margin_box(last).bottom
        if abs(short) < leading or (0 < short < 2 * leading and _held_back(document, index)):
            found[index] = short
    return found


def _held_back(document, index: int) -> bool:
    """Page `index` ends a line short because the break rules held one back: it ends inside a
    paragraph whose last lines went on together (widows, orphans), or the next page opens with
    a heading kept with its text. Such a page is as full as the rules let it be."""
    turn = page_turn(document, index)
    first = next(leaves(document.pages[index + 1]), None)
    if first is None:
        return False
    opening = [element_of(box) for box in (*first[1], first[0]) if element_of(box) is not None]
    if turn is None:  # a forced break, a cover: short on purpose, but for a box's repeated heading
        return any(e.get("data-preflight") == "continued" for e in opening)  # (its break is where the page broke)
    return turn is INSIDE or any(_tag(e) in HEADINGS for e in opening)


def _on_grid(html: Html, document, lay_out: Callable[[Html], object]):
    """Each full page's last line on the text area's last grid line: what the page's last line
    is short of it goes to the spaces above its headings and around its figures and boxes (or
    comes from them), shared evenly. The page keeps its lines (less than a line moves), so the
    pages after it do not change: one layout more, only when a page is off the grid."""
    shortfalls = {page: short for page, short in grid_shortfalls(document).items() if abs(short) > GRID_TOLERANCE}
    if not shortfalls:
        return html, document
    root = element_of(children(page_box(document.pages[0]))[0])
    if any(not isinstance(e.tag, str) or e.tag.startswith("{") for e in root.iter()):
        return html, document
    seen: set = set()
    changes = []  # (element, "top" or "bottom", its new margin in px)
    firsts = {next(iter(parent)) for parent in root.iter() if len(parent)}  # their space is their parent's
    following = {child: parent[at + 1] for parent in root.iter() for at, child in enumerate(parent) if at + 1 < len(parent)}
    previous = {child: parent[at - 1] for parent in root.iter() for at, child in enumerate(parent) if at}
    for index, page in enumerate(document.pages):
        here = [(box, element_of(box)) for box, _ in flow(page) if element_of(box) is not None]
        if index in shortfalls:
            spaces, before, tops = {}, [], {}  # before: the blocks met so far on this page
            for box, ancestors in flow(page):
                if not is_a(box, "block-level"):
                    continue
                element = element_of(box)
                inside = {id(a) for a in ancestors}
                ends = [border_box(b).bottom for b in before if id(b) not in inside]
                if element is not None and element not in tops:
                    tops[element] = border_box(box).top
                if (ends and element is not None and element not in seen and (element, "top") not in spaces
                        and element not in firsts
                        and (_tag(element) in SPACED or _tag(previous.get(element)) in AROUND)):
                    # the space as laid out, margins collapsed: the new top margin replaces it whole
                    spaces[element, "top"] = border_box(box).top - max(ends)
                before.append(box)
            short = shortfalls[index]
            if short < 0:  # less space: a heading's space below it may give some too
                for box, element in here:
                    after = following.get(element)
                    if (_tag(element) in HEADINGS and element not in seen and after in tops
                            and (after, "top") not in spaces and (element, "bottom") not in spaces):
                        spaces[element, "bottom"] = tops[after] - border_box(box).bottom
            room = sum(spaces.values())
            if spaces and short > 0:  # more space: shared evenly, above headings and blocks only
                changes += [(e, side, margin + short / len(spaces)) for (e, side), margin in spaces.items()]
            elif spaces and room + short >= room * KEPT:  # less: each space gives its share of it
                changes += [(e, side, margin * (1 + short / room)) for (e, side), margin in spaces.items()]
        seen.update(element for _, element in here)
    if not changes:
        return html, document
    for element, side, margin in changes:
        # the space is this margin alone, not collapsed with the neighbour's
        add_style(element, f"margin-{side}: {margin:.2f}px")
        neighbour = (previous if side == "top" else following).get(element)
        if neighbour is not None:
            add_style(neighbour, "margin-bottom: 0" if side == "top" else "margin-top: 0")
    trial = replace(html, text=serialise(root, "<!DOCTYPE html>\n"))
    laid_out = lay_out(trial)
    if len(laid_out.pages) != len(document.pages):
        return html, document  # a line moved after all: the pages as they were
    return trial, laid_out
