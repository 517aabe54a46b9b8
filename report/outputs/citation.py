"""A document as a bibliographic record, and the citation files written from it (`--format cite`).

`Record` gathers, once, what every citation and discovery output says of a document: its title,
authors, series and number, publisher, date, DOI, ISSN, licence and other language editions. The
files beside the PDF (`<stem>.bib`, `<stem>.ris`, `<stem>.csl.json`), the web page's metadata
(`discovery.py`) and the registration files (`registration.py`) are each written from it, so
that they never disagree.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from report import languages
from report.model import Document, Series
from report.source import markdown
from report.source import publication as publishing
from report.source.publication import Publication

# Lazy: bibtexparser, only when the .bib is written (--format cite).

KEY_CHARACTERS = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Person:
    name: str  # as printed
    given: str
    family: str
    affiliation: str | None = None


@dataclass(frozen=True)
class Edition:
    lang: str
    url: str
    original: bool  # the edition in the series' own language: the others are its translations


@dataclass(frozen=True)
class Record:
    """A `Publication` (title, date, series, publisher, DOI, ISSN, licence …: `rec.pub`) with
    what the citation and discovery files add to it."""

    pub: Publication
    stem: str  # the output files' stem: <stem>.pdf, <stem>.bib …
    subtitle: str | None
    short_title: str | None  # the front matter's own; None where the title is not shortened by hand
    authors: tuple[Person, ...]
    website: str  # the publisher's, https://… or ""
    abstract: str  # the summary's first paragraph as plain text, or ""
    editions: tuple[Edition, ...]
    original: bool  # this document is in the series' own language

    @property
    def date_parts(self) -> tuple[int, ...]:
        if self.pub.date:
            return tuple(int(p) for p in self.pub.date.split("-"))
        return (self.pub.year,) if self.pub.year is not None else ()

    @property
    def issns(self) -> tuple[str, ...]:
        """The ISSN for all media first, then the online and the print one."""
        return tuple(dict.fromkeys(number for number, _ in self.pub.issns))

    @property
    def license_id(self) -> str | None:
        return self.pub.license.spdx if self.pub.license else None

    @property
    def license_url(self) -> str | None:
        return (self.pub.license.url or None) if self.pub.license else None

    @property
    def pdf(self) -> str:
        return self.stem + ".pdf"


def record(pub: Publication, doc: Document, series: Series) -> Record:
    """The record of a checked document: its `Publication` (identifiers, licence, series, in the
    document's language) with what the citation files add (affiliations, the stem, the abstract)."""
    original_lang = languages.language(series.lang)
    website = languages.edition(series, doc.lang).publisher.website
    summary = pub.summary.split("\n\n")[0] if pub.summary else ""
    # The names as "Cite as" gives them to the citation style: the last word is the family name.
    names = publishing.csl_item(pub)["author"]
    return Record(
        pub=pub, stem=doc.stem, subtitle=markdown.smart_text(pub.subtitle, doc.lang) if pub.subtitle else None,
        short_title=doc.short_title and pub.short_title,
        authors=tuple(Person(a.name, n.get("given", ""), n.get("family", n.get("literal", a.name)), a.affiliation)
                      for a, n in zip(doc.authors, names)),
        website=f"https://{website}" if website else "",
        abstract=markdown.plain_text(summary, doc.lang) if summary else "",
        editions=tuple(Edition(e.lang, e.url, languages.language(e.lang) == original_lang) for e in pub.editions),
        original=languages.language(pub.lang) == original_lang,
    )


def key(rec: Record) -> str:
    """A citation key a reference manager keeps: the first author's family name, the year and
    the stem's last part, in ASCII ("Doe2024-08")."""
    family = rec.authors[0].family if rec.authors else rec.pub.publisher
    ascii_family = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode("ascii")
    return KEY_CHARACTERS.sub("", f"{ascii_family}{rec.pub.year or ''}-{rec.stem}") or rec.stem


def _translations_note(rec: Record) -> str:
    return "; ".join(f"{languages.language_name(e.lang)}: {e.url}" for e in rec.editions)


# -- BibTeX -----------------------------------------------------------------------------------

def bibtex(rec: Record) -> str:
    """One @techreport entry, written by bibtexparser (braces balanced, fields quoted its way)."""
    import bibtexparser
    from bibtexparser import model as bib

    fields = [
        ("author", " and ".join(_bib_name(p) for p in rec.authors)),
        ("title", "{" + _bib_text(rec.pub.title + (f": {rec.subtitle}" if rec.subtitle else "")) + "}"),
        ("shorttitle", "{" + _bib_text(rec.short_title) + "}" if rec.short_title else ""),
        ("institution", "{" + _bib_text(rec.pub.publisher) + "}"),
        ("type", "{" + _bib_text(rec.pub.series_name) + "}"),
        ("number", str(rec.pub.number) if rec.pub.number is not None else ""),
        ("year", str(rec.pub.year) if rec.pub.year is not None else ""),
        ("date", rec.pub.date or ""),
        ("doi", rec.pub.doi or ""),
        ("url", rec.pub.link or ""),
        ("issn", ", ".join(rec.issns)),
        ("language", rec.pub.lang),
        ("langid", rec.pub.lang),
        ("keywords", ", ".join(_bib_text(k) for k in rec.pub.keywords)),
        ("abstract", _bib_text(rec.abstract)),
        ("copyright", _bib_text(rec.pub.copyright_holder)),
        ("license", rec.license_url or rec.license_id or ""),
        ("note", _bib_text(("Other language editions: " + _translations_note(rec)) if rec.editions else "")),
    ]
    # bibtexparser encloses each value in braces as it writes; titles keep their capitals in inner braces.
    entry = bib.Entry("techreport", key(rec), [bib.Field(k, v) for k, v in fields if v])
    return bibtexparser.write_string(bibtexparser.Library([entry]))


def _bib_name(p: Person) -> str:
    return "{" + _bib_text(p.family) + "}, " + _bib_text(p.given) if p.given else "{" + _bib_text(p.name) + "}"


def _bib_text(text: str) -> str:
    """Text inside a braced field: braces, backslashes and % made harmless."""
    return (text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")
                .replace("%", "\\%").replace("\n", " "))


# -- RIS --------------------------------------------------------------------------------------

def ris(rec: Record) -> str:
    """One RIS record of type RPRT (report), tags as Zotero, EndNote and Mendeley read them."""
    lines = [("TY", "RPRT")]
    lines += [("AU", f"{p.family}, {p.given}" if p.given else p.name) for p in rec.authors]
    lines += [("TI", rec.pub.title + (f": {rec.subtitle}" if rec.subtitle else ""))]
    if rec.short_title:
        lines.append(("ST", rec.short_title))
    lines += [("T2", rec.pub.series_name), ("PB", rec.pub.publisher)]
    if rec.pub.number is not None:
        lines.append(("VL", str(rec.pub.number)))  # RIS has no report-number tag: VL, as Zotero writes it
    if rec.pub.year is not None:
        lines.append(("PY", str(rec.pub.year)))
    if rec.pub.date:
        parts = rec.pub.date.split("-") + [""] * (3 - len(rec.pub.date.split("-")))
        lines.append(("DA", "/".join(parts) + "/"))
    lines += [("SN", i) for i in rec.issns]
    if rec.pub.doi:
        lines.append(("DO", rec.pub.doi))
    if rec.pub.link:
        lines.append(("UR", rec.pub.link))
    lines += [("LA", rec.pub.lang)]
    lines += [("KW", k) for k in rec.pub.keywords]
    if rec.abstract:
        lines.append(("AB", rec.abstract))
    if rec.editions:
        lines.append(("N1", "Other language editions: " + _translations_note(rec)))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}".rstrip() + "\r\n" for tag, value in lines)


