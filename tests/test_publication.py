"""A publication people can cite and find: the front matter's and series.yaml's DOI, ISSN,
licence, copyright and short title, checked with their exact words; the `Publication` value the
outputs read, its "Cite as" made by the series' CSL style."""

from __future__ import annotations

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


def test_an_issn_without_any_licence_warns_once_and_builds(tmp_path):
    styles = series_folder(tmp_path / "styles", issn="'0028-0836'")
    write_doc(tmp_path / "doc", FRONT.replace("sceeus-guest-commentary", "my-brief"))
    result = run("doc", "--check", "--styles", styles, cwd=tmp_path)
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


def test_cite_as_by_hand_wins(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT + "\ncite_as: 'Author, T. (2025): Small. Stockholm: SCEEUS.'")
    pub = prepare(folder, tmp=tmp_path).publication
    assert (pub.cite_as, pub.citation_style, pub.citable) == ("Author, T. (2025): Small. Stockholm: SCEEUS.", "", True)
