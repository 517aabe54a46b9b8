"""Load a document folder: split `document.md` into front matter and body, check the front matter.

Two steps, because the rules depend on the series: `read()` parses the file (its series id is
known afterwards), `check()` turns the front matter into a `Document` under that series' rules
(which keys it requires, which extra keys it declares).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from report.source import files
from report.source import yamlload
from report.errors import ContentError, Problems, display_path, quote
from report.model import Author, Document, Edition, KeyFigure, Series
from report.source.schemas import FRONT_MATTER

FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
MAX_FILE_BYTES = 5_000_000  # charts.yaml, a reader or series file
MAX_DOCUMENT_BYTES = 1_000_000  # document.md: some 300 pages (the Guest Commentary is 16 KB, 6 pages)
# What `--import` writes where only the editor knows the value: never printed, always reported.
PLACEHOLDER = "FILL IN"
# Placeholders an editor may print in a proof but never send to the press: "[Author name to be
# confirmed]", and FILL IN inside a text (at a value's start it is an error, above). A series
# adds its own (series.yaml `placeholders`). A bracket holding only "TK" ("to come") or an
# ellipsis marks text still to write; the preflight looks for the same in the laid-out pages.
SOFT_PLACEHOLDERS = (r"\[[^\[\]\n]*\bto be confirmed\b[^\[\]\n]*\]", r"(?-i:FILL IN)\b[^\n\]\"]*",
                     r"\[\s*(?:TK|…|\.\.\.)\s*\]")
ACCEPTED_KEY = "placeholders_accepted"


@dataclass(frozen=True)
class RawDocument:
    """`document.md` parsed but not yet checked."""

    folder: Path
    path: Path
    front: yamlload.Marked
    body: str
    body_line: int

    @property
    def series_id(self):
        value = self.front.get("series")
        return None if is_placeholder(value) else value


def is_placeholder(value) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(PLACEHOLDER)


def placeholders(raw: RawDocument, problems: Problems) -> set[str]:
    """Report every placeholder left in the front matter or the body; the top-level keys holding one."""
    found: set[str] = set()

    def walk(value, field, pos, top):
        if is_placeholder(value):
            problems.add(raw.path, f"still a placeholder: {value.strip()}", pos[0], pos[1], field)
            found.add(top)
        elif isinstance(value, yamlload.Marked):
            for key, item in value.items():
                walk(item, f"{field}.{key}" if field else str(key), value.value_pos.get(key, value.pos),
                     top or str(key))
        elif isinstance(value, yamlload.MarkedList):
            for i, item in enumerate(value):
                walk(item, f"{field}[{i}]", value.item_pos[i], top)

    walk(raw.front, "", raw.front.pos, "")
    for n, line in enumerate(raw.body.split("\n")):
        at = line.find(PLACEHOLDER)
        if at >= 0:
            text = line[at:].split("](")[0].rstrip("] ")
            problems.add(raw.path, f"still a placeholder: {text}", raw.body_line + n, at + 1)
    return found


@dataclass(frozen=True)
class Placeholder:
    text: str
    line: int | None
    column: int | None
    field: str | None  # the front-matter key holding it; None in the body


def soft_placeholders(raw: RawDocument, patterns: tuple[str, ...] = ()) -> list[Placeholder]:
    """Every placeholder left in the front matter's texts and in the body, by line, with the
    series' own patterns; the list of accepted ones itself is not searched."""
    expression = re.compile("|".join(f"(?:{p})" for p in SOFT_PLACEHOLDERS + tuple(patterns)), re.IGNORECASE)
    found: list[Placeholder] = []

    def walk(value, field, pos):
        if is_placeholder(value):  # reported as an error by `placeholders`
            return
        if isinstance(value, str):
            for match in expression.finditer(value):
                if match.group().strip():
                    found.append(Placeholder(match.group().strip(), pos[0], pos[1], field))
        elif isinstance(value, yamlload.Marked):
            for key, item in value.items():
                if not field and key == ACCEPTED_KEY:
                    continue
                walk(item, f"{field}.{key}" if field else str(key), value.value_pos.get(key, value.pos))
        elif isinstance(value, yamlload.MarkedList):
            for i, item in enumerate(value):
                walk(item, f"{field}[{i}]", value.item_pos[i])

    walk(raw.front, "", raw.front.pos)
    for n, line in enumerate(raw.body.split("\n")):
        for match in expression.finditer(line):
            if match.group().strip() and not match.group().startswith(PLACEHOLDER):  # an error already
                found.append(Placeholder(match.group().strip(), raw.body_line + n, match.start() + 1, None))
    return found


def placeholders_left(raw: RawDocument, doc: Document | None, patterns: tuple[str, ...],
                      warnings: Problems) -> tuple[tuple[ContentError, ...], tuple[str, ...]]:
    """The placeholders still in the text, less those the front matter accepts; and the accepted
    ones found. An accepted one no longer in the text is a warning: the list goes stale."""
    found = soft_placeholders(raw, patterns)
    accepted = doc.placeholders_accepted if doc is not None else ()
    left = tuple(ContentError(str(raw.path), f"still a placeholder: {quote(p.text)}", p.line, p.column, p.field)
                 for p in found if p.text not in accepted)
    seen = {p.text for p in found}
    for i, text in enumerate(accepted):
        if text not in seen:
            pos = raw.front[ACCEPTED_KEY].item_pos[i]
            warnings.add(raw.path, f"warning: {ACCEPTED_KEY}[{i}]: {quote(text)} is no longer in the text; "
                         "take it off the list", pos[0], pos[1])
    return left, tuple(t for t in accepted if t in seen)


