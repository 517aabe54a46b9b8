"""A Creative Commons licence's badge as vector art: the CC mark and one icon per element.

Drawn here from circles, arcs and bars (no text, so no font), in the manner of the CC buttons
but not copied from them: a dark plate, a white disc per icon, the glyph cut in dark. The
licence's name is printed beside it, so the badge is only the mark a reader recognises.
"""

from __future__ import annotations

import math

CELL = 26  # each icon's width; the plate is one cell high plus its margins
R = 11  # the disc
PLATE = "#231f20"
DISC = "#ffffff"


def _point(cx: float, cy: float, r: float, degrees: float) -> tuple[float, float]:
    return cx + r * math.cos(math.radians(degrees)), cy - r * math.sin(math.radians(degrees))


def _c(cx: float, cy: float, r: float) -> str:
    """A letter C: an arc open on the right."""
    (x1, y1), (x2, y2) = _point(cx, cy, r, 45), _point(cx, cy, r, -45)
    return f'<path d="M{x1:.2f} {y1:.2f}A{r} {r} 0 1 0 {x2:.2f} {y2:.2f}" fill="none" stroke="{PLATE}" stroke-width="2"/>'


def _glyph(element: str, cx: float, cy: float) -> str:
    if element == "cc":
        return _c(cx - 3.6, cy, 3.4) + _c(cx + 3.6, cy, 3.4)
    if element == "by":  # a person: head, body, legs
        return (f'<circle cx="{cx}" cy="{cy - 5.6}" r="2.1" fill="{PLATE}"/>'
                f'<rect x="{cx - 3.4}" y="{cy - 2.6}" width="6.8" height="5.6" rx="1.2" fill="{PLATE}"/>'
                f'<rect x="{cx - 2}" y="{cy + 2.4}" width="4" height="5" fill="{PLATE}"/>')
    if element == "nd":  # an equals sign
        return (f'<rect x="{cx - 5}" y="{cy - 3.6}" width="10" height="2.4" fill="{PLATE}"/>'
                f'<rect x="{cx - 5}" y="{cy + 1.2}" width="10" height="2.4" fill="{PLATE}"/>')
    if element == "nc":  # a dollar sign, struck through
        s = (f"M{cx + 3.2} {cy - 3.4}C{cx + 2} {cy - 5.4} {cx - 3.6} {cy - 5.2} {cx - 3.6} {cy - 2}"
             f"C{cx - 3.6} {cy + 0.8} {cx + 3.6} {cy - 0.6} {cx + 3.6} {cy + 2.2}"
             f"C{cx + 3.6} {cy + 5.4} {cx - 2.2} {cy + 5.4} {cx - 3.4} {cy + 3.2}")
        return (f'<path d="{s}" fill="none" stroke="{PLATE}" stroke-width="1.8"/>'
                f'<path d="M{cx} {cy - 7}V{cy + 7}" stroke="{PLATE}" stroke-width="1.6"/>'
                f'<path d="M{cx - 7.6} {cy - 7.6}L{cx + 7.6} {cy + 7.6}" stroke="{PLATE}" stroke-width="1.8"/>')
    if element == "sa":  # a circular arrow
        (x1, y1), (x2, y2) = _point(cx, cy, 5, 150), _point(cx, cy, 5, 215)
        return (f'<path d="M{x1:.2f} {y1:.2f}A5 5 0 1 1 {x2:.2f} {y2:.2f}" fill="none" stroke="{PLATE}" '
                f'stroke-width="2.2"/>'
                f'<path d="M{x1 - 3.4:.2f} {y1 + 0.6:.2f}L{x1 + 2.6:.2f} {y1 + 0.6:.2f}L{x1 - 0.4:.2f} {y1 + 4.2:.2f}Z" '
                f'fill="{PLATE}"/>')
    if element == "zero":  # a zero, struck through
        return (f'<ellipse cx="{cx}" cy="{cy}" rx="3.6" ry="5.4" fill="none" stroke="{PLATE}" stroke-width="2"/>'
                f'<path d="M{cx + 4.4} {cy - 6.4}L{cx - 4.4} {cy + 6.4}" stroke="{PLATE}" stroke-width="1.6"/>')
    raise ValueError(element)


def license_badge(elements: tuple[str, ...]) -> bytes:
    """The badge of a CC licence with these elements (("by", "nc") …), as SVG."""
    icons = ("cc",) + tuple(elements)
    width, height = 4 + CELL * len(icons), 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}"><rect width="{width}" height="{height}" rx="3" fill="{PLATE}"/>']
    for i, element in enumerate(icons):
        cx, cy = 2 + CELL * i + CELL / 2, height / 2
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{R}" fill="{DISC}"/>' + _glyph(element, cx, cy))
    parts.append("</svg>")
    return "".join(parts).encode("utf-8")
