"""The typed values that travel between stages. Frozen: no stage changes another's output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from report.source.schemas import FACES, SERIES

Value = float | None  # a chart value; None is a gap


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None = None
    bio: str | None = None  # Markdown


@dataclass(frozen=True)
class KeyFigure:
    """A key number the author marks for the rail (front matter `key_figures`)."""

    value: str  # "€50bn"
    label: str  # "EU aid pledged 2024"


@dataclass(frozen=True)
class Edition:
    """Another language edition of a document: its language and where it is online."""

    lang: str
    url: str


@dataclass(frozen=True)
class ChartSpec:
    """One entry of charts.yaml, checked: every series has len(x) values."""

    id: str
    type: str  # bar | barh | line | stacked
    x: tuple[str | float, ...]
    series: tuple[tuple[str, tuple[Value, ...]], ...]  # (name, values) in file order
    unit: str | None = None
    title: str | None = None
    source: str | None = None
    note: str | None = None
    alt: str | None = None
    path: str = ""  # charts.yaml, for messages
    line: int | None = None


@dataclass(frozen=True)
class Document:
    folder: Path
    stem: str  # output file stem: the folder's name
    series: str
    title: str
    authors: tuple[Author, ...]
    body: str  # Markdown, front matter removed
    body_line: int  # line of document.md where the body starts (1-based)
    number: int | None = None
    year: int | None = None
    date: str | None = None  # YYYY-MM-DD or YYYY-MM
    subtitle: str | None = None
    lang: str = "en"
    summary: str | None = None  # Markdown
    recommendations: tuple[str, ...] = ()  # Markdown each
    keywords: tuple[str, ...] = ()
    url: str | None = None
    editions: tuple[Edition, ...] = ()  # the other language editions
    key_figures: tuple[KeyFigure, ...] = ()  # set in the rail, one a spread
    references: str | None = None  # the library file the front matter names
    placeholders_accepted: tuple[str, ...] = ()  # placeholder texts the editor lets through
    word_proof: bool = True  # --format docx allowed (the series must allow it too)
    short_title: str | None = None  # the running head and a citation's short form
    doi: str | None = None  # as written, without https://doi.org/
    license: str | None = None  # an SPDX id of source.identifiers.LICENSES
    copyright: str | None = None  # the holder
    cite_as: str | None = None  # the "Cite as" text written by hand
    cover_image: str | None = None  # a picture in the document folder, for a series' cover
    extra: Mapping[str, object] = field(default_factory=dict)  # keys a series declares
    own_series: str = ""  # the series its front matter names (`series` is --series, when given)
    charts: Mapping[str, ChartSpec] = field(default_factory=dict)

    @property
    def source_path(self) -> Path:
        return self.folder / "document.md"


FACE_KEYS = FACES  # the faces a font role may give, by series.yaml key: (CSS font-weight, font-style)


@dataclass(frozen=True)
class FontFace:
    family: str
    normal: Path  # resolved font file
    italic: Path | None = None
    weight: str | None = None  # CSS weight of normal/italic; None: a variable font, every weight
    semibold: Path | None = None
    semibold_italic: Path | None = None
    bold: Path | None = None
    bold_italic: Path | None = None
    # Where series.yaml declares the role: (file, line), for messages about a face it lacks.
    source: tuple[Path, int | None] | None = field(default=None, compare=False)

    def faces(self) -> tuple[tuple[str | None, str, Path], ...]:
        """(CSS weight or None for any, style, file) of every file the role gives."""
        static = any((self.semibold, self.semibold_italic, self.bold, self.bold_italic))
        found = []
        for key, (weight, style) in FACE_KEYS.items():
            path = getattr(self, key)
            if path is None:
                continue
            if key in ("normal", "italic"):
                weight = self.weight or (weight if static else None)
            found.append((weight, style, path))
        return tuple(found)


@dataclass(frozen=True)
class Publisher:
    """The publisher block of series.yaml (schemas.PUBLISHER), inherited as one whole."""

    name: str = ""
    short_name: str = ""
    wordmark: str = ""
    logo: Path | None = None  # resolved file: SVG or PNG
    lines: tuple[str, ...] = ()
    website: str = ""
    source: Path | None = None  # the series.yaml that set the block, for messages

    @property
    def logo_src(self) -> str:
        return self.logo.as_uri() if self.logo else ""

    @property
    def block_lines(self) -> tuple[str, ...]:
        """The lines of the publisher block: `lines`, else the name."""
        return self.lines or ((self.name,) if self.name else ())

    @property
    def mark(self) -> str:
        """The masthead's words when there is no logo: the wordmark, else the short name."""
        return self.wordmark or self.short_name


@dataclass(frozen=True)
class SeriesPaths:
    """What resolving a series' `extends` chain finds besides its keys: where things are."""

    id: str
    chain: tuple[str, ...]  # series ids, this one first, root last
    folders: tuple[Path, ...]  # search path for assets: this folder first, root last
    template_dirs: tuple[Path, ...]  # search path for templates
    stylesheets: tuple[Path, ...]  # cascade order: root first, this series last


# A series resolved through `extends`: the paths above, then one attribute per key of
# series.yaml as declared in schemas.SERIES (name, label, publisher, colors, fonts, cover …), with
# that key's default. Declaring a key there adds it here; templates read `series.<key>`.
# `colors` and `fonts` hold the merged mappings (fonts as `FontFace`s), `chart_colors` CSS colours.
Series = SERIES.dataclass("Series", SeriesPaths, __name__, "A series resolved through `extends`: "
                          "search paths, then one attribute per series.yaml key (report/source/schemas.py).")


@dataclass(frozen=True)
class ChartStyle:
    """What a chart takes from its series: enough to restyle it, and part of its cache key."""

    font_family: str
    font_file: Path
    font_size: float  # pt, for tick labels; titles are a little larger
    colors: tuple[str, ...]  # series colours in order
    text: str
    muted: str  # axes, ticks, grid
    highlight: str  # accent
    width_in: float  # figure width, inches (the text column)
    aspect: float = 0.5  # height / width
    bold_file: Path | None = None  # the family's static bold face, where the series gives one
    lang: str = "en"  # the document's language: decimal and thousands separators


@dataclass(frozen=True)
class Figure:
    """A chart drawn for a document: numbered in order of first reference."""

    id: str
    number: int
    caption: str
    svg: bytes
    alt: str
    source: str | None = None
    note: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Html:
    """A rendered document, ready for layout."""

    text: str
    base_url: str  # the document folder, as a file URL ending in '/'
    stylesheets: tuple[Path, ...]  # series CSS files, cascade order
    resources: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)  # url → (bytes, mime)
    lang: str = "en"
    title: str = ""
    css: tuple[str, ...] = ()  # after the stylesheets: the page footer's words in the document's language
