"""The web page's card image (`<stem>.card.png`, 1200 × 630): what a link to the page shows on
social media and in chat. Drawn with Pillow from the series' own font files and colours: the
masthead's wordmark and label, the number, the title (at most four lines, else the short title,
never cut inside a word) and the authors.

The text's contrast with its ground is measured with the WCAG formula and must reach 4.5:1:
white or the series' text colour on its primary colour, else the text colour on its tint.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from report.errors import BuildError
from report.model import Series
from report.outputs.citation import Record

# Lazy: Pillow (about 0.1 s), only when a card is drawn.

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
MAX_TITLE_LINES = 4
TITLE_SIZE, TITLE_LEADING = 60, 70
MIN_CONTRAST = 4.5
ELLIPSIS = "…"


@dataclass(frozen=True)
class Card:
    png: bytes
    title_lines: tuple[str, ...]  # the title as set
    contrast: float  # of the text with its ground
    alt: str  # the image's text alternative


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.1 relative luminance."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def colours(series: Series) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
    """(ground, text, accent): the first pair whose contrast reaches 4.5:1."""
    from PIL import ImageColor

    rgb = {name: ImageColor.getrgb(value)[:3] for name, value in series.colors.items()}
    white = (255, 255, 255)
    for ground, text in ((rgb["primary"], white), (rgb["primary"], rgb["text"]), (rgb["tint"], rgb["text"]),
                         (white, rgb["text"])):
        if contrast(ground, text) >= MIN_CONTRAST:
            return ground, text, rgb["accent"]
    raise BuildError(f"the card image of series {series.id} has no colours that contrast 4.5:1: neither "
                     "white nor colors.text on colors.primary, nor colors.text on colors.tint or white")


def wrap(text: str, font, width: int) -> list[str]:
    """Lines of whole words no wider than `width` (a single word wider than that stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def title_lines(title: str, short_title: str | None, font, width: int) -> list[str]:
    """The title in at most four lines: as it is, else its short title, else the first words
    that fit with an ellipsis after the last whole word."""
    for text in (title, short_title):
        if text:
            lines = wrap(text, font, width)
            if len(lines) <= MAX_TITLE_LINES:
                return lines
    lines = wrap(short_title or title, font, width)[:MAX_TITLE_LINES]
    last = lines[-1].split()
    while last and font.getlength(" ".join(last) + ELLIPSIS) > width:
        last.pop()
    lines[-1] = " ".join(last).rstrip(",;:–—-") + ELLIPSIS if last else ELLIPSIS
    return lines


def _face(image_font, path, size: int, weight: int):
    """The font file at `size`; a variable font set to `weight` (a static file is its own weight)."""
    font = image_font.truetype(str(path), size)
    try:
        axes = font.get_variation_axes()
    except OSError:  # not a variable font
        return font
    font.set_variation_by_axes([max(a["minimum"], min(a["maximum"], weight)) if a["name"] == b"Weight"
                                else a["default"] for a in axes])
    return font


def draw(rec: Record, series: Series, short_title: str | None) -> Card:
    """The card of a document; `series` in the document's language (languages.edition)."""
    from PIL import Image, ImageDraw, ImageFont

    ground, ink, accent = colours(series)
    sans = series.fonts["sans"]
    bold = _face(ImageFont, sans.bold or sans.normal, TITLE_SIZE, 700)
    regular = _face(ImageFont, sans.normal, 30, 400)
    masthead = _face(ImageFont, sans.bold or sans.normal, 34, 700)
    small = _face(ImageFont, sans.semibold or sans.normal, 26, 600)
    image = Image.new("RGB", (WIDTH, HEIGHT), ground)
    pen = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    # Masthead: the wordmark left, the series label and number right, an accent rule under them.
    pen.text((MARGIN, 56), series.publisher.mark or series.publisher.name, font=masthead, fill=ink)
    label = series.label
    right = " · ".join(str(p) for p in (label.upper(), rec.pub.number_text, rec.pub.year) if p)
    pen.text((WIDTH - MARGIN, 62), right, font=small, fill=ink, anchor="ra")
    pen.rectangle((MARGIN, 122, MARGIN + 96, 128), fill=accent)
    lines = title_lines(rec.pub.title, short_title, bold, inner)
    top = 170
    for n, line in enumerate(lines):
        pen.text((MARGIN, top + n * TITLE_LEADING), line, font=bold, fill=ink)
    authors = wrap(" · ".join(p.name for p in rec.authors), regular, inner)[:2]
    for n, line in enumerate(authors):
        pen.text((MARGIN, HEIGHT - 72 - (len(authors) - n) * 40), line, font=regular, fill=ink)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)  # no time, no text chunks: the same bytes every build
    alt = f"{label}: {' '.join(lines)}" + (f" ({', '.join(p.name for p in rec.authors)})" if rec.authors else "")
    return Card(out.getvalue(), tuple(lines), contrast(ground, ink), alt)
