"""What a proof adds to the page (`--proof`): the problems highlighted in the text and listed at
the end, and each page's drawing (line numbers, margin notes, the proof mark and its date).

The highlights and the list are HTML, laid out with the document. The drawing is one SVG a
page, set as that page's background once the first layout has said where the lines and the
highlights stand: a background moves no line, and WeasyPrint draws it as an artifact, so the
numbers and notes stay out of the tagged text's reading order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from report.cache import memo
from report.errors import printable
from report.model import Html, Series

# Lazy: fontTools (about 0.1 s), to measure the margin notes, only when a proof is drawn.

MARK_CLASS, MARK_ATTRIBUTE = "proof-mark", "data-proof"
LIST_TITLE = "Problems in this proof"
MARK_WORDS = "PROOF — not for circulation"
PX_PER_MM = 96 / 25.4
PT = 96 / 72  # CSS px per point
NUMBER_SIZE, NOTE_SIZE, NOTE_LEADING, BAND_SIZE, WATERMARK_SIZE = 6 * PT, 5.5 * PT, 6.6 * PT, 7 * PT, 44 * PT
GREY, NOTE_COLOUR, HIGHLIGHT = "#8a8a8a", "#b3261e", "#ffe98a"

CSS = f"""
mark.{MARK_CLASS} {{ background: {HIGHLIGHT}; color: #1a1a1a; }}
section.proof-problems {{ break-before: page; font-family: var(--font-sans); font-size: 9pt; line-height: 12pt; }}
section.proof-problems h2 {{ margin: 0 0 6pt; }}
section.proof-problems ol {{ margin: 0; padding-left: 2em; }}
section.proof-problems li {{ margin: 0 0 4pt; }}
section.proof-problems .where {{ font-weight: 600; }}
"""


@dataclass(frozen=True)
class Shown:
    """A problem as the proof prints it: its number, where, its words, the text it points at."""

    number: int
    where: str  # document.md:13:23
    message: str  # field: message
    text: str | None


# -- the highlights and the list -----------------------------------------------------------------

def _pattern(text: str) -> str:
    """`text` as it may stand in the rendered HTML: escaped, with smart quotes and dashes, soft
    hyphens and the typesetter's tags and no-break spaces between its letters."""
    alike = {"'": "(?:'|’|‘|&#39;|&#x27;)", '"': '(?:"|“|”|&quot;|&#34;)', "&": "&amp;", "<": "&lt;",
             ">": "&gt;", "-": "(?:-|–|—|\u2011)"}
    between = "(?:\u00ad|&shy;|\u2060|<[^<>]*>)*"
    parts = []
    for word in re.split(r"\s+", text.strip()):
        parts.append(between.join(alike.get(c, re.escape(c)) for c in word))
    return (between + r"(?:\s|&nbsp;|\u00a0|\u202f|<[^<>]*>)+" + between).join(parts)


def highlight(html: Html, shown: tuple[Shown, ...]) -> Html:
    """Every place the text of a problem stands in the body, highlighted and numbered; the list of
    problems after the body."""
    text = html.text
    start = text.find("<body")
    head, body = text[:start], text[start:]
    by_text: dict[str, list[int]] = {}
    for item in shown:
        if item.text:
            by_text.setdefault(item.text, []).append(item.number)
    for words, numbers in by_text.items():
        expression = re.compile(_pattern(escape(words, quote=False).replace("&amp;", "&")))
        body = _wrap(body, expression, " ".join(map(str, numbers)))
    end = body.rfind("</body>")
    body = body[:end] + problem_list(shown) + body[end:]
    return replace(html, text=head + body, css=html.css + (CSS,))


def _wrap(body: str, expression: re.Pattern, numbers: str) -> str:
    out, at = [], 0
    # Match on the whole body (a placeholder may span the typesetter's tags), wrap piece by piece.
    for match in expression.finditer(body):
        if _inside_tag(body, match.start()):
            continue
        out.append(body[at:match.start()])
        for piece in re.split(r"(<[^<>]*>)", match.group()):
            if piece.startswith("<") or not piece:
                out.append(piece)
            else:
                out.append(f'<mark class="{MARK_CLASS}" {MARK_ATTRIBUTE}="{numbers}">{piece}</mark>')
        at = match.end()
    return "".join(out) + body[at:]


def _inside_tag(text: str, index: int) -> bool:
    return text.rfind("<", 0, index) > text.rfind(">", 0, index)


def problem_list(shown: tuple[Shown, ...]) -> str:
    """The list on a page of its own at the end; nothing for a clean proof, which keeps the
    document's pages (a page saying there is nothing to list would only add a sheet to read)."""
    if not shown:
        return ""
    items = "".join(f'<li><span class="where">{escape(s.where)}</span> {escape(s.message)}</li>' for s in shown)
    return f'<section class="proof-problems"><h2>{LIST_TITLE}</h2><ol>{items}</ol></section>'


# -- each page's drawing -------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """What a page's drawing needs, in CSS px (see `report.internals.lines.PageLines`)."""

    width: float
    height: float
    content: tuple[float, float, float, float]
    baselines: tuple[float, ...]
    notes: tuple[tuple[float, int, str], ...]  # (top, number, words) of each note on the page
    left: float  # the page's leftmost line (the rail's too): the numbers stand left of it


def page_svg(page: Page, series: Series, date: str) -> bytes:
    """The page's proof drawing: the mark and date, line numbers, margin notes, a watermark.
    The mark and the notes stand on white, readable on any page (a navy cover too)."""
    sans = series.fonts["sans"]
    font = Path(sans.normal)
    x, y, width, height = page.content
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{page.width:.2f}" height="{page.height:.2f}" '
           f'viewBox="0 0 {page.width:.2f} {page.height:.2f}" font-family="{escape(sans.family)}">']
    centre_x, centre_y = page.width / 2, page.height / 2
    out.append(f'<text x="{centre_x:.2f}" y="{centre_y:.2f}" font-size="{WATERMARK_SIZE:.2f}" fill="{NOTE_COLOUR}" '
               f'fill-opacity="0.09" text-anchor="middle" transform="rotate(-50 {centre_x:.2f} {centre_y:.2f})">'
               f"{escape(MARK_WORDS)}</text>")
    band = f"{MARK_WORDS} · proof of {date}"  # at the foot: a masthead may cover the head of page 1
    band_y, band_width = page.height - 6 * PX_PER_MM, measure(band, font, BAND_SIZE) + 0.5 * len(band)
    out.append(_backing(centre_x - band_width / 2, band_y - BAND_SIZE, band_width, BAND_SIZE * 1.35))
    out.append(f'<text x="{centre_x:.2f}" y="{band_y:.2f}" font-size="{BAND_SIZE:.2f}" '
               f'fill="{NOTE_COLOUR}" text-anchor="middle" letter-spacing="0.5">{escape(band)}</text>')
    number_x = max(min(x, page.left) - 2.5 * PX_PER_MM, 6 * PX_PER_MM)  # a page without margins (a cover): inside its edge
    for n, baseline in enumerate((b for b in page.baselines if y <= b <= y + height), 1):
        out.append(f'<text x="{number_x:.2f}" y="{baseline:.2f}" font-size="{NUMBER_SIZE:.2f}" fill="{GREY}" '
                   f'text-anchor="end">{n}</text>')
    note_x = x + width + 2.5 * PX_PER_MM
    if page.width - note_x < NOTES_MIN * PX_PER_MM:  # no room in the margin: a column at the page's edge
        note_x = page.width - (NOTES_MIN + 3) * PX_PER_MM
    note_width = page.width - note_x - 3 * PX_PER_MM
    for first, lines in _stacked(page.notes, note_width, font, page.height - 12 * PX_PER_MM):
        out.append(_backing(note_x - 2, first - NOTE_SIZE, note_width + 4, len(lines) * NOTE_LEADING + 1))
        for i, line in enumerate(lines):
            out.append(f'<text x="{note_x:.2f}" y="{first + i * NOTE_LEADING:.2f}" font-size="{NOTE_SIZE:.2f}" '
                       f'fill="{NOTE_COLOUR}">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")


NOTES_MIN = 15  # mm: the narrowest margin notes are set in


def _stacked(notes, width: float, font: Path, floor: float) -> list[tuple[float, list[str]]]:
    """Each note's first baseline and lines: beside its line, below the note before it, and
    moved up, as far as need be, so that the last ends above `floor`."""
    placed: list[tuple[float, list[str]]] = []
    below = 0.0
    for top, number, words in sorted(notes):
        lines = wrap(f"{number}. {words}", width, font, NOTE_SIZE)
        first = max(top + NOTE_SIZE, below + NOTE_LEADING)
        placed.append((first, lines))
        below = first + (len(lines) - 1) * NOTE_LEADING + 2
    ceiling = floor
    for i in range(len(placed) - 1, -1, -1):
        first, lines = placed[i]
        last = first + (len(lines) - 1) * NOTE_LEADING
        if last > ceiling:
            first -= last - ceiling
            placed[i] = (first, lines)
        ceiling = first - NOTE_SIZE - 2
    return placed


def _backing(x: float, y: float, width: float, height: float) -> str:
    return (f'<rect x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" height="{height:.2f}" fill="#ffffff" '
            'fill-opacity="0.9"/>')


def page_css(number: int, url: str, page: Page) -> str:
    """The page's drawing as its background, over the whole sheet (the margins too); important,
    since a named page's own `background` (a cover's colour) would otherwise win."""
    x, y = page.content[0], page.content[1]
    return (f"@page :nth({number}) {{ background-image: url({url}) !important; "
            f"background-repeat: no-repeat !important; background-position: {-x:.3f}px {-y:.3f}px !important; "
            f"background-size: {page.width:.3f}px {page.height:.3f}px !important; }}")


def measure(text: str, font: Path, size: float) -> float:
    """The width of `text` in px at `size` px in `font`."""
    advance, per_em = _advances(font)
    return sum(advance(c) for c in text) * size / per_em


def wrap(text: str, width: float, font: Path, size: float) -> list[str]:
    """`text` broken into lines no wider than `width` px at `size` px in `font`."""
    lines: list[str] = []
    line = ""
    for word in printable(text).split():
        trial = f"{line} {word}" if line else word
        if line and measure(trial, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


@memo(maxsize=8)
def _advances(font: Path):
    from fontTools.ttLib import TTFont

    with TTFont(str(font), lazy=True) as face:
        cmap, metrics = face.getBestCmap(), face["hmtx"].metrics
        per_em = face["head"].unitsPerEm
        widths = {code: metrics[name][0] for code, name in cmap.items()}
    fallback = per_em // 2

    def advance(char: str) -> int:
        return widths.get(ord(char), fallback)
    return advance, per_em
