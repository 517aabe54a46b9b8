"""The cache folder: every key follows everything its value depends on; no entry made by another
builder, with other data, or damaged changes a byte of what a build writes; and a folder that
cannot be used costs speed only."""

from __future__ import annotations

import hashlib
import itertools
import json
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
from test_charts import SAMPLES, STYLE, VARIABLE

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
    forget()
    yield
    forget()


_folders = itertools.count()


def keys(prepared, tmp_path) -> dict[str, str]:
    """The key of each kind of kept value, for the same inputs, as a new process makes them."""
    cache.forget()
    n = next(_folders)
    kept = tmp_path / f"coverage-{n}"
    coverage.covered((SANS,), kept)
    earlier, charts._font_cache = charts._font_cache, tmp_path / f"metrics-{n}"
    try:
        metrics = charts._weight_instances(VARIABLE)[400].name.split("-")[0]
    finally:
        charts._font_cache = earlier
    return {
        "metrics-font": metrics,
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


# -- each input of each key -------------------------------------------------------------------

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
    before, english = charts.cache_key(SAMPLES["barh"], swedish), charts.cache_key(SAMPLES["barh"], STYLE)
    assert charts.format_number(35000, lang="sv") == "35\xa0000"
    # Another Babel, whose Swedish groups thousands with an apostrophe:
    monkeypatch.setitem(localedata.load("sv")["number_symbols"]["latn"], "group", "'")
    languages.number_symbols.cache_clear()
    assert charts.format_number(35000, lang="sv") == "35'000"  # what the chart prints changes ...
    assert charts.cache_key(SAMPLES["barh"], swedish) != before  # ... and so does its key
    assert charts.cache_key(SAMPLES["barh"], STYLE) == english


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
@pytest.mark.slow
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


def upgraded(library: str):
    """`importlib.metadata.distribution` on this machine with `library` upgraded."""
    real = metadata.distribution
    newer = SimpleNamespace(version="999.0", read_text=lambda name: f"Metadata-Version: 2.1\nName: {library}\n"
                                                                    "Version: 999.0\n" if name == "METADATA" else None)
    return lambda name: newer if name == library else real(name)


def test_every_key_follows_the_libraries_versions(tmp_path, monkeypatch, guest):
    before = keys(guest, tmp_path)
    monkeypatch.setattr(cache, "distribution", upgraded("weasyprint"))
    after = keys(guest, tmp_path)
    assert [kind for kind in before if after[kind] == before[kind]] == []


@pytest.mark.parametrize("library", cache.LIBRARIES)
def test_each_library_named_has_its_version_in_the_keys(monkeypatch, library):
    before = charts.cache_key(SAMPLES["bar"], STYLE)
    monkeypatch.setattr(cache, "distribution", upgraded(library))
    cache.forget()
    assert charts.cache_key(SAMPLES["bar"], STYLE) != before


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
        cache.forget()  # a new process: only what is on disk
        assert coverage.covered((font,), store) == coverage.covered((source,), None)
        if name == "b/Other.ttf":
            assert len(list(store.iterdir())) == 1  # the same font under another name: the same entry
    assert len(list(store.iterdir())) == 2


@pytest.mark.slow
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
    for style in (STYLE, replace(STYLE, font_family="Inter Cache Test", font_file=VARIABLE, bold_file=None)):
        assert charts.draw_cached(SAMPLES["bar"], style, folder / "charts") == charts.draw(SAMPLES["bar"], style)
    assert capsys.readouterr().err == notice(folder) + "\n"
    assert folder.read_text() == "not a folder\n"


def test_a_kept_word_that_is_not_the_word_is_hyphenated_again_and_the_entry_repaired(tmp_path):
    first = hyphenate.Hyphenator("en", tmp_path)
    right = {word: first.word(word) for word in ("government", "international")}
    first.save()
    assert "\u00ad" in right["government"]
    path = first._path
    cache.write(path, json.dumps({"government": "gov-ern-ment", "humanitarian": 5,
                                  "international": right["international"]}).encode())
    again = hyphenate.Hyphenator("en", tmp_path)
    assert again.word("government") == right["government"]
    assert again.word("humanitarian") == first.word("humanitarian")
    again.save()
    assert json.loads(cache.read(path)) == {**right, "humanitarian": first.word("humanitarian")}


@pytest.mark.slow
def test_a_damaged_metrics_font_is_made_again(tmp_path):
    """A variable font's metrics copies are read by matplotlib from the cache folder, so each is
    named by its digest: one cut short is removed and made again, the chart the same."""
    font = tmp_path / "Inter.ttf"
    shutil.copyfile(VARIABLE, font)
    style = replace(STYLE, font_family="Inter Cache Test", font_file=font, bold_file=None)
    first = charts.draw_cached(SAMPLES["bar"], style, tmp_path / "charts")
    kept = sorted((tmp_path / "charts" / "metrics-fonts").iterdir(), key=lambda p: p.name.rsplit("-", 1)[1])
    assert [p.name.rsplit("-", 1)[1] for p in kept] == ["400.ttf", "700.ttf"]
    made = {p.name: p.read_bytes() for p in kept}
    kept[0].write_bytes(made[kept[0].name][:2000])
    for svg in (tmp_path / "charts").glob("*.svg"):
        svg.unlink()
    again = subprocess.run([sys.executable, "-c", f"""
import sys
from dataclasses import replace
from pathlib import Path
from test_charts import SAMPLES, STYLE
from report.render import charts
style = replace(STYLE, font_family="Inter Cache Test", font_file=Path({str(font)!r}), bold_file=None)
sys.stdout.buffer.write(charts.draw_cached(SAMPLES["bar"], style, Path({str(tmp_path / "charts")!r})))
"""], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "tests")}, capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert again.stdout == first
    assert {p.name: p.read_bytes() for p in (tmp_path / "charts" / "metrics-fonts").iterdir()} == made


