"""--proof: a proof for the author, <stem>.proof.pdf, with the problems shown on the page."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

import validators as v
from conftest import ROOT, pdf_text, run, skip_if_refused, write_doc

from report import pipeline
from report.render import context

EPOCH = "1767312000"  # 2026-01-02
FRONT = """
series: sceeus-guest-commentary
number: 3
date: 2025-03-04
title: A Proof Test
authors:
  - name: "FILL IN: the author's name"
summary: A short summary.
"""
BODY = ("## Section\n\nSome text with a note.[^nope] And FILL IN: a sentence about Minsk.\n\n"
        + "\n\n".join(f"Paragraph {i} of the text, long enough to take a line or two of the column "
                      "so that the proof runs to a second page with its own line numbers." for i in range(40))
        + "\n")
MARK = "PROOF — not for circulation"


@pytest.fixture(scope="module")
def proof(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("proof")
    folder = write_doc(tmp / "proof-test", FRONT, BODY)
    out = tmp / "out"
    out.mkdir()
    final = out / "proof-test.pdf"
    final.write_bytes(b"the final PDF, built before")
    result = run(folder, "--proof", "-o", out, env={"SOURCE_DATE_EPOCH": EPOCH})
    return folder, out, result


@pytest.mark.slow
def test_a_proof_is_written_under_its_own_name_only(proof):
    folder, out, result = proof
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["proof-test.pdf", "proof-test.proof.pdf"]
    assert (out / "proof-test.pdf").read_bytes() == b"the final PDF, built before"  # never touched
    assert result.stdout.splitlines()[0].endswith("proof-test.proof.pdf")


@pytest.mark.slow
def test_every_problem_is_a_notice_and_in_the_list(proof):
    folder, out, result = proof
    doc = folder / "document.md"
    for line in (f"{doc}:7:11: shown in the proof: authors[0].name: still a placeholder: FILL IN: the author's name",
                 f'{doc}:12:23: shown in the proof: the footnote [^nope] has no text, so it would print as "[^nope]": '
                 'add a line "[^nope]: …" with the note',
                 f"{doc}:12:35: shown in the proof: still a placeholder: FILL IN: a sentence about Minsk."):
        assert line in result.stderr
    text = pdf_text(out / "proof-test.proof.pdf")
    last = text[-1]
    assert "Problems in this proof" in last
    assert "document.md:12:23 the footnote [^nope] has no text" in last
    assert "document.md:12:35 still a placeholder: FILL IN: a sentence about Minsk." in last
    # The text itself stays as the author wrote it, and the call prints as written.
    assert "Some text with a note.[^nope] And FILL IN: a sentence about Minsk." in text[0]


@pytest.mark.slow
def test_every_page_carries_the_mark_the_date_and_line_numbers(proof):
    _, out, _ = proof
    text = pdf_text(out / "proof-test.proof.pdf")
    assert len(text) >= 2
    for page in text:
        assert f"{MARK} · proof of 2026-01-02" in page
        lines = page.splitlines()
        numbers = [int(w) for w in lines if w.strip().isdigit()]
        assert numbers[:5] == [1, 2, 3, 4, 5]  # restarting on every page
    # A margin note names the problem beside it.
    assert "the footnote [^nope] has no text" in text[0].split("Some text with a note.")[0].replace("\r\n", " ")


@pytest.mark.slow
def test_the_line_numbers_stay_out_of_the_tagged_text(proof):
    _, out, _ = proof
    path = out / "proof-test.proof.pdf"
    assert v.ua_problems(path) == []  # every marked content in the tree: numbers and notes are artifacts
    assert v.pdfua(path) == []
    pikepdf = v.need_module("pikepdf", "the PyPI package pikepdf")
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert "/OutputIntents" not in pdf.Root  # never PDF/X


@pytest.mark.slow
def test_same_folder_same_bytes(proof, tmp_path):
    folder, out, _ = proof
    again = tmp_path / "out"
    result = run(folder, "--proof", "-o", again,
                 env={"SOURCE_DATE_EPOCH": EPOCH, "REPORT_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert (again / "proof-test.proof.pdf").read_bytes() == (out / "proof-test.proof.pdf").read_bytes()


@pytest.mark.slow
def test_a_strict_preflight_refuses_a_proof(proof, tmp_path):
    folder, _, _ = proof
    result = run(folder, "--proof", "--preflight", "--strict", "-o", tmp_path,
                 env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 1
    assert ("proof-test.proof.pdf: a proof (PROOF — not for circulation) never goes to press: build the "
            "document without --proof") in result.stderr


@pytest.mark.parametrize("args, words", [
    (("--format", "print"), "--proof makes one PDF, <stem>.proof.pdf, never a final one: it does not go with "
                            "--format print"),
    (("--format", "pdf,html"), "--proof makes one PDF, <stem>.proof.pdf, never a final one: it does not go "
                               "with --format pdf,html"),
    (("--pdf-variant", "pdf/x-4"), "--proof is never PDF/X: it does not go with --pdf-variant pdf/x-4"),
    (("--check",), "--proof does not go with --check"),
])
def test_proof_with_another_output_is_a_usage_error(args, words, tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT)
    result = run(folder, "--proof", *args, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"error: {words}")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_what_cannot_be_shown_still_stops_the_build(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT + "titel: typo\n", BODY)
    plain = run(folder, "--check")
    result = run(folder, "--proof", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "titel" in result.stderr
    assert [l for l in result.stderr.splitlines() if "document.md" in l] == \
        [l for l in plain.stderr.splitlines() if "document.md" in l]
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_missing_author_and_chart_are_shown(tmp_path):
    # As `--import` leaves a Word file: no author, a number and a year still to fill in.
    front = (FRONT.replace('authors:\n  - name: "FILL IN: the author\'s name"\n', "")
             .replace("number: 3\n", 'number: "FILL IN: its number"\nyear: "FILL IN: the year"\n'))
    folder = write_doc(tmp_path / "doc", front, "## Section\n\nText.\n\n![Trade](chart:trade)\n")
    result = run(folder, "--proof", "-o", tmp_path / "out", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    text = "\n".join(pdf_text(tmp_path / "out" / "doc.proof.pdf"))
    assert "FILL IN: the author's name" in text.replace("’", "'")
    assert "authors: required" in text
    assert "[missing chart: trade]" in text
    assert "chart 'trade': unknown chart; there is no charts.yaml in the document folder" in text
    assert "number: still a placeholder: FILL IN: its number" in text
    assert "year: still a placeholder: FILL IN: the year" in text
    assert "No. " not in text.split("A Proof Test")[0]  # the masthead prints no number


def test_a_year_nobody_gave_stops_a_proof_without_a_date(tmp_path):
    front = FRONT.replace("date: 2025-03-04\n", 'year: "FILL IN: the year"\n')
    folder = write_doc(tmp_path / "doc", front)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = skip_if_refused(subprocess.run([sys.executable, str(ROOT / "build.py"), str(folder), "--proof", "-o",
                                             str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True,
                                            env=env, timeout=600))
    assert result.returncode == 1
    assert f"{folder / 'document.md'}:4:7: year: still a placeholder: FILL IN: the year" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_proof_date(monkeypatch):
    doc = SimpleNamespace(date="2025-03-04", year=2025)  # what the rule reads of a Document
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert context.proof_date(doc) == "2025-03-04"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert context.proof_date(doc) == "2026-01-02"


# -- a clean proof, and what its line numbers count -------------------------------------------

CLEAN_BODY = ("## Section\n\nThe first paragraph, with a note.[^1] "
              + "It runs on for a few lines of the column, so that the note beside it has lines of its own. " * 3
              + "\n\n[^1]: A note long enough to take several lines of the rail beside the column, which an "
                "author refers to by its number and not by a line number of the page.\n\n"
              + "\n\n".join(f"Paragraph {i}, long enough to take a line or two of the column." for i in range(8))
              + "\n")
NUMBER_SIZE = 8.0  # the line numbers' size as PDFium reads it: 6 pt, 8 px of the page's drawing


def line_numbers(page) -> list[tuple[int, float]]:
    """(number, baseline in pt from the foot) of each line number drawn in the page's left margin,
    top to bottom: the digits set at the numbers' size, read back with PDFium."""
    import pypdfium2.raw as pdfium_c
    text = page.get_textpage()
    rows: dict[float, list[tuple[float, str]]] = {}
    for i in range(text.count_chars()):
        char = text.get_text_range(i, 1)
        left, bottom, _, _ = text.get_charbox(i)
        if (char.isdigit() and abs(pdfium_c.FPDFText_GetFontSize(text, i) - NUMBER_SIZE) < 0.05
                and left < page.get_width() / 4):
            rows.setdefault(round(_origin(text, i), 1), []).append((left, char))
    return sorted(((int("".join(c for _, c in sorted(row))), y) for y, row in rows.items()), key=lambda n: -n[1])


