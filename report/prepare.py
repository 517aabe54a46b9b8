"""One document read, checked and rendered as HTML: everything short of drawing the charts and
laying out the pages, so all that `--check` does.

`prepare` reads and checks everything (front matter under its series' rules, charts, every
reference in the body, characters against the series' fonts, templates and stylesheets) and
raises every problem at once; `figures` and `html_for` make the document's HTML; `check` is
`--check` for one folder. The output side (layout, PDF, web page, citation files) is
`report.pipeline`'s, which a check never imports: a check loads the readers and the series,
not WeasyPrint's wrappers, the imposition or the writers.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path

from report import cache as kept, languages
from report.source import accessibility as a11y_source, body_checks, files as contentfile, pictures
from report.source import chartspec
from report.source import crossref_checks
from report.source import document as content
from report.fonts import coverage
from report.source import markdown
from report.source import publication as publishing
from report.outputs import web as web_mod
from report.source import citeproc  # Pandoc itself only runs for a document that cites
from report.source import library as citing
from report.series import css, resolve
from report.errors import ContentError, ContentErrors, Problems, quote
from report.model import ChartStyle, Document, Figure, Html, Series
from report.render import charts as chart_drawing, context, rail, sandbox, webcharts
from report.render.qr import qr_svg
from report.render.badge import license_badge

@dataclass(frozen=True)
class Options:
    out_dir: Path = Path("out")
    formats: tuple[str, ...] = ("pdf",)
    series: str | None = None  # --series: overrides the front matter
    style_roots: tuple[Path, ...] = ()  # extra folders of series, searched first
    pdf_variant: str | None = "pdf/ua-1"
    cache: Path = field(default_factory=kept.folder)
    preflight: bool = False  # check each PDF as a print shop would
    low_memory: bool = False  # helpers one at a time, never beside WeasyPrint (see workers.py)
    progress: bool = False  # say on stderr when each format is made (a long multi-format build)
    # --bundle: where a reader may find document folders besides its own folder (data/, --documents-root)
    document_roots: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A document that passed every check: ready to draw and render."""

    doc: Document
    series: Series
    tokens: list
    env: dict  # the parse's environment; env["crossrefs"]: the labels (crossrefs.Registry)
    refs: tuple[markdown.Reference, ...]
    cited: citeproc.Cited | None = None  # the formatted citations, when the body cites
    warnings: tuple[str, ...] = ()  # printed, never stopping the build
    placeholders: tuple[ContentError, ...] = ()  # left in the text: a warning; for --preflight, a problem
    accepted: tuple[str, ...] = ()  # placeholders the front matter lets through (placeholders_accepted)
    publication: publishing.Publication | None = None  # DOI, licence, ISSN, "Cite as" …


