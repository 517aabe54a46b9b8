"""The laid-out boxes of a WeasyPrint page: where each block landed, in CSS px.

WeasyPrint keeps them as `Page._page_box`; no public API gives positions, and the preflight
and figure placement are about positions.
"""

from __future__ import annotations

from ..errors import BuildError


def page_box(page):
    """The root box of a laid-out page."""
    box = getattr(page, "_page_box", None)
    if box is None:
        import weasyprint
        raise BuildError(f"this WeasyPrint ({weasyprint.__version__}) does not expose its page boxes; "
                         "the preflight and figure placement need WeasyPrint 70")
    return box
