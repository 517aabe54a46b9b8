"""Hostile and broken input, tried as an attacker would.

Every case ends in a correct build or a clear `path:line` error with exit status 1, within a
time and memory bound, with nothing of an outside file in the output and nothing of the input
dropped in silence. Each runs `build.py` in a subprocess under `setrlimit` (address space, CPU
seconds) and a wall-clock timeout; the inputs are generated here (sparse files by `truncate`,
pipes by `mkfifo`), never stored.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import resource
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, pdf_text, skip_if_refused, write_doc
from report.commands.record import NAME as RECORD  # what was built: beside the outputs

SECRET = "SECRET-7f3a-do-not-print"
FRONT = MINIMAL.strip()  # document.md lines 2–8; the body starts on line 10
GiB = 1 << 30


def limited(seconds: int, memory: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    return apply


def build(*args, cwd: Path, seconds: int = 60, memory: int = 3 * GiB) -> subprocess.CompletedProcess:
    """`build.py ARGS -q` bounded in CPU time, address space and wall-clock time."""
    return skip_if_refused(subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *map(str, args), "-q"], cwd=cwd,
        capture_output=True, text=True, timeout=seconds * 2, preexec_fn=limited(seconds, memory)))


def check(folder: Path, *args, **kwargs) -> subprocess.CompletedProcess:
    return build(folder.name, "--check", *args, cwd=folder.parent, seconds=30, memory=2 * GiB, **kwargs)


def no_leak(result: subprocess.CompletedProcess, out: Path | None = None) -> None:
    """Nothing of the outside file in what the build printed or wrote."""
    assert SECRET not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    if out is not None and out.exists():
        for path in out.rglob("*"):
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path


@pytest.fixture
def site(tmp_path):
    """A document folder `doc` beside an `outside` folder holding a secret."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "charts.yaml").write_text(f"c:\n  type: bar\n  title: {SECRET}\n  x: [a]\n  series:\n    A: [1]\n")
    (outside / "document.md").write_text(f"---\n{FRONT}\n---\n## {SECRET}\n\nText.\n", encoding="utf-8")
    (outside / "data.csv").write_text(f"x,{SECRET}\na,1\n", encoding="utf-8")
    write_doc(tmp_path / "doc", FRONT)
    return tmp_path / "doc", outside


def body(folder: Path, text: str, **files) -> Path:
    return write_doc(folder, FRONT, text, **files)


# --- 1. files: links, pipes, devices, sizes ---------------------------------------------------

@pytest.mark.slow
def test_symlinked_document_md_is_refused(site):
    doc, outside = site
    (doc / "document.md").unlink()
    (doc / "document.md").symlink_to(outside / "document.md")
    for result in (check(doc), build(doc.name, "-o", "out", cwd=doc.parent)):
        assert result.returncode == 1
        assert result.stderr.splitlines() == ["doc/document.md: is a link to a file outside the document folder"]
        no_leak(result, doc.parent / "out")


@pytest.mark.slow
def test_symlinked_charts_yaml_is_refused(site):
    doc, outside = site
    (doc / "charts.yaml").symlink_to(outside / "charts.yaml")
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["doc/charts.yaml: is a link to a file outside the document folder"]
    no_leak(result)


def test_a_link_to_a_config_file_prints_none_of_it(site):
    doc, outside = site
    (outside / "config.yaml").write_text(f"password: {SECRET}\n", encoding="utf-8")
    (doc / "charts.yaml").symlink_to(outside / "config.yaml")
    result = check(doc)
    assert result.returncode == 1
    no_leak(result)


def test_document_md_linked_to_dev_zero_is_refused_at_once(site):
    doc, _ = site
    (doc / "document.md").unlink()
    (doc / "document.md").symlink_to("/dev/zero")
    result = build(doc.name, "--check", cwd=doc.parent, seconds=10, memory=1 * GiB)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["doc/document.md: is a link to a file outside the document folder"]


@pytest.mark.slow
def test_a_loop_of_links_and_a_dangling_link(site):
    doc, _ = site
    (doc / "charts.yaml").symlink_to("charts.yaml")
    (doc / "a.csv").symlink_to(doc / "nowhere.csv")
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/charts.yaml: cannot open the file: Too many levels of symbolic links"]
    (doc / "charts.yaml").unlink()
    (doc / "charts.yaml").write_text("c:\n  type: bar\n  data: a.csv\n")
    assert check(doc).stderr.splitlines() == ["doc/charts.yaml:3: chart 'c': data file 'a.csv' not found"]


@pytest.mark.slow
def test_a_reader_file_linked_outside_or_a_pipe(site):
    doc, outside = site
    (outside / "reader.yaml").write_text(f"title: {SECRET}\ndocuments: [../doc]\n")
    (doc.parent / "event").mkdir()
    (doc.parent / "event" / "reader.yaml").symlink_to(outside / "reader.yaml")
    os.mkfifo(doc.parent / "event" / "pipe.yaml")
    for name, reason in (("event/reader.yaml", "is a link to a file outside its folder"),
                         ("event/pipe.yaml", "is a named pipe, not a file")):
        result = build("--bundle", name, "--check", cwd=doc.parent, seconds=30)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [f"{name}: {reason}"]
        no_leak(result)


@pytest.mark.slow
def test_a_reader_binds_only_folders_under_its_roots(site):
    from report.errors import quote

    doc, outside = site
    event = doc.parent / "event"
    event.mkdir()
    (event / "linked").symlink_to(outside)
    (event / "below").mkdir()
    (event / "below" / "inner").symlink_to(outside)
    write_doc(event / "own", FRONT)
    (event / "reader.yaml").write_text(
        f"title: R\ndocuments:\n  - {outside}\n  - ../outside\n  - linked\n  - below/inner\n  - own\n"
        "  - sceeus-guest-commentary-2024-08\n", encoding="utf-8")
    result = build("--bundle", "event/reader.yaml", "--check", cwd=doc.parent, seconds=60)
    where = "the reader's folder or data/ (or a folder given with --documents-root)"
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"event/reader.yaml:3:5: documents[0]: {quote(str(outside))} is an absolute path; name a document folder "
        f"under {where}",
        f"event/reader.yaml:4:5: documents[1]: '../outside' goes up with '..'; name a document folder under {where}",
        f"event/reader.yaml:5:5: documents[2]: 'linked' is a symbolic link to a folder; a reader binds only folders "
        f"that lie under {where}",
        f"event/reader.yaml:6:5: documents[3]: 'below/inner' is a symbolic link to a folder; a reader binds only "
        f"folders that lie under {where}"]
    no_leak(result)
    # a folder the command line names is a root too; the project's data/ always is
    (event / "reader.yaml").write_text("title: R\ndocuments:\n  - outside\n  - own\n  - sceeus-guest-commentary-2024-08\n",
                                       encoding="utf-8")
    assert build("--bundle", "event/reader.yaml", "--check", cwd=doc.parent, seconds=60).stderr.splitlines() == [
        "event/reader.yaml:3:5: documents[0]: no document.md in 'outside'"]
    (outside / "document.md").write_text(f"---\n{FRONT}\n---\n## Fine\n\nText.\n", encoding="utf-8")
    result = build("--bundle", "event/reader.yaml", "--check", "--documents-root", ".", cwd=doc.parent, seconds=60)
    assert result.returncode == 0, result.stderr


