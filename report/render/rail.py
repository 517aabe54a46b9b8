"""The rail beside the text column, used (series.yaml `notes: side`): each note beside its call,
figure sources and notes beside their figure, pull quotes (`> [!pull]`) and the front matter's
`key_figures`.

Everything is placed in the HTML where it belongs in reading order: a note right after its call
(tagged `Note`, as an endnote is), a pull quote where the author wrote it, a key figure under a
section's heading. The stylesheet takes each out of the flow into the rail (class `in-rail`:
absolutely positioned, at the line where it stands); `layout.sidenotes` then stacks what would
overlap and sends a note the rail cannot hold to the foot of its page. `notes: foot` sets the
notes at the foot (`float: footnote`); `end`, and the web page, keep the list after the text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape

from report.model import KeyFigure
from report.source.markdown import Body

NOTE = re.compile(r'<li id="fn(\d+)" class="footnote-item">(.*?)</li>\n?', re.S)
BACKREF = re.compile(r'\s*<a href="#fnref[^"]*" class="backref"[^>]*>[^<]*</a>')
# A note holding more than paragraphs (a list, a quotation, a table) stays an endnote: a span
# in a line of text cannot hold blocks.
BLOCKS = re.compile(r"<(?:ul|ol|blockquote|pre|table|h\d|hr|div)\b")
# A note's paragraph, a span in the rail: set as a paragraph (typeset.PARAGRAPH_HOOK), so its
# last word is whole.
NOTE_PARAGRAPH = '<span class="sidenote-p" data-typeset="paragraph">'
PULL = re.compile(r"<blockquote>\s*<p>\[!pull\]\s*(.*?)</blockquote>", re.S)
FIGURE_LINES = re.compile(r'class="(figure-source|figure-note)"')
H2 = re.compile(r"<h2\b[^>]*>.*?</h2>\n?", re.S)

# The classes the stylesheet knows: `in-rail` takes a box out of the column into the rail;
# `footnote` (added by `to_foot`) sets a note at the foot of its page instead.
IN_RAIL = "in-rail"


def notes_beside(body: Body, mode: str) -> Body:
    """`side` or `foot`: each note's text moved right after its (first) call, as a
    `<span class="sidenote">` with the note's id, so that the call's link still lands on it.
    The notes that cannot move stay in the list after the text."""
    if mode not in ("side", "foot") or not body.notes_html:
        return body
    text = body.html
    kept = []
    for match in NOTE.finditer(body.notes_html):
        number, inner = match.group(1), BACKREF.sub("", match.group(2)).strip()
        call = re.search(rf'<sup class="footnote-ref"><a href="#fn{number}" [^>]*>[^<]*</a></sup>', text)
        if call is None or BLOCKS.search(inner):
            kept.append(match.group(0))
            continue
        paragraphs = re.sub(r"</p>\s*", "</span> ", re.sub(r"<p>", NOTE_PARAGRAPH, inner)).strip()
        classes = "sidenote in-rail" if mode == "side" else "sidenote footnote"
        if not paragraphs.startswith(NOTE_PARAGRAPH):
            paragraphs = f'{NOTE_PARAGRAPH}{paragraphs}</span>'
        # The number opens the first paragraph, on its line.
        paragraphs = paragraphs.replace(NOTE_PARAGRAPH, f'{NOTE_PARAGRAPH}<span class="sidenote-number">{number}</span> ', 1)
        note = f'<span class="{classes}" id="fn{number}" role="note">{paragraphs}</span>'
        text = text[:call.end()] + note + text[call.end():]
    notes = '<ol class="notes">\n' + "".join(kept) + "</ol>\n" if kept else ""
    return replace(body, html=text, notes_html=notes)


def to_foot(text: str, ids: tuple[str, ...]) -> str:
    """The HTML with the sidenotes `ids` (fn1 …) set at the foot of their page instead."""
    for ident in ids:
        text = text.replace(f'<span class="sidenote in-rail" id="{ident}"',
                            f'<span class="sidenote footnote" id="{ident}"', 1)
    return text


def pull_quotes(html: str, in_rail: bool) -> str:
    """`> [!pull] words` becomes a pull quote: in the rail, or set apart in the column."""
    classes = f"pull-quote {IN_RAIL}" if in_rail else "pull-quote"
    return PULL.sub(lambda m: f'<blockquote class="{classes}">\n<p>{m.group(1).strip()}\n</blockquote>', html)


def figure_lines(html: str) -> str:
    """Figure sources and notes beside their figure, at its foot, in the rail (the figure
    positioned, so that they are placed from its foot)."""
    html = html.replace('<figure class="figure ', '<figure class="figure rail-figure ')
    return FIGURE_LINES.sub(lambda m: f'class="{m.group(1)} {IN_RAIL}"', html)


def key_figures(html: str, figures: tuple[KeyFigure, ...], in_rail: bool) -> str:
    """Each key figure under a section heading, spread evenly over the sections (one a spread
    where there are sections enough); with no sections, at the start of the text."""
    if not figures:
        return html
    classes = f"key-figure {IN_RAIL}" if in_rail else "key-figure"
    blocks = [f'<div class="{classes}" role="note"><p class="key-value">{escape(k.value)}</p>'
              f'<p class="key-label">{escape(k.label)}</p></div>\n' for k in figures]
    headings = list(H2.finditer(html))
    if not headings:
        return "".join(blocks) + html
    at: dict[int, list[str]] = {}
    for k, block in enumerate(blocks):
        at.setdefault(headings[k * len(headings) // len(blocks)].end(), []).append(block)
    out, last = [], 0
    for end in sorted(at):
        out += [html[last:end], *at[end]]
        last = end
    return "".join(out) + html[last:]


def used(body: Body, mode: str, figures: tuple[KeyFigure, ...], pages: bool) -> Body:
    """The body with the rail used as the series asks: `mode` is its `notes`; `pages`: for the
    PDFs (the web page has no rail: its notes stay a list, its pull quotes in the column)."""
    side = pages and mode == "side"
    if pages:
        body = notes_beside(body, mode)
    text = pull_quotes(body.html, side)
    if side:
        text = figure_lines(text)
    return replace(body, html=key_figures(text, figures, side))


__all__ = ["notes_beside", "to_foot", "used"]
