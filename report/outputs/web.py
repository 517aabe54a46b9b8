"""The web version (`--format html`): one self-contained, responsive page.

Same template and content as the PDF; on top of the print stylesheets comes `web.css`
(found on the series' search path). Fonts are subset to the characters the page uses and
embedded as WOFF data URIs, charts are inline SVG, pictures data URIs: the page loads
nothing from anywhere, and prints from a browser.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from html import escape, unescape
from pathlib import Path

import tinycss2

from report.fonts.quiet import fonttools_quiet
from report.outputs.reflow import scroll_boxes
from report.series import css as seriescss
from report.errors import BuildError, display_path
from report.model import Series
from report.render.hyphenate import SOFT_HYPHEN

# Lazy: fontTools' subsetter (about 0.4 s), only when the web page embeds a font.

CSP = "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'"
SVG_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
SVG_ID = re.compile(r'\bid="([^"]+)"')
# matplotlib's RDF block (creator, format): not SVG that HTML allows, and nothing a reader needs.
SVG_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
SVG_XMLNS_RDF = re.compile(r'\s+xmlns:(?:rdf|cc|dc)="[^"]*"')
# Paged media only (running headers, leaders, page counters): a browser has no use for them,
# and they are not CSS that the web knows (the Nu checker reports each one).
PAGED_ONLY = ("string(", "leader(", "target-counter(", "counter(page", "counter(pages")
PAGED_PROPERTIES = {"string-set", "bleed", "marks", "page"}


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def inline_svg(svg: bytes, prefix: str) -> str:
    """An SVG file as inline markup; ids get a prefix so that two charts never share one."""
    text = SVG_HEAD.sub("", svg.decode("utf-8"), count=1)
    text = SVG_XMLNS_RDF.sub("", SVG_METADATA.sub("", text, count=1))
    ids = set(SVG_ID.findall(text))
    for ident in sorted(ids, key=len, reverse=True):
        text = (text.replace(f'id="{ident}"', f'id="{prefix}{ident}"')
                    .replace(f"#{ident})", f"#{prefix}{ident})")
                    .replace(f'href="#{ident}"', f'href="#{prefix}{ident}"'))
    return text


def chart_html(wide: bytes, phone: bytes | None, ident: str, alt: str) -> str:
    """A chart for the page: its drawing for the text column and, where given, its phone drawing
    (`render.webcharts`), which web.css shows instead at PHONE_MEDIA. Both inline, not `<picture>`
    sources: an SVG shown as an image is a document of its own, without the page's fonts, and
    its text would fall back to whatever the reader's machine has. One named image either way."""
    drawings = f'<span class="chart-wide">{inline_svg(wide, ident + "-")}</span>'
    if phone is not None:
        drawings += f'<span class="chart-phone">{inline_svg(phone, ident + "-phone-")}</span>'
    return f'<div class="chart" role="img" aria-label="{escape(alt)}">{drawings}</div>'


def pdf_link(html_text: str, href: str, label: str) -> str:
    """The page with a link to its PDF under its title (the first <h1>) and its subtitle, if any."""
    link = f'\n<p class="pdf-link"><a href="{escape(href)}" type="application/pdf">{escape(label)}</a></p>'
    title = _TITLE_END.search(html_text)
    return html_text if title is None else html_text[:title.end()] + link + html_text[title.end():]


# The title's end, and its subtitle's (the base template's markup, which series keep).
_TITLE_END = re.compile(r'</h1>(?:\s*<p class="subtitle"[^>]*>.*?</p>)?', re.S)


def section_nav(html_text: str, label: str) -> str:
    """The page with a list of its sections before the body, where the body has more than
    SECTIONS_FOR_NAV `##` sections and the template gave it no contents of its own."""
    body = _MAIN.search(html_text)
    if body is None or 'class="contents' in html_text[:body.start()]:
        return html_text
    sections = _H2.findall(body[0])
    if len(sections) <= SECTIONS_FOR_NAV:
        return html_text
    items = "".join(f'<li><a href="#{escape(ident)}">{escape(_plain(inner))}</a></li>\n'
                    for ident, inner in sections)
    nav = (f'<nav class="sections" aria-labelledby="sections-heading">\n'
           f'<h2 class="sections-heading" id="sections-heading">{escape(label)}</h2>\n<ol>\n{items}</ol>\n</nav>\n')
    return html_text[:body.start()] + nav + html_text[body.start():]


SECTIONS_FOR_NAV = 4
_MAIN = re.compile(r"<main\b.*?</main>", re.S)
_H2 = re.compile(r'<h2\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>', re.S)


