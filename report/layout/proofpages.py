"""A proof's pages drawn on (`--proof`): after the first layout, each page's line numbers and the
margin notes beside the highlighted problems, made into that page's background for the second.

The second layout is the first with backgrounds only: no line moves (`second` checks it).
"""

from __future__ import annotations

from report.errors import BuildError
from report.internals.lines import page_lines
from report.model import Series
from report.render.proofmarks import MARK_ATTRIBUTE, MARK_CLASS, Page, Shown, page_css, page_svg


def drawings(document, series: Series, date: str, shown: tuple[Shown, ...]) -> tuple[str, dict, tuple]:
    """The pages' backgrounds as CSS and the resources it names; and each page's line positions,
    to check the second layout against."""
    by_number = {s.number: s for s in shown}
    laid = [page_lines(page, MARK_CLASS, MARK_ATTRIBUTE) for page in document.pages]
    placed: set[int] = set()
    notes: list[list[tuple[float, int, str]]] = [[] for _ in laid]
    for index, lines in enumerate(laid):
        for number, (top, _) in sorted(lines.marked.items()):
            if number in by_number and number not in placed:
                placed.add(number)
                notes[index].append((top, number, by_number[number].message))
    # What the page cannot point at (a number left out of the front matter): beside page 1's top.
    if laid:
        top = laid[0].content[1]
        notes[0] += [(top, s.number, s.message) for s in shown if s.number not in placed]
    css, resources = [], {}
    left = min((lines.left for lines in laid), default=0.0)  # the numbers in one column on every page
    for index, lines in enumerate(laid):
        page = Page(lines.width, lines.height, lines.content, lines.baselines, tuple(notes[index]), left)
        url = f"report:proof-page-{index + 1}.svg"
        resources[url] = (page_svg(page, series, date), "image/svg+xml")
        css.append(page_css(index + 1, url, page))
    return "\n".join(css), resources, tuple(lines.baselines for lines in laid)


def second(document, baselines: tuple) -> None:
    """The drawn layout must set every line where the measured one did."""
    again = tuple(page_lines(page, MARK_CLASS, MARK_ATTRIBUTE).baselines for page in document.pages)
    if again != baselines:
        raise BuildError("the proof's line numbers do not match its lines: the pages moved when they were drawn on")
