"""Word files for the import tests, made by tools nobody here wrote: python-docx and Pandoc.

Each is generated in the test's temporary folder (no stored binaries). Where neither tool can
write a feature (a text box, an embedded chart), python-docx writes the document and the
feature's XML is added through python-docx's own part API, as Word writes it.
"""

from __future__ import annotations

from pathlib import Path

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DRAWING_NS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
              'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
              'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
              'xmlns:v="urn:schemas-microsoft-com:vml"')


def png(path: Path, size=(300, 200), color=(200, 40, 40)) -> Path:
    from PIL import Image
    Image.new("RGB", size, color).save(path)
    return path


def pandoc_docx(markdown: str, path: Path, resource_path: Path | None = None) -> Path:
    """Markdown → .docx by Pandoc's own Word writer (tracked changes and comments included)."""
    import pypandoc
    args = [f"--resource-path={resource_path}"] if resource_path else []
    pypandoc.convert_text(markdown, "docx", format="markdown", outputfile=str(path), extra_args=args)
    return path


PANDOC_ARTICLE = r'''---
title: Sanctions That Work
subtitle: Lessons from Belarus
author: ["Jane Doe^[Jane Doe is a fellow at the Institute.]", John Roe]
---

# Executive Summary

The summary says **what matters** in one paragraph.

# Trade Under Pressure

Trade fell by *seventy* per cent, as [the ministry](https://example.org/stats) reported.[^1]
A [newly added]{.insertion author="Editor" date="2024-01-01T00:00:00Z"} clause and
a [removed words]{.deletion author="Editor" date="2024-01-01T00:00:00Z"} clause.

> Quoted words from a minister.

1. First numbered point
2. Second numbered point

- A bullet
- Another bullet

| Year | Exports |
|------|---------|
| 2021 | 5.4     |
| 2022 | 1.4     |

![Exports by year, in a picture](chart.png)

## A Subsection

Text with a [remark]{.comment-start id="0" author="Reviewer" date="2024-01-01T00:00:00Z"}commented words[]{.comment-end id="0"} in it.

# Recommendations

1. The EU should act first. Then it should wait.
2. The EU should talk to Minsk.

[^1]: The note's own text.
'''


def pandoc_article(folder: Path) -> Path:
    png(folder / "chart.png")
    return pandoc_docx(PANDOC_ARTICLE, folder / "pandoc-article.docx", folder)


def python_docx_article(folder: Path) -> Path:
    """Word's own styles (Title, Heading n, List Bullet …), core properties, a comment."""
    import docx
    from docx.shared import Inches

    d = docx.Document()
    d.core_properties.author = "Anna Author; Ben Writer"
    d.core_properties.keywords = "Belarus, energy; trade"
    d.add_heading("Energy Ties Cut Short", 0)
    d.add_heading("Executive Summary", 1)
    d.add_paragraph("Energy trade ended within weeks.")
    d.add_heading("Background", 1)
    p = d.add_paragraph("Plain words, ")
    p.add_run("bold words").bold = True
    p.add_run(" and ")
    p.add_run("italic words").italic = True
    p.add_run(".")
    d.add_paragraph("first bullet item", style="List Bullet")
    d.add_paragraph("second bullet item", style="List Bullet")
    d.add_paragraph("first numbered item", style="List Number")
    d.add_paragraph("A quotation from a report.", style="Quote")
    table = d.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for i, row in enumerate([("Country", "Share"), ("Belarus", "40"), ("Ukraine", "12")]):
        for j, text in enumerate(row):
            table.rows[i].cells[j].text = text
    d.add_picture(str(png(folder / "map.png")), width=Inches(2))
    d.add_heading("Details", 2)
    commented = d.add_paragraph("A sentence the editor questioned.")
    d.add_comment(commented.runs, text="Source for this?", author="Editor", initials="E")
    d.add_heading("Too Deep", 3)
    d.add_paragraph("Words under a third-level heading.")
    styled = d.add_paragraph("Words in a style of the author's own.")
    styled.style = d.styles.add_style("Pull Quote Box", 1)
    path = folder / "python-docx-article.docx"
    d.save(path)
    return path


