"""What makes the web page found and cited: metadata in its <head> and a "Cite as" block.

- Highwire Press `citation_*` tags, as Google Scholar's inclusion guidelines name them;
- JSON-LD: a schema.org `Report` (its author, publisher, series, DOI, licence, language and
  the other language editions as translations of one work);
- Open Graph and Twitter card tags, with the card image (`card.py`);
- in the template's "Cite as" block: a copy button (one small script the page's policy allows
  by its hash; without it the button stays hidden and the text can be selected), a "Download
  PDF" link and, when written (`--format cite`), the citation files.

Every address the page gives is relative (`<stem>.pdf`, `<stem>.card.png`) unless the document
has a `url`, which they are then resolved against: the files are published side by side.
"""

from __future__ import annotations

import json
import re
from html import escape
from urllib.parse import urljoin

from report import languages
from report.outputs import card as card_mod
from report.outputs.citation import Record

# Shows the hidden button, and copies the citation's text (`#cite-as .citation`) when it is
# pressed. No other script runs on the page; the policy names this one by its SHA-256.
COPY_SCRIPT = (
    "(function(){var b=document.getElementById('cite-copy'),t=document.querySelector('#cite-as .citation'),"
    "d=document.getElementById('cite-copied');if(!b||!t||!navigator.clipboard)return;b.hidden=false;"
    "b.addEventListener('click',function(){navigator.clipboard.writeText(t.textContent.trim())"
    ".then(function(){d.hidden=false;});});})();"
)
CITATION_FILES = ((".bib", "BibTeX"), (".ris", "RIS"), (".csl.json", "CSL JSON"))
MIME = ("application/x-bibtex", "application/x-research-info-systems", "application/vnd.citationstyles.csl+json")


def _address(rec: Record, name: str) -> str:
    return urljoin(rec.pub.url, name) if rec.pub.url else name


def highwire(rec: Record) -> list[tuple[str, str]]:
    """Google Scholar's tags, in its order: title, authors, date, then the rest."""
    tags = [("citation_title", rec.pub.title)]
    tags += [("citation_author", f"{p.family}, {p.given}" if p.given else p.name) for p in rec.authors]
    tags += [("citation_author_institution", p.affiliation) for p in rec.authors[:1] if p.affiliation]
    if rec.date_parts:
        tags.append(("citation_publication_date", "/".join(f"{n:02d}" for n in rec.date_parts)))
    tags += [("citation_technical_report_institution", rec.pub.publisher),
             ("citation_publisher", rec.pub.publisher), ("citation_series_title", rec.pub.series_name)]
    if rec.pub.number is not None:
        tags.append(("citation_technical_report_number", str(rec.pub.number)))
    tags += [("citation_pdf_url", _address(rec, rec.pdf))]
    if rec.pub.doi:
        tags.append(("citation_doi", rec.pub.doi))
    tags += [("citation_issn", i) for i in rec.issns]
    tags.append(("citation_language", rec.pub.lang))
    if rec.pub.keywords:
        tags.append(("citation_keywords", "; ".join(rec.pub.keywords)))
    if rec.pub.url:
        tags.append(("citation_abstract_html_url", rec.pub.url))
    return tags


def json_ld(rec: Record) -> dict:
    """The document as a schema.org Report."""
    # Google reads a headline of at most 110 characters: a longer title gives its short title.
    data: dict = {"@context": "https://schema.org", "@type": "Report", "name": rec.pub.title,
                  "headline": rec.pub.title if len(rec.pub.title) <= 110 else rec.pub.short_title}
    if rec.subtitle:
        data["alternativeHeadline"] = rec.subtitle
    data["author"] = [{"@type": "Person", "name": p.name, "givenName": p.given, "familyName": p.family,
                       **({"affiliation": {"@type": "Organization", "name": p.affiliation}} if p.affiliation else {})}
                      for p in rec.authors]
    publisher = {"@type": "Organization", "name": rec.pub.publisher}
    if rec.website:
        publisher["url"] = rec.website
    data["publisher"] = publisher
    if rec.pub.date:
        data["datePublished"] = rec.pub.date
    elif rec.pub.year is not None:
        data["datePublished"] = str(rec.pub.year)
    data["inLanguage"] = rec.pub.lang
    series: dict = {"@type": "CreativeWorkSeries", "name": rec.pub.series_name}
    if rec.issns:
        series["issn"] = list(rec.issns) if len(rec.issns) > 1 else rec.issns[0]
    data["isPartOf"] = series
    if rec.pub.number is not None:
        data["reportNumber"] = str(rec.pub.number)
    if rec.pub.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": rec.pub.doi,
                              "url": rec.pub.doi_url}
        data["sameAs"] = rec.pub.doi_url
    if rec.pub.url:
        data["url"] = rec.pub.url
    if rec.license_url:
        data["license"] = rec.license_url
    if rec.pub.copyright_holder:
        data["copyrightHolder"] = {"@type": "Organization", "name": rec.pub.copyright_holder}
        if rec.pub.year is not None:
            data["copyrightYear"] = rec.pub.year
    if rec.abstract:
        data["abstract"] = rec.abstract
    if rec.pub.keywords:
        data["keywords"] = list(rec.pub.keywords)
    data["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf",
                        "contentUrl": _address(rec, rec.pdf)}
    # The edition in the series' own language is the work; the others are its translations.
    if rec.original:
        works = [{"@type": "Report", "url": e.url, "inLanguage": e.lang} for e in rec.editions]
        if works:
            data["workTranslation"] = works
    else:
        originals = [{"@type": "Report", "url": e.url, "inLanguage": e.lang} for e in rec.editions if e.original]
        if originals:
            data["translationOfWork"] = originals[0]
    return data


