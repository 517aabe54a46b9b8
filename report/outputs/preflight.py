"""Preflight: check a built document as a print shop and an editor would (`--preflight`).

Every check reads what was actually made, never the Markdown: the layout tree WeasyPrint
built (WeasyPrint's page boxes, from `internals.page_box`: positions and sizes in CSS px, 96 to the inch)
or the PDF bytes written from it. Each check is one small function in `CHECKS`; each
problem names its page and says what is wrong in an editor's words.

Tolerances are deliberately loose (half a point): a check must stay quiet on a correct
document, or nobody reads its report.
"""

from __future__ import annotations

import bisect
import ctypes
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from report.errors import quote
from report.internals import page_box, text as laid_text
from report.internals.boxes import (
    border_box, children, computed, content_box, content_height, content_width, css, descendants, element_of, flow as _flow,
    has_edges, is_a, is_line as _is_line, leaves as _leaves, margin_box, margin_height, margin_name, margin_right,
    padding, page_type_name, raster_pixels, repeats, svg_root, tag as _tag, tag_of, text_of, walk)
from report.layout import floats, sidenotes
from report.layout.imposition import SLUG_BOX
from report.layout.pagefoot import END_MATTER_ONLY, end_matter_held
from report.source.document import SOFT_PLACEHOLDERS

# Lazy: WeasyPrint (after `internals.import_weasyprint`), pypdf (about 0.4 s), pypdfium2 (0.2 s) and
# fontTools, each in the checks that read the PDF or a font.

PX_PER_MM = 96 / 25.4
PX_PER_PT = 96 / 72
TOLERANCE = 0.5 * PX_PER_PT  # half a point, in CSS px
BLEED_MM = 3
NEAR_EMPTY = 0.15  # a last page filled less than this share of its text area is "nearly empty"
MIN_DPI = {True: 150, False: 96}  # print, screen
LOGO_DPI = 300  # a raster logo in print
HEADINGS = ("h2", "h3", "h4")
LOOSE = 2.0  # a justified line's word spaces may stretch to this many times their natural width
MIN_FRAGMENT = 3  # letters a hyphenation break leaves on either side, at least
NOUNS_CAPITALISED = ("de", "lb")  # languages where a capital marks any noun, not a name
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math",
                    "emoji", "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded"}


@dataclass(frozen=True)
class Problem:
    page: int | None  # 1-based page number, None for document-wide
    check: str  # short id: "overflow", "widow", …
    message: str  # what an editor understands


class Findings(list):
    """The problems of one document, and its page count (for the all-clear line)."""

    def __init__(self, problems=(), pages: int | None = None):
        super().__init__(problems)
        self.pages = pages


def check(document, pdf_bytes: bytes, *, print_mode: bool = False, accepted: tuple[str, ...] = ()) -> list[Problem]:
    """Every problem found in a laid-out `document` and the PDF written from it, by page.
    `accepted`: the placeholders the front matter lets through (`placeholders_accepted`)."""
    ctx = _Context(document, pdf_bytes, print_mode, accepted)
    problems: list[Problem] = []
    for name, func in CHECKS:
        if name == "no-bleed" and not print_mode:
            continue  # a screen PDF has no bleed, by design
        problems += [Problem(page, name, message) for page, message in func(ctx)]
    # One problem once (a link drawn on two lines is one link); document-wide ones first.
    return Findings(sorted(dict.fromkeys(problems), key=lambda p: p.page or 0), len(ctx.pages))


def format_report(problems: list[Problem], pdf_path: str) -> str:
    """One line a problem, by page; or the all-clear line for a clean document."""
    if not problems:
        pages = getattr(problems, "pages", None)
        count = f"{pages} page{'s' if pages != 1 else ''}, " if pages is not None else ""
        return f"{pdf_path}: preflight passed ({count}no problems)"
    return "\n".join(f"{pdf_path}: page {p.page}: {p.message}" if p.page else f"{pdf_path}: {p.message}"
                     for p in sorted(problems, key=lambda p: p.page or 0))


# ---- What the checks share ----------------------------------------------------------------

class _Context:
    def __init__(self, document, pdf_bytes: bytes, print_mode: bool, accepted: tuple[str, ...] = ()):
        self.document = document
        self.accepted = accepted
        self.pdf_bytes = pdf_bytes
        self.print_mode = print_mode
        self.pages = list(enumerate(document.pages, start=1))

    @cached_property
    def pdf(self):
        import pypdf
        return pypdf.PdfReader(io.BytesIO(self.pdf_bytes))


def _text(box) -> str:
    text = "".join(text_of(b) for b in descendants(box))
    return " ".join(text.split())


def _element_text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _mm(px: float) -> str:
    mm = round(px / PX_PER_MM, 1)  # tenths below 10 mm, whole millimetres above
    return f"{mm:.0f} mm" if mm >= 10 or mm.is_integer() else f"{mm:.1f} mm"


def _pages_phrase(pages: list[int]) -> str:
    return f"pages {pages[0]} and {pages[1]}" if len(pages) == 2 else f"pages {pages[0]} to {pages[-1]}"


# ---- 1. Overflow --------------------------------------------------------------------------

def _kind(box) -> str:
    if is_a(box, "line", "text"):
        return "text"
    if tag_of(box) == "table":
        return "a table"
    if is_a(box, "replaced"):
        return "a picture"
    return f"a box ({tag_of(box)})" if tag_of(box) else "a box"


def _column(ancestors):
    """The block whose content box is the column a box must stay in."""
    skip = ("line", "inline", "table", "row-group", "row")
    for box in reversed(ancestors):
        if not is_a(box, *skip) and not is_a(box, "page"):
            return box
    return None


