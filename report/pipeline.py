"""One document, start to finish: `build` shows the whole run on one screen.

Order matters: everything is read and checked first (front matter under its series' rules,
charts, every reference in the body), so that an editor gets every problem in one run and
nothing is drawn or written for a document that cannot build. Then the charts are drawn (cached
by content and style), the HTML rendered, the pages laid out and drawn, and every output written
at once. `--watch`, `--bundle` and the benchmark use these same stages.

Reading, checking and the HTML are `report.prepare`'s (all that `--check` needs, and it imports
nothing of this module); its names are this module's too (`pipeline.prepare`, `pipeline.Options` …).
"""

from __future__ import annotations

import calendar
import sys
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from report import internals, languages
from report import cache as kept
from report.fonts import faces
from report.source import document as content
from report.outputs import names, web as web_mod
from report.outputs import files as output
from report.series import resolve
from report.errors import BuildError, ContentError, ContentErrors, Problems, display_path
from report.layout import imposition, metadata as pdf_metadata, pagefoot, pages, source_lines
from report.layout import sidenotes
from report.layout.floats import settle
from report.model import Document, Figure
from report.prepare import Built, Options, Prepared, chart_style, check, figures, html_for, prepare
from report.render import charts as chart_drawing, context, webcharts
from report.series.press import press as press_colors

if TYPE_CHECKING:
    from report.render import proofmarks

# Lazy: the preflight (about 0.1 s), only for --preflight; the accessibility checks (pikepdf, about
# 0.3 s), for --preflight and --format a11y; the Word proof (about 0.1 s: the Word reader, its
# styles), only for --format docx; the web page's card, tags and citation records and the
# registration files (about 0.01 s), for html, cite, crossref and datacite; the proof's marks and
# pages (about 0.01 s), for --proof. WeasyPrint and matplotlib are imported
# inside layout.pages and render.charts, when a PDF or a chart is made: `--check` loads neither.

FORMATS = ("pdf", "print", "html", "docx", "a11y", "cite", "crossref", "datacite")
# A proof is named so that it cannot be taken for what goes to press: "proof" (--proof) is a
# screen PDF with the problems on its pages, never made beside another format; a Word file is
# only ever a proof, for the author. cite writes three files: citation.SUFFIXES.
SUFFIX = {"pdf": ".pdf", "print": ".print.pdf", "html": ".html", "proof": ".proof.pdf", "docx": ".proof.docx",
          "crossref": ".crossref.xml", "datacite": ".datacite.json"}
CHECKED = ("pdf", "html")  # what --format a11y alone makes, in memory, to check


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
    from report.outputs import citation, registration
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
    from report.render import proofmarks
    from report.source import proofing
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
    from report.outputs import card as cards, citation, discovery
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
            from report.render import proofmarks
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
        from report.layout import proofpages
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


__all__ = ["Built", "Options", "Prepared", "build", "chart_style", "check", "figures", "html_for", "prepare",
           "ContentErrors", "FORMATS"]