def prepare(folder: Path, options: Options, raw: content.RawDocument | None = None) -> Prepared:
    """Read and check everything; raise `ContentErrors` with every problem found. `raw`:
    `document.md` as already read (a proof's, mended)."""
    problems, warnings = Problems(), Problems()
    raw = raw or content.read(folder, problems)
    if raw is None:
        problems.raise_if_any()
    series_id = options.series or raw.series_id
    where = ("--series", None) if options.series else (str(raw.path), raw.front.key_pos.get("series", (None,))[0])
    series = None
    if not options.series and isinstance(series_id, str) and not resolve.SERIES_ID.match(series_id):
        # A folder path is for --series only: content must not pick templates from anywhere.
        problems.add(raw.path, f"{quote(series_id)} is not a series id (lowercase letters, digits and '-')",
                     where[1], None, "series")
    elif isinstance(series_id, str):
        series = resolve.resolve(series_id, problems, resolve.series_roots(options.style_roots), where)
    # An unknown series still gets its front matter checked, under the base rules.
    rules = series or resolve.resolve(resolve.BASE, Problems())
    doc = content.check(raw, rules, problems, options.series)
    before = len(problems)
    charts = chartspec.load_charts(folder, problems)
    broken = _broken_chart_ids(folder, charts) if len(problems) > before else set()  # reported already
    body_checks.lines(raw.body, raw.path, raw.body_line, problems)  # bounds before the parser sees it
    body_checks.front_matter(raw.front, raw.path, problems)
    # A citation style that sets citations as notes makes them footnotes as the body is parsed.
    notes = "@" in raw.body and series is not None and citing.is_note_style(series)
    lang = doc.lang if doc is not None else "en"
    tokens, env = markdown.parse(raw.body, lang, notes, languages.labels_for(series, lang) if series is not None else None)
    body_checks.tokens(tokens, raw.path, raw.body_line, problems)
    body_checks.unreferenced_notes(env, raw.body, raw.path, raw.body_line, problems)
    body_checks.notes_without_text(tokens, raw.body, raw.path, raw.body_line, problems)
    body_checks.character_references(tokens, raw.body, raw.path, raw.body_line, problems)
    refs = tuple(markdown.references(tokens, raw.body_line))
    body_checks.figures(refs, raw.path, problems)
    for missing in a11y_source.missing_alt(refs, str(raw.path)):  # a tagged PDF cannot hold such a picture
        problems.add(raw.path, missing.message, missing.line)
    _check_body(raw.path, folder, tokens, raw.body_line, refs, charts, broken, problems)
    env["crossrefs"] = crossref_checks.collect(
        tokens, env, doc, refs, bool(series and series.numbered_sections),
        crossref_checks.Source(raw.path, raw.body_line, raw.body.split("\n")), raw.front, problems, warnings,
        series.uncaptioned_tables if series is not None else "warn")
    cited = None
    if doc is not None and series is not None and env.get("citations"):  # only a document that cites
        cited = citeproc.cite(raw, doc, series, env, problems, options.cache, raw.body_line)
        if cited is not None:
            citeproc.reference_list_into(tokens, cited, series, doc.lang)
            for line in cited.warnings:
                print(line, file=sys.stderr)
    if series is not None:  # a template's syntax error, a stylesheet's url(), found by --check too
        assets = tuple(a for a in (resolve.find_asset(series, n) for n in ("web.css", "print.css")) if a)
        css.check(series.stylesheets + assets, series.folders, problems, options.cache / "css-addresses")
        sandbox.problems(context.environment(series.template_dirs),
                         series.template_dirs, series.template, problems)
    if doc is not None and series is not None:
        coverage.check(replace(doc, charts=charts), raw.front, series, problems, options.cache / "font-coverage")
    if "docx" in options.formats and doc is not None and series is not None:
        _word_proof_allowed(raw, doc, series, problems)
    if doc is not None and series is not None and doc.cover_image is not None:
        _check_cover_image(raw, doc, series, problems, warnings)
    publication = None
    if doc is not None and series is not None:  # identifiers and "Cite as", in the series' citation style
        publishing.check(doc, series, raw.front, raw.path, warnings)
        if not problems:
            publication = publishing.of(doc, series)
        # "Cite as" is one Pandoc run (cached): made only where a page prints it, not for every --check
        if publication is not None and (publication.citable or series.back_cover):
            publication = publishing.cite(publication, series, problems, options.cache)
    left, accepted = content.placeholders_left(raw, doc, series.placeholders if series else (), warnings)
    if problems:  # the warnings with them: every line the editor should see, at once
        raise ContentErrors(list(problems) + list(warnings) + [content.as_warning(e) for e in left])
    return Prepared(replace(doc, charts=charts), series, tokens, env, refs, cited,
                    tuple(str(w) for w in sorted(warnings, key=lambda w: w.sort_key())), left, accepted,
                    publication)


def _word_proof_allowed(raw, doc: Document, series: Series, problems: Problems) -> None:
    """`--format docx` where the series or the document turns the Word proof off: a problem."""
    if not series.word_proof:
        problems.add(raw.path, f"--format docx: the series {quote(series.id)} writes no Word proof "
                     "(its series.yaml says word_proof: false)")
    elif not doc.word_proof:
        problems.add(raw.path, "--format docx: this document asks for no Word proof",
                     raw.front.key_pos.get("word_proof", (None,))[0], None, "word_proof")


def _broken_chart_ids(folder: Path, charts: dict) -> set[str]:
    """Ids that charts.yaml defines but that failed their checks (already reported there)."""
    try:
        text = contentfile.read(folder / "charts.yaml", folder, content.MAX_FILE_BYTES).decode("utf-8")
    except (contentfile.Refused, UnicodeDecodeError):
        return set()
    return {m[1] for m in re.finditer(r"^([A-Za-z0-9_-]+)\s*:", text, re.M)} - set(charts)


def _unknown_chart(chart_id: str, defined: set[str], folder: Path) -> str:
    """The ids charts.yaml defines (those with a problem of their own too), the near one first."""
    if not defined:
        return "unknown chart; " + ("charts.yaml defines none" if os.path.lexists(folder / "charts.yaml")
                                    else "there is no charts.yaml in the document folder")
    close = difflib.get_close_matches(chart_id, sorted(defined), n=1, cutoff=0.6) if len(chart_id) <= 100 else []
    near = f"did you mean {quote(close[0])}? " if close else ""
    return f"unknown chart; {near}charts.yaml defines: {', '.join(sorted(defined))}"