def _right_edge(box) -> float:
    """Right edge of what a box draws: for a line, its last piece of text or picture (not a
    number hanging wholly beyond it: a heading's, in the outer margin of a right-hand page)."""
    if is_a(box, "line"):
        end = margin_box(box).right
        edges = [margin_box(b).right for b in descendants(box)
                 if is_a(b, "text", "atomic-inline") and b is not box
                 and not (tag_of(b).endswith(sidenotes.HANGING) and margin_box(b).left >= end - TOLERANCE)]
        return max(edges, default=margin_box(box).left)
    return border_box(box).right


@dataclass(frozen=True)
class _Edges:
    """Where a page's content must stay, in CSS px: the page (and its bleed), the text area."""

    left: float
    right: float
    bottom: float
    area_bottom: float


def check_overflow(ctx):
    """Anything outside the page (the bleed counts as page in print), anything past its column.

    The base style pulls the masthead band and the headings into the margins with negative
    margins: a box with a negative used margin was put there by design and is only held to
    the page edge.
    """
    for number, page in ctx.pages:
        bleed = page.bleed if ctx.print_mode else dict.fromkeys(("top", "right", "bottom", "left"), 0)
        area = page_box(page)
        edges = _Edges(-bleed["left"], page.width + bleed["right"], page.height + bleed["bottom"],
                       content_box(area).bottom)
        for child in children(area):
            if margin_name(child) == SLUG_BOX:  # the slug line: outside the trim by design
                continue
            for message in _overflow(child, (area,), edges):
                yield number, message


def _overflow(box, ancestors, edges):
    """What runs out of bounds: the box itself, or else what it holds (one report for both)."""
    if is_a(box, "text"):
        return  # text is judged a whole line at a time
    message = (_past_column(box, ancestors, edges.right) or _off_page(box, edges)
               or _below_area(box, ancestors, edges))
    if message:
        yield message
    elif not is_a(box, "line") and css(box, "overflow") == "visible":  # else clipped
        for child in children(box):
            yield from _overflow(child, ancestors + (box,), edges)


def _quoted(box) -> str:
    text = _text(box)
    return f": {quote(text)}" if text else ""


def _off_page(box, edges):
    edges_ = border_box(box)
    if edges_.right - edges_.left <= 0:
        return None
    x0, x1 = edges_.left, _right_edge(box)
    y1 = edges_.bottom
    if x0 < edges.left - TOLERANCE or x1 > edges.right + TOLERANCE or y1 > edges.bottom + TOLERANCE:
        return f"{_kind(box)} runs off the page{_quoted(box)}"
    return None


def _below_area(box, ancestors, edges):
    """A line or picture of the text running into the bottom margin (the footer's place)."""
    if not (_is_line(box) or is_a(box, "block-replaced")):
        return None
    if any(is_a(a, "margin") for a in ancestors):
        return None  # the running footer lives there
    below = margin_box(box).bottom - edges.area_bottom
    return f"{_kind(box)} runs {_mm(below)} below the text area{_quoted(box)}" if below > TOLERANCE else None


def _past_column(box, ancestors, page_right):
    if not is_a(box, "block-level", "line") or margin_right(box) < 0:
        return None
    column = _column(ancestors)
    if column is None:
        return None
    excess = _right_edge(box) - content_box(column).right
    if excess <= TOLERANCE:
        return None
    if is_a(box, "line"):
        if _right_edge(box) > page_right + TOLERANCE:
            return f"text runs off the page{_quoted(box)}"
        return f"text runs {_mm(excess)} past the column{_quoted(box)}"
    kind = _kind(box)
    return f"{kind} is wider than the column by {_mm(excess)}" + ("" if kind == "a table" else _quoted(box))


# ---- 2. A heading at the foot of a page ---------------------------------------------------

def check_heading_at_foot(ctx):
    """The last line on a page belongs to a heading: its section starts on the next page."""
    for number, page in ctx.pages:
        leaves = list(_leaves(page))
        if not leaves:
            continue
        box, ancestors = leaves[-1]
        for holder in (box, *reversed(ancestors)):
            if tag_of(holder) in HEADINGS:
                yield number, f"heading {quote(_element_text(element_of(holder)))} is the last line on the page"
                break


# ---- 3. Widows and orphans ---------------------------------------------------------------

def _lines_by_block(ctx):
    """element → {page: [line boxes]}: a block split across pages shows up on each of them."""
    found: dict = defaultdict(lambda: defaultdict(list))
    for number, page in ctx.pages:
        for box, _ in _leaves(page):
            if _is_line(box) and element_of(box) is not None:
                found[element_of(box)][number].append(box)
    return found


def _breaks(ctx):
    """(page before, its lines, page after, its lines) for each page break inside a block."""
    for pages in _lines_by_block(ctx).values():
        numbers = sorted(pages)
        for before, after in zip(numbers, numbers[1:]):
            yield before, pages[before], after, pages[after]


def check_orphans(ctx):
    for before, lines, _, _ in _breaks(ctx):
        if len(lines) == 1:
            yield before, ("orphan: a paragraph's first line is alone at the foot of the page "
                           f"({quote(_text(lines[0]))})")


def check_widows(ctx):
    for _, _, after, lines in _breaks(ctx):
        if len(lines) == 1:
            yield after, ("widow: a paragraph's last line is alone at the top of the page "
                          f"({quote(_text(lines[0]))})")


# ---- 4. Split figures and tables ---------------------------------------------------------

def _pages_of(ctx, tag):
    """element → (pages it has boxes on, the boxes), for every element with this tag."""
    found: dict = {}
    for number, page in ctx.pages:
        for box, _ in _flow(page):
            if tag_of(box) == tag and element_of(box) is not None:
                pages, boxes_ = found.setdefault(element_of(box), ([], []))
                if number not in pages:
                    pages.append(number)
                boxes_.append(box)
    return found


