"""`--watch` and `--serve`: driven as an editor drives them, by editing files."""

from __future__ import annotations

import base64
import hashlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds many PDFs, or drives a browser: the full suite runs it

from conftest import ROOT, skip_unless_supported, untypeset, write_doc

FRONT = """
series: {series}
number: {number}
year: 2025
title: Watched Document {number}
authors:
  - name: Test Author
summary: A short summary.
"""
BODY = "## Section\n\nThe first version of the text.\n"


def doc(folder: Path, number: int, series: str = "sceeus-guest-commentary", body: str = BODY) -> Path:
    return write_doc(folder, FRONT.format(series=series, number=number), body)


class Watcher:
    """`build.py … --watch` in a subprocess, its standard error read line by line."""

    def __init__(self, *args, cwd: Path, cache: Path):
        skip_unless_supported()
        # Ctrl-C as a terminal gives it: a suite started as a background job (`cmd &` in a script)
        # ignores SIGINT, and a child would inherit that and never stop.
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *map(str, args), "--watch"],
                                     cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "REPORT_CACHE_DIR": str(cache)},
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 120) -> list[str]:
        """The lines up to and including the first that holds `text`."""
        got = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no line with {text!r} within {timeout} s; got:\n" + "\n".join(self.seen + got))
            got.append(line)
            if text in line:
                self.seen += got
                return got

    def quiet_for(self, seconds: float) -> list[str]:
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.lines.get(timeout=left))
            except queue.Empty:
                break
        self.seen += got
        return got

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture
def watcher():
    started = []

    def start(*args, cwd, cache):
        w = Watcher(*args, cwd=cwd, cache=cache)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_watch_rebuilds_exactly_the_affected_document_and_survives_a_broken_edit(tmp_path, watcher):
    a, b = doc(tmp_path / "doc-a", 1), doc(tmp_path / "doc-b", 2)
    w = watcher("doc-a", "doc-b", "-o", "out", cwd=tmp_path, cache=tmp_path / "cache")
    w.wait_for("doc-a: built in")
    w.wait_for("doc-b: built in")
    w.wait_for("watching 2 documents")
    built_b = (tmp_path / "out" / "doc-b.pdf").stat().st_mtime_ns

    edit(a / "document.md", "first version", "second version")
    w.wait_for("doc-a/document.md changed: rebuilding doc-a")
    w.wait_for("doc-a: rebuilt in")
    w.quiet_for(2)
    # Exactly the affected document: doc-b neither announced nor written again.
    assert not [line for line in w.seen if "rebuilding doc-b" in line]
    assert (tmp_path / "out" / "doc-b.pdf").stat().st_mtime_ns == built_b
    good_a = (tmp_path / "out" / "doc-a.pdf").read_bytes()

    # A broken edit: every problem printed, the last good PDF kept, the watch goes on.
    edit(a / "document.md", "number: 1", "numbr: 1")
    lines = w.wait_for("doc-a/document.md:3:1: numbr: unknown key; did you mean 'number'?")
    assert any(line == "doc-a: not rebuilt; the earlier output is untouched:" for line in lines)
    assert (tmp_path / "out" / "doc-a.pdf").read_bytes() == good_a

    edit(b / "document.md", "first version", "other version")
    w.wait_for("doc-b: rebuilt in")
    edit(a / "document.md", "numbr: 1", "number: 1")
    w.wait_for("doc-a: rebuilt in")
    assert w.stop() == 0  # Ctrl-C
    w.wait_for("stopped watching", timeout=10)


