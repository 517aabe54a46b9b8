"""The web page's two drawings of each chart: one for the text column, one for a phone.

A chart scaled down to a phone's width shrinks its text with it; so a phone gets a drawing of
its own, narrower (its text larger once the page scales it to the column) and taller, and a bar
chart whose category labels would have to wrap under their bars turns into horizontal bars,
where a label has the width of the chart to itself. Both go through `charts.draw_cached`, so
each keeps its own cache key (the spec and the style are the key).
"""

from __future__ import annotations

from dataclasses import replace

from report.model import ChartSpec, ChartStyle
from report.render.charts import MAX_LABELLED_BARS, format_number, x_label

# The text column is 40rem at 18 px less its padding, about 675 px. Drawn 140 mm wide (397 pt),
# chart text of 8.5 pt shows at 14 px there, three quarters of the body's 18 px, as the print's
# 8.5 pt stands to its 10.5 pt; at 481 px, the narrowest screen that gets this drawing, it is
# still 9.8 px.
WIDE_MM = 140
# The phone's column is about 350 px at 390 px: drawn 80 mm wide (227 pt), 9.5 pt text shows at
# 14.6 px there, and at 9.5 px on the narrowest phone (320 px, where the chart scrolls in its box).
PHONE_MM = 80
PHONE_FONT_PT = 9.5
PHONE_ASPECT = 0.8  # a phone's screen is tall: the bars get the height the width lacks
PHONE_MEDIA = "(max-width: 480px)"


def wide_style(style: ChartStyle) -> ChartStyle:
    return replace(style, width_in=WIDE_MM / 25.4)


def phone_style(style: ChartStyle) -> ChartStyle:
    return replace(style, width_in=PHONE_MM / 25.4, font_size=PHONE_FONT_PT, aspect=PHONE_ASPECT)


def phone_spec(spec: ChartSpec, style: ChartStyle) -> ChartSpec:
    """`spec` as a phone draws it: a (grouped) bar chart whose category labels would wrap under
    their bars, or whose values printed over the bars would run into each other, becomes
    horizontal bars. Stacked bars and lines stay as they are (their order is the point)."""
    if spec.type != "bar" or not spec.x:
        return spec
    # As charts._category_ticks measures a slot: the plot is 0.88 of the width, a character half
    # the font size wide.
    char_in = style.font_size * 0.5 / 72
    slot_in = style.width_in * 0.88 / len(spec.x)
    longest = max(len(x_label(x, style.lang)) for x in spec.x)
    values = [v for _, vs in spec.series for v in vs if v is not None]
    widest = max((len(format_number(v, lang=style.lang)) for v in values), default=0)
    # charts.py prints the values only over a few bars; a bar takes about 0.8 of its share of the slot
    crowded = len(values) <= MAX_LABELLED_BARS and widest * char_in > 0.8 * slot_in / len(spec.series)
    return replace(spec, type="barh") if longest > int(slot_in / char_in) - 1 or crowded else spec


__all__ = ["wide_style", "phone_style", "phone_spec", "PHONE_MEDIA"]
