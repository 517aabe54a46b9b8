"""Word's fields that carry meaning: captions, cross-references and citations.

Word keeps a caption's number, a "see Table 1" and a Zotero or Mendeley citation as fields: an
instruction (`SEQ Table`, `REF _Ref123456 \\h`, `ADDIN ZOTERO_ITEM CSL_CITATION {…}`) and the
text it showed last. Pandoc keeps only that text, so "Table 1" and "(Doe 2020, 12)" would come
through as dead words. Here each part (the body, the notes) is read in one walk: a caption gets
a label from its words (`tbl-exports-by-year`), a cross-reference the label of the caption its
bookmark stands on, a cited work a key (`doe2020`) and its CSL JSON entry. Each field mapped is
replaced, in the copy handed to Pandoc, by one marker word (`XREPORTFIELD3X`) that the importer
writes as Markdown: `Table: … {#tbl-…}`, `@tbl-…`, `[@doe2020, p. 12]`. A field that cannot be
mapped keeps the text Word showed and is reported with its place.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, T, R = W + "p", W + "t", W + "r"
FIELD_MARK = "XREPORTFIELD{}X"
MARK = re.compile(r"XREPORTFIELD(\d+)X")
# Deleted words: tracked changes are accepted, so these are gone.
SKIP = {W + "del", W + "moveFrom"}
# Elements a cut leaves in place: they hold no text, and the paragraph needs its properties.
KEEP = {W + "pPr", W + "rPr", W + "bookmarkStart", W + "bookmarkEnd"}

# The name of a caption's numbering (Word's caption label, in the languages SCEEUS works with).
TABLE_WORDS = {"table", "tabell", "tabelle", "tableau", "tabela", "tabla", "tablica", "таблица", "таблиця", "табліца"}
FIGURE_WORDS = {"figure", "fig", "figur", "abbildung", "bild", "chart", "graph", "map", "diagram", "diagramm",
                "rysunek", "wykres", "рисунок", "рис", "малюнок", "схема", "диаграмма", "діаграма", "карта"}
# LibreOffice's caption paragraph styles, besides Word's Caption.
CAPTION_STYLES = {"illustration", "drawing", "figure", "table"}
# Fields Pandoc reads itself, or whose loss the survey reports already: nothing to say.
QUIET = {"HYPERLINK", "TOC", "EMBED", "INCLUDEPICTURE", "SHAPE", "XE", "TC", "RD", "PRIVATE", "ADVANCE",
         "STYLEREF"}  # STYLEREF: a chapter's number before a caption's ("Table 2-1")
# CSL locator labels as Pandoc's citation syntax reads them.
LOCATOR_TERMS = {"book": "bk.", "chapter": "chap.", "column": "col.", "figure": "fig.", "folio": "fol.",
                 "issue": "no.", "line": "l.", "note": "n.", "number": "no.", "opus": "op.", "page": "p.",
                 "paragraph": "para.", "part": "pt.", "section": "sec.", "sub-verbo": "s.v.", "sub verbo": "s.v.",
                 "verse": "v.", "volume": "vol."}
KEY = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]*[A-Za-z0-9_]|[A-Za-z]")
CYRILLIC = {letter: "" if latin == "-" else latin for letter, latin in zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
    "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i i ie g u".split())}


@dataclass(frozen=True)
class Caption:
    """A table's or figure's caption numbered by Word."""

    kind: str  # "tbl" | "fig"
    label: str  # "tbl-exports-by-year"
    shown: str  # "Table 1": the words before the caption's own, as Word showed them
    where: str


@dataclass(frozen=True)
class Reference:
    """A cross-reference to a numbered caption."""

    label: str
    number_only: bool  # it showed "1", not "Table 1"
    shown: str
    where: str


@dataclass(frozen=True)
class Citation:
    markdown: str  # "[@doe2020, p. 12; -@roe2019]"


@dataclass(frozen=True)
class Bibliography:
    """Where Zotero's or Mendeley's list of references was: the builder makes its own."""

    maker: str


@dataclass(frozen=True)
class Fields:
    marks: dict[int, Caption | Reference | Citation | Bibliography]  # by marker number
    references: tuple[dict, ...]  # CSL JSON items, sorted by their keys
    findings: tuple[tuple[str, str], ...]  # (where, what)
    changed: bool  # a part was edited


def ascii_words(text: str) -> str:
    """Lower-case ASCII letters and digits (Cyrillic transliterated), other characters as spaces."""
    out = []
    for char in text.lower():
        char = CYRILLIC.get(char, char)
        out.append(unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode())
    return re.sub(r"[^a-z0-9]+", " ", "".join(out)).strip()


def _snippet(text: str, limit: int = 50) -> str:  # word.snippet's twin: word imports this module
    text = " ".join(text.split())
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


@dataclass
class _Para:
    element: ET.Element
    where: str
    caption_style: bool
    before: list = field(default_factory=list)  # its text before its caption number
    after: list | None = None  # its text after the caption number, once one is found
    caption: dict | None = None  # kind, shown, field (and text, once the paragraph ends)


@dataclass
class _Open:
    """A complex field (fldChar begin … separate … end) being read."""

    begin: ET.Element
    para: _Para
    where: str
    code: list = field(default_factory=list)
    shown: list = field(default_factory=list)
    result: bool = False  # past its separate mark: its text is what Word shows


@dataclass
class _Field:
    code: str
    shown: str
    begin: ET.Element
    end: ET.Element
    para: _Para
    where: str
    order: int = 0  # its place among the fields: the report lists them in reading order
    spans: bool = False  # it ends in another paragraph than it begins


class FieldReader:
    """Reads the fields of each part, then maps them all at once (a reference may come before
    its caption, a work's key depends on every work cited) and edits the parts in one pass."""

    def __init__(self, styles: dict[str, str]):
        self.styles = styles
        self.parent: dict[int, ET.Element] = {}
        self.bookmarks: dict[str, _Para] = {}
        self.captions: list[_Para] = []
        self.refs: list[tuple[_Field, str]] = []
        self.cites: list[tuple[_Field, list]] = []
        self.drops: list[tuple[_Field, str]] = []
        self.findings: list[tuple[int, str, str]] = []  # (field's order, where, what)
        self.simple: list[ET.Element] = []  # the one-element fields (w:fldSimple) outside others
        self.count = 0
        self.positions: dict[int, dict[int, int]] = {}

    # --- reading ---------------------------------------------------------------------------

    def part(self, root: ET.Element, places: list[str] | None = None, note_kind: str | None = None) -> None:
        """Read one part: the body (`places`: each paragraph's place, as the survey counted
        them) or a notes part (`note_kind`: footnote or endnote)."""
        paragraphs: list[_Para] = []
        opened: list[_Open] = []
        boxes = 0
        number = 0
        where = "the file"
        stack: list[tuple[ET.Element, bool]] = [(root, False)]
        while stack:
            el, done = stack.pop()
            tag = el.tag
            if done:
                if tag == W + "txbxContent":
                    boxes -= 1
                elif tag == P and paragraphs:
                    self._end_paragraph(paragraphs.pop())
                elif tag == W + "fldSimple" and not opened and paragraphs:
                    para = paragraphs[-1]
                    self._field(_Field(el.get(W + "instr", ""), _text(el), el, el, para, para.where))
                continue
            stack.append((el, True))
            if tag in SKIP:
                continue
            for child in reversed(el):
                if child.tag != FALLBACK:  # Word's second copy of a drawing
                    self.parent[id(child)] = el
                    stack.append((child, False))
            if tag == P:
                if note_kind is None and not boxes:
                    number += 1
                    where = places[number - 1] if places and number <= len(places) else f"paragraph {number}"
                paragraphs.append(_Para(el, where, self._caption_style(el)))
            elif tag == W + "txbxContent":
                boxes += 1
            elif note_kind and tag in (W + "footnote", W + "endnote"):
                if el.get(W + "type") not in ("separator", "continuationSeparator", "continuationNotice"):
                    number += 1
                    where = f"{note_kind} {number}"
            elif tag == T and paragraphs:
                text = el.text or ""
                para = paragraphs[-1]
                (para.before if para.after is None else para.after).append(text)
                for open_field in opened:
                    if open_field.result:
                        open_field.shown.append(text)
            elif tag == W + "instrText" and opened and not opened[-1].result:
                opened[-1].code.append(el.text or "")
            elif tag == W + "fldChar":
                kind = el.get(W + "fldCharType")
                run = self.parent.get(id(el), el)
                if kind == "begin" and paragraphs:
                    opened.append(_Open(run, paragraphs[-1], where))
                elif kind == "separate" and opened:
                    opened[-1].result = True
                elif kind == "end" and opened:
                    done_field = opened.pop()
                    if not opened:
                        self._field(_Field("".join(done_field.code), "".join(done_field.shown), done_field.begin,
                                           run, done_field.para, done_field.where,
                                           spans=paragraphs[-1] is not done_field.para if paragraphs else True))
            elif tag == W + "bookmarkStart" and paragraphs:
                self.bookmarks.setdefault(el.get(W + "name", ""), paragraphs[-1])

    def _caption_style(self, p: ET.Element) -> bool:
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None:
            return False
        name = self.styles.get(style.get(W + "val", ""), style.get(W + "val", "")).lower()
        return "caption" in name or name in CAPTION_STYLES

    def _end_paragraph(self, para: _Para) -> None:
        if para.caption is None:
            return
        words = "".join(para.after or [])
        para.caption["text"] = re.sub(r"^[\s:.\-–—|]+", "", " ".join(words.split()))
        self.captions.append(para)

    def _note(self, f: _Field, what: str) -> None:
        self.findings.append((f.order, f.where, what))

    def _field(self, f: _Field) -> None:
        if f.begin.tag == W + "fldSimple":
            self.simple.append(f.begin)
        self.count += 1
        f.order = self.count
        code = " ".join(f.code.split())
        word = code.split(" ", 1)[0].upper() if code else ""
        shown = " ".join(f.shown.split())
        if word == "SEQ":
            self._seq(f, code, shown)
        elif word == "REF":
            parts = code.split()
            self.refs.append((f, parts[1] if len(parts) > 1 else ""))
        elif word == "ADDIN":
            self._addin(f, code, shown)
        elif word == "PAGEREF":
            self._note(f, f"page number {_snippet(shown)} kept as the number Word showed: the "
                          "PDF's pages differ; refer to the section or table instead")
        elif word and (word not in QUIET or (word == "HYPERLINK" and f.begin.tag == W + "fldSimple")):
            if shown:
                what = f"field {_snippet(code, 40)} kept as the text Word showed: {_snippet(shown)}"
            else:
                what = f"field {_snippet(code, 40)} left out: it showed no text"
            self._note(f, what)

    def _seq(self, f: _Field, code: str, shown: str) -> None:
        name = code.split(" ")[1] if " " in code else ""
        kind = "tbl" if name.lower() in TABLE_WORDS else "fig" if name.lower() in FIGURE_WORDS else None
        para = f.para
        if kind and para.caption_style and para.caption is None and not f.spans:
            para.caption = {"kind": kind, "shown": " ".join(("".join(para.before)).split()), "field": f}
            para.after = []
            return
        why = ("the builder numbers tables and figures only" if not kind else
               "it is not in a caption (Word's Caption style)" if not para.caption_style else
               "it runs over into the next paragraph" if f.spans else "its caption is numbered already")
        self._note(f, f"number {_snippet(shown)} of '{name or 'SEQ'}' kept as the number Word "
                      f"showed: {why}")

    def _addin(self, f: _Field, code: str, shown: str) -> None:
        upper = code.upper()
        if "ZOTERO_BIBL" in upper or "CSL_BIBLIOGRAPHY" in upper:
            maker = "Zotero" if "ZOTERO" in upper else "Mendeley"
            self.drops.append((f, maker))
            self._note(f, f"{maker} bibliography left out: the builder makes the list of "
                          "references from the citations (references.json)")
            return
        if "ZOTERO_ITEM" in upper or "CSL_CITATION" in upper:
            items = _citation_items(f.code)
            if items is None:
                self._note(f, f"citation {_snippet(shown)} kept as its text: the data Word "
                              "stored with it cannot be read; cite it as [@key] by hand")
                return
            self.cites.append((f, items))
            return
        if "EN.CITE" in upper:
            what = f"EndNote citation {_snippet(shown)} kept as its text: cite it as [@key] by hand"
        elif "EN.REFLIST" in upper:
            what = "EndNote bibliography kept as text: delete it once the citations are [@key] citations"
        else:
            what = f"field {_snippet(code, 40)} kept as the text Word showed: {_snippet(shown)}"
        self._note(f, what)

    # --- mapping ---------------------------------------------------------------------------

    def finish(self) -> Fields:
        """Map every field read, and edit the parts: each mapped field becomes its marker."""
        marks: dict = {}
        edits: list[tuple[ET.Element | None, ET.Element, int, ET.Element | None]] = []
        labels: set[str] = set()
        by_para: dict[int, Caption] = {}
        for para in self.captions:
            info = para.caption
            label = _label(info["kind"], info["text"] or info["shown"], labels)
            caption = Caption(info["kind"], label, info["shown"], para.where)
            by_para[id(para)] = caption
            marks[len(marks) + 1] = caption
            edits.append((None, info["field"].end, len(marks), para.element))
        for f, target in self.refs:
            para = self.bookmarks.get(target)
            caption = by_para.get(id(para)) if para is not None else None
            shown = " ".join(f.shown.split())
            if caption is None:
                if para is None:
                    what = (f"cross-reference {_snippet(shown)} kept as its text: the place it points to is "
                            "not in the file")
                else:
                    what = (f"cross-reference {_snippet(shown)} kept as its text: it points to "
                            f"{_snippet(_text(para.element), 40)}, which is not a numbered table or figure caption")
                self._note(f, what)
                continue
            switches = f.code.split()[2:]
            if any(s.lower() == "\\p" for s in switches):
                self._note(f, f"cross-reference {_snippet(shown)} kept as its text (it says where "
                              "the caption is, which the pages of the PDF decide)")
                continue
            number_only = bool(re.fullmatch(r"\d+([.\-–]\d+)*", shown))
            if not number_only and shown.lower() != caption.shown.lower():
                self._note(f, f"cross-reference {_snippet(shown)} written as @{caption.label}, "
                              f"which shows the label and number only ('{caption.shown}')")
            marks[len(marks) + 1] = Reference(caption.label, number_only, shown, f.where)
            edits.append((f.begin, f.end, len(marks), None))
        keys, references = _keys([items for _f, items in self.cites])
        for f, items in self.cites:
            marks[len(marks) + 1] = Citation(_citation_markdown(items, keys))
            edits.append((f.begin, f.end, len(marks), None))
        for f, maker in self.drops:
            marks[len(marks) + 1] = Bibliography(maker)
            edits.append((f.begin, f.end, len(marks), None))
        mapped = {id(begin if begin is not None else end) for begin, end, _n, _p in edits}
        unwrap = [el for el in self.simple if id(el) not in mapped]
        self._apply(edits, unwrap)
        findings = tuple((where, what) for _order, where, what in sorted(self.findings, key=lambda n: n[0]))
        return Fields(marks, tuple(references), findings, bool(edits or unwrap))

    # --- editing ---------------------------------------------------------------------------

    def _apply(self, edits, unwrap: list[ET.Element]) -> None:
        """Cut each field out (a caption's field with the label before it) and put its marker in
        its place; a one-element field not mapped gives way to the runs it holds (Pandoc drops
        them with it). Every parent touched is rebuilt once: the edits cost what the parts hold."""
        doomed: set[int] = set()
        inserts: dict[int, list[ET.Element]] = {}
        touched: dict[int, ET.Element] = {}
        for el in unwrap:
            inserts[id(el)] = list(el)
            doomed.add(id(el))
            touched[id(self.parent[id(el)])] = self.parent[id(el)]
        for begin, end, number, paragraph in edits:
            if paragraph is not None:  # a caption: its words up to its number's end (a picture stays)
                self._mark_path(end, paragraph, doomed, touched, following=False, pictures=True)
                anchor = end
            else:
                self._cut(begin, end, doomed, touched)
                anchor = begin
            doomed.add(id(anchor))
            mark = ET.Element(R)
            ET.SubElement(mark, T).text = FIELD_MARK.format(number)
            inserts[id(anchor)] = [mark]
            touched[id(self.parent[id(anchor)])] = self.parent[id(anchor)]
        for parent in touched.values():
            children = []
            for child in parent:
                if id(child) in inserts:
                    children += inserts[id(child)]
                if id(child) not in doomed:
                    children.append(child)
            parent[:] = children

    def _index(self, parent: ET.Element, child: ET.Element) -> int:
        table = self.positions.get(id(parent))
        if table is None:
            table = self.positions[id(parent)] = {id(c): i for i, c in enumerate(parent)}
        return table[id(child)]

    def _mark_path(self, element, top, doomed, touched, following: bool, pictures: bool = False) -> None:
        """Everything before (or after) `element` on its way up to `top`, which stays; with
        `pictures`, what holds a picture stays too."""
        node = element
        while node is not top and id(node) in self.parent:
            parent = self.parent[id(node)]
            at = self._index(parent, node)
            siblings = parent[at + 1:] if following else parent[:at]
            for sibling in siblings:
                if sibling.tag in KEEP or (pictures and sibling.find(f".//{W}drawing") is not None):
                    continue
                doomed.add(id(sibling))
            touched[id(parent)] = parent
            node = parent

    def _cut(self, begin, end, doomed, touched) -> None:
        """Everything from `begin` to `end` in reading order, both included (a field may span
        paragraphs: a bibliography's)."""
        ancestors = [begin]
        while id(ancestors[-1]) in self.parent:
            ancestors.append(self.parent[id(ancestors[-1])])
        on_path = {id(a): i for i, a in enumerate(ancestors)}
        node, below = end, None
        while id(node) not in on_path:
            below, node = node, self.parent[id(node)]
        common = node
        if common is begin or common is end:  # a simple field: one element
            doomed.add(id(end))
            return
        a = ancestors[on_path[id(common)] - 1]  # begin's ancestor just under the common one
        self._mark_path(begin, a, doomed, touched, following=True)
        self._mark_path(end, below, doomed, touched, following=False)
        first, last = self._index(common, a), self._index(common, below)
        for sibling in common[first + 1:last]:
            if sibling.tag not in KEEP:
                doomed.add(id(sibling))
        for edge in (a, below):
            if edge is begin or edge is end:
                doomed.add(id(edge))
        doomed.add(id(end))
        touched[id(common)] = common
        touched[id(self.parent.get(id(end), common))] = self.parent.get(id(end), common)


def _text(element: ET.Element) -> str:
    return "".join(t.text or "" for t in element.iter(T))


def _label(kind: str, text: str, taken: set[str]) -> str:
    """'tbl-exports-by-year': the caption's first words, unique in the document."""
    slug = ""
    for word in ascii_words(text).split():
        if slug and len(slug) + 1 + len(word) > 40:
            break
        slug = f"{slug}-{word}" if slug else word[:40]
    return _unique(f"{kind}-{slug or 1}", taken)


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


# --- citations ----------------------------------------------------------------------------------

def _citation_items(code: str) -> list[dict] | None:
    """The cited items of a Zotero or Mendeley field, or None when its data cannot be read."""
    start = code.find("{")
    if start < 0:
        return None
    try:
        data, _end = json.JSONDecoder().raw_decode(code[start:])
    except ValueError:
        return None
    items = data.get("citationItems") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        return None
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("itemData"), dict):
            return None
        if not (item["itemData"].get("title") or item["itemData"].get("author")):
            return None
    return items


