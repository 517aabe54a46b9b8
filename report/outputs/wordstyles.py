"""The Word proof's reference document: Pandoc's own reference.docx with the series' typefaces,
sizes and colours written into its styles.

Pandoc takes every style of the .docx it writes from this file (`--reference-doc`), so the
author's Word file looks like the house: body in the series' serif, headings, title and
captions in its sans and its primary colour. Only the family names go in (Word uses the fonts
installed on the author's machine, as it does for any file sent to it); nothing is embedded.
The zip is written with fixed times and in a fixed order: the same series gives the same bytes.
"""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET
import zipfile

from report.cache import memo
from report.errors import BuildError
from report.model import Series
from report.source.citeproc import pandoc_path
from report.source.word import PROOF_BANNER_STYLE as BANNER_STYLE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ET.register_namespace("w", W)
ET.register_namespace("r", R)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold, as Pandoc writes its own

BODY_HALF_POINTS = 21  # 10.5 pt, the house's body size
# style id → (typeface role, colour name, size in half points or None to keep Pandoc's)
STYLES = {
    "Normal": ("serif", "text", BODY_HALF_POINTS), "BodyText": ("serif", "text", BODY_HALF_POINTS),
    "Title": ("sans", "primary", 44), "TitleChar": ("sans", "primary", 44),
    "Subtitle": ("sans", "primary", 28), "SubtitleChar": ("sans", "primary", 28),
    "Author": ("sans", "text", 22), "Date": ("sans", "muted", 20),
    "AbstractTitle": ("sans", "primary", 22), "Abstract": ("serif", "text", 21),
    "Heading1": ("sans", "primary", 32), "Heading2": ("sans", "primary", 28), "Heading3": ("sans", "primary", 24),
    "Heading4": ("sans", "primary", 21), "Heading5": ("sans", "primary", 21), "Heading6": ("sans", "primary", 21),
    "Heading1Char": ("sans", "primary", 32), "Heading2Char": ("sans", "primary", 28),
    "Heading3Char": ("sans", "primary", 24), "Heading4Char": ("sans", "primary", 21),
    "Caption": ("sans", "muted", 18), "TableCaption": ("sans", "muted", 18), "ImageCaption": ("sans", "muted", 18),
    "FootnoteText": ("serif", "text", 17), "Hyperlink": (None, "primary", None),
}


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


@memo(maxsize=1)
def pandoc_reference() -> bytes:
    """Pandoc's default reference.docx (the pypandoc-binary it ships: one per installed version)."""
    try:
        done = subprocess.run([str(pandoc_path()), "--sandbox", "--print-default-data-file", "reference.docx"],
                              capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BuildError(f"Pandoc cannot give its reference.docx: {exc}") from None
    return done.stdout


def _set(parent: ET.Element, name: str, **attrs: str) -> ET.Element:
    """The child `w:name` of `parent`, made when missing, with these `w:` attributes only."""
    node = parent.find(_q(name))
    if node is None:
        node = ET.SubElement(parent, _q(name))
    node.attrib.clear()
    node.attrib.update({_q(k): v for k, v in attrs.items()})
    return node


def _run_props(style: ET.Element) -> ET.Element:
    rpr = style.find(_q("rPr"))
    return rpr if rpr is not None else ET.SubElement(style, _q("rPr"))


def _fonts(rpr: ET.Element, family: str) -> None:
    _set(rpr, "rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family)


def _color(value: str) -> str:
    return value.lstrip("#").upper()


def styles_xml(original: bytes, series: Series) -> bytes:
    root = ET.fromstring(original)
    families = {role: font.family for role, font in series.fonts.items()}
    body = families.get("serif") or families["sans"]
    families.setdefault("serif", body)
    colors = series.colors
    defaults = root.find(f"{_q('docDefaults')}/{_q('rPrDefault')}/{_q('rPr')}")
    _fonts(defaults, body)
    _set(defaults, "sz", val=str(BODY_HALF_POINTS))
    _set(defaults, "szCs", val=str(BODY_HALF_POINTS))
    _set(defaults, "color", val=_color(colors["text"]))
    for style in root.findall(_q("style")):
        wanted = STYLES.get(style.get(_q("styleId")))
        if wanted is None:
            continue
        role, color, size = wanted
        rpr = _run_props(style)
        if role is not None:
            _fonts(rpr, families.get(role, body))
        _set(rpr, "color", val=_color(colors.get(color, colors["text"])))
        if size is not None:
            _set(rpr, "sz", val=str(size))
            _set(rpr, "szCs", val=str(size))
        ppr = style.find(_q("pPr"))
        jc = ppr.find(_q("jc")) if ppr is not None else None
        if jc is not None:  # Pandoc centres the title block; the house sets it flush left
            ppr.remove(jc)
    banner = ET.SubElement(root, _q("style"), {_q("type"): "paragraph", _q("customStyle"): "1",
                                               _q("styleId"): "ProofBanner"})
    _set(banner, "name", val=BANNER_STYLE)
    _set(banner, "basedOn", val="Normal")
    ppr = ET.SubElement(banner, _q("pPr"))
    _set(ppr, "shd", val="clear", color="auto", fill=_color(colors.get("tint", "#FFFFFF")))
    rpr = ET.SubElement(banner, _q("rPr"))
    _fonts(rpr, families["sans"])
    ET.SubElement(rpr, _q("b"))
    _set(rpr, "color", val=_color(colors["accent"]))
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def reference_docx(series: Series) -> bytes:
    """The reference document for `series`: same series, same bytes."""
    source = zipfile.ZipFile(io.BytesIO(pandoc_reference()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/styles.xml":
                data = styles_xml(data, series)
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
