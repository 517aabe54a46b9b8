"""The print PDF's colours: every colour in CMYK for a coated-paper offset press (FOGRA39).

A series gives its press colours in `series.yaml` (`cmyk:`, C M Y K in percent, e.g.
`text: [0, 0, 0, 100]` for body text in black ink only). A colour without one, and any other
colour a stylesheet, chart or picture draws, is converted by the one documented rule:

- a grey (R = G = B) becomes black ink only, K = 100 % less its level (white is no ink):
  type and hairlines stay sharp, with no four-colour black to register;
- any other colour goes from sRGB to the output intent's profile (relative colorimetric with
  black-point compensation, littleCMS through Pillow), rounded to whole percents.

The output intent profile is `styles/base/color/FOGRA39L-coated.icc` (see its README).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tinycss2.color3

from report.cache import memo
from report.model import Series

# Lazy: Pillow's colour management (about 0.07 s), only for the print PDF.

PROFILE = Path(__file__).resolve().parents[2] / "styles" / "base" / "color" / "FOGRA39L-coated.icc"
# What a print shop reads in the output intent: the characterized printing condition.
CONDITION = "FOGRA39"
REGISTRY = "http://www.color.org"
CONDITION_INFO = ("Coated FOGRA39 (ISO 12647-2:2004/Amd 1, offset, paper type 1 or 2, "
                  "coated art, 115 g/m2, screen ruling 60/cm)")

RGB = tuple[float, float, float]
CMYK = tuple[float, float, float, float]


@dataclass(frozen=True)
class Press:
    """What the print PDF's colours become: the series' own CMYK for its colours, by RGB."""

    colors: tuple[tuple[RGB, CMYK], ...]  # (sRGB 0–1, CMYK 0–1) for each series colour
    overprint: bool = False  # 100 % K overprints (series.yaml print: overprint)
    profile: Path = PROFILE
    condition, registry, condition_info = CONDITION, REGISTRY, CONDITION_INFO  # the output intent's words

    def cmyk(self, rgb: RGB) -> CMYK:
        for known, cmyk in self.colors:
            if all(abs(a - b) <= 0.6 / 255 for a, b in zip(known, rgb)):
                return cmyk
        return convert(rgb)


def rgb_of(color: str) -> RGB:
    """A CSS colour (#rgb, #rrggbb or a name) as sRGB 0–1."""
    parsed = tinycss2.color3.parse_color(color)
    return (parsed.red, parsed.green, parsed.blue)


def convert(rgb: RGB) -> CMYK:
    """The documented conversion of a colour the series gives no CMYK for (module docstring)."""
    r, g, b = (min(1.0, max(0.0, v)) for v in rgb)
    if round(r * 255) == round(g * 255) == round(b * 255):
        return (0.0, 0.0, 0.0, round(100 - r * 100) / 100)
    return _icc(tuple(round(v * 255) for v in (r, g, b)))


@memo(maxsize=1024)
def _icc(rgb255: tuple[int, int, int]) -> CMYK:
    from PIL import Image

    pixel = _transform().apply(Image.new("RGB", (1, 1), rgb255)).getpixel((0, 0))
    return tuple(round(v / 2.55) / 100 for v in pixel)


@memo(maxsize=1)
def _transform():
    from PIL import ImageCms

    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(PROFILE)), "RGB", "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


def series_cmyk(series: Series) -> dict[str, CMYK]:
    """Each named series colour in CMYK (0–1): from `cmyk:` in series.yaml, else converted."""
    given = series.cmyk
    return {name: (tuple(v / 100 for v in given[name]) if name in given else convert(rgb_of(value)))
            for name, value in sorted(series.colors.items())}


def press(*series: Series) -> Press:
    """The press colours of one series, or of every series a reader binds (the first wins)."""
    colors = []
    for one in series:
        colors += [(rgb_of(one.colors[name]), cmyk) for name, cmyk in series_cmyk(one).items()]
    return Press(tuple(colors))
