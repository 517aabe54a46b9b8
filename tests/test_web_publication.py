"""The web page as a publication: a full-bleed masthead, the PDF's line-breaking rules, charts
as wide as the column with a phone drawing of their own, a link to the PDF, no QR code on screen,
and section navigation for a long document. The page is read as a browser parses it (html.parser)
and, where Chromium is installed, looked at as a reader sees it."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import tinycss2

import validators as v
from conftest import GUEST, MINIMAL, ROOT, run, write_doc
from report import pipeline
from report.errors import Problems
from report.outputs import web
from report.series import resolve
from report.render import webcharts
from report.render.hyphenate import SOFT_HYPHEN

UKRAINIAN = ROOT / "data" / "sceeus-sample-uk-2025-06"
URL = "https://sceeus.se/en/publications/guest-commentary-8-2024/"


class Page(HTMLParser):
    """What a reader gets: elements with their classes and ids, the text of each paragraph, and
    every SVG text with the chart drawing (`chart-wide`, `chart-phone`) and tick group it is in."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[tuple[str, dict, tuple[str, ...]]] = []  # tag, attributes, ancestors' tags
        self.paragraphs: list[str] = []
        self.chart_texts: list[tuple[str, str, str]] = []  # (drawing, tick group, text)
        self.nobr: list[str] = []
        self._p: list[str] | None = None
        self._nobr: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, tuple(t for t, _ in self.stack)))
        if tag == "p":
            self._p = []
        if tag == "span" and attrs.get("class") == "nobr":
            self._nobr = []
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(t for t, _ in self.stack)))

    def handle_endtag(self, tag):
        while self.stack:
            name, attrs = self.stack.pop()
            if name == "p" and self._p is not None:
                self.paragraphs.append("".join(self._p))
                self._p = None
            if name == "span" and attrs.get("class") == "nobr" and self._nobr is not None:
                self.nobr.append("".join(self._nobr))
                self._nobr = None
            if name == tag:
                break

    def handle_data(self, data):
        if self._p is not None:
            self._p.append(data)
        if self._nobr is not None:
            self._nobr.append(data)
        if self.stack and self.stack[-1][0] == "text" and data.strip():
            classes = [a.get("class", "") for _, a in self.stack]
            drawing = next((c for c in classes if c.startswith("chart-")), "")
            ids = [a.get("id", "") for t, a in self.stack if t == "g"]
            tick = next((re.sub(r".*-(?=[xy]tick)", "", i) for i in ids if re.search(r"[xy]tick_", i)), "")
            self.chart_texts.append((drawing, tick, data.strip()))

    def find(self, tag: str, cls: str | None = None) -> list[dict]:
        return [a for t, a, _ in self.elements if t == tag and (cls is None or cls in (a.get("class") or "").split())]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The Guest Commentary with an online address (a QR code in print), as web page and PDF;
    the Ukrainian sample's web page; the Guest Commentary as a Report (its own contents)."""
    folder = tmp_path_factory.mktemp("doc") / GUEST.name
    shutil.copytree(GUEST, folder)
    path = folder / "document.md"
    path.write_text(path.read_text(encoding="utf-8").replace("lang: en\n", f"lang: en\nurl: {URL}\n", 1),
                    encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    for args in ((folder, "--format", "html,pdf"), (UKRAINIAN, "--format", "html"),
                 (folder, "--format", "html", "--series", "sceeus-report")):
        result = run(*args, "-q", "-o", out)
        assert result.returncode == 0, result.stderr
    return {"guest": out / f"{GUEST.name}.html", "pdf": out / f"{GUEST.name}.pdf",
            "uk": out / f"{UKRAINIAN.name}.html", "report": out / f"{GUEST.name}--sceeus-report.html"}


def page(built, name: str) -> Page:
    return Page(built[name].read_text(encoding="utf-8"))


# -- the PDF's line-breaking rules -----------------------------------------------------------------

@pytest.mark.slow  # builds web pages
def test_running_text_has_the_pdfs_soft_hyphens(built):
    seen = page(built, "guest")
    words = {w for p in seen.paragraphs for w in re.findall(rf"\w+(?:{SOFT_HYPHEN}\w+)+", p)}
    # the US patterns, as in the PDF (typeset.py, at least three letters before a break)
    assert f"ter{SOFT_HYPHEN}ri{SOFT_HYPHEN}tory" in words
    assert f"degra{SOFT_HYPHEN}da{SOFT_HYPHEN}tion" in words
    assert len(words) > 200
    # never in a title, a heading, a caption or a name
    text = built["guest"].read_text(encoding="utf-8")
    headlines = re.findall(r"<(h[1-4]|figcaption|caption)\b[^>]*>(.*?)</\1>", text, re.S)
    assert len(headlines) > 10 and not [h for _, h in headlines if SOFT_HYPHEN in h]
    names = re.findall(r'<span class="author-name"[^>]*>(.*?)</span>', text)
    assert names and not [n for n in names if SOFT_HYPHEN in n]


@pytest.mark.slow  # builds web pages
def test_a_grouped_number_never_splits_on_the_ukrainian_page(built):
    seen = page(built, "uk")
    assert "1 250" in seen.nobr  # "1 / 250" was possible before
    nobr_rule = [r for r in _rules(built["uk"]) if r[0] == ".nobr"]
    assert ("white-space", "nowrap") in [d for _, d in nobr_rule]


@pytest.mark.slow  # builds web pages
def test_paragraphs_are_pretty_and_headings_balanced(built):
    rules = _rules(built["guest"])
    wrap = {selector: value for selector, (prop, value) in rules if prop == "text-wrap"}
    assert wrap.get("p") == "pretty" and wrap.get("h2") == "balance" and wrap.get("h1") == "balance"


# -- the masthead -------------------------------------------------------------------------------

@pytest.mark.slow  # builds web pages
def test_masthead_is_full_bleed_in_the_stylesheet(built):
    rules = dict(((s, p), val) for s, (p, val) in _rules(built["guest"]))
    assert rules[(".masthead", "border-image-outset")] == "0 100vw"
    assert rules[(".masthead", "border-image-slice")] == "0 fill"


@pytest.mark.slow  # builds web pages
def test_masthead_reaches_both_edges_of_a_wide_window(built, tmp_path):
    """Looked at in Chromium: the band's navy at the window's left and right edge, level with the
    wordmark, and white under it; the page still does not scroll sideways."""
    v.need(v.CHROMIUM, "Debian's chromium")
    from PIL import Image

    shot = tmp_path / "wide.png"
    subprocess.run([v.CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1600,600", f"--screenshot={shot}",
                    built["guest"].as_uri()], capture_output=True, timeout=180)
    image = Image.open(shot).convert("RGB")
    navy = tuple(int(x, 16) for x in re.findall("..", "1b2a4a"))
    band, below = [image.getpixel((x, 30)) for x in (2, 1597)], image.getpixel((2, 300))
    assert all(sum(abs(a - b) for a, b in zip(px, navy)) < 30 for px in band), band
    assert below == (255, 255, 255)
    seen = v.at_width(built["guest"], "const r = document.documentElement; return [r.scrollWidth, r.clientWidth];",
                      1280, tmp_path)
    assert seen[0] <= seen[1], seen


# -- charts -------------------------------------------------------------------------------------

@pytest.mark.slow  # builds web pages
def test_each_chart_has_a_drawing_for_the_column_and_one_for_a_phone(built):
    text = built["guest"].read_text(encoding="utf-8")
    charts = re.findall(r'<div class="chart" role="img"[^>]*>(.*?)</div>', text, re.S)
    assert len(charts) == 3
    for chart in charts:
        widths = {kind: float(re.search(r'<span class="chart-' + kind + r'"><svg[^>]*viewBox="0 0 ([\d.]+)', chart)[1])
                  for kind in ("wide", "phone")}
        assert widths["wide"] == pytest.approx(webcharts.WIDE_MM / 25.4 * 72, abs=0.5)
        assert widths["phone"] == pytest.approx(webcharts.PHONE_MM / 25.4 * 72, abs=0.5)
    # Figure 2's long category ("Monthly average, Jan–Jul 2023") turns its bars sideways on a phone:
    # under the bars (x ticks) on the column, beside them (y ticks) on the phone.
    ticks = {(drawing, tick[:5]) for drawing, tick, words in page(built, "guest").chart_texts
             if words.startswith("Monthly average")}
    assert ticks == {("chart-wide", "xtick"), ("chart-phone", "ytick")}, ticks
    # Figure 1 (two years) keeps its columns on a phone
    years = {(drawing, tick[:5]) for drawing, tick, words in page(built, "guest").chart_texts if words == "2021"}
    assert years == {("chart-wide", "xtick"), ("chart-phone", "xtick")}, years


@pytest.mark.slow  # builds web pages
def test_a_phone_is_shown_its_own_drawing(built):
    """The stylesheet shows `.chart-phone` instead of `.chart-wide` at webcharts.PHONE_MEDIA."""
    shown = {}
    for media, rules in _media_rules(built["guest"]):
        for selector, (prop, value) in rules:
            if prop == "display" and selector in (".chart-wide", ".chart-phone"):
                shown[(webcharts.PHONE_MEDIA in media, selector)] = value
    assert shown == {(False, ".chart-wide"): "block", (False, ".chart-phone"): "none",
                     (True, ".chart-wide"): "none", (True, ".chart-phone"): "block"}


@pytest.mark.slow  # builds web pages
@pytest.mark.parametrize("width, drawing, smallest", [(390, "chart-phone", 12), (1280, "chart-wide", 12)])
def test_charts_fill_the_column_with_legible_text(built, tmp_path, width, drawing, smallest):
    v.need(v.CHROMIUM, "Debian's chromium")
    seen = v.at_width(built["guest"], """
      return [...document.querySelectorAll('figure .chart')].map(chart => {
        const shown = [...chart.querySelectorAll('svg')].filter(s => s.getClientRects().length);
        const svg = shown[0], column = chart.closest('figure').getBoundingClientRect().width;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const text = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
        return {count: shown.length, drawing: svg.parentElement.className, width: svg.getBoundingClientRect().width,
                column, text: Math.min(...text)};
      });""", width, tmp_path)
    assert len(seen) == 3
    for chart in seen:
        assert chart["count"] == 1 and chart["drawing"] == drawing, chart
        assert chart["width"] == pytest.approx(chart["column"], abs=1), chart  # as wide as the column
        assert chart["text"] >= smallest, chart


# -- the PDF link, no QR code -------------------------------------------------------------------

@pytest.mark.slow  # builds web pages
def test_a_download_pdf_link_under_the_title(built):
    text = built["guest"].read_text(encoding="utf-8")
    link = re.search(r'</h1>\s*<p class="subtitle"[^>]*>.*?</p>\s*<p class="pdf-link"><a ([^>]*)>([^<]*)</a></p>', text, re.S)
    assert link is not None
    assert 'href="sceeus-guest-commentary-2024-08.pdf"' in link[1] and 'type="application/pdf"' in link[1]
    assert link[2] == "Download PDF"
    assert (built["guest"].parent / "sceeus-guest-commentary-2024-08.pdf").is_file()  # relative: side by side
    uk = re.search(r'<p class="pdf-link"><a href="([^"]+)"[^>]*>([^<]*)</a>', built["uk"].read_text(encoding="utf-8"))
    assert uk.groups() == ("sceeus-sample-uk-2025-06.pdf", "Завантажити PDF")
    # a series whose title sits on its cover: the link under it there
    report = built["report"].read_text(encoding="utf-8")
    assert re.search(r'<section class="cover".*?</h1>.*?<p class="pdf-link"><a href="'
                     r'sceeus-guest-commentary-2024-08--sceeus-report.pdf"', report, re.S)


@pytest.mark.slow  # builds web pages
def test_no_qr_code_on_screen(built):
    """The QR code belongs to paper (test_distribution finds it in the PDF's tags)."""
    seen = page(built, "guest")
    assert not seen.find("img", "qr")
    assert not any("QR" in (a.get("alt") or "") for a in seen.find("img"))
    assert any(a.get("href") == URL for a in seen.find("a"))  # the address is a link instead


# -- section navigation -------------------------------------------------------------------------

@pytest.mark.slow  # builds web pages
def test_sections_listed_for_a_long_document(built):
    seen = page(built, "guest")
    navs = seen.find("nav", "sections")
    assert len(navs) == 1 and navs[0]["aria-labelledby"] == "sections-heading"
    links = [a["href"] for t, a, up in seen.elements if t == "a" and "nav" in up and a.get("href", "").startswith("#")]
    h2 = [a["id"] for t, a, up in seen.elements if t == "h2" and "main" in up]
    assert links == [f"#{i}" for i in h2] and len(h2) == 5
    text = built["guest"].read_text(encoding="utf-8")
    assert text.index('<nav class="sections"') < text.index("<main")
    assert '<li><a href="#economic-cooperation-from-hero-to-zero">Economic Cooperation: from Hero to Zero</a></li>' in text
    # a series with contents of its own gets no second list
    assert not page(built, "report").find("nav", "sections") and page(built, "report").find("nav", "contents")


@pytest.mark.slow  # builds web pages
def test_no_section_list_for_four_sections(tmp_path):
    body = "".join(f"## Part {n}\n\nSome text.\n\n" for n in range(1, 5))
    folder = write_doc(tmp_path / "four", MINIMAL, body)
    result = run(folder, "--format", "html", "-q", "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "four.html").read_text(encoding="utf-8")
    assert text.count("<h2") >= 4 and 'class="sections"' not in text


def _declarations(rule) -> list[tuple[str, str]]:
    body = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
    return [(d.lower_name, tinycss2.serialize(d.value).strip()) for d in body if d.type == "declaration"]


def _media_rules(html: Path) -> list[tuple[str, list]]:
    """The page's own stylesheet: (media, [(selector, (property, value))]) for every block."""
    text = html.read_text(encoding="utf-8")
    css = "\n".join(re.findall(r"<style>(.*?)</style>", text, re.S))
    out = []

    def walk(rules, media):
        found = []
        for rule in rules:
            if rule.type == "qualified-rule":
                for selector in tinycss2.serialize(rule.prelude).split(","):
                    found += [(selector.strip(), d) for d in _declarations(rule)]
            elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
                inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
                walk(inner, media + " " + tinycss2.serialize(rule.prelude).strip())
        out.append((media.strip(), found))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), "")
    return out


