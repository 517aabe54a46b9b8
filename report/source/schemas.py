"""The four files a user writes, declared key by key: the front matter, series.yaml, charts.yaml, reader.yaml.

Each `Field` line gives a key's name, kind of value, default and meaning. The loaders check
against these declarations (`Schema.check`), the typed values take their defaults from them and
docs/reference is written from them (`python -m report.commands.reference_pages docs/reference`).
Adding a key is one line here; the code that uses the value reads it as an attribute (`series.label`).
"""

from __future__ import annotations

import calendar
import datetime
import re
import string
from urllib.parse import urlsplit

import tinycss2.color3  # WeasyPrint's own CSS parser: it knows the CSS colour names

from report import languages
from report.errors import quote
from report.source import identifiers
from report.source.fields import Field, Kind, NamingVoice, Schema, nearest

# -- kinds of value -------------------------------------------------------------------------

MAX_TEXT = 20_000  # characters in one front-matter string (a summary is ~1,000)
MAX_TITLE = 500  # characters in a title: it is set on the cover, the running head and in citations
MAX_SHORT_TITLE = 100  # a running head and a citation's short form
MAX_CITE_AS = 2_000  # characters in a "Cite as" text written by hand
MAX_CHART_TEXT = 2_000  # characters in a chart's title, unit, source, note or alt text
MAX_EDITIONS = 20  # other language editions of one document
MAX_READER_DOCUMENTS = 200  # documents bound into one reader (each is laid out twice)


def at_most(limit: int, what: str):
    """A list's `meaning`: no more than `limit` entries, checked before any entry is."""
    def meaning(value) -> tuple[str, ...]:
        return (f"lists {len(value):,} {what}; at most {limit:,} are allowed",) if len(value) > limit else ()
    return meaning
CHART_TYPES = ("bar", "barh", "line", "stacked")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")
YEARS = (1900, 2200)  # a plausible year of publication, in `year` and in `date`
MONTHS = ("January February March April May June July August September October November "
          "December").split()  # in messages, which are English
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]+)$")
_LENGTH = r"\d+(\.\d+)?(mm|cm|in|pt|pc|px)"
LENGTH = re.compile(r"^(0|\d+(\.\d+)?(mm|cm|in|pt))$")
PAGE_SIZE = re.compile(rf"^((A[3-5]|B[45]|JIS-B[45]|letter|legal|ledger)( (portrait|landscape))?"
                       rf"|(portrait|landscape) (A[3-5]|B[45]|JIS-B[45]|letter|legal|ledger)"
                       rf"|{_LENGTH}( {_LENGTH})?)$", re.IGNORECASE)


def date_problem(text: str) -> str | None:
    """Why `text` is not a date written YYYY-MM-DD or YYYY-MM in a plausible year, or None."""
    if not DATE.match(text):
        return f"{quote(text)} is not a date; write YYYY-MM-DD or YYYY-MM"
    year, month = int(text[:4]), int(text[5:7])
    if not 1 <= month <= 12:
        return f"{quote(text)} is not a date: there is no month {month} (write YYYY-MM-DD or YYYY-MM)"
    if len(text) == 10:
        day, days = int(text[8:]), calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return f"{quote(text)} is not a date: {MONTHS[month - 1]} {year} has no day {day}"
    if not YEARS[0] <= year <= YEARS[1]:
        return f"{quote(text)}: {year} is not a plausible year"
    return None


def valid_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return (parts.scheme == "https" and bool(parts.hostname) and "." in parts.hostname
            and not any(c.isspace() or not c.isprintable() for c in text))


def css_color(value) -> bool:
    """A colour both WeasyPrint and the charts accept: #rgb, #rrggbb or a CSS colour name."""
    if not isinstance(value, str) or not COLOR.match(value):
        return False
    if value.startswith("#"):
        return True
    parsed = tinycss2.color3.parse_color(value)
    return isinstance(parsed, tuple) and parsed.alpha == 1


def _margins(value) -> bool:
    return isinstance(value, str) and 1 <= len(value.split()) <= 4 and all(LENGTH.match(v) for v in value.split())


def _is_str(value) -> bool:
    return isinstance(value, str)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(i, str) for i in value)


def text(expected: str = "a string", *, name: str = "text", longest: int | None = None,
         valid=None, invalid: str = "", problem=None) -> Kind:
    """A string; at most `longest` characters; `valid(value)` or the `invalid` message ({value});
    `problem(value)`: what else is wrong with it, or None."""
    def meaning(value):
        problems = []
        if longest is not None and len(value) > longest:
            problems.append(f"is {len(value):,} characters long; at most {longest:,} are allowed")
        if valid is not None and not valid(value):
            problems.append(invalid.format(value=quote(value)))
        if problem is not None and (found := problem(value)):
            problems.append(found)
        return tuple(problems)
    return Kind(name, expected, _is_str, meaning, annotation=str)


def whole(expected: str = "a whole number", *, least: int | None = None, most: int | None = None,
          outside: str = "") -> Kind:
    """A whole number (not true/false) from `least` to `most`, or the `outside` message ({value})."""
    def meaning(value):
        if (least is not None and value < least) or (most is not None and value > most):
            return (outside.format(value=value),)
        return ()
    return Kind("whole number", expected, _is_int, meaning, annotation=int)


def strings(expected: str = "a list of strings", name: str = "list of text") -> Kind:
    return Kind(name, expected, _is_str_list, convert=tuple, annotation=tuple)


