"""Markdown to HTML: CommonMark, pipe tables, footnotes, smart punctuation; never raw HTML.

The body is parsed once into tokens. `references()` lists the charts and pictures it uses
(with their lines, for checks before anything is drawn); `render_body()` turns the tokens into
HTML with figures in place, heading ids for bookmarks and contents, and the notes apart so
the template can set them after the recommendations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from report import languages
from report.errors import BuildError
from report.source import links
from report.source import citations, crossrefs
from report.cache import memo

CHART_SCHEME = "chart:"
SENTENCE_END = re.compile(r"(?<=[.!?])[”’\"]?\s+(?=[A-Z“‘\"(])")
# In any language: a sentence's end, then a capital letter (after an opening quotation mark).
SENTENCE_END_ANY = re.compile(r"(?<=[.!?])[”’\"»“]?\s+(?=[“‘\"(„«]?[^\W\d_])")


def _parser(quotes: tuple[str, ...] | None = None) -> MarkdownIt:
    # html=False: raw HTML is shown as text. linkify stays off: no library fetches anything.
    options = {"html": False, "typographer": True, "maxNesting": 100}  # above what `bodycheck` refuses:
    if quotes:                                                             # markdown-it drops what lies deeper
        options["quotes"] = list(quotes)  # the language's quotation marks for the smart punctuation
    md = MarkdownIt("commonmark", options)
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    crossrefs.register(md)  # before any other rule that reads `@key` (citations)
    md.use(citations.plugin)  # after the footnotes: its clusters become notes before they move
    md.core.ruler.push("direction", _direction)
    md.core.ruler.push("addresses", _addresses)
    md.add_render_rule("footnote_caption", lambda self, t, i, o, e: str(t[i].meta["id"] + 1))
    md.add_render_rule("footnote_block_open", lambda *a: '<ol class="notes">\n')
    md.add_render_rule("footnote_block_close", lambda *a: "</ol>\n")
    md.add_render_rule("footnote_anchor", _render_backref)
    md.add_render_rule("footnote_ref", _render_ref)
    md.add_render_rule("link_open", _render_link)
    return md


def _render_link(self, tokens, idx, options, env) -> str:
    """The last guard: a link `bodycheck` did not vet (a series' disclaimer, say) is never written
    with a target other than http, https, mailto or an anchor."""
    problem = links.problem(tokens[idx].attrGet("href") or "")
    if problem:
        raise BuildError(problem)
    return self.renderToken(tokens, idx, options, env)


def _direction(state) -> None:
    """`dir="rtl"` on a paragraph or heading whose text starts in a right-to-left script.

    What `dir="auto"` does in a browser (WeasyPrint has neither it nor `unicode-bidi: plaintext`):
    a Hebrew or Arabic quotation then reads from the right, its full stop at its end.
    """
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        if token.type in ("paragraph_open", "heading_open") and tokens[i + 1].type == "inline":
            if first_strong(tokens[i + 1].content) == "rtl":
                token.attrSet("dir", "rtl")


def _addresses(state) -> None:
    """`class="address"` on a link whose text is its address: printed, it needs no "(https://…)"."""
    for token in state.tokens:
        children = token.children or []
        for i, child in enumerate(children[:-2]):
            if child.type == "link_open" and children[i + 2].type == "link_close":
                href, text = child.attrGet("href") or "", children[i + 1].content
                shown = (href.rstrip("/"), href.split("://", 1)[-1].rstrip("/"), href.removeprefix("mailto:"))
                if text and text.rstrip("/") in shown:
                    child.attrSet("class", "address")


def first_strong(text: str) -> str | None:
    """'ltr' or 'rtl': the direction of the first letter with a strong direction, as in Unicode's P2."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _render_ref(self, tokens, idx, options, env) -> str:
    """The plugin's note reference, with its label: the number is read aloud as "Note 3"."""
    ident = self.rules["footnote_anchor_name"](tokens, idx, options, env)
    caption = self.rules["footnote_caption"](tokens, idx, options, env)
    refid = ident + (f":{tokens[idx].meta['subId']}" if tokens[idx].meta.get("subId", -1) > 0 else "")
    label = _labels(env).get("note-ref", number=caption)
    return (f'<sup class="footnote-ref"><a href="#fn{ident}" id="fnref{refid}" aria-label="{escape(label)}">'
            f"{caption}</a></sup>")


def _render_backref(self, tokens, idx, options, env) -> str:
    ident = str(tokens[idx].meta["id"] + 1)
    if tokens[idx].meta.get("subId", 0) > 0:
        ident += ":" + str(tokens[idx].meta["subId"])
    back = _labels(env).get("back")
    return f' <a href="#fnref{ident}" class="backref" aria-label="{escape(back)}">↑</a>'


MD = _parser()


def parser(lang: str = "en", labels: languages.Labels | None = None) -> MarkdownIt:
    """The parser of a language: its quotation marks, or those of a series' `labels`."""
    return _quoted(tuple(labels.quotes()) if labels is not None else _quotes(lang))


def _quotes(lang: str) -> tuple[str, ...]:
    if languages.language(lang) == "en" or not languages.supported(lang):
        return ("“", "”", "‘", "’")  # English without reading its catalogue
    return tuple(languages.Labels(lang).quotes())


@memo(maxsize=16)
def _quoted(quotes: tuple[str, ...]) -> MarkdownIt:
    return MD if quotes == ("“", "”", "‘", "’") else _parser(quotes)


@memo(maxsize=16)
def _punctuation(quotes: tuple[str, ...]) -> MarkdownIt:
    # Only the typographer: a title is plain text, its `*` and `#` printed as written.
    return MarkdownIt("zero", {"typographer": True, "quotes": list(quotes)}).enable(["replacements", "smartquotes"])


def smart_text(text: str, lang: str = "en") -> str:
    """Plain text (a title, a subtitle) with the body's smart punctuation in its language:
    quotation marks, apostrophes, dashes for `--` and `---`, the ellipsis; nothing else."""
    if not text or not any(c in text for c in "'\"-.()+!?,"):
        return text
    quotes = tuple(parser(lang).options["quotes"])
    tokens = _punctuation(quotes).parse(text)
    return "\n\n".join("".join(c.content for c in t.children or ()) for t in tokens if t.type == "inline")


def _labels(env: dict) -> languages.Labels:
    """The labels a parse was given (a series' overrides), else those of its language."""
    return env.get("labels") or languages.Labels(env.get("lang", "en"))


@dataclass(frozen=True)
class Reference:
    """An image in the body: a chart (`chart:id`) or a picture (a path)."""

    target: str
    caption: str
    title: str | None
    line: int  # in document.md
    alone: bool  # the only thing in its paragraph
    in_note: bool = False  # inside a footnote
    label: str | None = None  # `{#fig-…}` after the image

    @property
    def chart_id(self) -> str | None:
        return self.target[len(CHART_SCHEME):] if self.target.startswith(CHART_SCHEME) else None


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str


@dataclass(frozen=True)
class Body:
    html: str
    notes_html: str
    headings: tuple[Heading, ...] = field(default_factory=tuple)


def parse(text: str, lang: str = "en", citation_notes: bool = False,
          labels: languages.Labels | None = None) -> tuple[list[Token], dict]:
    """Tokens and env; `citation_notes`: the series' citation style sets citations as notes;
    `labels`: the series' words (quotation marks, "Table", "Back to the text")."""
    env: dict = {"lang": lang, "citation_notes": citation_notes, "labels": labels}
    return parser(lang, labels).parse(text, env), env


def references(tokens: list[Token], first_line: int) -> list[Reference]:
    found = []
    in_note = False
    for i, token in enumerate(tokens):
        if token.type in ("footnote_open", "footnote_close"):
            in_note = token.type == "footnote_open"
        if token.type != "inline" or not token.children:
            continue
        images = [c for c in token.children if c.type == "image"]
        alone = len([c for c in token.children if c.type != "softbreak" and not (c.type == "text" and not c.content.strip())]) == 1
        in_paragraph = i > 0 and tokens[i - 1].type == "paragraph_open"
        for image in images:
            line = first_line + (token.map[0] if token.map else 0)
            found.append(Reference(
                image.attrGet("src") or "", image.content, image.attrGet("title") or None,
                line, alone and in_paragraph, in_note, token.meta.get("label") if alone else None))
    return found


# Ids the builder gives figures and notes: a heading never takes one ("## Figure 1").
GENERATED_ID = re.compile(r"^(figure-\d+|fn\d+|fnref\d+(:\d+)?)$")


class Taken(set):
    """Ids in use, and for each base the next number to try: a thousand headings with one
    title get their ids in linear time."""

    def __init__(self, ids=()):
        super().__init__(ids)
        self.next: dict[str, int] = {}


def slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-") or "section"
    counters = taken.next if isinstance(taken, Taken) else {}
    candidate, n = base, counters.get(base, 2)
    if n > 2:
        candidate = f"{base}-{n}"
    while candidate in taken or GENERATED_ID.match(candidate):
        candidate, n = f"{base}-{n}", n + 1
    counters[base] = n
    taken.add(candidate)
    return candidate


def render_body(tokens: list[Token], env: dict, figures: dict[str, str], reserved=frozenset()) -> Body:
    """HTML of the body. `figures` maps an image target to the HTML of its <figure>; `reserved`
    holds the ids the template uses (#policy-recommendations …), which no heading may take."""
    tokens = list(tokens)
    out: list[Token] = []
    headings: list[Heading] = []
    taken: set[str] = Taken(set(reserved) | crossrefs.defined_ids(tokens))
    notes_at = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    body_tokens, note_tokens = _tables(tokens[:notes_at], env), tokens[notes_at:]
    i = 0
    while i < len(body_tokens):
        token = body_tokens[i]
        if token.type == "heading_open":
            text = body_tokens[i + 1].content
            ident = body_tokens[i + 1].meta.get("label") or slug(text, taken)
            token.attrSet("id", ident)
            headings.append(Heading(int(token.tag[1]), _plain(body_tokens[i + 1], env.get("crossrefs")), ident))
        if (token.type == "paragraph_open" and i + 2 < len(body_tokens)
                and body_tokens[i + 2].type == "paragraph_close"):
            inline = body_tokens[i + 1]
            kids = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
            if len(kids) == 1 and kids[0].type == "image":
                html = figures.get(kids[0].attrGet("src") or "")
                if html is not None:
                    block = Token("html_block", "", 0)
                    block.content = html
                    out.append(block)
                    i += 3
                    continue
        out.append(token)
        i += 1
    # With html=False the renderer would escape our figure blocks too; render them ourselves.
    parts = []
    run: list[Token] = []
    for token in out:
        if token.type == "html_block":
            parts.append(MD.renderer.render(run, MD.options, env) if run else "")
            parts.append(token.content)
            run = []
        else:
            run.append(token)
    parts.append(MD.renderer.render(run, MD.options, env) if run else "")
    notes = MD.renderer.render(note_tokens, MD.options, env) if note_tokens else ""
    return Body("".join(parts), notes, tuple(headings))


TABLE_CAPTION = "Table:"
TABLE_LINES = ("Source:", "Sources:", "Note:", "Notes:")
# A cell that holds a number: "5.4", "−1.4", "1,500", "74%", "$1.5", "+3"; "–" or "n/a" for none;
# in other languages "5,4", "35 000" (no-break spaces), "74 %".
NUMBER = re.compile(r"^[−\-–+]?[$€£]?\d[\d,. \u00a0\u202f]*(%|‰)?$")
NO_VALUE = {"", "–", "—", "-", "n/a", "n.a.", ".."}


def _markers(labels: languages.Labels) -> tuple[tuple[str, ...], dict[str, str]]:
    """The words that start a table's caption, and its source and note lines (marker → kind):
    the English ones in any language, and the language's own ("Tabell:", "Källa:")."""
    def spaced(word):  # "Source:", "Source :" and "Source\u00a0:" as French writes it
        word = word.rstrip(":").strip()
        return (f"{word}:", f"{word} :", f"{word}\u00a0:")
    captions = (TABLE_CAPTION,) + (spaced(labels.prefix("table")) if labels.lang != "en" else ())
    lines = {m: ("note" if m.startswith("Note") else "source") for m in TABLE_LINES}
    if labels.lang != "en":
        lines.update({m: "source" for m in spaced(labels.get("source"))})
        lines.update({m: "note" for m in spaced(labels.get("note"))})
    return captions, lines


@dataclass(frozen=True)
class TablePart:
    """A pipe table with what belongs to it: its caption paragraph's inline token (numbered
    when it has one), its source and note lines."""

    tokens: list[Token]  # table_open … table_close
    caption: Token | None
    marker: str | None  # the caption's first word ("Table:", "Tabell:")
    lines: list[Token]
    number: int | None


def table_parts(tokens: list[Token], lang: str = "en") -> list[Token | TablePart]:
    """The body's tokens with each table and its caption, source and note paragraphs as one
    `TablePart`: a paragraph `Table: caption` just before (or after) a pipe table gives it a
    number ("Table 1", counted apart from figures); paragraphs starting `Source:` or `Note:`
    just after it are its source and note lines."""
    out: list[Token | TablePart] = []
    number = 0
    captions, markers = _markers(languages.Labels(lang))
    i = 0
    while i < len(tokens):
        if tokens[i].type != "table_open":
            out.append(tokens[i])
            i += 1
            continue
        end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
        table = tokens[i:end + 1]
        caption = None
        if len(out) >= 3 and _starts(out[-3:], captions):
            caption, out = out[-2], out[:-3]
        i = end + 1
        if caption is None and _starts(tokens[i:i + 3], captions):
            caption, i = tokens[i + 1], i + 3
        lines = []
        while _starts(tokens[i:i + 3], tuple(markers)):
            lines.append(tokens[i + 1])
            i += 3
        marker = None
        if caption is not None:
            number += 1
            marker = next(m for m in captions if caption.content.startswith(m))
        out.append(TablePart(table, caption, marker, lines, number if caption is not None else None))
    return out


def _tables(tokens: list[Token], env: dict) -> list[Token]:
    """Tables as numbered figures (see `table_parts`). Columns of numbers (all but the first,
    the stub) are marked `num`: right-aligned, tabular figures."""
    out: list[Token] = []
    labels = _labels(env)
    _, markers = _markers(labels)
    for part in table_parts(tokens, labels.lang):
        if not isinstance(part, TablePart):
            out.append(part)
            continue
        table, caption, lines, number = _numeric_columns(part.tokens), part.caption, part.lines, part.number
        html = MD.renderer.render(table, MD.options, env)
        if caption is None and not lines:
            out += table
            continue
        if caption is not None:
            text = MD.renderer.renderInline(_without_prefix(caption, part.marker), MD.options, env)
            html = html.replace("<table>", '<table>\n<caption><span class="figure-number" data-typeset="label">'
                                f"{escape(labels.get('table', number=number))}.</span> {text}</caption>", 1)
        for line in lines:
            marker = max((m for m in markers if line.content.startswith(m)), key=len)
            kind = markers[marker]
            if labels.lang == "en":  # as the author wrote it: "Sources:", "Notes:"
                rendered = MD.renderer.renderInline(line.children or [], MD.options, env)
            else:  # the language's own word, whichever the author wrote
                rest = MD.renderer.renderInline(_without_prefix(line, marker), MD.options, env)
                rendered = f"{escape(labels.get(kind))} {rest}"
            html += f'<p class="figure-{kind}" data-typeset="unbroken">{rendered}</p>\n'

        anchor = (caption.meta.get("label") or f"table-{number}") if caption is not None else None
        ident = f' id="{escape(anchor)}"' if anchor else ""
        block = Token("html_block", "", 0)
        block.content = f'<div class="table-figure"{ident}>\n{html}</div>\n'
        out.append(block)
    return out


def _starts(three: list[Token], prefixes: tuple[str, ...]) -> bool:
    """A paragraph whose text starts with one of `prefixes`."""
    # (a table already gathered into a TablePart is no paragraph: two captioned tables in a row)
    return (len(three) == 3 and all(isinstance(t, Token) for t in three)
            and three[0].type == "paragraph_open" and three[1].type == "inline"
            and three[2].type == "paragraph_close" and three[1].content.startswith(prefixes))


def _without_prefix(inline: Token, prefix: str) -> list[Token]:
    children = list(inline.children or [])
    if children and children[0].type == "text":
        children[0] = children[0].copy(content=children[0].content[len(prefix):].lstrip())
    return children


def _numeric_columns(table: list[Token]) -> list[Token]:
    """The table's tokens, cells of number columns with class `num` (an author's alignment wins)."""
    rows: list[list[int]] = []  # token indices of each row's cells
    for k, token in enumerate(table):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(k)
    body = [r for r in rows[1:]]
    columns = max((len(r) for r in rows), default=0)
    numeric = set()
    for c in range(1, columns):
        values = [table[r[c] + 1].content.strip() for r in body if c < len(r)]
        if any(NUMBER.match(v) for v in values) and all(NUMBER.match(v) or v in NO_VALUE for v in values):
            numeric.add(c)
    out = list(table)
    for row in rows:
        for c, k in enumerate(row):
            if c in numeric and out[k].attrGet("style") is None:
                out[k] = out[k].copy(attrs={**out[k].attrs, "class": "num"})
    return out


def _plain(inline: Token, refs=None) -> str:
    """The words of an inline token; a cross-reference as it prints ("Figure 1"); a line break a space."""
    return "".join(c.content if c.type in ("text", "code_inline") else " " if c.type in ("softbreak", "hardbreak")
                   else crossrefs.plain(c, refs)
                   for c in inline.children or [] if c.type in ("text", "code_inline", "crossref", "softbreak",
                                                                 "hardbreak"))


def render_block(text: str, lang: str = "en", refs=None, labels: languages.Labels | None = None) -> str:
    """Markdown for a front-matter field (summary, bio, disclaimer). `refs`: the document's
    cross-references (crossrefs.Registry), which `@fig-…` in the text names; `labels`: the series' words."""
    env: dict = {"lang": lang, "crossrefs": refs, "labels": labels}
    return parser(lang, labels).render(text, env)


def render_inline(text: str, lang: str = "en", refs=None, labels: languages.Labels | None = None) -> str:
    return parser(lang, labels).renderInline(text, {"lang": lang, "crossrefs": refs, "labels": labels})


def render_recommendation(text: str, lang: str = "en", refs=None,
                          labels: languages.Labels | None = None) -> tuple[str, str]:
    """(lead, rest): the first sentence stands out, as the house style asks."""
    parts = _first_sentence(text.strip(), lang)
    lead = render_inline(parts[0], lang, refs, labels)
    rest = render_inline(parts[1], lang, refs, labels) if len(parts) > 1 else ""
    return lead, rest


def _first_sentence(text: str, lang: str) -> list[str]:
    if languages.language(lang) == "en":
        return SENTENCE_END.split(text, maxsplit=1)
    for match in SENTENCE_END_ANY.finditer(text):  # the next letter must be a capital, in any script
        following = text[match.end():].lstrip("“‘\"(„«")
        if following[:1].isupper():
            return [text[:match.start()] + match.group().rstrip(), text[match.end():]]
    return [text]


def plain_text(text: str, lang: str = "en", refs=None, labels: languages.Labels | None = None) -> str:
    """Markdown inline text without markup, for metadata and the running header."""
    tokens = parser(lang, labels).parseInline(text.strip())
    return "".join(_plain(t, refs) for t in tokens)


def figure_html(number: int, caption: str, media: str, ident: str,
                source: str | None = None, note: str | None = None, kind: str = "chart",
                lang: str = "en", refs=None, labels: languages.Labels | None = None) -> str:
    """A numbered figure: caption above, the image (`media`, HTML), then the source and note lines.
    `labels`: the series' words for "Figure", "Source:", "Note:" (else the language's)."""
    labels = labels or languages.Labels(lang)
    src_line = (f'<p class="figure-source" data-typeset="unbroken">{escape(labels.source)} '
                f'{render_inline(source, lang, refs, labels)}</p>' if source else "")
    note_line = (f'<p class="figure-note" data-typeset="unbroken">{escape(labels.note)} '
                 f'{render_inline(note, lang, refs, labels)}</p>' if note else "")
    label = escape(labels.get("figure", number=number))
    return (
        f'<figure class="figure figure-{kind}" id="{escape(ident)}">'
        f'<figcaption><span class="figure-number" data-typeset="label">{label}.</span> '
        f'{render_inline(caption, lang, refs, labels)}</figcaption>'
        f"{media}{src_line}{note_line}</figure>\n"
    )
