"""Every face the laid-out text asks for is a file the series declares.

With only the series' fonts in sight (report/fonts/isolation.py), text in a weight or style the
series has no file for would quietly print in another of its faces: bold set in the regular,
say. So after layout every piece of text is read back with the family, weight and style its
CSS gives it, and each must be one the series' `fonts` give: the same style, and the very
weight of a static file (400 `normal`/`italic`, 600 `semibold`, 700 `bold`) or a weight inside
the range of a variable font. Whatever is lacking is reported at the series.yaml line of the
role, with the key to add and an example of the text, all at once.
"""

from __future__ import annotations

from pathlib import Path

from report.cache import memo
from report.errors import ContentErrors, Problems, quote
from report.internals import page_box
from report.internals.boxes import is_a
from report.model import FACE_KEYS, FontFace, Series

# Lazy: fontTools and WeasyPrint, used after layout only; `--check` loads this module, not them.

KEY_OF = {(int(weight), style): key for key, (weight, style) in FACE_KEYS.items()}
NAMES = {400: "regular", 600: "semibold", 700: "bold"}
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math", "emoji"}


@memo(maxsize=64)
def weight_range(path: Path) -> tuple[float, float] | None:
    """A variable font's `wght` axis (least, most); None for a static font."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), lazy=True)
        axes = font["fvar"].axes if "fvar" in font else []
    except Exception:  # unreadable: coverage.py reports it before layout
        return None
    return next(((a.minValue, a.maxValue) for a in axes if a.axisTag == "wght"), None)


def declared_span(weight: str) -> tuple[float, float] | None:
    """A CSS font-weight descriptor ('400', 'bold', '100 900') as (least, most)."""
    words = [{"normal": "400", "bold": "700"}.get(w, w) for w in weight.lower().split()]
    try:
        numbers = [float(w) for w in words]
    except ValueError:
        return None
    return (min(numbers), max(numbers)) if numbers else None


def gives(face: FontFace, weight: int, style: str) -> bool:
    for given_weight, given_style, path in face.faces():
        if given_style != style:
            continue
        span = declared_span(given_weight) if given_weight is not None else None
        if span is not None and span[0] <= weight <= span[1]:
            return True
        if given_weight is None:
            span = weight_range(path)
            if span is not None and span[0] <= weight <= span[1]:
                return True
            if span is None and weight == 400:  # a static file given without a weight
                return True
    return False


def check(document, series: Series) -> None:
    """Raise `ContentErrors` for every (family, weight, style) the text needs and the series lacks."""
    families = {face.family: (role, face) for role, face in series.fonts.items()}
    wanted: dict[tuple[str, int, str], tuple[int, str]] = {}  # need → (page, example text)
    for number, page in enumerate(document.pages, start=1):
        for box in page_box(page).descendants():
            if not is_a(box, "text") or not box.text.strip():
                continue
            style = box.style
            family = next(iter(style["font_family"]), "")
            slant = "italic" if style["font_style"] in ("italic", "oblique") else "normal"
            text = " ".join(box.text.replace("\u00ad", "").split())  # without the builder's soft hyphens
            wanted.setdefault((family, int(style["font_weight"]), slant), (number, text))
    problems = Problems()
    top = series.folders[0] / "series.yaml"
    for (family, weight, slant), (number, example) in sorted(wanted.items()):
        sample = f"e.g. {quote(example[:40])} on page {number}"
        if family not in families:
            declared = ", ".join(quote(f) for f in families)
            what = "a generic family" if family.lower() in GENERIC else "a family no fonts role declares"
            path, line = next((f.source for f in series.fonts.values() if f.source), (top, None))
            problems.add(path, f"the CSS sets text in {quote(family)} ({sample}), {what}; the series' fonts are "
                         f"{declared}: name one of them, or declare the family under fonts", line, None, "fonts")
            continue
        role, face = families[family]
        if gives(face, weight, slant):
            continue
        path, line = face.source or (top, None)
        key = KEY_OF.get((weight, slant))
        name = f"{NAMES.get(weight, f'weight {weight}')}{' italic' if slant == 'italic' else ''}"
        fix = (f"add `{key}:` (a font file) or a variable font" if key else
               "the static files give 400, 600 and 700 only: use one of those in the CSS, or a variable font")
        problems.add(path, f"the CSS sets text in {family} {name} ({weight}, {sample}), but the series gives no "
                     f"such face: {fix}", line, None, f"fonts.{role}")
    if problems:
        raise ContentErrors(list(problems))