def listing(expected: str, name: str = "list", **more) -> Kind:
    return Kind(name, expected, lambda v: isinstance(v, list), convert=tuple, annotation=tuple, **more)


def mapping(expected: str, name: str = "mapping", **more) -> Kind:
    return Kind(name, expected, lambda v: isinstance(v, dict), convert=dict, annotation=dict, **more)


BOOL = Kind("true/false", "true or false", lambda v: isinstance(v, bool), annotation=bool)
OPTIONAL_MARKDOWN = Kind("Markdown", "Markdown text", lambda v: v is None or isinstance(v, str),
                         convert=lambda v: v or None, annotation=str)
COLOUR = Kind("CSS colour", "a CSS colour such as '#1b2a4a'", css_color, annotation=str)
PRESS_COLOUR = Kind("[C, M, Y, K]", "four percentages [C, M, Y, K] from 0 to 100",
                    lambda v: isinstance(v, list) and len(v) == 4 and all(
                        isinstance(n, (int, float)) and not isinstance(n, bool) and 0 <= n <= 100 for n in v),
                    annotation=list)
DATE_TEXT = dict(name="date", problem=date_problem)


def language_tag(expected: str = "a language tag such as en or en-GB") -> Kind:
    """A BCP 47 tag whose language has a catalogue of labels (report/locales)."""
    def meaning(value):
        problems = []
        if len(value) > MAX_TEXT:
            problems.append(f"is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed")
        if not LANG_TAG.match(value):
            problems.append(f"{quote(value)} is not a language tag such as en, en-GB or uk")
        elif not languages.supported(value):
            problems.append(f"{quote(value)} is not a language the builder has labels for; supported: "
                            f"{', '.join(languages.SUPPORTED)} (docs/guides/languages.md says how to add one)")
        return tuple(problems)
    return Kind("language tag", expected, _is_str, meaning, annotation=str)


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _label_value(value) -> bool:
    return isinstance(value, str) or (isinstance(value, dict) and bool(value)
                                      and all(k in PLURAL_CATEGORIES and isinstance(v, str) for k, v in value.items()))


def _known_labels(value) -> tuple[str, ...]:
    known = languages.keys()
    return tuple(f"unknown label {quote(str(k))}{nearest(k, known)}" for k in value if k not in known)


MAX_LABEL_WIDTH = 20  # a width in a label's placeholder: "{number:>3}"
LABEL_SPEC = re.compile(r"[<>^]?(\d*)")


def _label_format(key, value) -> tuple[str, ...]:
    """A label's `{placeholders}`: only those the builder fills for that label, each plain or
    with a small width; no attributes, items or conversions (a label is words, not code)."""
    if str(key) not in languages.keys():
        return ()  # reported as an unknown label
    texts = [value] if isinstance(value, str) else list(value.values()) if isinstance(value, dict) else []
    allowed = languages.placeholders(str(key))
    takes = ", ".join("{" + name + "}" for name in sorted(allowed)) or "no {placeholders}"
    problems = []
    for text in (t for t in texts if isinstance(t, str)):
        if len(text) > MAX_TEXT:
            problems.append(f"is {len(text):,} characters long; at most {MAX_TEXT:,} are allowed")
            continue
        if key in ("date", "month"):
            from babel.dates import format_date
            try:
                format_date(datetime.date(2025, 6, 12), text, locale="en")
            except ValueError as exc:
                problems.append(f"{quote(text)} is not a Babel date pattern such as 'd MMMM y': {exc}")
                continue
        if key == "quotes" and len(text.split("|")) != 4:
            problems.append(f"{quote(text)} must be four marks separated by '|': opening and closing double, "
                            "opening and closing single, as “|”|‘|’")
            continue
        try:
            fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                      if name is not None]
        except ValueError as exc:
            problems.append(f"{quote(text)} is not a label: {exc}; write {{{{ and }}}} for a brace")
            continue
        for name, spec, conversion in fields:
            field = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            if name not in allowed:
                problems.append(f"{quote(field)}: label {quote(str(key))} takes {takes}")
            elif conversion or not LABEL_SPEC.fullmatch(spec or ""):
                problems.append(f"{quote(field)}: a placeholder may only have a width and alignment, as {{{name}:>3}}")
            elif LABEL_SPEC.fullmatch(spec or "")[1] and int(LABEL_SPEC.fullmatch(spec)[1]) > MAX_LABEL_WIDTH:
                problems.append(f"{quote(field)}: a width of at most {MAX_LABEL_WIDTH}")
    return tuple(problems)


def _known_languages(value) -> tuple[str, ...]:
    problems = []
    for key in map(str, value):
        if key != languages.language(key) and languages.supported(key):
            problems.append(f"{quote(key)}: name the language alone ({languages.language(key)}); a region's "
                            "documents take its texts")
        elif not languages.supported(key):
            problems.append(f"{quote(key)} is not a language the builder has labels for; supported: "
                            f"{', '.join(languages.SUPPORTED)}")
    return tuple(problems)


MAX_PATTERN = 200  # characters in one placeholder pattern of series.yaml


def _regexes(value) -> tuple[str, ...]:
    problems = []
    for pattern in value:
        if len(pattern) > MAX_PATTERN:
            problems.append(f"the pattern {quote(pattern)} is longer than {MAX_PATTERN} characters")
            continue
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(f"{quote(pattern)} is not a regular expression: {exc}")
    return tuple(problems)


