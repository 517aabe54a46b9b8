"""Editions in other languages: labels, dates, numbers, quotation marks, fonts and the sample editions.

The sample documents (data/sceeus-sample-sv-2025-06, data/sceeus-sample-uk-2025-06) are built in
every SCEEUS series and read back from the PDF, as a reader gets them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, pdf_text, run, skip_unless_supported, untypeset, write_doc
from report.errors import Problems
from report.series import resolve

SAMPLES = {"sv": ROOT / "data" / "sceeus-sample-sv-2025-06", "uk": ROOT / "data" / "sceeus-sample-uk-2025-06"}
SCEEUS = ("sceeus-commentary", "sceeus-guest-commentary", "sceeus-report", "sceeus-guest-report",
          "sceeus-quick-comment", "sceeus-reader")
# What an English edition prints that no other edition may: the builder's labels, the SCEEUS
# series' English texts, English month names.
ENGLISH = [r"Executive Summary", r"Policy Recommendations", r"About the authors?", r"\bNotes?\b", r"\bContents\b",
           r"\bFigure \d", r"\bTable \d", r"\bSources?:", r"\bPage \d+ of \d+", r"Online version", r"\bNo\. \d",
           r"Other language editions", r"\bCommentary\b", r"\bReport\b", r"\bReader\b", r"Quick Comment",
           r"Stockholm Centre", r"Swedish Institute", r"views expressed", r"\bJune\b", r"\bBar chart\b"]


# -- the catalogues --------------------------------------------------------------------------

def test_every_catalogue_has_every_label_with_its_placeholders_and_plural_forms():
    from report import languages as i18n

    assert set(i18n.SUPPORTED) >= {"en", "sv", "uk", "ru", "be", "pl", "de", "fr"}
    english = {m.context: m for m in i18n.catalog("en") if m.id}
    for lang in i18n.SUPPORTED:
        catalog = {m.context: m for m in i18n.catalog(lang) if m.id}
        assert catalog.keys() == english.keys(), lang
        for key, message in catalog.items():
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if lang != "en":
                assert all(s.strip() for s in strings), (lang, key)
                if isinstance(message.id, tuple):  # one form per plural form of the catalogue's header
                    assert len(strings) == i18n.catalog(lang).num_plurals, (lang, key)
            wanted = set(re.findall(r"\{\w+\}", english[key].id if isinstance(english[key].id, str)
                                    else english[key].id[1]))
            for s in strings:
                assert set(re.findall(r"\{\w+\}", s or english[key].id[0])) <= wanted | {"{count}"}, (lang, key, s)
                if s and key not in ("quotes", "date", "month", "list-and", "alt-at", "alt-title"):
                    assert wanted - {"{count}"} <= set(re.findall(r"\{\w+\}", s)), (lang, key, s)


@pytest.mark.parametrize("lang, one, two, five", [
    ("en", "About the author", "About the authors", "About the authors"),
    ("sv", "Om författaren", "Om författarna", "Om författarna"),
    ("uk", "Про автора", "Про авторів", "Про авторів"),
    ("pl", "O autorze", "O autorach", "O autorach"),
])
def test_about_the_authors_follows_the_plural_rules(lang, one, two, five):
    from report.languages import Labels

    labels = Labels(lang)
    assert (labels.about(1), labels.about(2), labels.about(5), labels.about(21)) == (one, two, five, five)


def test_dates_take_the_language_and_its_genitive_month():
    from report.languages import Labels, date_text

    assert date_text("2025-06-12", Labels("sv")) == "12 juni 2025"
    assert date_text("2025-06-12", Labels("uk")) == "12 червня 2025"
    assert date_text("2025-06-12", Labels("ru")) == "12 июня 2025"
    assert date_text("2025-06-12", Labels("be")) == "12 чэрвеня 2025"
    assert date_text("2025-06-12", Labels("pl")) == "12 czerwca 2025"
    assert date_text("2025-06-12", Labels("de")) == "12. Juni 2025"
    assert date_text("2025-06", Labels("uk")) == "червень 2025"  # a month alone: the nominative


def test_numbers_take_the_language_separators():
    from report.render.charts import format_number

    assert format_number(35000.5) == "35,000.5"
    assert format_number(35000.5, lang="sv") == "35\u00a0000,5"
    assert format_number(1720.5, lang="uk") == "1\u00a0720,5"
    assert format_number(-1234.5, lang="de") == "\u22121.234,5"
    assert format_number(1234.5, lang="fr") == "1\u202f234,5"
    assert format_number(2021, grouping=False, lang="sv") == "2021"


@pytest.mark.parametrize("lang, quoted", [
    ("en", "“a ‘b’ c”"), ("sv", "”a ’b’ c”"), ("uk", "«a „b“ c»"), ("ru", "«a „b“ c»"), ("be", "«a „b“ c»"),
    ("de", "„a ‚b‘ c“"), ("pl", "„a «b» c”"), ("fr", "«\u00a0a “b” c\u00a0»"),
])
def test_smart_punctuation_sets_the_language_quotation_marks(lang, quoted):
    from report.source import markdown as markup

    assert markup.render_block("\"a 'b' c\"", lang) == f"<p>{quoted}</p>\n"


@pytest.mark.parametrize("lang", ["sv", "uk", "ru", "be", "pl", "de", "fr"])
def test_each_language_is_hyphenated_with_its_own_patterns(lang):
    from report.render.hyphenate import dictionary_name

    assert dictionary_name(lang).split("_")[0] == lang


def test_the_desk_keeps_the_language_labels_and_grouped_numbers_on_one_line():
    from report.render.typeset import typeset

    html = "<p>Som Figur 2 i Nr 8 och Tabell 1 visar, steg kapaciteten till 1 720,5 megawatt under perioden.</p>"
    out = typeset(html, "sv", hyphenate=False)
    for kept in ("Figur 2", "Tabell 1", "1 720,5", "Nr 8"):
        assert f'<span class="nobr">{kept}</span>' in out, kept
    out = typeset("<p>Як показує Рисунок 2 і № 8, було 35 000 осіб протягом усього періоду.</p>", "uk",
                  hyphenate=False)
    for kept in ("Рисунок 2", "№ 8", "35 000"):
        assert f'<span class="nobr">{kept}</span>' in out, kept


@pytest.mark.slow
def test_every_face_of_every_shipped_series_has_belarusian_and_ukrainian_letters():
    from fontTools.ttLib import TTFont

    from report.series import resolve as series_mod
    from report.errors import Problems

    letters = "ўЎґҐєЄіІїЇ"
    checked = 0
    for sid in series_mod.known_series((series_mod.STYLES,)):
        series = series_mod.resolve(sid, Problems())
        for role in ("serif", "sans"):
            for _, _, path in series.fonts[role].faces():
                cmap = TTFont(path, lazy=True).getBestCmap()
                missing = [c for c in letters if ord(c) not in cmap]
                assert not missing, (sid, role, path.name, missing)
                checked += 1
    assert checked >= 20


# -- front matter and series.yaml ------------------------------------------------------------

FRONT = """
series: sceeus-guest-commentary
number: 3
date: 2025-06-12
title: En liten testtext
authors:
  - name: Test Författare