# -- what one process remembers follows the files (--watch) -----------------------------------

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


@pytest.mark.layout  # parses with WeasyPrint
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


# -- whole builds: a cache made otherwise, damaged or unusable changes no byte ------------------

def build_in_python(script: str, *args, env) -> subprocess.CompletedProcess:
    """`python build.py ARGS` in a new process that first runs `script` (another builder)."""
    code = "import sys\n" + script + "\nfrom report.commands import cli\nsys.exit(cli.main(sys.argv[1:]))\n"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)


def outputs(folder: Path, stem: str = GUEST.name) -> dict[str, bytes]:
    return {suffix: (folder / (stem + suffix)).read_bytes() for suffix in SUFFIXES if (folder / (stem + suffix)).exists()}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, bytes]:
    """The Guest Commentary, pdf, print and html, built with an empty cache folder."""
    where = tmp_path_factory.mktemp("clean")
    result = run(GUEST, "-q", "-o", where / "out", "--format", ",".join(FORMATS),
                 env={"REPORT_CACHE_DIR": str(where / "cache")})
    assert result.returncode == 0, result.stderr
    built = outputs(where / "out")
    assert len(built) == 3
    return built


# An older builder: other code (its digest), charts drawn with a red square, no figure moved,
# words broken two letters from either end.
OLDER_BUILDER = """
from report import cache
from report.layout import floats
from report.render import charts, hyphenate
cache._code = "the code of an older builder"
drawn = charts.draw
charts.draw = lambda spec, style: drawn(spec, style).replace(b"</svg>", b'<rect width="90" height="90" fill="red"/></svg>')
floats._candidates = lambda *args: iter(())
hyphenate.LEFT = hyphenate.RIGHT = 2
"""


