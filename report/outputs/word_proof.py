"""`--format docx`: the document as a Word proof (`<stem>.proof.docx`) for its author.

The proof is what the PDF prints, in Word: the body as the builder renders it (citations
formatted, cross-references as "Figure 1", notes as Word footnotes, tables as Word tables,
figures as pictures with their captions, charts drawn by matplotlib as PNG), with the title
block, the summary and the recommendations in Pandoc's Title, Subtitle, Author and Abstract
styles and a "Recommendations" section, so that `--import` of the file reads them back into the
front matter. Pandoc writes it (`--sandbox`; pictures go in as data: addresses, so it reads no
file but the reference document) with the series' styles (`wordstyles`). The first paragraph
says "PROOF — not for circulation" and the proof's date, by the PDF proof's rule
(`context.proof_date`: SOURCE_DATE_EPOCH, else the document's date; never the clock). Placeholders are highlighted in yellow.
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import tempfile
import zipfile
from html import escape
from pathlib import Path

from report import languages
from report.errors import BuildError
from report.model import Document
from report.render import charts as chart_drawing
from report.render.context import proof_date
from report.source import markdown, pictures
from report.source.citeproc import HEAP, pandoc_path
from report.source.document import PLACEHOLDER, SOFT_PLACEHOLDERS
from report.outputs.wordstyles import BANNER_STYLE, reference_docx

BANNER = "PROOF — not for circulation"
RECOMMENDATIONS = "Recommendations"  # a heading the importer reads back into `recommendations`
READER = "html+epub_html_exts"  # epub:type="noteref" / "footnote": the notes become Word footnotes
TIMEOUT = 120
CHART_DPI = 200
NOTE_REF = re.compile(r'<sup class="footnote-ref"><a href="#fn(\d+(?::\d+)?)" id="fnref[^"]*"[^>]*>(.*?)</a></sup>')
NOTE_ITEM = re.compile(r'<li id="fn(\d+)" class="footnote-item">(.*?)</li>', re.S)
CORE_DATE = re.compile(r'(<dcterms:(?:created|modified) [^>]*>)[^<]*(</dcterms:)')
BACKREF = re.compile(r' ?<a href="#fnref[^"]*" class="backref"[^>]*>.*?</a>')


def banner(doc: Document) -> str:
    """The first paragraph: the proof's words and its date, as the PDF proof says it."""
    return f"{BANNER} · {proof_date(doc)}"


def _figures(prepared, figs, style) -> dict[str, str]:
    """Each figure's HTML (numbered as in the PDF: `figs`) with its picture as a data: address:
    a chart drawn again as PNG, a picture as it is."""
    labels = languages.labels_for(prepared.series, prepared.doc.lang)
    xrefs = prepared.env.get("crossrefs")
    blocks: dict[str, str] = {}
    for target, fig in zip(dict.fromkeys(r.target for r in prepared.refs), figs):
        if fig.svg:
            data, mime = chart_drawing.draw(prepared.doc.charts[fig.id], style, "png", CHART_DPI), "image/png"
        else:
            picture = pictures.read(prepared.doc.folder / target, prepared.doc.folder)
            data, mime = picture.data, picture.mime
        source = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        ident = xrefs.figure_anchor(target, fig.number) if xrefs else f"figure-{fig.number}"
        # No source line: it comes from charts.yaml, and the author's text is what the proof is for.
        blocks[target] = markdown.figure_html(fig.number, fig.caption, f'<img src="{source}" alt="{escape(fig.alt)}">',
                                              ident, None, None, "chart" if fig.svg else "picture",
                                              prepared.doc.lang, xrefs, labels)
    return blocks


def _notes(body: str, notes: str) -> str:
    """The builder's note calls and list, as the EPUB notes Pandoc's HTML reader makes footnotes of."""
    body = NOTE_REF.sub(lambda m: f'<a epub:type="noteref" href="#fn{m[1].split(":")[0]}">{m[2]}</a>', body)
    asides = "".join(f'<aside epub:type="footnote" id="fn{n}">{BACKREF.sub("", text)}</aside>\n'
                     for n, text in NOTE_ITEM.findall(notes))
    return body + asides


