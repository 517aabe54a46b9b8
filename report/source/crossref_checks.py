"""The checks of labels and references, made once the body is parsed: every label defined
once and in its place, every reference landing on a label, and every number named in plain
text ("Table 1", "Figur 2") belonging to a numbered item. They read the parsed body through
`markdown` (tables, captions), which registers `crossrefs`' rules: so they live apart from them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markdown_it.token import Token

from report import cache as kept, languages as i18n
from report.cache import memo
from report.errors import Problems, cut, quote
from report.source import markdown as markup
from report.source.crossrefs import (MAX_LISTED, MAX_RANKED, MAX_SCORED, NOTE_DEFINITION, WORD_KEYS, Registry,
                                     Target)


@dataclass(frozen=True)
class Source:
    """Where the text is: document.md, its body's first line, the body's lines."""

    path: object
    body_line: int
    lines: list[str]


def collect(tokens: list[Token], env: dict, doc, refs, numbered_sections: bool, source: Source,
            front, problems: Problems, warnings: Problems, uncaptioned: str = "warn") -> Registry:
    """The document's labels (every one defined once), and a problem for each reference to a
    label that does not exist, each label defined twice, each label in the wrong place, and each
    "Table 1" written in plain text for which no table is numbered."""
    lang = doc.lang if doc is not None else env.get("lang", "en")
    registry = Registry(i18n.language(lang) if i18n.supported(lang) else "en")
    path = source.path
    defined: dict[str, list[tuple[int | None, int | None]]] = {}

    def define(target: Target) -> None:
        defined.setdefault(target.label, []).append((target.line, target.column))
        registry.targets.setdefault(target.label, target)

    notes_at = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    body = tokens[:notes_at]

    # Labels in the wrong place: a label is kept only where it names something.
    placed: set[int] = set()
    # figures, in order of first reference (pictures share the numbering), as pipeline.figures
    numbers: dict[str, int] = {}
    for ref in refs:
        if ref.target in numbers:
            continue
        numbers[ref.target] = len(numbers) + 1
        n = str(numbers[ref.target])
        names = []
        if ref.chart_id:
            names.append((f"fig-{ref.chart_id}", True, None))
        if ref.label:
            names.append((ref.label, False, _column(source, ref.line, "{#" + ref.label + "}")))
        for label, automatic, column in names:
            if not label.startswith("fig-"):
                continue  # reported below, as a label in the wrong place
            define(Target(label, "figure", n, label, ref.line, column, automatic=automatic))
            registry.figures.setdefault(ref.target, []).append(label)

    # tables: the captions, numbered; sections: the headings
    table_number = 0
    section = [0, 0]
    for part in markup.table_parts(body, lang):
        if isinstance(part, markup.TablePart):
            line = source.body_line + part.tokens[0].map[0] if part.tokens[0].map else None
            if part.caption is None:
                message = ("a table without a caption is not numbered; write a line 'Table: caption' "
                           "just before or after it (or say why it has none)")
                (problems if uncaptioned == "error" else warnings).add(
                    path, message if uncaptioned == "error" else "warning: " + message, line, 1)
                continue
            table_number += 1
            caption_line = source.body_line + part.caption.map[0] if part.caption.map else line
            label = (part.caption.meta or {}).get("label")
            placed.add(id(part.caption))
            if not _without_marker(part.caption.content, part.marker):
                problems.add(path, f"the table's caption is empty: write what the table shows after "
                             f"{quote(part.marker)}", caption_line, 1)
            for lined in part.lines:
                _check_line(lined, path, source, problems)
            if label and label.startswith("tbl-"):
                define(Target(label, "table", str(table_number), label, caption_line,
                              _column(source, caption_line, "{#" + label + "}")))
            elif label:
                problems.add(path, f"{quote('{#' + label + '}')} on a table's caption: a table's label starts "
                             f"'tbl-' (write {{#tbl-{label.split('-', 1)[1]}}})", caption_line,
                             _column(source, caption_line, "{#" + label + "}"))
    for i, token in enumerate(body):
        if token.type == "heading_open" and i + 1 < len(body):
            inline = body[i + 1]
            level = int(token.tag[1])
            number = None
            if numbered_sections and level == 2:
                section = [section[0] + 1, 0]
                number = str(section[0])
            elif numbered_sections and level == 3:
                section[1] += 1
                number = f"{section[0]}.{section[1]}"
            label = (inline.meta or {}).get("label")
            placed.add(id(inline))
            if label:
                line = source.body_line + token.map[0] if token.map else None
                if label.startswith("sec-"):
                    define(Target(label, "section", number, label, line,
                                  _column(source, line, "{#" + label + "}"), title=_bare(inline)))
                else:
                    problems.add(path, f"{quote('{#' + label + '}')} on a heading: a heading's label "
                                 f"starts 'sec-' (write {{#sec-{label.split('-', 1)[1]}}})", line,
                                 _column(source, line, "{#" + label + "}"))
    figure_inlines = _figure_inlines(tokens)
    for i, token in enumerate(tokens):
        if token.type != "inline" or not (token.meta or {}).get("label") or id(token) in placed:
            continue
        label = token.meta["label"]
        line = source.body_line + token.map[0] if token.map else None
        column = _column(source, line, "{#" + label + "}")
        if id(token) in figure_inlines:
            if not label.startswith("fig-"):
                problems.add(path, f"{quote('{#' + label + '}')} after a figure: a figure's label starts "
                             f"'fig-' (write {{#fig-{label.split('-', 1)[1]}}})", line, column)
            continue
        problems.add(path, f"{quote('{#' + label + '}')} labels nothing here: a label goes at the end of "
                     "a heading ({#sec-…}), of a table's caption line (Table: … {#tbl-…}) or just after "
                     "a picture (![caption](file.png){#fig-…})", line, column)

    # recommendations and notes
    recommendations = front.get("recommendations") if front is not None else None
    if isinstance(recommendations, list):
        for i, _ in enumerate(recommendations):
            pos = recommendations.item_pos[i] if hasattr(recommendations, "item_pos") else (None, None)
            define(Target(f"rec-{i + 1}", "recommendation", str(i + 1), f"rec-{i + 1}", pos[0], pos[1],
                          automatic=True))
    note_lines = {}  # where each note-… footnote is written: one pass over the lines
    for k, text in enumerate(source.lines):
        match = NOTE_DEFINITION.match(text)
        if match:
            note_lines.setdefault(match.group(1), source.body_line + k)
    for key, index in (env.get("footnotes", {}).get("refs") or {}).items():
        name = key[1:]
        if name.startswith("note-") and index >= 0:
            define(Target(name, "note", str(index + 1), f"fn{index + 1}", note_lines.get(name), 1))

    for label, places in defined.items():
        if len(places) > 1:
            lines = [p[0] for p in places]
            for where in places:
                others = ", ".join(str(n) for n in lines if n != where[0]) or str(where[0])
                problems.add(path, f"the label {quote(label)} is defined twice (also on line "
                             f"{others}); each label names one thing", where[0], where[1])

    # references: in the body, then in the front matter's Markdown
    found = list(_references(tokens, source))
    for field_name, text, line in _front_texts(front):
        parsed = markup.parser(lang).parse(text, {"lang": lang})
        for token in _walk(parsed):
            if token.type == "crossref":
                found.append((token, line, None, field_name))
    said: dict[str, str] = {}  # an unknown label's message, ranked for the first few only (bounded work)
    known = sorted(registry.targets)
    for token, line, column, field_name in found:
        for label, _ in token.meta["items"]:
            registry.referred.add(label)
            if label not in registry.targets:
                if label not in said:
                    said[label] = _unknown(label, known, ranked=len(said) < MAX_RANKED)
                problems.add(path, said[label], line, column, field_name)

    registry.counts = {"fig": len(numbers), "tbl": table_number,
                       "rec": len(recommendations) if isinstance(recommendations, list) else 0}
    registry.settle()
    _numbers_in_text(tokens, front, registry, source, problems, warnings, lang)
    return registry


def _unknown(label: str, known: list[str], ranked: bool = True) -> str:
    """The message for a reference to no label: the labels there are (`known`, sorted), the
    nearest first for the first few unknown labels (in a document with thousands, in order)."""
    if not known:
        return (f"@{cut(label, 60)}: no such label; this document has no labels (a chart is fig-<its id>, "
                "a table's caption ends {#tbl-…}, a heading {#sec-…})")
    hint = ""
    if ranked and len(known) <= MAX_SCORED:  # every label by likeness
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(label)  # analysed once, compared with each label
        score = {}
        for k in known:
            matcher.set_seq1(k)
            score[k] = matcher.ratio()
        known = sorted(known, key=lambda k: (-score[k], k))
        hint = f" did you mean @{known[0]}?" if score[known[0]] >= 0.6 else ""
    elif ranked:  # thousands: the close ones (difflib's quick bounds skip most), then the rest in order
        close = difflib.get_close_matches(label, known, n=MAX_LISTED, cutoff=0.4)
        hint = f" did you mean @{close[0]}?" if difflib.get_close_matches(label, close, n=1, cutoff=0.6) else ""
        nearest = set(close)
        known = close + [k for k in known if k not in nearest]
    ranked = known
    listed = ", ".join(ranked[:MAX_LISTED]) + (f" and {len(ranked) - MAX_LISTED} more" if len(ranked) > MAX_LISTED else "")
    return f"@{cut(label, 60)}: no such label;{hint} this document's labels: {listed}"


def _check_line(inline: Token, path, source: Source, problems: Problems) -> None:
    """A table's source or note line, held to a figure's rules: it says something, briefly."""
    from report.source.schemas import MAX_CHART_TEXT
    line = source.body_line + inline.map[0] if inline.map else None
    text = inline.content
    word = text.split(":", 1)[0].strip()
    if not text.split(":", 1)[-1].strip():
        problems.add(path, f"the table's {quote(word + ':')} line is empty: name the source after it", line, 1)
    elif len(text) > MAX_CHART_TEXT:
        problems.add(path, f"the table's {quote(word + ':')} line is {len(text):,} characters long; at most "
                     f"{MAX_CHART_TEXT:,} are allowed, as for a chart's source", line, 1)


def _without_marker(text: str, marker: str | None) -> str:
    return text[len(marker or ""):].strip()


def _bare(inline: Token) -> str:
    """A heading's words; a reference in it prints as written (a title never expands another
    title, so references between headings cannot loop)."""
    out = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "crossref":
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
    return "".join(out).strip()


def _figure_inlines(tokens: list[Token]) -> set[int]:
    found = set()
    for i, token in enumerate(tokens):
        if token.type == "inline" and i > 0 and tokens[i - 1].type == "paragraph_open":
            kids = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())
                    and c.type != "softbreak"]
            if len(kids) == 1 and kids[0].type == "image":
                found.add(id(token))
    return found


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _column(source: Source, line: int | None, text: str) -> int | None:
    if line is None:
        return None
    index = line - source.body_line
    for k in range(index, min(index + 50, len(source.lines))):
        at = source.lines[k].find(text) if k >= 0 else -1
        if at >= 0:
            return at + 1 if k == index else None
    return None


def _references(tokens: list[Token], source: Source):
    """(token, line, column, None) of each reference in the body, located in its source lines."""
    for token in tokens:
        if token.type != "inline" or not token.children or not token.map:
            continue
        first, last = token.map
        k, at = first, 0
        for child in _walk(token.children):
            if child.type != "crossref":
                continue
            line, column = source.body_line + first, None
            for j in range(k, min(last, len(source.lines))):
                found = source.lines[j].find(child.content, at if j == k else 0)
                if found >= 0:
                    k, at = j, found + len(child.content)
                    line, column = source.body_line + j, found + 1
                    break
            yield child, line, column, None


def _front_texts(front):
    """(field, Markdown text, line) of the front matter's Markdown values."""
    if front is None:
        return
    summary = front.get("summary")
    if isinstance(summary, str):
        yield "summary", summary, front.value_pos.get("summary", (None,))[0]
    recommendations = front.get("recommendations")
    if isinstance(recommendations, list):
        for i, item in enumerate(recommendations):
            if isinstance(item, str):
                yield f"recommendations[{i}]", item, recommendations.item_pos[i][0]
    authors = front.get("authors")
    if isinstance(authors, list):
        for i, author in enumerate(authors):
            if isinstance(author, dict) and isinstance(author.get("bio"), str) and hasattr(author, "value_pos"):
                yield f"authors[{i}].bio", author["bio"], author.value_pos["bio"][0]


