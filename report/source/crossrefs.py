"""Cross-references: labels on what has a number, and `@fig-…` references that print it.

Labels, as Pandoc and Quarto write them:

- figures: a chart `trade` of charts.yaml is `fig-trade`; a picture (or a chart) takes one
  after it, `![Caption](map.png){#fig-map}`;
- tables: at the end of the caption line, `Table: Caption {#tbl-prices}`;
- sections: at the end of a heading, `## Trade {#sec-trade}` (the heading's id);
- recommendations: `rec-1`, `rec-2` … in the order of the front matter's list;
- notes: a footnote whose label starts `note-`, `[^note-ports]`.

References: `@fig-trade` prints "Figure 1" in the document's language, a link to the figure;
`[-@fig-trade]` the number alone; `[@fig-a; @fig-b]` both. A section is named by its number
in a series that numbers its sections ("Section 2"), else by its title in the language's
quotation marks. The inline rule claims only keys with these prefixes, so that `@smith2020`
is left to a citation rule, and never an address (`jane@fig-trade.org`).

The numbers are known once the whole body is read (figures are numbered in order of first
reference), so the rule leaves a `crossref` token that is rendered from the `Registry` which
`collect` builds and the pipeline puts in the renderer's `env`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from markdown_it.token import Token

from report import languages as i18n

PREFIXES = ("fig", "tbl", "sec", "rec", "note", "eq")  # the keys this rule claims; any other is a citation's
KEY = rf"(?:{'|'.join(PREFIXES)})-\w+(?:[-.:]\w+)*"
BARE = re.compile(KEY)
# `[@fig-a]`, `[-@fig-a]`, `[@fig-a; -@tbl-b]`: only keys, each ours
GROUP = re.compile(rf"\[\s*(-?@{KEY}(?:\s*;\s*-?@{KEY})*)\s*\]")
ITEM = re.compile(rf"(-?)@({KEY})")
LABEL_AT_END = re.compile(rf"[ \t]*\{{#({KEY})\}}[ \t]*$")
NOTE_DEFINITION = re.compile(r" {0,3}\[\^(note-[^\]\s]+)\]:")
NOT_BEFORE = set("_.+-@/\\")  # a word character or these before `@`: an address, not a reference
# Plain text naming a numbered thing: the label's words in every catalogue ("Tabell 3").
WORD_KEYS = {"figure": "fig", "table": "tbl", "recommendation": "rec"}
MAX_LISTED = 12  # labels a message lists
MAX_RANKED = 10  # unknown labels whose message ranks the labels by likeness (each costs a pass over them)
MAX_SCORED = 200  # labels scored one by one; above, only the close ones are found


def register(md) -> None:
    """The inline rule (before links, so `[@fig-a]` is ours and `[text](#fig-a)` a link), the
    core rule that takes `{#label}` off a heading or paragraph, and the renderer."""
    md.inline.ruler.before("link", "crossref", _inline_rule)
    md.core.ruler.after("block", "crossref_labels", _label_rule)
    md.add_render_rule("crossref", _render)


def _inline_rule(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    char = src[pos]
    if char == "@":
        before = src[pos - 1] if pos > 0 else " "
        if before.isalnum() or before in NOT_BEFORE:
            return False
        match = BARE.match(src, pos + 1)
        if not match:
            return False
        items = ((match.group(), False),)
        end = match.end()
        bracket = False
    elif char == "[":
        match = GROUP.match(src, pos)
        if not match or src[match.end():match.end() + 1] in ("(", "["):  # a link's text
            return False
        items = tuple((m.group(2), bool(m.group(1))) for m in ITEM.finditer(match.group(1)))
        end = match.end()
        bracket = True
    else:
        return False
    if not silent:
        token = state.push("crossref", "", 0)
        token.content = src[pos:end]
        token.meta = {"items": items, "bracket": bracket, "in_link": state.linkLevel > 0}
    state.pos = end
    return True


def _label_rule(state) -> None:
    """`{#sec-…}` at the end of a heading, `{#tbl-…}` of a caption, `{#fig-…}` after a
    picture: taken off the text (before it is parsed) and kept as the inline token's label."""
    tokens = state.tokens
    for i, token in enumerate(tokens[1:], start=1):
        if token.type != "inline" or tokens[i - 1].type not in ("heading_open", "paragraph_open"):
            continue
        match = LABEL_AT_END.search(token.content)
        if match:
            token.meta = {**(token.meta or {}), "label": match.group(1)}
            token.content = token.content[:match.start()].rstrip()