CHART_XML = b'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Trade by year</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:ser><c:idx val="0"/><c:tx><c:strRef><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>Exports</c:v></c:pt></c:strCache></c:strRef></c:tx><c:cat><c:strRef><c:strCache><c:ptCount val="2"/><c:pt idx="0"><c:v>2021</c:v></c:pt><c:pt idx="1"><c:v>2022</c:v></c:pt></c:strCache></c:strRef></c:cat><c:val><c:numRef><c:numCache><c:ptCount val="2"/><c:pt idx="0"><c:v>5.4</c:v></c:pt><c:pt idx="1"><c:v>1.4</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>'''


def boxes_and_charts(folder: Path) -> Path:
    """A text box anchored in a paragraph (Word's two copies of it) and an embedded bar chart."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.core_properties.author = "python-docx"
    d.add_heading("Boxes and Charts", 0)
    d.add_paragraph("By Carla Analyst")
    d.add_heading("Section", 1)
    p = d.add_paragraph("Words before the box.")
    box = ('<w:txbxContent><w:p><w:r><w:t>Words inside the box.</w:t></w:r></w:p></w:txbxContent>')
    p._p.append(parse_xml(
        f'<w:r {W} {DRAWING_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        f'<wp:docPr id="5" name="Text Box 5"/><a:graphic><a:graphicData '
        f'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>{box}'
        f'</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>'
        f'<w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    p.add_run(" Words after the box.")
    add_chart(d)
    d.add_paragraph("Words after the chart.")
    path = folder / "boxes-and-charts.docx"
    d.save(path)
    return path


def add_chart(d) -> None:
    """A paragraph holding an embedded bar chart (CHART_XML), through python-docx's part API."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    part = Part(PackURI("/word/charts/chart1.xml"),
                "application/vnd.openxmlformats-officedocument.drawingml.chart+xml", CHART_XML, d.part.package)
    rid = d.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart")
    holder = d.add_paragraph()
    holder._p.append(parse_xml(
        f'<w:r {W} {DRAWING_NS}><w:drawing><wp:inline><wp:extent cx="5486400" cy="3200400"/>'
        f'<wp:docPr id="7" name="Chart 7" descr="Bars of exports in 2021 and 2022"/><a:graphic>'
        f'<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart r:id="{rid}"/>'
        f'</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'))


def hand_formatted(folder: Path) -> Path:
    """No Title style: a big bold first line, a byline, a BMP picture, a page header."""
    import docx
    from docx.shared import Inches, Pt
    from PIL import Image

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Draft: do not circulate"
    title = d.add_paragraph().add_run("Grain Corridors Reopened")
    title.bold, title.font.size = True, Pt(22)
    d.add_paragraph("By Dana Scholar & Eli Fellow")
    d.add_heading("Ports", 1)
    d.add_paragraph("Ships sailed again in spring.")
    Image.new("RGB", (120, 80), (20, 90, 160)).save(folder / "ports.bmp")
    d.add_picture(str(folder / "ports.bmp"), width=Inches(2))
    d.add_heading("Prices", 1)
    d.add_paragraph("Prices fell.")
    path = folder / "hand-formatted.docx"
    d.save(path)
    return path


PANDOC_HARD = r'''---
title: Hard Cases
---

# Tables and Maths

The rate is $r = x^2$ per year.

+-------------+-----------+
| Region      | Notes     |
+=============+===========+
| North       | - first   |
|             | - second  |
|             |           |
| Two paras   |           |
+-------------+-----------+
| Both columns, merged    |
+-------------------------+

: Table: Regions and notes

A [link to a bookmark](#tables-and-maths) and H~2~O.
'''


def pandoc_hard(folder: Path) -> Path:
    return pandoc_docx(PANDOC_HARD, folder / "hard-cases.docx")


def pandoc_endnotes(folder: Path) -> Path:
    """Pandoc writes footnotes only; Word's endnotes are the same notes in another part.

    The Pandoc file's footnote part and references are renamed to endnotes, as Word's
    'Convert to endnotes' does."""
    import zipfile

    source = pandoc_docx("# Notes\n\nA claim with an endnote.[^1] Another claim.[^2]\n\n"
                         "[^1]: The first endnote.\n[^2]: The second endnote.\n", folder / "footnotes.docx")
    path = folder / "endnotes.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info).decode("utf-8") if info.filename.endswith((".xml", ".rels")) else old.read(info)
            name = info.filename.replace("footnotes", "endnotes")
            if isinstance(data, str):
                data = (data.replace("w:footnoteReference", "w:endnoteReference")
                        .replace("w:footnotes", "w:endnotes").replace("w:footnote ", "w:endnote ")
                        .replace("w:footnote>", "w:endnote>").replace("footnotes.xml", "endnotes.xml")
                        .replace("relationships/footnotes", "relationships/endnotes")
                        .replace("wordprocessingml.footnotes+xml", "wordprocessingml.endnotes+xml")
                        .replace("<w:footnotePr>", "<w:endnotePr>").replace("</w:footnotePr>", "</w:endnotePr>")
                        ).encode("utf-8")
            new.writestr(zipfile.ZipInfo(name, info.date_time), data)
    return path



