"""Accessibility checks on what was made: the tagged PDF, its colours, the web page's CSS.

Run by `--preflight` (each finding a problem; `--strict` makes it exit 1) and by `--format a11y`
(the report). Each check has a name and places its finding where it can be fixed: a line of
`document.md`, of `series.yaml` (a colour) or of a stylesheet; what only the output shows (a
structure tree that lost marked content) names the output and its page.

- `pdf_structure`: the PDF/UA rules the independent checker `pdfua` leaves out, and the tests
  checked before the product did: marked content inside the structure tree or an artifact, `LI`
  holding `Lbl` and `LBody`, link annotations in the tree with a description in words and the
  Print flag, each under its own `Link` element (outloud's LNK-001), no empty element (TAG-020,
  table cells aside), a `Note` with its `ID`, MarkInfo, a displayed title, the document's language; for PDF/UA-2 the PDF 2.0 header, the
  XMP claim and no structure type that PDF 2.0 dropped.
- `reading_order`: the headings as the structure tree reads them, against their order in
  `document.md`.
- `contrast`: every pair of text colour and background the stylesheets give an element of the
  page, by WCAG 2.2's relative luminance: 4.5:1, or 3:1 for large text (18 pt, or 14 pt bold).
- `reflow`: what breaks a 320 px wide screen in the web page's CSS, read without a browser (the
  tests load the page in Chromium at that width).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import cssselect2
import tinycss2
import tinycss2.color4
import tinyhtml5

from report.errors import Problems, display_path, quote
from report.source import yamlload
from report.source.document import load_yaml_file
from report.source.accessibility import Finding, short

# Lazy: pikepdf and pypdf (about 0.4 s each), only when a PDF is checked.

NORMAL, LARGE = 4.5, 3.0  # WCAG 2.2 1.4.3: the least contrast for text, and for large text
LARGE_PX, LARGE_BOLD_PX = 24.0, 18.66  # 18 pt, and 14 pt bold, in CSS px
PHONE_PX = 320  # WCAG 2.2 1.4.10: reflow at 320 CSS px without scrolling sideways
PX = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6}
# Structure types ISO 32000-2 has no more: a PDF/UA-2 file may not use them in the PDF 2.0 namespace.
PDF2_DROPPED = {"/Note": "FENote", "/Reference": "Link or Span", "/BibEntry": "P"}
TEXT_BLOCKS = {"p", "li", "td", "th", "pre", "blockquote", "a", "body", "main", "div", "h1", "h2", "h3", "h4",
               "h5", "h6", "figcaption", "caption", "dd", "dt", "span", "section", "article"}


# ---- The tagged PDF ---------------------------------------------------------------------------

TABLE_PARTS = ("/Table", "/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot")  # an empty cell keeps its place


def pdf_structure(pdf_bytes: bytes, lang: str | None = None, variant: str = "pdf/ua-1") -> list[Finding]:
    """The structure tree and catalogue rules a screen reader depends on (see the module's text)."""
    import pikepdf

    found: list[str] = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return [Finding("pdf-structure", "the PDF has no structure tree: a screen reader gets no headings, "
                            "lists or reading order (build with --pdf-variant pdf/ua-1)", output="pdf")]
        reached: set = set()

        def kids(element):
            k = element.get("/K")
            if k is None:
                return []
            return list(k) if isinstance(k, pikepdf.Array) else [k]

        todo = list(reversed(kids(root)))
        while todo:  # iterative: a document of 500 headings is a deep tree
            element = todo.pop()
            if not isinstance(element, pikepdf.Dictionary) or element.get("/S") is None or element.objgen in reached:
                continue
            reached.add(element.objgen)
            role = str(element.S)
            if role == "/LI":
                roles = [str(k.S)[1:] for k in kids(element) if isinstance(k, pikepdf.Dictionary) and "/S" in k]
                if not roles or any(r not in ("Lbl", "LBody") for r in roles) or \
                        any(not isinstance(k, pikepdf.Dictionary) for k in kids(element)):
                    found.append(f"a list item (LI) holds {', '.join(roles) or 'content'}, not Lbl and LBody: "
                                 "a screen reader cannot tell its number from its text")
            if variant == "pdf/ua-2" and role in PDF2_DROPPED:
                found.append(f"structure type {role[1:]} is not in PDF 2.0 (PDF/UA-2 wants "
                             f"{PDF2_DROPPED[role]})")
            todo.extend(reversed(kids(element)))
        elements = [pdf.get_object(objgen) for objgen in sorted(reached)]
        empty = sorted({str(e.S)[1:] for e in elements if not kids(e) and e.S not in TABLE_PARTS})
        if empty:
            found.append(f"empty structure elements ({', '.join(empty)}): a screen reader announces "
                         "something that holds nothing")
        for e in elements:
            if e.S == "/Link" and not any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                                          for k in kids(e)):
                found.append("a Link element holds no link annotation: a screen reader cannot follow it")
            if e.S == "/Note" and not str(e.get("/ID", "")):
                found.append("a footnote (Note) has no ID: its call cannot point at it")
        nums = root.get("/ParentTree", {}).get("/Nums", [])
        holders = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
        for i in range(0, len(nums) - 1, 2):
            value = nums[i + 1]
            if isinstance(value, pikepdf.Array):
                for mcid, element in enumerate(value):
                    if isinstance(element, pikepdf.Dictionary) and element.objgen not in reached:
                        found.append(f"page {int(nums[i]) + 1}: marked content {mcid} ({str(element.get('/S'))[1:]}) is "
                                     "outside the structure tree: neither content nor artifact, a screen reader "
                                     "skips or repeats it")
        for number, page in enumerate(pdf.pages, 1):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                if not int(annot.get("/F", 0)) & 4:
                    found.append(f"page {number}: a link annotation without the Print flag")
                if "/StructParent" not in annot:
                    found.append(f"page {number}: a link annotation outside the structure tree")
                if not str(annot.get("/Contents", "")).strip():
                    found.append(f"page {number}: a link annotation without a description (Contents)")
                elif "/Dest" in annot and str(annot.get("/Contents")) == str(annot.Dest):
                    found.append(f"page {number}: a link is described by its target's id "
                                 f"{quote(str(annot.Dest))}, not in words")
                holder = holders.get(int(annot.get("/StructParent", -1)))
                if "/StructParent" in annot and (
                        not isinstance(holder, pikepdf.Dictionary) or holder.get("/S") != "/Link"
                        or not any(isinstance(k, pikepdf.Dictionary) and k.get("/Obj") is not None
                                   and k.Obj.objgen == annot.objgen for k in kids(holder))):
                    role = str(holder.get("/S"))[1:] if isinstance(holder, pikepdf.Dictionary) else "nothing"
                    found.append(f"page {number}: a link annotation is not under its Link element "
                                 f"(it is under {role})")
        if not pdf.Root.get("/MarkInfo", {}).get("/Marked"):
            found.append("the PDF does not say it is tagged (MarkInfo Marked is not true)")
        if not pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
            found.append("the viewer is not asked to show the title (DisplayDocTitle)")
        said = str(pdf.Root.get("/Lang", "")).strip()
        if not said:
            found.append("the PDF names no language (/Lang): a screen reader guesses how to pronounce it")
        elif lang and said.split("-")[0].lower() != lang.split("-")[0].lower():
            found.append(f"the PDF's language is {quote(said)}, the document's {quote(lang)}")
        if variant == "pdf/ua-2":
            found += _ua2_claims(pdf)
    return [Finding("pdf-structure", m, output="pdf") for m in dict.fromkeys(found)]


