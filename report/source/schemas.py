"""The four files a user writes, declared key by key: the front matter, series.yaml, charts.yaml, reader.yaml.

Each `Field` line gives a key's name, kind of value, default and meaning. The loaders check
against these declarations (`Schema.check`), the typed values take their defaults from them and
docs/reference is written from them (`python -m report.source.fields docs/reference`). Adding a key is
one line here; the code that uses the value reads it as an attribute (`series.label`).
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from report import languages as i18n
from report.errors import quote
from report.source.fields import Field, Kind, NamingVoice, Schema

# -- kinds of value -------------------------------------------------------------------------

MAX_TEXT = 20_000  # characters in one front-matter string (a summary is ~1,000)
MAX_CHART_TEXT = 2_000  # characters in a chart's title, unit, source, note or alt text
CHART_TYPES = ("bar", "barh", "line", "stacked")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]+)$")
_LENGTH = r"\d+(\.\d+)?(mm|cm|in|pt|pc|px)"
LENGTH = re.compile(r"^(0|\d+(\.\d+)?(mm|cm|in|pt))$")
PAGE_SIZE = re.compile(rf"^((A[3-5]|B[45]|JIS-B[45]|letter|legal|ledger)( (portrait|landscape))?"
                       rf"|(portrait|landscape) (A[3-5]|B[45]|JIS-B[45]|letter|legal|ledger)"
                       rf"|{_LENGTH}( {_LENGTH})?)$", re.IGNORECASE)


def valid_date(text: str) -> bool:
    """YYYY-MM-DD or YYYY-MM, and a real day."""
    if not DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        return False
    return True


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
    import tinycss2.color3  # WeasyPrint's own CSS parser: it knows the CSS colour names
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
         valid=None, invalid: str = "") -> Kind:
    """A string; at most `longest` characters; `valid(value)` or the `invalid` message ({value})."""
    def meaning(value):
        problems = []
        if longest is not None and len(value) > longest:
            problems.append(f"is {len(value):,} characters long; at most {longest:,} are allowed")
        if valid is not None and not valid(value):
            problems.append(invalid.format(value=quote(value)))
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
DATE_TEXT = dict(name="date", valid=valid_date, invalid="{value} is not a date; write YYYY-MM-DD or YYYY-MM")


def language_tag(expected: str = "a language tag such as en or en-GB") -> Kind:
    """A BCP 47 tag whose language has a catalogue of labels (report/locales)."""
    def meaning(value):
        problems = []
        if len(value) > MAX_TEXT:
            problems.append(f"is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed")
        if not LANG_TAG.match(value):
            problems.append(f"{quote(value)} is not a language tag such as en, en-GB or uk")
        elif not i18n.supported(value):
            problems.append(f"{quote(value)} is not a language the builder has labels for; supported: "
                            f"{', '.join(i18n.SUPPORTED)} (docs/guides/languages.md says how to add one)")
        return tuple(problems)
    return Kind("language tag", expected, _is_str, meaning, annotation=str)


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _label_value(value) -> bool:
    return isinstance(value, str) or (isinstance(value, dict) and bool(value)
                                      and all(k in PLURAL_CATEGORIES and isinstance(v, str) for k, v in value.items()))


def _known_labels(value) -> tuple[str, ...]:
    from report.source.fields import nearest
    known = i18n.keys()
    return tuple(f"unknown label {quote(str(k))}{nearest(k, known)}" for k in value if k not in known)


def _known_languages(value) -> tuple[str, ...]:
    problems = []
    for key in map(str, value):
        if key != i18n.language(key) and i18n.supported(key):
            problems.append(f"{quote(key)}: name the language alone ({i18n.language(key)}); a region's "
                            "documents take its texts")
        elif not i18n.supported(key):
            problems.append(f"{quote(key)} is not a language the builder has labels for; supported: "
                            f"{', '.join(i18n.SUPPORTED)}")
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

FRONT_MATTER = Schema(
    "document.md", "Front matter (document.md)", (
        Field("series", text("a string (a series id)", longest=MAX_TEXT), "the series the document belongs to, e.g. "
              "`sceeus-guest-commentary`; `--series` overrides it", required=True),
        Field("number", whole(least=1, outside="must be 1 or more"), "the number in the series, e.g. 8"),
        Field("year", whole("a whole number (e.g. 2024)", least=1900, most=2200,
                            outside="{value} is not a plausible year"),
              "year of publication; required when there is no `date`"),
        Field("date", text("a date written YYYY-MM-DD or YYYY-MM", longest=MAX_TEXT, **DATE_TEXT),
              "date of publication, printed in the masthead; its year is the year when `year` is not given"),
        Field("title", _TEXT, "the title", required=True),
        Field("subtitle", _TEXT, "printed under the title"),
        Field("authors", listing("a list of authors, each with a name", "list of authors", items=AUTHOR,
                                 empty="needs at least one author"),
              "one or more authors, in order (see below)", required=True),
        Field("lang", language_tag(),
              "the language of the text: its labels, dates, numbers, quotation marks, hyphenation and the "
              f"PDF's language; one of {', '.join(i18n.SUPPORTED)}, with a region if you like (en-GB)",
              default="en"),
        Field("summary", text("Markdown text", name="Markdown", longest=MAX_TEXT),
              "the Executive Summary, in Markdown"),
        Field("recommendations", strings("a list of Markdown strings", "list of Markdown"),
              "policy recommendations; the first sentence of each is set in bold", default=()),
        Field("keywords", strings(), "keywords, written into the PDF's metadata", default=()),
        Field("url", text("an absolute https:// address", name="https address", longest=MAX_TEXT, valid=valid_url,
                          invalid="{value} is not an absolute https:// address"),
              "the online version: printed with a QR code at the end"),
        Field("editions", listing("a list of editions, each with lang and url", "list of editions", items=EDITION),
              "the other language editions of this document (see below): named in the publisher block, "
              "linked from the web page", default=()),
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
    notes=f"Every text is at most {MAX_TEXT:,} characters long. A value that starts with `FILL IN` (what "
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
                 meaning=_known_labels)

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
              "text per CLDR plural category (`about: {one: …, other: …}`)"),
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
        Field("bleed_bands", BOOL, "bands (the masthead) run off the page edge, and into the bleed in "
              "the print PDF; false: they stay inside the margins", default=True),
        Field("text_align", text("justify or left"), "body text justified, or ragged right (left, with fewer "
              "hyphens); see typesetting-layout.md", default="left", choices=("justify", "left")),
        Field("template", text("a template file name"), "the main template, looked up in the series' "
              "`templates/` folders, child first", default="document.html"),
        Field("numbered_sections", BOOL, "number the `##` sections", default=False),
        Field("contents", BOOL, "a table of contents with page numbers", default=False),
        Field("cover", BOOL, "a cover page", default=False),
        Field("lang", language_tag(), "the language of this series' own texts (name, label, disclaimer …)",
              default="en"),
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

CHART = Schema(
    "charts.yaml", "charts.yaml", (
        Field("type", text(), "the kind of chart: `bar` (columns), `barh` (bars), `line`, `stacked` "
              "(stacked columns)", required=True, choices=CHART_TYPES),
        Field("title", text("a string (the heading inside the figure)", longest=MAX_CHART_TEXT),
              "a heading inside the figure; usually none, as the caption names the chart"),
        Field("unit", text("a string (the value-axis label)", longest=MAX_CHART_TEXT), "the value axis' label"),
        Field("x", listing("a list of categories or x values, e.g. [2021, 2022]"),
              "the categories or x values, in order (with `series`)"),
        Field("series", mapping("a mapping of series names to lists of numbers"),
              "series name → one number per x value; `null` is a gap (with `x`)"),
        Field("data", text("the name of a CSV file in the document folder, e.g. trade.csv", name="file name"),
              "a CSV file in the document folder instead of `x` and `series`: first column x, one "
              "column per series, a header row naming them; an empty cell, `null` or `NA` is a gap"),
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
""",
    notes=f"`title`, `unit`, `source`, `note` and `alt` are at most {MAX_CHART_TEXT:,} characters long.",
    voice=NamingVoice(),
    page="charts-yaml.md",
)


