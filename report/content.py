"""Load a document folder: split `document.md` into front matter and body, check the front matter.

Two steps, because the rules depend on the series: `read()` parses the file (its series id is
known afterwards), `check()` turns the front matter into a `Document` under that series' rules
(which keys it requires, which extra keys it declares).
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import contentfile, yamlload
from .errors import ContentError, Problems, quote
from .model import Author, Document, Series

FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")
MAX_TEXT = 20_000  # characters in one front-matter string (a summary is ~1,000)
MAX_FILE_BYTES = 5_000_000  # charts.yaml, a reader or series file
MAX_DOCUMENT_BYTES = 1_000_000  # document.md: some 300 pages (the Guest Commentary is 16 KB, 6 pages)


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
        return self.front.get("series")


def read_text(path: Path, problems: Problems, where: str = "the document folder") -> str | None:
    """A UTF-8 text file inside its folder, checked and capped (see `contentfile`), or None."""
    return contentfile.read_text(path, problems, path.parent, MAX_FILE_BYTES, where)


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
    text = contentfile.read_text(path, problems, folder, MAX_DOCUMENT_BYTES)
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


# key: (expected type check, description, converter). Types are checked before meaning.
def _is_str(v): return isinstance(v, str)
def _is_int(v): return isinstance(v, int) and not isinstance(v, bool)
def _is_str_list(v): return isinstance(v, list) and all(isinstance(i, str) for i in v)


FIELDS: dict[str, tuple] = {
    "series": (_is_str, "a string (a series id)"),
    "number": (_is_int, "a whole number"),
    "year": (_is_int, "a whole number (e.g. 2024)"),
    "date": (_is_str, "a date written YYYY-MM-DD or YYYY-MM"),
    "title": (_is_str, "a string"),
    "subtitle": (_is_str, "a string"),
    "authors": (lambda v: isinstance(v, list), "a list of authors, each with a name"),
    "lang": (_is_str, "a language tag such as en or en-GB"),
    "summary": (_is_str, "Markdown text"),
    "recommendations": (_is_str_list, "a list of Markdown strings"),
    "keywords": (_is_str_list, "a list of strings"),
    "url": (_is_str, "an absolute https:// address"),
}
AUTHOR_FIELDS = {"name", "affiliation", "bio"}
ALWAYS_REQUIRED = ("series", "title", "authors")


def _blank(value) -> bool:
    return value is None or (isinstance(value, (str, list)) and not (value.strip() if isinstance(value, str) else value))


def nearest(key: str, choices) -> str:
    key = str(key)
    close = difflib.get_close_matches(key, sorted(choices), n=1, cutoff=0.6) if len(key) <= 100 else []
    return f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(choices))}"


def check(raw: RawDocument, series: Series, problems: Problems, series_override: str | None = None) -> Document | None:
    """The front matter as a `Document`, or None with every problem added to `problems`."""
    front, path = raw.front, raw.path
    before = len(problems)

    def at(key):
        return front.key_pos.get(key, front.pos)

    def vat(key):
        return front.value_pos.get(key, front.pos)

    def add(key, message, pos=None):
        line, col = pos or at(key)
        problems.add(path, message, line, col, key)

    known = set(FIELDS) | set(series.declares)
    for key in front:
        if not isinstance(key, str) or key not in known:
            add(str(key), f"unknown key{nearest(key, known)}")
    required = dict.fromkeys(ALWAYS_REQUIRED + series.required)
    if "date" not in front:
        required["year"] = None
    for key in required:
        if key in front and not _blank(front[key]):
            continue
        if key == "authors" and isinstance(front.get(key), list):
            continue  # an empty list: _authors says "needs at least one author"
        why = "" if key in ALWAYS_REQUIRED else f" by the series '{series.id}'"
        if key == "year" and key not in series.required:
            why = " when there is no date"
        line, _ = front.pos if key not in front else at(key)
        problems.add(path, f"required{why}", line, None, key)

    for key, (ok, expected) in FIELDS.items():
        value = front.get(key)
        if value is None:
            continue
        if not ok(value):
            add(key, f"must be {expected}, not {quote(value)}", vat(key))
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            add(key, f"is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed", vat(key))

    date = front.get("date")
    if isinstance(date, str) and not _valid_date(date):
        add("date", f"{quote(date)} is not a date; write YYYY-MM-DD or YYYY-MM", vat("date"))
    year = front.get("year")
    if _is_int(year) and not 1900 <= year <= 2200:
        add("year", f"{year} is not a plausible year", vat("year"))
    number = front.get("number")
    if _is_int(number) and number < 1:
        add("number", "must be 1 or more", vat("number"))
    lang = front.get("lang")
    if isinstance(lang, str) and not LANG_TAG.match(lang):
        add("lang", f"{quote(lang)} is not a language tag such as en, en-GB or uk", vat("lang"))
    url = front.get("url")
    if isinstance(url, str) and not _valid_url(url):
        add("url", f"{quote(url)} is not an absolute https:// address", vat("url"))
    authors = _authors(front.get("authors"), path, problems)
    if not raw.body.strip():
        problems.add(path, "the body is empty: write the text after the front matter", raw.body_line)
    if len(problems) > before:
        return None

    declared = {k: front[k] for k in series.declares if k in front}
    return Document(
        folder=raw.folder, stem=raw.folder.name, series=series_override or front["series"],
        title=front["title"].strip(), authors=authors, body=raw.body, body_line=raw.body_line,
        number=number, year=year if year is not None else int(date[:4]), date=date,
        subtitle=front.get("subtitle"), lang=lang or "en", summary=front.get("summary"),
        recommendations=tuple(front.get("recommendations") or ()),
        keywords=tuple(front.get("keywords") or ()), url=url, extra=declared,
    )


def _authors(value, path, problems) -> tuple[Author, ...]:
    if not isinstance(value, list):
        return ()
    if not value:
        line, col = value.pos
        problems.add(path, "needs at least one author", line, col, "authors")
    result = []
    for i, item in enumerate(value):
        field = f"authors[{i}]"
        line, col = value.item_pos[i]
        if isinstance(item, str):
            problems.add(path, f"must be a mapping such as {{name: {quote(item)}}}, not a plain string", line, col, field)
            continue
        if not isinstance(item, yamlload.Marked):
            problems.add(path, "must be a mapping with a name", line, col, field)
            continue
        for key in item:
            if key not in AUTHOR_FIELDS:
                kl, kc = item.key_pos[key]
                problems.add(path, f"unknown key{nearest(key, AUTHOR_FIELDS)}", kl, kc, f"{field}.{key}")
        for key in sorted(AUTHOR_FIELDS):
            v = item.get(key)
            if v is not None and not isinstance(v, str):
                vl, vc = item.value_pos[key]
                problems.add(path, f"must be a string, not {quote(v)}", vl, vc, f"{field}.{key}")
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            if item.get("name") is None or isinstance(item["name"], str):  # other types: above
                problems.add(path, "required", line, col, f"{field}.name")
            continue
        result.append(Author(item["name"].strip(), item.get("affiliation"), item.get("bio")))
    return tuple(result)


def _valid_date(text: str) -> bool:
    if not DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        return False
    return True


def _valid_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return (parts.scheme == "https" and bool(parts.hostname) and "." in parts.hostname
            and not any(c.isspace() or not c.isprintable() for c in text))
