"""Html → PDF bytes with WeasyPrint, through the safe fetcher, with WeasyPrint's warnings caught.

WeasyPrint is imported here only, so that `--check` and `--help` never pay for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import BuildError
from .model import Html

# Tagged PDF for screen readers by default; archival variants pass through (--pdf-variant).
SCREEN_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfOptions:
    variant: str | None = SCREEN_VARIANT
    print_ready: bool = False  # bleed and crop marks (the print CSS does the drawing)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@lru_cache(maxsize=1)
def font_config():
    from weasyprint.text.fonts import FontConfiguration
    return FontConfiguration()


def layout(html: Html, allowed: tuple[Path, ...], extra_css: tuple[str, ...] = ()):
    """Lay out the pages. Returns the WeasyPrint document (pages, boxes) for writing or checks."""
    import weasyprint

    from .fetcher import RefusedURL, SafeFetcher

    fetcher = SafeFetcher(allowed, dict(html.resources))
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    old_propagate, logger.propagate = logger.propagate, False
    try:
        fonts = font_config()
        sheets = [weasyprint.CSS(filename=str(p), url_fetcher=fetcher, font_config=fonts)
                  for p in html.stylesheets]
        sheets += [weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=fonts) for css in extra_css]
        document = weasyprint.HTML(string=html.text, base_url=html.base_url, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts)
    except RefusedURL as exc:
        raise BuildError(str(exc)) from None
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    if collect.messages:
        raise BuildError("WeasyPrint reported: " + "; ".join(dict.fromkeys(collect.messages)))
    return document


def write(document, options: PdfOptions) -> bytes:
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    old_propagate, logger.propagate = logger.propagate, False
    # Nothing may ride along in the PDF: drop file attachments, whatever asked for them.
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    try:
        data = document.write_pdf(pdf_variant=options.variant, pdf_tags=True)
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    if collect.messages:
        raise BuildError("WeasyPrint reported: " + "; ".join(dict.fromkeys(collect.messages)))
    return data
