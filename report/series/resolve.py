"""Resolve a series folder through `extends` into one typed `Series`: its keys, search paths.

A series is `styles/<id>/series.yaml` plus, optionally, `style.css`, `templates/` and assets.
Every chain ends at `styles/base`, which holds the colours and the fonts; the keys and their
defaults are declared in `schemas.SERIES`. Keys merge with the child winning (`colors` and
`fonts` merge name by name); stylesheets cascade root first; templates and assets are looked up
child first.
"""

from __future__ import annotations

import dataclasses
import os
import re
import struct
from pathlib import Path

from report import cache as kept, languages as i18n
from report.source import files, pictures, yamlload
from report.source.document import FAILED, load_yaml_file
from report.errors import Problems, display_path, quote
from report.model import FACE_KEYS, FontFace, Publisher, Series
from report.paths import ROOT
from report.series import checks, geometry
from report.source.schemas import LENGTH, SERIES, css_color

# Lazy: fontTools (about 0.1 s), only for a font file whose verdict is not in the cache folder.

STYLES = ROOT / "styles"
TEMPLATES = ROOT / "templates"
BASE = "base"
SERIES_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COLOR_ROLES = ("primary", "accent", "tint", "text")
# Keys of the flat identity that came before the `publisher` block: where each went.
MOVED = {"publisher_short": "short_name", "publisher_lines": "lines", "website": "website",
         "wordmark": "wordmark"}
# The same flat keys per language: languages.<lang>.publisher_lines and a text publisher.
LANGUAGE_PUBLISHER = re.compile(r"^(languages\.([^.]+))\.publisher_lines$")
LANGUAGE_TEXT = re.compile(r"^(languages\.([^.]+))\.publisher$")
LANGUAGE_MARK = re.compile(r"^languages\.[^.]+\.publisher\.(logo|wordmark)$")
LOGO_MAGIC = (b"\x89PNG\r\n\x1a\n",)
MAX_LOGO_BYTES = 8_000_000  # a logo is read whole into every web page


