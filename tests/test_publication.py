"""A publication people can cite and find: the front matter's and series.yaml's DOI, ISSN,
licence, copyright and short title, checked with their exact words; the `Publication` value the
outputs read, its "Cite as" made by the series' CSL style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import MINIMAL, run, write_doc
from report import pipeline
from report.source import identifiers

FRONT = MINIMAL.strip()  # document.md lines 2–8


def series_folder(root: Path, series_id: str = "my-brief", **keys: str) -> Path:
    """A series extending the Guest Commentary with `keys` (YAML values as written)."""
    folder = root / series_id
    folder.mkdir(parents=True)
    lines = ["extends: sceeus-guest-commentary"] + [f"{k}: {v}" for k, v in keys.items()]
    (folder / "series.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def prepare(folder: Path, styles: Path | None = None, tmp: Path | None = None) -> pipeline.Prepared:
    options = pipeline.Options(style_roots=(styles,) if styles else (), cache=(tmp or folder.parent) / "cache")
    return pipeline.prepare(folder, options)


# -- the checks -------------------------------------------------------------------------------

def test_bad_identifiers_are_errors_each_at_its_line_and_nothing_is_written(tmp_path):
    front = FRONT + ("\ndoi: 10.1234/my paper\nlicense: CC-BY-5.0\ncopyright: Test Institute\n"
                     f"short_title: {'s' * 101}\n")
    front = front.replace("title: A Small Test Document", "title: " + "word " * 999 + "last")
    write_doc(tmp_path / "doc", front)
    result = run("doc", "-q", "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "doc/document.md:5:8: title: is 4,999 characters long; at most 500 are allowed",
        "doc/document.md:9:6: doi: '10.1234/my paper' is not a DOI: it contains a space",
        "doc/document.md:10:10: license: unknown licence 'CC-BY-5.0'; known: CC-BY-4.0, CC-BY-SA-4.0, "
        "CC-BY-NC-4.0, CC-BY-ND-4.0, CC-BY-NC-SA-4.0, CC-BY-NC-ND-4.0, CC0-1.0, all-rights-reserved",
        "doc/document.md:12:14: short_title: is 101 characters long; at most 100 are allowed",
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("doi, message", [
    ("https://doi.org/10.18449/2022A12", "'https://doi.org/10.18449/2022A12': write the DOI alone, "
     "'10.18449/2022A12'; the builder adds https://doi.org/"),
    ("doi:10.18449/2022A12", "'doi:10.18449/2022A12': write the DOI alone, '10.18449/2022A12'; the builder "
     "adds https://doi.org/"),
    ("11.18449/2022A12", "'11.18449/2022A12' is not a DOI such as 10.18449/2022A12 (10., the registrant's "
     "digits, /, the suffix)"),
    ("10.18449/", "'10.18449/' is not a DOI such as 10.18449/2022A12 (10., the registrant's digits, /, the suffix)"),
])
def test_a_doi_is_written_bare(doi, message):
    assert identifiers.doi_problem(doi) == message


def test_real_dois_pass():
    for doi in ("10.18449/2022A12", "10.5281/zenodo.1234567", "10.1000.10/abc(1)-x"):
        assert identifiers.doi_problem(doi) is None


def test_the_issn_check_digit():
    # Real ISSNs: Nature, The Lancet, and one whose check digit is X (0000-006X is ISO 3297's example)
    for issn in ("0028-0836", "0140-6736", "0000-006X", "2049-3630"):
        assert identifiers.issn_problem(issn) is None, issn
    assert identifiers.issn_problem("0028-0837") == ("'0028-0837' is not an ISSN: its check digit is 7, but the "
                                                     "digits before it give 6")
    assert identifiers.issn_problem("00280836") == ("'00280836' is not an ISSN; write it as four digits, a hyphen, "
                                                    "four digits (2000-1234)")


def test_series_keys_are_checked_at_their_lines(tmp_path):
    styles = series_folder(tmp_path / "styles", issn="'0028-0837'", license="cc-by-4.0",
                           doi_pattern="'10.12345/brief-{year}-{title}'")
    write_doc(tmp_path / "doc", FRONT.replace("sceeus-guest-commentary", "my-brief"))
    result = run("doc", "--check", "--styles", styles, cwd=tmp_path)
    assert result.returncode == 1
    lines = [line.replace(str(styles), "styles") for line in result.stderr.splitlines()]
    assert lines == [
        "styles/my-brief/series.yaml:2:7: issn: '0028-0837' is not an ISSN: its check digit is 7, but the "
        "digits before it give 6",
        "styles/my-brief/series.yaml:3:10: license: 'cc-by-4.0': write it as 'CC-BY-4.0'",
        "styles/my-brief/series.yaml:4:14: doi_pattern: '{title}': a DOI pattern fills in only {year} and "
        "{number} (or {number:02}, zero-padded)",
    ]


@pytest.mark.slow
def test_an_issn_without_any_licence_warns_once_and_builds(tmp_path):
    styles = series_folder(tmp_path / "styles", issn="'0028-0836'")
    write_doc(tmp_path / "doc", FRONT.replace("sceeus-guest-commentary", "my-brief"))
    write_doc(tmp_path / "other", FRONT.replace("sceeus-guest-commentary", "my-brief"))
    result = run("doc", "other", "--check", "--styles", styles, cwd=tmp_path)  # two documents, one warning
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "ISSN" in line]
    assert [line.replace(str(styles), "styles") for line in warned] == [
        "styles/my-brief/series.yaml:2: warning: issn: the series has an ISSN but no licence: set `license` "
        "here (e.g. CC-BY-4.0, or all-rights-reserved) or in the document's front matter"]
    write_doc(tmp_path / "licensed", FRONT.replace("sceeus-guest-commentary", "my-brief") + "\nlicense: CC-BY-4.0")
    result = run("licensed", "--check", "--styles", styles, cwd=tmp_path)
    assert "ISSN" not in result.stderr


def test_a_doi_outside_the_series_pattern_warns(tmp_path):
    styles = series_folder(tmp_path / "styles", doi_pattern="'10.12345/brief-{year}-{number:02}'")
    write_doc(tmp_path / "doc", FRONT.replace("sceeus-guest-commentary", "my-brief") + "\ndoi: 10.12345/other-3")
    result = run("doc", "--check", "--styles", styles, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ("doc/document.md:9:6: warning: doi: '10.12345/other-3' does not follow the series' pattern "
            "'10.12345/brief-{year}-{number:02}' ('10.12345/brief-2025-03' for this number)") in result.stderr.splitlines()


# -- the value ---------------------------------------------------------------------------------

def test_the_series_pattern_fills_in_the_doi_and_the_defaults_hold(tmp_path):
    styles = series_folder(tmp_path / "styles", doi_pattern="'10.12345/brief-{year}-{number:02}'",
                           issn_print="'0028-0836'", issn_online="'0140-6736'", license="CC-BY-NC-ND-4.0")
    folder = write_doc(tmp_path / "doc", FRONT.replace("sceeus-guest-commentary", "my-brief") +
                       "\nlang: sv\nshort_title: Ett test")
    pub = prepare(folder, styles, tmp_path).publication
    assert pub.doi == "10.12345/brief-2025-03"
    assert pub.doi_url == "https://doi.org/10.12345/brief-2025-03"
    assert pub.issns == (("0028-0836", "print"), ("0140-6736", "online"))
    assert pub.license.name == "Creative Commons Erkännande-IckeKommersiell-IngaBearbetningar 4.0 Internationell"
    assert pub.license.url == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert pub.license.short == "CC BY-NC-ND 4.0"
    assert pub.short_title == "Ett test"
    assert pub.copyright_line == "© Stockholms centrum för östeuropastudier (SCEEUS) 2025"  # the publisher, in Swedish


def test_cite_as_is_made_by_the_series_citation_style_in_the_document_language(tmp_path):
    front = FRONT + "\ndoi: 10.12345/sceeus-gc-2025-3\ndate: 2025-06-12"
    pub = prepare(write_doc(tmp_path / "doc", front), tmp=tmp_path).publication
    assert pub.citation_style == "chicago-notes-bibliography"
    assert pub.cite_as == ("Author, Test. A Small Test Document. SCEEUS Guest Commentary No. 3. Stockholm Centre "
                           "for Eastern European Studies (SCEEUS), 2025. https://doi.org/10.12345/sceeus-gc-2025-3.")
    assert '<a href="https://doi.org/10.12345/sceeus-gc-2025-3"' in pub.cite_as_html
    assert "<em>A Small Test Document</em>" in pub.cite_as_html
    styles = series_folder(tmp_path / "styles", citation_style="apa")
    apa = write_doc(tmp_path / "apa", front.replace("sceeus-guest-commentary", "my-brief"))
    assert prepare(apa, styles, tmp_path).publication.cite_as.startswith("Author, T. (2025")


def test_a_placeholder_author_is_cited_as_written_never_turned_round(tmp_path):
    """'[Author name to be confirmed]' is no name: CSL must not make it 'confirmed], [Author …'."""
    front = FRONT.replace("name: Test Author", "name: '[Author name to be confirmed]'")
    pub = prepare(write_doc(tmp_path / "doc", front + "\nurl: https://example.org/3\n"
                            "placeholders_accepted: ['[Author name to be confirmed]']"),
                  tmp=tmp_path).publication
    assert pub.cite_as.startswith("[Author name to be confirmed]. A Small Test Document.")


def test_cite_as_by_hand_wins(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT + "\ncite_as: 'Author, T. (2025): Small. Stockholm: SCEEUS.'")
    pub = prepare(folder, tmp=tmp_path).publication
    assert (pub.cite_as, pub.citation_style, pub.citable) == ("Author, T. (2025): Small. Stockholm: SCEEUS.", "", True)


# -- the PDFs ------------------------------------------------------------------------------------

REPORT = """
series: pub-report
number: 4
date: 2025-06-12
title: Electricity Links across the Baltic Sea after 2025
short_title: Electricity Links
authors:
  - name: Jane Doe
    affiliation: Stockholm University
  - name: Олена Коваленко
