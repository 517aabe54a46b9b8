"""What a run does not do twice: a series resolved once while its files stand, a stylesheet's
addresses read once a text; and what it then sees when one of them changes."""

from __future__ import annotations

import io

from report import cache
from report.errors import Problems
from report.series import css, resolve
from report.source import yamlload



def png() -> bytes:
    """A small picture the check accepts."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()

CHILD = """\
extends: sceeus-guest-commentary
name: Kept Brief
label: Kept Brief
"""


def _child(tmp_path, manifest: str = CHILD):
    folder = tmp_path / "styles" / "kept-brief"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "series.yaml").write_text(manifest, encoding="utf-8")
    return resolve.series_roots((tmp_path / "styles",))


def _counting_loads(monkeypatch) -> list:
    loads = []
    real = yamlload.load

    def counted(*args, **kwargs):
        loads.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(yamlload, "load", counted)
    return loads


def test_a_series_resolved_again_is_not_parsed_again(tmp_path, monkeypatch):
    roots = _child(tmp_path)
    loads = _counting_loads(monkeypatch)
    first = resolve.resolve("kept-brief", Problems(), roots)
    assert first is not None and first.name == "Kept Brief"
    chain = ["kept-brief", "sceeus-guest-commentary", "sceeus-commentary", "base"]
    assert [p.rsplit("/", 2)[-2] for p in loads] == chain
    again = resolve.resolve("kept-brief", Problems(), roots)
    assert again == first and len(loads) == len(chain)


def test_a_manifest_rewritten_at_once_is_read_again(tmp_path):
    roots = _child(tmp_path)
    assert resolve.resolve("kept-brief", Problems(), roots).label == "Kept Brief"
    # Same length, same inode, written within the same tick of the file system's clock.
    _child(tmp_path, CHILD.replace("Kept Brief", "Kipt Brief"))
    assert resolve.resolve("kept-brief", Problems(), roots).label == "Kipt Brief"


def test_a_series_with_problems_says_them_each_time(tmp_path):
    roots = _child(tmp_path, CHILD + "colors: {primary: 12}\n")
    for _ in range(2):
        problems = Problems()
        assert resolve.resolve("kept-brief", problems, roots) is None
        assert [p.field for p in problems] == ["colors.primary"]


def test_a_file_added_to_the_series_folder_is_seen(tmp_path):
    roots = _child(tmp_path)
    assert resolve.resolve("kept-brief", Problems(), roots).stylesheets[-1].parent.name == "sceeus-guest-commentary"
    (tmp_path / "styles" / "kept-brief" / "style.css").write_text("p { color: black; }\n", encoding="utf-8")
    assert resolve.resolve("kept-brief", Problems(), roots).stylesheets[-1].parent.name == "kept-brief"


SHEET = 'body { background: url("paper.png"); }\n@import "other.css";\np { color: black; }\n'


def _sheet(tmp_path):
    folder = tmp_path / "series"
    folder.mkdir(exist_ok=True)
    (folder / "style.css").write_text(SHEET, encoding="utf-8")
    return folder / "style.css", (folder,)


def _counting_parses(monkeypatch) -> list:
    parses = []
    real = css.parse
    monkeypatch.setattr(css, "parse", lambda text: parses.append(text) or real(text))
    return parses


def _check(sheet, folders, store) -> list[str]:
    problems = Problems()
    css.check((sheet,), folders, problems, store)
    return [f"{p.line}: {p.message}" for p in problems]


EXPECTED = ["1: url('paper.png'): the file file not found",
            "2: @import is not allowed: a series builds on its parent through 'extends'"]


def test_a_stylesheets_addresses_are_read_once_a_text(tmp_path, monkeypatch):
    sheet, folders = _sheet(tmp_path)
    parses = _counting_parses(monkeypatch)
    assert _check(sheet, folders, tmp_path / "store") == EXPECTED
    assert _check(sheet, folders, tmp_path / "store") == EXPECTED and len(parses) == 1
    cache.forget()  # a new process: the cache folder has them
    assert _check(sheet, folders, tmp_path / "store") == EXPECTED and len(parses) == 1
    (folders[0] / "paper.png").write_bytes(png())  # the file appears: the same addresses, checked again
    assert _check(sheet, folders, tmp_path / "store") == EXPECTED[1:] and len(parses) == 1


def test_a_spoilt_entry_of_the_addresses_is_read_again(tmp_path, monkeypatch):
    sheet, folders = _sheet(tmp_path)
    store = tmp_path / "store"
    _check(sheet, folders, store)
    for entry in store.iterdir():
        cache.write(entry, b'[["x", "not a line", null]]')
    cache.forget()
    parses = _counting_parses(monkeypatch)
    assert _check(sheet, folders, store) == EXPECTED and len(parses) == 1


def test_the_words_before_a_number_are_read_from_the_catalogues_once(tmp_path, monkeypatch):
    from report import languages
    from report.source import crossref_checks

    monkeypatch.setenv("REPORT_CACHE_DIR", str(tmp_path / "cache"))
    cache.forget()
    words = crossref_checks._words()
    assert words["table"] == "tbl" and words["tabell"] == "tbl" and words["таблиця"] == "tbl"
    cache.forget()  # a new process
    read = []
    real = languages.catalog
    monkeypatch.setattr(languages, "catalog", lambda lang: read.append(lang) or real(lang))
    assert crossref_checks._words() == words and read == []
    for entry in (tmp_path / "cache" / "crossref-words").iterdir():
        cache.write(entry, b'{"table": "no such kind"}')
    cache.forget()
    assert crossref_checks._words() == words and len(read) > 1
