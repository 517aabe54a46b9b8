"""`import weasyprint`, faster: about 0.8 s of its 0.9 s import is spent finding and declaring
the C libraries it uses.

- WeasyPrint asks cffi for each library under several names ('libpango-1.0-0', 'pango-1.0', …
  'libpango-1.0.so.0'); each name that is not a file makes `ctypes.util.find_library` run
  `ldconfig -p`, then gcc, then ld. While WeasyPrint loads, the look-up reads one `ldconfig -p`
  listing (and LD_LIBRARY_PATH) instead; the same libraries load.
- Its C declarations are parsed once and kept in the cache folder (`ffi.py`).
Should the import fail that way, it is done again the plain way.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

from report.internals import ffi
from report.internals.versions import cffi_tested, enabled
from report.cache import memo

# Lazy: WeasyPrint (about 1 s), imported here, the fast way, and only when a PDF is made.


def import_weasyprint(cache: Path | None = None):
    """The `weasyprint` module, imported the fast way where the speed-ups are enabled."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]

    if not enabled():
        import weasyprint
        return weasyprint

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    if cache is not None and cffi_tested():
        ffi.install(Path(cache))
    try:
        import weasyprint
        return weasyprint
    except Exception:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = original
        ffi.uninstall()
    import weasyprint
    return weasyprint


@memo(maxsize=1)
def _ldconfig() -> str:
    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True,
                              env={"LC_ALL": "C", "LANG": "C"}, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


@memo(maxsize=None)
def find_library(name: str) -> str | None:
    """What `ctypes.util.find_library` finds through ldconfig or LD_LIBRARY_PATH, from one listing."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")  # as ctypes has it
    found = re.search(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), re.escape(abi)), _ldconfig())
    if found:
        return found.group(1)
    for folder in filter(None, os.environ.get("LD_LIBRARY_PATH", "").split(":")):
        for candidate in sorted(Path(folder).glob(f"lib{name}.so*")):
            return candidate.name
    return None
