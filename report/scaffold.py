"""`--new-series ID`: a new series folder, with every key it may set explained."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# Series '{id}'. Every key is optional except `extends`: what is not set here is inherited
# from the parent series ({parent}). Check it with: python build.py DOC --series {id} --check
extends: {parent}

# name: Full name of the series, e.g. SCEEUS Guest Commentary
# label: The masthead line, e.g. Guest Commentary
# publisher: The publisher's full name
# publisher_short: The short name in the footer
# publisher_lines: [lines of the publisher block at the end]
# website: example.org
# disclaimer: Markdown printed at the end ("" for none)
# page_size: A4            # or letter, A5, 170mm 240mm …
# text_align: left         # body text: justify, or left (ragged right)
# required: [summary]      # front-matter keys documents of this series must set
# declares: []             # extra front-matter keys this series accepts
# numbered_sections: false
# contents: false          # a table of contents with page numbers
# cover: false
# colors:                  # reach the CSS as var(--color-NAME) and the charts
#   primary: "#1b2a4a"     # masthead and headings
#   accent: "#b5523b"      # rules, recommendation numbers, chart highlight
#   tint: "#eef1f6"        # box backgrounds
#   text: "#1f2328"
# chart_colors: [primary, accent, muted]
# fonts:                   # font files in this folder, e.g. fonts/MySerif.ttf
#   serif: {{family: My Serif, normal: fonts/MySerif.ttf, italic: fonts/MySerif-Italic.ttf}}
#   sans: {{family: My Sans, normal: fonts/MySans.ttf}}
"""

CSS = """\
/* Series '{id}': loaded after the base style and the parents' styles. Mostly variables
   and page rules, for example:
:root {{ --body-size: 11pt; --body-leading: 16pt; --rail: 0mm; }}
h2 {{ text-transform: uppercase; letter-spacing: 0.04em; }}
*/
"""


def new_series(series_id: str, parent: str, root: Path) -> list[Path]:
    folder = root / series_id
    folder.mkdir(parents=True)
    manifest, css = folder / "series.yaml", folder / "style.css"
    manifest.write_text(TEMPLATE.format(id=series_id, parent=parent), encoding="utf-8")
    css.write_text(CSS.format(id=series_id), encoding="utf-8")
    return [manifest, css]
