"""Html → PDF bytes with WeasyPrint, through the safe fetcher, with WeasyPrint's warnings caught.

WeasyPrint is imported here only, so that `--check` and `--help` never pay for it.

Speed (issue 7; `python -m report.bench` shows what each of these buys):
- one font configuration per process, and each stylesheet parsed once per process (a
  `weasyprint.CSS` is reusable; it is parsed again when its file changes);
- WeasyPrint turns every variable font it embeds into a static one with fontTools, after
  subsetting: about a third of `write_pdf` on a short document. The result depends only on the
  subset, the variation and the library versions, so it is kept in a cache folder: a repeat
  build, or a rebuild after an edit that brings no new glyph, skips the work. Same bytes out;
- charts drawn while the pages are laid out are swapped in as their pages are drawn
  (`replace_images`): layout only needs an image's size, which a placeholder of the same size
  gives;
- `import weasyprint` without the helper processes it starts to find its libraries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .errors import BuildError
from .output import write_cache
from .model import Html

# Tagged PDF for screen readers by default; archival variants pass through (--pdf-variant).
SCREEN_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfOptions:
    variant: str | None = SCREEN_VARIANT
    print_ready: bool = False  # crop marks in a slug outside the bleed (print.css sets the bleed)
    font_cache: Path | None = None  # folder for static instances of variable fonts; None: no cache
    helpers: bool = True  # fonts may be cleaned in a forked helper beside this process


# WeasyPrint's one warning that is about the machine, not the document: without the optional
# libharfbuzz-subset0 it subsets fonts with fontTools, slower, to an equivalent PDF.
NO_HARFBUZZ_SUBSET = "Using fontTools instead of HarfBuzz-Subset"
NO_HARFBUZZ_NOTICE = ("notice: libharfbuzz-subset0 is not installed; fonts are subset the slower way "
                      "(Debian/Ubuntu: apt-get install libharfbuzz-subset0)")
_noticed: set[str] = set()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith(NO_HARFBUZZ_SUBSET):
            if NO_HARFBUZZ_NOTICE not in _noticed:  # once a process: it is the machine's, not the document's
                _noticed.add(NO_HARFBUZZ_NOTICE)
                import sys
                print(NO_HARFBUZZ_NOTICE, file=sys.stderr, flush=True)
            return
        self.messages.append(message)


@lru_cache(maxsize=1)
def font_config():
    _import_weasyprint()
    from weasyprint.text.fonts import FontConfiguration
    import atexit
    atexit.register(font_config.cache_clear)  # its clean-up needs the modules still loaded
    return FontConfiguration()


# -- importing WeasyPrint ------------------------------------------------------------------------

def _import_weasyprint(cache: Path | None = None):
    """`import weasyprint`, without the ~30 helper processes it starts to find its libraries,
    and with its C declarations taken from `cache` when they are there (ffi_cache.py).

    WeasyPrint asks cffi for each library under several names ('libpango-1.0-0', 'pango-1.0',
    … 'libpango-1.0.so.0'); each name that is not a file makes `ctypes.util.find_library` run
    `ldconfig -p`, then gcc, then ld: about 0.4 s of the 0.9 s import. Here, while WeasyPrint
    loads, the lookup reads one `ldconfig -p` listing (and LD_LIBRARY_PATH) instead; the same
    libraries load. Should the import fail that way, it is done again the usual way.
    """
    import sys

    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    import ctypes.util

    from . import ffi_cache

    original = ctypes.util.find_library
    ctypes.util.find_library = _find_library
    if cache is not None:
        ffi_cache.install(cache)
    try:
        import weasyprint
        return weasyprint
    except Exception:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = original
        ffi_cache.uninstall()
    import weasyprint
    return weasyprint


@lru_cache(maxsize=1)
def _ldconfig() -> str:
    import subprocess

    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True,
                              env={"LC_ALL": "C", "LANG": "C"}, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


@lru_cache(maxsize=None)
def _find_library(name: str) -> str | None:
    """What `ctypes.util.find_library` finds through ldconfig or LD_LIBRARY_PATH, from one listing."""
    import re

    import struct

    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")  # as ctypes has it
    found = re.search(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), re.escape(abi)), _ldconfig())
    if found:
        return found.group(1)
    for folder in filter(None, os.environ.get("LD_LIBRARY_PATH", "").split(":")):
        for candidate in sorted(Path(folder).glob(f"lib{name}.so*")):
            return candidate.name
    return None


# -- stylesheets, parsed once per process --------------------------------------------------------

_sheets: dict[tuple, object] = {}


def _stylesheet(path: Path, fetcher, fonts):
    """`weasyprint.CSS` for a file, parsed again only when the file changes.

    Reuse across documents is safe: what the parse fetches (the @font-face files of a series
    stylesheet) lies in that series' folders, which every document of the series may read, and
    the fonts land in the one shared font configuration.
    """
    import weasyprint

    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, id(fonts))
    sheet = _sheets.get(key)
    if sheet is None:
        sheet = _sheets[key] = weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts)
    return sheet


def _css_string(css: str, fetcher, fonts):
    import weasyprint

    key = ("string", hashlib.sha256(css.encode("utf-8")).hexdigest(), id(fonts))
    sheet = _sheets.get(key)
    if sheet is None:
        sheet = _sheets[key] = weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=fonts)
    return sheet


# -- layout ------------------------------------------------------------------------------------

def layout(html: Html, allowed: tuple[Path, ...], extra_css: tuple[str, ...] = (), cache: Path | None = None):
    """Lay out the pages. Returns the WeasyPrint document (pages, boxes) for writing or checks.

    `cache`: the cache folder; the hyphenation patterns of the document's language are kept in
    its `hyphenation` folder, WeasyPrint's parsed C declarations in `weasyprint-ffi`.
    """
    weasyprint = _import_weasyprint(cache)
    if cache is not None:
        _load_hyphenation(html.lang, Path(cache) / "hyphenation")

    from .fetcher import RefusedURL, SafeFetcher

    fetcher = SafeFetcher(allowed, dict(html.resources))
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    old_propagate, logger.propagate = logger.propagate, False
    try:
        fonts = font_config()
        sheets = [_stylesheet(Path(p), fetcher, fonts) for p in html.stylesheets]
        sheets += [_css_string(css, fetcher, fonts) for css in extra_css]
        document = weasyprint.HTML(string=html.text, base_url=html.base_url, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts)
    except RefusedURL as exc:
        raise BuildError(str(exc)) from None
    finally:
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    if collect.messages:
        raise BuildError("WeasyPrint reported: " + "; ".join(dict.fromkeys(collect.messages)))
    return document


def _load_hyphenation(lang: str, folder: Path) -> None:
    """Give Pyphen the patterns of `lang` from `folder` (JSON, ~0.03 s) instead of parsing its
    dictionary (~0.13 s for English), once per process; what WeasyPrint then asks for is the same."""
    import pyphen

    name = pyphen.language_fallback(lang or "")
    path = pyphen.LANGUAGES.get(name) if name else None
    if path is None or path in pyphen.hdcache:
        return
    try:
        stat = path.stat()
    except OSError:
        return
    key = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{pyphen.__version__}".encode()).hexdigest()
    stored = folder / f"{key}.json"
    try:
        data = json.loads(stored.read_text(encoding="utf-8"))
        patterns = {k: (start, tuple(values)) for k, (start, values) in data["patterns"].items()}
        dictionary = object.__new__(pyphen.HyphDict)
        dictionary.patterns, dictionary.cache, dictionary.maxlen = patterns, {}, int(data["maxlen"])
    except (OSError, ValueError, KeyError, TypeError):
        dictionary = pyphen.HyphDict(path)
        if all(type(v) is int for _, values in dictionary.patterns.values() for v in values):
            # (patterns with non-standard hyphenation hold objects JSON cannot keep: not cached)
            write_cache(stored, json.dumps({"maxlen": dictionary.maxlen, "patterns": dictionary.patterns}).encode())
    pyphen.hdcache[path] = dictionary


class ImageSizeChanged(Exception):
    """An image swapped in by `replace_images` has another size than its placeholder."""


def replace_images(document, images: dict[str, Callable[[], bytes]]) -> bool:
    """Draw each SVG image laid out from a URL in `images` from `images[url]()` instead.

    Layout used only the images' sizes; each getter is called when its image is first drawn,
    so a chart still being drawn elsewhere is waited for only when its page is painted. The new
    SVG must have the size and viewBox of the old: if not, drawing stops with
    `ImageSizeChanged` and the caller lays the pages out again. Returns False, changing
    nothing, when an image is on no page (hidden by CSS, say), or WeasyPrint's insides differ.
    """
    from xml.etree import ElementTree

    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import SVGImage
    from weasyprint.svg import SVG

    found: dict[str, list] = {}
    for page in document.pages:
        root = getattr(page, "_page_box", None)
        if root is None:
            return False
        for box in root.descendants():
            image = getattr(box, "replacement", None) if isinstance(box, ReplacedBox) else None
            if isinstance(image, SVGImage) and getattr(image, "_base_url", None) in images:
                if image not in found.setdefault(image._base_url, []):
                    found[image._base_url].append(image)
    if set(found) != set(images) or any(getattr(i, "_svg", None) is None for l in found.values() for i in l):
        return False

    def lazily(image, url):
        draw = image.draw  # SVGImage.draw, bound

        def draw_real(stream, width, height, style):
            if not getattr(image, "_report_real", False):
                old = image._svg
                new = SVG(ElementTree.fromstring(images[url]()), url, old.font_config, old.url_fetcher)
                if (new.get_intrinsic_size(16) != old.get_intrinsic_size(16)
                        or new.get_viewbox() != old.get_viewbox()):
                    raise ImageSizeChanged(url)
                image._svg, image._report_real = new, True
            return draw(stream, width, height, style)

        return draw_real

    for url, laid_out in found.items():
        for image in laid_out:
            image.draw = lazily(image, url)
    return True


# -- writing -----------------------------------------------------------------------------------

_font_cache_dir: Path | None = None  # set while write() runs with a cache folder
_font_memory: dict[str, tuple[bytes, dict]] = {}
_helpers_allowed = True  # set while write() runs: PdfOptions.helpers


def _font_key(font, to_unicode, hinting) -> str:
    """Everything that decides what `Font.clean` makes of a font."""
    import fontTools
    import weasyprint

    digest = hashlib.sha256(font.file_content)
    # The libraries, this module's code (how an instance is made and dated, `_deterministic`),
    # the date asked for, then the font as WeasyPrint uses it.
    facts = ((weasyprint.__version__, fontTools.version, _harfbuzz_version()),
             (_code_digest(), os.environ.get("SOURCE_DATE_EPOCH")),
             (font.index, sorted(to_unicode), bool(font.missing), bool(hinting),
              sorted(font.variations.items()), font.weight, font.font_size, font.style,
              bool(font.png), bool(font.svg), bool(font.colr)))
    digest.update(repr(facts).encode("utf-8"))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def _harfbuzz_version() -> tuple[int, int, int]:
    """HarfBuzz's version (it subsets the fonts), found through the one call WeasyPrint binds."""
    from weasyprint.text.ffi import harfbuzz

    def last(fixed, limit=200):
        return max(v for v in range(limit) if harfbuzz.hb_version_atleast(*fixed(v)))

    major = last(lambda v: (v, 0, 0))
    minor = last(lambda v: (major, v, 0))
    return major, minor, last(lambda v: (major, minor, v))