def _check_body(path, folder, tokens, first_line, refs, charts, broken, problems) -> None:
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h1":
            line = first_line + token.map[0]
            problems.add(path, "use '##' for sections: the title comes from the front matter", line)
    shown: dict[str, int] = {}
    for ref in refs:
        if ref.target in shown:
            problems.add(path, f"{quote(ref.target)} is already shown as a figure on line {shown[ref.target]}; "
                         "refer to it by its number instead", ref.line)
            continue
        shown[ref.target] = ref.line
        if ref.in_note:  # a note is a line of small text: no figure is drawn there
            problems.add(path, f"{quote(ref.target)}: a chart or picture cannot be shown inside a footnote",
                         ref.line)
            continue
        chart_id = ref.chart_id
        if chart_id is not None:
            if chart_id in broken:
                continue
            if chart_id not in charts:
                problems.add(path, _unknown_chart(chart_id, set(charts) | broken, folder), ref.line, None,
                             f"chart {quote(chart_id)}")
            elif not ref.alone:
                problems.add(path, "a chart must stand alone in its own paragraph", ref.line, None,
                             f"chart {quote(chart_id)}")
            continue
        target = ref.target
        problem = picture_problem(folder, target)
        if problem is not None:
            problems.add(path, f"picture {quote(target)} {problem}", ref.line)
        elif not ref.alone:
            problems.add(path, f"picture {quote(target)} must stand alone in its own paragraph", ref.line)


def _check_cover_image(raw, doc: Document, series: Series, problems: Problems, warnings: Problems) -> None:
    """The front matter's cover picture: a picture file of the document folder, as the body's are."""
    line, column = raw.front.value_pos.get("cover_image") or raw.front.key_pos.get("cover_image", (None, None))
    problem = picture_problem(doc.folder, doc.cover_image)
    if problem is not None:
        problems.add(raw.path, f"picture {quote(doc.cover_image)} {problem}", line, column, "cover_image")
    elif not series.cover:
        warnings.add(raw.path, f"the series {quote(series.id)} has no cover: the picture is not printed",
                     line, column, "cover_image")


def picture_problem(folder: Path, target: str) -> str | None:
    """What is wrong with a picture file (see `pictures`), in words after its name; None when fine."""
    if "://" in target or target.startswith(("/", "data:", "file:")) or ":" in target.split("/")[0]:
        return "must be a file inside the document folder"
    try:
        pictures.read(folder / target, folder)
    except contentfile.Refused as exc:
        reason = str(exc)
        if reason == "file not found":
            return "not found"
        outside = reason.startswith(("is a link to a file outside", "is outside"))
        return "is outside the document folder" if outside else reason
    return None


def chart_style(series: Series, lang: str = "en") -> ChartStyle:
    sans = series.fonts["sans"]
    colors = series.colors
    return ChartStyle(
        font_family=sans.family, font_file=sans.normal, bold_file=sans.bold, font_size=8.5,
        colors=series.chart_colors, text=colors["text"], muted=colors.get("muted", colors["text"]),
        highlight=colors["accent"], width_in=float(series.chart_width_mm) / 25.4, lang=lang,
    )


def figures(prepared: Prepared, options: Options, drawing: frozenset[str] = frozenset(),
            style: ChartStyle | None = None, phone: bool = False) -> tuple[Figure, ...]:
    """The figures, numbered in order of first reference (pictures share the numbering).

    A chart whose id is in `drawing` (a helper is drawing it) gets a blank placeholder of the
    same size, which is all that layout needs. `style`: the charts' style (default: the print's).
    `phone`: each chart as the web page's phone drawing (`render.webcharts.phone_spec`).
    """
    style = style or chart_style(prepared.series, prepared.doc.lang)
    labels = languages.labels_for(prepared.series, prepared.doc.lang)  # the alt texts' words
    numbered: dict[str, Figure] = {}
    for ref in prepared.refs:
        if ref.target in numbered:
            continue
        number = len(numbered) + 1
        if ref.chart_id:
            spec = prepared.doc.charts[ref.chart_id]
            drawn = webcharts.phone_spec(spec, style) if phone else spec
            svg = (chart_drawing.placeholder(style) if spec.id in drawing
                   else chart_drawing.draw_cached(drawn, style, options.cache / "charts"))
            numbered[ref.target] = Figure(spec.id, number, ref.caption, svg,
                                          chart_drawing.alt_text(spec, prepared.doc.lang, labels),
                                          spec.source, spec.note, spec.title)
        else:
            numbered[ref.target] = Figure(ref.target, number, ref.title or ref.caption, b"", ref.caption)
    return tuple(numbered.values())


