"""Document + Series + Figures → HTML, through the series' Jinja templates.

Content is only ever passed to templates as values, never compiled as a template, and
autoescaping is on, so `{{ … }}` or `<b>` in content prints as text. Markdown we render
ourselves (raw HTML disabled) is marked safe.
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from markupsafe import Markup

from report.cache import memo
from report.series import geometry
from report import languages
from report.errors import ContentError, ContentErrors, display_path
from report.source import markdown
from report.source.publication import Publication, running_head
from report.render import byline, sandbox, typeset
from report.model import Document, Figure, Html, Series

MAIN_ROLES = ("serif", "sans")
MONTHS = ("January February March April May June July August September October November "
          "December").split()


@dataclass(frozen=True)
class AuthorView:
    name: str
    affiliation: str | None
    bio_html: Markup | None


@dataclass(frozen=True)
class Recommendation:
    lead: Markup
    rest: Markup
    id: str | None = None  # rec-N, when the text refers to it (@rec-N)


@dataclass(frozen=True)
class Context:
    """What a template can use: the contract series authors write against."""

    doc: Document  # the checked front matter (doc.title, doc.number, doc.extra …)
    series: Series  # the resolved series: series.label, series.publisher, series.colors … (schemas.SERIES)
    title: str
    short_title: str  # for the running header
    number_line: str  # "No. 8 · 2024"
    date_text: str | None  # "March 2024"
    authors: tuple[AuthorView, ...]
    summary_html: Markup | None
    body_html: Markup
    notes_html: Markup | None
    recommendations: tuple[Recommendation, ...]
    disclaimer_html: Markup | None
    headings: tuple[markdown.Heading, ...]
    figures: tuple[Figure, ...]
    font_css: Markup  # @font-face rules and :root colour variables
    qr_src: str | None = None  # URL of the online version's QR code (SVG), when the document has a url
    metadata: tuple[tuple[str, str], ...] = ()  # <meta name content> pairs
    masthead_line: str = ""  # "No. 14 · 12 June 2025": number, then the date (the year only once)
    labels: languages.Labels = languages.Labels()  # the fixed words in the document's language: labels.summary …
    editions: tuple[tuple[str, str, str], ...] = ()  # (lang, name in that language, url) of the other editions
    # DOI, licence, ISSN, copyright, "Cite as" (report/source/publication.py); None for a bare context
    publication: Publication | None = None
    cite_as_html: Markup | None = None  # publication.cite_as_html, to print as it is
    license_badge_src: str | None = None  # the licence's badge (SVG), where it has one
    byline_stacked: bool = False  # several authors too long for one line: one author a line (render/byline.py)
    cover_src: str | None = None  # the cover's picture (front matter cover_image), in a series with a cover


def environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    """The Jinja environment of a series' template folders, one per process.

    Compiled templates are not kept between processes: Jinja's bytecode cache is pickled code,
    and the cache folder must never hold what runs."""
    return _environment(template_dirs)


@memo(maxsize=32)
def _environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    # Sandboxed: a series template is code we did not write (see `sandbox`).
    return sandbox.environment(template_dirs)


def font_css(series: Series) -> str:
    """The first layers of every stylesheet: @font-face from series.yaml, colour variables, then
    the page geometry (the @page rule and its variables, report/series/geometry.py)."""
    rules = []
    for role, face in sorted(series.fonts.items()):
        for weight, style, path in face.faces():
            rules.append(
                f'@font-face {{ font-family: "{face.family}"; src: url("{path.as_uri()}"); '
                + (f"font-weight: {weight}; " if weight else "")
                + f"font-style: {style}; }}")
    variables = [f"  --color-{name}: {value};" for name, value in sorted(series.colors.items())]
    # Roles other than serif and sans are fallbacks (Hebrew, Arabic …): every font stack ends
    # with them, so a script the main faces lack prints in a shipped font, never a system one.
    fallbacks = "".join(f', "{face.family}"' for role, face in sorted(series.fonts.items())
                        if role not in MAIN_ROLES)
    variables += [f'  --font-{role}: "{face.family}"{fallbacks if role in MAIN_ROLES else ""};'
                  for role, face in sorted(series.fonts.items())]
    # Ragged right hyphenates only where the rag would run deeper than the zone.
    ragged = series.text_align == "left"
    variables += [f"  --text-align: {'left' if ragged else 'justify'};",
                  f"  --hyphenate-zone: {'12%' if ragged else '0'};"]
    if series.oldstyle_figures:  # running text's figures (style.css); tables and headings keep lining
        variables += ["  --text-figures: oldstyle-nums proportional-nums;",
                      "  --lining-figures: lining-nums tabular-nums;"]
    return "\n".join(rules) + "\n:root {\n" + "\n".join(variables) + "\n}\n" + geometry.css(series)


def _missing_template(exc: jinja2.TemplateNotFound, series: Series) -> Exception:
    """The template file and line that asked for the missing one, found in the traceback."""
    path, line = series.folders[0] / "series.yaml", None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".jinja", ".j2")) and Path(name).is_file():
            path, line = Path(name), tb.tb_lineno
        tb = tb.tb_next
    searched = ", ".join(display_path(d) for d in series.template_dirs)
    return ContentErrors([ContentError(str(path), f"template {exc.name!r} not found; searched: {searched}", line)])


def date_text(doc: Document, labels: languages.Labels | None = None) -> str | None:
    """"12 June 2025" in the document's language: "12 juni 2025", "12 червня 2025"."""
    labels = labels or languages.Labels(doc.lang)
    if labels.lang == "en" and "date" not in labels.overrides and "month" not in labels.overrides and doc.date:
        year, month = int(doc.date[:4]), int(doc.date[5:7])  # English without loading Babel's dates
        if len(doc.date) == 10:
            return f"{int(doc.date[8:])} {MONTHS[month - 1]} {year}"
        return f"{MONTHS[month - 1]} {year}"
    return languages.date_text(doc.date, labels)


