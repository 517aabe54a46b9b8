"""WeasyPrint sees the series' fonts and no other.

Fontconfig, which WeasyPrint asks for every font, reads the machine's configuration: every
font installed, and rules that fake a bold or an italic face a family lacks. A series that gave
no bold file would print its bold in the machine's Liberation Sans Bold, on one machine and not
on another. So the one font configuration of the process is made from `fontconfig/fonts.conf`,
which names no font folder and no rule: the only fonts are those the @font-face rules of the
series add (report/render/context.py font_css). `FONTCONFIG_FILE` is fontconfig's documented way to
choose that file; it is set only while the configuration is made, so nothing else the process
starts (a chart helper, Pandoc) inherits it.

What the text then asks for and the series lacks is found by `report/fonts/faces.py`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "fonts.conf"
VARIABLE = "FONTCONFIG_FILE"


@contextlib.contextmanager
def series_fonts_only():
    """While WeasyPrint's FontConfiguration is made: fontconfig loads our empty configuration."""
    before = os.environ.get(VARIABLE)
    os.environ[VARIABLE] = str(CONFIG)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(VARIABLE, None)
        else:
            os.environ[VARIABLE] = before
