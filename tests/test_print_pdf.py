"""The print PDF as a print shop and a reader of paper get it: every link's address printed,
wherever the link stands; nothing in it a preflight would question (unused Lab colour spaces, a
PDF/X version only in the XMP, crop marks touching the bleed); and an event reader dated from
its documents, never from the clock."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds a print PDF and two readers

from conftest import MINIMAL, ROOT, pdf_text, run, skip_unless_supported, write_doc

CORRIDOR = ROOT / "tests" / "fixtures" / "reflow" / "sceeus-corridor-2025-03"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    skip_unless_supported()
    out = tmp_path_factory.mktemp("print")
    result = run(CORRIDOR, "--format", "print", "-q", "-j", "1", "-o", out)
    assert result.returncode == 0, result.stderr
    return out / f"{CORRIDOR.name}.print.pdf"


def _text(path: Path) -> str:
    # pdfium reports a line break after a hyphen as U+FFFE; an address broken at a slash gets a space
    return " ".join(" ".join(pdf_text(path)).split()).replace("\ufffe", "-").replace("/ ", "/")


def test_every_link_prints_its_address(printed):
    text = _text(printed)
    assert "the ministry (https://example.org/ministry/grain) reports" in text  # the summary
    assert "See her notes (https://example.org/notes/dana-scholar/grain-corridor)." in text  # a bio
    assert "Write to her (mailto:dana.scholar@example.org)" in text
    # A link whose text is its address prints it once; so does the publisher block.
    assert "or at dana@example.org. Her data" in text
    assert "sceeus.se SCEEUS Guest Commentary No. 3, 2025" in text
    online = "https://sceeus.se/en/publications/guest-commentary-3-2025-the-grain-corridor-after-the-black-sea-initiative/"
    # once in the publisher block, once ending "Cite as": never a second time after either
    assert text.count(online) == 2


def test_no_colour_space_that_nothing_uses(printed):
    import pikepdf

    def holders(pdf):  # (resources, the content that may select their colour spaces)
        for page in pdf.pages:
            contents = page.obj.Contents
            streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents)
            yield page.obj.Resources, b"\n".join(s.read_bytes() for s in streams)
        for obj in pdf.objects:  # forms and patterns
            if isinstance(obj, pikepdf.Stream) and "/Resources" in obj:
                yield obj.Resources, obj.read_bytes()

    with pikepdf.open(printed) as pdf:
        seen = 0
        for resources, content in holders(pdf):
            seen += 1
            for name in (resources.get("/ColorSpace") or {}).keys():
                assert re.search(re.escape(name.encode()) + rb"\s+(cs|CS)\b", content), name
        assert seen > len(pdf.pages)  # the charts' forms were looked at too
        assert not any(isinstance(o, pikepdf.Array) and len(o) and o[0] == "/Lab" for o in pdf.objects)


def test_pdfx_version_in_the_document_information_and_the_xmp(printed):
    import pikepdf

    with pikepdf.open(printed) as pdf:
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"


def test_crop_marks_start_outside_the_bleed(printed):
    import pikepdf
    import pypdfium2

    with pikepdf.open(printed) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            media = [float(v) for v in page.MediaBox]
            marks = [(op, [float(v) for v in operands]) for operands, op in pikepdf.parse_content_stream(page)
                     if str(op) in ("m", "l")][:16]  # the marks come first: 8 lines, 16 points
            assert len(marks) == 16
            for (_, (xa, ya)), (_, (xb, yb)) in zip(marks[::2], marks[1::2]):
                near = (xa, ya)  # each line starts at its end nearer the page
                # it stands 3 pt clear of the bleed box, in line with the trim, inside the media box
                outside = max(bleed[0] - near[0], near[0] - bleed[2], bleed[1] - near[1], near[1] - bleed[3])
                assert outside == pytest.approx(3, abs=0.01), (near, bleed)
                on_trim = [min(abs(a - t) for t in edges) < 0.01 for a, edges in ((xa, trim[::2]), (ya, trim[1::2]))]
                assert (xa == xb and on_trim[0]) or (ya == yb and on_trim[1]), (xa, ya, xb, yb)
                assert media[0] < min(xa, xb) and max(xa, xb) < media[2]
                assert media[1] < min(ya, yb) and max(ya, yb) < media[3]

    image = pypdfium2.PdfDocument(str(printed))[0].render(scale=4).to_pil().convert("RGB")

    def px(x_mm, y_mm):  # from the MediaBox's top-left corner, which is 12 mm outside the trim
        return image.getpixel((round((x_mm + 12) * MM * 4), round((y_mm + 12) * MM * 4)))

    # Above the top-left corner: the masthead band in the bleed (a Guest Commentary's is the pale
    # blue-grey guest ground), white paper just outside it (the mark once started right there),
    # then the mark.
    assert px(1, -2.5) != (255, 255, 255) and px(1, -2.5)[2] > px(1, -2.5)[0] + 10
    assert px(0, -3.4) == (255, 255, 255) and px(-3.4, 0) == (255, 255, 255)
    assert px(0, -5) != (255, 255, 255) and px(-5, 0) != (255, 255, 255)


def test_a_reader_is_dated_by_its_documents_never_the_clock(tmp_path):
    for name, date in (("first", "2024-05-02"), ("second", "2025-02-11")):
        write_doc(tmp_path / name, MINIMAL.replace("year: 2025", f"year: 2025\ndate: {date}"))
    (tmp_path / "reader.yaml").write_text("title: A Reader\ndocuments:\n  - first\n  - second\n", encoding="utf-8")
    builds = []
    for zone in ("UTC", "Pacific/Kiritimati"):  # another clock, 14 hours ahead
        out = tmp_path / zone.replace("/", "-")
        result = run("--bundle", tmp_path / "reader.yaml", "--format", "pdf,print", "-q", "-o", out,
                     env={"TZ": zone})
        assert result.returncode == 0, result.stderr
        builds.append({fmt: (out / f"{tmp_path.name}{suffix}").read_bytes()
                       for fmt, suffix in (("pdf", ".pdf"), ("print", ".print.pdf"))})
    assert builds[0] == builds[1]
    import io

    import pikepdf
    for data in builds[0].values():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert str(pdf.docinfo["/CreationDate"]) == str(pdf.docinfo["/ModDate"]) == "D:20250211"
            meta = pdf.open_metadata()
            for key in ("xmp:CreateDate", "xmp:ModifyDate"):
                assert meta[key].startswith("2025-02-11"), (key, meta[key])