def _ua2_claims(pdf) -> list[str]:
    """PDF/UA-2 (ISO 14289-2:2024) is claimed on a PDF 2.0 file, in XMP part 2 with its revision."""
    found = []
    if str(pdf.pdf_version) != "2.0":
        found.append(f"PDF/UA-2 needs a PDF 2.0 file; this one is PDF {pdf.pdf_version}")
    with pdf.open_metadata() as meta:
        part, rev = meta.get("pdfuaid:part"), meta.get("pdfuaid:rev")
    if str(part) != "2":
        found.append(f"the XMP metadata claims PDF/UA part {quote(str(part))}, not 2")
    if not rev:
        found.append("the XMP metadata gives no PDF/UA revision (pdfuaid:rev)")
    return found


def claimed(pdf_bytes: bytes) -> list[str]:
    """The standards a PDF's XMP metadata claims: 'PDF/UA-1', 'PDF/A-3B', 'PDF/X-4' …"""
    import pikepdf

    claims = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf, pdf.open_metadata() as meta:
        if meta.get("pdfuaid:part"):
            claims.append(f"PDF/UA-{meta.get('pdfuaid:part')}")
        if meta.get("pdfaid:part"):
            claims.append(f"PDF/A-{meta.get('pdfaid:part')}{str(meta.get('pdfaid:conformance', '')).upper()}")
        if meta.get("pdfxid:GTS_PDFXVersion"):
            claims.append(str(meta.get("pdfxid:GTS_PDFXVersion")))
    return claims