def as_warning(e: ContentError) -> ContentError:
    """A problem that does not stop the build, as printed: `path:line:col: warning: field: …`."""
    return ContentError(e.path, f"warning: {e.field + ': ' if e.field else ''}{e.message}", e.line, e.column)


def accepted_line(doc: Document, accepted: tuple[str, ...]) -> tuple[str, ...]:
    """The preflight's one line naming the placeholders the front matter accepts (information)."""
    if not accepted:
        return ()
    return (f"{display_path(doc.source_path)}: placeholders accepted by the front matter "
            f"({ACCEPTED_KEY}): {', '.join(quote(t) for t in accepted)}",)


def read_text(path: Path, problems: Problems, where: str = "the document folder") -> str | None:
    """A UTF-8 text file inside its folder, checked and capped (see `contentfile`), or None."""
    return files.read_text(path, problems, path.parent, MAX_FILE_BYTES, where)


FAILED = object()  # what load_yaml_file returns when the problem is already reported


def load_yaml_file(path: Path, problems: Problems, where: str = "the document folder"):
    """A YAML file's data (None when empty), or FAILED with the problem added to `problems`."""
    text = read_text(path, problems, where)
    if text is None:
        return FAILED
    try:
        return yamlload.load(text, str(path))
    except ContentError as exc:
        problems.append(exc)
        return FAILED


def read(folder: Path, problems: Problems) -> RawDocument | None:
    path = folder / "document.md"
    text = files.read_text(path, problems, folder, MAX_DOCUMENT_BYTES)
    if text is None:
        return None
    if not text.strip():
        problems.add(path, "the file is empty; it needs a front matter (between '---' lines) and a body", 1)
        return None
    lines = text.split("\n")
    if not FENCE.match(lines[0]) or lines[0].startswith("..."):
        problems.add(path, "the file must start with a front matter: a line '---', YAML keys, then '---'", 1)
        return None
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if end is None:
        problems.add(path, "the front matter is not closed: add a line '---' after its last key", 1)
        return None
    try:
        front = yamlload.load("\n".join(lines[1:end]), str(path), line_offset=1)
    except ContentError as exc:
        problems.append(exc)
        return None
    if not isinstance(front, yamlload.Marked):
        kind = ("empty" if front is None else "a list" if isinstance(front, list)
                else f"a single value ({quote(front)})")
        problems.add(path, f"the front matter must be a mapping of keys (title: …), not {kind}", 2)
        return None
    body = "\n".join(lines[end + 1:])
    return RawDocument(folder, path, front, body, end + 2)


def _language(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


def check(raw: RawDocument, series: Series, problems: Problems, series_override: str | None = None) -> Document | None:
    """The front matter as a `Document`, or None with every problem added to `problems`."""
    front, path = raw.front, raw.path
    before = len(problems)

    def report(field, message, pos):
        problems.add(path, message, pos[0], pos[1], field)

    filled_in_later = placeholders(raw, problems)  # keys whose value the editor has yet to write
    # What must be set, in the order problems are listed: always, then the series', then year.
    required = {key: "required" for key in FRONT_MATTER.required}
    for key in series.required:
        required.setdefault(key, f"required by the series '{series.id}'")
    if front.get("date") is None:
        required.setdefault("year", "required when there is no date")
    FRONT_MATTER.check(front, report, (front.pos[0], None), extra=series.declares, required=required,
                       skip=filled_in_later)
    for i, edition in enumerate(front.get("editions") or ()):
        # Another edition in the document's own language is a slip (a copied front matter, say).
        if (isinstance(edition, dict) and isinstance(edition.get("lang"), str) and isinstance(front.get("lang", "en"), str)
                and _language(edition["lang"]) == _language(front.get("lang", "en"))):
            line, col = edition.value_pos["lang"]
            problems.add(path, f"{quote(edition['lang'])} is this document's own language; editions lists "
                         "the other language editions", line, col, f"editions[{i}].lang")
    if not raw.body.strip():
        problems.add(path, "the body is empty: write the text after the front matter", raw.body_line)
    if len(problems) > before:
        return None

    values = FRONT_MATTER.values(front)
    return Document(**{
        **values, "folder": raw.folder, "stem": raw.folder.name, "body": raw.body, "body_line": raw.body_line,
        "series": series_override or values["series"], "own_series": values["series"],
        "title": values["title"].strip(),
        "authors": tuple(Author(a["name"].strip(), a.get("affiliation"), a.get("bio")) for a in front["authors"]),
        "year": values["year"] if values["year"] is not None else int(values["date"][:4]),
        "extra": {k: front[k] for k in series.declares if k in front},
        "editions": tuple(Edition(e["lang"], e["url"]) for e in values["editions"]),
        "key_figures": tuple(KeyFigure(k["value"].strip(), k["label"].strip()) for k in values["key_figures"]),
    })