def _styled(style: str, html: str) -> str:
    return f'<div data-custom-style="{escape(style)}">{html}</div>\n'


def _highlight(html: str, patterns: tuple[str, ...]) -> str:
    """Placeholders in the text (never in a tag or an address) marked for Word's yellow highlight."""
    expression = re.compile("|".join(f"(?:{p})" for p in (re.escape(PLACEHOLDER),) + SOFT_PLACEHOLDERS + patterns),
                            re.IGNORECASE)
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(p if p.startswith("<") else expression.sub(lambda m: f"<mark>{m.group()}</mark>", p)
                   for p in parts)


def proof_html(prepared, figs, style) -> str:
    """The whole proof as HTML for Pandoc: banner, title block, summary, body, recommendations, notes."""
    doc, lang = prepared.doc, prepared.doc.lang
    xrefs = prepared.env.get("crossrefs")
    labels = languages.labels_for(prepared.series, lang)
    body = markdown.render_body(prepared.tokens, prepared.env, _figures(prepared, figs, style))
    parts = [_styled(BANNER_STYLE, f"<p>{escape(banner(doc))}</p>"),
             _styled("Title", f"<p>{markdown.render_inline(doc.title, lang, xrefs, labels)}</p>")]
    if doc.subtitle:
        parts.append(_styled("Subtitle", f"<p>{markdown.render_inline(doc.subtitle, lang, xrefs, labels)}</p>"))
    parts += [_styled("Author", f"<p>{escape(author.name)}</p>") for author in doc.authors]
    if doc.summary:
        parts.append(_styled("Abstract", markdown.render_block(doc.summary, lang, xrefs, labels)))
    parts.append(body.html)
    if doc.recommendations:
        items = "".join(f"<li>{markdown.render_block(item, lang, xrefs, labels)}</li>" for item in doc.recommendations)
        parts.append(f"<h2>{RECOMMENDATIONS}</h2>\n<ol>{items}</ol>\n")
    html = _notes("".join(parts), body.notes_html)
    page = _highlight(html, tuple(prepared.series.placeholders))
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8"></head>'
            f"<body>\n{page}</body></html>\n")


def make(prepared, figs, style, epoch: int) -> bytes:
    """The proof's bytes: same document, series and epoch, same bytes. `figs`: the figures as the
    PDF numbers them; `style`: the charts' style."""
    html = proof_html(prepared, figs, style)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}  # whatever Pandoc might date by it
    with tempfile.TemporaryDirectory() as tmp:
        reference, target = Path(tmp) / "reference.docx", Path(tmp) / "proof.docx"
        reference.write_bytes(reference_docx(prepared.series))
        try:
            done = subprocess.run([str(pandoc_path()), "+RTS", f"-M{HEAP}", "-RTS", "--sandbox",
                                   "-f", READER, "-t", "docx",
                                   f"--reference-doc={reference}", "-o", str(target)],
                                  input=html.encode("utf-8"), capture_output=True, timeout=TIMEOUT, env=env)
        except (OSError, subprocess.SubprocessError) as exc:
            raise BuildError(f"Pandoc could not write the Word proof: {exc}") from None
        if done.returncode != 0:
            raise BuildError("Pandoc could not write the Word proof: "
                             + done.stderr.decode("utf-8", "replace").strip()[:300])
        return _dated(target.read_bytes(), proof_date(prepared.doc))


def _dated(data: bytes, day: str) -> bytes:
    """The file's creation and change dates (docProps/core.xml) set to the proof's day: Pandoc's
    sandbox dates them 1970. The zip keeps its order and its fixed times."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = CORE_DATE.sub(lambda m: m[1] + f"{day}T00:00:00Z" + m[2], part.decode("utf-8")).encode("utf-8")
            target.writestr(zipfile.ZipInfo(info.filename, info.date_time), part, zipfile.ZIP_DEFLATED)
    return out.getvalue()
