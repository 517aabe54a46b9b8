"""Series templates hold values only, and one render of a template is bounded.

A series template is code we did not write. The values it is given are text, numbers, truth
values, None, tuples, dicts and frozen records of them (no `Path` to read or write through),
and its loops, calls, values and output are counted as it runs; past a bound it stops with an
error at its line. The cases that could hang or allocate run `build.py` in a subprocess under
`setrlimit` and a timeout (the helpers of test_hostile.py).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Mapping

import jinja2
import pytest
from markupsafe import Markup

from conftest import GUEST, write_doc
from test_hostile import FRONT, GiB, build, check, series, site  # noqa: F401 (site: a fixture)

from report import pipeline
from report.commands import bundle, reader_series
from report.errors import Problems
from report.series import resolve as series_mod

PLAIN = (str, int, float, bool, type(None))


def plain_only(value, where: str) -> list[str]:
    """Where in `value` something other than a plain value or a frozen record of them is."""
    if isinstance(value, PLAIN):
        return []
    if isinstance(value, (tuple, list)):
        return [p for i, v in enumerate(value) for p in plain_only(v, f"{where}[{i}]")]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in plain_only(k, f"{where} key") + plain_only(v, f"{where}[{k!r}]")]
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and type(value).__dataclass_params__.frozen:
        return [p for f in dataclasses.fields(value) for p in plain_only(getattr(value, f.name), f"{where}.{f.name}")]
    return [f"{where}: {type(value).__module__}.{type(value).__qualname__}"]


@pytest.fixture
def given(monkeypatch):
    """Every value handed to a template while the test runs: (template name, name, value)."""
    seen = []
    generate = jinja2.Template.generate

    def spy(self, *args, **kwargs):
        seen.extend((self.name, key, value) for key, value in dict(*args, **kwargs).items())
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "generate", spy)
    return seen


@pytest.mark.slow
def test_every_template_kind_gets_plain_values_only(tmp_path, given):
    options = pipeline.Options(cache=tmp_path / "cache")
    shutil.copytree(GUEST, tmp_path / "guest")
    source = tmp_path / "guest" / "document.md"  # with a url and an edition: a QR code and links
    source.write_text(source.read_text(encoding="utf-8").replace(
        "\nyear: 2024\n", "\nyear: 2024\nurl: https://example.org/a/\n"
        "editions:\n  - lang: sv\n    url: https://example.org/sv/\n", 1), encoding="utf-8")
    for sid in ("sceeus-guest-commentary", "sceeus-report", "example-brief"):  # the base and each own document.html
        prepared = pipeline.prepare(tmp_path / "guest", dataclasses.replace(options, series=sid))
        figs = pipeline.figures(prepared, options)
        assert figs and prepared.doc.url and prepared.doc.editions  # all of them in the context too
        for web in (False, True):
            pipeline.html_for(prepared, figs, web=web)
    (tmp_path / "reader.yaml").write_text("title: A Reader\ndate: 2024-03-01\ndocuments:\n  - guest\n")
    problems = Problems()
    reader = bundle.load(tmp_path / "reader.yaml", problems)
    cover = series_mod.resolve("sceeus-reader", problems, series_mod.series_roots(()))
    problems.raise_if_any()
    bundle.front_text(reader, reader_series.Cover(cover), (bundle.Entry("Title", "An Author", "Commentary", "d1-document", 3),))
    kinds = {name for name, _, _ in given}
    assert {"document.html", "reader.html"} <= kinds
    assert len(given) == 3 * 2 * 3 + 3  # ctx, doc, series of each document render; reader, series, ctx
    assert [p for name, key, value in given for p in plain_only(value, f"{name}: {key}")] == []
    # What the templates print stays: the model's words, the labels' methods, marked-up HTML.
    ctx = next(value for name, key, value in given if key == "ctx" and name == "document.html")
    assert isinstance(ctx.body_html, Markup) and ctx.labels.about(2) == "About the authors"
    assert ctx.doc.folder == str(tmp_path / "guest")


def evil(doc, text: str) -> None:
    """A series `evil` whose document.html puts `text` on line 3, and the document in it."""
    series(doc.parent / "styles", "evil", templates__document_html=(
        '{% extends "base/document.html" %}\n{% block masthead %}\n' + text + "{% endblock %}\n"))
    write_doc(doc, FRONT.replace("sceeus-guest-commentary", "evil"))


@pytest.mark.slow
def test_a_template_cannot_read_a_file_through_a_path(site):
    doc, outside = site
    evil(doc, "{{ doc.folder.joinpath('" + str(outside / "secret.txt") + "').read_text() }}")
    for args in (("--check",), ("-o", "out", "--format", "html")):
        result = build(doc.name, "--styles", "styles", *args, cwd=doc.parent, seconds=60)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "styles/evil/templates/document.html:3: template error: 'str object' has no attribute 'joinpath'"]
    assert not (doc.parent / "out").exists()


@pytest.mark.slow
def test_a_template_cannot_write_during_check(site):
    doc, outside = site
    for text in ("{{ doc.folder.joinpath('written.txt').write_text('x') }}",
                 "{{ series.folders[0].joinpath('written.txt').write_text('x') }}",
                 "{{ series.publisher.logo.write_text('x') if series.publisher.logo else '' }}"
                 "{{ series.fonts.serif.normal.with_name('written.txt').write_text('x') }}"):
        shutil.rmtree(doc.parent / "styles", ignore_errors=True)
        evil(doc, text)
        result = check(doc, "--styles", "styles")
        assert result.returncode == 1, text
        assert result.stderr.startswith("styles/evil/templates/document.html:3: template error: 'str object' has no "
                                        "attribute "), result.stderr
    assert sorted(p.name for p in doc.parent.rglob("written.txt")) == []


BOUNDED = [
    ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
     "range() of 99,999 numbers; at most 10,000"),
    ("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
     "the template made more than 10,000 loop rounds"),
    ("{% for i in range(9999) %}{% for j in [1, 2] * 5000 %}{% endfor %}{% endfor %}",
     "the template made more than 10,000 loop rounds"),
    ("{{ lipsum(2000000) }}", "template error: 'lipsum' is undefined"),
    ("{{ 'x' * 3000000000 }}", "the template made a value of 3,000,000,000 characters or items; at most 1,000,000"),
    ("{{ [1] * 3000000000 }}", "the template made a value of 3,000,000,000 characters or items; at most 1,000,000"),
    ("{{ '{:>3000000000}'.format(1) }}", "a format width of 3,000,000,000; at most 1,000"),
    ("{{ '{:>{}}'.format(1, 3000000000) }}", "a width taken from a value ('{:>{}}') is not allowed in a template"),
    ("{{ '%3000000000d' % 1 }}", "a format width of 3,000,000,000; at most 1,000"),
    ("{{ '%3000000000d' | format(1) }}", "a format width of 3,000,000,000; at most 1,000"),
    ("{{ 'x' | center(3000000000) }}", "a width or count of 3,000,000,000 in a template; at most 1,000,000"),
    ("{{ 'x'.ljust(3000000000) }}", "a width or count of 3,000,000,000 in a template; at most 1,000,000"),
    ("{{ ('x' * 1000000).replace('x', 'xxxx') }}",
     "the template made a value of 4,000,000 characters; at most 1,000,000"),
    ("{% set ns = namespace(a='xx') %}{% for i in range(40) %}{% set ns.a = ns.a ~ ns.a %}{% endfor %}",
     "the template made a value of 1,048,576 characters or items; at most 1,000,000"),
    ("{{ 10 ** 100000000 }}", "the template made a number of more than 100,000 bits"),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
     "the template made more than 100,000 calls"),
]


@pytest.mark.parametrize("text, message", BOUNDED)
@pytest.mark.slow
def test_a_template_is_bounded_under_check(site, text, message):
    doc, _ = site
    evil(doc, text)
    result = check(doc, "--styles", "styles")
    assert (result.returncode, result.stderr.splitlines()) == (
        1, [f"styles/evil/templates/document.html:3: {message}"])


@pytest.mark.slow
def test_a_template_s_output_is_bounded(site):
    doc, _ = site
    evil(doc, "{% for i in range(9000) %}{{ 'x' * 999999 }}{% endfor %}")
    result = check(doc, "--styles", "styles")
    assert (result.returncode, result.stderr.splitlines()) == (
        1, ["styles/evil/templates/document.html: the template wrote more than 10,000,000 characters"])


@pytest.mark.slow
def test_a_bounded_template_stops_the_build_too(site):
    doc, _ = site
    evil(doc, "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}")
    result = build(doc.name, "--styles", "styles", "-o", "out", "--format", "pdf,html", cwd=doc.parent)
    assert (result.returncode, result.stderr.splitlines()) == (
        1, ["styles/evil/templates/document.html:3: the template made more than 10,000 loop rounds"])
    assert not (doc.parent / "out").exists()


@pytest.mark.slow
def test_a_template_changes_only_its_own_copy_of_the_values(tmp_path):
    """The labels' dict is the template's copy: the page footer, made after the render, keeps the words."""
    styles = tmp_path / "styles"
    series(styles, "changer", templates__document_html=(
        '{% extends "base/document.html" %}\n{% block masthead %}\n'
        "{% set _ = ctx.labels.overrides.update({'page': 'Changed {page}'}) %}{% endblock %}\n"))
    folder = write_doc(tmp_path / "doc", FRONT)
    options = pipeline.Options(series="changer", style_roots=(styles,), cache=tmp_path / "cache")
    prepared = pipeline.prepare(folder, options)
    html = pipeline.html_for(prepared, (), web=False)
    assert html.css == ()  # English, no override: the stylesheets' own footer