def test_a_device_is_refused_by_its_type_without_reading():
    from report.source import files as contentfile

    with pytest.raises(contentfile.Refused) as caught:
        contentfile.read(Path("/dev/zero"), Path("/dev"), 100)
    assert str(caught.value) == "is a device, not a file"


@pytest.mark.parametrize("name", ["document.md", "charts.yaml"])
@pytest.mark.slow
def test_a_named_pipe_is_refused_without_waiting(site, name):
    doc, _ = site
    if name == "document.md":
        (doc / name).unlink()
    os.mkfifo(doc / name)
    for result in (check(doc), build(doc.name, "-o", "out", cwd=doc.parent, seconds=20)):
        assert result.returncode == 1
        assert result.stderr.splitlines() == [f"doc/{name}: is a named pipe, not a file"]


@pytest.mark.slow
def test_csv_files_are_checked_before_reading(site):
    doc, outside = site
    charts = "".join(f"{c}:\n  type: bar\n  data: {c}.csv\n" for c in ("big", "pipe", "link", "folder"))
    body(doc, "## S\n\nText.\n", charts__yaml=charts)
    with open(doc / "big.csv", "wb") as handle:  # 3 GB, sparse: nothing is stored
        handle.truncate(3_000_000_000)
    os.mkfifo(doc / "pipe.csv")
    (doc / "link.csv").symlink_to(outside / "data.csv")
    (doc / "folder.csv").mkdir()
    result = build(doc.name, "--check", cwd=doc.parent, seconds=20, memory=1 * GiB)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/charts.yaml:3: chart 'big': data file 'big.csv' is 3,000,000,000 bytes; at most 5,000,000 are allowed",
        "doc/charts.yaml:6: chart 'pipe': data file 'pipe.csv' is a named pipe, not a file",
        "doc/charts.yaml:9: chart 'link': data file must be inside the document folder",
        "doc/charts.yaml:12: chart 'folder': data file 'folder.csv' is a folder, not a file",
    ]
    no_leak(result)


def test_a_big_document_is_refused_before_it_is_read(site):
    doc, _ = site
    with open(doc / "document.md", "r+b") as handle:  # one 50 MB line, sparse
        handle.truncate(50_000_000)
    result = build(doc.name, "--check", cwd=doc.parent, seconds=10, memory=1 * GiB)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["doc/document.md: is 50,000,000 bytes; at most 1,000,000 are allowed"]


# --- 2. pictures: bounded bytes, pixels and work -----------------------------------------------

