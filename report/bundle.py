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
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import content, pipeline, render, series as series_mod, typeset, yamlload
from .errors import BuildError, ContentErrors, Problems, quote
from .model import Html
from .schemas import READER


@dataclass(frozen=True)
class Entry:
    title: str
    authors: str
    series_label: str
    anchor: str
    page: int | None = None  # first page in the reader


@dataclass(frozen=True)
class Reader:
    path: Path
    title: str
    subtitle: str | None
    date: str | None
    date_text: str | None
    series_id: str
    documents: tuple[Path, ...]
    entries: tuple[Entry, ...] = ()


def load(path: Path, problems: Problems) -> Reader | None:
    data = content.load_yaml_file(path, problems)
    if data is content.FAILED:
        return None
    if not isinstance(data, yamlload.Marked):
        problems.add(path, "a reader file must be a mapping with title and documents", 1)
        return None
    before = len(problems)
    READER.check(data, lambda field, message, pos: problems.add(path, message, pos[0], pos[1], field), (1, None))
    folders = []
    docs = data.get("documents")
    for i, item in enumerate(docs if isinstance(docs, list) else ()):
        if isinstance(item, str):  # other items: reported by the check
            folder = (path.parent / item)
            if not (folder / "document.md").is_file():
                line, col = docs.item_pos[i]
                problems.add(path, f"no document.md in {quote(item)}", line, col, f"documents[{i}]")
            folders.append(folder)
    if len(problems) > before:
        return None
    from .model import Document
    values = READER.values(data)
    when = Document(folder=path.parent, stem="", series="", title="", authors=(), body="", body_line=1,
                    date=values["date"])
    return Reader(path, values["title"], values["subtitle"], values["date"], render.date_text(when),
                  values["series"], tuple(folders))


def _prefix_ids(html: str, prefix: str) -> str:
    """Ids unique across the bound documents: every document has an #executive-summary."""
    html = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', html)
    return re.sub(r'\bhref="#([^"]+)"', lambda m: f'href="#{prefix}{m[1]}"', html)


def _numbering_css(first_page: int, total: int) -> str:
    # The reader's page numbers: start where this part starts, count to the reader's end.
    return (f"@page :first {{ counter-reset: page {first_page}; }}\n"
            f'@page {{ @bottom-left {{ content: "Page " counter(page) " of {total}"; }} }}\n')


def build(path: Path, options: pipeline.Options) -> pipeline.Built:
    from . import pdf

    problems = Problems()
    reader = load(path, problems)
    roots = series_mod.series_roots(options.style_roots)
    cover_series = None
    if reader is not None:
        cover_series = series_mod.resolve(reader.series_id, problems, roots, (str(path), None))
    if cover_series is not None:
        series_mod.require_template(cover_series, "reader.html", problems,
                                    "--bundle sets the reader's cover and contents with it")
    parts = []
    for folder in reader.documents if reader else ():
        try:
            parts.append(pipeline.prepare(folder, options))
        except ContentErrors as exc:
            problems.extend(exc.errors)
    problems.raise_if_any()

    htmls, entries = [], []
    for n, prepared in enumerate(parts, 1):
        figs = pipeline.figures(prepared, options)
        html = pipeline.html_for(prepared, figs, web=False, cache=options.cache)
        htmls.append(Html(_prefix_ids(html.text, f"d{n}-"), html.base_url, html.stylesheets, html.resources,
                          html.lang, html.title))
        doc = prepared.doc
        entries.append(Entry(doc.title, ", ".join(a.name for a in doc.authors), prepared.series.label,
                             f"d{n}-document"))

    def allowed(prepared):
        return (prepared.doc.folder,) + prepared.series.folders + (series_mod.TEMPLATES,)

    def front(with_pages: list[int] | None, total: int):
        listed = tuple(Entry(e.title, e.authors, e.series_label, e.anchor, with_pages[i] if with_pages else 0)
                       for i, e in enumerate(entries))
        env = render.environment(cover_series.template_dirs)
        text = env.get_template("reader.html").render(
            reader=Reader(**{**reader.__dict__, "entries": listed}), series=cover_series,
            ctx=_FrontContext(Markup(render.font_css(cover_series))))
        text = typeset.typeset(text, "en")  # the desk's line breaks, as in the documents
        html = Html(text, path.parent.resolve().as_uri() + "/", cover_series.stylesheets, {}, "en", reader.title)
        extra = (f'@page {{ @bottom-left {{ content: "Page " counter(page) " of {total}"; }} }}\n',)
        return pdf.layout(html, cover_series.folders + (series_mod.TEMPLATES,), extra + _print(cover_series, options),
                          cache=options.cache)

    # Pass 1: page counts. Pass 2: the real numbers, now that the total is known.
    head = front(None, 0)
    counts = [len(pdf.layout(h, allowed(p), _print(p.series, options)).pages) for h, p in zip(htmls, parts)]
    starts, blanks, total = recto_starts(len(head.pages), counts)
    head = front(starts, total)
    docs = [pdf.layout(h, allowed(p), (_numbering_css(s, total),) + _print(p.series, options))
            for h, p, s in zip(htmls, parts, starts)]
    from . import faces  # every face each part uses, its series gives
    for document, series in [(head, cover_series)] + [(d, p.series) for d, p in zip(docs, parts)]:
        faces.check(document, series)
    # The blank verso before a document takes the size and print marks of the page it backs.
    backs = [cover_series] + [p.series for p in parts[:-1]]
    pages = list(head.pages)
    for d, blank, back in zip(docs, blanks, backs):
        pages += ([_blank_page(back, options)] if blank else []) + list(d.pages)
    if len(pages) != total:
        raise BuildError("the reader's page count changed between layouts; please report this")
    bound = head.copy(pages)
    bound.metadata.title = reader.title
    bound.metadata.authors = list(dict.fromkeys(a for e in entries for a in e.authors.split(", ") if a))
    data = pdf.write(bound, pdf.PdfOptions(options.pdf_variant, print_ready="print" in options.formats))
    suffix = ".print.pdf" if "print" in options.formats else ".pdf"
    from . import output
    return pipeline.Built((output.write_atomic(options.out_dir / (path.stem + suffix), data),))


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


# A blank verso has no running head, no folio: nothing at all.
BLANK_CSS = "".join(f"@page {sel} {{ " + " ".join(f"@{box} {{ content: none; }}" for box in (
    "top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right")) + " }\n"
    for sel in ("", ":first", ":left", ":right"))


def _blank_page(series, options):
    from . import pdf

    html = Html(f"<!DOCTYPE html><html><head><style>{render.font_css(series)}</style></head><body></body></html>",
                series_mod.TEMPLATES.resolve().as_uri() + "/", series.stylesheets, {}, "en", "")
    (page,) = pdf.layout(html, series.folders + (series_mod.TEMPLATES,), (BLANK_CSS,) + _print(series, options)).pages
    return page


def _print(series, options) -> tuple[str, ...]:
    if "print" not in options.formats:
        return ()
    return (series_mod.find_asset(series, "print.css").read_text(encoding="utf-8"),)


@dataclass(frozen=True)
class _FrontContext:
    font_css: str