def html_for(prepared: Prepared, figs: tuple[Figure, ...], web: bool, cache: Path | None = None,
             phone: tuple[Figure, ...] = ()) -> Html:
    """The document as HTML: charts as `report:` resources for WeasyPrint, or inline for the web
    (with `phone`, each chart's phone drawing beside it, `figures(phone=True)`)."""
    resources: dict[str, tuple[bytes, str]] = {}
    blocks: dict[str, str] = {}
    xrefs = prepared.env.get("crossrefs")
    phones = dict(zip(dict.fromkeys(r.target for r in prepared.refs), phone))
    for ref_target, fig in zip(dict.fromkeys(r.target for r in prepared.refs), figs):
        ident = xrefs.figure_anchor(ref_target, fig.number) if xrefs else f"figure-{fig.number}"
        if fig.svg and web:
            small = phones.get(ref_target)
            media = web_mod.chart_html(fig.svg, small.svg if small is not None else None, ident, fig.alt)
        elif fig.svg:
            url = f"report:chart-{fig.id}.svg"
            resources[url] = (fig.svg, "image/svg+xml")
            media = f'<img src="{url}" alt="{escape(fig.alt)}">'
        else:
            src = ref_target
            if web:
                picture = pictures.read(prepared.doc.folder / ref_target, prepared.doc.folder)
                src = web_mod.data_uri(picture.data, picture.mime)
            media = f'<img src="{escape(src)}" alt="{escape(fig.alt)}">'
        blocks[ref_target] = markdown.figure_html(fig.number, fig.caption, media, ident, fig.source, fig.note,
                                                  "chart" if fig.svg else "picture", prepared.doc.lang, xrefs,
                                                  languages.labels_for(prepared.series, prepared.doc.lang))
    body = markdown.render_body(prepared.tokens, prepared.env, blocks,
                              sandbox.template_ids(prepared.series.template_dirs))
    body = rail.used(body, prepared.series.notes, prepared.doc.key_figures, pages=not web)  # notes, pull quotes …
    qr_src = None
    if prepared.doc.url and not web:  # a QR code is for paper: on screen the address is a link
        qr_src = "report:qr.svg"
        resources[qr_src] = (qr_svg(prepared.doc.url, prepared.series.colors["primary"]), "image/svg+xml")
    badge_src = None
    pub = prepared.publication
    if pub is not None and pub.license is not None and pub.license.badge:
        svg = license_badge(pub.license.badge)
        badge_src = web_mod.data_uri(svg, "image/svg+xml") if web else "report:license-badge.svg"
        resources["report:license-badge.svg"] = (svg, "image/svg+xml")
    ctx = context.context(prepared.doc, prepared.series, body, figs, qr_src, xrefs, pub, badge_src)
    if prepared.doc.cover_image and prepared.series.cover:
        picture = pictures.read(prepared.doc.folder / prepared.doc.cover_image, prepared.doc.folder)
        cover_src = web_mod.data_uri(picture.data, picture.mime) if web else "report:cover-image"
        resources["report:cover-image"] = (picture.data, picture.mime)
        ctx = replace(ctx, cover_src=cover_src)
    return context.render(ctx, resources, pages=not web,
                         hyphenation=cache and cache / "hyphenation")


@dataclass(frozen=True)
class Built:
    paths: tuple[Path, ...]
    preflight: tuple[str, ...] = ()  # the preflight report, one line a problem
    preflight_failed: bool = False
    seconds: tuple[tuple[str, float], ...] = ()  # (format, seconds) of each output
    warnings: tuple[str, ...] = ()  # what the editor should see; the build went on
    notes: tuple[str, ...] = ()  # information for stdout (the placeholders a preflight let through)


def check(folder: Path, options: Options) -> Built:
    """Every check short of layout: read and check, then render the HTML as the build does
    (charts as placeholders, nothing drawn), which finds a template's runtime error. Nothing is
    written; the warnings are handed back, for the command line to print (a series' once)."""
    prepared = prepare(folder, options)
    ids = frozenset(r.chart_id for r in prepared.refs if r.chart_id)
    html_for(prepared, figures(prepared, options, ids), web=False, cache=options.cache)
    return Built((), warnings=(
        prepared.warnings + tuple(str(content.as_warning(e)) for e in prepared.placeholders)
        + tuple(languages.fallbacks(prepared.series, prepared.doc.lang))  # series texts not in the document's language
        + (prepared.cited.unused if prepared.cited is not None else ())))  # library entries never cited



__all__ = ["Built", "Options", "Prepared", "check", "chart_style", "figures", "html_for", "picture_problem", "prepare"]
