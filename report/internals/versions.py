"""Which library versions the reaches were tested with, and the switch that turns the speed-ups off."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

SWITCH = "REPORT_SPEEDUPS"  # "0": every speed-up off
# The versions each reach was written against and tested on.
TESTED = {"weasyprint": ("70.0",), "cffi": ("1.17.", "2.0.", "2.1.")}


@lru_cache(maxsize=None)
def tested(package: str) -> bool:
    try:
        installed = version(package)
    except PackageNotFoundError:
        return False
    return any(installed == v or (v.endswith(".") and installed.startswith(v)) for v in TESTED[package])


def enabled() -> bool:
    """The speed-ups may run: not switched off, and WeasyPrint is a version they were tested on."""
    return os.environ.get(SWITCH, "1") != "0" and tested("weasyprint")
