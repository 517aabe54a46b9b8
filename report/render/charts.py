"""Draw a checked `ChartSpec` as SVG in a series' house style, and cache the result.

The SVG keeps its text as text (`svg.fonttype: none`) in the series' sans family, so the PDF
sets it in the same @font-face font as the body and it stays extractable. matplotlib measures
that text with the same font file (a variable font is measured at the weights it is drawn in),
so labels fit. Output is byte-for-byte deterministic: fixed hash salt, no date.

matplotlib is imported only inside `draw()`: importing this module, computing a cache key or
reading a cached chart never loads it (a `--check` run must stay fast).
"""

from __future__ import annotations

import atexit
import gc
import io
import math
import os
import re
import shutil
import tempfile
import textwrap
import threading
from dataclasses import fields
from pathlib import Path

from report import cache, workers
from report.internals import matplotlib_fonts
from report.languages import Labels, localize_number, number_symbols
from report.model import ChartSpec, ChartStyle

# Lazy: matplotlib (about 1 s) and fontTools, only when a chart is drawn: a cached chart and
# `--check` never load them (tests/test_charts.py asserts it).

# The spec fields the drawing uses; the others (id, source, note, alt, path, line) are printed
# by the HTML around the chart, so changing them must not redraw it.
DRAWN_FIELDS = ("type", "x", "series", "unit", "title")
MAX_LABELLED_BARS = 12  # bars that get their value printed on them; more would clutter
HASH_SALT = "report-chart"
KINDS = {"bar": "Bar chart", "barh": "Horizontal bar chart", "line": "Line chart",
         "stacked": "Stacked bar chart"}  # in English; every language's: `chart-<kind>` in report/locales
KINDS_KEYS = tuple(f"chart-{kind}" for kind in KINDS)
MINUS = "\u2212"

_lock = threading.RLock()


# -- numbers ----------------------------------------------------------------------------------

def format_number(value: float, grouping: bool = True, lang: str = "en") -> str:
    """A value as a reader writes it: 5.4, 0.02, 543.2, 35,000, −3 (at most 6 significant digits);
    with the separators of `lang`: 5,4 and 35 000 in Swedish (Babel's number symbols)."""
    return localize_number(_format_number(value, grouping), lang)


def _format_number(value: float, grouping: bool = True) -> str:
    if value == 0:
        return "0"
    sign = MINUS if value < 0 else ""
    value = abs(float(f"{value:.6g}"))
    if value.is_integer() and value < 1e15:
        text = f"{int(value):,}" if grouping else str(int(value))
    elif 1e-4 <= value < 1e15:
        whole, frac = repr(value).split(".")
        text = (f"{int(whole):,}" if grouping else whole) + "." + frac
    else:
        text = f"{value:.3g}".replace("-", MINUS)
    return sign + text


def x_label(value, lang: str = "en") -> str:
    """An x value as a category label: numbers without thousands separators (years)."""
    return value if isinstance(value, str) else format_number(value, grouping=False, lang=lang)


# -- alt text ---------------------------------------------------------------------------------

def alt_text(spec: ChartSpec, lang: str = "en", labels=None) -> str:
    """`spec.alt`, else a sentence from the data in `lang` (in a series' `labels`, when given):
    kind, series, x range, extremes, unit."""
    if spec.alt:
        return spec.alt

    labels = labels or Labels(lang)
    kind = labels.get(f"chart-{spec.type}") if f"chart-{spec.type}" in KINDS_KEYS else labels.get("chart")
    head = labels.get("alt-title", kind=kind, title=spec.title.strip().rstrip('.')) if spec.title else kind
    names = [name for name, _ in spec.series]
    if len(names) == 1:
        shows = names[0]
    else:
        shows = labels.get("list-and", items=", ".join(names[:-1]), last=names[-1])
    xs = [x_label(x, lang) for x in spec.x]
    categories = len(xs) > 2 and any(isinstance(x, str) and not _numeric(x) for x in spec.x)
    unit = labels.get("alt-unit", unit=spec.unit) if spec.unit else ""
    if len(xs) == 1:
        text = labels.get("alt-one", head=head, series=shows, x=xs[0], unit=unit)
    elif categories:
        text = labels.get("alt-categories", len(xs), head=head, series=shows, count=len(xs), first=xs[0],
                          last=xs[-1], unit=unit)
    else:
        text = labels.get("alt-range", head=head, series=shows, first=xs[0], last=xs[-1], unit=unit)
    points = [(v, name, x) for name, values in spec.series for v, x in zip(values, xs) if v is not None]
    if not points:
        return text + " " + labels.get("alt-none")

    def where(name, x):
        return labels.get("alt-at", series=name, x=x) if len(names) > 1 else x

    high = max(points, key=lambda p: p[0])  # the first of equal values: deterministic
    low = min(points, key=lambda p: p[0])
    if high[0] == low[0]:
        return text + " " + labels.get("alt-same", value=format_number(high[0], lang=lang))
    return text + " " + labels.get("alt-extremes", high=format_number(high[0], lang=lang), high_at=where(*high[1:]),
                                   low=format_number(low[0], lang=lang), low_at=where(*low[1:]))


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- cache ------------------------------------------------------------------------------------