def test_a_series_change_rebuilds_the_documents_of_that_series(tmp_path):
    """Which documents a change touches: the unit under the watcher (no WeasyPrint needed)."""
    from report import pipeline
    from report.series import resolve as series_mod
    from report.commands.watch import Builder

    styles = tmp_path / "styles"
    (styles / "house").mkdir(parents=True)
    (styles / "house" / "series.yaml").write_text("name: House\nlabel: House\nextends: sceeus-commentary\n")
    (styles / "house" / "style.css").write_text("h2 { color: black; }\n")
    a = doc(tmp_path / "a", 1, series="house")
    b = doc(tmp_path / "b", 2)
    c = tmp_path / "c"
    c.mkdir()
    (c / "document.md").write_text("---\nseries: [broken\n---\n")
    builder = Builder([a, b, c], pipeline.Options(out_dir=tmp_path / "out", style_roots=(styles,)))
    for key in list(builder.states)[:2]:  # what a build records
        prepared = pipeline.prepare(builder.states[key].folder, builder.options)
        builder.states[key].deps = tuple(f.resolve() for f in prepared.series.folders + prepared.series.template_dirs)
    ka, kb, kc = (p.resolve() for p in (a, b, c))
    assert builder.affected({ka / "document.md"}) == [ka]
    assert builder.affected({kb / "charts.yaml"}) == [kb]
    assert builder.affected({(styles / "house" / "style.css").resolve()}) == [ka, kc]  # c: failed, may need it
    guest = (series_mod.STYLES / "sceeus-guest-commentary" / "series.yaml").resolve()
    assert builder.affected({guest}) == [kb, kc]
    commentary = (series_mod.STYLES / "sceeus-commentary" / "series.yaml").resolve()
    assert builder.affected({commentary}) == [ka, kb, kc]  # the parent of both
    assert builder.affected({(series_mod.TEMPLATES / "document.html").resolve()}) == [ka, kb, kc]
    assert builder.affected({(tmp_path / "elsewhere.txt").resolve()}) == []
    roots = builder.roots()
    assert styles.resolve() in roots and series_mod.TEMPLATES.resolve() in roots and ka in roots


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_shows_the_edit_in_the_browser_then_the_pdf(tmp_path, watcher):
    a = doc(tmp_path / "doc-a", 1)
    port = _free_port()
    w = watcher("doc-a", "-o", "out", "--serve", port, cwd=tmp_path, cache=tmp_path / "cache")
    w.wait_for(f"serving the web version at http://127.0.0.1:{port}/")
    w.wait_for("watching 1 document")
    base = f"http://127.0.0.1:{port}"
    response = urllib.request.urlopen(f"{base}/doc-a.html", timeout=30)
    page = untypeset(response.read().decode())  # the page's soft hyphens and unbroken spans taken out
    assert "first version" in page
    # the published page's policy, and for the preview's own needs its fonts, script and events only
    policy = response.headers["Content-Security-Policy"]
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy == ("default-src 'none'; img-src data:; font-src data: 'self'; style-src 'unsafe-inline'; "
                      f"script-src 'sha256-{digest}'; connect-src 'self'")
    assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in page
    assert page.count("<script>") == 1
    assert 'id="report-preview-pdf" href="/doc-a.pdf?v=' in page  # the PDF link
    assert "new EventSource(" in page  # the live reload
    assert "file:" not in page
    assert "string-set" not in page and "@page" not in page  # the web page's CSS, not the print's
    font = page.split('url("/__file/', 1)[1].split('"', 1)[0]
    assert urllib.request.urlopen(f"{base}/__file/{font}", timeout=30).read()[:4] in (b"\0\1\0\0", b"OTTO", b"true")
    assert urllib.request.urlopen(f"{base}/doc-a.pdf", timeout=30).read()[:5] == b"%PDF-"
    assert "doc-a" in urllib.request.urlopen(f"{base}/", timeout=30).read().decode()

    events = socket.create_connection(("127.0.0.1", port), timeout=60)
    events.sendall(f"GET /__events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    assert b"text/event-stream" in events.recv(4096)
    edit(a / "document.md", "first version", "second version")
    got = b""
    while b"event: pdf" not in got:
        chunk = events.recv(4096)
        assert chunk, got
        got += chunk
    text = got.decode()
    assert text.index("event: html\ndata: doc-a 2") < text.index("event: pdf\ndata: doc-a 2")
    assert "second version" in untypeset(urllib.request.urlopen(f"{base}/doc-a.html", timeout=30).read().decode())
    events.close()

    edit(a / "document.md", "number: 1", "number: one")
    w.wait_for("doc-a: not rebuilt")
    w.wait_for("doc-a/document.md:3:9: number: must be a whole number, not 'one'")
    # the server still answers, with the last good page
    assert "second version" in untypeset(urllib.request.urlopen(f"{base}/doc-a.html", timeout=30).read().decode())
    assert w.stop() == 0


def test_serve_listens_on_localhost_only(tmp_path):
    from report.commands.watch import PreviewServer

    server = PreviewServer(0, tmp_path)
    try:
        assert server.httpd.server_address[0] == "127.0.0.1"
    finally:
        server.httpd.server_close()