summary: En kort sammanfattning.
"""


@pytest.mark.slow
def test_an_unknown_language_is_an_error_listing_the_supported_ones(tmp_path):
    write_doc(tmp_path / "doc", FRONT + "lang: xx\n")
    result = run("doc", "--check", "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:9:7: lang: 'xx' is not a language the builder has labels for; supported: "
        "be, de, en, fr, pl, ru, sv, uk (docs/guides/languages.md says how to add one)"]


def _series(tmp_path, text: str) -> Path:
    styles = tmp_path / "styles"
    (styles / "my-series").mkdir(parents=True)
    (styles / "my-series" / "series.yaml").write_text(text, encoding="utf-8")
    return styles


@pytest.mark.slow
def test_a_series_words_labels_per_language_and_check_warns_about_what_it_does_not(tmp_path):
    styles = _series(tmp_path, """\
extends: sceeus-guest-commentary
languages:
  sv:
    labels:
      summary: Kort sagt
      about: {one: Om skribenten, other: Om skribenterna}
""")
    write_doc(tmp_path / "doc", FRONT + "lang: sv\n")
    result = run("doc", "--check", "--styles", styles, "--series", "my-series", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # The parent words its texts in Swedish; this series sets none of them, so it keeps them.
    assert "warning" not in result.stderr
    (tmp_path / "styles" / "my-series" / "series.yaml").write_text(
        "extends: sceeus-guest-commentary\nlabel: Brief\ndisclaimer: Our own English disclaimer.\n",
        encoding="utf-8")
    result = run("doc", "--check", "--styles", styles, "--series", "my-series", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    series_yaml = str(Path("styles") / "my-series" / "series.yaml")
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        f"{series_yaml}: warning: no Swedish (sv) label (languages.sv.label); the document prints the "
        "series' own: 'Brief'",
        f"{series_yaml}: warning: no Swedish (sv) disclaimer (languages.sv.disclaimer); the document prints "
        "the series' own: 'Our own English disclaimer.'"]


def test_series_overrides_reach_the_page(tmp_path):
    from report import pipeline

    styles = _series(tmp_path, """\
