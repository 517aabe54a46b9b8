"""The reference library and the citation style: found, read through `files`, checked before Pandoc.

A document's library is `references.bib` (BibTeX or BibLaTeX, as Better BibTeX exports it),
`references.json` (CSL JSON, Zotero's export) or `references.yaml` (CSL YAML) in its folder, or the
file its front matter names (`references:`); a series may add a desk-wide library (`references:` in
series.yaml, a path inside the series folder). The document's own entries win over the desk's.

Each file is parsed here first, so that a mistake is reported at its own line (Pandoc names no line
for CSL JSON, and finds a BibTeX brace left open only where the next entry starts): BibTeX by
bibtexparser 2, JSON by `json`, YAML by the project's loader. What is learnt (each entry's key, line
and the fields a style needs) is kept in the cache by the file's content.

The style is a CSL file named by the series (`citation_style`), looked up as `<name>.csl` in the
series' folders (child first) and their `csl/` folders: base ships Chicago notes (with and without
Ibid.), APA and MHRA notes, unmodified, in styles/base/csl/.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from report import cache as kept
from report.errors import ContentError, Problems, quote
from report.source import files as contentfile
from report.source import yamlload
from report.source.document import MAX_FILE_BYTES

NAMES = ("references.bib", "references.json", "references.yaml")
KINDS = {".bib": "bib", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
# A library of some 10,000 entries; bibtexparser reads about 0.5 MB a second, so this bounds the check.
MAX_LIBRARY_BYTES = 2_000_000
MAX_STYLE_BYTES = 1_000_000  # Chicago's CSL file, the largest shipped, is 243 KB
MAX_NAMES = 1_000  # authors and editors of one entry (a big physics paper has ~5,000: cite it as a group)
MAX_KEY = 200
DEFAULT_STYLE = "chicago-notes-bibliography"
NAME_FIELDS = ("author", "editor", "translator")
AND = re.compile(r"\s+and\s+", re.I)


@dataclass(frozen=True)
class Entry:
    key: str
    line: int
    has_title: bool
    has_date: bool


@dataclass(frozen=True)
class LibraryFile:
    path: Path
    kind: str  # bib | json | yaml
    data: bytes  # exactly what was checked: Pandoc reads these bytes, not the file again
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Style:
    name: str
    path: Path
    data: bytes
    notes: bool  # class="note": citations become footnotes


# -- the library ----------------------------------------------------------------------------

def files_of(folder: Path, front_name, series, problems: Problems, front_pos=None) -> list[tuple[Path, Path, str]]:
    """(file, the folder it must be in, that folder's name in messages) of every library, the
    series' first and the document's last (Pandoc lets the last file's entry win a key both hold)."""
    found: list[tuple[Path, Path, str]] = []
    setter = series_setting(series, "references")
    if setter is not None:
        manifest, line, value, root = setter
        if not isinstance(value, str) or not value.strip():
            problems.add(manifest, "must be a file name inside the series folder, e.g. library/references.bib",
                         line, None, "references")
        elif Path(value).suffix.lower() not in KINDS:
            problems.add(manifest, f"{quote(value)}: a library is a .bib, .json or .yaml file", line, None,
                         "references")
        else:
            found.append((root / value, root, "the series folder"))
    if front_name is not None:
        line, col = front_pos or (None, None)
        if Path(front_name).suffix.lower() not in KINDS:
            problems.add(folder / "document.md", f"{quote(front_name)}: a library is a .bib, .json or .yaml "
                         "file", line, col, "references")
        else:
            found.append((folder / front_name, folder, "the document folder"))
    else:
        found += [(folder / name, folder, "the document folder") for name in NAMES if os.path.lexists(folder / name)]
    return found


def read(path: Path, root: Path, where: str, problems: Problems, cache: Path | None) -> LibraryFile | None:
    """A library file read and checked; None with its problems added."""
    kind = KINDS.get(path.suffix.lower(), "bib")
    try:
        data = contentfile.read(path, root, MAX_LIBRARY_BYTES, where)
    except contentfile.Refused as exc:
        problems.add(path, str(exc))
        return None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        problems.add(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); export the library as UTF-8",
                     data[:exc.start].count(b"\n") + 1)
        return None
    if contentfile.control_characters(text.replace("\r", ""), path, problems):
        return None
    key = kept.fingerprint("library", [kind, hashlib.sha256(data).hexdigest()]) if cache else None
    stored = kept.read(cache / "libraries" / key) if key else None
    if stored is not None:
        found = json.loads(stored)
    else:
        found = {"entries": [], "errors": []}
        {"bib": _bibtex, "json": _csl_json, "yaml": _csl_yaml}[kind](text, found)
        if key:
            kept.write(cache / "libraries" / key, json.dumps(found).encode("utf-8"))
    for line, col, message in found["errors"]:
        problems.add(path, message, line, col)
    if found["errors"]:
        return None
    return LibraryFile(path, kind, data, tuple(Entry(*e) for e in found["entries"]))


def _names_problem(key: str, field: str, count: int) -> str | None:
    if count > MAX_NAMES:
        return (f"entry {quote(key)} has {count:,} names in {field}; at most {MAX_NAMES:,} are allowed "
                "(name a group author, or list the first few and 'others')")
    return None


def _bibtex(text: str, found: dict) -> None:
    import logging
    import bibtexparser  # only for a document that cites from a .bib
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its failures are reported here, by line
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            found["errors"].append((line, None, f"the key {quote(block.key)} is used by another entry too; "
                                    "each entry needs its own key"))
        elif isinstance(block, DuplicateFieldKeyBlock):
            fields = ", ".join(sorted(map(str, block.duplicate_keys)))
            found["errors"].append((line, None, f"this entry has {fields} more than once; keep one"))
        else:
            head = block.raw.strip().split("\n", 1)[0]
            found["errors"].append((line, None, f"this entry cannot be read ({quote(head)}): look for a "
                                    "brace '{' or quotation mark left open, or a missing comma between fields"))
    for entry in library.entries:
        fields = {k.lower(): v for k, v in entry.fields_dict.items()}
        line = entry.start_line + 1
        for name in NAME_FIELDS:
            if name in fields:
                value = str(fields[name].value)
                problem = _names_problem(entry.key, name, len(AND.findall(value)) + 1)
                if problem:
                    found["errors"].append((line, None, problem))
        found["entries"].append((entry.key, line, "title" in fields,
                                 "year" in fields or "date" in fields or entry.entry_type.lower() == "online"
                                 and "urldate" in fields))


def _csl_items(items, lines, found: dict, what: str) -> None:
    if not isinstance(items, list):
        found["errors"].append((1, None, f"a CSL {what} library is a list of entries, each with an id"))
        return
    for i, item in enumerate(items):
        line = lines(i)
        if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool):
            found["errors"].append((line, None, f"entry {i + 1} needs an id (its key): a mapping with id, type, "
                                    "title …"))
            continue
        key = str(item["id"])
        for name in NAME_FIELDS:
            names = item.get(name)
            if isinstance(names, list):
                problem = _names_problem(key, name, len(names))
                if problem:
                    found["errors"].append((line, None, problem))
        found["entries"].append((key, line, bool(item.get("title")), bool(item.get("issued"))))


