"""The accessibility of one document: every check run on its source and outputs, and the report.

`findings` runs the checks (`source/accessibility.py` on `document.md`, `outputs/accessibility.py`
on the PDF, the colours and the web page); `--preflight` prints them, `--format a11y` writes
`<stem>.a11y.json` (for scripts) and `<stem>.a11y.html` (for a person, in the document's language
where `locales/accessibility/<lang>.po` has the words; else in English, saying so). Both are
made from the findings alone: same input, same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

from report import languages
from report.cache import memo
from report.errors import display_path
from report.outputs import accessibility as made
from report.paths import ROOT
from report.source import accessibility as written
from report.source.accessibility import Finding

WORDS = Path(__file__).resolve().parents[1] / "locales" / "accessibility"
WCAG = "WCAG 2.2 AA"


@dataclass(frozen=True)
class Check:
    id: str
    what: str  # one line, in the report's words (a msgid of the catalogue)
    outputs: tuple[str, ...]  # the formats it judges
    criterion: str  # the rule it stands for


CHECKS = (
    Check("alt-text", "Every picture has an alt text that describes it", ("pdf", "html"), "WCAG 1.1.1; PDF/UA 7.3"),
    Check("heading-jump", "Heading levels do not skip a level", ("pdf", "html"), "WCAG 1.3.1; PDF/UA 7.4.2"),
    Check("link-text", "Link text says where a link leads", ("pdf", "html"), "WCAG 2.4.4"),
    Check("table-header", "Every table has a header row", ("pdf", "html"), "WCAG 1.3.1; PDF/UA 7.5"),
    Check("script-without-lang", "Text in another script has a language mark", ("pdf", "html"),
          "WCAG 3.1.2; PDF/UA 7.2"),
    Check("pdf-structure", "The PDF's structure tree, language and links are complete", ("pdf",),
          "PDF/UA 7.1, 7.2, 7.6, 7.18"),
    Check("reading-order", "The PDF reads the headings in the order of the source", ("pdf",), "WCAG 1.3.2; PDF/UA 7.1"),
    Check("contrast", "Text colours have enough contrast with their background", ("pdf", "html"), "WCAG 1.4.3"),
    Check("reflow", "The web page reflows to a 320 px wide screen", ("html",), "WCAG 1.4.10"),
)
NEEDS_A_PERSON = (
    "Whether each alt text says what the picture means in its context",
    "Whether headings and link texts make sense read on their own",
    "Whether the reading order of text and figures makes sense when read aloud",
    "Whether the text is clear and the document language is right for every passage",
    "Whether charts can be understood without colour",
)


def findings(prepared, pdf: bytes | None, pdf_html, web: str | None, web_css, variant: str) -> list[Finding]:
    """Every accessibility finding of a document, source first, then what each output shows.

    `pdf_html`: the `Html` laid out into the screen PDF (its stylesheets give the colours);
    `web_css`: the web page's stylesheets as (path, text), in cascade order."""
    doc, series = prepared.doc, prepared.series
    found = written.check(prepared.tokens, prepared.refs, str(doc.source_path), doc.body_line, doc.lang)
    lines = made.series_colour_lines(series.folders)
    if pdf is not None:
        found += made.pdf_structure(pdf, doc.lang, variant)
        found += made.reading_order(pdf, prepared.tokens, str(doc.source_path), doc.body_line)
        sources = [(str(p), p.read_text(encoding="utf-8")) for p in pdf_html.stylesheets]
        sources += [("the PDF's page stylesheet", css) for css in pdf_html.css]
        found += made.contrast(pdf_html.text, sources, series.colors, "print", "pdf", lines)
    if web is not None:
        found += made.contrast(web, [], series.colors, "screen", "html", lines)
        found += made.reflow(web_css, web)
    return written.bounded(list(dict.fromkeys(found)))


def lines(found: list[Finding], folder: Path, outputs: dict[str, Path]) -> list[str]:
    """The findings as preflight lines: `path:line: message`, an output's own by its file."""
    out = []
    for f in found:
        if f.path:
            out.append(f"{display_path(f.path)}:{f.line}: {f.message}" if f.line else f"{display_path(f.path)}: {f.message}")
        else:
            target = outputs.get(f.output) or next(iter(outputs.values()), folder)
            out.append(f"{display_path(target)}: {f.message}")
    return out


def _relative(path: str, folder: Path) -> str:
    """A place as it reads anywhere: inside the document folder or the project, relative to it."""
    for base in (folder, ROOT):
        try:
            return Path(path).resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return Path(path).name


def claims(outputs: dict[str, bytes]) -> dict[str, list[str]]:
    """Format → the standards its file claims (the PDF's from its own XMP metadata)."""
    out = {}
    for fmt, data in outputs.items():
        out[fmt] = [WCAG] if fmt == "html" else made.claimed(data)
    return out


