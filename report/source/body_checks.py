"""Checks of Markdown text before anything is laid out: bounded work, nothing dropped, safe links.

Layout time grows faster than the text in a few places, so a small file could hold the
builder for minutes: a word thousands of characters long (every break point is tried), one
enormous line, thousands of footnotes. Each has a limit, reported at its line. Deep nesting
is printed whole up to a limit and refused beyond it, never cut silently (markdown-it stops
parsing at its `maxNesting`, which is set well above our limit so that it is never reached
unnoticed).

Links are vetted by `links.problem`, at their line.
"""

from __future__ import annotations

import re

from report.errors import Problems, cut, quote
from report.source import links, markdown
from report.source.files import CONTROL

MAX_LINE = 20_000  # characters in one line of Markdown (a long paragraph is ~3,000)
MAX_WORD = 2_000  # characters without a space (a long URL is ~300): line breaking tries each
MAX_FOOTNOTES = 1_000  # 1,000 notes lay out in about 9 s
MAX_FIGURES = 300  # charts and pictures shown in one document (a 100-page report has ~60)
MAX_NESTING = 20  # lists and quotations inside each other
MAX_TABLE_COLUMNS = 100  # a table's layout time grows with its columns; a page holds ~12
PARSER_NESTING = 100  # markdown-it's own limit: above ours, so never reached unreported
CONTAINERS = ("blockquote_open", "bullet_list_open", "ordered_list_open")


def lines(text: str, path, first_line: int, problems: Problems) -> None:
    """Line and word lengths of Markdown source, `first_line` being the line of its first line."""
    for number, line in enumerate(text.split("\n"), start=first_line):
        if len(line) > MAX_LINE:
            problems.add(path, f"the line is {len(line):,} characters long; at most {MAX_LINE:,} are allowed "
                         "(break it into paragraphs)", number)
            continue
        if len(line) > MAX_WORD:
            longest = max(line.split(), key=len, default="")
            if len(longest) > MAX_WORD:
                problems.add(path, f"a word of {len(longest):,} characters ({quote(longest)}); at most "
                             f"{MAX_WORD:,} characters without a space are allowed", number)


def tokens(tokens: list, path, first_line: int, problems: Problems) -> None:
    """Nesting, footnotes and links of a parsed body."""
    depth, footnotes, cells = 0, 0, 0
    reported_depth = table_reported = False
    line = first_line
    for token in tokens:
        if token.map:
            line = first_line + token.map[0]
        if token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "table_open":
            table_reported = False
        elif token.type == "tr_close" and cells > MAX_TABLE_COLUMNS and not table_reported:
            problems.add(path, f"a table of {cells:,} columns; at most {MAX_TABLE_COLUMNS} are allowed", line)
            table_reported = True
        if token.type in CONTAINERS:
            depth += 1
            if depth > MAX_NESTING and not reported_depth:
                problems.add(path, f"lists and quotations are nested more than {MAX_NESTING} deep here; "
                             "write it with fewer levels", line)
                reported_depth = True
        elif token.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
            depth -= 1
        if token.level >= PARSER_NESTING - 1 and not reported_depth:  # markdown-it stopped here
            problems.add(path, f"nested more than {MAX_NESTING} deep here; write it with fewer levels", line)
            reported_depth = True
        for child in token.children or ():
            if child.type == "footnote_ref":  # each reference, repeated ones too: each is a link back
                footnotes += 1
                if footnotes == MAX_FOOTNOTES + 1:
                    problems.add(path, f"more than {MAX_FOOTNOTES:,} footnote references; at most "
                                 f"{MAX_FOOTNOTES:,} are allowed", line)
            if child.type == "link_open":
                problem = links.problem(child.attrGet("href") or "")
                if problem:
                    problems.add(path, problem, line)


def field(text: str, path, line: int | None, name: str, problems: Problems) -> None:
    """Links and limits in a Markdown value of a front matter or a manifest (summary, bio …)."""
    found = Problems()
    parsed = markdown.MD.parse(text, {})
    tokens(parsed, path, line or 1, found)
    character_references(parsed, text, path, line or 1, found)
    for problem in found:
        problems.add(problem.path, problem.message, line, None, name)


CHECKED_KEYS = {"series", "number", "year", "date", "lang", "url"}  # their own checks say more
LIST_KEYS = {"recommendations", "keywords", "authors"}
MAX_VALUE = 20_000  # a longer front-matter string is reported as too long already


def _long_word(value, path, line, name, problems: Problems) -> None:
    if isinstance(value, str) and MAX_WORD < len(value) <= MAX_VALUE:
        longest = max(value.split(), key=len, default="")
        if len(longest) > MAX_WORD:
            problems.add(path, f"a word of {len(longest):,} characters ({quote(longest)}); at most "
                         f"{MAX_WORD:,} characters without a space are allowed", line, None, name)


