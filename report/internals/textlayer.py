"""The text layer of a hyphenated word: read whole, and its hyphens as typed.

- A word broken at the end of a line is two marked-content sequences, "dia‐" and "logues …",
  each under its own `Span`. The first `Span` gets the `ActualText` of its text with the word
  completed ("… the dialogues"), the second that of its text without the word's end (" with
  …"): a screen reader reading the structure tree says "dialogues" (ISO 32000-1 14.9.4).
- WeasyPrint adds U+2010 HYPHEN at a break; the fonts draw it with the glyph of U+002D, and
  a font's ToUnicode map gives each glyph one text: whichever came first. When a break came
  first, every typed hyphen of the document extracted as U+2010 (a printed URL copied out
  broken). The glyph now always reads U+002D, as typed; text extractors (PDFium, MuPDF) then
  also see a line-end hyphen they can join.
"""

from __future__ import annotations

import re
from collections import defaultdict

from report.internals.pdfobjects import ref
from report.internals.taglinks import words
from report.internals.text import hyphen

# Lazy: pydyf, when a PDF is written; `--check` loads this package, not it.

_WORD_START = re.compile(r"\S*")
_TO_HYPHEN = re.compile(rb"^(<[0-9a-f]+>) <2010>$")
CMAP_NAME = b"/CMapName /Adobe-Identity-UCS def"


def whole_words(texts: dict, pdf, nums) -> None:
    """`ActualText` on the two `Span`s a hyphenated word is broken across (`texts`: (page, MCID) →
    text box, from `tagsources`)."""
    import pydyf

    objects = pdf.objects
    by_page = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], list)}
    runs = defaultdict(list)  # the text boxes of one element, in the order they are drawn
    for (page, mcid), box in sorted(texts.items(), key=lambda item: item[0]):
        if box.element is not None:
            runs[id(box.element), box.element_tag].append((page, mcid, box))
    for run in runs.values():
        shown = [words_kept(box.text) for _, _, box in run]
        breaks = [text.endswith(hyphen(box)) and i + 1 < len(run)
                  for i, (text, (_, _, box)) in enumerate(zip(shown, run))]
        if not any(breaks):
            continue
        actual = list(shown)
        for i, broken in enumerate(breaks):
            if broken:
                rest = _WORD_START.match(actual[i + 1])[0]
                actual[i] = actual[i][:-len(hyphen(run[i][2]))] + rest
                actual[i + 1] = actual[i + 1][len(rest):]
        for i, (page, mcid, _) in enumerate(run):
            if actual[i] != shown[i]:
                span = _own_span(objects, by_page.get(page), mcid, pdf)
                if span is not None:
                    span["ActualText"] = pydyf.String(actual[i])


def words_kept(text: str) -> str:
    """A text box's text as drawn: its soft hyphens (breaks not taken) are not shown."""
    return text.replace("\u00ad", "")


def _own_span(objects, mapping, mcid, pdf):
    """The element holding only marked content `mcid`; a `Span` made for it if its element
    holds more (a `Link`, whose text sits in it directly)."""
    import pydyf

    if mapping is None or mcid >= len(mapping) or ref(mapping[mcid]) is None:
        return None
    element = objects[ref(mapping[mcid])]
    held = element.get("K")
    if not isinstance(held, list):
        return None
    if list(held) == [mcid]:
        return element
    span = pydyf.Dictionary({"Type": "/StructElem", "S": "/Span", "K": pydyf.Array([mcid]),
                             "P": element.reference, "Pg": element.get("Pg")})
    pdf.add_object(span)
    element["K"] = pydyf.Array([span.reference if k == mcid and isinstance(k, int) else k for k in held])
    mapping[mcid] = span.reference
    return span


def typed_hyphens(pdf) -> None:
    """Every ToUnicode entry WeasyPrint wrote as U+2010 reads U+002D, the hyphen as typed."""
    for item in pdf.objects:
        lines = getattr(item, "stream", None)
        if not isinstance(lines, list) or CMAP_NAME not in lines:
            continue
        item.stream = [_TO_HYPHEN.sub(rb"\1 <002d>", line) if isinstance(line, bytes) else line for line in lines]