def png(width: int, height: int, rows: bytes | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data = rows if rows is not None else zlib.compress(b"".join(b"\0" + b"\x80" * 3 * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def use_bomb(levels: int = 8, fan: int = 10) -> str:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
             'width="10" height="10"><defs><rect id="l0" width="1" height="1"/>']
    for i in range(1, levels + 1):
        parts.append(f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * fan + "</g>")
    return "".join(parts) + f'</defs><use xlink:href="#l{levels}"/></svg>'


PICTURES = {
    "bomb.svg": ("picture 'bomb.svg' is an SVG that draws more than 100,000 elements once its <use> "
                 "references are expanded"),
    "outside.svg": ("picture 'outside.svg' is an SVG that refers to 'file:///etc/passwd'; an SVG picture must "
                    "hold everything it shows (only '#id' references and embedded PNG, JPEG, GIF or WebP pictures)"),
    "entity.svg": "picture 'entity.svg' is an SVG with a DOCTYPE; remove it (entities are not allowed)",
    "style.svg": ("picture 'style.svg' is an SVG that refers to 'http://evil.example/x.png'; only parts of the "
                  "same file (url(#id)) can be used"),
    "huge.png": ("picture 'huge.png' is 13,000 × 13,000 pixels; at most 25,000,000 pixels are allowed (scale it "
                 "down: 300 dpi across the page is about 2,500 pixels wide)"),
    "broken.png": "picture 'broken.png' is a broken PNG file",
    "pipe.png": "picture 'pipe.png' is a named pipe, not a file",
    "link.png": "picture 'link.png' is outside the document folder",
    "sparse.png": "picture 'sparse.png' is 3,000,000,000 bytes; at most 20,000,000 are allowed",
    "wave.webp": "picture 'wave.webp' is not a PNG, JPEG, GIF, WebP or SVG image",
    "script.svg": "picture 'script.svg' is an SVG with a <script> element; scripts and embedded documents are not "
                  "allowed",
    "onload.svg": "picture 'onload.svg' is an SVG with an event attribute (onload); scripts are not allowed",
    "foreign.svg": ("picture 'foreign.svg' is an SVG with a <foreignObject> element; scripts and embedded documents "
                    "are not allowed"),
    "escaped.svg": ("picture 'escaped.svg' is an SVG that refers to 'http://evil.example/e.png'; only parts of the "
                    "same file (url(#id)) can be used"),
    "animated.svg": ("picture 'animated.svg' is an SVG whose <set> changes a reference; only parts of the same file "
                     "can be used"),
}
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
ACTIVE_SVGS = {
    "script.svg": SVG_OPEN + '<script>alert(1)</script><rect width="4" height="4"/></svg>',
    "onload.svg": SVG_OPEN.replace(">", ' onload="alert(1)">', 1) + "</svg>",
    "foreign.svg": SVG_OPEN + '<foreignObject width="4" height="4"><iframe xmlns="http://www.w3.org/1999/xhtml" '
                   'src="http://evil.example/"/></foreignObject></svg>',
    "escaped.svg": SVG_OPEN + '<style>rect { fill: \\75rl(http://evil.example/e.png); }</style><rect width="4" '
                   'height="4"/></svg>',
    "animated.svg": SVG_OPEN.replace(">", ' xmlns:xlink="http://www.w3.org/1999/xlink">', 1)
                    + '<a xlink:href="#x"><set attributeName="xlink:href" to="http://evil.example/"/></a></svg>',
}


def hostile_pictures(doc: Path, outside: Path) -> None:
    (doc / "bomb.svg").write_text(use_bomb())
    (doc / "outside.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd" '
                                     'width="4" height="4"/></svg>')
    (doc / "entity.svg").write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                                    '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    (doc / "style.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4" '
                                   'style="fill: url(http://evil.example/x.png)"/></svg>')
    (doc / "huge.png").write_bytes(png(13000, 13000, rows=b""))  # the header says it; no pixels needed
    good = png(8, 8)
    (doc / "broken.png").write_bytes(good[:40] + b"\xff" * 20 + good[60:])
    os.mkfifo(doc / "pipe.png")
    (outside / "picture.png").write_bytes(good)
    (doc / "link.png").symlink_to(outside / "picture.png")
    with open(doc / "sparse.png", "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(3_000_000_000)
    (doc / "wave.webp").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\0" * 24)
    for name, text in ACTIVE_SVGS.items():
        (doc / name).write_text(text)


@pytest.mark.slow
def test_hostile_pictures_are_refused_before_layout(site):
    doc, outside = site
    hostile_pictures(doc, outside)
    text = "## S\n\n" + "".join(f"![{name}]({name})\n\n" for name in PICTURES)
    body(doc, text)
    for result in (check(doc), build(doc.name, "-o", "out", "--format", "pdf,html", cwd=doc.parent, seconds=60)):
        assert result.returncode == 1, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == len(PICTURES)
        for line, (name, message) in zip(lines, PICTURES.items()):
            number = 12 + 2 * list(PICTURES).index(name)
            assert line.startswith(f"doc/document.md:{number}: {message}"), line
        no_leak(result, doc.parent / "out")
    assert not (doc.parent / "out").exists()


@pytest.mark.layout  # WeasyPrint's fetcher API
def test_a_series_picture_is_held_to_the_same_rules(site):
    """A picture a series' stylesheet names is checked by the fetcher like a document's."""
    from report.layout.fetcher import RefusedURL, SafeFetcher

    doc, outside = site
    (doc / "bomb.svg").write_text(use_bomb())
    with pytest.raises(RefusedURL) as caught:
        SafeFetcher((doc,)).fetch((doc / "bomb.svg").as_uri())
    assert "draws more than 100,000 elements" in str(caught.value)


def test_a_good_svg_with_references_inside_builds(site):
    doc, _ = site
    (doc / "ok.svg").write_text(use_bomb(levels=2, fan=3).replace('width="10"', 'width="40"'))
    body(doc, "## S\n\n![A small pattern](ok.svg)\n")
    assert check(doc).returncode == 0


LOGOS = {
    "bomb": (use_bomb(), "is an SVG that draws more than 100,000 elements once its <use> references are expanded"),
    "script": (ACTIVE_SVGS["script.svg"], "is an SVG with a <script> element; scripts and embedded documents are "
               "not allowed"),
    "onload": (ACTIVE_SVGS["onload.svg"], "is an SVG with an event attribute (onload); scripts are not allowed"),
    "outside": (SVG_OPEN + '<image href="http://evil.example/x.png" width="4" height="4"/></svg>',
                "is an SVG that refers to 'http://evil.example/x.png'; an SVG picture must hold everything it shows "
                "(only '#id' references and embedded PNG, JPEG, GIF or WebP pictures)"),
    "stylesheet": ('<?xml-stylesheet href="http://evil.example/a.css"?>' + SVG_OPEN + "</svg>",
                   "is an SVG that links a stylesheet; only what the file holds can be used"),
}


@pytest.mark.parametrize("kind", LOGOS)
@pytest.mark.slow
def test_a_series_logo_is_checked_like_a_picture(site, kind):
    doc, _ = site
    logo, message = LOGOS[kind]
    series(doc.parent / "styles", "logoed", "publisher:\n  name: X\n  logo: logo.svg\n", logo_svg=logo)
    (doc.parent / "styles" / "logoed" / "logo_svg").rename(doc.parent / "styles" / "logoed" / "logo.svg")
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "logoed"))
    runs = [build(doc.name, "--check", "--styles", "styles", cwd=doc.parent, seconds=30)]
    if kind == "bomb":
        runs.append(build(doc.name, "--styles", "styles", "-o", "out", "--format", "html", cwd=doc.parent))
    for result in runs:
        assert result.returncode == 1
        assert result.stderr.splitlines() == [f"styles/logoed/series.yaml:5:9: publisher.logo: logo 'logo.svg' {message}"]
    assert not (doc.parent / "out").exists()


# --- 3. series templates run no code ---------------------------------------------------------

def series(root: Path, sid: str, manifest: str = "", **files) -> Path:
    folder = root / sid
    folder.mkdir(parents=True)
    (folder / "series.yaml").write_text(f"extends: sceeus-commentary\nname: {sid}\n{manifest}", encoding="utf-8")
    for name, text in files.items():
        path = folder / name.replace("__", "/").replace("_html", ".html").replace("_css", ".css")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8") if isinstance(text, str) else path.write_bytes(text)
    return folder


@pytest.mark.slow
def test_a_template_cannot_reach_python(site):
    doc, _ = site
    styles = doc.parent / "styles"
    series(styles, "evil", templates__document_html=(
        '{% extends "base/document.html" %}\n'
        "{% block masthead %}{{ cycler.__init__.__globals__.os.popen('echo " + SECRET + "').read() }}"
        "{% endblock %}\n"))
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "evil"))
    result = build(doc.name, "--styles", "styles", "-o", "out", "--format", "pdf,html", cwd=doc.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "styles/evil/templates/document.html:2: not allowed in a template: access to attribute '__init__' of "
        "'type' object is unsafe."]
    no_leak(result, doc.parent / "out")


def test_check_finds_a_template_syntax_error(site):
    doc, _ = site
    styles = doc.parent / "styles"
    series(styles, "broken", templates__document_html='{% extends "base/document.html" %}\n{% if %}\n')
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "broken"))
    result = build(doc.name, "--check", "--styles", "styles", cwd=doc.parent, seconds=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "styles/broken/templates/document.html:2: template syntax: Expected an expression, got 'end of statement block'"]


@pytest.mark.slow
def test_a_python_error_in_a_template_is_the_template_s(site):
    doc, _ = site
    series(doc.parent / "styles", "divides", templates__document_html=(
        '{% extends "base/document.html" %}\n{% block masthead %}\n{{ 1 // 0 }}{% endblock %}\n'))
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "divides"))
    result = build(doc.name, "--check", "--styles", "styles", cwd=doc.parent, seconds=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "styles/divides/templates/document.html:3: template error: ZeroDivisionError: integer division or modulo "
        "by zero"]