def cache_key(spec: ChartSpec, style: ChartStyle) -> str:
    """The key of everything that decides the SVG's bytes. Does not import matplotlib."""
    drawn = {name: getattr(spec, name) for name in DRAWN_FIELDS}
    looks = {f.name: getattr(style, f.name) for f in fields(style) if f.name not in ("font_file", "bold_file")}
    fonts = [Path(style.font_file)] + ([Path(style.bold_file)] if style.bold_file else [])
    return cache.fingerprint("chart", {"spec": drawn, "style": looks, "numbers": number_symbols(style.lang)},
                             files=fonts, languages=[style.lang])


def draw_cached(spec: ChartSpec, style: ChartStyle, cache_dir: Path) -> bytes:
    """The chart's SVG from `cache_dir` when drawn before, else drawn now and kept there."""
    cache_dir = Path(cache_dir)
    target = cache_dir / f"{cache_key(spec, style)}.svg"
    svg = cache.read(target)
    if svg is not None:
        return svg
    global _font_cache
    _font_cache = cache_dir / "metrics-fonts"  # a variable font's metrics copies live in this build's cache
    svg = draw(spec, style)
    cache.write(target, svg)  # two builds at once: the last replace wins, both whole
    return svg


# -- fonts ------------------------------------------------------------------------------------

_registered: dict[str, tuple] = cache.remember({})  # family -> the font files (regular, bold) matplotlib measures it with
_font_dir: Path | None = None  # a temporary folder of metrics fonts, removed at exit
# Where metrics fonts persist across processes: set by draw_cached() to a folder in its cache,
# so that -j workers (which leave without running exit handlers) neither redo nor leak them.
_font_cache: Path | None = None


def _register_font(style: ChartStyle) -> None:
    """Make matplotlib measure `style.font_family` with the series' font file, never a fallback.

    A static family measures bold text with its bold file; a variable font gets metrics-only
    copies at the regular and bold weights the chart uses (see `_weight_instances`), so widths
    match the PDF's. Other fonts of the same family name (say, an installed older version) are
    dropped from matplotlib's list.
    """
    path = Path(style.font_file).resolve()
    bold = Path(style.bold_file).resolve() if style.bold_file else None
    if _registered.get(style.font_family) == (path, bold):
        return
    # a static font without its bold stands in for both weights: bold text measured a little narrow
    matplotlib_fonts.use_files(style.font_family, _weight_instances(path) or {400: path, 700: bold or path})
    _registered[style.font_family] = (path, bold)