def _identity(item: dict) -> str:
    """The same work cited twice: Zotero's and Mendeley's address for it, else its data."""
    uris = item.get("uris") or item.get("uri")
    if isinstance(uris, list) and uris and isinstance(uris[0], str):
        return "uri " + uris[0]
    data = {k: v for k, v in item["itemData"].items() if k != "id"}
    return "data " + json.dumps(data, sort_keys=True, ensure_ascii=False)


def _own_key(data: dict) -> str | None:
    """A key the author's library gave the work (Better BibTeX's), never a database number."""
    candidates = [data.get("citation-key"), data.get("citationKey")]
    note = data.get("note")
    if isinstance(note, str):
        found = re.search(r"^Citation Key: *(\S+)", note, re.M)
        candidates.append(found.group(1) if found else None)
    candidates.append(data.get("id"))
    for key in candidates:
        if isinstance(key, str) and KEY.fullmatch(key) and not re.fullmatch(r"item-\d+", key, re.I):
            return key
    return None


def _made_key(data: dict) -> str:
    """First author's family name and the year: 'doe2020'."""
    names = data.get("author") or data.get("editor") or []
    name = ""
    if isinstance(names, list) and names and isinstance(names[0], dict):
        name = str(names[0].get("family") or names[0].get("literal") or "")
    name = "".join(ascii_words(name).split())
    if not name[:1].isalpha():  # no author: the title's first word; a key starts with a letter
        title = ascii_words(str(data.get("title") or "")).split()
        name = next((word for word in title if word[0].isalpha()), "anon")
    year = ""
    issued = data.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = str(parts[0][0])
        found = re.search(r"\d{4}", year or str(issued.get("raw") or issued.get("literal") or ""))
        year = found.group(0) if found else ""
    return name + (year or "nd")