extends: sceeus-guest-commentary
languages:
  sv:
    label: Kort kommentar
    labels:
      summary: Kort sagt
      about: {one: Om skribenten, other: Om skribenterna}
      page: "Sida {page}/{pages}"
""")
    folder = write_doc(tmp_path / "doc", FRONT + "lang: sv\n")
    options = pipeline.Options(series="my-series", style_roots=(styles,), cache=tmp_path / "cache")
    prepared = pipeline.prepare(folder, options)
    html = pipeline.html_for(prepared, (), web=True)
    html = replace(html, text=untypeset(html.text))
    assert ">Kort sagt</h2>" in html.text and ">Om skribenten</h2>" in html.text
    assert '<span class="running-label" data-typeset="unbroken" aria-hidden="true">Kort kommentar</span>' in html.text
    assert html.css == (':root { --page-before: "Sida "; --page-between: "/"; --page-after: ""; }\n',)
    # The disclaimer is the parent's Swedish one: this series words no disclaimer of its own.
    assert "författarens egna" in html.text


@pytest.mark.slow
def test_series_yaml_names_wrong_languages_and_labels(tmp_path):
    styles = _series(tmp_path, """\
extends: sceeus-guest-commentary
languages:
  xx: {label: X}
  sv:
    labels:
      sumary: Kort sagt
