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
  the same size and swapped in when their page is drawn (`images.py`);
- `remembered_subsets`: without libharfbuzz-subset0, the layout tables WeasyPrint has fontTools
  drop are dropped before fontTools reads them in full, and a face cut to the same glyphs
  before in this process is not cut again (`subsets.py`).
The tests build every shipped series both ways and compare the bytes.
"""


from __future__ import annotations

import importlib

from report.internals.versions import (CFFI_TESTED, SUPPORTED, SWITCH, cffi_tested, check_versions, enabled,
                                       supported)

# The rest is loaded when first asked for: it brings ctypes, cffi and the PDF finishers (about
# 0.03 s of a `--check` that needs none of them). Name: (module, its name there).
_LAZY = {
    "layout_libraries": ("boxes", "layout_libraries"), "page_box": ("boxes", "page_box"),
    "font_dates": ("fonts", "font_dates"), "ImageSizeChanged": ("images", "ImageSizeChanged"),
    "swap_images": ("images", "swap_images"), "import_weasyprint": ("libraries", "import_weasyprint"),
    "machine_notice": ("logs", "machine_notice"), "to_press": ("cmyk", "to_press"),
    "finish_tags": ("tagging", "finish_tags"), "tag_sources": ("tagsources", "recording"),
    "into_xmp": ("xmp", "into_xmp"), "remembered_subsets": ("subsets", "remembered_subsets"),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = globals()[name] = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    return value


__all__ = ["CFFI_TESTED", "SUPPORTED", "SWITCH", "ImageSizeChanged", "cffi_tested", "check_versions", "enabled",
           "finish_tags", "font_dates", "import_weasyprint", "into_xmp", "layout_libraries", "machine_notice",
           "page_box", "remembered_subsets", "supported", "swap_images", "tag_sources", "to_press"]
