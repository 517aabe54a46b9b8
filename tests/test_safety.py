"""Nothing lost, no way out of the document folder, no code from data.

- A failed or interrupted build leaves the earlier output byte for byte, and no temporary file.
- WeasyPrint reaches files only through `SafeFetcher`: every other route is a build error that
  names the URL, and nothing can attach a file to the PDF.
- Raw HTML and template syntax in any content field print literally.
- YAML loads no Python objects, a "billion laughs" fails fast, messages stay short.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import time
from pathlib import Path

import pypdf
import pytest

import report.commands.cli
import report.outputs.files
import report.layout.pages
from conftest import MINIMAL, pdf_text, run, write_doc
from report.errors import BuildError
from report.model import Html
from report.commands.record import NAME as RECORD  # what was built: beside the outputs

FRONT = MINIMAL.strip()  # document.md lines 2–8


# --- 2. Nothing lost --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A document built once through the command line: (folder, out folder, the PDF's bytes)."""
    base = tmp_path_factory.mktemp("built")
    folder = write_doc(base / "doc", FRONT)
    result = run(folder, "-q", "-o", base / "out")
    assert result.returncode == 0, result.stderr
    return folder, base / "out", (base / "out" / "doc.pdf").read_bytes()


@pytest.fixture
def earlier(built, tmp_path):
    """A private copy of the built document and its output, to break."""
    folder, out, data = built
    shutil.copytree(folder, tmp_path / "doc")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "doc", tmp_path / "out", data


def assert_untouched(out: Path, data: bytes) -> None:
    assert (out / "doc.pdf").read_bytes() == data
    assert sorted(p.name for p in out.iterdir() if p.name != RECORD) == ["doc.pdf"]  # no .part file, nothing else


@pytest.mark.slow
def test_invalid_content_leaves_the_earlier_pdf(earlier):
    folder, out, data = earlier
    write_doc(folder, FRONT + "\ndate: 2024-02-30")
    result = run(folder, "-q", "-o", out)
    assert result.returncode == 1
    assert "date: '2024-02-30' is not a date" in result.stderr
    assert_untouched(out, data)


@pytest.mark.slow
def test_failure_during_layout_leaves_the_earlier_pdf(earlier):
    # The checks pass (the picture exists), WeasyPrint then cannot read it: a build error.
    folder, out, data = earlier
    (folder / "images").mkdir()
    (folder / "images" / "map.png").write_bytes(b"not a PNG at all")
    write_doc(folder, FRONT, "## Section\n\n![A map](images/map.png)\n")
    result = run(folder, "-q", "-o", out, "--format", "pdf,html")
    assert result.returncode == 1, result.stderr
    assert "images/map.png" in result.stderr and "Traceback" not in result.stderr
    assert_untouched(out, data)


@pytest.mark.slow
def test_interrupted_layout_leaves_the_earlier_pdf(earlier, monkeypatch, capsys):
    folder, out, data = earlier

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.layout.pages, "write", interrupt)
    status = report.commands.cli.main([str(folder), "-q", "-j", "1", "-o", str(out)])
    assert status == 130
    assert "interrupted" in capsys.readouterr().err
    assert_untouched(out, data)


@pytest.mark.slow
def test_interrupted_write_removes_its_temporary_file(earlier, monkeypatch, capsys):
    # Ctrl-C while the new file is being written: the temporary file exists at that moment.
    folder, out, data = earlier
    seen = []

    class InterruptedOs:  # `os` as report.outputs.files sees it: Ctrl-C comes at the fsync
        def __getattr__(self, name):
            return getattr(os, name)

        def fsync(self, fd):
            seen.extend(p.name for p in out.iterdir() if p.name.endswith(".part"))
            raise KeyboardInterrupt

    monkeypatch.setattr(report.outputs.files, "os", InterruptedOs())
    status = report.commands.cli.main([str(folder), "-q", "-j", "1", "-o", str(out)])
    assert status == 130
    assert seen, "the interrupt came before the temporary file existed"
    assert_untouched(out, data)


