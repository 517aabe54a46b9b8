"""Citations: Pandoc's syntax in the body, a library beside the document, a CSL style per series.

What users get: the notes' text on the web page and in the PDF, the reference list, the
references.json beside the web page, and each mistake's exact words at its line.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, pdf_text, run, untypeset, write_doc
from report import pipeline
from report.errors import ContentErrors
from report.source import markdown as markup

FIXTURES = ROOT / "tests" / "fixtures" / "citations"
SAMPLE = FIXTURES / "sample"
STYLES = FIXTURES / "styles"
BIB = (SAMPLE / "references.bib").read_text(encoding="utf-8")
FRONT = """
series: cite-chicago
year: 2025
title: Citing Sources
authors:
  - name: Jane Doe
"""


def clusters(body: str, notes: bool = False):
    tokens, env = markup.parse(body, "en", notes)
    found = env.get("citations")
    return [(c.source, [(i.key, i.prefix, i.locator, i.suppress_author, i.in_text) for i in c.items])
            for c in (found.clusters if found else [])]


def build_html(folder: Path, out: Path, series: str | None = None) -> str:
    options = pipeline.Options(out_dir=out, formats=("html",), series=series, style_roots=(STYLES,))
    built = pipeline.build(folder, options)
    # the markup as the templates wrote it: the web page's soft hyphens and unbroken spans taken out
    return untypeset(next(p for p in built.paths if p.suffix == ".html").read_text(encoding="utf-8"))


def text_of(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("↑", "").split())


def notes_of(page: str) -> list[str]:
    block = re.search(r'<ol class="notes">(.*?)</ol>', page, re.S)
    return [text_of(li) for li in re.findall(r"<li id=\"fn\d+\"[^>]*>(.*?)</li>", block[1], re.S)] if block else []


def body_text(page: str) -> str:
    main = page.split('<ol class="notes">')[0]
    return text_of(main)


def problems_of(folder: Path, series: str | None = None) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        pipeline.prepare(folder, pipeline.Options(series=series, style_roots=(STYLES,)))
    return [str(e) for e in caught.value.errors]


# -- the syntax ------------------------------------------------------------------------------

def test_each_form_of_citation_is_read_with_its_parts():
    assert clusters("A [@smith2019, p. 12]. B [see @a; -@b, chap. 3]. @c says. @d [p. 4] too.") == [
        ("[@smith2019, p. 12]", [("smith2019", "", "p. 12", False, False)]),
        ("[see @a; -@b, chap. 3]", [("a", "see", "", False, False), ("b", "", "chap. 3", True, False)]),
        ("@c", [("c", "", "", False, True)]),
        ("@d [p. 4]", [("d", "", "p. 4", False, True)]),
    ]


def test_cross_references_addresses_and_links_are_not_citations():
    body = ("See [@fig-1] and [@tbl-2; @sec-intro], @fig-3, @eq-1, [@rec-2] and [@note-1]. "
            "Write to jane@example.org. [a link](https://example.org/@x) and [@x](https://example.org).")
    assert clusters(body) == []


def test_an_escaped_at_sign_and_a_front_matter_text_print_as_written():
    assert clusters("Follow \\@sceeus.") == []
    assert markup.render_inline("Follow @sceeus and [see @a, p. 2].") == "Follow @sceeus and [see @a, p. 2]."


def test_a_key_ends_before_trailing_punctuation():
    assert clusters("As @smith2019. said, and [@a.b:c-d].") == [
        ("@smith2019", [("smith2019", "", "", False, True)]),
        ("[@a.b:c-d]", [("a.b:c-d", "", "", False, False)])]


def test_in_a_note_style_each_cluster_is_a_footnote_numbered_with_the_authors():
    body = "One.[^a] Two [@x]. Three [@y].[^b]\n\n[^a]: Own.\n\n[^b]: Own, citing [@z].\n"
    tokens, env = markup.parse(body, "en", True)
    for cluster in env["citations"].clusters:
        cluster.token.meta["html"] = "" if cluster.note else f"«{cluster.keys[0]}»"
        if cluster.note is not None:
            cluster.note.meta["html"] = f"note {cluster.keys[0]}"
    rendered = markup.render_body(tokens, env, {})
    assert [text_of(n) for n in re.findall(r"<li .*?</li>", rendered.notes_html, re.S)] == [
        "Own.", "note x", "note y", "Own, citing «z»."]
    assert 'Two.<sup class="footnote-ref"><a href="#fn2"' in rendered.html  # after the full stop
    assert "[@" not in rendered.html


# -- the styles, on the web page -------------------------------------------------------------

@pytest.fixture(scope="module")
def chicago(tmp_path_factory):
    return build_html(SAMPLE, tmp_path_factory.mktemp("chicago"))


@pytest.mark.slow
def test_chicago_notes_first_full_then_short(chicago):
    notes = notes_of(chicago)
    assert notes[0] == "The author’s own note, with no citation."  # the author's note keeps number 1
    assert notes[1] == ("Anna Nordin and Erik Berg, Energy Efficiency in Nordic Municipal Buildings, ER 2021:14 "
                        "(Swedish Energy Agency, 2021), 12, https://doi.org/10.1234/sea.2021.14.")
    assert notes[2].startswith("See John Smith, The Structure of Public Reports, 2nd ed. (Oxford University "
                               "Press, 2019), chap. 3; Maria Garcia et al., “Measuring Readability")
    assert notes[3] == "The Structure of Public Reports."  # @smith2019 says: the author is in the text
    assert notes[4] == notes[5] == "Smith, The Structure of Public Reports, 45."  # short form, no ibid.
    assert notes[8] == "Nordin and Berg, Energy Efficiency in Nordic Municipal Buildings."
    assert notes[11] == "Compare (Garcia et al., “Measuring Readability Across Languages,” 221)."
    assert '<p>Smith<sup class="footnote-ref"><a href="#fn4" id="fnref4" aria-label="Note 4">4</a></sup> says' in chicago
    assert 'Buildings matter.<sup class="footnote-ref"><a href="#fn2" id="fnref2" aria-label="Note 2">2</a></sup>' in chicago
    assert '<a href="https://doi.org/10.1234/sea.2021.14" class="address">' in chicago


@pytest.mark.slow
def test_chicago_with_ibid(tmp_path):
    notes = notes_of(build_html(SAMPLE, tmp_path, "cite-ibid"))
    assert notes[4:6] == ["Ibid., 45.", "Ibid."]


@pytest.mark.slow
def test_apa_cites_in_the_text_with_no_notes(tmp_path):
    page = build_html(SAMPLE, tmp_path, "cite-apa")
    text = body_text(page)
    assert "Buildings matter (Nordin & Berg, 2021, p. 12)." in text
    assert "Smith (2019) says reports should be short." in text
    assert "(Garcia et al., 2020, p. 220)" in text
    assert notes_of(page)[0] == "The author’s own note, with no citation."
    assert len(notes_of(page)) == 2  # only the author's own notes


@pytest.mark.slow
def test_mhra_notes(tmp_path):
    notes = notes_of(build_html(SAMPLE, tmp_path, "cite-mhra"))
    assert notes[2].startswith("See John Smith, The Structure of Public Reports, 2nd ed. (Oxford University "
                               "Press, 2019), chap. 3; Maria Garcia and others,")
    assert notes[4] == "Smith, The Structure of Public Reports, p. 45."


@pytest.mark.slow
def test_a_reference_list_in_the_documents_language(tmp_path):
    folder = write_doc(tmp_path / "sv-doc", FRONT.replace("cite-chicago", "cite-list") + "lang: sv\n",
                       "Text [@smith2019, p. 12] och [@garcia2020].\n", references__bib=BIB)
    page = build_html(folder, tmp_path / "out")
    assert re.search(r'<h2 id="referenser">Referenser</h2>', page)
    refs = text_of(page.split('<div class="references">')[1].split("</div>")[0])
    assert refs.startswith("Garcia, Maria, Li Chen, Ngozi Okafor, Hans Müller, och Piotr Kowalski. ”Measuring Readability across Languages”.")
    assert "Smith, John. The Structure of Public Reports." in refs
    assert "Nordin" not in refs  # only the sources the text cites


@pytest.mark.slow
def test_swedish_terms(tmp_path):
    folder = write_doc(tmp_path / "sv", FRONT + "lang: sv\n",
                       "A [@garcia2020, p. 220]. B [@nordin2021]. C [@garcia2020, 221].\n", references__bib=BIB)
    notes = notes_of(build_html(folder, tmp_path / "out"))
    assert notes[0].startswith("Maria Garcia m.fl., ”Measuring")  # et al., Swedish quotation marks
    assert "220" in notes[0] and "p. 220" not in notes[0]  # the English page label read as a page
    assert notes[1].startswith("Anna Nordin och Erik Berg,")
    assert notes[2].startswith("Garcia m.fl., ”Measuring")


@pytest.mark.slow
def test_ukrainian_terms(tmp_path):
    folder = write_doc(tmp_path / "uk", FRONT.replace("cite-chicago", "cite-ibid") + "lang: uk\n",
                       "А [@nordin2021, 12]. Б [@nordin2021, 12]. В [@garcia2020].\n", references__bib=BIB)
    notes = notes_of(build_html(folder, tmp_path / "out"))
    assert notes[0].startswith("Anna Nordin і Erik Berg,")
    assert notes[1] == "Там само."
    assert "«Measuring" in notes[2]


@pytest.mark.slow
def test_belarusian_takes_the_russian_terms(tmp_path):
    folder = write_doc(tmp_path / "be", FRONT.replace("cite-chicago", "cite-ibid") + "lang: be\n",
                       "А [@nordin2021, 12]. Б [@nordin2021, 12].\n", references__bib=BIB)
    assert notes_of(build_html(folder, tmp_path / "out"))[1] == "Там же."


@pytest.mark.slow
def test_references_json_beside_the_web_page(tmp_path):
    build_html(SAMPLE, tmp_path)
    entries = json.loads((tmp_path / "sample.references.json").read_text(encoding="utf-8"))
    assert sorted(e["id"] for e in entries) == ["brown2017", "ek2015", "garcia2020", "nordin2021",
                                                 "smith2019", "who2023"]
    assert next(e for e in entries if e["id"] == "nordin2021")["DOI"] == "10.1234/sea.2021.14"


# -- mistakes ---------------------------------------------------------------------------------

def doc(tmp_path, body: str, **files) -> Path:
    files.setdefault("references__bib", BIB)
    return write_doc(tmp_path / "doc", FRONT, body, **files)


def test_unknown_key_at_its_line_with_did_you_mean(tmp_path):
    folder = doc(tmp_path, "Fine [@smith2019].\n\nNot [@smtih2019, p. 3] nor [@zzz].\n")
    assert problems_of(folder) == [
        f"{folder}/document.md:10:6: citation: no entry 'smtih2019' in the library; did you mean 'smith2019'?",
        f"{folder}/document.md:10:29: citation: no entry 'zzz' in the library",
    ]


def test_a_cross_reference_inside_a_citation(tmp_path):
    folder = doc(tmp_path, "See [@smith2019; @fig-1].\n")
    assert problems_of(folder) == [f"{folder}/document.md:8:18: '@fig-1' is a cross-reference, not a source: "
                                   "write it outside the citation's brackets"]


def test_no_library(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT, "Text.\n\nSee [@smith2019].\n")
    assert problems_of(folder) == [f"{folder}/document.md:10: the text cites sources but there is no library: "
                                   "put references.bib (or references.json, references.yaml) in the document folder"]


def test_broken_bibtex_entry_at_its_own_line(tmp_path):
    bib = "@book{ok, author={A}, title={T}, year={2000}}\n\n@book{broken,\n  author = {Doe, Jane,\n  title={x},\n}\n"
    folder = doc(tmp_path, "See [@ok].\n", references__bib=bib)
    assert problems_of(folder) == [f"{folder}/references.bib:3: this entry cannot be read ('@book{{broken,'): look "
                                   "for a brace '{' or quotation mark left open, or a missing comma between fields"]


def test_duplicate_bibtex_key(tmp_path):
    folder = doc(tmp_path, "See [@a].\n", references__bib="@book{a, title={T}, year={1}}\n@book{a, title={U}, year={2}}\n")
    assert problems_of(folder) == [f"{folder}/references.bib:2: the key 'a' is used by another entry too; "
                                   "each entry needs its own key"]


def test_a_field_given_twice(tmp_path):
    folder = doc(tmp_path, "See [@a].\n", references__bib="\n@book{a, title={T}, title={U}, year={1}}\n")
    assert problems_of(folder) == [f"{folder}/references.bib:2: this entry has title more than once; keep one"]


def test_a_library_only_pandoc_refuses_is_named_at_pandocs_line(tmp_path):
    bib = "@book{a, title={T}, year={1}, author={X}}\n@book{b, title = {T} {U}, year={2}}\n"
    folder = doc(tmp_path, "See [@a].\n", references__bib=bib)
    assert problems_of(folder) == [f"{folder}/references.bib:2: Pandoc cannot use this file: Error reading "
                                   "bibliography file the library: (line 2, column 22): unexpected '{'"]


def test_broken_csl_json_at_its_line_and_column(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT, "See [@a].\n",
                       references__json='[\n  {"id": "a", "type": "book", "title": "x",}\n]\n')
    assert problems_of(folder) == [f"{folder}/references.json:2:44: not valid JSON: Expecting property name "
                                   "enclosed in double quotes"]


def test_broken_csl_yaml_at_its_line(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT, "See [@a].\n",
                       references__yaml="- id: a\n  type: book\n  title: [x\n")
    errors = problems_of(folder)
    assert len(errors) == 1 and errors[0].startswith(f"{folder}/references.yaml:4:1: invalid YAML: ")


def test_unknown_style_at_its_series_line(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    (styles / "cite-bad").mkdir()
    (styles / "cite-bad" / "series.yaml").write_text("extends: example-brief\ncitation_style: chicago-note\n")
    folder = doc(tmp_path, "See [@smith2019].\n")
    with pytest.raises(ContentErrors) as caught:
        pipeline.prepare(folder, pipeline.Options(series="cite-bad", style_roots=(styles,)))
    assert [str(e) for e in caught.value.errors] == [
        f"{styles}/cite-bad/series.yaml:2: citation_style: unknown citation style 'chicago-note'; did you mean "
        "'chicago-notes-bibliography'?; known styles: apa, chicago-notes-bibliography, "
        "chicago-notes-bibliography-subsequent-ibid, mhra-notes (or put chicago-note.csl in the series folder)"]


def test_malformed_style_is_an_error_not_a_crash(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    (styles / "cite-own").mkdir()
    (styles / "cite-own" / "series.yaml").write_text("extends: example-brief\ncitation_style: own\n")
    (styles / "cite-own" / "own.csl").write_text('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/'
                                                 'citation-style-language/csl" class="note">\n<citation><layout>')
    folder = doc(tmp_path, "See [@smith2019].\n")
    with pytest.raises(ContentErrors) as caught:
        pipeline.build(folder, pipeline.Options(out_dir=tmp_path / "out", formats=("html",), series="cite-own",
                                                style_roots=(styles,)))
    assert [str(e).split(": Pandoc")[0] for e in caught.value.errors] == [f"{styles}/cite-own/own.csl"]
    assert not (tmp_path / "out").exists()


def test_too_many_names_and_too_big_a_library(tmp_path):
    authors = " and ".join(f"Author{i}, A." for i in range(10_000))
    folder = doc(tmp_path, "See [@big].\n", references__bib=f"@book{{big,\n  author = {{{authors}}},\n title={{T}}, year={{1}}}}\n")
    assert problems_of(folder) == [f"{folder}/references.bib:1: entry 'big' has 10,000 names in author; at most "
                                   "1,000 are allowed (name a group author, or list the first few and 'others')"]
    (folder / "references.bib").write_text("%" * 10_000_000)
    assert problems_of(folder) == [f"{folder}/references.bib: is 10,000,000 bytes; at most 2,000,000 are allowed"]


@pytest.mark.slow
def test_a_key_with_markup_is_an_unknown_key(tmp_path):
    folder = doc(tmp_path, "See [@smith<b>2019</b>].\n")
    assert problems_of(folder) == [f"{folder}/document.md:8:6: citation: no entry 'smith<b>2019' in the "
                                   "library; did you mean 'smith2019'?"]


@pytest.mark.slow
def test_missing_fields_warn_and_unused_entries_are_noted_by_check(tmp_path):
    bib = BIB + "\n@misc{untitled, author={Nobody}}\n"
    folder = doc(tmp_path, "See [@untitled] and [@smith2019].\n", references__bib=bib)
    result = run("--check", "--styles", STYLES, folder)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    line = bib.split("\n").index("@misc{untitled, author={Nobody}}") + 1
    assert (f"{folder}/references.bib:{line}: warning: entry 'untitled' has no title and no year or date; the "
            "chicago-notes-bibliography style prints it without") in lines
    assert f"{folder}/references.bib:1: note: entry 'nordin2021' is never cited" in lines
    assert not any("'smith2019' is never cited" in line for line in lines)


# -- cost ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_document_without_citations_never_loads_pandoc(tmp_path):
    folder = write_doc(tmp_path / "doc", FRONT, "Mail jane@example.org, or \\@desk on the forum.\n", references__bib=BIB)
    code = ("import sys; from pathlib import Path; from report import pipeline; "
            f"p = pipeline.prepare(Path({str(folder)!r}), pipeline.Options(style_roots=(Path({str(STYLES)!r}),))); "
            "pipeline.html_for(p, (), web=True); "
            "print(sorted(m for m in sys.modules if 'pandoc' in m or 'bibtex' in m))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- the PDF ----------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("series, expected", [
    ("cite-chicago", ["Anna Nordin and Erik Berg, Energy Efficiency in Nordic Municipal Buildings",
                      "Smith, The Structure of Public Reports, 45.", "Maria Garcia et al.,"]),
    ("cite-ibid", ["Ibid., 45.", "Ibid."]),
    ("cite-mhra", ["Maria Garcia and others,", "Smith, The Structure of Public Reports, p. 45."]),
])
def test_the_pdf_notes(tmp_path, series, expected):
    result = run(SAMPLE, "--styles", STYLES, "--series", series, "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    pdf = next(tmp_path.glob("*.pdf"))  # sample--<series>.pdf
    text = " ".join(" ".join(pdf_text(pdf)).split())
    for words in expected:
        assert words in text
    assert "The author’s own note, with no citation." in text
    assert "[@" not in text
    if series == "cite-chicago":  # the notes are tagged as the author's: Note, Lbl and LBody, links
        import validators
        assert validators.ua_problems(pdf) == []


@pytest.mark.slow
def test_a_desk_library_in_the_series_and_the_documents_own_entries_first(tmp_path):
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    (styles / "cite-desk").mkdir()
    (styles / "cite-desk" / "series.yaml").write_text("extends: cite-chicago\nreferences: library/desk.bib\n")
    (styles / "cite-desk" / "library").mkdir()
    (styles / "cite-desk" / "library" / "desk.bib").write_text(
        "@book{desk2020, author={Desk, Dana}, title={The Desk Handbook}, year={2020}}\n"
        "@book{smith2019, author={Other, Olga}, title={Not This One}, year={1999}}\n"
        "@book{deskonly, author={Desk, Dana}, title={Never Cited}, year={2021}}\n")
    folder = write_doc(tmp_path / "doc", FRONT.replace("cite-chicago", "cite-desk") + "references: own.bib\n",
                       "A [@desk2020]. B [@smith2019].\n", own__bib=BIB)
    options = pipeline.Options(out_dir=tmp_path / "out", formats=("html",), style_roots=(styles,))
    page = next(p for p in pipeline.build(folder, options).paths if p.suffix == ".html").read_text()
    assert notes_of(page) == ["Dana Desk, The Desk Handbook (2020).",
                              "John Smith, The Structure of Public Reports, 2nd ed. (Oxford University Press, 2019)."]
    unused = pipeline.prepare(folder, options).cited.unused  # --check's notes: the document's own library only
    assert f"{folder}/own.bib:1: note: entry 'nordin2021' is never cited" in unused
    assert not any("deskonly" in line for line in unused)


def test_a_library_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "secret.bib").write_text("@book{a, title={T}, year={1}}\n")
    folder = write_doc(tmp_path / "doc", FRONT + "references: ../secret.bib\n", "See [@a].\n")
    assert problems_of(folder) == [f"{folder}/../secret.bib: is outside the document folder"]


def test_a_cluster_pandoc_reads_otherwise_is_reported_not_dropped(tmp_path):
    from report.source import citeproc

    tokens, env = markup.parse("A [@a]. B [@b; @c].\n", "en", True)
    found = env["citations"]
    answer = citeproc.Formatted([{"kind": "text", "keys": ["a"], "text": "", "note": "A."},
                                 {"kind": "text", "keys": ["b"], "text": "", "note": "B."}], (), "[]")
    assert [c.source for c in citeproc.misread(found, answer)] == ["[@b; @c]"]


@pytest.mark.slow
def test_a_second_build_takes_the_formatted_citations_from_the_cache(tmp_path, monkeypatch):
    from report.source import citeproc

    folder = doc(tmp_path, "See [@smith2019, p. 4].\n")
    options = pipeline.Options(style_roots=(STYLES,), cache=tmp_path / "cache")
    first = pipeline.prepare(folder, options).cited.formatted

    def no_pandoc(*args):
        raise AssertionError("Pandoc started again")

    monkeypatch.setattr(citeproc, "_run", no_pandoc)
    assert pipeline.prepare(folder, options).cited.formatted == first