LIBREOFFICE_ARTICLE = r'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><meta:initial-creator>Olga Writer</meta:initial-creator><meta:keyword>Moldova, energy</meta:keyword></office:meta>
 <office:automatic-styles>
  <style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="I" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:tracked-changes>
   <text:changed-region text:id="ct1"><text:insertion><office:change-info><dc:creator>Reviewer</dc:creator><dc:date>2024-01-01T00:00:00</dc:date></office:change-info></text:insertion></text:changed-region>
   <text:changed-region text:id="ct2"><text:deletion><office:change-info><dc:creator>Reviewer</dc:creator><dc:date>2024-01-01T00:00:00</dc:date></office:change-info><text:p>struck-out words</text:p></text:deletion></text:changed-region>
  </text:tracked-changes>
  <text:p text:style-name="Title">Power Lines to the West</text:p>
  <text:p text:style-name="Subtitle">Moldova's Grid After 2022</text:p>
  <text:h text:outline-level="1">Executive Summary</text:h>
  <text:p>Moldova joined the European grid in weeks.</text:p>
  <text:h text:outline-level="1">The Grid</text:h>
  <text:p>Power came from <text:span text:style-name="B">Romania</text:span> and <text:span text:style-name="I">Ukraine</text:span>, as <text:a xlink:type="simple" xlink:href="https://example.org/grid">the operator</text:a> said.<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>A footnote from LibreOffice.</text:p></text:note-body></text:note> Prices rose.<text:note text:id="n2" text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p>An endnote from LibreOffice.</text:p></text:note-body></text:note></text:p>
  <text:p>Words <text:change-start text:change-id="ct1"/>added in review<text:change-end text:change-id="ct1"/> and <text:change text:change-id="ct2"/>kept words.</text:p>
  <text:p>A <office:annotation><dc:creator>Editor</dc:creator><dc:date>2024-01-01T00:00:00</dc:date><text:p>Which year?</text:p></office:annotation>questioned sentence.</text:p>
  <text:list><text:list-item><text:p>first listed point</text:p></text:list-item><text:list-item><text:p>second listed point</text:p></text:list-item></text:list>
  <table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>
   <table:table-row><table:table-cell><text:p>Source</text:p></table:table-cell><table:table-cell><text:p>Share</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>Romania</text:p></table:table-cell><table:table-cell><text:p>80</text:p></table:table-cell></table:table-row>
  </table:table>
  <text:p>Anchor paragraph words.<draw:frame draw:name="Box1" text:anchor-type="paragraph" svg:width="5cm" svg:height="2cm"><draw:text-box><text:p>Boxed aside words.</text:p></draw:text-box></draw:frame></text:p>
  <text:h text:outline-level="1">Recommendations</text:h>
  <text:list><text:list-item><text:p>Build more lines. Soon.</text:p></text:list-item><text:list-item><text:p>Store more power.</text:p></text:list-item></text:list>
 </office:text></office:body>