""")
    write_doc(tmp_path / "doc", FRONT + "lang: sv\n")
    result = run("doc", "--check", "-q", "--styles", styles, "--series", "my-series", cwd=tmp_path)
    assert result.returncode == 1
    series_yaml = str(Path("styles") / "my-series" / "series.yaml")
    assert result.stderr.splitlines() == [
        f"{series_yaml}:3:3: languages: 'xx' is not a language the builder has labels for; supported: "
        "be, de, en, fr, pl, ru, sv, uk"]
    (tmp_path / "styles" / "my-series" / "series.yaml").write_text(
        "extends: sceeus-guest-commentary\nlanguages:\n  sv:\n    labels:\n      sumary: Kort sagt\n",
        encoding="utf-8")
    result = run("doc", "--check", "-q", "--styles", styles, "--series", "my-series", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        f"{series_yaml}:5:7: languages.sv.labels: unknown label 'sumary'; did you mean 'summary'?"]


def _resolve(name: str, styles: Path | None = None):
    from report.series import resolve as series_mod
    from report.errors import Problems

    problems = Problems()
    resolved = series_mod.resolve(name, problems, ((styles,) if styles else ()) + (ROOT / "styles",))
    assert not list(problems), list(problems)
    return resolved


def test_the_publisher_block_in_another_language_keeps_its_marks():
    from report import languages as i18n

    series = _resolve("sceeus-guest-commentary")
    swedish = i18n.edition(series, "sv").publisher
    assert swedish.name == "Stockholms centrum för östeuropastudier (SCEEUS)"
    assert swedish.block_lines == ("Stockholms centrum för östeuropastudier (SCEEUS)", "Utrikespolitiska institutet")
    # The texts it does not word, and the marks, are the block's own.
    assert (swedish.wordmark, swedish.short_name, swedish.website) == ("SCEEUS", "SCEEUS", "sceeus.se")
    assert i18n.edition(series, "uk").publisher.lines[1] == "Шведський інститут міжнародних відносин"
    assert i18n.edition(series, "en").publisher == series.publisher
    assert i18n.edition(series, "de").publisher == series.publisher  # a language SCEEUS does not word


def test_the_publisher_lines_reach_the_page_in_the_language(tmp_path):
    from report import pipeline

    folder = write_doc(tmp_path / "doc", FRONT + "lang: uk\n")
    prepared = pipeline.prepare(folder, pipeline.Options(cache=tmp_path / "cache"))
    html = pipeline.html_for(prepared, (), web=True).text
    assert re.findall(r'<p class="publisher-line">([^<]*)</p>', html) == [
        "Стокгольмський центр східноєвропейських досліджень (SCEEUS)", "Шведський інститут міжнародних відносин"]
    assert '<div class="wordmark">SCEEUS</div>' in html and ">sceeus.se</a>" in html


@pytest.mark.slow
def test_the_flat_publisher_keys_of_a_language_are_refused_with_their_new_place(tmp_path):
    styles = _series(tmp_path, """\
extends: sceeus-commentary
languages:
  sv:
    publisher: Stockholms centrum
    publisher_lines: [Stockholms centrum, Utrikespolitiska institutet]
  uk:
    publisher: {name: Центр, logo: logo.svg}
""")
    write_doc(tmp_path / "doc", FRONT)
    result = run("doc", "--check", "-q", "--styles", styles, "--series", "my-series", cwd=tmp_path)
    assert result.returncode == 1
    series_yaml = str(Path("styles") / "my-series" / "series.yaml")
    assert result.stderr.splitlines() == [
        f"{series_yaml}:4:16: languages.sv.publisher: is a mapping now: languages.sv.publisher: "
        "{name: 'Stockholms centrum', lines: […]}",
        f"{series_yaml}:5:5: languages.sv.publisher_lines: moved into the language's publisher texts: "
        "languages.sv.publisher: {lines: […]}",
        f"{series_yaml}:7:30: languages.uk.publisher.logo: the logo is the same in every language: set it in "
        "publisher"]


@pytest.mark.slow
def test_another_publisher_drops_the_parents_words_for_it_in_every_language(tmp_path):
    from report import languages as i18n

    styles = _series(tmp_path, """\
extends: sceeus-guest-commentary
publisher: {name: Baltic Desk, lines: [Baltic Desk, Riga]}
languages:
  uk:
    publisher: {lines: [Балтійський відділ, Рига]}