def masthead_line(doc: Document, labels: languages.Labels | None = None) -> str:
    """Number and date under the series label; the year is printed once, not "2025 · 12 June 2025"."""
    labels = labels or languages.Labels(doc.lang)
    when = date_text(doc, labels)
    parts = [labels.get("number", number=doc.number)] if doc.number else []
    if doc.year is not None and not (when and str(doc.year) in when):
        parts.append(str(doc.year))  # no date, or a date in another year than the issue's
    if when:
        parts.append(when)
    return " · ".join(parts)


def day_of(date: str) -> str:
    """A front matter's date as a day: "2025-03" is the first of its month."""
    return date if len(date) == 10 else date + "-01"


def created_date(doc: Document) -> str:
    """The PDF's date: the document's own, else SOURCE_DATE_EPOCH, else its year; never the clock."""
    if doc.date:
        return day_of(doc.date)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    return f"{doc.year}-01-01"


def proof_date(doc: Document) -> str:
    """The date a proof (PDF or Word) says it is of: SOURCE_DATE_EPOCH, else the document's own
    date, else its year; never the clock, so that the same folder gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    return doc.date or str(doc.year)


def context(doc: Document, series: Series, body: markdown.Body, figures: tuple[Figure, ...],
            qr_src: str | None = None, refs=None, publication: Publication | None = None,
            badge_src: str | None = None) -> Context:
    """`refs`: the document's labels (crossrefs.Registry), which `@rec-1` … in its texts name."""
    # The title and subtitle get the body's quotation marks and dashes (the summary, the
    # recommendations and the bios are Markdown, and get them as the body does).
    doc = replace(doc, title=markdown.smart_text(doc.title, doc.lang),
                  subtitle=markdown.smart_text(doc.subtitle, doc.lang) if doc.subtitle else doc.subtitle)
    labels = languages.labels_for(series, doc.lang)
    series = languages.edition(series, doc.lang)  # its label, disclaimer and publisher in the document's language
    number = f"{labels.get('number', number=doc.number)} · {doc.year}" if doc.number else str(doc.year)
    disclaimer = series.disclaimer
    if len(doc.authors) > 1 and series.disclaimer_plural:
        disclaimer = series.disclaimer_plural
    # One author a tag: WeasyPrint makes each a dc:creator of the PDF's XMP
    meta = [*(("author", a.name) for a in doc.authors),
            ("description", markdown.plain_text(doc.summary.split("\n\n")[0], "en", refs) if doc.summary else ""),
            ("keywords", ", ".join(doc.keywords)),
            ("generator", f"{series.name} report builder"),
            ("dcterms.created", created_date(doc)),
            ("dcterms.modified", created_date(doc))]
    return Context(
        doc=doc, series=series, title=doc.title,
        short_title=running_head(doc.title, doc.short_title and markdown.smart_text(doc.short_title, doc.lang)),
        number_line=number, date_text=date_text(doc, labels),
        authors=tuple(AuthorView(a.name, a.affiliation,
                                 Markup(markdown.render_block(a.bio, doc.lang, refs, labels)) if a.bio else None)
                      for a in doc.authors),
        summary_html=Markup(markdown.render_block(doc.summary, doc.lang, refs, labels)) if doc.summary else None,
        body_html=Markup(body.html), notes_html=Markup(body.notes_html) if body.notes_html else None,
        recommendations=tuple(
            Recommendation(*map(Markup, markdown.render_recommendation(r, doc.lang, refs, labels)),
                           id=refs.anchor(f"rec-{n}", None) if refs is not None else None)
            for n, r in enumerate(doc.recommendations, start=1)),
        disclaimer_html=Markup(markdown.render_block(disclaimer, doc.lang, labels=labels)) if disclaimer else None,
        headings=body.headings, figures=figures, font_css=Markup(font_css(series)),
        qr_src=qr_src,
        metadata=tuple((k, v) for k, v in meta if v),
        masthead_line=masthead_line(doc, labels),
        labels=labels,
        editions=tuple((e.lang, languages.language_name(e.lang), e.url) for e in doc.editions),
        publication=publication,
        cite_as_html=Markup(publication.cite_as_html) if publication and publication.cite_as_html else None,
        license_badge_src=badge_src,
        byline_stacked=byline.stacked(tuple((a.name, a.affiliation) for a in doc.authors), series),
    )


