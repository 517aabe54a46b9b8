"""Open a Word (.docx) file safely, read what Pandoc does not, and list what will not carry over.

This module converts nothing: it refuses files that are not a readable .docx (an old binary
.doc, an encrypted file, another kind of zip, an empty or oversized document), reads the core
properties and the chart data, finds what the conversion loses (tracked changes, comments,
text boxes, equations, charts, unusual styles …) with where each one is, and prepares a copy
of the file in which text boxes and charts stand in paragraphs of their own, so that the
converter neither drops them nor the text around them, and in which each caption,
cross-reference and citation field that wordfields maps is one marker word.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from report.source.wordfields import FieldReader
from report.cache import memo

MAX_FILE = 100 * 2**20  # bytes on disk: a long commentary with photographs is a few MB
MAX_UNPACKED = 400 * 2**20  # all parts unpacked: a guard against zip bombs
MAX_TEXT_PART = 60 * 2**20  # one XML part (document.xml): thousands of pages

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
CHART_URI = NS["c"]
DIAGRAM_URI = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .doc, or an encrypted .docx
CHART_MARK = "XREPORTCHART{}X"  # a chart's place, as one word the converter keeps

# Paragraph and character styles every converter understands (Word's built-in names, lower
# case, and those Pandoc and LibreOffice write). Any other style is reported as unusual.
USUAL_STYLES = {
    "normal", "title", "subtitle", "quote", "intense quote", "block text", "caption", "list paragraph",
    "footnote text", "endnote text", "body text", "body text 2", "body text 3", "first paragraph",
    "compact", "author", "date", "abstract", "abstract title", "no spacing", "toc heading",
    "image caption", "table caption", "figure", "captioned figure", "bibliography", "normal (web)",
    "plain text", "default paragraph font", "hyperlink", "followedhyperlink", "footnote reference",
    "endnote reference", "strong", "emphasis", "intense emphasis", "subtle emphasis",
    "comment reference", "comment text", "annotation reference", "annotation text", "book title",
    "subtle reference", "intense reference", "verbatim char", "source code", "header", "footer",
    "page number", "line number", "footnote characters", "endnote characters", "text body",
    "heading", "list", "list bullet", "list number", "list continue", "table grid", "table contents",
    "table heading", "default", "standard", "index", "frame contents", "contents heading",
}
USUAL_COMPACT = {name.replace(" ", "") for name in USUAL_STYLES}  # style ids: 'CommentReference'
USUAL_PATTERN = re.compile(r"^(heading|toc|list (bullet|number|continue)|list|toc|contents|body text|"
                           r"grid table|list table|plain table|table)\b.*|.*\bchar$")


class WordFileError(Exception):
    """The file cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class Finding:
    """Something that did not carry over as it was, and where it was in the Word file."""

    where: str  # "paragraph 12 (in 'Political Relations')"
    what: str


@dataclass(frozen=True)
class ChartData:
    """An embedded Word chart, read from the values Word caches beside it."""

    number: int
    title: str | None
    kind: str | None  # bar | barh | line | stacked, or None when the builder has no such type
    x: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    alt: str | None


@dataclass(frozen=True)
class WordFile:
    path: Path
    prepared: bytes  # the .docx with text boxes and charts moved into paragraphs of their own
    core_title: str | None
    core_authors: tuple[str, ...]
    core_keywords: tuple[str, ...]
    lang: str | None
    charts: tuple[ChartData, ...]
    big_opening: str | None = None  # the text of an opening paragraph set larger than the rest: a title
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    marks: dict = field(default_factory=dict)  # marker number → wordfields.Caption | Reference | Citation
    references: tuple[dict, ...] = ()  # CSL JSON of the works cited, sorted by key


# The style of the first paragraph of a Word proof ("PROOF — not for circulation"): left out on import.
PROOF_BANNER_STYLE = "Proof Banner"


