"""The web page at a phone's width (WCAG 1.4.10, reflow at 320 CSS px): what cannot wrap scrolls
inside a box of its own, never the page.

Text wraps by the web stylesheet (`web.css`: long words and addresses break anywhere). A table
keeps its columns and a chart its legible size (its text no smaller than 9 px), so each is put
in a box that scrolls sideways when the screen is narrower than it. A box that scrolls must be
reachable from the keyboard: it is focusable (`tabindex="0"`) and a named region, named by the
figure's or table's caption (an uncaptioned table by the language's word and its header row).

The HTML is the builder's own (Markdown rendered with raw HTML off, templates autoescaped), so
its tables and charts are found by their markup.
"""

from __future__ import annotations

import re
from html import escape, unescape

from report import languages

BOX_CLASS = "scroll-box"

_LANG = re.compile(r'<html\b[^>]*\blang="([^"]*)"')
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)
_HEADERS = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
# A chart's figure: its caption, then the chart (inline SVG, whose markup holds no </div>).
# (A caption never reaches past its own end: a picture's figure may come before.)
_CHART = re.compile(r'(<figcaption>((?:(?!</figcaption>).)*)</figcaption>)(<div class="chart"[^>]*>.*?</div>)', re.S)
_TAGS = re.compile(r"<[^>]+>")


def scroll_boxes(html: str) -> str:
    """`html` with every table and chart in a focusable, named box that scrolls sideways."""
    lang = _LANG.search(html)
    labels = languages.Labels(lang[1] if lang else "en")
    names: set[str] = set()

    def box(inner: str, name: str) -> str:
        unique, n = name, 1
        while unique in names:  # named regions are told apart by their names
            n += 1
            unique = f"{name} ({n})"
        names.add(unique)
        return f'<div class="{BOX_CLASS}" tabindex="0" role="region" aria-label="{escape(unique)}">{inner}</div>'

    def chart(m: re.Match) -> str:
        return m[1] + box(m[3], _plain(m[2]))

    def table(m: re.Match) -> str:
        caption = _CAPTION.search(m[0])
        if caption is not None:
            return box(m[0], _plain(caption[1]))
        headers = ", ".join(h for h in map(_plain, _HEADERS.findall(m[0])) if h)
        return box(m[0], labels.prefix("table") + (f": {headers}" if headers else ""))

    return _TABLE.sub(table, _CHART.sub(chart, html))


def _plain(fragment: str) -> str:
    return " ".join(unescape(_TAGS.sub("", fragment)).split())


__all__ = ["scroll_boxes", "BOX_CLASS"]
