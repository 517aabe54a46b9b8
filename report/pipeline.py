"""One document, start to finish: `build` shows the whole run on one screen.

Order matters: everything is read and checked first (front matter under its series' rules,
charts, every reference in the body), so that an editor gets every problem in one run and
nothing is drawn or written for a document that cannot build. Then the charts are drawn (cached
by content and style), the HTML rendered, the pages laid out and drawn, and every output written
at once. `--watch`, `--bundle` and the benchmark use these same stages.
"""

from __future__ import annotations

import calendar
import difflib
import os
import re
import sys
import time
from dataclasses import dataclass, field, replace
from functools import partial
from html import escape
from pathlib import Path

from report import cache as kept, internals, languages
from report.source import accessibility as a11y_source, body_checks, files as contentfile, pictures
from report.source import chartspec
from report.source import crossref_checks
from report.source import document as content
from report.fonts import coverage
from report.fonts import faces
from report.source import markdown
from report.source import proofing
from report.source import publication as publishing
from report.outputs import names, web as web_mod
from report.outputs import card as cards, citation, discovery, registration
from report.source import citeproc  # Pandoc itself only runs for a document that cites
from report.source import library as citing
from report.outputs import files as output
from report.series import css, resolve
from report.errors import BuildError, ContentError, ContentErrors, Problems, display_path, quote
from report.layout import imposition, metadata as pdf_metadata, pagefoot, pages, proofpages, source_lines
from report.layout import sidenotes
from report.layout.floats import settle
from report.model import ChartStyle, Document, Figure, Html, Series
from report.render import charts as chart_drawing, context, proofmarks, rail, sandbox, webcharts
from report.render.qr import qr_svg
from report.render.badge import license_badge
from report.series.press import press as press_colors

# Lazy: the preflight (about 0.1 s), only for --preflight; the accessibility checks (pikepdf, about
# 0.3 s), for --preflight and --format a11y; the Word proof (about 0.1 s: the Word reader, its
# styles), only for --format docx. WeasyPrint and matplotlib are imported
# inside layout.pages and render.charts, when a PDF or a chart is made: `--check` loads neither.

FORMATS = ("pdf", "print", "html", "docx", "a11y", "cite", "crossref", "datacite")
# A proof is named so that it cannot be taken for what goes to press: "proof" (--proof) is a
# screen PDF with the problems on its pages, never made beside another format; a Word file is
# only ever a proof, for the author. cite writes three files: citation.SUFFIXES.
SUFFIX = {"pdf": ".pdf", "print": ".print.pdf", "html": ".html", "proof": ".proof.pdf", "docx": ".proof.docx",
          "crossref": ".crossref.xml", "datacite": ".datacite.json"}
CHECKED = ("pdf", "html")  # what --format a11y alone makes, in memory, to check


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
        css.check(series.stylesheets + assets, series.folders, problems)
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


class Charts:
    """A document's figures while its outputs are made.

    Charts missing from the cache start drawing in a helper process (on the other core) while
    this one imports WeasyPrint and lays the pages out; `figures()` then holds placeholders and
    `drawn()` the real ones. No helper where every chart is cached or a helper would not pay
    (one core, matplotlib loaded, a -j worker). In low-memory mode the helper draws them all and
    exits before the layout starts, so matplotlib never shares the memory with WeasyPrint.
    """

    def __init__(self, prepared: Prepared, options: Options):
        self.prepared, self.options = prepared, options
        self.background = None
        specs = list({prepared.doc.charts[r.chart_id].id: prepared.doc.charts[r.chart_id]
                      for r in prepared.refs if r.chart_id}.values())
        if specs and options.low_memory:
            chart_drawing.draw_apart(specs, chart_style(prepared.series, prepared.doc.lang), options.cache / "charts")
        elif specs:
            self.background = chart_drawing.draw_in_background(specs, chart_style(prepared.series, prepared.doc.lang),
                                                               options.cache / "charts")

    def __enter__(self) -> "Charts":
        return self

    def __exit__(self, *exc) -> None:
        self.done()

    @property
    def pending(self) -> frozenset[str]:
        return frozenset(self.background.ids) if self.background is not None else frozenset()

    def figures(self) -> tuple[Figure, ...]:
        return figures(self.prepared, self.options, self.pending)

    def drawn(self) -> tuple[Figure, ...]:
        self.done()
        return figures(self.prepared, self.options)

    def done(self) -> None:
        if self.background is not None:
            self.background.wait()
            self.background = None

    def getters(self) -> dict:
        """url → the real SVG, waited for when its page is drawn (or drawn here, should the helper fail)."""
        def getter(chart_id):
            def get() -> bytes:
                self.background.wait_for(chart_id)
                return chart_drawing.draw_cached(self.prepared.doc.charts[chart_id],
                                                 chart_style(self.prepared.series, self.prepared.doc.lang),
                                                 self.options.cache / "charts")
            return get

        return {f"report:chart-{chart_id}.svg": getter(chart_id) for chart_id in self.pending}


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
class Output:
    format: str
    data: bytes  # written as <stem> + SUFFIX[format], when the format has one
    preflight: tuple | None = None  # the preflight's problems, or None when not asked for
    seconds: float = 0.0
    files: tuple[tuple[str, bytes], ...] = ()  # (suffix, bytes): more files beside it (the card, citations)