def check_split_figures(ctx):
    """A figure is never split (house style): caption, picture and source stay together."""
    for element, (pages, _) in _pages_of(ctx, "figure").items():
        if len(pages) > 1:
            caption = next((c for c in element if _tag(c) == "figcaption"), None)
            name = f"figure {quote(_element_text(caption))}" if caption is not None else "a figure"
            yield pages[0], f"{name} is split across {_pages_phrase(pages)}"


def check_split_tables(ctx):
    """A table may break only when it is longer than a page."""
    for element, (pages, found) in _pages_of(ctx, "table").items():
        if len(pages) < 2:
            continue
        tables = [b for b in found if is_a(b, "table")]
        # A header row repeats on every page: count it once.
        repeated = sum(margin_height(g) for t in tables[1:] for g in children(t)
                       if is_a(g, "row-group") and repeats(g))
        height = sum(margin_height(t) for t in tables) - repeated
        area = content_height(page_box(dict(ctx.pages)[pages[0]]))
        if height < area:
            first_row = next((r for t in tables for r in descendants(t) if is_a(r, "row")), None)
            label = "a table"
            if first_row is not None:
                label = f"table {quote(' · '.join(_text(cell) for cell in children(first_row)))}"
            yield pages[0], (f"{label} is split across {_pages_phrase(pages)}, "
                             f"though it is {_mm(height)} long and would fit on one page")


# ---- 5. A nearly empty last page ---------------------------------------------------------

def _text_pages(ctx):
    """The pages of the text: a back cover (a named page of its own at the end) left out, and the
    blank pages before it that put it on a left-hand page in print."""
    pages = ctx.pages
    if len(pages) > 2 and page_type_name(pages[-1][1]) != page_type_name(pages[-2][1]):
        pages = pages[:-1]
        while len(pages) > 2 and next(_leaves(pages[-1][1]), None) is None:
            pages = pages[:-1]
    return pages


def _fill(page, leaves) -> float:
    """The share of the page's text area its lines and pictures use, from the top."""
    return (max(margin_box(b).bottom for b in leaves) - content_box(page_box(page)).top) / content_height(page_box(page))


def check_near_empty_last_page(ctx):
    """The text's last page (before a back cover, if any) empty or filled less than `NEAR_EMPTY`."""
    pages = _text_pages(ctx)
    if ctx.print_mode:  # the blank pages that fill the last sheet (layout/imposition.py) are by design
        while len(pages) > 1 and not any(True for _ in _leaves(pages[-1][1])):
            pages = pages[:-1]
    if len(pages) < 2:
        return
    number, page = pages[-1]
    leaves = [box for box, _ in _leaves(page)]
    if not leaves:
        yield number, "the last page is empty"
        return
    if _fill(page, leaves) < NEAR_EMPTY:
        lines = sum(1 for b in leaves if _is_line(b))
        yield number, f"the last page is nearly empty (only {lines} line{'s' if lines != 1 else ''})"


# ---- 6 and 7. Fonts: missing glyphs, embedding -------------------------------------------

