"""Which library versions the reaches are written for, and the switch that turns the speed-ups off.

The WeasyPrint version is checked once, at the start of any run that lays out pages
(`check_versions`, called by the command line): on any other major version the run stops with
one line that says what to install. So every reach below runs only on the version it was
written against; the finishers that keep the outputs' promises (PDF/UA tags, PDF/X in CMYK)
always run, and the switch turns off only the speed-ups.
"""

from __future__ import annotations

import os

from report.cache import installed_version

SWITCH = "REPORT_SPEEDUPS"  # "0": every speed-up off
SUPPORTED = 70  # the WeasyPrint major version this package is written and tested against
INSTALL = f"pip install 'weasyprint>={SUPPORTED},<{SUPPORTED + 1}'"
CFFI_TESTED = ("1.17.", "2.0.", "2.1.")  # the emitted-module format of `ffi.py`


def supported(installed: str) -> bool:
    """A WeasyPrint version this builder runs on: any release of the major `SUPPORTED`
    (70.0, 70.1, a security release 70.2.1 …), nothing else."""
    return installed.split(".", 1)[0] == str(SUPPORTED)


def check_versions() -> str | None:
    """The one line to stop on when the installed WeasyPrint is not supported; None when it is.
    Reads the installed version without importing WeasyPrint."""
    installed = installed_version("weasyprint")
    if installed is None:
        return f"error: WeasyPrint is not installed; this builder is tested with WeasyPrint {SUPPORTED}: {INSTALL}"
    if supported(installed):
        return None
    return (f"error: WeasyPrint {installed} is installed, but this builder is tested with WeasyPrint "
            f"{SUPPORTED}: {INSTALL}")


def enabled() -> bool:
    """The speed-ups may run: not switched off."""
    return os.environ.get(SWITCH, "1") != "0"


def cffi_tested() -> bool:
    installed = installed_version("cffi")
    return installed is not None and installed.startswith(CFFI_TESTED)