def _text_by_mcid(pdf_bytes: bytes) -> dict[tuple[int, int], str]:
    """(page index, MCID) → the text drawn in that marked-content sequence."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    texts: dict[tuple[int, int], list[str]] = {}
    for index, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(operator, args, cm, tm):
            if operator in (b"BDC", b"BMC"):
                props = args[1] if operator == b"BDC" and len(args) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, dict) else None
                stack.append(int(mcid) if mcid is not None else (stack[-1] if stack else None))
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(chunk, *_):
            if stack and stack[-1] is not None:
                texts.setdefault((index, stack[-1]), []).append(chunk)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {key: "".join(parts) for key, parts in texts.items()}


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.replace("\u00ad", "")).lower()


def pdf_headings(pdf_bytes: bytes) -> list[str]:
    """The headings' texts in the order the structure tree reads them."""
    import pikepdf

    texts = _text_by_mcid(pdf_bytes)
    headings: list[str] = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return []
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}

        def kids(element):
            k = element.get("/K")
            return [] if k is None else (list(k) if isinstance(k, pikepdf.Array) else [k])

        def content(element, page):  # every MCID under an element, in order
            out = []
            todo = [(element, page)]
            while todo:
                node, pg = todo.pop(0)
                if isinstance(node, int):
                    out.append(texts.get((pg, node), ""))
                elif isinstance(node, pikepdf.Dictionary):
                    if "/MCID" in node:
                        mc_page = pages.get(node.Pg.objgen, pg) if "/Pg" in node else pg
                        out.append(texts.get((mc_page, int(node.MCID)), ""))
                    elif "/S" in node:
                        here = pages.get(node.Pg.objgen, pg) if "/Pg" in node else pg
                        todo[0:0] = [(k, here) for k in kids(node)]
            return "".join(out)

        todo = [(k, 0) for k in kids(root)]
        seen: set = set()
        while todo:
            node, page = todo.pop(0)
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node or node.objgen in seen:
                continue
            seen.add(node.objgen)
            here = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
            if re.fullmatch(r"/H[1-6]?", str(node.S)):
                headings.append(content(node, here))
            else:
                todo[0:0] = [(k, here) for k in kids(node)]
    return headings


def reading_order(pdf_bytes: bytes, tokens, path: str, first_line: int) -> list[Finding]:
    """Each heading of `document.md` read in the PDF, and in the source's order (the template's
    own headings, such as the summary's, may come between)."""
    read = [_squash(h) for h in pdf_headings(pdf_bytes)]
    position = 0
    found = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or not token.map or i + 1 >= len(tokens):
            continue
        text = tokens[i + 1].content
        want = _squash(text)
        if not want:
            continue
        later = next((j for j in range(position, len(read)) if want in read[j]), None)
        if later is not None:
            position = later + 1
            continue
        earlier = any(want in h for h in read[:position])
        found.append(Finding("reading-order", (
            f"heading {short(text)} is read in the PDF before the headings that come before it here: "
            "a screen reader reads the document out of order" if earlier else
            f"heading {short(text)} is not a heading in the PDF's structure: a screen reader cannot jump to it"),
            path, first_line + token.map[0], "pdf"))
    return found


