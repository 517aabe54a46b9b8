"""The web version (`--format html`): one self-contained, responsive page.

Same template and content as the PDF; on top of the print stylesheets comes `web.css`
(found on the series' search path). Fonts are subset to the characters the page uses and
embedded as WOFF data URIs, charts are inline SVG, pictures data URIs: the page loads
nothing from anywhere, and prints from a browser.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

from .model import Series

SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
SVG_ID = re.compile(r'\bid="([^"]+)"')


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def inline_svg(svg: bytes, prefix: str) -> str:
    """An SVG file as inline markup; ids get a prefix so that two charts never share one."""
    text = SVG_HEAD.sub("", svg.decode("utf-8"), count=1)
    ids = set(SVG_ID.findall(text))
    for ident in sorted(ids, key=len, reverse=True):
        text = (text.replace(f'id="{ident}"', f'id="{prefix}{ident}"')
                    .replace(f"#{ident})", f"#{prefix}{ident})")
                    .replace(f'href="#{ident}"', f'href="#{prefix}{ident}"'))
    return text


def subset_font(path: Path, text: str) -> bytes:
    """The font cut down to the characters in `text` (variations kept), as WOFF."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "0123456789–—‘’“”…·")
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()


def font_faces(series: Series, text: str) -> str:
    rules = []
    for role, face in sorted(series.fonts.items()):
        for weight, style, path in face.faces():
            if path is not None:
                uri = data_uri(subset_font(path, text), "font/woff")
                weight = f"font-weight: {weight or '200 900'}; "
                rules.append(f'@font-face {{ font-family: "{face.family}"; src: url("{uri}") format("woff"); '
                             f"{weight}font-style: {style}; }}")
    return "\n".join(rules)


def standalone(html_text: str, series: Series, web_css: Path | None) -> str:
    """Put every stylesheet and the fonts into the page's <head>."""
    visible = re.sub(r"<[^>]+>", "", html_text)
    css = [font_faces(series, visible)]
    css += [p.read_text(encoding="utf-8") for p in series.stylesheets]
    if web_css is not None:
        css.append(web_css.read_text(encoding="utf-8"))
    # The generated @font-face rules with file: URLs are for WeasyPrint only.
    html_text = re.sub(r"@font-face \{[^}]*url\(\"file:[^}]*\}\n?", "", html_text)
    logo = series.publisher.logo
    if logo is not None:  # a page read anywhere carries its logo along
        mime = "image/svg+xml" if logo.suffix.lower() == ".svg" else "image/png"
        html_text = html_text.replace(f'src="{series.publisher.logo_src}"', f'src="{data_uri(logo.read_bytes(), mime)}"')
    style = "<style>\n" + "\n".join(css) + "\n</style>\n</head>"
    return html_text.replace("</head>", style, 1)