def open_graph(rec: Record, card: card_mod.Card, description: str) -> list[tuple[str, str, str]]:
    """(attribute, name, content): Open Graph `property` tags, then Twitter's `name` tags."""
    image = _address(rec, rec.stem + ".card.png")
    og = [("og:type", "article"), ("og:title", rec.pub.title), ("og:site_name", rec.pub.publisher),
          ("og:locale", rec.pub.lang.replace("-", "_"))]
    if description:
        og.append(("og:description", description))
    if rec.pub.url:
        og.append(("og:url", rec.pub.url))
    og += [("og:image", image), ("og:image:type", "image/png"), ("og:image:width", str(card_mod.WIDTH)),
           ("og:image:height", str(card_mod.HEIGHT)), ("og:image:alt", card.alt)]
    if rec.pub.date:
        og.append(("article:published_time", rec.pub.date))
    og += [("article:author", p.name) for p in rec.authors]
    twitter = [("twitter:card", "summary_large_image"), ("twitter:title", rec.pub.title)]
    if description:
        twitter.append(("twitter:description", description))
    twitter += [("twitter:image", image), ("twitter:image:alt", card.alt)]
    return [("property", k, v) for k, v in og] + [("name", k, v) for k, v in twitter]


def head(rec: Record, card: card_mod.Card) -> str:
    """The <meta> tags and the JSON-LD, for the page's <head>."""
    lines = [f'<meta name="{k}" content="{escape(v)}">' for k, v in highwire(rec)]
    lines += [f'<meta {attr}="{k}" content="{escape(v)}">' for attr, k, v in open_graph(rec, card, rec.abstract)]
    # <, > and & as JSON escapes (as Django's json_script does): no text of the document can end
    # the script element or read as markup, whatever a title holds
    ld = json.dumps(json_ld(rec), ensure_ascii=False, indent=1)
    ld = ld.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    lines.append(f'<script type="application/ld+json">\n{ld}\n</script>')
    return "\n".join(lines) + "\n"


def actions(rec: Record, labels: languages.Labels, citation_files: bool, copy: bool) -> str:
    """The copy button (hidden until its script shows it), the PDF link and the citation files."""
    button = (f'<button type="button" id="cite-copy" hidden>{escape(labels.get("copy"))}</button> '
              f'<span id="cite-copied" role="status" hidden>{escape(labels.get("copied"))}</span> ') if copy else ""
    out = (f'  <p class="cite-actions">{button}<a class="download-pdf" href="{escape(rec.pdf)}" '
           f'type="application/pdf">{escape(labels.get("download-pdf"))}</a></p>\n')
    if citation_files:
        links = " · ".join(f'<a href="{escape(rec.stem + suffix)}" download type="{mime}">{name}</a>'
                           for (suffix, name), mime in zip(CITATION_FILES, MIME))
        out += f'  <p class="cite-files">{escape(labels.get("citation-files"))} {links}</p>\n'
    return out


def into_page(html_text: str, rec: Record, card: card_mod.Card, labels: languages.Labels,
              citation_files: bool) -> str:
    """The page with its metadata in <head>, and the copy button, the PDF link and the citation
    files in the template's "Cite as" section (`id="cite-as"`, its text in `.citation`). A page
    whose template printed no "Cite as" (nothing to cite by: no DOI, address or text by hand)
    gets the links alone, at the end of its footer (or its body, in a landmark of their own)."""
    text = html_text.replace("</head>", head(rec, card) + "</head>", 1)
    found = re.search(r'<section[^>]*\bid="cite-as"[^>]*>', text)
    if found:
        end = text.index("</section>", found.end())
        return (text[:end] + actions(rec, labels, citation_files, copy=True) + "</section>\n"
                + f"<script>{COPY_SCRIPT}</script>" + text[end + len("</section>"):])
    links = f'<div class="cite-as">\n{actions(rec, labels, citation_files, copy=False)}</div>\n'
    if "</footer>" in text:
        at = text.rindex("</footer>")
        return text[:at] + links + text[at:]
    return text.replace("</body>", f'<aside aria-label="{escape(labels.get("download-pdf"))}">\n{links}</aside>\n'
                        "</body>", 1)