# -- the front matter of document.md ---------------------------------------------------------

AUTHOR = Schema(
    "authors", "Each author", (
        Field("name", text(), "the author's name, as printed", required=True),
        Field("affiliation", text(), "printed after the name in the byline and in About the author"),
        Field("bio", text(), "a short biography, Markdown, printed in About the author"),
    ),
    intro="`authors` is a list; each entry is a mapping with these keys.",
    not_mapping=lambda value: (f"must be a mapping such as {{name: {quote(value)}}}, not a plain string"
                               if isinstance(value, str) else "must be a mapping with a name"),
)

_TEXT = text(longest=MAX_TEXT)

EDITION = Schema(
    "editions", "Each edition", (
        Field("lang", language_tag(), "the edition's language, e.g. sv", required=True),
        Field("url", text("an absolute https:// address", name="https address", longest=MAX_TEXT, valid=valid_url,
                          invalid="{value} is not an absolute https:// address"),
              "where the edition is online", required=True),
    ),
    intro="`editions` is a list; each entry names another language edition of the same text, e.g. "
          "`{lang: sv, url: https://sceeus.se/sv/…}`.",
    not_mapping=lambda value: "must be a mapping with lang and url",
)

MAX_KEY_FIGURES = 6  # one a spread: more than a long report has spreads to hold them
MAX_KEY_FIGURE_VALUE = 12  # "€50bn", "1 in 4": what the rail sets large on one line

KEY_FIGURE = Schema(
    "key_figures", "Each key figure", (
        Field("value", text("a short text such as '€50bn'", longest=MAX_KEY_FIGURE_VALUE),
              f"the number, set large in the rail: at most {MAX_KEY_FIGURE_VALUE} characters", required=True),
        Field("label", text(longest=200), "what the number counts, under it", required=True),
    ),
    intro="`key_figures` is a list; each entry is a number and its label, e.g. "
          "`{value: \"€50bn\", label: \"EU aid pledged 2024\"}`, set in the rail beside the sections, "
          "one a spread (docs/guides/the-rail.md).",
    not_mapping=lambda value: "must be a mapping with value and label, such as {value: \"€50bn\", label: \"…\"}",
)

FRONT_MATTER = Schema(
    "document.md", "Front matter (document.md)", (
        Field("series", text("a string (a series id)", longest=MAX_TEXT), "the series the document belongs to, e.g. "
              "`sceeus-guest-commentary`; `--series` overrides it", required=True),
        Field("number", whole(least=1, outside="must be 1 or more"), "the number in the series, e.g. 8"),
        Field("year", whole("a whole number (e.g. 2024)", least=YEARS[0], most=YEARS[1],
                            outside="{value} is not a plausible year"),
              "year of publication; required when there is no `date`"),
        Field("date", text("a date written YYYY-MM-DD or YYYY-MM", longest=MAX_TEXT, **DATE_TEXT),
              "date of publication, printed in the masthead; its year is the year when `year` is not given"),
        Field("title", text(longest=MAX_TITLE), "the title", required=True),
        Field("short_title", text(longest=MAX_SHORT_TITLE), "the short title: the running head, a citation's "
              "short form and the card of a long title; none: the title; a title over 60 characters wants one "
              "(`--check` warns; the running head is then the main title, never cut with an ellipsis)"),
        Field("subtitle", _TEXT, "printed under the title"),
        Field("authors", listing("a list of authors, each with a name", "list of authors", items=AUTHOR,
                                 empty="needs at least one author"),
              "one or more authors, in order (see below)", required=True),
        Field("lang", language_tag(),
              "the language of the text: its labels, dates, numbers, quotation marks, hyphenation and the "
              f"PDF's language; one of {', '.join(languages.SUPPORTED)}, with a region if you like (en-GB)",
              default="en"),
        Field("summary", text("Markdown text", name="Markdown", longest=MAX_TEXT),
              "the Executive Summary, in Markdown"),
        Field("recommendations", strings("a list of Markdown strings", "list of Markdown"),
              "policy recommendations; the first sentence of each is set in bold", default=()),
        Field("keywords", strings(), "keywords, written into the PDF's metadata", default=()),
        Field("url", text("an absolute https:// address", name="https address", longest=MAX_TEXT, valid=valid_url,
                          invalid="{value} is not an absolute https:// address"),
              "the online version: printed with a QR code at the end"),
        Field("editions", listing("a list of editions, each with lang and url", "list of editions", items=EDITION,
                                  meaning=at_most(MAX_EDITIONS, "editions")),
              "the other language editions of this document (see below): named in the publisher block, "
              f"linked from the web page; at most {MAX_EDITIONS}", default=()),
        Field("key_figures", listing("a list of key figures, each with value and label", "list of key figures",
                                     items=KEY_FIGURE, meaning=at_most(MAX_KEY_FIGURES, "key figures")),
              "key numbers set in the rail, one a spread (see below and docs/guides/the-rail.md); "
              f"at most {MAX_KEY_FIGURES}", default=()),
        Field("references", text("a file name in the document folder (.bib, .json or .yaml)", name="file name",
                                 longest=MAX_TEXT),
              "the library the body cites from (docs/guides/sources.md); none: `references.bib`, "
              "`references.json` or `references.yaml` in the document folder"),
        Field("doi", text("a DOI such as 10.18449/2022A12", name="DOI", problem=identifiers.doi_problem),
              "the document's DOI, without https://doi.org/ (docs/guides/publishing.md); none: the one the "
              "series' `doi_pattern` makes, if it has one"),
        Field("license", text("an SPDX licence id such as CC-BY-4.0", name="licence",
                              problem=identifiers.license_problem),
              "the licence: " + ", ".join(f"`{k}`" for k in identifiers.LICENSES) + "; none: the series' `license`"),
        Field("copyright", text("the name of the copyright holder", longest=MAX_TEXT),
              "who holds the copyright, printed as © holder year; none: the series' `copyright`, else the publisher"),
        Field("cite_as", text("the citation as it should be printed", longest=MAX_CITE_AS),
              "the \"Cite as\" text, when the one the series' citation style makes will not do"),
        Field("cover_image", text("a file name in the document folder (PNG, JPEG, GIF, WebP or SVG)",
                                  name="file name", longest=MAX_TEXT),
              "a picture across the cover of a series with one (the SCEEUS Reports), in place of its "
              "pattern; checked like the body's pictures. A series without a cover does not print it"),
        Field("placeholders_accepted", strings("a list of placeholder texts, as written"),
              "placeholders the editor knows are still in the text (e.g. '[Author name to be "
              "confirmed]'): printed, they pass `--preflight --strict`, which names them in one line",
              default=()),
        Field("word_proof", BOOL, "`--format docx` may write this document as a Word proof for its author "
              "(docs/guides/word-proofs.md); false: it is refused", default=True),
    ),
    intro="""
`document.md` starts with a front matter: YAML keys between two `---` lines, then the Markdown
body. A series may require more keys (its `required` in series.yaml) and accept keys of its own
(its `declares`), which templates read as `doc.extra`.
""",
    example="""\
series: sceeus-guest-commentary
number: 9
year: 2025
title: Ukraine and Belarus after the Election
authors:
  - name: Jane Doe
    affiliation: Stockholm University
    bio: Jane Doe is a researcher at Stockholm University.
summary: >
  The Executive Summary, in Markdown.
recommendations:
  - The EU should act. The first sentence is set in bold.
keywords: [Belarus, Ukraine]
""",
    notes=f"Every text is at most {MAX_TEXT:,} characters long; a title at most {MAX_TITLE}, a short title "
          f"{MAX_SHORT_TITLE}, a `cite_as` {MAX_CITE_AS:,}. A value that starts with `FILL IN` (what "
          "`--import` writes where only the editor knows the value) is reported as a placeholder, and "
          "the document is not built until it is replaced.",
    page="front-matter.md",
)


