"""The desk's line-breaking rules, applied to the rendered HTML before layout.

WeasyPrint breaks lines wherever Unicode allows; a layout desk does not. Here the rendered page
is walked once, text node by text node, and:

- running text (paragraphs, list items, table cells) gets soft hyphens where the language's
  patterns allow a break (`hyphenate.py`), except in capitalised words, URLs, code, and in the
  names, titles, headings, captions and labels where a desk never breaks a word;
- which elements of a template are titles, names or furniture, the template says itself with
  `data-typeset` (`TYPESET`; docs/guides/series.md): a series may name its classes as it likes;
- what must stay on one line is wrapped in `<span class="nobr">` (`white-space: nowrap`):
  "Figure 2", "Table 1", "No. 8", "$1.5 billion", the authors' names, the compounds of a title
  or heading ("All-Time"), the last two words of a title, heading or caption (never one word
  alone on its last line), and the last two words of a paragraph that ends in a short word
  (never "soil." alone on the last line);
- the last word of a paragraph is never hyphenated, nor broken at its own hyphen ("follow-/up.",
  "пере-/везень."): a runt that short reads as a fault;
- with the series' `small_caps_acronyms`, an acronym of two or more capitals in running text
  ("EU", "NATO", "ЄС") is wrapped in `<span class="acronym">`, which the stylesheet sets in small
  capitals (`font-variant-caps: all-small-caps`): the letters stay the capitals typed, so the
  PDF's text reads "EU". Not in headings, captions, tables, code or addresses, and not a Roman
  numeral ("World War II").

A span, not a no-break space: text copied or extracted from the PDF keeps its plain spaces.
The HTML we walk is our own (Markdown rendered with raw HTML off, templates with autoescape),
so a tag never holds a bare `>` and a text node never a bare `<`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from report import languages
from report.cache import memo
from report.render.hyphenate import SOFT_HYPHEN, Hyphenator

NOBR_OPEN, NOBR_CLOSE = '<span class="nobr">', "</span>"
ACRONYM_OPEN = '<span class="acronym">'

# Raw text (no markup inside), comments, and tags.
_TOKEN = re.compile(r"(<(style|script)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)", re.S | re.I)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)")
_CLASS = re.compile(r'\bclass\s*=\s*"([^"]*)"')
_TYPESET = re.compile(r'\bdata-typeset\s*=\s*"([^"]*)"')
_HREF = re.compile(r'\bhref\s*=\s*"([^"]*)"')
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# Text left as it is: the head (title, metadata), code, drawings.
INERT = {"head", "title", "code", "pre", "kbd", "samp", "svg", "math"}
# Where words may be hyphenated: running text.
HYPHENATE_IN = {"p", "li", "td", "dd", "blockquote"}
# Never inside these, whatever they sit in.
NO_HYPHENS_TAGS = {"head", "title", "code", "pre", "kbd", "samp", "svg", "math", "th", "nav", "header",
                   "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption"}
# Titles, headings and captions: no word alone on the last line, no break inside a compound.
HEADLINE_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption"}
# What a template declares with `data-typeset="…"` (on the element; it holds for all inside it):
# "headline": set as a title (no hyphens, no word alone on its last line, compounds whole);
# "unbroken": never hyphenated (furniture, bylines, contents); "name", "label": an author's name,
# a figure's label, never hyphenated, which the preflight checks is on one line.
TYPESET = {"headline", "unbroken", "name", "label"}
# "paragraph": an element set as a paragraph though it is no <p> (a note's paragraph in the rail,
# a span there): its last word is bound and never hyphenated, as a paragraph's.
PARAGRAPH_HOOK = "paragraph"
BACKREF = "\0backref"  # not a value a template can write
# Paragraph-like blocks: their last line holds two words when the last one is short.
PARAGRAPHS = {"p", "li", "dd"}
# Text in these is not the end of a paragraph's words (note numbers).
NOT_WORDS = {"sup", "head", "title"}

LONG_WORD = 25  # characters: a longer word or address in running text may break anywhere
SHORT_LAST_WORD = 7  # characters, punctuation included: "soil." binds to the word before it
MAX_TAIL = 24  # characters a bound paragraph tail may hold (a longer one would loosen the line)
MAX_HEADLINE_TAIL = 22  # the same for a title, heading or caption: fits a cover title's line

# "Figure 2", "Table 1", "No. 8", "p. 5", "§ 3", "$1.5 billion", "30,000 tonnes" stay whole.
_LABELS = re.compile(
    r"(?<![\w.])(?:Figure|Figures|Fig\.|Table|Tables|Chart|Box|Section|Chapter|Annex|Appendix|No\.|Nos\.|"
    r"Vol\.|p\.|pp\.|§)\s+\d[\d.,:–-]*\d?\b"
    r"|(?<![\w.])[$€£]?\d[\d,.]*\s+(?:million|billion|trillion|per\s+cent)\b")
_WORD = re.compile(r"[^\W\d_]+")
# Two or more capitals standing as a word (a plural's "s" may follow: "NGOs"); Latin and Cyrillic.
# The space before it goes inside the span: WeasyPrint 70, breaking a line between a text that
# ends in a space and an inline box, falls back to an earlier break ("recog-/nize that … EU").
_ACRONYM = re.compile(r"(\s*)(?<![\w&#])([A-ZА-ЯЁЄІЇҐЎ]{2,})(?=s?(?![\w;]))")
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")


@memo(maxsize=16)
def _labels_pattern(lang: str) -> re.Pattern:
    """`_LABELS`, and the language's own words before a number: "Figur 2", "Таблиця 1", "№ 8"."""
    labels = languages.Labels(lang)
    if labels.lang == "en":
        return _LABELS
    words = sorted({labels.prefix(key) for key in ("figure", "table", "number")} - {""}, key=len, reverse=True)
    own = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    # and a number whose thousands are set apart by spaces, "1 250,5", never broken in two
    grouped = r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\w)"
    return re.compile(rf"(?<![\w.])(?:{own})\s+\d[\d.,:–-]*\d?\b|{grouped}|" + _LABELS.pattern)