def registration_files(prepared: Prepared, fmt: str) -> tuple[tuple[str, bytes], ...]:
    """The citation files (cite), or a registration file (crossref, datacite); a document that
    lacks what the file needs is an error, and nothing is written."""
    rec = citation.record(prepared.publication, prepared.doc, prepared.series)
    if fmt == "cite":
        return citation.files(rec, prepared.publication)
    try:
        if fmt == "crossref":
            return ((SUFFIX[fmt], registration.crossref(rec, prepared.series.crossref, prepared.doc.url)),)
        return ((SUFFIX[fmt], registration.datacite(rec)),)
    except registration.Refused as exc:
        path = (prepared.series.folders[0] / "series.yaml" if exc.field == "crossref"
                else prepared.doc.folder / "document.md")
        raise ContentErrors([ContentError(display_path(path), str(exc), None, None, exc.field)]) from None


@dataclass(frozen=True)
class Built:
    paths: tuple[Path, ...]
    preflight: tuple[str, ...] = ()  # the preflight report, one line a problem
    preflight_failed: bool = False
    seconds: tuple[tuple[str, float], ...] = ()  # (format, seconds) of each output
    warnings: tuple[str, ...] = ()  # what the editor should see; the build went on
    notes: tuple[str, ...] = ()  # information for stdout (the placeholders a preflight let through)


def build(folder: Path, options: Options, preview=None) -> Built:
    """Build one document folder into every requested format: the whole run."""
    proof = None
    if "proof" in options.formats:                       # --proof: what can be shown is shown, not stopped at
        prepared, proof = prepare_proof(folder, options)
    else:
        prepared = prepare(folder, options)              # read and check: every problem, or stop here
    with Charts(prepared, options) as charts:            # drawn or cached; a helper may draw beside us
        if preview is not None:
            preview(prepared, charts)                    # --watch --serve: the web page first
        try:
            outputs = [_said(produce(prepared, charts, fmt, options, proof), folder, options)
                       for fmt in made_formats(options)]      # HTML, pages, PDF
            found = accessibility(prepared, charts, outputs, options)  # --preflight, --format a11y
        except BuildError as exc:                        # found in layout: placed at its nearest line
            raise source_lines.located(exc, prepared) from None
    return write(prepared, outputs, options, found)      # every format, or none


def made_formats(options: Options) -> tuple[str, ...]:
    """The outputs to make: those asked for; for the accessibility report alone, the screen PDF
    and the web page, checked but not written."""
    formats = tuple(f for f in options.formats if f != "a11y")
    return formats or CHECKED