def _rules(html: Path) -> list[tuple[str, tuple[str, str]]]:
    """Every (selector, (property, value)) of the page's stylesheets on screen, in order."""
    return [r for media, rules in _media_rules(html) if "print" not in media for r in rules]


def test_section_list_counts_the_bodys_sections_only():
    """Unit: more than four `##` in <main> make the list; the notes' and the summary's headings
    outside it do not count; a template's own contents stop it."""
    def doc(n, contents=""):
        sections = "".join(f'<h2 id="s{i}">Part <span class="nobr">{i}</span>&amp; m{SOFT_HYPHEN}ore</h2>' for i in range(n))
        return f'{contents}<h2 id="summary">S</h2><main class="body">{sections}</main><h2 id="notes">N</h2>'
    assert "<nav" not in web.section_nav(doc(4), "Contents")
    made = web.section_nav(doc(5), "Contents")
    assert made.count("<li>") == 5 and '<a href="#s4">Part 4&amp; more</a>' in made
    assert made.index("<nav") < made.index("<main")
    assert web.section_nav(doc(5, '<nav class="contents">'), "Contents").count("<nav") == 1


def test_a_phone_turns_crowded_or_long_labelled_bars_sideways():
    """Unit: bars stay columns where their labels and values fit a phone's slot."""
    from report.model import ChartSpec
    style = webcharts.phone_style(pipeline.chart_style(resolve.resolve("sceeus-commentary", Problems())))
    def spec(x, *series, kind="bar"):
        return ChartSpec("c", kind, tuple(x), tuple((f"s{i}", tuple(v)) for i, v in enumerate(series)))
    assert webcharts.phone_spec(spec([2021, 2022], [5.4, 1.4], [1.5, 0.02]), style).type == "bar"
    assert webcharts.phone_spec(spec(["Feb 2022", "Monthly average, Jan–Jul 2023"], [543.2, 1.97]), style).type == "barh"
    crowded = spec([2021, 2022, 2023, 2024], [600, 900.5, 1300, 1800], [520, 850, 1250, 1720.5])
    assert webcharts.phone_spec(crowded, style).type == "barh"
    stacked = spec([2021, 2022, 2023, 2024], [600, 900.5, 1300, 1800], [520, 850, 1250, 1720.5], kind="stacked")
    assert webcharts.phone_spec(stacked, style).type == "stacked"
    assert webcharts.phone_spec(spec(["a long category name", "b"], [1, 2], kind="line"), style).type == "line"