_CHUNK = re.compile(r"\S+")
_ENTITY = re.compile(r"(&#?\w+;)")
_URLISH = re.compile(r"://|^www\.|@|/|\w\.\w")
_COMPOUND = re.compile(r"\S*\w[-‐–]\w\S*")  # "All-Time", "Ukraine–Belarus"


@dataclass
class _Text:
    """A text token and what the walk learnt about it."""

    running: bool  # in running text: paragraphs, list items, table cells
    table: bool  # in a table: data, set in lining figures and full capitals
    hyphenate: bool
    headline: bool
    parent: int  # token index of the element it sits in (-1: none)
    tail: str | None = None  # "headline" or "paragraph": bind its last words
    acronyms: bool = False  # small capitals for acronyms here (running text, not a table)


def typeset(html: str, lang: str, names: tuple[str, ...] = (), hyphenate: bool = True,
            cache: Path | None = None, acronyms: bool = False) -> str:
    """`html` with soft hyphens (unless not `hyphenate`) and no-break spans, as the module says.
    `names`: the authors', kept on one line wherever they appear. `cache`: a folder for the
    words hyphenated before (hyphenate.Hyphenator). `acronyms`: the series' small_caps_acronyms."""
    tokens = _TOKEN.split(html)
    # split() with two groups gives text, tag, inner group, text, …: keep text and whole tags.
    parts = [tokens[0]] + [p for i in range(1, len(tokens), 3) for p in (tokens[i], tokens[i + 2])]
    texts, closes = _walk(parts)
    hyphenator = Hyphenator(lang, cache) if hyphenate else None
    name_pattern = _names_pattern(names)
    label_pattern = _labels_pattern(lang or "en")
    for index, info in texts.items():
        info.acronyms = acronyms and info.running and not info.headline and not info.table
        parts[index], close = _set(parts[index], info, hyphenator, name_pattern, label_pattern)
        if close:
            at = closes.get(info.parent)
            if at is None:  # no closing tag: close at the end of the text
                parts[index] += NOBR_CLOSE
            else:
                parts[at] = NOBR_CLOSE + parts[at]
    if hyphenator is not None:
        hyphenator.save()
    return "".join(parts)