# -- "Table 1" in plain text ---------------------------------------------------------------------

@memo(maxsize=1)
def _words() -> dict[str, str]:
    """Each catalogue's word before a number → kind: 'Tabell' → 'tbl'. Kept in the cache folder
    by the package's code (its catalogues with it): reading every language's catalogue took
    longer than the rest of the checks of a short document."""
    stored = kept.folder() / "crossref-words" / f"{kept.fingerprint('crossref-words')[:24]}.json"
    found = kept.read_json(stored)
    kinds = set(WORD_KEYS.values())
    if isinstance(found, dict) and found and all(isinstance(w, str) and k in kinds for w, k in found.items()):
        return found
    found = {}
    for lang in i18n.SUPPORTED:
        labels = i18n.Labels(lang)
        for key, prefix in WORD_KEYS.items():
            word = labels.prefix(key)
            if word:
                found.setdefault(word.lower(), prefix)
    kept.write_json(stored, found)
    return found


@memo(maxsize=1)
def _named() -> re.Pattern:
    """"Table 1", "tabell 1", "Таблиця 1": a catalogue's word, spaces, a whole number."""
    words = sorted(_words(), key=len, reverse=True)
    return re.compile(rf"(?<!\w)({'|'.join(map(re.escape, words))})[\s\u00a0]+(\d+)(?![\w.,]\d)", re.IGNORECASE)


