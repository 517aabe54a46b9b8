"""Accessibility checks on what the editor wrote: the parsed body of `document.md`.

Each check is named, says what is wrong in a desk's words and where in `document.md` it can be
fixed: a picture without a useful alt text, a jump in heading levels, link text that says
nothing, a table whose header row is empty, text in a script the document's language does not
write. The checks that need the written PDF or web page live in `outputs/accessibility.py`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from babel import Locale

from report import languages
from report.errors import quote

MAX_ALT = 300  # characters: past this a screen reader reads one long breath; the rest belongs in the text
SAME_KIND = 20  # findings of one check shown one by one; the rest are counted in one line
QUOTE_CHARS = 60
PICTURE_FILE = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp|tiff?|bmp|heic)$", re.I)
# Alt texts that name the kind of thing, not what it shows (in the languages with catalogues).
GENERIC_ALT = {"image", "picture", "photo", "photograph", "figure", "graphic", "chart", "img", "logo",
               "bild", "foto", "figur", "diagram", "grafik", "abbildung", "graphique", "rysunek", "zdjęcie",
               "зображення", "малюнок", "фото", "рисунок", "изображение", "малюнак", "выява"}
VAGUE_LINKS = {"here", "click here", "link", "this link", "more", "read more", "this", "click", "website",
               "här", "klicka här", "länk", "läs mer", "hier", "mehr", "ici", "cliquez ici", "tutaj",
               "тут", "здесь", "тут.", "посилання", "ссылка", "спасылка"}
URL = re.compile(r"^(https?://|www\.)\S+$", re.I)
# The script each language writes; Latin is left alone in any document (acronyms, names in Latin
# letters are written so in every language here).
SCRIPT = {"en": "LATIN", "sv": "LATIN", "de": "LATIN", "fr": "LATIN", "pl": "LATIN",
          "uk": "CYRILLIC", "ru": "CYRILLIC", "be": "CYRILLIC"}
SCRIPT_WORD = {"CYRILLIC": "Cyrillic", "GREEK": "Greek", "HEBREW": "Hebrew", "ARABIC": "Arabic",
               "CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
               "ARMENIAN": "Armenian", "GEORGIAN": "Georgian", "DEVANAGARI": "Devanagari", "THAI": "Thai"}


@dataclass(frozen=True)
class Finding:
    """One accessibility problem: which check, what is wrong, and where it can be fixed."""

    check: str  # the check's id: "alt-text", "heading-jump" …
    message: str  # in a desk's words
    path: str = ""  # the file to edit (document.md, series.yaml, a stylesheet); "" for the output
    line: int | None = None
    output: str = ""  # the output it was found in ("pdf", "html"); "" for the source

    def place(self) -> str:
        return f"{self.path}:{self.line}" if self.path and self.line else self.path

    def __str__(self) -> str:
        return f"{self.place()}: {self.message}" if self.place() else self.message


def short(text: str) -> str:
    """`text` quoted, cut to a readable length (an alt text may be thousands of characters)."""
    text = " ".join(text.split())
    return quote(text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…")


def bounded(findings: list[Finding]) -> list[Finding]:
    """At most `SAME_KIND` findings of one check one by one, then one line with the count: a
    document with 500 headings a level too deep gets a report a desk can read."""
    kept, counts = [], {}
    for finding in findings:
        counts[finding.check] = counts.get(finding.check, 0) + 1
        if counts[finding.check] <= SAME_KIND:
            kept.append(finding)
    for check, count in counts.items():
        if count > SAME_KIND:
            first = next(f for f in findings if f.check == check)
            kept.append(Finding(check, f"{count - SAME_KIND} more of the same kind ({check})", first.path))
    return kept


def check(tokens, refs, path: str, first_line: int, lang: str) -> list[Finding]:
    """Every source-level accessibility problem of a parsed body, at its line of `document.md`."""
    lang = languages.language(lang)
    found = alt_texts(refs, path) + heading_levels(tokens, path, first_line)
    found += link_texts(tokens, path, first_line, lang) + table_headers(tokens, path, first_line)
    found += scripts(tokens, path, first_line, lang)
    return sorted(found, key=lambda f: (f.line or 0, f.check))


def alt_texts(refs, path: str) -> list[Finding]:
    """Pictures only: a chart's alt text is written by the builder from its data."""
    found = []
    for ref in refs:
        if ref.chart_id is not None:
            continue
        alt = " ".join(ref.caption.split())
        name = quote(ref.target)
        if not alt:
            message = f"picture {name} has no alt text: a screen reader says nothing of it; describe what it shows"
        elif PICTURE_FILE.match(alt) or alt == ref.target:
            message = (f"picture {name} has a file name as its alt text ({short(alt)}): "
                       "describe what it shows")
        elif alt.lower().strip(".: ") in GENERIC_ALT:
            message = (f"picture {name} has the alt text {short(alt)}, which names no content: "
                       "describe what it shows")
        elif len(alt) > MAX_ALT:
            message = (f"picture {name} has an alt text of {len(alt):,} characters: a screen reader reads it "
                       f"in one breath; keep it under {MAX_ALT} and put the rest in the text")
        else:
            continue
        found.append(Finding("alt-text", message, path, ref.line))
    return found


