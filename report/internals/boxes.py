"""The laid-out boxes of a WeasyPrint page: where each block landed, in CSS px.

WeasyPrint keeps them as `Page._page_box`, of the classes in `weasyprint.formatting_structure
.boxes`; no public API gives positions, and the preflight, the figure placement and the font
check are about positions and what stands where. The callers ask `is_a(box, "line")`, never
for a class.
"""

from __future__ import annotations

from typing import NamedTuple

from report.cache import memo
from report.internals.libraries import import_weasyprint

# Lazy: WeasyPrint (about 1 s), after `import_weasyprint`; `--check` loads this package, not it.

# The kinds of box the callers tell apart, and WeasyPrint 70's class for each.
KINDS = {
    "text": "TextBox",  # a run of text in one style
    "line": "LineBox",  # one line of a paragraph (also the empty lines that carry running strings)
    "inline": "InlineBox",  # an inline element (a link, an emphasis) inside a line
    "atomic-inline": "AtomicInlineLevelBox",  # an inline block or picture: one unit in its line
    "replaced": "ReplacedBox",  # a picture, inline or block
    "block-replaced": "BlockReplacedBox",  # a picture standing as a block
    "block": "BlockBox",  # a block container (a paragraph, a section, a div)
    "block-level": "BlockLevelBox",  # anything stacked in the block direction (blocks, tables, pictures)
    "table": "TableBox",
    "row-group": "TableRowGroupBox",  # thead, tbody, tfoot
    "row": "TableRowBox",
    "page": "PageBox",
    "margin": "MarginBox",  # a page-margin box: the running header and footer
    "footnote-area": "FootnoteAreaBox",  # the foot of a page's text area, holding its footnotes
}


@memo(maxsize=None)
def _classes(kinds: tuple[str, ...]) -> tuple[type, ...]:
    from weasyprint.formatting_structure import boxes

    return tuple(getattr(boxes, KINDS[kind]) for kind in kinds)


def is_a(box, *kinds: str) -> bool:
    """The box is of one of `kinds` (keys of `KINDS`), or a subclass of one."""
    return isinstance(box, _classes(kinds))


def margin_name(box) -> str | None:
    """Which page-margin box a margin box is (`@bottom-left-corner` …); None for any other box."""
    return box.at_keyword if is_a(box, "margin") else None


def page_box(page):
    """The root box of a laid-out page (a `weasyprint.Page`)."""
    return page._page_box


class Rect(NamedTuple):
    """A box's edges on its page, in CSS px from the page's top left corner."""

    left: float
    top: float
    right: float
    bottom: float


# What the callers read of a box, by name: WeasyPrint's attributes (`position_y`,
# `margin_height()`, `element_tag`, `style["break_after"]` …) stay in this module.

def margin_box(box) -> Rect:
    """The box with its margins: where a line or a picture takes room."""
    x, y = box.position_x, box.position_y
    return Rect(x, y, x + box.margin_width(), y + box.margin_height())


def border_box(box) -> Rect:
    """The box to the outer edge of its border: where a block's background and rules end."""
    x, y = box.border_box_x(), box.border_box_y()
    return Rect(x, y, x + box.border_width(), y + box.border_height())


def content_box(box) -> Rect:
    """Inside the padding: for a page, its text area."""
    x, y = box.content_box_x(), box.content_box_y()
    return Rect(x, y, x + box.width, y + box.height)


def placed(box):
    """The box itself; for an absolutely positioned box, WeasyPrint leaves a placeholder in the
    tree (`AbsolutePlaceholder`, which answers for the box): the box it holds."""
    return getattr(box, "_box", box)


def move(box, dy: float, dx: float = 0.0) -> None:
    """Move a laid-out box and everything in it `dy` px down its page and `dx` px right (an
    out-of-flow box: no other box makes room for it, so none moves with it)."""
    box.translate(dx, dy)