def _keys(citations: list[list[dict]]) -> tuple[dict[str, str], list[dict]]:
    """A key for every work cited (identity → key) and their CSL JSON entries, sorted by key.

    Works whose made keys clash become doe2020a, doe2020b … in the order they are first cited."""
    works: dict[str, dict] = {}
    for items in citations:
        for item in items:
            works.setdefault(_identity(item), item["itemData"])
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for identity, data in works.items():
        own = _own_key(data)
        if own and own not in taken:
            keys[identity] = own
            taken.add(own)
    groups: dict[str, list[str]] = {}
    for identity, data in works.items():
        if identity not in keys:
            groups.setdefault(_made_key(data), []).append(identity)
    for base, members in groups.items():
        if len(members) == 1 and base not in taken:
            keys[members[0]] = base
            taken.add(base)
            continue
        n = 0
        for identity in members:
            while True:
                n += 1
                candidate = base + _letters(n)
                if candidate not in taken:
                    break
            keys[identity] = candidate
            taken.add(candidate)
    references = [dict(data, id=keys[identity]) for identity, data in works.items()]
    references.sort(key=lambda entry: entry["id"])
    return keys, references


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(97 + rest) + out
    return out


def _affix(text) -> str:
    """A prefix or suffix as plain words: Zotero allows some HTML; brackets and semicolons would
    end the citation."""
    text = re.sub(r"<[^>]*>", "", str(text or ""))
    return " ".join(text.replace("[", "(").replace("]", ")").replace(";", ",").split())


def _citation_markdown(items: list[dict], keys: dict[str, str]) -> str:
    parts = []
    for item in items:
        key = keys[_identity(item)]
        text = ("-@" if item.get("suppress-author") else "@") + key
        prefix, suffix = _affix(item.get("prefix")), _affix(item.get("suffix"))
        locator = " ".join(str(item.get("locator") or "").split())
        if prefix:
            text = prefix + " " + text
        if locator:
            label = str(item.get("label") or "page").lower()
            text += f", {LOCATOR_TERMS.get(label, label)} {locator}"
            if suffix:
                text += " " + suffix.lstrip(", ")
        elif suffix:
            text += ", " + suffix.lstrip(", ")
        parts.append(text)
    return "[" + "; ".join(parts) + "]"
