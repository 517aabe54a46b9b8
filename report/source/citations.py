"""Citations in the body, in Pandoc's syntax: `[@key]`, `[see @a, p. 12; @b]`, `@key says`, `[-@key]`.

A markdown-it inline rule turns each cluster into a `citation` token (its items, its source text);
a core rule, run before the footnotes move to the end, lists the clusters in document order with
the author's own footnotes between them (the "slots" the citation engine needs to number notes as
the document does), and in a note style makes each cluster of the running text a footnote of its
own, numbered in one sequence with the author's. The formatted text arrives later
(`citeproc`): the tokens hold it in `meta["html"]`.

Keys that start with a cross-reference prefix (`@fig-1`, `[@sec-intro]`) are not citations: the
cross-reference rule takes them. `jane@example.org` is an address, not a citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# Pandoc's key: a letter, digit or _, then alphanumerics, _ and punctuation inside (not at the end).
KEY = r"\w(?:\w|[:.#$%&+?<>~/-](?=\w))*"
XREF_PREFIXES = ("fig-", "tbl-", "sec-", "rec-", "note-", "eq-")
ITEM = re.compile(rf"^(?P<prefix>.*?)(?:(?<=\s)|^)(?P<minus>-?)@(?P<key>{KEY})(?P<suffix>.*)$", re.S)
IN_TEXT = re.compile(rf"@(?P<key>{KEY})(?:(?P<locator>[ \t]\[[^\[\]\n]*\]))?")
MAX_BRACKET = 2_000  # characters in one cluster: a longer bracket is text


@dataclass(frozen=True)
class Item:
    """One source in a cluster: `[see @smith2019, p. 12]` is prefix 'see', key 'smith2019', suffix ', p. 12'."""

    key: str
    prefix: str = ""
    suffix: str = ""  # what follows the key, the locator with it (", p. 12")
    suppress_author: bool = False  # [-@key]
    in_text: bool = False  # @key says

    @property
    def locator(self) -> str:
        """The suffix without its leading comma: 'p. 12'."""
        return self.suffix.strip().lstrip(",").strip().strip("[]").strip()


@dataclass
class Cluster:
    """A citation in the body: its items, source text and place, and the token that prints it."""

    items: tuple[Item, ...]
    source: str  # as written: "[see @a, p. 3; @b]" or "@a [p. 3]"
    token: Token
    line: int = 0  # 0-based in the body
    in_note: bool = False  # inside an author's footnote
    note: Token | None = None  # in a note style: the token that prints the footnote's text

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


@dataclass
class Slot:
    """What the engine sees, in document order: a cluster of the running text, or an author's note
    with the clusters inside it (pandoc numbers its notes as the document does)."""

    cluster: Cluster | None = None
    inside: list[Cluster] = field(default_factory=list)


def is_cross_reference(key: str) -> bool:
    return key.startswith(XREF_PREFIXES)


def parse_items(inner: str) -> tuple[Item, ...] | None:
    """The items of a bracket's inside, or None when it is not a cluster (an item without a key)."""
    items = []
    for part in inner.split(";"):
        match = ITEM.match(part.strip())
        if match is None:
            return None
        items.append(Item(match["key"], match["prefix"].strip(), match["suffix"].rstrip(),
                          suppress_author=match["minus"] == "-"))
    return tuple(items)