# ---- Colours ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Colour:
    rgba: tuple[float, float, float, float]
    name: str | None  # the series.yaml colour it comes from (var(--color-NAME)), if any
    where: tuple[str, int | None]  # the stylesheet and line that set it

    def text(self) -> str:
        r, g, b, _ = self.rgba
        hexa = "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))
        return f"{quote(self.name)} ({hexa})" if self.name else hexa


WHITE = Colour((1.0, 1.0, 1.0, 1.0), None, ("the browser's default", None))


def luminance(rgb) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour (components 0 to 1)."""
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg, bg) -> float:
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _over(top, under):
    """A colour with transparency as it shows over another."""
    a = top[3]
    return tuple(top[i] * a + under[i] * (1 - a) for i in range(3)) + (1.0,)


@dataclass
class _Style:
    color: Colour
    background: Colour
    size: float  # px
    bold: bool


class _Sheets:
    """The stylesheets' rules for one medium, matched against the page: a small cascade of the
    properties contrast needs (colour, background, font size and weight, display)."""

    WANTED = ("color", "background-color", "background", "font-size", "font", "font-weight", "display", "content",
              "page")

    def __init__(self, sources, medium: str, variables: dict[str, Colour], problems: list[Finding]):
        self.matcher = cssselect2.Matcher()
        self.variables = dict(variables)  # --name → Colour, or raw tokens
        self.raw: dict[str, tuple] = {}
        self.problems = problems
        self.pages: dict[str, tuple] = {}  # a named page's background (a cover printed on navy)
        self.margins: list[tuple] = []  # (page name, margin box, its declarations): running heads and folios
        order = 0
        for label, css in sources:
            for rule in self._rules(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True),
                                    medium):
                if rule.type == "at-rule":  # @page NAME
                    name = next((t.value for t in rule.prelude if t.type == "ident"), None)
                    for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True):
                        if name and d.type == "declaration" and d.lower_name in ("background", "background-color"):
                            self.pages[name] = (d.value, label, d.source_line)
                        elif d.type == "at-rule" and d.content is not None:  # a running header or footer
                            self.margins.append((name, "@" + d.lower_at_keyword, {
                                m.lower_name: (m.value, label, m.source_line) for m in tinycss2.parse_blocks_contents(
                                    d.content, skip_whitespace=True, skip_comments=True)
                                if m.type == "declaration" and m.lower_name in self.WANTED}))
                    continue
                declarations = {}
                for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True):
                    if d.type != "declaration":
                        continue
                    if d.name.startswith("--"):
                        self.raw[d.name] = (d.value, label, d.source_line)
                    elif d.lower_name in self.WANTED:
                        declarations[d.lower_name] = (d.value, label, d.source_line)
                if not declarations:
                    continue
                try:
                    selectors = cssselect2.compile_selector_list(rule.prelude)
                except cssselect2.SelectorError:
                    continue
                for selector in selectors:
                    order += 1
                    self.matcher.add_selector(selector, (order, declarations))

    @staticmethod
    def _rules(rules, medium):
        for rule in rules:
            if rule.type == "qualified-rule":
                yield rule
            elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and medium == "print" and rule.content:
                yield rule
            elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
                query = tinycss2.serialize(rule.prelude).lower()
                if medium in query or "all" in query:
                    yield from _Sheets._rules(tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True,
                                                                             skip_comments=True), medium)

    def tokens(self, value, depth: int = 0):
        """The value with every var() replaced by what it names; (tokens, the colour name)."""
        out, name = [], None
        for token in value:
            if token.type == "function" and token.lower_name == "var" and depth < 10:
                args = [a for a in token.arguments if a.type not in ("whitespace", "comment")]
                var = args[0].value if args and args[0].type == "ident" else ""
                if var.startswith("--color-") and var in self.variables:
                    name = var[len("--color-"):]
                    out.append(self.variables[var])
                elif var in self.raw:
                    inner, inner_name = self.tokens(self.raw[var][0], depth + 1)
                    out += inner
                    name = name or inner_name
                elif len(args) > 2:  # var(--x, fallback)
                    inner, _ = self.tokens(token.arguments[token.arguments.index(args[1]) + 1:], depth + 1)
                    out += inner
            elif token.type not in ("whitespace", "comment"):
                out.append(token)
        return out, name

    def colour(self, value, label, line, background: bool = False):
        """A Colour, None for none or transparent, 'inherit' for currentcolor and inherit."""
        tokens, name = self.tokens(value)
        for token in tokens:
            if isinstance(token, Colour):
                return token
            if token.type == "ident" and token.lower_value in ("inherit", "currentcolor", "unset"):
                return "inherit"
            if token.type == "ident" and token.lower_value in ("none", "transparent", "initial"):
                return None
            parsed = tinycss2.color4.parse_color(token)
            if parsed is not None and parsed != "currentcolor":
                rgba = parsed.to("srgb")
                rgba = tuple(min(1.0, max(0.0, float(c))) for c in rgba.coordinates) + (float(parsed.alpha),)
                return Colour(rgba, name, (label, line))
            if parsed == "currentcolor":
                return "inherit"
        if not background or any(t.type == "function" and t.lower_name not in ("url", "var") for t in tokens):
            text = tinycss2.serialize(value).strip()
            if text:
                self.problems.append(Finding("contrast", f"the contrast check cannot read the colour {short(text)}: "
                                             "write it as #rrggbb or a colour name", label, line))
        return None


def _size(tokens, parent_px: float, root_px: float) -> float | None:
    for token in tokens:
        if getattr(token, "type", None) == "dimension" and token.lower_unit in PX:
            return token.value * PX[token.lower_unit]
        if getattr(token, "type", None) == "dimension" and token.lower_unit in ("em", "rem"):
            return token.value * (root_px if token.lower_unit == "rem" else parent_px)
        if getattr(token, "type", None) == "percentage":
            return token.value / 100 * parent_px
    return None


def _bold(tokens) -> bool | None:
    for token in tokens:
        if getattr(token, "type", None) == "number" and token.is_integer and 100 <= token.value <= 900:
            return token.value >= 700
        if getattr(token, "type", None) == "ident" and token.lower_value in ("bold", "bolder"):
            return True
        if getattr(token, "type", None) == "ident" and token.lower_value in ("normal", "lighter"):
            return False
    return None


def contrast(html: str, sources, colours: dict[str, str], medium: str, output: str,
             series_yaml: dict[str, tuple[str, int | None]], root_px: float = 16.0) -> list[Finding]:
    """Every text colour on its background in `html` under the stylesheets `sources` ((label, css)
    pairs, cascade order; the page's own <style> elements come after them)."""
    problems: list[Finding] = []
    document = tinyhtml5.parse(html)
    styles = [(f"the {output} page's stylesheet", "".join(s.itertext()))
              for s in document.iter("{http://www.w3.org/1999/xhtml}style")]
    variables = {}
    for name, value in colours.items():
        parsed = tinycss2.color4.parse_color(value)
        if parsed is not None and parsed != "currentcolor":
            rgb = tuple(min(1.0, max(0.0, float(c))) for c in parsed.to("srgb").coordinates)
            variables[f"--color-{name}"] = Colour(rgb + (float(parsed.alpha),), name, series_yaml.get(name, ("", None)))
    sheets = _Sheets(list(sources) + styles, medium, variables, problems)
    pairs: dict[tuple, tuple[float, Colour, Colour, str]] = {}
    root = cssselect2.ElementWrapper.from_html_root(document)

    def own(element, pseudo=None):
        values = {}
        for _, order, found_pseudo, (rule_order, declarations) in sorted(
                sheets.matcher.match(element), key=lambda m: (m[0], m[1])):
            if found_pseudo == pseudo:
                values.update(declarations)
        return values

    def computed(values, parent: _Style, element_root: bool) -> _Style | None:
        if "display" in values and tinycss2.serialize(values["display"][0]).strip() == "none":
            return None
        color = parent.color
        if "color" in values:
            found = sheets.colour(*values["color"])
            color = found if isinstance(found, Colour) else color
        background = parent.background
        page = tinycss2.serialize(values["page"][0]).strip() if "page" in values else None
        if page in sheets.pages:  # the element is set on a named page with a background of its own
            found = sheets.colour(*sheets.pages[page], background=True)
            if isinstance(found, Colour):
                background = Colour(_over(found.rgba, background.rgba), found.name, found.where)
        for key in ("background", "background-color"):
            if key in values:
                found = sheets.colour(*values[key], background=True)
                if isinstance(found, Colour):
                    background = Colour(_over(found.rgba, parent.background.rgba), found.name, found.where)
        size, bold = parent.size, parent.bold
        for key in ("font", "font-size"):
            if key in values:
                tokens, _ = sheets.tokens(values[key][0])
                size = _size(tokens, parent.size, parent.size if element_root else root_px) or size
        for key in ("font", "font-weight"):
            if key in values:
                tokens, _ = sheets.tokens(values[key][0])
                found = _bold(tokens)
                bold = bold if found is None else found
        return _Style(color, background, size, bold)

    def record(style: _Style, where: str):
        fg = _over(style.color.rgba, style.background.rgba)
        large = style.size >= LARGE_PX or (style.bold and style.size >= LARGE_BOLD_PX)
        key = (fg, style.background.rgba, large)
        if key not in pairs:
            pairs[key] = (ratio(fg, style.background.rgba), style.color, style.background, where)

    start = _Style(Colour((0.0, 0.0, 0.0, 1.0), None, ("the browser's default", None)), WHITE, 16.0, False)
    root_style = start
    todo = [(root, start)]
    while todo:
        element, parent = todo.pop()
        tag = element.local_name
        if tag in ("svg", "style", "script", "head", "title", "math"):
            continue
        style = computed(own(element), parent, tag == "html")
        if style is None:
            continue
        if tag == "html":
            root_px, root_style = style.size, style
        etree = element.etree_element
        if (etree.text or "").strip() or any((c.tail or "").strip() for c in etree):
            record(style, _describe(element))
        for pseudo in ("before", "after", "marker"):
            values = own(element, pseudo)
            if "color" in values and (pseudo == "marker" or "content" in values):
                extra = computed(values, style, False)
                if extra is not None:
                    record(extra, f"{_describe(element)}::{pseudo}")
        todo.extend((child, style) for child in reversed(list(element.iter_children())))
    for page, box, values in sheets.margins:  # drawn on the page itself, or a named page's background
        if "color" in values and "content" in values:
            paper = computed({"page": ([tinycss2.ast.IdentToken(1, 1, page)], "", None)} if page else {},
                             _Style(root_style.color, WHITE, root_style.size, False), False)
            style = computed(values, paper, False)
            if style is not None:
                record(style, f"@page{' ' + page if page else ''} {box}")
    for (_, _, large), (value, fg, bg, where) in sorted(pairs.items(), key=lambda p: (p[1][3], p[1][0])):
        need = LARGE if large else NORMAL
        if value + 1e-9 >= need:
            continue
        kind = "large text (18 pt, or 14 pt bold)" if large else "text under 18 pt"
        blame = fg if fg.name or not bg.name else bg
        path, line = blame.where if blame.name is None else series_yaml.get(blame.name, ("", None))
        problems.append(Finding("contrast", (
            f"text in {fg.text()} on {bg.text()} has a contrast of {math.floor(value * 10) / 10:.1f}:1 in the {output_word(output)}, "
            f"under the {need:g}:1 that {kind} needs (WCAG 2.2 1.4.3); seen in {where}"), path, line, output))
    return list(dict.fromkeys(problems))


def output_word(output: str) -> str:
    return {"pdf": "PDF", "html": "web page"}.get(output, output)


def _describe(element) -> str:
    etree = element.etree_element
    classes = (etree.get("class") or "").split()
    return element.local_name + ("." + classes[0] if classes else "")


def series_colour_lines(folders) -> dict[str, tuple[str, int | None]]:
    """Colour name → (series.yaml, line) of the manifest that sets it, the child's first."""
    found: dict[str, tuple[str, int | None]] = {}
    for folder in folders:
        path = Path(folder) / "series.yaml"
        data = load_yaml_file(path, Problems(), "the series folder")  # read before, when the series resolved
        colors = data.get("colors") if isinstance(data, dict) else None
        if isinstance(colors, yamlload.Marked):
            for name in colors:
                found.setdefault(name, (display_path(path), colors.value_pos[name][0]))
    return found


# ---- Reflow at 320 px --------------------------------------------------------------------------

def reflow(sources, html: str) -> list[Finding]:
    """What in the web page's screen CSS makes a 320 px wide screen scroll sideways: a width or
    minimum width wider than that, text kept on one line, a table or pre with nowhere to scroll
    (neither it nor a box around it scrolls sideways, nor does a pre wrap)."""
    found = []
    scrollers: set[str] = set()  # tag names and .classes whose screen rule lets them scroll or wrap
    for label, css in sources:
        for rule in _Sheets._rules(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True),
                                   "screen"):
            selector = tinycss2.serialize(rule.prelude).strip()
            elements = set(re.findall(r"(?:^|[\s,>+~(])([a-z][a-z0-9]*)", selector))
            for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True):
                if d.type != "declaration":
                    continue
                value = [t for t in d.value if t.type not in ("whitespace", "comment")]
                text = tinycss2.serialize(d.value).strip().lower()
                if d.lower_name in ("width", "min-width") and value and value[0].type == "dimension" \
                        and value[0].lower_unit in PX and value[0].value * PX[value[0].lower_unit] > PHONE_PX:
                    found.append(Finding("reflow", f"{selector} {{ {d.lower_name}: {text} }} is wider than a "
                                 f"{PHONE_PX} px screen: the page scrolls sideways on a phone", label, d.source_line))
                if d.lower_name == "white-space" and text in ("nowrap", "pre") and elements & TEXT_BLOCKS:
                    found.append(Finding("reflow", f"{selector} {{ white-space: {text} }} keeps running text on "
                                 f"one line: on a {PHONE_PX} px screen it runs off the side", label, d.source_line))
                scrolls = d.lower_name in ("overflow", "overflow-x") and text in ("auto", "scroll")
                wraps = d.lower_name == "white-space" and text in ("pre-wrap", "pre-line", "normal")
                if scrolls or wraps:
                    last = [part.split()[-1] for part in selector.split(",") if part.split()]
                    scrollers.update(m for part in last for m in re.findall(r"^[a-z][a-z0-9]*|\.[\w-]+", part)
                                     if scrolls or m == "pre")
    for tag in ("table", "pre"):
        if _unscrolled(tinyhtml5.parse(html), tag, scrollers):
            found.append(Finding("reflow", f"the web page has a {tag} but no screen rule lets it scroll or wrap "
                                 f"(overflow-x: auto): on a {PHONE_PX} px screen it runs off the side", output="html"))
    return found


def _unscrolled(root, tag: str, scrollers: set[str]) -> bool:
    """Whether an element `tag` of the page has neither itself nor a box around it that scrolls."""
    todo = [(root, False)]
    while todo:
        element, inside = todo.pop()
        name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        marks = {name} | {"." + c for c in (element.get("class") or "").split()}
        held = inside or bool(marks & scrollers)
        if name == tag and not held:
            return True
        todo.extend((child, held) for child in element)
    return False