@pytest.mark.slow
def test_a_cache_from_an_older_builder_or_damaged_changes_no_byte(tmp_path, clean):
    shared = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    args = ("-q", "--format", ",".join(FORMATS))
    older = build_in_python(OLDER_BUILDER, GUEST, "-o", tmp_path / "older", *args, env=shared)
    assert older.returncode == 0, older.stderr
    assert all(outputs(tmp_path / "older")[s] != clean[s] for s in SUFFIXES)  # the older builder's entries differ

    before = {p for p in (tmp_path / "cache").rglob("*") if p.is_file()}
    warm = run(GUEST, "-o", tmp_path / "warm", *args, env=shared)
    assert warm.returncode == 0, warm.stderr
    assert outputs(tmp_path / "warm") == clean
    made = sorted(p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p not in before)
    kinds = {p.parent.name for p in made}
    assert kinds == {"charts", "layouts", "hyphenation", "font-coverage", "font-check", "weasyprint-ffi", "css-addresses",
                     "crossref-words"}, made

    # Damage each entry this builder made, in turn: garbage, cut short, a digest that is not its own,
    # and entries with a right digest whose content is not what the builder writes.
    marker = tmp_path / "ran"
    damage = itertools.cycle([
        lambda data: b"garbage",
        lambda data: data[:len(data) // 2],
        lambda data: cache.MAGIC + hashlib.sha256(b"other").hexdigest().encode() + data[data.index(b"\n"):],
    ])
    for path in made:
        data = path.read_bytes()
        if path.parent.name == "weasyprint-ffi":
            cache.write(path, f"import os\nos.system('touch {marker}')\n".encode())
        elif path.parent.name == "hyphenation":
            cache.write(path, b'{"government": "gov-ern-ment", "humanitarian": 5}')
        elif path.parent.name == "font-coverage" and path == min(p for p in made if p.parent.name == "font-coverage"):
            cache.write(path, b'{"not": "ranges"}')
        else:
            path.write_bytes(next(damage)(data))
    again = run(GUEST, "-o", tmp_path / "again", *args, env=shared)
    assert again.returncode == 0, again.stderr
    assert "notice" not in again.stderr and "Traceback" not in again.stderr, again.stderr
    assert outputs(tmp_path / "again") == clean
    assert not marker.exists()
    remade = [p for p in made if p.parent.name in ("charts", "layouts", "weasyprint-ffi") and cache.read(p) is None]
    assert remade == []  # each damaged entry was dropped and made again


@pytest.mark.slow
def test_a_cache_filled_with_other_number_symbols_changes_no_byte(tmp_path):
    """A build whose Babel gives Swedish other separators fills the cache folder; a build with
    the usual Babel then writes what it writes with an empty cache (the Commentary in Swedish,
    where Babel's separators are printed in the charts)."""
    doc = shutil.copytree(GUEST, tmp_path / GUEST.name)
    front = (doc / "document.md").read_text(encoding="utf-8")
    (doc / "document.md").write_text(front.replace("\nlang: en\n", "\nlang: sv\n", 1), encoding="utf-8")
    other_babel = ("from babel import localedata\n"
                   "localedata.load('sv')['number_symbols']['latn'].update(group=\"'\", decimal='.')\n")
    shared = {"REPORT_CACHE_DIR": str(tmp_path / "cache")}
    other = build_in_python(other_babel, doc, "-q", "-o", tmp_path / "other", env=shared)
    warm = run(doc, "-q", "-o", tmp_path / "warm", env=shared)
    empty = run(doc, "-q", "-o", tmp_path / "clean", env={"REPORT_CACHE_DIR": str(tmp_path / "empty")})
    for result in (other, warm, empty):
        assert result.returncode == 0, result.stderr
    clean = outputs(tmp_path / "clean")[".pdf"]
    assert outputs(tmp_path / "other")[".pdf"] != clean  # that Babel's charts differ
    assert outputs(tmp_path / "warm")[".pdf"] == clean


@pytest.mark.slow
def test_a_cache_folder_that_is_a_file_costs_speed_only(tmp_path, clean):
    folder = tmp_path / "cache"
    folder.write_text("not a folder\n")
    result = run(GUEST, "-q", "-o", tmp_path / "out", "--format", ",".join(FORMATS),
                 env={"REPORT_CACHE_DIR": str(folder)})
    assert result.returncode == 0, result.stderr
    assert result.stderr == notice(folder) + "\n"
    assert outputs(tmp_path / "out") == clean
    assert folder.read_text() == "not a folder\n"


@pytest.mark.slow
def test_a_cache_folder_that_is_a_file_is_named_once_for_all_workers(tmp_path):
    folder = tmp_path / "cache"
    folder.write_text("not a folder\n")
    docs = [shutil.copytree(GUEST, tmp_path / name) for name in ("one", "two")]
    front = (docs[1] / "document.md").read_text(encoding="utf-8")
    (docs[1] / "document.md").write_text(front.replace("\nnumber: 8\n", "\nnumber: 9\n", 1), encoding="utf-8")
    result = run(*docs, "-q", "-j", "2", "-o", tmp_path / "out", env={"REPORT_CACHE_DIR": str(folder)})
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2  # both built
    assert result.stderr == notice(folder) + "\n"


def test_an_entry_signed_without_the_users_key_is_dropped(tmp_path, monkeypatch):
    """Anyone who can write into the cache folder can compute a plain digest; only the user's
    key (kept outside the folder) signs an entry the builder believes."""
    entry = tmp_path / "charts" / "entry.svg"
    forged = b"<svg><text>another text</text></svg>"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(cache.MAGIC + hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    assert cache.read(entry) is None and not entry.exists()

    monkeypatch.setenv(cache.KEY_ENV, "someone else's key")
    cache.forget()
    cache.write(entry, forged)
    monkeypatch.setenv(cache.KEY_ENV, "this desk's key")
    cache.forget()
    assert cache.read(entry) is None  # signed with another key: foreign
    cache.write(entry, b"<svg/>")
    assert cache.read(entry) == b"<svg/>"


def test_the_key_is_made_once_outside_the_cache_folder_for_this_user_only(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    cache.forget()
    key = cache.secret()
    kept = tmp_path / "config" / "report-builder" / "cache-key"
    assert kept.read_text() == key.hex() and len(key) == 32
    assert kept.stat().st_mode & 0o777 == 0o600
    cache.forget()
    assert cache.secret() == key  # a new process: the same key


def test_the_versions_read_are_those_importlib_gives():
    # The keys read each METADATA's Version line instead of parsing the file as a message.
    for name in cache.LIBRARIES + ("pypandoc-binary", "weasyprint", "pytest"):
        try:
            expected = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = None
        assert cache.installed_version(name) == expected, name
    assert cache.installed_version("no-such-distribution-here") is None
