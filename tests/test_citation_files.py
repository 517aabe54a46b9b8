"""`--format cite`: <stem>.bib, <stem>.ris and <stem>.csl.json beside the other outputs, each
read back with an independent reader (bibtexparser, the RIS tags, json)."""

from __future__ import annotations

import json

import bibtexparser
import pytest

from conftest import MINIMAL, run, write_doc
from publication_fixtures import FRONT, build, project


@pytest.mark.slow
def test_bibtex_is_a_techreport_that_parses_back(tmp_path):
    project(tmp_path)
    result = build(tmp_path, "cite")
    assert result.returncode == 0, result.stderr
    library = bibtexparser.parse_file(str(tmp_path / "out" / "doc.bib"))
    assert library.failed_blocks == []
    [entry] = library.entries
    assert entry.entry_type == "techreport"
    fields = {k: f.value for k, f in entry.fields_dict.items()}
    assert fields["author"] == "{Doe}, Jane and {Петренко}, Олег"
    assert fields["title"] == "{Ukraine and Belarus after the Election}"
    assert fields["institution"] == "{Stockholm Centre for Eastern European Studies (SCEEUS)}"
    assert fields["type"] == "{SCEEUS Guest Commentary}" or fields["type"].startswith("{")
    assert (fields["number"], fields["year"], fields["date"]) == ("8", "2024", "2024-03-01")
    assert fields["doi"] == "10.5555/sceeus-gc-2024-08"
    assert fields["url"] == "https://doi.org/10.5555/sceeus-gc-2024-08"
    assert fields["issn"] == "2004-7835"
    assert fields["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert fields["note"] == ("Other language editions: Svenska: "
                              "https://sceeus.se/sv/publikationer/ukraina-och-belarus/")
    assert entry.key == "Doe2024-doc"


@pytest.mark.slow
def test_bibtex_keeps_braces_and_percent_signs_harmless(tmp_path):
    project(tmp_path, FRONT.replace("Ukraine and Belarus after the Election", "'A {braced} 50% title'"))
    assert build(tmp_path, "cite").returncode == 0
    library = bibtexparser.parse_file(str(tmp_path / "out" / "doc.bib"))
    assert library.failed_blocks == []
    assert library.entries[0].fields_dict["title"].value == r"{A \{braced\} 50\% title}"
    assert library.entries[0].fields_dict["doi"].value == "10.5555/sceeus-gc-2024-08"  # nothing swallowed


def test_ris_record_is_a_report(tmp_path):
    project(tmp_path)
    assert build(tmp_path, "cite").returncode == 0
    raw = (tmp_path / "out" / "doc.ris").read_bytes().decode("utf-8")
    lines = raw.split("\r\n")
    assert lines[0] == "TY  - RPRT" and lines[-2] == "ER  -" and lines[-1] == ""
    tags = [(line[:2], line[6:]) for line in lines if line]
    assert all(line[2:6] == "  - " or line == "ER  -" for line in lines if line)
    assert [v for t, v in tags if t == "AU"] == ["Doe, Jane", "Петренко, Олег"]
    assert ("TI", "Ukraine and Belarus after the Election") in tags
    assert ("PY", "2024") in tags and ("DA", "2024/03/01/") in tags
    assert ("DO", "10.5555/sceeus-gc-2024-08") in tags and ("SN", "2004-7835") in tags
    assert ("VL", "8") in tags and ("LA", "en") in tags
    assert [v for t, v in tags if t == "KW"] == ["Belarus", "Ukraine"]
    assert ("AB", "Belarus and Ukraine drifted apart.") in tags


@pytest.mark.slow
def test_csl_json_is_a_report_item(tmp_path):
    project(tmp_path)
    assert build(tmp_path, "cite").returncode == 0
    [item] = json.loads((tmp_path / "out" / "doc.csl.json").read_text(encoding="utf-8"))
    assert item["type"] == "report"
    assert item["author"] == [{"family": "Doe", "given": "Jane"}, {"family": "Петренко", "given": "Олег"}]
    assert item["issued"] == {"date-parts": [[2024, 3, 1]]}
    assert (item["DOI"], item["ISSN"], item["number"]) == ("10.5555/sceeus-gc-2024-08", "2004-7835", "8")
    assert item["collection-title"] == item["genre"]
    assert item["language"] == "en"


def test_a_document_without_doi_or_date_still_gets_its_citation_files(tmp_path):
    write_doc(tmp_path / "doc", MINIMAL)
    result = run("doc", "-o", "out", "--format", "cite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [item] = json.loads((tmp_path / "out" / "doc.csl.json").read_text(encoding="utf-8"))
    assert "DOI" not in item and item["issued"] == {"date-parts": [[2025]]}
    entry = bibtexparser.parse_file(str(tmp_path / "out" / "doc.bib")).entries[0]
    assert "doi" not in entry.fields_dict


@pytest.mark.slow
def test_citation_files_are_the_same_bytes_every_build(tmp_path):
    project(tmp_path)
    assert build(tmp_path, "cite").returncode == 0
    first = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("doc.*")}
    assert sorted(first) == ["doc.bib", "doc.csl.json", "doc.ris"]
    assert build(tmp_path, "cite", "--force").returncode == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").glob("doc.*")} == first