def _weight_instances(path: Path) -> dict[int, Path] | None:
    """Metrics-only static copies of a variable font at weights 400 and 700; None if static.

    matplotlib reads a variable font at its default instance (Source Sans 3: ExtraLight, about
    5% narrower than Regular), but the PDF sets the SVG's text at 400 and 700. Each copy keeps
    the default outlines (never drawn: the SVG keeps text) with the advance widths of its weight,
    taken from the HVAR table. A full instancing would take seconds; this takes milliseconds.
    """
    try:
        from fontTools.ttLib import TTFont
        from fontTools.varLib.models import normalizeLocation, piecewiseLinearMap
        from fontTools.varLib.varStore import VarStoreInstancer
    except ImportError:  # no fontTools: measure with the default instance
        return None

    probe = TTFont(str(path), lazy=True)
    if "fvar" not in probe or "HVAR" not in probe:
        return None
    if not any(a.axisTag == "wght" for a in probe["fvar"].axes):
        return None

    folder = _font_cache
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = None
    files = {}
    for weight in (400, 700):
        key = cache.fingerprint("metrics-font", [weight], files=[path])[:24]
        out = _kept_instance(folder, key, weight) if folder is not None else None
        if out is None:
            font = TTFont(str(path), recalcTimestamp=False)  # the same bytes from every process
            axes = font["fvar"].axes
            location = normalizeLocation(
                {"wght": weight}, {a.axisTag: (a.minValue, a.defaultValue, a.maxValue) for a in axes})
            if "avar" in font:
                location = {tag: piecewiseLinearMap(v, font["avar"].segments.get(tag, {}))
                            for tag, v in location.items()}
            hvar = font["HVAR"].table
            deltas = VarStoreInstancer(hvar.VarStore, axes, location)
            mapping = hvar.AdvWidthMap.mapping if hvar.AdvWidthMap else None
            hmtx = font["hmtx"]
            for gid, name in enumerate(font.getGlyphOrder()):
                index = mapping[name] if mapping else gid  # no map: outer 0, inner = glyph id
                advance, lsb = hmtx[name]
                hmtx[name] = (max(0, _ot_round(advance + deltas[index])), lsb)
            for tag in ("fvar", "gvar", "avar", "HVAR", "MVAR", "STAT", "cvar", "GPOS", "GSUB", "GDEF"):
                if tag in font:
                    del font[tag]
            font["OS/2"].usWeightClass = weight
            try:
                out = _save_instance(font, folder, key, weight)
            except OSError:  # no cache folder, or one that cannot be written: this process's own
                out = _save_instance(font, _own_font_folder(), key, weight)
        files[weight] = out
    return files


def _save_instance(font, folder: Path | None, key: str, weight: int) -> Path:
    if folder is None:
        raise FileNotFoundError("no cache folder")
    tmp = folder / f"{key}.{os.getpid()}.tmp"
    try:
        font.save(str(tmp))
        out = folder / f"{key}-{cache.file_digest(tmp)[:16]}-{weight}.ttf"
        os.replace(tmp, out)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return out


def _own_font_folder() -> Path:
    """A temporary folder of metrics fonts for this process, removed at exit."""
    global _font_dir
    if _font_dir is None:
        _font_dir = Path(tempfile.mkdtemp(prefix="report-chart-fonts-"))
        atexit.register(shutil.rmtree, _font_dir, True)
    return _font_dir


def _kept_instance(folder: Path, key: str, weight: int) -> Path | None:
    """A metrics font made before, if its bytes are still those its name gives; a damaged one
    is removed. matplotlib reads these files itself, so they are named by their digest rather
    than read through `cache.read`."""
    for found in sorted(folder.glob(f"{key}-*-{weight}.ttf")):
        if cache.file_digest(found)[:16] == found.name.split("-")[1]:
            return found
        try:
            found.unlink()
        except OSError:
            pass
    return None


def _ot_round(value: float) -> int:
    return int(math.floor(value + 0.5))


# -- drawing ----------------------------------------------------------------------------------

def _series_colors(style: ChartStyle, count: int) -> list[str]:
    """style.colors in order; beyond them, tints and shades of them that stay distinguishable."""
    from matplotlib.colors import to_rgb

    base = [to_rgb(c) for c in (style.colors or (style.text,))]
    chosen = base[:count]
    candidates = [tuple(ch + ((1.0 if tint else 0.0) - ch) * amount for ch in rgb)
                  for tint, amount in ((True, 0.45), (False, 0.35), (True, 0.7), (False, 0.6), (True, 0.25))
                  for rgb in base]
    for min_distance in (0.15, 0.08, 0.0):
        for rgb in candidates:
            if len(chosen) >= count:
                break
            if all(math.dist(rgb, other) >= min_distance for other in chosen):
                chosen.append(rgb)
    while len(chosen) < count:  # more series than any palette can tell apart
        chosen.append(chosen[len(chosen) % len(base)])
    return ["#%02x%02x%02x" % tuple(round(255 * ch) for ch in rgb) for rgb in chosen]