def _numbers_in_text(tokens, front, registry: Registry, source: Source, problems: Problems,
                     warnings: Problems, lang: str) -> None:
    """"Table 1" as plain text: an error when no table 1 is numbered, else a hint to link it."""
    words = _words()
    by_number: dict[tuple[str, str], str] = {}
    for target in registry.targets.values():
        prefix = target.label.split("-", 1)[0]
        if target.number is not None and (prefix, target.number) not in by_number:
            by_number[(prefix, target.number)] = target.label
    counts = registry.counts

    def judge(text: str, line, column_of, field_name) -> None:
        for match in _named().finditer(text):
            prefix, number = words[match.group(1).lower()], match.group(2)
            kind = {"fig": "figure", "tbl": "table", "rec": "recommendation"}[prefix]
            written = match.group(0)
            column = column_of(written)
            label = by_number.get((prefix, number))
            if not 1 <= (int(number) if len(number) < 10 else 0) <= counts.get(prefix, 0):
                have = counts.get(prefix, 0)
                has = f"the document numbers {have} {kind}{'s' if have != 1 else ''}" if have else \
                    f"the document numbers no {kind}"
                how = {"fig": "a chart or a picture", "tbl": "a table (Table: caption)",
                       "rec": "a recommendation (the front matter's recommendations)"}[prefix]
                problems.add(source.path, f"{quote(written)} names {kind} {number}, but {has}; "
                             f"number {how}, then refer to it as @{prefix}-…", line, column, field_name)
            elif label is not None:
                warnings.add(source.path, f"notice: {quote(written)} could be a link: write @{label}",
                             line, column, field_name)
            else:
                where = {"fig": "after the picture", "tbl": "at the end of its caption line"}[prefix]
                warnings.add(source.path, f"notice: {quote(written)} could be a link: label {kind} "
                             f"{number} ({{#{prefix}-…}} {where}) and write @{prefix}-…", line, column, field_name)

    for token in tokens:
        if token.type != "inline" or not token.children or not token.map:
            continue
        first, last = token.map
        searched: dict[int, int] = {}  # line → where the next search starts: a phrase twice on one line
        for child in _walk(token.children):
            if child.type != "text":
                continue
            for match in _named().finditer(child.content):
                found = _find_line(source, first, last, match.group(0), searched)
                judge(match.group(0), found[0], lambda _w, c=found[1]: c, None)
    for field_name, text, line in _front_texts(front):
        judge(text, line, lambda _w: None, field_name)


def _find_line(source: Source, first: int, last: int, text: str,
               searched: dict[int, int]) -> tuple[int | None, int | None]:
    for j in range(first, min(last, len(source.lines))):
        at = source.lines[j].find(text, searched.get(j, 0))
        if at >= 0:
            searched[j] = at + len(text)
            return source.body_line + j, at + 1
    return source.body_line + first, None
