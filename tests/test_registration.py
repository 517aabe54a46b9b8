"""`--format crossref` and `--format datacite`: registration files for the desk to upload,
checked against what Crossref's deposit schema 5.3.1 and DataCite's kernel 4 require."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from publication_fixtures import FRONT, SERIES, build, project

NS = {"c": "http://www.crossref.org/schema/5.3.1"}


def test_crossref_deposit_has_every_element_the_schema_requires(tmp_path):
    project(tmp_path)
    result = build(tmp_path, "crossref")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "out" / "doc.crossref.xml"
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.crossref.org/schema/5.3.1}doi_batch" and root.get("version") == "5.3.1"
    head = root.find("c:head", NS)
    # the head's children, in the schema's order
    assert [child.tag.split("}")[1] for child in head] == ["doi_batch_id", "timestamp", "depositor", "registrant"]
    assert head.findtext("c:timestamp", namespaces=NS) == "20240301000000"
    assert head.findtext("c:depositor/c:depositor_name", namespaces=NS) == "SCEEUS desk"
    assert head.findtext("c:depositor/c:email_address", namespaces=NS) == "desk@example.org"
    meta = root.find("c:body/c:report-paper/c:report-paper_series_metadata", NS)
    assert meta.get("language") == "en"
    assert [child.tag.split("}")[1] for child in meta] == [
        "series_metadata", "contributors", "titles", "publication_date", "publisher", "publisher_item", "doi_data"]
    assert meta.findtext("c:series_metadata/c:issn", namespaces=NS) == "2004-7835"
    people = meta.findall("c:contributors/c:person_name", NS)
    assert [(p.get("sequence"), p.findtext("c:surname", namespaces=NS)) for p in people] == [
        ("first", "Doe"), ("additional", "Петренко")]
    assert people[0].findtext("c:affiliations/c:institution/c:institution_name", namespaces=NS) == \
        "Stockholm University"
    assert [e.text for e in meta.find("c:publication_date", NS)] == ["03", "01", "2024"]  # month, day, year
    assert meta.findtext("c:publisher_item/c:item_number", namespaces=NS) == "8"
    assert meta.findtext("c:doi_data/c:doi", namespaces=NS) == "10.5555/sceeus-gc-2024-08"
    assert meta.findtext("c:doi_data/c:resource", namespaces=NS) == \
        "https://sceeus.se/en/publications/ukraine-and-belarus/"


@pytest.mark.skipif(not os.environ.get("CROSSREF_XSD"), reason="CROSSREF_XSD names no local copy of "
                    "crossref5.3.1.xsd (Crossref's schema bundle, with its includes and its MathML import "
                    "pointed at the bundle's own copy); the required elements are checked above")
def test_crossref_deposit_is_valid_against_the_published_schema(tmp_path):
    from lxml import etree
    project(tmp_path)
    assert build(tmp_path, "crossref").returncode == 0
    schema = etree.XMLSchema(etree.parse(os.environ["CROSSREF_XSD"], etree.XMLParser(no_network=True)))
    document = etree.parse(str(tmp_path / "out" / "doc.crossref.xml"))
    assert schema.validate(document), schema.error_log


def test_a_series_without_an_issn_deposits_a_report_alone(tmp_path):
    project(tmp_path, series=SERIES.replace("issn: 2004-7835\n", ""))
    assert build(tmp_path, "crossref").returncode == 0
    root = ET.parse(tmp_path / "out" / "doc.crossref.xml").getroot()
    assert root.find("c:body/c:report-paper/c:report-paper_metadata", NS) is not None
    assert root.find(".//c:series_metadata", NS) is None


@pytest.mark.slow
def test_registration_needs_a_doi_and_writes_nothing_without_one(tmp_path):
    project(tmp_path, FRONT.replace("doi: 10.5555/sceeus-gc-2024-08\n", ""))
    for fmt in ("crossref", "datacite"):
        result = build(tmp_path, f"html,{fmt}")
        assert result.returncode == 1
        assert (f"doc/document.md: doi: --format {fmt} registers a DOI, and this document has none: set `doi` "
                "in the front matter, or `doi_pattern` and `number` (docs/guides/publishing.md)") in result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("doc.*"))


def test_crossref_needs_the_depositor_from_series_yaml(tmp_path):
    project(tmp_path, series=SERIES.split("crossref:")[0])
    result = build(tmp_path, "crossref")
    assert result.returncode == 1
    assert ("styles/cited-series/series.yaml: crossref: --format crossref needs the depositor in series.yaml: "
            "crossref: {depositor_name: …, depositor_email: …, registrant: …}") in result.stderr
    assert not (tmp_path / "out" / "doc.crossref.xml").exists()


def test_a_depositor_email_that_is_no_address_is_an_error_at_its_line(tmp_path):
    project(tmp_path, series=SERIES.replace("desk@example.org", "the desk"))
    result = build(tmp_path, "crossref")
    assert result.returncode == 1
    assert "styles/cited-series/series.yaml:6:20: crossref.depositor_email: 'the desk' is not an e-mail address" \
        in result.stderr


def test_datacite_metadata_has_every_mandatory_property(tmp_path):
    project(tmp_path)
    result = build(tmp_path, "datacite")
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "doc.datacite.json").read_text(encoding="utf-8"))
    attributes = data["data"]["attributes"]
    assert data["data"]["type"] == "dois"
    # DataCite Metadata Schema 4: the six mandatory properties
    assert attributes["doi"] == "10.5555/sceeus-gc-2024-08"
    assert [c["name"] for c in attributes["creators"]] == ["Doe, Jane", "Петренко, Олег"]
    assert attributes["creators"][0]["affiliation"] == [{"name": "Stockholm University"}]
    assert attributes["titles"][0] == {"title": "Ukraine and Belarus after the Election", "lang": "en"}
    assert attributes["publisher"] == {"name": "Stockholm Centre for Eastern European Studies (SCEEUS)"}
    assert attributes["publicationYear"] == 2024
    assert attributes["types"]["resourceTypeGeneral"] == "Report"
    # and what makes it findable
    assert attributes["rightsList"][0]["rightsIdentifier"] == "cc-by-4.0"
    assert {"relatedIdentifier": "2004-7835", "relatedIdentifierType": "ISSN", "relationType": "IsPartOf",
            "resourceTypeGeneral": "Collection"} in attributes["relatedIdentifiers"]
    assert {"relatedIdentifier": "https://sceeus.se/sv/publikationer/ukraina-och-belarus/",
            "relatedIdentifierType": "URL", "relationType": "HasTranslation"} in attributes["relatedIdentifiers"]
    assert attributes["url"] == "https://sceeus.se/en/publications/ukraine-and-belarus/"


@pytest.mark.slow
def test_registration_files_are_reproducible_and_dated_by_source_date_epoch(tmp_path):
    project(tmp_path)
    assert build(tmp_path, "crossref,datacite").returncode == 0
    first = [(tmp_path / "out" / n).read_bytes() for n in ("doc.crossref.xml", "doc.datacite.json")]
    assert build(tmp_path, "crossref,datacite", "--force").returncode == 0
    assert [(tmp_path / "out" / n).read_bytes() for n in ("doc.crossref.xml", "doc.datacite.json")] == first
    from conftest import run
    later = run("doc", "--styles", "styles", "-o", "later", "--format", "crossref", cwd=tmp_path,
                env={"SOURCE_DATE_EPOCH": "1735689600"})
    assert later.returncode == 0
    root = ET.parse(tmp_path / "later" / "doc.crossref.xml").getroot()
    assert root.findtext("c:head/c:timestamp", namespaces=NS) == "20250101000000"