def _rc(style: ChartStyle) -> dict:
    size = style.font_size
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": HASH_SALT,
        "font.family": [style.font_family],
        "font.size": size,
        "font.weight": "normal",
        "text.parse_math": False,  # a '$' in a label is a dollar sign, not mathtext
        "text.color": style.text,
        "axes.labelcolor": style.text,
        "axes.labelsize": size,
        "axes.edgecolor": style.muted,
        "axes.linewidth": 0.6,
        "axes.facecolor": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.axisbelow": True,
        "axes.unicode_minus": True,
        "axes.formatter.use_mathtext": False,
        "xtick.color": style.muted,
        "ytick.color": style.muted,
        "xtick.labelcolor": style.text,
        "ytick.labelcolor": style.text,
        "xtick.labelsize": size,
        "ytick.labelsize": size,
        "xtick.major.size": 0,
        "ytick.major.size": 0,
        "xtick.major.pad": 4,
        "ytick.major.pad": 4,
        "grid.color": style.muted,
        "grid.alpha": 0.3,
        "grid.linewidth": 0.5,
        "legend.frameon": False,
        "legend.fontsize": size,
        "legend.handlelength": 1.2,
        "legend.handleheight": 0.7,
        "legend.handletextpad": 0.5,
        "legend.columnspacing": 1.6,
        "legend.borderpad": 0,
        "legend.borderaxespad": 0,
        "figure.facecolor": "none",
        "figure.edgecolor": "none",
        "savefig.facecolor": "none",
        "savefig.edgecolor": "none",
        "savefig.transparent": True,
        "lines.solid_capstyle": "round",
        "lines.solid_joinstyle": "round",
        "hatch.color": style.muted,
    }


def _value_formatter(lang: str = "en"):
    """Tick labels of the value axis: thousands separators, the same decimals on every tick."""
    from matplotlib.ticker import Formatter

    class ValueFormatter(Formatter):
        decimals = 0

        def set_locs(self, locs):
            super().set_locs(locs)
            self.decimals = 0
            for loc in locs:
                text = f"{abs(loc):.10f}".rstrip("0")
                self.decimals = max(self.decimals, len(text.split(".")[1]) if "." in text else 0)

        def __call__(self, x, pos=None):
            if abs(x) < 1e-12:
                return "0"
            if self.decimals > 5:  # tiny steps: each tick as written, e.g. 2e−06
                return format_number(x, lang=lang)
            text = localize_number(f"{abs(x):,.{self.decimals}f}", lang)
            return (MINUS if x < 0 else "") + text

    return ValueFormatter()


# Spaces a category label never breaks at: before a year ("Jan–Jul 2023", "Q1 2024"), and
# between a number and its unit or its next group of thousands ("5 MW", "12 %", "1 250").
_KEEP_SPACE = re.compile(r"(?<=\w) (?=\d{4}(?!\w))|(?<=\d) (?=\d{3}(?!\w)|[%‰°]|[^\W\d_]{1,3}(?!\w))")
_GLUE = "\ue000"  # a private-use character textwrap will not break at, made a space again


def _wrap(label: str, chars: int) -> str:
    wrapped = textwrap.fill(_KEEP_SPACE.sub(_GLUE, label), width=max(chars, 4), break_long_words=False)
    return wrapped.replace(_GLUE, " ")


MAX_LABEL_LINES = 3


PT = 1 / 72  # inches


class _Canvas:
    """The figure under construction and what its parts need to know about each other."""

    def __init__(self, fig, ax, spec: ChartSpec, style: ChartStyle):
        self.fig, self.ax, self.spec, self.style = fig, ax, spec, style
        self.width, self.height = style.width_in, style.width_in * style.aspect
        self.header = 0.0  # inches above the plot taken by title, legend and unit
        self.colors = _series_colors(style, len(spec.series))

    @property
    def plot_width(self) -> float:
        """The plot's width, roughly (inches): the figure less the value labels on the left."""
        return self.width * 0.88

    @property
    def plot_height(self) -> float:
        return max(self.height - self.header - 30 * PT, 0.5)