def _fonts(pdf):
    """Every font dictionary the pages use, in page resources and in drawn forms (charts)."""
    seen: set = set()

    def resources(res):
        res = res.get_object() if res is not None else None
        if not res:
            return
        for font in (res.get("/Font") or {}).values():
            if id(font.get_object()) not in seen:
                seen.add(id(font.get_object()))
                yield font.get_object()
        for xobject in (res.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                seen.add(id(xobject))
                yield from resources(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from resources(page.get("/Resources"))


def _descriptor(font):
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return descriptor.get_object() if descriptor is not None else None


def _font_name(base_font: str) -> str:
    return re.sub(r"^[A-Z]{6}\+", "", str(base_font).lstrip("/")).rstrip(",")


def check_fonts_embedded(ctx):
    """A print shop must never substitute a font: every font program travels in the PDF."""
    for font in _fonts(ctx.pdf):
        if font.get("/Subtype") == "/Type3":
            continue  # drawn glyph by glyph inside the PDF itself
        descriptor = _descriptor(font)
        if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            yield None, f"font {quote(_font_name(font.get('/BaseFont', '?')))} is not embedded"


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _families(ctx) -> set[str]:
    """The font families the stylesheets name for text (generic ones, like `serif`, excepted)."""
    found = set()
    for _, page in ctx.pages:
        for box in descendants(page_box(page)):
            if is_a(box, "text"):
                found.update(f for f in css(box, "font-family") if f.lower() not in GENERIC_FAMILIES)
    return {_squash(f) for f in found}


def _covered(font) -> set[int] | None:
    """The characters an embedded font's own cmap maps; None when it cannot be read."""
    from fontTools.ttLib import TTFont
    descriptor = _descriptor(font)
    stream = descriptor and (descriptor.get("/FontFile2") or descriptor.get("/FontFile3"))
    if stream is None:
        return None
    try:
        program = TTFont(io.BytesIO(stream.get_object().get_data()), lazy=True)
        cmap = program.getBestCmap()
        glyphs = program["maxp"].numGlyphs
    except Exception:  # a CFF or Type 1 program without a cmap: nothing to compare with
        return None
    if not cmap:
        return None
    # A letter drawn through a glyph the shaping chose (a capital's alternate under
    # `text-transform: uppercase`, "uni0407.a"; a ligature, Literata's italic "Th") has no cmap
    # entry of its own; the font's ToUnicode names it, at a glyph the subset holds. `.notdef` is
    # drawn at glyph 0 or at an id past the subset's glyphs: it never counts.
    return set(cmap) | _to_unicode_drawn(font, glyphs)


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<((?:[0-9A-Fa-f]{4})+)>")


def _to_unicode_drawn(font, glyphs: int) -> set[int]:
    """The characters the font's ToUnicode gives for real glyphs (not `.notdef`), when its glyph
    ids are the subset's own (`/CIDToGIDMap /Identity`): each letter of a ligature too, since
    the glyph that draws "Th" draws its "T" (a subset that holds only the ligature has no "T" in
    its cmap)."""
    try:
        descendant = font["/DescendantFonts"][0].get_object()
        if descendant.get("/CIDToGIDMap") != "/Identity":
            return set()
        data = font["/ToUnicode"].get_object().get_data()
    except Exception:  # not a CID font, or no readable ToUnicode: the cmap alone decides
        return set()
    found = set()
    for glyph, text in _BFCHAR.findall(data):
        if 0 < int(glyph, 16) < glyphs:  # UTF-16: a letter outside the BMP is two code units
            found.update(map(ord, bytes.fromhex(text.decode("ascii")).decode("utf-16-be", "ignore")))
    return found


def check_missing_glyphs(ctx):
    """Characters the document's own fonts do not have.

    How, and why so: Pango quietly draws such a character in whatever system font has it
    (DejaVu, say; a print shop's machine may have another, or none), and when no font has it
    WeasyPrint draws a `.notdef` box in the document's font. Both are visible in the PDF. For
    each character drawn, PDFium tells which font drew it: a font outside the families the
    stylesheets name is a fallback; a font of the document whose embedded cmap lacks the
    character drew `.notdef` (the subset keeps the cmap of the characters it really has).
    """
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    allowed = _families(ctx)
    # Coverage is counted per family, across all its subsets: a variable font gives one subset
    # per weight, and a glyph drawn through an OpenType alternate (tabular figures, case-
    # sensitive brackets) sits in its subset's cmap under a private-use code, not its own.
    def family(name: str) -> str:
        return next((f for f in sorted(allowed, key=len, reverse=True) if _squash(name).startswith(f)), name)

    covered: dict[str, set[int] | None] = {}
    for font in _fonts(ctx.pdf):
        key, have = family(_font_name(font.get("/BaseFont", ""))), _covered(font)
        if have is not None and any(0xE000 <= code <= 0xF8FF for code in have):
            have = None  # alternates hide which characters the subset draws: no verdict
        if key not in covered:
            covered[key] = have
        elif covered[key] is not None:
            covered[key] = None if have is None else covered[key] | have
    pdf = pypdfium2.PdfDocument(ctx.pdf_bytes)
    buffer, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    try:
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            reported = set()
            count = pdfium_c.FPDFText_CountChars(textpage)
            i = 0
            while i < count:
                code = pdfium_c.FPDFText_GetUnicode(textpage, i)
                width = 1
                if 0xD800 <= code < 0xDC00 and i + 1 < count:  # a surrogate pair: one character
                    low = pdfium_c.FPDFText_GetUnicode(textpage, i + 1)
                    code, width = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), 2
                size = pdfium_c.FPDFText_GetFontInfo(textpage, i, buffer, len(buffer), ctypes.byref(flags))
                i += width
                if not size or code <= 0x20 or code in reported:
                    continue  # generated by PDFium (line ends) or a space
                name = _font_name(buffer.value.decode("utf-8", "replace"))
                fallback = not any(_squash(name).startswith(f) for f in allowed)
                have = covered.get(family(name))
                if fallback or (have is not None and code not in have):
                    reported.add(code)
                    yield index + 1, (f"{quote(chr(code))} (U+{code:04X}) is not in the document's fonts: "
                                      "it would print as a fallback or a blank box")
            textpage.close()
    finally:
        pdf.close()


# ---- 8. Low-resolution pictures ----------------------------------------------------------

def check_resolution(ctx):
    """A raster picture needs enough pixels for the size it is printed at."""
    need = MIN_DPI[ctx.print_mode]
    purpose = "print" if ctx.print_mode else "screen"
    for number, page in ctx.pages:
        for box, _ in _flow(page):
            pixels = raster_pixels(box)
            shown_width, shown_height = content_width(box), content_height(box)
            if pixels is None or shown_width <= 0 or shown_height <= 0:
                continue
            width, height = pixels
            dpi = min(width / (shown_width / 96), height / (shown_height / 96))
            element = element_of(box)
            src = element.get("src", "") if element is not None else ""
            logo = element is not None and element.get("data-preflight") == "logo"  # the template says
            wanted = LOGO_DPI if logo and ctx.print_mode else need  # line art: sharp edges need more
            if dpi < wanted:
                what = (f"the publisher's logo {quote(src.rsplit('/', 1)[-1])} (series.yaml publisher.logo)" if logo
                        else f"picture {quote(src)}")
                yield number, (f"{what} is {width} × {height} px printed "
                               f"{shown_width / PX_PER_MM:.0f} × {shown_height / PX_PER_MM:.0f} mm: "
                               f"{dpi:.0f} dpi, needs {wanted} dpi for {purpose}")


# ---- 9. Broken internal links ------------------------------------------------------------

def check_links(ctx):
    anchors = set().union(*(page.anchors for _, page in ctx.pages))
    for number, page in ctx.pages:
        for kind, target, *_ in page.links:
            if kind == "internal" and target not in anchors:
                yield number, f"link to {quote('#' + target)} has no target"


# ---- 10. Bleed (print only) --------------------------------------------------------------

def check_bleed(ctx):
    """The print file's pages need a BleedBox 3 mm outside the TrimBox on every side."""
    need = BLEED_MM * 72 / 25.4 - 0.01  # pt
    for number, page in enumerate(ctx.pdf.pages, start=1):
        trim, bleed = page.get("/TrimBox"), page.get("/BleedBox")
        ok = False
        if trim is not None and bleed is not None:
            (tx0, ty0, tx1, ty1), (bx0, by0, bx1, by1) = _corners(trim), _corners(bleed)
            ok = min(tx0 - bx0, ty0 - by0, bx1 - tx1, by1 - ty1) >= need
        if not ok:
            yield number, f"no bleed: the print file needs {BLEED_MM} mm bleed (BleedBox) around the TrimBox"


# ---- 11. Bands that should reach the edge ----------------------------------------------------

SIDES = ("top", "right", "bottom", "left")


def check_bands(ctx):
    """A coloured band that leaves the text area for the margin (the masthead) must go all the way:
    to the page edge on screen, to the bleed in print. Stopping short leaves a white sliver that
    the trimming knife makes uneven."""
    for number, page in ctx.pages:
        text_area = content_box(page_box(page))
        area = (text_area.top, text_area.right, text_area.bottom, text_area.left)
        bleed = page.bleed if ctx.print_mode else dict.fromkeys(SIDES, 0)
        edges = (-bleed["top"], page.width + bleed["right"], page.height + bleed["bottom"], -bleed["left"])
        for box, _ in _flow(page):
            if _tag(element_of(box)) in ("html", "body") or not _painted(box):
                continue
            edges_ = border_box(box)
            sides = (edges_.top, edges_.right, edges_.bottom, edges_.left)
            short = []
            for i, side in enumerate(SIDES):
                outward = 1 if side in ("right", "bottom") else -1  # which way is out of the page
                into_margin = (sides[i] - area[i]) * outward > TOLERANCE
                gap = (edges[i] - sides[i]) * outward
                if into_margin and gap > TOLERANCE:
                    short.append((side, gap))
            if short:
                what = "the bleed" if ctx.print_mode else "the page edge"
                by_gap: dict[str, list[str]] = {}
                for side, gap in short:
                    by_gap.setdefault(_mm(gap), []).append(side)
                gaps = "; ".join(f"{gap} short of {what} at the {_and(sides)}" for gap, sides in by_gap.items())
                yield number, (f"the band {quote(_band_name(box))} leaves the text area but stops {gaps}: a white "
                               "strip shows (series.yaml `margins` and `bleed_bands` place the bands; a style.css "
                               "that moves one must take it to the edge)")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _painted(box) -> bool:
    if not has_edges(box):
        return False
    color = css(box, "background-color")
    images = [i for i in css(box, "background-image") if i and i[0] != "none"]
    return bool(images) or (getattr(color, "alpha", 0) > 0)


def _band_name(box) -> str:
    element = element_of(box)
    classes = (element.get("class") or "").split() if element is not None else []
    return "." + classes[0] if classes else _tag(element) or type(box).__name__


def _corners(values):
    x0, y0, x1, y1 = (float(v) for v in values)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


# ---- 11. Holes: a page left short because a block moved on --------------------------------

def check_underfilled(ctx):
    """A page before the last under `floats.FULL` of its area because a figure, table, box or
    list item did not fit and went on whole (a page ended by a page break on purpose is fine)."""
    for gap in floats.gaps(ctx.document):
        yield gap.page, (f"under-filled page ({gap.fill * 100:.0f} % full): {floats.describe(gap.moved)} "
                         f"moved on to page {gap.page + 1}")


# ---- 12. Loose lines ----------------------------------------------------------------------

def _space_width(box, cache: dict) -> float:
    """The natural width of a word space in a text box's font, from Pango, in CSS px."""
    family, size, weight, slant, stretch, variations, features = (css(box, name) for name in (
        "font-family", "font-size", "font-weight", "font-style", "font-stretch", "font-variation-settings",
        "font-feature-settings"))
    key = (tuple(family), size, weight, slant, stretch, str(variations), str(features))
    if key not in cache:
        cache[key] = laid_text.space_width(computed(box))
    return cache[key]


def check_loose_lines(ctx):
    """A justified line whose word spaces are stretched past `LOOSE` times their natural width."""
    widths: dict = {}
    for number, page in ctx.pages:
        for box, _ in _leaves(page):
            if not is_a(box, "line"):
                continue
            stretched = [b for b in descendants(box) if is_a(b, "text")
                         and laid_text.stretch(b) > 0 and (" " in text_of(b) or "\u00a0" in text_of(b))]
            if not stretched:
                continue
            text_box = max(stretched, key=lambda b: len(text_of(b)))
            natural = _space_width(text_box, widths)
            if natural <= 0:
                continue
            ratio = (natural + laid_text.stretch(text_box)) / natural
            if ratio > LOOSE:
                yield number, f"loose line: word spaces stretched to {ratio:.1f} times their width ({quote(_text(box))})"


# ---- 13 and 14. Word breaks: short fragments, names and headings hyphenated ----------------

def _lines_in_order(ctx):
    """(page, line box, its ancestors) for every line of text, in reading order."""
    for number, page in ctx.pages:
        for box, ancestors in _leaves(page):
            # (a line inside an inline block, such as a heading's hanging number, is part of its line)
            if _is_line(box) and not any(is_a(a, "atomic-inline") for a in ancestors):
                yield number, box, ancestors


def _hyphenations(ctx):
    """(page, the word as broken 'befo-re', the letters before and after, ancestors) for each
    line that hyphenation broke: its text ends with the hyphenate character, which is added
    by the layout, never written in the text."""
    lines = list(_lines_in_order(ctx))
    for (number, line, ancestors), following in zip(lines, lines[1:] + [None]):
        text = _text(line)
        hyphen = laid_text.hyphen(line)
        if not text.endswith(hyphen):
            continue
        before = re.search(r"(\S*)" + re.escape(hyphen) + "$", text)[1]
        after = ""
        if following is not None and element_of(following[1]) is element_of(line):
            after = re.match(r"\S*", _text(following[1]))[0]
        yield number, before, after, ancestors + (line,)


def _letters(part: str) -> int:
    return sum(ch.isalpha() for ch in part)


def check_short_fragments(ctx):
    for number, before, after, _ in _hyphenations(ctx):
        # soft hyphens are where a break may fall, not text; a compound counts from its last hyphen
        before, after = before.replace("\u00ad", ""), after.replace("\u00ad", "")
        word_after = re.match(r"[\w'’]*", after)[0]
        if _letters(re.split(r"[-\u2010]", before)[-1]) < MIN_FRAGMENT or (after and _letters(word_after) < MIN_FRAGMENT):
            yield number, (f"a word broken with fewer than {MIN_FRAGMENT} letters on one side: "
                           f"{quote(before + '-' + word_after)}")


def _in_heading(ancestors) -> bool:
    return any(_is_headline(b) for b in ancestors)


def _is_headline(box) -> bool:
    return tag_of(box) in ("h1", "h2", "h3", "h4", "h5", "h6") or "headline" in _typeset(box)


def _typeset(box) -> list[str]:
    """What the template declares the element is: `data-typeset="headline"` … (render/typeset.py)."""
    element = element_of(box)
    return (element.get("data-typeset") or "").split() if element is not None else []


def check_hyphenated_names(ctx):
    """No hyphenation in a heading or title, nor in a capitalised word (a name: 'Tsikhanouskaya')."""
    for number, before, after, ancestors in _hyphenations(ctx):
        word = before + "-" + re.match(r"[\w'’-]*", after)[0]
        if _in_heading(ancestors):
            yield number, f"a heading is broken by hyphenation: {quote(word)}"
        elif before[:1].isupper() and not (css(ancestors[-1], "lang") or "").lower().startswith(NOUNS_CAPITALISED):
            yield number, f"a capitalised word is broken by hyphenation: {quote(word)}"


# ---- 15. A heading or title ending in one word ---------------------------------------------

def check_heading_last_word(ctx):
    """A heading or title of two lines or more whose last line holds one word ('… All-Time / Low')."""
    lines: dict = defaultdict(list)
    for number, box, ancestors in _lines_in_order(ctx):
        holder = next((b for b in reversed(ancestors) if _is_headline(b)), None)
        if holder is not None and not is_a(holder, "inline"):
            lines[element_of(holder)].append((number, box))
    for element, found in lines.items():
        if len(found) < 2:
            continue
        number, last = found[-1]
        words = _text(last).split()
        if len(words) == 1:
            kind = "title" if element.tag == "h1" else "heading"  # the body's headings are h2 and h3
            yield number, (f"{kind} {quote(_element_text(element))} ends with one word alone on its last line "
                           f"({quote(words[0])})")


# ---- 16. A name or a figure label split across lines ---------------------------------------

def check_split_names(ctx):
    """An author's name, or a label such as 'Figure 2.', is never broken across lines."""
    seen: dict = {}
    for number, line, _ in _lines_in_order(ctx):
        for box in descendants(line):
            if is_a(box, "inline") and element_of(box) is not None and _is_name(box, line):
                pages, lines = seen.setdefault(element_of(box), ([], []))
                if line not in lines and _text(box):
                    pages.append(number)
                    lines.append(line)
    for element, (pages, lines) in seen.items():
        if len(lines) > 1:
            kind = "label" if "label" in (element.get("data-typeset") or "").split() else "name"
            yield pages[0], f"{kind} {quote(_element_text(element))} is split across lines"


def _is_name(box, line) -> bool:
    """The byline's names, the name that opens an author's biography, a figure's label: what the
    template marks `data-typeset="name"` or `"label"`."""
    return bool({"name", "label"} & set(_typeset(box)))


# ---- 17. Reader: every document on a right-hand page ---------------------------------------

def check_reader_left_start(ctx):
    """In a reader, each document (anchor `d<N>-document`) starts on a right-hand (odd) page."""
    seen: set[str] = set()
    for number, page in ctx.pages:
        for anchor in sorted(page.anchors):
            if not re.fullmatch(r"d\d+-document", anchor) or anchor in seen:
                continue  # (a document's anchor is on every page its body is on: the first counts)
            seen.add(anchor)
            if number % 2 == 0:
                title = next((_element_text(element_of(b)) for b, _ in _flow(page)
                              if tag_of(b) == "h1"), anchor)
                yield number, f"document {quote(title)} starts on a left-hand page"


# ---- 18 to 26. The editorial gate: what a layout desk sees at once ------------------------
# Each message opens with its check's id, so an editor can find it in docs/reference/preflight.md.

def _line_pairs(ctx):
    """(page, line, ancestors, the next line of the same block as (page, line) or None) for every
    line, in reading order."""
    lines = list(_lines_in_order(ctx))
    for (number, line, ancestors), following in zip(lines, lines[1:] + [None]):
        same = following is not None and element_of(following[1]) is element_of(line)
        yield number, line, ancestors, (following[0], following[1]) if same else None


def _hyphenated(line) -> bool:
    """The line ends with the hyphen the layout adds at a hyphenation break (never a typed one)."""
    return _text(line).endswith(laid_text.hyphen(line))


def _broken_word(line, following) -> str:
    """The word a hyphenation break cut, as an editor writes it: 'under-/mined'."""
    before = _text(line).split()[-1][:-1].replace("\u00ad", "")  # less the hyphen
    after = re.match(r"[\w'’\u00ad-]*", _text(following))[0] if following is not None else ""
    return f"{before}-/{after.replace(chr(0xAD), '')}"


def check_hyphen_at_page_turn(ctx):
    """The last line of a page ends with a hyphenation break: the reader turns the page mid-word."""
    for number, line, _, following in _line_pairs(ctx):
        if following is not None and following[0] != number and _hyphenated(line):
            yield number, (f"hyphen-at-page-turn: a word is hyphenated across the turn to page {following[0]}: "
                           f"{quote(_broken_word(line, following[1]))}")


def check_hyphenated_last_word(ctx):
    """A runt: the last word of a paragraph or recommendation broken, its end alone on the last line."""
    pairs = list(_line_pairs(ctx))
    for index, (number, line, _, following) in enumerate(pairs):
        # (a compound broken at its own hyphen, 'follow-/up.', is a runt too; an address is no word)
        if following is None or not (_hyphenated(line) or re.search(r"\w[-\u2010]$", _text(line))):
            continue
        if re.search(r"[/@]", _text(line).split()[-1]):
            continue
        last = index + 1 == len(pairs) - 1 or pairs[index + 1][3] is None  # the next line ends the block
        if last and len(_text(following[1]).split()) == 1:
            yield following[0], (f"hyphenated-last-word: the last word of a paragraph is broken: "
                                 f"{quote(_broken_word(line, following[1]))}")


ELLIPSIS = ("\u2026", "...")


def check_running_head_ellipsis(ctx):
    """A running head cut short with an ellipsis: the series needs a `short_title` instead."""
    for number, page in ctx.pages:
        for margin in children(page_box(page)):
            text = _text(margin) if is_a(margin, "margin") else ""
            if any(mark in text for mark in ELLIPSIS):
                yield number, f"running-head-ellipsis: a running head is cut with an ellipsis: {quote(text)}"


def _painted_box(box) -> bool:
    """A box set apart on the page, headed by a heading: a block with a background or a frame
    (a rule on a side or below; a rule above alone opens a section, it does not make a box)."""
    element = element_of(box)
    if element is None or not is_a(box, "block") or is_a(box, "line"):
        return False
    first = next((child for child in element if isinstance(child.tag, str)), None)
    ruled = any(css(box, f"border-{side}-width") > 0 for side in ("right", "bottom", "left"))
    return _tag(first) in HEADINGS and (ruled or getattr(css(box, "background-color"), "alpha", 0) > 0)


def _starts_with_heading(box) -> bool:
    """The box's first line on this page belongs to a heading, or to what the template marks
    `data-preflight="continued"` (a heading repeated on the page where the box resumes)."""
    first = next((ancestors for b, ancestors in walk(box) if _is_line(b)), None)
    return first is not None and any(
        tag_of(a) in HEADINGS or (element_of(a) is not None and element_of(a).get("data-preflight") == "continued")
        for a in first)


def check_split_box(ctx):
    """A box broken across pages keeps its bottom padding before the break and resumes under its
    heading after it."""
    fragments: dict = defaultdict(list)
    for number, page in ctx.pages:
        for box, _ in _flow(page):
            if _painted_box(box):
                fragments[element_of(box)].append((number, box))
    for element, found in fragments.items():
        if len(found) < 2:
            continue
        name = quote(_element_text(next(c for c in element if isinstance(c.tag, str))))
        kept = padding(found[-1][1], "bottom")  # the last piece ends as the style says
        for (number, box), (after, next_box) in zip(found, found[1:]):
            if kept > TOLERANCE and padding(box, "bottom") < kept - TOLERANCE:
                yield number, (f"split-box: the box {name} breaks to page {after} without its bottom padding "
                               f"({_mm(kept)})")
            if not _starts_with_heading(next_box):
                yield after, f"split-box: the box {name} resumes from page {number} without its heading"


SEPARATOR = "\u00b7"


def check_separator_at_line_end(ctx):
    """A separator '·' (between a byline's names, in a date line) that ends or starts a line."""
    for number, line, _ in _lines_in_order(ctx):
        text = _text(line)
        if text.startswith(SEPARATOR) or text.endswith(SEPARATOR):
            where = "starts" if text.startswith(SEPARATOR) else "ends"
            yield number, f"separator-at-line-end: a line {where} with the separator '·': {quote(text)}"


# A label's line must not start with a year ('Jan–Jul / 2023'), nor with a unit whose number
# ends the line before ('250 / km'); a unit written after a word stays whole ('Exports, / USD bn').
YEAR = re.compile(r"[(\[]?(?:18|19|20|21)\d{2}(?:[–-]\d{2,4})?[)\].,:;]?")
UNIT = re.compile(r"(?:%|‰|pp|bn|mn|m|k|km|kg|t|€|\$|£|USD|EUR|SEK)[)\].,:;]?", re.IGNORECASE)
NUMBER = re.compile(r"[(\[]?[\d.,\u202f\u00a0]*\d")
SVG = "{http://www.w3.org/2000/svg}"


def _chart_labels(root):
    """The category labels of a chart drawn by matplotlib, each as its drawn lines: every tick's
    `<g id="text_…">` holds one `<text>` a line."""
    for tick in root.iter(SVG + "g"):
        if not re.fullmatch(r"[xy]tick_\d+", tick.get("id", "")):
            continue
        for group in tick.iter(SVG + "g"):
            lines = [" ".join("".join(t.itertext()).split()) for t in group.findall(SVG + "text")]
            if group.get("id", "").startswith("text_") and lines:
                yield lines


def check_chart_label_break(ctx):
    """A chart's category label broken before its year or unit ('Jan–Jul / 2023')."""
    for number, page in ctx.pages:
        for box, _ in _flow(page):
            root = svg_root(box)
            if root is None:
                continue
            for lines in _chart_labels(root):
                for before, after in zip(lines, lines[1:]):
                    first, last = (after.split() or [""])[0], (before.split() or [""])[-1]
                    if YEAR.fullmatch(first) or (UNIT.fullmatch(first) and NUMBER.fullmatch(last)):
                        yield number, (f"chart-label-break: a chart label breaks before its year or unit: "
                                       f"{quote(' / '.join(lines))}")
                        break


HOLE = 0.90  # a page before the last is left with a hole when its text stops short of this share
SPLIT_LINES = 6  # a block of this many lines may break 3 + 3 rather than move on whole


def check_hole_before_block(ctx):
    """A hole over 10 % of a page before a block of text that went on whole though it could split."""
    pages = dict(ctx.pages)
    for gap in floats.gaps(ctx.document, full=HOLE):
        moved = gap.moved
        if _tag(moved) in ("ol", "ul") and len(moved):
            moved = moved[0]  # a list moved on with its first item: the item is what could split
        if _tag(moved) in ("figure", "table") or gap.page + 1 not in pages:
            continue
        lines = sum(1 for box, ancestors in _leaves(pages[gap.page + 1]) if _is_line(box)
                    and any(element_of(a) is moved for a in ancestors + (box,)))
        if lines >= SPLIT_LINES:
            yield gap.page, (f"hole-before-block: {100 - gap.fill * 100:.0f} % of the page is empty: "
                             f"{floats.describe(moved).replace(chr(0xAD), '')} ({lines} lines) moved whole to page {gap.page + 1} "
                             f"where it could split {lines // 2} + {lines - lines // 2}")


def check_uncaptioned_table(ctx):
    """A table without a caption: it is not numbered, and nothing says what it shows."""
    for element, (pages, found) in _pages_of(ctx, "table").items():
        if any(_tag(c) == "caption" for c in element):
            continue
        first_row = next((r for t in found for r in descendants(t) if is_a(r, "row")), None)
        label = quote(" · ".join(_text(cell) for cell in children(first_row))) if first_row is not None else ""
        yield pages[0], (f"uncaptioned-table: table {label} has no caption: it is not numbered; write a line "
                         "'Table: caption' just before or after it")


def check_placeholder(ctx):
    """A placeholder left in the printed text ('[to be confirmed]', '[TK]', '[…]'), with the same
    patterns `--check` warns of; those the front matter accepts pass."""
    expression = re.compile("|".join(f"(?:{p})" for p in SOFT_PLACEHOLDERS), re.IGNORECASE)
    # The text as one string, so that a placeholder broken across lines or pages is found whole.
    accepted = {a.casefold() for a in ctx.accepted}  # as printed: a byline may set it in capitals
    starts, pages, text = [], [], ""
    for number, line, _ in _lines_in_order(ctx):
        starts.append(len(text))
        pages.append(number)
        text += _text(line) + " "
    for match in expression.finditer(text):
        found = " ".join(match.group().split())
        if found and found.casefold() not in accepted:
            number = pages[bisect.bisect_right(starts, match.start()) - 1]
            yield number, f"placeholder: still a placeholder: {quote(found)}; replace it before the document goes to press"


END_MATTER = {"about": "the authors' biography", "disclaimer": "the disclaimer", "cite-as": "'Cite as'",
              "publisher": "the publisher's block"}  # the template's end-matter sections, by class


def check_last_page_end_matter_only(ctx):
    """The text's last page holds only end matter (the biography, the publisher's block …), most
    of it empty: the text could have made room for it on the page before. (A page emptier still
    is named by `near-empty-last-page`.)"""
    pages = _text_pages(ctx)
    if len(pages) < 2:
        return
    number, page = pages[-1]
    classes = end_matter_held(page)
    if classes is None:
        return  # the text itself reaches this page
    held = [END_MATTER[c] for c in classes if c in END_MATTER]
    leaves = list(_leaves(page))
    used = _fill(page, [b for b, _ in leaves]) if leaves else 0
    if NEAR_EMPTY <= used < END_MATTER_ONLY:
        yield number, (f"last-page-end-matter-only: the last page holds only {_and(held or ['end matter'])} "
                       f"({sum(1 for b, _ in leaves if _is_line(b))} lines filling {used * 100:.0f} % of the page)")


CHECKS = (
    ("overflow", check_overflow),
    ("heading-at-foot", check_heading_at_foot),
    ("orphan", check_orphans),
    ("widow", check_widows),
    ("split-figure", check_split_figures),
    ("split-table", check_split_tables),
    ("near-empty-last-page", check_near_empty_last_page),
    ("missing-glyph", check_missing_glyphs),
    ("font-not-embedded", check_fonts_embedded),
    ("low-resolution", check_resolution),
    ("broken-link", check_links),
    ("no-bleed", check_bleed),
    ("band-short", check_bands),
    ("under-filled-page", check_underfilled),
    ("loose-line", check_loose_lines),
    ("short-fragment", check_short_fragments),
    ("hyphenated-name", check_hyphenated_names),
    ("heading-last-word", check_heading_last_word),
    ("split-name", check_split_names),
    ("reader-left-page", check_reader_left_start),
    ("hyphen-at-page-turn", check_hyphen_at_page_turn),
    ("hyphenated-last-word", check_hyphenated_last_word),
    ("running-head-ellipsis", check_running_head_ellipsis),
    ("split-box", check_split_box),
    ("separator-at-line-end", check_separator_at_line_end),
    ("chart-label-break", check_chart_label_break),
    ("hole-before-block", check_hole_before_block),
    ("uncaptioned-table", check_uncaptioned_table),
    ("placeholder", check_placeholder),
    ("last-page-end-matter-only", check_last_page_end_matter_only),
)