def _install_font_cache() -> None:
    """Wrap WeasyPrint's `Font.clean` (subset, then instantiate a variable font) in a cache,
    and its `build_fonts_dictionary` so that the fonts missing from the cache are cleaned on
    two cores at once (a forked helper takes half), when that pays.

    Active only inside `write()` with `PdfOptions.font_cache` set; otherwise the originals run.
    """
    import weasyprint.pdf
    from weasyprint.pdf.fonts import Font

    original = Font.clean
    if getattr(original, "_report_cached", False):
        return

    def clean(self, to_unicode, hinting):
        folder = _font_cache_dir
        if folder is None or "fvar" not in self.tables:
            return original(self, to_unicode, hinting)
        key = _font_key(self, to_unicode, hinting)
        hit = _font_memory.get(key)
        if hit is None:
            hit = _load(folder / f"{key}.font")
        if hit is None:
            hit = _cleaned(original, self, to_unicode, hinting)
            write_cache(folder / f"{key}.font", _dump(hit))
        _font_memory[key] = hit
        self.file_content, variations = hit
        self.variations = dict(variations)

    clean._report_cached = True
    Font.clean = clean

    build = weasyprint.pdf.build_fonts_dictionary

    def build_fonts_dictionary(pdf, fonts, compress, subset, options):
        folder = _font_cache_dir
        if folder is not None and subset:
            _clean_on_two_cores(original, fonts, options["hinting"], folder)
        return build(pdf, fonts, compress, subset, options)

    weasyprint.pdf.build_fonts_dictionary = build_fonts_dictionary