def draw(spec: ChartSpec, style: ChartStyle, fmt: str = "svg", dpi: int = 72) -> bytes:
    """The chart as SVG bytes: vector, text as text in `style.font_family`, deterministic; or, with
    `fmt="png"`, as a picture at `dpi` (for the Word proof: Word shows no SVG without a fallback)."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with _lock, matplotlib.rc_context(_rc(style)):  # rcParams and the font list are global
        _register_font(style)
        fig = Figure(figsize=(style.width_in, style.width_in * style.aspect), dpi=72)  # 1 px = 1 pt, as in SVG
        FigureCanvasSVG(fig)
        c = _Canvas(fig, fig.add_subplot(), spec, style)
        handles = _header(c)  # first: the plot gets what the header leaves
        if spec.type == "line":
            _draw_line(c, handles)
        elif spec.type == "barh":
            _draw_barh(c, handles)
        else:
            _draw_bars(c, handles, stacked=spec.type == "stacked")
        _legend(c, handles)
        fig.set_layout_engine("constrained", w_pad=2 * PT, h_pad=2 * PT, wspace=0, hspace=0,
                              rect=(0, 0, 1, 1 - c.header / c.height))
        out = io.BytesIO()
        if fmt == "png":  # no date or software version in the file: same chart, same bytes
            fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
        else:
            fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _header(c: _Canvas) -> list:
    """Title, room for the legend and the unit above the plot, all flush left with the figure.

    Returns the (empty) list the drawing fills with one legend handle per series.
    """
    fig, style, spec = c.fig, c.style, c.spec
    top = 1.5 * PT
    if spec.title:
        title = fig.text(0, 1 - top / c.height, _wrap_to(spec.title, c.width, style.font_size + 1.5),
                         ha="left", va="top", fontsize=style.font_size + 1.5, fontweight="bold",
                         color=style.text, linespacing=1.15)
        title.set_in_layout(False)
        top += _extent(title).height / fig.dpi + 4 * PT
    c.legend_top = top
    if len(spec.series) > 1:
        top += style.font_size * 1.2 * PT + 4 * PT  # one legend row; corrected in _legend()
    c.unit_top = top
    if spec.unit and spec.type != "barh":
        top += style.font_size * 1.2 * PT + 5 * PT
    c.header = top
    return []


def _legend(c: _Canvas, handles: list) -> None:
    """A quiet legend row under the title (2+ series only); the unit label under it."""
    fig, style, spec = c.fig, c.style, c.spec
    shift = 0.0
    if len(spec.series) > 1:
        names = [name for name, _ in spec.series]
        for ncols in range(min(len(names), 6), 0, -1):
            # matplotlib fills legend columns first; order the entries so rows read in order
            order = [i for col in range(ncols) for i in range(col, len(names), ncols)]
            legend = fig.legend([handles[i] for i in order], [names[i] for i in order], loc="upper left", bbox_to_anchor=(0, 1 - c.legend_top / c.height),
                                ncols=ncols, frameon=False, borderpad=0, borderaxespad=0)
            legend.set_in_layout(False)
            box = _extent(legend)
            if box.width / fig.dpi <= c.width or ncols == 1:
                break
            legend.remove()
        rows_height = box.height / fig.dpi
        shift = rows_height - style.font_size * 1.2 * PT
        c.header += shift
    if spec.unit and spec.type != "barh":
        unit = fig.text(0, 1 - (c.unit_top + shift) / c.height, spec.unit, ha="left", va="top",
                        fontsize=style.font_size, color=style.text)
        unit.set_in_layout(False)


def _extent(artist):
    """An artist's box in display units (figure pixels)."""
    return artist.get_window_extent()


def _wrap_to(text: str, width_in: float, size: float) -> str:
    return textwrap.fill(text, width=max(20, int(width_in * 72 / (size * 0.5))), break_long_words=False)


def _bar_slots(c: _Canvas, n_series: int, slots: int) -> tuple[float, list[float]]:
    """Bar width and offsets of each series within a category (grouped bars), in data units.

    A category takes 0.6 (one series) to 0.75 of its slot, but never more than 1.4 inches:
    two categories across a full column would otherwise give slabs, not bars.
    """
    group = 0.6 if n_series == 1 else 0.75
    slot_in = (c.plot_height if c.spec.type == "barh" else c.plot_width) / max(slots, 1)
    group = min(group, (1.4 if c.spec.type != "barh" else 0.6) / slot_in)
    width = group / n_series
    return width, [(i - (n_series - 1) / 2) * width for i in range(n_series)]


def _label_bars(c: _Canvas, bars, values) -> None:
    c.ax.bar_label(bars, labels=[format_number(v, lang=c.style.lang) for v in values], padding=2.5,
                   fontsize=c.style.font_size, color=c.style.text)


def _nice_limits(axis, lo: float, hi: float, setter, length_in: float, label_in: float = 0.0,
                 zero: bool = True) -> None:
    """Value-axis limits and ticks: about one tick per 0.35 inch on round steps; the ends on a
    tick (a gridline closes the plot) unless value labels beyond the bars need more room."""
    from matplotlib.ticker import MaxNLocator

    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi = lo + 1
    locator = MaxNLocator(nbins=max(4, min(8, int(length_in / 0.35))), steps=[1, 2, 5, 10])
    axis.set_major_locator(locator)
    ticks = list(locator.tick_values(lo, hi))
    eps = (hi - lo) * 1e-9
    top = min((t for t in ticks if t >= hi - eps), default=hi)
    bottom = max((t for t in ticks if t <= lo + eps), default=lo)
    if label_in:
        frac = min(label_in / max(length_in, 0.1), 0.4)
        room = (hi - lo) * frac / (1 - frac)
        if hi > 0:
            top = max(top, hi + room)
        if lo < 0:
            bottom = min(bottom, lo - room)
    setter(bottom, top)


