"""A problem only layout finds, placed at the nearest line of document.md.

WeasyPrint reports by URL or anchor, not by source line. The picture or chart a URL names
is found among the body's references, a duplicate anchor among its headings; the problem
then reads `document.md:LINE: …` like any other. What cannot be placed keeps the document's
path alone.
"""

from __future__ import annotations

import re

from report.errors import BuildError, ContentError
from report.source import markdown


def located(exc: BuildError, prepared) -> Exception:
    """A `ContentError` at the line `exc` is about, or `exc` itself when none is found."""
    message = str(exc)
    line = _picture_line(message, prepared) or _anchor_line(message, prepared)
    if line is None:
        return exc
    return ContentError(str(prepared.doc.folder / "document.md"), message, line)


def _picture_line(message: str, prepared) -> int | None:
    folder = prepared.doc.folder
    for ref in prepared.refs:
        if ref.chart_id is not None:
            if f"report:chart-{ref.chart_id}.svg" in message:
                return ref.line
        elif (folder / ref.target).resolve().as_uri() in message or f"'{ref.target}'" in message:
            return ref.line
    return None


def _anchor_line(message: str, prepared) -> int | None:
    anchors = set(re.findall(r"[Aa]nchor ['\"]?#?([\w-]+)", message))
    if not anchors:
        return None
    taken: set[str] = markdown.Taken()
    for token in prepared.tokens:
        if token.type == "heading_open" and token.map:
            index = prepared.tokens.index(token)
            if markdown.slug(prepared.tokens[index + 1].content, taken) in anchors:
                return prepared.doc.body_line + token.map[0]
    return None
