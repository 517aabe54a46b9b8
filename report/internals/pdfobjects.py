"""Reading the PDF that WeasyPrint hands a `finisher`: pydyf 0.13's objects, before they are written.

pydyf keeps every object in `pdf.objects` (its number is its index) and writes a reference as
the bytes `b"N 0 R"`; the page tree's `Kids` is a flat list holding each reference as three
items (`N`, `0`, `R`). The finishers (`cmyk.py`, `tagging.py`, the crop marks) read them here.
"""

from __future__ import annotations


def ref(reference) -> int | None:
    """The object number of a reference (`b"12 0 R"` → 12); None for anything else."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def target(pdf, value):
    """The object a reference points to; anything else as it is (an inline dictionary, say)."""
    number = ref(value)
    return pdf.objects[number] if number is not None else value


def page_numbers(pdf) -> list[int]:
    """The object numbers of the pages, in order."""
    return list(pdf.pages["Kids"][::3])


def pages(pdf) -> list:
    """The page dictionaries, in order."""
    return [pdf.objects[number] for number in page_numbers(pdf)]