def _draw_bars(c: _Canvas, handles: list, stacked: bool) -> None:
    ax, spec, style = c.ax, c.spec, c.style
    pos, labels = list(range(len(spec.x))), [x_label(x, style.lang) for x in spec.x]
    n = len(spec.series)
    drawn = sum(v is not None for _, values in spec.series for v in values)
    label_values = not stacked and drawn <= MAX_LABELLED_BARS
    width, offsets = _bar_slots(c, 1 if stacked else n, len(pos))
    up = [0.0] * len(pos)
    down = [0.0] * len(pos)
    # A gap in a stack leaves the rest of its column open: where a segment above the gap would
    # start depends on the missing value, so drawing it on the segments below would show the
    # gap as a zero. The column's total is unknown too.
    broken = [False] * len(pos)
    for i, ((name, values), color) in enumerate(zip(spec.series, c.colors)):
        xs, heights, bottoms, kept = [], [], [], []
        for j, v in enumerate(values):
            if v is None or (stacked and broken[j]):
                broken[j] = stacked
                continue  # a gap: no bar, no label
            if stacked:
                bottoms.append(up[j] if v >= 0 else down[j])
                if v >= 0:
                    up[j] += v
                else:
                    down[j] += v
                xs.append(pos[j])
            else:
                xs.append(pos[j] + offsets[i])
                bottoms.append(0.0)
            heights.append(v)
            kept.append(j)
        bars = ax.bar(xs, heights, width=width * (0.92 if n > 1 and not stacked else 1), bottom=bottoms,
                      color=color, label=name, linewidth=0.8 if stacked else 0,
                      edgecolor="white" if stacked else "none", zorder=2)
        for rect, j in zip(bars, kept):
            rect.set_gid(f"bar-{i}-{j}")
        if label_values and heights:
            _label_bars(c, bars, heights)
        handles.append(bars)

    values = [v for _, vs in spec.series for v in vs if v is not None]
    # A stack reaches its drawn ends (a segment left out above a gap sets no limit).
    lo = min(down, default=0.0) if stacked else min(values, default=0.0)
    hi = max(up, default=0.0) if stacked else max(values, default=0.0)
    totals = stacked and len(pos) <= MAX_LABELLED_BARS and lo >= 0
    if totals:  # the stack's total over each column
        for j, total in enumerate(up):
            if not broken[j]:
                ax.annotate(format_number(total, lang=style.lang), (pos[j], total), xytext=(0, 2.5), textcoords="offset points",
                            ha="center", va="bottom", fontsize=style.font_size, color=style.text)
    label_in = (style.font_size + 4) * PT if label_values or totals else 0.0
    _nice_limits(ax.yaxis, lo, hi, ax.set_ylim, c.plot_height, label_in)
    _category_ticks(c, pos, labels)
    ax.set_xlim(-0.5, len(pos) - 0.5)
    ax.yaxis.set_major_formatter(_value_formatter(c.style.lang))
    ax.grid(axis="y")
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.axhline(0, color=style.muted, linewidth=0.8, zorder=2.5)


def _draw_barh(c: _Canvas, handles: list) -> None:
    ax, spec, style = c.ax, c.spec, c.style
    pos, labels = list(range(len(spec.x))), [x_label(x, style.lang) for x in spec.x]
    n = len(spec.series)
    drawn = sum(v is not None for _, values in spec.series for v in values)
    label_values = drawn <= MAX_LABELLED_BARS
    width, offsets = _bar_slots(c, n, len(pos))
    for i, ((name, values), color) in enumerate(zip(spec.series, c.colors)):
        ys, widths, kept = [], [], []
        for j, v in enumerate(values):
            if v is None:
                continue
            ys.append(pos[j] + offsets[i])
            widths.append(v)
            kept.append(j)
        bars = ax.barh(ys, widths, height=width * (0.92 if n > 1 else 1), color=color, label=name,
                       linewidth=0, zorder=2)
        for rect, j in zip(bars, kept):
            rect.set_gid(f"bar-{i}-{j}")
        if label_values and widths:
            _label_bars(c, bars, widths)
        handles.append(bars)
    values = [v for _, vs in spec.series for v in vs if v is not None]
    lo, hi = min(values, default=0.0), max(values, default=0.0)
    longest = max((len(format_number(v, lang=style.lang)) for v in values), default=1)
    label_in = (longest * 0.55 * style.font_size + 4) * PT if label_values else 0.0
    _nice_limits(ax.xaxis, lo, hi, ax.set_xlim, c.plot_width * 0.75, label_in)
    ax.set_yticks(pos, _barh_labels(c, labels))
    ax.set_ylim(len(pos) - 0.5, -0.5)  # categories top to bottom in x order
    ax.xaxis.set_major_formatter(_value_formatter(c.style.lang))
    ax.grid(axis="x")
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.axvline(0, color=style.muted, linewidth=0.8, zorder=2.5)
    if spec.unit:
        ax.set_xlabel(spec.unit, loc="right", labelpad=4)