def series_roots(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    return tuple(extra) + (STYLES,)


def known_series(roots: tuple[Path, ...]) -> dict[str, Path]:
    """Series id → folder, the first root that has it winning."""
    found: dict[str, Path] = {}
    for root in roots:
        if root.is_dir():
            for manifest in sorted(root.glob("*/series.yaml")):
                found.setdefault(manifest.parent.name, manifest.parent)
    return found


# Series resolved in this process, each kept while none of its files changed: a run resolves a
# series for the record's key and again for the build, a --watch session at every rebuild, an
# archive once a document; each time its manifests were parsed again (YAML, most of the cost).
_resolved: dict = kept.remember({})


def resolve(series_id: str, problems: Problems, roots: tuple[Path, ...] = (STYLES,),
            where: tuple[str, int | None] | None = None) -> Series | None:
    """The merged `Series`, or None with problems added. `where` locates the reference."""
    key = (series_id, tuple(roots), os.getcwd())
    if key in _resolved and _resolved[key][0] == _stamp(roots, _resolved[key][1]):
        return _resolved[key][1]
    series = _resolve(series_id, problems, roots, where)
    if series is not None:  # only a series without problems: a failed one says them again
        _resolved[key] = (_stamp(roots, series), series)
    return series


def _stamp(roots: tuple[Path, ...], series: Series) -> tuple:
    """What a resolved series is made of, as the disk has it now: the series the roots offer,
    and every file of its folders and template folders (name, size, times, inode; the bytes of
    a small one, as a manifest, a stylesheet or a template rewritten within a clock tick)."""
    found = []
    for folder in dict.fromkeys(series.folders + series.template_dirs):
        for path in sorted(folder.rglob("*")):
            stat = path.stat()
            small = path.read_bytes() if path.is_file() and stat.st_size <= STAMPED_BYTES else None
            found.append((str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, small))
    return tuple(known_series(roots).items()), tuple(found)


STAMPED_BYTES = 64_000  # read whole into the stamp: manifests, stylesheets, templates; not fonts


def _resolve(series_id: str, problems: Problems, roots: tuple[Path, ...],
             where: tuple[str, int | None] | None) -> Series | None:
    known = known_series(roots)
    folder = Path(series_id) if "/" in series_id or series_id.startswith(".") else None
    if folder is not None:
        if not (folder / "series.yaml").is_file():
            path, line = where or ("--series", None)
            problems.add(path, f"no series.yaml in the folder {quote(series_id)}", line, None,
                         None if path == "--series" else "series")
            return None
        known[folder.resolve().name] = folder.resolve()
        series_id = folder.resolve().name
    if series_id not in known:
        listed = ", ".join(sorted(k for k in known if k != BASE))
        path, line = where or ("--series", None)
        problems.add(path, f"unknown series {quote(series_id)}; known: {listed}", line, None, None if path == "--series" else "series")
        return None

    chain: list[tuple[str, Path, yamlload.Marked]] = []
    current = series_id
    while True:
        manifest_path = known[current] / "series.yaml"
        manifest = _load_manifest(manifest_path, problems)
        if manifest is None:
            return None
        chain.append((current, known[current], manifest))
        if current == BASE:
            break
        parent = manifest.get("extends", BASE)
        if not isinstance(parent, str):
            return None  # reported by _load_manifest
        line = manifest.key_pos.get("extends", (None,))[0]
        if parent not in known:
            listed = ", ".join(sorted(known))
            problems.add(manifest_path, f"unknown parent series {quote(parent)}; known: {listed}", line, None, "extends")
            return None
        if parent in [c[0] for c in chain]:
            cycle = " → ".join([c[0] for c in chain] + [parent])
            problems.add(manifest_path, f"makes a cycle: {cycle}", line, None, "extends")
            return None
        current = parent
    return _merge(chain, problems)


def _load_manifest(path: Path, problems: Problems) -> yamlload.Marked | None:
    data = load_yaml_file(path, problems, "the series folder")
    if data is FAILED:
        return None
    if data is None:
        data = yamlload.Marked()
        data.key_pos, data.value_pos = {}, {}
    if not isinstance(data, yamlload.Marked):
        problems.add(path, "series.yaml must be a mapping of keys (name: …)", 1)
        return None
    before = len(problems)

    def report(field, message, pos):
        if field in MOVED and message.startswith("unknown key"):
            message = f"moved into the publisher block: publisher: {{{MOVED[field]}: …}}"
        elif field == "publisher" and message.startswith("must be a mapping") and isinstance(data.get(field), str):
            message = (f"is a block now: publisher: {{name: {quote(data[field])}, short_name: …, "
                       "wordmark: … or logo: …, lines: […], website: …}")
        elif (m := LANGUAGE_PUBLISHER.match(field)) and message.startswith("unknown key"):
            message = f"moved into the language's publisher texts: {m[1]}.publisher: {{lines: […]}}"
        elif LANGUAGE_MARK.match(field) and message.startswith("unknown key"):
            message = f"the {field.rsplit('.', 1)[1]} is the same in every language: set it in publisher"
        elif (m := LANGUAGE_TEXT.match(field)) and message.startswith("must be a mapping") \
                and isinstance(data.get("languages", {}).get(m[2], {}).get("publisher"), str):
            message = (f"is a mapping now: {field}: {{name: "
                       f"{quote(data['languages'][m[2]]['publisher'])}, lines: […]}}")
        problems.add(path, message, pos[0], pos[1], field)

    SERIES.check(data, report, (1, None))
    return data if len(problems) == before else None


def _merge(chain, problems: Problems) -> Series | None:
    """Merge root → child; font files resolve in the folder of the manifest that names them."""
    before = len(problems)  # problems found earlier (in the document, say) are not this series'
    merged: dict = {}
    languages: dict[str, dict] = {}
    colors: dict[str, str] = {}
    fonts: dict[str, FontFace] = {}
    publisher = Publisher()
    for sid, folder, manifest in reversed(chain):
        path = folder / "series.yaml"
        for key, value in manifest.items():
            if key == "publisher":  # one block, replaced whole: nothing of a parent's identity stays
                publisher = _publisher(value, folder, path, problems)
                for texts in languages.values():  # the parents' publisher in other languages goes too
                    texts.pop("publisher", None)
            elif key == "colors":
                colors.update(value)
                # A colour changed here without its press value here is converted, never given
                # the press value of the parent's different colour.
                own = manifest.get("cmyk") or {}
                merged["cmyk"] = {k: v for k, v in merged.get("cmyk", {}).items() if k not in value or k in own}
            elif key == "cmyk":
                merged["cmyk"] = {**merged.get("cmyk", {}), **value}
            elif key == "languages":
                continue  # after the keys: a text this series sets drops the parents' wording of it
            elif key in i18n.TRANSLATABLE:
                merged[key] = value
                for texts in languages.values():
                    texts.pop(key, None)
            elif key == "fonts":
                for role, face in value.items():
                    font = _font(face, folder, path, f"fonts.{role}", fonts.get(role), problems)
                    if font:
                        fonts[role] = dataclasses.replace(font, source=(path, value.key_pos[role][0]))
            else:
                merged[key] = value
        if "disclaimer" in manifest and "disclaimer_plural" not in manifest:
            # A series that words its own disclaimer never keeps a parent's plural of another text.
            merged.pop("disclaimer_plural", None)
            for texts in languages.values():
                texts.pop("disclaimer_plural", None)
        if "publisher" in manifest:
            # Another publisher: a parent's disclaimer speaks for the parent's, so it goes too, and
            # with them the parents' wording of both in every language.
            for key in ("disclaimer", "disclaimer_plural"):
                if key not in manifest:
                    merged.pop(key, None)
                    for texts in languages.values():
                        texts.pop(key, None)
        for lang, texts in (manifest.get("languages") or {}).items():
            mine = languages.setdefault(lang, {})
            for key, value in texts.items():
                mine[key] = {**mine.get(key, {}), **value} if key == "labels" else value
            if "disclaimer" in texts and "disclaimer_plural" not in texts:
                mine.pop("disclaimer_plural", None)
    series_id, folder, _ = chain[0]
    top = folder / "series.yaml"
    for role in COLOR_ROLES:
        if role not in colors:
            problems.add(top, f"colors.{role} is not set here nor in a parent series", 1, None, "colors")
    for role in ("serif", "sans"):
        if role not in fonts:
            problems.add(top, f"fonts.{role} is not set here nor in a parent series", 1, None, "fonts")
    folders = tuple(f for _, f, _ in chain)
    template_dirs = tuple(f / "templates" for f in folders if (f / "templates").is_dir()) + (TEMPLATES,)
    template = merged.get("template", SERIES["template"].default)
    if template_problem(template):
        where, line = _setter(chain, "template")
        problems.add(where, template_problem(template), line, None, "template")
    elif not any((d / template).is_file() for d in template_dirs):
        searched = ", ".join(display_path(d) for d in template_dirs)
        where, line = _setter(chain, "template")
        problems.add(where, f"template {quote(template)} not found; searched: {searched}", line, None, "template")
    for name in merged.get("cmyk", {}):
        if name not in colors:
            where, line = _setter(chain, "cmyk")
            problems.add(where, f"{quote(name)} is not a colour named in colors", line, None, f"cmyk.{name}")
    for name in merged.get("chart_colors", SERIES["chart_colors"].default):
        if name not in colors and not css_color(name):
            where, line = _setter(chain, "chart_colors")
            problems.add(where, f"{quote(name)} is neither a colour named in colors nor a CSS colour", line, None,
                         "chart_colors")
    rail = merged.get("rail", SERIES["rail"].default)
    if (merged.get("notes") == "side" and isinstance(rail, str) and LENGTH.match(rail)
            and geometry.mm(rail) < MIN_SIDENOTE_RAIL_MM):
        # Narrower, a note's lines hold a word or two: set the notes at the foot instead.
        where, line = _setter(chain, "rail")
        problems.add(where, f"{rail} is too narrow for notes: side (at least {MIN_SIDENOTE_RAIL_MM:g}mm); "
                     "set notes: foot or end", line, None, "rail")
    if len(problems) == before:
        checks.check(template_dirs, template, tuple(f / "style.css" for f in reversed(folders[:-1])
                                                         if (f / "style.css").is_file()), problems)
    if len(problems) > before:
        return None
    named = merged.get("chart_colors", SERIES["chart_colors"].default)
    chart_colors = (tuple(colors.get(c, c) for c in named) if named
                    else tuple(colors[k] for k in ("primary", "accent", "muted") if k in colors))
    values = SERIES.values(merged)
    if values["chart_width_mm"] is None:  # charts fill the text column the geometry gives
        page = geometry.page_size(values["page_size"])
        margins = geometry.margins(values["margins"])
        values["chart_width_mm"] = round(page[0] - margins[1] - margins[3] - geometry.mm(values["rail"]), 3)
    return Series(
        id=series_id, chain=tuple(s for s, _, _ in chain), folders=folders, template_dirs=template_dirs,
        stylesheets=tuple(f / "style.css" for f in reversed(folders) if (f / "style.css").is_file()),
        **{**values, "colors": colors, "fonts": fonts, "chart_colors": chart_colors,
           "publisher": publisher, "languages": languages},
    )


MIN_SIDENOTE_RAIL_MM = 20


def _setter(chain, key) -> tuple[Path, int | None]:
    """The manifest (and line) that sets `key` for the series: the child's, else the nearest parent's."""
    for _, folder, manifest in chain:
        if key in manifest:
            return folder / "series.yaml", manifest.value_pos[key][0]
    return chain[0][1] / "series.yaml", None


def _font(face, folder: Path, path: Path, field: str, inherited: FontFace | None, problems) -> FontFace | None:
    def file(key):
        name = face.get(key)
        if name is None:
            return getattr(inherited, key, None) if inherited and "family" not in face else None
        target = (folder / name).resolve()
        problem = font_problem(folder / name, folder)
        if problem is not None:
            line, col = face.value_pos[key]
            if problem == "file not found":
                problem = f"not found in {display_path(folder)}"
            problems.add(path, f"font file {quote(name)} {problem}", line, col, f"{field}.{key}")
        return target

    family = face.get("family") or (inherited.family if inherited else None)
    normal = file("normal")
    if family is None or normal is None:
        line, col = face.pos
        problems.add(path, "needs family and normal (the upright font file)", line, col, field)
        return None
    return FontFace(family, normal, file("italic"), face.get("weight"),
                    **{key: file(key) for key in FACE_KEYS if key not in ("normal", "italic")})


def _publisher(block, folder: Path, path: Path, problems: Problems) -> Publisher:
    """The publisher block; its logo resolves in the folder of the series.yaml that names it."""
    logo = None
    if block.get("logo"):
        name = block["logo"]
        line, col = block.value_pos["logo"]
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()):
            problems.add(path, f"logo {quote(name)} is outside the series folder", line, col, "publisher.logo")
        elif not target.is_file():
            problems.add(path, f"logo file {quote(name)} not found in {display_path(folder)}", line, col,
                         "publisher.logo")
        else:
            try:
                data = files.read(folder / name, folder, MAX_LOGO_BYTES, "the series folder")
            except files.Refused as exc:
                problems.add(path, f"logo {quote(name)} {exc}", line, col, "publisher.logo")
                data = None
            head = data[:4096] if data is not None else None
            if head is None:
                pass
            elif not (head.startswith(LOGO_MAGIC) or (target.suffix.lower() == ".svg" and b"<svg" in head)):
                problems.add(path, f"logo {quote(name)} is not an SVG or PNG file", line, col, "publisher.logo")
            else:
                try:
                    pictures.check(data, name)
                    logo = target
                except files.Refused as exc:  # the file, or the picture in it
                    problems.add(path, f"logo {quote(name)} {exc}", line, col, "publisher.logo")
    return Publisher(name=block.get("name", ""), short_name=block.get("short_name", ""),
                     wordmark=block.get("wordmark", ""), logo=logo, lines=tuple(block.get("lines", ())),
                     website=block.get("website", ""), source=path)


