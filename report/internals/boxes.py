"""The laid-out boxes of a WeasyPrint page: where each block landed, in CSS px.

WeasyPrint keeps them as `Page._page_box`; no public API gives positions, and the preflight
and figure placement are about positions.
"""

from __future__ import annotations

from report.errors import BuildError
from report.internals.libraries import import_weasyprint

# Lazy: WeasyPrint (about 1 s), after `import_weasyprint`; `--check` loads this package, not it.


def page_box(page):
    """The root box of a laid-out page."""
    box = getattr(page, "_page_box", None)
    if box is None:
        import weasyprint
        raise BuildError(f"this WeasyPrint ({weasyprint.__version__}) does not expose its page boxes; "
                         "the preflight and figure placement need WeasyPrint 70")
    return box


def layout_libraries(cache=None) -> str:
    """The versions of the C libraries that break the lines (Pango, HarfBuzz): part of what a
    kept layout is named by. WeasyPrint binds them as `weasyprint.text.ffi`; no public API
    names them. (WeasyPrint is imported the way the build imports it: `cache` as for layout.)"""
    import_weasyprint(cache)
    from weasyprint.text.ffi import harfbuzz, pango

    def last(fixed, limit=200):
        return max(v for v in range(limit) if harfbuzz.hb_version_atleast(*fixed(v)))

    major = last(lambda v: (v, 0, 0))
    minor = last(lambda v: (major, v, 0))
    return f"pango {pango.pango_version()}, harfbuzz {major}.{minor}.{last(lambda v: (major, minor, v))}"


def walk(box, ancestors=()):
    """Each box with its ancestors (outermost first), in document order."""
    yield box, ancestors
    inner = ancestors + (box,)
    for child in getattr(box, "children", ()):
        yield from walk(child, inner)


def flow(page):
    """The page's in-flow boxes: everything but the running header and footer (margin boxes)."""
    from weasyprint.formatting_structure import boxes

    root = page_box(page)
    for child in root.children:
        if not isinstance(child, boxes.MarginBox):
            yield from walk(child, (root,))


def is_line(box) -> bool:
    """A line of visible content (not the zero-height lines that carry running strings)."""
    from weasyprint.formatting_structure import boxes

    if not isinstance(box, boxes.LineBox) or box.height <= 0:
        return False
    return any(isinstance(b, boxes.AtomicInlineLevelBox)
               or (isinstance(b, boxes.TextBox) and b.text.strip()) for b in box.descendants())


def leaves(page):
    """The page's content in document order, with its ancestors: lines of text and block pictures."""
    from weasyprint.formatting_structure import boxes

    for box, ancestors in flow(page):
        if is_line(box) or isinstance(box, boxes.BlockReplacedBox):
            yield box, ancestors


def tag(element) -> str:
    """An element's tag without its namespace ('' for none)."""
    name = getattr(element, "tag", "")
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""
