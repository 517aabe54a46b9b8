"""`--list`: every document folder with its series, language, number, date, title and status."""

from __future__ import annotations

import json

import pytest

from conftest import MINIMAL, run, write_doc


def folders(tmp_path):
    write_doc(tmp_path / "good", MINIMAL.strip() + "\ndate: 2025-03-04\nlang: sv")
    write_doc(tmp_path / "typo", MINIMAL.strip().replace("title: A Small Test Document",
                                                         "title: A Title Long Enough to Be Cut in the Table, Surely")
              + "\ntitel: Typo\nsumary: x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "document.md").write_text("", encoding="utf-8")
    return ["good", "typo", "empty"]


@pytest.mark.slow
def test_list_prints_an_aligned_table(tmp_path):
    result = run("--list", *folders(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "folder  series                   lang  number  date        title                                             status",
        "good    sceeus-guest-commentary  sv    3       2025-03-04  A Small Test Document                             ok",
        "typo    sceeus-guest-commentary  en    3       2025        A Title Long Enough to Be Cut in the Table, Sur…  "
        "2 problems",
        "empty   —                        —     —       —           —                                                 "
        "1 problem",
    ]


@pytest.mark.slow
def test_list_json_gives_the_same_for_scripts(tmp_path):
    result = run("--list", "--json", *folders(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"folder": "good", "series": "sceeus-guest-commentary", "lang": "sv", "number": 3, "year": 2025,
         "date": "2025-03-04", "title": "A Small Test Document", "status": "ok", "problems": 0,
         "up_to_date": False},
        {"folder": "typo", "series": "sceeus-guest-commentary", "lang": "en", "number": 3, "year": 2025,
         "date": None, "title": "A Title Long Enough to Be Cut in the Table, Surely", "status": "problems",
         "problems": 2, "up_to_date": False},
        {"folder": "empty", "series": None, "lang": None, "number": None, "year": None, "date": None,
         "title": None, "status": "problems", "problems": 1, "up_to_date": False},
    ]


def test_json_goes_with_list(tmp_path):
    result = run("--json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "build.py: error: --json goes with --list"


@pytest.mark.slow
def test_list_says_which_documents_are_up_to_date(tmp_path):
    """After a build, the built document is "up to date"; changed, it is "ok" (it builds) again."""
    write_doc(tmp_path / "a", MINIMAL)
    write_doc(tmp_path / "b", MINIMAL)
    assert run("a", "-o", "out", cwd=tmp_path).returncode == 0
    rows = {r["folder"]: r for r in json.loads(run("--list", "--json", "a", "b", "-o", "out", cwd=tmp_path).stdout)}
    assert (rows["a"]["status"], rows["a"]["up_to_date"]) == ("up to date", True)
    assert (rows["b"]["status"], rows["b"]["up_to_date"]) == ("ok", False)
    (tmp_path / "a" / "document.md").write_text((tmp_path / "a" / "document.md").read_text() + "\nMore.\n")
    table = run("--list", "a", "-o", "out", cwd=tmp_path).stdout.splitlines()
    assert table[1].endswith("  ok")