def _render(self, tokens, idx, options, env) -> str:
    refs = (env or {}).get("crossrefs")
    token = tokens[idx]
    if refs is None:  # a text rendered outside a document (a series' disclaimer): as written
        return escape(token.content)
    return refs.html(token.meta["items"], link=not token.meta.get("in_link"))  # never a link in a link


def plain(token: Token, refs: "Registry | None") -> str:
    """A reference as words without markup (a heading in the contents, the PDF's outline)."""
    if refs is None:
        return token.content
    texts = [refs.text(label, alone) for label, alone in token.meta["items"]]
    if len(texts) == 1:
        return texts[0]
    return i18n.Labels(refs.lang).get("list-and", items=", ".join(texts[:-1]), last=texts[-1])


# -- what has a label ------------------------------------------------------------------------

@dataclass
class Target:
    label: str
    kind: str  # figure, table, section, recommendation, note
    number: str | None  # "1", "2.1"; None: a section named by its title
    anchor: str  # the element's id
    line: int | None
    column: int | None = None
    title: str = ""  # a section's heading text
    automatic: bool = False  # a chart's or a recommendation's: its id changes only when referred to


@dataclass
class Registry:
    """Every label of one document, and the references to them."""

    lang: str = "en"
    targets: dict[str, Target] = field(default_factory=dict)
    referred: set[str] = field(default_factory=set)
    figures: dict[str, list[str]] = field(default_factory=dict)  # image target → its labels
    counts: dict[str, int] = field(default_factory=dict)  # how many are numbered: fig, tbl, rec

    def text(self, label: str, alone: bool = False) -> str:
        target = self.targets.get(label)
        if target is None:
            return "@" + label
        labels = i18n.Labels(self.lang)
        if target.number is None:
            quotes = labels.quotes()
            return f"{quotes[0]}{target.title}{quotes[1]}"
        if alone:
            return target.number
        return labels.get(_LABEL_KEY[target.kind], number=target.number)

    def html(self, items, link: bool = True) -> str:
        links = []
        for label, alone in items:
            target = self.targets.get(label)
            text = escape(self.text(label, alone))
            if target is None or not link:
                links.append(text)
            else:
                links.append(f'<a class="xref" href="#{escape(target.anchor)}">{text}</a>')
        if len(links) == 1:
            return links[0]
        return escape(i18n.Labels(self.lang).get("list-and", items="\0", last="\1")).replace(
            "\0", ", ".join(links[:-1])).replace("\1", links[-1])

    def anchor(self, label: str, default: str) -> str:
        """A figure's or a recommendation's id: its label when labelled by hand or referred to,
        else what it always was (so that a document without references keeps its bytes)."""
        target = self.targets.get(label)
        if target is None or (target.automatic and label not in self.referred):
            return default
        return target.anchor

    def figure_anchor(self, target: str, number: int) -> str:
        """The id of the figure showing `target` (a chart: chart:id, a picture: its path): its
        label by hand, else its chart's label when referred to, else figure-N as always."""
        labels = [self.targets[k] for k in self.figures.get(target, ()) if k in self.targets]
        chosen = ([t.label for t in labels if not t.automatic]
                  + [t.label for t in labels if t.label in self.referred] + [f"figure-{number}"])
        return chosen[0]

    def settle(self) -> None:
        """Every label of a figure links to the one id the figure gets."""
        for target, labels in self.figures.items():
            found = [self.targets[k] for k in labels if k in self.targets]
            if found:
                ident = self.figure_anchor(target, int(found[0].number))
                for t in found:
                    t.anchor = ident


_LABEL_KEY = {"figure": "figure", "table": "table", "section": "section", "recommendation": "recommendation",
              "note": "note-ref"}


def defined_ids(tokens: list[Token]) -> set[str]:
    """The labels set by hand (`{#…}`): no heading's generated id may take one."""
    return {t.meta["label"] for t in tokens if t.type == "inline" and t.meta and t.meta.get("label")}


# -- collecting and checking -------------------------------------------------------------------