# The first bytes of the font files WeasyPrint and fontTools read: TrueType, OpenType, a
# collection, WOFF and WOFF2.
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
MAX_FONT_BYTES = 64_000_000


def font_problem(path: Path, folder: Path) -> str | None:
    """What is wrong with a font file of a series (in words after its name), or None."""
    try:
        real = files.size(path, folder, MAX_FONT_BYTES, "the series folder")
        with open(real, "rb") as handle:  # a regular file: locate() checked its type
            head = handle.read(4)
    except files.Refused as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not head.startswith(FONT_MAGIC):
        return "is not a font file (TrueType, OpenType or WOFF)"
    return _unreadable_font(real)


def _unreadable_font(path: Path) -> str | None:
    """The right first bytes are not a font: its table directory and character map must read.

    The verdict is kept in the cache folder by the file's content, so that fontTools (about
    0.1 s to import and read a series' faces) runs for a new or changed font only."""
    stored = kept.folder() / "font-check" / f"{kept.fingerprint('font-check', files=[path])[:24]}.json"
    verdict = kept.read_json(stored)
    if isinstance(verdict, list) and verdict:
        return verdict[0]
    problem = _read_font(path)
    kept.write_json(stored, [problem])
    return problem


def _read_font(path: Path) -> str | None:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            tables = font.reader.tables
            if "cmap" not in tables:
                return "is not a font file fontTools can read: it has no character map (cmap)"
            if font.reader.flavor != "woff2":  # WOFF2's offsets are into its unpacked tables
                size = path.stat().st_size
                for tag, entry in tables.items():
                    if entry.offset + entry.length > size:
                        return f"is not a font file fontTools can read: its {tag.strip()!r} table is cut off"
    except (TTLibError, EOFError, ValueError, KeyError, IndexError, struct.error, AssertionError) as exc:
        return f"is not a font file fontTools can read ({exc})"
    return None


def template_problem(name: str) -> str | None:
    """A `template:` value must name a file in a templates folder, nothing else."""
    parts = name.replace("\\", "/").split("/")
    if not name.strip() or name.startswith(("/", "\\")) or ".." in parts or ":" in name or "\x00" in name:
        return f"{quote(name)} must be a template file name in the series' templates folder, such as document.html"
    return None


def find_asset(series: Series, name: str) -> Path | None:
    """The first file named `name` on the series' search path."""
    for folder in series.folders:
        if (folder / name).is_file():
            return folder / name
    return None