def _walk(parts: list[str]) -> tuple[dict[int, _Text], dict[int, int]]:
    """Each text token's context, and each element's closing token (by its opening token)."""
    stack: list[tuple[str, set[str], int, bool]] = []  # (tag, data-typeset values, index, external link)
    texts: dict[int, _Text] = {}
    closes: dict[int, int] = {}
    last_text: dict[int, int] = {}  # block's opening index → its last word-bearing text token
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if not part or part.isspace() or not stack:
                continue
            tags = {t for t, _, _, _ in stack}
            if tags & INERT:
                continue
            hooks = set().union(*(h for _, h, _, _ in stack))
            external = any(e for _, _, _, e in stack)
            texts[index] = _Text(
                running=bool(tags & HYPHENATE_IN), table=bool(tags & {"td", "th", "table"}),
                hyphenate=bool(tags & HYPHENATE_IN) and not (tags & NO_HYPHENS_TAGS)
                and not (hooks & TYPESET) and not external,
                headline=bool(tags & HEADLINE_TAGS) or "headline" in hooks,
                parent=stack[-1][2])
            if not (tags & NOT_WORDS) and not any(BACKREF in h for _, h, _, _ in stack):
                for _, _, opened, _ in stack:
                    last_text[opened] = index
            continue
        match = _TAG.match(part)
        if match is None or part.startswith("<!"):
            continue
        closing, tag = match[1] == "/", match[2].lower()
        if closing:
            while stack:
                name, hooks, opened, _ = stack.pop()
                closes[opened] = index
                _mark_tail(name, hooks, opened, last_text, texts)
                if name == tag:
                    break
        elif tag not in VOID and not part.rstrip().endswith("/>"):
            found = _TYPESET.search(part)
            hooks = set(found[1].split()) if found else set()
            if tag == "a" and (found := _CLASS.search(part)) and "backref" in found[1].split():
                hooks.add(BACKREF)  # a note's link back (markdown.py's own markup): not words
            href = _HREF.search(part)
            external = tag == "a" and href is not None and not href[1].startswith("#")
            stack.append((tag, hooks, index, external))
    return texts, closes


def _mark_tail(tag: str, hooks: set[str], opened: int, last_text: dict, texts: dict) -> None:
    """On closing a block: its last text token binds its last two words (innermost block wins)."""
    index = last_text.get(opened)
    if index is None or texts[index].tail is not None:
        return
    if tag in HEADLINE_TAGS or "headline" in hooks:
        texts[index].tail = "headline"
    elif tag in PARAGRAPHS or PARAGRAPH_HOOK in hooks:
        texts[index].tail = "paragraph"


def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    spaced = sorted({n.strip() for n in names if len(n.split()) > 1}, key=len, reverse=True)
    if not spaced:
        return None
    return re.compile("|".join(r"\s+".join(map(re.escape, escape(n).split())) for n in spaced))


