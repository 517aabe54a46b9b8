"""What was built, kept in the output folder: a document whose inputs have not changed is not
built again.

A document's key is `cache.fingerprint` of everything its outputs depend on: every file of its
folder, every file of its series chain (templates, stylesheets, fonts, pictures, the shipped
templates), the options that change what is written, and (through the fingerprint) the
builder's code and the library versions. The record maps each document folder to its key and
to the digest of each file it wrote. A document is up to date only when its key is the one
recorded and every output is still there with the recorded bytes; anything else, including a
record that is missing, damaged or written by another version, means a build. So the record
can cost a build, never a wrong skip.

The record is written atomically after every document, so an interrupted run keeps what it
finished. Shards (`--shard K/N`) take a stable share of the documents by a digest of each
folder's name, so that N shards together build each document once, whatever is added later.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from ctypes.util import find_library
from dataclasses import dataclass
from pathlib import Path

from report import cache
from report.cache import memo
from report.errors import Problems
from report.series import resolve as series_resolve
from report.source import document

NAME = ".report-built.json"
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "REPORT_SPEEDUPS")
VERSION = 2


def shard(folders: list[Path], k: int, n: int) -> list[Path]:
    """The folders of shard `k` of `n` (1-based): chosen by a digest of the folder's name, so a
    document stays in its shard when others are added or removed."""
    return [f for f in folders if int(hashlib.sha256(f.name.encode("utf-8")).hexdigest()[:12], 16) % n == k - 1]


@dataclass(frozen=True)
class Inputs:
    """A document's key, and what lets the next run find it without reading the document."""

    key: str | None
    folder: str = ""  # the digest of the folder's file names and contents
    series: str = ""  # the series its front matter named


def inputs_key(folder: Path, options) -> str | None:
    """The key of everything the document's outputs depend on; None where it cannot be known
    without building (its front matter does not read, its series does not resolve)."""
    return inputs(folder, options).key


def inputs(folder: Path, options, recorded: "Entry | None" = None, chains: dict | None = None) -> Inputs:
    """`inputs_key`, for many documents at once. `recorded`: the document's entry, whose series
    is taken as it is when the folder's files are those recorded (the same bytes name the same
    series), so an unchanged document's front matter is not read again; `chains`: the series
    chains resolved so far in this run, each resolved once."""
    folder_digest = _folders_digest([folder])
    if recorded is not None and recorded.folder == folder_digest and recorded.series:
        series_id = recorded.series
    else:
        raw = document.read(folder, Problems())
        if raw is None:
            return Inputs(None)
        series_id = raw.series_id
        if not isinstance(series_id, str) or not series_resolve.SERIES_ID.match(series_id):
            series_id = ""
    chosen = options.series or series_id
    if not chosen:
        return Inputs(None)
    chains = {} if chains is None else chains
    if (chosen, options.style_roots) not in chains:
        chains[chosen, options.style_roots] = _chain(chosen, options.style_roots)
    chain = chains[chosen, options.style_roots]
    if chain is None:
        return Inputs(None)
    values = {"folder": folder.name, "formats": list(options.formats), "series": options.series,
              "variant": options.pdf_variant, "preflight": options.preflight,
              # what the environment changes in the outputs: dates, the speed-ups (the same bytes,
              # which the tests check, so a build with them off must really build), the subsetter
              "environment": [os.environ.get(v) for v in ENVIRONMENT] + [_subsetter()],
              # names as well as contents: a file renamed in a folder or a series changes what is found
              "own": folder_digest, "chain": chain}
    key = cache.fingerprint("document", values)
    return Inputs(key, folder_digest, series_id)


def _chain(series_id: str, style_roots) -> str | None:
    """The digest of a series chain's folders (its own, its parents', the shipped templates):
    each file's name and contents."""
    problems = Problems()
    series = series_resolve.resolve(series_id, problems, series_resolve.series_roots(style_roots))
    if series is None or problems:
        return None
    return _folders_digest(dict.fromkeys(series.folders + series.template_dirs))


def _folders_digest(folders) -> str:
    digest = hashlib.sha256()
    for place in folders:
        digest.update(b"\1")  # where one folder ends: names are relative to each
        for p in _files(place):
            digest.update(f"{p.relative_to(place).as_posix()}\0{cache.file_digest(p)}\0".encode())
    return digest.hexdigest()


@memo(maxsize=1)
def _subsetter() -> str | None:
    return find_library("harfbuzz-subset")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Entry:
    key: str
    outputs: dict  # file name -> sha256
    preflight: tuple[str, ...] = ()
    preflight_failed: bool = False
    folder: str = ""  # Inputs.folder and .series, when it was built
    series: str = ""


class Record:
    """The record of one output folder."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / NAME
        self.entries: dict[str, Entry] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            body = data["documents"]
            if data.get("version") != VERSION or data.get("digest") != _body_digest(body):
                raise ValueError("another version, or damaged")
            self.entries = {name: Entry(e["key"], dict(e["outputs"]), tuple(e.get("preflight", ())),
                                        bool(e.get("preflight_failed")), str(e.get("folder", "")),
                                        str(e.get("series", "")))
                            for name, e in body.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}  # no record, or one that cannot be trusted: build everything

    def entry(self, folder: Path) -> Entry | None:
        return self.entries.get(_name(folder))

    def up_to_date(self, folder: Path, key: str | None) -> Entry | None:
        """The recorded entry when the document needs no build, else None."""
        entry = self.entries.get(_name(folder))
        if key is None or entry is None or entry.key != key:
            return None
        for name, digest in entry.outputs.items():
            if _digest(self.path.parent / name) != digest:
                return None
        return entry

    def built(self, folder: Path, key: "Inputs | str | None", written, preflight=(), preflight_failed=False) -> None:
        found = key if isinstance(key, Inputs) else Inputs(key)
        if found.key is None:
            self.entries.pop(_name(folder), None)
        else:
            self.entries[_name(folder)] = Entry(
                found.key, {Path(p).name: _digest(Path(p)) for p in written}, tuple(preflight), preflight_failed,
                found.folder, found.series)
        self._save()

    def failed(self, folder: Path) -> None:
        if self.entries.pop(_name(folder), None) is not None:
            self._save()

    def _save(self) -> None:
        body = {name: {"key": e.key, "outputs": e.outputs, "preflight": list(e.preflight),
                       "preflight_failed": e.preflight_failed, "folder": e.folder, "series": e.series}
                for name, e in sorted(self.entries.items())}
        data = json.dumps({"version": VERSION, "digest": _body_digest(body), "documents": body},
                          ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-record-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.path)
        except OSError:
            pass  # no record: the next run builds everything, which is slower, never wrong


def _name(folder: Path) -> str:
    return str(Path(folder).resolve())


def _body_digest(body) -> str:
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
