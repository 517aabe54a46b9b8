"""The fixed words of an edition in its language: labels, dates, numbers, quotation marks.

Every word the templates and the charts print comes from a catalogue, `report/locales/<lang>.po`
(gettext, read with Babel): `msgctxt` is the label's key, `msgid` the English text, `msgstr` the
translation. Plural forms follow the language's rules (Babel writes them into the catalogue),
dates and numbers Babel's locale data (CLDR). A language is supported when it has a catalogue.

A series can replace any label for a language (`languages.<lang>.labels` in series.yaml) and
word its own texts per language (`languages.<lang>.label`, `disclaimer` …); `edition()` gives
the series as a document in that language sees it.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import string
from pathlib import Path
from typing import ClassVar, Mapping

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.support import Translations

from report.errors import display_path
from report.cache import memo

LOCALES = Path(__file__).resolve().parent / "locales"
SUPPORTED = tuple(sorted(p.stem for p in LOCALES.glob("*.po")))
# The series.yaml texts a language may word anew: name, masthead label, publisher, disclaimer.
TRANSLATABLE = ("name", "label", "publisher", "disclaimer", "disclaimer_plural")
# The publisher block's texts a language may word anew (its logo and wordmark stay), and those
# `--check` warns about when a language leaves them out.
PUBLISHER_TEXTS = ("name", "short_name", "lines", "website")
PUBLISHER_WARNED = ("name", "lines")


def language(tag: str | None) -> str:
    """The primary language of a BCP 47 tag: 'sv' of 'sv-FI'."""
    return (tag or "en").replace("_", "-").split("-")[0].lower()


def supported(tag: str) -> bool:
    return language(tag) in SUPPORTED


@memo(maxsize=16)
def catalog(lang: str):
    with (LOCALES / f"{lang}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@memo(maxsize=16)
def _translations(lang: str):
    """The catalogue as gettext translations (compiled in memory: no .mo files to keep in step)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog(lang))
    buffer.seek(0)
    return Translations(buffer)


@memo(maxsize=1)
def keys() -> dict[str, bool]:
    """Label key → whether it has plural forms, from the English catalogue."""
    return {m.context: isinstance(m.id, tuple) for m in catalog("en") if m.id and m.context}


@memo(maxsize=None)
def placeholders(key: str) -> frozenset[str]:
    """The `{names}` the builder fills in label `key`: those of its English text."""
    found = set()
    for text in _english(key):
        found.update(name for _, name, _, _ in string.Formatter().parse(text or "") if name)
    return frozenset(found)


def _english(key: str) -> tuple[str, str | None]:
    message = catalog("en").get(_msgid(key), context=key)
    return (message.id[0], message.id[1]) if isinstance(message.id, tuple) else (message.id, None)


@memo(maxsize=None)
def _msgid(key: str):
    for m in catalog("en"):
        if m.context == key:
            return m.id
    raise KeyError(key)


@dataclasses.dataclass(frozen=True, init=False, eq=False)
class Labels:
    """The labels of one language, with a series' overrides: `labels.summary`, `labels.get("about", 2)`.

    Templates hold it as it is: a record of words whose methods only compute words."""

    lang: str
    overrides: Mapping[str, object]
    template_safe: ClassVar[bool] = True

    def __init__(self, lang: str = "en", overrides: Mapping[str, object] | None = None):
        object.__setattr__(self, "lang", language(lang) if supported(lang) else "en")
        object.__setattr__(self, "overrides", dict(overrides or {}))

    def get(self, key: str, n: int | None = None, **values) -> str:
        """The label `key` (for `n` things, when it has plural forms), `{placeholders}` filled."""
        override = self.overrides.get(key)
        if isinstance(override, str):
            text = override
        elif isinstance(override, Mapping):  # CLDR plural categories: one, few, many, other
            category = Locale.parse(self.lang).plural_form(n if n is not None else 1)
            text = override.get(category, override.get("other", ""))
        else:
            singular, plural = _english(key)
            t = _translations(self.lang)
            text = t.npgettext(key, singular, plural, n if n is not None else 1) if plural else t.pgettext(key, singular)
        return text.format(**values) if values else text

    def __getattr__(self, key: str) -> str:
        if key.startswith("_") or key not in keys():
            raise AttributeError(key)
        return self.get(key)

    def about(self, count: int) -> str:
        """"About the author(s)" for `count` authors. The heading prints no number, so 21 authors
        must not take the form of 1 (as in Ukrainian "21 автор"): counts above 10 count as 10."""
        return self.get("about", min(count, 10))

    def page_words(self) -> tuple[str, str, str]:
        """The folio's words around its numbers: ("Sida ", " av ", "") of "Sida {page} av {pages}"."""
        before, _, rest = self.get("page").partition("{page}")
        between, _, after = rest.partition("{pages}")
        return before, between, after

    def quotes(self) -> list[str]:
        """markdown-it's `quotes` option: opening, closing double; opening, closing single."""
        marks = self.get("quotes").split("|")
        return marks if len(marks) == 4 else ["“", "”", "‘", "’"]

    def prefix(self, key: str) -> str:
        """A label's words before its number: 'Figur' of 'Figur {number}'."""
        return self.get(key).split("{")[0].strip()


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def page_css(labels: Labels, total: int | None = None) -> str:
    """The folio's words in the edition's language, as custom properties of the page; empty for
    English, whose words are the fallbacks in the stylesheets. Words only: each series composes
    its own footer from them (styles/base/style.css: `var(--page-before, "Page ") counter(page) …`),
    so a series whose folio is a bare number keeps it. `total`: the count of pages to print (an
    event reader's, which counts past the document laid out)."""
    props = {}
    if labels.lang != "en" or "page" in labels.overrides:
        before, between, after = labels.page_words()
        props = {"page-before": before, "page-between": between, "page-after": after}
        if "{pages}" not in labels.get("page"):
            props["page-total"] = ""  # a folio without the count of pages
    if total is not None and props.get("page-total") != "":
        props["page-total"] = str(total)
    if not props:
        return ""
    return ":root { " + " ".join(f"--{name}: {_css_string(text)};" for name, text in props.items()) + " }\n"


