"""The print PDF imposed for the press (series.yaml `print:`): facing pages, blank pages to a
multiple of 4, small type in one ink, a slug line.

- **Mirrored pages.** The screen PDF is a single page repeated: the 30 mm rail inside the text
  area, on the left. On paper a right-hand page has its spine on the left, so the rail leaves the
  text area for the page's outer margin (`--rail: 0`; the page margins carry it, `@page :left`
  and `:right`), with the notes and whatever else stands in it (`layout.sidenotes` moves a
  right-hand page's across), and the running head and folio move outward by the series'
  `imposition.css`.
  The text column keeps its width, so lines break as on screen; what spanned the rail (title,
  summary) now spans the column.
- **Plain folios**: "7", not "Page 7 of 10": the folio's words are emptied.
- **Blank pages** to a multiple of `pad_to`, before the back cover, which stays the last page
  (a left-hand page, print.css), so a page's side never changes. Blank means blank: no head, no
  folio (the slug and crop marks stay, outside the trim).
- **One ink for small type**: the QR code, the footer's wordmark, figure labels and the other
  navy or accent type under 10 pt take the series' black (its `text` colour when that is black
  ink only, else 100 % K), so nothing small depends on registration.
- **A slug line** beyond the crop marks: file, date (the document's, never the clock), the output
  intent, the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from report.layout import pages as paged
from report.model import Html, Series
from report.render import context
from report.render.qr import qr_svg
from report.series import geometry, press as colours
from report.series.resolve import TEMPLATES, find_asset
from report.source.schemas import PRINT

# What a series' imposition.css mirrors; base ships the house's running head and folio.
STYLESHEET = "imposition.css"
SLUG_BOX = "@bottom-left-corner"  # the page-margin box the slug line is set in
QR = "report:qr.svg"  # the QR code's address in the document's resources (pipeline.html_for)


@dataclass(frozen=True)
class Imposition:
    """series.yaml `print:` with its defaults."""

    mirrored: bool
    pad_to: int
    slug: bool
    overprint: bool


def of(series: Series) -> Imposition:
    given = {field.name: series.print.get(field.name, field.default) for field in PRINT.fields}
    return Imposition(given["imposition"] == "mirrored", given["pad_to"], given["slug"], given["overprint"])


def black(series: Series) -> str:
    """The CSS colour that prints in black ink only: the series' text colour when its press colour
    is K alone (the series' K-heavy build), else pure black (a grey: K only by the conversion rule)."""
    c, m, y, _ = colours.series_cmyk(series).get("text", (1, 1, 1, 1))
    return series.colors["text"] if c == m == y == 0 else "#000000"


def _css_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def css(series: Series, file_name: str, date: str) -> tuple[str, ...]:
    """The print PDF's stylesheets after print.css: the series' imposition.css (mirrored only),
    then the geometry, folio and ink rules made from series.yaml."""
    settings = of(series)
    g = geometry.of(series)
    top, inner, bottom, outer = g.margins[0], g.margins[1], g.margins[2], g.margins[3]
    ink = black(series)
    rules = [
        # Plain folios: the words around the number go (a series composing its own keeps its own).
        # `!important`: the document's own CSS (the geometry, a language's folio words) is of the
        # author's origin, these sheets of the user's.
        ':root { --page-before: "" !important; --page-between: "" !important; --page-total: "" !important; '
        f'--page-after: "" !important; --ink-black: {ink}; }}',
        # Type under 10 pt that would print in colour, and the QR code: black ink only.
        ".figure-number, .summary-heading, .publisher-line:first-of-type, .publisher-web a, .online a, "
        ".editions a, .notes a, .citation a, .colophon a, sup.footnote-ref, th { color: var(--ink-black); }",
        "th { border-bottom-color: var(--ink-black); }",
        "@page { @bottom-right { color: var(--ink-black); } }",
    ]
    sheets = []
    if settings.mirrored:
        sheet = find_asset(series, STYLESHEET)
        if sheet is not None:
            sheets.append(sheet.read_text(encoding="utf-8"))
        rail = g.rail
        rules += [
            # The rail leaves the text area for the outer margin: left on a left-hand page, right
            # on a right-hand one (page 1 is a right-hand page). --outer-rail: its width there.
            f":root {{ --rail: 0mm !important; --outer-rail: {rail:g}mm; }}",
            f"@page :left {{ margin: {top:g}mm {inner:g}mm {bottom:g}mm {outer + rail:g}mm; }}",
            f"@page :right {{ margin: {top:g}mm {outer + rail:g}mm {bottom:g}mm {inner:g}mm; }}",
            # The rail's items (sidenotes, figure sources, pull quotes, key figures) as wide as on
            # screen, set left of the column as on a left-hand page; layout.sidenotes moves those of
            # a right-hand page to its right. Both a note (from the page's text area) and a figure's
            # source (from its figure) are placed from the column's left edge here.
            ".in-rail { left: calc(-1 * (var(--outer-rail) + var(--sidenote-reach))) !important; "
            "width: calc(var(--outer-rail) + var(--sidenote-reach) - var(--sidenote-gap)) !important; }",
            ".table-figure .in-rail { width: auto !important; }",  # a table's source stays under it
        ]
        if g.bleed_bands:  # a band on page 1 (a right-hand page) reaches its edges across the rail
            rules.append(f":root {{ --band-left: {inner:g}mm !important; --band-right: {outer + rail:g}mm !important; }}")
    if settings.slug:
        words = f"{file_name}  ·  {date}  ·  PDF/X-4, {colours.CONDITION_INFO.split(' (')[0]}  ·  "
        # Beyond the bleed and the crop marks: the corner box starts at the trim; its top margin
        # takes the text past the bottom margin, the 3 mm bleed and the marks' gap.
        rules.append(
            "@page { " + SLUG_BOX + " { content: " + _css_text(words) + ' "p. " counter(page); '
            "font: 400 6pt var(--font-sans); color: var(--ink-black); white-space: nowrap; text-align: left; "
            f"vertical-align: top; height: 3mm; margin-top: {bottom + 4.5:g}mm; padding-left: 8mm; }} }}")
    return tuple(sheets) + ("\n".join(rules) + "\n",)


def black_qr(html: Html, url: str | None, series: Series) -> Html:
    """The page's QR code (render.qr) drawn in black ink only."""
    if not url or QR not in html.resources:
        return html
    return replace(html, resources={**html.resources, QR: (qr_svg(url, black(series)), "image/svg+xml")})


# A blank page has no running head, no folio: nothing at all (the slug stays: it is no margin box
# of the page's text but the corner's, outside the trim).
BLANK_CSS = "".join(f"@page {sel} {{ " + " ".join(f"@{box} {{ content: none; }}" for box in (
    "top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right")) + " }\n"
    for sel in ("", ":first", ":left", ":right", ":blank"))


def blank_pages(series: Series, print_css: tuple[str, ...], count: int = 1, first: int | None = None) -> list:
    """`count` blank pages in the series' size and print marks; `first`: the page number the first
    one has (for the slug)."""
    # An empty body for one page, as the screen reader's blank verso always had (no element, no tag).
    body = "<div></div>" + '<div style="break-before: page"></div>' * (count - 1) if count > 1 else ""
    html = Html(f"<!DOCTYPE html><html><head><style>{context.font_css(series)}</style></head>"
                f"<body>{body}</body></html>", TEMPLATES.resolve().as_uri() + "/", series.stylesheets, {}, "en", "")
    numbering = (f"@page :first {{ counter-reset: page {first}; }}\n",) if first is not None else ()
    pages = paged.layout(html, series.folders + (TEMPLATES,), print_css + (BLANK_CSS,) + numbering).pages
    return list(pages)[:count]


def padded(document, series: Series, print_css: tuple[str, ...], back_cover: bool):
    """The document with blank pages before its back cover (or at its end) up to a multiple of
    `pad_to`; the same document when none is needed."""
    count = len(document.pages)
    missing = -count % of(series).pad_to
    if not missing:
        return document
    keep = count - 1 if back_cover else count
    blanks = blank_pages(series, print_css, missing, keep + 1)
    return document.copy(list(document.pages[:keep]) + blanks + list(document.pages[keep:]))


__all__ = ["BLANK_CSS", "SLUG_BOX", "Imposition", "black", "black_qr", "blank_pages", "css", "of", "padded"]