def is_absolute(box) -> bool:
    """The box is taken out of the flow by `position: absolute` (or `fixed`)."""
    return placed(box).style["position"] in ("absolute", "fixed")


def content_height(box) -> float:
    """The height inside the padding (for a page, its text area's), exactly as laid out."""
    return box.height


def content_width(box) -> float:
    return box.width


def margin_height(box) -> float:
    """The height a box takes in its column, margins included."""
    return box.margin_height()


def has_edges(box) -> bool:
    """The box is placed on the page (an anonymous piece of text inside a line is not, alone)."""
    return hasattr(box, "border_box_x")


def padding(box, side: str) -> float:
    """The used padding on one side ("top", "bottom" …): a block broken across pages loses the
    padding at the break unless its style clones it (`box-decoration-break`)."""
    return getattr(box, f"padding_{side}")


def margin_right(box) -> float:
    """The used right margin (negative where the style pulls the box into the margin)."""
    return box.margin_right


def border_bottom_width(box) -> float:
    return box.border_bottom_width


def css(box, name: str):
    """The computed value of the CSS property `name` (`"break-after"`) for a box."""
    return box.style[name.replace("-", "_")]


def computed(box):
    """The box's computed style as a whole, for the internals that lay out text in it."""
    return box.style


def element_of(box):
    """The HTML element (ElementTree) a box was made for; None for anonymous boxes."""
    return getattr(box, "element", None)


def tag_of(box) -> str:
    """The tag of the element a box was made for ('' for anonymous boxes)."""
    return getattr(box, "element_tag", None) or ""


def children(box) -> tuple:
    return tuple(getattr(box, "children", ()))


def descendants(box):
    """The box and every box inside it, in document order."""
    return box.descendants()


def text_of(box) -> str:
    """The text of a text box ('' for any other box)."""
    return getattr(box, "text", "") if is_a(box, "text") else ""


def repeats(group) -> bool:
    """A table's header or footer row group, which WeasyPrint repeats on each page."""
    return bool(group.is_header or group.is_footer)


def page_side(page) -> str:
    """"left" or "right": the side of the spread a laid-out page is on (`@page :left`, `:right`)."""
    return page_box(page).page_type.side


def page_type_name(page) -> str | None:
    """The named page (`@page cover`) a page was laid out as; None for the default page."""
    return getattr(getattr(page_box(page), "page_type", None), "name", None)


def raster_pixels(box) -> tuple[int, int] | None:
    """(width, height) in pixels of the raster picture a replaced box shows; None for anything
    else (an SVG picture, a box that is no picture)."""
    from weasyprint.images import RasterImage

    image = getattr(box, "replacement", None) if is_a(box, "replaced") else None
    return (image.width, image.height) if isinstance(image, RasterImage) else None


def svg_root(box):
    """The root element (ElementTree) of the SVG picture a replaced box shows; None for anything
    else. A chart keeps its labels as text there, one `<text>` a line."""
    from weasyprint.images import SVGImage

    image = getattr(box, "replacement", None) if is_a(box, "replaced") else None
    return image._svg.tree._etree_node if isinstance(image, SVGImage) else None


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
    for child in children(box):
        yield from walk(child, inner)


def flow(page):
    """The page's in-flow boxes: everything but the running header and footer (margin boxes)."""
    root = page_box(page)
    for child in root.children:
        if not is_a(child, "margin"):
            yield from walk(child, (root,))


def is_line(box) -> bool:
    """A line of visible content (not the zero-height lines that carry running strings)."""
    if not is_a(box, "line") or box.height <= 0:
        return False
    return any(is_a(b, "atomic-inline") or (is_a(b, "text") and b.text.strip()) for b in box.descendants())


def leaves(page):
    """The page's content in document order, with its ancestors: lines of text and block pictures."""
    for box, ancestors in flow(page):
        if is_line(box) or is_a(box, "block-replaced"):
            yield box, ancestors


def tag(element) -> str:
    """An element's tag without its namespace ('' for none)."""
    name = getattr(element, "tag", "")
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""