def accessibility(prepared: Prepared, charts: Charts, outputs: list, options: Options) -> list | None:
    """The accessibility findings (source, PDF, colours, web page), when asked for."""
    if not (options.preflight or "a11y" in options.formats):
        return None
    from report.outputs import a11y_report
    by_format = {out.format: out.data for out in outputs}
    pdf = by_format.get("pdf")
    pdf_html = html_for(prepared, charts.drawn(), web=False, cache=options.cache) if pdf is not None else None
    web = by_format["html"].decode("utf-8") if "html" in by_format else None
    web_css = [(str(p), p.read_text(encoding="utf-8")) for p in
               prepared.series.stylesheets + (resolve.find_asset(prepared.series, "web.css"),) if p]
    return a11y_report.findings(prepared, pdf, pdf_html, web, web_css, options.pdf_variant or "pdf/ua-1")


def _said(out: "Output", folder: Path, options: Options) -> "Output":
    if options.progress:
        print(f"{display_path(folder)}: {out.format} made in {out.seconds:.1f} s", file=sys.stderr, flush=True)
    return out


def prepare_proof(folder: Path, options: Options) -> tuple[Prepared, tuple[proofmarks.Shown, ...]]:
    """`prepare` for a proof: the problems the page can show are mended and kept to be shown
    (`source.proofing`), in rounds, since a mended document is checked further; any other problem
    stops the build as without --proof. Then the placeholders left, numbered in reading order."""
    raw, marks = None, []
    for _ in range(ROUNDS):
        try:
            prepared = prepare(folder, options, raw)
            break
        except ContentErrors as exc:
            raw = raw or content.read(folder, Problems())
            errors = [e for e in exc.errors if not e.message.startswith("warning: ")]
            mended = proofing.mend(raw, errors) if raw is not None else None
            if mended is None or not mended.marks:
                raise
            raw, marks = mended.raw, marks + list(mended.marks)
    else:
        prepared = prepare(folder, options, raw)  # the last round's problems, as they are
    marks += [proofing.Mark(e, quote_free(e.message)) for e in prepared.placeholders]
    marks.sort(key=lambda m: m.problem.sort_key())
    shown = tuple(proofmarks.Shown(n, f"{Path(m.problem.path).name}:{m.problem.line}"
                                   + (f":{m.problem.column}" if m.problem.column else ""),
                                   (f"{m.problem.field}: " if m.problem.field else "") + m.problem.message, m.text)
                  for n, m in enumerate(marks, 1))
    notices = tuple(str(replace(m.problem, message=f"shown in the proof: {s.message}", field=None))
                    for m, s in zip(marks, shown))
    return replace(prepared, warnings=prepared.warnings + notices, placeholders=()), shown


# A mended document may show problems its first check could not reach (a body checked once the
# front matter is whole; a reference to a chart the mending took out).
ROUNDS = 4


def quote_free(message: str) -> str:
    """The text of a placeholder problem (`still a placeholder: 'X'`): X."""
    text = message.split("still a placeholder: ", 1)[-1]
    text = text[1:-1] if len(text) > 1 and text[0] == "'" and text[-1] in "'…" else text
    return text.removesuffix("…")  # cut short in the message: its start is highlighted


def web_page(prepared: Prepared, options: Options) -> tuple[bytes, bytes]:
    """The web page, with its discovery metadata and "Cite as" actions, and its card image."""
    print_style = chart_style(prepared.series, prepared.doc.lang)
    html = html_for(prepared, figures(prepared, options, style=webcharts.wide_style(print_style)),
                    web=True, cache=options.cache,
                    phone=figures(prepared, options, style=webcharts.phone_style(print_style), phone=True))
    rec = citation.record(prepared.publication, prepared.doc, prepared.series)
    card = cards.draw(rec, languages.edition(prepared.series, prepared.doc.lang), prepared.publication.short_title)
    labels = languages.labels_for(prepared.series, prepared.doc.lang)
    text = discovery.into_page(html.text, rec, card, labels, "cite" in options.formats)
    pdf = names.stem(prepared.doc, prepared.series) + SUFFIX["pdf"]  # beside the page, in this series too
    text = web_mod.section_nav(web_mod.pdf_link(text, pdf, labels.get("download-pdf")), labels.contents)
    policy = web_mod.CSP  # plus the copy button's script, where the page has a "Cite as" to copy
    if discovery.COPY_SCRIPT in text:
        policy = web_mod.with_script(policy, discovery.COPY_SCRIPT)
    page = web_mod.standalone(text, prepared.series, resolve.find_asset(prepared.series, "web.css"), policy=policy)
    return page.encode("utf-8"), card.png