def test_write_atomic_replaces_only_when_complete(tmp_path):
    target = tmp_path / "out" / "x.pdf"
    report.outputs.files.write_atomic(target, b"first")
    report.outputs.files.write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


# --- 3. No way out of the document folder -------------------------------------------------------

SECRET = "top secret 8c1f"


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """doc/ (allowed) with a picture, a text file, and a symlink to a file outside; outside/."""
    base = tmp_path_factory.mktemp("fetch")
    doc, outside = base / "doc", base / "outside"
    doc.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "picture.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    shutil.copy(Path(report.layout.pages.__file__).parents[2] / "styles/base/fonts/SourceSans3-Regular.ttf",
                outside / "font.ttf")
    (doc / "inside.txt").write_text("inside the folder")
    (doc / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
                                 '<rect width="4" height="4"/></svg>')
    (doc / "image.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
                                   f'<image href="{(outside / "picture.svg").as_uri()}" width="4" height="4"/></svg>')
    os.symlink(outside / "secret.txt", doc / "link.txt")
    os.symlink(outside / "picture.svg", doc / "link.svg")
    os.symlink(outside, doc / "linked-folder")
    return doc, outside


# SafeFetcher alone ---------------------------------------------------------------------------------

@pytest.mark.layout
def test_fetcher_serves_files_inside_the_folder(tree):
    from report.layout.fetcher import SafeFetcher

    doc, _ = tree
    fetcher = SafeFetcher((doc,), {"report:chart-a.svg": (b"<svg/>", "image/svg+xml")})
    assert fetcher.fetch((doc / "inside.txt").as_uri()).read() == b"inside the folder"
    assert fetcher.fetch((doc / "dot.svg").as_uri() + "?v=1#frag").content_type == "image/svg+xml"
    assert fetcher.fetch("report:chart-a.svg").read() == b"<svg/>"
    assert fetcher.fetch("data:text/plain;base64," + base64.b64encode(b"small").decode()).read() == b"small"


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/hostname", "the file is outside the document folder and the series folders"),
    ("{doc}/../outside/secret.txt", "the file is outside the document folder and the series folders"),
    ("{doc}/%2e%2e/outside/secret.txt", "the file is outside the document folder and the series folders"),
    ("{doc}/link.txt", "the file is outside the document folder and the series folders"),
    ("{doc}/linked-folder/secret.txt", "the file is outside the document folder and the series folders"),
    ("file://localhost/etc/hostname", "the file is outside the document folder and the series folders"),
    ("{doc}/missing.txt", "no such file"),
    ("{doc}", "the file is a folder, not a file"),
    ("http://example.org/x.png", "only files inside the document folder and the series can be used"),
    ("https://example.org/x.png", "only files inside the document folder and the series can be used"),
    ("ftp://example.org/x.png", "only files inside the document folder and the series can be used"),
    ("report:not-a-resource.svg", "only files inside the document folder and the series can be used"),
    ("javascript:alert(1)", "only files inside the document folder and the series can be used"),
])
@pytest.mark.layout
def test_fetcher_refuses(tree, url, reason):
    from report.layout.fetcher import RefusedURL, SafeFetcher

    doc, _ = tree
    url = url.replace("{doc}", doc.as_uri())
    with pytest.raises(RefusedURL) as caught:
        SafeFetcher((doc,)).fetch(url)
    assert str(caught.value) == f"refused to load '{url}': {reason}"


@pytest.mark.layout
def test_fetcher_refuses_a_big_data_url(tree):
    from report.layout.fetcher import MAX_DATA_URL, RefusedURL, SafeFetcher

    doc, _ = tree
    url = "data:application/octet-stream;base64," + base64.b64encode(b"x" * MAX_DATA_URL).decode()
    with pytest.raises(RefusedURL) as caught:
        SafeFetcher((doc,)).fetch(url)
    message = str(caught.value)
    assert message == f"refused to load '{url[:119]}…{url[-40:]}': data: URLs over 64 KB are not allowed"
    assert len(message) < 250  # the URL is named, not printed in full