def _can_fork() -> bool:
    """A helper may clean fonts beside this process: `write` allows it, and it pays."""
    from .helpers import side_by_side

    return _helpers_allowed and side_by_side()


def _cleaned(original, font, to_unicode, hinting) -> tuple[bytes, dict]:
    """What `Font.clean` makes of `font`, leaving `font` as it is."""
    import copy

    clone = copy.copy(font)
    clone.variations = dict(font.variations)
    _deterministic(original, clone, to_unicode, hinting)
    return bytes(clone.file_content), dict(clone.variations)


def _dump(hit: tuple[bytes, dict]) -> bytes:
    return json.dumps(hit[1]).encode("utf-8") + b"\n" + hit[0]


def _clean_on_two_cores(original, fonts, hinting, folder: Path) -> None:
    """Clean the variable fonts missing from the cache, half of them in a forked helper, and
    store them: WeasyPrint's own pass then finds every one in the cache. Nothing is done
    where a helper would not pay (`_can_fork`) or one font is missing."""
    groups: dict[str, list] = {}
    for font in fonts.values():  # as WeasyPrint groups them: one clean per font file
        groups.setdefault(font.hash, []).append(font)
    todo = []
    for file_fonts in groups.values():
        font = file_fonts[0]
        if font.bitmap or font.used_in_forms or "fvar" not in font.tables:
            continue
        to_unicode = {}
        for file_font in file_fonts:
            to_unicode = {**to_unicode, **file_font.to_unicode}
        key = _font_key(font, to_unicode, hinting)
        if key not in _font_memory and not (folder / f"{key}.font").is_file():
            todo.append((len(font.file_content), key, font, to_unicode))
    if len(todo) < 2 or not _can_fork():
        return
    mine, theirs, load = [], [], [0, 0]
    for job in sorted(todo, key=lambda j: j[0], reverse=True):  # the bigger font to the lighter side
        side = 0 if load[0] <= load[1] else 1
        (mine, theirs)[side].append(job)
        load[side] += job[0]
    pid = os.fork()
    if pid == 0:  # the helper: clean its half into the cache, then leave at once
        status = 1
        try:
            for _, key, font, to_unicode in theirs:
                write_cache(folder / f"{key}.font", _dump(_cleaned(original, font, to_unicode, hinting)))
            status = 0
        finally:
            os._exit(status)
    try:
        for _, key, font, to_unicode in mine:
            hit = _cleaned(original, font, to_unicode, hinting)
            write_cache(folder / f"{key}.font", _dump(hit))
            _font_memory[key] = hit
    finally:
        os.waitpid(pid, 0)  # what it failed to store, WeasyPrint's pass cleans itself