def test_a_template_linked_outside_is_refused(site):
    doc, outside = site
    styles = doc.parent / "styles"
    folder = series(styles, "linked", templates__x_html="")
    (folder / "templates" / "x.html").unlink()
    (folder / "templates" / "document.html").symlink_to(outside / "secret.txt")
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "linked"))
    result = build(doc.name, "--check", "--styles", "styles", cwd=doc.parent, seconds=30)
    assert result.returncode == 1
    assert "is a link to a file outside the series folder" in result.stderr
    no_leak(result)


@pytest.mark.parametrize("manifest, message", [
    ("template: /etc/passwd\n", "styles/odd/series.yaml:3: template: '/etc/passwd' must be a template file name in "
                                "the series' templates folder, such as document.html"),
    ("template: ../../outside/secret.txt\n", "styles/odd/series.yaml:3: template: '../../outside/secret.txt' must be "
                                             "a template file name in the series' templates folder, such as document.html"),
    ("fonts:\n  serif: {family: Fake, normal: fake.ttf}\n",
     "styles/odd/series.yaml:4:33: fonts.serif.normal: font file 'fake.ttf' is not a font file (TrueType, OpenType "
     "or WOFF)"),
    ("fonts:\n  serif: {family: Stolen, normal: ../../outside/secret.txt}\n",
     "styles/odd/series.yaml:4:35: fonts.serif.normal: font file '../../outside/secret.txt' is outside the series "
     "folder"),
])
@pytest.mark.slow
def test_series_files_are_checked(site, manifest, message):
    doc, _ = site
    series(doc.parent / "styles", "odd", manifest, fake_ttf=f"not a font {SECRET}")
    (doc.parent / "styles" / "odd" / "fake_ttf").rename(doc.parent / "styles" / "odd" / "fake.ttf")
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "odd"))
    for result in (build(doc.name, "--check", "--styles", "styles", cwd=doc.parent, seconds=30),
                   build(doc.name, "--styles", "styles", "-o", "out", cwd=doc.parent)):
        assert result.returncode == 1
        assert result.stderr.splitlines() == [message]
        no_leak(result, doc.parent / "out")


@pytest.mark.slow
def test_series_css_reaches_no_host_in_the_web_page(site):
    doc, outside = site
    styles = doc.parent / "styles"
    series(styles, "tracker", style_css=(
        "body { color: black; }\n.a { background: url(http://evil.example/pixel.png); }\n"
        '@font-face { font-family: X; src: url("../../outside/secret.txt"); }\n'))
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "tracker"))
    for args in (("--check",), ("-o", "out", "--format", "html")):
        result = build(doc.name, "--styles", "styles", *args, cwd=doc.parent)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "styles/tracker/style.css:2: url('http://evil.example/pixel.png'): only files of the series can be used; "
            "nothing is loaded from another host or from elsewhere on the disk",
            "styles/tracker/style.css:3: url('../../outside/secret.txt') is outside the series folders"][:len(
                result.stderr.splitlines())]
        no_leak(result, doc.parent / "out")
    assert not (doc.parent / "out").exists()


@pytest.mark.slow
def test_css_escapes_reach_no_host(site):
    """What a browser reads once it has undone the escapes is what is checked."""
    doc, _ = site
    styles = doc.parent / "styles"
    series(styles, "escaped", style_css=(
        ".a { background: \\75rl(http://evil.example/a.png); }\n"
        '.b { background: image-set("http://evil.example/b.png" 1x); }\n'
        '@\\69mport "http://evil.example/c.css";\n'
        '.d { background: -webkit-image-set(var(--x) 1x); }\n'
        '@font-face { font-family: X; src: u\\72l("http://evil.example/e.woff"); }\n'
        "@media print { @import 'f.css'; }\n"))
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "escaped"))
    host = "only files of the series can be used; nothing is loaded from another host or from elsewhere on the disk"
    imports = "@import is not allowed: a series builds on its parent through 'extends'"
    expected = [f"styles/escaped/style.css:1: url('http://evil.example/a.png'): {host}",
                f"styles/escaped/style.css:2: url('http://evil.example/b.png'): {host}",
                f"styles/escaped/style.css:3: {imports}",
                "styles/escaped/style.css:4: var() inside -webkit-image-set() is not allowed: name the picture "
                "itself, so that it can be checked",
                f"styles/escaped/style.css:5: url('http://evil.example/e.woff'): {host}",
                f"styles/escaped/style.css:6: {imports}"]
    for args in (("--check",), ("-o", "out", "--format", "html")):
        result = build(doc.name, "--styles", "styles", *args, cwd=doc.parent)
        assert result.returncode == 1
        assert result.stderr.splitlines() == expected
    assert not (doc.parent / "out").exists()


@pytest.mark.slow
def test_the_web_page_carries_the_css_as_the_parser_writes_it(site):
    from report.series import css as seriescss
    from report.outputs import web

    doc, _ = site
    folder = series(doc.parent / "styles", "written", style_css=(
        ".m { background: \\75rl(mark.png); }\n"
        '.n::after { content: "</style><img src=http://evil.example/x>"; }\n'), mark_png=png(4, 4))
    (folder / "mark_png").rename(folder / "mark.png")
    text = seriescss.inline(folder / "style.css", (folder,))
    data = base64.b64encode(png(4, 4)).decode()
    assert text.startswith(f'.m {{ background: url("data:image/png;base64,{data}"); }}')
    assert "75rl" not in text
    # inside the page a CSS string cannot end the <style> element
    assert '"<\\/style><img' in web.standalone("<html><head></head></html>", _series_of(folder), None).split(
        "<style>", 1)[1]


def _series_of(folder: Path):
    from report.series import resolve as series_mod
    from report.errors import Problems

    problems = Problems()
    found = series_mod.resolve(folder.name, problems, (folder.parent, *series_mod.series_roots()))
    assert found is not None, [str(p) for p in problems]
    return found


