"""Files for registering a DOI, written for the desk to upload; the builder never sends them.

`--format crossref`: a Crossref deposit (schema 5.3.1, content type report-paper);
`--format datacite`: DataCite metadata as JSON (the REST API's `attributes`, which Zenodo and
DataCite Fabrica take), resourceTypeGeneral Report. Both are written from the document's
`citation.Record`, and both refuse a document without a DOI: there is nothing to register.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from xml.etree import ElementTree as ET

from report.outputs.citation import Record

CROSSREF_VERSION = "5.3.1"
CROSSREF_NS = f"http://www.crossref.org/schema/{CROSSREF_VERSION}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CROSSREF_XSD = f"https://www.crossref.org/schemas/crossref{CROSSREF_VERSION}.xsd"
DATACITE_SCHEMA = "http://datacite.org/schema/kernel-4"


class Refused(Exception):
    """What the document or its series lacks for a registration file: (field, message)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def needs_doi(rec: Record, fmt: str) -> None:
    if not rec.pub.doi:
        raise Refused("doi", f"--format {fmt} registers a DOI, and this document has none: set `doi` in the "
                             "front matter, or `doi_pattern` and `number` (docs/guides/publishing.md)")


def timestamp(rec: Record) -> str:
    """Crossref orders deposits of one DOI by this number: SOURCE_DATE_EPOCH when set (a later
    correction sets a later one), else the document's date at midnight; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    else:
        parts = rec.date_parts + (1,) * (3 - len(rec.date_parts)) if rec.date_parts else (1970, 1, 1)
        moment = datetime.datetime(*parts[:3], tzinfo=datetime.timezone.utc)
    return moment.strftime("%Y%m%d%H%M%S")


# -- Crossref ---------------------------------------------------------------------------------

def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CROSSREF_NS}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def crossref(rec: Record, depositor: dict, resource: str | None) -> bytes:
    """The deposit XML. `depositor`: series.yaml's `crossref` block; `resource`: the landing page
    the DOI resolves to (the document's `url`)."""
    needs_doi(rec, "crossref")
    if not (depositor.get("depositor_name") and depositor.get("depositor_email")):
        raise Refused("crossref", "--format crossref needs the depositor in series.yaml: crossref: "
                                  "{depositor_name: …, depositor_email: …, registrant: …}")
    if not resource:
        raise Refused("url", "--format crossref needs the landing page the DOI resolves to: set `url` in the "
                             "front matter")
    ET.register_namespace("", CROSSREF_NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{CROSSREF_NS}}}doi_batch",
                      {"version": CROSSREF_VERSION, f"{{{XSI}}}schemaLocation": f"{CROSSREF_NS} {CROSSREF_XSD}"})
    head = _sub(root, "head")
    batch = _sub(head, "doi_batch_id")
    _sub(head, "timestamp", timestamp(rec))
    who = _sub(head, "depositor")
    _sub(who, "depositor_name", depositor["depositor_name"])
    _sub(who, "email_address", depositor["depositor_email"])
    _sub(head, "registrant", depositor.get("registrant") or rec.pub.publisher)
    paper = _sub(_sub(root, "body"), "report-paper")
    if rec.issns:  # a series with an ISSN: the paper is deposited as an item of the series
        meta = _sub(paper, "report-paper_series_metadata", language=rec.pub.lang.split("-")[0])
        series = _sub(meta, "series_metadata")
        _sub(_sub(series, "titles"), "title", rec.pub.series_name)
        for issn, media in _issn_media(rec):
            _sub(series, "issn", issn, media_type=media)
    else:
        meta = _sub(paper, "report-paper_metadata", language=rec.pub.lang.split("-")[0])
    if rec.authors:
        people = _sub(meta, "contributors")
        for n, person in enumerate(rec.authors):
            name = _sub(people, "person_name", sequence="first" if n == 0 else "additional",
                        contributor_role="author")
            if person.given:
                _sub(name, "given_name", person.given)
            _sub(name, "surname", person.family)
            if person.affiliation:
                _sub(_sub(_sub(name, "affiliations"), "institution"), "institution_name", person.affiliation)
    titles = _sub(meta, "titles")
    _sub(titles, "title", rec.pub.title)
    if rec.subtitle:
        _sub(titles, "subtitle", rec.subtitle)
    date = _sub(meta, "publication_date", media_type="online")
    parts = rec.date_parts
    if len(parts) > 1:
        _sub(date, "month", f"{parts[1]:02d}")
    if len(parts) > 2:
        _sub(date, "day", f"{parts[2]:02d}")
    _sub(date, "year", str(parts[0]) if parts else "")
    _sub(_sub(meta, "publisher"), "publisher_name", rec.pub.publisher)
    if rec.pub.number is not None:
        _sub(_sub(meta, "publisher_item"), "item_number", str(rec.pub.number), item_number_type="report-number")
    doi_data = _sub(meta, "doi_data")
    _sub(doi_data, "doi", rec.pub.doi)
    _sub(doi_data, "resource", resource)
    # The batch id names this deposit's content: the same document deposits under the same id.
    body = ET.tostring(root, encoding="unicode")
    batch.text = f"{rec.stem}-{hashlib.sha256(body.encode('utf-8')).hexdigest()[:12]}"
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                       xml_declaration=False) + b"\n"


