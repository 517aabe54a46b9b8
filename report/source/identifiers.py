"""The identifiers a publication carries, checked: DOI, ISSN, a series' DOI pattern, the licence.

Pure checks and one small table, so that the schemas can declare `doi`, `issn` and `license`
with them (schemas.py imports this module and nothing of the model).
"""

from __future__ import annotations

import re
import string

from report.errors import quote

# A DOI as the DOI Handbook writes it: "10." + a registrant code of digits (dots allowed) + "/"
# + a suffix of printable characters without spaces.
DOI = re.compile(r"^10\.[0-9]{4,9}(\.[0-9]+)*/[^\s]+$")
DOI_RESOLVER = "https://doi.org/"
MAX_DOI = 300
ISSN = re.compile(r"^[0-9]{4}-[0-9]{3}[0-9X]$")
PATTERN_FIELDS = ("year", "number")  # what a series' DOI pattern may fill in
PATTERN_SPEC = re.compile(r"0?[1-9]?")  # {number:02}: zero-padded, nothing else

# The licences a think tank uses: SPDX id → (the licence's own page, the CC badge's elements).
# Their names, in every language, are labels of report/locales (msgctxt "license-<id>").
# "all-rights-reserved" is no SPDX licence: the choice not to license.
LICENSES = {
    "CC-BY-4.0": ("https://creativecommons.org/licenses/by/4.0/", ("by",)),
    "CC-BY-SA-4.0": ("https://creativecommons.org/licenses/by-sa/4.0/", ("by", "sa")),
    "CC-BY-NC-4.0": ("https://creativecommons.org/licenses/by-nc/4.0/", ("by", "nc")),
    "CC-BY-ND-4.0": ("https://creativecommons.org/licenses/by-nd/4.0/", ("by", "nd")),
    "CC-BY-NC-SA-4.0": ("https://creativecommons.org/licenses/by-nc-sa/4.0/", ("by", "nc", "sa")),
    "CC-BY-NC-ND-4.0": ("https://creativecommons.org/licenses/by-nc-nd/4.0/", ("by", "nc", "nd")),
    "CC0-1.0": ("https://creativecommons.org/publicdomain/zero/1.0/", ("zero",)),
    "all-rights-reserved": ("", ()),
}
ALL_RIGHTS_RESERVED = "all-rights-reserved"


def doi_problem(text: str) -> str | None:
    """Why `text` is not a DOI written 10.NNNN/suffix, or None (empty: none)."""
    if not text:
        return None
    shown = quote(text)
    if len(text) > MAX_DOI:
        return f"is {len(text):,} characters long; a DOI is at most {MAX_DOI}"
    bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.IGNORECASE)
    if bare != text and DOI.match(bare):
        return f"{shown}: write the DOI alone, {quote(bare)}; the builder adds https://doi.org/"
    if any(c.isspace() for c in text):
        return f"{shown} is not a DOI: it contains a space"
    if not DOI.match(text):
        return f"{shown} is not a DOI such as 10.18449/2022A12 (10., the registrant's digits, /, the suffix)"
    return None


def issn_check_digit(first_seven: str) -> str:
    """ISO 3297: weights 8 to 2, modulo 11; 10 is written X."""
    total = sum(int(d) * w for d, w in zip(first_seven, range(8, 1, -1)))
    digit = (11 - total % 11) % 11
    return "X" if digit == 10 else str(digit)


def issn_problem(text: str) -> str | None:
    """Why `text` is not an ISSN (NNNN-NNNC with a right check digit), or None (empty: none)."""
    if not text:
        return None
    if not ISSN.match(text):
        return f"{quote(text)} is not an ISSN; write it as four digits, a hyphen, four digits (2000-1234)"
    expected = issn_check_digit(text[:4] + text[5:8])
    if text[-1] != expected:
        return f"{quote(text)} is not an ISSN: its check digit is {text[-1]}, but the digits before it give {expected}"
    return None


def license_problem(text: str) -> str | None:
    if not text or text in LICENSES:
        return None
    known = {k.lower(): k for k in LICENSES}
    if text.lower() in known:
        return f"{quote(text)}: write it as {quote(known[text.lower()])}"
    return f"unknown licence {quote(text)}; known: {', '.join(LICENSES)}"


def doi_pattern_problem(text: str) -> str | None:
    """A series' DOI pattern: a DOI prefix, then a suffix that may fill in {year} and {number}."""
    if not text:
        return None
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        return f"{quote(text)} is not a DOI pattern: {exc}"
    for name, spec, conversion in fields:
        if name not in PATTERN_FIELDS or conversion or not PATTERN_SPEC.fullmatch(spec or ""):
            return (f"{quote('{' + name + '}')}: a DOI pattern fills in only {{year}} and {{number}} "
                    "(or {number:02}, zero-padded)")
    sample = fill_pattern(text, 2025, 1)
    if doi_problem(sample) is not None:
        return f"{quote(text)} does not make a DOI such as 10.12345/series-{{year}}-{{number}}"
    return None


def fill_pattern(pattern: str, year: int | None, number: int | None) -> str:
    return pattern.format(year=year if year is not None else "", number=number if number is not None else 0)


def pattern_regex(pattern: str) -> re.Pattern:
    """The DOIs a pattern allows, whatever the year and number: to warn about a DOI outside it."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append("[0-9]+")
    return re.compile("".join(parts) + "$", re.IGNORECASE)
