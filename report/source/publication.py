"""What makes a document citable and findable, as one typed value: `Publication`.

Made once per build from the checked front matter and the series (in the document's language):
its identifiers (DOI, ISSN), licence, copyright, the short title, the series and number, the
editions, and the "Cite as" text. The PDF's end matter, colophon, back cover and XMP read it;
so do the web page's tags and the citation files.

"Cite as" is formatted by the series' own CSL style (citation_style) in the document's language,
by the same sandboxed Pandoc citeproc the body's citations use (`citeproc`), in one run whose
answer is kept in the cache; the front matter's `cite_as` replaces it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path

from report import languages
from report.errors import BuildError, Problems, quote
from report.model import Document, Edition, Series
from report.source import citeproc, identifiers, markdown
from report.source import library as lib

SELF = "self"  # the document's own entry, as Pandoc sees it


@dataclass(frozen=True)
class License:
    id: str  # SPDX id, or "all-rights-reserved"
    name: str  # in the document's language
    url: str  # the licence's page; "" for all rights reserved
    badge: tuple[str, ...]  # Creative Commons elements: ("by", "nc"); () for none

    @property
    def spdx(self) -> str | None:
        return None if self.id == identifiers.ALL_RIGHTS_RESERVED else self.id

    @property
    def short(self) -> str:
        """"CC BY-NC 4.0", "CC0 1.0": how CC writes its licences short; "" for all rights reserved."""
        if not self.spdx:
            return ""
        if self.id.startswith("CC0"):
            return "CC0 1.0"
        return "CC " + self.id[3:].rsplit("-", 1)[0] + " " + self.id.rsplit("-", 1)[1]


@dataclass(frozen=True)
class Publication:
    """A document as a publication: what a citation, a catalogue and a search engine need."""

    title: str
    short_title: str
    subtitle: str | None
    authors: tuple[str, ...]
    lang: str
    year: int
    date: str | None  # YYYY-MM-DD or YYYY-MM, as the front matter gives it
    series_id: str
    series_name: str  # in the document's language
    number: int | None
    publisher: str  # in the document's language
    doi: str | None
    license: License | None
    copyright_holder: str
    copyright_year: int
    issn: str = ""
    issn_print: str = ""
    issn_online: str = ""
    url: str | None = None  # the online version
    editions: tuple[Edition, ...] = ()  # the other language editions
    summary: str | None = None  # the abstract, Markdown
    keywords: tuple[str, ...] = ()
    cite_as: str = ""  # plain text
    cite_as_html: str = ""  # the same, with emphasis and links (the DOI or the address)
    citation_style: str = ""  # the CSL style that made it; "" when written by hand
    copyright_stated: bool = False  # the front matter or the series names the holder
    number_text: str = ""  # "No. 3", "Nr 3", "№ 3": the number as the series' labels word it

    @property
    def doi_url(self) -> str | None:
        return identifiers.DOI_RESOLVER + self.doi if self.doi else None

    @property
    def link(self) -> str | None:
        """Where a citation points: the DOI, else the online version."""
        return self.doi_url or self.url

    @property
    def copyright_line(self) -> str:
        return f"© {self.copyright_holder} {self.copyright_year}".strip() if self.copyright_holder else ""

    @property
    def issns(self) -> tuple[tuple[str, str], ...]:
        """(ISSN, medium) pairs: medium "" for the series' one ISSN, "print" or "online"."""
        return tuple((number, medium) for number, medium in
                     ((self.issn, ""), (self.issn_print, "print"), (self.issn_online, "online")) if number)

    @property
    def citable(self) -> bool:
        """Whether the PDF prints "Cite as": there is somewhere to find it, or a text by hand."""
        return bool(self.doi or self.url or self.cite_as_by_hand)

    @property
    def colophon(self) -> bool:
        """Whether the PDF prints the colophon line: a licence, an ISSN, a DOI or a holder is given."""
        return bool(self.license or self.issns or self.doi or self.copyright_stated)

    @property
    def cite_as_by_hand(self) -> bool:
        return bool(self.cite_as) and not self.citation_style


def license_of(spdx: str | None, labels: languages.Labels) -> License | None:
    if not spdx:
        return None
    url, badge = identifiers.LICENSES[spdx]
    return License(spdx, labels.get("license-" + spdx.lower()), url, badge)


def doi_of(doc: Document, series: Series) -> str | None:
    """The front matter's DOI; else the one the series' pattern makes from the number."""
    if doc.doi:
        return doc.doi
    if series.doi_pattern and doc.number is not None:
        return identifiers.fill_pattern(series.doi_pattern, doc.year, doc.number)
    return None


def of(doc: Document, series: Series) -> Publication:
    """The publication, without "Cite as" unless written by hand (`cite` formats it)."""
    labels = languages.labels_for(series, doc.lang)
    edition = languages.edition(series, doc.lang)
    publisher = edition.publisher.name or edition.publisher.short_name
    return Publication(
        title=markdown.smart_text(doc.title, doc.lang),
        short_title=markdown.smart_text(doc.short_title or short_title(doc.title), doc.lang), subtitle=doc.subtitle,
        authors=tuple(a.name for a in doc.authors), lang=doc.lang, year=doc.year, date=doc.date,
        series_id=series.id, series_name=edition.name, number=doc.number, publisher=publisher,
        doi=doi_of(doc, series), license=license_of(doc.license or series.license or None, labels),
        copyright_holder=doc.copyright or series.copyright or publisher, copyright_year=doc.year,
        copyright_stated=bool(doc.copyright or series.copyright),
        number_text=labels.get("number", number=doc.number) if doc.number is not None else "",
        issn=series.issn, issn_print=series.issn_print, issn_online=series.issn_online,
        url=doc.url, editions=doc.editions, summary=doc.summary, keywords=doc.keywords,
        cite_as=doc.cite_as or "", cite_as_html=html.escape(doc.cite_as or "", quote=False),
    )