# Through WeasyPrint ------------------------------------------------------------------------------

def layout(tree, body: str, head: str = ""):
    doc, _ = tree
    html = Html(text=f'<!DOCTYPE html><html lang="en"><head><title>t</title>{head}</head><body>{body}</body></html>',
                base_url=doc.as_uri() + "/", stylesheets=())
    document = report.layout.pages.layout(html, allowed=(doc,))
    return report.layout.pages.write(document, report.layout.pages.PdfOptions())


ROUTES = {
    "img file: URL": ('<img src="file:///etc/hostname" alt="x">', "file:///etc/hostname"),
    "img ../": ('<img src="../outside/picture.svg" alt="x">', "{outside}/picture.svg"),
    "img symlink": ('<img src="link.svg" alt="x">', "{doc}/link.svg"),
    "img symlinked folder": ('<img src="linked-folder/picture.svg" alt="x">', "{doc}/linked-folder/picture.svg"),
    "CSS background": ('<div style="background: url(file:///etc/hostname)">x</div>', "file:///etc/hostname"),
    "CSS list-style-image": ('<ul style="list-style-image: url(../outside/picture.svg)"><li>x</li></ul>',
                             "{outside}/picture.svg"),
    "CSS ::before content": ('<style>p::before { content: url(file:///etc/hostname) }</style><p>x</p>',
                             "file:///etc/hostname"),
    "object": ('<object data="file:///etc/hostname">x</object>', "file:///etc/hostname"),
    "embed": ('<embed src="file:///etc/hostname">', "file:///etc/hostname"),
    "inline SVG image": ('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4" role="img" aria-label="x">'
                         '<image href="file:///etc/hostname" width="4" height="4"/></svg>', "file:///etc/hostname"),
    # an SVG picture that refers to another file is refused before WeasyPrint reads it
    "SVG file's image": ('<img src="image.svg" alt="x">', "{doc}/image.svg"),
    "@import": ('<style>@import url(file:///etc/hostname);</style><p>x</p>', "file:///etc/hostname"),
    "@font-face": ('<style>@font-face { font-family: Stolen; src: url({outside_path}/font.ttf) } '
                   'p { font-family: Stolen }</style><p>x</p>', "{outside}/font.ttf"),
    "stylesheet link": ('<link rel="stylesheet" href="file:///etc/hostname"><p>x</p>', "file:///etc/hostname"),
    "base href": ('<base href="file:///etc/"><img src="hostname" alt="x">', "file:///etc/hostname"),
    "http": ('<img src="http://example.org/x.png" alt="x">', "http://example.org/x.png"),
    "https": ('<img src="https://example.org/x.png" alt="x">', "https://example.org/x.png"),
    "ftp": ('<img src="ftp://example.org/x.png" alt="x">', "ftp://example.org/x.png"),
}


@pytest.mark.layout
@pytest.mark.parametrize("route", list(ROUTES))
def test_weasyprint_refuses(tree, route):
    doc, outside = tree
    body, url = ROUTES[route]
    body = body.replace("{outside_path}", str(outside))
    url = url.replace("{doc}", doc.as_uri()).replace("{outside}", outside.as_uri())
    with pytest.raises(BuildError) as caught:
        layout(tree, body)
    assert f"refused to load '{url}'" in str(caught.value)


@pytest.mark.layout
def test_weasyprint_refuses_a_big_data_url(tree):
    from report.layout.fetcher import MAX_DATA_URL, show

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><!--' + b"x" * MAX_DATA_URL + b"--></svg>"
    url = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    with pytest.raises(BuildError) as caught:
        layout(tree, f'<img src="{url}" alt="x">')
    assert f"refused to load '{show(url)}': data: URLs over 64 KB are not allowed" in str(caught.value)