def _inline_after(tokens, index):
    return tokens[index + 1] if index + 1 < len(tokens) and tokens[index + 1].type == "inline" else None


def missing_alt(refs, path: str) -> list[Finding]:
    """Pictures with no alt text at all: an error of every build (a tagged PDF cannot hold one)."""
    return [f for f in alt_texts(refs, path) if f.message.endswith("says nothing of it; describe what it shows")]


def heading_levels(tokens, path: str, first_line: int) -> list[Finding]:
    """The title is level 1; each heading at most one level below the one before it."""
    found, previous = [], 1
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or not token.map:
            continue
        level = int(token.tag[1])
        inline = _inline_after(tokens, i)
        text = inline.content if inline is not None else ""
        if level > previous + 1:
            wanted = "#" * (previous + 1)
            found.append(Finding("heading-jump", (
                f"heading {short(text)} is level {level} ({'#' * level}) after a level {previous} heading: "
                f"a screen reader's list of headings skips a level; make it {wanted}"),
                path, first_line + token.map[0]))
        previous = level
    return found


def _links(tokens, first_line: int):
    """(line, href, link text, in a note) for every link of the body."""
    in_note = False
    line = first_line
    for token in tokens:
        if token.type == "footnote_open":
            in_note = True
        elif token.type == "footnote_close":
            in_note = False
        if token.map:
            line = first_line + token.map[0]
        if token.type != "inline" or not token.children:
            continue
        here, href, text = line, None, None
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                here += 1
            elif child.type == "link_open":
                href, text, start = child.attrGet("href") or "", [], here
            elif child.type == "link_close" and text is not None:
                yield start, href, "".join(text), in_note
                text = None
            elif text is not None:
                text.append(child.content)


def link_texts(tokens, path: str, first_line: int, lang: str) -> list[Finding]:
    found = []
    for line, href, text, in_note in _links(tokens, first_line):
        words = " ".join(text.split())
        if href.startswith("#"):
            continue  # a cross-reference ("Figure 2") says where it leads
        if not words:
            found.append(Finding("link-text", f"a link to {short(href)} has no text: a screen reader reads "
                                 "out its address; write what it leads to", path, line))
        elif words.lower().strip(".:!») ") in VAGUE_LINKS:
            found.append(Finding("link-text", f"link text {short(words)} says nothing about where it leads: "
                                 "a screen reader lists links by their text alone; name the destination",
                                 path, line))
        elif URL.match(words) and not in_note:
            found.append(Finding("link-text", f"a bare address {short(words)} as link text in running text: "
                                 "a screen reader spells it out; name the destination and link that",
                                 path, line))
    return found


def table_headers(tokens, path: str, first_line: int) -> list[Finding]:
    """A Markdown table always has a header row; an empty one gives a screen reader no column names."""
    found = []
    for i, token in enumerate(tokens):
        if token.type != "thead_open":
            continue
        cells = []
        for t in tokens[i:]:
            if t.type == "thead_close":
                break
            if t.type == "inline":
                cells.append(t.content.strip())
        if not any(cells):
            line = first_line + token.map[0] if token.map else None
            found.append(Finding("table-header", "a table without a header row: its first row is empty, so a "
                                 "screen reader cannot name a cell's column; write the column names there",
                                 path, line))
    return found


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for script in SCRIPT_WORD:
        if name.startswith(script):
            return script
    return "LATIN" if name.startswith("LATIN") else None


def scripts(tokens, path: str, first_line: int, lang: str) -> list[Finding]:
    """Words in a script the document's language does not write (one finding a line)."""
    own = SCRIPT.get(lang, "LATIN")
    found = []
    for token in tokens:
        if token.type != "inline" or not token.map:
            continue
        line = first_line + token.map[0]
        for offset, text in enumerate(token.content.split("\n")):
            run = re.search(r"\w+(?:[\s’'-]+\w+)*", "".join(
                ch if (_script(ch) not in (None, own, "LATIN")) else " " for ch in text))
            if run is None:
                continue
            script = next(_script(ch) for ch in run[0] if _script(ch) not in (None, own, "LATIN"))
            found.append(Finding("script-without-lang", (
                f"text in {SCRIPT_WORD[script]} script ({short(run[0])}) has no language mark: a screen reader "
                f"reads it with {Locale.parse(lang).get_display_name('en')} rules; transliterate it, or have it read by "
                "a person in the outputs' accessibility review"), path, line + offset))
    return found
