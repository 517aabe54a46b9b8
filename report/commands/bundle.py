"""An event reader (`--bundle reader.yaml`): a cover, contents, then every document.

Each document is laid out in its own series style, so documents are laid out separately
and their pages bound into one PDF. Page numbers run across the whole reader: each part is
laid out knowing the page it starts on (CSS `counter-reset: page`) and the reader's total,
which takes two layouts of the parts — page breaks never depend on the footer's text, so
the second layout only changes the numbers. Each document opens on a right-hand page, after a
blank one where needed, and the cover's back is blank (the reader series' `break-after: right`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath, PureWindowsPath

from markupsafe import Markup

from report.commands import reader_series
from report.source import document as content
from report import languages
from report import pipeline
from report.render import context
from report.render import sandbox
from report.series import resolve
from report.render import typeset
from report.source import files as contentfile
from report.source import yamlload
from report.errors import BuildError, ContentErrors, Problems, display_path, quote
from report.fonts import faces
from report.layout import imposition, pagefoot, pages as pdf, sidenotes
from report.layout.floats import settle
from report.model import Document, Html
from report.outputs import files as output
from report.series.press import press as press_colors
from report.source.schemas import MAX_READER_DOCUMENTS, READER

# Lazy: the preflight (about 0.1 s), only for --preflight.


@dataclass(frozen=True)
class Entry:
    title: str
    authors: str
    series_label: str
    anchor: str
    page: int | None = None  # first page in the reader
    lang: str = "en"  # the document's: its title and series label are in it


@dataclass(frozen=True)
class Reader:
    path: Path
    title: str
    subtitle: str | None
    date: str | None
    date_text: str | None
    series_id: str | None  # None: the documents' publisher's (reader_series)
    documents: tuple[Path, ...]
    entries: tuple[Entry, ...] = ()
    lang: str = "en"  # of the cover and contents; each document keeps its own
    series_pos: tuple[int | None, int | None] = (1, None)  # where reader.yaml names its series
    documents_pos: tuple[int | None, int | None] = (1, None)


def load(path: Path, problems: Problems, found: list | None = None, roots: tuple[Path, ...] = ()) -> Reader | None:
    """The reader file checked; `found` receives the document folders it lists, even when the
    file has problems, so that the documents' problems are reported in the same run. A
    document folder is looked up under the reader's folder, then under each of `roots` (the
    project's data/, and what --documents-root names)."""
    found = [] if found is None else found
    data = content.load_yaml_file(path, problems, "its folder")
    if data is content.FAILED:
        return None
    if not isinstance(data, yamlload.Marked):
        problems.add(path, "a reader file must be a mapping with title and documents", 1)
        return None
    before = len(problems)
    READER.check(data, lambda field, message, pos: problems.add(path, message, pos[0], pos[1], field), (1, None))
    folders = []
    docs = data.get("documents")
    if not isinstance(docs, list) or len(docs) > MAX_READER_DOCUMENTS:  # reported by the check
        docs = []
    for i, item in enumerate(docs):
        if isinstance(item, str):  # other items: reported by the check
            folder, problem = document_folder(item, (path.parent, *roots))
            if problem is not None:
                line, col = docs.item_pos[i]
                problems.add(path, problem, line, col, f"documents[{i}]")
                continue
            folders.append(folder)
    found.extend(folders)  # checked by the caller even when this file has problems: all at once
    if len(problems) > before:
        return None
    values = READER.values(data)
    when = Document(folder=path.parent, stem="", series="", title="", authors=(), body="", body_line=1,
                    date=values["date"], lang=values["lang"])
    return Reader(path, values["title"], values["subtitle"], values["date"], context.date_text(when),
                  values["series"], tuple(folders), lang=values["lang"],
                  series_pos=data.value_pos.get("series", (1, None)),
                  documents_pos=data.key_pos.get("documents", (1, None)))


def document_folder(item: str, roots: tuple[Path, ...]) -> tuple[Path | None, str | None]:
    """The folder a `documents:` entry names, under the first root that has it, or why not.

    A reader gathers documents from other folders, so it is held to the rule of content: it
    reaches only what lies under its roots. An absolute path or `..` is refused by its
    writing; a symbolic link on the way, by the file system."""
    where = "the reader's folder or data/ (or a folder given with --documents-root)"
    written = PurePosixPath(item.replace("\\", "/"))
    if written.is_absolute() or PureWindowsPath(item).drive or item.startswith(("/", "\\")):
        return None, f"{quote(item)} is an absolute path; name a document folder under {where}"
    if ".." in written.parts:
        return None, f"{quote(item)} goes up with '..'; name a document folder under {where}"
    for root in roots:
        step = root
        for part in written.parts:
            step = step / part
            if step.is_symlink():
                return None, (f"{quote(item)} is a symbolic link to a folder; a reader binds only folders "
                              f"that lie under {where}")
        folder = root / written
        if (folder / "document.md").is_file():
            return folder, None
    return None, f"no document.md in {quote(item)}"