summary: |
  The Baltic states left the Russian grid in February 2025. This report asks what the new links
  mean for Sweden, Finland and Poland.
url: https://example.org/reports/4
"""
REPORT_SERIES = {"extends": "sceeus-report", "issn_print": "'0028-0836'", "issn_online": "'0140-6736'",
                 "doi_pattern": "'10.12345/sceeus-report-{year}-{number:02}'", "license": "CC-BY-NC-ND-4.0"}
DOI_URL = "https://doi.org/10.12345/sceeus-report-2025-04"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict[str, Path]:
    """A Report with every identifier: DOI from the series' pattern, two ISSNs, a CC licence;
    screen and print PDFs."""
    from conftest import skip_unless_supported
    skip_unless_supported()
    base = tmp_path_factory.mktemp("report")
    styles = base / "styles"
    (styles / "pub-report").mkdir(parents=True)
    (styles / "pub-report" / "series.yaml").write_text(
        "".join(f"{k}: {v}\n" for k, v in REPORT_SERIES.items()), encoding="utf-8")
    write_doc(base / "rep", REPORT, "## Introduction\n\nSome text of the report.\n")
    result = run("rep", "--styles", styles, "--format", "pdf,print,html", "-q", "-o", "out", cwd=base)
    assert result.returncode == 0, result.stderr
    return {"pdf": base / "out" / "rep.pdf", "print": base / "out" / "rep.print.pdf", "html": base / "out" / "rep.html"}


def page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(path)
    texts = [" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    document.close()
    return texts


CITE = ("Doe, Jane, and Олена Коваленко. Electricity Links Across the Baltic Sea After 2025. SCEEUS Report No. 4. "
        "Stockholm Centre for Eastern European Studies (SCEEUS), 2025. " + DOI_URL + ".")
COLOPHON = ("© Stockholm Centre for Eastern European Studies (SCEEUS) 2025 · Licensed under Creative Commons "
            "Attribution-NonCommercial-NoDerivatives 4.0 International (CC BY-NC-ND 4.0) · ISSN 0028-0836 (print) · "
            "ISSN 0140-6736 (online) · DOI " + DOI_URL)


def _unwrapped(text: str) -> str:
    """Page text with the line breaks inside an address closed up (a URL wraps after a slash), and
    the hyphens as typed: PDFium gives a hyphen ending a line as U+FFFE, a compound's unbreakable
    hyphen (the desk's rule) as U+2010."""
    return re.sub(r"/ (?=\S)", "/", text).replace("\ufffe", "-").replace("\u2010", "-")


@pytest.mark.slow
def test_the_end_matter_prints_cite_as_and_the_colophon(report):
    texts = [_unwrapped(t) for t in page_texts(report["pdf"])]
    end = texts[-2]  # the last page is the back cover
    assert "REPORT Electricity Links Page" in end  # the running head: the short title
    assert "Cite as " + CITE in end
    assert COLOPHON in end
    assert end.index("Cite as") < end.index("Online version") < end.index("©")  # Cite as, publisher block, colophon


@pytest.mark.slow
def test_the_back_cover_carries_abstract_identifiers_and_cite_as(report):
    for fmt in ("pdf", "print"):
        texts = [_unwrapped(t) for t in page_texts(report[fmt])]
        back = texts[-1]
        assert back.startswith("SCEEUS REPORT · NO. 4 · 2025 Electricity Links across the Baltic Sea after 2025 "
                               "The Baltic states left the Russian grid in February 2025."), back
        assert "Cite as " + CITE in back
        # on paper the licence's address stands in its parenthesis (a link cannot be followed there)
        assert (COLOPHON if fmt == "pdf" else COLOPHON.replace(
            "(CC BY-NC-ND 4.0)", "(CC BY-NC-ND 4.0, https://creativecommons.org/licenses/by-nc-nd/4.0/)")) in back
        assert "REPORT Electricity Links" not in back and "Page " not in back  # no running head, no folio
    printed = page_texts(report["print"])
    # whole sheets, the back cover the outside of the last leaf, a blank page before it: nothing on
    # it but the slug line outside the trim (file, date, colour standard, page)
    assert len(printed) % 4 == 0
    assert re.fullmatch(r"rep\.print\.pdf · 2025-06-12 · PDF/X-4, Coated FOGRA39 · p\. \d+", printed[-2].strip())


@pytest.mark.slow
def test_the_licence_badge_is_vector_art_linked_to_the_licence(report):
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(report["pdf"]) as pdf:
        assert not [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        links = [str(a.A.URI) for page in pdf.pages for a in page.obj.get("/Annots", [])
                 if a.get("/A") is not None and "/URI" in a.A]
    assert links.count("https://creativecommons.org/licenses/by-nc-nd/4.0/") >= 2  # the badge and the name
    assert DOI_URL in links


XMP_EXPECTED = {
    "dc:title": "Electricity Links across the Baltic Sea after 2025",
    "dc:creator": ["Jane Doe", "Олена Коваленко"],
    "dc:identifier": DOI_URL,
    "dc:language": {"en"},
    "dc:publisher": {"Stockholm Centre for Eastern European Studies (SCEEUS)"},
    "dc:rights": "© Stockholm Centre for Eastern European Studies (SCEEUS) 2025. Creative Commons Attribution-"
                 "NonCommercial-NoDerivatives 4.0 International (https://creativecommons.org/licenses/by-nc-nd/4.0/)",
    "xmpRights:Marked": "True",
    "xmpRights:WebStatement": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}
PRISM = "{http://prismstandard.org/namespaces/basic/2.0/}"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pdf", "print"])
def test_xmp_and_document_information_carry_the_identifiers(report, fmt):
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(report[fmt]) as pdf:
        meta = pdf.open_metadata()
        assert {key: meta.get(key) for key in XMP_EXPECTED} == XMP_EXPECTED
        assert meta.get("xmpRights:UsageTerms") == XMP_EXPECTED["dc:rights"]
        assert {k: meta.get(PRISM + k) for k in ("doi", "url", "issn", "eIssn", "publicationName", "number")} == {
            "doi": "10.12345/sceeus-report-2025-04", "url": DOI_URL, "issn": "0028-0836", "eIssn": "0140-6736",
            "publicationName": "SCEEUS Report", "number": "4"}
        # still what the variant claims
        key, value = ("pdfuaid:part", "1") if fmt == "pdf" else ("pdfxid:GTS_PDFXVersion", "PDF/X-4")
        assert meta.get(key) == value
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        packet = pdf.Root.Metadata.read_bytes()
    assert info["/DOI"] == "10.12345/sceeus-report-2025-04"
    assert info["/ISSN"] == "0028-0836, 0140-6736"
    assert info["/Rights"] == XMP_EXPECTED["dc:rights"]
    assert info["/Author"] == "Jane Doe, Олена Коваленко"
    # the summary's line break is a space (was dropped: "linksmean"), and no space trails
    assert info["/Subject"].endswith("what the new links mean for Sweden, Finland and Poland.")
    # one rdf:RDF in the packet (a reader sees only the first), and it parses as XML with the cc licence
    from xml.etree import ElementTree
    body = packet[packet.index(b"<x:xmpmeta"):packet.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")]
    root = ElementTree.fromstring(body)
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    assert len(root.findall(f"{rdf}RDF")) == 1
    licence = root.find(".//{http://creativecommons.org/ns#}license")
    assert licence.get(f"{rdf}resource") == "https://creativecommons.org/licenses/by-nc-nd/4.0/"


@pytest.mark.slow
def test_the_screen_pdf_stays_pdf_ua_and_the_print_pdf_x4(report):
    import validators as v
    from test_validators import _colour_problems
    assert v.pdfua(report["pdf"]) == []
    assert v.ua_problems(report["pdf"]) == []
    v.qpdf_check(report["pdf"])
    v.qpdf_check(report["print"])
    v.ghostscript(report["print"], "-sDEVICE=nullpage")
    assert _colour_problems(report["print"]) == []


@pytest.mark.slow
def test_the_web_page_shows_cite_as_and_the_colophon_and_stays_valid(report, tmp_path):
    import validators as v
    from html.parser import HTMLParser

    class Blocks(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.texts, self.images = 0, {}, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("class") in ("cite-as", "colophon", "back-cover") and not self.depth:
                self.depth, self.current = 1, attrs["class"]
                self.texts[self.current] = ""
            elif self.depth:
                self.depth += tag not in ("img", "br")
            if tag == "img" and "license-badge" in (attrs.get("class") or ""):
                self.images.append(attrs)

        def handle_endtag(self, tag):
            if self.depth:
                self.depth -= 1

        def handle_data(self, data):
            if self.depth:
                self.texts[self.current] += data

    page = Blocks()
    page.feed(report["html"].read_text(encoding="utf-8"))
    texts = {k: " ".join(t.split()) for k, t in page.texts.items()}
    assert texts["cite-as"] == "Cite as " + CITE + " Copy Copied Download PDF"  # the block's actions after it
    # the licence's address is in the markup for paper only (display: none on screen)
    assert texts["colophon"].replace(", https://creativecommons.org/licenses/by-nc-nd/4.0/", "") == COLOPHON
    assert [i["alt"] for i in page.images] == ["CC BY-NC-ND 4.0"] * 2  # the colophon's, and the back cover's (hidden)
    assert page.images[0]["src"].startswith("data:image/svg+xml")
    assert v.vnu(report["html"]) == []
    assert v.axe(report["html"], tmp_path) == []


@pytest.mark.slow
def test_a_swedish_edition_words_cite_as_and_its_licence_in_swedish(tmp_path):
    styles = series_folder(tmp_path / "styles", license="CC-BY-SA-4.0", copyright="'Exempelinstitutet'")
    front = FRONT.replace("sceeus-guest-commentary", "my-brief") + "\nlang: sv\nurl: https://example.org/sv/3"
    write_doc(tmp_path / "doc", front)
    result = run("doc", "--styles", styles, "-q", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    last = _unwrapped(page_texts(tmp_path / "out" / "doc.pdf")[-1])
    assert "Citera som Author, Test." in last
    assert ("© Exempelinstitutet 2025 · Licensierad under Creative Commons Erkännande-DelaLika 4.0 Internationell "
            "(CC BY-SA 4.0)") in last
    assert "ISSN" not in last and "DOI" not in last


@pytest.mark.slow
def test_nothing_is_added_where_nothing_is_given(guest_pdf):
    """The Guest Commentary names no DOI, address, licence or ISSN: no Cite as, no colophon."""
    text = " ".join(page_texts(guest_pdf))
    assert "Cite as" not in text and "©" not in text and "ISSN" not in text


@pytest.mark.slow
def test_a_report_bound_in_a_reader_has_no_back_cover(report):
    base = report["pdf"].parent.parent
    (base / "reader.yaml").write_text("title: Baltic Day\ndocuments:\n  - rep\n", encoding="utf-8")
    result = run("--bundle", "reader.yaml", "--styles", base / "styles", "-q", "-o", "bound", cwd=base)
    assert result.returncode == 0, result.stderr
    texts = [_unwrapped(t) for t in page_texts(base / "bound" / f"{base.name}.pdf")]  # named by its folder
    assert any("Cite as " + CITE in t for t in texts)  # the end matter keeps it
    assert not any(t.startswith("SCEEUS REPORT · NO. 4 · 2025") for t in texts)