@pytest.mark.layout
def test_weasyprint_loads_what_is_inside(tree):
    small = "data:image/svg+xml;base64," + base64.b64encode((tree[0] / "dot.svg").read_bytes()).decode()
    data = layout(tree, f'<p>x</p><img src="dot.svg" alt="a dot"><img src="{small}" alt="a dot">')
    assert data.startswith(b"%PDF")


def attachments(data: bytes) -> tuple[dict, list]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    annots = [a.get_object().get("/Subtype") for page in reader.pages for a in page.get("/Annots", [])]
    names = reader.trailer["/Root"].get("/Names")
    embedded = names.get_object().get("/EmbeddedFiles") if names else None
    return reader.attachments, [a for a in annots if a == "/FileAttachment"] + ([embedded] if embedded else [])


@pytest.mark.layout
@pytest.mark.parametrize("href", ["file:///etc/hostname", "../outside/secret.txt", "link.txt", "inside.txt"])
def test_nothing_can_attach_a_file(tree, href):
    data = layout(tree, f'<p><a rel="attachment" href="{href}">file</a></p>',
                  head=f'<link rel="attachment" href="{href}">')
    assert attachments(data) == ({}, [])
    assert SECRET.encode() not in data and b"inside the folder" not in data


# Raw HTML and template syntax in content ---------------------------------------------------------------

TRAPS = "<script>alert(1)</script> {{ 7*7 }} {% for x in range(3) %}loop{% endfor %}"


@pytest.fixture(scope="module")
def literal(tmp_path_factory):
    """A document with raw HTML and template syntax in every field, built to PDF and HTML."""
    base = tmp_path_factory.mktemp("literal")
    front = """
series: sceeus-guest-commentary
number: 3
year: 2025
title: "Title {{ 7*7 }} <b>bold</b>"
subtitle: "Subtitle {% if true %}yes{% endif %}"
authors:
  - name: "Author {{ 7*7 }} <script>x</script>"
    affiliation: "Affiliation {{ config }}"
    bio: "Bio {{ 7*7 }} <iframe src=x></iframe>"
keywords: ["{{ 7*7 }}"]
summary: "Summary {{ 7*7 }} {% raw %} <img src=file:///etc/passwd>"
recommendations:
  - "Recommend {{ 7*7 }}. Then <em>more</em> {# comment #}."
"""
    body = (f"## Section {{{{ 7*7 }}}}\n\n{TRAPS}\n\n<img src=file:///etc/passwd>\n\n"
            '<link rel="attachment" href="/etc/passwd">\n\n'
            "Inline <a rel=\"attachment\" href=\"file:///etc/passwd\">link</a> and {{ lipsum() }}.\n")
    folder = write_doc(base / "doc", front, body)
    result = run(folder, "-q", "--format", "pdf,html", "-o", base / "out")
    assert result.returncode == 0, result.stderr
    return base / "out" / "doc.pdf", base / "out" / "doc.html"


def flat(text: str) -> str:
    text = text.replace("\r", "").replace("\u00ad", "").replace("\u2010", "-").replace("-\n", "-")
    return " ".join(text.split()).replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')


@pytest.mark.parametrize("shown", [
    "Title {{ 7*7 }} <b>bold</b>",
    "Subtitle {% if true %}yes{% endif %}",
    "Author {{ 7*7 }} <script>x</script>",
    "Affiliation {{ config }}",
    "Bio {{ 7*7 }} <iframe src=x></iframe>",
    "Summary {{ 7*7 }} {% raw %} <img src=file:///etc/passwd>",
    "Recommend {{ 7*7 }}.",
    "Then <em>more</em> {# comment #}.",
    "Section {{ 7*7 }}",
    "<script>alert(1)</script> {{ 7*7 }} {% for x in range(3) %}loop{% endfor %}",
    "<img src=file:///etc/passwd>",
    '<link rel="attachment" href="/etc/passwd">',
    'Inline <a rel="attachment" href="file:///etc/passwd">link</a> and {{ lipsum() }}.',
])
@pytest.mark.slow
def test_markup_in_content_prints_literally(literal, shown):
    text = flat("\n".join(pdf_text(literal[0])))
    assert flat(shown) in text


