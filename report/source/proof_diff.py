"""What a Word file brought back changes in a document folder, paragraph by paragraph.

Used by `--import FILE.docx --into FOLDER` when the folder exists (a Word proof the author has
edited, `--format docx`): the text is compared as it prints, not as it is written. A
cross-reference counts as its words ("Figure 1"), a citation as its formatted text, a figure as
its caption, line breaks and the Markdown's markup not at all, since Word gives back the words
and not how the Markdown spelt them. Each change is placed at its line of the folder's
document.md: `document.md:14: changed: "…old…" → "…new…"`, `added`, `removed`; the front
matter's by key (`document.md:7: title: changed: …`). Keys the Word file cannot hold (series,
number, affiliations …) are not compared: the import leaves them to the folder.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import unescape

from markdown_it.token import Token

from report import languages
from report.errors import ContentError
from report.source import crossrefs, markdown
from report.source.document import is_placeholder

TAG = re.compile(r"<[^>]*>")
CONTEXT_WORDS = 3  # words kept either side of a change in the report
LONGEST = 160  # characters of one side of a change in the report


@dataclass(frozen=True)
class Block:
    line: int  # in document.md
    text: str  # the words as they print, spaces collapsed


def _words(text: str) -> str:
    return " ".join(text.split())


def printed(inline: Token, refs) -> str:
    """An inline token's words as they print."""
    out: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "crossref":
            out.append(crossrefs.plain(child, refs))
        elif child.type in ("citation", "citation_note"):  # formatted by citeproc when prepared;
            # a citation set as a note prints nothing in the text: its note holds the words
            out.append(unescape(TAG.sub("", child.meta["html"])) if "html" in child.meta else child.content)
    return _words("".join(out))


def _markers(lang: str) -> list[tuple[re.Pattern, str]]:
    """A table's caption, source and note lines may open with the English word or the language's
    ("Källa:"); they print the language's, and the importer writes "Table:": one word for each."""
    labels = languages.Labels(lang)
    kinds = {"Table:": ("Table", labels.prefix("table")), "Source:": ("Source", "Sources", labels.source),
             "Note:": ("Note", "Notes", labels.note)}
    return [(re.compile(rf"^(?:{'|'.join(re.escape(w.rstrip(':').strip()) for w in words)})\s*:\s"), kind)
            for kind, words in kinds.items()]


def _marked(text: str, markers) -> str:
    for pattern, kind in markers:
        if pattern.match(text):
            return pattern.sub(kind + " ", text, count=1)
    return text


def blocks(tokens: list[Token], first_line: int, refs=None, lang: str = "en") -> list[Block]:
    """Every paragraph, heading, list item's paragraph and note's paragraph, and each table row
    as one block, in the order they print (notes last, as Word keeps them apart too)."""
    markers = _markers(lang)
    found: list[Block] = []
    row: list[str] | None = None
    row_line = first_line
    line = first_line
    for token in tokens:
        if token.map is not None:
            line = first_line + token.map[0]
        if token.type == "tr_open":
            row, row_line = [], line
        elif token.type == "tr_close" and row is not None:
            found.append(Block(row_line, " | ".join(row)))
            row = None
        elif token.type == "inline":
            text = printed(token, refs)
            if row is not None:
                row.append(text)
            elif text:
                found.append(Block(line, _marked(text, markers)))
    return found


def _excerpt(old: str, new: str) -> tuple[str, str]:
    """The two texts cut to the words that differ, with a few words either side."""
    a, b = old.split(), new.split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    lo = max(0, start - CONTEXT_WORDS)

    def cut(words: list[str]) -> str:
        hi = min(len(words), len(words) - end + CONTEXT_WORDS)
        text = ("…" if lo > 0 else "") + " ".join(words[lo:hi]) + ("…" if hi < len(words) else "")
        return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"
    return cut(a), cut(b)


def _short(text: str) -> str:
    return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"


def body_changes(path: str, old: list[Block], new: list[Block], end_line: int) -> list[ContentError]:
    """Paragraph by paragraph: changed, added (at the line it would go before), removed."""
    changes: list[ContentError] = []
    matcher = difflib.SequenceMatcher(None, [b.text for b in old], [b.text for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            was, now = _excerpt(old[i1 + k].text, new[j1 + k].text)
            changes.append(ContentError(path, f'changed: "{was}" → "{now}"', old[i1 + k].line))
        for k in range(i1 + paired, i2):
            changes.append(ContentError(path, f'removed: "{_short(old[k].text)}"', old[k].line))
        at = old[i2].line if i2 < len(old) else end_line
        for k in range(j1 + paired, j2):
            changes.append(ContentError(path, f'added: "{_short(new[k].text)}"', at))
    return changes


def _markdown_words(text: str | None, lang: str, refs=None) -> str:
    if not text:
        return ""
    tokens, _env = markdown.parse(text, lang)
    return " ".join(b.text for b in blocks(tokens, 1, refs, lang))


def front_changes(path: str, raw_front, doc, new: dict, refs=None) -> list[ContentError]:
    """The keys a Word file carries (title, subtitle, authors' names, summary, recommendations),
    compared as they print; a key the import left as a placeholder is not the author's change."""
    lang = doc.lang
    old_values = {
        "title": markdown.plain_text(doc.title, lang, refs),
        "subtitle": markdown.plain_text(doc.subtitle or "", lang, refs),
        "authors": [a.name for a in doc.authors], "summary": _markdown_words(doc.summary, lang, refs),
        "recommendations": [_markdown_words(r, lang, refs) for r in doc.recommendations]}
    new_values = {
        "title": markdown.plain_text(str(new.get("title") or ""), lang),
        "subtitle": markdown.plain_text(str(new.get("subtitle") or ""), lang),
        "authors": [str(a.get("name")) for a in new.get("authors") or [] if isinstance(a, dict)],
        "summary": _markdown_words(new.get("summary"), lang),
        "recommendations": [_markdown_words(str(r), lang) for r in new.get("recommendations") or []]}
    changes = []
    for key, now in new_values.items():
        given = new.get(key)
        if given is None or is_placeholder(given) or (isinstance(given, list) and any(
                is_placeholder(v.get("name") if isinstance(v, dict) else v) for v in given)):
            continue  # the Word file does not hold it
        was = old_values[key]
        if was == now:
            continue
        line = raw_front.key_pos.get(key, (raw_front.pos[0],))[0] if hasattr(raw_front, "key_pos") else None
        if isinstance(was, list):
            for i in range(max(len(was), len(now))):
                if i >= len(now):
                    changes.append(ContentError(path, f'removed: "{_short(was[i])}"', line, None, f"{key}[{i}]"))
                elif i >= len(was):
                    changes.append(ContentError(path, f'added: "{_short(now[i])}"', line, None, f"{key}[{i}]"))
                elif was[i] != now[i]:
                    a, b = _excerpt(was[i], now[i])
                    changes.append(ContentError(path, f'changed: "{a}" → "{b}"', line, None, f"{key}[{i}]"))
        else:
            if not was:
                changes.append(ContentError(path, f'added: "{_short(now)}"', line, None, key))
            elif not now:
                changes.append(ContentError(path, f'removed: "{_short(was)}"', line, None, key))
            else:
                a, b = _excerpt(was, now)
                changes.append(ContentError(path, f'changed: "{a}" → "{b}"', line, None, key))
    return changes
