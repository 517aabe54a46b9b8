"""Switches that make this machine another one, for the bench and the tests.

`without_harfbuzz_subset()`: the environment of a machine without libharfbuzz-subset0. Every
Python process started with it loads `no_harfbuzz_subset/sitecustomize.py`, which makes cffi's
`dlopen` refuse the subsetter, as a missing library does: WeasyPrint then subsets with fontTools
and the builder prints its notice. Our build and bare WeasyPrint get the same machine.
"""

from __future__ import annotations

import os
from pathlib import Path

NO_HARFBUZZ_SUBSET = Path(__file__).resolve().parent / "no_harfbuzz_subset"


def without_harfbuzz_subset(environ: dict | None = None) -> dict[str, str]:
    """`environ` (by default this process's) with the simulation first on PYTHONPATH."""
    environ = dict(os.environ if environ is None else environ)
    rest = environ.get("PYTHONPATH")
    environ["PYTHONPATH"] = os.pathsep.join([str(NO_HARFBUZZ_SUBSET), *([rest] if rest else [])])
    return environ