# -- series.yaml ----------------------------------------------------------------------------

# The files a font role may give, by key: (CSS font-weight, font-style).
FACES = {"normal": ("400", "normal"), "italic": ("400", "italic"),
         "semibold": ("600", "normal"), "semibold_italic": ("600", "italic"),
         "bold": ("700", "normal"), "bold_italic": ("700", "italic")}

LABELS = mapping("a mapping of label keys to texts", "mapping of labels",
                 values=Kind("label", "a text, or a mapping of plural categories (one, few, many, other) to texts",
                             _label_value, annotation=object),
                 meaning=_known_labels, entries=_label_format)

PUBLISHER = Schema(
    "publisher", "The publisher block", (
        Field("name", text(), "the publisher's full name: the first line of the publisher block "
              "when `lines` is not set", default=""),
        Field("short_name", text(), "the short name: the running footer, and the wordmark when "
              "neither `wordmark` nor `logo` is set", default=""),
        Field("wordmark", text(), "the typographic wordmark in the masthead", default=""),
        Field("logo", text("a file name (SVG, or PNG at 300 dpi)", name="file name"),
              "a logo file, relative to this series.yaml: SVG, or PNG with enough pixels for 300 dpi at its "
              "printed size. It stands in for the wordmark in the masthead and heads the publisher block",
              default=""),
        Field("lines", strings(), "the lines of the publisher block; none: `name`", default=()),
        Field("website", text(), "the web address, without https://, printed in the publisher block",
              default=""),
    ),
    intro="`publisher` is one mapping. A series that sets it replaces its parent's block as a whole: "
          "what it leaves out is empty, never the parent's.",
    null_is_absent=False,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Who deposits the series' DOIs with Crossref (--format crossref): the deposit's <head>.
CROSSREF = Schema(
    "crossref", "The Crossref depositor", (
        Field("depositor_name", text(), "the depositor's name, as Crossref knows the account; needed by "
              "`--format crossref`", default=""),
        Field("depositor_email", text("an e-mail address", problem=lambda v: None if EMAIL.match(v) else
                                      f"{quote(v)} is not an e-mail address"),
              "where Crossref sends the deposit's report; needed by `--format crossref`", default=""),
        Field("registrant", text(), "the organisation that owns the DOIs; none: the publisher's name",
              default=""),
    ),
    intro="`crossref` is one mapping, needed only by `--format crossref` (docs/guides/publishing.md).",
    null_is_absent=False,
)
# How the print PDF is imposed for the press (report/layout/imposition.py); the screen PDF is
# single-sided whatever this says.
PRINT = Schema(
    "print", "The print PDF's imposition", (
        Field("imposition", text("mirrored or single"), "mirrored: facing pages, the rail and the folio on the "
              "outer edge of each page, the running head mirrored; single: every page alike, as on screen",
              default="mirrored", choices=("mirrored", "single")),
        Field("pad_to", Kind("whole number", "a whole number from 1 to 16 (1: no blank pages)",
                             lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 16,
                             annotation=int),
              "blank pages are added (before the back cover, which stays last) until the page count is a "
              "multiple of this: 4 for a saddle-stitched booklet", default=4),
        Field("slug", BOOL, "a slug line outside the trim, beyond the crop marks: the file, the document's date, "
              "the colour standard and the page", default=True),
        Field("overprint", BOOL, "100 % black (text, rules) overprints what lies under it instead of "
              "knocking it out", default=True),
    ),
    intro="`print` is one mapping, read only by `--format print` (docs/reference/outputs.md). Small type "
          "(under 10 pt), hairlines and the QR code are set in black ink only whatever it says.",
    null_is_absent=False,
)
# The publisher texts a language may word anew; the logo and wordmark are the same in every language.
LANGUAGE_PUBLISHER = Schema(
    "languages.LANG.publisher", "The publisher in each language", (
        Field("name", text(), "`publisher.name` in this language"),
        Field("short_name", text(), "`publisher.short_name` in this language"),
        Field("lines", strings(), "`publisher.lines` in this language"),
        Field("website", text(), "`publisher.website` in this language (a page in the language, say)"),
    ),
    intro="`languages.<lang>.publisher` words the series' publisher block in that language: only its texts. "
          "A key left out prints the block's own; the logo and the wordmark are the same in every language.",
    null_is_absent=False,
)

LANGUAGE = Schema(
    "languages", "Each language", (
        Field("name", text(), "`name` in this language"),
        Field("label", text(), "`label` (masthead, running header) in this language"),
        Field("publisher", mapping("a mapping: the publisher's texts (name, short_name, lines, website)",
                                   "publisher texts", keys=LANGUAGE_PUBLISHER),
              "the publisher block's texts in this language (see below); what it leaves out is the block's own"),
        Field("disclaimer", OPTIONAL_MARKDOWN, "`disclaimer` in this language"),
        Field("disclaimer_plural", OPTIONAL_MARKDOWN, "`disclaimer_plural` in this language"),
        Field("labels", LABELS, "the builder's labels replaced for this language, by key (the `msgctxt` of "
              "report/locales/LANG.po): `summary: Sammanfattning`; a label with plural forms may give one "
              "text per CLDR plural category (`about: {one: …, other: …}`); a label keeps to the "
              "`{placeholders}` of its English text, each plain or with a width of at most 20 (`{number:>3}`), "
              "and `quotes` gives four marks separated by `|`"),
    ),
    intro="`languages` maps a language (`sv`, `uk` …) to the series' texts in it. A document in a language "
          "the series does not word prints the series' own texts; `--check` warns about each. A series "
          "that sets one of these keys itself drops what its parents word for it in every language.",
    null_is_absent=False,
    not_mapping=lambda value: "must be a mapping of texts (label, disclaimer, labels …)",
)

FONT_FACE = Schema(
    "fonts", "Each font face", (
        Field("family", text(), "the family name the CSS uses; left out, the parent's face of this role "
              "keeps its name and takes the files given here"),
        Field("normal", text(), "the upright font file (TrueType or OpenType), relative to this series.yaml; "
              "needed with a new family"),
        Field("italic", text(), "the italic font file; needed when the CSS sets italic text in this family "
              "(nothing is ever slanted for it)"),
        *(Field(key, text(), f"the static {key.replace('_', ' ')} ({weight}) font file")
          for key, (weight, _) in FACES.items() if key not in ("normal", "italic")),
        Field("weight", text(), "the CSS weight of `normal` and `italic`; none: 400 when bold or semibold "
              "files are given, else every weight of a variable font's axis (400 for a static file)"),
    ),
    intro="`fonts` maps a role to a face. `serif` and `sans` are the text faces; other roles are "
          "fallbacks for scripts they lack (Hebrew, Arabic …), appended to every font stack. These files "
          "are the only fonts a build sees: every weight and style the CSS sets text in must be given "
          "here (a static file each, or a variable font), else the build stops at the role's line.",
    null_is_absent=False,
    not_mapping=lambda value: "must be a mapping with family and normal (a font file)",
)

# The identity of the publisher, one block: a series that sets it replaces its parent's whole,
# so no name, wordmark or line of another publisher survives. A plain mapping, so that variants
# (per language, say) can be layered on it later.
SERIES = Schema(
    "series.yaml", "series.yaml", (
        Field("extends", text("a series id"), "the parent series; every chain ends at `base`", default="base",
              attribute=False),
        Field("name", text(), "full name, e.g. SCEEUS Guest Commentary", default="Publication"),
        Field("label", text(), "the masthead line and running header, e.g. Guest Commentary", default="Publication"),
        Field("publisher", mapping("a mapping: the publisher block (name, short_name, wordmark or logo, "
                                   "lines, website)", "publisher block", keys=PUBLISHER),
              "who publishes the series: its name, wordmark or logo, lines and website (see below). "
              "Inherited as a whole: a series that sets it keeps nothing of its parent's, nor the parent's "
              "`disclaimer`", default={}),
        Field("disclaimer", OPTIONAL_MARKDOWN, "printed at the end, e.g. a guest disclaimer; empty for none",
              default=""),
        Field("disclaimer_plural", OPTIONAL_MARKDOWN, "the disclaimer of a document by several authors; "
              "empty: `disclaimer`. A series that sets `disclaimer` drops its parents' plural", default=""),
        Field("colors", mapping("a mapping of colour names to CSS colours", "mapping of colours", values=COLOUR),
              "named colours (CSS `var(--color-NAME)` and the charts); merged name by name with the "
              "parent's; `primary`, `accent`, `tint` and `text` must be set (base sets all)", default={}),
        Field("cmyk", mapping("a mapping of colour names to [C, M, Y, K] in percent", "mapping of press colours",
                              values=PRESS_COLOUR),
              "press colours of the print PDF, by the names in `colors`; a colour without one is "
              "converted (see docs/reference/outputs.md)", default={}),
        Field("chart_colors", strings("a list of colour names or CSS colours", "list of colours"),
              "the colours of a chart's series, in order: names from `colors` or CSS colours",
              default=("primary", "accent", "muted")),
        Field("chart_width_mm", Kind("number", "a positive number (millimetres), or null for the text column",
                                     lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)
                                                             and v > 0),
                                     annotation=float),
              "the width charts are drawn at, in millimetres; none: the text column (the page width less "
              "the side margins and the rail)", default=None),
        Field("fonts", mapping("a mapping of roles (serif, sans) to font faces", "mapping of faces",
                               values=FONT_FACE),
              "the typefaces by role (see below); merged role by role with the parent's", default={}),
        Field("required", strings("a list of front-matter keys"), "front-matter keys a document of this "
              "series must set, besides series, title and authors", default=()),
        Field("declares", strings("a list of key names"), "extra front-matter keys this series accepts "
              "(templates read them as `doc.extra`)", default=()),
        Field("page_size", Kind("CSS page size", "a CSS page size such as A4, letter or '210mm 297mm'",
                                lambda v: isinstance(v, str) and bool(PAGE_SIZE.match(v)), annotation=str),
              "the paper size: A3–A5, B4, B5, letter, legal, ledger, or width and height", default="A4"),
        Field("margins", Kind("CSS margins", "one to four lengths such as '20mm 22mm 25mm' (top, right, bottom, "
                              "left, as in CSS)", _margins, annotation=str),
              "the page margins, as CSS writes them; the masthead band and the running header and footer "
              "follow them", default="20mm 22mm 25mm 22mm"),
        Field("rail", Kind("length", "a length such as 30mm (0mm for none)",
                           lambda v: isinstance(v, str) and bool(LENGTH.match(v)), annotation=str),
              "the left rail of the text column, where section and recommendation numbers hang; "
              "0mm for none", default="30mm"),
        Field("notes", text("side, foot or end"), "where the notes (and notes a citation style makes) are set "
              "in the PDFs: `side`, in the rail beside their call, stacked, at the foot of the page when "
              "the rail is full (the rail must be at least 20mm); `foot`, at the foot of the page; `end`, "
              "after the text (docs/guides/the-rail.md). The web page always sets them after the text",
              default="end", choices=("side", "foot", "end")),
        Field("bleed_bands", BOOL, "bands (the masthead) run off the page edge, and into the bleed in "
              "the print PDF; false: they stay inside the margins", default=True),
        Field("text_align", text("justify or left"), "body text justified, or ragged right (left, with fewer "
              "hyphens); see typesetting-layout.md", default="left", choices=("justify", "left")),
        Field("small_caps_acronyms", BOOL, "acronyms of two or more capitals in running text (EU, NATO) set "
              "in the serif's small capitals, read and copied as typed; see typesetting-layout.md", default=False),
        Field("oldstyle_figures", BOOL, "old-style figures in running text; tables, headings, folios and charts "
              "keep lining tabular figures; see typesetting-layout.md", default=False),
        Field("template", text("a template file name"), "the main template, looked up in the series' "
              "`templates/` folders, child first", default="document.html"),
        Field("numbered_sections", BOOL, "number the `##` sections", default=False),
        Field("word_proof", BOOL, "`--format docx` may write the series' documents as Word proofs in its "
              "typefaces and colours (docs/guides/word-proofs.md); false: it is refused", default=True),
        Field("crossref_pages", BOOL, "in the PDFs, a cross-reference adds the page of what it names "
              "(\"Figure 2, p. 3\"); see docs/guides/cross-references.md", default=False),
        Field("uncaptioned_tables", text("warn or error"), "a table without a caption (`Table: …`) is "
              "not numbered: a warning, or an error that stops the build", default="warn",
              choices=("warn", "error")),
        Field("placeholders", Kind("list of regular expressions", "a list of regular expressions",
                                   _is_str_list, _regexes, convert=tuple, annotation=tuple),
              "more placeholder text that must not reach the press (besides FILL IN and "
              "'[… to be confirmed]'): Python regular expressions, matched in the front matter and the "
              "body; a warning, an error for `--preflight --strict`", default=()),
        Field("contents", BOOL, "a table of contents with page numbers", default=False),
        Field("cover", BOOL, "a cover page", default=False),
        Field("back_cover", BOOL, "a back cover in the PDFs: the abstract, series and number, ISSN, DOI, "
              "\"Cite as\", © and licence (docs/guides/publishing.md)", default=False),
        Field("lang", language_tag(), "the language of this series' own texts (name, label, disclaimer …)",
              default="en"),
        Field("citation_style", text("a CSL style name such as chicago-notes-bibliography"),
              "how citations are printed (docs/guides/sources.md): a CSL style's file name without `.csl`, "
              "looked up in the series' folders and their `csl/` folders. base ships "
              "`chicago-notes-bibliography` (notes, short form when a source is cited again), "
              "`chicago-notes-bibliography-subsequent-ibid` (the same with Ibid.), `apa` (author–date, "
              "in the text) and `mhra-notes`", default="chicago-notes-bibliography"),
        Field("bibliography", BOOL, "a reference list of the cited sources at the end of the text, headed "
              "in the document's language", default=False),
        Field("issn", text("an ISSN such as 2000-1234", name="ISSN", problem=identifiers.issn_problem),
              "the series' ISSN, printed in the colophon and the metadata, when it has one for all media",
              default=""),
        Field("issn_print", text("an ISSN such as 2000-1234", name="ISSN", problem=identifiers.issn_problem),
              "the ISSN of the printed series", default=""),
        Field("issn_online", text("an ISSN such as 2000-1234", name="ISSN", problem=identifiers.issn_problem),
              "the ISSN of the online series", default=""),
        Field("doi_pattern", text("a DOI with {year} and {number}, such as 10.12345/brief-{year}-{number}",
                                  name="DOI pattern", problem=identifiers.doi_pattern_problem),
              "how the series' DOIs are made: a document with a number and no `doi` gets this one; a `doi` "
              "that does not match it is a warning", default=""),
        Field("license", text("an SPDX licence id such as CC-BY-4.0", name="licence",
                              problem=identifiers.license_problem),
              "the licence of the series' documents (a document's `license` wins): "
              + ", ".join(f"`{k}`" for k in identifiers.LICENSES), default=""),
        Field("copyright", text("the name of the copyright holder"), "who holds the copyright of the "
              "series' documents (a document's `copyright` wins); none: the publisher's name", default=""),
        Field("references", text("a file path inside the series folder (.bib, .json or .yaml)", name="file name"),
              "a desk-wide library every document of the series may cite from; a document's own library "
              "wins a key both hold", default=""),
        Field("print", mapping("a mapping: imposition, pad_to, slug, overprint", "print imposition", keys=PRINT),
              "how the print PDF is imposed: mirrored pages, blank pages to a multiple of 4, the slug line, "
              "black overprinting (see below); the screen PDF is not affected", default={}),
        Field("crossref", mapping("a mapping: depositor_name, depositor_email, registrant", "Crossref depositor",
                                  keys=CROSSREF),
              "who deposits the series' DOIs with Crossref (see below); only `--format crossref` reads it",
              default={}),
        Field("languages", mapping("a mapping of languages to texts", "mapping of languages", values=LANGUAGE,
                                   meaning=_known_languages),
              "the series' texts and labels in other languages (see below); merged language by language "
              "and key by key with the parent's", default={}),
    ),
    intro="""
A series is a folder `styles/<id>/` with a `series.yaml` and, optionally, `style.css`,
`templates/` and fonts. Every key is optional: a key a series does not set comes from its
parent (`extends`), and every chain ends at `base`; the defaults below are what no series sets.
`colors` and `fonts` merge name by name, every other key is replaced by the child's.
Templates read these values as attributes, e.g. `{{ series.label }}`,
`{{ series.publisher.wordmark }}`.
""",
    example="""\
extends: sceeus-commentary
name: SCEEUS Report
label: Report
cover: true
contents: true
numbered_sections: true
colors:
  accent: "#c0522d"
""",
    null_is_absent=False,
    page="series-yaml.md",
)