""")
    series = _resolve("my-series", styles)
    swedish = i18n.edition(series, "sv")
    # Nothing of SCEEUS in Swedish: not its name, lines or wordmark, nor its Swedish disclaimer.
    assert swedish.publisher.block_lines == ("Baltic Desk", "Riga") and swedish.publisher.wordmark == ""
    assert swedish.disclaimer is None and swedish.label == "Gästkommentar"
    ukrainian = i18n.edition(series, "uk").publisher
    assert (ukrainian.name, ukrainian.block_lines) == ("Baltic Desk", ("Балтійський відділ", "Рига"))
    write_doc(tmp_path / "doc", FRONT + "lang: sv\n")
    result = run("doc", "--check", "--styles", styles, "--series", "my-series", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    series_yaml = str(Path("styles") / "my-series" / "series.yaml")
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        f"{series_yaml}: warning: no Swedish (sv) publisher.name (languages.sv.publisher.name); the document "
        "prints the series' own: 'Baltic Desk'",
        f"{series_yaml}: warning: no Swedish (sv) publisher.lines (languages.sv.publisher.lines); the document "
        "prints the series' own: 'Baltic Desk / Riga'"]


# -- the pieces, without laying pages out ----------------------------------------------------

@pytest.mark.slow
def test_the_chart_speaks_the_language_and_its_cache_key_knows_it(tmp_path):
    from report.render import charts
    from report import pipeline
    from report.series import resolve as series_mod
    from report.errors import Problems

    spec = pipeline.prepare(SAMPLES["sv"], pipeline.Options(cache=tmp_path)).doc.charts["capacity"]
    series = series_mod.resolve("sceeus-commentary", Problems())
    sv, en = pipeline.chart_style(series, "sv"), pipeline.chart_style(series, "en")
    assert charts.cache_key(spec, sv) != charts.cache_key(spec, en)
    svg_sv, svg_en = charts.draw(spec, sv).decode(), charts.draw(spec, en).decode()
    assert "1\u00a0720,5" in svg_sv and "900,5" in svg_sv and "1\u00a0500" in svg_sv  # bar labels and the axis
    assert "1,720.5" in svg_en and "1,720,5" not in svg_en
    assert charts.alt_text(spec, "sv") == (
        "Stapeldiagram. Diagrammet visar Planerad kapacitet och Byggd kapacitet från 2021 till 2024, i megawatt. "
        "Det högsta värdet är 1\u00a0800 (Planerad kapacitet, 2024); det lägsta är 520 (Byggd kapacitet, 2021).")


@pytest.mark.slow
def test_web_page_links_the_other_editions(tmp_path):
    out = tmp_path / "out"
    result = run(SAMPLES["sv"], "--format", "html", "-q", "-o", out)
    assert result.returncode == 0, result.stderr
    page = (out / "sceeus-sample-sv-2025-06.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page
    assert '<link rel="alternate" hreflang="uk" href="https://example.org/sceeus-sample/uk/">' in page
    assert '<link rel="alternate" hreflang="sv" href="https://example.org/sceeus-sample/sv/">' in page
    assert re.search(r'<p class="editions" data-typeset="unbroken">Andra språkversioner:\s*<span class="edition"><a href="https://example'
                     r'\.org/sceeus-sample/uk/" hreflang="uk" lang="uk">Українська</a>', page)
    assert 'aria-label="Stapeldiagram. Diagrammet visar' in page


# -- the sample editions, built and read back ------------------------------------------------

@pytest.fixture(scope="session")
def sample_builds(tmp_path_factory):
    """Each sample edition in each SCEEUS series, screen and print, with a strict preflight."""
    skip_unless_supported()
    out = tmp_path_factory.mktemp("languages")
    jobs = [(lang, sid) for lang in SAMPLES for sid in SCEEUS]
    results, running = {}, {}
    while jobs or running:
        while jobs and len(running) < (os.cpu_count() or 2):
            lang, sid = jobs.pop(0)
            running[lang, sid] = subprocess.Popen(
                [sys.executable, str(ROOT / "build.py"), str(SAMPLES[lang]), "--series", sid, "-q", "-j", "1",
                 "--format", "pdf,print", "--preflight", "--strict", "-o", str(out / lang / sid)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        key, proc = next(iter(running.items()))
        _, stderr = proc.communicate(timeout=900)
        del running[key]
        # A sample built in a series other than its own (guest commentary) is <stem>--<series>.pdf.
        stem = SAMPLES[key[0]].name + ("" if key[1] == "sceeus-guest-commentary" else f"--{key[1]}")
        results[key] = (proc.returncode, stderr, out / key[0] / key[1] / f"{stem}.pdf")
    failures = {key: stderr for key, (code, stderr, _) in results.items() if code != 0}
    assert not failures, failures
    return {key: path for key, (_, _, path) in results.items()}


@pytest.mark.slow
@pytest.mark.parametrize("lang", sorted(SAMPLES))
@pytest.mark.parametrize("sid", SCEEUS)
def test_sample_editions_print_no_english_label(sample_builds, lang, sid):
    pages = pdf_text(sample_builds[lang, sid])
    text = "\n".join(pages)
    for pattern in ENGLISH:
        assert not re.search(pattern, text), (lang, sid, pattern, re.search(pattern, text)[0])
    folio = {"sv": "Sida {} av {}", "uk": "Сторінка {} з {}"}[lang]
    numbered = [p for p in pages if folio.format(pages.index(p) + 1, len(pages)) in p]
    covers = 1 + resolve.resolve(sid, Problems()).back_cover  # a Report's back cover has no footer either
    assert len(numbered) >= len(pages) - covers  # every page but a cover has its footer


def page_foot(pdf: Path, page: int = 0) -> str:
    """The text in the bottom 60 points of a page: its footer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        width, _ = document[page].get_size()
        return document[page].get_textpage().get_text_bounded(0, 0, width, 60)
    finally:
        document.close()