def _prefix_ids(html: str, prefix: str) -> str:
    """Ids unique across the bound documents: every document has an #executive-summary."""
    html = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', html)
    return re.sub(r'\bhref="#([^"]+)"', lambda m: f'href="#{prefix}{m[1]}"', html)


def _numbering_css(first_page: int, total: int, labels: languages.Labels | None = None) -> str:
    # The reader's page numbers: start where this part starts, count to the reader's end, in the
    # part's own language.
    return (f"@page :first {{ counter-reset: page {first_page}; }}\n"
            + languages.page_css(labels or languages.Labels(), total))


def output_name(path: Path) -> str:
    """`events/stockholm-2024/reader.yaml` → `stockholm-2024`: a reader is named after its event's
    folder; a file with another name (`stockholm.yaml`) after itself."""
    return path.resolve().parent.name if path.stem == "reader" else path.stem


def prepare(path: Path, options: pipeline.Options):
    """Every check of a reader and its documents, all problems at once: (reader, cover, parts)."""
    problems = Problems()
    folders: list[Path] = []
    reader = load(path, problems, folders, options.document_roots)
    roots = resolve.series_roots(options.style_roots)
    cover = None
    if reader is not None and reader.series_id is not None:
        named = resolve.resolve(reader.series_id, problems, roots, (str(path), reader.series_pos[0]))
        cover = reader_series.named(named, roots, problems, path, reader.series_pos)
    parts = []
    for folder in folders:
        try:
            parts.append(pipeline.prepare(folder, options))
        except ContentErrors as exc:
            problems.extend(exc.errors)
    if reader is not None and reader.series_id is None and len(parts) == len(folders):
        cover = reader_series.from_documents([(f.name, p.series) for f, p in zip(folders, parts)], roots,
                                             problems, path, reader.documents_pos)
    if cover is not None:
        series = cover.series
        sandbox.problems(context.environment(series.template_dirs), series.template_dirs,
                         reader_series.TEMPLATE, problems)
    problems.raise_if_any()
    return reader, cover, parts


def check(path: Path, options: pipeline.Options) -> None:
    prepare(path, options)


def build(path: Path, options: pipeline.Options) -> pipeline.Built:
    """The reader in each PDF format asked for (pdf, print): every one written, or none."""
    reader, cover, parts = prepare(path, options)
    htmls, entries = [], []
    for n, prepared in enumerate(parts, 1):
        # Bound in a reader, a Report has no back cover of its own: it would stand mid-reader.
        prepared = replace(prepared, series=replace(prepared.series, back_cover=False))
        figs = pipeline.figures(prepared, options)
        html = pipeline.html_for(prepared, figs, web=False, cache=options.cache)
        htmls.append(Html(_prefix_ids(html.text, f"d{n}-"), html.base_url, html.stylesheets, html.resources,
                          html.lang, html.title, html.css))
        doc = prepared.doc
        entries.append(Entry(html.title, ", ".join(a.name for a in doc.authors),  # its title as printed
                             languages.edition(prepared.series, doc.lang).label, f"d{n}-document", lang=doc.lang))
    files, report, failed = [], [], False
    for fmt in (f for f in pipeline.FORMATS if f in options.formats and f != "html"):
        data, bound = _bind(path, reader, cover, parts, htmls, entries, options, fmt == "print")
        target = options.out_dir / (output_name(path) + pipeline.SUFFIX[fmt])
        files.append((target, data))
        if options.preflight:  # the checks of one document, and a document starting on a left page
            from report.outputs import preflight
            found = preflight.check(bound, data, print_mode=fmt == "print",
                                    accepted=tuple(t for prepared in parts for t in prepared.accepted))
            report.append(preflight.format_report(found, display_path(target)))
            failed = failed or bool(found)
    return pipeline.Built(output.write_all(files), tuple(report), failed)


