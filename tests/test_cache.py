"""The cache folder: every key follows everything its value depends on; no entry made by another
builder, with other data, or damaged changes a byte of what a build writes; and a folder that
cannot be used costs speed only."""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import shutil
import subprocess
import sys
from dataclasses import replace
from importlib import metadata, resources
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import GUEST, MINIMAL, ROOT, run, write_doc
from report import cache, languages, pipeline
from report.fonts import coverage
from report.internals import ffi
from report.render import charts, hyphenate
from test_charts import SAMPLES, STYLE

FONTS = ROOT / "styles" / "base" / "fonts"
SANS = FONTS / "SourceSans3-Regular.ttf"
SERIF = FONTS / "SourceSerif4-Regular.ttf"
HEBREW = FONTS / "NotoSerifHebrew-Regular.ttf"
BABEL_DATA = Path(str(resources.files("babel") / "locale-data"))
FORMATS = ("pdf", "print", "html")
SUFFIXES = (".pdf", ".print.pdf", ".html")


def notice(folder) -> str:
    return f"notice: cannot write to the cache folder {folder} (Not a directory); building without it"


@pytest.fixture(autouse=True)
def new_process():
    """Each test starts, and leaves, as a new process would: nothing remembered in memory."""
    def forget():
        cache.forget()
        coverage.forget()
        hyphenate._cache_path.cache_clear()
        languages.number_symbols.cache_clear()
    forget()
    yield
    forget()


_folders = itertools.count()


def keys(prepared, tmp_path) -> dict[str, str]:
    """The key of each kind of kept value, for the same inputs, as a new process makes them."""
    cache.forget()
    coverage.forget()
    hyphenate._cache_path.cache_clear()
    kept = tmp_path / f"coverage-{next(_folders)}"
    coverage.covered((SANS,), kept)
    return {
        "chart": charts.cache_key(SAMPLES["bar"], STYLE),
        "hyphenation": hyphenate._cache_path(tmp_path, "en_US").name,
        "font-coverage": [p.name for p in kept.iterdir()][0],
        "layout": pipeline.layout_context(prepared, ()),
        "cffi-declarations": ffi._module_file(tmp_path, "int f(void);").name,
    }


@pytest.fixture
def guest(tmp_path):
    """The Guest Commentary, read and checked, with a cache folder of its own."""
    return pipeline.prepare(GUEST, pipeline.Options(cache=tmp_path / "cache"))


# -- 1. each input of each key ----------------------------------------------------------------

def test_a_chart_key_follows_the_spec_the_style_and_the_fonts_content_not_their_path(tmp_path):
    spec, key = SAMPLES["bar"], charts.cache_key(SAMPLES["bar"], STYLE)
    assert charts.cache_key(replace(spec, unit="EUR billion"), STYLE) != key
    assert charts.cache_key(replace(spec, series=(("A", (5.4, 1.5)),)), STYLE) != key
    assert charts.cache_key(spec, replace(STYLE, muted="#000000")) != key
    assert charts.cache_key(spec, replace(STYLE, aspect=0.6)) != key
    body = tmp_path / "elsewhere" / "Body.ttf"
    body.parent.mkdir()
    shutil.copyfile(STYLE.font_file, body)
    assert charts.cache_key(spec, replace(STYLE, font_file=body)) == key  # the same font
    body.write_bytes(SERIF.read_bytes())  # another font under the same name
    assert charts.cache_key(spec, replace(STYLE, font_file=body)) != key
    bold = tmp_path / "Bold.ttf"
    bold.write_bytes(SERIF.read_bytes())
    assert charts.cache_key(spec, replace(STYLE, bold_file=bold)) != key


def test_a_chart_key_follows_the_number_symbols_babel_gives_the_language(monkeypatch):
    from babel import localedata

    swedish = replace(STYLE, lang="sv")
    before = charts.cache_key(SAMPLES["barh"], swedish)
    assert charts.format_number(35000, lang="sv") == "35\xa0000"
    # Another Babel, whose Swedish groups thousands with an apostrophe:
    monkeypatch.setitem(localedata.load("sv")["number_symbols"]["latn"], "group", "'")
    languages.number_symbols.cache_clear()
    assert charts.format_number(35000, lang="sv") == "35'000"  # what the chart prints changes ...
    assert charts.cache_key(SAMPLES["barh"], swedish) != before  # ... and so does its key
    assert charts.cache_key(SAMPLES["barh"], STYLE) == charts.cache_key(SAMPLES["barh"], STYLE)


