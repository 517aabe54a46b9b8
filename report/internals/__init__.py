"""Every place the builder reaches into a library's private names, and nowhere else.

Written against one WeasyPrint major version (`SUPPORTED`), and pydyf and matplotlib as that
WeasyPrint and the pin bring them. `check_versions()` says, before any page is laid out, whether
the installed WeasyPrint is one of them; the command line stops with its one line otherwise
(exit 2). Everything here may then rely on WeasyPrint `SUPPORTED`.x:

- `page_box` and the readers in `boxes.py`, `text.py`: the laid-out boxes that the preflight,
  the figure placement and the font check measure (no public API gives positions);
- `layout_libraries`: the Pango and HarfBuzz versions a kept layout is named by;
- `finish_tags` (`tagging.py`, with `taglinks.py` and `textlayer.py`): WeasyPrint's structure
  tree completed for PDF/UA-1, from the boxes `tag_sources` (`tagsources.py`) notes behind it;
- `to_press` (`cmyk.py`): the print PDF made PDF/X-4 in CMYK;
- `into_xmp` (`xmp.py`): the publication's DOI, ISSN and licence inside WeasyPrint's XMP packet;
- `pdfobjects.py`: the one reader of pydyf's object references and page list;
- `font_dates`: a variable font's static instance dated reproducibly;
- `machine_notice` (`logs.py`): WeasyPrint's one warning about the machine, known by its words;
- `matplotlib_fonts.py`: the series' font put into matplotlib's font list.
The finishers keep promises the PDF makes (PDF/UA-1, PDF/X-4): they always run.

Speed-ups (they save time and change no byte of any output), off with `REPORT_SPEEDUPS=0`:
- `import_weasyprint`: WeasyPrint's library look-ups answered from one `ldconfig -p` listing,
  and its C declarations parsed once and kept in the cache folder (`ffi.py`, on the cffi
  versions in `CFFI_TESTED`);
- `swap_images`: charts still being drawn by a helper process are laid out as placeholders of
  the same size and swapped in when their page is drawn (`images.py`).
The tests build every shipped series both ways and compare the bytes.
"""


from __future__ import annotations

from report.internals.versions import (CFFI_TESTED, SUPPORTED, SWITCH, cffi_tested, check_versions, enabled,
                                       supported)
from report.internals.boxes import layout_libraries, page_box
from report.internals.fonts import font_dates
from report.internals.images import ImageSizeChanged, swap_images
from report.internals.libraries import import_weasyprint
from report.internals.logs import machine_notice
from report.internals.cmyk import to_press
from report.internals.tagging import finish_tags
from report.internals.tagsources import recording as tag_sources
from report.internals.xmp import into_xmp

__all__ = ["CFFI_TESTED", "SUPPORTED", "SWITCH", "ImageSizeChanged", "cffi_tested", "check_versions", "enabled",
           "finish_tags", "font_dates", "import_weasyprint", "into_xmp", "layout_libraries", "machine_notice",
           "page_box", "supported", "swap_images", "tag_sources", "to_press"]
