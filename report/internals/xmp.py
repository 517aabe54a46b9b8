"""More RDF inside WeasyPrint's XMP packet, as a finisher.

WeasyPrint's public `xmp_metadata` appends a second `rdf:RDF` after its own, which readers of
XMP ignore (the packet holds one `rdf:RDF`; pikepdf and Acrobat read the first). So the
publication's descriptions are put inside WeasyPrint's `rdf:RDF`, in its metadata stream
(pydyf 0.13 keeps a stream's content as a list of bytes until it is written).
"""

from __future__ import annotations

from report.internals.pdfobjects import target

END = b"</rdf:RDF>"


def into_xmp(descriptions: bytes):
    """A finisher: `descriptions` (rdf:Description elements, each declaring its namespaces) put
    at the end of the packet's rdf:RDF."""
    def finish(document, pdf) -> None:
        metadata = target(pdf, pdf.catalog.get("Metadata"))
        if metadata is None or not descriptions:
            return
        parts, done = [], False
        for part in metadata.stream:
            if not done and isinstance(part, bytes) and END in part:
                part, done = part.replace(END, descriptions + END, 1), True
            parts.append(part)
        metadata.stream = parts
    return finish