# -- charts.yaml ----------------------------------------------------------------------------

_CHART_TEXT = text(longest=MAX_CHART_TEXT)
CSV_DELIMITERS = (",", ";", "\t", "|")


def _one_of(choices: tuple[str, ...]):
    shown = ", ".join(f'"{c}"' if c != "\t" else '"\\t"' for c in choices)
    return lambda value: None if value in choices else f"must be one of {shown}, not {quote(value)}"


CSV_FORMAT = Schema(
    "csv", "How a chart's CSV file is written", (
        Field("delimiter", text(problem=_one_of(CSV_DELIMITERS)), "the character between the cells: `\",\"`, "
              "`\";\"` (Excel in Swedish, German, Ukrainian … settings), `\"\\t\"` (tab) or `\"|\"`", default=","),
        Field("decimal", text(problem=_one_of((".", ","))), "the decimal mark of its numbers: `\".\"` or `\",\"` "
              "(`1,5` for one and a half)", default="."),
    ),
    intro="`csv` says how the `data` file is written, when it is not comma-separated with a decimal point: "
          "`csv: {delimiter: \";\", decimal: \",\"}` reads what Excel saves as CSV in Swedish, German or "
          "Ukrainian settings.",
    null_is_absent=False,
    voice=NamingVoice(),
)

