"""What a run does not do twice: a series resolved once while its files stand, and what it then
sees when one of them changes."""

from __future__ import annotations

from report.errors import Problems
from report.series import resolve
from report.source import yamlload

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
