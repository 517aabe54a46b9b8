"""WeasyPrint's warnings known by their words: no code or class tells them apart.

Without the optional libharfbuzz-subset0 WeasyPrint 70 subsets fonts with fontTools, slower,
to an equivalent PDF, and logs a warning that begins with these words: a fact about the machine,
not about the document, so it is not a build error.
"""

from __future__ import annotations

NO_HARFBUZZ_SUBSET = "Using fontTools instead of HarfBuzz-Subset"


def machine_notice(message: str) -> bool:
    """The warning is WeasyPrint's note that libharfbuzz-subset0 is missing."""
    return message.startswith(NO_HARFBUZZ_SUBSET)