CHART = Schema(
    "charts.yaml", "charts.yaml", (
        Field("type", text(), "the kind of chart: `bar` (columns), `barh` (bars), `line`, `stacked` "
              "(stacked columns)", required=True, choices=CHART_TYPES),
        Field("title", text("a string (the heading inside the figure)", longest=MAX_CHART_TEXT),
              "a heading inside the figure; usually none, as the caption names the chart"),
        Field("unit", text("a string (the value-axis label)", longest=MAX_CHART_TEXT), "the value axis' label"),
        Field("x", Kind("list, or a column name", "a list of categories or x values, e.g. [2021, 2022], or "
                        "with 'data' the name of a CSV column", lambda v: isinstance(v, (list, str)),
                        annotation=object),
              "the categories or x values, in order (with `series`); with `data`, the name of the CSV column "
              "that holds them (default: the first)"),
        Field("columns", strings("a list of CSV column names, e.g. [Exports, Imports]", "list of column names"),
              "with `data`: the columns to chart, in this order (default: every column but x)"),
        Field("series", mapping("a mapping of series names to lists of numbers"),
              "series name → one number per x value; `null` is a gap (with `x`)"),
        Field("data", text("the name of a CSV file in the document folder, e.g. trade.csv", name="file name"),
              "a CSV file in the document folder instead of `x` and `series`: a header row naming the "
              "columns, then the first column x and one column per series (or the columns `x` and `columns` "
              "name); an empty cell, `null` or `NA` is a gap"),
        Field("csv", mapping("a mapping such as {delimiter: \";\", decimal: \",\"}", "CSV format", keys=CSV_FORMAT),
              "how the `data` file is written, when not comma-separated with a decimal point (see below)"),
        Field("source", text("a string (printed as 'Source: …')", longest=MAX_CHART_TEXT),
              "printed under the figure as 'Source: …'"),
        Field("note", text("a string (printed under the figure)", longest=MAX_CHART_TEXT),
              "printed under the figure"),
        Field("alt", text("a string (the text alternative)", longest=MAX_CHART_TEXT),
              "the text alternative for readers who cannot see the chart"),
    ),
    intro="""
`charts.yaml` in a document folder maps chart ids to charts; the body shows one with
`![Caption](chart:ID)`. A chart gives its data inline (`x` and `series`) or as a CSV file
(`data`). Each chart is a mapping with these keys.
""",
    example="""\
trade-2021-2022:
  type: bar
  unit: USD billion
  x: [2021, 2022]
  series:
    Belarus exports to Ukraine: [5.4, 1.4]
    Ukraine exports to Belarus: [1.5, 0.02]
  source: Figures as cited in the text
  alt: Grouped bar chart of Ukraine–Belarus trade in 2021 and 2022.

monthly-turnover:
  type: line
  unit: USD million
  data: turnover.csv

trade-from-a-table:
  type: bar
  data: trade.csv              # Country,Year,Exports,Imports,Balance
  x: Year                      # the column of the x values
  columns: [Exports, Imports]  # the columns to chart, in this order
""",
    notes=f"`title`, `unit`, `source`, `note` and `alt` are at most {MAX_CHART_TEXT:,} characters long.\n\n"
          "**Gaps.** A missing value (`null`, or an empty cell) is drawn as a gap, never as a zero: a `bar` "
          "or `barh` chart has no bar there, a `line` breaks (a lone value between two gaps gets a dot). "
          "In a `stacked` chart the column stays open from the gap up: the segments below the gap are "
          "drawn at their heights, the ones above it are not (where they would start depends on the "
          "missing value), and the column has no total; a gap in the first series leaves the whole column "
          "empty. Where a value is zero, write `0`: it is drawn as nothing and counted.",
    voice=NamingVoice(),
    page="charts-yaml.md",
)