@pytest.mark.slow
def test_series_css_files_are_inlined_in_the_web_page(site):
    doc, _ = site
    styles = doc.parent / "styles"
    series(styles, "pictured", style_css=".masthead { background: url(mark.png) no-repeat; }\n",
           mark_png=png(4, 4))
    (styles / "pictured" / "mark_png").rename(styles / "pictured" / "mark.png")
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "pictured"))
    result = build(doc.name, "--styles", "styles", "-o", "out", "--format", "html", cwd=doc.parent)
    assert result.returncode == 0, result.stderr
    page = (doc.parent / "out" / "doc.html").read_text(encoding="utf-8")
    assert "url(mark.png)" not in page
    assert 'url("data:image/png;base64,' + base64.b64encode(png(4, 4)).decode() + '")' in page
    # and the browser is told to load nothing from anywhere
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            "font-src data:; style-src 'unsafe-inline'\">") in page


# --- 4. limits on layout work, nothing dropped ---------------------------------------------------

@pytest.mark.slow
def test_limits_are_reported_at_their_lines(site):
    doc, _ = site
    notes = "".join(f"Note[^{i}].\n" for i in range(1, 1002)) + "\n" + "".join(
        f"[^{i}]: n\n" for i in range(1, 1002))
    text = ("## S\n\n" + "x" * 500_000 + "\n\n" + "word " * 3000 + "\n\n" + ("y" * 2500 + " ") * 3 + "\n\n"
            + ">" * 25 + " deep\n\n" + notes + "\n" + "| a " * 101 + "|\n" + "|---" * 101 + "|\n")
    body(doc, text, charts__yaml="c:\n  type: bar\n  x: [" + ", ".join(f"k{i}" for i in range(10000))
         + "]\n  series:\n    A: [" + ", ".join("1" for _ in range(10000)) + "]\n")
    result = build(doc.name, "--check", cwd=doc.parent, seconds=30, memory=2 * GiB)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/charts.yaml:3: chart 'c': 10,000 categories; a bar chart, or a chart with named x values, may have at "
        "most 500 (a line chart over numbers may have 10,000 points)",
        "doc/document.md:12: the line is 500,000 characters long; at most 20,000 are allowed (break it into "
        "paragraphs)",
        f"doc/document.md:16: a word of 2,500 characters ('{'y' * 59}…'); "
        "at most 2,000 characters without a space are allowed",
        "doc/document.md:18: lists and quotations are nested more than 20 deep here; write it with fewer levels",
        "doc/document.md:20: more than 1,000 footnote references; at most 1,000 are allowed",
        "doc/document.md:2024: a table of 101 columns; at most 100 are allowed",
        "doc/document.md:2024:1: warning: a table without a caption is not numbered; write a line 'Table: caption' "
        "just before or after it (or say why it has none)",
    ]


@pytest.mark.slow
def test_deep_nesting_is_printed_whole(site):
    doc, _ = site
    lists = "".join("  " * i + f"- level {i + 1}\n" for i in range(10))
    body(doc, "## S\n\n" + lists + "\n" + ">" * 20 + " the deepest quotation\n")
    result = build(doc.name, "-o", "out", cwd=doc.parent)
    assert result.returncode == 0, result.stderr
    text = " ".join(" ".join(pdf_text(doc.parent / "out" / "doc.pdf")).split())  # lines wrap deep inside
    assert all(f"level {i}" in text for i in range(1, 11))
    assert "the deepest quotation" in text


def test_an_unreferenced_footnote_is_not_dropped_in_silence(site):
    doc, _ = site
    body(doc, "## S\n\nText[^a].\n\n[^a]: Used.\n\n[^b]: Never used.\n")
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:16: the footnote [^b] is never referenced in the text, so it would not be printed; refer "
        "to it with [^b] or remove it"]


@pytest.mark.slow
def test_many_headings_of_one_title_check_quickly(site):
    doc, _ = site
    body(doc, "## Same\n\ntext\n\n" * 50_000)
    result = build(doc.name, "--check", cwd=doc.parent, seconds=30, memory=2 * GiB)
    assert result.returncode == 0, result.stderr


def test_a_long_word_in_the_front_matter_is_refused(site):
    doc, _ = site
    write_doc(doc, FRONT.replace("summary: A short summary.", "summary: " + "z" * 20_000))
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"doc/document.md:8: summary: a word of 20,000 characters ('{'z' * 59}…'); at most 2,000 characters "
        "without a space are allowed"]


@pytest.mark.slow
def test_figures_are_limited(site):
    doc, _ = site
    for i in range(301):
        (doc / f"dot{i}.png").write_bytes(png(2, 2))
    body(doc, "## S\n\n" + "".join(f"![Dot {i}](dot{i}.png)\n\n" for i in range(301)))
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["doc/document.md:612: more than 300 charts and pictures; at most 300 are "
                                          "allowed"]


def test_a_template_error_at_render_is_found_by_check(site):
    doc, _ = site
    series(doc.parent / "styles", "typo", templates__document_html=(
        '{% extends "base/document.html" %}\n{% block masthead %}\n{{ doc.titel }}{% endblock %}\n'))
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "typo"))
    result = build(doc.name, "--check", "--styles", "styles", cwd=doc.parent, seconds=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "styles/typo/templates/document.html:3: template error: 'report.model.Document object' has no attribute "
        "'titel'"]


def test_a_layout_problem_is_placed_at_its_line(site):
    from report.layout import source_lines as layoutlines
    from report import pipeline
    from report.errors import BuildError

    doc, _ = site
    (doc / "dot.png").write_bytes(png(2, 2))
    body(doc, "## S\n\nText.\n\n![A dot](dot.png)\n\n![A chart](chart:c)\n",
         charts__yaml="c:\n  type: bar\n  x: [a]\n  series:\n    A: [1]\n")
    prepared = pipeline.prepare(doc, pipeline.Options(cache=doc.parent / "cache"))
    for url, line in (((doc / "dot.png").resolve().as_uri(), 14), ("report:chart-c.svg", 16)):
        found = layoutlines.located(BuildError(f"WeasyPrint reported: cannot draw '{url}'"), prepared)
        assert str(found) == f"{doc}/document.md:{line}: WeasyPrint reported: cannot draw '{url}'"
    other = BuildError("WeasyPrint reported: something else")
    assert layoutlines.located(other, prepared) is other


# --- 5. links ----------------------------------------------------------------------------------

def test_only_web_and_mail_links_reach_the_outputs(site):
    doc, _ = site
    body(doc, "## S\n\n[notes](notes.txt) and [passwd](/etc/passwd)\nand [share](//evil.example/s)\n"
              "and [run](javascript:alert(1)) [ok](https://example.org/) [mail](mailto:a@example.org) [up](#s)\n",
         notes__txt=SECRET)
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:12: link 'notes.txt' points to a file; a file is not published with the document: link an "
        "https:// address, or write the name as text",
        "doc/document.md:12: link '/etc/passwd' points to a file; a file is not published with the document: link "
        "an https:// address, or write the name as text",
        "doc/document.md:12: link '//evil.example/s' has no scheme: write the whole address, https://…",
    ]


