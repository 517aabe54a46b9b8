"""`--new-series ID [--reader]`: a new series folder, with every key it may set explained.

With `--reader` (or a parent that is a reader series already), the folder is a reader series: the
cover and contents of an event reader in the identity of its parent, the publisher's own series.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from report.source.fields import yaml_value
from report.source.schemas import FACES, PUBLISHER, SERIES

HEADER = """\
# Series '{id}'. Every key is optional except `extends`: what is not set here is inherited
# from the parent series ({parent}). Check it with: python build.py DOC --series {id} --check
# Below, commented, every other key with the value a series gets when no series in the chain
# sets it; docs/reference/series-yaml.md explains each. For another publisher, set the
# `publisher` block: nothing of the parent's identity (nor its disclaimer) then remains.
extends: {parent}

"""
READER_HEADER = """\
# Reader series '{id}': the cover and contents of an event reader (python build.py --bundle
# reader.yaml) in the identity of its parent, {parent}: publisher, colours and fonts.
# The publisher now: {publisher}.
# A reader.yaml that names no series takes this series by itself when its documents are that
# publisher's; any other reader names it with `series: {id}`. For another publisher, set the
# `publisher` block below, and `colors` and `fonts`: nothing of the parent's identity then remains.
# What makes it a reader series is a templates/reader.html, its own or its parent's; override
# that template's blocks (reader_cover, reader_contents) to change what the pages show.
# Check it with: python build.py --bundle reader.yaml --check
extends: {parent}
label: Reader              # the word on the cover; languages.<lang>.label words it in another language

"""
READER_TEMPLATE = """\
{{#- The cover and contents of series '{id}': the shipped reader (templates/reader.html, whose
    comment lists what a block may use), in this series' identity. Override a block here, e.g.
    {{% block reader_cover %}} … {{% endblock %}}; what is not overridden stays the shipped one. -#}}
{{% extends "base/reader.html" %}}
"""
READER_CSS = """\
/* Reader series '{id}': loaded after the base style, the shipped reader's (templates/reader.css)
   and the parents' styles. The cover is the named page `reader-cover` (.reader-cover,
   .reader-title, .reader-subtitle, .reader-date, .reader-cover-foot); the contents is
   .reader-contents, one li per document (.entry-series, .entry-title, .entry-authors).
   For example:
h1.reader-title {{ font-size: 32pt; line-height: 37pt; }}
*/
"""


@dataclass(frozen=True)
class ReaderParent:
    """What a reader series needs to know of its parent."""

    publisher: str  # whose identity the parent carries, for the header
    has_template: bool  # the parent is a reader series already: its reader.html is inherited


# Mappings are shown by example rather than by their empty default.
EXAMPLES = {
    "colors": """\
# colors:                  # reach the CSS as var(--color-NAME) and the charts
#   primary: "#1b2a4a"     # masthead and headings
#   accent: "#b5523b"      # rules, recommendation numbers, chart highlight
#   tint: "#eef1f6"        # box backgrounds
#   text: "#1f2328"
""",
    "fonts": """\
# fonts:                   # font files in this folder; every face the CSS uses must be given
#   serif:                 # (a face the series lacks stops the build, naming this line)
#     family: My Serif
#     normal: fonts/MySerif-Regular.ttf      # or one variable file for every weight
#     italic: fonts/MySerif-Italic.ttf
""" + "".join(f"#     {key}: fonts/MySerif-{key.title().replace('_', '').replace('Semibold', 'SemiBold')}.ttf\n"
              for key in FACES if key not in ("normal", "italic")) + """\
#   sans:
#     family: My Sans
#     normal: fonts/MySans-Regular.ttf
#     italic: fonts/MySans-Italic.ttf
#     semibold: fonts/MySans-SemiBold.ttf
#     bold: fonts/MySans-Bold.ttf
""",
}


def _publisher() -> str:
    """The publisher block, every key commented with its meaning."""
    lines = ["# publisher:               # who publishes: one block, replaced whole (nothing of the parent's stays)\n"]
    examples = {"name": "My Institute", "short_name": "Institute", "wordmark": "INSTITUTE",
                "logo": "logo.svg", "lines": "[My Institute, An independent research institute]",
                "website": "institute.example"}
    for field in PUBLISHER.fields:
        setting = f"#   {field.name}: {examples[field.name]}"
        lines.append(f"{setting:<26} # {field.doc}\n")
    return "".join(lines)


def manifest(series_id: str, parent: str, reader: ReaderParent | None = None) -> str:
    """The new series.yaml: `extends`, then every key of schemas.SERIES, commented."""
    if reader is None:
        lines = [HEADER.format(id=series_id, parent=parent)]
    else:
        lines = [READER_HEADER.format(id=series_id, parent=parent, publisher=reader.publisher)]
    for field in SERIES.fields:
        if not field.attribute or (reader is not None and field.name == "label"):  # written above
            continue
        if field.name == "publisher":
            lines.append(_publisher())
        elif field.name in EXAMPLES:
            lines.append(EXAMPLES[field.name])
        else:
            setting = f"# {field.name}: {yaml_value(field.default)}"
            lines.append(f"{setting:<26} # {field.doc}\n")
    return "".join(lines)


CSS = """\
/* Series '{id}': loaded after the base style and the parents' styles. Mostly variables,
   for example:
:root {{ --body-size: 11pt; --body-leading: 16pt; }}
h2 {{ text-transform: uppercase; letter-spacing: 0.04em; }}
   The page size, margins and rail are series.yaml keys (page_size, margins, rail), which
   reach this CSS as var(--margin-top) … var(--rail) and var(--column).
*/
"""


def new_series(series_id: str, parent: str, root: Path, reader: ReaderParent | None = None) -> list[Path]:
    folder = root / series_id
    folder.mkdir(parents=True)
    path, css = folder / "series.yaml", folder / "style.css"
    path.write_text(manifest(series_id, parent, reader), encoding="utf-8")
    css.write_text((CSS if reader is None else READER_CSS).format(id=series_id), encoding="utf-8")
    made = [path, css]
    if reader is not None and not reader.has_template:
        template = folder / "templates" / "reader.html"
        template.parent.mkdir()
        template.write_text(READER_TEMPLATE.format(id=series_id), encoding="utf-8")
        made.append(template)
    return made
