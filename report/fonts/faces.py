"""Every face the laid-out text asks for is a file the series declares.

With only the series' fonts in sight (report/fonts/isolation.py), text in a weight or style the
series has no file for would quietly print in another of its faces: bold set in the regular,
say. So after layout every piece of text is read back with the family, weight and style its
CSS gives it, and each must be one the series' `fonts` give: the same style, and the very
weight of a static file (400 `normal`/`italic`, 600 `semibold`, 700 `bold`) or a weight inside
the range of a variable font. Whatever is lacking is reported at the series.yaml line of the
role, with the key to add and an example of the text, all at once.

A face must also have every letter of the text set in it: a character its file lacks would
print in another face of the family (a regular "é" inside a bold word), so it is reported with
the file. A character no face of the role has is left to the fallback roles (Hebrew, Arabic):
that is their job, and coverage.py has checked before layout that some font has it.
"""

from __future__ import annotations

from pathlib import Path

from report.cache import memo
from report.errors import ContentErrors, Problems, display_path, quote
from report.fonts import coverage
from report.internals import page_box
from report.internals.boxes import css, descendants, is_a, text_of
from report.model import FACE_KEYS, FontFace, Series

# Lazy: fontTools and WeasyPrint, used after layout only; `--check` loads this module, not them.

KEY_OF = {(int(weight), style): key for key, (weight, style) in FACE_KEYS.items()}
NAMES = {400: "regular", 600: "semibold", 700: "bold"}
HYPHEN = ", the hyphen of a word broken at the end of a line"
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


def face_file(face: FontFace, weight: int, style: str) -> Path | None:
    """The file of `face` that sets text in `weight` and `style`; None when it gives none."""
    for given_weight, given_style, path in face.faces():
        if given_style != style:
            continue
        span = declared_span(given_weight) if given_weight is not None else None
        if span is not None and span[0] <= weight <= span[1]:
            return path
        if given_weight is None:
            span = weight_range(path)
            if span is not None and span[0] <= weight <= span[1]:
                return path
            if span is None and weight == 400:  # a static file given without a weight
                return path
    return None


def gives(face: FontFace, weight: int, style: str) -> bool:
    return face_file(face, weight, style) is not None


def check(document, series: Series, cache: Path | None = None) -> None:
    """Raise `ContentErrors` for every (family, weight, style) the text needs and the series
    lacks, and for every character a face it uses lacks while another face of its role has it
    (`cache`: the folder of the fonts' character maps, coverage.py)."""
    families = {face.family: (role, face) for role, face in series.fonts.items()}
    wanted: dict[tuple[str, int, str], tuple[int, str]] = {}  # need → (page, example text)
    letters: dict[tuple[str, int, str], dict[str, tuple[int, str]]] = {}  # need → character → (page, text)
    for number, page in enumerate(document.pages, start=1):
        for box in descendants(page_box(page)):
            if not is_a(box, "text") or not text_of(box).strip():
                continue
            family = next(iter(css(box, "font-family")), "")
            slant = "italic" if css(box, "font-style") in ("italic", "oblique") else "normal"
            text = " ".join(text_of(box).replace("\u00ad", "").split())  # without the builder's soft hyphens
            need = (family, int(css(box, "font-weight")), slant)
            wanted.setdefault(need, (number, text))
            seen = letters.setdefault(need, {})
            for char in text:
                seen.setdefault(char, (number, text))
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
        path, line = face.source or (top, None)
        given = face_file(face, weight, slant)
        if given is not None:
            _lacking(face, role, given, weight, slant, letters[(family, weight, slant)], (path, line), problems, cache)
            continue
        key = KEY_OF.get((weight, slant))
        name = f"{NAMES.get(weight, f'weight {weight}')}{' italic' if slant == 'italic' else ''}"
        fix = (f"add `{key}:` (a font file) or a variable font" if key else
               "the static files give 400, 600 and 700 only: use one of those in the CSS, or a variable font")
        problems.add(path, f"the CSS sets text in {family} {name} ({weight}, {sample}), but the series gives no "
                     f"such face: {fix}", line, None, f"fonts.{role}")
    if problems:
        raise ContentErrors(list(problems))


def _lacking(face: FontFace, role: str, given: Path, weight: int, slant: str,
             used: dict[str, tuple[int, str]], where: tuple[Path, int | None], problems: Problems,
             cache: Path | None) -> None:
    """Report the characters set in `given` that it lacks and another face of the role has."""
    have = coverage.covered((given,), cache)
    others = coverage.covered(tuple(p for _, _, p in face.faces() if p != given), cache)
    lacking = [c for c in used if ord(c) not in have and ord(c) in others and coverage.printed(c)]
    if not lacking:
        return
    number, text = used[lacking[0]]
    at = text.index(lacking[0])
    example = text[max(0, at - 20):at + 20]  # the words around it
    named = ", ".join(f"{quote(c)} (U+{ord(c):04X}{HYPHEN if c == chr(0x2010) else ''})"
                      for c in lacking[:coverage.SHOWN])
    if len(lacking) > coverage.SHOWN:
        named += f" and {len(lacking) - coverage.SHOWN} more"
    name = f"{NAMES.get(weight, f'weight {weight}')}{' italic' if slant == 'italic' else ''}"
    path, line = where
    try:
        shown = given.resolve().relative_to(Path(path).resolve().parent).as_posix()  # as series.yaml names it
    except ValueError:
        shown = display_path(given)
    problems.add(path, f"{quote(shown)} ({name}) has no {named}, which the text sets in {face.family} "
                 f"{name} (e.g. {quote(example[:40])} on page {number}): it would print in another face of "
                 f"the family; give a {name} file that has {'it' if len(lacking) == 1 else 'them'}",
                 line, None, f"fonts.{role}")