def test_links_in_the_front_matter_are_checked(site):
    doc, _ = site
    write_doc(doc, FRONT.replace("summary: A short summary.", "summary: See [the notes](notes.txt)."))
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:8: summary: link 'notes.txt' points to a file; a file is not published with the document: "
        "link an https:// address, or write the name as text"]


# --- 6. --check finds what the build would refuse ---------------------------------------------

def test_control_characters_are_reported_escaped(site):
    doc, _ = site
    body(doc, "## S\n\nA bell\x07 and an escape\x1b[31m here.\n")
    result = check(doc)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:12:7: the control character U+0007 is not allowed in text; remove it",
        "doc/document.md:12:22: the control character U+001B is not allowed in text; remove it"]
    assert "\x07" not in result.stderr and "\x1b" not in result.stderr


@pytest.mark.slow
def test_a_chart_in_a_footnote_is_refused(site):
    doc, _ = site
    body(doc, "## S\n\nText[^1].\n\n[^1]: See ![a chart](chart:c)\n",
         charts__yaml="c:\n  type: bar\n  x: [a]\n  series:\n    A: [1]\n")
    for result in (check(doc), build(doc.name, "-o", "out", "--format", "html", cwd=doc.parent)):
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "doc/document.md:14: 'chart:c': a chart or picture cannot be shown inside a footnote"]


@pytest.mark.slow
def test_a_heading_named_like_a_template_section_builds(site):
    doc, _ = site
    # With a figure 1 in the document: "Figure 1" in plain text names it (a hint, not an error),
    # and the heading's id must not take the figure's.
    write_doc(doc, FRONT + "\nrecommendations:\n  - Do one thing. Then another.",
              "## Policy Recommendations\n\nText.\n\n![Trade](chart:c)\n\n## Figure 1\n\nText.\n",
              charts__yaml="c:\n  type: bar\n  title: Trade\n  source: Customs\n  x: [a, b]\n  series:\n    A: [1, 2]\n")
    assert check(doc).returncode == 0
    result = build(doc.name, "-o", "out", cwd=doc.parent)
    assert result.returncode == 0, result.stderr
    assert "Policy Recommendations" in " ".join(pdf_text(doc.parent / "out" / "doc.pdf"))


# --- 7. faults of the machine -------------------------------------------------------------------

@pytest.mark.slow
def test_a_folder_in_the_way_writes_nothing(site):
    doc, _ = site
    (doc.parent / "out" / "doc.pdf").mkdir(parents=True)
    result = build(doc.name, "-o", "out", "--format", "html,pdf", cwd=doc.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "out/doc.pdf: something that is not a file (a folder?) is in the way of the output; move it away"]
    assert sorted(p.name for p in (doc.parent / "out").iterdir() if p.name != RECORD) == ["doc.pdf"]


@pytest.mark.slow
def test_an_output_folder_that_is_a_file(site):
    doc, _ = site
    (doc.parent / "out").write_text("a file")
    result = build(doc.name, "-o", "out", cwd=doc.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["out: cannot create the output folder: File exists"]


@pytest.mark.slow
def test_a_full_disk_keeps_the_earlier_output(site):
    doc, _ = site
    out = doc.parent / "out"
    out.mkdir()
    (out / "doc.html").write_bytes(b"old html")
    warm = build(doc.name, "-o", "warm", "--format", "html", cwd=doc.parent, seconds=120)
    assert warm.returncode == 0, warm.stderr  # the caches are filled: only the output is written below

    def small_files():
        limited(120, 3 * GiB)()
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))  # writes past 100 KB fail: EFBIG

    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "doc", "-q", "-o", "out", "--format", "html"],
                            cwd=doc.parent, capture_output=True, text=True, timeout=240, preexec_fn=small_files)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == ["out/doc.html: cannot write the file: File too large"]
    assert (out / "doc.html").read_bytes() == b"old html"
    assert sorted(p.name for p in out.iterdir() if p.name != RECORD) == ["doc.html"]


def test_a_fault_in_a_library_temporary_file_is_exit_1(tmp_path, monkeypatch):
    from report.commands import batch

    def full(folder, options):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("report.pipeline.build", full)
    outcome = batch.one(tmp_path / "doc", None)
    assert outcome.internal is None
    assert outcome.problems == (f"{tmp_path}/doc/document.md: the build stopped on a fault of the machine: "
                                "No space left on device",)


def test_an_unwritable_output_folder(tmp_path, monkeypatch):
    import tempfile

    from report.outputs import files as output
    from report.errors import MachineError

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)  # root may write anywhere: stand in for the system
    with pytest.raises(MachineError) as caught:
        output.write_all([(tmp_path / "out" / "a.pdf", b"pdf")])
    assert str(caught.value).endswith("out: cannot write in the output folder: Permission denied")


def test_every_format_or_none(tmp_path, monkeypatch):
    from report.outputs import files as output
    from report.errors import MachineError

    (tmp_path / "a.pdf").write_bytes(b"old a")
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(MachineError) as caught:
        output.write_all([(tmp_path / "a.pdf", b"new a"), (tmp_path / "a.html", b"new html")])
    assert str(caught.value).endswith("a.html: cannot write the file: No space left on device")
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != RECORD) == ["a.pdf"]