# -- reader.yaml ----------------------------------------------------------------------------

READER = Schema(
    "reader.yaml", "reader.yaml", (
        Field("title", text(), "the reader's title, on its cover", required=True),
        Field("subtitle", text(), "printed under the title"),
        Field("date", text("a date written YYYY-MM-DD or YYYY-MM", **DATE_TEXT), "printed on the cover"),
        Field("series", text("a series id"), "the reader series of the cover and contents pages (one with "
              "its own templates/reader.html); without it, the reader series of the documents' publisher, "
              "or else the documents' series with the shipped reader template; each document keeps its own"),
        Field("lang", language_tag(), "the language of the cover and contents; each document keeps its own",
              default="en"),
        Field("documents", listing("a list of document folders, relative to this file", "list of folders",
                                   items=Kind("folder", "a folder path", _is_str, annotation=str),
                                   empty="needs at least one document folder",
                                   meaning=at_most(MAX_READER_DOCUMENTS, "documents")),
              "the document folders to bind, in order: each under reader.yaml's folder or the project's "
              "data/ (or a folder given with --documents-root); no absolute path, `..` or symbolic link; "
              f"at most {MAX_READER_DOCUMENTS}",
              required=True),
    ),
    intro="""
`python build.py --bundle reader.yaml` binds several documents into one event reader: a cover,
the contents, then every document in its own series' style, with page numbers running across
the whole reader.

The cover and contents are in the name of the documents' publisher: without `series:`, a reader
of documents that share a publisher takes that publisher's reader series (`sceeus-reader` for
SCEEUS's), or, when it has none, the first document's series with the shipped reader template,
labelled "Reader". Documents of different publishers need `series:`, naming a reader series: one
with its own `templates/reader.html`. To make one for your publisher:
`python build.py --new-series my-reader --reader --extends my-series` (see
[a reader for your publisher](../guides/series.md#a-reader-for-your-publisher)).
""",
    example="""\
title: Stockholm Conference on Belarus
subtitle: Reading pack for participants
date: 2024-03-01
documents:
  - sceeus-guest-commentary-2024-08
  - my-commentary-2025-01
""",
    null_is_absent=False,
    page="reader-yaml.md",
)


# The reference pages: each schema with the nested schemas its page explains.
PAGES = ((FRONT_MATTER, (AUTHOR, EDITION, KEY_FIGURE)), (SERIES, (PUBLISHER, FONT_FACE, LANGUAGE, LANGUAGE_PUBLISHER, CROSSREF, PRINT)),
         (CHART, (CSV_FORMAT,)), (READER, ()))
