"""Html → PDF bytes with WeasyPrint, through the safe fetcher, with WeasyPrint's warnings caught.

WeasyPrint is imported here only (through `internals`), so that `--check` and `--help` never
pay for it. One font configuration per process, and each stylesheet parsed once per process
(a `weasyprint.CSS` is reusable; it is parsed again when its file changes).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from report import cache, internals
from report.internals.pdf2tags import footnotes_as_fenotes
from report.errors import BuildError, notice
from report.fonts.isolation import series_fonts_only
from report.fonts.quiet import fonttools_quiet
from report.model import Html
from report.layout.metadata import PdfMetadata
from report.layout.printmarks import add_crop_marks

# Lazy: WeasyPrint (about 1 s) and the fetcher, which imports it, only after
# `internals.import_weasyprint` (the fast path) and only when a PDF is made: `--check` loads neither.

# Tagged PDF for screen readers by default; archival variants pass through (--pdf-variant).
SCREEN_VARIANT = "pdf/ua-1"
PRESS_VARIANT = "pdf/x-4"  # the print PDF, whatever --pdf-variant says


@dataclass(frozen=True)
class PdfOptions:
    variant: str | None = SCREEN_VARIANT
    print_ready: bool = False  # crop marks in a slug outside the bleed (print.css sets the bleed)
    epoch: int = 0  # the document's date: what a variable font's static instance is dated
    press: object = None  # a `report.series.press.Press`: print_ready in CMYK as PDF/X-4 (report/series/press.py)
    metadata: PdfMetadata | None = None  # the publication's XMP and document information (layout/metadata.py)


# WeasyPrint's one warning that is about the machine, not the document (internals.machine_notice):
# without the optional libharfbuzz-subset0 it subsets fonts with fontTools, slower, to an equivalent PDF.
NO_HARFBUZZ_NOTICE = ("notice: libharfbuzz-subset0 is not installed; fonts are subset the slower way "
                      "(Debian/Ubuntu: apt-get install libharfbuzz-subset0)")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if internals.machine_notice(message):
            notice(NO_HARFBUZZ_NOTICE)  # once a run: it is the machine's, not the document's
            return
        self.messages.append(message)


@contextmanager
def _weasyprint_says():
    """WeasyPrint's warnings while the block runs, kept from the terminal; once the block has
    run, any of them is a problem of the build (a clean build prints nothing)."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    old_propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    if collect.messages:
        raise BuildError("WeasyPrint reported: " + "; ".join(dict.fromkeys(collect.messages)))


# Not in cache.forget(): one a process, as WeasyPrint means it (pages laid out keep using it, its
# set-up is slow); the fonts in it come from the parsed sheets, which forget() drops.
@lru_cache(maxsize=1)
def font_config():
    internals.import_weasyprint()
    from weasyprint.text.fonts import FontConfiguration
    atexit.register(font_config.cache_clear)  # its clean-up needs the modules still loaded
    with series_fonts_only():  # no font of the machine: only the series' files (fontsonly.py)
        return FontConfiguration()


# -- stylesheets, parsed once per process --------------------------------------------------------

_sheets: dict[tuple, object] = cache.remember({})


def _stylesheet(path: Path, fetcher, fonts):
    """`weasyprint.CSS` for a file, parsed again only when the file changes.

    Reuse across documents is safe: what the parse fetches (the @font-face files of a series
    stylesheet) lies in that series' folders, which every document of the series may read, and
    the fonts land in the one shared font configuration.
    """
    import weasyprint

    # Known by its content and the names and contents of the files beside it that its parse may
    # fetch (the series' fonts): a font replaced or renamed during --watch gives a new parse.
    beside = sorted(p for p in path.parent.rglob("*") if p.is_file())
    names = [p.relative_to(path.parent).as_posix() for p in beside]
    key = (cache.fingerprint("stylesheet", [str(path), names], files=beside), id(fonts))
    sheet = _sheets.get(key)
    if sheet is None:
        sheet = _sheets[key] = weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts)
    return sheet


def _css_string(css: str, fetcher, fonts):
    import weasyprint

    key = ("string", hashlib.sha256(css.encode("utf-8")).hexdigest(), id(fonts))
    sheet = _sheets.get(key)
    if sheet is None:
        sheet = _sheets[key] = weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=fonts)
    return sheet


# -- layout ------------------------------------------------------------------------------------

def layout(html: Html, allowed: tuple[Path, ...], extra_css: tuple[str, ...] = (), cache: Path | None = None):
    """Lay out the pages. Returns the WeasyPrint document (pages, boxes) for writing or checks.

    `cache`: the cache folder, where WeasyPrint's parsed C declarations are kept.
    """
    weasyprint = internals.import_weasyprint(cache)

    from report.layout.fetcher import RefusedURL, SafeFetcher

    fetcher = SafeFetcher(allowed, dict(html.resources))
    with _weasyprint_says():
        try:
            fonts = font_config()
            sheets = [_stylesheet(Path(p), fetcher, fonts) for p in html.stylesheets]
            sheets += [_css_string(css, fetcher, fonts) for css in html.css + tuple(extra_css)]
            document = weasyprint.HTML(string=html.text, base_url=html.base_url, url_fetcher=fetcher).render(
                stylesheets=sheets, font_config=fonts)
        except RefusedURL as exc:
            raise BuildError(str(exc)) from None
    return document


# An archival variant (PDF/A) is tagged too: its XMP also says PDF/UA-1, with the extension
# schema that PDF/A asks for any property outside its predefined schemas.
UA_IN_ARCHIVE_XMP = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
</rdf:RDF>"""


def write(document, options: PdfOptions) -> bytes:
    # Nothing may ride along in the PDF: drop file attachments, whatever asked for them.
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    if (options.variant or "").startswith("pdf/a") and UA_IN_ARCHIVE_XMP not in document.metadata.xmp_metadata:
        document.metadata.xmp_metadata.append(UA_IN_ARCHIVE_XMP)
    finishers = [internals.finish_tags]  # PDF/UA: artifacts, list bodies, printable links
    if options.variant == "pdf/ua-2":
        finishers.append(footnotes_as_fenotes)  # PDF 2.0 has no Note
    if options.metadata is not None:  # DOI, ISSN, licence: into the XMP packet, and as information keys
        finishers.append(internals.into_xmp(options.metadata.xmp))
        document.metadata.custom = dict(options.metadata.info)  # these keys only, none from the HTML
    if options.print_ready:
        finishers.append(add_crop_marks)
    variant = options.variant
    if options.press is not None:
        finishers.append(internals.to_press(options.press))
        variant = PRESS_VARIANT

    def finisher(document, pdf):
        for finish in finishers:
            finish(document, pdf)
    from report.layout.fetcher import RefusedURL
    with _weasyprint_says():
        try:
            # fonttools_quiet and remembered_subsets: subsetting without HarfBuzz; tag_sources: the
            # boxes behind the tags
            with internals.font_dates(options.epoch), fonttools_quiet(), internals.remembered_subsets(), \
                    internals.tag_sources():
                data = document.write_pdf(pdf_variant=variant, pdf_tags=True, finisher=finisher,
                                          custom_metadata=options.metadata is not None)
        except RefusedURL as exc:  # a BaseException: it must not end in a traceback
            raise BuildError(str(exc)) from None
    return data