</office:document>
'''


def libreoffice_article(folder: Path) -> Path | None:
    """A flat OpenDocument text saved as .docx by LibreOffice (None when it is not installed):
    its own way of writing notes, endnotes, tracked changes, comments, text frames and lists."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    source = folder / "libreoffice-article.fodt"
    source.write_text(LIBREOFFICE_ARTICLE, encoding="utf-8")
    profile = (folder / "lo-profile").as_uri()  # a profile of its own: no clash with a running LibreOffice
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx",
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    return folder / "libreoffice-article.docx"


def linked_picture(folder: Path) -> Path:
    """A picture linked to a file on the author's disk ('Insert > Picture > Link to File')."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.shared import Inches

    d = docx.Document()
    d.add_heading("Linked", 0)
    d.add_heading("One", 1)
    d.add_paragraph("Words before the picture.")
    d.add_picture(str(png(folder / "stored.png")), width=Inches(1))
    secret = folder / "secret.png"
    png(secret, color=(0, 0, 0))
    rid = d.part.relate_to(secret.resolve().as_uri(), RT.IMAGE, is_external=True)
    blip = d.element.body.findall(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")[-1]
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    del blip.attrib[r + "embed"]
    blip.set(r + "link", rid)
    d.add_heading("Two", 1)
    d.add_paragraph("Words after the picture.")
    path = folder / "linked.docx"
    d.save(path)
    return path


# --- fields: captions, cross-references, citations, as Word, Zotero and Mendeley write them ------

def field(code: str, shown: str) -> list[str]:
    """A complex field (begin, instruction, separate, what it shows, end) as Word writes its runs;
    a long instruction is split over several runs, as Word splits Zotero's."""
    esc = code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    pieces = [esc[i:i + 250] for i in range(0, len(esc), 250)]
    return ([f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>']
            + [f'<w:r {W}><w:instrText xml:space="preserve">{piece}</w:instrText></w:r>' for piece in pieces]
            + [f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>',
               f'<w:r {W}><w:t xml:space="preserve">{shown}</w:t></w:r>',
               f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>'])


def simple_field(code: str, shown: str) -> list[str]:
    code = code.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return [f'<w:fldSimple {W} w:instr="{code}"><w:r><w:t>{shown}</w:t></w:r></w:fldSimple>']


def bookmark(name: str, number: int, inside: list[str]) -> list[str]:
    return ([f'<w:bookmarkStart {W} w:id="{number}" w:name="{name}"/>'] + inside
            + [f'<w:bookmarkEnd {W} w:id="{number}"/>'])


def add_xml(paragraph, *pieces) -> None:
    """Runs written as raw XML, through python-docx's own parser, after the paragraph's words."""
    from docx.oxml import parse_xml

    for piece in pieces:
        for xml in ([piece] if isinstance(piece, str) else piece):
            paragraph._p.append(parse_xml(xml))


def text_run(text: str) -> str:
    return f'<w:r {W}><w:t xml:space="preserve">{text}</w:t></w:r>'


DOE_ARTICLE = {"id": 101, "type": "article-journal", "title": "Trade after the sanctions",
               "container-title": "Journal of Eastern Studies", "page": "1-20",
               "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [["2020", 3]]}}
DOE_BOOK = {"id": 102, "type": "book", "title": "Energy and power", "publisher": "Polity",
            "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020]]}}
SMITH = {"id": 103, "citation-key": "smith2018trade", "type": "report", "title": "Trade routes",
         "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2018]]}}
KOVALCHUK = {"id": "ITEM-1", "type": "report", "title": "Гранична торгівля", "publisher": "SCEEUS",
             "author": [{"family": "Ковальчук", "given": "Олена", "dropping-particle": "",
                         "non-dropping-particle": "", "parse-names": False, "suffix": ""}],
             "issued": {"date-parts": [["2019"]]}}


def zotero(*items: dict) -> str:
    import json

    data = {"citationID": "x1y2", "properties": {"formattedCitation": "(…)", "noteIndex": 0},
            "citationItems": list(items),
            "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}
    return "ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(data, ensure_ascii=False)


def mendeley(*items: dict) -> str:
    import json

    data = {"citationItems": list(items), "mendeley": {"formattedCitation": "(Kovalchuk, 2019)"},
            "properties": {"noteIndex": 0},
            "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}
    return "ADDIN CSL_CITATION " + json.dumps(data, ensure_ascii=False)


def zotero_item(data: dict, key: str, **extra) -> dict:
    return {"id": data["id"], "uris": [f"http://zotero.org/users/1/items/{key}"], "itemData": data, **extra}


def fields_article(folder: Path) -> Path:
    """A captioned table and figure, cross-references to them, Zotero and Mendeley citations and
    a Zotero bibliography; and what cannot be mapped: a reference to a heading, a DATE field (in
    Word's one-element form, whose words Pandoc would drop), a citation whose data is broken."""
    import docx
    from docx.shared import Inches

    d = docx.Document()
    d.add_heading("Fields and Citations", 0)
    trade = d.add_heading("Trade", 1)
    add_xml(trade, bookmark("_Ref2000", 20, []))
    see = d.add_paragraph("See ")
    add_xml(see, field(" REF _Ref1001 \\h ", "Table 1"), text_run(", and figure "),
            simple_field(" REF _Ref1002 \\h ", "1"), text_run("."))
    fell = d.add_paragraph("Exports fell ")
    add_xml(fell, field(zotero(zotero_item(DOE_ARTICLE, "AAAA1111", locator="12", label="page", prefix="see"),
                               zotero_item(DOE_BOOK, "BBBB2222")), "(see Doe 2020a, 12; 2020b)"),
            text_run(", as Doe argued "),
            field(zotero(zotero_item(DOE_ARTICLE, "AAAA1111", locator="3-4", label="chapter",
                                     **{"suppress-author": True}), zotero_item(SMITH, "CCCC3333")),
                  "(2020a, chap. 3-4; Smith 2018)"),
            text_run("."))
    rose = d.add_paragraph("Imports rose ")
    add_xml(rose, field(mendeley({"id": "ITEM-1", "itemData": KOVALCHUK,
                                  "uris": ["http://www.mendeley.com/documents/?uuid=1234"]}), "(Kovalchuk, 2019)"),
            text_run("."))
    caption = d.add_paragraph(style="Caption")
    add_xml(caption, bookmark("_Ref1001", 1, [text_run("Table "), *field(" SEQ Table \\* ARABIC ", "1")]),
            text_run(": Exports by year, in billion euros"))
    table = d.add_table(rows=3, cols=2)
    for i, row in enumerate([("Year", "Exports"), ("2021", "5.4"), ("2022", "1.4")]):
        for j, text in enumerate(row):
            table.rows[i].cells[j].text = text
    d.add_picture(str(png(folder / "square.png")), width=Inches(1))
    caption = d.add_paragraph(style="Caption")
    add_xml(caption, text_run("Figure "), bookmark("_Ref1002", 2, simple_field(" SEQ Figure \\* ARABIC ", "1")),
            text_run(". A red square"))
    unmapped = d.add_paragraph("As discussed in ")
    add_xml(unmapped, field(" REF _Ref2000 \\h ", "Trade"), text_run(", printed on "),
            simple_field(' DATE \\@ "d MMMM yyyy" ', "7 December 2026"), text_run(", imports "),
            field('ADDIN ZOTERO_ITEM CSL_CITATION {"citationItems": [', "(Roe 2019)"), text_run(" fell."))
    d.add_heading("References", 1)
    first = d.add_paragraph()
    add_xml(first, field('ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY',
                         "Doe, J. (2020a). Trade after the sanctions.")[:-1])
    last = d.add_paragraph("Doe, J. (2020b). Energy and power.")
    add_xml(last, f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>')
    path = folder / "fields.docx"
    d.save(path)
    return path


def fields_astray(folder: Path) -> Path:
    """Pandoc's Word file, with fields put in as Word would: a Zotero citation in a footnote (as
    note styles place them), a NOTEREF there, and a numbered table caption that stands away
    from its table, with a cross-reference to it; and captions numbered by hand."""
    import re
    import zipfile

    png(folder / "hand.png")
    source = pandoc_docx("# One\n\nA claim.[^1] See TABLEREF.\n\nLOOSECAPTION\n\nWords between.\n\n"
                         "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Table 2: Typed by hand\n\n"
                         "| c | d |\n|---|---|\n| 3 | 4 |\n\n![Figure 3. A caption typed by hand](hand.png)\n\n"
                         "[^1]: CITEHERE\n", folder / "plain.docx", folder)
    caption = ('<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr>'
               + "".join(bookmark("_Ref3001", 31, [text_run("Table "), *field(" SEQ Table \\* ARABIC ", "1")]))
               + text_run(": Loose rows") + "</w:p>")
    note = "".join(field(zotero(zotero_item(DOE_ARTICLE, "AAAA1111", locator="12")),
                         "Jane Doe, “Trade after the sanctions,” 12.")
                   + [text_run(" See note ")] + field(" NOTEREF _Ref9 \\h ", "2") + [text_run(".")])
    path = folder / "astray.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(r"<w:p>(?:(?!<w:p>).)*?LOOSECAPTION.*?</w:p>", lambda _m: caption, text, flags=re.S)
                text = text.replace('<w:r><w:t xml:space="preserve">See TABLEREF.</w:t></w:r>',
                                    text_run("See ") + "".join(field(" REF _Ref3001 \\h ", "Table 1")) + text_run("."))
                data = text.encode("utf-8")
            elif info.filename == "word/footnotes.xml":
                data = data.replace(b'<w:r><w:t xml:space="preserve">CITEHERE</w:t></w:r>', note.encode("utf-8"))
            new.writestr(info, data)
    return path


def many_fields(folder: Path, paragraphs: int) -> Path:
    """A long file: a numbered table caption every ten paragraphs, and in the others a
    cross-reference to it, a Zotero citation and a text box."""
    import docx
    import zipfile

    d = docx.Document()
    d.add_paragraph("Start.")
    d.save(folder / "base.docx")
    parts = []
    for i in range(paragraphs):
        if i % 10 == 0:
            parts.append('<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr>'
                         + "".join(bookmark(f"_Ref{i}", i, [text_run("Table "), *field(" SEQ Table ", str(i // 10 + 1))]))
                         + text_run(f": Rows {i}") + "</w:p>")
        else:
            box = (f'<w:r {W} {DRAWING_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
                   '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                   f'<wps:wsp><wps:txbx><w:txbxContent><w:p>{text_run("Boxed.")}</w:p></w:txbxContent></wps:txbx>'
                   '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice></mc:AlternateContent></w:r>')
            parts.append("<w:p>" + text_run("See ") + "".join(field(f" REF _Ref{i - i % 10} \\h ", "Table 1"))
                         + "".join(field(zotero(zotero_item(DOE_ARTICLE, "AAAA1111", locator=str(i))), "(Doe 2020)"))
                         + box + "</w:p>")
    path = folder / f"many-{paragraphs}.docx"
    with zipfile.ZipFile(folder / "base.docx") as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                at = text.index("<w:body>") + len("<w:body>")
                data = (text[:at] + "".join(parts) + text[at:]).encode("utf-8")
            new.writestr(info, data)
    return path


def captioned_chart(folder: Path) -> Path:
    """A Word chart with a numbered figure caption under it, and a cross-reference to it."""
    import docx

    d = docx.Document()
    d.add_heading("Charted", 0)
    d.add_heading("Trade", 1)
    see = d.add_paragraph("As ")
    add_xml(see, field(" REF _Ref4001 \\h ", "Figure 1"), text_run(" shows, exports fell."))
    add_chart(d)
    caption = d.add_paragraph(style="Caption")
    add_xml(caption, bookmark("_Ref4001", 41, [text_run("Figure "), *field(" SEQ Figure \\* ARABIC ", "1")]),
            text_run(" – Exports fell by three quarters"))
    path = folder / "captioned-chart.docx"
    d.save(path)
    return path


def broken_fields(folder: Path) -> Path:
    """Fields as a damaged file or a careless tool leaves them: an end or a separate mark with no
    beginning, a beginning never ended, a caption's number running into the next paragraph; and
    a cited work with neither author nor date."""
    import docx

    d = docx.Document()
    d.add_heading("Broken", 1)
    add_xml(d.add_paragraph("End without begin "), f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>',
            text_run(" after."))
    add_xml(d.add_paragraph("Separate alone "), f'<w:r {W}><w:fldChar w:fldCharType="separate"/></w:r>',
            text_run(" after."))
    add_xml(d.add_paragraph(style="Caption"), text_run("Table "), field(" SEQ Table ", "1")[:-1],
            text_run(": spans"))
    add_xml(d.add_paragraph("Next paragraph "), f'<w:r {W}><w:fldChar w:fldCharType="end"/></w:r>',
            text_run(" tail."))
    review = {"id": 7, "type": "report", "title": "2024 Energy Security Review"}
    add_xml(d.add_paragraph("Cited "), field(zotero(zotero_item(review, "DDDD4444")), "(Energy 2024)"),
            text_run(" here."))
    add_xml(d.add_paragraph("Unclosed "), f'<w:r {W}><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r {W}><w:instrText>REF _Ref1</w:instrText></w:r>', text_run(" rest."))
    path = folder / "broken-fields.docx"
    d.save(path)
    return path
