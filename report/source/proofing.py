"""A proof for authors (`--proof`): which problems can be shown on the page, and the document
mended so that it builds with them in sight.

A problem that stops a build is shown in a proof when it sits at a place in `document.md`
that the page can point at, and the text can be mended without guessing what the author
meant: a placeholder (the text stays, highlighted), a missing author, title or
summary (a `[FILL IN: …]` text stands in), a note call without a note, a cross-reference or a
citation key that lands nowhere (printed as written), a chart or picture that is missing (a
bracketed line instead). Everything else (broken YAML, an unknown key, a chart's data, a
series that does not exist, a year nobody gave) still stops the build, as without `--proof`.
The mending happens on the values read from `document.md`; no file is changed. A placeholder
kept is written with a no-break space, `FILL\u00a0IN`: it looks the same on the page, and no
check takes it for one to stop at or to list a second time.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, replace

from report.errors import ContentError
from report.source import document as content, yamlload

KEPT = content.PLACEHOLDER.replace(" ", "\u00a0")
TEXT_KEYS = ("title", "subtitle", "summary")
LIST_KEYS = ("recommendations", "keywords")
# Keys a proof may go without: a placeholder there is left out (the mark lists it).
DROPPABLE = ("number", "date", "lang", "url", "editions", "keywords", "subtitle")
# What stands in for a required text key that is missing.
MISSING = {"title": "the title", "summary": "the summary", "authors": "the author's name",
           "recommendations": "the recommendations"}

PLACEHOLDER = re.compile(r"still a placeholder: (.*)$")
NOTE = re.compile(r"^the footnote (\[\^[^\]]+\]) has no text")
LABEL = re.compile(r"^(@\S+): no such label;")
CITATION = re.compile(r"^no entry '(.*?)'? in the library")
MISSING_CHART = re.compile(r"^unknown chart;")
MISSING_PICTURE = re.compile(r"^picture '(.+)' not found$")


@dataclass(frozen=True)
class Mark:
    """A problem shown in the proof: its words, where it is, and the text the page highlights
    (None: nothing on the page to point at, e.g. a number left out; it is listed only)."""

    problem: ContentError
    text: str | None


@dataclass(frozen=True)
class Mended:
    raw: content.RawDocument
    marks: tuple[Mark, ...]


def mend(raw: content.RawDocument, errors: list[ContentError]) -> Mended | None:
    """`raw` with every problem of `errors` mended, or None when one of them cannot be shown."""
    front = raw.front
    body = raw.body.split("\n")
    marks: list[Mark] = []
    edits: list[tuple[int, int, int, str]] = []  # (line index, start, end, new text) in the body
    for error in errors:
        if error.path != str(raw.path) or error.line is None:
            return None
        in_body = error.line >= raw.body_line
        mark = (_mend_body(error, body, error.line - raw.body_line, edits) if in_body
                else _mend_front(error, front))
        if mark is None:
            return None
        marks.append(mark)
    for index, start, end, text in sorted(edits, key=lambda e: (e[0], -e[1])):  # right to left in a line
        body[index] = body[index][:start] + text + body[index][end:]
    return Mended(replace(raw, body="\n".join(body)), tuple(marks))


def _mend_body(error: ContentError, body: list[str], index: int, edits: list) -> Mark | None:
    if not 0 <= index < len(body):
        return None
    line, at = body[index], (error.column or 1) - 1
    message = error.message
    if (found := PLACEHOLDER.match(message)) and line[at:].startswith(content.PLACEHOLDER):
        edits.append((index, at, at + len(content.PLACEHOLDER), KEPT))
        return Mark(error, found[1].removesuffix("…"))  # a long one is cut in its message: its start
    for pattern, field in ((NOTE, False), (LABEL, False), (CITATION, True)):
        found = pattern.match(message)
        if found and (error.field == "citation") == field:
            shown = found[1] if pattern is not CITATION else "@" + found[1]
            if error.column is None or not line[at:].startswith(shown):
                return None
            edits.append((index, at, at, "\\"))  # escaped: printed as written
            return Mark(error, shown)
    found = MISSING_PICTURE.match(message)
    if MISSING_CHART.match(message) or found:
        target = f"chart:{error.field[7:-1]}" if not found else found[1]
        image = re.search(r"!\[[^\]\n]*\]\(\s*" + re.escape(target) + r"[^)\n]*\)", line)
        if image is None:
            return None
        what = f"[missing {'picture' if found else 'chart'}: {target.removeprefix('chart:')}]"
        edits.append((index, image.start(), image.end(), what.replace("[", "\\[").replace("]", "\\]")))
        return Mark(error, what)
    return None


def _mend_front(error: ContentError, front: yamlload.Marked) -> Mark | None:
    field = error.field or ""
    top = re.split(r"[.\[]", field)[0]
    if top == "series" or not field:
        return None
    found = PLACEHOLDER.match(error.message)
    if error.message.startswith("required"):
        if top == "year":
            return _year(error, front)
        if top not in MISSING:
            return None
        text = f"{KEPT}: {MISSING[top]}"
        pos = (error.line, error.column or 1)
        _put(front, top, _marked_list([_marked({"name": text}, pos)], pos) if top == "authors"
             else _marked_list([text], pos) if top in LIST_KEYS else text, pos)
        return Mark(error, text)
    if found is None:
        return None
    text = found[1]
    if top == "year":
        return _year(error, front)
    if top in DROPPABLE and field == top and top not in TEXT_KEYS:
        del front[top]
        return Mark(error, None)
    container, key = _holder(front, field)
    if container is None or not isinstance(container[key], str):
        if top == "authors" and field == "authors":  # the whole list is a placeholder
            pos = (error.line, error.column or 1)
            _put(front, "authors", _marked_list([_marked({"name": _kept(text)}, pos)], pos), pos)
            return Mark(error, text)
        return None
    container[key] = _kept(container[key].strip())
    return Mark(error, text)


def _kept(text: str) -> str:
    return text.replace(content.PLACEHOLDER, KEPT, 1)


def _year(error: ContentError, front: yamlload.Marked) -> Mark | None:
    """A year the author has yet to give: not needed beside a date; SOURCE_DATE_EPOCH's year
    stands in for it otherwise, and with neither the proof cannot be dated: it stops."""
    front.pop("year", None)
    if front.get("date") is not None and not content.is_placeholder(front.get("date")):
        return Mark(error, None)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return None
    year = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).year
    _put(front, "year", year, (error.line, error.column or 1))
    return Mark(error, None)


def _holder(front, field: str):
    """The mapping or list that holds `field` (`authors[0].name`), and its key there."""
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", field)
    holder, key = front, None
    for i, part in enumerate(parts):
        key = int(part[1:-1]) if part.startswith("[") else part
        if i == len(parts) - 1:
            break
        try:
            holder = holder[key]
        except (KeyError, IndexError, TypeError):
            return None, None
    try:
        holder[key]
    except (KeyError, IndexError, TypeError):
        return None, None
    return holder, key


def _put(front: yamlload.Marked, key: str, value, pos: tuple[int, int]) -> None:
    """A value the mending writes, placed where the problem was found."""
    front[key] = value
    front.key_pos[key] = front.value_pos[key] = pos


def _marked(values: dict, pos: tuple[int, int]) -> yamlload.Marked:
    made = yamlload.Marked(values)
    made.pos, made.key_pos, made.value_pos = pos, dict.fromkeys(values, pos), dict.fromkeys(values, pos)
    return made


def _marked_list(items: list, pos: tuple[int, int]) -> yamlload.MarkedList:
    made = yamlload.MarkedList(items)
    made.pos, made.item_pos = pos, [pos] * len(items)
    return made