def _draw_line(c: _Canvas, handles: list) -> None:
    from matplotlib.ticker import FixedLocator, MaxNLocator

    ax, spec = c.ax, c.spec
    numeric = all(not isinstance(x, str) for x in spec.x)
    pos = [float(x) for x in spec.x] if numeric else list(range(len(spec.x)))
    n_points = len(pos)
    for i, ((name, values), color) in enumerate(zip(spec.series, c.colors)):
        ys = [math.nan if v is None else float(v) for v in values]  # NaN breaks the line
        isolated = [j for j, v in enumerate(values) if v is not None
                    and (j == 0 or values[j - 1] is None) and (j == n_points - 1 or values[j + 1] is None)]
        few = n_points <= 16
        (line,) = ax.plot(pos, ys, color=color, linewidth=1.6, label=name, zorder=3 + i * 0.01,
                          marker="o" if few or isolated else None, markersize=3.4 if few else 3,
                          markevery=None if few else isolated, markeredgewidth=0)
        line.set_gid(f"series-{i}")
        handles.append(line)
    if numeric:
        integers = all(float(x).is_integer() for x in spec.x)
        if n_points <= 12:
            ax.xaxis.set_major_locator(FixedLocator(pos))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=integers))
        ax.xaxis.set_major_formatter(lambda v, p: format_number(v, grouping=False, lang=c.style.lang))
        span = (max(pos) - min(pos)) or 1.0
        ax.set_xlim(min(pos) - span * 0.02, max(pos) + span * 0.02)
    else:
        _category_ticks(c, pos, [x_label(x, c.style.lang) for x in spec.x])
        ax.set_xlim(-0.3, n_points - 0.7)
    values = [v for _, vs in spec.series for v in vs if v is not None]
    lo, hi = min(values, default=0.0), max(values, default=0.0)
    # far from zero (an index, say): show the variation, not the baseline
    _nice_limits(ax.yaxis, lo, hi, ax.set_ylim, c.plot_height, zero=not (lo > 0 and lo > 0.5 * hi))
    ax.yaxis.set_major_formatter(_value_formatter(c.style.lang))
    ax.grid(axis="y")
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_linewidth(0.8)


def _category_ticks(c: _Canvas, pos: list[float], labels: list[str]) -> None:
    """Category labels under the x axis: wrapped to their slot, and every k-th one only when
    even wrapped they would collide (k as small as possible)."""
    char = c.style.font_size * 0.5 * PT  # an average character's width, inches
    for step in range(1, len(labels) + 1):
        chars = int(c.plot_width * step / max(len(labels), 1) / char) - 1
        shown = list(range(0, len(labels), step))
        wrapped = [_wrap(labels[j], chars) for j in shown]
        if all(max(map(len, w.split("\n"))) <= chars and w.count("\n") < MAX_LABEL_LINES for w in wrapped):
            break
    c.ax.set_xticks([pos[j] for j in shown], wrapped)


def _barh_labels(c: _Canvas, labels: list[str]) -> list[str]:
    """Category labels left of horizontal bars: as narrow as the rows' height allows."""
    row_lines = max(1, int(c.plot_height * 72 / max(len(labels), 1) / (c.style.font_size * 1.25)))
    widest = int(c.width * 0.4 * 72 / (c.style.font_size * 0.5))
    for chars in (24, 32, 40, widest):
        wrapped = [_wrap(label, min(chars, widest)) for label in labels]
        if max(w.count("\n") + 1 for w in wrapped) <= row_lines:
            break
    return wrapped