# -- reader.yaml ----------------------------------------------------------------------------

READER = Schema(
    "reader.yaml", "reader.yaml", (
        Field("title", text(), "the reader's title, on its cover", required=True),
        Field("subtitle", text(), "printed under the title"),
        Field("date", text("a date written YYYY-MM-DD or YYYY-MM", **DATE_TEXT), "printed on the cover"),
        Field("series", text("a series id"), "the series of the cover and contents pages; each document "
              "keeps its own", default="sceeus-reader"),
        Field("lang", language_tag(), "the language of the cover and contents; each document keeps its own",
              default="en"),
        Field("documents", listing("a list of document folders, relative to this file", "list of folders",
                                   items=Kind("folder", "a folder path", _is_str, annotation=str),
                                   empty="needs at least one document folder"),
              "the document folders to bind, in order: each under reader.yaml's folder or the project's "
              "data/ (or a folder given with --documents-root); no absolute path, `..` or symbolic link",
              required=True),
    ),
    intro="""
`python build.py --bundle reader.yaml` binds several documents into one event reader: a cover,
the contents, then every document in its own series' style, with page numbers running across
the whole reader.
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
PAGES = ((FRONT_MATTER, (AUTHOR, EDITION)), (SERIES, (PUBLISHER, FONT_FACE, LANGUAGE, LANGUAGE_PUBLISHER)),
         (CHART, ()), (READER, ()))
