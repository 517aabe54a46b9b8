"""A series' page geometry (series.yaml `page_size`, `margins`, `rail`, `bleed_bands`) as numbers
and as the CSS every stylesheet builds on.

The @page rule and the `:root` variables are generated from the same values, so the masthead
band, which reaches out of the text area by exactly the margins, follows any margins a
designer sets. A series' own `@page { margin: … }` would move the page edges behind the band's
back: `seriescheck` refuses it and says which key to set instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}
# Width × height in millimetres, portrait, as CSS Paged Media names them.
SIZES = {"a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "b4": (250, 353), "b5": (176, 250),
         "jis-b4": (257, 364), "jis-b5": (182, 257), "letter": (215.9, 279.4), "legal": (215.9, 355.6),
         "ledger": (279.4, 431.8)}


@dataclass(frozen=True)
class Geometry:
    """Millimetres throughout."""

    width: float
    height: float
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    rail: float
    bleed_bands: bool

    @property
    def column(self) -> float:
        """The text column: the page less its side margins and the rail."""
        return self.width - self.margins[1] - self.margins[3] - self.rail


def mm(length: str) -> float:
    number, unit = re.match(r"^(\d+(?:\.\d+)?)([a-z]*)$", length.strip().lower()).groups()
    return float(number) * MM.get(unit, 0.0 if float(number) == 0 else 1.0)


def page_size(value: str) -> tuple[float, float]:
    words = value.lower().split()
    landscape = "landscape" in words
    words = [w for w in words if w not in ("portrait", "landscape")]
    if len(words) == 1 and words[0] in SIZES:
        width, height = SIZES[words[0]]
    else:
        width = mm(words[0])
        height = mm(words[1]) if len(words) > 1 else width
    return (max(width, height), min(width, height)) if landscape else (width, height)


def margins(value: str) -> tuple[float, float, float, float]:
    """CSS shorthand: one to four lengths, top right bottom left."""
    v = [mm(part) for part in value.split()]
    top, right, bottom, left = {1: v * 4, 2: v * 2, 3: v + [v[1]], 4: v}[len(v)]
    return top, right, bottom, left


def of(series) -> Geometry:
    return Geometry(*page_size(series.page_size), margins(series.margins), mm(series.rail), series.bleed_bands)


def _css_mm(value: float) -> str:
    return f"{round(value, 3):g}mm"


def css(series) -> str:
    """The page size and the geometry variables. This CSS is the document's own (author origin),
    which outranks every series stylesheet (user origin): so the margins are not set here but
    in base style.css from the variables, where a named page (`@page cover`) can still set its own."""
    g = of(series)
    top, right, bottom, left = (_css_mm(m) for m in g.margins)
    band = (top, right, left) if g.bleed_bands else ("0mm", "0mm", "0mm")
    variables = [
        f"  --page-width: {_css_mm(g.width)};", f"  --page-height: {_css_mm(g.height)};",
        f"  --margin-top: {top};", f"  --margin-right: {right};", f"  --margin-bottom: {bottom};",
        f"  --margin-left: {left};", f"  --rail: {_css_mm(g.rail)};", f"  --column: {_css_mm(g.column)};",
        # How far a band reaches out of the text area: to the trimmed edge (and --bleed beyond it,
        # in print) when bands bleed, nowhere otherwise; --band-inset keeps text off its edge then.
        f"  --band-top: {band[0]};", f"  --band-right: {band[1]};", f"  --band-left: {band[2]};",
        f"  --band-bleed: {'var(--bleed)' if g.bleed_bands else '0mm'};",
        f"  --band-inset: {'0mm' if g.bleed_bands else '6mm'};",
    ]
    return (":root {\n" + "\n".join(variables) + "\n}\n"
            f"@page {{ size: {series.page_size}; }}\n")


__all__ = ["Geometry", "css", "of"]
