"""Property-based tests.

- Any front matter, as raw text or as generated YAML, either loads or gives a `ContentError` /
  `ContentErrors`: every other exception is a bug.
- Any Markdown body goes through the checks and renders to HTML; a few build a full PDF.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds many PDFs, or drives a browser: the full suite runs it
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL
from report import pipeline
from report.errors import ContentError, ContentErrors

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                         HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workdir():
    # Hypothesis runs a test many times per function-scoped fixture: one folder serves them all.
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def options(base: Path) -> pipeline.Options:
    return pipeline.Options(out_dir=base / "out", cache=base / "cache")


def prepare(base: Path, front: str, body: str = "## Section\n\nText.\n", name: str = "doc"):
    """`pipeline.prepare` on a folder holding this document.md: Prepared, or None on ContentErrors."""
    folder = base / name
    folder.mkdir(exist_ok=True)
    (folder / "document.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    try:
        return pipeline.prepare(folder, options(base))
    except (ContentError, ContentErrors) as exc:
        for line in str(exc).splitlines():  # every problem is located in the document's folder
            assert line.startswith(str(folder) + "/"), line
        return None


# --- front matter ---------------------------------------------------------------------------------

def joined(pieces, max_size):
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


YAML_PIECES = list("abtiley:-[]{},&*!|>'\"#%@\\ \n\t?0123456789.~=<+") + [
    "series", "title", "authors", "name", "summary", "year", "date", "url", "!!", "!!python/object:os.system",
    "!!int ", "!!map ", "!!seq ", "!!binary ", "\n  - ", "\n    ", ": ", "&a ", "*a", "<<: ", "---", "...",
    "sceeus-guest-commentary", "2024-02-30", "https://", "\u00e9", "\u0416", "\u05d0", "\x07", "\ufeff",
]
YAMLISH = joined(YAML_PIECES, 80)

KEYS = (st.sampled_from(["series", "number", "year", "date", "title", "subtitle", "authors", "lang", "summary",
                         "recommendations", "keywords", "url", "name", "affiliation", "bio"])
        | st.text(max_size=12))
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
           | st.sampled_from(["2024-01-01", "2024-13", "2024-02", "https://sceeus.se/x", "http://x", "en", "en-GB",
                              "sceeus-guest-commentary", "sceeus-report", "../styles/base", "/", "", " ",
                              "{{ 7*7 }}", "<script>", "## Heading", "[^1]"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=12)
BASE = yaml.safe_load(MINIMAL)


@settings(SETTINGS, max_examples=300)
@given(st.one_of(st.text(max_size=200), YAMLISH))
def test_any_front_matter_text_loads_or_is_a_content_error(workdir, front):
    prepare(workdir, front)


@settings(SETTINGS, max_examples=300)
@given(st.dictionaries(KEYS, VALUES, max_size=10), st.booleans())
def test_any_front_matter_mapping_loads_or_is_a_content_error(workdir, data, on_valid_base):
    if on_valid_base:  # one or more keys of a valid document replaced or added
        data = {**BASE, **data}
    prepare(workdir, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@settings(SETTINGS, max_examples=100)
@given(st.sampled_from(sorted(BASE)), VALUES)
def test_any_value_of_one_key(workdir, key, value):
    front = yaml.safe_dump({**BASE, key: value}, allow_unicode=True, sort_keys=False)
    prepared = prepare(workdir, front)
    if prepared is not None:  # then it is a sound document
        assert prepared.doc.title.strip() and prepared.doc.authors


# --- Markdown bodies ------------------------------------------------------------------------------------

MD_PIECES = list("#*_[]()!|-`<>{}^\n \t:.~\\&;=+0123456789abcxyzABC\"'") + list("абвгдЖЩ") + list("אבגדהשלום") + \
    list("مرحبا") + ["\n\n", "## ", "### ", "# ", "[^1]", "[^1]: ", "[^x]", "![a](b)", "![c](chart:x)", "[l](http://e.org)",
                     "| a | b |\n|---|---|\n", "| 1 | 2 |\n", "{{ 7*7 }}", "{% for x in y %}", "<script>", "</div>",
                     "<img src=file:///etc/passwd>", "http://", "    ", "> ", "1. ", "* ", "- ", "```\n", "---\n",
                     "&amp;", "&#0;", "\u00ad", "\u200f", "\u202e", "x" * 80]
MARKDOWN = joined(MD_PIECES, 120)
# For full builds: no pieces that are content errors for sure (a level-1 heading, a missing picture).
BUILDABLE = joined([p for p in MD_PIECES if p not in ("# ", "![a](b)", "![c](chart:x)")], 120)


@settings(SETTINGS, max_examples=400)
@given(MARKDOWN)
def test_any_markdown_body_renders(workdir, body):
    prepared = prepare(workdir, MINIMAL.strip(), body, name="md")
    if prepared is None:
        return
    figures = pipeline.figures(prepared, options(workdir))
    html = pipeline.html_for(prepared, figures, web=False)
    assert "<script>" not in html.text
    assert ("49" in body) or ("49" not in html.text.replace("#49", ""))


@pytest.mark.layout
@settings(SETTINGS, max_examples=5)
@given(BUILDABLE.filter(lambda text: text.strip()))
@example("&#0;")  # found here: it passed the checks, then WeasyPrint drew U+FFFD as .notdef
def test_some_markdown_bodies_build_a_pdf(workdir, body):
    folder = workdir / "pdf"
    prepared = prepare(workdir, MINIMAL.strip(), body, name="pdf")
    assume(prepared is not None)
    built = pipeline.build(folder, options(workdir))
    paths = built.paths if hasattr(built, "paths") else built
    assert [p.name for p in paths] == ["pdf.pdf"]
    assert paths[0].read_bytes().startswith(b"%PDF")


def test_a_reference_to_a_control_character_is_refused_before_layout(workdir):
    """The example above, plainly: `&#0;` is refused by the checks, at its line and column."""
    folder = workdir / "nul"
    folder.mkdir(exist_ok=True)
    (folder / "document.md").write_text(f"---\n{MINIMAL.strip()}\n---\n## S\n\nA &#0; here.\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        pipeline.prepare(folder, options(workdir))
    assert str(caught.value).splitlines() == [
        f"{folder}/document.md:12:3: &#0; refers to U+0000, a control character, which is not allowed in text; "
        "remove it"]