def _origin(text, index: int) -> float:
    import ctypes
    import pypdfium2.raw as pdfium_c
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(text, index, ctypes.byref(x), ctypes.byref(y))
    return y.value


def baselines_of(page, words: str) -> set[float]:
    """The baselines (pt from the foot) of the lines that set any letter of `words`, found where the
    page's text has them (a line break may stand between two of them)."""
    text = page.get_textpage()
    found, letters = set(), "".join(c for c in words if _letter(c))
    flat = "".join(c for c in text.get_text_range() if _letter(c))
    start = flat.find(letters)
    assert start >= 0, words
    seen = -1
    for i in range(text.count_chars()):  # the n-th letter of the page's text
        if not _letter(text.get_text_range(i, 1)):
            continue
        seen += 1
        if start <= seen < start + len(letters):
            found.add(round(_origin(text, i), 1))
    return found


def _letter(char: str) -> bool:
    """Neither a space nor a hyphen a line break added (PDFium reads one as '-' or '\x02')."""
    return bool(char) and not char.isspace() and char not in "-\u00ad\x02"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A document with nothing to show, built as a PDF and as a proof."""
    tmp = tmp_path_factory.mktemp("clean")
    folder = write_doc(tmp / "clean", FRONT.replace('"FILL IN: the author\'s name"', "Test Author"), CLEAN_BODY)
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    made = [run(folder, "-o", tmp / "pdf", env=env), run(folder, "--proof", "-o", tmp / "proof", env=env)]
    for result in made:
        assert result.returncode == 0, result.stderr
    return tmp / "pdf" / "clean.pdf", tmp / "proof" / "clean.proof.pdf", made[1]


@pytest.mark.slow
def test_a_clean_proof_has_the_documents_pages_and_no_list(clean):
    pdf, proof, result = clean
    assert "shown in the proof" not in result.stderr
    text, proof_text = pdf_text(pdf), pdf_text(proof)
    assert len(proof_text) == len(text)  # no page of its own for an empty list
    for page in proof_text:
        assert "None" not in page and "Problems in this proof" not in page
        assert f"{MARK} · proof of 2026-01-02" in page
    assert "Paragraph 7, long enough" in proof_text[-1]


@pytest.mark.slow
def test_line_numbers_count_the_column_from_the_title(clean):
    import pypdfium2
    _, proof, _ = clean
    pdf = pypdfium2.PdfDocument(str(proof))
    try:
        page = pdf[0]
        numbers = line_numbers(page)
        assert [n for n, _ in numbers] == list(range(1, len(numbers) + 1))  # top to bottom, from 1
        # Line 1 is the title's first line: the masthead above it (series, number, date) is not counted.
        assert numbers[0][1] in baselines_of(page, "A Proof Test")
        # The note stands in the rail beside the column: its lines take no number of their own.
        note = baselines_of(page, CLEAN_BODY.split("[^1]: ")[1].split("\n")[0])
        column = baselines_of(page, "It runs on for a few lines of the column") | baselines_of(page, "Paragraph 0")
        assert len(note) >= 3
        numbered = {y for _, y in numbers}
        assert not (note - column) & numbered
        assert (column & numbered) == column  # every line of the column has its number
    finally:
        pdf.close()
