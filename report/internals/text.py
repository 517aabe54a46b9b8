"""What WeasyPrint 70 knows about laid-out text and keeps to itself: how a justified line was
stretched, which hyphen it adds at a break, how wide a space is in a given style.

The preflight (loose lines, word breaks) and the figure placement (cutting a paragraph where
the page breaks it) read these; the names (`justification_spacing`, the computed
`text_align_all` and `hyphenate_character`, `text.line_break.Layout`) are WeasyPrint's own.
"""

from __future__ import annotations

HYPHEN = "\u2010"  # what WeasyPrint adds at a break when the CSS names no hyphenate-character


def hyphen(box) -> str:
    """The character the layout adds at the end of a hyphenated line of `box`."""
    return box.style["hyphenate_character"] or HYPHEN


def justified(box) -> bool:
    """The lines of `box` are justified (`text-align: justify`; its last line aside)."""
    return box.style["text_align_all"] == "justify"


def stretch(text_box) -> float:
    """The width (CSS px) added to each word space of a text box by justification; 0 if none."""
    return getattr(text_box, "justification_spacing", 0)


def space_width(style) -> float:
    """The natural width (CSS px) of a word space set in `style` (a box's computed style), from
    Pango: the width of "n n" less that of "nn"."""
    from weasyprint.text.line_break import Layout, line_size

    widths = []
    for text in ("n n", "nn"):
        layout = Layout(style)
        layout.set_text(text)
        widths.append(line_size(layout.get_first_line()[0], style)[0])
        layout.deactivate()
    return widths[0] - widths[1]
