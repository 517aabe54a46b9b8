"""A publication's identifiers in the PDF's own metadata: XMP and the document information.

WeasyPrint writes the XMP packet (Dublin Core title, creators, description; the PDF/UA or PDF/X
identification) from the HTML's <title> and <meta>; its public `xmp_metadata` list takes more
RDF. This adds what a catalogue or a reference manager reads there:

- Dublin Core: dc:identifier (the DOI as a URL), dc:language, dc:publisher, dc:rights, dc:date;
- PRISM (basic 2.0): prism:doi, prism:url, prism:issn / prism:eIssn, prism:publicationName,
  prism:number;
- XMP Rights Management: xmpRights:Marked, WebStatement (the licence) and UsageTerms; and the
  Creative Commons vocabulary's cc:license, as CC asks licensed works to carry it.

The document information dictionary gets the DOI, the ISSN and the rights as keys of their own
(PDF allows any; Acrobat shows them as custom properties).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from report.source.publication import Publication

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "rdf": RDF,
    "dc": "http://purl.org/dc/elements/1.1/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "cc": "http://creativecommons.org/ns#",
}
for _prefix, _uri in NS.items():  # the prefixes a reader expects (ElementTree's registry is global)
    register_namespace(_prefix, _uri)
# PDF/A admits only the schemas it predefines, or those described in the packet: PRISM and
# cc are described for it (Dublin Core and XMP Rights are predefined).
EXTENSION = {
    "prism": ("PRISM Basic Metadata", (("doi", "Text", "Digital Object Identifier"),
                                       ("url", "URL", "Where the publication is online"),
                                       ("issn", "Text", "ISSN of the series"),
                                       ("eIssn", "Text", "ISSN of the online series"),
                                       ("publicationName", "Text", "Name of the series"),
                                       ("number", "Text", "Number in the series"))),
    "cc": ("Creative Commons Rights Expression Language", (("license", "URI", "The licence"),)),
}


@dataclass(frozen=True)
class PdfMetadata:
    xmp: bytes  # rdf:Description elements for WeasyPrint's packet (internals.into_xmp)
    info: tuple[tuple[str, str], ...]  # (key, text) of the document information dictionary


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _description(rdf: Element) -> Element:
    element = SubElement(rdf, _q("rdf", "Description"))
    element.set(_q("rdf", "about"), "")
    return element


def _container(parent: Element, prefix: str, name: str, kind: str, values, lang: str | None = None) -> None:
    holder = SubElement(SubElement(parent, _q(prefix, name)), _q("rdf", kind))
    for value in values:
        item = SubElement(holder, _q("rdf", "li"))
        if lang:
            item.set("xml:lang", lang)
        item.text = value


def rights_text(pub: Publication) -> str:
    """"© holder year. Licence name (URL)": dc:rights, xmpRights:UsageTerms and /Rights."""
    parts = [pub.copyright_line] if pub.copyright_line else []
    if pub.license is not None:
        parts.append(f"{pub.license.name} ({pub.license.url})" if pub.license.url else pub.license.name)
    return ". ".join(parts)


def of(pub: Publication, archive: bool = False) -> PdfMetadata:
    """The metadata of `pub`; `archive`: with the PDF/A extension schema for PRISM and cc.
    The Dublin Core title, creators and description are WeasyPrint's, from the HTML."""
    rdf = Element(_q("rdf", "RDF"))
    dc = _description(rdf)
    if pub.doi_url or pub.url:
        SubElement(dc, _q("dc", "identifier")).text = pub.doi_url or pub.url
    _container(dc, "dc", "language", "Bag", [pub.lang])
    if pub.publisher:
        _container(dc, "dc", "publisher", "Bag", [pub.publisher])
    if pub.date or pub.year:
        _container(dc, "dc", "date", "Seq", [pub.date or str(pub.year)])
    rights = rights_text(pub)
    if rights:
        _container(dc, "dc", "rights", "Alt", [rights], "x-default")
    prism = _description(rdf)
    if pub.doi:
        SubElement(prism, _q("prism", "doi")).text = pub.doi
    if pub.link:
        SubElement(prism, _q("prism", "url")).text = pub.link
    if pub.issn or pub.issn_print:
        SubElement(prism, _q("prism", "issn")).text = pub.issn or pub.issn_print
    if pub.issn_online:
        SubElement(prism, _q("prism", "eIssn")).text = pub.issn_online
    SubElement(prism, _q("prism", "publicationName")).text = pub.series_name
    if pub.number is not None:
        SubElement(prism, _q("prism", "number")).text = str(pub.number)
    if pub.license is not None or pub.copyright_stated:
        marked = _description(rdf)
        # Marked: the work is under copyright (a CC0 dedication gives it up)
        SubElement(marked, _q("xmpRights", "Marked")).text = "False" if pub.license and pub.license.id == "CC0-1.0" else "True"
        if pub.license is not None and pub.license.url:
            SubElement(marked, _q("xmpRights", "WebStatement")).text = pub.license.url
            SubElement(marked, _q("cc", "license")).set(_q("rdf", "resource"), pub.license.url)
        if rights:
            _container(marked, "xmpRights", "UsageTerms", "Alt", [rights], "x-default")
    xml = "".join(tostring(description, encoding="unicode") for description in rdf)
    if archive:
        xml += _extension_schemas()
    info = [("DOI", pub.doi or ""), ("ISSN", ", ".join(number for number, _ in pub.issns)), ("Rights", rights),
            ("Licence", pub.license.url if pub.license else "")]
    return PdfMetadata(xml.encode("utf-8"), tuple((k, v) for k, v in info if v))


def _extension_schemas() -> str:
    schemas = []
    for prefix, (title, properties) in EXTENSION.items():
        rows = "".join(f'<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name>'
                       f"<pdfaProperty:valueType>{kind}</pdfaProperty:valueType>"
                       f"<pdfaProperty:category>external</pdfaProperty:category>"
                       f"<pdfaProperty:description>{meaning}</pdfaProperty:description></rdf:li>"
                       for name, kind, meaning in properties)
        schemas.append(f'<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>{title}</pdfaSchema:schema>'
                       f"<pdfaSchema:namespaceURI>{NS[prefix]}</pdfaSchema:namespaceURI>"
                       f"<pdfaSchema:prefix>{prefix}</pdfaSchema:prefix>"
                       f"<pdfaSchema:property><rdf:Seq>{rows}</rdf:Seq></pdfaSchema:property></rdf:li>")
    return ('<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
            'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
            'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
            f'<pdfaExtension:schemas><rdf:Bag>{"".join(schemas)}</rdf:Bag></pdfaExtension:schemas>'
            "</rdf:Description>")
