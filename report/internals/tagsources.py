"""Which laid-out box each element of WeasyPrint's structure tree was made from.

WeasyPrint 70 builds the tree (`weasyprint.pdf.tags._build_box_tree`) from the page boxes and
then forgets them: the finisher sees pydyf dictionaries only, with no language, no class, no
text. While a PDF is written, `recording()` wraps that function and notes, for every element,
its box, and for every marked-content sequence of text, its text box. `tagging.py` reads them
to give elements their language, footnotes their `Note` role and broken words their whole text.
The wrapper changes nothing WeasyPrint writes.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

# Lazy: weasyprint, when a PDF is written; `--check` loads this package, not it.


@dataclass
class Sources:
    boxes: dict[int, object] = field(default_factory=dict)  # element's object number → its box
    texts: dict[tuple[int, int], object] = field(default_factory=dict)  # (page index, MCID) → text box


_current: list[Sources] = []


def current() -> Sources | None:
    """What the PDF being written was made from; None outside `recording()`."""
    return _current[-1] if _current else None


@contextmanager
def recording():
    """Note the boxes behind the structure tree of the PDF written inside this block."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    sources = Sources()

    def build(box, parent, pdf, page_number, nums, annotations, marked):
        # The text boxes this call tags, noted before WeasyPrint pops them from `marked`.
        for child in getattr(box, "children", ()):
            for kid in child.children if isinstance(child, boxes.LineBox) else (child,):
                if isinstance(kid, boxes.TextBox) and kid in marked:
                    sources.texts[page_number, marked[kid]["mcid"]] = kid
        for element in original(box, parent, pdf, page_number, nums, annotations, marked):
            # An element passed up from a child call was noted there, with the child's box.
            sources.boxes.setdefault(element.number, getattr(box, "_box", box))
            yield element

    tags._build_box_tree = build
    _current.append(sources)
    try:
        yield sources
    finally:
        _current.pop()
        tags._build_box_tree = original
