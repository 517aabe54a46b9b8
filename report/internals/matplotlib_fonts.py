"""A family in matplotlib's font list made of given files, and nothing else.

matplotlib finds a font by name in `font_manager.fontManager.ttflist` and keeps what it found
in `fontManager._findfont_cached`; neither is public API (matplotlib 3.9–3.x). The charts set
their text in the series' font, so that family must be measured with the series' files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path


def use_files(family: str, files: dict[int, Path]) -> None:
    """From now on matplotlib measures `family` with `files` ({weight: font file}) and with no
    other font of that name (an installed older version, say)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    manager = font_manager.fontManager
    manager.ttflist = [e for e in manager.ttflist if e.name != family]
    for weight, file in files.items():
        entry = font_manager.ttfFontProperty(FT2Font(str(file)))
        manager.ttflist.append(dataclasses.replace(entry, name=family, weight=weight))
    cached = getattr(manager, "_findfont_cached", None)
    if cached is not None:  # what was found before the change
        cached.cache_clear()