def test_the_chart_and_layout_keys_follow_babels_data_files_for_the_language(tmp_path, monkeypatch):
    """Babel's locale data is read from its files (by content): other data, another key."""
    doc = write_doc(tmp_path / "doc", MINIMAL + "lang: sv\n")
    prepared = pipeline.prepare(doc, pipeline.Options(cache=tmp_path / "cache"))
    swedish = replace(STYLE, lang="sv")
    chart, layout = charts.cache_key(SAMPLES["bar"], swedish), pipeline.layout_context(prepared, ())
    english = charts.cache_key(SAMPLES["bar"], STYLE)

    # A Babel whose Swedish data differs (its decimal mark), everything else the same files.
    other = tmp_path / "babel" / "locale-data"
    shutil.copytree(BABEL_DATA, other, ignore=lambda d, names: [n for n in names if n not in ("sv.dat", "root.dat", "en.dat")])
    data = pickle.loads((other / "sv.dat").read_bytes())
    data["number_symbols"]["latn"]["decimal"] = "."
    (other / "sv.dat").write_bytes(pickle.dumps(data))
    real = resources.files
    monkeypatch.setattr(resources, "files", lambda name: other.parent if name == "babel" else real(name))

    assert charts.cache_key(SAMPLES["bar"], swedish) != chart
    assert pipeline.layout_context(prepared, ()) != layout
    assert charts.cache_key(SAMPLES["bar"], STYLE) == english  # English's data is the same


@pytest.mark.parametrize("edit", ["change internals/boxes.py", "add a module"])
def test_every_key_follows_the_code_of_the_whole_package(tmp_path, monkeypatch, guest, edit):
    """After a change to internals/boxes.py (or anywhere in the package), nothing kept by the
    builder as it was is used: a warm build once gave the old bytes after such a change."""
    before = keys(guest, tmp_path)
    copy = shutil.copytree(cache.PACKAGE, tmp_path / "report", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    assert keys(guest, tmp_path) == before  # the code by content, wherever it lies
    if edit == "add a module":
        (copy / "layout" / "newer.py").write_text('"""A module the builder did not have."""\n')
    else:
        boxes = copy / "internals" / "boxes.py"
        boxes.write_text(boxes.read_text(encoding="utf-8") + "\nFLOW_LIMIT = 3\n", encoding="utf-8")
    after = keys(guest, tmp_path)
    assert [kind for kind in before if after[kind] == before[kind]] == []


def test_every_library_the_keys_name_is_installed_under_that_name():
    # A name misspelt in cache.LIBRARIES would be "none" whatever version is installed.
    assert "=none" not in cache.library_versions(), cache.library_versions()


@pytest.mark.parametrize("library", cache.LIBRARIES)
def test_every_key_follows_the_version_of_each_library(tmp_path, monkeypatch, guest, library):
    before = keys(guest, tmp_path)
    real = metadata.distribution
    monkeypatch.setattr(cache, "distribution",  # the same machine, with `library` upgraded
                        lambda name: SimpleNamespace(version="999.0") if name == library else real(name))
    after = keys(guest, tmp_path)
    assert [kind for kind in before if after[kind] == before[kind]] == []


def test_the_hyphenation_key_follows_the_dictionary_and_the_break_rules(tmp_path, monkeypatch):
    key = hyphenate._cache_path(tmp_path, "en_US")
    assert hyphenate._cache_path(tmp_path, "sv") != key
    monkeypatch.setattr(hyphenate, "LEFT", 2)
    hyphenate._cache_path.cache_clear()
    assert hyphenate._cache_path(tmp_path, "en_US") != key


def test_font_coverage_is_kept_by_the_fonts_content_not_its_path(tmp_path):
    store = tmp_path / "coverage"
    for name, source in (("a/Body.ttf", SANS), ("b/Other.ttf", SANS), ("a/Body.ttf", SERIF)):
        font = tmp_path / name
        font.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, font)
        coverage.forget()  # a new process: only what is on disk
        assert coverage.covered((font,), store) == coverage.covered((source,), None)
        if name == "b/Other.ttf":
            assert len(list(store.iterdir())) == 1  # the same font under another name: the same entry
    assert len(list(store.iterdir())) == 2


def test_the_layout_key_follows_the_series_files_pictures_extra_css_and_language(tmp_path):
    series = shutil.copytree(ROOT / "styles" / "sceeus-guest-commentary", tmp_path / "styles" / "mine")
    (series / "fonts").mkdir()
    shutil.copyfile(SANS, series / "fonts" / "Extra.ttf")
    doc = write_doc(tmp_path / "doc", MINIMAL.replace("sceeus-guest-commentary", "mine"),
                    "## Section\n\n![A map](map.svg)\n")
    map_svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="{}"><rect width="40" height="20"/></svg>'
    (doc / "map.svg").write_text(map_svg.format(20), encoding="utf-8")
    options = pipeline.Options(style_roots=(tmp_path / "styles",), cache=tmp_path / "cache")

    def key(*extra):
        return pipeline.layout_context(pipeline.prepare(doc, options), extra)

    seen = [key()]
    assert key() == seen[0]
    changes = [
        lambda: (series / "fonts" / "Extra.ttf").write_bytes(SERIF.read_bytes()),  # a font of the series
        lambda: (series / "fonts" / "Extra.ttf").rename(series / "fonts" / "Renamed.ttf"),  # its name
        lambda: (doc / "map.svg").write_text(map_svg.format(400), encoding="utf-8"),  # a picture
        lambda: (series / "series.yaml").write_text(
            (series / "series.yaml").read_text(encoding="utf-8").replace("Guest Commentary", "Guest Note", 1),
            encoding="utf-8"),  # the series' settings
        lambda: write_doc(doc, MINIMAL.replace("sceeus-guest-commentary", "mine") + "lang: sv\n",
                          "## Section\n\n![A map](map.svg)\n"),  # the language
    ]
    for change in changes:
        change()
        seen.append(key())
    seen.append(key("p { color: red }"))  # an extra stylesheet
    assert len(set(seen)) == len(seen)