def _bracket(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src.startswith("[^", start):
        return False
    end = start + 1
    limit = min(state.posMax, start + MAX_BRACKET)
    while end < limit and src[end] not in "[]":
        end += 1
    if end >= limit or src[end] != "]" or src[end + 1:end + 2] in ("(", "[", "{"):
        return False
    inner = src[start + 1:end]
    if "@" not in inner:
        return False
    items = parse_items(inner)
    if not items or all(is_cross_reference(item.key) for item in items):
        return False
    if not silent:
        _push(state, items, src[start:end + 1], start)
    state.pos = end + 1
    return True


def _in_text(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if start > 0 and (src[start - 1].isalnum() or src[start - 1] in "_@"):
        return False  # jane@example.org
    match = IN_TEXT.match(src, start, state.posMax)
    if match is None or is_cross_reference(match["key"]):
        return False
    if not silent:
        item = Item(match["key"], suffix=(match["locator"] or "").strip(), in_text=True)
        _push(state, (item,), match.group(0), start)
    state.pos = match.end()
    return True


def citation_rule(state: StateInline, silent: bool) -> bool:
    if state.linkLevel > 0:  # a link's text is what it says: [@x](https://…)
        return False
    char = state.src[state.pos]
    if char == "[":
        return _bracket(state, silent)
    if char == "@":
        return _in_text(state, silent)
    return False


def _push(state: StateInline, items, source: str, offset: int) -> None:
    token = state.push("citation", "", 0)
    token.content = source
    token.meta = {"items": items, "offset": offset, "html": None}  # None: printed as written
    state.env["cited"] = True


# -- after the inline rules, before the footnotes go to the end ---------------------------------

def _core(state) -> None:
    """List the clusters and slots in `env["citations"]`; in a note style, make each cluster of the
    running text a footnote, numbered in one sequence with the author's (as they appear)."""
    env = state.env
    if not env.get("cited"):
        return
    notes = bool(env.get("citation_notes"))
    data = env.setdefault("footnotes", {"refs": {}, "list": {}})
    data.setdefault("refs", {})
    old = data.setdefault("list", {})
    new: dict[int, dict] = {}
    renumber: dict[int, int] = {}
    clusters: list[Cluster] = []
    slots: list[Slot] = []
    in_defs: dict[str, list[Cluster]] = {}
    label_slots: list[tuple[Slot, str]] = []

    def walk(children: list[Token], line: int, content: str, in_note: bool, sink: list[Cluster] | None) -> list[Token]:
        out = []
        for i, child in enumerate(children):
            out.append(child)
            if child.type == "footnote_ref":
                was = child.meta["id"]
                first = was not in renumber
                if first:
                    renumber[was] = len(new)
                    new[len(new)] = old[was]
                if notes:
                    child.meta["id"] = renumber[was]
                entry = old[was]
                if first and "tokens" in entry:  # ^[an inline note]: its clusters are inside a note
                    inner: list[Cluster] = []
                    entry["tokens"][:] = walk(entry["tokens"], line, entry.get("content", ""), True, inner)
                    if not in_note:
                        slots.append(Slot(None, inner))
                elif first and not in_note:
                    slot = Slot()
                    slots.append(slot)
                    label_slots.append((slot, entry.get("label", "")))
            elif child.type == "citation":
                offset = child.meta.get("offset", 0)
                cluster = Cluster(child.meta["items"], child.content, child,
                                  line + content[:offset].count("\n"), in_note)
                child.meta["line"] = cluster.line  # 0-based in the body
                clusters.append(cluster)
                if in_note:
                    if sink is not None:
                        sink.append(cluster)
                    continue
                slots.append(Slot(cluster))
                if notes:  # the cluster's own footnote, its text filled in when formatted
                    cluster.note = Token("citation_note", "", 0)
                    cluster.note.meta = {"html": ""}
                    ident = len(new)
                    new[ident] = {"content": child.content, "tokens": [cluster.note]}
                    ref = Token("footnote_ref", "", 0)
                    ref.meta = {"id": ident, "subId": 0}
                    if not any(item.in_text for item in cluster.items):
                        _after_punctuation(out, children[i + 1] if i + 1 < len(children) else None)
                    out.append(ref)
        return out

    label, line = None, 0
    for token in state.tokens:
        if token.type == "footnote_reference_open":
            label = token.meta["label"]
            in_defs.setdefault(label, [])
        elif token.type == "footnote_reference_close":
            label = None
        if token.map:
            line = token.map[0]
        if token.type == "inline" and token.children:
            sink = in_defs[label] if label is not None else None
            token.children = walk(token.children, line, token.content, label is not None, sink)
    for slot, name in label_slots:
        slot.inside = in_defs.get(name, [])
    if notes:
        data["list"] = new
        data["refs"] = {key: (renumber.get(value, value) if value >= 0 else value)
                        for key, value in data["refs"].items()}
    env["citations"] = Citations(clusters, slots, notes)


def _after_punctuation(out: list[Token], following: Token | None) -> None:
    """A note's number goes after the sentence's punctuation and takes no space before it, as
    Pandoc sets notes ("matter [@a]." prints "matter.¹")."""
    if len(out) >= 2 and out[-2].type == "text":
        out[-2].content = out[-2].content.rstrip(" \t")
    if following is not None and following.type == "text":
        stop = len(following.content) - len(following.content.lstrip(".,;:!?"))
        if stop:
            out.append(Token("text", "", 0, content=following.content[:stop]))
            following.content = following.content[stop:]


@dataclass
class Citations:
    clusters: list[Cluster]
    slots: list[Slot]
    notes: bool  # a note style: each cluster of the running text is a footnote


def _render(self, tokens, idx, options, env) -> str:
    """The formatted HTML; a citation never formatted (in a front-matter text) prints as written."""
    html = tokens[idx].meta.get("html")
    return escape(tokens[idx].content) if html is None else html


def plugin(md: MarkdownIt) -> None:
    """Register the rules; after `footnote_plugin` (its tail must run after our core rule)."""
    md.inline.ruler.before("link", "citation", citation_rule)
    md.core.ruler.before("footnote_tail", "citations", _core)
    md.add_render_rule("citation", _render)
    md.add_render_rule("citation_note", _render)


def found(env: dict) -> Citations | None:
    return env.get("citations")
