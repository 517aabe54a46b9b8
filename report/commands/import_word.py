"""A guest author's Word file → a document folder: `python build.py --import FILE.docx`.

Pandoc reads the .docx (every word, footnote and endnote, list, table, link and picture) and
writes the Markdown; between the two, this module reshapes Pandoc's document tree for the
builder: the title, subtitle, byline and keywords go to the front matter, an Executive Summary
and a Recommendations section become `summary` and `recommendations`, headings become `##` and
`###`, tables become pipe tables, pictures go to `images/`, Word charts to `charts.yaml`. What the
editor must supply is written as a `FILL IN:` placeholder, which `--check` lists; what did not
carry over is reported line by line with its place in the Word file (see `wordfile`).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from report.errors import Problems, display_path, printable
from report.commands import reimport
from report.paths import data_root
from report.series.resolve import resolve, series_roots
from report.source.document import PLACEHOLDER
from report.source.word import (CHART_MARK, MAX_UNPACKED, ChartData, Finding, WordFile, WordFileError, read,
                                snippet)
from report.source.wordfields import MARK, Bibliography, Caption, Citation, Reference

# Lazy: pypandoc (its absence is the ConverterMissing message) and Pillow, only for a picture to convert.

INSTALL = "pip install -e '.[import]'"
NEEDS = (f"--import needs Pandoc, which the optional extra 'import' installs (the pypandoc-binary "
         f"wheel ships it): {INSTALL}")
# --sandbox: Pandoc reads nothing but the file and fetches nothing (a .docx may link to the web).
READ_OPTIONS = ["--sandbox", "--track-changes=accept"]
# CommonMark as the builder reads it: footnotes, pipe tables, ~~strike~~, a picture alone in its
# paragraph; never raw HTML (the builder would print it as text).
WRITER = "commonmark+footnotes+pipe_tables+strikeout+implicit_figures-raw_html"
WRITE_OPTIONS = ["--sandbox", "--wrap=auto", "--columns=100"]
SUMMARY = re.compile(r"^(executive summary|summary|abstract|key (points|findings|takeaways)|in brief)$", re.I)
RECOMMENDATIONS = re.compile(r"^((key |main |policy )?recommendations?( for .*| to .*)?|what should be done)$", re.I)
BYLINE = re.compile(r"^by\s+(.+)$", re.I)
SPLIT = "XREPORTSPLITX"
PICTURE_FORMATS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
CONVERTIBLE = {".bmp", ".tif", ".tiff"}  # Pillow (a matplotlib dependency) turns these into PNG
# A caption's own label and number, typed by hand ("Table 3:"): the builder numbers its own.
TABLE_LABEL = re.compile(r"(table|tabell|tabelle|tableau|tabela|tabla|таблица|таблиця)[:.]?", re.I)
FIGURE_LABEL = re.compile(r"(figure|fig\.?|figur|abbildung|chart|graph|map|рисунок|рис\.|малюнок)", re.I)
NUMBER = re.compile(r"\d+([.\-–]\d+)*[:.]?")
SEPARATOR = {":", ".", "-", "–", "—", "|"}
YAML_BREAKS = "\r\n\x85\u2028\u2029"  # what a YAML reader takes for the end of a line
BLANK = ("Space", "SoftBreak", "LineBreak")


class ConverterMissing(Exception):
    pass


@dataclass(frozen=True)
class Folder:
    """What will be written: document.md, its pictures and charts, and the report."""

    slug: str
    document: str
    images: tuple[tuple[str, bytes], ...]
    charts_yaml: str | None
    findings: tuple[Finding, ...]
    placeholders: tuple[str, ...]  # the front-matter keys left for the editor
    references_json: str | None = None  # CSL JSON of the works the citations cite


@dataclass
class _Front:
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_from: str = ""
    bios: dict[int, str] = field(default_factory=dict)  # author index → a note on the name, often the bio
    keywords: list[str] = field(default_factory=list)
    summary: str | None = None
    recommendations: list[str] = field(default_factory=list)


# --- Pandoc -------------------------------------------------------------------------------------

def pandoc():
    """The pypandoc module with a working pandoc, or ConverterMissing."""
    try:
        import pypandoc
    except ImportError:
        raise ConverterMissing(NEEDS) from None
    try:
        pypandoc.get_pandoc_version()
    except OSError:
        raise ConverterMissing(NEEDS + " (pypandoc is installed but finds no pandoc program)") from None
    return pypandoc


def _read_tree(data: bytes, media: Path) -> dict:
    pypandoc = pandoc()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.docx"
        source.write_bytes(data)
        try:
            text = pypandoc.convert_file(str(source), "json", format="docx",
                                         extra_args=READ_OPTIONS + [f"--extract-media={media}"])
        except RuntimeError as exc:
            raise WordFileError(f"Pandoc cannot read it: {str(exc).strip()[:300]}") from None
    return json.loads(text)


def _write(tree: dict, blocks: list) -> str:
    doc = {"pandoc-api-version": tree["pandoc-api-version"], "meta": {}, "blocks": blocks}
    return pandoc().convert_text(json.dumps(doc), WRITER, format="json", extra_args=WRITE_OPTIONS)


def _write_many(tree: dict, parts: list[list]) -> list[str]:
    """Several bits of Markdown in one run of Pandoc, split again at a marker paragraph."""
    if not parts:
        return []
    blocks: list = []
    for part in parts:
        blocks += part + [_para(SPLIT)]
    text = _write(tree, blocks)
    pieces = re.split(rf"^{SPLIT}$", text, flags=re.M)
    return [p.strip() for p in pieces[: len(parts)]]


# --- the tree -----------------------------------------------------------------------------------

def plain(node) -> str:
    """The words of a Pandoc tree node, as one line."""
    out: list[str] = []

    def walk(n):
        if isinstance(n, list):
            for item in n:
                walk(item)
        elif isinstance(n, dict):
            t = n.get("t")
            if t == "Str":
                out.append(n["c"])
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif t == "Note":
                return
            elif t in ("Code", "Math"):
                out.append(n["c"][1])
            elif "c" in n:
                walk(n["c"])
    walk(node)
    return " ".join("".join(out).split())


def _para(text: str) -> dict:
    return {"t": "Para", "c": [{"t": "Str", "c": text}]}


_TAKEN = object()  # a caption paragraph given to the table or picture next to it


def _unlabelled(inlines: list, label: re.Pattern, need_number: bool) -> list:
    """Inlines without a leading 'Table 3:' or 'Table:' (with `need_number`, only 'Figure 2:')."""
    if not inlines or inlines[0].get("t") != "Str" or not label.fullmatch(inlines[0]["c"]):
        return inlines
    rest = inlines[1:]
    while rest and rest[0].get("t") in BLANK:
        rest = rest[1:]
    numbered = bool(rest and rest[0].get("t") == "Str" and NUMBER.fullmatch(rest[0]["c"]))
    if numbered:
        rest = rest[1:]
    elif need_number or not inlines[0]["c"].endswith(":"):
        return inlines
    while rest and (rest[0].get("t") in BLANK or (rest[0].get("t") == "Str" and rest[0]["c"] in SEPARATOR)):
        rest = rest[1:]
    return rest or inlines


def _meta_text(meta: dict, key: str) -> list[str]:
    value = meta.get(key)
    if value is None:
        return []
    if value["t"] == "MetaList":
        return [plain(v["c"]) for v in value["c"] if plain(v["c"])]
    return [plain(value["c"])] if plain(value["c"]) else []


def _meta_notes(meta: dict, key: str) -> list[list[str]]:
    """For each item of a metadata field, the text of the notes attached to it."""
    value = meta.get(key)
    if value is None:
        return []
    items = value["c"] if value["t"] == "MetaList" else [value]
    return [_notes(item["c"]) for item in items if plain(item["c"])]


def _notes(node) -> list[str]:
    found = []
    if isinstance(node, list):
        for n in node:
            found += _notes(n)
    elif isinstance(node, dict):
        if node.get("t") == "Note":
            return [plain(node["c"])]
        found += _notes(node.get("c"))
    return found


def _contains(node, kind: str) -> bool:
    if isinstance(node, list):
        return any(_contains(n, kind) for n in node)
    if isinstance(node, dict):
        return node.get("t") == kind or _contains(node.get("c"), kind)
    return False


def _names(byline: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", byline)
    return [p.strip(" .") for p in parts if p.strip(" .")]


class _Reshape:
    """Pandoc's tree of the Word file, reshaped for the builder (see the module's docstring)."""

    def __init__(self, word: WordFile, tree: dict, media: Path):
        self.word, self.tree, self.media = word, tree, media.resolve()  # where Pandoc put the pictures
        self.findings: list[Finding] = list(word.findings)
        self.front = _Front()
        self.images: list[tuple[str, bytes]] = []
        self.charts_used: list[ChartData] = []
        self.summary_blocks: list | None = None
        self.tables = 0
        self.recommendation_blocks: list[list] | None = None
        self.placed: set[str] = set()  # the labels of the captions written with their table or picture
        self.references: list[tuple[dict, Reference]] = []  # written once every caption is placed
        self.read_pictures: dict[Path, bytes] = {}
        self.shown = 0  # bytes of pictures written, each counted every time it is shown

    def note(self, where: str, what: str) -> None:
        self.findings.append(Finding(where, what))

    def run(self) -> list:
        meta, blocks = self.tree["meta"], self.tree["blocks"]
        front = self.front
        titles = _meta_text(meta, "title")
        front.title = titles[0] if titles else None
        subtitles = _meta_text(meta, "subtitle")
        front.subtitle = subtitles[0] if subtitles else None
        front.authors = _meta_text(meta, "author")
        front.authors_from = "the Author-styled paragraphs" if front.authors else ""
        for i, notes in enumerate(_meta_notes(meta, "author")):
            if notes:
                front.bios[i] = " ".join(notes)
        for key in ("title", "subtitle"):
            for notes in _meta_notes(meta, key):
                for note in notes:
                    self.note(key, f"note on the {key} left out: {note[:60]!r}")
        if "abstract" in meta:  # Abstract-styled paragraphs
            abstract = meta["abstract"]
            self.summary_blocks = abstract["c"] if abstract["t"] == "MetaBlocks" else [{"t": "Para", "c": abstract["c"]}]
        blocks = self._title_from_heading(blocks)
        blocks = self._byline(blocks)
        if not front.authors and self.word.core_authors:
            front.authors = list(self.word.core_authors)
            front.authors_from = "the Word file's properties (File > Info: Author)"
        front.keywords = list(self.word.core_keywords)
        blocks = self._headings(blocks)
        blocks = self._sections(blocks)
        blocks = self._walk_blocks(blocks)
        return blocks

    def _title_from_heading(self, blocks: list) -> list:
        """No Title-styled paragraph: the largest heading, when it opens the text and is the only one."""
        if self.front.title:
            return blocks
        big = self.word.big_opening
        first_text = next((i for i, b in enumerate(blocks) if plain(b)), None)
        if big and first_text is not None and blocks[first_text]["t"] in ("Para", "Plain", "Header") \
                and plain(blocks[first_text]) == big:
            self.front.title = big
            return blocks[:first_text] + blocks[first_text + 1:]
        headers = [b for b in blocks if b["t"] == "Header"]
        if not headers:
            return blocks
        top = min(h["c"][0] for h in headers)
        first = next(i for i, b in enumerate(blocks) if b["t"] == "Header")
        at_top = [h for h in headers if h["c"][0] == top]
        opening = blocks[first]["c"][0] == top and all(b["t"] != "Header" for b in blocks[:first])
        if len(at_top) == 1 and opening and len(headers) > 1 and plain(blocks[first]["c"][2]):
            self.front.title = plain(blocks[first]["c"][2])
            return blocks[:first] + blocks[first + 1:]
        return blocks

    def _byline(self, blocks: list) -> list:
        """'By Jane Doe and John Roe' before the first heading: the authors."""
        for i, block in enumerate(blocks):
            if block["t"] == "Header":
                break
            if block["t"] in ("Para", "Plain"):
                match = BYLINE.match(plain(block["c"]))
                if match and len(match.group(1)) < 200:
                    if not self.front.authors:
                        self.front.authors = _names(match.group(1))
                        self.front.authors_from = "the byline"
                        notes = _notes(block["c"])
                        if len(notes) == len(self.front.authors):  # a note on each name: its bio
                            self.front.bios = dict(enumerate(notes))
                        elif len(self.front.authors) == 1 and notes:
                            self.front.bios = {0: " ".join(notes)}
                        for note in notes if len(self.front.bios) != len(self.front.authors) else []:
                            self.note("byline", f"note on the byline left out: {note[:60]!r}")
                    return blocks[:i] + blocks[i + 1:]
        return blocks

    def _headings(self, blocks: list) -> list:
        levels = sorted({b["c"][0] for b in blocks if b["t"] == "Header"})
        if not levels:
            return blocks
        top = levels[0]
        out = []
        for block in blocks:
            if block["t"] == "Header":
                level, attr, inlines = block["c"]
                if not plain(inlines):
                    continue
                new = min(level - top + 2, 3)
                if level - top + 2 > 3:
                    self.note(f"heading {plain(inlines)[:40]!r}",
                              f"heading level {level} set as a subsection (###): the builder has two levels")
                block = {"t": "Header", "c": [new, ["", [], []], inlines]}
            out.append(block)
        return out

    def _sections(self, blocks: list) -> list:
        """An Executive Summary or Recommendations section moves to the front matter."""
        out: list = []
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if block["t"] == "Header" and block["c"][0] == 2:
                title = plain(block["c"][2]).rstrip(":")
                end = next((j for j in range(i + 1, len(blocks))
                            if blocks[j]["t"] == "Header" and blocks[j]["c"][0] <= 2), len(blocks))
                content = blocks[i + 1:end]
                where = f"section {title!r}"
                if SUMMARY.match(title) and self.summary_blocks is None:
                    if _contains(content, "Note") or _contains(content, "Image") or _contains(content, "Header"):
                        self.note(where, "kept in the body: it holds notes, pictures or subheadings, which a "
                                  "summary cannot; move its text into 'summary' by hand")
                    elif content:
                        self.summary_blocks = content
                        i = end
                        continue
                if RECOMMENDATIONS.match(title) and self.recommendation_blocks is None:
                    items = self._recommendation_items(content)
                    if items is None:
                        self.note(where, "kept in the body: it is not one list or a run of paragraphs (or "
                                  "holds notes); copy each recommendation into 'recommendations' by hand")
                    elif items:
                        self.recommendation_blocks = items
                        i = end
                        continue
            out.append(block)
            i += 1
        return out

    def _recommendation_items(self, content: list) -> list | None:
        if not content or _contains(content, "Note") or _contains(content, "Image") or _contains(content, "Header"):
            return None
        if len(content) == 1 and content[0]["t"] in ("BulletList", "OrderedList"):
            items = content[0]["c"] if content[0]["t"] == "BulletList" else content[0]["c"][1]
            return list(items)
        if all(b["t"] in ("Para", "Plain") for b in content):
            return [[b] for b in content]
        return None

    # one walk over every block: pictures, charts, tables, links
    def _walk_blocks(self, blocks: list) -> list:
        claims = self._pair_captions(blocks)
        out = []
        for i, block in enumerate(blocks):
            claim = claims.get(i)
            if claim is not _TAKEN:
                out.extend(self._block(block, claim))
        return out

    def _pair_captions(self, blocks: list) -> dict:
        """Each numbered caption standing alone, given to the table (after it, else before it) or
        the picture (before it, else after it) next to it: block index → (caption, its words, the
        caption paragraph's inlines), and the caption's own index → _TAKEN."""
        claims: dict = {}
        for i, block in enumerate(blocks):
            if self._bibliography(block):
                claims[i] = _TAKEN
                if self._only_in_section(blocks, i):
                    claims[i - 1] = _TAKEN
                    self.note(f"heading {plain(blocks[i - 1]['c'][2])[:40]!r}", "heading left out: its section "
                              "held only the bibliography")
                continue
            found = self._field_caption(block["c"]) if block["t"] in ("Para", "Plain") else None
            if found is None:
                continue
            fits, order = (self._holds_table, (i + 1, i - 1)) if found[0].kind == "tbl" else \
                (self._holds_picture, (i - 1, i + 1))
            for j in order:
                if 0 <= j < len(blocks) and j not in claims and fits(blocks[j]):
                    claims[j], claims[i] = found + (block["c"],), _TAKEN
                    break
        return claims

    def _bibliography(self, block: dict) -> bool:
        """The paragraph where Zotero's or Mendeley's bibliography was (its marker alone)."""
        match = MARK.fullmatch(plain(block["c"])) if block["t"] in ("Para", "Plain") else None
        return bool(match) and isinstance(self.word.marks.get(int(match.group(1))), Bibliography)

    def _only_in_section(self, blocks: list, i: int) -> bool:
        """Block i is all its heading's section holds."""
        if i == 0 or blocks[i - 1]["t"] != "Header":
            return False
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        return after is None or (after["t"] == "Header" and after["c"][0] <= blocks[i - 1]["c"][0])

    def _field_caption(self, inlines: list) -> tuple[Caption, list] | None:
        """A paragraph that opens with a Word caption's marker: the caption and its own words."""
        while inlines and inlines[0].get("t") == "Span" and not inlines[0]["c"][1]:  # a bookmark's anchor
            inlines = inlines[1:]
        first = inlines[0] if inlines else None
        match = MARK.match(first["c"]) if first and first.get("t") == "Str" else None
        mark = self.word.marks.get(int(match.group(1))) if match else None
        if not isinstance(mark, Caption):
            return None
        words = ([{"t": "Str", "c": first["c"][match.end():]}] if first["c"][match.end():] else []) + inlines[1:]
        while words and (words[0].get("t") in BLANK or (words[0].get("t") == "Str" and not words[0]["c"].lstrip(":.-–—| "))):
            words = words[1:]
        if words and words[0].get("t") == "Str":
            words = [{"t": "Str", "c": words[0]["c"].lstrip(":.-–—| ")}] + words[1:]
        return mark, words

    def _attached(self, block: dict) -> tuple | None:
        """The numbered caption Pandoc gave a table or figure itself (a Caption paragraph before it)."""
        blocks = block["c"][1][1]
        if blocks and blocks[0]["t"] in ("Para", "Plain"):
            found = self._field_caption(blocks[0]["c"])
            if found:
                return found + ([i for b in blocks if b["t"] in ("Para", "Plain") for i in b["c"]],)
        return None

    def _holds_table(self, block: dict) -> bool:
        return block["t"] == "Table" and self._attached(block) is None

    def _holds_picture(self, block: dict) -> bool:
        if block["t"] == "Figure":
            return self._attached(block) is None
        if block["t"] not in ("Para", "Plain"):
            return False
        content = [n for n in block["c"] if n.get("t") not in BLANK]
        return (len(content) == 1 and content[0].get("t") == "Image") or \
            bool(re.fullmatch(CHART_MARK.format(r"\d+"), plain(block["c"])))

    def _block(self, block: dict, claim: tuple | None = None) -> list:
        t = block["t"]
        if t == "Figure":
            _attr, caption, content = block["c"]
            images = self._images_in(content)
            attached = None if claim else self._attached(block)
            if attached and attached[0].kind == "fig":
                claim, attached = attached, None
            caption_text = self._figure_caption(caption[1]) if caption[1] and not claim and not attached else ""
            result = []
            for n, image in enumerate(images):
                result.append(self._picture(image, caption_text or plain(image["c"][1]), claim if n == 0 else None))
            if attached:  # a table's numbered caption over a picture: it stays, as words
                result.append({"t": "Para", "c": self._inlines(attached[2])})
            return self._unplaced(result or self._walk_blocks(content), claim)
        if t in ("Para", "Plain"):
            text = plain(block["c"])
            match = re.fullmatch(CHART_MARK.format(r"(\d+)"), text)
            if match:
                return self._unplaced([self._chart(int(match.group(1)), claim)], claim)
            images = [n for n in block["c"] if n.get("t") == "Image"]
            if images:
                rest = [n for n in block["c"] if n.get("t") != "Image"]
                result = []
                if plain(rest):
                    result.append({"t": t, "c": self._inlines(rest)})
                    self.note(f"picture {len(self.images) + 1}",
                              "picture in a line of text set as a figure of its own after that paragraph")
                for image in images:
                    result.append(self._picture(image, plain(image["c"][1]), claim))
                return self._unplaced(result, claim)
            return [{"t": t, "c": self._inlines(block["c"])}]
        if t == "Table":
            return self._table(block, claim)
        if t in ("BlockQuote",):
            return [{"t": t, "c": self._walk_blocks(block["c"])}]
        if t == "BulletList":
            return [{"t": t, "c": [self._walk_blocks(item) for item in block["c"]]}]
        if t == "OrderedList":
            return [{"t": t, "c": [block["c"][0], [self._walk_blocks(item) for item in block["c"][1]]]}]
        if t == "Div":
            return self._walk_blocks(block["c"][1])
        if t == "Header":
            return [{"t": t, "c": [block["c"][0], block["c"][1], self._inlines(block["c"][2])]}]
        if t == "LineBlock":
            return [{"t": "Para", "c": [i for line in block["c"] for i in line + [{"t": "LineBreak"}]][:-1]}]
        return [block]

    def _images_in(self, node) -> list:
        found = []
        if isinstance(node, list):
            for n in node:
                found += self._images_in(n)
        elif isinstance(node, dict):
            if node.get("t") == "Image":
                return [node]
            found += self._images_in(node.get("c"))
        return found

    def _inlines(self, inlines: list) -> list:
        out = []
        for node in inlines:
            t = node.get("t")
            if t == "Link":
                attr, content, (target, title) = node["c"]
                if target.startswith("#"):  # a bookmark in the Word file: nothing to point to here
                    out.extend(self._inlines(content))
                    continue
                out.append({"t": "Link", "c": [["", [], []], self._inlines(content), [target, title]]})
            elif t == "Note":
                out.append({"t": "Note", "c": self._walk_blocks(node["c"])})
            elif t == "Span":
                out.extend(self._inlines(node["c"][1]))
            elif t in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"):
                out.append({"t": t, "c": self._inlines(node["c"])})
            elif t == "Quoted":
                out.append({"t": t, "c": [node["c"][0], self._inlines(node["c"][1])]})
            elif t == "Str" and "XREPORTFIELD" in node["c"]:
                out.extend(self._marks(node["c"]))
            elif t == "Image":  # inside a link, a table or a note: --check asks for it to stand alone
                self.note(f"picture {len(self.images) + 1}", "picture inside a table, a link or a note: "
                          "move it to a paragraph of its own")
                out.append(self._picture(node, plain(node["c"][1]))["c"][0])
            else:
                out.append(node)
        return out

    def _marks(self, text: str) -> list:
        """A word holding field markers: each marker as the Markdown of its caption, reference or citation."""
        out: list = []
        at = 0
        for match in MARK.finditer(text):
            if match.start() > at:
                out.append({"t": "Str", "c": text[at:match.start()]})
            mark = self.word.marks.get(int(match.group(1)))
            if isinstance(mark, Citation):
                out.append({"t": "RawInline", "c": ["markdown", mark.markdown]})
            elif isinstance(mark, Reference):
                node = {"t": "RawInline", "c": ["markdown", ""]}
                self.references.append((node, mark))
                out.append(node)
            elif isinstance(mark, Bibliography):  # in a paragraph with other words: those stay
                pass
            elif isinstance(mark, Caption):  # next to no table or picture: its words as Word showed them
                fix = ("a table; move it just before its table, as 'Table: …'" if mark.kind == "tbl" else
                       "a picture or chart; make it its picture's caption")
                self.note(mark.where, f"caption {snippet(mark.shown)} kept as a paragraph: it is not next to {fix}")
                out.append({"t": "Str", "c": mark.shown})
            at = match.end()
        if at < len(text):
            out.append({"t": "Str", "c": text[at:]})
        return out

    def _unplaced(self, result: list, claim: tuple | None) -> list:
        """A picture or chart that could not take its numbered caption: the caption stays, as words."""
        if claim and claim[0].label not in self.placed:
            result.append({"t": "Para", "c": self._inlines(claim[2])})
        return result

    def finish(self) -> None:
        """The cross-references, once every caption is placed: to a caption written with its label,
        `@tbl-…` (`[-@tbl-…]` where Word showed only the number); else the words Word showed."""
        for node, reference in self.references:
            if reference.label in self.placed:
                label = reference.label
                node["c"] = ["markdown", f"[-@{label}]" if reference.number_only else f"@{label}"]
            else:
                node["t"], node["c"] = "Str", reference.shown
                self.note(reference.where, f"cross-reference {snippet(reference.shown)} kept as its text: the "
                          "caption it points to is not next to its table or picture")

    def _figure_caption(self, blocks: list) -> str:
        """A picture's caption typed by hand, without the 'Figure 2:' the builder writes itself."""
        inlines = [i for b in blocks if b["t"] in ("Para", "Plain") for i in b["c"]]
        return plain(_unlabelled(inlines, FIGURE_LABEL, need_number=True))

    def _picture(self, image: dict, caption: str, claim: tuple | None = None) -> dict:
        _attr, _alt, (target, _title) = image["c"]
        source = Path(target).resolve()
        if not (source.is_relative_to(self.media) and source.is_file()):
            # A picture linked from the Word file (a web address, a path on the author's disk) is
            # never fetched nor read: only what the file itself holds comes over.
            self.note(f"picture {len(self.images) + 1}", "picture linked from the Word file, not stored in it: "
                      "ask the author for it")
            return _para(f"{PLACEHOLDER}: a picture linked from the Word file, not stored in it")
        name = self._store_image(source)
        words = self._caption_words(caption, claim)
        if not words:
            words = [{"t": "Str", "c": f"{PLACEHOLDER}: a caption for picture {len(self.images)} "
                                       "(it is also its text alternative)"}]
            self.note(f"picture {len(self.images)}", "picture without a caption or alt text: "
                      f"a placeholder stands in images/{name}'s caption")
        return {"t": "Para", "c": [{"t": "Image", "c": [["", [], []], words,
                                                        [f"images/{name}", ""]]}] + self._label(claim)}

    def _caption_words(self, caption: str, claim: tuple | None) -> list:
        """A picture's caption: the words of Word's numbered caption (citations and all), else `caption`."""
        if claim:
            words = self._inlines(claim[1])
            if plain(words) or any(n.get("t") == "RawInline" for n in words):
                return words
            return []
        return [{"t": "Str", "c": caption.strip()}] if caption.strip() else []

    def _label(self, claim: tuple | None) -> list:
        """`{#fig-…}` after a picture, ` {#tbl-…}` after a table's caption; the label is then placed."""
        if not claim:
            return []
        label = claim[0].label
        self.placed.add(label)
        return [{"t": "RawInline", "c": ["markdown", ("{#" if label.startswith("fig-") else " {#") + label + "}"]}]

    def _store_image(self, source: Path) -> str:
        # Each showing gets a file of its own, even of one picture: the builder numbers each as a figure.
        # So each showing counts against the unpacked limit (one picture shown 1,500 times is 1,500 files),
        # and one picture is read once, its bytes shared by its showings.
        data = self.read_pictures.get(source)
        if data is None:
            size = source.stat().st_size
            if self.shown + size > MAX_UNPACKED:
                raise self._too_much()
            data = self.read_pictures[source] = source.read_bytes()
        self.shown += len(data)
        if self.shown > MAX_UNPACKED:
            raise self._too_much()
        suffix = source.suffix.lower()
        number = len(self.images) + 1
        if suffix in CONVERTIBLE and data:
            from PIL import Image
            with Image.open(io.BytesIO(data)) as picture:
                buffer = io.BytesIO()
                picture.save(buffer, "PNG")
            data, suffix = buffer.getvalue(), ".png"
        elif suffix not in PICTURE_FORMATS:
            self.note(f"picture {number}", f"picture in {suffix or 'an unknown'} format, which PDFs "
                      "cannot show: ask the author for it as PNG or JPEG (--check names the file)")
        suffix = ".jpg" if suffix == ".jpeg" else suffix
        name = f"picture-{number}{suffix}"
        self.images.append((name, data))
        return name

    def _too_much(self) -> WordFileError:
        return WordFileError(f"its pictures, each counted every time it is shown, come to more than "
                             f"{MAX_UNPACKED >> 20} MB; the importer takes up to {MAX_UNPACKED >> 20} MB unpacked")

    def _chart(self, number: int, claim: tuple | None = None) -> dict:
        chart = self.word.charts[number - 1] if number <= len(self.word.charts) else None
        if chart is None or not chart.kind or not chart.series:
            title = chart.title if chart and chart.title else f"chart {number}"
            return _para(f"{PLACEHOLDER}: the chart {title!r} of the Word file, as a chart in charts.yaml")
        self.charts_used.append(chart)
        words = (self._caption_words("", claim) if claim else []) or \
            [{"t": "Str", "c": chart.title or f"{PLACEHOLDER}: a caption for chart {number}"}]
        return {"t": "Para", "c": [{"t": "Image", "c": [["", [], []], words,
                                                        [f"chart:chart-{number}", ""]]}] + self._label(claim)}

    def _table(self, block: dict, claim: tuple | None = None) -> list:
        """Pipe tables hold one line per cell: each cell's blocks are joined, spans filled; the
        caption is a paragraph `Table: …` before it, with the label of Word's numbered caption."""
        attr, caption, colspecs, head, bodies, foot = block["c"]
        width = len(colspecs)
        self.tables += 1
        cells = [cell for rows in [head[1], foot[1]] + [b[2] + b[3] for b in bodies] for _a, row in rows for cell in row]
        if any(c[2] > 1 or c[3] > 1 or len(c[4]) > 1 or any(b["t"] not in ("Para", "Plain") for b in c[4])
               for c in cells):
            self.note(f"table {self.tables}", "merged cells, lists or several paragraphs in a cell: each cell "
                      "is written on one line of a pipe table (merged cells repeat as empty ones); check it")
        spans: dict[int, int] = {}  # column → rows still covered by a row span above

        def flat(rows):
            result = []
            for _rattr, cells in rows:
                line: list = []
                queue = list(cells)
                col = 0
                while col < width:
                    if spans.get(col, 0) > 0:
                        spans[col] -= 1
                        line.append([])
                        col += 1
                        continue
                    if not queue:
                        line.append([])
                        col += 1
                        continue
                    _cattr, _align, rowspan, colspan, content = queue.pop(0)
                    line.append(self._cell(content))
                    for extra in range(col, col + colspan):
                        if rowspan > 1:
                            spans[extra] = rowspan - 1
                    line.extend([] for _ in range(colspan - 1))
                    col += colspan
                result.append(line[:width])
            return result

        head_rows = flat(head[1])
        body_rows = []
        for body in bodies:
            body_rows += flat(body[2]) + flat(body[3])
        body_rows += flat(foot[1])
        if not head_rows:
            head_rows = [body_rows.pop(0)] if body_rows else [[[] for _ in range(width)]]
        elif len(head_rows) > 1:
            body_rows = head_rows[1:] + body_rows
            head_rows = head_rows[:1]

        def row(cells):
            return [["", [], []], [[["", [], []], {"t": "AlignDefault"}, 1, 1,
                                    [{"t": "Plain", "c": c}] if c else []] for c in cells]]

        table = {"t": "Table", "c": [["", [], []], [None, []],
                                     [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(width)],
                                     [["", [], []], [row(head_rows[0])]],
                                     [[["", [], []], 0, [], [row(r) for r in body_rows]]],
                                     [["", [], []], []]]}
        return self._table_caption(caption[1], claim or self._attached(block)) + [table]

    def _table_caption(self, blocks: list, claim: tuple | None) -> list:
        if claim and claim[0].kind == "tbl":
            words = self._inlines(claim[1])
            if not plain(words):
                words = [{"t": "Str", "c": f"{PLACEHOLDER}: a caption for {claim[0].shown}"}]
            return [{"t": "Para", "c": [{"t": "Str", "c": "Table:"}, {"t": "Space"}] + words + self._label(claim)}]
        inlines: list = []
        for b in blocks:
            if b["t"] in ("Para", "Plain"):
                inlines += ([{"t": "Space"}] if inlines else []) + b["c"]
        words = self._inlines(inlines)
        if claim:  # a figure's numbered caption over a table: it stays, as words
            return [{"t": "Para", "c": self._inlines(claim[2])}] + ([{"t": "Para", "c": words}] if words else [])
        words = _unlabelled(words, TABLE_LABEL, need_number=False)
        return [{"t": "Para", "c": [{"t": "Str", "c": "Table:"}, {"t": "Space"}] + words}] if plain(words) else []

    def _cell(self, content: list) -> list:
        inlines: list = []
        for block in self._walk_blocks(content):
            parts = self._cell_inlines(block)
            if parts:
                if inlines:
                    inlines.append({"t": "Space"})
                inlines += parts
        return [{"t": "Space"} if n.get("t") in ("SoftBreak", "LineBreak") else n for n in inlines]

    def _cell_inlines(self, block: dict) -> list:
        t = block["t"]
        if t in ("Para", "Plain", "Header"):
            return block["c"][2] if t == "Header" else block["c"]
        if t in ("BulletList", "OrderedList"):
            items = block["c"] if t == "BulletList" else block["c"][1]
            out: list = []
            for n, item in enumerate(items, 1):
                mark = "•" if t == "BulletList" else f"{n}."
                out += [{"t": "Str", "c": mark}, {"t": "Space"}]
                for b in item:
                    out += self._cell_inlines(b) + [{"t": "Space"}]
            return out
        if t in ("BlockQuote", "Div"):
            blocks = block["c"] if t == "BlockQuote" else block["c"][1]
            return [i for b in blocks for i in self._cell_inlines(b) + [{"t": "Space"}]]
        return [{"t": "Str", "c": plain(block)}] if plain(block) else []


# --- the folder ---------------------------------------------------------------------------------

def convert(path: Path, series=None, series_required: tuple[str, ...] | None = None) -> Folder:
    """The document folder's content for a Word file; WordFileError when it cannot be imported."""
    pandoc()  # before anything else: without the extra, say so first
    word = read(path)
    with tempfile.TemporaryDirectory() as tmp:
        tree = _read_tree(word.prepared, Path(tmp))
        shape = _Reshape(word, tree, Path(tmp))
        body_blocks = shape.run()
        parts = [shape._walk_blocks(shape.summary_blocks)] if shape.summary_blocks is not None else []
        parts += [shape._walk_blocks(item) for item in shape.recommendation_blocks or []]
        shape.finish()
        body = _write(tree, body_blocks)  # alone: its notes are written at its end
        texts = _write_many(tree, parts)
    summary = texts[0] if shape.summary_blocks is not None else None
    recommendations = texts[1 if summary is not None else 0:]
    front = shape.front
    front.summary = summary
    front.recommendations = recommendations
    if not body.strip():
        raise WordFileError("the document holds no text for the body once its title and summary are taken out")
    document, placeholders = front_matter(front, word, series, series_required, shape.findings)
    charts = charts_yaml(shape.charts_used) if shape.charts_used else None
    slug = slugify(front.title or "") or slugify(path.stem) or "imported"
    findings = sorted(shape.findings, key=_place)
    references = (json.dumps(list(word.references), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
                  if word.references else None)
    return Folder(slug, document + "\n" + body.rstrip() + "\n", tuple(shape.images), charts,
                  tuple(findings), placeholders, references)


def _place(finding: Finding) -> tuple:
    """Report order: the text's paragraphs in order, then notes, then the rest as found."""
    match = re.match(r"(paragraph|footnote|endnote) (\d+)", finding.where)
    kinds = {"paragraph": 0, "footnote": 1, "endnote": 2}
    return (kinds[match[1]], int(match[2])) if match else (3, 0)


def _quoted(text: str) -> str:
    """A YAML string in double quotes, as PyYAML's emitter writes it: every line break and
    control character escaped, so the value stays on its line whatever the Word file held."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**30).rstrip("\n")


def _scalar(text: str, flow: bool = False) -> str:
    """A YAML string: plain when that is safe (and reads back the same), else quoted by the emitter;
    in a flow list (`flow`) a comma is quoted too."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ,.'’()/–-]*", text) and not text.endswith(" ") and ": " not in text \
            and not (flow and "," in text) and yaml.safe_load(text) == text:
        return text
    return _quoted(text)


def _block_scalar(text: str, indent: str) -> str:
    """Multi-line Markdown as a YAML literal block (checked to read back the same), else quoted."""
    literal = "|-\n" + "\n".join(indent + line if line else "" for line in text.split("\n"))
    if not any(c in text for c in YAML_BREAKS):
        try:
            if yaml.safe_load("k: " + literal)["k"] == text:
                return literal
        except yaml.YAMLError:
            pass
    return _quoted(text)


def _comment(text: str) -> str:
    """Words from the Word file on a `#` line: one line, whatever they hold (a style's name, a
    comment's author): line breaks and control characters are written as escapes."""
    return printable(text)


def front_matter(front: _Front, word: WordFile, series, series_required, findings) -> tuple[str, tuple[str, ...]]:
    """document.md's front matter: every value written by the YAML emitter (`_scalar`,
    `_block_scalar`), every word of the Word file on a comment line made one line (`_comment`),
    and the whole read back and compared with what was meant: no text of the file can add a key."""
    lines = ["---", f"# Imported from {_comment(word.path.name)} by 'python build.py --import'.",
             f"# Fill in every '{PLACEHOLDER}' value; 'python build.py FOLDER --check' lists those left."]
    if findings:
        lines.append(f"# What did not carry over as it was ({len(findings)}); delete these lines once settled:")
        lines += [f"#   {_comment(finding.where)}: {_comment(finding.what)}"
                  for finding in sorted(findings, key=_place)]
    left: list[str] = []

    def hole(key: str, what: str) -> str:
        left.append(key)
        return _quoted(f"{PLACEHOLDER}: {what}")

    lines.append(f"series: {series}" if series else
                 "series: " + hole("series", "the series id, e.g. sceeus-guest-commentary (python build.py --list-series)"))
    lines.append("number: " + hole("number", "its number in the series (delete this line if it has none)"))
    lines.append("year: " + hole("year", "the year of publication, e.g. 2025"))
    if word.lang:
        lines.append(f"lang: {_scalar(word.lang)}")
    if front.title:
        lines.append(f"title: {_scalar(front.title)}")
    else:
        hint = f"; its properties say {word.core_title!r}" if word.core_title else ""
        lines.append("title: " + hole("title", f"the title (the Word file has no Title-styled paragraph{hint})"))
    if front.subtitle:
        lines.append(f"subtitle: {_scalar(front.subtitle)}")
    lines.append("authors:")
    if front.authors:
        lines.append(f"  # from {front.authors_from}: check the names; add affiliation and bio")
        for i, name in enumerate(front.authors):
            lines.append(f"  - name: {_scalar(name)}")
            if i in front.bios:
                lines.append(f"    bio: {_scalar(front.bios[i])}  # the note on the name: check it")
    else:
        lines.append("  - name: " + hole("authors", "the author's name (the Word file names none)"))
    lines.append("  #   affiliation: …")
    lines.append("  #   bio: …          (Markdown)")
    if front.keywords:
        lines.append("keywords: [" + ", ".join(_scalar(k, flow=True) for k in front.keywords) + "]")
    if any(isinstance(mark, Bibliography) for mark in word.marks.values()):
        lines.append("# bibliography: true   # uncomment for a list of the works cited (references.json) at the "
                     "end, as the Word file had")
    required = series_required if series_required is not None else ("summary",)
    if front.summary:
        lines.append("summary: " + _block_scalar(front.summary, "  "))
    elif "summary" in required:
        why = "" if series else " (required by the SCEEUS series; delete for a series that does not need one)"
        lines.append("summary: " + hole("summary", f"the Executive Summary, in Markdown{why}"))
    if front.recommendations:
        lines.append("recommendations:")
        for item in front.recommendations:
            lines.append("  - " + (_block_scalar(item, "    ") if "\n" in item else _scalar(item)))
    elif "recommendations" in required:
        lines.append("recommendations:")
        lines.append("  - " + hole("recommendations", "the first recommendation"))
    lines.append("---")
    text = "\n".join(lines)
    _reads_back(yaml.safe_load(text.strip("-\n").rsplit("\n---", 1)[0]), front, word)
    return text, tuple(left)


def _reads_back(loaded: dict, front: _Front, word: WordFile) -> None:
    """What the front matter says is what the Word file gave, key by key, and nothing more."""
    optional = {"lang": word.lang, "subtitle": front.subtitle, "keywords": front.keywords}
    keys = {"series", "number", "year", "title", "authors"} | {key for key, value in optional.items() if value}
    meant = {"title": front.title, "subtitle": front.subtitle, "lang": word.lang, "keywords": front.keywords,
             "summary": front.summary, "recommendations": front.recommendations or None}
    same = isinstance(loaded, dict) and keys <= set(loaded) <= keys | {"summary", "recommendations"} and all(
        loaded.get(key) == value for key, value in meant.items() if value and key in loaded)
    if same and front.authors:
        same = [a.get("name") for a in loaded["authors"]] == front.authors and all(
            loaded["authors"][i].get("bio") == bio for i, bio in front.bios.items())
    if not same:
        raise WordFileError("the front matter written from it does not read back as it should; please send "
                            "the file to the maintainers")


def charts_yaml(charts: list[ChartData]) -> str:
    out = ["# Charts rebuilt from the figures saved with the Word file's own charts.",
           "# Check each one: its type, unit and source; see the README's 'Charts'."]
    for chart in charts:
        out.append(f"chart-{chart.number}:")
        out.append(f"  type: {chart.kind}")
        out.append("  x: [" + ", ".join(_scalar(x, flow=True) if not re.fullmatch(r"-?\d+(\.\d+)?", x) else x
                                        for x in chart.x) + "]")
        out.append("  series:")
        for name, values in chart.series:
            shown = ", ".join("null" if v is None else (str(int(v)) if v == int(v) else repr(v)) for v in values)
            out.append(f"    {_scalar(name)}: [{shown}]")
        if chart.alt:
            out.append(f"  alt: {_scalar(chart.alt)}")
    text = "\n".join(out) + "\n"
    yaml.safe_load(text)
    return text


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def write(folder: Folder, target: Path, force: bool, keep: bool = False) -> list[Path]:
    """Write the folder whole, or nothing: built beside the target, then renamed into place.
    `keep`: the target's files that the import does not write (charts, data, pictures) stay."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    old = None
    try:
        if keep and target.is_dir():
            shutil.copytree(target, staging, symlinks=True, dirs_exist_ok=True)
        (staging / "document.md").write_text(folder.document, encoding="utf-8")
        if folder.images:
            (staging / "images").mkdir(exist_ok=True)
            for name, data in folder.images:
                (staging / "images" / name).write_bytes(data)
        if folder.charts_yaml:
            (staging / "charts.yaml").write_text(folder.charts_yaml, encoding="utf-8")
        if folder.references_json:
            (staging / "references.json").write_text(folder.references_json, encoding="utf-8")
        if target.exists():
            if not force:
                raise FileExistsError(target)
            old = target.parent / f".{target.name}.old"
            if old.exists():
                shutil.rmtree(old)
            target.rename(old)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    written = [target / "document.md"]
    written += [target / "images" / name for name, _ in folder.images]
    if folder.charts_yaml:
        written.append(target / "charts.yaml")
    if folder.references_json:
        written.append(target / "references.json")
    return written


# --- the command --------------------------------------------------------------------------------

def run(source: Path, into: Path | None, force: bool, series: str | None, style_roots: tuple[Path, ...],
        quiet: bool) -> int:
    """`--import`: 0 written; 1 the Word file cannot be imported, the folder exists, or no Pandoc."""
    def fail(message: str) -> int:
        print(printable(f"{display_path(source)}: {message}"), file=sys.stderr)
        return 1

    required = None
    if series is not None and ("/" in series or series.startswith(".")):
        print("--series with --import takes a series id (the front matter cannot name a folder)", file=sys.stderr)
        return 2
    if series is not None:
        problems = Problems()
        resolved = resolve(series, problems, series_roots(style_roots), ("--series", None))
        if resolved is None:
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1
        required, series = resolved.required, resolved.id
    def taken() -> int:
        return fail(f"{display_path(into)} exists already: choose another --into folder, or add --force to replace it")

    existing = into is not None and (into / "document.md").is_file()
    if into is not None and into.exists() and not force and not existing:
        return taken()
    try:
        folder = convert(source, series, required)
    except ConverterMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    except WordFileError as exc:
        return fail(f"cannot import: {exc}")
    comparison = reimport.compare(folder.document, into, style_roots) if existing else None
    if existing and comparison is None and not force:  # a document.md that cannot be read: no comparison
        return taken()
    if comparison is not None:  # a document there already: what changes comes first
        for line in comparison.changes:
            print(line, file=sys.stderr)
        where = display_path(into)
        if not comparison.changes:
            print(f"{where}: no changes against the Word file; nothing written", file=sys.stderr)
            return 0
        if not force:
            print(f"{where}: {len(comparison.changes)} change(s) from {display_path(source)}; nothing written: "
                  "add --force to replace the text with the Word file's", file=sys.stderr)
            return 1
        folder = reimport.with_comparison(folder, comparison)
    if into is None:
        into = data_root() / folder.slug
    try:
        written = write(folder, into, force, keep=comparison is not None)
    except FileExistsError:
        return fail(f"{display_path(into)} exists already: name another folder with --into, or add --force to replace it")
    except OSError as exc:
        return fail(f"cannot write {display_path(into)}: {exc.strerror or exc}")
    for path in written:
        print(display_path(path))
    for finding in folder.findings:
        print(printable(f"{display_path(source)}: {finding.where}: {finding.what}"), file=sys.stderr)
    if not quiet:
        where = display_path(into)
        todo = (f"fill in {', '.join(folder.placeholders)} (marked {PLACEHOLDER}), then "
                if folder.placeholders else "")
        print(f"{where}: imported; {len(folder.findings)} thing(s) did not carry over as they were; "
              f"{todo}check with: python build.py {where} --check", file=sys.stderr)
    return 0