def produce(prepared: Prepared, charts: Charts, fmt: str, options: Options,
            proof: tuple[proofmarks.Shown, ...] | None = None) -> Output:
    """One output's bytes (and the preflight's findings, when asked for). `proof`: the problems
    a proof shows (format "proof")."""
    start = time.perf_counter()
    if fmt == "html":
        page, card = web_page(prepared, options)
        return Output(fmt, page, None, time.perf_counter() - start, files=((".card.png", card),))
    if fmt in ("cite", "crossref", "datacite"):
        return Output(fmt, b"", None, time.perf_counter() - start, files=registration_files(prepared, fmt))
    if fmt == "docx":
        from report.outputs import word_proof
        return Output(fmt, word_proof.make(prepared, charts.drawn(), chart_style(prepared.series, prepared.doc.lang),
                                           epoch(prepared.doc)), None, time.perf_counter() - start)
    allowed = (prepared.doc.folder,) + prepared.series.folders + (resolve.TEMPLATES,)
    extra = ()
    if fmt == "print":  # print.css, then the press imposition (facing pages, folios, one ink, the slug)
        extra = ((resolve.find_asset(prepared.series, "print.css").read_text(encoding="utf-8"),)
                 + imposition.css(prepared.series, names.stem(prepared.doc, prepared.series) + SUFFIX[fmt],
                                  context.created_date(prepared.doc)))

    def lay_out(figs, drawn=None):  # figures and boxes that left a hole are moved, and the pages laid out again
        html = html_for(prepared, figs, web=False, cache=options.cache)
        if fmt == "print":
            html = imposition.black_qr(html, prepared.doc.url, prepared.series)
        if proof is not None:
            html = proofmarks.highlight(html, proof)
        paged = partial(pages.layout, allowed=allowed, extra_css=extra, cache=options.cache)
        if drawn is not None:  # the same pages again, with their proof drawings as backgrounds
            paged = (lambda h: pages.layout(replace(h, resources={**h.resources, **drawn[1]}, css=h.css + (drawn[0],)),
                                            allowed=allowed, extra_css=extra, cache=options.cache))
        # notes in the rail stacked, those it cannot hold at the foot; on facing pages in the outer margin
        paged = sidenotes.stacked(paged, fmt == "print" and imposition.of(prepared.series).mirrored)
        return settle(html, paged, layout_context(prepared, extra, options.cache), store=options.cache / "layouts",
                      finish=pagefoot.mender(languages.labels_for(prepared.series, prepared.doc.lang)))

    document = lay_out(charts.figures() if proof is None else charts.drawn())
    faces.check(document, prepared.series, options.cache / "font-coverage")  # no face the series lacks, never a stand-in
    if charts.pending and not internals.swap_images(document, charts.getters()):
        document = lay_out(charts.drawn())
    if proof is not None:  # line numbers and notes where the first layout set the lines
        css_text, drawn, baselines = proofpages.drawings(document, prepared.series, context.proof_date(prepared.doc), proof)
        document = lay_out(charts.drawn(), (css_text, drawn))
        proofpages.second(document, baselines)
    press = None
    if fmt == "print":
        press = replace(press_colors(prepared.series), overprint=imposition.of(prepared.series).overprint)
    archive = fmt != "print" and (options.pdf_variant or "").startswith("pdf/a")  # PDF/A: PRISM described
    info = pdf_metadata.of(prepared.publication, archive) if prepared.publication is not None else None
    pdf_options = pages.PdfOptions(options.pdf_variant, print_ready=fmt == "print", epoch=epoch(prepared.doc),
                                 press=press, metadata=info)
    def imposed(document):  # print: blank pages up to the series' multiple, the back cover last
        if fmt != "print":
            return document
        return imposition.padded(document, prepared.series, extra, prepared.series.back_cover)

    try:
        document = imposed(document)
        data = pages.write(document, pdf_options)
    except internals.ImageSizeChanged:  # a chart is not its placeholder's size after all
        document = imposed(lay_out(charts.drawn()))
        data = pages.write(document, pdf_options)
    problems = None
    if options.preflight:
        from report.outputs import preflight
        problems = preflight.check(document, data, print_mode=fmt == "print", accepted=prepared.accepted)
    return Output(fmt, data, problems, time.perf_counter() - start)


