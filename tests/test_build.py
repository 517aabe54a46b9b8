"""The Guest Commentary end to end: text, fonts, pages, metadata, bookmarks, links; the CLI."""

from __future__ import annotations

import re

import pypdf
import pytest

from conftest import GUEST, MINIMAL, ROOT, pdf_text, run, write_doc

SOURCE = ROOT / "tests" / "fixtures" / "source" / "sceeus-guest-commentary-8-2024.txt"


def words(text: str) -> list[str]:
    # Hyphenation joins across line ends; then hyphens and punctuation do not count.
    # (pdfium marks a hyphenation break as U+FFFE.) A word broken across pages is read with
    # the page's running header and footer between its halves: they are dropped there.
    text = re.sub(r"\ufffe\r?\n(?:[^\r\n]*\r?\n)?Page \d+ of \d+[^\r\n]*\r?\n", "\ufffe", text)
    text = re.sub(r"\ufffe\s*|[-\u2010\u00ad]\s*[\r\n]+\s*", "", text)
    text = text.replace("\u2019", "'").replace("-", "").replace("\u2013", " ")
    return [w for w in re.split(r"[^\w'$%]+", text.lower()) if w]


def across_pages(pages: list[str]) -> list[str]:
    """A word hyphenated on the last line of a page goes on at the top of the next; in the
    extracted text the page's figures and running lines come between. Join the halves."""
    carry, joined = "", []
    for text in pages:
        text, carry = carry + text, ""
        foot = re.search(r"(\w+)\ufffe(?![a-z])", text)
        if foot:
            carry, text = foot[1], text[:foot.start()] + text[foot.end():]
        joined.append(text)
    return joined


@pytest.mark.slow
def test_every_word_of_the_source_in_order(guest_pdf):
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    source = words("\n".join(l for l in lines[1:-1] if l != "Executive Summary"))
    printed = words("\n".join(across_pages(pdf_text(guest_pdf))))
    at = 0
    for n, word in enumerate(source):
        try:
            at = printed.index(word, at) + 1
        except ValueError:
            context = " ".join(source[max(0, n - 8):n + 3])
            pytest.fail(f"word {n} {word!r} missing or out of order near: {context}")


def test_pages_fonts_and_metadata(guest_pdf):
    reader = pypdf.PdfReader(guest_pdf)
    assert 4 <= len(reader.pages) <= 8
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]).get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(re.sub(r"^/[A-Z]{6}\+", "", font["/BaseFont"]))
    # Only the shipped families, as subsets; never a system font such as DejaVu.
    assert all(name.startswith(("Source-Serif-4", "Source-Sans-3")) for name in fonts), fonts
    assert any(name.startswith("Source-Serif-4") for name in fonts)
    meta = reader.metadata
    assert meta.title == "Ukraine–Belarus Relations at an All-Time Low"
    assert meta.author == "[Author name to be confirmed]"
    assert "Belarus" in meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_bookmarks_for_every_section(guest_pdf):
    reader = pypdf.PdfReader(guest_pdf)

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    found = list(titles(reader.outline))
    for section in ("Executive Summary", "Economic Cooperation: from Hero to Zero",
                    "Political Relations: Mutual Distrust", "Security Deadlock: Permanent Deterrence",
                    "Cooperation with the Belarusian Democratic Forces: Restrained Position",
                    "Conclusions and Policy Recommendations", "About the author"):
        assert section in found, found


def test_page_one_and_running_parts(guest_pdf):
    pages = pdf_text(guest_pdf)
    first = pages[0]
    assert "GUEST COMMENTARY" in first and "No. 8 · 2024" in first
    assert "Executive Summary".upper() in first.upper()
    assert "Page 1 of" in first
    # The running header starts on page 2, with the series label and the short title.
    assert "GUEST COMMENTARY" in pages[1] and "Ukraine–Belarus Relations at an All-Time Low" in pages[1]
    assert "Page 2 of" in pages[1]
    assert "Ukraine–Belarus Relations at an All-Time Low" not in pages[0]  # title wraps; no header
    last = pages[-1]
    assert "The views expressed in this Guest Commentary are those of the author" in " ".join(last.split())
    assert "Stockholm Centre for Eastern European Studies (SCEEUS)" in last
    assert f"Page {len(pages)} of {len(pages)}" in last


def test_links_work(guest_pdf):
    reader = pypdf.PdfReader(guest_pdf)
    uris = [a.get_object()["/A"].get("/URI") for p in reader.pages for a in p.get("/Annots", [])
            if a.get_object().get("/A")]
    assert "https://sceeus.se" in uris


@pytest.mark.slow
def test_a_new_document_folder_builds(tmp_path):
    folder = write_doc(tmp_path / "new-doc", MINIMAL + "lang: en-GB\n",
                       "## Names\n\nСвятлана Ціханоўская and Аляксандр Лукашэнка, with a note.[^1]\n\n"
                       "| Year | Value |\n|---|---|\n| 2021 | 5.4 |\n\n[^1]: The note's text.\n")
    result = run(folder, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("new-doc.pdf")
    text = "\n".join(pdf_text(tmp_path / "out" / "new-doc.pdf"))
    assert "Ціханоўская" in text and "Лукашэнка" in text
    assert "The note's text." in text.replace("\u2019", "'")


def test_malformed_front_matter_reports_every_problem(tmp_path):
    folder = write_doc(tmp_path / "bad", """
series: sceeus-guest-commentary
titel: Typo
year: "2024"
authors:
  - affiliation: Nowhere
url: http://example.org
""")
    result = run(folder, "-q", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    # Missing keys point at the front matter's first line; the others at the value or key.
    assert result.stderr.splitlines() == [
        "bad/document.md:2: title: required",
        "bad/document.md:2: summary: required by the series 'sceeus-guest-commentary'",
        "bad/document.md:3:1: titel: unknown key; did you mean 'title'?",
        "bad/document.md:4:7: year: must be a whole number (e.g. 2024), not '2024'",
        "bad/document.md:6:5: authors[0].name: required",
        "bad/document.md:7:6: url: 'http://example.org' is not an absolute https:// address",
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_cli_check_quiet_and_usage(tmp_path):
    result = run(GUEST, "--check", "-o", tmp_path / "out")
    assert result.returncode == 0 and not (tmp_path / "out").exists()
    unknown = run("--format", "epub", "-o", tmp_path / "out")
    assert unknown.returncode == 2 and "epub" in unknown.stderr and not (tmp_path / "out").exists()
    assert run(tmp_path / "nowhere").returncode == 2
    assert "no such folder" in run(tmp_path / "nowhere").stderr


def test_watch_does_not_go_with_check():
    result = run(GUEST, "--watch", "--check")
    assert result.returncode == 2
    assert "--watch builds on every change; it does not go with --check" in result.stderr
