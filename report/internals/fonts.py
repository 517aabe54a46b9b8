"""A variable font's static instance, dated the same on every run.

WeasyPrint turns a variable font into a static instance with fontTools, which stamps the new
font with the clock (`head.modified`) unless SOURCE_DATE_EPOCH is set: two builds a second apart
would differ. Static font files (what the shipped series use) never go through this.
"""

from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def font_dates(epoch: int):
    """While writing a PDF: fontTools dates what it saves at `epoch`, unless the caller set
    SOURCE_DATE_EPOCH already (then that date is the caller's choice)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