def _set(text: str, info: _Text, hyphenator: Hyphenator | None, names: re.Pattern | None,
         labels: re.Pattern | None = None) -> tuple[str, bool]:
    """(the text token set, whether it opened a span that closes with its element)."""
    keep: list[tuple[int, int]] = []  # ranges that stay on one line
    for pattern in filter(None, (labels or _LABELS, names)):
        keep += [m.span() for m in pattern.finditer(text)]
    if info.headline:
        keep += [m.span() for m in _COMPOUND.finditer(text) if m.end() - m.start() <= MAX_HEADLINE_TAIL]
    keep = _disjoint(keep)
    tail = _tail_start(text, info.tail) if info.tail else None
    if tail is not None:
        for start, end in keep:
            if start < tail < end:
                tail = start
        keep = [(s, e) for s, e in keep if e <= tail]
    last = None
    if tail is None and info.tail == "paragraph" and info.hyphenate:
        last = _last_word(text)
        if last and any(s < last[1] and last[0] < e for s, e in keep):
            last = None
    hyphens = hyphenator if info.hyphenate else None
    small_caps = _small_caps if info.acronyms else str
    out, at = [], 0
    for start, end in keep:
        out.append(_words(text[at:start], hyphens, info.running, info.acronyms))
        out.append(NOBR_OPEN + small_caps(text[start:end]) + NOBR_CLOSE)
        at = end
    if last is not None:
        # The paragraph's last word is not hyphenated; one with a hyphen of its own ("follow-up.")
        # is held in a span that takes the space before it (WeasyPrint breaks early before a
        # span that follows a space: see _ACRONYM).
        out.append(_words(text[at:last[0]], hyphens, info.running, info.acronyms))
        word = small_caps(text[last[0]:last[1]])
        out.append(NOBR_OPEN + word + NOBR_CLOSE if _COMPOUND.search(text[last[0]:last[1]]) else word)
        at = last[1]
    if tail is None:
        out.append(_words(text[at:], hyphens if last is None else None, info.running, info.acronyms))
        return "".join(out), False
    out.append(_words(text[at:tail], hyphens, info.running, info.acronyms))
    out.append(NOBR_OPEN + small_caps(text[tail:]))
    return "".join(out), True


def _disjoint(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _tail_start(text: str, kind: str) -> int | None:
    """Where the span binding the last two words starts, or None when they may part."""
    words = list(_CHUNK.finditer(text))
    if len(words) < 2:
        return None
    last, before = words[-1], words[-2]
    if kind == "paragraph" and len(last[0]) > SHORT_LAST_WORD:
        return None
    if before.start() == 0 and not text[:1].isspace() and kind == "paragraph":
        return None  # the token's first word may continue a word of the element before it
    width = last.end() - before.start()
    if width > (MAX_HEADLINE_TAIL if kind == "headline" else MAX_TAIL):
        return None
    return before.start()


def _last_word(text: str) -> tuple[int, int] | None:
    """Where a paragraph's last word starts (with the space before it) and ends, when it may be
    kept whole: not one so long that it must break anywhere, not the token's only word (it may
    continue the element before it)."""
    words = list(_CHUNK.finditer(text))
    if not words or len(words[-1][0]) >= LONG_WORD or (len(words) == 1 and not text[:1].isspace()):
        return None
    return (words[-2].end() if len(words) > 1 else 0), words[-1].end()


def _words(text: str, hyphenator: Hyphenator | None, running: bool, acronyms: bool = False) -> str:
    if not running or not text:
        return text
    pieces = _ENTITY.split(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = _CHUNK.sub(lambda m: _chunk(m[0], hyphenator), pieces[i])
    text = "".join(pieces)
    return _small_caps(text) if acronyms else text


def _chunk(chunk: str, hyphenator: Hyphenator | None) -> str:
    if len(chunk) >= LONG_WORD:
        # Breaks anywhere rather than leave the column; running text itself must not, see
        # the stylesheet (`overflow-wrap` there would spoil the soft hyphens).
        return f'<span class="long-word">{chunk}</span>'
    if hyphenator is None or _URLISH.search(chunk):
        return chunk  # an address, an e-mail, a path, "sceeus.se": a reader would type the hyphen
    return _WORD.sub(lambda m: hyphenator.word(m[0]), chunk)


def _small_caps(text: str) -> str:
    """Each acronym of `text` in a small-capitals span (the module says which): not a Roman
    numeral, nor in an address (or a long word's span: its chunk holds a "/")."""
    def wrap(m: re.Match) -> str:
        before = re.search(r"\S*$", text[:m.start(2)])[0]
        chunk = before + m[2] + re.match(r"\S*", text[m.end(2):])[0]
        if _ROMAN.fullmatch(m[2]) or _URLISH.search(chunk):
            return m[0]
        return f"{ACRONYM_OPEN}{m[0]}</span>"
    return _ACRONYM.sub(wrap, text)


__all__ = ["typeset", "SOFT_HYPHEN"]
