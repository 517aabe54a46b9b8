"""One document, start to finish, on one screen.

Order matters: everything is read and checked first (front matter under its series' rules,
charts, every reference in the body), so that an editor gets every problem in one run and
nothing is drawn or written for a document that cannot build. Then charts are drawn (cached),
the HTML rendered, the pages laid out, and each output written atomically.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path

from . import chartspec, content, markup, output, render, series as series_mod
from .errors import ContentErrors, Problems, display_path, quote
from .model import ChartStyle, Document, Figure, Html, Series

FORMATS = ("pdf", "print", "html")
SUFFIX = {"pdf": ".pdf", "print": ".print.pdf", "html": ".html"}
COLUMN_MM = 136  # text column of the base layout: A4 less margins and rail; charts are drawn at it


def cache_dir() -> Path:
    if os.environ.get("REPORT_CACHE_DIR"):
        return Path(os.environ["REPORT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "report-builder"


@dataclass(frozen=True)
class Options:
    out_dir: Path = Path("out")
    formats: tuple[str, ...] = ("pdf",)
    series: str | None = None  # --series: overrides the front matter
    style_roots: tuple[Path, ...] = ()  # extra folders of series, searched first
    pdf_variant: str | None = "pdf/ua-1"
    cache: Path = field(default_factory=cache_dir)
    preflight: bool = False  # check each PDF as a print shop would


@dataclass(frozen=True)
class Prepared:
    """A document that passed every check: ready to draw and render."""

    doc: Document
    series: Series
    tokens: list
    env: dict
    refs: tuple[markup.Reference, ...]


def prepare(folder: Path, options: Options) -> Prepared:
    """Read and check everything; raise `ContentErrors` with every problem found."""
    problems = Problems()
    raw = content.read(folder, problems)
    if raw is None:
        problems.raise_if_any()
    series_id = options.series or raw.series_id
    where = ("--series", None) if options.series else (str(raw.path), raw.front.key_pos.get("series", (None,))[0])
    series = None
    if isinstance(series_id, str):
        series = series_mod.resolve(series_id, problems, series_mod.series_roots(options.style_roots), where)
    # An unknown series still gets its front matter checked, under the base rules.
    rules = series or series_mod.resolve(series_mod.BASE, Problems())
    doc = content.check(raw, rules, problems, options.series)
    charts = chartspec.load_charts(folder, problems)
    tokens, env = markup.parse(raw.body)
    refs = tuple(markup.references(tokens, raw.body_line))
    _check_body(raw.path, folder, tokens, raw.body_line, refs, charts, problems)
    problems.raise_if_any()
    return Prepared(replace(doc, charts=charts), series, tokens, env, refs)


def _check_body(path, folder, tokens, first_line, refs, charts, problems) -> None:
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h1":
            line = first_line + token.map[0]
            problems.add(path, "use '##' for sections: the title comes from the front matter", line)
    for ref in refs:
        chart_id = ref.chart_id
        if chart_id is not None:
            if chart_id not in charts:
                known = ", ".join(sorted(charts)) or "none (no charts.yaml)"
                problems.add(path, f"unknown chart; charts.yaml defines: {known}", ref.line, None,
                             f"chart {quote(chart_id)}")
            elif not ref.alone:
                problems.add(path, "a chart must stand alone in its own paragraph", ref.line, None,
                             f"chart {quote(chart_id)}")
            continue
        target = ref.target
        if "://" in target or target.startswith(("/", "data:", "file:")) or ":" in target.split("/")[0]:
            problems.add(path, f"picture {quote(target)} must be a file inside the document folder", ref.line)
            continue
        real = (folder / target).resolve()
        if not real.is_relative_to(folder.resolve()):
            problems.add(path, f"picture {quote(target)} is outside the document folder", ref.line)
        elif not real.is_file():
            problems.add(path, f"picture {quote(target)} not found", ref.line)
        elif not ref.alone:
            problems.add(path, f"picture {quote(target)} must stand alone in its own paragraph", ref.line)


def chart_style(series: Series) -> ChartStyle:
    sans = series.fonts["sans"]
    colors = series.colors
    return ChartStyle(
        font_family=sans.family, font_file=sans.normal, font_size=8.5,
        colors=series.chart_colors, text=colors["text"], muted=colors.get("muted", colors["text"]),
        highlight=colors["accent"], width_in=float(series.manifest.get("chart_width_mm", COLUMN_MM)) / 25.4,
    )


def figures(prepared: Prepared, options: Options) -> tuple[Figure, ...]:
    """Draw the charts, numbered in order of first reference (pictures share the numbering)."""
    from . import charts

    style = chart_style(prepared.series)
    numbered: dict[str, Figure] = {}
    for ref in prepared.refs:
        if ref.target in numbered:
            continue
        number = len(numbered) + 1
        if ref.chart_id:
            spec = prepared.doc.charts[ref.chart_id]
            svg = charts.draw_cached(spec, style, options.cache / "charts")
            numbered[ref.target] = Figure(spec.id, number, ref.caption, svg, charts.alt_text(spec),
                                          spec.source, spec.note, spec.title)
        else:
            numbered[ref.target] = Figure(ref.target, number, ref.title or ref.caption, b"", ref.caption)
    return tuple(numbered.values())


def html_for(prepared: Prepared, figs: tuple[Figure, ...], web: bool) -> Html:
    """The document as HTML: charts as `report:` resources for WeasyPrint, or inline for the web."""
    from . import web as web_mod

    resources: dict[str, tuple[bytes, str]] = {}
    blocks: dict[str, str] = {}
    for ref_target, fig in zip(dict.fromkeys(r.target for r in prepared.refs), figs):
        ident = f"figure-{fig.number}"
        if fig.svg and web:
            media = (f'<div class="chart" role="img" aria-label="{escape(fig.alt)}">'
                     f"{web_mod.inline_svg(fig.svg, ident + '-')}</div>")
        elif fig.svg:
            url = f"report:chart-{fig.id}.svg"
            resources[url] = (fig.svg, "image/svg+xml")
            media = f'<img src="{url}" alt="{escape(fig.alt)}">'
        else:
            src = ref_target
            if web:
                path = prepared.doc.folder / ref_target
                src = web_mod.data_uri(path.read_bytes(), mimetypes.guess_type(path.name)[0] or "image/png")
            media = f'<img src="{escape(src)}" alt="{escape(fig.alt)}">'
        blocks[ref_target] = markup.figure_html(fig.number, fig.caption, media, ident, fig.source, fig.note,
                                                "chart" if fig.svg else "picture")
    body = markup.render_body(prepared.tokens, prepared.env, blocks)
    qr_src = None
    if prepared.doc.url:
        from .qr import qr_svg
        svg = qr_svg(prepared.doc.url, prepared.series.colors["primary"])
        qr_src = web_mod.data_uri(svg, "image/svg+xml") if web else "report:qr.svg"
        resources["report:qr.svg"] = (svg, "image/svg+xml")
    ctx = render.context(prepared.doc, prepared.series, body, figs, qr_src)
    return render.render(ctx, resources)


@dataclass(frozen=True)
class Built:
    paths: tuple[Path, ...]
    preflight: tuple[str, ...] = ()  # the preflight report, one line a problem
    preflight_failed: bool = False


def build(folder: Path, options: Options) -> Built:
    """Build one document folder into every requested format.

    Every format is produced before any is written, so a failure leaves all earlier files.
    """
    prepared = prepare(folder, options)
    figs = figures(prepared, options)
    results: dict[str, bytes] = {}
    report: list[str] = []
    failed = False
    for fmt in options.formats:
        data, problems = produce(prepared, figs, fmt, options)
        results[fmt] = data
        if problems is not None:
            from . import preflight
            target = display_path(options.out_dir / (prepared.doc.stem + SUFFIX[fmt]))
            report.append(preflight.format_report(problems, target))
            failed = failed or bool(problems)
    written = tuple(output.write_atomic(options.out_dir / (prepared.doc.stem + SUFFIX[fmt]), data)
                    for fmt, data in results.items())
    return Built(written, tuple(report), failed)


def produce(prepared: Prepared, figs: tuple[Figure, ...], fmt: str, options: Options):
    """(bytes of the output, preflight problems or None when not asked for)."""
    series = prepared.series
    if fmt == "html":
        from . import web
        html = html_for(prepared, figs, web=True)
        return web.standalone(html.text, series, series_mod.find_asset(series, "web.css")).encode("utf-8"), None
    from . import pdf
    html = html_for(prepared, figs, web=False)
    allowed = (prepared.doc.folder,) + series.folders + (series_mod.TEMPLATES,)
    extra = ()
    if fmt == "print":
        extra = (series_mod.find_asset(series, "print.css").read_text(encoding="utf-8"),)
    document = pdf.layout(html, allowed, extra)
    data = pdf.write(document, pdf.PdfOptions(options.pdf_variant))
    if not options.preflight:
        return data, None
    from . import preflight
    return data, preflight.check(document, data, print_mode=fmt == "print")


def check(folder: Path, options: Options) -> None:
    prepare(folder, options)


__all__ = ["Options", "build", "check", "prepare", "ContentErrors", "FORMATS"]