@memo(maxsize=None)  # called for every element the survey looks at
def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def snippet(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


TEXT_TAGS = {q("w:t"), q("w:delText"), q("m:t"), q("a:t")}


def text_of(element: ET.Element) -> str:
    return "".join(t.text or "" for t in element.iter() if t.tag in TEXT_TAGS)


# --- opening ------------------------------------------------------------------------------------

def open_docx(path: Path) -> zipfile.ZipFile:
    """The file as a zip of a Word document, or WordFileError saying what it is instead."""
    size = path.stat().st_size
    if size > MAX_FILE:
        raise WordFileError(f"the file is {size / 2**20:.0f} MB; the importer takes Word files up to "
                            f"{MAX_FILE >> 20} MB: ask the author for a copy with smaller pictures "
                            "(Word: File > Compress Pictures)")
    with path.open("rb") as handle:
        head = handle.read(8)
        if head == CFB_MAGIC:
            handle.seek(0)
            data = handle.read()
            if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
                raise WordFileError("the file is encrypted (protected by a password): ask the author for a "
                                    "copy without a password, or remove it in Word (File > Info > Protect "
                                    "Document) and save again as .docx")
            raise WordFileError("this is an old binary Word file (.doc), not a .docx: open it in Word or "
                                "LibreOffice and save it as 'Word Document (.docx)'")
    if head.startswith(b"{\\rtf"):
        raise WordFileError("this is an RTF file, not a .docx: open it in Word or LibreOffice and save it "
                            "as 'Word Document (.docx)'")
    if size == 0:
        raise WordFileError("the file is empty (0 bytes)")
    if not zipfile.is_zipfile(path):
        raise WordFileError("this is not a Word file (.docx): it is not even a zip archive")
    try:
        archive = zipfile.ZipFile(path)
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WordFileError(f"the file is damaged ({exc}): ask the author to save it again") from None
    if "word/document.xml" not in names and _main_part(archive) not in names:
        if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
            raise WordFileError("this is an OpenDocument file (.odt), not a .docx: open it in LibreOffice "
                                "or Word and save it as 'Word Document (.docx)'")
        raise WordFileError("this is a zip archive but not a Word document (it holds no word/document.xml)")
    if unpacked > MAX_UNPACKED:
        raise WordFileError(f"the file unpacks to {unpacked / 2**20:.0f} MB; the importer takes Word files "
                            f"up to {MAX_UNPACKED >> 20} MB unpacked")
    return archive


STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def _main_part(archive: zipfile.ZipFile) -> str:
    """The document part the package names (word/document.xml in nearly every file)."""
    try:
        rels = ET.fromstring(archive.read("_rels/.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, zlib.error, EOFError):
        return "word/document.xml"
    for rel in rels.iter(q("rel:Relationship")):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/") or "word/document.xml"
    return "word/document.xml"


def _read_xml(archive: zipfile.ZipFile, name: str) -> ET.Element | None:
    if name not in archive.namelist():
        return None
    info = archive.getinfo(name)
    if info.file_size > MAX_TEXT_PART:
        raise WordFileError(f"its part {name} is {info.file_size / 2**20:.0f} MB; the importer takes "
                            f"parts up to {MAX_TEXT_PART >> 20} MB (a document of thousands of pages)")
    try:
        return ET.fromstring(archive.read(name))
    except (ET.ParseError, zipfile.BadZipFile, OSError, zlib.error, EOFError) as exc:
        raise WordFileError(f"the file is damaged: its part {name} cannot be read ({exc})") from None


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = part.rsplit("/", 1)
    rels = _read_xml(archive, f"{folder}/_rels/{name}.rels")
    if rels is None:
        return {}
    found = {}
    for rel in rels.iter(q("rel:Relationship")):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            target = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
        found[rel.get("Id", "")] = target
    return found


# --- reading ------------------------------------------------------------------------------------

def read(path: Path) -> WordFile:
    """Open, check and inspect the file: WordFileError when it cannot be imported."""
    try:
        return _read(path)
    except (zlib.error, EOFError, zipfile.BadZipFile) as exc:  # a part that does not unpack
        raise WordFileError(f"the file is damaged: a part of it cannot be unpacked ({exc}); ask the author "
                            "to save it again") from None


def _read(path: Path) -> WordFile:
    archive = open_docx(path)
    with archive:
        main = _main_part(archive)
        root = _read_xml(archive, main)
        if root is not None and root.tag.startswith("{" + STRICT):
            raise WordFileError("it is saved as 'Strict Open XML Document', which the converter cannot read: "
                                "open it in Word and save it as 'Word Document (.docx)'")
        body = root.find(q("w:body")) if root is not None else None
        if body is None:
            raise WordFileError(f"the file is damaged: {main} has no body")
        if not text_of(body).strip() and body.find(".//" + q("a:blip")) is None:
            raise WordFileError("the document is empty: it holds no text to import")
        styles = _style_names(archive)
        proof = _without_banner(body, styles)  # before the survey: the banner is no text of the author's
        rels = _relationships(archive, main)
        survey = _Survey(styles)
        survey.body(body)
        notes = {kind: _read_xml(archive, f"word/{kind}s.xml") for kind in ("footnote", "endnote")}
        for kind, notes_root in notes.items():
            survey.notes(notes_root, kind)
        survey.comments(_read_xml(archive, "word/comments.xml"))
        reader = FieldReader(styles)
        reader.part(body, survey.places)
        for kind, notes_root in notes.items():
            if notes_root is not None:
                reader.part(notes_root, note_kind=kind)
        fields = reader.finish()
        survey.findings += [Finding(where, what) for where, what in fields.findings]
        edited = {}
        if fields.changed:  # the notes are written back too: they may hold citations
            edited = {main: root, **{f"word/{kind}s.xml": r for kind, r in notes.items() if r is not None}}
        if proof:
            edited = {main: root, **edited}
        survey.headers(archive)
        if any(name.endswith("vbaProject.bin") for name in archive.namelist()):
            survey.add("macros (VBA) left out: they are never run", "the file")
        charts = _charts(archive, body, rels, survey)
        prepared = _prepare(archive, path, main, body, root, edited)
        title, authors, keywords = _core(archive)
        return WordFile(path, prepared, title, authors, keywords, _lang(archive), tuple(charts),
                        _big_opening(archive, body), tuple(survey.findings), fields.marks, fields.references)


def _without_banner(body: ET.Element, styles: dict[str, str]) -> bool:
    """A Word proof's (`--format docx`) banner paragraphs taken out; True when there were any.

    They come first, before the title block, which Pandoc reads as the title only at the start."""
    found = [p for p in body.findall(q("w:p")) if (style := p.find(f"{q('w:pPr')}/{q('w:pStyle')}")) is not None
             and styles.get(style.get(q("w:val"), ""), style.get(q("w:val"), "")) == PROOF_BANNER_STYLE]
    for p in found:
        body.remove(p)
    return bool(found)


def _style_names(archive) -> dict[str, str]:
    root = _read_xml(archive, "word/styles.xml")
    if root is None:
        return {}
    names = {}
    for style in root.iter(q("w:style")):
        name = style.find(q("w:name"))
        names[style.get(q("w:styleId"), "")] = name.get(q("w:val"), "") if name is not None else ""
    return names


def _lang(archive) -> str | None:
    root = _read_xml(archive, "word/styles.xml")
    lang = root.find(".//" + q("w:docDefaults") + "//" + q("w:lang")) if root is not None else None
    value = lang.get(q("w:val")) if lang is not None else None
    return value if value and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value) else None


def _big_opening(archive, body: ET.Element) -> str | None:
    """The first paragraph with text, when its letters are at least 4 pt larger than the body's.

    Authors who never met the Title style make the title big by hand; that is its sign."""
    first = next((p for p in body.iter(q("w:p")) if text_of(p).strip()), None)
    if first is None:
        return None
    styles = _read_xml(archive, "word/styles.xml")
    base = 22  # half-points: Word's 11 pt
    if styles is not None:
        size = styles.find(".//" + q("w:docDefaults") + "//" + q("w:sz"))
        base = int(size.get(q("w:val"), base)) if size is not None and size.get(q("w:val"), "").isdigit() else base
    sizes = [int(sz.get(q("w:val"))) for sz in first.iter(q("w:sz")) if (sz.get(q("w:val")) or "").isdigit()]
    return " ".join(text_of(first).split()) if sizes and min(sizes) >= base + 8 else None


GENERIC_AUTHORS = {"python-docx", "microsoft office user", "user", "author", "administrator", "admin",
                   "unknown", "windows user", "owner", "pandoc", "libreoffice", ""}


def _core(archive) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    root = _read_xml(archive, "docProps/core.xml")
    if root is None:
        return None, (), ()

    def text(tag):
        element = root.find(q(tag))
        return " ".join((element.text or "").split()) if element is not None else ""

    authors = tuple(n.strip() for n in re.split(r"[;\n]", text("dc:creator"))
                    if n.strip() and n.strip().lower() not in GENERIC_AUTHORS)
    keywords = tuple(dict.fromkeys(k.strip() for k in re.split(r"[,;]", text("cp:keywords")) if k.strip()))
    return text("dc:title") or None, authors, keywords


class _Survey:
    """Walks the document in reading order and notes what will not carry over, with its place."""

    def __init__(self, styles: dict[str, str]):
        self.styles = styles
        self.findings: list[Finding] = []
        self.paragraph = 0
        self.heading: str | None = None
        self.comment_at: dict[str, str] = {}
        self.unusual: dict[str, list] = {}  # style name → [first place, count]
        self.boxes = 0
        self.places: list[str] = []  # each paragraph's place, for the fields' findings

    def where(self) -> str:
        place = f"paragraph {self.paragraph}"
        return place + (f" (in {snippet(self.heading, 40)})" if self.heading else "")

    def add(self, what: str, where: str | None = None) -> None:
        self.findings.append(Finding(where or self.where(), what))

    def body(self, body: ET.Element) -> None:
        inner = {id(p) for box in body.iter(q("w:txbxContent")) for p in box.iter(q("w:p"))}
        for p in body.iter(q("w:p")):
            if id(p) in inner:
                continue
            self.paragraph += 1
            style = self._style(p, "w:pStyle")
            if style and (style.lower().startswith("heading") or style.lower() == "title") and text_of(p).strip():
                self.heading = text_of(p).strip()
            self.places.append(self.where())
            self.inside(p)

    def inside(self, p: ET.Element) -> None:
        """Everything in one paragraph (and its text boxes) worth a line of the report."""
        style = self._style(p, "w:pStyle")
        if style:
            self._usual(style)
        for run_style in p.iter(q("w:rStyle")):
            self._usual(self.styles.get(run_style.get(q("w:val"), ""), run_style.get(q("w:val"), "")))
        for el in p.iter():
            tag = el.tag
            if tag == q("w:ins"):
                self.add(f"tracked insertion{self._by(el)} accepted (the words are kept): {snippet(text_of(el))}")
            elif tag == q("w:del"):
                self.add(f"tracked deletion{self._by(el)} accepted (the words are gone): {snippet(text_of(el))}")
            elif tag == q("w:moveFrom"):
                self.add(f"tracked move{self._by(el)} accepted (the words moved away from here): {snippet(text_of(el))}")
            elif tag in (q("w:rPrChange"), q("w:pPrChange")):
                self.add(f"tracked formatting change{self._by(el)} accepted")
            elif tag == q("w:commentRangeStart") or tag == q("w:commentReference"):
                self.comment_at.setdefault(el.get(q("w:id"), ""), self.where())
            elif tag == q("w:txbxContent") and not self._in_fallback(p, el):
                self.boxes += 1
                self.add(f"text box {snippet(text_of(el))}: its text is set as ordinary paragraphs after "
                         "this paragraph; move it where it belongs, or drop it if it repeats the text")
            elif tag == q("m:oMathPara") or (tag == q("m:oMath") and not self._math_para(p, el)):
                self.add(f"equation {snippet(text_of(el))} written as plain text: check it reads right")
            elif tag == q("a:graphicData") and el.get("uri") == DIAGRAM_URI:
                self.add("SmartArt diagram not carried over: ask the author for it as a picture, or rebuild it")
            elif tag in (q("w:object"),):
                self.add("embedded object (OLE) not carried over: ask the author for it as a picture")
            elif tag == q("w:instrText") and (el.text or "").strip().upper().startswith("TOC"):
                self.add("table of contents left out: the series makes its own where it has one")
            elif tag == q("a:blip") and el.get(q("r:link")) and not el.get(q("r:embed")):
                self.add("linked picture (not stored in the Word file) not carried over: ask the author for it")

    def _in_fallback(self, p, box) -> bool:
        # Word stores a text box twice: the modern shape and a VML copy in mc:Fallback.
        for fallback in p.iter(q("mc:Fallback")):
            if any(b is box for b in fallback.iter(q("w:txbxContent"))):
                return True
        return False

    def _math_para(self, p, math) -> bool:
        return any(m is math for para in p.iter(q("m:oMathPara")) for m in para.iter(q("m:oMath")))

    def _by(self, el) -> str:
        author = el.get(q("w:author"))
        return f" by {author}" if author else ""

    def _style(self, p, tag) -> str | None:
        element = p.find(f"{q('w:pPr')}/{q(tag)}")
        if element is None:
            return None
        ident = element.get(q("w:val"), "")
        return self.styles.get(ident, ident)

    def _usual(self, name: str) -> None:
        low = name.lower()
        if not low or low in USUAL_STYLES or low.replace(" ", "") in USUAL_COMPACT or USUAL_PATTERN.match(low):
            return
        entry = self.unusual.setdefault(name, [self.where(), 0])
        entry[1] += 1
        if entry[1] == 1:
            self.findings.append(Finding(entry[0], f"style '{name}' has no counterpart: its text is kept as "
                                         "ordinary text (if it marks a box or a pull quote, rewrite it)"))

    def notes(self, root: ET.Element | None, kind: str) -> None:
        if root is None:
            return
        number = 0
        for note in root.iter(q(f"w:{kind}")):
            if note.get(q("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            number += 1
            start = len(self.findings)
            for p in note.iter(q("w:p")):
                self.inside(p)
            for i in range(start, len(self.findings)):  # a note's findings are placed by the note
                self.findings[i] = Finding(f"{kind} {number}", self.findings[i].what)

    def comments(self, root: ET.Element | None) -> None:
        if root is None:
            return
        for comment in root.iter(q("w:comment")):
            ident = comment.get(q("w:id"), "")
            author = comment.get(q("w:author"))
            by = f" by {author}" if author else ""
            self.add(f"comment{by} left out: {snippet(text_of(comment), 80)}",
                     self.comment_at.get(ident, "a comment whose place is unknown"))

    def headers(self, archive) -> None:
        for name in sorted(n for n in archive.namelist() if re.fullmatch(r"word/(header|footer)\d*\.xml", n)):
            root = _read_xml(archive, name)
            text = text_of(root).strip() if root is not None else ""
            if text:
                kind = "page header" if "header" in name else "page footer"
                self.add(f"{snippet(text)} left out: the series prints its own", kind)


# --- charts -------------------------------------------------------------------------------------

def _charts(archive, body, rels, survey: _Survey) -> list[ChartData]:
    found = []
    paragraph = 0
    shown = 0  # each chart part counted every time the text shows it: 300 showings of one are 300 charts
    parsed: dict[str, ET.Element | None] = {}
    inner = {id(p) for box in body.iter(q("w:txbxContent")) for p in box.iter(q("w:p"))}
    for p in body.iter(q("w:p")):
        if id(p) in inner:
            continue
        paragraph += 1
        for chart_ref in p.iter(q("c:chart")):
            number = len(found) + 1
            part = rels.get(chart_ref.get(q("r:id"), ""), "")
            if part and part in archive.namelist():
                shown += archive.getinfo(part).file_size
                if shown > MAX_UNPACKED:
                    raise WordFileError(f"its charts, each counted every time it is shown, unpack to more than "
                                        f"{MAX_UNPACKED >> 20} MB; the importer takes up to "
                                        f"{MAX_UNPACKED >> 20} MB unpacked")
            if part and part not in parsed:
                parsed[part] = _read_xml(archive, part)
            root = parsed.get(part) if part else None
            drawing = next((d for d in p.iter(q("wp:docPr"))), None)
            alt = (drawing.get("descr") or drawing.get("title")) if drawing is not None else None
            data = _chart_data(root, number, alt)
            where = f"paragraph {paragraph}"
            if data.kind and data.series:
                what = (f"embedded chart {snippet(data.title or 'untitled')} rebuilt as chart 'chart-{number}' in "
                        "charts.yaml from the figures saved with it: check its type, unit and source")
            else:
                what = (f"embedded chart {snippet(data.title or 'untitled')} is of a kind the builder does not "
                        f"draw: make it a charts.yaml chart (bar, barh, line or stacked); its place is marked "
                        "in the text")
            survey.findings.append(Finding(where, what))
            found.append(data)
    return found


def _chart_data(root, number: int, alt: str | None) -> ChartData:
    if root is None:
        return ChartData(number, None, None, (), (), alt)
    title_el = root.find(f"{q('c:chart')}/{q('c:title')}")
    title = " ".join("".join(t.text or "" for t in title_el.iter(q("a:t"))).split()) if title_el is not None else None
    plot = root.find(f"{q('c:chart')}/{q('c:plotArea')}")
    kind, group = None, None
    for candidate in (plot if plot is not None else []):
        if candidate.tag == q("c:barChart"):
            direction = candidate.find(q("c:barDir"))
            grouping = candidate.find(q("c:grouping"))
            stacked = grouping is not None and "tacked" in grouping.get("val", "")
            kind = "stacked" if stacked else "barh" if direction is not None and direction.get("val") == "bar" else "bar"
            group = candidate
            break
        if candidate.tag == q("c:lineChart"):
            kind, group = "line", candidate
            break
    if group is None:
        return ChartData(number, title or None, None, (), (), alt)
    x: tuple[str, ...] = ()
    series = []
    for ser in group.iter(q("c:ser")):
        name = "".join(v.text or "" for v in ser.iter(q("c:v")) if _under(ser, "c:tx", v)) or f"Series {len(series) + 1}"
        cat = ser.find(q("c:cat"))
        if cat is not None and not x:
            x = tuple(_points(cat, str))
        val = ser.find(q("c:val"))
        values = tuple(_points(val, _number)) if val is not None else ()
        series.append((name, values))
    n = max([len(x)] + [len(v) for _, v in series])
    x = x + tuple(str(i + 1) for i in range(len(x), n))
    series = [(name, values + (None,) * (n - len(values))) for name, values in series]
    return ChartData(number, title or None, kind, x, tuple(series), alt)


def _under(ser, tag, value) -> bool:
    holder = ser.find(q(tag))
    return holder is not None and any(v is value for v in holder.iter(q("c:v")))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _points(holder, convert) -> list:
    cache = next((c for c in holder.iter() if c.tag in (q("c:strCache"), q("c:numCache"))), None)
    if cache is None:
        return []
    count_el = cache.find(q("c:ptCount"))
    count = int(count_el.get("val", "0")) if count_el is not None else 0
    points = {}
    for pt in cache.iter(q("c:pt")):
        v = pt.find(q("c:v"))
        points[int(pt.get("idx", "0"))] = convert(v.text if v is not None else "")
    count = max(count, max(points, default=-1) + 1)
    return [points.get(i, None if convert is _number else "") for i in range(count)]


# --- the copy handed to the converter -----------------------------------------------------------

def _prepare(archive: zipfile.ZipFile, path: Path, main: str, body: ET.Element, root: ET.Element,
             edited: dict[str, ET.Element]) -> bytes:
    """The .docx with each text box's paragraphs and each chart's mark in paragraphs of their own,
    and the parts in `edited` (fields replaced by their markers) as they are now.

    Pandoc drops charts, and a text box anchored in a paragraph can take that paragraph's own
    text with it; moved out, every word comes through, in the order Word shows them."""
    parents = {child: parent for parent in root.iter() for child in parent}
    inner = {id(p) for box in body.iter(q("w:txbxContent")) for p in box.iter(q("w:p"))}
    chart_number = 0
    moved: dict[int, list[ET.Element]] = {}  # paragraph → the paragraphs to set after it
    holders: dict[int, ET.Element] = {}
    for p in list(body.iter(q("w:p"))):
        if id(p) in inner:
            continue
        after: list[ET.Element] = []
        for run in list(p.iter(q("w:r"))):
            charts = list(run.iter(q("c:chart")))
            boxes = [b for b in run.iter(q("w:txbxContent")) if not _inside(run, "mc:Fallback", b)]
            if not charts and not boxes:
                continue
            for _ in charts:
                chart_number += 1
                mark = ET.Element(q("w:p"))
                ET.SubElement(ET.SubElement(mark, q("w:r")), q("w:t")).text = CHART_MARK.format(chart_number)
                after.append(mark)
            for box in boxes:
                after.extend(box.findall(q("w:p")))
            parent = parents.get(run)
            if parent is not None:
                parent.remove(run)
                edited = {main: root, **edited}
        if after:
            moved[id(p)] = after
            holders[id(parents[p])] = parents[p]
    for holder in holders.values():  # each rebuilt once: many boxes cost no more than one
        holder[:] = [e for child in holder for e in [child] + moved.get(id(child), [])]
    if not edited:
        return path.read_bytes()
    parts = {}
    for name, part in edited.items():
        for prefix, uri in _namespaces(archive.read(name)):
            ET.register_namespace(prefix, uri)
        parts[name] = ET.tostring(part, encoding="utf-8", xml_declaration=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            data = parts[info.filename] if info.filename in parts else archive.read(info)
            copy.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _inside(top, tag, element) -> bool:
    return any(e is element for holder in top.iter(q(tag)) for e in holder.iter(element.tag))


def _namespaces(xml: bytes):
    seen = set()
    for _, (prefix, uri) in ET.iterparse(io.BytesIO(xml), events=("start-ns",)):
        if prefix and (prefix, uri) not in seen and not re.fullmatch(r"ns\d+", prefix):
            seen.add((prefix, uri))
            yield prefix, uri