def _csl_json(text: str, found: dict) -> None:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        found["errors"].append((exc.lineno, exc.colno, f"not valid JSON: {exc.msg}"))
        return
    except RecursionError:
        found["errors"].append((1, None, "not a CSL JSON library: nested too deeply"))
        return
    # Each entry's line: where its "id" is written, in order.
    starts = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'"id"\s*:', text)]
    _csl_items(items, lambda i: starts[i] if i < len(starts) else 1, found, "JSON")


def _csl_yaml(text: str, found: dict) -> None:
    try:
        data = yamlload.load(text, "references.yaml")
    except ContentError as exc:
        found["errors"].append((exc.line or 1, exc.column, exc.message))
        return
    if isinstance(data, dict) and "references" in data:
        data = data["references"]
    positions = getattr(data, "item_pos", None) or []
    _csl_items(data, lambda i: positions[i][0] if i < len(positions) else 1, found, "YAML")


def did_you_mean(key: str, choices) -> str:
    """'; did you mean …?' for a close key, else nothing."""
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6) if len(key) <= MAX_KEY else []
    return f"; did you mean {quote(close[0])}?" if close else ""


# -- the style ------------------------------------------------------------------------------

def series_setting(series, key: str):
    """(series.yaml, line, value, its folder) of the nearest series in the chain that sets `key`."""
    for folder in series.folders:
        manifest = folder / "series.yaml"
        try:
            text = contentfile.read(manifest, folder, MAX_FILE_BYTES, "the series folder").decode("utf-8")
            data = yamlload.load(text, str(manifest))
        except (contentfile.Refused, UnicodeDecodeError, ContentError):
            continue  # resolving the series reported it
        if isinstance(data, dict) and key in data:
            return manifest, data.value_pos.get(key, (None,))[0], data[key], folder
    return None


def known_styles(series) -> list[str]:
    names = set()
    for folder in series.folders:
        for place in (folder, folder / "csl"):
            if place.is_dir():
                names.update(p.stem for p in place.glob("*.csl"))
    return sorted(names)


def style(series, problems: Problems) -> Style | None:
    """The series' citation style, read and checked; None with the problem added."""
    name = getattr(series, "citation_style", None) or DEFAULT_STYLE
    setter = series_setting(series, "citation_style")
    manifest, line = (setter[0], setter[1]) if setter else (series.folders[0] / "series.yaml", None)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", name) or name.endswith(".csl"):
        problems.add(manifest, f"{quote(name)} is not a style name: write the file's name without .csl, e.g. "
                     f"{DEFAULT_STYLE}", line, None, "citation_style")
        return None
    for folder in series.folders:
        for place in (folder, folder / "csl"):
            path = place / f"{name}.csl"
            if not path.exists():
                continue
            try:
                data = contentfile.read(path, folder, MAX_STYLE_BYTES, "the series folder")
            except contentfile.Refused as exc:
                problems.add(path, str(exc))
                return None
            head = data[:4000].decode("utf-8", "replace")
            if "<style" not in head or "citation-style-language" not in head:
                problems.add(path, "not a CSL style: a CSL file starts <style xmlns=\"http://purl.org/net/"
                             "citation-style-language\" …>", 1)
                return None
            notes = bool(re.search(r"<style\b[^>]*\bclass=[\"']note[\"']", head))
            return Style(name, path, data, notes)
    known = known_styles(series)
    longer = [k for k in known if k.startswith(name)]  # chicago-notes: chicago-notes-bibliography
    hint = f"; did you mean {quote(longer[0])}?" if longer else did_you_mean(name, known)
    problems.add(manifest, f"unknown citation style {quote(name)}{hint}; known styles: "
                 f"{', '.join(known)} (or put {name}.csl in the series folder)", line, None, "citation_style")
    return None


def is_note_style(series) -> bool:
    """Whether the series' style sets citations as footnotes: what the parser needs to know first.
    An unknown style counts as in-text here; it is reported when the citations are formatted."""
    found = style(series, Problems())
    return bool(found and found.notes)
