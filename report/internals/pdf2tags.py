"""The structure tree of a PDF/UA-2 file (`--pdf-variant pdf/ua-2`): what PDF 2.0 names otherwise.

WeasyPrint 70 writes a PDF 2.0 file for the variant, with the PDF 2.0 namespace on `Document`
only; every other element stays in the PDF 1.7 namespace, which ISO 14289-2 allows. But PDF 2.0
has no `Note`: a footnote is an `FENote` of the PDF 2.0 namespace (ISO 32000-2 14.8.4.8.4), and
PDF/UA-2 checkers refuse a `Note` (iText's, and `outputs/accessibility.py`). A finisher, run after
`finish_tags`, so whatever tags a footnote as `Note` needs to know nothing of the variant.
"""

from __future__ import annotations

from report.internals.pdfobjects import target


def footnotes_as_fenotes(document, pdf) -> None:
    """Every `Note` of the structure tree becomes an `FENote` in the PDF 2.0 namespace."""
    root = target(pdf, pdf.catalog.get("StructTreeRoot"))
    if not isinstance(root, dict) or not root.get("Namespaces"):
        return  # no tree, or not a PDF 2.0 one
    namespace = root["Namespaces"][0]
    for element in pdf.objects:
        if isinstance(element, dict) and element.get("Type") == "/StructElem" and element.get("S") == "/Note":
            element["S"] = "/FENote"
            element["NS"] = namespace
