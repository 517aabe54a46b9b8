"""`--new-series ID`: a new series folder, with every key it may set explained."""

from __future__ import annotations

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


def manifest(series_id: str, parent: str) -> str:
    """The new series.yaml: `extends`, then every key of schemas.SERIES, commented."""
    lines = [HEADER.format(id=series_id, parent=parent)]
    for field in SERIES.fields:
        if not field.attribute:  # extends: written above
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


def new_series(series_id: str, parent: str, root: Path) -> list[Path]:
    folder = root / series_id
    folder.mkdir(parents=True)
    path, css = folder / "series.yaml", folder / "style.css"
    path.write_text(manifest(series_id, parent), encoding="utf-8")
    css.write_text(CSS.format(id=series_id), encoding="utf-8")
    return [path, css]