def _split(text: str, marks: tuple[str, ...]) -> list[str]:
    out, rest = [], text
    while rest:
        at = min(((rest.find(m), m) for m in marks if m in rest), default=None)
        if at is None:
            out.append(rest)
            break
        out += [rest[:at[0]], at[1]]
        rest = rest[at[0] + len(at[1]):]
    return out


def reference_page_css(labels: Labels) -> str:
    """", p. 3" after each cross-reference, the page where its target is laid out."""
    parts = []
    for piece in _split(labels.get("page-ref"), ("{page}",)):
        if piece == "{page}":
            parts.append("target-counter(attr(href), page)")
        elif piece:
            parts.append(_css_string(piece))
    return f"a.xref::after {{ content: {' '.join(parts)}; }}\n"


# -- dates and numbers --------------------------------------------------------------------------

def date_text(date: str | None, labels: Labels) -> str | None:
    """"12 June 2025", "12 juni 2025", "12 червня 2025"; "June 2025" for a month (YYYY-MM)."""
    if not date:
        return None

    day = datetime.date.fromisoformat(date if len(date) == 10 else date + "-01")
    pattern = labels.get("date") if len(date) == 10 else labels.get("month")
    return format_date(day, pattern, locale=labels.lang)


@memo(maxsize=16)
def number_symbols(lang: str) -> tuple[str, str]:
    """(thousands separator, decimal mark) of a language: (',', '.') in English, ('\\xa0', ',') in Swedish."""
    if language(lang) == "en" or not supported(lang):
        return ",", "."

    return get_group_symbol(language(lang)), get_decimal_symbol(language(lang))


def localize_number(text: str, lang: str) -> str:
    """An English-written number ("35,000.5") with the language's separators ("35 000,5")."""
    group, decimal = number_symbols(lang)
    if (group, decimal) == (",", "."):
        return text
    return text.translate({ord(","): "\0", ord("."): decimal}).replace("\0", group)


def language_name(tag: str) -> str:
    """A language's name in that language, as a reader looks for it: 'Svenska', 'Українська'."""
    name = Locale.parse(language(tag)).get_display_name(language(tag)) or tag
    return name[:1].upper() + name[1:]


# -- a series, as an edition in a language sees it ---------------------------------------------

def edition(series, lang: str):
    """`series` with its texts and labels in `lang` (where the series words them)."""
    own = series.languages.get(language(lang), {}) if language(lang) != language(series.lang) else {}
    changes = {key: own[key] for key in TRANSLATABLE if key in own and key != "publisher"}
    if own.get("publisher"):  # the block keeps what the language leaves out (logo, wordmark …)
        texts = {key: (tuple(value) if key == "lines" else value)
                 for key, value in own["publisher"].items() if key in PUBLISHER_TEXTS}
        changes["publisher"] = dataclasses.replace(series.publisher, **texts)
    if "disclaimer" in own and "disclaimer_plural" not in own:
        changes["disclaimer_plural"] = ""  # never a plural in another language than the disclaimer
    return dataclasses.replace(series, **changes) if changes else series


def labels_for(series, lang: str) -> Labels:
    overrides = dict(series.languages.get(language(lang), {}).get("labels", {}))
    return Labels(lang, overrides)


def fallbacks(series, lang: str) -> list[str]:
    """Warnings: the series texts a document in `lang` prints in the series' own language."""
    code = language(lang)
    if code == language(series.lang):
        return []
    own = series.languages.get(code, {})
    where = series.folders[0] / "series.yaml"
    missing = [(key, getattr(series, key)) for key in TRANSLATABLE
               if key != "publisher" and getattr(series, key) and key not in own
               and not (key == "disclaimer_plural" and "disclaimer" in own)]
    worded = own.get("publisher") or {}
    missing += [(f"publisher.{key}", getattr(series.publisher, key)) for key in PUBLISHER_WARNED
                if getattr(series.publisher, key) and key not in worded]
    english = Locale.parse(code).get_display_name("en")
    return [f"{display_path(where)}: warning: no {english} ({code}) {key} "
            f"(languages.{code}.{key}); the document prints the series' own: {_brief(value)}"
            for key, value in missing]


def _brief(value) -> str:
    text = " / ".join(value) if isinstance(value, tuple) else str(value)
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:59] + "…")
