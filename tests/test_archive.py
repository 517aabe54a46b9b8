"""A desk's whole archive: builds that skip what has not changed, shards for a CI matrix, and
progress a person can read on long runs."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from report.commands import record
from report.commands.progress import Progress

ROOT = Path(__file__).resolve().parents[1]

DOC = """---
series: {series}
number: {number}
year: 2025
title: Archive document {number}
authors:
  - name: Jane Doe
    affiliation: Stockholm University
    bio: Jane Doe is a researcher.
summary: >
  A short summary of document {number}.
recommendations:
  - The EU should act. The first sentence is set in bold.
---

## A section

A paragraph of document {number}, long enough to be a paragraph.
"""


def make_archive(root: Path, count: int, series=("sceeus-commentary", "sceeus-quick-comment")) -> list[Path]:
    folders = []
    for n in range(1, count + 1):
        folder = root / "data" / f"doc-{n:02d}"
        folder.mkdir(parents=True)
        (folder / "document.md").write_text(DOC.format(series=series[n % len(series)], number=n), encoding="utf-8")
        folders.append(folder)
    return folders


def build(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=env)


def built_and_current(stderr: str) -> tuple[set[str], set[str]]:
    built = {line.split(":")[0].rsplit("/", 1)[-1] for line in stderr.splitlines() if ": built in " in line}
    current = {line.split(":")[0].rsplit("/", 1)[-1] for line in stderr.splitlines() if line.endswith(": up to date")}
    return built, current


# -- the record ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_rebuild_builds_exactly_the_documents_whose_inputs_changed(tmp_path):
    docs = make_archive(tmp_path, 4)
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles" / "sceeus-quick-comment", styles / "sceeus-quick-comment")
    out = tmp_path / "out"
    names = {d.name for d in docs}
    quick = {d.name for d in docs if "sceeus-quick-comment" in (d / "document.md").read_text()}

    first = build(*docs, "-o", out, "--styles", styles, "-j", "1")
    assert first.returncode == 0, first.stderr
    assert built_and_current(first.stderr) == (names, set())
    assert "summary: 4 built, 0 up to date, 0 failed" in first.stderr.splitlines()
    pdfs = {p.name: p.read_bytes() for p in out.glob("*.pdf")}

    again = build(*docs, "-o", out, "--styles", styles, "-j", "1")
    assert built_and_current(again.stderr) == (set(), names)
    assert "summary: 0 built, 4 up to date, 0 failed" in again.stderr.splitlines()
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == pdfs

    # the document's own folder
    text = (docs[0] / "document.md").read_text()
    (docs[0] / "document.md").write_text(text.replace("long enough", "quite long enough"))
    assert built_and_current(build(*docs, "-o", out, "--styles", styles, "-j", "1").stderr) == \
        ({docs[0].name}, names - {docs[0].name})

    # one series' CSS: only that series' documents
    css = styles / "sceeus-quick-comment" / "style.css"
    css.write_text(css.read_text() + "\n/* a comment */\n")
    assert built_and_current(build(*docs, "-o", out, "--styles", styles, "-j", "1").stderr) == \
        (quick, names - quick)

    # an output changed or removed by hand
    (out / f"{docs[1].name}.pdf").write_bytes(b"%PDF- not what was built")
    assert built_and_current(build(*docs, "-o", out, "--styles", styles, "-j", "1").stderr)[0] == {docs[1].name}

    # an environment that changes the bytes (the date)
    import os
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    assert built_and_current(build(*docs, "-o", out, "--styles", styles, "-j", "1", env=env).stderr)[0] == names

    # --force
    assert built_and_current(build(*docs, "-o", out, "--styles", styles, "--force", env=env).stderr)[0] == names


@pytest.mark.slow
def test_a_damaged_or_missing_record_costs_a_build_never_a_wrong_skip(tmp_path):
    docs = make_archive(tmp_path, 2)
    out = tmp_path / "out"
    assert build(*docs, "-o", out).returncode == 0
    kept = out / record.NAME
    data = json.loads(kept.read_text())
    data["documents"][str(docs[0].resolve())]["key"] = "0" * 64  # edited by hand: the digest no longer matches
    kept.write_text(json.dumps(data))
    assert built_and_current(build(*docs, "-o", out).stderr)[0] == {d.name for d in docs}
    kept.write_text("{ half a reco")
    assert built_and_current(build(*docs, "-o", out).stderr)[0] == {d.name for d in docs}
    kept.unlink()
    assert built_and_current(build(*docs, "-o", out).stderr)[0] == {d.name for d in docs}


def test_the_record_reads_back_what_it_wrote_and_refuses_a_damaged_one(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"pdf")
    kept = record.Record(out)
    kept.built(tmp_path / "a", "k1", [out / "a.pdf"], ("a line",), True)
    again = record.Record(out)
    entry = again.up_to_date(tmp_path / "a", "k1")
    assert entry is not None and entry.preflight == ("a line",) and entry.preflight_failed
    assert again.up_to_date(tmp_path / "a", "k2") is None  # another key
    assert again.up_to_date(tmp_path / "a", None) is None  # a key that could not be made
    (out / "a.pdf").write_bytes(b"other")
    assert again.up_to_date(tmp_path / "a", "k1") is None  # the output changed
    text = (out / record.NAME).read_text()
    (out / record.NAME).write_text(text.replace("k1", "k3"))
    assert record.Record(out).entries == {}


def test_the_key_follows_the_document_and_its_series_and_names_of_files(tmp_path):
    from report.pipeline import Options

    (doc,) = make_archive(tmp_path, 1)
    options = Options(out_dir=tmp_path / "out")
    key = record.inputs_key(doc, options)
    assert key is not None and record.inputs_key(doc, options) == key
    (doc / "notes.txt").write_text("x")
    with_file = record.inputs_key(doc, options)
    assert with_file != key
    (doc / "notes.txt").rename(doc / "other.txt")  # same bytes, another name
    assert record.inputs_key(doc, options) not in (key, with_file)
    from dataclasses import replace
    assert record.inputs_key(doc, replace(options, formats=("pdf", "html"))) != record.inputs_key(doc, options)
    (doc / "document.md").write_text("no front matter")
    assert record.inputs_key(doc, options) is None  # cannot be known: the document is built (and fails)


def test_an_unchanged_document_is_keyed_from_the_record_and_each_series_chain_once(tmp_path, monkeypatch):
    """Many documents: the front matter of one whose files are those recorded is not read again,
    each series chain is resolved once a run, and the keys are those made from scratch."""
    from report.pipeline import Options
    from report.series import resolve as series_resolve
    from report.source import document

    docs = make_archive(tmp_path, 6)
    options = Options(out_dir=tmp_path / "out")
    scratch = [record.inputs_key(d, options) for d in docs]
    first = [record.inputs(d, options) for d in docs]
    entries = {d: record.Entry(i.key, {}, (), False, i.folder, i.series) for d, i in zip(docs, first)}
    reads, resolves = [], []
    read, resolve = document.read, series_resolve.resolve
    monkeypatch.setattr(document, "read", lambda *a, **k: reads.append(a[0]) or read(*a, **k))
    monkeypatch.setattr(series_resolve, "resolve", lambda *a, **k: resolves.append(a[0]) or resolve(*a, **k))
    chains: dict = {}
    again = [record.inputs(d, options, entries[d], chains) for d in docs]
    assert [i.key for i in again] == scratch and None not in scratch
    assert reads == [] and sorted(resolves) == ["sceeus-commentary", "sceeus-quick-comment"]

    # a document whose front matter now names another series: read, and keyed by that series
    text = (docs[0] / "document.md").read_text()
    (docs[0] / "document.md").write_text(text.replace("series: sceeus-quick-comment", "series: sceeus-report")
                                         .replace("series: sceeus-commentary", "series: sceeus-report"))
    moved = record.inputs(docs[0], options, entries[docs[0]], chains)
    assert reads == [docs[0]] and moved.series == "sceeus-report"
    assert moved.key == record.inputs_key(docs[0], options) != scratch[0]


# -- shards --------------------------------------------------------------------------------------

def test_shards_share_the_documents_once_and_keep_them_when_others_are_added():
    folders = [Path(f"data/doc-{n:03d}") for n in range(300)]
    shards = [record.shard(folders, k, 4) for k in range(1, 5)]
    assert sorted(sum(shards, [])) == sorted(folders)
    assert all(40 <= len(s) <= 110 for s in shards)  # a fair share each
    more = folders + [Path(f"data/new-{n:03d}") for n in range(50)]
    for k, before in enumerate(shards, start=1):
        assert set(before) <= set(record.shard(more, k, 4))


def test_a_shard_is_written_k_of_n():
    result = build("--shard", "5/4", "--check")
    assert result.returncode == 2
    assert "argument --shard: K must be from 1 to N, not '5/4'" in result.stderr
    assert "argument --shard: write K/N, e.g. 1/4, not 'x'" in build("--shard", "x").stderr


@pytest.mark.slow
def test_four_shards_together_match_one_whole_build_byte_for_byte(tmp_path):
    docs = make_archive(tmp_path, 6)
    whole = tmp_path / "whole"
    assert build(*docs, "-o", whole).returncode == 0
    parts = tmp_path / "parts"
    for k in range(1, 5):
        result = build(*docs, "-o", parts / str(k), "--shard", f"{k}/4")
        assert result.returncode == 0, result.stderr
    pieces = [p for p in parts.glob("*/*.pdf")]
    assert sorted(p.name for p in pieces) == sorted(p.name for p in whole.glob("*.pdf"))
    for piece in pieces:
        assert piece.read_bytes() == (whole / piece.name).read_bytes(), piece.name


# -- progress ------------------------------------------------------------------------------------

def test_progress_in_a_log_is_a_plain_line_a_document_and_ends_with_a_summary():
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(3, up_to_date=2, stream=stream, clock=lambda: now[0])
    now[0] = 10.0
    progress.finished(Path("data/a"), None)
    now[0] = 20.0
    progress.finished(Path("data/b"), "data/b/document.md:3: title: required")
    progress.finished(Path("data/c"), None)
    assert stream.getvalue().splitlines() == [
        "progress: 1 of 3 done, 0 failed, about 20 s left",
        "progress: 2 of 3 done, 1 failed, about 10 s left",
        "progress: 3 of 3 done, 1 failed",
    ]
    assert progress.summary() == ["summary: 2 built, 2 up to date, 1 failed",
                                  "failed: data/b: data/b/document.md:3: title: required"]


def test_progress_in_a_terminal_updates_one_line():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    now = [0.0]
    progress = Progress(2, stream=stream, clock=lambda: now[0])
    now[0] = 90.0
    progress.finished(Path("data/a"), None)
    progress.clear()
    assert stream.getvalue() == "\r\033[K1 of 2 done, 0 failed, about 1 min 30 s left\r\033[K"