def front_matter(front, path, problems: Problems) -> None:
    """The values of a front matter: no over-long word in any string; links in the Markdown
    ones (summary, recommendations, authors' bios)."""
    for key, value in front.items():
        if key in CHECKED_KEYS:
            continue
        line = front.value_pos.get(key, (None,))[0]
        _long_word(value, path, line, str(key), problems)
        if isinstance(value, list) and key in LIST_KEYS:
            for i, item in enumerate(value):
                item_line = value.item_pos[i][0] if hasattr(value, "item_pos") else line
                _long_word(item, path, item_line, f"{key}[{i}]", problems)
                if isinstance(item, dict) and hasattr(item, "value_pos"):
                    for sub, text in item.items():
                        _long_word(text, path, item.value_pos[sub][0], f"{key}[{i}].{sub}", problems)
    summary = front.get("summary")
    if isinstance(summary, str):
        field(summary, path, front.value_pos.get("summary", (None,))[0], "summary", problems)
    recommendations = front.get("recommendations")
    if isinstance(recommendations, list):
        for i, item in enumerate(recommendations):
            if isinstance(item, str):
                field(item, path, recommendations.item_pos[i][0], f"recommendations[{i}]", problems)
    authors = front.get("authors")
    if isinstance(authors, list):
        for i, author in enumerate(authors):
            if isinstance(author, dict) and isinstance(author.get("bio"), str):
                field(author["bio"], path, author.value_pos["bio"][0], f"authors[{i}].bio", problems)


def figures(refs, path, problems: Problems) -> None:
    shown = list(dict.fromkeys(r.target for r in refs))
    if len(shown) > MAX_FIGURES:
        line = next(r.line for r in refs if r.target == shown[MAX_FIGURES])
        problems.add(path, f"more than {MAX_FIGURES} charts and pictures; at most {MAX_FIGURES} are allowed", line)


def unreferenced_notes(env: dict, text: str, path, first_line: int, problems: Problems) -> None:
    """A footnote defined but never referenced would be left out of the outputs: say so."""
    for label, index in (env.get("footnotes", {}).get("refs") or {}).items():
        if index >= 0:
            continue
        name = label[1:]  # markdown-it keys them ':label'
        found = re.search(rf"^ {{0,3}}\[\^{re.escape(name)}\]:", text, re.M)
        line = first_line + text.count("\n", 0, found.start()) if found else None
        problems.add(path, f"the footnote [^{cut(name, 40)}] is never referenced in the text, so it would not be "
                     f"printed; refer to it with [^{cut(name, 40)}] or remove it", line)


NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def notes_without_text(tokens: list, text: str, path, first_line: int, problems: Problems) -> None:
    """A reference `[^6]` with no `[^6]: …` line is left as text by the parser and would print as
    "[^6]": say so at its line and column. An escaped `\\[^6]` is meant as text."""
    lines = text.split("\n")
    for token in tokens:
        if token.type != "inline" or not token.map or "[^" not in token.content:
            continue
        labels = [m.group(1) for child in token.children or () if child.type == "text"
                  for m in NOTE_CALL.finditer(child.content)]
        for label in dict.fromkeys(labels):
            line, column = _source_place(lines, token.map, f"[^{label}]")
            if line is None:  # written escaped in the source: meant as text
                continue
            name = cut(label, 40)
            problems.add(path, f"the footnote [^{name}] has no text, so it would print as \"[^{name}]\": add a "
                         f"line \"[^{name}]: …\" with the note", first_line + line, column)


def _source_place(lines: list[str], span, call: str) -> tuple[int | None, int | None]:
    """(line index, 1-based column) of the first unescaped `call` in the lines of `span`."""
    for index in range(span[0], min(span[1], len(lines))):
        start = lines[index].find(call)
        while start >= 0:
            if not lines[index][:start].endswith("\\"):
                return index, start + 1
            start = lines[index].find(call, start + 1)
    return None, None


CODE_SPAN = re.compile(r"(`+).+?\1")
CHARACTER_REFERENCE = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")


def reference_problem(reference: str) -> str | None:
    """Why a numeric character reference (`&#0;`, `&#xD800;`) cannot be printed, or None.

    The parser turns most of them into U+FFFD, which no font draws: refused at its place, as a
    control character typed into the text is."""
    found = CHARACTER_REFERENCE.fullmatch(reference)
    code = int(found.group(1), 10) if found.group(1) else int(found.group(2), 16)
    if code > 0x10FFFF:
        what = "beyond the last Unicode character (U+10FFFF)"
    elif 0xD800 <= code <= 0xDFFF:
        what = f"U+{code:04X}, half of a surrogate pair, not a character"
    elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        what = f"U+{code:04X}, a noncharacter"
    elif chr(code) in CONTROL:
        what = f"U+{code:04X}, a control character"
    else:
        return None
    return f"{reference} refers to {what}, which is not allowed in text; remove it"


def character_references(tokens: list, text: str, path, first_line: int, problems: Problems) -> None:
    """Numeric character references to what cannot be printed, at their line and column
    (outside code, where `&#0;` is text and prints as written)."""
    lines = text.split("\n")
    for token in tokens:
        if token.type != "inline" or not token.map or "&#" not in token.content:
            continue
        for index in range(token.map[0], min(token.map[1], len(lines))):
            line = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), lines[index])  # same columns, no code
            for found in CHARACTER_REFERENCE.finditer(line):
                problem = reference_problem(found.group(0))
                if problem and not line[:found.start()].endswith("\\"):
                    problems.add(path, problem, first_line + index, found.start() + 1)