def _bind(path, reader, cover, parts, htmls, entries, options, print_mode: bool):
    """(the reader's PDF bytes, the bound document) in one format."""
    cover_series = cover.series
    # Dated as a document is, never by the clock (a PDF/X file must carry a date, and WeasyPrint
    # would take the time of the build): the reader's own date, else its newest document's (each
    # dated by its own, or SOURCE_DATE_EPOCH). The same reader gives the same bytes.
    newest = max((p.doc for p in parts), key=context.created_date)
    created = context.day_of(reader.date) if reader.date else context.created_date(newest)

    def extra(series) -> tuple[str, ...]:  # print.css and the press imposition, the slug naming the reader
        if not print_mode:
            return ()
        return _print(series, options) + imposition.css(series, output_name(path) + pipeline.SUFFIX["print"], created)

    def allowed(prepared):
        return (prepared.doc.folder,) + prepared.series.folders + (resolve.TEMPLATES,)

    def front(with_pages: list[int] | None, total: int):
        listed = tuple(Entry(e.title, e.authors, e.series_label, e.anchor, with_pages[i] if with_pages else 0, e.lang)
                       for i, e in enumerate(entries))
        labels = languages.labels_for(cover_series, reader.lang)
        text = front_text(reader, cover, listed)
        html = Html(text, path.parent.resolve().as_uri() + "/", reader_series.stylesheets(cover_series), {},
                    reader.lang, reader.title)
        numbers = (languages.page_css(labels, total),)
        return pdf.layout(html, cover_series.folders + (resolve.TEMPLATES,), numbers + extra(cover_series),
                          cache=options.cache)

    # Pass 1: page counts. Pass 2: the real numbers, now that the total is known.
    head = front(None, 0)
    def lay_out(h, p, numbering=()):  # each document's figures placed as in a build of its own
        # (the page numbers change no line: the second pass takes what the first settled on)
        printing = extra(p.series)
        if print_mode:
            h = imposition.black_qr(h, p.doc.url, p.series)
        paged = sidenotes.stacked(partial(pdf.layout, allowed=allowed(p), extra_css=numbering + printing),
                                  print_mode and imposition.of(p.series).mirrored)
        return settle(h, paged, "\n".join(printing), finish=pagefoot.mender(languages.labels_for(p.series, p.doc.lang)))

    counts = [len(lay_out(h, p).pages) for h, p in zip(htmls, parts)]
    starts, blanks, total = recto_starts(len(head.pages), counts)
    head = front(starts, total)
    docs = [lay_out(h, p, (_numbering_css(s, total, languages.labels_for(p.series, p.doc.lang)),))
            for h, p, s in zip(htmls, parts, starts)]
    for document, series in [(head, cover_series)] + [(d, p.series) for d, p in zip(docs, parts)]:
        faces.check(document, series)
    # The blank verso before a document takes the size and print marks of the page it backs.
    backs = [cover_series] + [p.series for p in parts[:-1]]
    pages = list(head.pages)
    for d, blank, back in zip(docs, blanks, backs):
        pages += (imposition.blank_pages(back, extra(back), 1, len(pages) + 1) if blank else []) + list(d.pages)
    if len(pages) != total:
        raise BuildError("the reader's page count changed between layouts; please report this")
    bound = head.copy(pages)
    if print_mode:  # blank pages to the cover series' multiple: a reader has no back cover of its own
        bound = imposition.padded(bound, cover_series, extra(cover_series), back_cover=False)
    bound.metadata.title = reader.title
    bound.metadata.created = bound.metadata.modified = created
    bound.metadata.authors = list(dict.fromkeys(a for e in entries for a in e.authors.split(", ") if a))
    press = None
    if print_mode:
        press = replace(press_colors(cover_series, *(p.series for p in parts)),
                        overprint=imposition.of(cover_series).overprint)
    return pdf.write(bound, pdf.PdfOptions(options.pdf_variant, print_ready=print_mode, press=press,
                                           epoch=pipeline.epoch(newest))), bound


def front_text(reader: Reader, cover: reader_series.Cover, listed: tuple[Entry, ...]) -> str:
    """The cover and contents as HTML, from the reader series' `reader.html`."""
    cover_series = cover.series
    env = context.environment(cover_series.template_dirs)
    labels = languages.labels_for(cover_series, reader.lang)
    series = reader_series.shown(cover, languages.edition(cover_series, reader.lang), labels.reader)
    text = sandbox.render(env, reader_series.TEMPLATE, reader=Reader(**{**reader.__dict__, "entries": listed}),
                          series=series,
                          ctx=_FrontContext(Markup(context.font_css(cover_series)), labels))
    return typeset.typeset(text, reader.lang)  # the desk's line breaks, as in the documents


def recto_starts(front: int, counts: list[int]) -> tuple[list[int], list[bool], int]:
    """(first page of each document, whether a blank page goes before it, pages in all).

    Every document opens on a right-hand page, an odd page number, as in a bound book: where
    the part before ends on a right-hand page, a blank left-hand page comes between."""
    starts, blanks, page = [], [], front + 1
    for count in counts:
        blanks.append(page % 2 == 0)
        page += page % 2 == 0
        starts.append(page)
        page += count
    return starts, blanks, page - 1


def _print(series, options) -> tuple[str, ...]:
    if "print" not in options.formats:
        return ()
    path = resolve.find_asset(series, "print.css")
    problems = Problems()  # the cover's series is not a document's: its print.css is checked here
    text = contentfile.read_text(path, problems, path.parent, contentfile.MAX_CSS_BYTES, "the series folders")
    problems.raise_if_any()
    return (text,)


@dataclass(frozen=True)
class _FrontContext:
    font_css: str
    labels: languages.Labels = languages.Labels()
