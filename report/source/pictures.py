"""Pictures checked before WeasyPrint (or a browser) sees them: bounded bytes, pixels and work.

A few kilobytes can ask for minutes of drawing or gigabytes of memory: an SVG whose `<use>`
elements reference each other ten times over eight levels draws 10⁸ shapes, and a PNG of
13,000 × 13,000 pixels decodes to 700 MB. So a picture is read through `contentfile` (a
regular file inside its folder, size capped), a raster picture's size is read from its header
and its data decoded once (a broken file fails here, with its name, not as a broken image
in the web page), and an SVG is parsed without a DOCTYPE (no entities), its elements counted
with their `<use>` references expanded, every reference kept inside the picture, and no script,
event attribute or embedded document (`foreignObject`) allowed: the same rules for a series'
logo and for a document's picture, in every format.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import tinycss2

from report.source import css_addresses, files

# Lazy: Pillow (about 0.05 s), only for a raster picture.

MAX_PICTURE_BYTES = 20_000_000
MAX_PIXELS = 25_000_000  # a 6,000 × 4,000 photograph; a full A4 page at 300 dpi is 8.7 million
MAX_SVG_ELEMENTS = 50_000  # elements written in the file
MAX_SVG_DRAWN = 100_000  # elements drawn, each <use> counting what it draws
MAX_USE_DEPTH = 10  # <use> inside what a <use> draws, inside …
MAX_SVG_DEPTH = 100  # elements inside elements
# Elements that run code or hold another document, and animations that could change an href.
ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
ANIMATIONS = {"set", "animate", "animatetransform", "animatemotion", "animatecolor"}
KINDS = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "svg": "image/svg+xml"}
NAMES = "a PNG, JPEG, GIF, WebP or SVG image"
XLINK = "{http://www.w3.org/1999/xlink}href"
DATA_RASTER = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,", re.I)


class Refused(files.Refused):
    """The picture cannot be used; `str()` completes "picture 'x' …"."""


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime: str


def kind(data: bytes, name: str) -> str | None:
    """png, jpeg, gif, webp or svg from the first bytes (an SVG also by its name), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if name.lower().endswith(".svg") and b"<svg" in data[:4096]:
        return "svg"
    return None


def read(path: Path, root: Path, where: str = "the document folder") -> Picture:
    """A checked picture file. Raises `contentfile.Refused` (the file) or `Refused` (the picture)."""
    data = files.read(path, root, MAX_PICTURE_BYTES, where)
    return Picture(data, KINDS[check(data, path.name)])


def check(data: bytes, name: str) -> str:
    """The picture's kind, or `Refused` saying what is wrong with it."""
    found = kind(data, name)
    if found is None:
        raise Refused(f"is not {NAMES}")
    if found == "svg":
        check_svg(data)
    else:
        check_raster(data, found)
    return found


def check_raster(data: bytes, found: str) -> None:
    from PIL import Image

    label = found.upper() if found != "jpeg" else "JPEG"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # our own limit is lower than Pillow's warning
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Refused(f"is {width:,} × {height:,} pixels; at most {MAX_PIXELS:,} pixels are allowed "
                                  "(scale it down: 300 dpi across the page is about 2,500 pixels wide)")
                image.verify()  # checksums, where the format has them
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # every pixel decodes: a cut-off file fails here
        except Refused:
            raise
        except Image.DecompressionBombError:
            raise Refused(f"has more than {MAX_PIXELS:,} pixels") from None
        except Exception as exc:  # Pillow raises many kinds on a broken file
            raise Refused(f"is a broken {label} file ({_short(exc)})") from None


def _short(exc: Exception) -> str:
    # Pillow names the object it read ("<_io.BytesIO object at 0x7f…>"): an address, not a reason.
    text = re.sub(r"\s*<[^<>]* at 0x[0-9a-fA-F]+>", "", str(exc)).strip() or type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"