def report(prepared, found: list[Finding], outputs: dict[str, bytes], names: dict[str, str]) -> dict:
    """The machine-readable report: what each output claims, what was checked, what holds."""
    doc = prepared.doc
    claimed = claims(outputs)
    checks = []
    for c in CHECKS:
        judged = [fmt for fmt in c.outputs if fmt in outputs]
        if not judged:
            continue
        n = sum(1 for f in found if f.check == c.id)
        checks.append({"id": c.id, "what": c.what, "criterion": c.criterion, "outputs": judged,
                       "result": "fails" if n else "holds", "findings": n})
    run = {c["id"] for c in checks}
    return {
        "document": doc.folder.name, "title": doc.title, "lang": doc.lang, "date": doc.date,
        "outputs": [{"format": fmt, "file": names[fmt], "claims": claimed[fmt]} for fmt in outputs],
        "result": "fails" if found else "holds",
        "checks": checks,
        "findings": [{"check": f.check, "place": (f"{_relative(f.path, doc.folder)}:{f.line}" if f.line
                                                  else _relative(f.path, doc.folder)) if f.path else names.get(f.output, ""),
                      "message": f.message} for f in found if f.check in run],
        "needs_a_person": list(NEEDS_A_PERSON),
    }


def as_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


@memo(maxsize=16)
def _catalogue(lang: str) -> dict[str, str] | None:
    path = WORDS / f"{lang}.po"
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string}


def words(lang: str):
    """(translate, the report's language, the notice when it falls back to English)."""
    lang = languages.language(lang)
    table = _catalogue(lang)
    if table is None:
        table, notice = _catalogue("en") or {}, (f"This report is in English: there are no words for "
                                                 f"{Locale.parse(lang).get_display_name('en')} in its catalogue yet.")
        lang = "en"
    else:
        notice = None
    return (lambda text: table.get(text, text)), lang, notice


def as_html(data: dict) -> bytes:
    """A short page a desk can paste from into its accessibility statement."""
    t, lang, notice = words(data["lang"])
    e = escape
    rows = "\n".join(f"<tr><td>{e(o['file'])}</td><td>{e(', '.join(o['claims']) or t('none'))}</td></tr>"
                     for o in data["outputs"])
    checks = "\n".join(
        f"<li>{e(t(c['what']))} ({e(', '.join(c['outputs']))}; {e(c['criterion'])}): "
        f"<strong>{e(t('holds') if c['result'] == 'holds' else t('does not hold'))}</strong></li>"
        for c in data["checks"])
    found = "\n".join(f"<li><code>{e(f['place'])}</code>: {e(f['message'])}</li>" for f in data["findings"])
    person = "\n".join(f"<li>{e(t(p))}</li>" for p in data["needs_a_person"])
    english = ' lang="en"' if lang != "en" else ""  # the findings' words are English: read them so
    verdict = t("Every check holds.") if data["result"] == "holds" else t("Some checks do not hold.")
    page = f"""<!DOCTYPE html>
<html lang="{e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t('Accessibility report'))}: {e(data['title'])}</title>
<style>body {{ font: 1rem/1.5 sans-serif; max-width: 45rem; margin: 0 auto; padding: 1rem; color: #1d2129; }}
table {{ border-collapse: collapse; }} th, td {{ text-align: left; padding: 0.25rem 0.75rem 0.25rem 0; }}
code {{ overflow-wrap: anywhere; }}</style>
</head>
<body>
<main>
<h1>{e(t('Accessibility report'))}: {e(data['title'])}</h1>
{f'<p>{e(notice)}</p>' if notice else ''}
<p>{e(verdict)}</p>
<h2>{e(t('What each file claims'))}</h2>
<table>
<thead><tr><th scope="col">{e(t('File'))}</th><th scope="col">{e(t('Standard'))}</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<h2>{e(t('What was checked by machine'))}</h2>
<ul>
{checks}
</ul>
<h2>{e(t('What does not hold'))}</h2>
{f'<ul{english}>{chr(10)}{found}{chr(10)}</ul>' if found else f'<p>{e(t("Nothing."))}</p>'}
<h2>{e(t('What a person must check'))}</h2>
<ul>
{person}
</ul>
</main>
</body>
</html>
"""
    return page.encode("utf-8")


def files(prepared, found, outputs: dict[str, bytes], out_dir: Path, stem: str, suffix: dict) -> list:
    """(path, bytes) of `<stem>.a11y.json` and `<stem>.a11y.html`."""
    names = {fmt: stem + suffix[fmt] for fmt in outputs}
    data = report(prepared, found, outputs, names)
    return [(out_dir / f"{stem}.a11y.json", as_json(data)), (out_dir / f"{stem}.a11y.html", as_html(data))]


__all__ = ["findings", "lines", "files", "CHECKS"]
