"""Every place the builder reaches into a library's private names, and nowhere else.

Speed-ups (they save time and change no byte of any output):
- `import_weasyprint`: WeasyPrint's library look-ups answered from one `ldconfig -p` listing,
  and its C declarations parsed once and kept in the cache folder (`ffi.py`);
- `swap_images`: charts still being drawn by a helper process are laid out as placeholders of
  the same size and swapped in when their page is drawn (`images.py`).
Each runs only where `enabled()`: the library versions are the ones it was tested with
(`TESTED`), and the switch `REPORT_SPEEDUPS=0` is not set. Otherwise the plain path runs; the
tests build every shipped series both ways and compare the bytes.

Needed, not speed-ups (no public API gives them): `page_box` (the laid-out boxes that the
preflight and figure placement measure), `layout_libraries` (the Pango and HarfBuzz versions a
kept layout is named by) and `font_dates` (a variable font's static instance
dated reproducibly). They check the version too, and fail with a clear message elsewhere.
`finish_tags` (`tagging.py`) completes WeasyPrint's structure tree for PDF/UA-1 (artifacts,
list bodies, printable links); on another WeasyPrint it leaves the tree as WeasyPrint wrote it.
`to_press` (`cmyk.py`) makes the print PDF PDF/X-4 in CMYK; on another WeasyPrint, `--format
print` stops with a clear message rather than write RGB.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version

from report.cache import memo

SWITCH = "REPORT_SPEEDUPS"  # "0": every speed-up off
# The versions each reach was written against and tested on.
TESTED = {"weasyprint": ("70.0",), "cffi": ("1.17.", "2.0.", "2.1.")}


@memo(maxsize=None)
def tested(package: str) -> bool:
    try:
        installed = version(package)
    except PackageNotFoundError:
        return False
    return any(installed == v or (v.endswith(".") and installed.startswith(v)) for v in TESTED[package])


def enabled() -> bool:
    """The speed-ups may run: not switched off, and WeasyPrint is a version they were tested on."""
    return os.environ.get(SWITCH, "1") != "0" and tested("weasyprint")


from report.internals.boxes import layout_libraries, page_box  # noqa: E402
from report.internals.fonts import font_dates  # noqa: E402
from report.internals.images import ImageSizeChanged, swap_images  # noqa: E402
from report.internals.libraries import import_weasyprint  # noqa: E402
from report.internals.cmyk import to_press  # noqa: E402
from report.internals.tagging import finish_tags  # noqa: E402

__all__ = ["SWITCH", "TESTED", "ImageSizeChanged", "enabled", "finish_tags", "font_dates", "import_weasyprint", "layout_libraries", "page_box", "swap_images", "tested", "to_press"]