# -- entries: checked when read ----------------------------------------------------------------

def test_a_damaged_or_foreign_entry_is_dropped(tmp_path):
    entry = tmp_path / "kind" / "entry"
    cache.write(entry, b"payload")
    assert cache.read(entry) == b"payload"
    whole = entry.read_bytes()
    for damaged in (b"garbage", whole[:-3], whole.replace(b"payload", b"paylo4d"), b"payload",
                    cache.MAGIC + b"0" * 64 + b"\npayload"):
        entry.write_bytes(damaged)
        assert cache.read(entry) is None
        assert not entry.exists()  # dropped, made again by the build
    assert cache.read(tmp_path / "absent") is None


def test_a_kept_cffi_module_is_read_as_data_and_never_run(tmp_path):
    """A file in the cache folder with a valid digest, shaped like what cffi writes or not, runs
    no code: WeasyPrint's declarations are parsed again instead."""
    marker = tmp_path / "ran"
    path = ffi._module_file(tmp_path, "int f(void);")
    for source in (f"import os\nos.system('touch {marker}')\n",
                   f"import _cffi_backend\nffi = _cffi_backend.FFI(__import__('os').system('touch {marker}'))\n",
                   f"import _cffi_backend\nffi = _cffi_backend.FFI('x', _types=open('{marker}', 'w'))\n"):
        cache.write(path, source.encode())
        assert cache.read(path) is not None  # the digest is right: only the content is foreign
        assert ffi._load(path) is None
    assert not marker.exists()


def test_a_read_only_cache_folder_costs_speed_only(tmp_path, capsys):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user (root) writes into a read-only folder all the same")
        svg = charts.draw_cached(SAMPLES["bar"], STYLE, folder / "charts")
        assert charts.draw_cached(SAMPLES["bar"], STYLE, folder / "charts") == svg == charts.draw(SAMPLES["bar"], STYLE)
    finally:
        folder.chmod(0o755)
    assert capsys.readouterr().err == (f"notice: cannot write to the cache folder {folder / 'charts'} "
                                       "(Permission denied); building without it\n")


def test_a_cache_folder_that_is_a_file_is_named_once(tmp_path, capsys):
    folder = tmp_path / "cache"
    folder.write_text("not a folder\n")
    assert not cache.probe(folder)
    svg = charts.draw_cached(SAMPLES["bar"], STYLE, folder / "charts")
    assert svg == charts.draw(SAMPLES["bar"], STYLE)
    assert capsys.readouterr().err == notice(folder) + "\n"
    assert folder.read_text() == "not a folder\n"


# -- 4. what one process remembers follows the files (--watch) --------------------------------

def test_a_font_replaced_during_a_watch_session_is_read_again(tmp_path):
    font = tmp_path / "fonts" / "Body.ttf"
    font.parent.mkdir()
    shutil.copyfile(HEBREW, font)
    for store in (None, tmp_path / "cache"):
        font.write_bytes(HEBREW.read_bytes())
        assert ord("\u05d0") in coverage.covered((font,), store)
        font.write_bytes(SANS.read_bytes())  # the same file, now another font
        have = coverage.covered((font,), store)
        assert ord("\u05d0") not in have and ord("\u0101") in have


def test_a_stylesheet_is_parsed_again_when_a_font_beside_it_changes(tmp_path):
    from report.layout import pages
    from report.layout.fetcher import SafeFetcher

    folder = tmp_path / "series"
    (folder / "fonts").mkdir(parents=True)
    (folder / "style.css").write_text(
        '@font-face { font-family: "Body"; src: url("fonts/Body.ttf"); }\nbody { font-family: "Body"; }\n')
    shutil.copyfile(SANS, folder / "fonts" / "Body.ttf")
    fetcher, fonts = SafeFetcher((folder,)), pages.font_config()

    first = pages._stylesheet(folder / "style.css", fetcher, fonts)
    assert pages._stylesheet(folder / "style.css", fetcher, fonts) is first  # unchanged: parsed once
    (folder / "fonts" / "Body.ttf").write_bytes(SERIF.read_bytes())
    second = pages._stylesheet(folder / "style.css", fetcher, fonts)
    assert second is not first
    (folder / "fonts" / "Body.ttf").rename(folder / "fonts" / "Other.ttf")
    assert pages._stylesheet(folder / "style.css", fetcher, fonts) is not second