@pytest.mark.slow
def test_markup_in_content_is_never_evaluated(literal):
    pdf, html = literal
    text = "\n".join(pdf_text(pdf))
    assert "49" not in text and "looploop" not in text and "yes" not in text.replace("{% if true %}yes", "")
    data = pdf.read_bytes()
    assert b"root:" not in data  # /etc/passwd
    assert attachments(data) == ({}, [])
    page = html.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=file:" not in page and "<iframe" not in page
    assert "49" not in re.sub(r"data:[^\"')]+", "", page)  # fonts and pictures are data: URIs


# --- 4. No code from data ---------------------------------------------------------------------------

@pytest.mark.slow
def test_python_tags_are_refused(tmp_path):
    write_doc(tmp_path / "doc", FRONT + "\nsubtitle: !!python/object/apply:os.system ['touch pwned']\n"
                                        "keywords: !!python/name:os.system")
    result = run("doc", "-q", "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:9:11: invalid YAML: the tag '!!python/object/apply:os.system' is not allowed; "
        "use plain values only (text, numbers, true/false, lists and mappings)",
    ]
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!custom value"])
@pytest.mark.slow
def test_other_tags_are_refused(tmp_path, tag):
    write_doc(tmp_path / "doc", FRONT + f"\nsubtitle: {tag}")
    result = run("doc", "-q", "--check", cwd=tmp_path)
    name = tag.split()[0]
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"doc/document.md:9:11: invalid YAML: the tag '{name}' is not allowed; "
        "use plain values only (text, numbers, true/false, lists and mappings)",
    ]


@pytest.mark.slow
def test_billion_laughs_fails_fast(tmp_path):
    levels = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]" for i in range(1, 10)]
    write_doc(tmp_path / "doc", FRONT + "\n" + "\n".join(levels))
    start = time.monotonic()
    result = run("doc", "-q", "-o", tmp_path / "out", cwd=tmp_path)
    assert time.monotonic() - start < 5  # a safety bound: it takes well under a second
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:14:7: invalid YAML: the document expands to more than 100,000 values (too many aliases)",
    ]


def test_a_recursive_alias_is_refused(tmp_path):
    write_doc(tmp_path / "doc", FRONT + "\nkeywords: &k [a, *k]")
    result = run("doc", "-q", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["doc/document.md:9:11: invalid YAML: found unconstructable recursive node"]


@pytest.mark.slow
def test_messages_never_print_an_unbounded_value(tmp_path):
    huge = "x" * 200_000  # four of them fit under the 1 MB limit of document.md
    write_doc(tmp_path / "doc", FRONT.replace("year: 2025", f"year: {huge}") + f"\nlang: {huge}\n"
              f"? {huge}\n: value\nsubtitle: [{huge}]")
    write_doc(tmp_path / "dup", FRONT + f"\n? {huge}\n: 1\n? {huge}\n: 2")
    write_doc(tmp_path / "alias", FRONT + f"\nkeywords: *{huge}")
    write_doc(tmp_path / "tag", FRONT + f"\nkeywords: !{huge} x")
    write_doc(tmp_path / "long", FRONT.replace("title: A Small Test Document", f"title: {huge}"))
    result = run("doc", "dup", "alias", "tag", "long", "-q", "-j", "1", "--check", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 9, result.stderr[:3000]
    for line in lines:  # the longest: an unknown key, cut, then the front matter's 20 known keys
        assert len(line) < 400, line[:500]
    assert "long/document.md:5:8: title: is 200,000 characters long; at most 500 are allowed" in lines
    assert f"doc/document.md:9:7: lang: '{'x' * 59}…' is not a language tag such as en, en-GB or uk" in lines