def render(ctx: Context, resources: dict[str, tuple[bytes, str]], pages: bool = True, hyphenation: Path | None = None) -> Html:
    """The document as HTML, with the desk's line-breaking rules (typeset.py; `hyphenation`:
    their cache folder): the web page gets the PDF's soft hyphens and unbroken spans too, its
    lines broken by the browser where the PDF's are by WeasyPrint. `pages`: for laying out pages."""
    from report.render import sandbox
    env = environment(ctx.series.template_dirs)
    try:
        # the template gets values only (`sandbox.plain`): no Path to read or write through
        text = sandbox.render(env, ctx.series.template, ctx=ctx, doc=ctx.doc, series=ctx.series)
    except jinja2.TemplateNotFound as exc:  # seriescheck finds these first; a computed name gets here
        raise _missing_template(exc, ctx.series) from None
    # the web page too has the PDF's hyphens and no-break spans; small capitals are the PDF's
    text = typeset.typeset(text, ctx.doc.lang, tuple(a.name for a in ctx.doc.authors), cache=hyphenation,
                           acronyms=ctx.series.small_caps_acronyms and pages)
    css = tuple(c for c in (languages.page_css(ctx.labels),
                            languages.reference_page_css(ctx.labels) if pages and ctx.series.crossref_pages else "")
                if c)
    return Html(text=text, base_url=ctx.doc.folder.resolve().as_uri() + "/",
                stylesheets=ctx.series.stylesheets, resources=resources,
                lang=ctx.doc.lang, title=ctx.title, css=css)
