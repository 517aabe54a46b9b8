"""The web page as a publication that is found and cited: Highwire `citation_*` tags, JSON-LD
(schema.org), Open Graph and Twitter cards with their card image, and the "Cite as" block."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from PIL import Image

from publication_fixtures import FRONT, build, project
from conftest import MINIMAL, ROOT, run, write_doc

# The schema.org properties the page uses, by type, from schema.org's vocabulary (version 29):
# a Report is a CreativeWork (with reportNumber), a CreativeWorkSeries has issn, a PropertyValue
# propertyID and value; a Person and an Organization their names and affiliation.
SCHEMA_ORG = json.loads((ROOT / "tests" / "fixtures" / "schema-org-properties.json").read_text(encoding="utf-8"))
SCHEMA_ORG.pop("_source")


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script = None
        self.policy = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.policy = attrs["content"]
        elif tag == "meta":
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs.get("content")))
        elif tag == "script":
            self._script = (attrs, "")

    def handle_data(self, data):
        if self._script is not None:
            self._script = (self._script[0], self._script[1] + data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None


def page(tmp_path, fmt="html", front=FRONT):
    project(tmp_path, front)
    result = build(tmp_path, fmt)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "doc.html").read_text(encoding="utf-8")
    head = Head()
    head.feed(text)
    return text, head


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("web")
    return tmp_path, *page(tmp_path, "html,cite")


def values(head: Head, name: str) -> list[str]:
    return [v for k, v in head.meta if k == name]


@pytest.mark.slow
def test_highwire_tags_as_google_scholar_reads_them(built):
    _, _, head = built
    assert values(head, "citation_title") == ["Ukraine and Belarus after the Election"]
    assert values(head, "citation_author") == ["Doe, Jane", "Петренко, Олег"]
    assert values(head, "citation_publication_date") == ["2024/03/01"]
    assert values(head, "citation_pdf_url") == ["https://sceeus.se/en/publications/ukraine-and-belarus/doc.pdf"]
    assert values(head, "citation_doi") == ["10.5555/sceeus-gc-2024-08"]
    assert values(head, "citation_issn") == ["2004-7835"]
    assert values(head, "citation_language") == ["en"]
    assert values(head, "citation_technical_report_number") == ["8"]
    assert values(head, "citation_technical_report_institution") == [
        "Stockholm Centre for Eastern European Studies (SCEEUS)"]
    names = [k for k, _ in head.meta]  # title, authors and date first, as Scholar asks
    assert names.index("citation_title") < names.index("citation_author") < names.index("citation_publication_date")


def _types(node, found):
    """Every (type, property) pair in the JSON-LD."""
    if isinstance(node, list):
        for n in node:
            _types(n, found)
    elif isinstance(node, dict):
        kind = node.get("@type")
        for key, value in node.items():
            if not key.startswith("@"):
                found.add((kind, key))
            _types(value, found)
    return found


@pytest.mark.slow
def test_json_ld_is_a_schema_org_report(built):
    _, _, head = built
    [(attrs, text)] = [s for s in head.scripts if s[0].get("type") == "application/ld+json"]
    data = json.loads(text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Report"
    assert data["headline"] == data["name"] == "Ukraine and Belarus after the Election"
    for kind, prop in _types(data, set()):
        assert prop in SCHEMA_ORG[kind], f"{kind} has no property {prop} in schema.org"
    assert [a["name"] for a in data["author"]] == ["Jane Doe", "Олег Петренко"]
    assert data["author"][0]["affiliation"] == {"@type": "Organization", "name": "Stockholm University"}
    assert data["publisher"]["name"] == "Stockholm Centre for Eastern European Studies (SCEEUS)"
    assert data["isPartOf"] == {"@type": "CreativeWorkSeries", "name": data["isPartOf"]["name"], "issn": "2004-7835"}
    assert data["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI",
                                  "value": "10.5555/sceeus-gc-2024-08",
                                  "url": "https://doi.org/10.5555/sceeus-gc-2024-08"}
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["inLanguage"] == "en" and data["datePublished"] == "2024-03-01"
    # English is the series' language: the Swedish edition is its translation
    assert data["workTranslation"] == [{"@type": "Report", "inLanguage": "sv",
                                        "url": "https://sceeus.se/sv/publikationer/ukraina-och-belarus/"}]


@pytest.mark.slow
def test_a_translation_names_the_work_it_translates(tmp_path):
    front = (FRONT.replace("title: Ukraine", "lang: sv\ntitle: Ukraine")
                  .replace("- lang: sv\n    url: https://sceeus.se/sv/publikationer/ukraina-och-belarus/",
                           "- lang: en\n    url: https://sceeus.se/en/publications/ukraine-and-belarus/"))
    _, head = page(tmp_path, front=front)
    [(_, text)] = [s for s in head.scripts if s[0].get("type") == "application/ld+json"]
    data = json.loads(text)
    assert data["translationOfWork"] == {"@type": "Report", "inLanguage": "en",
                                         "url": "https://sceeus.se/en/publications/ukraine-and-belarus/"}
    assert "workTranslation" not in data and data["inLanguage"] == "sv"


@pytest.mark.slow
def test_open_graph_and_twitter_cards_show_the_card_image(built):
    tmp_path, _, head = built
    image = "https://sceeus.se/en/publications/ukraine-and-belarus/doc.card.png"
    assert values(head, "og:image") == [image] and values(head, "twitter:image") == [image]
    assert values(head, "og:image:width") == ["1200"] and values(head, "og:image:height") == ["630"]
    assert values(head, "twitter:card") == ["summary_large_image"]
    assert values(head, "og:title") == ["Ukraine and Belarus after the Election"]
    assert values(head, "og:description") == ["Belarus and Ukraine drifted apart."]
    assert values(head, "og:image:alt") == [
        "Guest Commentary: Ukraine and Belarus after the Election (Jane Doe, Олег Петренко)"]
    card = Image.open(tmp_path / "out" / "doc.card.png")
    assert card.size == (1200, 630) and card.format == "PNG"


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])


@pytest.mark.slow
def test_the_card_text_contrasts_with_its_ground(built):
    tmp_path, _, _ = built
    card = Image.open(tmp_path / "out" / "doc.card.png").convert("RGB")
    ground = card.getpixel((4, 4))
    # the title's ink: the commonest colour in the title's area that is not the ground
    area = card.crop((72, 170, 1128, 450))
    counts = sorted(((n, c) for n, c in area.getcolors(1 << 20) if c != ground), reverse=True)
    ink = counts[0][1]
    light, dark = sorted((_luminance(ground), _luminance(ink)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_a_title_too_long_for_four_lines_takes_the_short_title_never_half_a_word():
    from PIL import ImageFont
    from report.outputs import card
    font = ImageFont.truetype(str(ROOT / "styles/base/fonts/SourceSans3-Bold.ttf"), card.TITLE_SIZE)
    long_title = " ".join(["Extraordinarily"] + ["consequential developments"] * 12)
    lines = card.title_lines(long_title, "Consequential Developments", font, 1056)
    assert lines == ["Consequential Developments"]
    # no short title that fits: whole words, then an ellipsis
    lines = card.title_lines(long_title, None, font, 1056)
    words = set(long_title.split())
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(w in words for line in lines for w in line.rstrip("…").split())


@pytest.mark.slow
def test_cite_as_block_with_a_copy_button_its_script_allowed_by_hash(built):
    _, text, head = built
    section = text[text.index('<section class="cite-as" id="cite-as"'):]
    section = section[:section.index("</section>")]
    assert '<p class="citation">' in section  # the template's Cite as, in the series' style
    assert re.search(r'<button type="button" id="cite-copy" hidden>Copy</button>', text)  # shown by the script
    [(_, script)] = [s for s in head.scripts if not s[0]]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert head.policy == ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
                           f"script-src 'sha256-{digest}'")
    assert '<a class="download-pdf" href="doc.pdf" type="application/pdf">Download PDF</a>' in section
    for name in ("doc.bib", "doc.ris", "doc.csl.json"):  # written beside it: linked
        assert f'href="{name}" download' in section
    assert text.count('id="cite-as"') == 1


@pytest.mark.slow
def test_citation_files_are_linked_only_when_written(tmp_path):
    text, _ = page(tmp_path, "html")
    assert 'href="doc.bib"' not in text and 'href="doc.pdf"' in text


@pytest.mark.slow
def test_a_page_with_nothing_to_cite_by_keeps_its_links_and_runs_no_script(tmp_path):
    """No DOI, no address, no text by hand: no "Cite as", so no copy button and no script."""
    write_doc(tmp_path / "doc", MINIMAL)
    assert run("doc", "-o", "out", "--format", "html", cwd=tmp_path).returncode == 0
    text = (tmp_path / "out" / "doc.html").read_text(encoding="utf-8")
    head = Head()
    head.feed(text)
    assert 'id="cite-as"' not in text and "<script>" not in text and "cite-copy" not in text
    assert '<a class="download-pdf" href="doc.pdf" type="application/pdf">Download PDF</a>' in text
    assert "script-src" not in head.policy


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_page_policy_lets_the_copy_script_run_in_a_browser(built, tmp_path):
    """Chromium runs the page as published (its policy in force): the script shows the button."""
    out, _, _ = built
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--virtual-time-budget=3000", "--dump-dom",
                          (out / "out" / "doc.html").as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert '<button type="button" id="cite-copy">Copy</button>' in dom
    # and a script the policy does not name is refused: the same page with one byte changed in it
    changed = tmp_path / "changed.html"
    page = (out / "out" / "doc.html").read_text(encoding="utf-8")
    assert "b.hidden=false;" in page
    changed.write_text(page.replace("b.hidden=false;", "b.hidden=false; "), "utf-8")
    dom = subprocess.run([CHROMIUM, *flags, "--virtual-time-budget=3000", "--dump-dom", changed.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert '<button type="button" id="cite-copy" hidden="">Copy</button>' in dom


@pytest.mark.slow
def test_the_card_is_the_same_bytes_every_build(built):
    tmp_path, _, _ = built
    before = (tmp_path / "out" / "doc.card.png").read_bytes()
    assert build(tmp_path, "html", "--force").returncode == 0
    assert (tmp_path / "out" / "doc.card.png").read_bytes() == before


@pytest.mark.slow
def test_a_series_whose_colours_cannot_make_a_legible_card_stops_the_web_page(tmp_path):
    series = "extends: sceeus-guest-commentary\ncolors:\n  primary: '#777777'\n  text: '#888888'\n  tint: '#999999'\n"
    project(tmp_path, series=series)
    result = build(tmp_path, "html")
    assert result.returncode == 1, result.stderr
    assert ("the card image of series cited-series has no colours that contrast 4.5:1: neither white nor "
            "colors.text on colors.primary, nor colors.text on colors.tint or white") in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out" / "doc.html").exists()