def _issn_media(rec: Record) -> list[tuple[str, str]]:
    if rec.pub.issn_print or rec.pub.issn_online:
        return [(i, m) for i, m in ((rec.pub.issn_print, "print"), (rec.pub.issn_online, "electronic")) if i]
    return [(rec.pub.issn, "electronic")]


# -- DataCite ---------------------------------------------------------------------------------

def datacite(rec: Record) -> bytes:
    """DataCite metadata (kernel 4, as JSON attributes) for a Report."""
    needs_doi(rec, "datacite")
    creators = [{"name": f"{p.family}, {p.given}" if p.given else p.name, "nameType": "Personal",
                 **({"givenName": p.given} if p.given else {}), "familyName": p.family,
                 "affiliation": [{"name": p.affiliation}] if p.affiliation else []}
                for p in rec.authors]
    titles = [{"title": rec.pub.title, "lang": rec.pub.lang}]
    if rec.subtitle:
        titles.append({"title": rec.subtitle, "titleType": "Subtitle", "lang": rec.pub.lang})
    related = [{"relatedIdentifier": i, "relatedIdentifierType": "ISSN", "relationType": "IsPartOf",
                "resourceTypeGeneral": "Collection"} for i in rec.issns]
    related += [{"relatedIdentifier": e.url, "relatedIdentifierType": "URL",
                 "relationType": "IsTranslationOf" if e.original else "HasTranslation"}
                for e in rec.editions]
    attributes = {
        "doi": rec.pub.doi,
        "prefix": rec.pub.doi.split("/", 1)[0],
        "suffix": rec.pub.doi.split("/", 1)[1],
        "url": rec.pub.url,
        "types": {"resourceTypeGeneral": "Report", "resourceType": rec.pub.series_name},
        "creators": creators,
        "titles": titles,
        "publisher": {"name": rec.pub.publisher},
        "publicationYear": rec.pub.year if rec.pub.year is not None else (rec.date_parts or (None,))[0],
        "dates": [{"date": rec.pub.date, "dateType": "Issued"}] if rec.pub.date else [],
        "language": rec.pub.lang,
        "subjects": [{"subject": k} for k in rec.pub.keywords],
        "descriptions": ([{"description": rec.abstract, "descriptionType": "Abstract", "lang": rec.pub.lang}]
                         if rec.abstract else []),
        "rightsList": ([{"rights": rec.license_id, "rightsUri": rec.license_url,
                         "rightsIdentifier": rec.license_id.lower(), "rightsIdentifierScheme": "SPDX",
                         "schemeUri": "https://spdx.org/licenses/"}] if rec.license_url else []),
        "relatedIdentifiers": related,
        "alternateIdentifiers": ([{"alternateIdentifier": f"{rec.pub.series_name} {rec.pub.number_text}",
                                   "alternateIdentifierType": "Report number"}] if rec.pub.number is not None else []),
        "schemaVersion": DATACITE_SCHEMA,
    }
    if not attributes["url"]:
        del attributes["url"]
    data = {"data": {"type": "dois", "attributes": attributes}}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
