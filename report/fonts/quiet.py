"""fontTools, quiet: its warnings about a font file are nothing an editor can act on.

fontTools warns on stderr about what it drops or finds odd while it reads and subsets a font
("FFTM NOT subset" for FontForge's time stamps, "'created' timestamp seems very low"). It runs
when the web page's fonts are subset, and when WeasyPrint subsets a PDF's fonts without
libharfbuzz-subset0. A clean build prints nothing, so its loggers are held to errors meanwhile;
a failure still raises, and is reported.
"""

from __future__ import annotations

import contextlib
import logging


@contextlib.contextmanager
def fonttools_quiet():
    logger = logging.getLogger("fontTools")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)