def _plain(fragment: str) -> str:
    """A heading's words: no markup, no soft hyphens (the typesetter's), one space between words."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", fragment)).replace(SOFT_HYPHEN, "").split())


def screen_css(css: str) -> str:
    """A stylesheet without what only paged media use: @page rules, `@media print` blocks,
    `string-set`, `content: string(…)`, leaders and page counters. Everything else is kept as
    written."""
    def keep(declaration) -> bool:
        if declaration.type != "declaration":
            return True
        value = tinycss2.serialize(declaration.value).replace(" ", "")
        return (declaration.lower_name not in PAGED_PROPERTIES
                and not any(marker in value for marker in PAGED_ONLY))

    def rules(text: str) -> str:
        out = []
        for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
            if rule.type == "at-rule" and rule.lower_at_keyword == "page":
                continue
            if (rule.type == "at-rule" and rule.lower_at_keyword == "media"
                    and tinycss2.serialize(rule.prelude).strip().lower() == "print"):
                continue  # for pages only (footnotes, say): a browser's validator would refuse some
            if rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
                inner = rules(tinycss2.serialize(rule.content))
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{\n{inner}\n}}")
            elif rule.type == "qualified-rule":
                body = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
                kept = [d for d in body if keep(d)]
                if kept:
                    declarations = "; ".join(tinycss2.serialize([d]).strip() for d in kept)
                    out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ {declarations}; }}")
            elif rule.type != "error":
                out.append(tinycss2.serialize([rule]))
        return "\n".join(out)

    return rules(css)


def subset_font(path: Path, text: str) -> bytes:
    """The font cut down to the characters in `text` (variations kept), as WOFF."""
    with fonttools_quiet():  # its warnings about the file: nothing the editor can act on
        return _subset(path, text)


def _subset(path: Path, text: str) -> bytes:
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


def font_faces(series: Series, text: str, linked=None) -> str:
    """@font-face rules for the series' faces: each subset to `text` and embedded, or, with
    `linked` (font file → URL), linked as it is."""
    rules = []
    for role, face in sorted(series.fonts.items()):
        for weight, style, path in face.faces():
            if linked is not None:
                src = f'url("{linked(path)}")'
            else:
                try:
                    src = f'url("{data_uri(subset_font(path, text), "font/woff")}") format("woff")'
                except Exception as exc:  # fontTools raises many kinds on a file that is no font
                    raise BuildError(f"the font file {display_path(path)} cannot be read as a font "
                                     f"({type(exc).__name__}: {str(exc)[:80]})") from None
            rules.append(f'@font-face {{ font-family: "{face.family}"; src: {src}; '
                         f"font-weight: {weight or '200 900'}; font-style: {style}; }}")
    return "\n".join(rules)


def script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def with_script(policy: str, script: str) -> str:
    """`policy`, allowing one more inline script by its hash (and no other)."""
    if "; script-src " in policy:
        return policy.replace("; script-src ", f"; script-src {script_hash(script)} ", 1)
    return policy + f"; script-src {script_hash(script)}"


def preview_policy(script: str) -> str:
    """The published page's policy, plus what the live preview itself needs: the font files it
    serves, its one reload script (by its hash) and its event stream. Nothing else loads."""
    return (CSP.replace("font-src data:", "font-src data: 'self'")
            + f"; script-src {script_hash(script)}; connect-src 'self'")


def standalone(html_text: str, series: Series, web_css: Path | None, linked_fonts=None, policy: str = CSP) -> str:
    """Put every stylesheet and the fonts into the page's <head>.

    With `linked_fonts` (font file → URL) the fonts are linked, not embedded: the live preview,
    which serves them, adds its script, and passes its `policy` (see `preview_policy`)."""
    html_text = scroll_boxes(html_text)  # tables and charts scroll in their own box, never the page
    visible = re.sub(r"<[^>]+>", "", html_text)
    css = [font_faces(series, visible, linked_fonts)]
    # The browser would fetch what a url() names: the fetcher's rules, applied here (see seriescss).
    # Each is the parser's writing of the sheet, never its text as read (escapes undone, checked).
    css += [screen_css(seriescss.inline(p, series.folders)) for p in series.stylesheets]
    if web_css is not None:
        css.append(seriescss.inline(web_css, series.folders))
    # The generated @font-face rules with file: URLs are for WeasyPrint only, and so is @page.
    html_text = re.sub(r"@font-face \{[^}]*url\(\"file:[^}]*\}\n?", "", html_text)
    html_text = re.sub(r"@page \{[^}]*\}\n?", "", html_text)
    logo = series.publisher.logo
    if logo is not None:  # a page read anywhere carries its logo along
        mime = "image/svg+xml" if logo.suffix.lower() == ".svg" else "image/png"
        html_text = html_text.replace(f'src="{series.publisher.logo_src}"', f'src="{data_uri(logo.read_bytes(), mime)}"')
    # The browser's own guard on top: this page may load nothing from anywhere (links still work).
    guard = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
    # A CSS string may hold "</style>", which would end the element: "<\/" is the same string.
    style = guard + "<style>\n" + "\n".join(css).replace("</", "<\\/") + "\n</style>\n</head>"
    return html_text.replace("</head>", style, 1)