def _deterministic(clean, font, to_unicode, hinting) -> None:
    """Run `clean` so that the same font comes out on every run.

    fontTools stamps a font it saves with the time (`head.modified`) unless SOURCE_DATE_EPOCH
    is set: two builds of one document a second apart would differ. The static instance takes
    the date of the font it is made from, unless the caller set SOURCE_DATE_EPOCH.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        return clean(font, to_unicode, hinting)
    epoch = _font_modified(font.file_content, font.index)
    if epoch is None:
        return clean(font, to_unicode, hinting)
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        clean(font, to_unicode, hinting)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _font_modified(data: bytes, index: int = 0) -> int | None:
    """`head.modified` of an OpenType font (or of font `index` of a collection), as Unix time."""
    import struct

    try:
        offset = 0
        if data[:4] == b"ttcf":
            offset = struct.unpack_from(">I", data, 12 + 4 * index)[0]
        (tables,) = struct.unpack_from(">H", data, offset + 4)
        for i in range(tables):
            tag, _, table, _ = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
            if tag == b"head":
                (modified,) = struct.unpack_from(">q", data, table + 28)
                return max(modified - 2082844800, 0)  # seconds from 1904 to seconds from 1970
    except struct.error:
        return None
    return None


def _load(path: Path) -> tuple[bytes, dict] | None:
    """A cached font: one line of JSON (the variations), then the font file."""
    try:
        head, _, content = path.read_bytes().partition(b"\n")
        variations = json.loads(head)
    except (OSError, ValueError):
        return None
    return (content, variations) if content and isinstance(variations, dict) else None


def write(document, options: PdfOptions) -> bytes:
    global _font_cache_dir, _helpers_allowed
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    old_propagate, logger.propagate = logger.propagate, False
    # Nothing may ride along in the PDF: drop file attachments, whatever asked for them.
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    if options.font_cache is not None:
        _install_font_cache()
        _font_cache_dir = Path(options.font_cache)
    _helpers_allowed = options.helpers
    finisher = None
    if options.print_ready:
        from .printmarks import add_crop_marks
        finisher = add_crop_marks
    from .fetcher import RefusedURL
    try:
        data = document.write_pdf(pdf_variant=options.variant, pdf_tags=True, finisher=finisher)
    except RefusedURL as exc:  # a BaseException: it must not end in a traceback
        raise BuildError(str(exc)) from None
    finally:
        _font_cache_dir, _helpers_allowed = None, True
        logger.removeHandler(collect)
        logger.propagate = old_propagate
    if collect.messages:
        raise BuildError("WeasyPrint reported: " + "; ".join(dict.fromkeys(collect.messages)))
    return data