def test_a_failed_second_rename_puts_the_first_file_back(tmp_path, monkeypatch):
    from report.outputs import files as output
    from report.errors import MachineError

    (tmp_path / "a.pdf").write_bytes(b"old a")
    (tmp_path / "a.html").write_bytes(b"old html")
    real, calls = os.replace, []

    def replace(source, target):  # as `chattr +i a.html` makes it fail; root ignores chmod
        calls.append(target)
        if len(calls) == 2:
            raise OSError(1, "Operation not permitted")
        return real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(MachineError) as caught:
        output.write_all([(tmp_path / "a.pdf", b"new a"), (tmp_path / "a.html", b"new html")])
    assert str(caught.value).endswith("a.html: cannot write the file: Operation not permitted")
    assert (tmp_path / "a.pdf").read_bytes() == b"old a"
    assert (tmp_path / "a.html").read_bytes() == b"old html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf"]
    # a file that was not there before is taken away again
    (tmp_path / "a.pdf").unlink()
    calls.clear()
    with pytest.raises(MachineError):
        output.write_all([(tmp_path / "a.pdf", b"new a"), (tmp_path / "a.html", b"new html")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]
    assert (tmp_path / "a.html").read_bytes() == b"old html"
    # and a write that succeeds leaves no second names behind
    monkeypatch.setattr(os, "replace", real)
    output.write_all([(tmp_path / "a.pdf", b"new a"), (tmp_path / "a.html", b"new html")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf"]
    assert (tmp_path / "a.html").read_bytes() == b"new html"


def _dies_on_doomed(folder, options, check_only=False, verbose=False):
    from report.commands import batch
    if folder.name == "doomed":
        os._exit(9)  # as if the system killed the worker
    return batch.Outcome(folder, problems=(f"{folder.name}: fine",))


def test_a_dead_worker_fails_only_its_document(tmp_path, monkeypatch):
    import multiprocessing

    from report.commands import batch

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the stand-in worker reaches the pool through fork")
    monkeypatch.setattr(batch, "one", _dies_on_doomed)
    folders = [tmp_path / n for n in ("first", "doomed", "last")]
    outcomes = {o.folder.name: o for o in batch.run(folders, None, jobs=2)}
    assert outcomes["first"].problems == ("first: fine",)
    assert outcomes["last"].problems == ("last: fine",)
    [message] = outcomes["doomed"].problems
    assert message.endswith("doomed: the process building it stopped without a word (killed by the system: out of "
                            "memory?); nothing written for it")
    assert outcomes["doomed"].internal is None


# --- 8. the preview server -------------------------------------------------------------------

@pytest.fixture
def preview(tmp_path):
    from report.commands.watch import PreviewServer

    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "secret.txt").write_text(SECRET)
    (out / "sub" / "x.txt").write_text(SECRET)
    (out / "doc.pdf").write_bytes(b"%PDF-1.7 the preview's PDF")
    server = PreviewServer(0, out)
    server.start()
    server.publish("doc", b"<html>the page</html>", 1)
    yield server
    server.close()


def get(server, path: str, host: str | None = None) -> tuple[int, bytes]:
    stream = path.startswith("/__events")  # what comes within a second
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1 if stream else 10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{server.port}")
    connection.endheaders()
    response = connection.getresponse()
    if stream:
        data = b""
        try:
            while b"event: problems" not in data:
                data += response.read1(4096)
        except TimeoutError:
            pass
    else:
        data = response.read()
    connection.close()
    return response.status, data


def test_the_preview_answers_only_loopback_names(preview):
    assert preview.httpd.server_address[0] == "127.0.0.1"
    assert get(preview, "/doc.html")[0] == 200
    assert get(preview, "/doc.html", f"localhost:{preview.port}")[0] == 200
    assert get(preview, "/doc.html", "127.0.0.1")[0] == 200
    assert get(preview, "/doc.html", f"evil.example:{preview.port}")[0] == 421
    assert get(preview, "/doc.html", "127.0.0.1.evil.example")[0] == 421


def test_the_preview_serves_only_the_preview(preview):
    assert get(preview, "/doc.pdf") == (200, b"%PDF-1.7 the preview's PDF")
    for path in ("/sub/", "/sub/x.txt", "/secret.txt", "/other.pdf", "/../secret.txt", "/%2e%2e/secret.txt"):
        status, data = get(preview, path)
        assert status == 404 and SECRET.encode() not in data, path


def test_a_page_opened_while_broken_shows_the_problems(preview):
    preview.notify("problems", "doc", json.dumps(["doc/document.md:3: year: must be a whole number"]))
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(get(preview, "/__events?stem=doc")[1]), daemon=True)
    reader.start()
    reader.join(10)
    assert b'event: problems\ndata: doc ["doc/document.md:3: year: must be a whole number"]' in got[0]


def test_the_preview_sends_the_published_page_s_policy(preview):
    from report.outputs import web

    def policy(path):
        connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.getheader("Content-Security-Policy")

    assert policy("/doc.html") == policy("/") == web.CSP
    script = "console.log(1)"
    preview.policies["doc"] = web.preview_policy(script)  # what preview_page sets with its page
    assert policy("/doc.html") == (web.CSP.replace("font-src data:", "font-src data: 'self'")
                                   + "; script-src 'sha256-" + base64.b64encode(
                                       hashlib.sha256(script.encode()).digest()).decode()
                                   + "'; connect-src 'self'")


def _raw(server, data: bytes, timeout: float = 5) -> bytes:
    """What the server answers to these bytes (its first 4 KB)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as connection:
        connection.sendall(data)
        return connection.recv(4096)


def test_a_bad_request_is_a_400_and_one_line(preview, capsys):
    host = f"\r\nHost: 127.0.0.1:{preview.port}\r\n\r\n".encode()
    assert b"Error code: 400" in _raw(preview, b"\x00\x01 nonsense\r\n\r\n")  # HTTP/0.9: no status line
    assert _raw(preview, b"GET http://[::1 HTTP/1.0" + host).startswith(b"HTTP/1.0 400")
    assert _raw(preview, b"GET /" + b"a" * 70_000 + b" HTTP/1.0" + host).startswith(b"HTTP/1.0 414")
    assert _raw(preview, b"GET /doc.html HTTP/1.0\r\nX: " + b"a" * 70_000 + host).startswith(b"HTTP/1.0 431")
    assert get(preview, "/doc.html") == (200, b"<html>the page</html>")
    lines = capsys.readouterr().err.splitlines()
    assert "Traceback" not in "\n".join(lines)
    assert [line.split(": ", 2)[2][:3] for line in lines] == ["400", "400", "414", "431"], lines
    assert all(line.startswith("preview: 127.0.0.1: ") and line.isprintable() for line in lines)


@pytest.mark.slow
def test_slow_clients_are_cut_off_and_threads_stay_bounded(preview, monkeypatch):
    from report.commands import preview_guard

    monkeypatch.setattr(preview_guard, "REQUEST_SECONDS", 1)  # 10 s as shipped; the same code path
    threads = threading.active_count()  # the pool is running
    slow = []
    try:
        for _ in range(preview_guard.WORKERS + 30):  # every handler held, and a queue behind them
            connection = socket.create_connection(("127.0.0.1", preview.port), timeout=10)
            connection.sendall(b"GET /doc.html HTTP/1.1\r\nHost: 127.0.0.1")  # and never the rest
            slow.append(connection)
        assert threading.active_count() <= threads
        started = time.monotonic()
        assert get(preview, "/doc.html") == (200, b"<html>the page</html>")
        assert time.monotonic() - started < 8
        for connection in slow:  # each was closed by the server, without an answer
            try:
                assert connection.recv(4096) == b""
            except ConnectionResetError:
                pass
    finally:
        for connection in slow:
            connection.close()
    assert threading.active_count() <= threads


def test_event_streams_are_capped(preview):
    from report.commands import preview_guard

    threads = threading.active_count()
    streams = []
    try:
        for _ in range(preview_guard.MAX_STREAMS + 8):
            connection = socket.create_connection(("127.0.0.1", preview.port), timeout=10)
            connection.sendall(f"GET /__events?stem=doc HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\n\r\n".encode())
            streams.append((connection, connection.recv(4096)))
        statuses = [data.split(b" ", 2)[1] for _, data in streams]
        assert statuses == [b"200"] * preview_guard.MAX_STREAMS + [b"503"] * 8
        assert threading.active_count() <= threads
        assert get(preview, "/doc.html") == (200, b"<html>the page</html>")  # the pages are still served
    finally:
        for connection, _ in streams:
            connection.close()


# --- 9. the smaller items ----------------------------------------------------------------------

def test_csv_gaps_are_the_documented_ones(tmp_path):
    from report.source.chartspec import load_charts
    from report.errors import Problems

    write_doc(tmp_path / "doc", FRONT, charts__yaml="c:\n  type: line\n  data: t.csv\n",
              t__csv="x,A,B,C,D,E\n1,,null,NA,n/a,N/A\n2,1,2,3,4,5\n")
    problems = Problems()
    charts = load_charts(tmp_path / "doc", problems)
    assert not problems
    assert [values for _, values in charts["c"].series] == [(None, 1), (None, 2), (None, 3), (None, 4), (None, 5)]
    guide = (ROOT / "docs" / "guides" / "first-document.md").read_text(encoding="utf-8")
    assert "An empty cell, `null`, `NA` or `n/a` (in any mix of capitals: `N/A`, `Null`) is a gap." in guide


def test_a_newline_in_a_folder_name_stays_on_its_line(tmp_path):
    folder = write_doc(tmp_path / "two\nlines", FRONT, "## S\n\n[x](notes.txt)\n")
    result = build(folder.name, "--check", cwd=tmp_path, seconds=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "two\\nlines/document.md:12: link 'notes.txt' points to a file; a file is not published with the document: "
        "link an https:// address, or write the name as text"]


@pytest.mark.slow
def test_many_plain_values_are_not_called_aliases(tmp_path):
    from report.source import yamlload
    from report.errors import ContentError

    with pytest.raises(ContentError) as caught:
        yamlload.load("".join(f"k{i}: v\n" for i in range(60_000)), "x.yaml")
    assert "holds more than 100,000 values (split it, or shorten it)" in str(caught.value)
    assert "alias" not in str(caught.value)


def test_bundle_check_reports_the_reader_and_the_documents_at_once(tmp_path):
    write_doc(tmp_path / "one", FRONT.replace("year: 2025", "year: soon"))
    (tmp_path / "reader.yaml").write_text("title: X\ndocuments:\n  - one\n  - nowhere\ntitel: Y\n", encoding="utf-8")
    result = build("--bundle", "reader.yaml", "--check", cwd=tmp_path, seconds=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "one/document.md:4:7: year: must be a whole number (e.g. 2024), not 'soon'",
        "reader.yaml:4:5: documents[1]: no document.md in 'nowhere'",
        "reader.yaml:5:1: titel: unknown key; did you mean 'title'?",
    ]


@pytest.mark.slow
def test_a_reader_series_needs_reader_html(tmp_path):
    write_doc(tmp_path / "one", FRONT)
    (tmp_path / "reader.yaml").write_text("title: X\nseries: sceeus-commentary\ndocuments:\n  - one\n")
    result = build("--bundle", "reader.yaml", "--check", cwd=tmp_path, seconds=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "reader.yaml:2:9: series: 'sceeus-commentary' is a publication series, not a reader series: it has no "
        "templates/reader.html. Leave series: out to take the documents' publisher, name a reader series "
        "(sceeus-reader), or make one for this publisher: python build.py --new-series sceeus-commentary-reader "
        "--reader --extends sceeus-commentary"]


def test_bundle_refuses_the_web_format(tmp_path):
    (tmp_path / "reader.yaml").write_text("title: X\ndocuments: [one]\n")
    result = build("--bundle", "reader.yaml", "--format", "html", cwd=tmp_path, seconds=30)
    assert result.returncode == 2
    assert "--bundle makes PDFs: --format pdf, print or pdf,print" in result.stderr


@pytest.mark.slow
def test_bundle_writes_every_pdf_format_named_after_its_event(tmp_path):
    event = tmp_path / "stockholm-2024"
    write_doc(event / "one", FRONT)
    (event / "reader.yaml").write_text("title: X\ndocuments:\n  - one\n")
    result = build("--bundle", event / "reader.yaml", "-o", "out", "--format", "pdf,print", cwd=tmp_path,
                   seconds=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["out/stockholm-2024.pdf", "out/stockholm-2024.print.pdf"]
    screen = len(pdf_text(tmp_path / "out" / "stockholm-2024.pdf"))
    assert len(pdf_text(tmp_path / "out" / "stockholm-2024.print.pdf")) == -(-screen // 4) * 4  # padded to whole sheets


@pytest.mark.slow
def test_a_multi_format_build_says_what_it_has_made(site):
    doc, _ = site
    result = skip_if_refused(subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "doc", "-o", "out", "--format", "pdf,html"],
        cwd=doc.parent, capture_output=True, text=True, timeout=300))
    assert result.returncode == 0, result.stderr
    lines = [line.split(" in ")[0] for line in result.stderr.splitlines()]
    assert lines == ["building doc …", "doc: pdf made", "doc: html made", "doc: built"]


@pytest.mark.slow
def test_watch_hears_a_folder_removed_and_restored(site):
    import shutil

    from test_watch import Watcher

    doc, _ = site
    w = Watcher("doc", "-o", "out", cwd=doc.parent, cache=doc.parent / "cache")
    try:
        w.wait_for("doc: built in")
        w.wait_for("watching 1 document")
        shutil.copytree(doc, doc.parent / "saved")
        shutil.rmtree(doc)
        w.wait_for("doc/document.md: file not found")
        shutil.copytree(doc.parent / "saved", doc)
        w.wait_for("doc: rebuilt in")
        (doc / "document.md").write_text((doc / "document.md").read_text().replace("Some text", "Edited text"))
        w.wait_for("doc/document.md changed: rebuilding doc")
        w.wait_for("doc: rebuilt in")
    finally:
        w.stop()
    assert "Edited text" in " ".join(pdf_text(doc.parent / "out" / "doc.pdf"))
