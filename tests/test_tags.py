"""The tagged screen PDF as a screen reader reads it: languages, links, notes, hyphenated words.

The structure tree is read here with pikepdf, the marked content's text with pypdf, the page
text with PDFium; outloud's LNK-001 and TAG-020 are checked by `validators.ua_problems`.
"""

from __future__ import annotations

import re
import shutil

import pytest

import validators as v
from conftest import ROOT, run

SV = ROOT / "data" / "sceeus-sample-sv-2025-06"
UK = ROOT / "data" / "sceeus-sample-uk-2025-06"


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("tags")
    result = run(SV, UK, "-q", "-o", out)
    assert result.returncode == 0, result.stderr
    return {"sv": out / f"{SV.name}.pdf", "uk": out / f"{UK.name}.pdf"}


def marked_text(path) -> dict[tuple[int, int], str]:
    """(page index, MCID) → the text drawn inside that marked-content sequence (pypdf)."""
    import pypdf

    found: dict[tuple[int, int], str] = {}
    for number, page in enumerate(pypdf.PdfReader(path).pages):
        stack: list = []

        def before(operator, args, cm, tm):
            if operator == b"BDC":
                props = args[1] if len(args) > 1 else None
                stack.append(props.get("/MCID") if hasattr(props, "get") else None)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(chars, cm, tm, font, size):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                found[number, int(mcid)] = found.get((number, int(mcid)), "") + chars

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def tag_tree(path):
    """[(element, its text as read: ActualText where it has one, else its content), …] in reading
    order, with each element's language (its own Lang, or the nearest above, or the document's)."""
    import pikepdf

    texts = marked_text(path)
    read = []
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        lang = str(pdf.Root.get("/Lang", ""))

        def kids(element):
            k = element.get("/K")
            return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]

        def reading(element, page, inherited):
            own = str(element.get("/Lang", inherited))
            page = pages.get(element.Pg.objgen, page) if "/Pg" in element else page
            if "/ActualText" in element:
                said = str(element.ActualText)
            else:
                parts = []
                for kid in kids(element):
                    if isinstance(kid, int):
                        parts.append(texts.get((page, kid), ""))
                    elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                        parts.append(texts.get((pages.get(kid.Pg.objgen, page), int(kid.MCID)), ""))
                    elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                        parts.append(reading(kid, page, own))
                said = " ".join(parts)
            read.append((str(element.S), own, " ".join(said.split()),
                         {k: str(element[k]) for k in ("/Alt", "/ID") if k in element}))
            return said

        whole = " ".join(reading(k, 0, lang) for k in kids(pdf.Root.StructTreeRoot))
        read.append(("(all)", lang, " ".join(whole.split()), {}))
    return read


def pdfium_text(path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


@pytest.mark.slow
def test_a_hyphenated_word_reads_whole(guest_pdf):
    # PDFium marks the hyphen of a line it joins with U+FFFE: those are the broken words.
    broken = re.findall(r"(\w+)\ufffe(\w+)", pdfium_text(guest_pdf))
    assert len(broken) >= 20
    reading = tag_tree(guest_pdf)[-1][2]
    for head, tail in broken:
        if head + tail not in reading and re.search(rf"(?<!\w){head}\w+", reading):
            continue  # broken at a page's foot, where PDFium reads on into a chart drawn after the line
        assert head + tail in reading, (head, tail)
        for hyphen in "-\u2010":
            assert f"{head}{hyphen} {tail}" not in reading, (head, tail)


@pytest.mark.slow
def test_a_typed_hyphen_extracts_as_typed(samples):
    import pypdf

    # The Ukrainian edition's first hyphen is a break, whose U+2010 named the glyph for all.
    text = pdfium_text(samples["uk"])
    copied = "".join(page.extract_text() for page in pypdf.PdfReader(samples["uk"]).pages)
    for extracted in (text, copied):
        assert "\u2010" not in extracted
        assert "https://example.org/sceeus-sample/uk/" in extracted
    assert re.search(r"українсь\ufffeкий", text)  # a line-end hyphen PDFium can join


@pytest.mark.slow
def test_footnotes_are_notes_and_links_say_where_they_lead(samples):
    import pikepdf

    tree = tag_tree(samples["sv"])
    notes = [(text, attrs) for role, _, text, attrs in tree if role == "/Note"]
    assert len(notes) == 1 and notes[0][1]["/ID"] == "fn1" and "En fotnot i exemplet" in notes[0][0]
    assert not any(role == "/L" and "En fotnot" in text for role, _, text, _ in tree)
    links = [(lang, text, attrs) for role, lang, text, attrs in tree if role == "/Link"]
    assert ("sv", "1", {"/Alt": "Not 1"}) in links  # the note's number, read as "Note 1"
    assert ("uk", "Українська", {}) in links  # the Ukrainian edition, named in Ukrainian
    with pikepdf.open(samples["sv"]) as pdf:
        ids = pdf.Root.StructTreeRoot.IDTree.Names
        assert "fn1" in [str(ids[i]) for i in range(0, len(ids), 2)]
        described = sorted(str(a.Contents) for page in pdf.pages for a in page.obj.get("/Annots", ())
                           if a.get("/Subtype") == "/Link")
    # the online version twice: in the publisher block and as the address that ends "Cite as"
    assert described == ["Not 1", "https://example.org/sceeus-sample/sv/", "https://example.org/sceeus-sample/sv/",
                         "https://example.org/sceeus-sample/uk/", "sceeus.se", "Українська"]
    for path in samples.values():
        assert v.ua_problems(path) == []
        assert v.pdfua(path) == []  # header cells say what they head (Scope): no UA-15-003


@pytest.mark.slow
def test_a_reader_gives_each_document_its_language(tmp_path):
    for folder in (SV, UK):
        shutil.copytree(folder, tmp_path / folder.name)
    (tmp_path / "reader.yaml").write_text(
        "title: Baltic Days\nlang: en\ndate: 2025-06-12\ndocuments:\n"
        f"  - {SV.name}\n  - {UK.name}\n", encoding="utf-8")
    result = run("--bundle", "reader.yaml", "-q", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "out" / f"{tmp_path.name}.pdf"
    tree = tag_tree(path)

    def language_of(words: str, role: str = "/P") -> set[str]:
        return {lang for r, lang, text, _ in tree if r == role and words in text}

    assert language_of("Contents", "/H2") == {"en"}  # the reader's own pages
    assert language_of("Elförbindelser över Östersjön", "/H1") == {"sv"}
    assert language_of("Приклад: енергетичні з’єднання", "/H1") == {"uk"}
    assert language_of("En fotnot i exemplet", "/Note") == {"sv"}
    assert language_of("Українська", "/Link") == {"uk"}  # in the Swedish edition's list
    # The contents: each entry in its document's language, its link read as the title.
    assert language_of("Exempel: Elförbindelser över Östersjön", "/Link") == {"sv"}
    assert language_of("Приклад: енергетичні з’єднання через Балтійське море", "/Link") == {"uk"}
    assert v.ua_problems(path) == []
    assert v.pdfua(path) == []