def check_svg(data: bytes) -> None:
    head = data[:65536].lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise Refused("is an SVG with a DOCTYPE; remove it (entities are not allowed)")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise Refused(f"is not a well-formed SVG file (line {exc.position[0]}: {_short(exc).split(':')[0]})") from None
    elements = list(root.iter())
    if len(elements) > MAX_SVG_ELEMENTS:
        raise Refused(f"is an SVG of {len(elements):,} elements; at most {MAX_SVG_ELEMENTS:,} are allowed")
    if b"<?xml-stylesheet" in data:
        raise Refused("is an SVG that links a stylesheet; only what the file holds can be used")
    ids = {e.get("id"): e for e in elements if e.get("id")}
    for element in elements:
        _check_active(element)
        for attr in ("href", XLINK):
            value = element.get(attr)
            if value is not None:
                _check_reference(value.strip(), element, ids)
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "style":
            _check_style(tinycss2.parse_stylesheet(element.text or ""))
        for value in element.attrib.values():  # `style`, and presentation attributes (fill="url(#g)")
            if "(" in value or "\\" in value or "@" in value:
                _check_style(tinycss2.parse_component_value_list(value))
    if _depth(root) > MAX_SVG_DEPTH:
        raise Refused(f"is an SVG with elements nested more than {MAX_SVG_DEPTH} deep")
    if _Drawn(ids).count(root)[0] > MAX_SVG_DRAWN:
        raise Refused(f"is an SVG that draws more than {MAX_SVG_DRAWN:,} elements once its <use> "
                      "references are expanded")


def _check_style(nodes) -> None:
    """CSS in the SVG, read by the parser with escapes undone (`\\75rl(` is `url(`): only `#id`."""
    for _node, target, _line, message in css_addresses.addresses(nodes):
        if message is not None and message.startswith("@import"):
            raise Refused("is an SVG whose style imports a stylesheet; only what the file holds can be used")
        if message is not None:
            raise Refused(f"is an SVG whose style says: {message}")
        if not target.strip().startswith("#"):
            raise Refused(f"is an SVG that refers to {_quote(target)}; only parts of the same file "
                          "(url(#id)) can be used")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _check_active(element) -> None:
    """Nothing that runs or pulls in another document: in a web page an inline or embedded SVG
    is live markup, and a browser would run its script or load what it names."""
    written = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    tag = written.lower()
    if tag in ACTIVE_ELEMENTS:
        raise Refused(f"is an SVG with a <{written}> element; scripts and embedded documents are not allowed")
    for attr in element.attrib:
        name = _local(attr)
        if name.startswith("on"):
            raise Refused(f"is an SVG with an event attribute ({name}); scripts are not allowed")
    if tag in ANIMATIONS and (element.get("attributeName") or "").rsplit(":", 1)[-1].lower() == "href":
        raise Refused(f"is an SVG whose <{written}> changes a reference; only parts of the same file can be used")


def _depth(root) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _quote(value: str) -> str:
    return "'" + (value if len(value) <= 60 else value[:59] + "…") + "'"


def _check_reference(value: str, element, ids) -> None:
    if value.startswith("#"):
        return
    match = DATA_RASTER.match(value)
    if match and element.tag.rsplit("}", 1)[-1] == "image":
        try:
            inner = base64.b64decode(value[match.end():], validate=False)
        except ValueError:
            raise Refused("is an SVG with a broken embedded picture") from None
        found = kind(inner, "")
        if found is None:
            raise Refused("is an SVG with an embedded picture that is not PNG, JPEG, GIF or WebP")
        try:
            check_raster(inner, found)
        except Refused as exc:
            raise Refused(f"is an SVG whose embedded picture {exc}") from None
        return
    raise Refused(f"is an SVG that refers to {_quote(value)}; an SVG picture must hold everything it "
                  "shows (only '#id' references and embedded PNG, JPEG, GIF or WebP pictures)")


class _Drawn:
    """How many elements an SVG draws (each <use> counting what it stands for), and how deep
    its <use> references nest. Memoised per element: the count is linear in the file."""

    def __init__(self, ids: dict):
        self.ids = ids
        self.sizes: dict[int, tuple[int, int]] = {}
        self.open: set[int] = set()

    def count(self, element) -> tuple[int, int]:
        key = id(element)
        if key in self.sizes:
            return self.sizes[key]
        if key in self.open:
            raise Refused("is an SVG whose <use> references go round in a circle")
        self.open.add(key)
        total, depth = 1, 0
        for child in element:
            drawn, deep = self.count(child)
            total, depth = total + drawn, max(depth, deep)
            if total > MAX_SVG_DRAWN:
                break
        if element.tag.rsplit("}", 1)[-1] == "use":
            href = (element.get("href") or element.get(XLINK) or "").strip()
            target = self.ids.get(href[1:]) if href.startswith("#") else None
            if target is not None:
                drawn, deep = self.count(target)
                total, depth = total + drawn, max(depth, deep + 1)
                if depth > MAX_USE_DEPTH:
                    raise Refused(f"is an SVG with <use> references nested more than {MAX_USE_DEPTH} deep")
        self.open.discard(key)
        self.sizes[key] = (total, depth)
        return total, depth