@pytest.mark.slow
def test_a_series_keeps_its_own_footer_in_another_language(tmp_path):
    """The catalogue gives the folio's words; each series composes its footer from them. In
    Swedish, example-brief keeps its label, publisher and bare page number; a SCEEUS series
    prints "Sida 1 av 2" with its publisher."""
    from report import pipeline

    def foot(series: str | None) -> str:
        options = pipeline.Options(out_dir=tmp_path / (series or "own"), series=series, cache=tmp_path / "cache")
        return page_foot(pipeline.build(SAMPLES["sv"], options).paths[0])

    assert foot("example-brief") == "POLICY BRIEF • NORTHBRIDGE 1"
    assert foot(None) == "Sida 1 av 2 SCEEUS"  # its own series, the Guest Commentary


@pytest.mark.slow
def test_sample_editions_print_their_dates_numbers_and_labels(sample_builds):
    # PDFium reads the fonts' hyphen as U+2010
    sv = "\n".join(pdf_text(sample_builds["sv", "sceeus-guest-commentary"])).replace("\u2010", "-")
    uk = "\n".join(pdf_text(sample_builds["uk", "sceeus-guest-commentary"])).replace("\u2010", "-")
    # (the notes stand in the rail beside their calls: no "Noter" heading over a list of them)
    for expected in ("Nr 99 · 12 juni 2025", "SAMMANFATTNING", "REKOMMENDATIONER", "Om författaren",
                     "Figur 1.", "Tabell 1.", "Källa: Påhittade", "Webbversion:", "Andra språkversioner:",
                     "Українська", "GÄSTKOMMENTAR", "Utrikespolitiska institutet", "författarens egna",
                     "”det här är", "SCEEUS Gästkommentar Nr 99, 2025"):
        assert expected in sv, expected
    for expected in ("№ 99 · 12 червня 2025", "РЕЗЮМЕ", "РЕКОМЕНДАЦІЇ", "Про авторів",
                     "Рисунок 1.", "Таблиця 1.", "Джерело: вигадані", "Онлайн-версія:", "Інші мовні версії:",
                     "Svenska", "ГОСТЬОВИЙ КОМЕНТАР", "належать авторам", "«це лише", "Ґеорґій"):
        assert expected in uk, expected
    # The chart's own numbers (a bar label, the value axis; PDFium reads a no-break space as a space).
    for text in (sv, uk):
        assert "900,5" in text and re.search(r"\b1[ \u00a0]500\b", text) and "900.5" not in text
    report = "\n".join(pdf_text(sample_builds["uk", "sceeus-report"]))
    assert "Зміст" in report and "Доповідь" in report