RUNNING_HEAD = 60  # characters a running head holds at 8 pt beside the series label


def running_head(title: str, short: str | None) -> str:
    """The running head: the short title, or the title; never an ellipsis. A title too long and
    no short title (which `check` warns of): the main title before its colon or dash where that
    fits, else the title cut at a word."""
    if short or len(title) <= RUNNING_HEAD:
        return short or title
    for mark in (": ", " – ", " — "):
        main = title.split(mark, 1)[0]
        if len(main) <= RUNNING_HEAD and main != title:
            return main
    words = title[:RUNNING_HEAD + 1].rsplit(" ", 1)[0].rstrip(",;:–—-").split(" ")
    while len(words) > 1 and len(words[-1]) <= 5 and words[-1].islower():
        words.pop()  # not "… at an All-Time Low after the"
    return " ".join(words)


def short_title(title: str, limit: int = 60) -> str:
    """A title cut at a word, for a running head: never mid-word, an ellipsis where it was cut."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(",;:–—-")
    return cut + "…"


# -- warnings ---------------------------------------------------------------------------------

def check(doc: Document, series: Series, raw_front, path: Path, warnings: Problems) -> None:
    """What builds but a desk would want to hear: an ISSN without any licence, a DOI outside the
    series' pattern."""
    if (series.issn or series.issn_print or series.issn_online) and not (doc.license or series.license):
        key = next(k for k in ("issn", "issn_print", "issn_online") if getattr(series, k))
        setter = lib.series_setting(series, key)
        where, line = (setter[0], setter[1]) if setter else (series.folders[0] / "series.yaml", None)
        warnings.add(where, f"warning: {key}: the series has an ISSN but no licence: set `license` here "
                     "(e.g. CC-BY-4.0, or all-rights-reserved) or in the document's front matter", line)
    if not doc.short_title and len(doc.title) > RUNNING_HEAD:
        line, column = raw_front.value_pos.get("title", (None, None))
        warnings.add(path, f"warning: title: is {len(doc.title)} characters long, more than a running head holds "
                     f"({RUNNING_HEAD}): set `short_title` to a shorter title for the running heads", line, column)
    if doc.doi and series.doi_pattern and not identifiers.pattern_regex(series.doi_pattern).match(doc.doi):
        line, column = raw_front.value_pos.get("doi", (None, None))
        expected = identifiers.fill_pattern(series.doi_pattern, doc.year, doc.number) if doc.number else None
        warnings.add(path, f"warning: doi: {quote(doc.doi)} does not follow the series' pattern "
                     f"{quote(series.doi_pattern)}" + (f" ({quote(expected)} for this number)" if expected else ""),
                     line, column)


# -- "Cite as", by the series' CSL style ------------------------------------------------------

def csl_item(pub: Publication) -> dict:
    """The document as one CSL JSON entry: a report whose genre is the series and its number,
    worded by the builder's labels ("SCEEUS Guest Commentary No. 3", "… № 99"), as CSL's
    locales word a number in few of the builder's languages."""
    genre = f"{pub.series_name} {pub.number_text}".strip()
    item: dict = {"id": SELF, "type": "report", "title": pub.title, "author": [_name(a) for a in pub.authors],
                  "issued": {"date-parts": [[int(p) for p in (pub.date or str(pub.year)).split("-")]]},
                  "publisher": pub.publisher, "genre": genre, "language": pub.lang}
    if pub.doi:
        item["DOI"] = pub.doi
    elif pub.url:
        item["URL"] = pub.url
    return item


def _name(full: str) -> dict:
    """A person's name as CSL wants it: the last word the family name (Jane Doe → Doe, Jane);
    one word, or what is no name (a placeholder such as "[Author name to be confirmed]"), is
    printed as it is."""
    words = full.split()
    if len(words) < 2 or not re.fullmatch(r"[\w'’.\- ]+", full):
        return {"literal": full}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def cite(pub: Publication, series: Series, problems: Problems, cache: Path | None) -> Publication:
    """`pub` with its "Cite as" formatted by the series' CSL style; a text by hand stays. A style
    Pandoc cannot use is a problem of the series."""
    if pub.cite_as:
        return pub
    style = lib.style(series, problems)
    if style is None:
        return pub
    try:
        formatted = citeproc.format_entry(csl_item(pub), style, pub.lang, cache)
    except citeproc.PandocFailed as exc:
        problems.add(style.path, f"Pandoc cannot use this file: {exc.message}", exc.line)
        return pub
    if not formatted:
        raise BuildError(f"the citation style {quote(style.name)} printed nothing for the document itself")
    plain = html.unescape(re.sub(r"<[^>]+>", "", formatted))
    return replace(pub, cite_as=" ".join(plain.split()), cite_as_html=formatted, citation_style=style.name)