def layout_context(prepared: Prepared, extra: tuple[str, ...], cache: Path | None = None) -> str:
    """Everything besides the HTML that decides where the pages break: the series' files (its
    stylesheets, fonts, pictures), the document's pictures, the extra stylesheets, the series'
    settings (chart sizes), and the versions of WeasyPrint and of the code that moves figures."""
    series = [(folder, p) for folder in prepared.series.folders for p in sorted(folder.rglob("*")) if p.is_file()]
    # Names too, not only contents: a stylesheet names its fonts and pictures, so a file renamed
    # is another layout.
    names = [p.relative_to(folder).as_posix() for folder, p in series]
    files = [p for _, p in series] + [prepared.doc.folder / r.target for r in prepared.refs if not r.chart_id]
    return kept.fingerprint("layout", [repr(prepared.series), list(extra), internals.layout_libraries(cache), names],
                            files=files, languages=[prepared.doc.lang])


def epoch(doc: Document) -> int:
    """The document's date (`context.created_date`) in seconds: what fonts made while writing are dated."""
    return calendar.timegm(tuple(map(int, context.created_date(doc).split("-"))) + (0, 0, 0))


def write(prepared: Prepared, outputs: list[Output], options: Options, found: list | None = None) -> Built:
    """Write every output (each atomically), and gather the preflight's report."""
    report: list[str] = []
    failed = False
    stem = names.stem(prepared.doc, prepared.series)
    if found is not None:
        from report.outputs import a11y_report
    if options.preflight:  # placeholders are the preflight's problems
        report += [f"{e}; replace it before the document goes to press" for e in prepared.placeholders]
        failed = bool(prepared.placeholders)
    if options.preflight and found:  # and the accessibility findings
        report += a11y_report.lines(found, prepared.doc.folder, {
            out.format: options.out_dir / (stem + SUFFIX[out.format]) for out in outputs})
        failed = True
    for out in outputs:
        if out.format == "proof" and options.preflight:  # a proof never goes to press, however clean
            target = display_path(options.out_dir / (names.stem(prepared.doc, prepared.series) + SUFFIX[out.format]))
            report.append(f"{target}: a proof (PROOF — not for circulation) never goes to press: "
                          "build the document without --proof")
            failed = True
    for out in outputs:
        if out.preflight is not None and (out.preflight or not found):  # no all-clear beside a finding
            from report.outputs import preflight
            target = display_path(options.out_dir / (names.stem(prepared.doc, prepared.series) + SUFFIX[out.format]))
            report.append(preflight.format_report(out.preflight, target))
            failed = failed or bool(out.preflight)
    made = [out for out in outputs if out.format in options.formats]  # a11y alone checks what it does not write
    files = [(options.out_dir / (stem + SUFFIX[out.format]), out.data) for out in made if out.format in SUFFIX]
    files += [(options.out_dir / (stem + suffix), data) for out in made for suffix, data in out.files]
    if "a11y" in options.formats:
        files += a11y_report.files(prepared, found, {out.format: out.data for out in outputs
                                                     if out.format in ("pdf", "print", "html")},
                                   options.out_dir, stem, SUFFIX)
    if prepared.cited is not None and any(out.format == "html" for out in made):
        # beside the web page: the cited entries as CSL JSON, for reference managers and crawlers
        files.append((options.out_dir / (stem + ".references.json"), prepared.cited.formatted.csl.encode("utf-8")))
    written = output.write_all(files)  # every format, or none
    left = () if options.preflight else tuple(str(content.as_warning(e)) for e in prepared.placeholders)
    accepted = content.accepted_line(prepared.doc, prepared.accepted) if options.preflight else ()
    return Built(written, tuple(report), failed, tuple((out.format, out.seconds) for out in outputs),
                 prepared.warnings + left, accepted)


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


__all__ = ["Options", "build", "check", "prepare", "ContentErrors", "FORMATS"]