@pytest.mark.slow
def test_a_bilingual_reader_keeps_each_document_language(tmp_path):
    for lang, folder in SAMPLES.items():
        shutil.copytree(folder, tmp_path / folder.name)
    (tmp_path / "reader.yaml").write_text(
        "title: Östersjödagarna\nlang: sv\ndate: 2025-06-12\ndocuments:\n"
        + "".join(f"  - {f.name}\n" for f in SAMPLES.values()), encoding="utf-8")
    result = run("--bundle", "reader.yaml", "-q", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    pages = pdf_text(tmp_path / "out" / f"{tmp_path.name}.pdf")  # a reader is named after its event's folder
    total = len(pages)
    assert "12 juni 2025" in pages[0] and "KOMPENDIUM" in pages[0]  # the cover, in the reader's language
    contents = next(p for p in pages if p.startswith("Innehåll"))
    # Each entry: its series' label in its document's language (set in capitals)
    assert "GÄSTKOMMENTAR" in contents and "ГОСТЬОВИЙ КОМЕНТАР" in contents
    sv_pages = [i for i, p in enumerate(pages) if "Elförbindelser" in p]
    uk_pages = [i for i, p in enumerate(pages) if "з’єднання" in p]
    assert sv_pages and uk_pages
    assert all(f"Sida {i + 1} av {total}" in pages[i] for i in sv_pages if "Sida" in pages[i])
    assert any(f"Sida {i + 1} av {total}" in pages[i] for i in sv_pages)
    assert any(f"Сторінка {i + 1} з {total}" in pages[i] for i in uk_pages)
    assert not any(re.search(r"\bPage \d", p) for p in pages)


@pytest.mark.slow
def test_editions_are_checked(tmp_path):
    write_doc(tmp_path / "doc", FRONT + "lang: sv\neditions:\n  - lang: sv-FI\n    url: https://example.org/x\n"
              "  - {lang: xx, url: http://x}\n  - https://example.org/y\n")
    result = run("doc", "--check", "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "doc/document.md:11:11: editions[0].lang: 'sv-FI' is this document's own language; editions lists "
        "the other language editions",
        "doc/document.md:13:12: editions[1].lang: 'xx' is not a language the builder has labels for; supported: "
        "be, de, en, fr, pl, ru, sv, uk (docs/guides/languages.md says how to add one)",
        "doc/document.md:13:21: editions[1].url: 'http://x' is not an absolute https:// address",
        "doc/document.md:14:5: editions[2]: must be a mapping with lang and url"]


@pytest.mark.parametrize("lang, title, subtitle", [
    ("en", "The “Deal” – Ukraine’s View…", "Plain *stars* and ‘quotes’"),
    ("sv", "The ”Deal” – Ukraine’s View…", "Plain *stars* and ’quotes’"),
    ("uk", "The «Deal» – Ukraine’s View…", "Plain *stars* and „quotes“"),
])
@pytest.mark.slow
def test_the_title_and_subtitle_get_the_body_punctuation(tmp_path, lang, title, subtitle):
    from conftest import MINIMAL
    from report import pipeline

    front = MINIMAL.strip().replace("title: A Small Test Document", "title: 'The \"Deal\" -- Ukraine''s View...'")
    folder = write_doc(tmp_path / "doc", front + f"\nsubtitle: \"Plain *stars* and 'quotes'\"\nlang: {lang}")
    options = pipeline.Options(out_dir=tmp_path / "out", cache=tmp_path / "cache")
    prepared = pipeline.prepare(folder, options)
    html = pipeline.html_for(prepared, pipeline.figures(prepared, options), web=True)
    assert html.title == title
    text = untypeset(html.text)  # the web page's unbroken spans taken out: the markup as written
    assert f'<h1 class="title">{title}</h1>' in text
    assert f'<p class="subtitle" data-typeset="headline">{subtitle}</p>' in text