# -- drawing while the pages are laid out -------------------------------------------------------

def is_cached(spec: ChartSpec, style: ChartStyle, cache_dir: Path) -> bool:
    return (Path(cache_dir) / f"{cache_key(spec, style)}.svg").is_file()


def _short(value: float) -> str:
    """A length as matplotlib's SVG backend writes it."""
    return f"{value:f}".rstrip("0").rstrip(".")


def placeholder(style: ChartStyle) -> bytes:
    """An empty SVG the size `draw()` gives every chart in `style`: enough to lay pages out."""
    w, h = _short(style.width_in * 72), _short(style.width_in * style.aspect * 72)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
            f'viewBox="0 0 {w} {h}"><!-- chart being drawn --></svg>').encode("ascii")


class Background:
    """Charts drawn into the cache by a forked helper process, on the machine's other core.

    The first chart of a new process costs importing matplotlib (about 0.7 s) and each chart
    about 0.15 s; the helper does this while the builder imports WeasyPrint and lays out the
    pages. It draws in the order given and names each chart on a pipe once it is stored:
    `wait_for(id)` returns as soon as that chart is in the cache, `wait()` when the helper is
    done. Should the helper fail, the builder draws what is missing itself (`draw_cached`) and
    reports any error as usual.
    """

    def __init__(self, pid: int, ids: frozenset[str], fd: int):
        self.pid, self.ids, self.fd = pid, ids, fd
        self.done: set[str] = set()
        self._partial = b""

    def wait_for(self, chart_id: str) -> None:
        while chart_id not in self.done and self.fd is not None:
            chunk = os.read(self.fd, 4096)
            if not chunk:  # the helper is done (or gone)
                self.wait()
                return
            *lines, self._partial = (self._partial + chunk).split(b"\n")
            self.done.update(line.decode("ascii") for line in lines)

    def wait(self) -> None:
        """Until the helper has exited. Its pipe is read to the end first: closed early, it
        would cut the helper off before the charts it has yet to draw."""
        if self.fd is not None:
            while chunk := os.read(self.fd, 4096):
                *lines, self._partial = (self._partial + chunk).split(b"\n")
                self.done.update(line.decode("ascii") for line in lines)
            os.close(self.fd)
            self.fd = None
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def draw_in_background(specs, style: ChartStyle, cache_dir: Path) -> Background | None:
    """Fork a helper that draws `specs` into `cache_dir` beside this process; None when nothing
    is to draw or a helper would not pay (see `helpers.side_by_side`; with matplotlib loaded
    here already, drawing here costs little)."""
    specs = [s for s in specs if not is_cached(s, style, cache_dir)]
    if not specs or not workers.side_by_side() or workers.matplotlib_loaded():
        return None
    return _fork_helper(specs, style, cache_dir)


def draw_apart(specs, style: ChartStyle, cache_dir: Path) -> None:
    """Low-memory mode: draw `specs` into `cache_dir` in a helper and wait until it has exited,
    so that matplotlib is gone from memory before WeasyPrint arrives. Whatever the helper could
    not draw (or where no fork is safe) is drawn here later, by `draw_cached`, as usual."""
    specs = [s for s in specs if not is_cached(s, style, cache_dir)]
    if specs and workers.can_fork() and not workers.matplotlib_loaded():
        _fork_helper(specs, style, cache_dir).wait()


def _fork_helper(specs, style: ChartStyle, cache_dir: Path) -> Background:
    read, write = os.pipe()
    # What this process holds stays shared with the helper only while neither writes to it: the
    # helper's garbage collector would walk (and so copy) every inherited object. Frozen, they
    # are left alone; this process unfreezes them after the fork.
    gc.freeze()
    pid = os.fork()
    if pid:
        gc.unfreeze()
    if pid == 0:  # the helper: draw, store, leave without running the parent's exit handlers
        os.close(read)
        status = 1
        # numpy's BLAS would start a thread per core and their buffers: nothing here needs them
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        try:
            for spec in specs:
                draw_cached(spec, style, cache_dir)
                os.write(write, spec.id.encode("ascii") + b"\n")  # ids are letters, digits, - and _
            status = 0
        except BaseException:
            pass
        finally:
            if _font_dir is not None:  # os._exit skips the atexit clean-up
                shutil.rmtree(_font_dir, ignore_errors=True)
            os._exit(status)
    os.close(write)
    return Background(pid, frozenset(s.id for s in specs), read)