# -- CSL JSON ---------------------------------------------------------------------------------

def csl_item(rec: Record, pub: Publication) -> dict:
    """The record as CSL JSON, for reference managers: the entry "Cite as" is formatted from,
    with its own key and what a library keeps besides (series, ISSN, abstract, keywords …)."""
    # A reference manager words the number itself: the series as the genre, the number apart.
    item = {**publishing.csl_item(pub), "id": key(rec), "collection-title": rec.pub.series_name,
            "genre": rec.pub.series_name}
    if rec.pub.number is not None:
        item["number"] = str(rec.pub.number)
    if rec.subtitle:
        item["title"] = f"{rec.pub.title}: {rec.subtitle}"
    if rec.short_title:
        item["title-short"] = rec.short_title
    if rec.pub.link:
        item["URL"] = rec.pub.link
    if rec.issns:
        item["ISSN"] = rec.issns[0]
    if rec.abstract:
        item["abstract"] = rec.abstract
    if rec.pub.keywords:
        item["keyword"] = ", ".join(rec.pub.keywords)
    if rec.license_url or rec.license_id:
        item["license"] = rec.license_url or rec.license_id
    if rec.editions:
        item["note"] = "Other language editions: " + _translations_note(rec)
    return item


def csl_json(rec: Record, pub: Publication) -> str:
    return json.dumps([csl_item(rec, pub)], ensure_ascii=False, indent=2) + "\n"


# -- the files --------------------------------------------------------------------------------

SUFFIXES = (".bib", ".ris", ".csl.json")


def files(rec: Record, pub: Publication) -> tuple[tuple[str, bytes], ...]:
    """(suffix, bytes) of every citation file."""
    return ((".bib", bibtex(rec).encode("utf-8")), (".ris", ris(rec).encode("utf-8")),
            (".csl.json", csl_json(rec, pub).encode("utf-8")))
